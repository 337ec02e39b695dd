//! A scope's heap: its objects, the collector, and pacing. Go: mgc.go, mgcmark.go,
//! mgcsweep.go, mgcpacer.go.
//!
//! # Roots without stack scanning
//! Every object counts the handles to it that live *outside* GC memory (`Header::roots`):
//! on goroutine stacks, in channel buffers, in `Vec`s. A handle stored inside a GC object
//! is *unrooted* (its count moved off the pointee) when the object is made (`alloc`) or when
//! a cell's mutable borrow ends, and *rooted* again while a cell exposes it mutably (it
//! may be moved out). So the roots of a collection are the objects whose count is not zero,
//! and everything else live is reachable from them through objects.
//!
//! # This version's collector: stop-the-heap, on the allocating goroutine
//! A collection holds `GC_LOCK` for writing; the operations that move handles between
//! roots and objects (`alloc`, a cell's mutable borrow beginning and ending) hold it for
//! reading, as do cloning and dropping a rooted handle (a root that moved from an object
//! the scan had not reached to one it had passed would be missed), so a collection sees a
//! consistent graph. A cell whose contents
//! are exposed (mutably borrowed) is not read by the collector: its handles are rooted for
//! exactly that time. Concurrent tri-colour marking with a write barrier is the next step;
//! the rooting rules above stay.
//!
//! Sweep runs after the pause, while goroutines go on (nothing can reach the dead), in two
//! passes, so a destructor never meets freed memory: first every dead object's value is
//! dropped (its handles are unrooted: dropping them touches nothing), then the memory is
//! freed. At the end of its scope a heap frees every object the same
//! way, exactly once.
//!
//! Pacing as Go's GOGC: a collection starts when the heap has grown to
//! `live × (1 + GOGC/100)` bytes since the last one (at least `MIN_HEAP`); `GOGC=off` or a
//! negative `runtime::set_gc_percent` turns that off; `runtime::gc()` collects every heap.

use super::trace::{Trace, TraceOp, Tracer};
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, RwLock};
use std::time::Instant;

/// Collections write-lock it; operations that root or unroot handles read-lock it.
pub(crate) static GC_LOCK: RwLock<()> = RwLock::new(());

std::thread_local! {
    /// This thread is collecting (holds `GC_LOCK` for writing): a handle it drops while
    /// sweeping must not wait for the lock it holds.
    static COLLECTING: core::cell::Cell<bool> = const { core::cell::Cell::new(false) };
}

/// Holds `GC_LOCK` for reading while a handle's root count moves (`None` on the
/// collecting thread itself, which excludes everyone already).
pub(crate) fn rooting() -> Option<std::sync::RwLockReadGuard<'static, ()>> {
    if COLLECTING.with(|c| c.get()) {
        return None;
    }
    Some(GC_LOCK.read().unwrap_or_else(|e| e.into_inner()))
}

/// `GC_LOCK` held for writing, with `COLLECTING` set for as long.
struct Collecting(
    #[allow(dead_code, reason = "held for its drop")] std::sync::RwLockWriteGuard<'static, ()>,
);

impl Collecting {
    fn begin() -> Collecting {
        let g = GC_LOCK.write().unwrap_or_else(|e| e.into_inner());
        COLLECTING.with(|c| c.set(true));
        Collecting(g)
    }
}

impl Drop for Collecting {
    fn drop(&mut self) {
        COLLECTING.with(|c| c.set(false));
    }
}

/// Every object starts with this.
#[repr(C)]
pub(crate) struct Header {
    /// Handles to this object outside GC memory.
    pub(crate) roots: AtomicUsize,
    /// Reached in the current collection (only touched with `GC_LOCK` held for writing).
    pub(crate) marked: AtomicBool,
    /// The heap that owns it.
    pub(crate) heap: *const Heap,
    vt: &'static VTable,
}

/// What the heap needs to know of an object's type.
struct VTable {
    trace: unsafe fn(*const Header, &mut Tracer),
    drop_value: unsafe fn(*mut Header),
    dealloc: unsafe fn(*mut Header),
    size: usize,
}

/// An object: its header, then its value.
#[repr(C)]
pub(crate) struct GcBox<T> {
    pub(crate) header: Header,
    pub(crate) value: T,
}

