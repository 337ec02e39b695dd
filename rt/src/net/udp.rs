//! UDP: `UdpSocket`. Go: net.UDPConn (udpsock*.go).
//!
//! A datagram socket has no stream to shut down, so after `close` it is the poller's
//! descriptor that fails every call ("use of closed network connection", checked before
//! the syscall: `PollDesc::prepare`), not the kernel: a datagram already queued is never
//! received, and nothing more is sent.

use super::{Conn, each_addr, resolve};
use crate::netpoll::Dir;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::os::fd::{AsRawFd, RawFd};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

/// A UDP socket whose receives (and full-buffer sends) park the goroutine. Clones share
/// the socket, as Go code shares one `*net.UDPConn`. Go: net.UDPConn.
///
/// # Examples
/// ```
/// use goro::net::UdpSocket;
///
/// goro::run(|| {
///     let server = UdpSocket::bind("127.0.0.1:0").unwrap();
///     let addr = server.local_addr().unwrap();
///     let echo = goro::spawn(move || {
///         let mut buf = [0; 64];
///         let (n, from) = server.recv_from(&mut buf).unwrap(); // parks until a datagram
///         server.send_to(&buf[..n], from).unwrap();
///     });
///     let client = UdpSocket::bind("127.0.0.1:0").unwrap();
///     client.send_to(b"ping", addr).unwrap();
///     let mut buf = [0; 64];
///     let (n, from) = client.recv_from(&mut buf).unwrap();
///     assert_eq!((&buf[..n], from), (&b"ping"[..], addr));
///     echo.join().unwrap();
/// });
/// ```
#[derive(Clone)]
pub struct UdpSocket {
    conn: Arc<Conn<std::net::UdpSocket>>,
}

impl UdpSocket {
    /// Binds to `addr` (the first of its addresses that works). Port 0 picks a free port.
    /// Go: net.ListenUDP / net.ListenPacket("udp", addr).
    ///
    /// # Examples
    /// ```
    /// goro::run(|| {
    ///     let s = goro::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    ///     assert_ne!(s.local_addr().unwrap().port(), 0);
    /// });
    /// ```
    pub fn bind<A: ToSocketAddrs + Send>(addr: A) -> io::Result<UdpSocket> {
        let addrs = resolve(addr)?;
        let s = each_addr(&addrs, |a| std::net::UdpSocket::bind(a))?;
        s.set_nonblocking(true)?;
        Ok(UdpSocket {
            conn: Arc::new(Conn::new(s)?),
        })
    }

