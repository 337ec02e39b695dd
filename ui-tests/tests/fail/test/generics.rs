// The error must point at the generic parameters `<T>`.
#[goro::test]
fn it_works<T>() {}

fn main() {}
