//! A scope's heap: its objects, their counts and marks, allocation, pacing. Go: malloc.go,
//! mheap.go, mgcpacer.go (the collector itself is `collect.rs`, the barrier `barrier.rs`).
//!
//! # Roots without stack scanning
//! Every object counts the handles to it that live *outside* GC memory (its `Meta`):
//! on goroutine stacks, in channel buffers, in `Vec`s. A handle stored inside a GC object
//! is *unrooted* (its count moved off the pointee) when the object is made (`alloc`) or when
//! a cell's mutable borrow ends, and *rooted* again while a cell exposes it mutably (it
//! may be moved out). So the roots of a collection are the objects whose count is not zero,
//! and everything else live is reachable from them through objects. Every such move is a
//! root operation (`barrier.rs`), which the barrier watches while the heap is marked.
//!
//! # Objects
//! Small objects live in chunks of one type each (so of one size class), and a cycle finds
//! them by walking the chunks' blocks, as Go's sweeper walks its spans: no list of objects.
//! A small object is its value alone: its heap and type are in its chunk's header, and its
//! root count and mark in the chunk's table of `Meta`s, a byte per block (Go keeps its mark
//! bits beside its spans too). A block's state tells what it holds: `FREE`, an object (the
//! parity of the epoch of the last cycle that reached it, or of the phase it was made in:
//! no clearing between cycles), or `DYING` once
//! a sweep has condemned it: a handle to it that is dereferenced or cloned then (only a
//! destructor of a dying object can hold one) panics instead of touching freed memory.
//! An object is made with the epoch of the phase its allocation read, its `Meta` stored
//! last (release), so a walker that reads it sees the whole object, and one that reads
//! `FREE` skips a block being filled: whatever is made after a cycle took its chunks
//! counts as reached by it (Go allocates black). Large objects (past the classes) are
//! listed, and a cycle takes the list.
//!
//! Each thread allocates from a shard of its own (Go: the per-P mcache): a thread's barrier
//! slot names its shard, which only that thread touches while it allocates, with no lock
//! (threads past the first `OWNED` share one under a lock): its free blocks, and the bytes
//! it made, counted in two halves by the parity of the epoch the allocating op read, so a
//! cycle adds the other parity's to the heap's count, which no op can add to any more once
//! the cycle's handshake is over (`take_objects`). The bytes go to the heap's count in
//! batches, for pacing; MemStats count from the threads' own counters (`barrier::Slot`)
//! less what sweeps freed.
//!
//! Pacing as Go's GOGC: a cycle starts when the heap has grown to `live × (1 + GOGC/100)`
//! bytes (at least 4 MiB × GOGC/100: `goal`), `live` being what the last marking left (Go's heapMarked:
//! the survivors and what was made while it marked); `GOGC=off` or a negative `runtime::set_gc_percent` turns that
//! off. While a cycle marks, an allocation past the goal helps it if marking lags behind
//! (an assist, `mark.rs`), and one at twice the goal helps until marking is done, waiting
//! only for what it cannot do ("GC assist wait"), so the heap stays bounded when goroutines
//! allocate faster than the collector marks.

use super::barrier::{self, Op};
use super::trace::{Trace, TraceOp, Tracer};
use crate::loom::atomic::AtomicU8;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, Ordering};

/// A cycle's number: `0..EPOCHS`, then round again. A mark holds only its parity (a sweep
/// leaves every object marked with its cycle's epoch, and whatever is made until the next
/// cycle starts is marked with it too, so a mark is never older than the previous cycle).
pub(crate) type Epoch = u8;
/// Epochs in the round (even, so that the parity alternates across the wrap).
pub(crate) const EPOCHS: Epoch = 254;
/// `Meta`'s low two bits, its state: free, condemned, or an object marked with an even or
/// an odd epoch (`mark_of`).
pub(crate) const STATE: u8 = 0b11;
/// The state of a free block (the whole byte: no handle either).
pub(crate) const FREE: u8 = 0;
/// The state of an object a sweep has condemned (the whole byte: no handle either).
pub(crate) const DYING: u8 = 1;
/// `Meta`'s high six bits count handles; one handle is this much.
const ONE_ROOT: u8 = 1 << 2;
/// The count of an object whose count has spilled into its heap's `spilled` map.
const SPILLED: u8 = u8::MAX >> 2;

/// The state of an object marked with `epoch`.
#[inline(always)]
pub(crate) fn mark_of(epoch: Epoch) -> u8 {
    2 | (epoch & 1)
}

/// What the collector keeps of an object, one byte, outside it: a small object's in a
/// table at the start of its chunk (the object itself is only its value, as in Go, whose
/// mark bits are a side bitmap per span), a large one's just before it (`LargeHeader`).
/// An object's heap and type are found from its address too: a chunk holds one type.
///
/// The byte: the handles to the object outside GC memory (six bits; past 62, `SPILLED`,
/// and the count is in the heap's `spilled` map: an object with that many handles is
/// rare, and its count still moves without a lock below that), and its state (two bits:
/// `FREE`, `DYING`, or `mark_of` the epoch of the last cycle that reached it or of the
/// phase it was made in; see the header). Stored whole, with release, when the object is
/// made; after that the mutators change the count and the collector the state, each with
/// a compare-exchange that keeps the other's bits.
#[repr(C)]
pub(crate) struct Meta(AtomicU8);

/// The start of every chunk of small objects: what its objects share. The blocks' `Meta`s
/// follow it, then the blocks (`chunk_layout`).
#[repr(C)]
struct ChunkHeader {
    heap: *const Heap,
    /// The type of its objects.
    vt: &'static VTable,
    /// The size class of its blocks.
    class: usize,
    /// `ceil(2^32 / block size)`: a block's index is its offset times this, over 2^32
    /// (Go's divMagic), for code that does not know the class.
    magic: u64,
}

/// What precedes a large object.
#[repr(C)]
struct LargeHeader {
    heap: *const Heap,
    vt: &'static VTable,
    meta: Meta,
}

/// How far before a large object its `LargeHeader` starts.
const LARGE_HEADER: usize = size_of::<LargeHeader>().next_multiple_of(8);

/// An object as the collector passes it around: a small object's address, or a large
/// one's `LargeHeader` with bit 0 set. Whoever names an object knows which it is: typed
/// code from its type's class, a walk from where it found it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Obj(usize);

impl Obj {
    /// From `Obj::bits`.
    pub(crate) fn from_bits(bits: usize) -> Obj {
        Obj(bits)
    }

    pub(crate) fn bits(self) -> usize {
        self.0
    }

    #[inline(always)]
    pub(crate) fn is_large(self) -> bool {
        self.0 & 1 != 0
    }

    #[inline(always)]
    fn large_header(self) -> *mut LargeHeader {
        (self.0 & !1) as *mut LargeHeader
    }

    /// Where the object's value lies.
    #[inline(always)]
    pub(crate) fn value(self) -> *mut u8 {
        if self.is_large() {
            (self.0 & !1).wrapping_add(LARGE_HEADER) as *mut u8
        } else {
            self.0 as *mut u8
        }
    }

    /// The object's type.
    ///
    /// # Safety
    /// The object was made by `Heap::alloc` and its memory is not freed.
    #[inline(always)]
    pub(crate) unsafe fn vt(self) -> &'static VTable {
        if self.is_large() {
            // SAFETY: per the contract, a large object after its header (`place`).
            unsafe { (*self.large_header()).vt }
        } else {
            // SAFETY: per the contract, in a chunk of its type (`carve`), alive with it.
            unsafe { (*chunk_of(self.0)).vt }
        }
    }

    /// The object's `Meta`, for code that does not know its type.
    ///
    /// # Safety
    /// As `vt`'s.
    #[inline]
    pub(crate) unsafe fn meta(self) -> *const Meta {
        if self.is_large() {
            // SAFETY: per the contract.
            unsafe { &raw const (*self.large_header()).meta }
        } else {
            let c = chunk_of(self.0);
            // SAFETY: per the contract; the chunk's header was written by `carve`.
            let (class, magic) = unsafe { ((*c).class, (*c).magic) };
            let off = (self.0 - c as usize - LAYOUTS[class].1) as u64;
            metas(c.cast_mut().cast()).wrapping_add(((off * magic) >> 32) as usize)
        }
    }
}

