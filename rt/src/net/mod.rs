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
//! the socket with an error at once and makes later ones fail before their syscall, and
//! closes the fd as soon as no operation is inside it (Go's fdMutex reference count,
//! `Conn::refs`), so a clone still inside a syscall can never see its number reused, and the
//! kernel sees a real close: the peer reads end of stream, or a reset if data was left
//! unread or `SO_LINGER` is 0, and its later writes fail, as with Go. A plain thread
//! blocked in the socket (`poll(2)`) sees the close within `netpoll`'s 100 ms slice, and
//! the fd closes then.
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
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
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
                if buf.is_empty() {
                    // Go's Read of an empty buffer: (0, nil) at once, unless closed.
                    return self.conn.with(|_| Ok(0));
                }
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
struct Conn<S: Addrs> {
    sock: ManuallyDrop<S>,
    pd: &'static PollDesc,
    /// Operations inside the fd (in a syscall, or parked waiting to make one), plus
    /// `CLOSED` once `close` ran; whoever brings it to `CLOSED` alone closes the fd. Go:
    /// fdMutex's reference count (incref/decref/destroy).
    refs: AtomicUsize,
    /// The fd is closed (by `close_fd`; `Drop` then leaves `sock` alone).
    fd_closed: AtomicBool,
    /// A UDP socket's `connect` succeeded (Go: netFD.isConnected).
    connected: AtomicBool,
    /// The addresses as `close` found them, for after it.
    local: OnceLock<S::Addr>,
    peer: OnceLock<S::Addr>,
}

/// A socket's addresses, which Go's `LocalAddr`/`RemoteAddr` still give after `Close`.
trait Addrs: AsRawFd {
    type Addr: Clone;
    fn local(&self) -> io::Result<Self::Addr>;
    /// Listeners have no peer.
    fn peer(&self) -> io::Result<Self::Addr>;
}

macro_rules! addrs {
    ($t:ty, $a:ty, $peer:expr) => {
        impl Addrs for $t {
            type Addr = $a;
            fn local(&self) -> io::Result<$a> {
                self.local_addr()
            }
            fn peer(&self) -> io::Result<$a> {
                $peer(self)
            }
        }
    };
}
fn no_peer<T, A>(_: &T) -> io::Result<A> {
    Err(io::ErrorKind::NotConnected.into())
}
addrs!(
    std::net::TcpStream,
    SocketAddr,
    std::net::TcpStream::peer_addr
);
addrs!(
    std::net::UdpSocket,
    SocketAddr,
    std::net::UdpSocket::peer_addr
);
addrs!(std::net::TcpListener, SocketAddr, no_peer);
use std::os::unix::net::{SocketAddr as UnixAddr, UnixListener as StdUnixListener};
addrs!(
    std::os::unix::net::UnixStream,
    UnixAddr,
    std::os::unix::net::UnixStream::peer_addr
);
addrs!(StdUnixListener, UnixAddr, no_peer);

/// `Conn::refs`' closed bit.
const CLOSED: usize = 1 << (usize::BITS - 1);

/// One operation's reference to a `Conn`'s fd (`Conn::incref`).
struct FdRef<'a, S: Addrs>(&'a Conn<S>);

impl<S: Addrs> Drop for FdRef<'_, S> {
    fn drop(&mut self) {
        let old = self.0.refs.fetch_sub(1, Ordering::AcqRel);
        if old == CLOSED | 1 {
            self.0.close_fd();
        }
    }
}

impl<S: Addrs> Conn<S> {
    fn new(sock: S) -> io::Result<Conn<S>> {
        // At the first socket, also on a plain thread with no runtime (`rlimit.rs`).
        crate::rlimit::raise_nofile();
        let pd = netpoll::open(sock.as_raw_fd())?;
        Ok(Conn {
            sock: ManuallyDrop::new(sock),
            pd,
            refs: AtomicUsize::new(0),
            fd_closed: AtomicBool::new(false),
            connected: AtomicBool::new(false),
            local: OnceLock::new(),
            peer: OnceLock::new(),
        })
    }

    /// The local address; after `close`, as it was then. Go: LocalAddr.
    fn local_addr(&self) -> io::Result<S::Addr> {
        self.with(S::local)
            .or_else(|e| self.local.get().cloned().ok_or(e))
    }

    /// The peer's address (a UDP socket may `connect` again); after `close`, as it was
    /// then. Go: RemoteAddr.
    fn peer_addr(&self) -> io::Result<S::Addr> {
        self.with(S::peer)
            .or_else(|e| self.peer.get().cloned().ok_or(e))
    }

    fn fd(&self) -> RawFd {
        self.sock.as_raw_fd()
    }

    /// A reference for one operation on the fd, or Go's "use of closed network
    /// connection" once `close` ran. Go: fd.incref.
    fn incref(&self) -> io::Result<FdRef<'_, S>> {
        let old = self.refs.fetch_add(1, Ordering::Acquire);
        let r = FdRef(self);
        if old & CLOSED != 0 {
            return Err(netpoll::closed()); // (`r` gives the count back)
        }
        Ok(r)
    }

    /// Runs `f` on the socket unless it is closed; the fd stays open meanwhile.
    fn with<T>(&self, f: impl FnOnce(&S) -> io::Result<T>) -> io::Result<T> {
        let _r = self.incref()?;
        f(&self.sock)
    }

    /// Closes the fd, once. The last reference out after `close` calls this.
    fn close_fd(&self) {
        if !self.fd_closed.swap(true, Ordering::AcqRel) {
            // SAFETY: our fd, open until here, and no operation is inside it (`refs`) or
            // can enter (`CLOSED`); `Drop` will not close it again (`fd_closed`).
            unsafe { libc::close(self.fd()) };
        }
    }

    /// Runs `op` until it does not report `WouldBlock`, parking for `dir` in between.
    /// Fails first if the socket is closed or `dir`'s deadline has passed (Go's
    /// "i/o timeout"), as Go checks before the syscall.
    fn io<T>(&self, dir: Dir, mut op: impl FnMut(&S) -> io::Result<T>) -> io::Result<T> {
        let _r = self.incref()?;
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

    /// Go's Close: parked and later operations fail, and the fd closes once no operation
    /// is inside it (see the module's header). Closing again does nothing.
    fn close(&self) {
        // Our own reference keeps the fd open while it leaves the poller.
        let Ok(r) = self.incref() else { return };
        if self.refs.fetch_or(CLOSED, Ordering::AcqRel) & CLOSED != 0 {
            return;
        }
        // Go's addresses outlive the fd.
        if let Ok(a) = self.sock.local() {
            let _ = self.local.set(a);
        }
        if let Ok(a) = self.sock.peer() {
            let _ = self.peer.set(a);
        }
        netpoll::close_desc(self.pd, self.fd());
        drop(r); // the last reference out closes the fd
    }
}

impl<S: Addrs> Drop for Conn<S> {
    fn drop(&mut self) {
        // (After `close`, the descriptor is closed already and the fd not touched.)
        netpoll::close_desc(self.pd, self.fd());
        if !*self.fd_closed.get_mut() {
            // SAFETY: dropped exactly once, here; nothing uses `sock` afterwards.
            unsafe { ManuallyDrop::drop(&mut self.sock) };
        }
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
