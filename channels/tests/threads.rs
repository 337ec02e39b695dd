//! Channels outside goroutines: plain `std::thread`s and `main` before any runtime use the
//! same channels, parking the OS thread where a goroutine would park itself, so a thread
//! and a goroutine can talk through a channel in either direction.
mod support;

use goro::chan::{SEND_ON_CLOSED, select};
use goro::{Chan, TryRecvError};
use std::thread;
use support::{ThreadProbe, panic_text, wait_until};

#[test]
fn plain_threads_rendezvous_with_no_runtime_at_all() {
    let ch = Chan::<u64>::new(0);
    let rx = ch.clone();
    let t = thread::spawn(move || rx.iter().take(1000).sum::<u64>());
    for i in 0..1000 {
        ch.send(i); // each send waits for the other thread's receive
    }
    assert_eq!(t.join().unwrap(), 999 * 1000 / 2);
    assert_eq!(goro::runtime::goid(), 0, "this test ran on no goroutine");
}

#[test]
fn a_buffered_channel_filled_before_the_runtime_is_drained_inside_it() {
    let ch = Chan::<String>::new(3);
    for s in ["made", "before", "run"] {
        ch.send(s.to_owned());
    }
    let inside = ch.clone();
    let got = goro::run(move || {
        let got: Vec<_> = (0..3).map(|_| inside.recv().unwrap()).collect();
        inside.send("from goroutine 1".to_owned());
        got
    });
    assert_eq!(got, ["made", "before", "run"]);
    assert_eq!(
        ch.recv().as_deref(),
        Some("from goroutine 1"),
        "and back again"
    );
}

#[goro::test]
fn a_thread_serves_a_goroutine_and_back() {
    let (req, resp) = (Chan::<u32>::new(0), Chan::<u32>::new(0));
    let (req2, resp2) = (req.clone(), resp.clone());
    let server = thread::spawn(move || {
        for v in &req2 {
            resp2.send(v * 2);
        }
        resp2.close();
    });
    for i in 0..1000 {
        req.send(i); // parks goroutine 1 until the thread receives
        assert_eq!(resp.recv(), Some(i * 2)); // parks it until the thread answers
    }
    req.close();
    assert_eq!(resp.recv(), None);
    server.join().unwrap();
}

#[test]
fn main_talks_to_a_goroutine_of_the_global_runtime() {
    // `go!` outside any runtime starts the process-wide one; this thread parks on `recv`.
    let (ping, pong) = (Chan::<u8>::new(0), Chan::<u8>::new(0));
    goro::go!({
        while let Some(v) = ping.recv() {
            pong.send(v + 1);
        }
    });
    for v in 0..100 {
        ping.send(v);
        assert_eq!(pong.recv(), Some(v + 1));
    }
    ping.close();
}

#[test]
fn a_thread_waits_in_select_until_a_goroutine_sends() {
    let (a, b) = (Chan::<&str>::new(0), Chan::<&str>::new(0));
    let (a2, b2) = (a.clone(), b.clone());
    let waiter = thread::spawn(move || {
        let (mut ra, mut rb) = (select::recv(&a2), select::recv(&b2));
        let won = select::select([&mut ra, &mut rb], true);
        (won, rb.take())
    });
    goro::run(move || b.send("from a goroutine"));
    assert_eq!(waiter.join().unwrap(), (Some(1), Some("from a goroutine")));
    assert_eq!(a.try_recv(), Err(TryRecvError::Empty));
}

/// Starts a plain thread running `f` and returns once `f` has parked it.
fn spawn_parked<T: Send + 'static>(
    what: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> thread::JoinHandle<T> {
    let (probe_tx, probe_rx) = std::sync::mpsc::channel();
    let t = thread::spawn(move || {
        probe_tx.send(ThreadProbe::of_this_thread()).unwrap();
        f()
    });
    let probe = probe_rx.recv().expect("the thread sends its probe first");
    wait_until(what, || probe.parked());
    t
}

#[test]
fn close_releases_a_thread_blocked_in_recv() {
    let ch = Chan::<i32>::new(0);
    let rx = ch.clone();
    let t = spawn_parked("the thread parked in recv", move || rx.recv());
    goro::run(move || ch.close()); // a goroutine wakes the thread
    assert_eq!(t.join().unwrap(), None);
}

