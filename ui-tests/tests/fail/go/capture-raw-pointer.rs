// The error must point at `p` in the block: a raw pointer is Copy, but not Send.
fn main() {
    let x = 5;
    let p: *const i32 = &x;
    goro::go!({ println!("{:?}", p) });
}
