//! `#[derive(Trace)]`: the derived `trace` reaches every handle a value owns exactly once,
//! through nested std containers, generics and every enum variant shape, and never a field
//! marked `#[trace(skip)]`. A stand-in handle counts how often it is reached.

use goro::gc::{Trace, TraceOp, Tracer};
use std::cell::Cell;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::rc::Rc;

/// Stands in for a `Gc` handle: reports itself, and counts how often it was traced.
#[derive(Default)]
struct FakeHandle {
    traced: Cell<usize>,
}

impl FakeHandle {
    fn new() -> Self {
        Self::default()
    }
}

// SAFETY: a `FakeHandle` is one handle and reports exactly itself, once per call.
unsafe impl Trace for FakeHandle {
    fn trace(&self, t: &mut Tracer) {
        self.traced.set(self.traced.get() + 1);
        t.edge();
    }
}

/// The handles `v` reaches in one `trace` call.
fn visits(v: &impl Trace) -> usize {
    let mut t = Tracer::new(TraceOp::Mark);
    v.trace(&mut t);
    t.visited()
}

#[derive(Trace)]
struct Node {
    own: FakeHandle,
    children: Vec<Option<FakeHandle>>,
    pairs: Vec<(u32, FakeHandle, (FakeHandle, String))>,
    boxed: Box<[FakeHandle]>,
    by_name: HashMap<String, FakeHandle>,
    ordered: BTreeMap<u8, VecDeque<FakeHandle>>,
    result: Result<FakeHandle, FakeHandle>,
    #[trace(skip)]
    not_traced: Rc<FakeHandle>, // a test lie: says it holds none, so it must not be reached
    #[trace(skip)]
    counter: Cell<u32>,
}

fn node() -> Node {
    Node {
        own: FakeHandle::new(),
        children: vec![Some(FakeHandle::new()), None, Some(FakeHandle::new())],
        pairs: vec![(1, FakeHandle::new(), (FakeHandle::new(), "a".into()))],
        boxed: Box::new([FakeHandle::new(), FakeHandle::new(), FakeHandle::new()]),
        by_name: [("x".to_owned(), FakeHandle::new())].into(),
        ordered: [
            (1, VecDeque::from([FakeHandle::new()])),
            (2, VecDeque::new()),
        ]
        .into(),
        result: Err(FakeHandle::new()),
        not_traced: Rc::new(FakeHandle::new()),
        counter: Cell::new(0),
    }
}

#[test]
fn a_derived_struct_reaches_each_handle_once_and_skips_skipped_fields() {
    let n = node();
    // own 1 + children 2 + pairs 2 + boxed 3 + by_name 1 + ordered 1 + result 1
    assert_eq!(visits(&n), 11);
    assert_eq!(visits(&n), 11, "a second walk reaches them again");
    let each = |h: &FakeHandle| h.traced.get();
    assert_eq!(each(&n.own), 2);
    assert!(n.children.iter().flatten().all(|h| each(h) == 2));
    assert!(n.boxed.iter().all(|h| each(h) == 2));
    assert_eq!(each(&n.not_traced), 0);
    assert_eq!(n.counter.get(), 0);
}

#[derive(Trace)]
enum Shape<'s, T> {
    Unit,
    Tuple(T, #[trace(skip)] u64, Option<T>),
    Named {
        name: &'s str,
        items: Vec<T>,
        #[trace(skip)]
        hidden: Rc<FakeHandle>, // skipped fields must be 'static: not `Rc<T>`
    },
}

#[test]
fn a_derived_generic_enum_traces_the_live_variant() {
    assert_eq!(visits(&Shape::<FakeHandle>::Unit), 0);
    let tuple = Shape::Tuple(FakeHandle::new(), 7, Some(FakeHandle::new()));
    assert_eq!(visits(&tuple), 2);
    assert!(matches!(tuple, Shape::Tuple(_, 7, _)));
    let name = String::from("n");
    let named = Shape::Named {
        name: &name,
        items: vec![FakeHandle::new(), FakeHandle::new(), FakeHandle::new()],
        hidden: Rc::new(FakeHandle::new()),
    };
    assert_eq!(visits(&named), 3);
    let Shape::Named { hidden, .. } = &named else {
        unreachable!()
    };
    assert_eq!(hidden.traced.get(), 0);
}

#[derive(Trace)]
struct Tuple(FakeHandle, #[trace(skip)] FakeHandle, [FakeHandle; 2]);

#[derive(Trace)]
struct Unit;

#[derive(Trace)]
struct Wrapper<T>(Vec<T>);

#[test]
fn tuple_unit_and_nested_derived_types() {
    let t = Tuple(
        FakeHandle::new(),
        FakeHandle::new(),
        [FakeHandle::new(), FakeHandle::new()],
    );
    assert_eq!(visits(&t), 3);
    assert_eq!(t.1.traced.get(), 0);
    assert_eq!(visits(&Unit), 0);
    let nested = Wrapper(vec![Wrapper(vec![node(), node()]), Wrapper(vec![])]);
    assert_eq!(visits(&nested), 22);
}

#[test]
fn the_tracer_passes_its_op_down() {
    /// Records the op it was traced with.
    struct Probe(Cell<Option<TraceOp>>);
    // SAFETY: a `Probe` stands for one handle and reports exactly itself.
    unsafe impl Trace for Probe {
        fn trace(&self, t: &mut Tracer) {
            self.0.set(Some(t.op()));
            t.edge();
        }
    }
    #[derive(Trace)]
    struct Holder(Vec<Probe>);
    let h = Holder(vec![Probe(Cell::new(None))]);
    for op in [TraceOp::Root, TraceOp::Unroot, TraceOp::Mark] {
        let mut t = Tracer::new(op);
        h.trace(&mut t);
        assert_eq!((h.0[0].0.get(), t.visited()), (Some(op), 1));
    }
}

#[derive(Trace)]
struct Tree {
    handle: FakeHandle,
    kids: Vec<Self>,
    extra: Option<Box<dyn Trace>>,
}

#[test]
fn recursive_types_and_trait_objects() {
    let leaf = |extra: Option<Box<dyn Trace>>| Tree {
        handle: FakeHandle::new(),
        kids: vec![],
        extra,
    };
    let tree = Tree {
        handle: FakeHandle::new(),
        kids: vec![
            leaf(None),
            leaf(Some(Box::new(vec![FakeHandle::new(), FakeHandle::new()]))),
        ],
        extra: Some(Box::new((FakeHandle::new(), 5u8))),
    };
    // 3 nodes + 2 in a leaf's extra + 1 in the root's extra
    assert_eq!(visits(&tree), 6);
}

/// The derive is also at the crate root, as `goro::Trace` (the trait stays in `goro::gc`).
#[derive(goro::Trace)]
struct RootDerived {
    handle: FakeHandle,
    #[trace(skip)]
    _count: u64,
}

#[test]
fn the_derive_is_reachable_as_goro_trace() {
    let v = RootDerived {
        handle: FakeHandle::new(),
        _count: 7,
    };
    let mut t = Tracer::new(TraceOp::Mark);
    v.trace(&mut t);
    assert_eq!((t.visited(), v.handle.traced.get()), (1, 1));
}
