//! Creating goroutines. Go: newproc, newproc1 (proc.go).
//!
//! A new G comes from the free list with its stack (`gfree.rs`), gets its body inline
//! (`funcval.rs`) and a fresh context whose first frame is `gentry`, and goes to the
//! spawner's `runnext` (kicking the previous one to the tail), as Go's newproc does; from a
//! thread with no P of this runtime, to the global queue. A fresh G has no home M yet: it is
//! the kind of work any M may take (`proc.rs`).

use crate::arch;
use crate::funcval::NameFn;
use crate::g::{G_RUNNABLE, GRef};
use crate::gfree;
use crate::loom::StdArc as Arc;
use crate::loom::atomic::Ordering;
use crate::m::M;
use crate::proc::{P, Sched, gentry};
use crate::tls::getm;
use core::ptr;

impl Sched {
    /// Next goroutine id, from the P's batch when there is one. Go: newproc1's goidcache.
    fn next_goid(&self, p: Option<&P>) -> u64 {
        const BATCH: u64 = 16;
        match p {
            Some(p) => {
                // SAFETY: the caller holds `p`.
                let cache = unsafe { &mut *p.goidcache.get() };
                if cache.0 == cache.1 {
                    let base = self.goidgen.fetch_add(BATCH, Ordering::Relaxed);
                    *cache = (base + 1, base + 1 + BATCH);
                }
                let id = cache.0;
                cache.0 += 1;
                id
            }
            None => self.goidgen.fetch_add(1, Ordering::Relaxed) + 1,
        }
    }

