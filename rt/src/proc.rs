//! The scheduler: Ps and the loop that runs Gs. Go: runtime/proc.go (schedule,
//! findRunnable, execute, newproc, park_m, gosched_m, goexit0). Ms and their
//! start/stop/wake live in `m.rs`, resizing in `procresize.rs`, wiring in
//! `lockosthread.rs`, the thread-local current M/G in `tls.rs`.
//!
//! Model (as Go's G-M-P):
//! - a **P** is the right to run Go code: a local run queue (`runq.rs`), a schedule tick, a
//!   cache of free Gs. There are `gomaxprocs` of them (at most `MAX_PROCS`).
//! - an **M** is an OS thread. It holds at most one P; while it has one it runs Gs on their
//!   own stacks and comes back to its native stack ("g0") between two Gs. An M with nothing to
//!   do first *spins* (looks for work to steal), then gives its P back and sleeps on its note.
//! - a **G** (`g.rs`) is a goroutine.
//!
//! Every switch goes G → g0 → G: a G that parks, yields or exits records what it wants in
//! `M::after` and switches to g0, which does it once the G's registers are saved. That
//! order is the heart of the park/ready handshake: the unlock callback of `gopark` runs only
//! after the G is fully off its stack, so a waker that finds the G through that lock can
//! never run it twice or while it is still running (model: `tests/loom_park.rs`).
//!
//! Lost-wakeup rule (Go's): a producer makes a G runnable and *then* calls `wakep`, which
//! starts an M only if there is an idle P and no spinning M; an M gives its P back and stops
//! spinning *before* its last look at every queue. Both sides use SeqCst so at least one
//! sees the other.
//!
//! Lock order: `Sched::lock` is a leaf except that `startm` wakes an M's note after
//! releasing it.

use crate::arch;
use crate::g::{G, G_DEAD, G_RUNNABLE, G_RUNNING, GRef};
use crate::gfree;
use crate::loom::atomic::{
    AtomicBool, AtomicIsize, AtomicPtr, AtomicU64, AtomicUsize, Ordering, fence,
};
use crate::loom::{Mutex, MutexGuard, StdArc as Arc};
use crate::m::M;
use crate::panic::{PanicMode, throw};
use crate::runq::{GlobalQ, LocalQ};
use crate::tls::{getm, setg};
use core::cell::{Cell, UnsafeCell};
use core::ptr;
use std::any::Any;

/// Most Ps a runtime can have (Go: _MaxGomaxprocs is larger; 256 is plenty for 2 cores).
pub(crate) const MAX_PROCS: usize = 256;
/// Every this many schedule ticks the global queue is checked first (Go: 61).
const GLOBAL_TICK: u32 = 61;

/// A processor: the right, and the local state, to run goroutines. Go: runtime.p.
pub(crate) struct P {
    pub(crate) id: usize,
    pub(crate) runq: LocalQ,
    /// Held by an M (or being retired); Ps ≥ gomaxprocs are retired when released.
    pub(crate) held: AtomicBool,
    /// Owner only: schedule tick, free Gs, goid cache.
    pub(crate) schedtick: UnsafeCell<u32>,
    pub(crate) gfree: UnsafeCell<Vec<GRef>>,
    pub(crate) goidcache: UnsafeCell<(u64, u64)>,
}

// SAFETY: the UnsafeCell fields are touched only by the M holding the P (`held` and the
// sched lock hand a P from one M to another with acquire/release ordering).
unsafe impl Sync for P {}

/// What a G asked g0 to do when it switched away. Go: the function passed to mcall.
#[derive(Clone, Copy)]
pub(crate) enum After {
    None,
    /// Go: gosched_m — back to a run queue.
    Gosched,
    /// Go: park_m — call `unlock(data, gp)`; if it says false, resume the G at once.
    Park {
        data: *mut (),
        unlock: unsafe fn(*mut (), GRef) -> bool,
    },
    /// Go: goexit0 — the G is finished.
    Exit,
}

