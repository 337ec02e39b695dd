//! Many goroutines on all Ps hammering channels: every message is received exactly once
//! (a bitmap over all values), per-sender order survives, nothing deadlocks. Sized to take
//! seconds in a debug build on two cores (CI runs `cargo test --workspace` in debug).
mod support;

use goro::prelude::*;
use std::time::Instant;

const SENDERS: usize = 8;
const RECEIVERS: usize = 8;
const TOTAL: usize = 1_000_000;
const PER_SENDER: usize = TOTAL / SENDERS;

/// 8 senders × 8 receivers move `TOTAL` distinct values through one channel of capacity
/// `cap`; checks each value arrives exactly once and each sender's values arrive in order
/// at any one receiver (a channel is FIFO).
fn eight_by_eight(cap: usize) {
    let start = Instant::now();
    let ch = Chan::<u32>::new(cap);
    let senders: Vec<_> = (0..SENDERS)
        .map(|s| {
            let tx = ch.sender();
            goro::spawn(move || {
                for k in 0..PER_SENDER {
                    tx.send((s * PER_SENDER + k) as u32);
                }
            })
        })
        .collect();
    let receivers: Vec<_> = (0..RECEIVERS)
        .map(|_| {
            let rx = ch.receiver();
            goro::spawn(move || {
                let mut seen = Bitmap::new(TOTAL);
                let mut last = [None::<u32>; SENDERS];
                for v in &rx {
                    let s = v as usize / PER_SENDER;
                    assert!(last[s] < Some(v), "sender {s}'s values out of order");
                    last[s] = Some(v);
                    seen.insert(v as usize);
                }
                seen
            })
        })
        .collect();
    senders.into_iter().for_each(|h| h.join().unwrap());
    ch.close();
    let mut all = Bitmap::new(TOTAL);
    for h in receivers {
        all.merge(&h.join().unwrap());
    }
    assert_eq!(all.len(), TOTAL, "every value received");
    eprintln!(
        "eight_by_eight(cap {cap}): {TOTAL} messages in {:?}",
        start.elapsed()
    );
}

#[goro::test]
fn eight_senders_eight_receivers_a_million_messages_unbuffered() {
    eight_by_eight(0);
}

#[goro::test]
fn eight_senders_eight_receivers_a_million_messages_buffered() {
    eight_by_eight(64);
}

#[goro::test]
fn eight_senders_eight_receivers_a_million_messages_through_one_slot() {
    eight_by_eight(1);
}

/// A bitmap of received values that fails on a duplicate.
struct Bitmap(Vec<u64>);

impl Bitmap {
    fn new(n: usize) -> Bitmap {
        Bitmap(vec![0; n / 64 + 1])
    }
    fn insert(&mut self, v: usize) {
        let (word, bit) = (v / 64, v % 64);
        assert_eq!(self.0[word] & 1 << bit, 0, "{v} received twice");
        self.0[word] |= 1 << bit;
    }
    fn merge(&mut self, other: &Bitmap) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            assert_eq!(*a & b, 0, "a value reached two receivers");
            *a |= b;
        }
    }
    fn len(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }
}

/// The four channels of Go's TestSelectStress: two unbuffered, capacities 2 and 3.
fn four_channels() -> [Chan<usize>; 4] {
    [chan![usize], chan![usize], chan![usize; 2], chan![usize; 3]]
}

#[goro::test]
fn selects_and_plain_operations_interleave_on_four_channels() {
    // Go: runtime/chan_test.go TestSelectStress (N = 1e5): on each of four channels one
    // plain sender and one plain receiver move N values, while one goroutine sends N more
    // on each through a single select and another receives N from each through a select,
    // turning an arm off (nil) once its channel is done. Here every value is distinct and
    // checked to arrive exactly once.
    const N: usize = 100_000;
    let start = Instant::now();
    let c = four_channels();
    let mut handles = Vec::new();
    for (k, ch) in c.iter().enumerate() {
        let tx = ch.clone();
        handles.push(goro::spawn(move || {
            (0..N).for_each(|i| tx.send(2 * N * k + i));
            Bitmap::new(0)
        }));
        let rx = ch.clone();
        handles.push(goro::spawn(move || {
            let mut seen = Bitmap::new(8 * N);
            (0..N).for_each(|_| seen.insert(rx.recv().unwrap()));
            seen
        }));
    }
    let [mut a, mut b, mut c2, mut d] = c.clone();
    handles.push(goro::spawn(move || {
        let mut n = [0; 4];
        let value = |k: usize, n: &[usize; 4]| 2 * N * k + N + n[k];
        for _ in 0..4 * N {
            select! {
                a <- value(0, &n) => { n[0] += 1; if n[0] == N { a = Chan::nil() } },
                b <- value(1, &n) => { n[1] += 1; if n[1] == N { b = Chan::nil() } },
                c2 <- value(2, &n) => { n[2] += 1; if n[2] == N { c2 = Chan::nil() } },
                d <- value(3, &n) => { n[3] += 1; if n[3] == N { d = Chan::nil() } },
            }
        }
        Bitmap::new(0)
    }));
    let [mut a, mut b, mut c2, mut d] = c.clone();
    handles.push(goro::spawn(move || {
        let mut n = [0; 4];
        let mut seen = Bitmap::new(8 * N);
        for _ in 0..4 * N {
            let (k, v) = select! {
                v := <-a => { n[0] += 1; if n[0] == N { a = Chan::nil() }; (0, v) },
                v := <-b => { n[1] += 1; if n[1] == N { b = Chan::nil() }; (1, v) },
                v := <-c2 => { n[2] += 1; if n[2] == N { c2 = Chan::nil() }; (2, v) },
                v := <-d => { n[3] += 1; if n[3] == N { d = Chan::nil() }; (3, v) },
            };
            let v = v.expect("nobody closes these channels");
            assert_eq!(v / (2 * N), k, "value {v} came out of channel {k}");
            seen.insert(v);
        }
        seen
    }));
    let mut all = Bitmap::new(8 * N);
    for h in handles {
        all.merge(&h.join().unwrap());
    }
    assert_eq!(all.len(), 8 * N, "every value sent was received");
    eprintln!("select stress: {} messages in {:?}", 8 * N, start.elapsed());
}

