//! `goro::net` beyond TCP echo: UDP and Unix domain sockets, Go's close waking parked
//! calls on every kind of socket, the kernel's answers to bad input (refused, in use,
//! shut down, reset), half-closed connections, a burst of connections at once, the
//! open-file limit raised as Go does, and plain threads using the same sockets.
mod support;
use support::tcp_pair;

use goro::net::{TcpListener, TcpStream, UdpSocket, UnixListener, UnixStream};
use goro::prelude::*;
use std::io::{ErrorKind, Read, Write};
use std::net::Shutdown;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A socket path unique to this process and call, removed when dropped.
struct TempPath(PathBuf);

impl TempPath {
    fn new(name: &str) -> TempPath {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("goro-{}-{name}-{n}.sock", std::process::id()));
        let _ = std::fs::remove_file(&p);
        TempPath(p)
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

// ---- UDP ---------------------------------------------------------------------------------

#[goro::test]
fn udp_round_trip_between_goroutines() {
    const CLIENTS: usize = 10;
    const MSGS: usize = 50;
    let server = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = server.local_addr().unwrap();
    let s = server.clone();
    let echoed = goro::spawn(move || {
        let mut buf = [0u8; 1500];
        let mut n = 0;
        while let Ok((len, from)) = s.recv_from(&mut buf) {
            s.send_to_addr(&buf[..len], from).unwrap();
            n += 1;
        }
        n // until closed
    });
    let wg = Arc::new(WaitGroup::new());
    for c in 0..CLIENTS {
        wg.go(move || {
            let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
            let mut back = [0u8; 1500];
            for m in 0..MSGS {
                let msg: Vec<u8> = (0..100 + m).map(|i| (c * 31 + m * 7 + i) as u8).collect();
                assert_eq!(sock.send_to(&msg, addr).unwrap(), msg.len());
                let (n, from) = sock.recv_from(&mut back).unwrap();
                assert_eq!(from, addr);
                assert_eq!(&back[..n], &msg[..], "client {c} datagram {m}");
            }
        });
    }
    wg.wait();
    server.close();
    assert_eq!(echoed.join().unwrap(), CLIENTS * MSGS);
}

#[goro::test]
fn udp_connect_then_send_and_recv_talk_to_the_peer_alone() {
    let a = UdpSocket::bind("127.0.0.1:0").unwrap();
    let b = UdpSocket::bind("127.0.0.1:0").unwrap();
    let stranger = UdpSocket::bind("127.0.0.1:0").unwrap();
    assert_eq!(a.peer_addr().unwrap_err().kind(), ErrorKind::NotConnected);
    a.connect(b.local_addr().unwrap()).unwrap();
    b.connect(a.local_addr().unwrap()).unwrap();
    assert_eq!(a.peer_addr().unwrap(), b.local_addr().unwrap());

    let b2 = b.clone();
    let receiver = goro::spawn(move || {
        let mut buf = [0u8; 16];
        let n = b2.recv(&mut buf).unwrap(); // parks until a's datagram
        buf[..n].to_vec()
    });
    // A datagram from anyone else is dropped by the kernel, never received.
    stranger.send_to(b"noise", b.local_addr().unwrap()).unwrap();
    a.send(b"from a").unwrap();
    assert_eq!(receiver.join().unwrap(), b"from a");

    b.send(b"reply").unwrap();
    let mut buf = [0u8; 16];
    assert_eq!(a.peek(&mut buf).unwrap(), 5);
    assert_eq!(a.recv(&mut buf).unwrap(), 5);
    assert_eq!(&buf[..5], b"reply");
}

#[goro::test]
fn udp_close_from_another_goroutine_wakes_a_parked_recv_from() {
    let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = s.local_addr().unwrap();
    let s2 = s.try_clone().unwrap();
    let reader = goro::spawn(move || s2.recv_from(&mut [0u8; 8]).map(|(n, _)| n));
    support::wait_until("the goroutine parked in IO wait", || {
        support::parked("IO wait") == 1
    });
    s.close();
    let err = reader.join().unwrap().unwrap_err();
    assert_eq!(err.to_string(), "use of closed network connection");

    // Later calls fail too, even with a datagram queued (the port is still bound).
    let other = UdpSocket::bind("127.0.0.1:0").unwrap();
    other.send_to(b"late", addr).unwrap();
    let err = s.recv_from(&mut [0u8; 8]).unwrap_err();
    assert_eq!(err.to_string(), "use of closed network connection");
    let err = s.send_to(b"x", other.local_addr().unwrap()).unwrap_err();
    assert_eq!(err.to_string(), "use of closed network connection");
}

// ---- Unix domain sockets -----------------------------------------------------------------

#[goro::test]
fn unix_stream_echo_between_goroutines() {
    const CONNS: usize = 20;
    const MSGS: usize = 100;
    let path = TempPath::new("echo");
    let l = UnixListener::bind(&path.0).unwrap();
    assert_eq!(
        l.local_addr().unwrap().as_pathname(),
        Some(path.0.as_path())
    );
    let l2 = l.clone();
    go!(move || {
        for c in l2.incoming() {
            let Ok(mut c) = c else { return }; // closed
            go!(move || {
                let mut buf = [0u8; 4096];
                loop {
                    match c.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => c.write_all(&buf[..n]).unwrap(),
                    }
                }
            });
        }
    });
    let wg = Arc::new(WaitGroup::new());
    for c in 0..CONNS {
        let p = path.0.clone();
        wg.go(move || {
            let s = UnixStream::connect(&p).unwrap();
            assert_eq!(s.peer_addr().unwrap().as_pathname(), Some(p.as_path()));
            support::echo_client(s, c, MSGS, |s| s.shutdown(Shutdown::Write).unwrap());
        });
    }
    wg.wait();
    l.close();
}

