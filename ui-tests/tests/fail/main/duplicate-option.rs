// The error must point at the second `gomaxprocs`.
#[goro::main(gomaxprocs = 2, gomaxprocs = 4)]
fn main() {}
