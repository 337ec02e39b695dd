//! Go: `test/chan/select7.go` — select when discarding a value: each of three ways to send
//! (plain, one-arm select, two-arm select) meets each of three ways to receive and discard
//! (plain, one-arm select, two-arm select).
//!
//! Differences: none in the logic; the receivers' results are joined so a lost or misrouted
//! value fails the test instead of leaving a goroutine blocked.

use goro::prelude::*;
use goro::runtime::gosched;

fn recv1(c: Chan<i32>) {
    c.recv();
}

fn recv2(c: Chan<i32>) {
    select! {
        <-c => {},
    }
}

fn recv3(c: Chan<i32>) {
    let c2 = chan![i32];
    select! {
        <-c => {},
        <-c2 => unreachable!("nobody sends on c2"),
    }
}

fn send1(recv: fn(Chan<i32>)) {
    let c = chan![i32];
    let h = goro::spawn({
        let c = c.clone();
        move || recv(c)
    });
    gosched();
    c.send(1);
    h.join().unwrap();
}

fn send2(recv: fn(Chan<i32>)) {
    let c = chan![i32];
    let h = goro::spawn({
        let c = c.clone();
        move || recv(c)
    });
    gosched();
    select! {
        c <- 1 => {},
    }
    h.join().unwrap();
}

fn send3(recv: fn(Chan<i32>)) {
    let c = chan![i32];
    let h = goro::spawn({
        let c = c.clone();
        move || recv(c)
    });
    gosched();
    let c2 = chan![i32];
    select! {
        c <- 1 => {},
        c2 <- 1 => unreachable!("nobody receives on c2"),
    }
    h.join().unwrap();
}

#[goro::test]
fn test_select_discarding_values() {
    for recv in [recv1 as fn(Chan<i32>), recv2, recv3] {
        send1(recv);
        send2(recv);
        send3(recv);
    }
}
