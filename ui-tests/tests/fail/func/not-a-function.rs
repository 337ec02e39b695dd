// The error must point at `struct`: the attribute goes on a fn.
#[goro::func]
struct S;

fn main() {}
