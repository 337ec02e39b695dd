//! The goroutine: `G`, its status and why it waits. Go: runtime.g (runtime2.go).
//!
//! Field ownership (H2):
//! - `atomicstatus`, `waitreason`, `killed`, `goid`, `sched`, `m` are atomics anyone may
//!   read; the status changes only by the transitions drawn below. The owner makes every
//!   transition but one: waiting → runnable is a CAS by whoever wakes the G.
//! - the status word also counts wake-ups (its *generation*): every waiting → runnable CAS
//!   bumps it. A waker names the park it means by the generation it saw ([`GRef`] tokens
//!   from `getg`), so a late wake-up for a park that already ended (its G woken by its
//!   runtime's shutdown, or dead and recycled) fails its CAS and does nothing.
//! - `m` is the G's home: the M it first ran on and the only one it ever runs on (set by
//!   that M in `execute`, cleared when the G exits; see `proc.rs`).
//! - `ctx`, `entry`, `panic` belong to whoever owns the G: the M running it (status running),
//!   the M that took it from a run queue (runnable), or the waker that won the
//!   waiting→runnable CAS in `goready`. Nobody else touches them.
//! - `stack` is fixed at creation; G structs are never freed (as in Go) but recycled through
//!   the free lists in `gfree`, so a `GRef` held by a stale sudog never dangles. A
//!   goroutine's G lives in the G table beside its stack slot (`GRef::alloc_for_slot`), a
//!   thread G on the heap.
//!
//! ```text
//!  idle ──newproc──▶ runnable ──execute──▶ running ──gopark──▶ waiting
//!                       ▲  ▲                 │  │                 │
//!                       │  └────gosched──────┘  └──exit──▶ dead   │
//!                       └──────────────goready────────────────────┘
//! ```

use crate::arch::Context;
use crate::loom::atomic::{AtomicBool, AtomicPtr, AtomicU8, AtomicU32, AtomicU64, Ordering};
use crate::note::Note;
use crate::stack::Stack;
use core::cell::UnsafeCell;
use core::ptr::NonNull;

/// Status values, numbered as Go's `_Gidle` … `_Gdead`.
#[allow(
    dead_code,
    reason = "named for the state diagram; a recycled G is `dead`, not idle"
)]
pub(crate) const G_IDLE: u32 = 0;
pub(crate) const G_RUNNABLE: u32 = 1;
pub(crate) const G_RUNNING: u32 = 2;
pub(crate) const G_WAITING: u32 = 4;
pub(crate) const G_DEAD: u32 = 6;

/// Why a G is parked, shown as in `goroutine 7 [chan receive]:`. Go: runtime.waitReason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
#[non_exhaustive]
pub enum WaitReason {
    /// Not waiting.
    Zero,
    /// Blocked in a channel receive.
    ChanReceive,
    /// Blocked in a channel send.
    ChanSend,
    /// Blocked in a receive from a nil channel.
    ChanReceiveNilChan,
    /// Blocked in a send to a nil channel.
    ChanSendNilChan,
    /// Blocked in `select!`.
    Select,
    /// Blocked in `select! {}` forever.
    SelectNoCases,
    /// Blocked in `Mutex::lock`.
    SyncMutexLock,
    /// Blocked in `RWMutex::read`.
    SyncRWMutexRLock,
    /// Blocked in `RWMutex::write`.
    SyncRWMutexLock,
    /// Blocked in `Cond::wait`.
    SyncCondWait,
    /// Blocked in `WaitGroup::wait`.
    SyncWaitGroupWait,
    /// Blocked in a semaphore acquire (`sync::Semaphore::acquire`).
    SemAcquire,
    /// Blocked in `time::sleep`.
    Sleep,
    /// Blocked on network I/O.
    IoWait,
    /// Blocked in `JoinHandle::join` (goro's own; Go has no join).
    Join,
    /// Parked by a test or benchmark helper.
    Preempted,
    /// Waiting for a blocking call run by `runtime::syscall` on a pool thread.
    Syscall,
    /// An allocation waiting for the collector to finish its cycle (the heap outgrew its
    /// goal twice over).
    GcAssistWait,
    /// In `runtime::gc`, waiting for a full cycle.
    GcWaitForCycle,
}

