// The error must point at `0`: a runtime needs at least one P.
#[goro::main(gomaxprocs = 0)]
fn main() {}
