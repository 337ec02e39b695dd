//! Model of the park/ready handshake (`park.rs`, `proc.rs` execute/park_m): a `goready`
//! racing a `gopark` — including the unlock callback and its "don't park after all" answer —
//! never loses the wake-up and never makes a G runnable twice.
//!
//! The model plays a tiny channel: a waker delivers one value; if a waiter is registered it
//! hands over and readies it, else it leaves the value pending. The parker checks for the
//! value, registers, and commits the park holding the lock; its unlock callback releases it,
//! or — if a third thread asked it to give up — unregisters and answers "not parked".
//! (Releasing the lock *before* `park_commit` is the bug this protocol exists to prevent;
//! the first version of this model did that and loom found the double ready at once.) A model run queue records every
//! ready; a scheduler thread runs what it finds with Runnable → Running, which must succeed.
//!
//! The last model is g0's side of a goroutine's park as `execute` runs it (`park::park_m`)
//! racing the runtime's end as `begin_killing` runs it (`shutdown::kill_sweep`) and a
//! waker: real code throughout but the queue; the G is queued exactly once. Both sides'
//! Dekker pattern rests on SeqCst's total order, which loom models only with fences
//! (`cfg(goro_loom)` in both functions): without them loom finds the park missed by both.

use crate::g::{G_RUNNABLE, G_RUNNING, G_WAITING, GRef};
use crate::loom::atomic::Ordering;
use crate::loom::{Arc, Mutex, thread};
use crate::park::{park_commit, park_thread, ready_cas};
use std::collections::VecDeque;

struct Chan {
    state: Mutex<(Option<GRef>, bool)>, // (parked waiter, value pending)
    runq: Mutex<VecDeque<GRef>>,
}

fn goroutine_g() -> GRef {
    let gp = GRef::alloc(None);
    gp.set_status(G_RUNNING, Ordering::Relaxed);
    gp
}

fn waker(c: &Chan) {
    let mut st = c.state.lock().unwrap();
    match st.0.take() {
        Some(gp) => {
            drop(st);
            assert!(
                ready_cas(gp),
                "a registered waiter was readied twice or was not parked"
            );
            c.runq.lock().unwrap().push_back(gp);
        }
        None => st.1 = true,
    }
}

#[test]
fn loom_goready_racing_gopark_is_never_lost_nor_doubled() {
    loom::model(|| {
        let c = Arc::new(Chan {
            state: Mutex::new((None, false)),
            runq: Mutex::new(VecDeque::new()),
        });
        let gp = goroutine_g();
        let w = thread::spawn({
            let c = c.clone();
            move || waker(&c)
        });
        // A third party may ask the parker to give up (as a select whose other case fired).
        let cancel = Arc::new(crate::loom::atomic::AtomicBool::new(false));
        let canceller = thread::spawn({
            let cancel = cancel.clone();
            move || cancel.store(true, Ordering::SeqCst)
        });
        // The goroutine (then g0 of its M): register under the lock and commit the park;
        // the lock is released only inside the unlock callback (the protocol's rule).
        let mut st = c.state.lock().unwrap();
        let parked = if st.1 {
            drop(st);
            false
        } else {
            st.0 = Some(gp);
            park_commit(gp, move |gp| {
                if cancel.load(Ordering::SeqCst) {
                    assert_eq!(st.0.take(), Some(gp)); // unpublish before saying "not parked"
                    drop(st);
                    false
                } else {
                    drop(st);
                    true
                }
            })
        };
        canceller.join().unwrap();
        w.join().unwrap();
        let runq: Vec<GRef> = c.runq.lock().unwrap().drain(..).collect();
        if parked {
            // Parked for real: the waker must have readied it, exactly once.
            assert_eq!(runq, vec![gp], "wake-up lost");
            assert_eq!(gp.status(), G_RUNNABLE);
            gp.set_status(G_RUNNING, Ordering::Release);
        } else {
            assert!(runq.is_empty(), "a G that did not park was queued");
            assert_eq!(gp.status(), G_RUNNING);
        }
    });
}

