//! The dining philosophers with `sync::Mutex` forks and a `sync::WaitGroup`: five
//! philosophers around a table, a fork between each pair; a philosopher needs both
//! neighbouring forks to eat. Each eats three times.
//!
//! Deadlock is avoided the classic way: every philosopher picks up the lower-numbered of
//! their two forks first, so no cycle of philosophers each holding one fork and waiting
//! for the next can form. (Had everyone taken their left fork first, all five could hold
//! one and wait forever; goro would then report Go's `all goroutines are asleep -
//! deadlock!`.) A blocked philosopher parks its goroutine, not its thread.
//!
//! Run: `cargo run --example philosophers`. Prints how many times each philosopher ate.

use goro::prelude::*;
use std::sync::Arc;

const PHILOSOPHERS: usize = 5;
const MEALS: usize = 3;

/// Philosopher `id` eats `MEALS` times, holding forks `id` and `id + 1` (mod 5) for each
/// meal, and records each meal on the shared plate count.
fn dine(id: usize, forks: &[Mutex<()>], meals: &Mutex<Vec<usize>>) {
    let (left, right) = (id, (id + 1) % PHILOSOPHERS);
    let (first, second) = (left.min(right), left.max(right));
    for _ in 0..MEALS {
        let _a = forks[first].lock();
        let _b = forks[second].lock();
        meals.lock()[id] += 1; // eating
        goro::runtime::gosched(); // chew: let the neighbours try their luck meanwhile
    }
}

#[goro::main]
pub fn main() {
    let forks: Arc<Vec<Mutex<()>>> = Arc::new((0..PHILOSOPHERS).map(|_| Mutex::new(())).collect());
    let meals = Arc::new(Mutex::new(vec![0; PHILOSOPHERS]));
    let wg = Arc::new(WaitGroup::new());
    for id in 0..PHILOSOPHERS {
        let (forks, meals) = (forks.clone(), meals.clone());
        wg.go(move || dine(id, &forks, &meals));
    }
    wg.wait();
    let meals = meals.lock();
    for (id, n) in meals.iter().enumerate() {
        println!("philosopher {id} ate {n} times");
    }
    assert!(meals.iter().all(|&n| n == MEALS), "someone went hungry");
    println!("dinner is over: every philosopher ate {MEALS} times, nobody deadlocked");
}
