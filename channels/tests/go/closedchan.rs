//! Go: `test/closedchan.go` — receiving from a closed channel, buffered or not, in every
//! form (plain, `v, ok`, non-blocking, non-blocking `v, ok`), each written three ways:
//! direct operations, one-case selects, and selects with an extra dummy case. A closed
//! channel yields its buffered values and then the zero value at once, forever; sending on
//! it panics and the value is discarded; closing nil or a closed channel panics.
//!
//! Differences: Go's `Chan` interface is a trait with the three implementations; `println`
//! plus a `failed` flag is an assert. Go's `x := <-c` yields the zero value on a closed
//! channel; goro's `recv` yields `None`, so `Recv` here is `recv().unwrap_or_default()`,
//! and a select's `v := <-c` arm binds an `Option`. Go's `shouldPanic` uses `recover`; here
//! `std::panic::catch_unwind`, and the panic text is checked too (Go only checks that it
//! panics).

use crate::support::panic_text;
use goro::chan::{CLOSE_OF_CLOSED, CLOSE_OF_NIL, SEND_ON_CLOSED};
use goro::prelude::*;
use std::panic::{AssertUnwindSafe, catch_unwind};

trait Ops {
    fn send(&self, x: i32);
    fn nbsend(&self, x: i32) -> bool;
    fn recv(&self) -> i32;
    fn nbrecv(&self) -> (i32, bool);
    fn recv2(&self) -> (i32, bool);
    fn nbrecv2(&self) -> (i32, bool, bool);
    fn close(&self);
    fn imp(&self) -> &'static str;
}

/// Direct channel operations where possible. Go: XChan.
struct XChan(Chan<i32>);

impl Ops for XChan {
    fn send(&self, x: i32) {
        self.0.send(x)
    }
    fn nbsend(&self, x: i32) -> bool {
        select! {
            self.0 <- x => true,
            default => false,
        }
    }
    fn recv(&self) -> i32 {
        self.0.recv().unwrap_or_default()
    }
    fn nbrecv(&self) -> (i32, bool) {
        select! {
            x := <-self.0 => (x.unwrap_or_default(), true),
            default => (0, false),
        }
    }
    fn recv2(&self) -> (i32, bool) {
        match self.0.recv() {
            Some(x) => (x, true),
            None => (0, false),
        }
    }
    fn nbrecv2(&self) -> (i32, bool, bool) {
        select! {
            (x, ok) := <-self.0 => (x, ok, true),
            default => (0, false, false),
        }
    }
    fn close(&self) {
        self.0.close()
    }
    fn imp(&self) -> &'static str {
        "(<- operator)"
    }
}

/// Indirect operations via select. Go: SChan.
struct SChan(Chan<i32>);

impl Ops for SChan {
    fn send(&self, x: i32) {
        select! {
            self.0 <- x => {}
        }
    }
    fn nbsend(&self, x: i32) -> bool {
        select! {
            default => false,
            self.0 <- x => true,
        }
    }
    fn recv(&self) -> i32 {
        select! {
            x := <-self.0 => x.unwrap_or_default(),
        }
    }
    fn nbrecv(&self) -> (i32, bool) {
        select! {
            default => (0, false),
            x := <-self.0 => (x.unwrap_or_default(), true),
        }
    }
    fn recv2(&self) -> (i32, bool) {
        select! {
            (x, ok) := <-self.0 => (x, ok),
        }
    }
    fn nbrecv2(&self) -> (i32, bool, bool) {
        select! {
            default => (0, false, false),
            (x, ok) := <-self.0 => (x, ok, true),
        }
    }
    fn close(&self) {
        self.0.close()
    }
    fn imp(&self) -> &'static str {
        "(select)"
    }
}

/// Indirect operations via larger selects, with a dummy case nobody ever makes ready.
/// Go: SSChan and its package-level `dummy`.
struct SSChan(Chan<i32>, Chan<bool>);

