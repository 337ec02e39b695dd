//! Go's deadlines on `goro::net` sockets: a deadline that expires while a read, a write or
//! an accept is parked fails it with "i/o timeout" (woken by the timer machinery, not a
//! poll loop), a deadline in the past fails at once, clearing or extending one makes the
//! socket usable again, and plain threads honour deadlines too. Also: the poller is the
//! scheduler's (no poller thread), so a runtime whose every goroutine waits for I/O still
//! wakes for it.
mod support;

use goro::net::{TcpListener, TcpStream};
use goro::prelude::*;
use std::io::{ErrorKind, Read, Write};
use std::time::{Duration, Instant};
use support::{parked, tcp_pair, wait_until};

#[test]
fn a_read_deadline_expiring_while_parked_fails_the_read_with_a_timeout() {
    goro::run(|| {
        let (mut c, mut s) = tcp_pair();
        let start = Instant::now();
        c.set_read_deadline(Some(start + Duration::from_millis(100)))
            .unwrap();
        let err = c.read(&mut [0; 16]).unwrap_err();
        let took = start.elapsed();
        assert_eq!(err.kind(), ErrorKind::TimedOut);
        assert_eq!(err.to_string(), "i/o timeout");
        assert!(took >= Duration::from_millis(100), "woke early: {took:?}");
        assert!(took < Duration::from_secs(5), "woke late: {took:?}");
        // Still expired: the next read fails at once, without parking.
        assert_eq!(
            c.read(&mut [0; 16]).unwrap_err().kind(),
            ErrorKind::TimedOut
        );
        // Cleared: data that arrives is read again.
        c.set_read_deadline(None).unwrap();
        s.write_all(b"after").unwrap();
        let mut buf = [0; 5];
        c.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"after");
        // The write side never had a deadline.
        c.write_all(b"ok").unwrap();
        s.read_exact(&mut buf[..2]).unwrap();
        assert_eq!(&buf[..2], b"ok");
    });
}

#[test]
fn a_deadline_in_the_past_fails_at_once_and_a_later_one_extends_it() {
    goro::run(|| {
        let (mut c, mut s) = tcp_pair();
        c.set_deadline(Some(Instant::now() - Duration::from_secs(1)))
            .unwrap();
        assert_eq!(c.read(&mut [0; 4]).unwrap_err().kind(), ErrorKind::TimedOut);
        assert_eq!(c.write(b"x").unwrap_err().kind(), ErrorKind::TimedOut);
        // Extended into the future: the peer's write arrives before it.
        c.set_deadline(Some(Instant::now() + Duration::from_secs(30)))
            .unwrap();
        let tx = s.clone();
        go!(move || {
            goro::time::sleep(Duration::from_millis(20));
            (&tx).write_all(b"late").unwrap();
        });
        let mut buf = [0; 4];
        c.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"late");
        c.write_all(b"x").unwrap();
        s.read_exact(&mut buf[..1]).unwrap();
    });
}

#[test]
fn setting_a_past_deadline_from_another_goroutine_wakes_a_parked_read() {
    goro::run(|| {
        let (c, _s) = tcp_pair();
        let reader = c.clone();
        let h = goro::spawn(move || (&reader).read(&mut [0; 4]).map_err(|e| e.kind()));
        wait_until("the reader parks in IO wait", || parked("IO wait") == 1);
        c.set_read_deadline(Some(Instant::now())).unwrap();
        assert_eq!(h.join().unwrap(), Err(ErrorKind::TimedOut));
    });
}

#[test]
fn a_later_deadline_set_while_parked_replaces_the_earlier_one() {
    goro::run(|| {
        let (c, mut s) = tcp_pair();
        // Long enough for the dump that sees the reader parked, even on a loaded machine.
        let first = Instant::now() + Duration::from_secs(1);
        c.set_read_deadline(Some(first)).unwrap();
        let reader = c.clone();
        let h = goro::spawn(move || {
            let mut buf = [0; 3];
            (&reader)
                .read_exact(&mut buf)
                .map(|()| buf)
                .map_err(|e| e.kind())
        });
        wait_until("the reader parks in IO wait", || parked("IO wait") == 1);
        // Moved far out before the first one fires: the read must outlive it.
        c.set_read_deadline(Some(Instant::now() + Duration::from_secs(60)))
            .unwrap();
        goro::time::sleep(goro::time::until(first) + Duration::from_millis(200));
        s.write_all(b"yes").unwrap();
        assert_eq!(h.join().unwrap(), Ok(*b"yes"));
    });
}

#[test]
fn a_write_parked_on_a_full_buffer_times_out() {
    goro::run(|| {
        let (mut c, _s) = tcp_pair(); // nobody reads `_s`
        c.set_write_deadline(Some(Instant::now() + Duration::from_millis(200)))
            .unwrap();
        let chunk = vec![7u8; 1 << 16];
        let mut sent = 0usize;
        let err = loop {
            match c.write(&chunk) {
                Ok(n) => sent += n,
                Err(e) => break e,
            }
        };
        assert_eq!(err.kind(), ErrorKind::TimedOut);
        assert!(sent > 0, "the buffers took something before filling up");
    });
}

