//! The park gate the goro workloads use: it must park every waiter and wake each exactly once.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use goro_benches::gate::Gate;

#[test]
fn open_releases_every_parked_goroutine() {
    const N: usize = 1000;
    let released = goro::run(|| {
        let (gate, done) = (Arc::new(Gate::new()), Arc::new(Gate::new()));
        let released = Arc::new(AtomicUsize::new(0));
        for _ in 0..N {
            let (gate, done, released) = (gate.clone(), done.clone(), released.clone());
            drop(goro::spawn(move || {
                gate.wait();
                if released.fetch_add(1, Ordering::SeqCst) + 1 == N {
                    done.open();
                }
            }));
        }
        while gate.waiting() < N {
            goro::runtime::gosched();
        }
        assert_eq!(
            released.load(Ordering::SeqCst),
            0,
            "a waiter passed a closed gate"
        );
        gate.open();
        done.wait();
        released.load(Ordering::SeqCst)
    });
    assert_eq!(released, N);
}

#[test]
fn wait_on_an_open_gate_returns_at_once() {
    let gate = Gate::new();
    gate.open();
    gate.wait(); // from a plain thread: must not park
    goro::run(move || gate.wait());
}

#[test]
fn a_plain_thread_parks_until_a_goroutine_opens() {
    let gate = Arc::new(Gate::new());
    let opener = gate.clone();
    let t = std::thread::spawn(move || {
        goro::run(move || {
            while opener.waiting() == 0 {
                goro::runtime::gosched();
            }
            opener.open();
        })
    });
    gate.wait();
    t.join().expect("opener thread");
}

#[test]
fn vm_rss_is_read() {
    assert!(goro_benches::report::vm_rss_kib() > 0);
}
