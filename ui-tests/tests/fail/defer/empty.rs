// The error must point at the `defer!()` invocation and name both forms.
fn main() {
    goro::defer!();
}
