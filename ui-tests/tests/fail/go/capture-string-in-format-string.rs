// The error must point at the format string that names `{name}`: a String is not Share.
fn main() {
    let name = String::from("gopher");
    goro::go!({ println!("hello, {name}") });
    println!("{name}");
}
