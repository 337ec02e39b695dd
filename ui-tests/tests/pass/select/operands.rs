// An operand is any expression: a field, an index, a call, a clone, a reference. It is
// borrowed, not moved, and only for the select itself: a body may reassign the channel it
// selected on (Go's `ch = nil` to turn an arm off), close it or move it.
use goro::prelude::*;

struct Worker {
    jobs: Chan<i32>,
    results: Chan<i32>,
}

impl Worker {
    /// Doubles one job; false once `jobs` is closed.
    fn step(&self) -> bool {
        select! {
            j := <-self.jobs => match j {
                Some(j) => {
                    select! { self.results <- j * 2 => {} }
                    true
                }
                None => false,
            },
        }
    }
}

fn ready(v: i32) -> Receiver<i32> {
    let ch = chan![i32; 1];
    ch.send(v);
    ch.receiver()
}

#[goro::main]
fn main() {
    let worker = Worker {
        jobs: chan![i32; 2],
        results: chan![i32; 2],
    };
    worker.jobs.send(4);
    worker.jobs.close();
    assert!(worker.step());
    assert!(!worker.step());
    assert_eq!(worker.results.recv(), Some(8));

    let chans = [chan![usize; 1], chan![usize; 1]];
    let i = 1;
    chans[i].send(i);
    select! {
        v := <-chans[i] => assert_eq!(v, Some(1)),
        <-chans[0] => unreachable!("chans[0] is empty"),
    }

    select! { v := <-ready(3) => assert_eq!(v, Some(3)) }

    let done = chan![()];
    done.close();
    select! { <-done.clone() => {} }

    // Merge two channels, turning each arm off once its channel is drained.
    let (mut a, mut b) = (chan![i32; 2], chan![i32; 2]);
    a.send(1);
    a.send(2);
    a.close();
    b.send(10);
    b.close();
    let mut sum = 0;
    while !a.is_nil() || !b.is_nil() {
        select! {
            v := <-a => match v {
                Some(v) => sum += v,
                None => a = Chan::nil(),
            },
            v := <-b => match v {
                Some(v) => sum += v,
                None => b = Chan::nil(),
            },
        }
    }
    assert_eq!(sum, 13);

    // A body may close or move the channel of its own arm.
    let (out, log) = (chan![i32; 1], chan![Chan<i32>; 1]);
    select! {
        out <- 1 => {
            out.close();
            log.send(out);
        }
    }
    let out = log.recv().unwrap();
    assert_eq!(out.recv(), Some(1));
    assert_eq!(out.recv(), None);
}