/// State guarded by `Sched::lock`.
pub(crate) struct Locked {
    pub(crate) pidle: Vec<usize>,
    pub(crate) midle: Vec<Arc<M>>,
    /// Ms sleeping until their wired G is runnable (for shutdown to wake).
    pub(crate) mlocked: Vec<Arc<M>>,
    pub(crate) threads: Vec<std::thread::JoinHandle<()>>,
}

/// One runtime: its Ps, queues, idle lists. Go: runtime.schedt plus allp.
pub(crate) struct Sched {
    pub(crate) ps: Box<[P]>,
    pub(crate) gomaxprocs: AtomicUsize,
    pub(crate) global: GlobalQ,
    pub(crate) lock: Mutex<Locked>,
    pub(crate) npidle: AtomicUsize,
    pub(crate) nmspinning: AtomicUsize,
    /// Live goroutines (Go: gcount).
    pub(crate) ngoroutine: AtomicIsize,
    pub(crate) goidgen: AtomicU64,
    pub(crate) shutdown: AtomicBool,
    /// Set while `run` unwinds leftover goroutines on its own thread.
    pub(crate) killing: AtomicBool,
    pub(crate) mode: PanicMode,
    pub(crate) main_g: AtomicPtr<G>,
    /// The main goroutine called `goexit`: the runtime ends when the last G does.
    pub(crate) main_goexited: AtomicBool,
    /// Goroutine 1 has finished (normally, by panic, goexit or unwinding).
    pub(crate) main_done: AtomicBool,
    /// First unrecovered panic, for `PanicMode::Propagate`.
    pub(crate) panicked: Mutex<Option<Box<dyn Any + Send>>>,
    pub(crate) mnext: AtomicU64,
}

// ---- Sched ------------------------------------------------------------------------------

