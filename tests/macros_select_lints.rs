//! Every form of `select!` arm, in code that denies rustc's and clippy's lints: the expansion
//! must not trigger any of them (`cargo clippy --all-targets -- -D warnings` checks the clippy
//! ones, building the test the rustc ones). The values are asserted too.
#![deny(
    warnings,
    unused,
    unused_parens,
    unused_braces,
    unused_mut,
    unused_variables,
    unused_assignments,
    unused_qualifications,
    unreachable_code,
    unreachable_patterns,
    clippy::all,
    clippy::pedantic
)]

use goro::prelude::*;

#[derive(Debug, Default, PartialEq, Eq)]
struct Point {
    x: i32,
    y: i32,
}

#[derive(Debug, Default)]
struct Slots {
    last: i32,
    all: [i32; 2],
}

struct NoDefault(i32);

#[goro::test]
fn declaring_forms() {
    let ch = chan![i32; 8];
    for v in 1..=8 {
        ch.send(v);
    }
    select! { v := <-ch => assert_eq!(v, Some(1)) }
    select! { case mut v := <-ch => { v = v.map(|v| v * 10); assert_eq!(v, Some(20)); } }
    select! { (v, ok) := <-ch => assert_eq!((v, ok), (3, true)), }
    select! { case v, ok := <-ch => assert_eq!((v, ok), (4, true)) }
    select! { (v) := <-ch => assert_eq!(v, Some(5)) }
    select! { _ := <-ch => {} }
    select! { (_, ok) := <-ch => assert!(ok) }
    select! { <-ch => {} }
    let pairs = chan![(i32, i32); 1];
    pairs.send((1, 2));
    select! { ((a, b), ok) := <-pairs => assert_eq!((a, b, ok), (1, 2, true)) }
}

#[goro::test]
fn assigning_forms() {
    let ch = chan![i32; 8];
    for v in 1..=8 {
        ch.send(v);
    }
    let (mut x, mut ok) = (0, false);
    let mut slots = Slots::default();
    let i = 1;
    assert_eq!((x, ok), (0, false));
    select! { x = <-ch => {} }
    assert_eq!(x, 1);
    select! { (x) = <-ch => {} }
    assert_eq!(x, 2);
    select! { slots.last = <-ch => {} }
    select! { case slots.all[i] = <-ch => {} }
    assert_eq!((slots.last, slots.all), (3, [0, 4]));
    {
        let p = &mut x;
        select! { *p = <-ch => {} }
    }
    assert_eq!(x, 5);
    select! { (x, ok) = <-ch => {} }
    assert_eq!((x, ok), (6, true));
    select! { x, ok = <-ch => {} }
    assert_eq!((x, ok), (7, true));
    select! { _ = <-ch => {} }
    ch.close();
    select! { (_, ok) = <-ch => {} }
    assert!(!ok);
    let nd = chan![NoDefault; 1];
    nd.send(NoDefault(1));
    select! { (_, ok) = <-nd => {} }
    assert!(ok);
    nd.send(NoDefault(2));
    select! { _ = <-nd => {} }
    nd.send(NoDefault(3));
    select! { v := <-nd => assert_eq!(v.map(|v| v.0), Some(3)) }
}

#[goro::test]
fn sending_forms() {
    let (points, nums) = (chan![Point; 4], chan![i32; 4]);
    let (tx, rx) = (nums.sender(), nums.receiver());
    select! { case points <- Point { x: 1, y: 2 } => {} }
    select! { points <- (Point { x: 3, y: 4 }) => {} }
    select! { points <- Point { x: 5, ..Point::default() } => {} }
    select! { nums <- (1 + 1) => {} }
    select! { (tx) <- 3 => {} }
    select! { &tx <- -4 => {} }
    select! {
        tx <- 5 => {}
        default => unreachable!("room in the buffer"),
    }
    let sent = select! {
        nums <- 6 => true,
        default => false,
    };
    assert!(!sent, "the buffer is full");
    let got: Vec<i32> = (0..4).filter_map(|_| rx.recv()).collect();
    assert_eq!(got, [2, 3, -4, 5]);
    assert_eq!(points.len(), 3);
}

fn first_even(ch: &Chan<i32>) -> Result<i32, &'static str> {
    'recv: loop {
        let v = select! {
            case v := <-ch => v.ok_or("closed")?,
            default => break 'recv,
        };
        if v % 2 == 1 {
            continue;
        }
        return Ok(v);
    }
    Err("empty")
}

#[goro::test]
fn control_flow_and_values() {
    let ch = chan![i32; 4];
    for v in [1, 3, 4] {
        ch.send(v);
    }
    assert_eq!(first_even(&ch), Ok(4));
    assert_eq!(first_even(&ch), Err("empty"));
    ch.close();
    assert_eq!(first_even(&ch), Err("closed"));

    let only_default = select! { default => 7 };
    assert_eq!(only_default, 7);
    let (a, b) = (chan![u8; 1], chan![u8; 1]);
    b.send(2);
    let mut n = 0;
    for _ in 0..3 {
        select! {
            v := <-a => 'arm: {
                if v.is_none() {
                    break 'arm;
                }
                n += 1;
            }
            v := <-b => {
                for w in 0..v.unwrap_or(0) {
                    if w == 1 {
                        break;
                    }
                    n += 1;
                }
            }
            default => n += 10,
        }
    }
    assert_eq!(n, 21);
}

fn never_returns(nothing: bool) {
    if nothing {
        select! {}
    }
}

#[goro::test]
fn an_empty_select_only_if_reached() {
    never_returns(false);
}
