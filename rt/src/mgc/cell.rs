//! `GcCell<'s, T>`: the way to mutate inside a GC object (`heap.rs` has the rooting rules).

use super::barrier::Op;
use super::heap::Heap;
use super::trace::{Trace, TraceOp, Tracer};
use crate::loom::atomic::AtomicIsize;
use core::cell::UnsafeCell;
use core::marker::PhantomData;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};

/// A `RefCell` for GC objects: `borrow()` shares, `borrow_mut()` is exclusive, and a
/// conflicting borrow panics (as `RefCell`'s). While mutably borrowed, the handles inside
/// are roots (they may be moved out); when the borrow ends, those left inside are not.
///
/// Unlike `RefCell` it is `Sync` (its borrow count is atomic), so objects holding cells can
/// be shared by goroutines: two goroutines borrowing one cell in conflicting ways at once
/// panic, as Go stops a program with `concurrent map writes` instead of racing. For
/// goroutines that take turns on a value, use [`GcMutex`], which waits.
///
/// # Examples
/// ```
/// use goro::gc::{self, GcCell};
/// gc::scope(|s| {
///     let list = s.alloc(GcCell::new(Vec::new()));
///     for i in 0..3 {
///         let item = s.alloc(i);
///         list.borrow_mut().push(item);
///     }
///     let sum: i32 = list.borrow().iter().map(|g| **g).sum();
///     assert_eq!(sum, 3);
/// });
/// ```
pub struct GcCell<'s, T: Trace> {
    place: Place,
    /// `RefCell`'s count: > 0 shared borrows, -1 a mutable one; plus `GC_READING` while the
    /// collector reads the value (a shared borrow that makes `borrow_mut` wait, not panic).
    borrow: AtomicIsize,
    value: UnsafeCell<T>,
    brand: PhantomData<fn(&'s ()) -> &'s ()>,
}

/// The collector's bit in `GcCell::borrow`.
const GC_READING: isize = 1 << (isize::BITS - 2);

// SAFETY: moving the cell moves `T`; nothing thread-bound is kept.
unsafe impl<T: Trace + Send> Send for GcCell<'_, T> {}
// SAFETY: the atomic count makes borrows exclusive across threads as within one: shared
// borrows hand out `&T` (so `T: Sync`), a mutable one `&mut T` on any thread (`T: Send`).
unsafe impl<T: Trace + Send + Sync> Sync for GcCell<'_, T> {}

impl<'s, T: Trace> GcCell<'s, T> {
    /// A cell holding `value` (its handles stay roots until the cell goes into an object).
    pub fn new(value: T) -> GcCell<'s, T> {
        GcCell {
            place: Place::new(),
            borrow: AtomicIsize::new(0),
            value: UnsafeCell::new(value),
            brand: PhantomData,
        }
    }

    /// Shares the value until the guard drops. Panics if it is mutably borrowed.
    ///
    /// # Examples
    /// ```
    /// use goro::gc::{self, GcCell};
    /// gc::scope(|s| {
    ///     let c = s.alloc(GcCell::new(5));
    ///     let (a, b) = (c.borrow(), c.borrow()); // any number of readers
    ///     assert_eq!(*a + *b, 10);
    /// });
    /// ```
    pub fn borrow(&self) -> GcRef<'_, 's, T> {
        let mut b = self.borrow.load(Ordering::Relaxed);
        loop {
            if b < 0 {
                panic!("GcCell already mutably borrowed");
            }
            match self
                .borrow
                .compare_exchange_weak(b, b + 1, Ordering::Acquire, Ordering::Relaxed)
            {
                Ok(_) => return GcRef { cell: self },
                Err(now) => b = now,
            }
        }
    }

    /// Borrows the value mutably until the guard drops. Panics if it is borrowed.
    ///
    /// # Examples
    /// ```
    /// use goro::gc::{self, GcCell};
    /// gc::scope(|s| {
    ///     let c = s.alloc(GcCell::new(String::from("go")));
    ///     c.borrow_mut().push_str("ro");
    ///     assert_eq!(*c.borrow(), "goro");
    /// });
    /// ```
    pub fn borrow_mut(&self) -> GcRefMut<'_, 's, T> {
        // The borrow begins inside the root operation that exposes the value: a collector
        // that finds the cell borrowed skips it, and the barrier of that op (or the
        // handshake waiting for it) accounts for the handles inside (`barrier.rs`).
        let _op = Op::enter();
        let mut spins = 0u32;
        while let Err(b) = self
            .borrow
            .compare_exchange(0, -1, Ordering::Acquire, Ordering::Relaxed)
        {
            if b != GC_READING {
                panic!("GcCell already borrowed");
            }
            // The collector is reading the value, briefly (tracing never blocks).
            spins += 1;
            super::barrier::backoff(spins);
        }
        // SAFETY: our borrow is the only one (the count is -1), and we are in a root op.
        unsafe { self.place.expose(&self.value) };
        GcRefMut { cell: self }
    }
}

