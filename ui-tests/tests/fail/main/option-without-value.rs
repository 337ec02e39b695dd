// The error must point at `stack_size`: it needs `= BYTES`.
#[goro::main(stack_size)]
fn main() {}
