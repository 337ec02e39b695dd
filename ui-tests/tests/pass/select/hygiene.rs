// The expansion's hidden locals can't be seen or shadowed by the user's code: variables
// named like them stay the user's, nested selects don't mix up their arms, and a select
// works in a generic function (its hidden enum is generic too).
use goro::prelude::*;

fn either<T: Send>(a: &Chan<T>, b: &Chan<T>) -> Option<T> {
    select! {
        v := <-a => v,
        v := <-b => v,
    }
}

#[goro::main]
fn main() {
    let __goro_op0 = chan![i32; 1];
    let __goro_c0 = 10;
    let __goro_v = "user's";
    let __goro_arm = 3;
    __goro_op0.send(1);
    let got = select! {
        v := <-__goro_op0 => (v, __goro_c0, __goro_v, __goro_arm),
    };
    assert_eq!(got, (Some(1), 10, "user's", 3));

    let (outer, inner) = (chan![&str; 1], chan![&str; 1]);
    outer.send("outer");
    inner.send("inner");
    let both = select! {
        o := <-outer => select! {
            i := <-inner => (o, i),
            default => (o, None),
        },
        default => (None, None),
    };
    assert_eq!(both, (Some("outer"), Some("inner")));

    let (a, b) = (chan![String; 1], chan![String; 1]);
    b.send(String::from("b"));
    assert_eq!(either(&a, &b).as_deref(), Some("b"));
}