    /// Creates a goroutine running `f` and makes it runnable; returns its id (read before
    /// it is queued: once queued, it may run, end and leave its G to another goroutine).
    /// Go: newproc.
    #[track_caller]
    pub(crate) fn newproc<F: FnOnce() + Send + 'static>(
        self: &Arc<Self>,
        f: F,
        name: NameFn,
    ) -> u64 {
        self.spawn_point();
        let m = getm();
        // SAFETY: a non-null TLS M is live on this thread.
        let mine = (!m.is_null()
            && ptr::eq(Arc::as_ptr(unsafe { &(*m).sched }), Arc::as_ptr(self)))
        .then(|| {
            // SAFETY: as above; `p` is this thread's own P (null on a P-less M).
            unsafe { (*m).p.get().as_ref() }.map(|p| (unsafe { &*m }, p))
        })
        .flatten();
        let p = mine.map(|(_, p)| p);
        let gp = gfree::get(p);
        let goid = self.next_goid(p);
        // SAFETY: gp is fresh from the free list; `f` is 'static.
        unsafe { self.init_g(gp, goid, f, name) };
        self.count_goroutine(p, 1);
        gp.created.store(
            (core::panic::Location::caller() as *const core::panic::Location<'static>).cast_mut(),
            Ordering::Relaxed,
        );
        let parent = crate::tls::curg().map_or(0, |g| g.goid());
        gp.parent.store(parent, Ordering::Relaxed);
        match mine {
            Some((m, p)) => match self.spread_target(m, p) {
                Some(home) => {
                    // Its home is chosen now: no thief may take it elsewhere before it
                    // runs (one did, after a burst: an idle thread took half of what the
                    // spawner kept, tcp_echo's clients ending 15 to 49).
                    gp.prehomed.store(true, Ordering::Relaxed);
                    gp.m.store(Arc::as_ptr(&home).cast_mut(), Ordering::Release);
                    home.nhomed.fetch_add(1, Ordering::Relaxed);
                    if ptr::eq(Arc::as_ptr(&home), m) {
                        m.runqput(p, gp, true);
                    } else {
                        home.inject(gp);
                        self.wakep();
                    }
                }
                None if self.saturated(p) => {
                    // SAFETY: `p` is this thread's P, its ticks ours; a non-null `spawnto`
                    // is an M of this runtime, which lives as long as the runtime
                    // (`Locked::allm`).
                    let (tick, last, to) = unsafe {
                        (
                            *p.schedtick.get(),
                            &mut *p.spawntick.get(),
                            p.spawnto.load(Ordering::Relaxed).as_ref(),
                        )
                    };
                    // A spawn right after the last one (no schedule between: a burst) does
                    // not pile onto that M, whose home queue no other M can take from: it
                    // goes to another idle M, or here, where idle Ms may steal it.
                    let burst = *last == tick;
                    *last = tick;
                    // (`p` may have passed to the M it sent spawns to.)
                    let usable =
                        |t: &&M| !burst && !ptr::eq(*t, m) && !t.locked.load(Ordering::Relaxed);
                    match to.filter(usable) {
                        Some(t) => t.inject(gp),
                        None => match self.startm_with(m, gp) {
                            Ok(t) => p
                                .spawnto
                                .store(Arc::as_ptr(&t).cast_mut(), Ordering::Relaxed),
                            Err(gp) => {
                                m.runqput(p, gp, true);
                            }
                        },
                    }
                }
                None => {
                    // Another M can take only queued fresh work (the fresh `runnext` this
                    // spawn displaces, or older). A lone fresh `runnext` stays ours for
                    // `RUNNEXT_STEAL_DELAY_NS` (`proc.rs`), and sysmon wakes an M for it if
                    // this M is held up (`retake`): waking one now had it look and sleep
                    // again, a futex wake-up per stage in prime_sieve. The wake-up goes
                    // before the put: it costs this thread tens of microseconds in a VM,
                    // and the displaced goroutine's steal delay must not run meanwhile (a
                    // burst of spawns lost its first goroutine to the other thread:
                    // mpmc_unbuffered, a third of the runs twice as slow).
                    if p.runq.has_fresh() {
                        #[cfg(all(test, not(goro_loom)))]
                        tests::SPAWN_WAKES.with(|n| n.set(n.get() + 1));
                        self.wakep();
                    }
                    m.runqput(p, gp, true);
                }
            },
            None => {
                self.global.put(gp);
                self.wakep();
            }
        }
        crate::sysmon::start(self);
        goid
    }

    /// Where a goroutine spawned on `m` (holding `p`) is to live, decided now, if `m` has
    /// many goroutines parked in IO wait: another unlocked M with clearly fewer goroutines
    /// of its own than `m` has (with the fresh ones queued on `p`), else `m` itself; `None`
    /// (queued as any spawn) when there is no other unlocked M or `m` is locked
    /// (`spread_choice`). goro's own, and
    /// only for spawners whose goroutines wait on the network (an accept loop): a
    /// goroutine stays on the thread it first runs on, and a handler spawned into
    /// `runnext` runs at once on the acceptor's thread (which parks in the next `accept`),
    /// so every connection's goroutine ended up there — in `tcp_echo` all 64 server
    /// goroutines on one thread, which then did three quarters of the work. Go balances
    /// them later, moving runnable goroutines between Ps; here the choice is made once,
    /// at the start. Channel pipelines (no IO wait) keep Go's placement.
    ///
    /// The goroutine is homed at once (`newproc`), so each M's count of its own includes
    /// the goroutines of a burst of spawns that have not run yet, and a burst alternates
    /// between the Ms until their counts even out. Comparing IO waiters only sent a whole
    /// burst to one M, as none of it waits for IO before it has run (tcp_echo: all 64
    /// clients in 2 of 10 runs, 1.5 times as slow); leaving the spawner's share to its
    /// queue let an idle M steal half of it (15 clients to 49 in half the runs).
    fn spread_target(&self, m: &M, p: &P) -> Option<Arc<M>> {
        /// IO waiters an M must have before its spawns are placed.
        const SPREAD_MIN: usize = 8;
        if m.niowait.load(Ordering::Relaxed) < SPREAD_MIN || self.gomaxprocs() < 2 {
            return None;
        }
        let mine = m.nhomed.load(Ordering::Relaxed) + p.runq.len();
        let l = self.lock();
        let mut me = None;
        let mut best: Option<&Arc<M>> = None;
        for o in &l.allm {
            if ptr::eq(Arc::as_ptr(o), m) {
                me = Some(o);
            } else if !o.locked.load(Ordering::Relaxed)
                && best.is_none_or(|b| {
                    o.nhomed.load(Ordering::Relaxed) < b.nhomed.load(Ordering::Relaxed)
                })
            {
                best = Some(o);
            }
        }
        let locked = m.locked.load(Ordering::Relaxed) || m.nlocked.get() != 0;
        match spread_choice(mine, best.map(|o| o.nhomed.load(Ordering::Relaxed)), locked) {
            Spread::There => best.cloned(),
            Spread::Here => me.cloned(),
            Spread::Queue => None,
        }
    }

    /// Whether a goroutine spawned on `p` should start on another M instead of `p`'s
    /// `runnext`: `p` has run goroutines without a break for a long while
    /// (`SATURATED_TICKS` schedules) and has no other fresh work. (The spawn then goes to
    /// the M the last one went to, or an idle M with an idle P, else to `runnext` after
    /// all: `newproc`.) goro's own:
    /// a goroutine stays on the thread it first runs on, so a spawner whose thread is
    /// saturated (a pipeline's driver appending stages: prime_sieve) would otherwise put
    /// every new stage on its own thread while the other idles; Go moves such goroutines
    /// later, to whichever P readies them.
    fn saturated(&self, p: &P) -> bool {
        const SATURATED_TICKS: u32 = 20_000;
        if p.runq.has_fresh() {
            return false;
        }
        // SAFETY: `p` is this thread's P; its ticks are ours.
        let busy = unsafe { (*p.schedtick.get()).wrapping_sub(*p.idletick.get()) };
        busy >= SATURATED_TICKS
    }

    /// The `go` statement is a scheduling point of the spawning goroutine: it yields when
    /// sysmon asked it to, as Go <= 1.13 checked for preemption in every function's
    /// prologue, `newproc`'s included (Go >= 1.14 interrupts it anywhere). A goroutine
    /// spawning in a loop never reaches another: with one P, what it spawned would wait
    /// until its first blocking call, each on a stack page of its own (a million spawned
    /// before the first join faulted in 4 GiB). The yield queues it behind the global
    /// queue's work (`M::defer_behind_global`), as Go's preemption does.
    fn spawn_point(self: &Arc<Self>) {
        if let Some(gp) = crate::tls::curg()
            && gp.preempt.load(Ordering::Relaxed)
            && ptr::eq(gp.sched.load(Ordering::Relaxed), Arc::as_ptr(self))
        {
            gp.preempt.store(false, Ordering::Relaxed);
            crate::park::preempted(gp);
        }
    }

    /// Prepares a G from the free list to run `f` as goroutine `goid` of this runtime.
    ///
    /// # Safety
    /// `gp` comes from the free list (so we own it), and whatever `f` borrows outlives the
    /// goroutine's run (see `FuncVal::set`).
    pub(crate) unsafe fn init_g<F: FnOnce() + Send>(
        self: &Arc<Self>,
        gp: GRef,
        goid: u64,
        f: F,
        name: NameFn,
    ) {
        let stack = gp.stack.as_ref().expect("goroutine G without a stack");
        gp.goid.store(goid, Ordering::Relaxed);
        gp.killed.store(false, Ordering::Relaxed);
        gp.unwinding.store(false, Ordering::Relaxed);
        gp.prehomed.store(false, Ordering::Relaxed);
        gp.m.store(ptr::null_mut(), Ordering::Relaxed);
        gp.lockedext.store(0, Ordering::Relaxed);
        gp.lockedint.store(0, Ordering::Relaxed);
        gp.sched
            .store(Arc::as_ptr(self).cast_mut(), Ordering::Relaxed);
        gp.created.store(ptr::null_mut(), Ordering::Relaxed);
        // SAFETY: gp is fresh from the free list: we are its only owner (status dead), its
        // entry slot is empty, and the caller vouches for `f`'s borrows.
        unsafe { gp.entry.set(f, name) };
        crate::asan::unpoison(stack.lo, stack.hi - stack.lo);
        // SAFETY: the stack is this G's own and unused; its top is page-aligned.
        unsafe { *gp.ctx.get() = arch::init_stack(stack.hi, gentry, gp.as_ptr() as usize) };
        gp.set_status(G_RUNNABLE, Ordering::Release);
    }
}

