// The error must point at the parameters `a, b` of the closure.
fn main() {
    goro::go!(|a: i32, b: i32| println!("{}", a + b));
}