/// The header of the chunk that holds address `a`.
#[inline(always)]
fn chunk_of(a: usize) -> *const ChunkHeader {
    (a & !(CHUNK - 1)) as *const ChunkHeader
}

/// A chunk's `Meta`s, one per block, right after its header.
#[inline(always)]
fn metas(chunk: *mut u8) -> *mut Meta {
    chunk.wrapping_add(size_of::<ChunkHeader>()).cast()
}

/// The layout of a chunk of `class` blocks: how many, and where the first lies (past the
/// header and the blocks' `Meta`s, 16-aligned as the chunk).
const fn chunk_layout(class: usize) -> (usize, usize) {
    let size = class * CLASS_BYTES;
    let head = size_of::<ChunkHeader>();
    let mut n = (CHUNK - head) / (size + size_of::<Meta>());
    if cfg!(goro_loom) && n > 4 {
        // Models: few blocks (each is atomics to create and walk).
        n = 4;
    }
    while n > 0 && (head + n * size_of::<Meta>()).next_multiple_of(CHUNK_ALIGN) + n * size > CHUNK {
        n -= 1;
    }
    (
        n,
        (head + n * size_of::<Meta>()).next_multiple_of(CHUNK_ALIGN),
    )
}

/// `chunk_layout` of every class, for code that does not know the class at compile time (a
/// division otherwise).
const LAYOUTS: [(usize, usize); CLASSES + 1] = {
    let mut t = [(0, 0); CLASSES + 1];
    let mut c = 1;
    while c <= CLASSES {
        t[c] = chunk_layout(c);
        c += 1;
    }
    t
};

/// A block's body past its `Block` link, as (start, length): what nothing reads while the
/// block is free, poisoned for ASan meanwhile (`asan::poison`, `asan::unpoison` when it is
/// filled).
#[inline(always)]
fn body(b: *mut Block, class: usize) -> (usize, usize) {
    let words = size_of::<Block>();
    (
        b as usize + words,
        (class * CLASS_BYTES).saturating_sub(words),
    )
}

/// Where block `i` of chunk `chunk` of `class` lies.
fn block_at(chunk: *mut u8, class: usize, i: usize) -> *mut Block {
    chunk
        .wrapping_add(LAYOUTS[class].1 + i * class * CLASS_BYTES)
        .cast()
}

/// What a cycle walks: the blocks of the chunks that existed when it took its work, in
/// runs of at most `RUN` (a unit of root scanning each), and the large objects then listed.
/// Whatever was made later is marked with the cycle's epoch (see the header).
pub(crate) struct Objects {
    runs: Vec<Run>,
    pub(crate) large: Vec<Obj>,
    /// Blocks and large objects in all.
    pub(crate) count: usize,
}

/// Blocks `from..to` of a chunk whose blocks are of `class`.
#[derive(Clone, Copy)]
struct Run {
    chunk: *mut u8,
    class: usize,
    from: usize,
    to: usize,
}

/// What a sweep found (`Objects::sweep`).
pub(crate) struct Swept {
    /// Condemned (`DYING`), for `Heap::free_all`.
    pub(crate) dead: Vec<Obj>,
    pub(crate) dead_bytes: u64,
    /// The large objects that live on, to list again.
    pub(crate) large: Vec<Obj>,
}

impl Objects {
    /// Blocks (or large objects) in a unit of root scanning.
    pub(crate) const RUN: usize = if cfg!(goro_loom) { 1 } else { 1024 };

    /// The blocks of `chunks`, and `large`.
    fn new(chunks: Vec<*mut u8>, large: Vec<Obj>) -> Objects {
        let mut runs = Vec::new();
        let mut count = large.len();
        for chunk in chunks {
            // SAFETY: a chunk of a heap that is alive (the caller's), whose header `carve`
            // wrote before listing it.
            let class = unsafe { (*chunk.cast::<ChunkHeader>()).class };
            let n = LAYOUTS[class].0;
            count += n;
            for from in (0..n).step_by(Self::RUN) {
                let to = (from + Self::RUN).min(n);
                runs.push(Run {
                    chunk,
                    class,
                    from,
                    to,
                });
            }
        }
        Objects { runs, large, count }
    }

    /// Units of root scanning: each run, then the large objects by `RUN`.
    pub(crate) fn units(&self) -> usize {
        self.runs.len() + self.large.len().div_ceil(Self::RUN)
    }

    /// The blocks (some free) or large objects of unit `i < units()`, each with its `Meta`.
    pub(crate) fn unit(&self, i: usize) -> impl Iterator<Item = (Obj, *const Meta)> + '_ {
        let (run, large) = match self.runs.get(i) {
            Some(&r) => (Some(r), &[][..]),
            None => {
                let j = (i - self.runs.len()) * Self::RUN;
                (None, &self.large[j..(j + Self::RUN).min(self.large.len())])
            }
        };
        run.into_iter()
            .flat_map(|r| {
                let m = metas(r.chunk);
                let (first, size) = (LAYOUTS[r.class].1, r.class * CLASS_BYTES);
                (r.from..r.to).map(move |k| {
                    let b = r.chunk.wrapping_add(first + k * size);
                    (Obj(b as usize), m.wrapping_add(k).cast_const())
                })
            })
            // SAFETY: listed large objects are alive until a sweep frees them.
            .chain(large.iter().map(|&o| (o, unsafe { o.meta() })))
    }

    /// The sweep of the cycle of `epoch`, or with `None` the heap's end: condemns every
    /// object not marked with it (its state becomes `DYING`), all before any destructor
    /// runs. Free blocks, and those an allocation fills meanwhile (`FREE`, or marked with
    /// this epoch), are passed over. The caller is the cycle's sweep (no marking runs), or
    /// the heap's end.
    pub(crate) fn sweep(&self, epoch: Option<Epoch>) -> Swept {
        let mut s = Swept {
            dead: Vec::new(),
            dead_bytes: 0,
            large: Vec::new(),
        };
        for i in 0..self.units() {
            for (o, h) in self.unit(i) {
                // SAFETY: a block of a chunk of the heap, or a large object taken and not
                // freed: its `Meta` is readable. Read with acquire, it says whether the
                // block holds an object, whole (`Heap::place` stores it last, with
                // release). Nobody but this sweep touches a condemned object before
                // `free_all`.
                unsafe {
                    let m = (*h).load(Ordering::Acquire) & STATE;
                    if m == FREE || m == DYING {
                        continue;
                    }
                    if Some(m) == epoch.map(mark_of) {
                        if o.is_large() {
                            s.large.push(o);
                        }
                        continue;
                    }
                    // No handle counts it (it would have been marked): the whole byte.
                    (*h).0.store(DYING, Ordering::Relaxed);
                    s.dead_bytes += o.vt().size as u64;
                    s.dead.push(o);
                }
            }
        }
        s
    }
}

/// The heap of the object at `v`, whose size class is `class` (0: a large object).
/// Typed callers pass their type's constant class, so the branch folds away.
///
/// # Safety
/// `v` is a live object made by `Heap::alloc`, of that class.
#[inline(always)]
pub(crate) unsafe fn heap_of(v: *const u8, class: usize) -> *const Heap {
    if class == 0 {
        // SAFETY: a large object follows its header (`place`).
        unsafe { (*v.sub(LARGE_HEADER).cast::<LargeHeader>()).heap }
    } else {
        // SAFETY: a small object lies in a `CHUNK`-aligned chunk that begins with its
        // header (`carve`), alive as long as its heap.
        unsafe { (*chunk_of(v as usize)).heap }
    }
}

