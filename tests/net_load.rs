//! `goro::net` under load: a thousand connections busy at once with every byte checked,
//! and ten thousand idle connections, each held by its own parked goroutine, costing no
//! thread each.
mod support;

use goro::net::{TcpListener, TcpStream};
use goro::prelude::*;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::Shutdown;
use std::process::{Child, ChildStderr, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

/// Message `m` of connection `c`: 64 bytes no other message of the run shares, so a byte
/// delivered to the wrong connection or out of order is caught.
fn message(c: usize, m: usize) -> [u8; 64] {
    let mut msg = [0u8; 64];
    msg[..4].copy_from_slice(&(c as u32).to_le_bytes());
    msg[4..8].copy_from_slice(&(m as u32).to_le_bytes());
    for (i, b) in msg[8..].iter_mut().enumerate() {
        *b = (c * 131 + m * 7 + i) as u8;
    }
    msg
}

/// 1,000 connections, each a client goroutine sending 1,000 messages of 64 bytes one at a
/// time to its own server goroutine and checking each echo: one million round trips, all
/// 1,000 connections open and busy at once, on GOMAXPROCS threads.
#[test]
fn thousand_connections_echo_a_thousand_messages_each() {
    const CONNS: usize = 1000;
    const MSGS: usize = 1000;
    let start = Instant::now();
    let echoed = goro::run(|| {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap();
        let l2 = l.clone();
        let server_conns = Arc::new(AtomicUsize::new(0));
        let counted = server_conns.clone();
        go!(move || {
            for c in l2.incoming() {
                let Ok(c) = c else { return }; // closed: the test is over
                counted.fetch_add(1, Ordering::Relaxed);
                go!(move || {
                    let (mut from, mut to) = (&c, &c);
                    std::io::copy(&mut from, &mut to).unwrap();
                    c.close();
                });
            }
        });
        let echoed = Arc::new(AtomicUsize::new(0));
        let wg = Arc::new(WaitGroup::new());
        for c in 0..CONNS {
            let echoed = echoed.clone();
            wg.go(move || {
                let mut s = TcpStream::connect(addr).unwrap();
                let mut back = [0u8; 64];
                for m in 0..MSGS {
                    let msg = message(c, m);
                    s.write_all(&msg).unwrap();
                    s.read_exact(&mut back).unwrap();
                    assert_eq!(back, msg, "connection {c} message {m}");
                    echoed.fetch_add(back.len(), Ordering::Relaxed);
                }
                // Our end of stream ends the server's copy, which closes its side.
                s.shutdown(Shutdown::Write).unwrap();
                assert_eq!(s.read(&mut back).unwrap(), 0, "connection {c}: the end");
            });
        }
        wg.wait();
        assert_eq!(server_conns.load(Ordering::Relaxed), CONNS);
        l.close();
        // Every server goroutine has ended its copy; the acceptor sees the close.
        support::wait_until("every server goroutine ended", || {
            goro::runtime::num_goroutine() == 1
        });
        echoed.load(Ordering::Relaxed)
    });
    assert_eq!(echoed, CONNS * MSGS * 64);
    eprintln!(
        "{CONNS} connections x {MSGS} messages echoed in {:?}",
        start.elapsed()
    );
}

/// Threads of this process, from `/proc/self/status`, and their names (for the message).
fn threads() -> (usize, String) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let n = status
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .expect("a Threads: line")
        .trim()
        .parse()
        .unwrap();
    let mut names: Vec<String> = std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
        .map(|s| s.trim().to_string())
        .collect();
    names.sort();
    (n, names.join(", "))
}

const IDLE: usize = 10_000;
/// Connections made before waiting for the child to accept them.
const BATCH: usize = 100;

/// Helper threads a runtime may have besides its Ms, whatever its goroutines do: sysmon,
/// the network poller, the SIGQUIT watcher, the deadlock watchdog, and the blocking pool's
/// thread (the listener's address was looked up through `runtime::syscall`).
const HELPER_THREADS: usize = 5;

