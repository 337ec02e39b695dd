//! `Trace`: how the collector finds the handles inside a value (Go finds them with the
//! compiler's pointer maps; Rust has none, so each type says where its handles are).
//!
//! A handle (`Gc`) is reached through its owners: the collector calls `trace` on an object
//! and the object calls `trace` on each field, down to the handles, which report themselves
//! to the [`Tracer`] with the tracer's [`TraceOp`]. The same walk marks objects, and roots or
//! unroots the handles a value owns when it moves into or out of the GC heap (a handle
//! outside the heap is a root by count; one stored in a GC object is not), so a `trace` that
//! misses a handle lets the collector free a live object: hence `unsafe trait`.
//!
//! Types that own shared or interior-mutable state (`Rc`, `Arc`, `Cell`, `RefCell`, `Mutex`)
//! do not implement `Trace`: a handle in them could be reached, or replaced, without the
//! collector seeing it. `goro::gc`'s own cells are the way to mutate a traced object.
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::marker::PhantomData;

/// What a [`Tracer`] does to each handle it reaches.
///
/// # Examples
/// ```
/// use goro::gc::{TraceOp, Tracer};
///
/// let t = Tracer::new(TraceOp::Unroot);
/// assert_eq!(t.op(), TraceOp::Unroot);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceOp {
    /// Shade the object the handle points to: it is reachable (a marking cycle).
    Mark,
    /// The value moved out of the GC heap (onto a stack, into a channel): its handles become
    /// roots again.
    Root,
    /// The value moved into a GC object: its handles stop being roots, the object's tracing
    /// reaches them from now on.
    Unroot,
}

/// Walks the handles of a value: passed to [`Trace::trace`], which passes it on to each
/// field until a handle reports itself.
///
/// # Examples
/// ```
/// use goro::gc::{Trace, TraceOp, Tracer};
///
/// let mut t = Tracer::new(TraceOp::Mark);
/// vec![Some((1, "one")), None].trace(&mut t);
/// assert_eq!(t.visited(), 0); // plain data: nothing for the collector
/// ```
#[derive(Debug)]
pub struct Tracer {
    op: TraceOp,
    visited: usize,
    /// Objects shaded grey by a `Mark` walk, still to be traced (the collector's queue).
    pub(crate) grey: Vec<super::heap::Obj>,
    /// The heap this walk is about: a handle to another heap's object (an inner scope's
    /// object may point into an enclosing scope) is left alone — a root of its own heap.
    pub(crate) heap: *const super::heap::Heap,
    /// The cycle a `Mark` walk marks for.
    pub(crate) epoch: super::heap::Epoch,
    /// A `Mark` walk by an allocating goroutine (`mark.rs`): it must not wait for a
    /// `GcMutex` holder, which may be a goroutine waiting for this thread.
    pub(crate) assist: bool,
    /// Set by such a walk that left part of a value untraced: the object goes back on the
    /// heap's grey queue for the collector.
    pub(crate) deferred: bool,
}

impl Tracer {
    /// A tracer that applies `op` to every handle it reaches. The collector makes its own;
    /// this one is for tests and examples.
    ///
    /// # Examples
    /// ```
    /// use goro::gc::{TraceOp, Tracer};
    ///
    /// let t = Tracer::new(TraceOp::Mark);
    /// assert_eq!((t.op(), t.visited()), (TraceOp::Mark, 0));
    /// ```
    #[doc(hidden)]
    pub fn new(op: TraceOp) -> Self {
        Tracer {
            op,
            visited: 0,
            grey: Vec::new(),
            heap: core::ptr::null(),
            epoch: 0,
            assist: false,
            deferred: false,
        }
    }

    /// A walk about `heap`'s objects.
    pub(crate) fn for_heap(op: TraceOp, heap: *const super::heap::Heap) -> Self {
        let mut t = Tracer::new(op);
        t.heap = heap;
        t
    }

    /// What this walk does to each handle.
    ///
    /// # Examples
    /// ```
    /// use goro::gc::{TraceOp, Tracer};
    ///
    /// assert_eq!(Tracer::new(TraceOp::Root).op(), TraceOp::Root);
    /// ```
    pub fn op(&self) -> TraceOp {
        self.op
    }

    /// How many handles reported themselves to this tracer so far.
    ///
    /// # Examples
    /// ```
    /// use goro::gc::{Trace, TraceOp, Tracer};
    ///
    /// let mut t = Tracer::new(TraceOp::Mark);
    /// [1u8, 2, 3].trace(&mut t);
    /// assert_eq!(t.visited(), 0); // bytes hold no handles
    /// ```
    pub fn visited(&self) -> usize {
        self.visited
    }