impl Meta {
    /// Panics if a sweep has condemned the object (see the header): a destructor of a
    /// dying object is using a handle to another. (A block freed already, `FREE`, would be
    /// the collector's bug; the same comparison catches it while the block is not reused.)
    #[inline]
    pub(crate) fn check_alive(&self) {
        const { assert!(FREE < 2 && DYING < 2) };
        if self.0.load(Ordering::Relaxed) & STATE < 2 {
            dying();
        }
    }

    /// The whole byte.
    #[inline(always)]
    pub(crate) fn load(&self, o: Ordering) -> u8 {
        self.0.load(o)
    }

    /// A new object's byte: one handle, marked with `epoch`.
    fn made(epoch: Epoch) -> u8 {
        ONE_ROOT | mark_of(epoch)
    }

    /// Marks the object with `epoch`; true if this call did (it was not marked so). The
    /// caller knows it is an object (not free nor condemned).
    #[inline]
    pub(crate) fn mark(&self, epoch: Epoch) -> bool {
        let m = mark_of(epoch);
        let mut v = self.0.load(Ordering::Relaxed);
        loop {
            if v & STATE == m {
                return false;
            }
            match self.0.compare_exchange_weak(
                v,
                (v & !STATE) | m,
                Ordering::AcqRel,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(now) => v = now,
            }
        }
    }

    /// One more handle outside GC memory. Inside a root operation.
    #[inline]
    pub(crate) fn root_add(&self, heap: *const Heap) {
        let mut v = self.0.load(Ordering::Relaxed);
        while v >> 2 < SPILLED - 1 {
            match self
                .0
                .compare_exchange_weak(v, v + ONE_ROOT, Ordering::AcqRel, Ordering::Relaxed)
            {
                Ok(_) => return,
                Err(now) => v = now,
            }
        }
        // SAFETY: an object's heap outlives it.
        unsafe { &*heap }.root_add_slow(self);
    }

    /// One handle outside GC memory fewer. Inside a root operation.
    #[inline]
    pub(crate) fn root_sub(&self, heap: *const Heap) {
        let mut v = self.0.load(Ordering::Relaxed);
        while v >> 2 != SPILLED {
            match self
                .0
                .compare_exchange_weak(v, v - ONE_ROOT, Ordering::AcqRel, Ordering::Relaxed)
            {
                Ok(_) => return,
                Err(now) => v = now,
            }
        }
        // SAFETY: an object's heap outlives it.
        unsafe { &*heap }.root_sub_slow(self);
    }

    /// A root operation moved the count of object `o` (this is its `Meta`): shade it if
    /// its heap, `heap` (`heap_of`), is marking. The caller is inside an [`Op`].
    #[inline]
    pub(crate) fn root_moved(&self, heap: *const Heap, o: Obj) {
        // SAFETY: an object's heap outlives it (`destroy` frees every object first).
        let heap = unsafe { &*heap };
        let p = heap.phase.load(Ordering::Relaxed);
        if p & 1 != 0 {
            heap.shade(o, self, (p >> 1) as Epoch);
        }
    }
}

#[cold]
#[inline(never)]
fn dying() -> ! {
    panic!("gc: use of a handle to an object being freed")
}

/// What the heap needs to know of an object's type (kept by its chunk, or before a large
/// object). Each function takes the object's value's address.
pub(crate) struct VTable {
    pub(crate) trace: unsafe fn(*const u8, &mut Tracer),
    drop_value: unsafe fn(*mut u8),
    dealloc: unsafe fn(*mut u8),
    /// Bytes the object takes (its size class's, for a small one; its value and header,
    /// for a large one).
    pub(crate) size: usize,
    /// Its size class (`1..=CLASSES`), or 0: a large object from the global allocator.
    class: usize,
    /// Its value has a destructor.
    needs_drop: bool,
}

/// Small objects come in size classes of `CLASS_BYTES` steps up to `CLASSES` of them; each
/// heap carves them from `CHUNK`-byte chunks, a chunk per type, and reuses what sweeps free
/// (Go: size classes, mspans and mcentral, much simplified; Go's spans hold one size class,
/// and its objects need no type at hand, as its collector reads pointer bitmaps). Larger or
/// over-aligned objects use the global allocator.
const CLASS_BYTES: usize = 8;
const CLASSES: usize = 32;
/// Blocks of a 16-aligned type (whose size is a multiple of 16) are aligned so: a chunk's
/// first lies at a multiple of 16 (`chunk_layout`).
const CHUNK_ALIGN: usize = 16;
/// A chunk's size, and its alignment (an object's chunk is its address rounded down).
/// Models use small ones (every block's `Meta` is a pair of loom atomics to create and
/// walk).
const CHUNK: usize = if cfg!(goro_loom) { 256 } else { 64 << 10 };

/// The size class of an object of `size` bytes aligned to `align`, or 0.
const fn class_of(size: usize, align: usize) -> usize {
    if size <= CLASS_BYTES * CLASSES && align <= CHUNK_ALIGN {
        // A free block holds a link (`Block`).
        if size < size_of::<Block>() {
            size_of::<Block>() / CLASS_BYTES
        } else {
            size.div_ceil(CLASS_BYTES)
        }
    } else {
        0
    }
}

/// The layout of objects of type `T`: their class, type table, and where their `Meta`
/// and heap are. A small object is its value alone, in a block; a large one is its value
/// after a `LargeHeader`.
pub(crate) struct GcBox<T>(core::marker::PhantomData<T>);

impl<T: Trace> GcBox<T> {
    pub(crate) const CLASS: usize = class_of(size_of::<T>(), align_of::<T>());
    /// Blocks per chunk of this class, and the first one's offset.
    const LAYOUT: (usize, usize) = chunk_layout(if Self::CLASS == 0 { 1 } else { Self::CLASS });
    const VT: &'static VTable = &VTable {
        trace: Self::trace_erased,
        drop_value: Self::drop_erased,
        dealloc: Self::dealloc_erased,
        size: if Self::CLASS == 0 {
            Self::LARGE.size()
        } else {
            Self::CLASS * CLASS_BYTES
        },
        class: Self::CLASS,
        needs_drop: core::mem::needs_drop::<T>(),
    };

    /// # Safety
    /// `v` is a live object of type `T` whose value has not been dropped.
    unsafe fn trace_erased(v: *const u8, t: &mut Tracer) {
        // SAFETY: per the contract.
        unsafe { (*v.cast::<T>()).trace(t) }
    }

    /// # Safety
    /// `v` is an object of type `T` whose value is dropped exactly once, here.
    unsafe fn drop_erased(v: *mut u8) {
        // SAFETY: per the contract.
        unsafe { core::ptr::drop_in_place(v.cast::<T>()) }
    }

    /// A large object's allocation: its `LargeHeader`, then its value, `LARGE_AT` bytes in
    /// (right after the header, as `heap_of` and `Obj` read it).
    const LARGE: std::alloc::Layout = {
        let a = if align_of::<T>() > align_of::<LargeHeader>() {
            align_of::<T>()
        } else {
            align_of::<LargeHeader>()
        };
        match std::alloc::Layout::from_size_align(
            LARGE_HEADER.next_multiple_of(a) + size_of::<T>(),
            a,
        ) {
            Ok(l) => l,
            Err(_) => panic!("gc: object too large"),
        }
    };
    const LARGE_AT: usize = LARGE_HEADER.next_multiple_of(Self::LARGE.align());

    /// # Safety
    /// `v` is a large object of type `T` made by `Heap::alloc` whose value was dropped;
    /// freed once.
    unsafe fn dealloc_erased(v: *mut u8) {
        // SAFETY: `place` made a large object `LARGE_AT` bytes into an allocation of the
        // global allocator with layout `LARGE`; the value was dropped already, so only the
        // memory goes.
        unsafe { std::alloc::dealloc(v.sub(Self::LARGE_AT), Self::LARGE) }
        SYS_BYTES.fetch_sub(Self::LARGE.size() as u64, Ordering::Relaxed);
    }

    /// The object at `v`, as the collector names it.
    #[inline(always)]
    pub(crate) fn obj(v: *const T) -> Obj {
        if Self::CLASS == 0 {
            Obj((v as usize - LARGE_HEADER) | 1)
        } else {
            Obj(v as usize)
        }
    }

    /// The `Meta` of the object at `v` (with the type's class known, the index is a
    /// multiplication).
    ///
    /// # Safety
    /// `v` is an object of type `T` made by `Heap::alloc`, its memory not freed.
    #[inline(always)]
    pub(crate) unsafe fn meta(v: *const T) -> *const Meta {
        if Self::CLASS == 0 {
            // SAFETY: per the contract, a large object after its header.
            unsafe { &raw const (*v.cast::<u8>().sub(LARGE_HEADER).cast::<LargeHeader>()).meta }
        } else {
            let c = v as usize & !(CHUNK - 1);
            let i = (v as usize - c - Self::LAYOUT.1) / (Self::CLASS * CLASS_BYTES);
            metas(c as *mut u8).wrapping_add(i)
        }
    }

    /// The heap of the object at `v` (`heap_of`, with the branch decided by `T`).
    ///
    /// # Safety
    /// As `heap_of`'s.
    #[inline(always)]
    pub(crate) unsafe fn heap(v: *const T) -> *const Heap {
        // SAFETY: per the contract.
        unsafe { heap_of(v.cast(), Self::CLASS) }
    }
}

