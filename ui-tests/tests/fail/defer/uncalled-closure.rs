// The error must point at the closure: defer! takes a call or a block.
fn main() {
    goro::defer!(|| println!("bye"));
}
