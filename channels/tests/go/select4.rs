//! Go: `test/chan/select4.go` — a select evaluates the receive *place* of an assignment arm
//! (`case *f() = <-c1:`) only for the arm that is chosen.
//!
//! Differences: the port receives into a declared variable and assigns in the body
//! (`v := <-c1 => *f(..) = ...`; goro's `x = <-c` form assigns to a place too, but a place
//! through a function call reads better in the body): the place is evaluated only for the
//! chosen arm, as Go promises. `f` counts its calls instead of printing
//! `BUG: called f`.

use goro::prelude::*;

#[derive(Default)]
struct X {
    a: i32,
}

/// Go's `f`: hands back the place to assign, counting the call.
fn f<'a>(calls: &mut u32, place: &'a mut i32) -> &'a mut i32 {
    *calls += 1;
    place
}

#[goro::test]
fn test_select_assigns_only_the_chosen_place() {
    let (mut calls, mut other) = (0, 0);
    let mut x = X::default();
    let c = chan![i32; 1];
    let c1 = chan![i32];
    c.send(42);
    select! {
        v := <-c1 => *f(&mut calls, &mut other) = v.unwrap(),
        v := <-c => {
            x.a = v.unwrap();
            assert_eq!(x.a, 42, "BUG: {}", x.a);
        }
    }
    assert_eq!(calls, 0, "BUG: called f");
    assert_eq!(x.a, 42);
}
