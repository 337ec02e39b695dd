//! Read counts spread over cache lines, for an `RWMutex` whose readers run on several threads
//! at once. goro's own; Go's RWMutex keeps one count (golang/go#17973: it does not scale
//! with CPUs).
//!
//! Go's read lock is one atomic add on `readerCount`, a word that every reader on every
//! thread writes: two threads reading at once pass its cache line back and forth at each
//! `RLock` and `RUnlock`. Go mostly escapes this in read-mostly programs: readers woken by a
//! writer are queued on the writer's P, so they end up sharing one processor. Under thread
//! affinity a started goroutine keeps its thread, the readers stay spread out, and the count
//! has to scale instead (rwmutex_read99 with its workers split over two threads: 9 ns/op
//! with one count, 5 when they happen to share a thread).
//!
//! So once readers of one `RWMutex` have been seen inside together a few times
//! (`OVERLAPS`), it gets `Slots`: a read count per group of threads, each on a line of its
//! own. A reader with a guard adds 1 to its thread's slot, then checks the slots' `writer`
//! flag; a writer announces itself as in Go (on `reader_count`, for readers without a
//! slot), sets `writer`, and waits for the slots to sum to zero. Both sides are SeqCst
//! (Dekker): either the reader sees the flag, or the writer's sum sees the reader. A reader
//! that sees the flag takes its 1 back, watches the flag for a while (the writer's critical
//! section is usually shorter than a wake-up), then waits the Go way, on `reader_count`.
//! The flag sits on the line readers read anyway (with `mask` and `counts`), away from the
//! line writers work on (the writers' `Mutex`, `reader_count`), so a write costs readers
//! one miss to see the flag set and one to see it clear.
//!
//! Slots are added under the writers' `Mutex`, so every writer that takes it afterwards
//! sees them and raises the flag; a writer holding it when a reader wants to add them
//! makes the reader try again later.
//!
//! Waking the writer: it sets `wait` and sums again; a leaving reader that finds `wait` set
//! swaps it to 0 and releases `sem` once. The writer leaves only with `wait` back at 0 and
//! `sem` empty (it takes the release of a reader that beat it to `wait`), so the next
//! writer starts clean.

use crate::g::WaitReason;
use crate::loom::atomic::{AtomicI32, AtomicU32, Ordering};
use crate::sema::{Killed, semacquire, semrelease};

/// Overlapping readers seen (a reader arriving while another is inside) before a lock gets
/// slots: one overlap says little, a stream of them says readers run in parallel.
pub(super) const OVERLAPS: u32 = 64;
/// Most slots per lock: 128 bytes each.
const MAX_SLOTS: usize = 8;

/// One slot's count, alone on its line (128 bytes: the adjacent-line prefetcher pairs
/// 64-byte lines on x86).
#[repr(align(128))]
struct Line(AtomicI32);

/// The spread-out read counts of one `RWMutex`.
pub(super) struct Slots {
    /// 1 while a writer holds the lock or waits for it (its announcement to slot readers).
    pub(super) writer: AtomicU32,
    /// 1 while a writer waits for the slots to drain (or is about to).
    wait: AtomicU32,
    /// The draining writer parks here; the reader that swaps `wait` to 0 releases it.
    pub(super) sem: AtomicU32,
    /// `counts.len() - 1` (a power of two).
    mask: usize,
    counts: Box<[Line]>,
}

impl Slots {
    /// Slots for a machine with `ncpu` CPUs: one per CPU, at most `MAX_SLOTS`.
    pub(super) fn new(ncpu: usize) -> Slots {
        let n = ncpu.clamp(2, MAX_SLOTS).next_power_of_two();
        Slots {
            writer: AtomicU32::new(0),
            wait: AtomicU32::new(0),
            sem: AtomicU32::new(0),
            mask: n - 1,
            counts: (0..n).map(|_| Line(AtomicI32::new(0))).collect(),
        }
    }

    /// Adds a reader on the calling thread's slot and returns the slot, or `None` if a
    /// writer holds or wants the lock for longer than a short spin (the caller then waits
    /// the Go way).
    #[inline]
    pub(super) fn enter(&self) -> Option<usize> {
        let i = thread_index() & self.mask;
        if self.try_enter(i) {
            return Some(i);
        }
        self.spin_for_writer(i)
    }

    #[inline]
    fn try_enter(&self, i: usize) -> bool {
        self.counts[i].0.fetch_add(1, Ordering::SeqCst);
        loom_sc_fence();
        // SeqCst with the writer's `announce` and sum (see the header). Acquire: the last
        // writer's `withdraw` orders its writes before our reads.
        if self.writer.load(Ordering::SeqCst) == 0 {
            return true;
        }
        self.leave(i);
        false
    }

    /// A writer is in: watch its flag (a load, no queueing) for a while, and enter as soon
    /// as it is gone.
    #[cold]
    fn spin_for_writer(&self, i: usize) -> Option<usize> {
        let mut n = 0;
        while crate::proc::can_spin(n) {
            for _ in 0..crate::proc::SYNC_ACTIVE_SPIN_CNT {
                crate::loom::hint::spin_loop();
                if self.writer.load(Ordering::Relaxed) == 0 && self.try_enter(i) {
                    return Some(i);
                }
            }
            n += 1;
        }
        None
    }

