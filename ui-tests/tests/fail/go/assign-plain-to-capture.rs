// The error must point at `last = v`: the goroutine would change its own copy.
fn main() {
    let last = 0;
    let v = 7;
    goro::go!({ last = v });
    println!("{last}");
}
