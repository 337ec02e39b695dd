//! Runs every Go program ported in `examples/` (all but `tour.rs`) and checks that it
//! succeeds and prints what it should.
//!
//! How: each example file is compiled into this test binary as a module (`#[path]`), so
//! `cargo test` tests the current source and needs no separate `cargo build --examples`.
//! Each test runs this same binary again as a child process, with only itself selected and
//! `GORO_EXAMPLE` set; the child calls the example's `main`, which is `#[goro::main]`, so the
//! program runs exactly as under `cargo run --example`: its own asserts check its results,
//! and a panic in any of its goroutines prints Go's report and exits with status 2. The
//! parent checks the exit status and the lines the program printed.
//!
//! Adding an example: give it `#[goro::main] pub fn main()`, add its `#[path]` module and a
//! test below naming the lines it must print.

use std::process::Command;

#[path = "../examples/atomic_counters.rs"]
mod atomic_counters;
#[path = "../examples/channel_buffering.rs"]
mod channel_buffering;
#[path = "../examples/channel_directions.rs"]
mod channel_directions;
#[path = "../examples/channel_synchronization.rs"]
mod channel_synchronization;
#[path = "../examples/channels.rs"]
mod channels;
#[path = "../examples/closing_channels.rs"]
mod closing_channels;
#[path = "../examples/countermap.rs"]
mod countermap;
#[path = "../examples/defer.rs"]
mod defer;
#[path = "../examples/doubleselect.rs"]
mod doubleselect;
#[path = "../examples/fifo.rs"]
mod fifo;
#[path = "../examples/gbe_goroutines.rs"]
mod gbe_goroutines;
#[path = "../examples/gc_graph.rs"]
mod gc_graph;
#[path = "../examples/google_search.rs"]
mod google_search;
#[path = "../examples/goroutines.rs"]
mod goroutines;
#[path = "../examples/memstats.rs"]
mod memstats;
#[path = "../examples/monitor.rs"]
mod monitor;
#[path = "../examples/mutexes.rs"]
mod mutexes;
#[path = "../examples/non_blocking_channel_operations.rs"]
mod non_blocking_channel_operations;
#[path = "../examples/nonblock.rs"]
mod nonblock;
#[path = "../examples/perm.rs"]
mod perm;
#[path = "../examples/philosophers.rs"]
mod philosophers;
#[path = "../examples/powser1.rs"]
mod powser1;
#[path = "../examples/powser2.rs"]
mod powser2;
#[path = "../examples/range_over_channels.rs"]
mod range_over_channels;
#[path = "../examples/rate_limiting.rs"]
mod rate_limiting;
#[path = "../examples/recover.rs"]
mod recover;
#[path = "../examples/select.rs"]
mod select;
#[path = "../examples/select3.rs"]
mod select3;
#[path = "../examples/sendstmt.rs"]
mod sendstmt;
#[path = "../examples/sieve1.rs"]
mod sieve1;
#[path = "../examples/sieve2.rs"]
mod sieve2;
#[path = "../examples/stateful_goroutines.rs"]
mod stateful_goroutines;
#[path = "../examples/tickers.rs"]
mod tickers;
#[path = "../examples/timeouts.rs"]
mod timeouts;
#[path = "../examples/timers.rs"]
mod timers;
#[path = "../examples/waitgroup.rs"]
mod waitgroup;
#[path = "../examples/worker_pools.rs"]
mod worker_pools;
#[path = "../examples/workerpool.rs"]
mod workerpool;

/// In the child: runs the example's `main`. In the parent: runs the child and checks that
/// it exits with status 0 and that its standard output contains every line of `want`.
fn example(name: &str, main: fn(), want: &[&str]) {
    if std::env::var("GORO_EXAMPLE").as_deref() == Ok(name) {
        main();
        return;
    }
    let out = Command::new(std::env::current_exe().expect("the test binary"))
        .args(["--exact", name, "--nocapture", "--test-threads=1"])
        .env("GORO_EXAMPLE", name)
        .output()
        .expect("run the test binary as a child");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "example {name} failed ({}).\nstdout:\n{stdout}\nstderr:\n{stderr}",
        out.status
    );
    // The child's test harness prints `test NAME ... ` before the program's first line.
    let harness = format!("test {name} ... ");
    let printed: Vec<&str> = stdout
        .lines()
        .map(|l| l.strip_prefix(&harness).unwrap_or(l))
        .collect();
    for line in want {
        assert!(
            printed.contains(line),
            "example {name} did not print {line:?}.\nstdout:\n{stdout}"
        );
    }
}

const PRIMES_BELOW_100: &str =
    "primes below 100: 2 3 5 7 11 13 17 19 23 29 31 37 41 43 47 53 59 61 67 71 73 79 83 89 97";

