// A generic struct with a lifetime, a const parameter and a default: type parameters get
// `T: Trace`, the rest is kept.
use goro::gc::{Trace, TraceOp, Tracer};
use std::marker::PhantomData;

#[derive(Trace)]
struct View<'s, K, V: Clone, const N: usize, D = u8>
where
    K: Ord,
{
    name: &'s str,
    keys: Vec<K>,
    values: Box<[Option<V>]>,
    brand: PhantomData<&'s ()>,
    fixed: [D; N],
}

fn count(v: &impl Trace) -> usize {
    let mut t = Tracer::new(TraceOp::Mark);
    v.trace(&mut t);
    t.visited()
}

fn main() {
    let name = String::from("borrowed");
    let v = View {
        name: &name,
        keys: vec![1u8, 2],
        values: vec![Some("a"), None].into_boxed_slice(),
        brand: PhantomData,
        fixed: [7u8; 3],
    };
    assert_eq!(count(&v), 0);
    assert_eq!((v.name, v.keys.len(), v.values.len()), ("borrowed", 2, 2));
    let _ = v.brand;
    assert_eq!(v.fixed, [7; 3]);
}
