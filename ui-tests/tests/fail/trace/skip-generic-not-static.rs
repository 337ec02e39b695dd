// The error must point at `Vec<T>`: a skipped field of a type parameter must be 'static too.
use goro::gc::Trace;

#[derive(Trace)]
enum Holder<T> {
    Some {
        #[trace(skip)]
        items: Vec<T>,
    },
    None,
}

fn main() {}
