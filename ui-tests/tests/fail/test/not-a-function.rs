// The error must point at `const`: the attribute goes on a fn.
#[goro::test]
const IT_WORKS: bool = true;

fn main() {}