#[test]
fn an_accept_deadline_times_out() {
    goro::run(|| {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.set_deadline(Some(Instant::now() + Duration::from_millis(50)))
            .unwrap();
        assert_eq!(l.accept().unwrap_err().kind(), ErrorKind::TimedOut);
        l.set_deadline(None).unwrap();
        let addr = l.local_addr().unwrap();
        go!(move || drop(TcpStream::connect(addr).unwrap()));
        assert!(l.accept().is_ok());
    });
}

/// Setting a deadline on a closed socket fails as Go's `SetDeadline` does (`ErrClosed`);
/// on an open one it succeeds. The setters return `io::Result`, as std's timeout setters.
#[test]
fn deadlines_cannot_be_set_on_a_closed_socket() {
    goro::run(|| {
        let (c, _s) = tcp_pair();
        let soon = Some(Instant::now() + Duration::from_secs(5));
        c.set_deadline(soon).unwrap();
        c.close();
        for r in [
            c.set_deadline(soon),
            c.set_read_deadline(None),
            c.set_write_deadline(soon),
        ] {
            let e = r.unwrap_err();
            assert_eq!(e.to_string(), "use of closed network connection");
            assert_eq!(e.kind(), ErrorKind::NotConnected);
        }
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let l2 = l.try_clone().unwrap();
        l2.close();
        assert_eq!(
            l.set_deadline(None).unwrap_err().to_string(),
            "use of closed network connection"
        );
        let u = goro::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        u.set_read_deadline(soon).unwrap();
        u.close();
        assert!(u.set_read_deadline(soon).is_err());
    });
}

#[test]
fn plain_threads_honour_deadlines() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut c = TcpStream::connect(l.local_addr().unwrap()).unwrap();
    let (_s, _) = l.accept().unwrap();
    let start = Instant::now();
    c.set_read_deadline(Some(start + Duration::from_millis(150)))
        .unwrap();
    assert_eq!(c.read(&mut [0; 4]).unwrap_err().kind(), ErrorKind::TimedOut);
    assert!(start.elapsed() >= Duration::from_millis(150));
}

#[goro::test(gomaxprocs = 1)]
fn every_goroutine_in_io_wait_is_woken_by_the_schedulers_poller() {
    // One P: the only M sleeps in the poller while both goroutines wait for I/O, and the
    // peer is a plain thread, outside the runtime.
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    let peer = std::thread::spawn(move || {
        let mut conns: Vec<_> = (0..2).map(|_| l.accept().unwrap().0).collect();
        std::thread::sleep(Duration::from_millis(100));
        for (i, c) in conns.iter_mut().enumerate() {
            c.write_all(&[i as u8; 3]).unwrap();
        }
    });
    let hs: Vec<_> = (0..2)
        .map(|_| {
            let mut c = TcpStream::connect(addr).unwrap();
            goro::spawn(move || {
                let mut b = [0; 3];
                c.read_exact(&mut b).unwrap();
                b[0]
            })
        })
        .collect();
    let mut got: Vec<u8> = hs.into_iter().map(|h| h.join().unwrap()).collect();
    got.sort();
    peer.join().unwrap();
    assert_eq!(got, vec![0, 1]);
}

#[test]
fn a_connect_that_gets_no_answer_times_out() {
    goro::run(|| {
        // A listener that never accepts, with the smallest backlog: once its queue is
        // full the kernel drops further SYNs, so a connect gets no answer.
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap();
        // SAFETY: plain syscall on the listener's open fd.
        let rc = unsafe { libc::listen(std::os::fd::AsRawFd::as_raw_fd(&l), 0) };
        assert_eq!(rc, 0);
        let mut held = Vec::new();
        let err = loop {
            let start = Instant::now();
            match TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
                Ok(c) => held.push(c),
                Err(e) => {
                    let took = start.elapsed();
                    assert!(took >= Duration::from_millis(200), "{took:?}");
                    break e;
                }
            }
            assert!(held.len() < 20, "the backlog never filled up");
        };
        assert_eq!(err.kind(), ErrorKind::TimedOut, "{err:?}");
    });
}

#[test]
fn a_burst_of_connects_fits_the_accept_queue_as_in_go() {
    // Go listens with the system's largest backlog (somaxconn): 500 handshakes complete
    // before anyone accepts. With std's 128, the rest would lose their SYNs and retry only
    // after a second, past this connect deadline.
    goro::run(|| {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap();
        let somaxconn: usize = std::fs::read_to_string("/proc/sys/net/core/somaxconn")
            .map_or(4096, |v| v.trim().parse().unwrap());
        let n = 500.min(somaxconn);
        let hs: Vec<_> = (0..n)
            .map(|_| {
                goro::spawn(move || TcpStream::connect_timeout(&addr, Duration::from_millis(700)))
            })
            .collect();
        let conns: Vec<_> = hs.into_iter().map(|h| h.join().unwrap()).collect();
        let failed = conns.iter().filter(|c| c.is_err()).count();
        assert_eq!(failed, 0, "{:?}", conns.iter().find(|c| c.is_err()));
        for _ in 0..n {
            l.accept().unwrap();
        }
    });
}
