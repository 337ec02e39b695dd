//! The goroutine: `G`, its status and why it waits. Go: runtime.g (runtime2.go).
//!
//! Field ownership (H2):
//! - `status`, `waitreason`, `killed`, `goid`, `sched` are atomics anyone may read;
//!   `status` changes only by the transitions drawn below.
//! - `ctx`, `entry`, `panic` belong to whoever owns the G: the M running it (status running),
//!   the M that took it from a run queue (runnable), or the waker that won the
//!   waiting→runnable CAS in `goready`. Nobody else touches them.
//! - `stack` is fixed at creation; G structs are never freed (as in Go) but recycled through
//!   the free lists in `gfree`, so a `GRef` held by a stale sudog never dangles.
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
    /// Blocked in `WaitGroup::wait` or another semaphore acquire.
    SemAcquire,
    /// Blocked in `time::sleep`.
    Sleep,
    /// Blocked on network I/O.
    IoWait,
    /// Blocked in `JoinHandle::join` (goro's own; Go has no join).
    Join,
    /// Parked by a test or benchmark helper.
    Preempted,
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
            WaitReason::SemAcquire => "semacquire",
            WaitReason::Sleep => "sleep",
            WaitReason::IoWait => "IO wait",
            WaitReason::Join => "join",
            WaitReason::Preempted => "preempted",
        }
    }

    /// Decodes `reason as u8`, for a G's stored wait reason.
    pub fn from_u8(v: u8) -> WaitReason {
        const ALL: [WaitReason; 16] = [
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
            WaitReason::SemAcquire,
            WaitReason::Sleep,
            WaitReason::IoWait,
            WaitReason::Join,
            WaitReason::Preempted,
        ];
        ALL.get(v as usize).copied().unwrap_or(WaitReason::Zero)
    }
}

/// A goroutine, or the stand-in G of a plain OS thread that blocks on a goro primitive.
/// Opaque outside goro-rt: reach it through a [`GRef`]. Go: runtime.g.
pub struct G {
    pub(crate) goid: AtomicU64,
    pub(crate) status: AtomicU32,
    pub(crate) waitreason: AtomicU8,
    /// Set when the runtime that owns this G shuts down: the G unwinds at its next resume.
    pub(crate) killed: AtomicBool,
    /// The kill unwind has started (so a second resume does not start another).
    pub(crate) unwinding: AtomicBool,
    /// The M this G is wired to (`lock_os_thread`, or parked while unwinding); null if none.
    pub(crate) lockedm: AtomicPtr<crate::m::M>,
    /// `lock_os_thread` nesting (Go: lockedExt) and the runtime's own wiring (Go: lockedInt).
    pub(crate) lockedext: AtomicU32,
    pub(crate) lockedint: AtomicU32,
    /// The runtime this G belongs to while it is alive (`*const Sched`).
    pub(crate) sched: AtomicPtr<crate::proc::Sched>,
    /// Saved registers while not running (owner only).
    pub(crate) ctx: UnsafeCell<Context>,
    /// The body, until the G first runs (owner only).
    pub(crate) entry: crate::funcval::FuncVal,
    /// Message and backtrace of a panic in flight, recorded by the panic hook (owner only).
    pub(crate) panic: UnsafeCell<Option<crate::panic::PanicRecord>>,
    /// `None` for a thread G.
    pub(crate) stack: Option<Stack>,
    /// ASan's fake stack of this goroutine while it is switched out (`asan.rs`).
    #[cfg(goro_asan)]
    pub(crate) asan_fake: UnsafeCell<*mut core::ffi::c_void>,
    /// Where a thread G sleeps while waiting (unused by goroutines).
    pub(crate) note: Note,
}

impl G {
    pub(crate) fn new(stack: Option<Stack>) -> G {
        G {
            goid: AtomicU64::new(0),
            status: AtomicU32::new(if stack.is_some() { G_IDLE } else { G_RUNNING }),
            waitreason: AtomicU8::new(0),
            killed: AtomicBool::new(false),
            unwinding: AtomicBool::new(false),
            lockedm: AtomicPtr::new(core::ptr::null_mut()),
            lockedext: AtomicU32::new(0),
            lockedint: AtomicU32::new(0),
            sched: AtomicPtr::new(core::ptr::null_mut()),
            ctx: UnsafeCell::new(Context::default()),
            entry: crate::funcval::FuncVal::new(),
            panic: UnsafeCell::new(None),
            stack,
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
}

/// A reference to a G: what sudogs and run queues hold. `Copy`, and valid forever, since G
/// structs are recycled, never freed.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct GRef(NonNull<G>);

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
    /// Leaks a new G; G structs live for the rest of the process (Go: malg + allgadd).
    pub(crate) fn alloc(stack: Option<Stack>) -> GRef {
        GRef(NonNull::from(Box::leak(Box::new(G::new(stack)))))
    }

    pub(crate) fn as_ptr(self) -> *mut G {
        self.0.as_ptr()
    }

    /// # Safety
    /// `p` must come from `GRef::as_ptr`.
    pub(crate) unsafe fn from_ptr(p: *mut G) -> GRef {
        // SAFETY: the caller passes a pointer made by `as_ptr`, never null.
        GRef(unsafe { NonNull::new_unchecked(p) })
    }

    /// This goroutine's id (Go's goid).
    pub fn goid(self) -> u64 {
        self.g().goid()
    }

    pub(crate) fn g(&self) -> &'static G {
        // SAFETY: G structs are leaked at allocation and never freed.
        unsafe { &*self.0.as_ptr() }
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