/// A shared borrow of a [`GcCell`].
pub struct GcRef<'b, 's, T: Trace> {
    cell: &'b GcCell<'s, T>,
}

impl<T: Trace> core::ops::Deref for GcRef<'_, '_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: a shared borrow is counted: no `&mut` exists meanwhile.
        unsafe { &*self.cell.value.get() }
    }
}

impl<T: Trace> Drop for GcRef<'_, '_, T> {
    fn drop(&mut self) {
        self.cell.borrow.fetch_sub(1, Ordering::Release);
    }
}

/// A mutable borrow of a [`GcCell`].
pub struct GcRefMut<'b, 's, T: Trace> {
    cell: &'b GcCell<'s, T>,
}

impl<T: Trace> core::ops::Deref for GcRefMut<'_, '_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the only borrow (count -1).
        unsafe { &*self.cell.value.get() }
    }
}

impl<T: Trace> core::ops::DerefMut for GcRefMut<'_, '_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the only borrow (count -1), and `&mut self` makes this `&mut` unique.
        unsafe { &mut *self.cell.value.get() }
    }
}

impl<T: Trace> Drop for GcRefMut<'_, '_, T> {
    fn drop(&mut self) {
        let c = self.cell;
        let _op = Op::enter();
        // SAFETY: this guard is the only borrow, and we are in a root op.
        unsafe { c.place.cover(&c.value) };
        // Still inside the op: a cycle whose start handshake finds it ended then sees the
        // cell free and traces it. Released after the op, a cycle could start (reading
        // an idle phase, the cover shaded nothing), find the cell still borrowed, skip it,
        // and lose a handle just moved back in (the loom model of assists found this).
        c.borrow.store(0, Ordering::Release);
    }
}

// SAFETY: the collector's and the heap's walks reach every handle in the value (see
// `Place::trace`): `Mark` unless the value is borrowed mutably (its handles are roots
// then), holding `GC_READING` so that no mutable borrow begins meanwhile; `Root`/`Unroot`
// from the enclosing value's allocation or borrow, when nobody can borrow this cell
// (checked).
unsafe impl<T: Trace> Trace for GcCell<'_, T> {
    fn trace(&self, t: &mut Tracer) {
        if t.op() != TraceOp::Mark || t.heap.is_null() {
            if !t.heap.is_null() {
                assert!(
                    self.borrow.load(Ordering::Acquire) == 0,
                    "GcCell moved in or out of the heap while borrowed"
                );
            }
            // SAFETY: not borrowed for `Root`/`Unroot` (checked); a null-heap tracer reads
            // nothing (see `Place::trace`).
            unsafe { self.place.trace(&self.value, t) };
            return;
        }
        let mut b = self.borrow.load(Ordering::Relaxed);
        loop {
            if b < 0 {
                return; // borrowed mutably: exposed, its handles are roots
            }
            debug_assert!(b & GC_READING == 0, "one collector reads a cell at a time");
            match self.borrow.compare_exchange_weak(
                b,
                b | GC_READING,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => break,
                Err(now) => b = now,
            }
        }
        // SAFETY: no mutable borrow exists or can begin until we clear `GC_READING`, so
        // nobody writes the value (see `Place::trace`).
        unsafe { self.place.trace(&self.value, t) };
        self.borrow.fetch_and(!GC_READING, Ordering::Release);
    }
}

impl<T: Trace + core::fmt::Debug> core::fmt::Debug for GcCell<'_, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.borrow.load(Ordering::Acquire) {
            -1 => f.write_str("GcCell(<borrowed>)"),
            // SAFETY: not mutably borrowed.
            _ => f
                .debug_tuple("GcCell")
                .field(unsafe { &*self.value.get() })
                .finish(),
        }
    }
}

