// The error must point at the parameter `n: usize`.
#[goro::test]
fn it_works(n: usize) {
    assert_eq!(n, n);
}

fn main() {}
