//! TCP: `TcpListener` and `TcpStream`. Go: net.TCPListener, net.TCPConn (tcpsock*.go).

use super::{Conn, each_addr, resolve};
use crate::netpoll::Dir;
use std::io;
use std::net::{Shutdown, SocketAddr, ToSocketAddrs};
use std::os::fd::{AsRawFd, FromRawFd, RawFd};
use std::sync::Arc;
use std::time::Instant;

/// A TCP listening socket whose `accept` parks the goroutine. Go: net.TCPListener.
///
/// # Examples
/// ```
/// use goro::net::{TcpListener, TcpStream};
/// use std::io::{Read, Write};
///
/// goro::run(|| {
///     let l = TcpListener::bind("127.0.0.1:0").unwrap();
///     let addr = l.local_addr().unwrap();
///     let client = goro::spawn(move || {
///         let mut c = TcpStream::connect(addr).unwrap();
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
/// });
/// ```
#[derive(Clone)]
pub struct TcpListener {
    conn: Arc<Conn<std::net::TcpListener>>,
}

impl TcpListener {
    /// Binds to `addr` (the first of its addresses that works) and listens. Go: net.Listen.
    ///
    /// # Examples
    /// ```
    /// use goro::net::{TcpListener, TcpStream};
    /// goro::run(|| {
    ///     let l = TcpListener::bind("127.0.0.1:0").unwrap(); // port 0: any free port
    ///     assert_ne!(l.local_addr().unwrap().port(), 0);
    ///     // The port is taken now: a second bind fails with a clear error.
    ///     let err = TcpListener::bind(l.local_addr().unwrap()).unwrap_err();
    ///     assert_eq!(err.kind(), std::io::ErrorKind::AddrInUse);
    /// });
    /// ```
    pub fn bind<A: ToSocketAddrs + Send>(addr: A) -> io::Result<TcpListener> {
        let addrs = resolve(addr)?;
        let l = each_addr(&addrs, |a| std::net::TcpListener::bind(a))?;
        super::listen_backlog(&l)?;
        l.set_nonblocking(true)?;
        Ok(TcpListener {
            conn: Arc::new(Conn::new(l)?),
        })
    }

    /// Waits for a connection. Go: Listener.Accept.
    ///
    /// # Examples
    /// ```
    /// use goro::net::{TcpListener, TcpStream};
    /// goro::run(|| {
    ///     let l = TcpListener::bind("127.0.0.1:0").unwrap();
    ///     let c = TcpStream::connect(l.local_addr().unwrap()).unwrap();
    ///     let (s, peer) = l.accept().unwrap(); // parks until a client connects
    ///     assert_eq!(peer, c.local_addr().unwrap());
    ///     assert_eq!(s.peer_addr().unwrap(), c.local_addr().unwrap());
    /// });
    /// ```
    pub fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        let (s, peer) = self.conn.io(Dir::Read, |l| l.accept())?;
        Ok((TcpStream::from_std(s)?, peer))
    }

    /// An endless iterator of `accept` results. Go: a `for { l.Accept() }` loop.
    ///
    /// # Examples
    /// ```
    /// use goro::net::{TcpListener, TcpStream};
    /// use std::io::Write;
    /// goro::run(|| {
    ///     let l = TcpListener::bind("127.0.0.1:0").unwrap();
    ///     let addr = l.local_addr().unwrap();
    ///     let server = goro::spawn(move || {
    ///         let mut served = 0;
    ///         for conn in l.incoming().take(3) {
    ///             conn.unwrap().write_all(b"hi").unwrap();
    ///             served += 1;
    ///         }
    ///         served
    ///     });
    ///     for _ in 0..3 {
    ///         let mut c = TcpStream::connect(addr).unwrap();
    ///         let mut buf = [0; 2];
    ///         std::io::Read::read_exact(&mut c, &mut buf).unwrap();
    ///     }
    ///     assert_eq!(server.join().unwrap(), 3);
    /// });
    /// ```
    pub fn incoming(&self) -> Incoming<'_> {
        Incoming { listener: self }
    }

    /// Another handle to the same listener (std's `try_clone`; a clone shares the socket,
    /// as a `Clone` does, so it never fails). Either may accept; `close` on one closes both.
    ///
    /// # Examples
    /// ```
    /// goro::run(|| {
    ///     let l = goro::net::TcpListener::bind("127.0.0.1:0").unwrap();
    ///     let l2 = l.try_clone().unwrap();
    ///     assert_eq!(l2.local_addr().unwrap(), l.local_addr().unwrap());
    /// });
    /// ```
    pub fn try_clone(&self) -> io::Result<TcpListener> {
        Ok(self.clone())
    }

    /// The address the listener is bound to. Go: Listener.Addr.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.conn.local_addr()
    }

    /// Sets the deadline of `accept` (parked ones too): from `when` on it fails with
    /// `ErrorKind::TimedOut`; `None` clears it. Go: TCPListener.SetDeadline.
    pub fn set_deadline(&self, when: Option<Instant>) -> io::Result<()> {
        self.conn.set_deadline(Some(Dir::Read), when)
    }

    /// Go's `Close`: a parked `accept` (on any clone) returns an error at once, later
    /// ones too, and the socket is closed (the port freed) once no call is inside it.
    ///
    /// # Examples
    /// ```
    /// use goro::net::{TcpListener, TcpStream};
    /// goro::run(|| {
    ///     let l = TcpListener::bind("127.0.0.1:0").unwrap();
    ///     let l2 = l.clone();
    ///     let acceptor = goro::spawn(move || l2.accept().map(|_| ()));
    ///     goro::runtime::gosched();
    ///     l.close(); // wakes the parked accept
    ///     let err = acceptor.join().unwrap().unwrap_err();
    ///     assert_eq!(err.to_string(), "use of closed network connection");
    /// });
    /// ```
    pub fn close(&self) {
        self.conn.close();
    }
}