impl<T: Trace> GcBox<T> {
    const VT: &'static VTable = &VTable {
        trace: Self::trace_erased,
        drop_value: Self::drop_erased,
        dealloc: Self::dealloc_erased,
        size: size_of::<GcBox<T>>(),
    };

    /// # Safety
    /// `h` heads a live `GcBox<T>` whose value has not been dropped.
    unsafe fn trace_erased(h: *const Header, t: &mut Tracer) {
        // SAFETY: per the contract, `h` is the first field of a live `GcBox<T>` (repr C).
        unsafe { (*h.cast::<GcBox<T>>()).value.trace(t) }
    }

    /// # Safety
    /// `h` heads a `GcBox<T>` whose value is dropped exactly once, here.
    unsafe fn drop_erased(h: *mut Header) {
        // SAFETY: per the contract.
        unsafe { core::ptr::drop_in_place(&raw mut (*h.cast::<GcBox<T>>()).value) }
    }

    /// # Safety
    /// `h` heads a `GcBox<T>` made by `Heap::alloc` whose value was dropped; freed once.
    unsafe fn dealloc_erased(h: *mut Header) {
        // SAFETY: `alloc` made it with `Box::new`, so the global allocator and this layout;
        // the value was dropped already, so only the memory goes.
        unsafe { std::alloc::dealloc(h.cast(), std::alloc::Layout::new::<GcBox<T>>()) }
    }
}

/// Go's GOGC: -1 is off. Read from the environment at first use.
static GC_PERCENT: AtomicI32 = AtomicI32::new(i32::MIN);
/// A collection starts no earlier than this many bytes of heap (Go: heapMinimum, 4 MiB).
const MIN_HEAP: u64 = 4 << 20;

pub(crate) fn gc_percent() -> i32 {
    let v = GC_PERCENT.load(Ordering::Relaxed);
    if v != i32::MIN {
        return v;
    }
    let env = match std::env::var("GOGC") {
        Ok(s) if s == "off" => -1,
        Ok(s) => s.trim().parse().unwrap_or(100),
        Err(_) => 100,
    };
    let _ = GC_PERCENT.compare_exchange(i32::MIN, env, Ordering::Relaxed, Ordering::Relaxed);
    GC_PERCENT.load(Ordering::Relaxed)
}

/// Sets GOGC and returns the previous setting (negative: off). Go: debug.SetGCPercent.
pub(crate) fn set_gc_percent(p: i32) -> i32 {
    let old = gc_percent();
    GC_PERCENT.store(p.max(-1), Ordering::Relaxed);
    old
}

/// Process-wide statistics (Go's MemStats heap fields).
pub(crate) struct Stats {
    pub(crate) heap_alloc: AtomicU64,
    pub(crate) heap_objects: AtomicU64,
    pub(crate) total_alloc: AtomicU64,
    pub(crate) mallocs: AtomicU64,
    pub(crate) frees: AtomicU64,
    pub(crate) num_gc: AtomicU64,
    pub(crate) num_forced_gc: AtomicU64,
    pub(crate) pause_total_ns: AtomicU64,
    pub(crate) last_gc: AtomicU64,
    pub(crate) next_gc: AtomicU64,
}

pub(crate) static STATS: Stats = Stats {
    heap_alloc: AtomicU64::new(0),
    heap_objects: AtomicU64::new(0),
    total_alloc: AtomicU64::new(0),
    mallocs: AtomicU64::new(0),
    frees: AtomicU64::new(0),
    num_gc: AtomicU64::new(0),
    num_forced_gc: AtomicU64::new(0),
    pause_total_ns: AtomicU64::new(0),
    last_gc: AtomicU64::new(0),
    next_gc: AtomicU64::new(MIN_HEAP),
};

/// The heaps of the scopes now open, for `runtime::gc()` (addresses of `Heap`s).
static HEAPS: Mutex<Vec<usize>> = Mutex::new(Vec::new());

/// One scope's objects.
pub(crate) struct Heap {
    objects: Mutex<Vec<*mut Header>>,
    /// Bytes of objects now.
    bytes: AtomicU64,
    /// Collect when `bytes` reaches this.
    next: AtomicU64,
    /// Held by a sweep, taken before the pause ends: a collection that starts later waits
    /// for earlier sweeps, so `runtime::gc()` returns with all of its garbage freed.
    sweep: Mutex<()>,
}

// SAFETY: the raw pointers name objects this heap owns, every one `Send` (`Scope::alloc`);
// the list is touched under its lock, and an object taken off it by a sweep is touched by
// that sweep alone.
unsafe impl Send for Heap {}
// SAFETY: as above.
unsafe impl Sync for Heap {}

impl Heap {
    pub(crate) fn new() -> Heap {
        Heap {
            objects: Mutex::new(Vec::new()),
            bytes: AtomicU64::new(0),
            next: AtomicU64::new(MIN_HEAP),
            sweep: Mutex::new(()),
        }
    }

    /// Makes `self` reachable by `runtime::gc()`; it must stay at this address until
    /// `destroy`.
    pub(crate) fn register(&self) {
        lock(&HEAPS).push(self as *const Heap as usize);
    }