impl Sched {
    pub(crate) fn new(mode: PanicMode, nprocs: usize) -> Arc<Sched> {
        crate::signal::install();
        crate::panic::install_hook();
        let nprocs = nprocs.clamp(1, MAX_PROCS);
        let ps: Box<[P]> = (0..MAX_PROCS)
            .map(|id| P {
                id,
                runq: LocalQ::new(),
                held: AtomicBool::new(false),
                schedtick: UnsafeCell::new(0),
                gfree: UnsafeCell::new(Vec::new()),
                goidcache: UnsafeCell::new((0, 0)),
            })
            .collect();
        Arc::new(Sched {
            ps,
            gomaxprocs: AtomicUsize::new(nprocs),
            global: GlobalQ::new(),
            lock: Mutex::new(Locked {
                pidle: (0..nprocs).rev().collect(),
                midle: Vec::new(),
                mlocked: Vec::new(),
                threads: Vec::new(),
            }),
            npidle: AtomicUsize::new(nprocs),
            nmspinning: AtomicUsize::new(0),
            ngoroutine: AtomicIsize::new(0),
            goidgen: AtomicU64::new(0),
            shutdown: AtomicBool::new(false),
            killing: AtomicBool::new(false),
            mode,
            main_g: AtomicPtr::new(ptr::null_mut()),
            main_goexited: AtomicBool::new(false),
            main_done: AtomicBool::new(false),
            panicked: Mutex::new(None),
            mnext: AtomicU64::new(0),
        })
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Locked> {
        self.lock.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn gomaxprocs(&self) -> usize {
        self.gomaxprocs.load(Ordering::SeqCst)
    }

    pub(crate) fn pidleget(&self, l: &mut Locked) -> Option<&P> {
        let id = l.pidle.pop()?;
        self.npidle.fetch_sub(1, Ordering::SeqCst);
        let p = &self.ps[id];
        p.held.store(true, Ordering::SeqCst);
        Some(p)
    }

    pub(crate) fn pidleput(&self, l: &mut Locked, p: &P) {
        p.held.store(false, Ordering::SeqCst);
        if p.id < self.gomaxprocs() {
            l.pidle.push(p.id);
            self.npidle.fetch_add(1, Ordering::SeqCst);
        }
    }

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

    /// Creates a goroutine running `f` and makes it runnable. Go: newproc.
    pub(crate) fn newproc<F: FnOnce() + Send + 'static>(self: &Arc<Self>, f: F) -> GRef {
        let m = getm();
        // SAFETY: a non-null TLS M is live on this thread.
        let mine = (!m.is_null()
            && ptr::eq(Arc::as_ptr(unsafe { &(*m).sched }), Arc::as_ptr(self)))
        .then(|| {
            // SAFETY: as above; `p` is this thread's own P (null on a P-less M).
            unsafe { (*m).p.get().as_ref() }
        })
        .flatten();
        let gp = gfree::get(mine);
        let goid = self.next_goid(mine);
        // SAFETY: gp is fresh from the free list; `f` is 'static.
        unsafe { self.init_g(gp, goid, f) };
        match mine {
            // SAFETY: `p` is held by this thread's M.
            Some(p) => unsafe { p.runq.put(gp, true, &self.global) },
            None => self.global.put(gp),
        }
        self.wakep();
        gp
    }

    /// Prepares a G from the free list to run `f` as goroutine `goid` of this runtime.
    ///
    /// # Safety
    /// `gp` comes from the free list (so we own it), and whatever `f` borrows outlives the
    /// goroutine's run (see `FuncVal::set`).
    pub(crate) unsafe fn init_g<F: FnOnce() + Send>(self: &Arc<Self>, gp: GRef, goid: u64, f: F) {
        let stack = gp.stack.as_ref().expect("goroutine G without a stack");
        gp.goid.store(goid, Ordering::Relaxed);
        gp.killed.store(false, Ordering::Relaxed);
        gp.unwinding.store(false, Ordering::Relaxed);
        gp.lockedm.store(ptr::null_mut(), Ordering::Relaxed);
        gp.lockedext.store(0, Ordering::Relaxed);
        gp.lockedint.store(0, Ordering::Relaxed);
        gp.sched
            .store(Arc::as_ptr(self).cast_mut(), Ordering::Relaxed);
        // SAFETY: gp is fresh from the free list: we are its only owner (status idle/dead),
        // its entry slot is empty, and the caller vouches for `f`'s borrows.
        unsafe { gp.entry.set(f) };
        crate::asan::unpoison(stack.lo, stack.hi - stack.lo);
        // SAFETY: the stack is this G's own and unused; its top is page-aligned.
        unsafe { *gp.ctx.get() = arch::init_stack(stack.hi, gentry, gp.as_ptr() as usize) };
        self.ngoroutine.fetch_add(1, Ordering::Relaxed);
        gp.status.store(G_RUNNABLE, Ordering::Release);
    }

    /// Makes a parked G runnable on this runtime. Go: ready.
    pub(crate) fn ready(&self, gp: GRef) {
        let m = getm();
        // SAFETY: a non-null TLS M is live on this thread; its P is its own.
        let p = (!m.is_null() && ptr::eq(unsafe { Arc::as_ptr(&(*m).sched) }, self))
            .then(|| unsafe { (*m).p.get().as_ref() })
            .flatten();
        match p {
            // SAFETY: `p` is held by this thread's M.
            Some(p) => unsafe { p.runq.put(gp, true, &self.global) },
            None => self.global.put(gp),
        }
        self.wakep();
    }

    /// Moves every P's local queue to the global queue. Only when no M holds those Ps, or
    /// the caller is the only M left (shutdown).
    pub(crate) fn drain_all_local(&self) {
        for p in self.ps.iter() {
            // SAFETY: no other M runs (the caller's contract), so no one else uses the
            // workers; the caller's own P is drained by itself.
            unsafe { p.runq.drain_to(&self.global) };
        }
    }

    /// Skips `n` goroutine ids (goroutine 1 is numbered by `run` itself).
    pub(crate) fn bump_goidgen(&self, n: u64) {
        self.goidgen.fetch_add(n, Ordering::Relaxed);
    }

    /// Returns the Ps' cached free Gs to the global pool; called when the runtime ends.
    pub(crate) fn release(&self) {
        for p in self.ps.iter() {
            // SAFETY: the runtime has ended: no M holds any P.
            let local = unsafe { &mut *p.gfree.get() };
            gfree::put_global(local.drain(..));
        }
    }
}

// ---- M: the scheduler loop --------------------------------------------------------------

impl M {
    pub(crate) fn p(&self) -> &P {
        // SAFETY: called only while the M holds a P (checked by callers' control flow).
        unsafe { &*self.p.get() }
    }