impl AsRawFd for TcpListener {
    fn as_raw_fd(&self) -> RawFd {
        self.conn.fd()
    }
}

/// Iterator over `TcpListener::accept`'s connections; never ends (after `close`, every
/// item is an error).
pub struct Incoming<'a> {
    listener: &'a TcpListener,
}

impl Iterator for Incoming<'_> {
    type Item = io::Result<TcpStream>;
    fn next(&mut self) -> Option<io::Result<TcpStream>> {
        Some(self.listener.accept().map(|(s, _)| s))
    }
}

/// A TCP connection whose reads and writes park the goroutine. `TCP_NODELAY` is on, as in
/// Go. Clones share the connection (Go passes the same `net.Conn` around). Go: net.TCPConn.
///
/// # Examples
/// See [`TcpListener`].
#[derive(Clone)]
pub struct TcpStream {
    conn: Arc<Conn<std::net::TcpStream>>,
}

impl TcpStream {
    fn from_std(s: std::net::TcpStream) -> io::Result<TcpStream> {
        s.set_nonblocking(true)?;
        s.set_nodelay(true)?;
        Ok(TcpStream {
            conn: Arc::new(Conn::new(s)?),
        })
    }

    /// Connects to `addr` (each of its addresses in turn), parking while the handshake
    /// runs. Go: net.Dial("tcp", addr).
    ///
    /// # Examples
    /// ```
    /// use goro::net::{TcpListener, TcpStream};
    /// goro::run(|| {
    ///     let l = TcpListener::bind("127.0.0.1:0").unwrap();
    ///     let port = l.local_addr().unwrap().port();
    ///     // Names resolve off the goroutine's thread; each address is tried in turn.
    ///     let c = TcpStream::connect(("localhost", port)).unwrap();
    ///     assert_eq!(c.peer_addr().unwrap().port(), port);
    ///     l.close();
    ///     drop(l);
    ///     // Nobody listens any more: a clear error, not a hang.
    ///     let err = TcpStream::connect(("127.0.0.1", port)).unwrap_err();
    ///     assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused);
    /// });
    /// ```
    pub fn connect<A: ToSocketAddrs + Send>(addr: A) -> io::Result<TcpStream> {
        let addrs = resolve(addr)?;
        each_addr(&addrs, |a| connect_one(a, None))
    }

    /// Connects to `addr`, giving up with `ErrorKind::TimedOut` ("i/o timeout") after
    /// `timeout`; `Duration::ZERO` means no timeout, as Go's. Go: net.DialTimeout (std:
    /// `TcpStream::connect_timeout`, which rejects a zero timeout).
    ///
    /// # Examples
    /// ```
    /// use goro::net::{TcpListener, TcpStream};
    /// use std::time::Duration;
    /// goro::run(|| {
    ///     let l = TcpListener::bind("127.0.0.1:0").unwrap();
    ///     let addr = l.local_addr().unwrap();
    ///     assert!(TcpStream::connect_timeout(&addr, Duration::from_secs(5)).is_ok());
    /// });
    /// ```
    pub fn connect_timeout(
        addr: &SocketAddr,
        timeout: std::time::Duration,
    ) -> io::Result<TcpStream> {
        // Go: a zero timeout is none (std rejects it), and one too far to represent is
        // none too.
        let deadline = (!timeout.is_zero())
            .then(|| Instant::now().checked_add(timeout))
            .flatten();
        connect_one(addr, deadline)
    }