/// A mutex for GC objects that goroutines share: `lock()` parks the goroutine until the
/// value is free (goro's [`Mutex`](crate::sync::Mutex)), and while locked the handles
/// inside are roots (they may be moved out); when unlocked, those left inside are not.
/// `Sync`, so a graph of objects with `GcMutex` fields is shared by handles across
/// goroutines and channels.
///
/// # Examples
/// ```
/// use goro::gc::{self, Gc, GcMutex, Trace};
///
/// #[derive(Trace)]
/// struct Account<'s> {
///     balance: GcMutex<'s, i64>,
///     history: GcMutex<'s, Vec<Gc<'s, i64>>>,
/// }
///
/// goro::run(|| {
///     gc::scope(|s| {
///         let acct = s.alloc(Account { balance: GcMutex::new(0), history: GcMutex::new(vec![]) });
///         for i in 1..=10 {
///             let acct = acct.clone();
///             s.go(move || {
///                 *acct.balance.lock() += i;
///                 acct.history.lock().push(s.alloc(i));
///             });
///         }
///     });
/// });
/// ```
pub struct GcMutex<'s, T: Trace> {
    place: Place,
    lock: crate::sync::Mutex<()>,
    value: UnsafeCell<T>,
    brand: PhantomData<fn(&'s ()) -> &'s ()>,
}

// SAFETY: `value` is reached only through a guard of `lock` (one holder at a time), by
// the collector while no holder exposes it, or by `trace` with exclusive access (see its
// impl); so `T: Send` suffices, as for `std::sync::Mutex`.
unsafe impl<T: Trace + Send> Send for GcMutex<'_, T> {}
// SAFETY: as above.
unsafe impl<T: Trace + Send> Sync for GcMutex<'_, T> {}

impl<'s, T: Trace> GcMutex<'s, T> {
    /// A mutex holding `value` (its handles stay roots until it goes into an object).
    pub fn new(value: T) -> GcMutex<'s, T> {
        GcMutex {
            place: Place::new(),
            lock: crate::sync::Mutex::new(()),
            value: UnsafeCell::new(value),
            brand: PhantomData,
        }
    }

    /// Locks the value, parking the goroutine while another holds it.
    ///
    /// # Examples
    /// See [`GcMutex`].
    pub fn lock(&self) -> GcMutexGuard<'_, 's, T> {
        let inner = self.lock.lock();
        let _op = Op::enter();
        // SAFETY: we hold the lock, and are in a root op.
        unsafe { self.place.expose(&self.value) };
        GcMutexGuard {
            m: self,
            _inner: inner,
        }
    }
}

/// The lock of a [`GcMutex`]; unlocks when dropped.
pub struct GcMutexGuard<'b, 's, T: Trace> {
    m: &'b GcMutex<'s, T>,
    _inner: crate::sync::MutexGuard<'b, ()>,
}

impl<T: Trace> core::ops::Deref for GcMutexGuard<'_, '_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: we hold the lock.
        unsafe { &*self.m.value.get() }
    }
}

impl<T: Trace> core::ops::DerefMut for GcMutexGuard<'_, '_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: we hold the lock, and `&mut self` makes this `&mut` unique.
        unsafe { &mut *self.m.value.get() }
    }
}

impl<T: Trace> Drop for GcMutexGuard<'_, '_, T> {
    fn drop(&mut self) {
        let _op = Op::enter();
        // SAFETY: we still hold the lock (`_inner` drops after this), and are in a root op.
        unsafe { self.m.place.cover(&self.m.value) };
    }
}

// SAFETY: as `GcCell`'s; for `Root`/`Unroot` the enclosing value's exclusive access is the
// only way to this inline mutex, so it is not locked (checked, and held meanwhile); for
// `Mark` the collector holds the lock while it reads, or skips the value while a holder
// exposes it.
unsafe impl<T: Trace> Trace for GcMutex<'_, T> {
    fn trace(&self, t: &mut Tracer) {
        if t.op() != TraceOp::Mark || t.heap.is_null() {
            let _held = if t.heap.is_null() {
                None
            } else {
                let held = self.lock.try_lock();
                assert!(
                    held.is_some(),
                    "GcMutex moved in or out of the heap while locked"
                );
                held
            };
            // SAFETY: locked by us for `Root`/`Unroot`; a null-heap tracer reads nothing.
            unsafe { self.place.trace(&self.value, t) };
            return;
        }
        let mut spins = 0u32;
        loop {
            if let Some(_held) = self.lock.try_lock() {
                // SAFETY: we hold the lock, so nobody writes the value (a holder covers it
                // before unlocking).
                unsafe { self.place.trace(&self.value, t) };
                return;
            }
            // The failed try_lock read a holder's lock, which continues the release
            // sequence of the last unlock: with this fence, the `exposed` read below sees
            // that unlock's holder covering the value, never its stale `true` (weak memory).
            std::sync::atomic::fence(Ordering::Acquire);
            if self.place.exposed.load(Ordering::Acquire) {
                return; // a holder exposed it: its handles are roots
            }
            // Locked, not exposed: a holder between `lock` and exposing, or between
            // covering and unlocking; neither blocks. But a holder handed the lock while
            // parked is a goroutine that has to run first: an assist (a goroutine, maybe on
            // the only thread that could run it) leaves the value to the collector.
            if t.assist {
                t.deferred = true;
                return;
            }
            spins += 1;
            super::barrier::backoff(spins);
        }
    }
}

