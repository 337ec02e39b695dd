//! `RWMutex<T>`: Go's sync.RWMutex, with the data it guards. Go: sync/rwmutex.go.
//!
//! Fields as Go's: `w` (a `Mutex` writers take first, so one writer at a time proceeds),
//! `writer_sem` (the pending writer waits here for the readers it found active),
//! `reader_sem` (readers wait here for the writer), `reader_count` (readers holding or
//! waiting; `MAX_READERS` is subtracted while a writer is pending or holding, so a negative
//! count tells an arriving reader to wait), `reader_wait` (the readers a pending writer
//! still waits for).
//!
//! Writers are not starved: once a writer has subtracted `MAX_READERS`, new readers queue
//! behind it; it waits only for the readers that were active then (`reader_wait`), and on
//! unlock releases exactly the readers that queued meanwhile (the count it adds back).
//!
//! A waiter whose runtime ends while it is parked finishes acquiring (the unit it waits for
//! is owed to it), releases, then unwinds (`sema.rs`), so the others are not stuck.
//!
//! goro's own: a lock whose readers are seen inside together spreads the read count of its
//! guards over per-thread slots (`readerslots.rs`), so readers on different threads do not
//! share a cache line; writers then wait for the slots to drain as well. The Go-style
//! `rlock`/`runlock` and `try_read` keep Go's single count.

use super::mutex::RawMutex;
use super::readerslots::{OVERLAPS, Slots};
use crate::g::WaitReason;
use crate::loom::atomic::{AtomicI32, AtomicPtr, AtomicU32, Ordering};
use crate::sema::{Killed, cansemacquire, semacquire, semrelease};
use core::cell::UnsafeCell;
use core::fmt;
use core::marker::PhantomData;
use core::ops::{Deref, DerefMut};

/// The most readers at once. Go: rwmutexMaxReaders.
const MAX_READERS: i32 = 1 << 30;

/// Go's fatal text for releasing a read lock nobody holds.
pub const RUNLOCK_OF_UNLOCKED: &str = "sync: RUnlock of unlocked RWMutex";
/// Go's fatal text for releasing a write lock nobody holds.
pub const UNLOCK_OF_UNLOCKED_RW: &str = "sync: Unlock of unlocked RWMutex";

/// The lock of an [`RWMutex`], without data. Go: sync.RWMutex.
struct RawRWMutex {
    w: RawMutex,
    writer_sem: AtomicU32,
    reader_sem: AtomicU32,
    reader_count: AtomicI32,
    reader_wait: AtomicI32,
    /// Null until readers overlap `OVERLAPS` times (counted in `overlaps`); then the slots,
    /// set once under `w` and freed with the lock.
    slots: AtomicPtr<Slots>,
    overlaps: AtomicU32,
}

/// A guard's read lock: on `reader_count` (Go's) or on a slot.
const INLINE: usize = usize::MAX;

impl RawRWMutex {
    #[cfg(not(goro_loom))]
    const fn new() -> RawRWMutex {
        RawRWMutex {
            w: RawMutex::new(),
            writer_sem: AtomicU32::new(0),
            reader_sem: AtomicU32::new(0),
            reader_count: AtomicI32::new(0),
            reader_wait: AtomicI32::new(0),
            slots: AtomicPtr::new(core::ptr::null_mut()),
            overlaps: AtomicU32::new(0),
        }
    }

    #[cfg(goro_loom)]
    fn new() -> RawRWMutex {
        RawRWMutex {
            w: RawMutex::new(),
            writer_sem: AtomicU32::new(0),
            reader_sem: AtomicU32::new(0),
            reader_count: AtomicI32::new(0),
            reader_wait: AtomicI32::new(0),
            slots: AtomicPtr::new(core::ptr::null_mut()),
            overlaps: AtomicU32::new(0),
        }
    }

    /// A guard's read lock: on this thread's slot if the lock has slots and no writer is
    /// pending, else Go's. Returns the slot, or `INLINE`.
    #[inline]
    fn read_lock(&self) -> usize {
        #[cfg(not(goro_loom))]
        crate::park::preempt_point();
        if let Some(i) = self.slots().and_then(Slots::enter) {
            return i;
        }
        self.rlock_counted();
        INLINE
    }

