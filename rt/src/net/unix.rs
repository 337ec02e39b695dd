//! Unix domain stream sockets: `UnixListener` and `UnixStream`. Go: net.UnixListener,
//! net.UnixConn (unixsock*.go), for the "unix" network.
//!
//! As TCP (`tcp.rs`), except for connecting: a Unix `connect` never runs in the
//! background (no `EINPROGRESS`); it succeeds or fails at once. When the listener's
//! backlog is full it fails with `EAGAIN` ("resource temporarily unavailable"), as Go's
//! does: a non-blocking socket cannot wait for room (an unconnected Unix socket always
//! polls writable, so the poller could not say when to retry).

use super::Conn;
use crate::netpoll::Dir;
use std::io;
use std::net::Shutdown;
use std::os::fd::{AsRawFd, FromRawFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

/// A Unix domain listening socket whose `accept` parks the goroutine. Go:
/// net.UnixListener.
///
/// As std's (and unlike Go's), the socket file stays after the listener is gone: remove
/// it yourself.
///
/// # Examples
/// ```
/// use goro::net::{UnixListener, UnixStream};
/// use std::io::{Read, Write};
///
/// goro::run(|| {
///     let path = std::env::temp_dir().join(format!("goro-doc-{}.sock", std::process::id()));
///     let _ = std::fs::remove_file(&path);
///     let l = UnixListener::bind(&path).unwrap();
///     let p = path.clone();
///     let client = goro::spawn(move || {
///         let mut c = UnixStream::connect(&p).unwrap();
///         c.write_all(b"ping").unwrap();
///         let mut buf = [0; 4];
///         c.read_exact(&mut buf).unwrap();
///         buf
///     });
///     let (mut s, _) = l.accept().unwrap();
///     let mut buf = [0; 4];
///     s.read_exact(&mut buf).unwrap();
///     s.write_all(b"pong").unwrap();
///     assert_eq!(&buf, b"ping");
///     assert_eq!(&client.join().unwrap(), b"pong");
///     std::fs::remove_file(&path).unwrap();
/// });
/// ```
#[derive(Clone)]
pub struct UnixListener {
    conn: Arc<Conn<std::os::unix::net::UnixListener>>,
}

impl UnixListener {
    /// Creates the socket file at `path` (which must not exist: `AddrInUse`) and listens.
    /// Go: net.Listen("unix", path).
    ///
    /// # Examples
    /// See [`UnixListener`].
    pub fn bind<P: AsRef<Path>>(path: P) -> io::Result<UnixListener> {
        let l = std::os::unix::net::UnixListener::bind(path)?;
        super::listen_backlog(&l)?;
        l.set_nonblocking(true)?;
        Ok(UnixListener {
            conn: Arc::new(Conn::new(l)?),
        })
    }

    /// Waits for a connection. Go: Listener.Accept.
    ///
    /// # Examples
    /// See [`UnixListener`].
    pub fn accept(&self) -> io::Result<(UnixStream, SocketAddr)> {
        let (s, peer) = self.conn.io(Dir::Read, |l| l.accept())?;
        Ok((UnixStream::from_std(s)?, peer))
    }

    /// An endless iterator of `accept` results. Go: a `for { l.Accept() }` loop.
    ///
    /// # Examples
    /// ```
    /// use goro::net::{UnixListener, UnixStream};
    /// use std::io::Read;
    /// goro::run(|| {
    ///     let path = std::env::temp_dir().join(format!("goro-doc-inc-{}.sock", std::process::id()));
    ///     let _ = std::fs::remove_file(&path);
    ///     let l = UnixListener::bind(&path).unwrap();
    ///     let _c = UnixStream::connect(&path).unwrap();
    ///     let mut s = l.incoming().next().unwrap().unwrap();
    ///     drop(_c); // the client hangs up: end of stream
    ///     assert_eq!(s.read(&mut [0; 4]).unwrap(), 0);
    ///     std::fs::remove_file(&path).unwrap();
    /// });
    /// ```
    pub fn incoming(&self) -> UnixIncoming<'_> {
        UnixIncoming { listener: self }
    }

    /// The address the listener is bound to. Go: Listener.Addr.
    ///
    /// # Examples
    /// ```
    /// goro::run(|| {
    ///     let path = std::env::temp_dir().join(format!("goro-doc-addr-{}.sock", std::process::id()));
    ///     let _ = std::fs::remove_file(&path);
    ///     let l = goro::net::UnixListener::bind(&path).unwrap();
    ///     assert_eq!(l.local_addr().unwrap().as_pathname(), Some(path.as_path()));
    ///     std::fs::remove_file(&path).unwrap();
    /// });
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.conn.local_addr()
    }

    /// Another handle to the same listener (as std's; here a cheap clone).
    ///
    /// # Examples
    /// See [`close`](UnixListener::close).
    pub fn try_clone(&self) -> io::Result<UnixListener> {
        Ok(self.clone())
    }

    /// Go's `Close`: a parked `accept` (on any clone) returns an error at once, later
    /// ones too.
    ///
    /// # Examples
    /// ```
    /// use goro::net::UnixListener;
    /// goro::run(|| {
    ///     let path = std::env::temp_dir().join(format!("goro-doc-close-{}.sock", std::process::id()));
    ///     let _ = std::fs::remove_file(&path);
    ///     let l = UnixListener::bind(&path).unwrap();
    ///     let l2 = l.try_clone().unwrap();
    ///     let acceptor = goro::spawn(move || l2.accept().map(|_| ()));
    ///     goro::runtime::gosched();
    ///     l.close();
    ///     assert!(acceptor.join().unwrap().is_err());
    ///     std::fs::remove_file(&path).unwrap();
    /// });
    /// ```
    pub fn close(&self) {
        self.conn.close();
    }

    /// Sets the deadline of `accept` (parked ones too); `None` clears it. Go:
    /// UnixListener.SetDeadline.
    pub fn set_deadline(&self, when: Option<Instant>) -> io::Result<()> {
        self.conn.set_deadline(Some(Dir::Read), when)
    }
}