/// Go's GOGC: -1 is off. Read from the environment at first use.
static GC_PERCENT: AtomicI32 = AtomicI32::new(i32::MIN);
/// At GOGC=100, a collection starts no earlier than this many bytes of heap; the floor
/// scales with GOGC (`goal`). Go: defaultHeapMinimum, 4 MiB.
const MIN_HEAP: u64 = 4 << 20;
/// Bytes the heaps hold from the system: chunks mapped and large objects' blocks. They go
/// back when sweeps free large objects and when scopes end (`destroy`). For MemStats' `sys`.
pub(crate) static SYS_BYTES: AtomicU64 = AtomicU64::new(0);
/// A shard passes its bytes on once it has gathered this many.
const FLUSH_BYTES: u64 = 64 << 10;

pub(crate) fn gc_percent() -> i32 {
    let v = GC_PERCENT.load(Ordering::Relaxed);
    if v != i32::MIN {
        return v;
    }
    let env = match std::env::var("GOGC") {
        Ok(s) if s == "off" => -1,
        // Go's readGOGC: its `atoi`, a negative value meaning off (-1).
        Ok(s) => crate::entry::atoi(&s)
            .and_then(|n| i32::try_from(n).ok())
            .map_or(100, |n| n.max(-1)),
        Err(_) => 100,
    };
    let _ = GC_PERCENT.compare_exchange(i32::MIN, env, Ordering::Relaxed, Ordering::Relaxed);
    GC_PERCENT.load(Ordering::Relaxed)
}

/// Sets GOGC and returns the previous setting (negative: off). Go: debug.SetGCPercent.
/// Every goal follows at once (each heap's, and MemStats' `next_gc`): goals are computed
/// from `live` and GOGC when they are read, never stored.
pub(crate) fn set_gc_percent(p: i32) -> i32 {
    let old = gc_percent();
    GC_PERCENT.store(p.max(-1), Ordering::Relaxed);
    old
}

/// The heap size at which the next cycle starts, when the last one left `live` bytes:
/// `live × (1 + GOGC/100)`, at least `MIN_HEAP × GOGC/100` (so GOGC=0 collects whenever
/// the heap grows); `u64::MAX` with GOGC off. Go: gcControllerState.commit's
/// gcPercentHeapGoal, with heapMinimum as setGCPercent scales it.
pub(crate) fn goal(live: u64) -> u64 {
    let Ok(p) = u64::try_from(gc_percent()) else {
        return u64::MAX;
    };
    let grown = live.saturating_add(live.saturating_mul(p) / 100);
    grown.max(MIN_HEAP.saturating_mul(p) / 100)
}

/// Process-wide statistics (Go's MemStats heap fields). Allocations count in the
/// allocating thread's slot (`barrier::Slot`), frees here: HeapAlloc and HeapObjects are
/// the difference (`mstats.rs` reads the frees first, so never less than what is live).
pub(crate) struct Stats {
    pub(crate) frees: AtomicU64,
    /// Bytes of the freed objects.
    pub(crate) freed_bytes: AtomicU64,
    pub(crate) num_gc: AtomicU64,
    pub(crate) num_forced_gc: AtomicU64,
    pub(crate) pause_total_ns: AtomicU64,
    pub(crate) last_gc: AtomicU64,
    /// What the last cycle left live, for `next_gc` (`goal`).
    pub(crate) last_live: AtomicU64,
    /// Nanoseconds the collector has worked (for GCCPUFraction).
    pub(crate) busy_ns: AtomicU64,
}

pub(crate) static STATS: Stats = Stats {
    frees: AtomicU64::new(0),
    freed_bytes: AtomicU64::new(0),
    num_gc: AtomicU64::new(0),
    num_forced_gc: AtomicU64::new(0),
    pause_total_ns: AtomicU64::new(0),
    last_gc: AtomicU64::new(0),
    last_live: AtomicU64::new(0),
    busy_ns: AtomicU64::new(0),
};

/// The last 256 cycles' pauses in ns, as Go's MemStats.PauseNs: a ring indexed by
/// `num_gc % 256`.
pub(crate) static PAUSES: Mutex<[u64; 256]> = Mutex::new([0; 256]);

/// The heaps of the scopes now open, for the collector (addresses of `Heap`s).
pub(crate) static HEAPS: Mutex<Vec<usize>> = Mutex::new(Vec::new());

/// The bytes of the objects one thread made under one epoch parity (see the header), not
/// yet added to `Heap::bytes`.
#[derive(Default)]
struct Listed {
    bytes: u64,
}

/// A shard's free blocks: a chain per type (the address of its table), in a small table
/// indexed by a hash of that address (`free_slot`). A type whose slot another holds sends
/// that one's chain back to the central lists (`Heap::refill`).
struct Free([(usize, *mut Block); FREE_SLOTS]);

const FREE_SLOTS: usize = 16;

impl Default for Free {
    fn default() -> Free {
        Free([(0, core::ptr::null_mut()); FREE_SLOTS])
    }
}

/// The slot of `vt`'s chain in a shard's `Free` (Fibonacci hashing of its address).
#[inline(always)]
fn free_slot(vt: &'static VTable) -> usize {
    let a = (vt as *const VTable as usize >> 3) as u64;
    (a.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - FREE_SLOTS.trailing_zeros())) as usize
}

/// A thread's own shard (see the header): each part in a cell of its own, as a cycle takes
/// one parity's bytes while the thread adds to the other.
#[repr(align(64))]
#[derive(Default)]
struct Owned {
    lists: [Excl<Listed>; 2],
    free: Excl<Free>,
}

/// The shard of the threads past `OWNED`, under its lock.
#[derive(Default)]
struct Shared {
    lists: [Listed; 2],
    free: Free,
}

/// A part of a shard that one thread at a time uses, by the rules of the header. Models
/// check that its users never overlap (loom's cell).
#[derive(Default)]
struct Excl<T>(
    #[cfg(not(goro_loom))] core::cell::UnsafeCell<T>,
    #[cfg(goro_loom)] loom::cell::UnsafeCell<T>,
);

