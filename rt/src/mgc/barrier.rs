//! The write barrier and the collector's handshakes with the mutators. Go: mbarrier.go
//! (the hybrid barrier) and forEachP (the ragged barrier at the mark phase's edges).
//!
//! # Root operations
//! A mutator changes the graph only by *root operations*: a root count moves (a handle is
//! cloned or dropped, or handles move into or out of GC memory: `alloc`, a cell's mutable
//! borrow beginning or ending). Each runs inside an [`Op`]: the thread's slot is odd for
//! its length, and the op reads its heap's phase after saying so (a `SeqCst` fence).
//!
//! # The barrier
//! While a heap marks, every root operation *shades* the objects whose counts it moves
//! (`shade`): marks them with the cycle's epoch and queues them grey for the collector.
//! That is Go's hybrid barrier for goro's roots: a handle dropped or overwritten (the
//! count falls: shade the old value) and a handle made or exposed (the count rises: shade
//! the new value). So every object reachable when marking began is marked (a path to it is
//! cut only by a root operation, which shades the cut end), and objects made since are not
//! swept this cycle (each is marked with the cycle's epoch as it is made, `heap.rs`).
//!
//! # Handshakes (`grace`)
//! The collector sets the phase, then waits until no thread is inside an op that began
//! before (each slot even, or changed). Dekker's pattern: the collector stores the phase
//! and fences, a mutator marks its slot and fences, so either the mutator reads the new
//! phase or the collector sees its op and waits for it to end. The fences are asymmetric
//! where Linux allows (`membarrier`, as RCU and folly's hazard pointers do): an op is
//! frequent and a handshake rare, so the mutator's is only a compiler fence and the
//! handshake makes every running thread of the process execute a full barrier
//! (`heavy_fence`), which is what the mutator's fence was for. Used after marking starts
//! (no op still believes the heap idle) and before it ends (no op is halfway through
//! shading). Nothing is stopped: a thread waits only for ops already running, which never
//! block (`Trace` may not).
//!
//! A thread's slot also holds its allocation counters (Go: the per-P mcache's stats), so
//! the allocation path touches no shared counter.

use crate::loom::atomic::{AtomicU64, Ordering, fence};
use std::cell::Cell;
use std::sync::atomic::AtomicU8;

/// One thread's state as the collector sees it. Never freed: a thread that ends returns
/// its slot for the next thread to reuse.
pub(crate) struct Slot {
    /// Odd while the thread is inside a root operation; counts up by one at each edge.
    active: AtomicU64,
    /// Taken by a live thread.
    taken: crate::loom::atomic::AtomicBool,
    /// Objects this thread allocated, and their bytes (Go: mcache local stats).
    pub(crate) mallocs: std::sync::atomic::AtomicU64,
    pub(crate) alloc_bytes: std::sync::atomic::AtomicU64,
    /// Which of a heap's shards this thread appends to (its own below `heap::OWNED`).
    pub(crate) index: usize,
}

/// Every slot ever made (leaked: a handful per thread count).
#[cfg(not(goro_loom))]
static SLOTS: std::sync::Mutex<Vec<&'static Slot>> = std::sync::Mutex::new(Vec::new());
// A model's execution starts afresh (its atomics belong to it).
#[cfg(goro_loom)]
loom::lazy_static! {
    static ref SLOTS: crate::loom::Mutex<Vec<&'static Slot>> = crate::loom::Mutex::new(Vec::new());
}

/// The calling thread's slot and how deep in nested ops it is.
struct Local {
    slot: &'static Slot,
    depth: Cell<u32>,
}

impl Drop for Local {
    fn drop(&mut self) {
        self.slot.taken.store(false, Ordering::Release);
    }
}

#[cfg(not(goro_loom))]
std::thread_local! {
    static LOCAL: Local = Local { slot: take_slot(), depth: Cell::new(0) };
}

#[cfg(goro_loom)]
loom::thread_local! {
    static LOCAL: Local = Local { slot: take_slot(), depth: Cell::new(0) };
}

/// A free slot, or a new one.
fn take_slot() -> &'static Slot {
    let mut all = SLOTS.lock().unwrap_or_else(|e| e.into_inner());
    for s in all.iter() {
        if s.taken
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
        {
            return s;
        }
    }
    let s: &'static Slot = Box::leak(Box::new(Slot {
        active: AtomicU64::new(0),
        taken: crate::loom::atomic::AtomicBool::new(true),
        mallocs: std::sync::atomic::AtomicU64::new(0),
        alloc_bytes: std::sync::atomic::AtomicU64::new(0),
        index: all.len(),
    }));
    all.push(s);
    s
}

