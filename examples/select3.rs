//! Which channel operations block, which panic: nil, closed, buffered and unbuffered
//! channels, alone and in `select!`, with and without `default`. Port of Go's
//! `test/chan/select3.go`.
//!
//! Differences from Go: Go's `testBlock` decides "blocks" by racing `f` against a 0.1 s
//! sleep. Here the decision is exact, with no clock: on one P a goroutine runs until it
//! blocks or ends, and `go!` does not yield, so a witness goroutine started just before
//! `f` runs only once `f`'s goroutine has blocked or finished — whichever of the two
//! reports first on a buffered channel tells which happened. `testPanic` catches the panic
//! with `catch_unwind`, as Go's `recover`. Goroutines left blocked are unwound when `main`
//! returns.
//!
//! Run: `cargo run --example select3`.

use goro::prelude::*;
use goro::runtime::gomaxprocs;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Go's `var nilch chan int`: a nil channel is a constant, so a `static` holds it.
static NILCH: Chan<i32> = Chan::nil();

const ALWAYS: &str = "function did not";
const NEVER: &str = "function did";

fn unreachable() {
    panic!("control flow shouldn't reach here");
}

/// Calls `f` and verifies that it always/never panics, depending on `signal`.
fn test_panic(what: &str, signal: &str, f: impl FnOnce()) {
    let s = match catch_unwind(AssertUnwindSafe(f)) {
        Err(_) => ALWAYS, // f panicked
        Ok(()) => NEVER,
    };
    assert_eq!(s, signal, "{what}: {signal} panic");
    println!(
        "{what}: {}",
        if s == ALWAYS { "panics" } else { "no panic" }
    );
}

/// Calls `f` in a goroutine and verifies that it always/never blocks, depending on `signal`.
fn test_block(what: &str, signal: &str, f: impl FnOnce() + Send + 'static) {
    let before = gomaxprocs(1);
    let c = chan![&'static str; 2];
    go!({
        go!({
            c.send(ALWAYS); // runs only once f's goroutine has blocked (or ended)
        });
        f();
        c.send(NEVER); // f didn't block
    });
    let s = c.recv().unwrap();
    gomaxprocs(before);
    assert_eq!(s, signal, "{what}: {signal} block");
    println!(
        "{what}: {}",
        if s == ALWAYS {
            "blocks"
        } else {
            "does not block"
        }
    );
}

#[goro::main]
pub fn main() {
    const ASYNC: usize = 1; // asynchronous channels
    let closedch = chan![i32];
    closedch.close();

    // sending/receiving from a nil channel blocks
    test_block("nil send", ALWAYS, || NILCH.send(7));
    test_block("nil receive", ALWAYS, || {
        NILCH.recv();
    });

    // sending/receiving from a nil channel inside a select is never selected
    test_panic("select nil send + default", NEVER, || {
        select! {
            NILCH <- 7 => unreachable(),
            default => {},
        }
    });
    test_panic("select nil receive + default", NEVER, || {
        select! {
            <-NILCH => unreachable(),
            default => {},
        }
    });

    // sending to an async channel with free buffer space never blocks
    test_block("buffered send with room", NEVER, || {
        let ch = chan![i32; ASYNC];
        ch.send(7);
    });

    // receiving from a closed channel never blocks
    test_block("receive from closed", NEVER, {
        let closedch = closedch.clone();
        move || {
            for _ in 0..10 {
                assert_eq!(
                    closedch.recv().unwrap_or_default(),
                    0,
                    "expected zero value when reading from closed channel"
                );
                select! {
                    (x, ok) := <-closedch => assert_eq!((x, ok), (0, false)),
                }
            }
        }
    });

    // sending to a closed channel panics.
    test_panic("send to closed", ALWAYS, || closedch.send(7));

    // receiving from a non-ready channel always blocks
    test_block("receive from empty unbuffered", ALWAYS, || {
        let ch = chan![i32];
        ch.recv();
    });

    // empty selects always block
    test_block("select {}", ALWAYS, || select! {});

    // selects with only nil channels always block
    test_block("select nil receive", ALWAYS, || {
        select! {
            <-NILCH => unreachable(),
        }
    });
    test_block("select nil send", ALWAYS, || {
        select! {
            NILCH <- 7 => unreachable(),
        }
    });
    test_block("select nil receive + nil send", ALWAYS, || {
        select! {
            <-NILCH => unreachable(),
            NILCH <- 7 => unreachable(),
        }
    });

    // selects with non-ready non-nil channels always block
    test_block("select receive from empty", ALWAYS, || {
        let ch = chan![i32];
        select! {
            <-ch => unreachable(),
        }
    });

    // selects with default cases don't block
    test_block("select default", NEVER, || select! { default => {} });
    test_block("select nil receive + default", NEVER, || {
        select! {
            <-NILCH => unreachable(),
            default => {},
        }
    });
    test_block("select nil send + default", NEVER, || {
        select! {
            NILCH <- 7 => unreachable(),
            default => {},
        }
    });

    // selects with ready channels don't block
    test_block("select buffered send with room", NEVER, || {
        let ch = chan![i32; ASYNC];
        select! {
            ch <- 7 => {},
            default => unreachable(),
        }
    });
    test_block("select buffered receive", NEVER, || {
        let ch = chan![i32; ASYNC];
        ch.send(7);
        select! {
            <-ch => {},
            default => unreachable(),
        }
    });

    // selects with closed channels behave like ordinary operations
    for (what, form) in [("<-c", 0), ("x := <-c", 1), ("x, ok := <-c", 2)] {
        let closedch = closedch.clone();
        test_block(
            &format!("select {what} on closed"),
            NEVER,
            move || match form {
                0 => select! { <-closedch => {} },
                1 => select! { x := <-closedch => assert_eq!(x, None) },
                _ => select! { (x, ok) := <-closedch => assert_eq!((x, ok), (0, false)) },
            },
        );
    }
    test_panic("select send to closed", ALWAYS, || {
        select! {
            closedch <- 7 => {},
        }
    });

    // select should not get confused if it sees itself
    test_block("select send and receive on one channel", ALWAYS, || {
        let c = chan![i32];
        select! {
            c <- 1 => {},
            <-c => {},
        }
    });
}