    /// Releases a guard's read lock taken by `read_lock`.
    #[inline]
    fn read_unlock(&self, slot: usize) {
        if slot == INLINE {
            self.runlock();
        } else {
            // A slot was given out: the slots exist.
            self.slots().expect("slot without slots").leave(slot);
        }
    }

    /// Go: RWMutex.RLock. A scheduling point, as `Mutex::lock` is.
    #[inline]
    fn rlock(&self) {
        #[cfg(not(goro_loom))]
        crate::park::preempt_point();
        self.rlock_counted();
    }

    /// `rlock` past its scheduling point: Go's read lock on `reader_count`.
    #[inline]
    fn rlock_counted(&self) {
        let c = self.reader_count.fetch_add(1, Ordering::Acquire) + 1;
        if c < 0 {
            // A writer is pending: wait for its unlock, which releases us.
            if let Err(k) = spin_then_semacquire(&self.reader_sem, WaitReason::SyncRWMutexRLock) {
                self.runlock();
                k.resume();
            }
        } else if c > 1 {
            self.overlapped();
        }
    }

    /// Another reader was inside when one arrived: after `OVERLAPS` of these (on a machine
    /// where readers can run in parallel) the lock gets slots.
    #[cold]
    fn overlapped(&self) {
        if !self.slots.load(Ordering::Relaxed).is_null()
            || (crate::proc::ncpu() <= 1 && !cfg!(goro_loom))
            || self.overlaps.fetch_add(1, Ordering::Relaxed) + 1 != OVERLAPS
        {
            return;
        }
        self.add_slots();
    }

    /// Gives the lock its slots, under the writers' `Mutex` (so every later writer sees
    /// them); if a writer holds it, a later overlap tries again.
    fn add_slots(&self) {
        if !self.w.try_lock() {
            self.overlaps.fetch_sub(1, Ordering::Relaxed);
            return;
        }
        if self.slots.load(Ordering::Relaxed).is_null() {
            let new = Box::into_raw(Box::new(Slots::new(crate::proc::ncpu())));
            // Release: a reader that loads the pointer sees initialised slots; the `Mutex`
            // orders it before every later writer's load.
            self.slots.store(new, Ordering::Release);
        }
        self.w.unlock();
    }

    /// The slots, if the lock has them.
    #[inline]
    fn slots(&self) -> Option<&Slots> {
        // SAFETY: set once, freed only when the lock drops (`&self` keeps it alive).
        unsafe { self.slots.load(Ordering::Acquire).as_ref() }
    }

    /// Go: RWMutex.TryRLock.
    fn try_rlock(&self) -> bool {
        let mut c = self.reader_count.load(Ordering::Relaxed);
        loop {
            if c < 0 {
                return false;
            }
            match self.reader_count.compare_exchange_weak(
                c,
                c + 1,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(now) => c = now,
            }
        }
    }

    /// Go: RWMutex.RUnlock.
    #[inline]
    fn runlock(&self) {
        let r = self.reader_count.fetch_sub(1, Ordering::Release) - 1;
        if r < 0 {
            self.runlock_slow(r);
        }
    }

    #[cold]
    fn runlock_slow(&self, r: i32) {
        if r + 1 == 0 || r + 1 == -MAX_READERS {
            crate::panic::fatal(RUNLOCK_OF_UNLOCKED);
        }
        // A writer is pending: the last reader it waits for lets it in.
        if self.reader_wait.fetch_sub(1, Ordering::AcqRel) - 1 == 0 {
            semrelease(&self.writer_sem, false);
        }
    }

    /// Go: RWMutex.Lock.
    fn lock(&self) {
        // First, beat the other writers.
        self.w.lock();
        // Then announce ourselves to readers.
        // (The count before: the readers active now.)
        let r = self.reader_count.fetch_sub(MAX_READERS, Ordering::AcqRel);
        // Readers on slots (goro's own) look at the slots' flag instead.
        let slots = self.slots();
        if let Some(s) = slots {
            s.announce();
        }
        // Wait for the readers active now.
        if r != 0
            && self.reader_wait.fetch_add(r, Ordering::AcqRel) + r != 0
            && let Err(k) = spin_then_semacquire(&self.writer_sem, WaitReason::SyncRWMutexLock)
        {
            self.unlock();
            k.resume();
        }
        // And for those on slots.
        if let Some(s) = slots
            && let Err(k) = s.drain()
        {
            self.unlock();
            k.resume();
        }
    }