    /// Go: schedule — find a G, run it, repeat.
    ///
    /// An M with a wired G (`lockedg`) runs nothing else: it sleeps until that G is
    /// runnable again and some M hands it a P (`lockosthread.rs`). A wired G found in a run
    /// queue is handed, with the finder's P, to its own M.
    pub(crate) fn schedule(&self, me: &Arc<M>) {
        loop {
            let lg = self.lockedg.get();
            if !lg.is_null() {
                if !self.stoplockedm(me) {
                    return;
                }
                // SAFETY: lockedg holds a pointer from GRef::as_ptr.
                self.execute(unsafe { GRef::from_ptr(lg) });
                continue;
            }
            let Some(gp) = self.find_runnable(me) else {
                return;
            };
            if self.spinning.load(Ordering::Relaxed) {
                self.resetspinning();
            }
            let lm = gp.lockedm.load(Ordering::Acquire);
            if !lm.is_null() && !ptr::eq(lm, self) {
                if !self.startlockedm(me, gp, lm) {
                    return;
                }
                continue;
            }
            self.execute(gp);
        }
    }

    /// Returns a runnable G, sleeping as long as there is none; `None` on shutdown.
    /// Go: findRunnable.
    fn find_runnable(&self, me: &Arc<M>) -> Option<GRef> {
        let s = &*self.sched;
        'top: loop {
            if s.shutdown.load(Ordering::SeqCst) {
                return None;
            }
            let p = self.p();
            let nprocs = s.gomaxprocs();
            if p.id >= nprocs {
                self.retire_p();
                if !self.stopm(me) {
                    return None;
                }
                continue 'top;
            }
            // SAFETY: we hold `p`; the tick and queues are ours.
            unsafe {
                let tick = &mut *p.schedtick.get();
                *tick = tick.wrapping_add(1);
                if tick.is_multiple_of(GLOBAL_TICK)
                    && s.global.len() > 0
                    && let Some(gp) = s.global.get_one()
                {
                    return Some(gp);
                }
                if let Some(gp) = p.runq.get() {
                    return Some(gp);
                }
                if let Some(gp) = p.runq.get_global(&s.global, nprocs) {
                    return Some(gp);
                }
            }
            // Steal, unless enough Ms already spin (Go: 2*nmspinning >= busy Ps).
            let spinning = self.spinning.load(Ordering::Relaxed);
            let busy = nprocs.saturating_sub(s.npidle.load(Ordering::SeqCst));
            if spinning || 2 * s.nmspinning.load(Ordering::SeqCst) < busy {
                if !spinning {
                    self.spinning.store(true, Ordering::Relaxed);
                    s.nmspinning.fetch_add(1, Ordering::SeqCst);
                }
                if let Some(gp) = self.steal_work(p, nprocs) {
                    return Some(gp);
                }
            }
            // Nothing: give the P back, stop spinning, then look once more.
            {
                let mut l = s.lock();
                if s.shutdown.load(Ordering::SeqCst) {
                    return None;
                }
                if s.global.len() > 0 {
                    drop(l);
                    // SAFETY: we still hold `p`.
                    if let Some(gp) = unsafe { p.runq.get_global(&s.global, nprocs) } {
                        return Some(gp);
                    }
                    continue 'top;
                }
                s.pidleput(&mut l, p);
                self.p.set(ptr::null());
            }
            if self.spinning.swap(false, Ordering::Relaxed) {
                s.nmspinning.fetch_sub(1, Ordering::SeqCst);
            }
            fence(Ordering::SeqCst);
            let work = s.global.len() > 0 || s.ps[..nprocs].iter().any(|p| !p.runq.is_empty());
            if work {
                let mut l = s.lock();
                if let Some(p) = s.pidleget(&mut l) {
                    drop(l);
                    self.p.set(p);
                    self.spinning.store(true, Ordering::Relaxed);
                    s.nmspinning.fetch_add(1, Ordering::SeqCst);
                    continue 'top;
                }
            }
            if !self.stopm(me) {
                return None;
            }
        }
    }

