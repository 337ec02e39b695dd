// The error must point at `n`, an `i32` where the buffer size must be a `usize`.
fn main() {
    let n: i32 = 4;
    let _ch = goro::chan![u8; n];
}
