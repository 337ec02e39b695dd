// #[goro::main] runs the body inside the runtime and returns when it does.
#[goro::main]
fn main() {
    let (tx, rx) = std::sync::mpsc::channel();
    goro::go!(move || tx.send(goro::runtime::goid()).unwrap());
    assert_ne!(rx.recv().unwrap(), goro::runtime::goid());
}
