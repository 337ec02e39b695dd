// The error must point at `flavor`, naming the options.
#[goro::test(flavor = "multi_thread")]
fn runs() {}

fn main() {}
