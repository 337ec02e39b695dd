// The error must point at `chan![]`, which names no element type.
fn main() {
    let _ch = goro::chan![];
}