impl AsRawFd for UnixListener {
    fn as_raw_fd(&self) -> RawFd {
        self.conn.fd()
    }
}

/// Iterator over `UnixListener::accept`'s connections; never ends (after `close`, every
/// item is an error).
///
/// # Examples
/// See [`UnixListener::incoming`].
pub struct UnixIncoming<'a> {
    listener: &'a UnixListener,
}

impl Iterator for UnixIncoming<'_> {
    type Item = io::Result<UnixStream>;
    fn next(&mut self) -> Option<io::Result<UnixStream>> {
        Some(self.listener.accept().map(|(s, _)| s))
    }
}

/// A Unix domain stream connection whose reads and writes park the goroutine. Clones
/// share the connection. Go: net.UnixConn.
///
/// # Examples
/// See [`UnixListener`], and [`pair`](UnixStream::pair).
#[derive(Clone)]
pub struct UnixStream {
    conn: Arc<Conn<std::os::unix::net::UnixStream>>,
}

impl UnixStream {
    fn from_std(s: std::os::unix::net::UnixStream) -> io::Result<UnixStream> {
        s.set_nonblocking(true)?;
        Ok(UnixStream {
            conn: Arc::new(Conn::new(s)?),
        })
    }

    /// Connects to the socket file at `path`. Go: net.Dial("unix", path).
    ///
    /// It does not wait: if the listener's backlog is full, it fails with
    /// `ErrorKind::WouldBlock` (`EAGAIN`, "resource temporarily unavailable"), as Go's.
    ///
    /// # Examples
    /// See [`UnixListener`].
    pub fn connect<P: AsRef<Path>>(path: P) -> io::Result<UnixStream> {
        let path = path.as_ref();
        let (addr, len) = sockaddr_un(path)?;
        // SAFETY: plain syscall; the result is checked.
        let fd = unsafe {
            libc::socket(
                libc::AF_UNIX,
                libc::SOCK_STREAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
                0,
            )
        };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` is a socket we just opened and own; std closes it on drop.
        let s = unsafe { std::os::unix::net::UnixStream::from_raw_fd(fd) };
        // SAFETY: `addr` holds a valid sockaddr_un of `len` bytes.
        if unsafe { libc::connect(fd, (&raw const addr).cast(), len) } != 0 {
            // `EAGAIN` included: the backlog is full (see the header).
            return Err(io::Error::last_os_error());
        }
        UnixStream::from_std(s)
    }

    /// A connected pair of sockets, as `socketpair(2)`: a pipe that works both ways.
    ///
    /// # Examples
    /// ```
    /// use goro::net::UnixStream;
    /// use std::io::{Read, Write};
    /// goro::run(|| {
    ///     let (mut a, mut b) = UnixStream::pair().unwrap();
    ///     goro::spawn(move || a.write_all(b"hello").unwrap());
    ///     let mut buf = [0; 5];
    ///     b.read_exact(&mut buf).unwrap(); // parks until the other goroutine writes
    ///     assert_eq!(&buf, b"hello");
    /// });
    /// ```
    pub fn pair() -> io::Result<(UnixStream, UnixStream)> {
        let (a, b) = std::os::unix::net::UnixStream::pair()?;
        Ok((UnixStream::from_std(a)?, UnixStream::from_std(b)?))
    }

    /// The listener's address. Go: Conn.RemoteAddr.
    ///
    /// # Examples
    /// ```
    /// use goro::net::{UnixListener, UnixStream};
    /// goro::run(|| {
    ///     let path = std::env::temp_dir().join(format!("goro-doc-peer-{}.sock", std::process::id()));
    ///     let _ = std::fs::remove_file(&path);
    ///     let _l = UnixListener::bind(&path).unwrap();
    ///     let c = UnixStream::connect(&path).unwrap();
    ///     assert_eq!(c.peer_addr().unwrap().as_pathname(), Some(path.as_path()));
    ///     assert!(c.local_addr().unwrap().is_unnamed()); // a client has no file of its own
    ///     std::fs::remove_file(&path).unwrap();
    /// });
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.conn.peer_addr()
    }