impl<T> Excl<T> {
    /// # Safety
    /// No other thread uses the cell while the access lives, nor this one through another
    /// access.
    #[inline(always)]
    unsafe fn get(&self) -> Access<'_, T> {
        #[cfg(not(goro_loom))]
        // SAFETY: per the contract, this is the only reference to the value.
        return Access(unsafe { &mut *self.0.get() });
        #[cfg(goro_loom)]
        return Access(self.0.get_mut(), core::marker::PhantomData);
    }
}

/// A use of an [`Excl`] (a plain reference: no closure, so the allocation path inlines).
#[cfg(not(goro_loom))]
struct Access<'a, T>(&'a mut T);
/// A use of an [`Excl`], tracked by the model while it lives.
#[cfg(goro_loom)]
struct Access<'a, T>(loom::cell::MutPtr<T>, core::marker::PhantomData<&'a mut T>);

impl<T> core::ops::Deref for Access<'_, T> {
    type Target = T;
    #[inline(always)]
    fn deref(&self) -> &T {
        #[cfg(not(goro_loom))]
        return self.0;
        // SAFETY: the model tracks this access; `Excl::get`'s contract makes it exclusive.
        #[cfg(goro_loom)]
        return unsafe { self.0.deref() };
    }
}

impl<T> core::ops::DerefMut for Access<'_, T> {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut T {
        #[cfg(not(goro_loom))]
        return self.0;
        // SAFETY: as for `deref`.
        #[cfg(goro_loom)]
        return unsafe { self.0.deref() };
    }
}

/// Threads with a slot index below this have a shard of their own.
const OWNED: usize = 16;

/// The parity of the epoch in phase `p`: which half of a shard's byte count an op adds to.
fn parity(p: u64) -> usize {
    ((p >> 1) & 1) as usize
}

/// A free small-object block (its `Meta` says `FREE`): the link to the next free
/// one, where the object's value would be.
#[repr(C)]
pub(crate) struct Block {
    next: *mut Block,
}

/// Chains of free blocks per type (the address of its table), as sweeps and shards gave
/// them back.
type Chains = std::collections::HashMap<usize, Vec<*mut Block>>;

/// One scope's objects.
pub(crate) struct Heap {
    /// Each touched, while allocating, by its thread alone; by a cycle, the parity its
    /// handshake closed (`take_objects`); by `destroy`, once no thread allocates.
    owned: [Owned; OWNED],
    /// The shard of every other thread.
    shared: Mutex<Shared>,
    /// The large objects not taken by a cycle.
    large: crate::loom::Mutex<Vec<Obj>>,
    /// Bytes of objects now (flushed allocations, less sweeps).
    pub(crate) bytes: AtomicU64,
    /// What the last cycle left live (its marked bytes less the dead): a cycle starts
    /// when `bytes` reaches `goal(live)`, for GOGC as it is now (Go: heapMarked).
    pub(crate) live: AtomicU64,
    /// `bytes` when the last marking ended (`mark::try_finish`): with the dead taken off,
    /// the base of the next goal.
    pub(crate) marked: AtomicU64,
    /// `epoch << 1 | marking`: read by every root operation (`Meta::root_moved`).
    pub(crate) phase: crate::loom::atomic::AtomicU64,
    /// Objects the barrier shaded, and mark work a worker left over, for any worker to trace
    /// (`mark.rs`), with the epoch they were shaded for (an op still running when its cycle
    /// ended may queue one late).
    grey: crate::loom::Mutex<Vec<(usize, Epoch)>>,
    /// The running cycle's objects and root-scan cursor, once taken (`mark.rs`).
    pub(crate) work: crate::loom::Mutex<Option<crate::loom::Arc<super::mark::MarkWork>>>,
    /// Workers holding a unit of mark work (`mark.rs`): marking cannot end meanwhile.
    pub(crate) holders: crate::loom::atomic::AtomicUsize,
    /// Allocations waiting for the collector, for the pause (`mark.rs`).
    pub(crate) stall: Mutex<super::mark::Stall>,
    /// The pause of the cycle whose marking just ended, set by whoever ended it.
    pub(crate) mark_pause: AtomicU64,
    /// Assist pacing (`mark.rs`): the running cycle's mark work done so far and expected
    /// in all, in bytes, and the heap's size when it took its objects.
    pub(crate) mark_done: AtomicU64,
    pub(crate) mark_expect: AtomicU64,
    pub(crate) mark_start: AtomicU64,
    /// Held for a whole cycle, and by `destroy`.
    pub(crate) cycle: Mutex<()>,
    /// A cycle is wanted (pacing).
    pub(crate) wanted: AtomicBool,
    /// Cycles completed.
    pub(crate) cycles: AtomicU64,
    /// Blocks freed by sweeps, for shards whose lists ran dry. Go: mcentral.
    central: Mutex<Chains>,
    /// Chunks carved into blocks, freed with the heap.
    chunks: crate::loom::Mutex<Vec<*mut u8>>,
    /// The root counts past 62 (`Meta`'s count says `SPILLED`), by `Meta` address.
    spilled: Mutex<std::collections::HashMap<usize, u64>>,
}

// SAFETY: the raw pointers name chunks and objects this heap owns, every object `Send`
// (`Scope::alloc`); the chunk, large-object and central lists are touched under their locks,
// a shard by its thread (`Excl`), and an object a sweep condemned by that sweep alone.
unsafe impl Send for Heap {}
// SAFETY: as above.
unsafe impl Sync for Heap {}

impl Heap {
    pub(crate) fn new() -> Heap {
        Heap {
            owned: Default::default(),
            shared: Mutex::new(Shared::default()),
            large: crate::loom::Mutex::new(Vec::new()),
            bytes: AtomicU64::new(0),
            live: AtomicU64::new(0),
            marked: AtomicU64::new(0),
            phase: crate::loom::atomic::AtomicU64::new(0),
            grey: crate::loom::Mutex::new(Vec::new()),
            cycle: Mutex::new(()),
            wanted: AtomicBool::new(false),
            cycles: AtomicU64::new(0),
            work: crate::loom::Mutex::new(None),
            holders: crate::loom::atomic::AtomicUsize::new(0),
            stall: Mutex::new(super::mark::Stall::default()),
            mark_pause: AtomicU64::new(0),
            mark_done: AtomicU64::new(0),
            mark_expect: AtomicU64::new(0),
            mark_start: AtomicU64::new(0),
            central: Mutex::new(Chains::new()),
            chunks: crate::loom::Mutex::new(Vec::new()),
            spilled: Mutex::new(std::collections::HashMap::new()),
        }
    }

    /// `Meta::root_add` for a count at 62 or past it: the count moves to (or in) the
    /// `spilled` map, under its lock, which every change to or from a spilled count holds
    /// (the collector may change the state bits meanwhile: compare-exchanges throughout).
    #[cold]
    #[inline(never)]
    fn root_add_slow(&self, m: &Meta) {
        let key = m as *const Meta as usize;
        let mut spilled = lock(&self.spilled);
        let mut v = m.0.load(Ordering::Relaxed);
        loop {
            let count = v >> 2;
            if count == SPILLED {
                *spilled.get_mut(&key).expect("a spilled count") += 1;
                return;
            }
            let next = if count == SPILLED - 1 {
                (v & STATE) | (SPILLED << 2)
            } else {
                v + ONE_ROOT
            };
            match m
                .0
                .compare_exchange_weak(v, next, Ordering::AcqRel, Ordering::Relaxed)
            {
                Ok(_) => {
                    if count == SPILLED - 1 {
                        spilled.insert(key, u64::from(SPILLED));
                    }
                    return;
                }
                Err(now) => v = now,
            }
        }
    }

