//! goro's own behaviour of `goro::sync`, beyond the Go ports in `tests/sync_go/`: plain OS
//! threads and goroutines sharing one primitive, wait reasons in goroutine dumps, Go's
//! misuse texts (fatal errors and panics, in child processes), and a runtime that ends
//! while goroutines are parked on a primitive.
mod support;

use goro::prelude::*;
use goro::sync::{Cond, Once, RWMutex, Semaphore};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use support::{is_child, parked, run_child, wait_until};

// ---- threads and goroutines -------------------------------------------------------------

/// Four std threads and four goroutines increment one counter under one Mutex: no
/// increment is lost (a blocked thread sleeps on a futex, a blocked goroutine parks).
#[test]
fn threads_and_goroutines_share_a_mutex() {
    static COUNTER: Mutex<u64> = Mutex::new(0);
    const N: u64 = 20_000;
    let threads: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(|| {
                for _ in 0..N {
                    *COUNTER.lock() += 1;
                }
            })
        })
        .collect();
    goro::run(|| {
        let wg = Arc::new(WaitGroup::new());
        for _ in 0..4 {
            wg.go(|| {
                for _ in 0..N {
                    *COUNTER.lock() += 1;
                }
            });
        }
        wg.wait();
    });
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(*COUNTER.lock(), 8 * N);
}

/// A plain thread waits on a WaitGroup and a Cond that goroutines complete and signal, and
/// goroutines wait on a Semaphore a thread releases.
#[test]
fn a_thread_waits_for_goroutines_and_goroutines_for_a_thread() {
    let wg = Arc::new(WaitGroup::new());
    let pair = Arc::new((Mutex::new(false), Cond::new()));
    let sem = Arc::new(Semaphore::new(1));
    sem.acquire(1); // held by this thread until the goroutines must go on
    wg.add(3);
    let waiter = {
        let (wg, pair) = (wg.clone(), pair.clone());
        std::thread::spawn(move || {
            wg.wait();
            let (m, c) = &*pair;
            let mut g = m.lock();
            while !*g {
                g = c.wait(g);
            }
        })
    };
    let releaser = {
        let sem = sem.clone();
        std::thread::spawn(move || sem.release(1))
    };
    goro::run(|| {
        for _ in 0..3 {
            let (wg, sem) = (wg.clone(), sem.clone());
            go!(move || {
                sem.acquire(1);
                sem.release(1);
                wg.done();
            });
        }
        let (m, c) = &*pair;
        *m.lock() = true;
        c.broadcast();
        wg.wait(); // goroutines not yet started when `run` returns would be dropped
    });
    releaser.join().unwrap();
    waiter.join().unwrap();
}

/// RWMutex readers on threads and writers on goroutines: readers never see a half-written
/// pair.
#[test]
fn rwmutex_across_threads_and_goroutines() {
    let rw = Arc::new(RWMutex::new((0u64, 0u64)));
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let rw = rw.clone();
            std::thread::spawn(move || {
                for _ in 0..5_000 {
                    let g = rw.read();
                    assert_eq!(g.0, g.1, "a reader saw a write in progress");
                }
            })
        })
        .collect();
    goro::run(|| {
        let wg = Arc::new(WaitGroup::new());
        for _ in 0..2 {
            let rw = rw.clone();
            wg.go(move || {
                for _ in 0..5_000 {
                    let mut g = rw.write();
                    g.0 += 1;
                    g.1 += 1;
                }
            });
        }
        wg.wait();
    });
    for r in readers {
        r.join().unwrap();
    }
    assert_eq!(*rw.read(), (10_000, 10_000));
}

// ---- wait reasons -----------------------------------------------------------------------

/// Each primitive shows Go's wait reason in `runtime::stack(true)` while a goroutine is
/// parked on it. (As in Go, a writer queued behind another *writer* waits in the inner
/// mutex, `sync.Mutex.Lock`; `sync.RWMutex.Lock` is a writer waiting for readers.)
#[goro::test]
fn wait_reasons_in_dumps_are_gos() {
    let m = Arc::new(Mutex::new(()));
    let rw = Arc::new(RWMutex::new(()));
    let pair = Arc::new((Mutex::new(()), Cond::new()));
    let wg = Arc::new(WaitGroup::new());
    let sem = Arc::new(Semaphore::new(1));
    let held_m = m.lock();
    let held_r = rw.read();
    wg.add(1);
    sem.acquire(1);
    let mut hs = Vec::new();
    let mut expect = |h, reason: &str| {
        hs.push(h);
        wait_until(&format!("a goroutine in [{reason}]"), || {
            parked(reason) == 1
        });
    };
    let m2 = m.clone();
    expect(goro::spawn(move || drop(m2.lock())), "sync.Mutex.Lock");
    let rw2 = rw.clone();
    expect(goro::spawn(move || drop(rw2.write())), "sync.RWMutex.Lock");
    let rw3 = rw.clone();
    expect(goro::spawn(move || drop(rw3.read())), "sync.RWMutex.RLock");
    let wg2 = wg.clone();
    expect(goro::spawn(move || wg2.wait()), "sync.WaitGroup.Wait");
    let sem2 = sem.clone();
    expect(
        goro::spawn(move || {
            sem2.acquire(1);
            sem2.release(1);
        }),
        "semacquire",
    );
    let pair2 = pair.clone();
    expect(
        goro::spawn(move || drop(pair2.1.wait(pair2.0.lock()))),
        "sync.Cond.Wait",
    );
    drop(held_m);
    drop(held_r);
    wg.done();
    sem.release(1);
    {
        let _g = pair.0.lock();
        pair.1.signal();
    }
    for h in hs {
        h.join().unwrap();
    }
}