    /// Go: RWMutex.TryLock.
    fn try_lock(&self) -> bool {
        if !self.w.try_lock() {
            return false;
        }
        if self
            .reader_count
            .compare_exchange(0, -MAX_READERS, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            self.w.unlock();
            return false;
        }
        if let Some(s) = self.slots() {
            s.announce();
            if !s.is_empty() {
                // Readers on slots: undo, releasing the readers that queued behind us.
                self.unlock();
                return false;
            }
        }
        true
    }

    /// Go: RWMutex.Unlock.
    fn unlock(&self) {
        // Tell readers there is no writer any more.
        let r = self.reader_count.fetch_add(MAX_READERS, Ordering::Release) + MAX_READERS;
        if r >= MAX_READERS {
            crate::panic::fatal(UNLOCK_OF_UNLOCKED_RW);
        }
        if let Some(s) = self.slots() {
            s.withdraw();
        }
        // Let in the readers that queued behind us.
        for _ in 0..r {
            semrelease(&self.reader_sem, false);
        }
        // Let in the next writer.
        self.w.unlock();
    }
}

impl Drop for RawRWMutex {
    fn drop(&mut self) {
        let slots = self.slots.load(Ordering::Relaxed);
        if !slots.is_null() {
            // SAFETY: from Box::into_raw in `add_slots`; `&mut self`: nobody uses them now.
            drop(unsafe { Box::from_raw(slots) });
        }
    }
}

/// `semacquire`, after spinning as a `Mutex` waiter does while another processor runs
/// goroutines (`proc::can_spin`). goro's own: the other side (a writer about to unlock, the
/// last reader about to leave) usually takes well under a microsecond, and under thread
/// affinity a park here is woken from the other thread by a futex call, where Go queues the
/// woken goroutine on the waker's processor.
///
/// It looks after every pause, not after a `Mutex` waiter's 30 (`proc::do_spin`): what it
/// waits for takes nanoseconds, and 30 pauses are most of a microsecond on AMD's cores.
fn spin_then_semacquire(sem: &AtomicU32, reason: WaitReason) -> Result<(), Killed> {
    let mut i = 0;
    while crate::proc::can_spin(i) {
        for _ in 0..crate::proc::SYNC_ACTIVE_SPIN_CNT {
            crate::loom::hint::spin_loop();
            if sem.load(Ordering::Relaxed) != 0 && cansemacquire(sem) {
                return Ok(());
            }
        }
        i += 1;
    }
    semacquire(sem, false, reason)
}

/// A reader-writer lock that owns its data: Go's `sync.RWMutex`, with guards. Any number of
/// readers, or one writer. A blocked caller parks its goroutine (or plain thread).
///
/// As Go: once a writer is waiting, new readers wait behind it, so a stream of readers
/// cannot starve writers; the writer waits only for the readers already inside. Readers do
/// not nest safely: a reader that takes the read lock again while a writer waits deadlocks
/// (Go: the same). No poisoning.
///
/// `RWMutex<()>` also has Go's explicit `rlock`/`runlock`/`lock`/`unlock`, for verbatim
/// ports.
///
/// Unlike Go's, read-mostly locks scale with threads: once readers have been seen inside
/// together, the lock gives each thread's guards a read count on a cache line of its own
/// (one allocation of 256 bytes to 1 KiB, by CPU count, kept until the lock drops), so
/// readers on different threads no longer contend; writers then wait for those counts
/// too. The Go-style `rlock`/`runlock` and `try_read` keep Go's single count.
///
/// # Examples
/// ```
/// use goro::sync::RWMutex;
/// use std::collections::HashMap;
/// use std::sync::Arc;
///
/// goro::run(|| {
///     let m = Arc::new(RWMutex::new(HashMap::new()));
///     let w = m.clone();
///     goro::spawn(move || w.write().insert("go", 1)).join().unwrap();
///     assert_eq!(m.read().get("go"), Some(&1));
/// });
/// ```
pub struct RWMutex<T: ?Sized = ()> {
    raw: RawRWMutex,
    data: UnsafeCell<T>,
}

