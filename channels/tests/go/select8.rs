//! Go: `test/chan/select8.go` — `break` inside a select leaves the select, in 1-, 2- and
//! 3-case selects (with and without `default`).
//!
//! Differences: Go's unlabelled `break` in a select leaves the select; in goro an arm body
//! is plain Rust in the enclosing function, so an unlabelled `break` would leave an
//! enclosing loop instead. Go's meaning is `break 'label` to a labelled block around the
//! `select!`, which is what each case here uses; the code after it must not run.

use goro::prelude::*;

#[goro::test]
#[allow(
    unreachable_code,
    reason = "the code after each break is Go's panic(\"unreachable\")"
)]
fn test_break_leaves_the_select() {
    let ch = chan![i32];
    go!({
        loop {
            ch.send(5);
        }
    });
    let mut left = 0;

    's1: {
        select! {
            <-ch => {
                break 's1;
                panic!("unreachable");
            }
        }
    }
    left += 1;

    's2: {
        select! {
            default => {
                break 's2;
                panic!("unreachable");
            }
        }
    }
    left += 1;

    's3: {
        select! {
            <-ch => {
                break 's3;
                panic!("unreachable");
            }
            default => {
                break 's3;
                panic!("unreachable");
            }
        }
    }
    left += 1;

    's4: {
        select! {
            <-ch => {
                break 's4;
                panic!("unreachable");
            }
            ch <- 10 => panic!("unreachable"),
            default => {
                break 's4;
                panic!("unreachable");
            }
        }
    }
    left += 1;
    assert_eq!(left, 4);
}