#[test]
fn sieve1() {
    example("sieve1", sieve1::main, &[PRIMES_BELOW_100]);
}

#[test]
fn sieve2() {
    example(
        "sieve2",
        sieve2::main,
        &[PRIMES_BELOW_100, "the 1025th prime: 8167"],
    );
}

#[test]
fn powser1() {
    example(
        "powser1",
        powser1::main,
        &[
            "Ones: 1 1 1 1 1 1 1 1 1 1",
            "Diff(Ones): 1 2 3 4 5 6 7 8 9 10",
            "Integ(0, Ones): 0 1 1/2 1/3 1/4 1/5 1/6 1/7 1/8 1/9",
            "Mul(Ones, Ones): 1 2 3 4 5 6 7 8 9 10",
            "Exp(Ones): 1 1 3/2 13/6 73/24 167/40 4051/720 37633/5040 43817/4480 4596553/362880",
            "ATan: 0 1 0 -1/3 0 1/5 0 -1/7 0 1/9",
        ],
    );
}

#[test]
fn powser2() {
    example(
        "powser2",
        powser2::main,
        &[
            "Ones: 1 1 1 1 1 1 1 1 1 1",
            "Diff(Ones): 1 2 3 4 5 6 7 8 9 10",
            "Integ(0, Ones): 0 1 1/2 1/3 1/4 1/5 1/6 1/7 1/8 1/9",
            "Mul(Ones, Ones): 1 2 3 4 5 6 7 8 9 10",
            "Exp(Ones): 1 1 3/2 13/6 73/24 167/40 4051/720 37633/5040 43817/4480 4596553/362880",
            "ATan: 0 1 0 -1/3 0 1/5 0 -1/7 0 1/9",
        ],
    );
}

#[test]
fn doubleselect() {
    example(
        "doubleselect",
        doubleselect::main,
        &["doubleselect: 100000 values, each through exactly one of four select cases"],
    );
}

#[test]
fn fifo() {
    example(
        "fifo",
        fifo::main,
        &[
            "buffered fifo: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]",
            "unbuffered fifo: a chain of 10 goroutines received 0..10 in order",
        ],
    );
}

#[test]
fn nonblock() {
    example(
        "nonblock",
        nonblock::main,
        &[
            "buffer=0: i32, i64, bool, String sent and received without blocking",
            "buffer=1: i32, i64, bool, String sent and received without blocking",
        ],
    );
}

#[test]
fn select3() {
    example(
        "select3",
        select3::main,
        &[
            "nil send: blocks",
            "select nil receive + default: no panic",
            "receive from closed: does not block",
            "send to closed: panics",
            "select {}: blocks",
            "select nil receive + nil send: blocks",
            "select default: does not block",
            "select x, ok := <-c on closed: does not block",
            "select send to closed: panics",
            "select send and receive on one channel: blocks",
        ],
    );
}

#[test]
fn sendstmt() {
    example(
        "sendstmt",
        sendstmt::main,
        &[
            "sent on a channel received from a channel: 2",
            "sent `false || true`: true",
        ],
    );
}

#[test]
fn goroutines() {
    example(
        "goroutines",
        goroutines::main,
        &["goroutines: 1 passed through a chain of 10000 goroutines, all of which have ended"],
    );
}

#[test]
fn perm() {
    example(
        "perm",
        perm::main,
        &["perm: every operation Go's perm.go accepts works, on the matching view"],
    );
}

#[test]
fn philosophers() {
    let mut want: Vec<String> = (0..5)
        .map(|i| format!("philosopher {i} ate 3 times"))
        .collect();
    want.push("dinner is over: every philosopher ate 3 times, nobody deadlocked".into());
    let want: Vec<&str> = want.iter().map(String::as_str).collect();
    example("philosophers", philosophers::main, &want);
}

#[test]
fn workerpool() {
    example(
        "workerpool",
        workerpool::main,
        // Go's `// Output:` line for Example_workerPool.
        &["[0 1 7 2 5 8 16 3 19 6 14 9 9 17 17 4 12 20 20 7 7 15 15 10 23 10 111 18 18 18 106 5]"],
    );
}

#[test]
fn countermap() {
    example(
        "countermap",
        countermap::main,
        &[
            "and: 1",
            "go: 4",
            "gopher: 2",
            "runs: 2",
            "runtime: 2",
            "the: 3",
            "14 words counted by 8 writers while 4 readers watched",
        ],
    );
}