// SAFETY: the RWMutex owns its T; moving it moves the T.
unsafe impl<T: ?Sized + Send> Send for RWMutex<T> {}
// SAFETY: readers on several threads share `&T` at once (T: Sync); a writer gets `&mut T`
// on any thread (T: Send). The lock orders every access, as std's RwLock.
unsafe impl<T: ?Sized + Send + Sync> Sync for RWMutex<T> {}

/// Shared access to an [`RWMutex`]'s data; releases the read lock when dropped. `!Send`.
///
/// # Examples
/// ```
/// let m = goro::sync::RWMutex::new(5);
/// let (a, b) = (m.read(), m.read()); // readers share
/// assert_eq!(*a + *b, 10);
/// ```
#[must_use = "if unused the RWMutex will immediately unlock"]
pub struct RWMutexReadGuard<'a, T: ?Sized + 'a> {
    lock: &'a RWMutex<T>,
    /// Where the read lock is counted (`RawRWMutex::read_lock`).
    slot: usize,
    _not_send: PhantomData<*const ()>,
}

/// Exclusive access to an [`RWMutex`]'s data; releases the write lock when dropped.
/// `!Send`.
///
/// # Examples
/// ```
/// let m = goro::sync::RWMutex::new(5);
/// *m.write() += 1;
/// assert_eq!(*m.read(), 6);
/// ```
#[must_use = "if unused the RWMutex will immediately unlock"]
pub struct RWMutexWriteGuard<'a, T: ?Sized + 'a> {
    lock: &'a RWMutex<T>,
    _not_send: PhantomData<*const ()>,
}

impl<'a, T: ?Sized> RWMutexReadGuard<'a, T> {
    /// The lock this guard holds (for `Cond::wait`).
    pub(crate) fn rwmutex(&self) -> &'a RWMutex<T> {
        self.lock
    }
}

impl<'a, T: ?Sized> RWMutexWriteGuard<'a, T> {
    /// The lock this guard holds (for `Cond::wait`).
    pub(crate) fn rwmutex(&self) -> &'a RWMutex<T> {
        self.lock
    }
}

// SAFETY: both guards only give `&T` through a shared reference: shareable if T is Sync.
unsafe impl<T: ?Sized + Sync> Sync for RWMutexReadGuard<'_, T> {}
// SAFETY: as above.
unsafe impl<T: ?Sized + Sync> Sync for RWMutexWriteGuard<'_, T> {}

impl<T> RWMutex<T> {
    /// An unlocked RWMutex holding `value`; `const`, so it can be a `static`.
    ///
    /// # Examples
    /// ```
    /// static CONFIG: goro::sync::RWMutex<u32> = goro::sync::RWMutex::new(1);
    /// assert_eq!(*CONFIG.read(), 1);
    /// ```
    #[cfg(not(goro_loom))]
    pub const fn new(value: T) -> RWMutex<T> {
        RWMutex {
            raw: RawRWMutex::new(),
            data: UnsafeCell::new(value),
        }
    }

    /// An unlocked RWMutex holding `value` (loom build: not `const`).
    #[cfg(goro_loom)]
    pub fn new(value: T) -> RWMutex<T> {
        RWMutex {
            raw: RawRWMutex::new(),
            data: UnsafeCell::new(value),
        }
    }

    /// Consumes the lock and returns its data.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(goro::sync::RWMutex::new(3).into_inner(), 3);
    /// ```
    pub fn into_inner(self) -> T {
        self.data.into_inner()
    }
}

