//! Every workload, small, in every implementation the runner runs it in: each must
//! check its answer and print its one `name value unit` line. (Sizes here are tiny; the
//! runner's are in `src/bin/runner.rs`.)

use std::process::Command;

/// Runs `bin args --impl imp` and returns the name and unit of its result line (whose value
/// must be positive).
fn run(bin: &str, args: &[&str], imp: &str) -> (String, String) {
    run_min(bin, args, imp, f64::MIN_POSITIVE)
}

/// As `run`, for a value that must be at least `min`.
fn run_min(bin: &str, args: &[&str], imp: &str, min: f64) -> (String, String) {
    let out = Command::new(bin)
        .args(args)
        .args(["--impl", imp])
        .output()
        .expect("start the workload");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{bin} {args:?} --impl {imp}: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "{bin} --impl {imp}: want one line, got {stdout:?}"
    );
    let f: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(
        f.len(),
        3,
        "{bin} --impl {imp}: not `name value unit`: {stdout:?}"
    );
    let v: f64 = f[1].parse().expect("a number");
    assert!(v >= min, "{bin} --impl {imp}: {v}");
    (f[0].to_string(), f[2].to_string())
}

fn check(bin: &str, args: &[&str], impls: &[&str], name: &str, unit: &str) {
    for imp in impls {
        assert_eq!(run(bin, args, imp), (name.to_string(), unit.to_string()));
    }
}

#[test]
fn pingpong_unbuffered() {
    let bin = env!("CARGO_BIN_EXE_pingpong_unbuffered");
    let impls = ["goro", "may", "tokio", "crossbeam"];
    for p in ["1", "2"] {
        let args = ["--n", "2000", "--procs", p];
        let name = format!("pingpong_unbuffered_p{p}");
        check(bin, &args, &impls, &name, "ns/roundtrip");
    }
}

#[test]
fn spsc_buffered() {
    let bin = env!("CARGO_BIN_EXE_spsc_buffered");
    let impls = ["goro", "tokio", "crossbeam"];
    check(bin, &["--n", "20000"], &impls, "spsc_buffered", "ns/msg");
}

#[test]
fn mpmc() {
    let bin = env!("CARGO_BIN_EXE_mpmc");
    let impls = ["goro", "crossbeam"];
    check(bin, &["--n", "20000"], &impls, "mpmc_buffered", "ns/msg");
    let args = ["--n", "4000", "--cap", "0"];
    check(bin, &args, &impls, "mpmc_unbuffered", "ns/msg");
}

#[test]
fn select4() {
    let bin = env!("CARGO_BIN_EXE_select4");
    let impls = ["goro", "tokio", "crossbeam"];
    check(bin, &["--n", "4000"], &impls, "select4", "ns/msg");
    check(
        bin,
        &["--n", "4000", "--cap", "16"],
        &impls,
        "select4",
        "ns/msg",
    );
}

#[test]
fn skynet() {
    let bin = env!("CARGO_BIN_EXE_skynet");
    let impls = ["goro", "may", "tokio"];
    check(bin, &["--n", "10000"], &impls, "skynet", "ms");
}

#[test]
fn prime_sieve() {
    let bin = env!("CARGO_BIN_EXE_prime_sieve");
    check(
        bin,
        &["--n", "200"],
        &["goro", "tokio"],
        "prime_sieve",
        "ms",
    );
}

#[test]
fn a_peer_without_a_version_says_so() {
    let out = Command::new(env!("CARGO_BIN_EXE_skynet"))
        .args(["--impl", "crossbeam"])
        .output()
        .expect("start skynet");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "printed a result line");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no crossbeam version"), "{err}");
}

// ---- sync workloads: their peers are locks (`--impl goro|std|parking_lot|tokio`) --------

#[test]
fn mutex_uncontended() {
    let bin = env!("CARGO_BIN_EXE_mutex_uncontended");
    let impls = ["goro", "std", "parking_lot", "tokio"];
    check(bin, &["--n", "20000"], &impls, "mutex_uncontended", "ns/op");
}

#[test]
fn mutex_contended() {
    let bin = env!("CARGO_BIN_EXE_mutex_contended");
    let impls = ["goro", "std", "parking_lot", "tokio"];
    let args = ["--n", "20000", "--procs", "2"];
    check(bin, &args, &impls, "mutex_contended_p2", "ns/op");
}

