//! A tour of goro for Go programmers: channels and `select!` first, then goroutines, Go's
//! scheduling order, `sync`, `goexit` and panics. Each step prints one line and checks its
//! own result (an `assert!` that fails ends the tour with Go's panic report, exit status 2);
//! where a result may surprise, the line or the comment above it says why.
//!
//! Run: `cargo run --release --example tour`.

use goro::prelude::*;
use goro::runtime;
use goro::time::{after, sleep};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex as StdMutex};
use std::time::Instant;

fn square_into(total: Arc<AtomicU64>, n: u64) {
    total.fetch_add(n * n, Ordering::SeqCst);
}

// Go's concurrent prime sieve (go.dev/doc/play/sieve.go), with Go's `chan<- int` and
// `<-chan int` as `Sender` and `Receiver`.
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

#[goro::main]
fn main() {
    println!(
        "goro tour — {} CPUs, GOMAXPROCS={}; main runs as goroutine {}",
        runtime::num_cpu(),
        runtime::gomaxprocs(0),
        runtime::goid()
    );

    // 1. Channels. `chan![T]` is Go's make(chan T): unbuffered, so a send waits for its
    //    receiver. `go!({ ... })` is `go func() { ... }()`; the block names `ch`, and a
    //    channel handle named in a block is cloned into the goroutine, so main keeps its own.
    let ch = chan![String];
    go!({ ch.send("hello from a goroutine".to_string()) });
    let msg = ch.recv().unwrap(); // Go: msg := <-ch (recv gives None once ch is closed)
    assert_eq!(msg, "hello from a goroutine");
    println!("1. unbuffered channel: {msg:?}");

    // 2. A buffered channel (`chan![T; n]`, Go's make(chan T, n)) holds n values without a
    //    receiver. close + range: `for v in &ch` is Go's `for v := range ch`, and it still
    //    drains what was buffered before the close.
    let jobs = chan![u32; 3];
    for j in [1, 2, 3] {
        jobs.send(j); // never waits: the buffer has room for all three
    }
    jobs.close();
    assert_eq!((jobs.len(), jobs.cap()), (3, 3));
    let mut got = Vec::new();
    for j in &jobs {
        got.push(j);
    }
    assert_eq!(got, [1, 2, 3]);
    let after_close = jobs.recv();
    assert_eq!(after_close, None);
    println!("2. buffered channel, closed, ranged over: {got:?}; then recv() = {after_close:?}");

    // 3. select!: Go's select, with Go's case syntax. The arm whose channel is ready runs;
    //    `default` runs when none is; a closed channel is always ready and gives Go's zero
    //    value with ok == false in the `(v, ok) :=` form.
    let (a, b) = (chan![&str; 1], chan![i32]);
    a.send("from a");
    let got = select! {
        case v := <-a => format!("a: {v:?}"), // v: Option<&str>, None if a were closed
        case v := <-b => format!("b: {v:?}"),
    };
    assert_eq!(got, r#"a: Some("from a")"#);
    let idle = select! {
        case v := <-b => format!("b: {v:?}"),
        default => "nothing ready".to_string(),
    };
    b.close();
    let (v, ok) = select! { case (v, ok) := <-b => (v, ok) };
    assert_eq!((idle.as_str(), v, ok), ("nothing ready", 0, false));
    println!(
        "3. select!: {got}; then {idle}; on the closed channel: v={v} (the zero value), ok={ok}"
    );

    // 4. Nil channels and timeouts, two Go idioms. A nil channel is never ready, so setting
    //    a channel variable to nil switches its arm off. `time::after` is Go's time.After.
    //    Here the timeout starts nil (no deadline) and is armed once the producer is done.
    //    Leaving the loop from an arm takes a labelled break: an unlabelled `break` in a
    //    `select!` arm would leave the select in Go but the loop in Rust, so goro refuses it.
    let results = chan![u32];
    go!({
        for i in 1..=3 {
            results.send(i * 10);
        }
        results.close();
    });
    let mut rx = results.clone();
    let mut timeout = Receiver::nil();
    let mut sum = 0;
    'recv: loop {
        select! {
            case v := <-rx => match v {
                Some(v) => sum += v,
                None => {
                    rx = Chan::nil(); // closed: stop selecting on it (Go: rx = nil)
                    timeout = after(Duration::from_millis(1));
                }
            },
            case <-timeout => break 'recv,
        }
    }
    assert_eq!((sum, rx.is_nil()), (60, true));
    println!(
        "4. select! over a channel until it closed, then a nil channel and a timeout: sum {sum}"
    );

    // 5. Channels chained by goroutines: the prime sieve. Each prime found adds a filter
    //    goroutine between the generator and main.
    let mut ch = chan![u32];
    go!(generate(ch.sender())); // call form: `ch.sender()` is evaluated here, in main
    let mut primes = Vec::new();
    for _ in 0..10 {
        let prime = ch.recv().unwrap();
        primes.push(prime);
        let next = chan![u32];
        go!(filter(ch.receiver(), next.sender(), prime));
        ch = next;
    }
    assert_eq!(primes, [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]);
    println!("5. prime sieve over unbuffered channels: {primes:?}");
    // The generator and the 10 filters are now parked for good, each in a send nobody will
    // receive: the goroutine count at the end of the tour includes them.

    // 6. spawn + join: goro's addition to Go. A goroutine's value comes back through its
    //    JoinHandle (Go would use a channel or a WaitGroup).
    let handles: Vec<_> = (1..=10u64).map(|i| goro::spawn(move || i * i)).collect();
    let sum: u64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(sum, 385);
    println!("6. ten spawned goroutines squared 1..=10, joined: sum = {sum}");

    // 7. The call form of go!: `go!(f(a, b))` evaluates f's arguments now, in main, and runs
    //    the call in a new goroutine (Go's `go f(a, b)`). A WaitGroup (Go's sync.WaitGroup)
    //    waits for them.
    let total = Arc::new(AtomicU64::new(0));
    let wg = Arc::new(WaitGroup::new());
    for i in 1..=4 {
        wg.add(1);
        go!({
            // `total` and `wg` are Arcs: cloned into the goroutine; `i` is copied
            square_into(total, i);
            wg.done();
        });
    }
    wg.wait();
    for i in 5..=6 {
        go!(square_into(total.clone(), i)); // `total.clone()` runs here, in main
    }
    while total.load(Ordering::SeqCst) != 91 {
        runtime::gosched(); // let them run; 91 = 1 + 4 + 9 + 16 + 25 + 36
    }
    let total = total.load(Ordering::SeqCst);
    println!(
        "7. go!({{ .. }}) with a WaitGroup, then go!(square_into(total.clone(), i)): total {total}"
    );

    // 8. Go's scheduling order, which surprises at first: with one P (one thread running
    //    goroutines) a new goroutine goes to the P's `runnext` slot, and the goroutine that
    //    was there moves to the back of the queue. Spawning 0..9 and then blocking runs 9
    //    first (the last one spawned holds runnext), then 0, 1, ..., 8 — as Go does.
    let before = runtime::gomaxprocs(1);
    let order = Arc::new(StdMutex::new(Vec::new()));
    let hs: Vec<_> = (0..10)
        .map(|i| {
            let order = order.clone();
            goro::spawn(move || order.lock().unwrap().push(i))
        })
        .collect();
    hs.into_iter().for_each(|h| h.join().unwrap());
    let order = order.lock().unwrap().clone();
    assert_eq!(order, [9, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
    println!("8. GOMAXPROCS=1, spawn 0..9, then wait: they ran in the order {order:?}");

    // 9. gosched (Go's runtime.Gosched) yields to the back of the queue, so two goroutines
    //    on one P take turns. 'y' goes first for the reason of step 8: it was spawned last.
    let log = Arc::new(StdMutex::new(String::new()));
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
    println!("9. gosched ping-pong on one P, x spawned first: {turns} (runnext: y runs first)");
    runtime::gomaxprocs(before);

    // 10. A sleeping goroutine parks; it holds no thread. On one P, 1000 goroutines each
    //     sleeping 10 ms all finish in about 10 ms, not 10 s.
    let before = runtime::gomaxprocs(1);
    let start = Instant::now();
    let wg = Arc::new(WaitGroup::new());
    for _ in 0..1000 {
        wg.go(|| sleep(Duration::from_millis(10)));
    }
    wg.wait();
    let took = start.elapsed();
    assert!(took < Duration::from_secs(5), "1000 sleepers took {took:?}");
    println!("10. 1000 goroutines slept 10 ms each on one P, in {took:.0?} all together");
    runtime::gomaxprocs(before);

    // 11. Many goroutines: each has its own stack (256 KiB of address space, committed only
    //     as it is touched, pooled and reused), so 100,000 at once are cheap.
    let start = Instant::now();
    let n = 100_000u64;
    let hs: Vec<_> = (0..n).map(|i| goro::spawn(move || i)).collect();
    let s: u64 = hs.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(s, n * (n - 1) / 2);
    println!(
        "11. spawned and joined {n} goroutines in {:.0?}",
        start.elapsed()
    );

    // 12. goexit (Go's runtime.Goexit) ends only the calling goroutine, after its
    //     destructors. A panic comes back through join as Err. Without a JoinHandle (a go!
    //     goroutine) an unrecovered panic ends the program as in Go, with exit status 2.
    let h = goro::spawn(|| -> () { runtime::goexit() });
    assert!(h.join().unwrap_err().is::<goro::panic::Goexit>());
    let h = goro::spawn(|| -> u8 { panic!("caught by join") });
    let err = h.join().unwrap_err();
    let text = goro::panic::payload_str(&*err);
    assert_eq!(text, "caught by join");
    println!("12. goexit ended its goroutine; a spawned goroutine's panic came back: {text:?}");

    // The 11 sieve goroutines of step 5 are still parked in their sends, so the count is
    // 12 with main (once the goroutines that have finished their work have also exited).
    // Go would simply exit now; goro unwinds them (running their destructors) when main
    // returns.
    while runtime::num_goroutine() > 12 {
        runtime::gosched();
    }
    let left = runtime::num_goroutine();
    assert_eq!(left, 12);
    println!(
        "tour done: {left} goroutines left (main + the sieve's generator and 10 filters, \
         parked in sends; unwound as main returns)"
    );
}