#[goro::test]
fn a_select_loop_drains_four_channels_until_all_are_closed() {
    // Each channel has one sender, which closes it when done; a select loop and four plain
    // `for v in &ch` receivers compete for the values. The select loop turns an arm off when
    // its channel reports closed and stops when all four are off.
    const N: usize = 50_000;
    let start = Instant::now();
    let c = four_channels();
    for (k, ch) in c.iter().enumerate() {
        let tx = ch.clone();
        goro::go!(move || {
            (0..N).for_each(|i| tx.send(N * k + i));
            tx.close();
        });
    }
    let plain: Vec<_> = c
        .iter()
        .map(|ch| {
            let rx = ch.receiver();
            goro::spawn(move || {
                let mut seen = Bitmap::new(4 * N);
                let mut last = None;
                for v in &rx {
                    assert!(last < Some(v), "one sender's values stay in order");
                    last = Some(v);
                    seen.insert(v);
                }
                seen
            })
        })
        .collect();
    let [mut a, mut b, mut c2, mut d] = c.clone();
    let looper = goro::spawn(move || {
        let mut seen = Bitmap::new(4 * N);
        let mut last = [None; 4];
        let mut closes = 0;
        while !(a.is_nil() && b.is_nil() && c2.is_nil() && d.is_nil()) {
            let (k, v) = select! {
                v := <-a => { if v.is_none() { a = Chan::nil() }; (0, v) },
                v := <-b => { if v.is_none() { b = Chan::nil() }; (1, v) },
                v := <-c2 => { if v.is_none() { c2 = Chan::nil() }; (2, v) },
                v := <-d => { if v.is_none() { d = Chan::nil() }; (3, v) },
            };
            match v {
                Some(v) => {
                    assert_eq!(v / N, k);
                    assert!(last[k] < Some(v), "channel {k}'s values stay in order");
                    last[k] = Some(v);
                    seen.insert(v);
                }
                None => closes += 1,
            }
        }
        assert_eq!(
            closes, 4,
            "each closed channel reported once, then its arm was off"
        );
        seen
    });
    let mut all = looper.join().unwrap();
    for h in plain {
        all.merge(&h.join().unwrap());
    }
    assert_eq!(all.len(), 4 * N);
    for ch in &c {
        assert_eq!(ch.try_recv(), Err(goro::TryRecvError::Closed));
    }
    eprintln!(
        "select close stress: {} messages in {:?}",
        4 * N,
        start.elapsed()
    );
}

#[goro::test]
fn crossed_selects_never_deadlock() {
    // Two goroutines each select on the same two unbuffered channels with the roles
    // crossed — send on mine, receive on yours — until each has sent N and received N
    // (turning a finished arm off with nil). Selects lock channels in address order, so
    // neither can hold one channel's lock while waiting for the other's.
    const N: usize = 100_000;
    let start = Instant::now();
    let (a, b) = (chan![usize], chan![usize]);
    let peer = |mut mine: Chan<usize>, mut yours: Chan<usize>| {
        goro::spawn(move || {
            let (mut sent, mut got) = (0, 0);
            while !(mine.is_nil() && yours.is_nil()) {
                select! {
                    mine <- sent => {
                        sent += 1;
                        if sent == N {
                            mine = Chan::nil();
                        }
                    },
                    v := <-yours => {
                        assert_eq!(v, Some(got), "in order, once each");
                        got += 1;
                        if got == N {
                            yours = Chan::nil();
                        }
                    }
                }
            }
            (sent, got)
        })
    };
    let p1 = peer(a.clone(), b.clone());
    let p2 = peer(b, a);
    assert_eq!((p1.join().unwrap(), p2.join().unwrap()), ((N, N), (N, N)));
    eprintln!(
        "crossed selects: {} exchanges in {:?}",
        2 * N,
        start.elapsed()
    );
}