/// Sums a counter over every slot (read_mem_stats).
#[cfg_attr(goro_loom, allow(dead_code, reason = "no MemStats in models"))]
pub(crate) fn sum(f: impl Fn(&Slot) -> u64) -> u64 {
    let all = SLOTS.lock().unwrap_or_else(|e| e.into_inner());
    all.iter().map(|s| f(s)).sum()
}

/// This thread's slot and its op depth before this op (counted), or `None` when the
/// thread's locals are gone.
#[inline]
fn enter_local() -> Option<(&'static Slot, u32)> {
    let f = |l: &Local| {
        let d = l.depth.get();
        l.depth.set(d + 1);
        (l.slot, d)
    };
    #[cfg(not(goro_loom))]
    return LOCAL.try_with(f).ok();
    #[cfg(goro_loom)]
    return Some(LOCAL.with(f));
}

/// Whether this thread is inside a root operation (or cannot tell: its locals are gone).
/// Such a thread must not wait for a handshake, which would wait for its own op.
pub(crate) fn in_op() -> bool {
    let f = |l: &Local| l.depth.get() != 0;
    #[cfg(not(goro_loom))]
    return LOCAL.try_with(f).unwrap_or(true);
    #[cfg(goro_loom)]
    return LOCAL.with(f);
}

/// Counts an op's end; whether it was the outermost.
#[inline]
fn leave_local() -> bool {
    let f = |l: &Local| {
        let d = l.depth.get() - 1;
        l.depth.set(d);
        d == 0
    };
    #[cfg(not(goro_loom))]
    return LOCAL.try_with(f).unwrap_or(true);
    #[cfg(goro_loom)]
    return LOCAL.with(f);
}

/// A root operation in progress on this thread (see the header); ends when dropped, also
/// while unwinding.
pub(crate) struct Op {
    slot: &'static Slot,
    /// The slot is borrowed for this op alone (a thread whose locals are gone).
    orphan: bool,
}

impl Op {
    /// Begins a root operation: after this, the heap's phase read by the caller is one the
    /// collector's handshake accounts for.
    #[inline]
    pub(crate) fn enter() -> Op {
        let op = match enter_local() {
            Some((slot, 0)) => {
                begin(slot);
                Op {
                    slot,
                    orphan: false,
                }
            }
            Some((slot, _)) => {
                // Nested (a walk inside an op): the outer op covers it.
                return Op {
                    slot,
                    orphan: false,
                };
            }
            None => {
                // This thread's locals are being destroyed (a handle dropped by another
                // thread-local's destructor): borrow a slot for the op.
                let slot = take_slot();
                begin(slot);
                Op { slot, orphan: true }
            }
        };
        light_fence();
        op
    }

    /// This thread's slot (allocation counters).
    #[inline]
    pub(crate) fn slot(&self) -> &'static Slot {
        self.slot
    }
}

#[inline]
fn begin(slot: &Slot) {
    let v = slot.active.load(Ordering::Relaxed);
    debug_assert!(v.is_multiple_of(2));
    // Release: a collector that reads this (the thread is in an op again) must also see
    // what the previous op did, as if it had read that op's end.
    slot.active.store(v + 1, Ordering::Release);
}

impl Drop for Op {
    #[inline]
    fn drop(&mut self) {
        if self.orphan {
            let v = self.slot.active.load(Ordering::Relaxed);
            self.slot.active.store(v + 1, Ordering::Release);
            self.slot.taken.store(false, Ordering::Release);
            return;
        }
        let last = leave_local();
        if last {
            // Release: whatever the op did is visible to a collector that sees it ended.
            let v = self.slot.active.load(Ordering::Relaxed);
            self.slot.active.store(v + 1, Ordering::Release);
        }
    }
}

/// Waits until every root operation that began before this call has ended (see the
/// header). The caller has just changed a heap's phase.
pub(crate) fn grace() {
    heavy_fence();
    let all: Vec<&'static Slot> = SLOTS.lock().unwrap_or_else(|e| e.into_inner()).clone();
    for s in all {
        let v = s.active.load(Ordering::Acquire);
        if v % 2 == 1 {
            let mut spins = 0u32;
            while s.active.load(Ordering::Acquire) == v {
                spins += 1;
                backoff(spins);
            }
        }
    }
}

