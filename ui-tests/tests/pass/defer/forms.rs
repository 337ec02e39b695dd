// Every form of defer! and #[goro::func] compiles and runs in LIFO order.
use goro::prelude::*;
use std::cell::RefCell;

#[goro::func]
fn guarded(v: &mut Vec<i32>) -> Option<i32> {
    #![allow(clippy::needless_return)]
    defer!({
        let _ = recover();
    });
    v.push(1);
    Some(v.len() as i32)
}

fn main() {
    let log = RefCell::new(Vec::new());
    let push = |v: i32| log.borrow_mut().push(v);
    {
        defer!(push(1));
        defer!({ log.borrow_mut().push(2) });
        defer! { log.borrow_mut().push(3); }
        defer!(if true { log.borrow_mut().push(4) });
        defer!(std::mem::drop(5));
        let mut w = vec![0];
        defer!(w.push(9)); // a variable receiver is used (borrowed) at the call
    }
    assert_eq!(*log.borrow(), [4, 3, 2, 1]);
    let cell = RefCell::new(vec![0]);
    {
        // A receiver that is a call is evaluated now, as in Go: the borrow lasts until the
        // deferred call has run.
        defer!(cell.borrow_mut().push(1));
        assert!(cell.try_borrow().is_err());
    }
    assert_eq!(*cell.borrow(), [0, 1]);
    let mut v = Vec::new();
    assert_eq!(guarded(&mut v), Some(1));
}