/// How many fewer goroutines another M must have to get a spawn (`spread_target`).
const SPREAD_GAP: usize = 4;

/// Where `spread_target` homes a spawn.
#[derive(Debug, PartialEq, Eq)]
enum Spread {
    /// On the other M with the fewest goroutines.
    There,
    /// On the spawner's M.
    Here,
    /// Nowhere yet: to the run queues, as any spawn.
    Queue,
}

/// `spread_target`'s choice, for a spawner's M with `mine` goroutines (and fresh ones
/// queued), the fewest any other unlocked M has (`None`: there is no other), and whether
/// the spawner's M is locked.
fn spread_choice(mine: usize, fewest_elsewhere: Option<usize>, locked: bool) -> Spread {
    match fewest_elsewhere {
        Some(n) if n + SPREAD_GAP <= mine => Spread::There,
        // No other M to balance against (none started yet, or all locked): the queues,
        // where the spawn makes `wakep` start one, which may steal it. Homing it here kept
        // a whole run on one thread (tcp_echo: 1 run in 30 at 12 µs per round trip, with
        // one M for the whole run).
        None => Spread::Queue,
        // A locked M starts no new goroutines (`schedule`).
        Some(_) if locked => Spread::Queue,
        Some(_) => Spread::Here,
    }
}

