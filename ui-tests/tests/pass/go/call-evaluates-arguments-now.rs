// The call form evaluates its arguments in the caller, in source order, before go! returns;
// the goroutine, held at a gate until then, sees the values they had at that time.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

static CLOCK: AtomicUsize = AtomicUsize::new(0);

fn tick() -> usize {
    CLOCK.fetch_add(1, Ordering::SeqCst)
}

fn worker(a: usize, b: usize, gate: mpsc::Receiver<()>, done: mpsc::Sender<(usize, usize, usize)>) {
    gate.recv().unwrap();
    done.send((a, b, tick())).unwrap();
}

fn main() {
    let (gate_tx, gate_rx) = mpsc::channel();
    let (done_tx, done_rx) = mpsc::channel();
    goro::go!(worker(tick(), tick(), gate_rx, done_tx));
    let after = tick();
    gate_tx.send(()).unwrap();
    assert_eq!(after, 2);
    assert_eq!(done_rx.recv(), Ok((0, 1, 3)));
}
