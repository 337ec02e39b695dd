// The method form evaluates the receiver now (Go's method value) and calls it in the goroutine,
// also through `&mut self`.
use std::sync::mpsc;

struct Counter {
    n: u32,
    out: mpsc::Sender<u32>,
}

impl Counter {
    fn bump_and_report(&mut self, by: u32) {
        self.n += by;
        self.out.send(self.n).unwrap();
    }
}

fn main() {
    let (tx, rx) = mpsc::channel();
    let counter = Counter { n: 1, out: tx };
    goro::go!(counter.bump_and_report(41));
    assert_eq!(rx.recv(), Ok(42));
}
