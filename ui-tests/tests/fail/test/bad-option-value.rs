// The error must point at `-1`: stack_size takes a positive integer.
#[goro::test(stack_size = -1)]
fn runs() {}

fn main() {}
