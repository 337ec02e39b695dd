// The closure form spawns a closure as it is: written in place, or held in a variable.
use std::sync::mpsc;

fn main() {
    let (tx, rx) = mpsc::channel();
    let tx2 = tx.clone();
    goro::go!(move || tx.send(1).unwrap());
    let task = move || tx2.send(2).unwrap();
    goro::go!(task);
    let mut got = [rx.recv().unwrap(), rx.recv().unwrap()];
    got.sort();
    assert_eq!(got, [1, 2]);
}
