//! Models of the other `sync` types over the real semaphore, notify list and lock:
//! RWMutex (a writer excludes readers; a writer that finds a reader inside is let in when
//! it leaves, and a reader arriving meanwhile waits for the writer), WaitGroup (`wait`
//! returns only after the last `done`), Semaphore (FIFO hand-out never over-grants), Once
//! (one call, every caller sees it), Cond (a signal after the waiter's ticket is never
//! lost).

use crate::loom::atomic::{AtomicBool, AtomicUsize, Ordering};
use crate::loom::{Arc, thread};
use crate::sync::{Cond, Mutex, Once, RWMutex, Semaphore, WaitGroup};

/// The main thread's writer against two readers; with `slots`, the readers count on
/// their own slots (`readerslots.rs`), and one that meets the writer's flag waits the Go
/// way.
fn writer_against_two_readers(slots: bool) {
    loom::model(move || {
        let rw = Arc::new(RWMutex::new(0usize));
        if slots {
            rw.add_slots_for_test();
        }
        let readers: Vec<_> = (0..2)
            .map(|_| {
                let rw = rw.clone();
                thread::spawn(move || {
                    let v = *rw.read();
                    assert!(v == 0 || v == 2, "a reader saw a write in progress");
                })
            })
            .collect();
        {
            let mut g = rw.write();
            *g = 1;
            thread::yield_now(); // a point where a reader inside would see the 1
            *g = 2;
        }
        for r in readers {
            r.join().unwrap();
        }
        assert_eq!(*rw.read(), 2);
    });
}

#[test]
fn loom_rwmutex_writer_excludes_readers() {
    writer_against_two_readers(false);
}

#[test]
fn loom_rwmutex_slot_readers_and_a_writer_exclude_each_other() {
    writer_against_two_readers(true);
}

#[test]
fn loom_rwmutex_pending_writer_gets_in_and_later_readers_wait_for_it() {
    loom::model(|| {
        let rw = Arc::new(RWMutex::new(false));
        let first = rw.read();
        let writer = thread::spawn({
            let rw = rw.clone();
            move || *rw.write() = true
        });
        let late = thread::spawn({
            let rw = rw.clone();
            move || *rw.read()
        });
        drop(first);
        writer.join().unwrap();
        // The late reader read either before the writer arrived or after it wrote.
        let _ = late.join().unwrap();
        assert!(*rw.read());
    });
}

/// Slots added (under the writers' mutex) while a writer comes and goes: a reader that
/// enters a slot is never inside with the writer.
#[test]
fn loom_rwmutex_slots_added_beside_a_writer() {
    loom::model(|| {
        let rw = Arc::new(RWMutex::new(0usize));
        let reader = thread::spawn({
            let rw = rw.clone();
            move || {
                rw.add_slots_for_test();
                let v = *rw.read();
                assert!(v == 0 || v == 2, "a reader saw a write in progress");
            }
        });
        {
            let mut g = rw.write();
            *g = 1;
            thread::yield_now(); // a point where a reader inside would see the 1
            *g = 2;
        }
        reader.join().unwrap();
        assert_eq!(*rw.read(), 2);
    });
}

#[test]
fn loom_waitgroup_wait_returns_after_the_last_done() {
    loom::model(|| {
        let wg = Arc::new(WaitGroup::new());
        let done = Arc::new(AtomicUsize::new(0));
        wg.add(2);
        let ts: Vec<_> = (0..2)
            .map(|_| {
                let (wg, done) = (wg.clone(), done.clone());
                thread::spawn(move || {
                    done.fetch_add(1, Ordering::SeqCst);
                    wg.done();
                })
            })
            .collect();
        wg.wait();
        assert_eq!(done.load(Ordering::SeqCst), 2, "wait returned early");
        for t in ts {
            t.join().unwrap();
        }
    });
}

#[test]
fn loom_semaphore_fifo_never_over_grants() {
    loom::model(|| {
        let sem = Arc::new(Semaphore::new(2));
        let held = Arc::new(AtomicUsize::new(0));
        let use_units = |sem: &Semaphore, held: &AtomicUsize, n: usize| {
            sem.acquire(n);
            assert!(held.fetch_add(n, Ordering::SeqCst) + n <= 2, "over-granted");
            held.fetch_sub(n, Ordering::SeqCst);
            sem.release(n);
        };
        let t = thread::spawn({
            let (sem, held) = (sem.clone(), held.clone());
            move || use_units(&sem, &held, 2)
        });
        use_units(&sem, &held, 1);
        use_units(&sem, &held, 1);
        t.join().unwrap();
        assert!(sem.try_acquire(2), "units leaked");
    });
}

#[test]
fn loom_once_runs_once_and_every_caller_sees_it() {
    loom::model(|| {
        let once = Arc::new(Once::new());
        let calls = Arc::new(AtomicUsize::new(0));
        let t = thread::spawn({
            let (once, calls) = (once.clone(), calls.clone());
            move || {
                once.call_once(|| {
                    calls.fetch_add(1, Ordering::SeqCst);
                });
                assert_eq!(calls.load(Ordering::SeqCst), 1);
            }
        });
        once.call_once(|| {
            calls.fetch_add(1, Ordering::SeqCst);
        });
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        t.join().unwrap();
    });
}

#[test]
fn loom_cond_signal_is_never_lost() {
    loom::model(|| {
        let pair = Arc::new((Mutex::new(false), Cond::new()));
        let seen = Arc::new(AtomicBool::new(false));
        let t = thread::spawn({
            let (pair, seen) = (pair.clone(), seen.clone());
            move || {
                let (m, c) = &*pair;
                let mut g = m.lock();
                while !*g {
                    g = c.wait(g);
                }
                seen.store(true, Ordering::SeqCst);
            }
        });
        let (m, c) = &*pair;
        *m.lock() = true;
        c.signal();
        t.join().unwrap();
        assert!(seen.load(Ordering::SeqCst));
    });
}
