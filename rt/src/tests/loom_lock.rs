//! Model of the runtime lock (`lock.rs`, Go's lock_futex.go): the real three-state futex
//! state machine, over the loom-visible futex. Mutual exclusion, and no lost wake-up of a
//! waiter that went to sleep.

use crate::lock::Lock;
use crate::loom::atomic::{AtomicUsize, Ordering};
use crate::loom::{Arc, thread};

#[test]
fn loom_lock_excludes_and_never_loses_a_sleeping_waiter() {
    loom::model(|| {
        let lock = Arc::new(Lock::new());
        let inside = Arc::new(AtomicUsize::new(0));
        let total = Arc::new(AtomicUsize::new(0));
        let ts: Vec<_> = (0..2)
            .map(|_| {
                let (lock, inside, total) = (lock.clone(), inside.clone(), total.clone());
                thread::spawn(move || {
                    lock.lock();
                    assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0, "two holders");
                    total.fetch_add(1, Ordering::SeqCst);
                    inside.fetch_sub(1, Ordering::SeqCst);
                    // SAFETY: taken just above by this thread.
                    unsafe { lock.unlock() };
                })
            })
            .collect();
        lock.lock();
        assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0, "two holders");
        inside.fetch_sub(1, Ordering::SeqCst);
        // SAFETY: taken just above.
        unsafe { lock.unlock() };
        ts.into_iter().for_each(|t| t.join().unwrap());
        assert_eq!(total.load(Ordering::SeqCst), 2);
    });
}
