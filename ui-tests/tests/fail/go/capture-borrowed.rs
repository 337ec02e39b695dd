// The error must point at `name`: a reference to a local does not live as long as the goroutine.
fn main() {
    let owned = String::from("gopher");
    let name: &str = &owned;
    goro::go!({ println!("{name}") });
}
