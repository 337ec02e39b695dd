// The error must point at the attribute's arguments `flavor = "multi_thread"`.
#[goro::main(flavor = "multi_thread")]
fn main() {}