    /// Tries to steal from the other Ps, in random order, four rounds; the last round may take
    /// a victim's runnext. Go: stealWork.
    fn steal_work(&self, p: &P, nprocs: usize) -> Option<GRef> {
        let s = &*self.sched;
        for round in 0..4 {
            let start = fastrand(nprocs);
            for i in 0..nprocs {
                let victim = &s.ps[(start + i) % nprocs];
                if victim.id == p.id || victim.runq.is_empty() {
                    continue;
                }
                let running = victim.held.load(Ordering::Relaxed);
                // SAFETY: we hold `p`.
                if let Some(gp) = unsafe { p.runq.steal_from(&victim.runq, round == 3, running) } {
                    return Some(gp);
                }
            }
        }
        None
    }

    /// Runs `gp` until it switches back, then does what it asked. Go: execute + the mcall
    /// targets (park_m, gosched_m, goexit0).
    pub(crate) fn execute(&self, gp: GRef) {
        loop {
            gp.status.store(G_RUNNING, Ordering::Release);
            setg(gp.as_ptr());
            #[cfg(goro_asan)]
            {
                let st = gp.stack.as_ref().map_or((0, 0), |s| (s.lo, s.hi - s.lo));
                let mut g0 = self.asan_g0.get();
                crate::asan::start_switch(&mut g0.0, st.0, st.1);
                self.asan_g0.set(g0);
            }
            // SAFETY: gp was taken from a run queue (or just failed to park), so this M owns
            // it; its context was saved by `switch` or made by `init_stack`; g0 is ours.
            unsafe { arch::switch(self.g0.get(), gp.ctx.get()) };
            #[cfg(goro_asan)]
            crate::asan::finish_switch(self.asan_g0.get().0);
            setg(ptr::null_mut());
            match self.after.replace(After::None) {
                After::None => throw("execute: G switched to g0 without a reason"),
                After::Gosched => {
                    gp.status.store(G_RUNNABLE, Ordering::Release);
                    let p = self.p();
                    // SAFETY: we hold `p`.
                    unsafe { p.runq.put(gp, false, &self.sched.global) };
                    return;
                }
                After::Park { data, unlock } => {
                    // SAFETY: `data`/`unlock` were built by `gopark` for exactly this call,
                    // and gp's frame holding `data` is frozen until it is resumed.
                    if crate::park::park_commit(gp, |gp| unsafe { unlock(data, gp) }) {
                        return;
                    }
                    // Go: park_m's "unlockf returned false": resume at once.
                }
                After::Exit => {
                    self.goexit0(gp);
                    return;
                }
            }
        }
    }

    /// Bookkeeping after a G's body returned. Go: goexit0.
    fn goexit0(&self, gp: GRef) {
        crate::lockosthread::unwire_at_exit(self, gp);
        self.retire_dead(gp);
    }