impl<T: ?Sized> RWMutex<T> {
    /// Takes the read lock, parking while a writer holds or waits for the lock. Go:
    /// `rw.RLock()` … `defer rw.RUnlock()`.
    ///
    /// # Examples
    /// ```
    /// let m = goro::sync::RWMutex::new(vec![1, 2]);
    /// assert_eq!(m.read().len(), 2);
    /// ```
    #[inline]
    pub fn read(&self) -> RWMutexReadGuard<'_, T> {
        let slot = self.raw.read_lock();
        RWMutexReadGuard {
            lock: self,
            slot,
            _not_send: PhantomData,
        }
    }

    /// Takes the write lock, parking while anyone holds the lock. Go: `rw.Lock()` …
    /// `defer rw.Unlock()`.
    ///
    /// # Examples
    /// ```
    /// let m = goro::sync::RWMutex::new(vec![1, 2]);
    /// m.write().push(3);
    /// assert_eq!(*m.read(), [1, 2, 3]);
    /// ```
    pub fn write(&self) -> RWMutexWriteGuard<'_, T> {
        self.raw.lock();
        RWMutexWriteGuard {
            lock: self,
            _not_send: PhantomData,
        }
    }

    /// Takes the read lock if that needs no waiting. Go: `rw.TryRLock()`.
    ///
    /// # Examples
    /// ```
    /// let m = goro::sync::RWMutex::new(0);
    /// let w = m.write();
    /// assert!(m.try_read().is_none());
    /// drop(w);
    /// assert!(m.try_read().is_some());
    /// ```
    pub fn try_read(&self) -> Option<RWMutexReadGuard<'_, T>> {
        self.raw.try_rlock().then(|| RWMutexReadGuard {
            lock: self,
            slot: INLINE,
            _not_send: PhantomData,
        })
    }

    /// Takes the write lock if that needs no waiting. Go: `rw.TryLock()`.
    ///
    /// # Examples
    /// ```
    /// let m = goro::sync::RWMutex::new(0);
    /// let r = m.read();
    /// assert!(m.try_write().is_none());
    /// drop(r);
    /// assert!(m.try_write().is_some());
    /// ```
    pub fn try_write(&self) -> Option<RWMutexWriteGuard<'_, T>> {
        self.raw.try_lock().then(|| RWMutexWriteGuard {
            lock: self,
            _not_send: PhantomData,
        })
    }

    /// A mutable reference to the data, without locking (`&mut self` proves exclusivity).
    ///
    /// # Examples
    /// ```
    /// let mut m = goro::sync::RWMutex::new(1);
    /// *m.get_mut() = 2;
    /// assert_eq!(*m.read(), 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        self.data.get_mut()
    }
}

#[cfg(test)]
impl<T: ?Sized> RWMutex<T> {
    /// Gives the lock its slots now (if no writer holds it), as `OVERLAPS` overlapping
    /// readers would.
    pub(crate) fn add_slots_for_test(&self) {
        self.raw.add_slots();
    }
}

impl RWMutex<()> {
    /// Go's `rw.RLock()` without a guard, for verbatim ports; pair with
    /// [`runlock`](RWMutex::runlock).
    ///
    /// # Examples
    /// ```
    /// static RW: goro::sync::RWMutex = goro::sync::RWMutex::new(());
    /// RW.rlock();
    /// assert!(RW.try_write().is_none());
    /// RW.runlock();
    /// assert!(RW.try_write().is_some());
    /// ```
    pub fn rlock(&self) {
        self.raw.rlock();
    }

    /// Go's `rw.RUnlock()`.
    ///
    /// # Panics
    /// Go's fatal error, which nothing recovers: without a read lock held, prints
    /// `fatal error: sync: RUnlock of unlocked RWMutex` and exits with status 2.
    ///
    /// # Examples
    /// ```
    /// let rw = goro::sync::RWMutex::new(());
    /// rw.rlock();
    /// rw.runlock();
    /// ```
    pub fn runlock(&self) {
        self.raw.runlock();
    }

    /// Go's `rw.Lock()` without a guard; pair with [`unlock`](RWMutex::unlock).
    ///
    /// # Examples
    /// ```
    /// let rw = goro::sync::RWMutex::new(());
    /// rw.lock();
    /// assert!(rw.try_read().is_none());
    /// rw.unlock();
    /// ```
    pub fn lock(&self) {
        self.raw.lock();
    }

    /// Go's `rw.Unlock()`.
    ///
    /// # Panics
    /// Go's fatal error: without the write lock held, prints
    /// `fatal error: sync: Unlock of unlocked RWMutex` and exits with status 2.
    ///
    /// # Examples
    /// ```
    /// let rw = goro::sync::RWMutex::new(());
    /// rw.lock();
    /// rw.unlock();
    /// assert!(rw.try_write().is_some());
    /// ```
    pub fn unlock(&self) {
        self.raw.unlock();
    }
}