// ---- misuse: Go's texts -----------------------------------------------------------------

/// Runs `name` as a child and checks it exits 2 with `want` in its standard error.
fn child_fails_with(name: &str, want: &str) {
    let (code, stderr) = run_child(name);
    assert!(
        stderr.contains(want),
        "{name}: wanted {want:?} in stderr:\n{stderr}"
    );
    assert_eq!(code, 2, "{name}: exit status; stderr:\n{stderr}");
}

/// Go: TestMutexMisuse "Mutex.Unlock" and "Mutex.Unlock2": a fatal error, which not even
/// `catch_unwind` stops.
#[test]
fn unlock_of_unlocked_mutex_is_fatal() {
    if is_child() {
        let m = Mutex::new(());
        m.unlock();
        unreachable!("survived a fatal error");
    }
    child_fails_with(
        "unlock_of_unlocked_mutex_is_fatal",
        "fatal error: sync: unlock of unlocked mutex",
    );
    // Then the frames, as Go's: the unlock, down to the test's own code.
    let (_, stderr) = run_child("unlock_of_unlocked_mutex_is_fatal");
    assert!(
        stderr.contains("[running]:\ngoro_rt::sync::mutex::"),
        "{stderr}"
    );
    assert!(stderr.contains("tests/sync.rs:"), "{stderr}");
}

#[test]
fn second_unlock_is_fatal_even_under_catch_unwind() {
    if is_child() {
        static M: Mutex = Mutex::new(());
        std::mem::forget(M.lock());
        M.unlock();
        let _ = std::panic::catch_unwind(|| M.unlock());
        unreachable!("survived a fatal error");
    }
    child_fails_with(
        "second_unlock_is_fatal_even_under_catch_unwind",
        "fatal error: sync: unlock of unlocked mutex",
    );
}

/// Go: TestMutexMisuse "RWMutex.Unlock", "RWMutex.Unlock2" (unlock after rlock) and
/// "RWMutex.Unlock3" (twice).
#[test]
fn rwmutex_unlock_of_unlocked_is_fatal() {
    if is_child() {
        let rw = RWMutex::new(());
        rw.rlock();
        rw.unlock();
        unreachable!("survived a fatal error");
    }
    child_fails_with(
        "rwmutex_unlock_of_unlocked_is_fatal",
        "fatal error: sync: Unlock of unlocked RWMutex",
    );
}

#[test]
fn rwmutex_second_unlock_is_fatal() {
    if is_child() {
        let rw = RWMutex::new(());
        rw.lock();
        rw.unlock();
        rw.unlock();
        unreachable!("survived a fatal error");
    }
    child_fails_with(
        "rwmutex_second_unlock_is_fatal",
        "fatal error: sync: Unlock of unlocked RWMutex",
    );
}

/// Go: TestMutexMisuse "RWMutex.RUnlock", "RWMutex.RUnlock2" (after lock) and
/// "RWMutex.RUnlock3" (twice).
#[test]
fn rwmutex_runlock_of_unlocked_is_fatal() {
    if is_child() {
        let rw = RWMutex::new(());
        rw.runlock();
        unreachable!("survived a fatal error");
    }
    child_fails_with(
        "rwmutex_runlock_of_unlocked_is_fatal",
        "fatal error: sync: RUnlock of unlocked RWMutex",
    );
}

#[test]
fn rwmutex_runlock_after_lock_is_fatal() {
    if is_child() {
        let rw = RWMutex::new(());
        rw.lock();
        rw.runlock();
        unreachable!("survived a fatal error");
    }
    child_fails_with(
        "rwmutex_runlock_after_lock_is_fatal",
        "fatal error: sync: RUnlock of unlocked RWMutex",
    );
}