impl WaitReason {
    /// Go's text for this reason.
    pub const fn as_str(self) -> &'static str {
        match self {
            WaitReason::Zero => "",
            WaitReason::ChanReceive => "chan receive",
            WaitReason::ChanSend => "chan send",
            WaitReason::ChanReceiveNilChan => "chan receive (nil chan)",
            WaitReason::ChanSendNilChan => "chan send (nil chan)",
            WaitReason::Select => "select",
            WaitReason::SelectNoCases => "select (no cases)",
            WaitReason::SyncMutexLock => "sync.Mutex.Lock",
            WaitReason::SyncRWMutexRLock => "sync.RWMutex.RLock",
            WaitReason::SyncRWMutexLock => "sync.RWMutex.Lock",
            WaitReason::SyncCondWait => "sync.Cond.Wait",
            WaitReason::SyncWaitGroupWait => "sync.WaitGroup.Wait",
            WaitReason::SemAcquire => "semacquire",
            WaitReason::Sleep => "sleep",
            WaitReason::IoWait => "IO wait",
            WaitReason::Join => "join",
            WaitReason::Preempted => "preempted",
            WaitReason::Syscall => "syscall",
            WaitReason::GcAssistWait => "GC assist wait",
            WaitReason::GcWaitForCycle => "wait for GC cycle",
        }
    }

    /// Decodes `reason as u8`, for a G's stored wait reason.
    pub fn from_u8(v: u8) -> WaitReason {
        const ALL: [WaitReason; 20] = [
            WaitReason::Zero,
            WaitReason::ChanReceive,
            WaitReason::ChanSend,
            WaitReason::ChanReceiveNilChan,
            WaitReason::ChanSendNilChan,
            WaitReason::Select,
            WaitReason::SelectNoCases,
            WaitReason::SyncMutexLock,
            WaitReason::SyncRWMutexRLock,
            WaitReason::SyncRWMutexLock,
            WaitReason::SyncCondWait,
            WaitReason::SyncWaitGroupWait,
            WaitReason::SemAcquire,
            WaitReason::Sleep,
            WaitReason::IoWait,
            WaitReason::Join,
            WaitReason::Preempted,
            WaitReason::Syscall,
            WaitReason::GcAssistWait,
            WaitReason::GcWaitForCycle,
        ];
        ALL.get(v as usize).copied().unwrap_or(WaitReason::Zero)
    }
}