#[goro::test]
fn unix_close_wakes_a_parked_accept() {
    let path = TempPath::new("accept");
    let l = UnixListener::bind(&path.0).unwrap();
    let l2 = l.try_clone().unwrap();
    let acceptor = goro::spawn(move || l2.accept().map(|_| ()));
    support::wait_until("the goroutine parked in IO wait", || {
        support::parked("IO wait") == 1
    });
    l.close();
    let err = acceptor.join().unwrap().unwrap_err();
    assert_eq!(err.to_string(), "use of closed network connection");
}

#[goro::test]
fn unix_close_wakes_a_parked_read_and_the_peer_sees_eof() {
    let (a, b) = UnixStream::pair().unwrap();
    let a2 = a.clone();
    let reader = goro::spawn(move || (&a2).read(&mut [0u8; 8]));
    support::wait_until("the goroutine parked in IO wait", || {
        support::parked("IO wait") == 1
    });
    a.close();
    let err = reader.join().unwrap().unwrap_err();
    assert_eq!(err.to_string(), "use of closed network connection");
    assert_eq!((&b).read(&mut [0u8; 8]).unwrap(), 0);
}

/// A Unix connect to a full backlog fails at once with `EAGAIN`, as Go's ("connect:
/// resource temporarily unavailable"); once the listener accepts, there is room again.
#[goro::test]
fn unix_connect_to_a_full_backlog_fails_with_eagain() {
    use std::os::fd::AsRawFd;
    let path = TempPath::new("backlog");
    let l = UnixListener::bind(&path.0).unwrap();
    // Listening again only changes the backlog: 0 queues one connection.
    // SAFETY: plain syscall on the listener's open socket.
    assert_eq!(unsafe { libc::listen(l.as_raw_fd(), 0) }, 0);
    let first = UnixStream::connect(&path.0).unwrap();
    let err = UnixStream::connect(&path.0).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WouldBlock, "{err}");
    assert_eq!(err.raw_os_error(), Some(libc::EAGAIN), "{err}");
    (&first).write_all(b"first!").unwrap();
    let (mut s, _) = l.accept().unwrap();
    let mut buf = [0u8; 6];
    s.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"first!");
    let mut second = UnixStream::connect(&path.0).unwrap();
    second.write_all(b"second").unwrap();
    let (mut s, _) = l.accept().unwrap();
    s.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"second");
}

