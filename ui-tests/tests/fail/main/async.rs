// The error must point at `async` and say goroutines block without `.await`.
#[goro::main]
async fn main() {}