/// A goroutine, or the stand-in G of a plain OS thread that blocks on a goro primitive.
/// Opaque outside goro-rt: reach it through a [`GRef`]. Go: runtime.g.
#[repr(C)]
pub struct G {
    // Laid out by who writes what (`repr(C)`): a spawn writes the first three cache lines
    // (`SPAWN_LINES`) and the thread that ran the G's previous goroutine wrote them last,
    // often on another CPU, so each is a cache-line transfer per spawn; the rest (defer
    // state, panic record, swap links) stays with the thread that runs the goroutine.
    // Line 0: status and identity.
    /// Status in the low `STATUS_BITS` bits, wake generation above (see the header).
    atomicstatus: AtomicU64,
    pub(crate) goid: AtomicU64,
    /// The G's home M: the M it first ran on, and the only one it runs on until it exits.
    /// Null while the G has not run yet (and after it exits).
    pub(crate) m: AtomicPtr<crate::m::M>,
    /// The runtime this G belongs to while it is alive (`*const Sched`).
    pub(crate) sched: AtomicPtr<crate::proc::Sched>,
    /// Saved registers while not running (owner only).
    pub(crate) ctx: UnsafeCell<Context>,
    /// Where the goroutine was created (`go!`/`spawn`'s caller; null for goroutine 1) and
    /// by which goroutine (0: a plain thread), for dumps' `created by`. Go: g.gopc,
    /// g.parentGoid.
    pub(crate) created: AtomicPtr<core::panic::Location<'static>>,
    pub(crate) parent: AtomicU64,
    /// Position in its P's FIFO order while queued (`runq.rs`); written by the queuer.
    pub(crate) qstamp: AtomicU64,
    // Line 1: the stack and the flags a spawn resets.
    /// `None` for a thread G.
    pub(crate) stack: Option<Stack>,
    /// `lock_os_thread` nesting (Go: lockedExt) and the runtime's own wiring (Go: lockedInt).
    pub(crate) lockedext: AtomicU32,
    pub(crate) lockedint: AtomicU32,
    pub(crate) waitreason: AtomicU8,
    /// Set when the runtime that owns this G shuts down: the G unwinds at its next resume.
    pub(crate) killed: AtomicBool,
    /// sysmon asks the G to yield at its next scheduling point (`sysmon.rs`). Go: g.preempt.
    pub(crate) preempt: AtomicBool,
    /// The kill unwind has started (so a second resume does not start another).
    pub(crate) unwinding: AtomicBool,
    /// Its home M was chosen at its spawn (`Sched::spread_target`) and it has not run yet:
    /// set before `m` is published, cleared by the home M when it first runs the G.
    pub(crate) prehomed: AtomicBool,
    /// Link in an M's home queue (`homeq.rs`); guarded by that queue's lock.
    pub(crate) schedlink: AtomicPtr<G>,
    /// About when the park of wake generation `waitgen` began (`time::nanotime`), for the
    /// `, N minutes` of dumps. Stamped by sysmon, which sees each park within a second or
    /// so, so parking costs nothing (Go stamps lazily too, at GC). Go: g.waitsince.
    pub(crate) waitsince: AtomicU64,
    pub(crate) waitgen: AtomicU64,
    // Line 2 (and on, for a closure of more than 32 bytes): the body.
    /// The body, until the G first runs (owner only).
    pub(crate) entry: crate::funcval::FuncVal,
    /// Where a thread G sleeps while waiting (unused by goroutines).
    pub(crate) note: Note,
    /// Frames, panics and running deferred calls of `defer.rs` (owner only).
    pub(crate) defers: UnsafeCell<crate::defer::State>,
    /// Message and backtrace of a panic in flight, recorded by the panic hook (owner only).
    /// Boxed: it is rare, and 72 bytes inline would cost every G a cache line.
    pub(crate) panic: UnsafeCell<Option<Box<crate::panic::PanicRecord>>>,
    /// Whether the stack is swapped out, and the IO-wait queue links (`shrinkstack.rs`).
    pub(crate) swap: crate::shrinkstack::Swap,
    /// ASan's fake stack of this goroutine while it is switched out (`asan.rs`).
    #[cfg(goro_asan)]
    pub(crate) asan_fake: UnsafeCell<*mut core::ffi::c_void>,
}

/// The cache lines of a G that a spawn writes (see the layout above).
pub(crate) const SPAWN_LINES: usize = 3;

impl G {
    pub(crate) fn new(stack: Option<Stack>) -> G {
        G {
            goid: AtomicU64::new(0),
            atomicstatus: AtomicU64::new(if stack.is_some() { G_DEAD } else { G_RUNNING } as u64),
            waitreason: AtomicU8::new(0),
            killed: AtomicBool::new(false),
            preempt: AtomicBool::new(false),
            unwinding: AtomicBool::new(false),
            prehomed: AtomicBool::new(false),
            waitsince: AtomicU64::new(0),
            waitgen: AtomicU64::new(0),
            created: AtomicPtr::new(core::ptr::null_mut()),
            parent: AtomicU64::new(0),
            m: AtomicPtr::new(core::ptr::null_mut()),
            schedlink: AtomicPtr::new(core::ptr::null_mut()),
            qstamp: AtomicU64::new(0),
            lockedext: AtomicU32::new(0),
            lockedint: AtomicU32::new(0),
            sched: AtomicPtr::new(core::ptr::null_mut()),
            ctx: UnsafeCell::new(Context::default()),
            entry: crate::funcval::FuncVal::new(),
            panic: UnsafeCell::new(None),
            defers: UnsafeCell::new(crate::defer::State::default()),
            stack,
            swap: crate::shrinkstack::Swap::new(),
            #[cfg(goro_asan)]
            asan_fake: UnsafeCell::new(core::ptr::null_mut()),
            note: Note::new(),
        }
    }

    pub(crate) fn is_thread(&self) -> bool {
        self.stack.is_none()
    }

    pub(crate) fn goid(&self) -> u64 {
        self.goid.load(Ordering::Relaxed)
    }

