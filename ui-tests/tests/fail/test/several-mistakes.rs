// Each mistake must get its own error, and only goro's: at `async`, at the parameter `n: u32`
// and at `#[test]`.
#[goro::test]
#[test]
async fn it_works(n: u32) {
    let _ = n;
}

fn main() {}