    /// Moves `value` into a new object and returns it with one root (the caller's handle).
    pub(crate) fn alloc<T: Trace>(&self, value: T) -> *mut GcBox<T> {
        let size = size_of::<GcBox<T>>() as u64;
        if self.bytes.load(Ordering::Relaxed) + size >= self.next.load(Ordering::Relaxed)
            && gc_percent() >= 0
        {
            self.collect(false);
        }
        let _g = rooting();
        // The handles in `value` now live in GC memory: no longer roots.
        value.trace(&mut Tracer::for_heap(TraceOp::Unroot, self));
        let b = Box::into_raw(Box::new(GcBox {
            header: Header {
                roots: AtomicUsize::new(1),
                marked: AtomicBool::new(false),
                heap: self,
                vt: GcBox::<T>::VT,
            },
            value,
        }));
        lock(&self.objects).push(b.cast());
        self.bytes.fetch_add(size, Ordering::Relaxed);
        STATS.heap_alloc.fetch_add(size, Ordering::Relaxed);
        STATS.heap_objects.fetch_add(1, Ordering::Relaxed);
        STATS.total_alloc.fetch_add(size, Ordering::Relaxed);
        STATS.mallocs.fetch_add(1, Ordering::Relaxed);
        b
    }

    /// A full collection of this heap (see the header). `forced`: asked for by
    /// `runtime::gc()`.
    pub(crate) fn collect(&self, forced: bool) {
        let start = Instant::now();
        let (dead, _sweeping) = {
            let _g = Collecting::begin();
            let mut objects = lock(&self.objects);
            // Mark: from the roots, through every object reached.
            let mut t = Tracer::for_heap(TraceOp::Mark, self);
            for &h in objects.iter() {
                // SAFETY: every listed object is alive (only a sweep frees, after taking
                // it off the list with both locks held).
                let hd = unsafe { &*h };
                if hd.roots.load(Ordering::Acquire) != 0 && !hd.marked.swap(true, Ordering::Relaxed)
                {
                    // SAFETY: alive, and its value not dropped.
                    unsafe { (hd.vt.trace)(h, &mut t) };
                }
            }
            while let Some(h) = t.grey.pop() {
                let h = h.as_ptr();
                // SAFETY: a handle's pointee is alive while the handle is (see `Gc`);
                // this one was reached from a live object.
                unsafe { ((*h).vt.trace)(h, &mut t) };
            }
            let (live, dead): (Vec<_>, Vec<_>) = objects.drain(..).partition(|&h| {
                // SAFETY: alive until the sweep below.
                unsafe { (*h).marked.swap(false, Ordering::Relaxed) }
            });
            *objects = live;
            (dead, lock(&self.sweep))
        };
        // The pause ends here: the dead are unreachable (no handle to them is left
        // anywhere a goroutine can look, and none can be made), so they are swept while
        // the goroutines go on (Go: concurrent sweep), in two passes (see the header).
        let pause = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
        let freed = free_all(&dead);
        let live_bytes = self.bytes.fetch_sub(freed, Ordering::Relaxed) - freed;
        let p = gc_percent().max(0) as u64;
        let next = (live_bytes + live_bytes * p / 100).max(MIN_HEAP);
        self.next.store(next, Ordering::Relaxed);
        STATS.next_gc.store(next, Ordering::Relaxed);
        STATS.num_gc.fetch_add(1, Ordering::Relaxed);
        if forced {
            STATS.num_forced_gc.fetch_add(1, Ordering::Relaxed);
        }
        STATS.pause_total_ns.fetch_add(pause, Ordering::Relaxed);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
        STATS.last_gc.store(now, Ordering::Relaxed);
    }

    /// The end of the scope: every object is freed, exactly once. No handle is left: the
    /// scope's goroutines are joined and its brand kept every handle inside it.
    pub(crate) fn destroy(&self) {
        let me = self as *const Heap as usize;
        lock(&HEAPS).retain(|&h| h != me);
        let _g = Collecting::begin();
        let all = core::mem::take(&mut *lock(&self.objects));
        let freed = free_all(&all);
        self.bytes.fetch_sub(freed, Ordering::Relaxed);
    }
}

/// Frees `objects` in two passes (values, then memory); returns their bytes.
fn free_all(objects: &[*mut Header]) -> u64 {
    let mut bytes = 0u64;
    for &h in objects {
        // SAFETY: each is a live object no longer listed anywhere, its value dropped once.
        unsafe { ((*h).vt.drop_value)(h) };
    }
    for &h in objects {
        // SAFETY: each value was dropped above; each object is freed once, here.
        unsafe {
            bytes += (*h).vt.size as u64;
            ((*h).vt.dealloc)(h);
        }
    }
    STATS.heap_alloc.fetch_sub(bytes, Ordering::Relaxed);
    STATS
        .heap_objects
        .fetch_sub(objects.len() as u64, Ordering::Relaxed);
    STATS
        .frees
        .fetch_add(objects.len() as u64, Ordering::Relaxed);
    bytes
}

/// Collects every open heap. Go: runtime.GC.
pub(crate) fn gc_all() {
    let heaps = lock(&HEAPS);
    for &h in heaps.iter() {
        // SAFETY: a registered heap stays alive until `destroy` unregisters it, which
        // waits for this lock.
        unsafe { (*(h as *const Heap)).collect(true) };
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