    /// The local address (unnamed for a connecting client). Go: Conn.LocalAddr.
    ///
    /// # Examples
    /// See [`peer_addr`](UnixStream::peer_addr).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.conn.local_addr()
    }

    /// Shuts down the reading or writing half, or both (Go: CloseRead, CloseWrite).
    ///
    /// # Examples
    /// ```
    /// use goro::net::UnixStream;
    /// use std::io::Read;
    /// use std::net::Shutdown;
    /// goro::run(|| {
    ///     let (a, mut b) = UnixStream::pair().unwrap();
    ///     a.shutdown(Shutdown::Write).unwrap();
    ///     assert_eq!(b.read(&mut [0; 4]).unwrap(), 0); // the peer sees end of stream
    /// });
    /// ```
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.conn.with(|s| s.shutdown(how))
    }

    /// Another handle to the same connection (as std's; here a cheap clone).
    ///
    /// # Examples
    /// ```
    /// use goro::net::UnixStream;
    /// use std::io::{Read, Write};
    /// goro::run(|| {
    ///     let (a, b) = UnixStream::pair().unwrap();
    ///     let mut a2 = a.try_clone().unwrap();
    ///     a2.write_all(b"x").unwrap();
    ///     assert_eq!((&b).read(&mut [0; 1]).unwrap(), 1);
    /// });
    /// ```
    pub fn try_clone(&self) -> io::Result<UnixStream> {
        Ok(self.clone())
    }

    /// Go's `Close`: parked reads and writes (on any clone) return an error at once,
    /// later ones too, and the peer sees the end of the stream.
    ///
    /// # Examples
    /// ```
    /// use goro::net::UnixStream;
    /// use std::io::Read;
    /// goro::run(|| {
    ///     let (a, b) = UnixStream::pair().unwrap();
    ///     let reader = goro::spawn(move || (&b).read(&mut [0; 4]).unwrap());
    ///     a.clone().close(); // any clone
    ///     assert_eq!(reader.join().unwrap(), 0); // the peer sees end of stream
    /// });
    /// ```
    pub fn close(&self) {
        self.conn.close();
    }

    /// Sets the read and write deadlines (`None` clears them): from then on, parked and
    /// later operations fail with `ErrorKind::TimedOut` ("i/o timeout"). Go:
    /// Conn.SetDeadline; see [`TcpStream::set_deadline`](super::TcpStream::set_deadline).
    ///
    /// # Examples
    /// ```
    /// use std::time::{Duration, Instant};
    /// goro::run(|| {
    ///     let (s, _peer) = goro::net::UnixStream::pair().unwrap();
    ///     s.set_read_deadline(Some(Instant::now() + Duration::from_millis(20))).unwrap();
    ///     let err = std::io::Read::read(&mut &s, &mut [0; 8]).unwrap_err();
    ///     assert_eq!(err.kind(), std::io::ErrorKind::TimedOut);
    /// });
    /// ```
    pub fn set_deadline(&self, when: Option<Instant>) -> io::Result<()> {
        self.conn.set_deadline(None, when)
    }

    /// Sets the read deadline only. Go: Conn.SetReadDeadline.
    pub fn set_read_deadline(&self, when: Option<Instant>) -> io::Result<()> {
        self.conn.set_deadline(Some(Dir::Read), when)
    }

    /// Sets the write deadline only. Go: Conn.SetWriteDeadline.
    pub fn set_write_deadline(&self, when: Option<Instant>) -> io::Result<()> {
        self.conn.set_deadline(Some(Dir::Write), when)
    }
}

super::stream_io!(UnixStream);

impl std::fmt::Debug for UnixStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnixStream")
            .field("fd", &self.conn.fd())
            .field("local", &self.local_addr().ok())
            .field("peer", &self.peer_addr().ok())
            .finish()
    }
}

impl std::fmt::Debug for UnixListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnixListener")
            .field("fd", &self.conn.fd())
            .field("local", &self.local_addr().ok())
            .finish()
    }
}

/// `path` as a C Unix socket address: no NUL bytes, shorter than `sun_path`.
fn sockaddr_un(path: &Path) -> io::Result<(libc::sockaddr_un, libc::socklen_t)> {
    // SAFETY: all-zero is a valid sockaddr_un (and terminates the path).
    let mut addr: libc::sockaddr_un = unsafe { core::mem::zeroed() };
    addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
    let bytes = path.as_os_str().as_bytes();
    if bytes.contains(&0) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "paths must not contain interior null bytes",
        ));
    }
    if bytes.len() >= addr.sun_path.len() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "path must be shorter than SUN_LEN",
        ));
    }
    for (dst, &src) in addr.sun_path.iter_mut().zip(bytes) {
        *dst = src as libc::c_char;
    }
    let len = core::mem::offset_of!(libc::sockaddr_un, sun_path) + bytes.len() + 1;
    Ok((addr, len as libc::socklen_t))
}
