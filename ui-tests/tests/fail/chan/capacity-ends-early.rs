// The error must point at `+`, where the buffer size stops in the middle of an expression.
fn main() {
    let n = 4;
    let _ch = goro::chan![i32; n +];
}
