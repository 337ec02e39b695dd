// The error must point at `async` and say to remove it.
fn main() {
    goro::go!(async move || println!("hi"));
}
