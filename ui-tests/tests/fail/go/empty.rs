// The error must point at the `go!()` invocation and list the three forms.
fn main() {
    goro::go!();
}