#[test]
fn rwmutex_second_runlock_is_fatal() {
    if is_child() {
        let rw = RWMutex::new(());
        rw.rlock();
        rw.runlock();
        rw.runlock();
        unreachable!("survived a fatal error");
    }
    child_fails_with(
        "rwmutex_second_runlock_is_fatal",
        "fatal error: sync: RUnlock of unlocked RWMutex",
    );
}

/// A goroutine unlocks an unlocked Mutex while goroutine 1 sleeps (Go: `fatal`).
#[goro::main]
fn unlock_while_main_sleeps_program() {
    static M: Mutex = Mutex::new(());
    go!(move || {
        wait_until("goroutine 1 sleeps", || parked("sleep") == 1);
        M.unlock();
    });
    goro::time::sleep(Duration::from_secs(60)); // the fatal error ends the program
}

/// A fatal error shows the failing goroutine, who created it, then every other goroutine,
/// as Go's (`fatalthrow`: a throw dumps all goroutines); a plain panic shows only its own.
/// goro used to stop after the failing goroutine's frames.
#[test]
fn a_fatal_error_shows_every_goroutine() {
    if is_child() {
        unlock_while_main_sleeps_program();
        return;
    }
    let (code, stderr) = run_child("a_fatal_error_shows_every_goroutine");
    assert_eq!(code, 2, "{stderr}");
    let blocks: Vec<&str> = stderr
        .split_once("fatal error: sync: unlock of unlocked mutex\n\n")
        .map_or("", |(_, r)| r)
        .split("\n\n")
        .collect();
    assert_eq!(
        blocks.len(),
        2,
        "the failing goroutine, then goroutine 1: {stderr}"
    );
    assert!(
        blocks[0].starts_with("goroutine 2 [running]:\ngoro_rt::sync::mutex::"),
        "{stderr}"
    );
    assert!(
        blocks[0]
            .contains("\ncreated by sync::unlock_while_main_sleeps_program in goroutine 1\n\t"),
        "{stderr}"
    );
    assert!(blocks[1].starts_with("goroutine 1 [sleep]:\n"), "{stderr}");
    if !cfg!(goro_asan) {
        // Its frames too: the sleep, then the program's line.
        assert!(blocks[1].contains("tests/sync.rs:"), "{stderr}");
    }
    // The same program with GOTRACEBACK=none: the first line alone, as Go's.
    let (code, none) = support::run_child_with(
        "a_fatal_error_shows_every_goroutine",
        &[("GOTRACEBACK", "none")],
    );
    assert_eq!(code, 2, "{none}");
    assert!(
        none.contains("fatal error: sync: unlock of unlocked mutex\n"),
        "{none}"
    );
    assert!(!none.contains("goroutine "), "{none}");
}

/// A negative WaitGroup counter in a goroutine of `#[goro::main]`: Go's panic report and
/// exit status 2.
#[goro::main]
fn negative_counter_program() {
    let wg = Arc::new(WaitGroup::new());
    let w2 = wg.clone();
    go!(move || w2.done());
    select! {} // the goroutine's panic ends the program
}