#[test]
fn waitgroup() {
    example(
        "waitgroup",
        waitgroup::main,
        &[
            "results: [1, 5, 14, 30, 55, 91, 140, 204, 285, 385]",
            "squares: [1, 4, 9, 16, 25, 36, 49, 64, 81, 100]",
            "the WaitGroup was reused: both rounds complete",
        ],
    );
}

#[test]
fn gc_graph() {
    example(
        "gc_graph",
        gc_graph::main,
        &[
            "rings kept: 20, objects live after gc: 61",
            "scope ended: objects freed",
        ],
    );
}

#[test]
fn memstats() {
    example(
        "memstats",
        memstats::main,
        // Each object: its 1 KiB array and an 8-byte header.
        &["after allocating: 1024 objects more, 1048 KiB more"],
    );
}

#[test]
fn monitor() {
    example(
        "monitor",
        monitor::main,
        &["workers done", "goroutines at the end: 1"],
    );
}

#[test]
fn timers() {
    example(
        "timers",
        timers::main,
        &["Timer 1 fired", "Timer 2 stopped"],
    );
}

#[test]
fn tickers() {
    example(
        "tickers",
        tickers::main,
        &["Tick 1 at ~50 ms", "Ticker stopped"],
    );
}

#[test]
fn rate_limiting() {
    example(
        "rate_limiting",
        rate_limiting::main,
        &[
            "request 1",
            "request 2",
            "request 3",
            "request 4",
            "request 5",
            "request 1 (burst)",
            "request 2 (burst)",
            "request 3 (burst)",
        ],
    );
}

#[test]
fn timeouts() {
    example("timeouts", timeouts::main, &["timeout 1", "result 2"]);
}

#[test]
fn google_search() {
    example(
        "google_search",
        google_search::main,
        &[
            r#"Google Search 1.0: ["web result for \"golang\"", "image result for \"golang\"", "video result for \"golang\""]"#,
            r#"Google Search 2.0: ["web result for \"golang\"", "image result for \"golang\"", "video result for \"golang\""]"#,
            "timed out",
            r#"Google Search 2.1: ["web result for \"golang\"", "image result for \"golang\""]"#,
            r#"Google Search 3.0: ["web result for \"golang\"", "image result for \"golang\"", "video result for \"golang\""]"#,
        ],
    );
}

#[test]
fn defer() {
    example("defer", defer::main, &["creating", "writing", "closing"]);
}

#[test]
fn recover() {
    example(
        "recover",
        recover::main,
        &["Recovered. Error:", " a problem"],
    );
}

// Go by Example (gobyexample.com): goroutines, channels, select, sync.

#[test]
fn gbe_goroutines() {
    example(
        "gbe_goroutines",
        gbe_goroutines::main,
        &[
            "direct : 0",
            "direct : 1",
            "direct : 2",
            "goroutine : 0",
            "goroutine : 1",
            "goroutine : 2",
            "going",
            "done",
        ],
    );
}

#[test]
fn channels() {
    example("channels", channels::main, &["ping"]);
}

#[test]
fn channel_buffering() {
    example(
        "channel_buffering",
        channel_buffering::main,
        &["buffered", "channel"],
    );
}

#[test]
fn channel_synchronization() {
    example(
        "channel_synchronization",
        channel_synchronization::main,
        &["working...done"],
    );
}

#[test]
fn channel_directions() {
    example(
        "channel_directions",
        channel_directions::main,
        &["passed message"],
    );
}

#[test]
fn select() {
    example("select", select::main, &["received one", "received two"]);
}

#[test]
fn non_blocking_channel_operations() {
    example(
        "non_blocking_channel_operations",
        non_blocking_channel_operations::main,
        &["no message received", "no message sent", "no activity"],
    );
}

#[test]
fn closing_channels() {
    example(
        "closing_channels",
        closing_channels::main,
        &[
            "sent job 1",
            "sent job 2",
            "sent job 3",
            "sent all jobs",
            "received job 1",
            "received job 2",
            "received job 3",
            "received all jobs",
            "received more jobs: false",
        ],
    );
}

#[test]
fn range_over_channels() {
    example(
        "range_over_channels",
        range_over_channels::main,
        &["one", "two"],
    );
}

#[test]
fn worker_pools() {
    example(
        "worker_pools",
        worker_pools::main,
        &["results: [2, 4, 6, 8, 10]"],
    );
}

#[test]
fn atomic_counters() {
    example("atomic_counters", atomic_counters::main, &["ops: 50000"]);
}

#[test]
fn mutexes() {
    example("mutexes", mutexes::main, &["map[a:20000 b:10000]"]);
}

#[test]
fn stateful_goroutines() {
    example(
        "stateful_goroutines",
        stateful_goroutines::main,
        &["the state goroutine served reads and writes"],
    );
}
