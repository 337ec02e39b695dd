// The error must point at `flavor`, naming the options.
#[goro::main(flavor = "multi_thread")]
fn main() {}