    /// The status (`G_*`).
    pub(crate) fn status(&self) -> u32 {
        (self.atomicstatus.load(Ordering::Acquire) & STATUS_MASK) as u32
    }

    /// The wake generation: how many times this G has been woken from a park.
    pub(crate) fn wakegen(&self) -> u64 {
        self.atomicstatus.load(Ordering::Acquire) >> STATUS_BITS
    }

    /// An owner's transition to `status`, keeping the generation. Only the G's owner calls
    /// this, and never while the G is waiting (the one state a waker may change).
    pub(crate) fn set_status(&self, status: u32, order: Ordering) {
        let w = self.atomicstatus.load(Ordering::Relaxed);
        self.atomicstatus
            .store((w & !STATUS_MASK) | status as u64, order);
    }

    /// Waiting → runnable for the park of generation `wgen`; true if this call won (its
    /// caller now owns the G and must queue it). Go: the casgstatus in ready.
    pub(crate) fn cas_ready(&self, wgen: u64) -> bool {
        self.atomicstatus
            .compare_exchange(
                (wgen << STATUS_BITS) | G_WAITING as u64,
                ((wgen + 1) << STATUS_BITS) | G_RUNNABLE as u64,
                Ordering::AcqRel,
                Ordering::Acquire,
            )
            .is_ok()
    }

    /// Waiting → runnable for whichever park the G is in (the shutdown's killer).
    pub(crate) fn cas_ready_any(&self) -> bool {
        // SeqCst: the runtime's end reads a G's status after setting `killing`, a parking G
        // stores it before reading `killing`, and one of the two must see the other
        // (`park::park_m`).
        let w = self.atomicstatus.load(Ordering::SeqCst);
        (w & STATUS_MASK) == G_WAITING as u64 && self.cas_ready(w >> STATUS_BITS)
    }

    /// A park cancelled by its unlock callback: waiting → running, unless a shutdown's
    /// killer readied the G meanwhile (then it is queued, and this returns false).
    pub(crate) fn cas_unpark(&self) -> bool {
        let w = self.atomicstatus.load(Ordering::Acquire);
        (w & STATUS_MASK) == G_WAITING as u64
            && self
                .atomicstatus
                .compare_exchange(
                    w,
                    (w & !STATUS_MASK) | G_RUNNING as u64,
                    Ordering::AcqRel,
                    Ordering::Acquire,
                )
                .is_ok()
    }
}

/// Bytes per entry of a G table (`stack.rs`): whole cache lines, so two Gs readied by
/// different threads share none.
pub(crate) const G_STRIDE: usize = size_of::<G>().next_multiple_of(64);
const _: () = assert!(G_STRIDE.is_multiple_of(core::mem::align_of::<G>()));
// Every started goroutine holds its G (in rss_parked, a tenth of its memory beside its
// stack page): seven lines, with two frames of `defer.rs` inline. (loom's atomics are
// larger.)
#[cfg(not(goro_loom))]
const _: () = assert!(G_STRIDE <= 7 * 64, "a G grew past seven cache lines");

/// Bits of the status word that hold the status; the generation is above them.
const STATUS_BITS: u32 = 8;
const STATUS_MASK: u64 = (1 << STATUS_BITS) - 1;

/// A reference to a G: what sudogs and run queues hold. `Copy`, and valid forever, since G
/// structs are recycled, never freed.
///
/// A `GRef` from [`getg`](crate::park::getg) is also a *wake token*: it carries the G's wake
/// generation at that moment, so [`goready`](crate::park::goready) wakes only the park that
/// follows, never a later one. Equality and hashing look at the G only.
#[derive(Clone, Copy)]
pub struct GRef {
    ptr: NonNull<G>,
    wgen: u64,
}

impl PartialEq for GRef {
    fn eq(&self, other: &GRef) -> bool {
        self.ptr == other.ptr
    }
}
impl Eq for GRef {}
impl core::hash::Hash for GRef {
    fn hash<H: core::hash::Hasher>(&self, h: &mut H) {
        self.ptr.hash(h);
    }
}

// SAFETY: a G is shared between threads by design; every field is either atomic or owned
// by exactly one thread at a time by the status protocol in this file's header.
unsafe impl Send for GRef {}
// SAFETY: as for Send: shared access goes through atomics only.
unsafe impl Sync for GRef {}
// SAFETY: same argument as for `GRef`: the non-atomic fields are owner-only.
unsafe impl Sync for G {}
// SAFETY: same argument; the boxed entry is `Send`.
unsafe impl Send for G {}

