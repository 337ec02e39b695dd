// The error must point at `1`, where the element type belongs.
fn main() {
    let _ch = goro::chan![1];
}