    /// `Meta::root_sub` for a spilled count: back inline at 62.
    #[cold]
    #[inline(never)]
    fn root_sub_slow(&self, m: &Meta) {
        let key = m as *const Meta as usize;
        let mut spilled = lock(&self.spilled);
        let mut v = m.0.load(Ordering::Relaxed);
        if v >> 2 != SPILLED {
            // It went back inline meanwhile (under the lock, which we now hold).
            drop(spilled);
            return m.root_sub(self);
        }
        let n = spilled.get_mut(&key).expect("a spilled count");
        *n -= 1;
        if *n == u64::from(SPILLED - 1) {
            spilled.remove(&key);
            let back = (SPILLED - 1) << 2;
            while let Err(now) = m.0.compare_exchange_weak(
                v,
                (v & STATE) | back,
                Ordering::AcqRel,
                Ordering::Relaxed,
            ) {
                v = now;
            }
        }
    }

    /// Makes `self` reachable by the collector; it must stay at this address until
    /// `destroy`.
    pub(crate) fn register(&self) {
        super::collect::start();
        lock(&HEAPS).push(self as *const Heap as usize);
    }

    /// Moves `value` into a new object and returns it with one root (the caller's handle).
    /// Inlined, so the value is written straight into its block (built on the stack and
    /// copied, it cost a store-forwarding stall per allocation).
    #[inline(always)]
    pub(crate) fn alloc<T: Trace>(&self, value: T) -> *mut T {
        let vt = GcBox::<T>::VT;
        let size = vt.size as u64;
        let op = Op::enter();
        // Made while the heap marks: black (Go allocates black). Its handles are shaded
        // below (unrooting is a root move), and it is not swept by this cycle unless the
        // cycle took it, marked. So a handle to it dropped during this marking queues
        // nothing (in gc_alloc every one did, a tenth of the allocating thread's time, and
        // the collector traced them all). The phase is read once, *before* the children's
        // root moves read it again: marking may start between two reads of one op, and an
        // object made black from the later read, with its children not shaded by the
        // earlier, was never traced, and its children were freed under it (binary_trees
        // lost nodes; `loom_gc` models it). Read in this order, a later read sees marking
        // if this one did, or marking has ended, and the cycle that ended did not take this
        // object (it took its objects after every op that saw the heap idle had ended,
        // `mark::take`) nor free the children (roots until now).
        // Acquire: a cycle took this parity's bytes of our shard before the phase moved
        // on to it (`take_objects`); adding to them comes after.
        let p = self.phase.load(Ordering::Acquire);
        let mark = (p >> 1) as Epoch;
        let slot = op.slot();
        let (b, flushed) = if slot.index < OWNED {
            let o = &self.owned[slot.index];
            // SAFETY: the shard of this thread's slot, which no other thread holds; no
            // other reference to it is alive on this thread (`place` calls no user code),
            // and a cycle takes only the bytes of the parity no op can read any more
            // (`take_objects`).
            let (mut l, mut f) = unsafe { (o.lists[parity(p)].get(), o.free.get()) };
            self.place(&mut l, &mut f, mark, value)
        } else {
            let s = &mut *lock(&self.shared);
            self.place(&mut s.lists[parity(p)], &mut s.free, mark, value)
        };
        // Only this thread writes its slot's counters.
        slot.mallocs
            .store(slot.mallocs.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
        slot.alloc_bytes.store(
            slot.alloc_bytes.load(Ordering::Relaxed) + size,
            Ordering::Relaxed,
        );
        // The handles in the value now live in GC memory: no longer roots. Made already,
        // the object is a root itself (the caller's handle) to a cycle that takes it first.
        // SAFETY: just made; the caller's handle does not exist yet, so nothing else
        // touches the value but the collector's shared reads.
        unsafe { &*b }.trace(&mut Tracer::for_heap(TraceOp::Unroot, self));
        drop(op);
        if let Some(bytes) = flushed {
            self.pace(bytes);
        }
        b
    }

    /// Moves a new object marked with epoch `mark` into a block from `free` (a large one into its own
    /// allocation, listed) and counts it in `l`; returns it, and the heap's bytes if `l`
    /// passed its own on.
    #[inline(always)]
    fn place<T: Trace>(
        &self,
        l: &mut Listed,
        free: &mut Free,
        mark: Epoch,
        value: T,
    ) -> (*mut T, Option<u64>) {
        let vt = GcBox::<T>::VT;
        let b: *mut T = if vt.class == 0 {
            let layout = GcBox::<T>::LARGE;
            // SAFETY: a non-zero size (the header's at least).
            let base = unsafe { std::alloc::alloc(layout) };
            if base.is_null() {
                std::alloc::handle_alloc_error(layout);
            }
            SYS_BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
            // SAFETY: `LARGE` holds the header right before a value `LARGE_AT` bytes in,
            // aligned for both (`LARGE_AT` is a multiple of 8 and of the value's
            // alignment); the memory is ours alone.
            let b = unsafe {
                let b = base.add(GcBox::<T>::LARGE_AT).cast::<T>();
                b.cast::<u8>()
                    .sub(LARGE_HEADER)
                    .cast::<LargeHeader>()
                    .write(LargeHeader {
                        heap: self,
                        vt,
                        meta: Meta(AtomicU8::new(Meta::made(mark))),
                    });
                b.write(value);
                b
            };
            llock(&self.large).push(GcBox::<T>::obj(b));
            b
        } else {
            let b = self.block(free, vt);
            let (at, len) = body(b, vt.class);
            crate::asan::unpoison(at, len);
            let b = b.cast::<T>();
            // SAFETY: a free block of this class, ours alone: at least `size_of::<T>()`
            // bytes, aligned for it (`class_of` admits alignments up to 16, and a
            // 16-aligned type's class steps by multiples of 16 from a 16-aligned first
            // block). A cycle's walk may read its `Meta` meanwhile (`FREE`: skipped), never
            // the rest, until it reads the `Meta` stored last here, with release: the
            // object is whole then.
            unsafe {
                b.write(value);
                (*GcBox::<T>::meta(b))
                    .0
                    .store(Meta::made(mark), Ordering::Release);
            }
            b
        };
        l.bytes += vt.size as u64;
        let flushed = (l.bytes >= FLUSH_BYTES).then(|| self.flush(l));
        (b, flushed)
    }

    /// A free block for an object of type `vt` from the shard's chain, a central one, or a
    /// new chunk. The first inline (the allocation path), the refill out of line.
    #[inline(always)]
    fn block(&self, free: &mut Free, vt: &'static VTable) -> *mut Block {
        let e = &mut free.0[free_slot(vt)];
        if e.0 != vt as *const VTable as usize || e.1.is_null() {
            self.refill(e, vt);
        }
        let b = e.1;
        // SAFETY: a free block on the shard's chain (the shard is ours: `Heap::alloc`),
        // linked to the next one.
        e.1 = unsafe { (*b).next };
        b
    }

    /// Fills the shard's slot `e` with a chain of free blocks of type `vt`: one a sweep
    /// freed, or a new chunk's; first gives back the chain of another type the slot held.
    #[cold]
    #[inline(never)]
    fn refill(&self, e: &mut (usize, *mut Block), vt: &'static VTable) {
        let key = vt as *const VTable as usize;
        let mut central = lock(&self.central);
        if !e.1.is_null() {
            central.entry(e.0).or_default().push(e.1);
        }
        let head = central.get_mut(&key).and_then(Vec::pop);
        drop(central);
        *e = (key, head.unwrap_or_else(|| self.carve(vt)));
    }

    /// A new chunk for objects of type `vt`, cut into free blocks, linked; returns the
    /// first.
    #[cold]
    fn carve(&self, vt: &'static VTable) -> *mut Block {
        let class = vt.class;
        let chunk = map_chunk();
        let size = (class * CLASS_BYTES) as u64;
        // SAFETY: a fresh chunk, ours alone; its header lies in its first bytes.
        unsafe {
            chunk.cast::<ChunkHeader>().write(ChunkHeader {
                heap: self,
                vt,
                class,
                magic: (1u64 << 32).div_ceil(size),
            })
        };
        let n = LAYOUTS[class].0;
        assert!(n > 0, "gc: a model's object outgrew its chunk");
        for i in 0..n {
            let next = if i + 1 < n {
                block_at(chunk, class, i + 1)
            } else {
                core::ptr::null_mut()
            };
            // SAFETY: `Meta` `i < n` lies between the header and the first block, and
            // block `i` inside the chunk past them, 8-aligned (the step and the first
            // block's offset are); all unused.
            unsafe {
                metas(chunk).add(i).write(Meta(AtomicU8::new(FREE)));
                block_at(chunk, class, i).write(Block { next });
            }
            let (at, len) = body(block_at(chunk, class, i), class);
            crate::asan::poison(at, len);
        }
        // Listed once its blocks are written: a cycle walks the chunks it finds here.
        llock(&self.chunks).push(chunk);
        block_at(chunk, class, 0)
    }

    /// After an allocation grew the heap to `bytes`: at the goal, asks for a cycle and helps
    /// mark the one running (see the header).
    fn pace(&self, bytes: u64) {
        if gc_percent() < 0 {
            return;
        }
        let next = goal(self.live.load(Ordering::Relaxed));
        if bytes >= next {
            super::collect::request(self);
            super::mark::assist(self, bytes, next);
        }
    }

    /// Adds the bytes list `l` gathered to the heap's; returns the heap's bytes after.
    fn flush(&self, l: &mut Listed) -> u64 {
        let b = core::mem::take(&mut l.bytes);
        self.bytes.fetch_add(b, Ordering::Relaxed) + b
    }

    /// Takes what the cycle marking with phase `p` walks (`mark::Objects`): the chunks made
    /// so far and the large objects listed, and adds the bytes counted under the other
    /// parity to the heap's. Called once per cycle, after the handshake that follows the
    /// phase change (`mark::take`): every op that read the previous epoch has ended, every
    /// later one reads this epoch or a later one (not before this cycle is swept), so no
    /// thread counts under that parity meanwhile, and whatever is made from now on is
    /// marked with this epoch.
    pub(crate) fn take_objects(&self, p: u64) -> Objects {
        let old = 1 - parity(p);
        for o in &self.owned {
            // SAFETY: its owner counts only under the other parity now (see above); the
            // owner's ops that used this one happen before (the handshake's acquire of
            // their end), and its next use of it after (its acquire of a later phase).
            self.flush(&mut *unsafe { o.lists[old].get() });
        }
        self.flush(&mut lock(&self.shared).lists[old]);
        let chunks = llock(&self.chunks).clone();
        let large = core::mem::take(&mut *llock(&self.large));
        Objects::new(chunks, large)
    }

    /// Lists again the large objects a sweep kept.
    pub(crate) fn put_back(&self, live: Vec<Obj>) {
        let mut k = llock(&self.large);
        if k.is_empty() {
            *k = live;
        } else {
            k.extend(live);
        }
    }

    /// Marks `o` (whose `Meta` is `h`) with `epoch` and queues it for the collector,
    /// unless done already. The barrier's half (`Meta::root_moved`).
    #[cold]
    pub(crate) fn shade(&self, o: Obj, h: &Meta, epoch: Epoch) {
        if h.mark(epoch) {
            self.grey().push((o.bits(), epoch));
        }
    }

    /// The barrier's queue.
    pub(crate) fn grey(&self) -> crate::loom::MutexGuard<'_, Vec<(usize, Epoch)>> {
        self.grey.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The end of the scope: every object is freed, exactly once. No handle is left: the
    /// scope's goroutines are joined and its brand kept every handle inside it.
    pub(crate) fn destroy(&self) {
        let me = self as *const Heap as usize;
        lock(&HEAPS).retain(|&h| h != me);
        // Waits for a cycle the collector is running on this heap.
        let _c = lock(&self.cycle);
        let mut large = core::mem::take(&mut *llock(&self.large));
        // A cycle an allocation started may hold some, unswept.
        if let Some(w) = self.work.lock().unwrap_or_else(|e| e.into_inner()).take() {
            large.extend_from_slice(&w.objects.large);
        }
        for l in self.owned.iter().flat_map(|o| &o.lists) {
            // SAFETY: the scope's threads are done: no thread allocates any more.
            self.flush(&mut *unsafe { l.get() });
        }
        for l in &mut lock(&self.shared).lists {
            self.flush(l);
        }
        // Every block is free or an object now; all go.
        let chunks = llock(&self.chunks).clone();
        let all = Objects::new(chunks, large).sweep(None).dead;
        let (freed, panicked) = self.free_all(&all);
        self.bytes.fetch_sub(freed, Ordering::Relaxed);
        for c in core::mem::take(&mut *llock(&self.chunks)) {
            // SAFETY: mapped by `carve`; every block in it is free now (every object was
            // freed above), and nothing links to them any more.
            unsafe { unmap_chunk(c) };
        }
        if let Some(p) = panicked {
            // On the scope's own thread: its caller sees the destructor's panic.
            std::panic::resume_unwind(p);
        }
    }

    /// Frees dead `objects`, all marked `DYING`, in two passes (values, then memory: a
    /// destructor never meets freed memory); returns their bytes, and the first panic of
    /// a destructor (the others still run, and every object is freed).
    pub(crate) fn free_all(&self, objects: &[Obj]) -> (u64, Option<Box<dyn std::any::Any + Send>>) {
        let mut panicked = None;
        for &o in objects {
            // SAFETY: each is a dying object no longer listed anywhere.
            let vt = unsafe { o.vt() };
            if !vt.needs_drop {
                continue;
            }
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                // SAFETY: its value is dropped once, here (a panicking drop counts: the
                // value is not touched again).
                unsafe { (vt.drop_value)(o.value()) }
            }));
            if let Err(p) = r {
                panicked.get_or_insert(p);
            }
        }
        let mut bytes = 0u64;
        if cfg!(goro_loom) {
            // Models keep freed objects' `Meta`s readable (condemned): a handle still in
            // use then fails its `check_alive` instead of reading reused memory.
            // SAFETY: dying objects stay allocated here (leaked).
            let bytes = objects.iter().map(|&o| unsafe { o.vt() }.size as u64);
            return (bytes.sum(), panicked);
        }
        // Chains by type; the one being built aside (a sweep meets a chunk's blocks, all of
        // one type, in a row).
        let mut chains = Chains::new();
        let mut cur: (usize, *mut Block) = (0, core::ptr::null_mut());
        for &o in objects {
            // SAFETY: each value was dropped above; each object is freed once, here: a
            // small one's block goes on a chain of its type, a large one to the global
            // allocator. Nothing else touches a dying block (no cycle walks while this one
            // sweeps).
            unsafe {
                let vt = o.vt();
                bytes += vt.size as u64;
                if o.is_large() {
                    (vt.dealloc)(o.value());
                } else {
                    let key = vt as *const VTable as usize;
                    if key != cur.0 {
                        if !cur.1.is_null() {
                            chains.entry(cur.0).or_default().push(cur.1);
                        }
                        cur = (key, core::ptr::null_mut());
                    }
                    let b = o.value().cast::<Block>();
                    (&raw mut (*b).next).write(cur.1);
                    (*o.meta()).0.store(FREE, Ordering::Relaxed);
                    let (at, len) = body(b, vt.class);
                    crate::asan::poison(at, len);
                    cur.1 = b;
                }
            }
        }
        if !cur.1.is_null() {
            chains.entry(cur.0).or_default().push(cur.1);
        }
        let mut central = lock(&self.central);
        for (vt, chain) in chains {
            central.entry(vt).or_default().extend(chain);
        }
        drop(central);
        // Release: `read_mem_stats` reads these first, then the allocation counters, and
        // must see every freed object's allocation counted.
        STATS.freed_bytes.fetch_add(bytes, Ordering::Release);
        STATS
            .frees
            .fetch_add(objects.len() as u64, Ordering::Release);
        (bytes, panicked)
    }
}