impl GRef {
    /// A new goroutine G, in its slot's entry of the G table (`stack.rs`), owning the
    /// slot's stack. Like every G it lives for the rest of the process (slots and tables are
    /// never unmapped). Go: malg + allgadd.
    pub(crate) fn alloc_for_slot(slot: crate::stack::Slot) -> GRef {
        let g = slot.g.cast::<G>();
        assert!(g.is_aligned(), "misaligned G table entry");
        // SAFETY: `slot.g` is this slot's G table entry: `G_STRIDE` ≥ size_of::<G>()
        // writable bytes, aligned (checked), handed out once with its slot, so nobody else
        // uses it.
        unsafe { g.write(G::new(Some(slot.stack))) };
        GRef {
            // SAFETY: the entry lies in a mapping, so it is not null.
            ptr: unsafe { NonNull::new_unchecked(g) },
            wgen: 0,
        }
    }

    /// Leaks a new G; G structs live for the rest of the process (Go: malg + allgadd).
    pub(crate) fn alloc(stack: Option<Stack>) -> GRef {
        GRef {
            ptr: NonNull::from(Box::leak(Box::new(G::new(stack)))),
            wgen: 0,
        }
    }

    pub(crate) fn as_ptr(self) -> *mut G {
        self.ptr.as_ptr()
    }

    /// # Safety
    /// `p` must come from `GRef::as_ptr`.
    pub(crate) unsafe fn from_ptr(p: *mut G) -> GRef {
        GRef {
            // SAFETY: the caller passes a pointer made by `as_ptr`, never null.
            ptr: unsafe { NonNull::new_unchecked(p) },
            wgen: 0,
        }
    }

    /// This G as a wake token for its next park (its current generation).
    pub(crate) fn token(self) -> GRef {
        GRef {
            wgen: self.wakegen(),
            ..self
        }
    }

    /// The wake generation this token names.
    pub(crate) fn wgen(self) -> u64 {
        self.wgen
    }

    /// This goroutine's id (Go's goid).
    pub fn goid(self) -> u64 {
        self.g().goid()
    }

    pub(crate) fn g(&self) -> &'static G {
        // SAFETY: G structs are leaked at allocation and never freed.
        unsafe { &*self.ptr.as_ptr() }
    }
}

impl core::ops::Deref for GRef {
    type Target = G;
    fn deref(&self) -> &G {
        self.g()
    }
}

impl core::fmt::Debug for GRef {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "G{}", self.goid())
    }
}

#[cfg(all(test, not(goro_loom)))]
mod layout_tests {
    use super::{G, SPAWN_LINES};
    use core::mem::offset_of;

    /// What a spawn writes lies in the first `SPAWN_LINES` lines of the G (`newproc.rs`'s
    /// `init_g`, `gfree.rs`'s prefetch), for a closure of up to 32 bytes.
    #[test]
    fn the_fields_a_spawn_writes_lie_in_its_first_lines() {
        let end = SPAWN_LINES * 64;
        for (name, at, size) in [
            ("atomicstatus", offset_of!(G, atomicstatus), 8),
            ("goid", offset_of!(G, goid), 8),
            ("m", offset_of!(G, m), 8),
            ("sched", offset_of!(G, sched), 8),
            ("ctx", offset_of!(G, ctx), 8),
            ("created", offset_of!(G, created), 8),
            ("parent", offset_of!(G, parent), 8),
            ("qstamp", offset_of!(G, qstamp), 8),
            ("stack", offset_of!(G, stack), 24),
            ("killed", offset_of!(G, killed), 1),
            ("unwinding", offset_of!(G, unwinding), 1),
            ("lockedint", offset_of!(G, lockedint), 4),
            (
                "entry (fns, name, 32 bytes of closure)",
                offset_of!(G, entry),
                64,
            ),
        ] {
            assert!(
                at + size <= end,
                "{name} at {at}+{size} is past the spawn's lines"
            );
        }
        assert_eq!(offset_of!(G, entry) % 64, 0, "the body starts a line");
    }
}
