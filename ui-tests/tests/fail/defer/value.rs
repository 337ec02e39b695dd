// The error must point at `x`: a value, nothing to call at scope exit.
fn main() {
    let x = 1;
    goro::defer!(x);
}