    /// Called by a handle's `trace`: this handle was reached. For now it only counts; the
    /// collector's side (shading the pointee, moving the root count) arrives with `Gc`, and
    /// this signature with it.
    ///
    /// # Examples
    /// ```
    /// use goro::gc::{Trace, TraceOp, Tracer};
    ///
    /// struct FakeHandle;
    /// // SAFETY: a `FakeHandle` is one handle and reports exactly itself.
    /// unsafe impl Trace for FakeHandle {
    ///     fn trace(&self, t: &mut Tracer) {
    ///         t.edge();
    ///     }
    /// }
    ///
    /// let mut t = Tracer::new(TraceOp::Mark);
    /// vec![FakeHandle, FakeHandle].trace(&mut t);
    /// assert_eq!(t.visited(), 2);
    /// ```
    #[doc(hidden)]
    pub fn edge(&mut self) {
        self.visited += 1;
    }
}

/// A type whose handles the collector can find: `trace` passes the [`Tracer`] to every
/// handle the value owns.
///
/// Write `#[derive(Trace)]` (from `goro::gc`, under the same name) rather than an impl: it
/// traces every field, refuses fields that are not `Trace`, takes `#[trace(skip)]` for a
/// `'static` field that holds no handle, and refuses a `Drop` impl on the type, since a
/// destructor runs while the collector frees the heap and could reach an object that is
/// already gone, or store a handle where nothing traces it. `#[trace(unsafe_drop)]` on the
/// type allows one whose `drop` neither dereferences nor clones any handle.
///
/// # Safety
/// `trace` must visit every handle owned directly or indirectly (not through another `Gc`)
/// by `self`, exactly once per call, and nothing else. It must not allocate GC objects,
/// block, or drop handles. Anything it misses may be freed while still in use. The
/// collector may call it from another thread while goroutines hold `&self`: handles must
/// not change behind a shared reference except inside `GcCell`/`GcMutex` (which the
/// collector knows to skip while they are borrowed).
///
/// # Examples
/// ```
/// use goro::gc::{Trace, TraceOp, Tracer};
/// use std::collections::HashMap;
///
/// #[derive(Trace)]
/// enum Shape<'s> {
///     Point,
///     Circle { radius: f64 },
///     Poly(Vec<(f32, f32)>, HashMap<String, &'s str>),
/// }
///
/// let mut t = Tracer::new(TraceOp::Mark);
/// Shape::Poly(vec![(0.0, 1.0)], HashMap::new()).trace(&mut t);
/// Shape::Circle { radius: 1.0 }.trace(&mut t);
/// Shape::Point.trace(&mut t);
/// assert_eq!(t.visited(), 0);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not implement `goro::gc::Trace`, so the collector cannot find GC handles in it",
    label = "not `Trace`",
    note = "derive it with `#[derive(goro::gc::Trace)]`; a `'static` field that holds no GC handle can be left out with `#[trace(skip)]`",
    note = "`Rc`, `Arc`, `Cell`, `RefCell` and `Mutex` are never `Trace`: a handle inside them could escape the collector; use goro::gc's cells to mutate a GC object"
)]
pub unsafe trait Trace {
    /// Passes `t` to every handle `self` owns (see the trait's safety rules).
    ///
    /// # Examples
    /// ```
    /// use goro::gc::{Trace, TraceOp, Tracer};
    ///
    /// let mut t = Tracer::new(TraceOp::Root);
    /// (1, String::from("x"), Some([0.5f32; 4])).trace(&mut t);
    /// assert_eq!(t.visited(), 0);
    /// ```
    fn trace(&self, t: &mut Tracer);
}

/// Types that hold no handle: their `trace` does nothing.
macro_rules! leaf {
    ($($ty:ty),* $(,)?) => {$(
        // SAFETY: the type owns no handle, so visiting nothing visits every handle.
        unsafe impl Trace for $ty {
            #[inline]
            fn trace(&self, _: &mut Tracer) {}
        }
    )*};
}

leaf!(
    u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize
);
leaf!(f32, f64, bool, char, (), str, String);

// SAFETY: a `str` holds no handle, wherever it is borrowed from.
unsafe impl Trace for &str {
    #[inline]
    fn trace(&self, _: &mut Tracer) {}
}

// SAFETY: `PhantomData` owns nothing.
unsafe impl<T: ?Sized> Trace for PhantomData<T> {
    #[inline]
    fn trace(&self, _: &mut Tracer) {}
}

// SAFETY: a `Box` owns exactly its pointee, traced once.
unsafe impl<T: Trace + ?Sized> Trace for Box<T> {
    fn trace(&self, t: &mut Tracer) {
        (**self).trace(t);
    }
}