#[test]
fn rwmutex_read99() {
    let bin = env!("CARGO_BIN_EXE_rwmutex_read99");
    let impls = ["goro", "std", "parking_lot", "tokio"];
    check(bin, &["--n", "20000"], &impls, "rwmutex_read99", "ns/op");
}

#[test]
fn waitgroup() {
    let bin = env!("CARGO_BIN_EXE_waitgroup");
    check(
        bin,
        &["--rounds", "5"],
        &["goro"],
        "waitgroup_1000",
        "us/round",
    );
}

#[test]
fn semaphore() {
    let bin = env!("CARGO_BIN_EXE_semaphore");
    let impls = ["goro", "tokio"];
    check(
        bin,
        &["--n", "20000"],
        &impls,
        "semaphore_contended",
        "ns/op",
    );
}

#[test]
fn time() {
    let goro = ["goro"];
    let bin = env!("CARGO_BIN_EXE_sleepers");
    let small = ["--n", "2000", "--max-ms", "10"];
    check(bin, &small, &goro, "sleepers_total", "ms");
    let args = ["--n", "2000", "--max-ms", "10", "--report", "p99"];
    check(bin, &args, &goro, "sleepers_late_p99", "us");
    let bin = env!("CARGO_BIN_EXE_select_timeout");
    check(bin, &["--n", "2000"], &goro, "select_timeout", "ns/iter");
    let bin = env!("CARGO_BIN_EXE_timer_churn");
    check(bin, &["--n", "2000"], &goro, "timer_churn", "ns/op");
    let bin = env!("CARGO_BIN_EXE_ticker");
    check(bin, &["--ms", "20"], &goro, "ticker", "ticks");
}

// ---- network workloads: goro::net, tokio::net ---------------------------------------------

#[test]
fn tcp_echo() {
    let bin = env!("CARGO_BIN_EXE_tcp_echo");
    let args = ["--n", "640", "--conns", "8"];
    check(bin, &args, &["goro", "tokio"], "tcp_echo", "ns/roundtrip");
}

#[test]
fn rss_idle_conn() {
    let bin = env!("CARGO_BIN_EXE_rss_idle_conn");
    let impls = ["goro", "tokio"];
    check(bin, &["--n", "200"], &impls, "rss_idle_conn", "B/conn");
}

#[test]
fn http_hello() {
    let wrk = Command::new("sh").args(["-c", "command -v wrk"]).output();
    if !wrk.is_ok_and(|o| o.status.success()) {
        eprintln!("http_hello: wrk is not installed (the runner installs it); not run");
        return;
    }
    let bin = env!("CARGO_BIN_EXE_http_hello");
    let args = ["--secs", "1", "--conns", "8"];
    check(bin, &args, &["goro", "tokio"], "http_hello", "req/s");
}

// ---- gc workloads: goro only (Go's twin is the other column) -----------------------------

#[test]
fn gc_alloc() {
    let bin = env!("CARGO_BIN_EXE_gc_alloc");
    check(bin, &["--n", "20000"], &["goro"], "gc_alloc", "ns/alloc");
    // Enough allocations for collections to run: the pause rows need one.
    // A pause may be 0: goro stops goroutines only when an allocation outruns a cycle.
    let want = |name: &str| (name.to_string(), "us".to_string());
    let args = ["--n", "1000000", "--report", "pause_p50"];
    assert_eq!(run_min(bin, &args, "goro", 0.0), want("gc_pause_p50"));
    let args = ["--n", "1000000", "--report", "pause_max"];
    assert_eq!(run_min(bin, &args, "goro", 0.0), want("gc_pause_max"));
}

#[test]
fn gc_live_objects() {
    let bin = env!("CARGO_BIN_EXE_gc_live_objects");
    let args = ["--n", "100000"];
    check(bin, &args, &["goro"], "gc_bytes_per_object", "B");
    let args = ["--n", "100000", "--report", "rss"];
    check(bin, &args, &["goro"], "gc_rss_per_object", "B");
}

#[test]
fn binary_trees() {
    let bin = env!("CARGO_BIN_EXE_binary_trees");
    check(bin, &["--depth", "8"], &["goro"], "binary_trees", "ms");
}