#[test]
fn a_threads_send_on_a_channel_closed_meanwhile_panics() {
    let ch = Chan::<i32>::new(0);
    let tx = ch.clone();
    let t = spawn_parked("the thread parked in send", move || tx.send(1));
    ch.close(); // a thread wakes the thread
    let payload = t.join().expect_err("send on closed channel");
    assert_eq!(panic_text(&*payload), SEND_ON_CLOSED);
}

#[test]
fn threads_and_goroutines_share_one_channel_under_load() {
    const PER: u64 = 10_000;
    let ch = Chan::<u64>::new(16);
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let tx = ch.clone();
            thread::spawn(move || (0..PER).for_each(|i| tx.send(t * PER + i)))
        })
        .collect();
    let rx = ch.clone();
    let sum = goro::run(move || {
        let parts = Chan::<u64>::new(4);
        for _ in 0..4 {
            let (rx, parts) = (rx.clone(), parts.clone());
            goro::go!(move || parts.send((0..PER).map(|_| rx.recv().unwrap()).sum()));
        }
        parts.iter().take(4).sum::<u64>()
    });
    threads.into_iter().for_each(|t| t.join().unwrap());
    let n = 4 * PER;
    assert_eq!(sum, n * (n - 1) / 2, "every value once");
    assert_eq!(ch.try_recv(), Err(TryRecvError::Empty));
}

#[test]
fn a_thread_selects_between_two_goroutine_senders_many_times() {
    // Two goroutines (on any P) race to wake the same parked thread; exactly one wins each
    // round, so every value arrives once.
    const N: u32 = 20_000;
    let (a, b) = (Chan::<u32>::new(0), Chan::<u32>::new(0));
    let (a2, b2) = (a.clone(), b.clone());
    let feeder = thread::spawn(move || {
        goro::run(move || {
            let other = goro::spawn(move || (0..N).for_each(|i| a2.send(i)));
            (0..N).for_each(|i| b2.send(N + i));
            other.join().unwrap(); // run would unwind it if still sending
        })
    });
    let mut seen = vec![false; 2 * N as usize];
    for _ in 0..2 * N {
        let (mut ra, mut rb) = (select::recv(&a), select::recv(&b));
        let v = match select::select([&mut ra, &mut rb], true) {
            Some(0) => ra.take(),
            _ => rb.take(),
        }
        .unwrap();
        assert!(!seen[v as usize], "{v} twice");
        seen[v as usize] = true;
    }
    feeder.join().unwrap();
    assert!(seen.iter().all(|&s| s));
}

#[test]
fn goroutines_of_two_runtimes_talk_through_a_channel() {
    // Each `run` is its own runtime on its own thread; a channel connects their goroutines,
    // and a wake-up from one runtime readies the parked goroutine on the other's scheduler.
    let (ping, pong) = (Chan::<u32>::new(0), Chan::<u32>::new(0));
    let (ping2, pong2) = (ping.clone(), pong.clone());
    let echo = thread::spawn(move || {
        goro::run(move || {
            let mut n = 0;
            for v in &ping2 {
                pong2.send(v + 1);
                n += 1;
            }
            n
        })
    });
    let last = goro::run(move || {
        let mut v = 0;
        for _ in 0..10_000 {
            ping.send(v);
            v = pong.recv().unwrap();
        }
        ping.close();
        v
    });
    assert_eq!(last, 10_000);
    assert_eq!(echo.join().unwrap(), 10_000);
}

#[test]
fn scoped_threads_pass_borrowed_values() {
    // `Chan<T>` needs only `T: Send`, not `'static`: it can carry references into a scope.
    let words = vec!["go".to_owned(), "ro".to_owned(), "utine".to_owned()];
    let ch = Chan::<&str>::new(0);
    let joined = thread::scope(|s| {
        s.spawn(|| {
            for w in &words {
                ch.send(w);
            }
            ch.close();
        });
        ch.iter().collect::<String>()
    });
    assert_eq!(joined, "goroutine");
}