    /// The remote address. Go: Conn.RemoteAddr.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.conn.peer_addr()
    }

    /// The local address. Go: Conn.LocalAddr.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.conn.local_addr()
    }

    /// Shuts down the reading or writing half, or both (Go: CloseRead, CloseWrite).
    ///
    /// # Examples
    /// ```
    /// use goro::net::{TcpListener, TcpStream};
    /// use std::io::{Read, Write};
    /// use std::net::Shutdown;
    /// goro::run(|| {
    ///     let l = TcpListener::bind("127.0.0.1:0").unwrap();
    ///     let mut c = TcpStream::connect(l.local_addr().unwrap()).unwrap();
    ///     let (mut s, _) = l.accept().unwrap();
    ///     c.write_all(b"request").unwrap();
    ///     c.shutdown(Shutdown::Write).unwrap(); // Go: CloseWrite; the server sees EOF
    ///     let mut req = String::new();
    ///     s.read_to_string(&mut req).unwrap();
    ///     s.write_all(b"reply").unwrap(); // the other half still works
    ///     let mut reply = String::new();
    ///     drop(s);
    ///     c.read_to_string(&mut reply).unwrap();
    ///     assert_eq!((req.as_str(), reply.as_str()), ("request", "reply"));
    /// });
    /// ```
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.conn.with(|s| s.shutdown(how))
    }

    /// Sets `TCP_NODELAY` (on by default). Go: TCPConn.SetNoDelay.
    ///
    /// # Examples
    /// ```
    /// use goro::net::{TcpListener, TcpStream};
    /// goro::run(|| {
    ///     let l = TcpListener::bind("127.0.0.1:0").unwrap();
    ///     let c = TcpStream::connect(l.local_addr().unwrap()).unwrap();
    ///     assert!(c.nodelay().unwrap()); // on by default, as in Go
    ///     c.set_nodelay(false).unwrap();
    ///     assert!(!c.nodelay().unwrap());
    /// });
    /// ```
    pub fn set_nodelay(&self, on: bool) -> io::Result<()> {
        self.conn.with(|s| s.set_nodelay(on))
    }

    /// Whether `TCP_NODELAY` is set.
    pub fn nodelay(&self) -> io::Result<bool> {
        self.conn.with(|s| s.nodelay())
    }

    /// Another handle to the same connection (as std's; here a cheap clone).
    ///
    /// # Examples
    /// ```
    /// use goro::net::{TcpListener, TcpStream};
    /// use std::io::{Read, Write};
    /// goro::run(|| {
    ///     let l = TcpListener::bind("127.0.0.1:0").unwrap();
    ///     let c = TcpStream::connect(l.local_addr().unwrap()).unwrap();
    ///     let (mut s, _) = l.accept().unwrap();
    ///     // One goroutine writes while another reads the same connection.
    ///     let mut writer = c.try_clone().unwrap();
    ///     goro::spawn(move || writer.write_all(b"ping").unwrap()).join().unwrap();
    ///     let mut buf = [0; 4];
    ///     s.read_exact(&mut buf).unwrap();
    ///     assert_eq!(&buf, b"ping");
    /// });
    /// ```
    pub fn try_clone(&self) -> io::Result<TcpStream> {
        Ok(self.clone())
    }

    /// Sets the read and write deadlines: from `when` on, reads and writes (parked ones
    /// too, on every clone) fail with `ErrorKind::TimedOut` ("i/o timeout") until a new
    /// deadline is set; `None` clears it. Go: Conn.SetDeadline, with `Option<Instant>`
    /// for Go's `time.Time` (zero: none). After `close` it fails with "use of closed
    /// network connection", as Go's does; the other deadline setters too.
    ///
    /// # Examples
    /// A read that waits for a peer who never writes gives up at the deadline:
    /// ```
    /// use goro::net::{TcpListener, TcpStream};
    /// use std::io::{ErrorKind, Read};
    /// use std::time::{Duration, Instant};
    ///
    /// goro::run(|| {
    ///     let l = TcpListener::bind("127.0.0.1:0").unwrap();
    ///     let mut c = TcpStream::connect(l.local_addr().unwrap()).unwrap();
    ///     let _peer = l.accept().unwrap();
    ///     c.set_read_deadline(Some(Instant::now() + Duration::from_millis(50))).unwrap();
    ///     let err = c.read(&mut [0; 8]).unwrap_err();
    ///     assert_eq!(err.kind(), ErrorKind::TimedOut);
    ///     assert_eq!(err.to_string(), "i/o timeout");
    ///     c.set_read_deadline(None).unwrap(); // reads block again
    /// });
    /// ```
    pub fn set_deadline(&self, when: Option<Instant>) -> io::Result<()> {
        self.conn.set_deadline(None, when)
    }

    /// Sets the read deadline only. Go: Conn.SetReadDeadline.
    pub fn set_read_deadline(&self, when: Option<Instant>) -> io::Result<()> {
        self.conn.set_deadline(Some(Dir::Read), when)
    }

    /// Sets the write deadline only (a write parked on a full send buffer). Go:
    /// Conn.SetWriteDeadline.
    pub fn set_write_deadline(&self, when: Option<Instant>) -> io::Result<()> {
        self.conn.set_deadline(Some(Dir::Write), when)
    }

    /// Go's `Close`: parked reads and writes (on any clone) return an error at once,
    /// later ones too, and the socket is closed once no call is inside it: the peer sees
    /// the end of the stream, or a reset if data was left unread here (or `SO_LINGER` is
    /// 0), and its later writes fail.
    pub fn close(&self) {
        self.conn.close();
    }
}

