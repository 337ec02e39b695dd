//! Model of the cross-M ready path (`homeq.rs`; `m.rs` stopm; `proc.rs` ready): a started
//! G parked on one M is readied by another thread, which pushes it to the home M's queue
//! while that M is deciding to sleep. The home M must never sleep with a G in its queue,
//! and must run every G pushed exactly once — after it was readied, never before.
//!
//! Real code: `HomeQ` (its lock is the runtime `Lock`), `Note` (both over the loom-visible
//! futex), `park_commit`, `ready_cas`. The home M's loop is stopm's home-queue skeleton:
//! clear the note, publish idle and look again (`set_idle`), sleep, look again.

use crate::g::{G_RUNNABLE, G_RUNNING, GRef};
use crate::homeq::{HomeQ, M_RUNNING};
use crate::loom::atomic::Ordering;
use crate::loom::{Arc, Mutex, thread};
use crate::note::Note;
use crate::park::{park_commit, ready_cas};

struct Home {
    q: HomeQ,
    park: Note,
}

/// A G that has run on `home` and is now parked on a one-slot "channel" (its lock).
fn parked_g(slot: &Mutex<Option<GRef>>) -> GRef {
    let gp = GRef::alloc(None);
    gp.set_status(G_RUNNING, Ordering::Relaxed);
    let gp = gp.token();
    let mut st = slot.lock().unwrap();
    *st = Some(gp);
    // g0 of the home M: commit the park, releasing the registration lock in the callback.
    assert!(park_commit(gp, move |_| {
        drop(st);
        true
    }));
    gp
}

/// The home M, with no P's queue of its own in this model: waits for `n` Gs.
fn home_m(h: &Home, n: usize) -> Vec<GRef> {
    let mut ran = Vec::new();
    while ran.len() < n {
        h.park.clear();
        if h.q.set_idle() {
            h.park.sleep();
        }
        h.q.state.store(M_RUNNING, Ordering::SeqCst);
        for gp in h.q.take_all() {
            assert_eq!(
                gp.status(),
                G_RUNNABLE,
                "a G in a home queue was not readied"
            );
            gp.set_status(G_RUNNING, Ordering::Release);
            ran.push(gp);
        }
    }
    ran
}

#[test]
fn loom_a_g_readied_from_another_thread_reaches_its_sleeping_home_m() {
    loom::model(|| {
        let h = Arc::new(Home {
            q: HomeQ::new(),
            park: Note::new(),
        });
        let slot = Arc::new(Mutex::new(None));
        let gp = parked_g(&slot);
        // The waker: dequeue under the lock, claim the wake-up, push home.
        let waker = thread::spawn({
            let (h, slot) = (h.clone(), slot.clone());
            move || {
                let found = slot.lock().unwrap().take();
                if let Some(gp) = found
                    && ready_cas(gp)
                {
                    h.q.push_and_wake(gp, &h.park, || {});
                }
            }
        });
        let ran = home_m(&h, 1);
        waker.join().unwrap();
        assert_eq!(ran, vec![gp]);
    });
}

#[test]
fn loom_two_wakers_pushing_home_are_both_run_once() {
    loom::model(|| {
        let h = Arc::new(Home {
            q: HomeQ::new(),
            park: Note::new(),
        });
        let slots: Vec<_> = (0..2).map(|_| Arc::new(Mutex::new(None))).collect();
        let gs: Vec<GRef> = slots.iter().map(|s| parked_g(s)).collect();
        let wakers: Vec<_> = slots
            .iter()
            .map(|slot| {
                let (h, slot) = (h.clone(), slot.clone());
                thread::spawn(move || {
                    let gp = slot.lock().unwrap().take().expect("registered");
                    assert!(ready_cas(gp), "the only waker lost its claim");
                    h.q.push_and_wake(gp, &h.park, || {});
                })
            })
            .collect();
        let mut ran = home_m(&h, 2);
        wakers.into_iter().for_each(|w| w.join().unwrap());
        ran.sort_by_key(|g| g.as_ptr() as usize);
        let mut want = gs;
        want.sort_by_key(|g| g.as_ptr() as usize);
        assert_eq!(ran, want);
    });
}

#[test]
fn loom_a_stale_token_does_not_wake_a_later_park() {
    // A waker that dequeued a G and released the lock wakes late, after the G was woken
    // another way (its runtime's shutdown) and parked again: its token is stale.
    loom::model(|| {
        let slot = Arc::new(Mutex::new(None));
        let gp = parked_g(&slot);
        let stale = slot.lock().unwrap().take().unwrap();
        let killer = thread::spawn(move || assert!(gp.cas_ready_any()));
        killer.join().unwrap();
        gp.set_status(G_RUNNING, Ordering::Release); // it ran (and unwound)...
        let again = parked_g(&slot); // ...and parked again, registered anew
        let late = thread::spawn(move || ready_cas(stale));
        assert!(!late.join().unwrap(), "a stale token woke a later park");
        assert!(ready_cas(again));
    });
}