#[goro::test]
fn unix_bad_input_gives_clear_errors() {
    let path = TempPath::new("bad");
    let err = UnixStream::connect(&path.0).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");

    let _l = UnixListener::bind(&path.0).unwrap();
    let err = UnixListener::bind(&path.0).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AddrInUse, "{err}");

    let long = std::env::temp_dir().join("x".repeat(200));
    let err = UnixStream::connect(&long).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");

    // A socket file nobody listens on any more: refused.
    let gone = TempPath::new("gone");
    drop(UnixListener::bind(&gone.0).unwrap());
    let err = UnixStream::connect(&gone.0).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused, "{err}");

    // Shut down halves, as TCP's.
    let (a, b) = UnixStream::pair().unwrap();
    a.shutdown(Shutdown::Write).unwrap();
    let err = (&a).write(b"x").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BrokenPipe, "{err}");
    b.shutdown(Shutdown::Read).unwrap();
    assert_eq!((&b).read(&mut [0u8; 4]).unwrap(), 0);
}

// ---- TCP: the kernel's answers -----------------------------------------------------------

#[goro::test]
fn tcp_refused_and_in_use() {
    // A port nobody listens on: bind one, note it, drop it.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let err = TcpStream::connect(port).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused, "{err}");

    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let err = TcpListener::bind(l.local_addr().unwrap()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AddrInUse, "{err}");

    let u = UdpSocket::bind("127.0.0.1:0").unwrap();
    let err = UdpSocket::bind(u.local_addr().unwrap()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AddrInUse, "{err}");
}

#[goro::test]
fn tcp_after_own_shutdown_write_fails_and_read_ends() {
    let (c, _s) = tcp_pair();
    c.shutdown(Shutdown::Write).unwrap();
    let err = (&c).write(b"x").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BrokenPipe, "{err}");
    c.shutdown(Shutdown::Read).unwrap();
    assert_eq!((&c).read(&mut [0u8; 4]).unwrap(), 0);
}

#[goro::test]
fn tcp_half_close_server_still_answers_after_the_clients_eof() {
    let (mut c, mut s) = tcp_pair();
    let server = goro::spawn(move || {
        let mut got = Vec::new();
        s.read_to_end(&mut got).unwrap(); // until the client's shutdown(Write)
        s.write_all(format!("got {} bytes", got.len()).as_bytes())
            .unwrap();
        got
    });
    let request: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    c.write_all(&request).unwrap();
    c.shutdown(Shutdown::Write).unwrap();
    let mut reply = String::new();
    c.read_to_string(&mut reply).unwrap(); // the server's answer, then its EOF
    assert_eq!(reply, "got 100000 bytes");
    assert_eq!(server.join().unwrap(), request);
}

#[goro::test]
fn tcp_reset_by_peer() {
    use std::os::fd::AsRawFd;
    let (c, s) = tcp_pair();
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: `s` owns an open socket; `linger` is a valid option value of its size.
    let r = unsafe {
        libc::setsockopt(
            s.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&raw const linger).cast(),
            size_of::<libc::linger>() as libc::socklen_t,
        )
    };
    assert_eq!(r, 0);
    let c2 = c.clone();
    let reader = goro::spawn(move || (&c2).read(&mut [0u8; 8]));
    support::wait_until("the reader parked in IO wait", || {
        support::parked("IO wait") == 1
    });
    drop(s); // the last handle: close(2) with a zero linger sends RST, not FIN
    let err = reader.join().unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionReset, "{err}");
    // Linux reports the reset once; after it the connection reads as ended.
    assert_eq!((&c).read(&mut [0u8; 8]).unwrap(), 0);
    let err = (&c).write(b"x").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BrokenPipe, "{err}");
}