#[test]
fn loom_ready_before_the_unlock_returns_is_seen_by_the_scheduler_once() {
    // Two wakers race for one parked G: exactly one wins the CAS.
    loom::model(|| {
        let gp = goroutine_g();
        let lock = Arc::new(Mutex::new(Some(gp)));
        assert!(park_commit(gp, |_| true));
        let wins = Arc::new(crate::loom::atomic::AtomicUsize::new(0));
        let hs: Vec<_> = (0..2)
            .map(|_| {
                let (lock, wins) = (lock.clone(), wins.clone());
                thread::spawn(move || {
                    let found = lock.lock().unwrap().take();
                    if let Some(gp) = found
                        && ready_cas(gp)
                    {
                        wins.fetch_add(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        hs.into_iter().for_each(|h| h.join().unwrap());
        assert_eq!(wins.load(Ordering::SeqCst), 1);
        assert_eq!(gp.status(), G_RUNNABLE);
    });
}

#[test]
fn loom_thread_park_racing_goready_never_sleeps_forever() {
    loom::model(|| {
        let gp = GRef::alloc(None); // a thread G
        let slot = Arc::new(Mutex::new(None::<GRef>));
        let w = thread::spawn({
            let slot = slot.clone();
            move || loop {
                let found = slot.lock().unwrap().take();
                if let Some(gp) = found {
                    assert!(ready_cas(gp));
                    gp.note.wakeup();
                    break;
                }
                thread::yield_now();
            }
        });
        let mut guard = slot.lock().unwrap();
        *guard = Some(gp);
        park_thread(gp, move |_| {
            drop(guard);
            true
        });
        assert_eq!(gp.status(), G_RUNNING);
        w.join().unwrap();
        let _ = G_WAITING;
    });
}

/// A goroutine's G, as `execute` parks it (its stack is never switched to here).
fn started_g() -> GRef {
    let gp = GRef::alloc(Some(crate::stack::Stack { lo: 0, hi: 0 }));
    gp.set_status(G_RUNNING, Ordering::Relaxed);
    gp.token()
}

#[test]
fn loom_a_goroutine_parking_as_its_runtime_ends_is_killed_once() {
    // The runtime's end (`shutdown::kill_sweep`, as `begin_killing` runs it) races g0's
    // side of a park (`park::park_m`, as `execute` runs it), with a waker that readies the
    // G if it finds it registered. Whoever wins, the G is queued exactly once; if the end
    // queued it, it is marked killed (it unwinds as it resumes). Before `park_m` read
    // `killing` after the park's status store, a park that the sweep missed stayed parked
    // forever: the runtime could not end (or leaked the goroutine's destructors).
    loom::model(|| {
        let gp = started_g();
        let killing = Arc::new(crate::loom::atomic::AtomicBool::new(false));
        let runq = Arc::new(Mutex::new(Vec::new()));
        let slot = Arc::new(Mutex::new(None::<GRef>));
        let end = thread::spawn({
            let (killing, runq) = (killing.clone(), runq.clone());
            move || {
                assert!(crate::shutdown::kill_sweep(
                    &killing,
                    || [gp],
                    |g| runq.lock().unwrap().push((g, "end")),
                ));
            }
        });
        let waker = thread::spawn({
            let (slot, runq) = (slot.clone(), runq.clone());
            move || {
                let found = slot.lock().unwrap().take();
                if let Some(g) = found
                    && ready_cas(g)
                {
                    runq.lock().unwrap().push((g, "waker"));
                }
            }
        });
        // The goroutine registers itself, then g0 commits the park and releases the lock.
        let guard = {
            let mut st = slot.lock().unwrap();
            *st = Some(gp);
            st
        };
        let parked = crate::park::park_m(
            gp,
            move |_| {
                drop(guard);
                true
            },
            &killing,
            |g| runq.lock().unwrap().push((g, "park")),
        );
        assert!(parked);
        end.join().unwrap();
        waker.join().unwrap();
        let q = runq.lock().unwrap().clone();
        assert_eq!(q.len(), 1, "queued {q:?}: never or twice");
        assert_eq!(q[0].0, gp);
        assert_eq!(gp.status(), G_RUNNABLE);
        let killed = gp.killed.load(Ordering::Acquire);
        assert_eq!(killed, q[0].1 != "waker", "killed only by the end: {q:?}");
    });
}
