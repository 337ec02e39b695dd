// The error must point at `y`, the token after the call that makes it no Rust.
fn f(_: i32) {}

fn main() {
    let (x, y) = (1, 2);
    goro::go!(f(x) y);
}
