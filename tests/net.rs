//! `goro::net` over loopback: goroutine-per-connection echo with every byte checked, Go's
//! close waking a parked read, clear errors for bad input, idle connections holding no
//! threads, and plain threads using the same sockets.
mod support;
use support::tcp_pair;

use goro::net::{TcpListener, TcpStream};
use goro::prelude::*;
use std::io::{ErrorKind, Read, Write};
use std::net::Shutdown;
use std::sync::Arc;

/// An echo server: a goroutine per connection, as Go's.
fn echo_server() -> (TcpListener, std::net::SocketAddr) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
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
    (l, addr)
}

#[goro::test]
fn many_connections_echo_every_byte() {
    const CONNS: usize = 200;
    const MSGS: usize = 200;
    let (l, addr) = echo_server();
    let wg = Arc::new(WaitGroup::new());
    for c in 0..CONNS {
        wg.go(move || {
            let s = TcpStream::connect(addr).unwrap();
            support::echo_client(s, c, MSGS, |s| s.shutdown(Shutdown::Write).unwrap());
        });
    }
    wg.wait();
    l.close();
}

#[goro::test]
fn close_from_another_goroutine_wakes_a_parked_read_at_once() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    let client = TcpStream::connect(addr).unwrap();
    let (_server_side, _) = l.accept().unwrap();
    let c2 = client.clone();
    let reader = goro::spawn(move || {
        let mut buf = [0u8; 8];
        (&c2).read(&mut buf)
    });
    support::wait_until("the goroutine parked in IO wait", || {
        support::parked("IO wait") == 1
    });
    let start = std::time::Instant::now();
    client.close();
    let err = reader.join().unwrap().unwrap_err();
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(err.to_string(), "use of closed network connection");
    // Later operations on any clone fail the same way.
    assert!((&client).write(b"x").is_err());
}

#[goro::test]
fn close_wakes_a_parked_accept() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let l2 = l.clone();
    let acceptor = goro::spawn(move || l2.accept().map(|_| ()));
    support::wait_until("the goroutine parked in IO wait", || {
        support::parked("IO wait") == 1
    });
    l.close();
    let err = acceptor.join().unwrap().unwrap_err();
    assert_eq!(err.to_string(), "use of closed network connection");
}

#[goro::test]
fn bad_input_gives_clear_errors() {
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

    let err = TcpStream::connect("no-such-host.invalid:80").unwrap_err();
    assert!(!err.to_string().is_empty());

    // Reading after our own read shutdown: end of stream, at once.
    let mut c = TcpStream::connect(l.local_addr().unwrap()).unwrap();
    let (_s, _) = l.accept().unwrap();
    c.shutdown(Shutdown::Read).unwrap();
    let mut buf = [0u8; 4];
    assert_eq!(c.read(&mut buf).unwrap(), 0);
}

#[goro::test]
fn a_connection_names_its_addresses_and_nodelay_is_on() {
    let l = TcpListener::bind("localhost:0").unwrap();
    let addr = l.local_addr().unwrap();
    let c = TcpStream::connect(("localhost", addr.port())).unwrap();
    let (s, peer) = l.accept().unwrap();
    assert_eq!(c.peer_addr().unwrap(), addr);
    assert_eq!(s.peer_addr().unwrap(), peer);
    assert_eq!(c.local_addr().unwrap(), peer);
    assert!(c.nodelay().unwrap() && s.nodelay().unwrap());
}

fn threads() -> usize {
    std::fs::read_dir("/proc/self/task").map_or(0, |d| d.count())
}

/// In a child process, so that no other test's threads are counted.
#[test]
fn idle_connections_hold_no_threads() {
    if !support::is_child() {
        let (code, stderr) = support::run_child("idle_connections_hold_no_threads");
        assert_eq!(code, 0, "{stderr}");
        return;
    }
    goro::run(|| {
        const N: usize = 500;
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap();
        let before = threads();
        let mut clients = Vec::new();
        let mut readers = Vec::new();
        for _ in 0..N {
            clients.push(TcpStream::connect(addr).unwrap());
            let (s, _) = l.accept().unwrap();
            readers.push(goro::spawn(move || {
                let mut buf = [0u8; 1];
                (&s).read(&mut buf).unwrap()
            }));
        }
        support::wait_until("every reader parked", || {
            goro::runtime::num_goroutine() == N + 1
        });
        let during = threads();
        assert!(
            during <= before + 4,
            "{N} idle readers use {during} threads ({before} before)"
        );
        for c in &clients {
            (&*c).write_all(b"x").unwrap();
        }
        for r in readers {
            assert_eq!(r.join().unwrap(), 1);
        }
    });
}

#[test]
fn plain_threads_use_the_same_sockets() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    let t = std::thread::spawn(move || {
        let mut c = TcpStream::connect(addr).unwrap();
        c.write_all(b"hello").unwrap();
        let mut buf = [0u8; 5];
        c.read_exact(&mut buf).unwrap();
        buf
    });
    let (mut s, _) = l.accept().unwrap(); // this test's thread blocks, as std's would
    let mut buf = [0u8; 5];
    s.read_exact(&mut buf).unwrap();
    s.write_all(&buf).unwrap();
    assert_eq!(&t.join().unwrap(), b"hello");
}

