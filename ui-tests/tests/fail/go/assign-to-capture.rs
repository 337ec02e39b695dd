// The error must point at `count += 1`: the goroutine would change its own copy.
fn main() {
    let count = 0;
    goro::go!({
        count += 1;
    });
    println!("{count}");
}
