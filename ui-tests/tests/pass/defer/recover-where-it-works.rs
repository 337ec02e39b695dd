// recover() is accepted wherever it may stop a panic, and where it is a harmless check:
// in deferred blocks, in closures and nested fns a defer! calls, inside other macros.
use goro::prelude::*;

#[goro::func]
fn by_closure() -> u8 {
    let handler = || assert!(goro::recover().is_some());
    defer!(handler()); // Go: defer handler()
    panic!("closure");
}

#[goro::func]
fn by_nested_fn() -> u8 {
    fn handler() {
        assert!(recover().is_some());
    }
    defer!(handler());
    panic!("nested fn");
}

#[goro::func]
fn own_recover() -> u8 {
    let recover = || 7u8; // a local `recover`: not goro's
    recover()
}

#[goro::main]
fn main() {
    assert!(goro::recover().is_none()); // not panicking: a fine check
    assert_eq!((by_closure(), by_nested_fn(), own_recover()), (0, 0, 7));
    let done = chan![bool];
    go!({
        defer!({ done.send(recover().is_some()) });
        panic!("goroutine");
    });
    assert_eq!(done.recv(), Some(true));
}