/// A fresh `CHUNK`-byte mapping aligned to `CHUNK`, whose pages are committed as they are
/// first touched. Mapped directly, not from the global allocator: an aligned request there
/// leaves allocator metadata in pages beside the chunk, and memory freed by `destroy` goes
/// back to the system.
fn map_chunk() -> *mut u8 {
    if cfg!(goro_loom) {
        // Models' chunks are smaller than a page.
        let layout = std::alloc::Layout::from_size_align(CHUNK, CHUNK).expect("a chunk");
        // SAFETY: a non-zero size.
        let c = unsafe { std::alloc::alloc(layout) };
        if c.is_null() {
            std::alloc::handle_alloc_error(layout);
        }
        return c;
    }
    let len = 2 * CHUNK;
    let start = crate::stack::map_noreserve(len).unwrap_or_else(|e| {
        crate::panic::throw(&format!(
            "gc: cannot map a {} KiB heap chunk: {e}",
            CHUNK >> 10
        ))
    });
    let at = start.next_multiple_of(CHUNK);
    SYS_BYTES.fetch_add(CHUNK as u64, Ordering::Relaxed);
    // SAFETY: both ranges lie inside the mapping just made, which nothing uses yet: the
    // part before the aligned chunk and the part after it.
    unsafe {
        if at > start {
            libc::munmap(start as *mut libc::c_void, at - start);
        }
        let end = start + len;
        if end > at + CHUNK {
            libc::munmap((at + CHUNK) as *mut libc::c_void, end - (at + CHUNK));
        }
    }
    at as *mut u8
}

