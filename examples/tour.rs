//! A short tour of what goro can do so far: goroutines on an M:N scheduler, the three
//! forms of `go!`, Go's scheduling order, `goexit` and panics, channels and `select!`.
//!
//! Run: `cargo run --release --example tour`. Every step checks its own result.

use goro::prelude::*;
use goro::runtime;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

fn square_into(total: Arc<AtomicU64>, n: u64) {
    total.fetch_add(n * n, Ordering::SeqCst);
}

#[goro::main]
fn main() {
    println!(
        "goro tour — {} CPUs, GOMAXPROCS={}",
        runtime::num_cpu(),
        runtime::gomaxprocs(0)
    );
    println!("main runs as goroutine {}", runtime::goid());

    // 1. spawn + join: a goroutine's value comes back through its JoinHandle.
    let handles: Vec<_> = (1..=10u64).map(|i| goro::spawn(move || i * i)).collect();
    let sum: u64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(sum, 385);
    println!("1. ten goroutines squared 1..=10, sum = {sum}");

    // 2. go!: Go's go statement. Call form evaluates arguments now; block form clones
    //    shared handles (Arc, later channels) so the caller keeps its own.
    let total = Arc::new(AtomicU64::new(0));
    for i in 1..=4 {
        go!(square_into(total.clone(), i));
    }
    let seen = Arc::new(AtomicU64::new(0));
    go!({
        seen.fetch_add(1, Ordering::SeqCst); // `seen` was cloned into the goroutine
    });
    while total.load(Ordering::SeqCst) != 30 || seen.load(Ordering::SeqCst) != 1 {
        runtime::gosched();
    }
    println!(
        "2. go!(square_into(..)) x4 -> total {}, go!{{..}} ran once, caller still owns `seen`",
        30
    );

    // 3. Go's scheduling order: with one P a new goroutine goes to `runnext`, kicking the
    //    previous one to the back: spawning 0..9 then blocking runs 9, 0, 1, ..., 8.
    let before = runtime::gomaxprocs(1);
    let order = Arc::new(Mutex::new(Vec::new()));
    let hs: Vec<_> = (0..10)
        .map(|i| {
            let order = order.clone();
            goro::spawn(move || order.lock().unwrap().push(i))
        })
        .collect();
    hs.into_iter().for_each(|h| h.join().unwrap());
    let order = order.lock().unwrap().clone();
    assert_eq!(order, [9, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
    println!("3. GOMAXPROCS=1, spawn 0..9, block: ran in order {order:?}");

    // 4. gosched: two goroutines on one P take turns.
    let log = Arc::new(Mutex::new(String::new()));
    let hs: Vec<_> = ['x', 'y']
        .into_iter()
        .map(|c| {
            let log = log.clone();
            goro::spawn(move || {
                for _ in 0..4 {
                    log.lock().unwrap().push(c);
                    runtime::gosched();
                }
            })
        })
        .collect();
    hs.into_iter().for_each(|h| h.join().unwrap());
    let turns = log.lock().unwrap().clone();
    assert_eq!(turns, "yxyxyxyx");
    println!("4. gosched ping-pong on one P: {turns}");
    runtime::gomaxprocs(before);

    // 5. Many goroutines: stacks are pooled 256 KiB slots, committed lazily.
    let start = Instant::now();
    let n = 100_000u64;
    let hs: Vec<_> = (0..n).map(|i| goro::spawn(move || i)).collect();
    let s: u64 = hs.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(s, n * (n - 1) / 2);
    println!(
        "5. spawned and joined {n} goroutines in {:?}",
        start.elapsed()
    );

    // 6. goexit ends only the calling goroutine, after its destructors; panics come back
    //    through join (an unjoined panic would end the program as in Go, exit status 2).
    let h = goro::spawn(|| -> () { runtime::goexit() });
    assert!(h.join().unwrap_err().is::<goro::panic::Goexit>());
    let h = goro::spawn(|| -> u8 { panic!("caught by join") });
    let err = h.join().unwrap_err();
    println!(
        "6. goexit ended its goroutine; a panic came back as {:?}",
        goro::panic::payload_str(&*err)
    );

    // 7. Channels: Go's concurrent prime sieve, a chain of filter goroutines.
    fn generate(ch: Sender<u32>) {
        for i in 2.. {
            ch.send(i);
        }
    }
    fn filter(input: Receiver<u32>, out: Sender<u32>, prime: u32) {
        for i in &input {
            if i % prime != 0 {
                out.send(i);
            }
        }
    }
    let mut ch = chan![u32];
    go!(generate(ch.sender()));
    let mut primes = Vec::new();
    for _ in 0..10 {
        let prime = ch.recv().unwrap();
        primes.push(prime);
        let next = chan![u32];
        go!(filter(ch.receiver(), next.sender(), prime));
        ch = next;
    }
    assert_eq!(primes, [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]);
    println!("7. prime sieve over unbuffered channels: {primes:?}");

    // 8. select!: whichever channel is ready; default when none is; closed reads give None.
    let (a, b) = (chan![&str; 1], chan![i32]);
    a.send("from a");
    let got = select! {
        case v := <-a => format!("a: {v:?}"),
        case v := <-b => format!("b: {v:?}"),
    };
    assert_eq!(got, r#"a: Some("from a")"#);
    let idle = select! {
        v := <-b => format!("b: {v:?}"),
        default => "nothing ready".to_string(),
    };
    b.close();
    let (v, ok) = select! { (v, ok) := <-b => (v, ok) };
    assert_eq!((idle.as_str(), v, ok), ("nothing ready", 0, false));
    println!("8. select!: {got}; then {idle}; after close: v={v}, ok={ok}");

    println!("tour done: {} goroutine(s) left", runtime::num_goroutine());
}
