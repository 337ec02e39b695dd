// A handle cannot leave its scope: the heap (and the object) end with the scope.
fn main() {
    let escaped = goro::gc::scope(|s| s.alloc(1u32));
    println!("{}", *escaped);
}