    /// A writer that holds the writers' `Mutex` and has announced itself on `reader_count`
    /// keeps slot readers out from now on; then it `drain`s.
    pub(super) fn announce(&self) {
        self.writer.store(1, Ordering::SeqCst);
        loom_sc_fence();
    }

    /// The writer is done (or gave up): slot readers may enter. Release: its writes come
    /// before their reads.
    pub(super) fn withdraw(&self) {
        self.writer.store(0, Ordering::Release);
    }

    /// Takes a reader off slot `i` (the one `enter` returned) and wakes a draining writer.
    #[inline]
    pub(super) fn leave(&self, i: usize) {
        // Release: our reads of the data come before a writer that sees the lower count.
        self.counts[i].0.fetch_sub(1, Ordering::SeqCst);
        loom_sc_fence();
        if self.wait.load(Ordering::SeqCst) != 0 {
            self.wake_writer();
        }
    }

    #[cold]
    fn wake_writer(&self) {
        if self.wait.swap(0, Ordering::SeqCst) == 1 {
            semrelease(&self.sem, false);
        }
    }

    /// Readers on the slots now. Exact for a writer that has announced itself: a reader it
    /// misses came in after the announcement, saw it, and is leaving again.
    fn sum(&self) -> i32 {
        self.counts
            .iter()
            .fold(0i32, |s, c| s.wrapping_add(c.0.load(Ordering::SeqCst)))
    }

    /// No reader on the slots (for a writer that has announced itself: see `sum`).
    pub(super) fn is_empty(&self) -> bool {
        self.sum() == 0
    }

    /// Waits until the readers on the slots have left; the caller has announced itself as
    /// a writer. `Err` if the runtime ended meanwhile (`wait` and `sem` are clean all the
    /// same: the unit taken was a reader's release).
    pub(super) fn drain(&self) -> Result<(), Killed> {
        if self.sum() == 0 {
            return Ok(());
        }
        // A reader inside leaves within nanoseconds: look after every pause, not after a
        // `Mutex` waiter's 30 (`proc::do_spin`), which made each such write wait most of a
        // microsecond (rwmutex_read99: 6.2 → 4.8 ns/op, spread 5.5-11 → 4.7-4.9).
        let mut i = 0;
        while crate::proc::can_spin(i) {
            for _ in 0..crate::proc::SYNC_ACTIVE_SPIN_CNT {
                crate::loom::hint::spin_loop();
                if self.sum() == 0 {
                    return Ok(());
                }
            }
            i += 1;
        }
        self.drain_slow()
    }

    #[cold]
    fn drain_slow(&self) -> Result<(), Killed> {
        loop {
            self.wait.store(1, Ordering::SeqCst);
            loom_sc_fence();
            if self.sum() == 0 {
                if self.wait.swap(0, Ordering::SeqCst) == 1 {
                    return Ok(());
                }
                // A reader swapped `wait` first: take its release, so `sem` stays empty.
                return semacquire(&self.sem, false, WaitReason::SyncRWMutexLock);
            }
            // A reader is inside: the last one out swaps `wait` and releases us.
            semacquire(&self.sem, false, WaitReason::SyncRWMutexLock)?;
        }
    }
}

/// Nothing: the SeqCst accesses on either side are already in one total order. loom
/// models SeqCst accesses as acquire/release only, so its models need the fence spelled
/// out (as `note.rs` does).
#[inline(always)]
fn loom_sc_fence() {
    #[cfg(goro_loom)]
    crate::loom::atomic::fence(Ordering::SeqCst);
}

/// The calling thread's index: its M's number on a runtime's thread (a runtime's first Ms
/// get slots of their own), else its rank among the plain threads that read-locked a
/// slotted `RWMutex`. A goroutine never changes threads, so its guard's slot is its
/// thread's.
#[cfg(not(goro_loom))]
#[inline]
fn thread_index() -> usize {
    use crate::loom::static_atomic::AtomicUsize;
    use core::cell::Cell;
    let m = crate::tls::getm();
    if !m.is_null() {
        // SAFETY: a non-null TLS M is this thread's live M.
        return unsafe { (*m).id } as usize;
    }
    std::thread_local! {
        static INDEX: Cell<usize> = const { Cell::new(usize::MAX) };
    }
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    INDEX.with(|c| {
        let mut i = c.get();
        if i == usize::MAX {
            i = NEXT.fetch_add(1, Ordering::Relaxed);
            c.set(i);
        }
        i
    })
}

/// Under loom: the model thread's number (deterministic, so every execution picks the
/// same slots; the main thread and the first spawned one get different slots).
#[cfg(goro_loom)]
fn thread_index() -> usize {
    let id = format!("{:?}", loom::thread::current().id()); // "ThreadId(N)"
    id.trim_start_matches("ThreadId(")
        .trim_end_matches(')')
        .parse()
        .unwrap_or(0)
}