/// Ten thousand connections, each held by a goroutine parked in a read: all of them fit in
/// GOMAXPROCS Ms and a few helper threads. The goroutines live in a child process, its
/// clients in this one, since 20,000 sockets would pass the descriptor limit (20,000 here)
/// of one process. The child listens and prints its address; we connect 10,000 times; the
/// child checks its thread count once every goroutine is parked in "IO wait", closes every
/// connection (Go's `Close` wakes each parked read with an error), checks that every
/// goroutine has ended, and exits; we check that each connection saw its end of stream.
#[test]
fn ten_thousand_idle_connections_hold_no_thread_each() {
    const NAME: &str = "ten_thousand_idle_connections_hold_no_thread_each";
    if support::is_child() {
        idle_server();
        return;
    }
    let start = Instant::now();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", NAME, "--nocapture", "--test-threads=1"])
        .env("GORO_CHILD", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the child");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut stderr = child.stderr.take().unwrap();
    let mut printed = String::new();
    let mut next_line = |printed: &mut String| {
        let mut l = String::new();
        out.read_line(&mut l).unwrap();
        printed.push_str(&l);
        l
    };
    let addr: std::net::SocketAddr = loop {
        let l = next_line(&mut printed);
        if l.is_empty() {
            child_ended(&mut child, &mut stderr, &printed);
        }
        if let Some(a) = l.trim_end().split_once("listening on ") {
            break a.1.parse().unwrap();
        }
    };
    // In batches smaller than the listen backlog (std's 128), each only once the child
    // has accepted the last: connections the child has not accepted yet wait in that
    // queue, and once it is full the kernel drops new handshakes, to be retried a whole
    // second later.
    let mut conns = Vec::with_capacity(IDLE);
    while conns.len() < IDLE {
        for _ in 0..BATCH.min(IDLE - conns.len()) {
            let c = std::net::TcpStream::connect(addr)
                .unwrap_or_else(|e| panic!("connection {}: {e}", conns.len()));
            c.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
            conns.push(c);
        }
        let want = format!("accepted {}", conns.len());
        loop {
            let l = next_line(&mut printed);
            if l.trim_end() == want {
                break;
            }
            if l.is_empty() {
                child_ended(&mut child, &mut stderr, &printed);
            }
        }
    }
    let connected = start.elapsed();
    // Every connection ends once the child has closed them all.
    for (i, mut c) in conns.into_iter().enumerate() {
        let mut buf = [0u8; 1];
        match c.read(&mut buf) {
            Ok(0) => {}
            Ok(_) => panic!("connection {i}: data, not the end of stream"),
            Err(e) if e.kind() == ErrorKind::ConnectionReset => {}
            Err(e) => {
                let _ = child.kill();
                panic!("connection {i}: {e}");
            }
        }
    }
    let status = child.wait().unwrap();
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    printed.push_str(&rest);
    let mut err = String::new();
    stderr.read_to_string(&mut err).unwrap();
    assert!(
        status.success(),
        "the child failed ({status}).\nstdout:\n{printed}\nstderr:\n{err}"
    );
    assert!(
        printed.contains(&format!("all {IDLE} goroutines ended")),
        "{printed}"
    );
    let report = printed
        .lines()
        .find(|l| l.contains("threads"))
        .unwrap_or("");
    eprintln!(
        "{IDLE} idle connections: connected in {connected:?}, all done in {:?}; child: {report}",
        start.elapsed()
    );
}

/// Fails the test with the output of a child that ended before its time.
fn child_ended(child: &mut Child, stderr: &mut ChildStderr, printed: &str) -> ! {
    let status = child.wait().unwrap();
    let mut err = String::new();
    stderr.read_to_string(&mut err).unwrap();
    panic!("the child ended early ({status}).\nstdout:\n{printed}\nstderr:\n{err}");
}

/// The child: accepts `IDLE` connections, a goroutine parked in `read` on each.
fn idle_server() {
    let (before, _) = threads();
    goro::run(move || {
        let procs = goro::runtime::gomaxprocs(0);
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        println!("listening on {}", l.local_addr().unwrap());
        let mut conns = Vec::with_capacity(IDLE);
        for i in 1..=IDLE {
            let (c, _) = l.accept().unwrap();
            if i % BATCH == 0 || i == IDLE {
                println!("accepted {i}");
            }
            conns.push(c.clone());
            go!(move || {
                let mut buf = [0u8; 1];
                // Parks in IO wait until `close` below wakes it.
                let err = (&c).read(&mut buf).unwrap_err();
                assert_eq!(err.to_string(), "use of closed network connection");
            });
        }
        l.close();
        support::wait_until("every reader started", || {
            goro::runtime::num_goroutine() == IDLE + 1
        });
        support::wait_until("every reader parked in IO wait", || {
            support::parked("IO wait") == IDLE
        });
        let (during, names) = threads();
        println!(
            "{IDLE} goroutines parked in IO wait; {during} threads ({before} before the \
             runtime), GOMAXPROCS={procs}: {names}"
        );
        // The threads there were before (the harness's main thread, and this test's,
        // which becomes an M), at most GOMAXPROCS Ms besides plus a spare that has just
        // given its P back, and the helpers. Ten thousand goroutines change none of that.
        let bound = before + procs + 1 + HELPER_THREADS;
        assert!(
            during <= bound,
            "{IDLE} parked goroutines: {during} threads, more than {bound}: {names}"
        );
        for c in &conns {
            c.close();
        }
        support::wait_until("every reader ended", || goro::runtime::num_goroutine() == 1);
        println!("all {IDLE} goroutines ended");
    });
}

/// An accept loop's connection goroutines start on more than one thread. A goroutine keeps
/// the thread it first runs on, and one spawned by a goroutine that then parks (in the next
/// `accept`) would run at once on the acceptor's thread: every connection's goroutine would
/// live there, and one thread would serve them all. Once the acceptor's thread has several
/// goroutines waiting for I/O, new ones start where fewer do.
#[test]
fn an_accept_loops_connection_goroutines_start_on_both_threads() {
    const CONNS: usize = 64;
    let threads = goro::run(|| {
        goro::runtime::gomaxprocs(2);
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap();
        let (tids, handlers) = (chan![ThreadId; CONNS], chan![(); CONNS]);
        let accepted = handlers.clone();
        let acceptor = goro::spawn(move || {
            for i in 0..CONNS {
                let (mut s, _) = l.accept().unwrap();
                let tids = tids.clone();
                go!(move || {
                    tids.send(std::thread::current().id());
                    let mut buf = [0u8; 1];
                    // Parks in IO wait until the client closes.
                    assert_eq!(s.read(&mut buf).unwrap(), 0);
                });
                // Clients arriving one by one: the next connects once this connection's
                // goroutine is parked. (Without the wait, a client thread faster than the
                // goroutines, on a loaded machine, made the connections a burst that the
                // acceptor took before any goroutine parked: nothing was in IO wait yet to
                // place them by, so all stayed on the acceptor's thread.)
                support::wait_until("the connection's goroutine parked", || {
                    support::parked("IO wait") == i + 1
                });
                handlers.send(());
            }
            tids
        });
        // Plain-thread clients: they add no goroutine to either thread.
        let clients = std::thread::spawn(move || {
            let mut conns = Vec::new();
            for _ in 0..CONNS {
                conns.push(std::net::TcpStream::connect(addr).unwrap());
                accepted.recv().unwrap();
            }
            conns
        });
        let tids = acceptor.join().unwrap();
        let mut per_thread = HashMap::new();
        for _ in 0..CONNS {
            *per_thread.entry(tids.recv().unwrap()).or_insert(0usize) += 1;
        }
        support::wait_until("every connection goroutine parked in IO wait", || {
            support::parked("IO wait") == CONNS
        });
        drop(clients.join().unwrap()); // end of stream: every goroutine returns
        per_thread
    });
    assert_on_both_threads(&threads, CONNS, CONNS / 8, "connection goroutines");
}

/// `per_thread` counts `total` goroutines, spread over two threads or more, none holding
/// more than `total - at_least` (with two threads: at least `at_least` on each).
fn assert_on_both_threads(
    per_thread: &HashMap<ThreadId, usize>,
    total: usize,
    at_least: usize,
    what: &str,
) {
    assert_eq!(per_thread.values().sum::<usize>(), total);
    assert!(per_thread.len() >= 2, "{what} per thread: {per_thread:?}");
    assert!(
        per_thread.values().all(|&n| n <= total - at_least),
        "{what} per thread: {per_thread:?}"
    );
}

/// Starts `n` goroutines that park in IO wait, one at a time, most on this goroutine's
/// thread (each runs from `runnext` as this goroutine yields in `wait_until`); each returns
/// once the stream end returned to the caller is dropped. Needs no other goroutine parked
/// in IO wait meanwhile.
fn io_waiters(n: usize) -> Vec<goro::net::UnixStream> {
    let mut ends = Vec::new();
    for i in 0..n {
        let (mut a, b) = goro::net::UnixStream::pair().unwrap();
        ends.push(b);
        go!(move || {
            let mut buf = [0u8; 1];
            assert_eq!(a.read(&mut buf).unwrap(), 0);
        });
        support::wait_until("the waiter parked", || support::parked("IO wait") == i + 1);
    }
    ends
}

/// Where a burst of `BURST` goroutines spawned at once starts, per thread (and which thread
/// is the spawner's, which the busy goroutine's). The spawner's thread has `WAITERS`
/// goroutines in IO wait; the other thread is busy with a goroutine that spins with no
/// scheduling point while the spawner spawns, so the burst's share homed there waits in its
/// home queue. Then, with `lock`, the busy goroutine locks its thread (`lock_os_thread`)
/// before it lets any of it run; it goes on spinning with a lock at every turn, its
/// scheduling point, where its slice is cut 1 ms after work waits for its thread.
fn burst_placement(lock: bool) -> (ThreadId, ThreadId, HashMap<ThreadId, usize>) {
    const WAITERS: usize = 12;
    goro::run(move || {
        goro::runtime::gomaxprocs(2);
        let me = std::thread::current().id();
        let mut ends = io_waiters(WAITERS);
        // It starts on the other thread: this one is locked meanwhile (a spawn from a
        // thread with IO waiters may otherwise start here, when no other thread has
        // started yet).
        goro::runtime::lock_os_thread();
        let (burst_done, stop) = (
            Arc::new(AtomicBool::new(false)),
            Arc::new(AtomicBool::new(false)),
        );
        let hog_thread = chan![ThreadId; 1];
        let hog = {
            let (burst_done, stop, hog_thread) =
                (burst_done.clone(), stop.clone(), hog_thread.clone());
            goro::spawn(move || {
                hog_thread.send(std::thread::current().id());
                // No scheduling point until the burst is spawned: the burst's goroutines
                // homed here flag this thread's slice to be cut after 1 ms (`HOME_WAIT`),
                // and a slow spawner (a debug build on a loaded machine) would let them
                // start here before the lock below.
                while !burst_done.load(Ordering::Relaxed) {
                    std::hint::spin_loop();
                }
                let m = goro::sync::Mutex::new(0u64);
                if lock {
                    goro::runtime::lock_os_thread();
                }
                while !stop.load(Ordering::Relaxed) {
                    *m.lock() += 1;
                }
                if lock {
                    goro::runtime::unlock_os_thread();
                }
            })
        };
        let hog_on = hog_thread.recv().unwrap();
        goro::runtime::unlock_os_thread();
        assert_ne!(hog_on, me, "the busy goroutine started on this thread");
        let tids = chan![ThreadId; BURST];
        let pairs: Vec<_> = (0..BURST)
            .map(|_| goro::net::UnixStream::pair().unwrap())
            .collect();
        for (mut a, b) in pairs {
            ends.push(b);
            let tids = tids.clone();
            go!(move || {
                tids.send(std::thread::current().id());
                let mut buf = [0u8; 1];
                assert_eq!(a.read(&mut buf).unwrap(), 0);
            });
        }
        burst_done.store(true, Ordering::Relaxed);
        let mut per_thread = HashMap::new();
        for _ in 0..BURST {
            *per_thread.entry(tids.recv().unwrap()).or_insert(0usize) += 1;
        }
        stop.store(true, Ordering::Relaxed);
        hog.join().unwrap();
        support::wait_until("every goroutine parked in IO wait", || {
            support::parked("IO wait") == WAITERS + BURST
        });
        drop(ends); // end of stream: every goroutine returns
        (me, hog_on, per_thread)
    })
}

const BURST: usize = 32;

/// A burst of goroutines spawned at once by a goroutine whose thread has goroutines in IO
/// wait starts on both threads, about evenly. Spawns from such a thread may start on
/// another with fewer (as an accept loop's do, above). Counting only the goroutines already
/// in IO wait, the whole burst went to the other thread, since none of it had started
/// there yet (tcp_echo: all 64 clients on one thread in some runs, 1.5 times as slow).
#[test]
fn a_burst_of_spawns_from_a_thread_with_io_waiters_starts_on_both_threads() {
    let (mine, _, per_thread) = burst_placement(false);
    let what = format!("burst goroutines (the spawner's thread: {mine:?})");
    assert_on_both_threads(&per_thread, BURST, BURST / 4, &what);
}

/// A goroutine placed on a thread at its spawn does not start there if that thread is
/// locked (`lock_os_thread`) before it runs: a locked thread starts nothing new, so the
/// burst's share of the busy, then locked, thread starts on the spawner's thread instead.
#[test]
fn a_spawn_placed_on_a_thread_locked_before_it_runs_starts_elsewhere() {
    let (mine, locked, per_thread) = burst_placement(true);
    assert_eq!(per_thread.values().sum::<usize>(), BURST);
    assert_eq!(
        per_thread.get(&locked),
        None,
        "burst goroutines per thread (this one: {mine:?}, locked: {locked:?}): {per_thread:?}"
    );
}

/// A spawner whose thread has goroutines in IO wait, with another thread locked by a
/// goroutine, gets its burst of work run on two threads, neither of them the locked one:
/// spawns are homed only where the spawner's thread was weighed against an unlocked one,
/// else they go to the run queues, which start a thread that steals from them. (The
/// decision alone, with no other thread at all: `newproc.rs`'s
/// `spread_homes_a_spawn_only_where_it_weighed_another_thread`.)
#[test]
fn a_burst_from_a_thread_with_io_waiters_runs_on_two_threads_when_no_other_is_free() {
    const WAITERS: usize = 12;
    let (locked, spawner, per_thread) = goro::run(|| {
        goro::runtime::gomaxprocs(2);
        // A goroutine that locks this thread and waits: from now on no fresh goroutine
        // starts here.
        let (locked_on, unlock) = (chan![ThreadId; 1], chan![(); 1]);
        let locker = {
            let (locked_on, unlock) = (locked_on.clone(), unlock.clone());
            goro::spawn(move || {
                goro::runtime::lock_os_thread();
                locked_on.send(std::thread::current().id());
                unlock.recv();
                goro::runtime::unlock_os_thread();
            })
        };
        let locked = locked_on.recv().unwrap();
        // The spawner starts on another thread, as this one is locked.
        let spawner = goro::spawn(|| {
            let ends = io_waiters(WAITERS);
            let tids = chan![ThreadId; BURST];
            for _ in 0..BURST {
                let tids = tids.clone();
                go!(move || {
                    // About 200 µs of work each: more than a thread may leave fresh work
                    // waiting before another steals it.
                    let until = Instant::now() + Duration::from_micros(200);
                    while Instant::now() < until {
                        std::hint::spin_loop();
                    }
                    tids.send(std::thread::current().id());
                });
            }
            let mut per_thread = HashMap::new();
            for _ in 0..BURST {
                *per_thread.entry(tids.recv().unwrap()).or_insert(0usize) += 1;
            }
            drop(ends); // end of stream: every waiter returns
            (std::thread::current().id(), per_thread)
        });
        let (spawner, per_thread) = spawner.join().unwrap();
        unlock.send(());
        locker.join().unwrap();
        (locked, spawner, per_thread)
    });
    assert_ne!(spawner, locked, "the spawner started on the locked thread");
    assert!(
        !per_thread.contains_key(&locked),
        "a burst goroutine started on the locked thread: {per_thread:?}"
    );
    assert_on_both_threads(&per_thread, BURST, 1, "burst goroutines");
}
