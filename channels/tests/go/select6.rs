//! Go: `test/chan/select6.go` (issue 2075) — a select that loses on a channel where other
//! goroutines also wait, and is last in that channel's queue, must leave the queue intact;
//! a corrupted queue left later waiters asleep forever.
//!
//! Differences: Go starts the goroutines and relies on timing for the select to be queued on
//! c1 behind the plain receiver; here both are parked in that order on one P first.

use crate::support::park_in_order;
use goro::prelude::*;
use goro::runtime::gomaxprocs;

#[goro::test]
fn test_select_leaves_other_queues_intact() {
    gomaxprocs(1);
    let (c1, c2, c3) = (chan![bool], chan![bool], chan![bool]);
    let (c1b, c2b, c3b) = (c1.clone(), c2.clone(), c3.clone());
    let _parked = park_in_order(2, move |i| {
        if i == 0 {
            c1b.recv();
        } else {
            select! {
                <-c1b => panic!("dummy"),
                <-c2b => c3b.send(true),
            }
            c1b.recv();
        }
    });
    go!({ c2.send(true) });
    c3.recv();
    c1.send(true);
    c1.send(true); // with a corrupted c1 queue, nobody would ever take this one
}
