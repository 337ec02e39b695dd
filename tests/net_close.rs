//! `goro::net` where Go's package net has its own rules, each found by running Go's tests
//! (net_test.go, timeout_test.go, udpsock_test.go) beside goro: `Close` closes the fd (the
//! peer sees a reset where the kernel sends one, and its later writes fail), an empty read
//! returns at once, a zero dial timeout means none, a send to an address on a connected
//! UDP socket fails, and the addresses outlive `close`.
mod support;
use support::tcp_pair;

use goro::net::{TcpListener, TcpStream, UdpSocket, UnixStream};
use std::io::{ErrorKind, Read, Write};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

fn soon() -> Option<Instant> {
    Some(Instant::now() + Duration::from_secs(5))
}

/// `SO_LINGER` on with a zero timeout: a close then resets the connection.
fn linger_zero(fd: i32) {
    let lg = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: a valid option value of the stated size for an open socket of ours.
    let rc = unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&raw const lg).cast(),
            size_of::<libc::linger>() as libc::socklen_t,
        )
    };
    assert_eq!(rc, 0, "setsockopt SO_LINGER");
}

#[goro::test]
fn close_with_linger_zero_resets_the_peer() {
    // Go: TestNotTemporaryRead (SetLinger(0), Close; the peer's Read fails with a reset).
    let (mut c, s) = tcp_pair();
    linger_zero(s.as_raw_fd());
    s.close();
    c.set_read_deadline(soon()).unwrap();
    let err = c.read(&mut [0; 8]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionReset, "{err}");
}

#[goro::test]
fn close_with_unread_data_resets_the_peer() {
    // The kernel resets a connection closed with data left unread (RFC 2525), as Go's
    // Close, which closes the fd; a shutdown would send an orderly end of stream instead.
    let (mut c, s) = tcp_pair();
    c.write_all(b"never read").unwrap();
    let mut one = [0; 1];
    (&s).read_exact(&mut one).unwrap(); // the data has arrived; the rest stays unread
    s.close();
    c.set_read_deadline(soon()).unwrap();
    let err = c.read(&mut [0; 8]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionReset, "{err}");
}

#[goro::test]
fn after_close_the_peer_reads_eof_and_its_writes_fail() {
    // Nothing unread: an orderly close. The peer reads the end of the stream, and since
    // the fd is gone its writes are answered with a reset: they fail soon, as in Go (a
    // shutdown left the socket open, and they succeeded until the buffers filled).
    let (mut c, s) = tcp_pair();
    s.close();
    c.set_deadline(soon()).unwrap();
    assert_eq!(c.read(&mut [0; 8]).unwrap(), 0, "end of stream");
    let failed = (0..100).find_map(|_| {
        let r = c.write(&[7; 512]);
        goro::time::sleep(Duration::from_millis(5));
        r.err()
    });
    let err = failed.expect("writes to a closed peer never failed");
    assert!(
        matches!(
            err.kind(),
            ErrorKind::BrokenPipe | ErrorKind::ConnectionReset
        ),
        "{err}"
    );
}

#[goro::test]
fn close_waits_for_an_operation_inside_the_fd_then_closes_it() {
    // A read parked on one clone holds the fd; close wakes it, and the fd closes when it
    // leaves: the peer then reads the end of the stream.
    let (mut c, s) = tcp_pair();
    let reader = {
        let s = s.clone();
        goro::spawn(move || (&s).read(&mut [0; 8]).map_err(|e| e.to_string()))
    };
    while !goro::runtime::stack(true).contains("[IO wait]") {
        goro::runtime::gosched();
    }
    s.close();
    assert_eq!(
        reader.join().unwrap(),
        Err("use of closed network connection".to_string())
    );
    c.set_read_deadline(soon()).unwrap();
    assert_eq!(c.read(&mut [0; 8]).unwrap(), 0);
    // Every later call fails before its syscall, on every clone.
    let again = s.clone();
    assert_eq!(
        (&again).write(b"x").unwrap_err().to_string(),
        "use of closed network connection"
    );
    assert_eq!(
        again.set_nodelay(true).unwrap_err().to_string(),
        "use of closed network connection"
    );
}

