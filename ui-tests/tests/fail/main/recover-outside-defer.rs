// The error must point at `::goro::recover()`: main's body is not a deferred block.
#[goro::main]
fn main() {
    let _ = ::goro::recover();
    panic!("not recovered");
}
