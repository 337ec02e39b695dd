//! Buffered channels (`make(chan T, n)`): a FIFO ring of `n` values; senders wait only when
//! it is full, receivers only when it is empty, and a receive from a full buffer lets the
//! first parked sender's value in behind the others.
mod support;

use goro::runtime::gomaxprocs;
use goro::{Chan, TryRecvError, TrySendError};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use support::{DropCount, count, park_in_order, parked};

#[goro::test]
fn values_come_out_in_the_order_they_went_in() {
    let ch = Chan::<u32>::new(10);
    for i in 0..10 {
        ch.send(i);
    }
    assert_eq!(ch.len(), 10);
    let got: Vec<_> = (0..10).map(|_| ch.recv().unwrap()).collect();
    assert_eq!(got, (0..10).collect::<Vec<_>>());
}

#[goro::test]
fn the_ring_wraps_around_many_times_keeping_fifo_order() {
    let ch = Chan::<u32>::new(3);
    let mut next_out = 0;
    for i in 0..1000 {
        if ch.len() == ch.cap() {
            assert_eq!(ch.recv(), Some(next_out));
            next_out += 1;
        }
        ch.send(i);
    }
    while let Ok(v) = ch.try_recv() {
        assert_eq!(v, next_out);
        next_out += 1;
    }
    assert_eq!(next_out, 1000);
}

#[goro::test]
fn len_and_cap_follow_the_buffer() {
    // Go: TestChan's len/cap block, for every capacity below 20.
    for cap in 0..20 {
        let ch = Chan::<usize>::new(cap);
        assert_eq!((ch.len(), ch.cap(), ch.is_empty()), (0, cap, true));
        for i in 0..cap {
            ch.send(i);
            assert_eq!(ch.len(), i + 1);
        }
        assert_eq!((ch.len(), ch.cap()), (cap, cap));
        assert_eq!(ch.try_send(99), Err(TrySendError::Full(99)));
        for i in 0..cap {
            assert_eq!(ch.recv(), Some(i));
            assert_eq!(ch.len(), cap - i - 1);
        }
        assert_eq!(ch.try_recv(), Err(TryRecvError::Empty));
    }
}

#[goro::test]
fn a_send_waits_only_when_the_buffer_is_full() {
    gomaxprocs(1);
    let ch = Chan::<u32>::new(2);
    ch.send(1);
    ch.send(2); // neither waited: we are still here, on the only P
    let tx = ch.clone();
    let third = park_in_order(1, move |_| tx.send(3));
    assert_eq!(ch.len(), 2, "the parked value is not in the buffer");
    assert_eq!(ch.recv(), Some(1));
    // The receive moved the parked sender's value into the slot it freed.
    assert_eq!(ch.len(), 2);
    third.into_iter().for_each(|h| h.join().unwrap());
    assert_eq!((ch.recv(), ch.recv()), (Some(2), Some(3)));
}

#[goro::test]
fn parked_senders_queue_behind_the_buffer_in_arrival_order() {
    gomaxprocs(1);
    let ch = Chan::<usize>::new(3);
    for v in [100, 101, 102] {
        ch.send(v);
    }
    let tx = ch.clone();
    let senders = park_in_order(5, move |i| tx.send(i));
    assert_eq!(parked("chan send"), 5);
    let got: Vec<_> = (0..8).map(|_| ch.try_recv().unwrap()).collect();
    assert_eq!(got, [100, 101, 102, 0, 1, 2, 3, 4]);
    assert_eq!(ch.try_recv(), Err(TryRecvError::Empty));
    senders.into_iter().for_each(|h| h.join().unwrap());
}

#[goro::test]
fn parked_receivers_are_served_in_arrival_order() {
    gomaxprocs(1);
    let ch = Chan::<usize>::new(4);
    let rx = ch.clone();
    let receivers = park_in_order(6, move |_| rx.recv());
    assert_eq!(parked("chan receive"), 6);
    for v in 10..16 {
        ch.try_send(v).unwrap(); // straight to a parked receiver, not the buffer
        assert_eq!(ch.len(), 0);
    }
    let got: Vec<_> = receivers.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(got, (10..16).map(Some).collect::<Vec<_>>());
}

#[goro::test]
fn a_receive_waits_only_when_the_buffer_is_empty() {
    let ch = Chan::<&str>::new(1);
    ch.send("ready");
    assert_eq!(ch.recv(), Some("ready")); // did not wait
    let tx = ch.clone();
    let later = goro::spawn(move || tx.send("later"));
    assert_eq!(ch.recv(), Some("later"));
    later.join().unwrap();
}

