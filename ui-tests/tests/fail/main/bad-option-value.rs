// The error must point at `"four"`: gomaxprocs takes a positive integer.
#[goro::main(gomaxprocs = "four")]
fn main() {}
