// A scope (and everything branded with its lifetime) cannot leave `gc::scope`'s closure.
fn main() {
    let leaked = goro::gc::scope(|s| s);
    let _ = leaked;
}