#[goro::test]
fn values_left_in_the_buffer_are_dropped_with_the_channel() {
    let (first, drops) = DropCount::new();
    let ch = Chan::<DropCount>::new(5);
    ch.send(first);
    for _ in 0..3 {
        ch.send(DropCount(drops.clone()));
    }
    drop(ch.recv()); // one taken out and dropped by us
    assert_eq!(count(&drops), 1);
    let other = ch.clone();
    drop(ch);
    assert_eq!(count(&drops), 1, "a handle still exists");
    drop(other);
    assert_eq!(count(&drops), 4, "the three buffered values, once each");
}

#[goro::test]
fn a_wrapped_buffer_drops_exactly_its_live_values() {
    let (first, drops) = DropCount::new();
    let ch = Chan::<DropCount>::new(4);
    ch.send(first);
    for _ in 0..3 {
        ch.send(DropCount(drops.clone()));
    }
    for _ in 0..3 {
        drop(ch.recv());
        ch.send(DropCount(drops.clone())); // recvx and sendx wrap past the end
    }
    assert_eq!(count(&drops), 3);
    drop(ch);
    assert_eq!(count(&drops), 7);
}

#[goro::test]
fn zero_sized_values_with_a_huge_capacity_cost_no_buffer() {
    // Go: test/chan/zerosize.go makes such channels; here we also fill and drain one.
    const CAP: usize = 1_000_000;
    let (ch, bytes) = allocated_by(|| Chan::<()>::new(CAP));
    assert!(
        bytes < 1024,
        "Chan<()> of cap {CAP} allocated {bytes} bytes"
    );
    let (wide, wide_bytes) = allocated_by(|| Chan::<u64>::new(CAP));
    assert!(wide_bytes >= 8 * CAP, "the measurement sees a real buffer");
    drop(wide);
    for _ in 0..CAP {
        ch.send(());
    }
    assert_eq!((ch.len(), ch.cap()), (CAP, CAP));
    assert_eq!(ch.try_send(()), Err(TrySendError::Full(())));
    let mut n = 0;
    while ch.try_recv().is_ok() {
        n += 1;
    }
    assert_eq!(n, CAP);
    let arrays = Chan::<[u8; 0]>::new(1);
    arrays.send([]);
    assert_eq!(arrays.recv(), Some([]));
}

/// Runs `f` and returns its value with the bytes it allocated on this thread (`f` must not
/// block, so the goroutine cannot move to another thread meanwhile).
fn allocated_by<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let before = ALLOCATED.with(Cell::get);
    let r = f();
    (r, ALLOCATED.with(Cell::get) - before)
}

thread_local! {
    static ALLOCATED: Cell<usize> = const { Cell::new(0) };
}

/// The system allocator, counting the bytes each thread allocates.
struct Counting;

// SAFETY: every call forwards to `System` with the caller's arguments unchanged; the
// bookkeeping only touches a const-initialised thread-local (no allocation, no panic).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATED.try_with(|a| a.set(a.get() + layout.size()));
        // SAFETY: forwarded contract of `GlobalAlloc::alloc`.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded contract: `ptr` came from `alloc` above, i.e. from `System`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

#[test]
fn making_a_zero_sized_channel_does_no_work_per_slot() {
    // Debug builds too: no loop over the capacity (2^40 slots would take hours).
    let ch = goro::Chan::<()>::new(1 << 40);
    assert_eq!(ch.cap(), 1 << 40);
    ch.send(());
    assert_eq!(ch.recv(), Some(()));
}

#[test]
#[should_panic(expected = "makechan: size out of range")]
fn an_impossible_buffer_panics_with_gos_text() {
    let _ = goro::Chan::<u64>::new(usize::MAX / 4);
}

#[test]
fn a_buffer_over_gos_max_alloc_panics_and_never_reaches_the_allocator() {
    // Go: makechan refuses `elem.size * cap > maxAlloc - hchanSize`, maxAlloc being 2^48
    // bytes on 64-bit Linux. Such a request once went to the allocator, whose failure
    // aborts the process: hence the child process.
    if support::is_child() {
        let makes: [(&str, fn()); 3] = [
            ("[u8; 64 KiB] x 2^32", || {
                drop(Chan::<[u8; 1 << 16]>::new(1 << 32))
            }),
            ("u8 x 2^48", || drop(Chan::<u8>::new(1 << 48))),
            ("u64 x (2^45 + 1)", || drop(Chan::<u64>::new((1 << 45) + 1))),
        ];
        for (what, make) in makes {
            let r = std::panic::catch_unwind(make);
            let payload = r.expect_err(what);
            assert_eq!(
                support::panic_text(&*payload),
                "makechan: size out of range",
                "{what}"
            );
        }
        return;
    }
    let (code, stderr) =
        support::run_child("a_buffer_over_gos_max_alloc_panics_and_never_reaches_the_allocator");
    assert_eq!(code, 0, "child stderr: {stderr}");
}
