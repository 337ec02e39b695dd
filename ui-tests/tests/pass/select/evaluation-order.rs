// Every channel operand and send value is evaluated exactly once, in source order, before
// the select waits, whichever arm runs (Go's rule); an unsent value is dropped before the
// arm's body runs.
use std::cell::RefCell;
use std::sync::Arc;

use goro::prelude::*;

struct Log(RefCell<Vec<&'static str>>);

impl Log {
    fn at<T>(&self, event: &'static str, value: T) -> T {
        self.0.borrow_mut().push(event);
        value
    }
    fn take(&self) -> Vec<&'static str> {
        self.0.take()
    }
}

#[goro::main]
fn main() {
    let log = Log(RefCell::new(Vec::new()));
    let (a, b, c) = (chan![i32; 1], chan![i32; 1], chan![Arc<()>; 1]);
    let token = Arc::new(());

    // The send on `b` is the only arm that can proceed.
    let took = select! {
        v := <-log.at("operand a", &a) => v.map(|_| "a"),
        log.at("operand b", &b) <- log.at("value b", 2) => Some("b"),
        log.at("operand c", &c) <- log.at("value c", token.clone()) => Some("c"),
        default => None,
    };
    assert!(took == Some("b") || took == Some("c"), "{took:?}");
    assert_eq!(
        log.take(),
        ["operand a", "operand b", "value b", "operand c", "value c"]
    );

    // Both channels are full now: `default` runs, after the same evaluations, and the
    // value for `c` is no longer held by anything when it does.
    b.try_send(0).ok();
    c.try_send(token.clone()).ok();
    let strong = select! {
        v := <-log.at("operand a", &a) => panic!("a is empty: {v:?}"),
        log.at("operand b", &b) <- log.at("value b", 2) => panic!("b is full"),
        log.at("operand c", &c) <- log.at("value c", token.clone()) => panic!("c is full"),
        default => Arc::strong_count(&token),
    };
    assert_eq!(strong, 2, "the token and the copy buffered in c");
    assert_eq!(
        log.take(),
        ["operand a", "operand b", "value b", "operand c", "value c"]
    );
}
