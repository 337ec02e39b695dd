// The error must point at the argument `"three"`: `work` takes an i32.
fn work(n: i32) {
    println!("{n}");
}

fn main() {
    goro::go!(work("three"));
}
