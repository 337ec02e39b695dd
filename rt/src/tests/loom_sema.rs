//! Models of the runtime semaphore (`sema.rs`, Go's sema.go): the real `semacquire` /
//! `semrelease` and their table root, parking loom threads through their thread Gs over the
//! loom-visible futex. A release racing an acquire is never lost (the `nwait` / counter
//! handshake), a unit is never granted twice, and a handed-off unit goes to a waiter.

use crate::g::WaitReason;
use crate::loom::atomic::{AtomicU32, AtomicUsize, Ordering};
use crate::loom::{Arc, thread};
use crate::sema::{semacquire, semrelease};

#[test]
fn loom_sema_release_racing_acquire_is_never_lost() {
    loom::model(|| {
        let sema = Arc::new(AtomicU32::new(0));
        let t = thread::spawn({
            let sema = sema.clone();
            move || semrelease(&sema, false)
        });
        // Parks unless the release came first; either way it returns with the unit.
        assert!(semacquire(&sema, false, WaitReason::SemAcquire).is_ok());
        t.join().unwrap();
        assert_eq!(
            sema.load(Ordering::SeqCst),
            0,
            "a unit granted twice or lost"
        );
    });
}

#[test]
fn loom_sema_two_waiters_two_releases_one_handed_off() {
    loom::model(|| {
        let sema = Arc::new(AtomicU32::new(0));
        let got = Arc::new(AtomicUsize::new(0));
        let waiters: Vec<_> = (0..2)
            .map(|i| {
                let (sema, got) = (sema.clone(), got.clone());
                thread::spawn(move || {
                    // One queues at the tail, one at the head.
                    assert!(semacquire(&sema, i == 1, WaitReason::SemAcquire).is_ok());
                    got.fetch_add(1, Ordering::SeqCst);
                })
            })
            .collect();
        semrelease(&sema, true);
        semrelease(&sema, false);
        for w in waiters {
            w.join().unwrap();
        }
        assert_eq!(got.load(Ordering::SeqCst), 2);
        assert_eq!(
            sema.load(Ordering::SeqCst),
            0,
            "a unit granted twice or lost"
        );
    });
}
