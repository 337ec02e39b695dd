//! Models of `sync::Mutex` (`sync/mutex.rs`, Go's sync/mutex.go) over the real semaphore.
//! Under loom every woken waiter counts as having waited too long (`waited_too_long`), so
//! the second wake-up of a waiter switches the mutex to starvation mode and the hand-off
//! path runs; the mode is left when the last waiter takes it. Before that, a woken waiter
//! that finds the mutex taken backs off once (`may_back_off`; a yield here, a timed park
//! in a goroutine), holding `WOKEN` while the others lock, unlock and queue (a back-off
//! that dropped `WOKEN` is caught: `inconsistent mutex state`). Mutual exclusion holds and no
//! wake-up is lost in any interleaving (a lost one leaves a thread parked: loom reports the
//! deadlock).

use crate::loom::atomic::{AtomicUsize, Ordering};
use crate::loom::{Arc, thread};
use crate::sync::Mutex;

fn critical(m: &Mutex<usize>, inside: &AtomicUsize) {
    let mut g = m.lock();
    assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0, "two holders");
    *g += 1;
    inside.fetch_sub(1, Ordering::SeqCst);
}

#[test]
fn loom_mutex_excludes_and_wakes_every_waiter() {
    loom::model(|| {
        let m = Arc::new(Mutex::new(0));
        let inside = Arc::new(AtomicUsize::new(0));
        let ts: Vec<_> = (0..2)
            .map(|_| {
                let (m, inside) = (m.clone(), inside.clone());
                thread::spawn(move || critical(&m, &inside))
            })
            .collect();
        critical(&m, &inside);
        for t in ts {
            t.join().unwrap();
        }
        assert_eq!(*m.lock(), 3);
    });
}

#[test]
fn loom_mutex_relocking_through_starvation_mode_and_back() {
    loom::model(|| {
        let m = Arc::new(Mutex::new(0));
        let inside = Arc::new(AtomicUsize::new(0));
        let t = thread::spawn({
            let (m, inside) = (m.clone(), inside.clone());
            move || {
                critical(&m, &inside);
                critical(&m, &inside);
            }
        });
        critical(&m, &inside);
        critical(&m, &inside);
        t.join().unwrap();
        assert_eq!(*m.lock(), 4);
        // Back to normal mode, unlocked, nobody waiting.
        assert!(m.try_lock().is_some());
    });
}