impl<T: Trace> core::fmt::Debug for GcMutex<'_, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("GcMutex { .. }")
    }
}

/// Where a cell's value is, for the collector: inside a heap object or not, and exposed
/// (borrowed mutably, its handles rooted) or not. Shared by [`GcCell`] and [`GcMutex`].
struct Place {
    /// Inside a GC object: its handles are not roots (except while exposed).
    in_heap: AtomicBool,
    /// Mutably borrowed, handles rooted: the collector must not read the value.
    exposed: AtomicBool,
    /// The heap of the object it is in (set with `in_heap`).
    heap: AtomicPtr<Heap>,
}

impl Place {
    fn new() -> Place {
        Place {
            in_heap: AtomicBool::new(false),
            exposed: AtomicBool::new(false),
            heap: AtomicPtr::new(core::ptr::null_mut()),
        }
    }

    /// A mutable borrow begins: root the handles inside (they may be moved out), then
    /// tell the collector to keep out.
    ///
    /// # Safety
    /// The caller's borrow of `value` is the only one, and the caller is inside a root
    /// operation (`barrier::Op`) that began before the borrow.
    unsafe fn expose<T: Trace>(&self, value: &UnsafeCell<T>) {
        if self.in_heap.load(Ordering::Acquire) {
            let mut t = Tracer::for_heap(TraceOp::Root, self.heap.load(Ordering::Acquire));
            // SAFETY: only our caller's borrow exists (the collector reads the value only
            // while no mutable borrow exists).
            unsafe { (*value.get()).trace(&mut t) };
            self.exposed.store(true, Ordering::Release);
        }
    }

    /// The mutable borrow ends: the handles left inside are in GC memory again.
    ///
    /// # Safety
    /// As `expose`, for the same borrow, which makes no further use of `value`.
    unsafe fn cover<T: Trace>(&self, value: &UnsafeCell<T>) {
        if self.in_heap.load(Ordering::Acquire) {
            let mut t = Tracer::for_heap(TraceOp::Unroot, self.heap.load(Ordering::Acquire));
            // SAFETY: as in `expose`.
            unsafe { (*value.get()).trace(&mut t) };
            self.exposed.store(false, Ordering::Release);
        }
    }

    /// The cell's part of a walk: for `Mark`, the value unless exposed (a holder may be
    /// writing it; its handles are roots); for `Root`/`Unroot` (the enclosing value goes
    /// out of or into GC memory), the value, and where it now is.
    ///
    /// # Safety
    /// For `Mark`: no mutable borrow exists or begins until the caller is done (the cell's
    /// `GC_READING`, the mutex's lock), so nobody writes the value. For `Root`/`Unroot`: the value is not borrowed, and the
    /// caller has the only access to the enclosing value.
    unsafe fn trace<T: Trace>(&self, value: &UnsafeCell<T>, t: &mut Tracer) {
        if t.heap.is_null() {
            // A tracer that safe code made (`Tracer::new`): it may count, never move roots
            // or read a value another goroutine may be writing.
            return;
        }
        match t.op() {
            TraceOp::Mark => {
                if !self.exposed.load(Ordering::Acquire) {
                    // SAFETY: per the contract, nobody writes the value now.
                    unsafe { (*value.get()).trace(t) };
                }
            }
            TraceOp::Root | TraceOp::Unroot => {
                self.heap.store(t.heap.cast_mut(), Ordering::Release);
                self.in_heap
                    .store(t.op() == TraceOp::Unroot, Ordering::Release);
                // SAFETY: per the contract, the access is ours alone.
                unsafe { (*value.get()).trace(t) };
            }
        }
    }
}
