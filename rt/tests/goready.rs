//! `goready` from a plain thread while the woken goroutine's runtime ends.
//!
//! A plain thread that readies a goroutine pushes it to its home M's queue and wakes that
//! M (`homeq.rs`). The goroutine may run as soon as it is takeable; if it is goroutine 1
//! and returns at once, `run` returns and frees the runtime, Ms included. So the waker must
//! be done with the M before the goroutine can be taken: these tests end thousands of
//! runtimes exactly when a waker is inside its wake-up (run them under ASan to see a
//! use-after-free; CI does). A second goroutine, woken by a second thread at the same time,
//! keeps the home M busy for reasons of its own, which is how a push can find the M awake
//! and have its goroutine taken before the pusher's wake-up is done.

use goro::Chan;
use goro_rt::sync::{Cond, Mutex, Semaphore, WaitGroup};
use goro_rt::{run, spawn};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Runtimes per test: enough to end a runtime inside a waker's wake-up many times over,
/// few enough for well under a second per test without ASan.
const ROUNDS: u64 = 1500;

/// Something a goroutine blocks on and a plain thread releases, readying it.
enum Gate {
    /// An unbuffered-like handoff: the thread sends to the parked receiver (capacity 1, so
    /// a thread that finds no receiver, as when its goroutine was unwound, never blocks).
    Send(Chan<u64>),
    /// The thread closes the channel the goroutine receives from.
    Close(Chan<u64>),
    /// The thread unlocks (Go-style) a mutex locked before the goroutine asks for it.
    Unlock(Mutex<()>),
    /// The thread calls `done` on a WaitGroup of one the goroutine waits for.
    Done(WaitGroup),
    /// The thread sets the value under the mutex and signals, holding it (Go style): the
    /// goroutine is readied by the signal, then again by the unlock.
    Signal(Mutex<u64>, Cond),
    /// The thread releases the one unit of a semaphore the goroutine acquires.
    Release(Semaphore),
}

/// One gate with the value its waker publishes and a flag its waiter raises just before
/// blocking (so the waker aims at a parked goroutine, not at one still starting).
struct Waiter {
    gate: Gate,
    value: AtomicU64,
    blocking: AtomicBool,
}

const KINDS: u64 = 6;

impl Waiter {
    /// Gate number `kind % KINDS`, closed; `value` is what its waker will publish.
    fn new(kind: u64) -> Arc<Waiter> {
        let gate = match kind % KINDS {
            0 => Gate::Send(Chan::new(1)),
            1 => Gate::Close(Chan::new(0)),
            2 => {
                let mu = Mutex::new(());
                std::mem::forget(mu.lock()); // Go: mu.Lock(); the waker unlocks it
                Gate::Unlock(mu)
            }
            3 => {
                let wg = WaitGroup::new();
                wg.add(1);
                Gate::Done(wg)
            }
            4 => Gate::Signal(Mutex::new(0), Cond::new()),
            _ => {
                let sem = Semaphore::new(1);
                sem.acquire(1);
                Gate::Release(sem)
            }
        };
        Arc::new(Waiter {
            gate,
            value: AtomicU64::new(0),
            blocking: AtomicBool::new(false),
        })
    }

    /// The waiter's side (a goroutine): blocks until the waker opens the gate, and returns
    /// the value the waker published.
    fn wait(&self) -> u64 {
        self.blocking.store(true, Ordering::SeqCst);
        match &self.gate {
            Gate::Send(c) => c.recv().expect("the waker sends, never closes"),
            Gate::Close(c) => {
                assert_eq!(c.recv(), None, "a closed channel yields nothing");
                self.value.load(Ordering::SeqCst)
            }
            Gate::Unlock(mu) => {
                drop(mu.lock());
                self.value.load(Ordering::SeqCst)
            }
            Gate::Done(wg) => {
                wg.wait();
                self.value.load(Ordering::SeqCst)
            }
            Gate::Signal(mu, cond) => {
                let mut g = mu.lock();
                while *g == 0 {
                    g = cond.wait(g);
                }
                *g
            }
            Gate::Release(sem) => {
                sem.acquire(1);
                self.value.load(Ordering::SeqCst)
            }
        }
    }

    /// The waker's side (a plain thread): once the waiter is about to block (or its
    /// runtime is over), waits `delay`
    /// spins (varying where in the waiter's park the wake-up lands), publishes `v` and
    /// opens the gate. Never blocks for long, even if the waiter was unwound meanwhile.
    fn wake(&self, v: u64, delay: u64) {
        while !self.blocking.load(Ordering::SeqCst) {
            std::thread::yield_now();
        }
        for _ in 0..delay {
            std::hint::spin_loop();
        }
        match &self.gate {
            Gate::Send(c) => c.send(v),
            Gate::Close(c) => {
                self.value.store(v, Ordering::SeqCst);
                c.close();
            }
            Gate::Unlock(mu) => {
                self.value.store(v, Ordering::SeqCst);
                mu.unlock();
            }
            Gate::Done(wg) => {
                self.value.store(v, Ordering::SeqCst);
                wg.done();
            }
            Gate::Signal(mu, cond) => {
                let mut g = mu.lock();
                *g = v;
                cond.signal();
                drop(g);
            }
            Gate::Release(sem) => {
                self.value.store(v, Ordering::SeqCst);
                sem.release(1);
            }
        }
    }
}

