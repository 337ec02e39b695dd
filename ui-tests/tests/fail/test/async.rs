// The error must point at `async` and say goroutines block without `.await`.
#[goro::test]
async fn it_works() {}

fn main() {}
