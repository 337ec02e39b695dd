// The error must point at `2`, after the buffer size.
fn main() {
    let _ch = goro::chan![i32; 1 2];
}