#[goro::test]
fn addresses_outlive_close() {
    // Go's LocalAddr and RemoteAddr still answer after Close.
    let (c, s) = tcp_pair();
    let (local, peer) = (s.local_addr().unwrap(), s.peer_addr().unwrap());
    let fresh = c.clone();
    c.close();
    s.close();
    assert_eq!(
        (s.local_addr().unwrap(), s.peer_addr().unwrap()),
        (local, peer)
    );
    assert_eq!(
        fresh.peer_addr().unwrap(),
        local,
        "read for the first time after close"
    );
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let at = l.local_addr().unwrap();
    l.close();
    assert_eq!(l.local_addr().unwrap(), at);
}

#[goro::test]
fn an_empty_read_returns_at_once_and_consumes_nothing() {
    // Go: TestZeroByteRead (tcp, unix) and a connected UDP socket's Read: (0, nil) at once.
    let (mut c, mut s) = tcp_pair();
    assert_eq!(c.read(&mut []).unwrap(), 0);
    s.write_all(b"abc").unwrap();
    assert_eq!(c.read(&mut []).unwrap(), 0);
    let mut buf = [0; 3];
    c.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"abc", "nothing consumed");

    let (mut a, mut b) = UnixStream::pair().unwrap();
    assert_eq!(a.read(&mut []).unwrap(), 0);
    b.write_all(b"u").unwrap();
    assert_eq!(a.read(&mut []).unwrap(), 0);
    assert_eq!(a.read(&mut buf).unwrap(), 1);

    let u = UdpSocket::bind("127.0.0.1:0").unwrap();
    u.connect(u.local_addr().unwrap()).unwrap();
    assert_eq!(u.recv(&mut []).unwrap(), 0);
    u.send(b"dgram").unwrap();
    assert_eq!(u.recv(&mut []).unwrap(), 0);
    let mut d = [0; 8];
    assert_eq!(u.recv(&mut d).unwrap(), 5, "the datagram is still queued");

    // Closed first: Go's closed error, not (0, nil).
    c.close();
    assert_eq!(
        c.read(&mut []).unwrap_err().to_string(),
        "use of closed network connection"
    );
}

#[goro::test]
fn a_zero_or_huge_dial_timeout_means_none() {
    // Go: DialTimeout(..., 0) has no timeout, and TestDialTimeoutMaxDuration.
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    TcpStream::connect_timeout(&addr, Duration::ZERO).expect("a zero timeout is none");
    TcpStream::connect_timeout(&addr, Duration::MAX).expect("a huge timeout is none");
    TcpStream::connect_timeout(&addr, Duration::from_nanos(i64::MAX as u64))
        .expect("Go's largest Duration");
}

#[goro::test]
fn send_to_on_a_connected_udp_socket_fails_as_go() {
    // Go: TestWriteToUDP (WriteTo on a pre-connected socket is an error, whatever the
    // address).
    let a = UdpSocket::bind("127.0.0.1:0").unwrap();
    let b = UdpSocket::bind("127.0.0.1:0").unwrap();
    a.connect(b.local_addr().unwrap()).unwrap();
    for to in [b.local_addr().unwrap(), a.local_addr().unwrap()] {
        let err = a.send_to(b"x", to).unwrap_err();
        assert_eq!(
            err.to_string(),
            "use of WriteTo with pre-connected connection"
        );
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        let err = a.send_to_addr(b"x", to).unwrap_err();
        assert_eq!(
            err.to_string(),
            "use of WriteTo with pre-connected connection"
        );
    }
    assert_eq!(a.send(b"ok").unwrap(), 2, "send to the peer works");
    let mut buf = [0; 4];
    assert_eq!(b.recv_from(&mut buf).unwrap().0, 2);
}

#[goro::test]
fn a_udp_socket_connected_again_reports_its_new_peer() {
    // Addresses are read from the socket while it is open (kept only for after `close`).
    let a = UdpSocket::bind("127.0.0.1:0").unwrap();
    let (b, c) = (
        UdpSocket::bind("127.0.0.1:0").unwrap(),
        UdpSocket::bind("127.0.0.1:0").unwrap(),
    );
    a.connect(b.local_addr().unwrap()).unwrap();
    assert_eq!(a.peer_addr().unwrap(), b.local_addr().unwrap());
    a.connect(c.local_addr().unwrap()).unwrap();
    assert_eq!(a.peer_addr().unwrap(), c.local_addr().unwrap());
    a.close();
    assert_eq!(
        a.peer_addr().unwrap(),
        c.local_addr().unwrap(),
        "after close"
    );
}
