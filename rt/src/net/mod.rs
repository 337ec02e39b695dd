//! `goro::net`: sockets whose blocking calls park the goroutine on the network poller
//! (`netpoll.rs`), with std-like APIs. Go: package net (fd_unix.go, fd_poll_runtime.go).
//!
//! One file per kind of socket, as Go's tcpsock/udpsock/unixsock: `tcp.rs` (`TcpListener`,
//! `TcpStream`), `udp.rs` (`UdpSocket`), `unix.rs` (`UnixListener`, `UnixStream`).
//!
//! Each socket is non-blocking and registered with the poller once. An operation tries its
//! syscall; on `WouldBlock` it parks in "IO wait" until the poller sees the fd ready, then
//! tries again (Go: fd.pd.waitRead / waitWrite). From a plain OS thread the same calls
//! block the thread instead (the park is a thread park).
//!
//! Closing, as Go's `Close`: `close(&self)` on any clone wakes every operation parked on
//! the socket with an error at once and makes later ones fail, and shuts the socket down
//! (the peer sees end of stream). The fd itself is closed when the last clone is dropped,
//! so a clone still inside a syscall can never see its number reused.
//!
//! Addresses are resolved (`ToSocketAddrs`, which may ask DNS) through
//! `runtime::syscall`, so a lookup never holds a goroutine's thread.

mod tcp;
mod udp;
mod unix;

pub use tcp::{Incoming, TcpListener, TcpStream};
pub use udp::UdpSocket;
pub use unix::{UnixIncoming, UnixListener, UnixStream};

use crate::netpoll::{self, Dir, PollDesc};
use std::io;
use std::mem::ManuallyDrop;
use std::net::{SocketAddr, ToSocketAddrs};
use std::os::fd::{AsRawFd, RawFd};
use std::time::Instant;

/// `AsRawFd`, and `Read`/`Write` on the stream and on `&` it (so clones and shared
/// references read and write, as Go code shares a `net.Conn`), for a stream socket type
/// holding `conn: Arc<Conn<S>>` where `&S: Read + Write`.
macro_rules! stream_io {
    ($t:ty) => {
        impl std::os::fd::AsRawFd for $t {
            fn as_raw_fd(&self) -> std::os::fd::RawFd {
                self.conn.fd()
            }
        }

        impl std::io::Read for &$t {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                self.conn.io(crate::netpoll::Dir::Read, |mut s| {
                    std::io::Read::read(&mut s, buf)
                })
            }
        }

        impl std::io::Write for &$t {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.conn.io(crate::netpoll::Dir::Write, |mut s| {
                    std::io::Write::write(&mut s, buf)
                })
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }

        impl std::io::Read for $t {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                std::io::Read::read(&mut &*self, buf)
            }
        }

        impl std::io::Write for $t {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                std::io::Write::write(&mut &*self, buf)
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
    };
}
use stream_io;

/// A socket registered with the poller: the shared state behind a socket and its clones.
struct Conn<S: AsRawFd> {
    sock: ManuallyDrop<S>,
    pd: &'static PollDesc,
}

impl<S: AsRawFd> Conn<S> {
    fn new(sock: S) -> io::Result<Conn<S>> {
        // At the first socket, also on a plain thread with no runtime (`rlimit.rs`).
        crate::rlimit::raise_nofile();
        let pd = netpoll::open(sock.as_raw_fd())?;
        Ok(Conn {
            sock: ManuallyDrop::new(sock),
            pd,
        })
    }

    fn fd(&self) -> RawFd {
        self.sock.as_raw_fd()
    }

    /// Runs `op` until it does not report `WouldBlock`, parking for `dir` in between.
    /// Fails first if the socket is closed or `dir`'s deadline has passed (Go's
    /// "i/o timeout"), as Go checks before the syscall.
    fn io<T>(&self, dir: Dir, mut op: impl FnMut(&S) -> io::Result<T>) -> io::Result<T> {
        self.pd.prepare(dir)?;
        loop {
            match op(&self.sock) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.pd.wait(dir)?,
                r => return r,
            }
        }
    }

    /// Sets the deadline of `dir` (`None`: both); see `TcpStream::set_deadline`. Fails
    /// once the socket is closed, as Go's SetDeadline (`ErrClosed`).
    fn set_deadline(&self, dir: Option<Dir>, when: Option<Instant>) -> io::Result<()> {
        self.pd.check_open()?;
        self.pd.set_deadline(dir, when);
        Ok(())
    }

    /// Go's Close: parked and later operations fail; the peer sees the end of the stream.
    fn close(&self) {
        netpoll::close_desc(self.pd, self.fd());
        // SAFETY: plain syscall on our own open fd; ENOTCONN (never connected) is fine.
        unsafe { libc::shutdown(self.fd(), libc::SHUT_RDWR) };
    }
}

impl<S: AsRawFd> Drop for Conn<S> {
    fn drop(&mut self) {
        netpoll::close_desc(self.pd, self.fd());
        // SAFETY: dropped exactly once, here; nothing uses `sock` afterwards.
        unsafe { ManuallyDrop::drop(&mut self.sock) };
        netpoll::release_desc(self.pd);
    }
}

/// `addr`'s socket addresses, looked up off the goroutine's thread.
fn resolve<A: ToSocketAddrs + Send>(addr: A) -> io::Result<Vec<SocketAddr>> {
    let addrs: Vec<SocketAddr> =
        crate::syscall::syscall(move || addr.to_socket_addrs().map(Iterator::collect))?;
    if addrs.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "could not resolve to any addresses",
        ));
    }
    Ok(addrs)
}

/// Tries `f` on each address in turn, returning the first success or the last error.
fn each_addr<T>(
    addrs: &[SocketAddr],
    mut f: impl FnMut(&SocketAddr) -> io::Result<T>,
) -> io::Result<T> {
    let mut last = None;
    for a in addrs {
        match f(a) {
            Ok(t) => return Ok(t),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::from(io::ErrorKind::InvalidInput)))
}

/// Listens again with the system's largest accept queue (std listens with 128): a burst
/// of connections beyond the queue loses handshakes, which the clients retry only after a
/// second. Go: listenerBacklog, read from `/proc/sys/net/core/somaxconn`.
fn listen_backlog(l: &impl AsRawFd) -> io::Result<()> {
    static BACKLOG: std::sync::OnceLock<i32> = std::sync::OnceLock::new();
    let n = *BACKLOG.get_or_init(|| {
        std::fs::read_to_string("/proc/sys/net/core/somaxconn")
            .ok()
            .and_then(|v| v.trim().parse::<i32>().ok())
            .filter(|&n| n > 0)
            .unwrap_or(libc::SOMAXCONN)
    });
    // SAFETY: plain syscall on the caller's open, bound socket; listen may be called again
    // to change the backlog.
    if unsafe { libc::listen(l.as_raw_fd(), n) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}
