// Arm bodies are plain Rust of the enclosing function: `continue`, labelled `break`,
// `return` and `?` act on its loops and its return type; `select!` has a value.
use goro::prelude::*;

/// The first even value, or `None` once `ch` is closed.
fn first_even(ch: &Chan<i32>) -> Option<i32> {
    'recv: loop {
        select! {
            v := <-ch => match v {
                Some(v) if v % 2 == 0 => return Some(v),
                Some(_) => continue,
                None => break 'recv,
            },
        }
    }
    None
}

#[derive(Debug, PartialEq)]
struct Closed;

fn doubled(ch: &Chan<i32>) -> Result<i32, Closed> {
    let v = select! { v := <-ch => v.ok_or(Closed)? };
    Ok(v * 2)
}

#[goro::main]
fn main() {
    let ch = chan![i32; 4];
    for v in [1, 3, 4, 5] {
        ch.send(v);
    }
    assert_eq!(first_even(&ch), Some(4));
    ch.close();
    assert_eq!(
        first_even(&ch),
        None,
        "5 is skipped by `continue`, then `break`"
    );

    let ch = chan![i32; 1];
    ch.send(21);
    assert_eq!(doubled(&ch), Ok(42));
    ch.close();
    assert_eq!(doubled(&ch), Err(Closed));

    let (ticks, stop) = (chan![u32; 8], chan![(); 1]);
    for t in 0..5 {
        ticks.send(t);
    }
    let mut seen = Vec::new();
    'outer: for round in 0.. {
        for _ in 0..2 {
            select! {
                case t := <-ticks => seen.push(t.unwrap()),
                case <-stop => break 'outer,
            }
        }
        if round == 1 {
            stop.send(());
        }
    }
    // Rounds 0 and 1 take four ticks; round 2 may take the fifth before `stop`, or not.
    assert_eq!(seen[..4], [0, 1, 2, 3]);
}