    /// Receives one datagram, parking until one arrives; returns its length (the rest of
    /// a datagram longer than `buf` is lost, as in std) and its sender. Go:
    /// UDPConn.ReadFrom.
    ///
    /// # Examples
    /// See [`UdpSocket`].
    pub fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.conn.io(Dir::Read, |s| s.recv_from(buf))
    }

    /// As `recv_from`, but leaves the datagram queued: the next receive gets it again.
    ///
    /// # Examples
    /// ```
    /// use goro::net::UdpSocket;
    /// goro::run(|| {
    ///     let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    ///     s.send_to(b"hi", s.local_addr().unwrap()).unwrap();
    ///     let mut buf = [0; 8];
    ///     assert_eq!(s.peek_from(&mut buf).unwrap().0, 2);
    ///     assert_eq!(s.recv_from(&mut buf).unwrap().0, 2);
    /// });
    /// ```
    pub fn peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.conn.io(Dir::Read, |s| s.peek_from(buf))
    }

    /// Sends `buf` as one datagram to `addr` (its first address; a host name is looked up
    /// off the goroutine's thread, so pass a `SocketAddr` on a hot path to skip the
    /// look-up). Returns the bytes sent. Go: UDPConn.WriteTo.
    ///
    /// # Examples
    /// See [`UdpSocket`].
    pub fn send_to<A: ToSocketAddrs + Send>(&self, buf: &[u8], addr: A) -> io::Result<usize> {
        self.not_connected()?;
        let to = resolve(addr)?[0];
        self.send_to_addr(buf, to)
    }

    /// Go's ErrWriteToConnected for a send to an address on a connected socket (Linux
    /// would send it, as std does); after `close`, Go's closed error.
    fn not_connected(&self) -> io::Result<()> {
        self.conn.with(|_| Ok(()))?;
        if self.conn.connected.load(Ordering::Relaxed) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "use of WriteTo with pre-connected connection",
            ));
        }
        Ok(())
    }

    /// `send_to` an already resolved address, with no look-up at all. Go:
    /// UDPConn.WriteToUDP.
    ///
    /// # Examples
    /// ```
    /// use goro::net::UdpSocket;
    /// goro::run(|| {
    ///     let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    ///     assert_eq!(s.send_to_addr(b"abc", s.local_addr().unwrap()).unwrap(), 3);
    /// });
    /// ```
    pub fn send_to_addr(&self, buf: &[u8], addr: SocketAddr) -> io::Result<usize> {
        self.not_connected()?;
        self.conn.io(Dir::Write, |s| s.send_to(buf, addr))
    }

    /// Sets the default peer: `send` and `recv` then talk to it alone, and datagrams from
    /// other addresses are dropped. Nothing is sent. Go: net.DialUDP.
    ///
    /// # Examples
    /// ```
    /// use goro::net::UdpSocket;
    /// goro::run(|| {
    ///     let (a, b) = (UdpSocket::bind("127.0.0.1:0").unwrap(), UdpSocket::bind("127.0.0.1:0").unwrap());
    ///     a.connect(b.local_addr().unwrap()).unwrap();
    ///     b.connect(a.local_addr().unwrap()).unwrap();
    ///     a.send(b"over").unwrap();
    ///     let mut buf = [0; 8];
    ///     let n = b.recv(&mut buf).unwrap();
    ///     assert_eq!(&buf[..n], b"over");
    ///     assert_eq!(a.peer_addr().unwrap(), b.local_addr().unwrap());
    /// });
    /// ```
    pub fn connect<A: ToSocketAddrs + Send>(&self, addr: A) -> io::Result<()> {
        self.conn.pd.check_open()?;
        let addrs = resolve(addr)?;
        each_addr(&addrs, |a| self.conn.with(|s| s.connect(a)))?;
        self.conn.connected.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// Sends `buf` to the connected peer. Go: UDPConn.Write.
    ///
    /// # Examples
    /// See [`connect`](UdpSocket::connect).
    pub fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.conn.io(Dir::Write, |s| s.send(buf))
    }

    /// Receives one datagram from the connected peer, parking until one arrives. Go:
    /// UDPConn.Read.
    ///
    /// # Examples
    /// See [`connect`](UdpSocket::connect).
    pub fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            // Go's Read of an empty buffer: (0, nil) at once, consuming nothing.
            return self.conn.with(|_| Ok(0));
        }
        self.conn.io(Dir::Read, |s| s.recv(buf))
    }

    /// As `recv`, but leaves the datagram queued.
    ///
    /// # Examples
    /// ```
    /// use goro::net::UdpSocket;
    /// goro::run(|| {
    ///     let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    ///     s.connect(s.local_addr().unwrap()).unwrap();
    ///     s.send(b"twice").unwrap();
    ///     let mut buf = [0; 8];
    ///     assert_eq!(s.peek(&mut buf).unwrap(), 5);
    ///     assert_eq!(s.recv(&mut buf).unwrap(), 5);
    /// });
    /// ```
    pub fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.conn.io(Dir::Read, |s| s.peek(buf))
    }

    /// The address the socket is bound to. Go: UDPConn.LocalAddr.
    ///
    /// # Examples
    /// See [`bind`](UdpSocket::bind).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.conn.local_addr()
    }

    /// The connected peer (`NotConnected` before `connect`). Go: UDPConn.RemoteAddr.
    ///
    /// # Examples
    /// See [`connect`](UdpSocket::connect).
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.conn.peer_addr()
    }

    /// Allows sending to broadcast addresses (`SO_BROADCAST`; Go sets it on every UDP
    /// socket, std and goro leave it off until asked).
    ///
    /// # Examples
    /// ```
    /// goro::run(|| {
    ///     let s = goro::net::UdpSocket::bind("0.0.0.0:0").unwrap();
    ///     s.set_broadcast(true).unwrap();
    ///     assert!(s.broadcast().unwrap());
    /// });
    /// ```
    pub fn set_broadcast(&self, on: bool) -> io::Result<()> {
        self.conn.with(|s| s.set_broadcast(on))
    }

    /// Whether `SO_BROADCAST` is set.
    ///
    /// # Examples
    /// See [`set_broadcast`](UdpSocket::set_broadcast).
    pub fn broadcast(&self) -> io::Result<bool> {
        self.conn.with(|s| s.broadcast())
    }

    /// Another handle to the same socket (as std's; here a cheap clone).
    ///
    /// # Examples
    /// ```
    /// goro::run(|| {
    ///     let s = goro::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    ///     let t = s.try_clone().unwrap();
    ///     assert_eq!(s.local_addr().unwrap(), t.local_addr().unwrap());
    /// });
    /// ```
    pub fn try_clone(&self) -> io::Result<UdpSocket> {
        Ok(self.clone())
    }

    /// Go's `Close`: a receive or send parked on any clone returns an error at once, and
    /// so does every later call (even with datagrams still queued); the socket is closed
    /// (the port freed) once no call is inside it.
    ///
    /// # Examples
    /// ```
    /// use goro::net::UdpSocket;
    /// goro::run(|| {
    ///     let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    ///     let s2 = s.clone();
    ///     let reader = goro::spawn(move || s2.recv_from(&mut [0; 8]).map(|_| ()));
    ///     goro::runtime::gosched();
    ///     s.close();
    ///     let err = reader.join().unwrap().unwrap_err();
    ///     assert_eq!(err.to_string(), "use of closed network connection");
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
    ///     let s = goro::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    ///     s.set_read_deadline(Some(Instant::now() + Duration::from_millis(20))).unwrap();
    ///     let err = s.recv_from(&mut [0; 8]).unwrap_err();
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

impl AsRawFd for UdpSocket {
    fn as_raw_fd(&self) -> RawFd {
        self.conn.fd()
    }
}

impl std::fmt::Debug for UdpSocket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UdpSocket")
            .field("fd", &self.conn.fd())
            .field("local", &self.local_addr().ok())
            .field("peer", &self.peer_addr().ok())
            .finish()
    }
}
