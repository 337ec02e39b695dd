//! Model of the timed idle sleep (`time/timer.rs`, the protocol in its header): an idle M
//! plans its sleep from the earliest timer of every P (`timer_plan`) while another thread
//! adds an earlier timer (`add` + `wake_netpoller`). The sleeper must never sleep past the
//! new timer: either its plan sees the timer, or the adder sees its deadline and wakes it.
//!
//! Real code: `Note` (over the loom-visible futex). The sleeper's and the adder's steps are
//! `timer_plan`'s and `wake_netpoller`'s, over the same atomics and fences, with the sched
//! lock and `tsleeper` as one loom mutex and a P's heap reduced to its `when0`. A sleep
//! that would last past the new timer is a `Note::sleep` without deadline, so a missed
//! wake-up is a loom deadlock.

use crate::loom::atomic::{AtomicU64, Ordering, fence};
use crate::loom::{Arc, Mutex, thread};
use crate::note::Note;

/// The timer pending from the start, and the earlier one the adder adds.
const LATE: u64 = 100;
const EARLY: u64 = 50;

struct Time {
    /// The sched lock, guarding whether an M is the timer sleeper (`Locked::tsleeper`).
    lock: Mutex<bool>,
    poll_until: AtomicU64,
    /// The heaps' earliest `when`, as `Sched::timers_next` reads it.
    when0: AtomicU64,
    park: Note,
}

impl Time {
    /// `timer_plan` for an M not yet the sleeper, lock held: its deadline.
    fn plan(&self, tsleeper: &mut bool) -> u64 {
        let take = !*tsleeper;
        if take {
            self.poll_until.store(u64::MAX, Ordering::SeqCst);
        }
        fence(Ordering::SeqCst);
        let next = self.when0.load(Ordering::SeqCst);
        if take {
            *tsleeper = true;
            self.poll_until.store(next, Ordering::SeqCst);
        }
        next
    }

    /// `timer_sleeper_woke`, lock held.
    fn woke(&self, tsleeper: &mut bool) {
        if *tsleeper {
            *tsleeper = false;
            self.poll_until.store(0, Ordering::SeqCst);
        }
    }

    /// `add`'s push (a smaller `when0`), then `wake_netpoller`. No M is idle but the
    /// sleeper, so `wakep` would find no P to start (every other P is busy) and does nothing.
    fn add(&self, when: u64) {
        self.when0.fetch_min(when, Ordering::SeqCst);
        fence(Ordering::SeqCst);
        let pu = self.poll_until.load(Ordering::SeqCst);
        if pu != 0 && when < pu {
            let l = self.lock.lock().unwrap();
            if *l && when < self.poll_until.load(Ordering::SeqCst) {
                self.poll_until.store(when, Ordering::SeqCst);
                self.park.wakeup_shared();
            }
        }
    }
}

/// The idle M: clears its note, plans under the lock, sleeps; on a wake-up plans again.
/// Returns the deadline it finally sleeps with.
fn sleeper(t: &Time) -> u64 {
    loop {
        let deadline = {
            let mut l = t.lock.lock().unwrap();
            t.park.clear();
            t.plan(&mut l)
        };
        if deadline <= EARLY {
            return deadline; // wakes in time for every timer
        }
        // A deadline past EARLY would oversleep if the early timer exists: only a
        // wake-up may end this sleep.
        t.park.sleep();
        let mut l = t.lock.lock().unwrap();
        t.woke(&mut l);
    }
}

#[test]
fn loom_an_idle_m_never_sleeps_past_a_timer_added_meanwhile() {
    loom::model(|| {
        let t = Arc::new(Time {
            lock: Mutex::new(false),
            poll_until: AtomicU64::new(0),
            when0: AtomicU64::new(LATE),
            park: Note::new(),
        });
        let adder = thread::spawn({
            let t = t.clone();
            move || t.add(EARLY)
        });
        let deadline = sleeper(&t);
        adder.join().unwrap();
        assert_eq!(deadline, EARLY);
    });
}
