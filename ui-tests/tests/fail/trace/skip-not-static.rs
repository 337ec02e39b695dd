// The errors must point at `'s` in `&'s str` and in `Name<'s>`: skipped fields must be 'static.
use goro::gc::Trace;

#[derive(Trace)]
struct Entry<'s> {
    key: u32,
    #[trace(skip)]
    name: &'s str,
}

fn main() {}

// Behind an alias too.
type Name<'a> = &'a str;

#[derive(Trace)]
struct Aliased<'s>(#[trace(skip)] Name<'s>);
