//! Non-blocking channel operations: `select!` with a `default` arm. Port of Go's
//! `test/chan/nonblock.go`: for unbuffered and one-slot channels of several element types,
//! a non-blocking receive from an empty channel takes `default`; a non-blocking send
//! (or receive) retried in a loop eventually meets a goroutine that receives (or sends).
//!
//! Differences from Go: between attempts Go sleeps on a 10 µs ticker and yields three
//! times, giving up after 10 000 tries (about 100 ms). We yield (`gosched`) and give up
//! only after 10 s, which bounds a failure without making a slow debug build flaky; a
//! passing run never waits for it. Go's `string` is Rust's `String` (not `Copy`: each
//! attempt sends a fresh clone, which `select!` drops if the attempt fails).
//!
//! Run: `cargo run --example nonblock`.

use goro::prelude::*;
use std::fmt::Debug;
use std::time::{Duration, Instant};

/// Receives a value, checks it, then strobes.
fn receiver<T: PartialEq + Debug>(c: Chan<T>, want: T, strobe: Chan<bool>) {
    assert_eq!(c.recv(), Some(want));
    strobe.send(true);
}

/// Sends a value, then strobes.
fn sender<T>(c: Chan<T>, v: T, strobe: Chan<bool>) {
    c.send(v);
    strobe.send(true);
}

/// Gives up after this long: bounds a failure, never reached when passing.
const PATIENCE: Duration = Duration::from_secs(10);

/// Retries a non-blocking send of `v` on `c` until it succeeds.
fn send_nonblocking<T: Clone>(c: &Chan<T>, v: T, what: &str) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        select! {
            c <- v.clone() => return,
            default => {
                assert!(Instant::now() < deadline, "{what}: no receiver came");
                goro::runtime::gosched();
            }
        }
    }
}

/// Retries a non-blocking receive from `c` until it succeeds; returns the value.
fn recv_nonblocking<T>(c: &Chan<T>, what: &str) -> T {
    let deadline = Instant::now() + PATIENCE;
    loop {
        select! {
            v := <-c => return v.expect("never closed"),
            default => {
                assert!(Instant::now() < deadline, "{what}: no sender came");
                goro::runtime::gosched();
            }
        }
    }
}

/// Non-blocking receive from an empty channel must take `default`.
fn assert_empty<T>(c: &Chan<T>, what: &str) {
    select! {
        <-c => panic!("blocked {what}"),
        default => {},
    }
}

/// One element type: receive-side and send-side checks, as Go's four copies of this block.
fn exercise<T>(c: Chan<T>, to_receiver: T, from_sender: T, buffer: usize, sync: &Chan<bool>)
where
    T: Clone + PartialEq + Debug + Send + 'static,
{
    let name = std::any::type_name::<T>();
    go!(receiver(c.clone(), to_receiver.clone(), sync.clone()));
    send_nonblocking(&c, to_receiver, &format!("{name} receiver buffer={buffer}"));
    sync.recv();

    go!(sender(c.clone(), from_sender.clone(), sync.clone()));
    if buffer > 0 {
        sync.recv(); // the send completed into the buffer
    }
    let got = recv_nonblocking(&c, &format!("{name} sender buffer={buffer}"));
    assert_eq!(got, from_sender, "{name} sender value");
    if buffer == 0 {
        sync.recv();
    }
}

#[goro::main]
pub fn main() {
    let sync = chan![bool];
    for buffer in 0..2 {
        let c32 = chan![i32; buffer];
        let c64 = chan![i64; buffer];
        let cb = chan![bool; buffer];
        let cs = chan![String; buffer];

        assert_empty(&c32, "i32sender");
        assert_empty(&c64, "i64sender");
        assert_empty(&cb, "bsender");
        assert_empty(&cs, "ssender");

        exercise(c32, 123, 234, buffer, &sync);
        exercise(c64, 123456, 234567, buffer, &sync);
        exercise(cb, true, true, buffer, &sync);
        exercise(
            cs,
            "hello".to_owned(),
            "hello again".to_owned(),
            buffer,
            &sync,
        );
        println!("buffer={buffer}: i32, i64, bool, String sent and received without blocking");
    }
}