#[goro::test]
fn tcp_accepts_a_burst_of_connections() {
    const CLIENTS: usize = 200;
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            goro::spawn(move || {
                let mut s = TcpStream::connect(addr).unwrap();
                let msg = format!("client {c:03}");
                s.write_all(msg.as_bytes()).unwrap();
                let mut back = String::new();
                s.read_to_string(&mut back).unwrap();
                assert_eq!(back, format!("hello, {msg}"));
            })
        })
        .collect();
    let mut seen = [false; CLIENTS];
    for _ in 0..CLIENTS {
        let (mut s, _) = l.accept().unwrap();
        let mut buf = [0u8; 10];
        s.read_exact(&mut buf).unwrap();
        let msg = std::str::from_utf8(&buf).unwrap();
        let c: usize = msg.strip_prefix("client ").unwrap().parse().unwrap();
        assert!(!std::mem::replace(&mut seen[c], true), "client {c} twice");
        s.write_all(format!("hello, {msg}").as_bytes()).unwrap();
    } // each `s` dropped: the client reads to its end
    for h in clients {
        h.join().unwrap();
    }
    assert!(seen.iter().all(|&s| s));
}

// ---- Plain threads -----------------------------------------------------------------------

#[test]
fn plain_threads_use_udp_and_tcp_sockets_blocking_the_thread() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let tcp_addr = l.local_addr().unwrap();
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    let udp_addr = udp.local_addr().unwrap();
    let t = std::thread::spawn(move || {
        let mut c = TcpStream::connect(tcp_addr).unwrap();
        c.write_all(b"tcp").unwrap();
        let mut buf = [0u8; 3];
        c.read_exact(&mut buf).unwrap();
        let u = UdpSocket::bind("127.0.0.1:0").unwrap();
        u.send_to(b"udp", udp_addr).unwrap();
        let mut ubuf = [0u8; 8];
        let (n, from) = u.recv_from(&mut ubuf).unwrap();
        assert_eq!(from, udp_addr);
        (buf, ubuf[..n].to_vec())
    });
    let (mut s, _) = l.accept().unwrap(); // this thread blocks, as std's would
    let mut buf = [0u8; 3];
    s.read_exact(&mut buf).unwrap();
    s.write_all(&buf).unwrap();
    let mut ubuf = [0u8; 8];
    let (n, from) = udp.recv_from(&mut ubuf).unwrap();
    udp.send_to(&ubuf[..n], from).unwrap();
    let (tcp_back, udp_back) = t.join().unwrap();
    assert_eq!(&tcp_back, b"tcp");
    assert_eq!(udp_back, b"udp");
}

// ---- The open-file limit -----------------------------------------------------------------

fn nofile() -> libc::rlimit {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a valid rlimit for the call to fill in.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }, 0);
    lim
}

/// Lowers this (child) process's soft open-file limit, so that raising it shows.
fn lower_soft_nofile() -> libc::rlimit {
    let mut lim = nofile();
    lim.rlim_cur = (lim.rlim_max / 2).max(64).min(lim.rlim_max);
    // SAFETY: `lim` is a valid rlimit; lowering the soft limit is always allowed.
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) }, 0);
    nofile()
}

/// In a child process: the parent's runtimes have raised its limit already.
#[test]
fn starting_a_runtime_raises_the_open_file_limit() {
    if !support::is_child() {
        let (code, stderr) = support::run_child("starting_a_runtime_raises_the_open_file_limit");
        assert_eq!(code, 0, "{stderr}");
        return;
    }
    let before = lower_soft_nofile();
    goro::run(|| {
        let now = nofile();
        assert_eq!(
            now.rlim_cur, now.rlim_max,
            "soft limit raised (was {})",
            before.rlim_cur
        );
    });
}

/// In a child process: a socket on a plain thread, no runtime ever started.
#[test]
fn a_first_socket_raises_the_open_file_limit() {
    if !support::is_child() {
        let (code, stderr) = support::run_child("a_first_socket_raises_the_open_file_limit");
        assert_eq!(code, 0, "{stderr}");
        return;
    }
    let before = lower_soft_nofile();
    let _l = TcpListener::bind("127.0.0.1:0").unwrap();
    let now = nofile();
    assert_eq!(
        now.rlim_cur, now.rlim_max,
        "soft limit raised (was {})",
        before.rlim_cur
    );
}