#[cfg(all(test, not(goro_loom)))]
mod tests {
    use core::cell::Cell;

    std::thread_local! {
        /// Spawns on this thread that called `wakep` for the work they displaced (not
        /// counting spawns from outside the runtime or to another M). Per thread: tests
        /// run side by side.
        pub(super) static SPAWN_WAKES: Cell<usize> = const { Cell::new(0) };
    }

    fn spawn_wakes() -> usize {
        SPAWN_WAKES.with(Cell::get)
    }

    /// A spawn from a thread with many IO waiters is homed on another M with clearly fewer
    /// goroutines, else on its own, unless there is no other M to weigh (or its own is
    /// locked): then it goes to the run queues, so that a second thread is started.
    #[test]
    fn spread_homes_a_spawn_only_where_it_weighed_another_thread() {
        use super::{Spread, spread_choice};
        assert_eq!(spread_choice(20, Some(16), false), Spread::There);
        assert_eq!(spread_choice(20, Some(17), false), Spread::Here);
        assert_eq!(spread_choice(20, Some(17), true), Spread::Queue);
        assert_eq!(spread_choice(20, Some(0), true), Spread::There);
        assert_eq!(spread_choice(20, None, false), Spread::Queue);
        assert_eq!(spread_choice(20, None, true), Spread::Queue);
    }

    /// A spawn whose goroutine is the only fresh work on its P leaves it to its own thread
    /// (prime_sieve's pattern: spawn a stage, then block on it); a spawn that displaces a
    /// fresh goroutine from `runnext` wakes an idle thread for it.
    #[test]
    fn only_a_spawn_that_displaces_fresh_work_wakes_an_idle_thread() {
        let two_ps = crate::entry::Options {
            gomaxprocs: 2,
            ..Default::default()
        };
        let (lone, burst) = crate::entry::run_test_with(
            two_ps,
            || {
                let before = spawn_wakes();
                for i in 0..100u32 {
                    // Joining parks goroutine 1, so its thread runs the new goroutine at once;
                    // `runnext` and the queue are empty again at the next spawn.
                    assert_eq!(crate::spawn(move || i + 1).join().unwrap(), i + 1);
                }
                let lone = spawn_wakes() - before;
                let before = spawn_wakes();
                let (a, b) = (crate::spawn(|| 1), crate::spawn(|| 2)); // b displaces a
                assert_eq!(a.join().unwrap() + b.join().unwrap(), 3);
                (lone, spawn_wakes() - before)
            },
            || (0, 0),
        );
        assert_eq!(
            lone, 0,
            "spawns of a lone goroutine woke an idle thread {lone} times"
        );
        assert!(burst >= 1, "a spawn that displaced fresh work woke nobody");
    }
}
