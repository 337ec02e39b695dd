// The error must point at `async`.
#[goro::func]
async fn f() {}

fn main() {}