    /// Marks `gp` dead, returns it to the free pool and ends the runtime if it was the last
    /// one that mattered.
    pub(crate) fn retire_dead(&self, gp: GRef) {
        let s = &*self.sched;
        let is_main = ptr::eq(s.main_g.load(Ordering::Relaxed), gp.as_ptr());
        gp.status.store(G_DEAD, Ordering::Release);
        gp.sched.store(ptr::null_mut(), Ordering::Relaxed);
        gfree::put(self.p.get_ref(), gp);
        if is_main {
            s.main_done.store(true, Ordering::SeqCst);
        }
        let left = s.ngoroutine.fetch_sub(1, Ordering::SeqCst) - 1;
        if (is_main && !s.main_goexited.load(Ordering::SeqCst))
            || (left == 0 && s.main_goexited.load(Ordering::SeqCst))
        {
            s.begin_shutdown();
        }
    }
}

trait CellPtrExt {
    fn get_ref(&self) -> Option<&P>;
}
impl CellPtrExt for Cell<*const P> {
    fn get_ref(&self) -> Option<&P> {
        // SAFETY: a non-null P pointer in an M is a P of its runtime that it holds.
        unsafe { self.get().as_ref() }
    }
}

/// Switches from the running G to its M's g0, asking for `after`. Returns when the G is
/// resumed — possibly on another thread. Go: mcall.
pub(crate) fn mcall(gp: GRef, after: After) {
    let m = getm();
    // SAFETY: a goroutine always runs on an M (TLS set by mstart/execute).
    let m = unsafe { &*m };
    m.after.set(after);
    #[cfg(goro_asan)]
    {
        let (_, g0_lo, g0_size) = m.asan_g0.get();
        let save = if matches!(after, After::Exit) {
            ptr::null_mut()
        } else {
            gp.asan_fake.get()
        };
        crate::asan::start_switch(save, g0_lo, g0_size);
    }
    // SAFETY: gp is the running G (owned by this M); g0's context was saved by `execute`'s
    // switch. gp is published (to queues or wakers) only after this switch completes.
    unsafe { arch::switch(gp.ctx.get(), m.g0.get()) };
    // Resumed, maybe on another M: learn that M's g0 stack for the next switch out.
    #[cfg(goro_asan)]
    // SAFETY: the running G owns its fake-stack slot.
    asan_arrived(unsafe { *gp.asan_fake.get() });
}

/// First thing a goroutine does on arriving on its stack (ASan builds): finish the switch
/// and remember the bounds of the g0 it came from.
#[cfg(goro_asan)]
#[inline(always)]
fn asan_arrived(fake: *mut core::ffi::c_void) {
    let (lo, size) = crate::asan::finish_switch(fake);
    let m = getm();
    if !m.is_null() {
        // SAFETY: a non-null TLS M is this thread's live M; the cell is its own.
        let m = unsafe { &*m };
        let (f, _, _) = m.asan_g0.get();
        m.asan_g0.set((f, lo, size));
    }
}

/// First function on every goroutine stack: runs the body, then exits. Go: goexit1.
unsafe extern "C" fn gentry(arg: usize) -> ! {
    // SAFETY: `init_g` passes the G's own pointer as the argument.
    let gp = unsafe { GRef::from_ptr(arg as *mut G) };
    #[cfg(goro_asan)]
    asan_arrived(ptr::null_mut());
    // SAFETY: the running G owns its entry.
    let body = std::panic::AssertUnwindSafe(|| unsafe { gp.entry.call() });
    if let Err(payload) = std::panic::catch_unwind(body) {
        crate::panic::unrecovered(gp, payload);
    }
    // SAFETY: the running G owns its panic record.
    unsafe { *gp.panic.get() = None };
    mcall(gp, After::Exit);
    throw("gentry: a dead goroutine was resumed")
}

/// Small xorshift RNG for steal order (Go: cheaprand).
pub(crate) fn fastrand(n: usize) -> usize {
    std::thread_local!(static STATE: Cell<u64> = const { Cell::new(0) });
    STATE.with(|s| {
        let mut x = s.get();
        if x == 0 {
            x = (s as *const _ as u64) | 1;
        }
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.set(x);
        (x % n.max(1) as u64) as usize
    })
}