impl<T: Default> Default for RWMutex<T> {
    fn default() -> RWMutex<T> {
        RWMutex::new(T::default())
    }
}

impl<T> From<T> for RWMutex<T> {
    fn from(value: T) -> RWMutex<T> {
        RWMutex::new(value)
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RWMutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("RWMutex");
        match self.try_read() {
            Some(g) => d.field("data", &&*g),
            None => d.field("data", &format_args!("<locked>")),
        };
        d.finish_non_exhaustive()
    }
}

impl<T: ?Sized> Deref for RWMutexReadGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the read lock is held: no writer has `&mut T` until it is released.
        unsafe { &*self.lock.data.get() }
    }
}

impl<T: ?Sized> Drop for RWMutexReadGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.raw.read_unlock(self.slot);
    }
}

impl<T: ?Sized> Deref for RWMutexWriteGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the write lock is held: nobody else has any reference to the data.
        unsafe { &*self.lock.data.get() }
    }
}

impl<T: ?Sized> DerefMut for RWMutexWriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`, and `&mut self` makes this the only use of the guard.
        unsafe { &mut *self.lock.data.get() }
    }
}

impl<T: ?Sized> Drop for RWMutexWriteGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.raw.unlock();
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RWMutexReadGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RWMutexWriteGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

#[cfg(all(test, not(goro_loom)))]
mod tests {
    use super::*;
    use crate::testutil::eventually;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicU64};
    use std::time::Duration;

    impl<T: ?Sized> RWMutex<T> {
        /// Gives the lock its slots now, as `OVERLAPS` overlapping readers would.
        fn force_slots(&self) -> &Slots {
            self.add_slots_for_test();
            self.raw
                .slots()
                .expect("no writer holds it: the slots were added")
        }
    }

    #[test]
    fn readers_inside_together_give_the_lock_slots_where_cpus_can_run_them_in_parallel() {
        let rw = RWMutex::new(1u32);
        for _ in 0..OVERLAPS - 1 {
            let (a, b) = (rw.read(), rw.read());
            assert_eq!(*a + *b, 2);
        }
        assert!(rw.raw.slots().is_none(), "slots before {OVERLAPS} overlaps");
        let (a, b) = (rw.read(), rw.read());
        assert_eq!((*a, *b), (1, 1));
        assert_eq!(
            rw.raw.slots().is_some(),
            crate::proc::ncpu() > 1,
            "slots after {OVERLAPS} overlaps on {} CPUs",
            crate::proc::ncpu()
        );
        drop((a, b));
        *rw.write() += 1; // a writer after them, slots or not
        assert_eq!(*rw.read(), 2);
    }

    #[test]
    fn a_writer_waits_for_a_reader_on_a_slot() {
        let rw = Arc::new(RWMutex::new(0u32));
        let slots = rw.force_slots();
        let r = rw.read();
        assert_ne!(
            r.slot, INLINE,
            "a guard reader of a slotted lock uses its slot"
        );
        let wrote = Arc::new(AtomicBool::new(false));
        let writer = std::thread::spawn({
            let (rw, wrote) = (rw.clone(), wrote.clone());
            move || {
                *rw.write() = 7;
                wrote.store(true, Ordering::SeqCst);
            }
        });
        eventually("the writer parked draining the slots", || {
            crate::sema::queued(&slots.sem) == 1
        });
        assert!(
            !wrote.load(Ordering::SeqCst),
            "the writer got in past a reader"
        );
        assert_eq!(*r, 0);
        assert!(
            rw.try_read().is_none(),
            "a reader got in past a pending writer"
        );
        drop(r);
        writer.join().unwrap();
        assert_eq!(*rw.read(), 7);
    }

    #[test]
    fn a_reader_waits_for_a_writer_of_a_slotted_lock_and_sees_its_write() {
        let rw = Arc::new(RWMutex::new(0u32));
        rw.force_slots();
        let mut w = rw.write();
        let reader = std::thread::spawn({
            let rw = rw.clone();
            move || *rw.read()
        });
        // Past its spin, it waits the Go way, counted in `reader_count`.
        eventually("the reader parked behind the writer", || {
            crate::sema::queued(&rw.raw.reader_sem) == 1
        });
        *w = 5;
        drop(w);
        assert_eq!(reader.join().unwrap(), 5);
        // It entered the Go way; its guard released it the same way.
        assert_eq!(rw.raw.reader_count.load(Ordering::SeqCst), 0);
        assert!(rw.try_write().is_some());
    }

    #[test]
    fn a_failed_try_write_lets_slot_readers_in_again() {
        let rw = RWMutex::new(0u32);
        let slots = rw.force_slots();
        let a = rw.read();
        assert!(
            rw.try_write().is_none(),
            "try_write got in past a slot reader"
        );
        assert_eq!(
            slots.writer.load(Ordering::SeqCst),
            0,
            "the failed writer's flag stayed"
        );
        let b = rw.read();
        assert_ne!(b.slot, INLINE, "the second reader had to wait the Go way");
        drop((a, b));
        assert!(rw.try_write().is_some());
    }

    #[test]
    fn go_style_readers_and_slot_readers_both_hold_off_a_writer() {
        let rw = Arc::new(RWMutex::new(()));
        rw.force_slots();
        rw.rlock(); // Go's count
        let guard = rw.read(); // a slot
        assert_ne!(guard.slot, INLINE);
        let (tx, rx) = std::sync::mpsc::channel();
        let writer = std::thread::spawn({
            let rw = rw.clone();
            move || {
                rw.lock();
                tx.send(()).unwrap();
                rw.unlock();
            }
        });
        eventually("the writer parked for the Go-style reader", || {
            crate::sema::queued(&rw.raw.writer_sem) == 1
        });
        rw.runlock();
        // Woken by the Go-style reader, it waits again, now for the slot reader.
        let slots = rw.raw.slots().unwrap();
        eventually("the writer parked for the slot reader", || {
            crate::sema::queued(&slots.sem) == 1
        });
        assert!(
            rx.try_recv().is_err(),
            "the writer got in past the slot reader"
        );
        drop(guard);
        rx.recv_timeout(Duration::from_secs(10))
            .expect("the writer never got in");
        writer.join().unwrap();
    }

    /// Writers rewrite every word of the data; a reader that ever sees two different words
    /// ran beside a writer. Goroutines on two Ps and plain threads, on a slotted lock.
    #[test]
    fn slot_readers_never_see_a_write_in_progress() {
        const WORDS: usize = 16;
        const OPS: u64 = 20_000;
        let rw = Arc::new(RWMutex::new([0u64; WORDS]));
        rw.force_slots();
        let writes = Arc::new(AtomicU64::new(0));
        let work = |rw: Arc<RWMutex<[u64; WORDS]>>, writes: Arc<AtomicU64>, seed: u64| {
            move || {
                for i in 0..OPS {
                    if (i + seed).is_multiple_of(10) {
                        let mut g = rw.write();
                        let v = g[0] + 1;
                        for w in g.iter_mut() {
                            *w = core::hint::black_box(v);
                        }
                        writes.fetch_add(1, Ordering::Relaxed);
                    } else {
                        let g = rw.read();
                        let first = g[0];
                        for w in g.iter() {
                            assert_eq!(core::hint::black_box(*w), first, "a torn read");
                        }
                    }
                }
            }
        };
        let threads: Vec<_> = (0..2)
            .map(|t| std::thread::spawn(work(rw.clone(), writes.clone(), t)))
            .collect();
        let two_ps = crate::entry::Options {
            gomaxprocs: 2,
            ..Default::default()
        };
        crate::entry::run_test_with(
            two_ps,
            || {
                let gs: Vec<_> = (0..4)
                    .map(|t| crate::spawn(work(rw.clone(), writes.clone(), t + 2)))
                    .collect();
                for g in gs {
                    g.join().unwrap();
                }
            },
            || (),
        );
        for t in threads {
            t.join().unwrap();
        }
        let g = rw.read();
        assert_eq!(g[0], writes.load(Ordering::Relaxed), "a write was lost");
        assert!(g.iter().all(|&w| w == g[0]));
    }
}
