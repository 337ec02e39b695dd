// #[goro::main] runs the body inside the runtime and returns when it does.
#[goro::main]
fn main() {
    let ch = goro::Chan::new(0);
    goro::go!({ ch.send(goro::runtime::goid()) });
    assert_ne!(ch.recv().unwrap(), goro::runtime::goid());
}