#[test]
fn calls_after_close_fail_with_gos_closed_error() {
    goro::run(|| {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut c = TcpStream::connect(l.local_addr().unwrap()).unwrap();
        let (_s, _) = l.accept().unwrap();
        // A connection is pending when the listener closes: it is not handed out.
        let _pending = TcpStream::connect(l.local_addr().unwrap()).unwrap();
        l.close();
        c.close();
        for err in [
            l.accept().map(|_| ()).unwrap_err(),
            c.read(&mut [0; 4]).map(|_| ()).unwrap_err(),
            c.write(b"x").map(|_| ()).unwrap_err(),
        ] {
            assert_eq!(err.to_string(), "use of closed network connection");
        }
    });
}

#[test]
fn a_goroutine_woken_by_the_poller_resumes_on_its_own_thread() {
    goro::run(|| {
        let (l, addr) = echo_server();
        let hs: Vec<_> = (0..8)
            .map(|i| {
                goro::spawn(move || {
                    let mut c = TcpStream::connect(addr).unwrap();
                    let me = std::thread::current().id();
                    let mut moved = 0;
                    for round in 0..50u8 {
                        c.write_all(&[i, round]).unwrap();
                        let mut b = [0; 2];
                        c.read_exact(&mut b).unwrap(); // parks in IO wait
                        assert_eq!(b, [i, round]);
                        moved += usize::from(std::thread::current().id() != me);
                    }
                    moved
                })
            })
            .collect();
        let moved: usize = hs.into_iter().map(|h| h.join().unwrap()).sum();
        assert_eq!(moved, 0, "a goroutine resumed on another thread");
        l.close();
    });
}

/// Registers `s` with the poller of the calling goroutine's thread: a read that waits
/// until its deadline (nothing is sent).
fn register_here(s: &TcpStream) {
    s.set_read_deadline(Some(
        std::time::Instant::now() + std::time::Duration::from_millis(20),
    ))
    .unwrap();
    let err = (&*s).read(&mut [0; 1]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TimedOut);
    s.set_read_deadline(None).unwrap();
}

#[test]
fn a_socket_outlives_the_runtime_whose_thread_polled_it() {
    // Each thread polls the sockets its goroutines waited on first; once that runtime
    // has ended, a goroutine of the next one waits on it just the same.
    let (mut c, s) = goro::run(|| {
        let (c, s) = tcp_pair();
        register_here(&s);
        (c, s)
    });
    goro::run(move || {
        let mut s2 = s.clone();
        let h = goro::spawn(move || {
            let mut b = [0; 4];
            s2.read_exact(&mut b).unwrap();
            b
        });
        support::wait_until("the reader parks", || support::parked("IO wait") == 1);
        c.write_all(b"ping").unwrap();
        assert_eq!(&h.join().unwrap(), b"ping");
        drop(s);
    });
}

#[test]
fn a_read_parked_on_the_poller_of_a_runtime_that_ends_still_completes() {
    // Runtime A's thread polls the socket; a goroutine of runtime B parks reading it; A ends
    // (its threads and their pollers go away); then the data comes.
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::mpsc;
    let (give, take) = mpsc::channel();
    let (parked, go_on) = mpsc::channel::<()>();
    let a_ended = Arc::new(AtomicBool::new(false));
    let a = {
        let a_ended = a_ended.clone();
        std::thread::spawn(move || {
            goro::run(move || {
                let (c, s) = tcp_pair();
                register_here(&s);
                give.send((c, s)).unwrap();
                go_on.recv().unwrap();
            });
            a_ended.store(true, Ordering::SeqCst);
        })
    };
    goro::run(move || {
        let (mut c, s) = take.recv().unwrap();
        let h = goro::spawn(move || {
            let mut s = s;
            let mut b = [0; 4];
            s.read_exact(&mut b).unwrap();
            b
        });
        support::wait_until("the reader parks", || support::parked("IO wait") == 1);
        parked.send(()).unwrap();
        support::wait_until("runtime A ends", || a_ended.load(Ordering::SeqCst));
        c.write_all(b"ping").unwrap();
        assert_eq!(&h.join().unwrap(), b"ping");
    });
    a.join().unwrap();
}

#[test]
fn a_reader_on_another_thread_than_the_sockets_poller_is_woken() {
    // Goroutine 1 registers the socket with its thread's poller, then a goroutine on
    // another thread parks reading it while goroutine 1 sleeps, with two Ps and then one
    // (the reader's thread then has no P when the data comes).
    for procs in [2, 1] {
        goro::run(move || {
            goro::runtime::gomaxprocs(2);
            let (mut c, s) = tcp_pair();
            register_here(&s);
            goro::runtime::lock_os_thread(); // so the reader starts on another thread
            let me = std::thread::current().id();
            let mut s2 = s.clone();
            let h = goro::spawn(move || {
                let started = std::thread::current().id();
                let mut b = [0; 4];
                s2.read_exact(&mut b).unwrap();
                assert_eq!(std::thread::current().id(), started);
                (started, b)
            });
            support::wait_until("the reader parks", || support::parked("IO wait") == 1);
            goro::runtime::unlock_os_thread();
            goro::runtime::gomaxprocs(procs);
            let w = std::thread::spawn(move || c.write_all(b"ping").unwrap());
            let (reader, b) = h.join().unwrap();
            assert_ne!(reader, me);
            assert_eq!(&b, b"ping");
            w.join().unwrap();
        });
    }
}