impl Ops for SSChan {
    fn send(&self, x: i32) {
        select! {
            self.0 <- x => {}
            <-self.1 => {}
        }
    }
    fn nbsend(&self, x: i32) -> bool {
        select! {
            default => false,
            <-self.1 => panic!("nbsend"),
            self.0 <- x => true,
        }
    }
    fn recv(&self) -> i32 {
        select! {
            <-self.1 => panic!("recv"),
            x := <-self.0 => x.unwrap_or_default(),
        }
    }
    fn nbrecv(&self) -> (i32, bool) {
        select! {
            <-self.1 => panic!("nbrecv"),
            default => (0, false),
            x := <-self.0 => (x.unwrap_or_default(), true),
        }
    }
    fn recv2(&self) -> (i32, bool) {
        select! {
            <-self.1 => panic!("recv"),
            (x, ok) := <-self.0 => (x, ok),
        }
    }
    fn nbrecv2(&self) -> (i32, bool, bool) {
        select! {
            <-self.1 => panic!("nbrecv"),
            default => (0, false, false),
            (x, ok) := <-self.0 => (x, ok, true),
        }
    }
    fn close(&self) {
        self.0.close()
    }
    fn imp(&self) -> &'static str {
        "(select)"
    }
}

/// Runs `f`, which must panic with exactly `want`. Go: shouldPanic.
fn should_panic(want: &str, f: impl FnOnce()) {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(()) => panic!("did not panic"),
        Err(p) => assert_eq!(panic_text(&*p), want),
    }
}

fn test1(c: &dyn Ops) {
    let imp = c.imp();
    for _ in 0..3 {
        // A close signal: the zero value.
        assert_eq!(c.recv(), 0, "test1: recv on closed {imp}");
        assert_eq!(c.recv2(), (0, false), "test1: recv2 on closed {imp}");
        // Received without blocking, so selected.
        assert_eq!(c.nbrecv(), (0, true), "test1: recv on closed nb {imp}");
        assert_eq!(
            c.nbrecv2(),
            (0, false, true),
            "test1: recv2 on closed nb {imp}"
        );
    }
    should_panic(SEND_ON_CLOSED, || {
        c.nbsend(1);
    });
    // The value was discarded.
    assert_eq!(
        c.recv(),
        0,
        "test1: recv on closed got non-zero after send {imp}"
    );
    should_panic(SEND_ON_CLOSED, || c.send(2));
    assert_eq!(
        c.recv(),
        0,
        "test1: recv on closed got non-zero after send {imp}"
    );
}

fn testasync1(c: &dyn Ops) {
    assert_eq!(c.recv(), 1, "testasync1: Recv did not get 1 {}", c.imp());
    test1(c);
}

fn testasync2(c: &dyn Ops) {
    assert_eq!(c.recv2(), (1, true), "testasync2: Recv2 {}", c.imp());
    test1(c);
}

fn testasync3(c: &dyn Ops) {
    assert_eq!(c.nbrecv(), (1, true), "testasync3: Nbrecv {}", c.imp());
    test1(c);
}

fn testasync4(c: &dyn Ops) {
    assert_eq!(
        c.nbrecv2(),
        (1, true, true),
        "testasync4: Nbrecv2 {}",
        c.imp()
    );
    test1(c);
}

fn closedsync() -> Chan<i32> {
    let c = chan![i32];
    c.close();
    c
}

fn closedasync() -> Chan<i32> {
    let c = chan![i32; 2];
    c.send(1);
    c.close();
    c
}

type Mk = fn(Chan<i32>, &Chan<bool>) -> Box<dyn Ops>;

#[goro::test]
fn test_receive_from_closed_channels() {
    let dummy = chan![bool];
    let mks: [Mk; 3] = [
        |c, _| Box::new(XChan(c)),
        |c, _| Box::new(SChan(c)),
        |c, d| Box::new(SSChan(c, d.clone())),
    ];
    for mk in mks {
        test1(&*mk(closedsync(), &dummy));
    }
    let testcloseds: [fn(&dyn Ops); 4] = [testasync1, testasync2, testasync3, testasync4];
    for testclosed in testcloseds {
        for mk in mks {
            testclosed(&*mk(closedasync(), &dummy));
        }
    }
    let every = [
        XChan(closedsync()).imp(),
        SChan(closedsync()).imp(),
        SSChan(closedsync(), dummy.clone()).imp(),
    ];
    assert_eq!(every, ["(<- operator)", "(select)", "(select)"]);
}

#[goro::test]
fn test_close_of_nil_and_of_closed_panic() {
    let ch = Chan::<i32>::nil();
    should_panic(CLOSE_OF_NIL, || ch.close());
    let ch = chan![i32];
    ch.close();
    should_panic(CLOSE_OF_CLOSED, || ch.close());
    // Each implementation's close is the builtin's.
    should_panic(CLOSE_OF_CLOSED, || XChan(ch.clone()).close());
    should_panic(CLOSE_OF_CLOSED, || SChan(ch.clone()).close());
    should_panic(CLOSE_OF_CLOSED, || SSChan(ch.clone(), chan![bool]).close());
}
