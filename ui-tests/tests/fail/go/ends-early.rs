// The error must point at `+`, where the input stops in the middle of an expression.
fn f(_: i32) {}

fn main() {
    goro::go!(f(1) +);
}
