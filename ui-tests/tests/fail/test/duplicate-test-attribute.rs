// The error must point at the extra `#[test]`: #[goro::test] adds it already.
#[goro::test]
#[test]
fn it_works() {}

fn main() {}