/// # Safety
/// `c` was returned by `map_chunk`, and nothing uses its memory any more.
unsafe fn unmap_chunk(c: *mut u8) {
    // Free blocks' bodies are poisoned; whatever is mapped here next is not.
    crate::asan::unpoison(c as usize, CHUNK);
    if cfg!(goro_loom) {
        let layout = std::alloc::Layout::from_size_align(CHUNK, CHUNK).expect("a chunk");
        // SAFETY: per the contract, allocated by `map_chunk` with this layout.
        unsafe { std::alloc::dealloc(c, layout) };
        return;
    }
    // SAFETY: per the contract, a mapping of ours of exactly this length.
    unsafe { libc::munmap(c.cast(), CHUNK) };
    SYS_BYTES.fetch_sub(CHUNK as u64, Ordering::Relaxed);
}

/// Total objects and bytes ever allocated (every thread's slot).
pub(crate) fn mallocs() -> (u64, u64) {
    (
        barrier::sum(|s| s.mallocs.load(Ordering::Relaxed)),
        barrier::sum(|s| s.alloc_bytes.load(Ordering::Relaxed)),
    )
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// `lock`, for a lock models see (what publishes chunks and large objects to a cycle).
fn llock<T>(m: &crate::loom::Mutex<T>) -> crate::loom::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(all(test, not(goro_loom)))]
mod tests {
    use super::*;

    #[repr(align(16))]
    struct Wide(#[allow(dead_code, reason = "only its layout matters")] [u8; 16]);
    // SAFETY: holds no handle.
    unsafe impl Trace for Wide {
        fn trace(&self, _: &mut Tracer) {}
    }

    #[test]
    fn objects_take_their_size_class_and_keep_their_alignment() {
        assert_eq!(size_of::<Meta>(), 1);
        // A 16-byte value: 16 bytes in its block (24 with an 8-byte header in it, 40 with
        // the heap's address and the type's table there too), and 2 in its chunk's table.
        assert_eq!(GcBox::<[u64; 2]>::VT.size, 16);
        let (n, first) = chunk_layout(GcBox::<[u64; 2]>::CLASS);
        assert_eq!(n, 3853, "a 64 KiB chunk holds 3853 such objects");
        assert!(first + n * 16 <= CHUNK && first >= size_of::<ChunkHeader>() + n);
        // At least a free block's size (its link).
        assert_eq!(GcBox::<u8>::VT.size, 8);
        assert_eq!(GcBox::<()>::VT.size, 8);
        // Past the largest class: the global allocator's, at its own size and its header.
        assert_eq!(GcBox::<[u8; 300]>::VT.class, 0);
        assert_eq!(GcBox::<[u8; 300]>::VT.size, 300 + LARGE_HEADER);
        let heap = Heap::new();
        // Blocks of a 16-aligned type's class are 16-aligned, the first and every later
        // one (the class steps by a multiple of 16); 8-byte classes interleave meanwhile.
        let mut made = Vec::new();
        for i in 0..5000u64 {
            let w = heap.alloc(Wide([0; 16]));
            assert_eq!(w as usize % 16, 0, "allocation {i} misaligned");
            made.push(w as usize);
            made.push(heap.alloc(i) as usize);
        }
        made.sort_unstable();
        made.dedup();
        assert_eq!(made.len(), 10_000, "a block was handed out twice");
        // No handle was made from these objects: `destroy` frees them all.
        heap.destroy();
    }

    #[repr(align(64))]
    struct Line([u64; 8]);
    // SAFETY: holds no handle.
    unsafe impl Trace for Line {
        fn trace(&self, _: &mut Tracer) {}
    }

    #[test]
    fn every_object_finds_its_heap_from_its_address() {
        let heaps = [Heap::new(), Heap::new()];
        for round in 0..3000u64 {
            for (k, heap) in heaps.iter().enumerate() {
                let me: *const Heap = heap;
                let small = heap.alloc([round; 2]);
                // SAFETY: just made by this heap, alive until `destroy`.
                assert_eq!(unsafe { GcBox::heap(small) }, me, "small object {round}");
                let big = heap.alloc([round as u8; 300]);
                // SAFETY: as above.
                assert_eq!(unsafe { GcBox::heap(big) }, me, "large object {round}");
                // A large, over-aligned one keeps its alignment behind the heap's address.
                let line = heap.alloc(Line([round + k as u64; 8]));
                assert_eq!(line as usize % 64, 0, "large object {round} misaligned");
                // Classes whose block size does not divide a power of two: the erased
                // `Meta` lookup (a multiplication by the chunk's `magic`) finds the same.
                let odd = heap.alloc([round as u8; 24]);
                let odder = heap.alloc([round; 29]);
                // SAFETY: as above; erased, as the collector sees it.
                unsafe {
                    assert_eq!(heap_of(line.cast(), GcBox::<Line>::CLASS), me);
                    let o = GcBox::obj(line);
                    assert!(o.is_large());
                    assert!(core::ptr::eq(o.vt(), GcBox::<Line>::VT));
                    assert_eq!(o.value(), line.cast());
                    assert_eq!(o.meta(), GcBox::meta(line));
                    let o = GcBox::obj(small);
                    assert!(core::ptr::eq(o.vt(), GcBox::<[u64; 2]>::VT));
                    assert_eq!(o.value(), small.cast());
                    assert_eq!(o.meta(), GcBox::meta(small));
                    assert_eq!(GcBox::obj(odd).meta(), GcBox::meta(odd));
                    assert_eq!(GcBox::obj(odder).meta(), GcBox::meta(odder));
                    assert_eq!((*line).0[7], round + k as u64);
                    assert_eq!((*big)[299], round as u8);
                    assert_eq!((*odder)[28], round);
                    // Each object's `Meta` is its own: made with one root, marked.
                    assert_eq!((*GcBox::meta(odder)).load(Ordering::Relaxed) >> 2, 1);
                    assert!((*GcBox::meta(odd)).load(Ordering::Relaxed) & STATE >= 2);
                }
            }
        }
        for heap in &heaps {
            heap.destroy();
        }
    }
}
