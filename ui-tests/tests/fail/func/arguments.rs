// The error must point at `result`: the attribute takes no arguments.
#[goro::func(result)]
fn f() {}

fn main() {}
