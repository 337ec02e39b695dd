// The error must point at the attribute's argument `timeout`.
#[goro::test(timeout)]
fn it_works() {}

fn main() {}