// SAFETY: an `Option` owns its value, if any, traced once.
unsafe impl<T: Trace> Trace for Option<T> {
    fn trace(&self, t: &mut Tracer) {
        if let Some(v) = self {
            v.trace(t);
        }
    }
}

// SAFETY: a `Result` owns either value, traced once.
unsafe impl<T: Trace, E: Trace> Trace for Result<T, E> {
    fn trace(&self, t: &mut Tracer) {
        match self {
            Ok(v) => v.trace(t),
            Err(e) => e.trace(t),
        }
    }
}

/// Collections whose `iter()` yields each element once, by reference.
macro_rules! elements {
    ($([$($gen:tt)*] $ty:ty;)*) => {$(
        // SAFETY: the collection owns exactly its elements; `iter` yields each once.
        unsafe impl<$($gen)*> Trace for $ty {
            fn trace(&self, t: &mut Tracer) {
                for v in self.iter() {
                    v.trace(t);
                }
            }
        }
    )*};
}

elements! {
    [T: Trace] [T];
    [T: Trace, const N: usize] [T; N];
    [T: Trace] Vec<T>;
    [T: Trace] VecDeque<T>;
    [T: Trace, S] HashSet<T, S>;
    [T: Trace] BTreeSet<T>;
}

/// Maps: each key and each value, once.
macro_rules! maps {
    ($([$($gen:tt)*] $ty:ty;)*) => {$(
        // SAFETY: the map owns exactly its keys and values; `iter` yields each entry once.
        unsafe impl<$($gen)*> Trace for $ty {
            fn trace(&self, t: &mut Tracer) {
                for (k, v) in self.iter() {
                    k.trace(t);
                    v.trace(t);
                }
            }
        }
    )*};
}

maps! {
    [K: Trace, V: Trace, S] HashMap<K, V, S>;
    [K: Trace, V: Trace] BTreeMap<K, V>;
}

/// Tuples: each element, once.
macro_rules! tuples {
    ($(($($name:ident),+);)*) => {$(
        // SAFETY: a tuple owns exactly its elements, each traced once.
        unsafe impl<$($name: Trace),+> Trace for ($($name,)+) {
            #[allow(non_snake_case, reason = "the bindings are named after their types")]
            fn trace(&self, t: &mut Tracer) {
                let ($($name,)+) = self;
                $($name.trace(t);)+
            }
        }
    )*};
}

tuples! {
    (A);
    (A, B);
    (A, B, C);
    (A, B, C, D);
    (A, B, C, D, E);
    (A, B, C, D, E, F);
    (A, B, C, D, E, F, G);
    (A, B, C, D, E, F, G, H);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One handle: reports itself.
    struct Fake;
    // SAFETY: `Fake` stands for one handle and reports exactly itself.
    unsafe impl Trace for Fake {
        fn trace(&self, t: &mut Tracer) {
            t.edge();
        }
    }

    fn count(v: &(impl Trace + ?Sized)) -> usize {
        let mut t = Tracer::new(TraceOp::Mark);
        v.trace(&mut t);
        t.visited()
    }

    #[test]
    fn std_types_visit_each_element_once() {
        assert_eq!(count(&Fake), 1);
        assert_eq!(count(&Box::new(Fake)), 1);
        assert_eq!(count(&vec![Fake, Fake, Fake]), 3);
        assert_eq!(count(&VecDeque::from([Fake, Fake])), 2);
        assert_eq!(count(&[Fake, Fake]), 2);
        assert_eq!(count(&vec![Fake, Fake].into_boxed_slice()), 2);
        assert_eq!(count(&(Some(Fake), None::<Fake>)), 1);
        assert_eq!(count(&(Ok::<Fake, Fake>(Fake), Err::<Fake, Fake>(Fake))), 2);
        let tuple8 = (Fake, Fake, Fake, Fake, Fake, Fake, Fake, Fake);
        assert_eq!(count(&tuple8), 8);
        let hash: HashMap<u32, (Fake, Fake)> = (0..4).map(|i| (i, (Fake, Fake))).collect();
        assert_eq!(count(&hash), 8);
        let btree: BTreeMap<u8, Vec<Fake>> = [(1, vec![Fake]), (2, vec![Fake, Fake])].into();
        assert_eq!(count(&btree), 3);
        let set: HashSet<u8> = [1, 2].into();
        assert_eq!(count(&set), 0);
        assert_eq!(count(&BTreeSet::from([1, 2])), 0);
        assert_eq!(count(&PhantomData::<Fake>), 0);
        assert_eq!(count("str"), 0);
        assert_eq!(count(&String::from("s")), 0);
    }

    #[test]
    fn a_tracer_keeps_its_op() {
        for op in [TraceOp::Mark, TraceOp::Root, TraceOp::Unroot] {
            assert_eq!(Tracer::new(op).op(), op);
        }
    }
}
