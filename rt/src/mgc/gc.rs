//! `Gc<'s, T>`: a handle to an object of a scope's heap (`heap.rs` has the rooting rules).

use super::barrier::Op;
use super::heap::{GcBox, Meta};
use super::trace::{Trace, TraceOp, Tracer};
use core::marker::PhantomData;
use core::ptr::NonNull;
use std::sync::atomic::{AtomicBool, Ordering};

/// A shared handle to a value in a [`scope`](super::scope)'s heap: `Clone` (another handle
/// to the same object, as a Go pointer is copied), `Deref` to `&T`, and `Send + Sync` when
/// `T` is, so goroutines pass handles over channels as Go passes pointers. Cycles are
/// fine: the collector frees what no goroutine can reach. `'s` is the scope's brand: a
/// handle cannot leave its scope or be stored in another scope's objects.
///
/// Mutation goes through a [`GcCell`](super::GcCell) inside the object.
///
/// # Examples
/// ```
/// use goro::gc::{self, Gc, GcCell, Trace};
///
/// #[derive(Trace)]
/// struct Node<'s> {
///     name: &'static str,
///     next: GcCell<'s, Option<Gc<'s, Node<'s>>>>,
/// }
///
/// gc::scope(|s| {
///     let a = s.alloc(Node { name: "a", next: GcCell::new(None) });
///     let b = s.alloc(Node { name: "b", next: GcCell::new(Some(a.clone())) });
///     *a.next.borrow_mut() = Some(b.clone()); // a cycle: a -> b -> a
///     let via = a.next.borrow().as_ref().unwrap().clone();
///     assert_eq!(via.name, "b");
///     assert!(Gc::ptr_eq(&via, &b));
/// }); // both freed here, exactly once
/// ```
pub struct Gc<'s, T: Trace> {
    ptr: NonNull<T>,
    /// This handle counts in its object's roots (it lives outside GC memory). Atomic only
    /// to change behind `&self` (`Trace`): it is read and written only by whoever has the
    /// handle to itself (its owner, the cell borrow or allocation that roots or unroots
    /// it), never by the collector, so plain loads and stores do (no locked swap).
    rooted: AtomicBool,
    /// Invariant in `'s` (the scope's brand).
    brand: PhantomData<fn(&'s ()) -> &'s ()>,
}

// SAFETY: a handle gives `&T` to whoever holds it, on any thread (so `T: Sync`); the heap
// owns `T` and whichever thread collects may drop it (`T: Send`, which `Scope::alloc`
// requires of every object anyway); the handle's own state is atomic.
unsafe impl<T: Trace + Send + Sync> Send for Gc<'_, T> {}
// SAFETY: as above.
unsafe impl<T: Trace + Send + Sync> Sync for Gc<'_, T> {}

impl<'s, T: Trace> Gc<'s, T> {
    /// # Safety
    /// `ptr` is a live object of a heap of scope `'s`, with one root counted for this handle.
    pub(crate) unsafe fn from_new(ptr: *mut T) -> Gc<'s, T> {
        Gc {
            // SAFETY: `Heap::alloc` never returns null.
            ptr: unsafe { NonNull::new_unchecked(ptr) },
            rooted: AtomicBool::new(true),
            brand: PhantomData,
        }
    }

    /// The object as the collector names it (`heap::Obj`).
    fn obj(&self) -> super::heap::Obj {
        GcBox::<T>::obj(self.ptr.as_ptr())
    }

    /// The heap of the object (`heap_of`).
    fn heap(&self) -> *const super::heap::Heap {
        // SAFETY: alive as long as this handle (see `meta`), made by `Heap::alloc` as a
        // `T`.
        unsafe { GcBox::<T>::heap(self.ptr.as_ptr()) }
    }

    fn meta(&self) -> &Meta {
        // SAFETY: the object outlives every handle to it: a rooted handle keeps it from
        // being collected, and an unrooted one lives inside an object that is reachable
        // whenever code can reach the handle (`heap.rs`), or inside a dying object whose
        // sweep frees memory only after every dying value is dropped. Its `Meta` lives in
        // its chunk (or before it), as long.
        unsafe { &*GcBox::<T>::meta(self.ptr.as_ptr()) }
    }

    /// Whether two handles name the same object (Go's `p == q` on pointers).
    ///
    /// # Examples
    /// ```
    /// use goro::gc::{self, Gc};
    /// gc::scope(|s| {
    ///     let a = s.alloc(1);
    ///     let b = s.alloc(1);
    ///     assert!(Gc::ptr_eq(&a, &a.clone()));
    ///     assert!(!Gc::ptr_eq(&a, &b)); // equal values, different objects
    /// });
    /// ```
    pub fn ptr_eq(a: &Gc<'s, T>, b: &Gc<'s, T>) -> bool {
        a.ptr == b.ptr
    }
}