#[test]
fn negative_waitgroup_counter_panics_with_gos_text() {
    if is_child() {
        negative_counter_program();
        return;
    }
    child_fails_with(
        "negative_waitgroup_counter_panics_with_gos_text",
        "panic: sync: negative WaitGroup counter",
    );
    // Then the frames, as Go's `sync.(*WaitGroup).Add`, `Done`, then the goroutine's own
    // (there were none: the trace ended at the first frame of goro's).
    let (_, stderr) = run_child("negative_waitgroup_counter_panics_with_gos_text");
    assert!(
        stderr.contains(
            "panic: sync: negative WaitGroup counter\n\ngoroutine 2 [running]:\ngoro_rt::sync::waitgroup::WaitGroup::"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("tests/sync.rs:"), "{stderr}");
}

/// Go: TestWaitGroupMisuse2, made deterministic on one P: the count reaches zero, which
/// readies the waiter, but an `add` starts the next round before it runs. The waiter
/// panics with Go's text.
#[goro::main]
fn reused_program() {
    goro::runtime::gomaxprocs(1);
    let wg = Arc::new(WaitGroup::new());
    wg.add(1);
    {
        let wg = wg.clone();
        go!(move || wg.wait());
    }
    wait_until("the waiter parks", || parked("sync.WaitGroup.Wait") == 1);
    wg.done(); // readies the waiter; with one P it runs only once we block
    wg.add(1);
    select! {} // let it run
}

#[test]
fn waitgroup_reused_before_wait_returned_panics_with_gos_text() {
    if is_child() {
        reused_program();
        return;
    }
    child_fails_with(
        "waitgroup_reused_before_wait_returned_panics_with_gos_text",
        "panic: sync: WaitGroup is reused before previous Wait has returned",
    );
}

/// x/sync: releasing more than held panics (in a goroutine of `#[goro::main]`: exit 2).
#[goro::main]
fn over_release_program() {
    let sem = Arc::new(Semaphore::new(3));
    sem.acquire(1);
    let s2 = sem.clone();
    go!(move || s2.release(2));
    select! {} // the goroutine's panic ends the program
}

#[test]
fn semaphore_released_more_than_held_panics_with_xsyncs_text() {
    if is_child() {
        over_release_program();
        return;
    }
    child_fails_with(
        "semaphore_released_more_than_held_panics_with_xsyncs_text",
        "panic: semaphore: released more than held",
    );
}

// ---- a runtime that ends while goroutines wait ------------------------------------------

/// Counts drops: proves a goroutine was unwound.
struct DropCount(Arc<AtomicUsize>);
impl Drop for DropCount {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// When `run` returns with goroutines parked on a static Mutex (its holder parked forever
/// on a channel), every one of them is unwound — each finishes taking the lock it was
/// queued for, gives it back, then unwinds — and the mutex is usable afterwards.
#[test]
fn runtime_end_unwinds_mutex_waiters_and_leaves_the_mutex_usable() {
    static M: Mutex<u32> = Mutex::new(0);
    let drops = Arc::new(AtomicUsize::new(0));
    goro::run(|| {
        let ready = chan![(); 1];
        {
            let (drops, ready) = (drops.clone(), ready.clone());
            go!(move || {
                let _d = DropCount(drops);
                let _g = M.lock();
                ready.send(());
                chan![()].recv(); // forever
            });
        }
        ready.recv();
        for _ in 0..3 {
            let drops = drops.clone();
            go!(move || {
                let _d = DropCount(drops);
                *M.lock() += 1;
            });
        }
        wait_until("three waiters", || parked("sync.Mutex.Lock") == 3);
    });
    assert_eq!(drops.load(Ordering::SeqCst), 4, "every goroutine unwound");
    let g = M
        .try_lock()
        .expect("the mutex is free after the runtime ended");
    assert_eq!(*g, 0, "no killed waiter ran its critical section");
}

/// Goroutines parked in WaitGroup.wait, Cond.wait, Semaphore.acquire and RWMutex.read when
/// the runtime ends are unwound, and the primitives (statics) work normally afterwards.
#[test]
fn runtime_end_unwinds_waiters_of_every_primitive() {
    static WG: WaitGroup = WaitGroup::new();
    static PAIR: (Mutex<bool>, Cond) = (Mutex::new(false), Cond::new());
    static SEM: Semaphore = Semaphore::new(2);
    static RW: RWMutex<u32> = RWMutex::new(0);
    static ONCE: Once = Once::new();
    let drops = Arc::new(AtomicUsize::new(0));
    goro::run(|| {
        WG.add(1);
        SEM.acquire(1);
        let held = chan![(); 1];
        {
            let held = held.clone();
            go!(move || {
                let _w = RW.write();
                ONCE.call_once(|| {
                    held.send(());
                    chan![()].recv(); // forever, inside call_once
                });
            });
        }
        held.recv();
        let spawn = |f: fn()| {
            let drops = drops.clone();
            go!(move || {
                let _d = DropCount(drops);
                f();
            });
        };
        spawn(|| WG.wait());
        spawn(|| WG.wait());
        spawn(|| drop(PAIR.1.wait(PAIR.0.lock())));
        spawn(|| SEM.acquire(2));
        spawn(|| SEM.acquire(1));
        spawn(|| drop(RW.read()));
        spawn(|| ONCE.call_once(|| unreachable!("the first call is still running")));
        wait_until("every waiter parked", || {
            parked("sync.WaitGroup.Wait") == 2
                && parked("sync.Cond.Wait") == 1
                && parked("semacquire") == 2
                && parked("sync.RWMutex.RLock") == 1
                && parked("sync.Mutex.Lock") == 1
        });
    });
    assert_eq!(drops.load(Ordering::SeqCst), 7, "every waiter unwound");
    // Each primitive is consistent for its next users.
    WG.done();
    WG.wait();
    WG.add(1);
    WG.done();
    WG.wait();
    assert!(SEM.try_acquire(1), "the killed waiters left the queue");
    SEM.release(2);
    assert!(SEM.try_acquire(2));
    assert!(RW.try_write().is_some(), "the writer's guard was dropped");
    assert_eq!(*RW.read(), 0);
    assert!(ONCE.is_done(), "the unwound first call counts as done");
    PAIR.1.signal();
    let t = std::thread::spawn(|| {
        let mut g = PAIR.0.lock();
        while !*g {
            g = PAIR.1.wait(g);
        }
    });
    *PAIR.0.lock() = true;
    PAIR.1.broadcast();
    t.join().unwrap();
}
