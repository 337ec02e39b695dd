// The error must point at `Slot`: generic types are guarded too.
#[derive(goro::gc::Trace)]
enum Slot<T> {
    Empty,
    Full(T),
}

impl<T> Drop for Slot<T> {
    fn drop(&mut self) {}
}

fn main() {}