impl<T: Trace> core::ops::Deref for Gc<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.meta().check_alive();
        // SAFETY: alive as long as this handle (see `meta`) and not dying (checked: a
        // dying value may be dropped already); values are only mutated through cells,
        // which hand out `&mut` under their own borrow rules.
        unsafe { self.ptr.as_ref() }
    }
}

/// A handle is one of the values `go!` blocks clone in (a reference to shared state, as
/// Go's pointers): the caller keeps its own.
impl<T: Trace> crate::share::Share for Gc<'_, T> {}

impl<T: Trace> Clone for Gc<'_, T> {
    fn clone(&self) -> Self {
        // A new handle outside GC memory: one more root, a root operation (`barrier.rs`).
        let h = self.meta();
        h.check_alive();
        let _op = Op::enter();
        h.root_add(self.heap());
        h.root_moved(self.heap(), self.obj());
        Gc {
            ptr: self.ptr,
            rooted: AtomicBool::new(true),
            brand: PhantomData,
        }
    }
}

impl<T: Trace> Drop for Gc<'_, T> {
    fn drop(&mut self) {
        if self.rooted.load(Ordering::Relaxed) {
            let h = self.meta();
            let _op = Op::enter();
            h.root_sub(self.heap());
            h.root_moved(self.heap(), self.obj());
        }
    }
}

// SAFETY: a handle is one edge, reported once: shaded for `Mark`, its root moved for
// `Root`/`Unroot`.
unsafe impl<T: Trace> Trace for Gc<'_, T> {
    fn trace(&self, t: &mut Tracer) {
        t.edge();
        let h = self.meta();
        if !core::ptr::eq(self.heap(), t.heap) {
            // An enclosing scope's object: this handle stays one of its roots (its own
            // collector never sees this heap), and its marks are that collector's.
            return;
        }
        match t.op() {
            TraceOp::Mark => {
                // Models keep freed objects' `Meta`s (`free_all`): a marker that reaches
                // one has found a reachable object freed.
                #[cfg(goro_loom)]
                assert_ne!(
                    h.load(Ordering::Relaxed) & super::heap::STATE,
                    super::heap::DYING,
                    "gc: a reachable object was freed"
                );
                if h.mark(t.epoch) {
                    t.grey.push(self.obj());
                }
            }
            // Inside the caller's root operation (`alloc`, a cell's borrow).
            TraceOp::Root => {
                if !self.rooted.load(Ordering::Relaxed) {
                    self.rooted.store(true, Ordering::Relaxed);
                    h.root_add(self.heap());
                    h.root_moved(self.heap(), self.obj());
                }
            }
            TraceOp::Unroot => {
                if self.rooted.load(Ordering::Relaxed) {
                    self.rooted.store(false, Ordering::Relaxed);
                    h.root_sub(self.heap());
                    h.root_moved(self.heap(), self.obj());
                }
            }
        }
    }
}

impl<T: Trace + core::fmt::Debug> core::fmt::Debug for Gc<'_, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("Gc").field(&**self).finish()
    }
}