/// `ASYMMETRIC`: not known yet (ops fence), `heavy_fence` uses `membarrier` (ops need only
/// a compiler fence), or it cannot (ops fence).
const UNKNOWN: u8 = 0;
const MEMBARRIER: u8 = 1;
const FENCES: u8 = 2;
/// Whether handshakes use `membarrier`; set once, by the first `heavy_fence`.
static ASYMMETRIC: AtomicU8 = AtomicU8::new(UNKNOWN);

/// The mutator's half of the handshake's Dekker pattern, after its slot turned odd and
/// before it reads the phase: a full fence, or a compiler fence once `heavy_fence` stands
/// for it. An op that read `MEMBARRIER` runs on a thread of this process, which every
/// later `heavy_fence` interrupts with a full barrier: either that barrier comes after the
/// slot's store, which the handshake then sees, or before the phase's load, which then
/// sees the new phase (the collector stored it before its `membarrier`). Models fence:
/// loom has no `membarrier`, and its fence is what `membarrier` puts on each thread.
#[inline(always)]
fn light_fence() {
    if cfg!(goro_loom) || ASYMMETRIC.load(Ordering::Relaxed) != MEMBARRIER {
        fence(Ordering::SeqCst);
    } else {
        std::sync::atomic::compiler_fence(Ordering::SeqCst);
    }
}

/// The handshake's half: a full fence, then (where registered) `membarrier`, a full barrier
/// on every running thread of the process (a thread not running passed one when it was
/// switched out). The first call registers: `ASYMMETRIC` turns `MEMBARRIER` only once that
/// succeeded, and every later call, including this one, then uses it (the registration is
/// in a `OnceLock`, which orders a later reader after it).
fn heavy_fence() {
    fence(Ordering::SeqCst);
    if cfg!(goro_loom) {
        return;
    }
    static REGISTERED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if *REGISTERED.get_or_init(register_membarrier) {
        // SAFETY: a system call with integer arguments only.
        let r =
            unsafe { libc::syscall(libc::SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) };
        if r != 0 {
            // Ops skip their fences from now on: a handshake without this barrier could
            // let the collector free what a mutator still uses.
            let e = std::io::Error::last_os_error();
            crate::panic::throw(&format!("gc: membarrier failed after registering: {e}"));
        }
    }
}

/// Linux's `membarrier` commands (linux/membarrier.h).
const MEMBARRIER_CMD_QUERY: libc::c_int = 0;
const MEMBARRIER_CMD_PRIVATE_EXPEDITED: libc::c_int = 1 << 3;
const MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED: libc::c_int = 1 << 4;

/// Registers the process for private expedited `membarrier` (Linux 4.14) and says whether
/// handshakes use it; sets `ASYMMETRIC` so.
fn register_membarrier() -> bool {
    // SAFETY: system calls with integer arguments only.
    let ok = unsafe {
        let cmds = libc::syscall(libc::SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
        cmds >= 0
            && cmds & libc::c_long::from(MEMBARRIER_CMD_PRIVATE_EXPEDITED) != 0
            && libc::syscall(
                libc::SYS_membarrier,
                MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED,
                0,
                0,
            ) == 0
    };
    ASYMMETRIC.store(if ok { MEMBARRIER } else { FENCES }, Ordering::Relaxed);
    ok
}

/// Waits a little in a spin loop: spins first, then lets other threads run (a thread
/// preempted inside an op, or reading a cell, needs its CPU).
pub(crate) fn backoff(spins: u32) {
    if cfg!(goro_loom) || spins >= 64 {
        crate::loom::thread::yield_now();
    } else {
        crate::loom::hint::spin_loop();
    }
}

#[cfg(all(test, not(goro_loom)))]
mod tests {
    use super::*;

    #[test]
    fn a_handshake_registers_membarrier_and_ops_stop_fencing() {
        grace();
        // Private expedited `membarrier` exists since Linux 4.14: without it every op
        // would still fence, correct but slower, so a machine where this fails should be
        // looked at.
        assert_eq!(
            ASYMMETRIC.load(Ordering::Relaxed),
            MEMBARRIER,
            "private expedited membarrier did not register"
        );
    }
}