/// Who closes the channel in [`close_under_load`], and when.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Closer {
    /// The sender whose send is the `CLOSE_AFTER`th closes it, racing with the other
    /// senders, running or parked on any P (no goroutine waits to be scheduled for it).
    RacingSender,
    /// The test goroutine, once the receivers have paused and every sender is parked.
    WhileAllParked,
}

/// Four senders send `s << SHIFT | 0, 1, 2, …` as fast as they can until close makes their
/// send panic; four receivers drain until closed. Whatever a send returned from must arrive
/// exactly once; what panicked must not arrive: sender s's received values are exactly
/// 0..ok[s].
fn close_under_load(cap: usize, closer: Closer) {
    use goro::chan::SEND_ON_CLOSED;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    const SENDERS: usize = 4;
    const RECEIVERS: usize = 4;
    const SHIFT: usize = 24;
    const CLOSE_AFTER: usize = 20_000; // sends, all senders together
    let ch = chan![usize; cap];
    // Closed by the `CLOSE_AFTER`th send under `WhileAllParked`: each receiver then parks on
    // `resume` (wait reason "chan receive") until the test closes that.
    let (pause, resume) = (chan![()], chan![()]);
    let ok: Arc<[AtomicUsize; SENDERS]> = Arc::new(Default::default());
    let sent = Arc::new(AtomicUsize::new(0));
    let senders: Vec<_> = (0..SENDERS)
        .map(|s| {
            let (tx, ok, sent, pause) = (ch.sender(), ok.clone(), sent.clone(), pause.clone());
            goro::spawn(move || {
                for k in 0.. {
                    tx.send(s << SHIFT | k);
                    ok[s].store(k + 1, Ordering::SeqCst);
                    if sent.fetch_add(1, Ordering::SeqCst) + 1 == CLOSE_AFTER {
                        match closer {
                            Closer::RacingSender => return tx.close(),
                            Closer::WhileAllParked => pause.close(),
                        }
                    }
                }
            })
        })
        .collect();
    let receivers: Vec<_> = (0..RECEIVERS)
        .map(|_| {
            let (rx, pause, resume) = (ch.receiver(), pause.clone(), resume.clone());
            goro::spawn(move || {
                if closer == Closer::RacingSender {
                    return rx.iter().collect();
                }
                let mut got = Vec::new();
                loop {
                    select! {
                        v := <-rx => match v {
                            Some(v) => got.push(v),
                            None => return got,
                        },
                        <-pause => { resume.recv(); }, // ready only once pause is closed
                    }
                }
            })
        })
        .collect();
    if closer == Closer::WhileAllParked {
        // Nothing can wake a paused receiver but `resume`, or a parked sender but a receiver
        // or close: once all are parked, they stay parked until the close below.
        support::wait_until("paused receivers and parked senders", || {
            (
                support::parked("chan receive"),
                support::parked("chan send"),
            ) == (RECEIVERS, SENDERS)
        });
        ch.close();
        resume.close();
    }
    let mut returned = 0; // senders that ended without a panic: only a closing one may
    for h in senders {
        match h.join() {
            Ok(()) => returned += 1,
            Err(payload) => assert_eq!(goro::panic::payload_str(&*payload), SEND_ON_CLOSED),
        }
    }
    let closers = usize::from(closer == Closer::RacingSender);
    assert_eq!(returned, closers, "{closer:?}: senders that returned");
    let mut per_sender = vec![Vec::new(); SENDERS];
    for h in receivers {
        for v in h.join().unwrap() {
            per_sender[v >> SHIFT].push(v & ((1 << SHIFT) - 1));
        }
    }
    for (s, mut got) in per_sender.into_iter().enumerate() {
        got.sort_unstable();
        let want: Vec<usize> = (0..ok[s].load(Ordering::SeqCst)).collect();
        assert_eq!(got, want, "cap {cap}, {closer:?}, sender {s}");
    }
}

#[goro::test]
fn close_racing_with_busy_senders_loses_and_invents_nothing() {
    for cap in [0, 16] {
        close_under_load(cap, Closer::RacingSender);
    }
}

#[goro::test]
fn close_with_every_sender_parked_loses_and_invents_nothing() {
    // The parked senders' values were never sent: close must wake each with Go's panic
    // and must not deliver its value (nor, with a buffer, drop the buffered ones).
    for cap in [0, 16] {
        close_under_load(cap, Closer::WhileAllParked);
    }
}
