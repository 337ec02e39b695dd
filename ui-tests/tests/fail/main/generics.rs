// The error must point at the generic parameters `<T: Default>`.
#[goro::main]
fn main<T: Default>() {
    drop(T::default());
}