super::stream_io!(TcpStream);

impl std::fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TcpStream")
            .field("fd", &self.conn.fd())
            .field("local", &self.local_addr().ok())
            .field("peer", &self.peer_addr().ok())
            .finish()
    }
}

impl std::fmt::Debug for TcpListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TcpListener")
            .field("fd", &self.conn.fd())
            .field("local", &self.local_addr().ok())
            .finish()
    }
}

/// A non-blocking connect to one address: start it, park until the socket is writable,
/// then read the outcome (Go: fd.connect).
fn connect_one(addr: &SocketAddr, deadline: Option<Instant>) -> io::Result<TcpStream> {
    let (storage, len) = sockaddr(addr);
    let domain = match addr {
        SocketAddr::V4(_) => libc::AF_INET,
        SocketAddr::V6(_) => libc::AF_INET6,
    };
    // SAFETY: plain syscall; the result is checked.
    let fd = unsafe {
        libc::socket(
            domain,
            libc::SOCK_STREAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
            0,
        )
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` is a socket we just opened and own; std closes it on drop.
    let std = unsafe { std::net::TcpStream::from_raw_fd(fd) };
    let s = TcpStream {
        conn: Arc::new(Conn::new(std)?),
    };
    if deadline.is_some() {
        s.conn.set_deadline(Some(Dir::Write), deadline)?;
    }
    // SAFETY: `storage` holds a valid sockaddr of `len` bytes.
    let r = unsafe { libc::connect(fd, (&raw const storage).cast(), len) };
    if r != 0 {
        let e = io::Error::last_os_error();
        if e.raw_os_error() != Some(libc::EINPROGRESS) {
            return Err(e);
        }
        loop {
            s.conn.pd.wait(Dir::Write)?;
            if let Some(e) = s.conn.sock.take_error()? {
                return Err(e);
            }
            // Writable and no error: connected, unless the event was stale.
            match s.conn.sock.peer_addr() {
                Ok(_) => break,
                Err(e) if e.kind() == io::ErrorKind::NotConnected => continue,
                Err(e) => return Err(e),
            }
        }
    }
    if deadline.is_some() {
        s.conn.set_deadline(Some(Dir::Write), None)?;
    }
    s.conn.sock.set_nodelay(true)?;
    Ok(s)
}

/// `addr` as a C socket address.
fn sockaddr(addr: &SocketAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
    // SAFETY: all-zero is a valid sockaddr_storage.
    let mut storage: libc::sockaddr_storage = unsafe { core::mem::zeroed() };
    let len = match addr {
        SocketAddr::V4(a) => {
            let sin = libc::sockaddr_in {
                sin_family: libc::AF_INET as libc::sa_family_t,
                sin_port: a.port().to_be(),
                sin_addr: libc::in_addr {
                    s_addr: u32::from_ne_bytes(a.ip().octets()),
                },
                sin_zero: [0; 8],
            };
            // SAFETY: sockaddr_storage is larger than and aligned for sockaddr_in.
            unsafe { core::ptr::write((&raw mut storage).cast(), sin) };
            core::mem::size_of::<libc::sockaddr_in>()
        }
        SocketAddr::V6(a) => {
            let sin6 = libc::sockaddr_in6 {
                sin6_family: libc::AF_INET6 as libc::sa_family_t,
                sin6_port: a.port().to_be(),
                sin6_flowinfo: a.flowinfo(),
                sin6_addr: libc::in6_addr {
                    s6_addr: a.ip().octets(),
                },
                sin6_scope_id: a.scope_id(),
            };
            // SAFETY: sockaddr_storage is larger than and aligned for sockaddr_in6.
            unsafe { core::ptr::write((&raw mut storage).cast(), sin6) };
            core::mem::size_of::<libc::sockaddr_in6>()
        }
    };
    (storage, len as libc::socklen_t)
}
