// The error must point at `struct`: the attribute goes on a fn.
#[goro::main]
struct Main;

fn main() {}