/// `ROUNDS` runtimes with `procs` Ps. In each, goroutine 1 starts a companion goroutine,
/// and both block on gates of varying kinds; two plain threads open them at about the same
/// time. Goroutine 1 returns as soon as it has its value, so its runtime may end while
/// either thread is still inside its wake-up. (A companion still blocked then is unwound.)
fn foreign_wakers_race_the_end_of_run(procs: usize) {
    for round in 0..ROUNDS {
        let main_w = Waiter::new(round);
        let other_w = Waiter::new(round / KINDS + 1);
        let (main_v, other_v) = (2 * round + 1, 2 * round + 2);
        let delay = (round * 37) % 400;
        std::thread::scope(|s| {
            s.spawn(|| main_w.wake(main_v, delay));
            s.spawn(|| other_w.wake(other_v, 400 - delay));
            let (mw, ow) = (main_w.clone(), other_w.clone());
            let got = run(move || {
                goro_rt::runtime::gomaxprocs(procs);
                spawn(move || assert_eq!(ow.wait(), other_v, "companion, round {round}"));
                mw.wait()
            });
            assert_eq!(got, main_v, "goroutine 1, round {round}");
            // A companion that never ran (goroutine 1 ended first) never raised its flag:
            // release its waker anyway.
            other_w.blocking.store(true, Ordering::SeqCst);
        });
    }
}

#[test]
fn foreign_wakers_race_the_end_of_run_on_one_p() {
    foreign_wakers_race_the_end_of_run(1);
}

#[test]
fn foreign_wakers_race_the_end_of_run_on_two_ps() {
    foreign_wakers_race_the_end_of_run(2);
}

/// Rounds of `wake_races_a_panic_ending_the_runtime`.
const PANIC_ROUNDS: u64 = 400;

/// A plain thread readies goroutine 1 while another goroutine's panic ends the runtime. The
/// thread claims goroutine 1 (waiting → runnable) a moment before queueing it; the runtime
/// must not take that moment for "nothing can run" and end without it: `run` would find
/// goroutine 1 unfinished and throw (`goroutine 1 is still blocked after its runtime
/// ended`). Either the value or the panic comes out of `run` (the panic, nearly always: the
/// panicking goroutine holds goroutine 1's M until it panics, and a goroutine run after the
/// runtime began ending unwinds).
fn wake_races_a_panic_ending_the_runtime(procs: usize) {
    let (mut values, mut panics) = (0, 0);
    for round in 0..PANIC_ROUNDS {
        let c: Chan<u64> = Chan::new(1);
        let go = Arc::new(AtomicBool::new(false));
        // The panic's delay sweeps from before the wake-up to well after it, so some
        // rounds land on the waker's claim.
        let delay = (round * 13) % 200;
        let spin = (round % 50) * 400;
        let (c2, go2) = (c.clone(), go.clone());
        let waker = std::thread::spawn(move || {
            while !go2.load(Ordering::SeqCst) {
                std::thread::yield_now();
            }
            for _ in 0..delay {
                std::hint::spin_loop();
            }
            c2.send(round);
        });
        let got = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            run(move || {
                goro_rt::runtime::gomaxprocs(procs);
                let go3 = go.clone();
                spawn(move || {
                    while !go3.load(Ordering::SeqCst) {
                        goro_rt::runtime::gosched();
                    }
                    for _ in 0..spin {
                        std::hint::spin_loop();
                    }
                    panic!("boom {round}");
                });
                go.store(true, Ordering::SeqCst);
                c.recv()
            })
        }));
        match got {
            Ok(v) => {
                assert_eq!(v, Some(round));
                values += 1;
            }
            Err(p) => {
                assert_eq!(goro_rt::panic::payload_str(&*p), format!("boom {round}"));
                panics += 1;
            }
        }
        waker.join().unwrap();
    }
    assert_eq!(values + panics, PANIC_ROUNDS);
}

#[test]
fn wake_races_a_panic_ending_the_runtime_on_one_p() {
    wake_races_a_panic_ending_the_runtime(1);
}

#[test]
fn wake_races_a_panic_ending_the_runtime_on_two_ps() {
    wake_races_a_panic_ending_the_runtime(2);
}
