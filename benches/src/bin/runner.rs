//! runner: runs every workload for goro, its Go twin and the peers, several times each, and
//! prints the medians side by side with the goro/Go ratio, and the median of the runs' own
//! ratios (`paired`).
//!
//! `cargo run --release -p goro-benches --bin runner [-- [--runs N] [--timeout S]
//! [--impls goro,go,may,tokio,crossbeam,std,parking_lot] [--wrk-secs S] [workload...]]`
//!
//! Steps:
//! 1. The workload binaries are the ones cargo built beside this one (same directory as
//!    `current_exe`); the runner builds no Rust itself, and stops at once if they are missing
//!    (`cargo build --release -p goro-benches` builds them all).
//! 2. The Go twins are built once with `go build` into `target/go-bench/<workload>` (`go run`
//!    would count its compile in every run). Without `go`, it tries `apt-get install golang-go`;
//!    failing that the Go column reads `go: unavailable`.
//! 3. Runs are interleaved (run 1 of every impl, then run 2, …) so drift hits all columns alike.
//!    `goro/go` divides the two columns' medians; `paired` is the median of goro's run *i*
//!    divided by Go's run *i*, made in the same round (right after it with the default
//!    `--impls` order). A VM phase (a stretch of seconds in
//!    which every cross-CPU transfer is slower) that catches more of one column's runs than
//!    the other's moves `goro/go`; `paired` compares runs made under the same conditions.
//!    A run that exits non-zero, prints no `name value unit` line for its case, or outlives
//!    `--timeout` makes its cell FAIL (or TIMEOUT); the reason is listed under the table. A peer
//!    with no version of a workload reads `n/a` and is not run.
//! 4. A workload that drives an outside program (`http_hello` runs `wrk`) gets it installed
//!    through apt-get when missing, as Go; failing that its row reads `skipped`, with the
//!    reason under the table.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// One row of the table: a workload binary, its arguments, and the name its line carries.
struct Case {
    workload: &'static str,
    args: &'static [&'static str],
    name: &'static str,
    /// The peer columns (may, tokio, crossbeam, std, parking_lot) this workload has a version
    /// for; the others
    /// read `n/a`. goro and Go always run.
    peers: &'static [&'static str],
    /// Extra arguments for one column, after `args` (a later flag wins): a smaller `--n` for a
    /// peer that would take far longer than the rest at the common size. Per-message numbers
    /// stay comparable; the README lists every such case.
    only: &'static [(&'static str, &'static [&'static str])],
    /// A program the workload runs (the Debian package of the same name): installed when
    /// missing; without it every cell of the row reads `skipped`.
    tool: Option<&'static str>,
}

const fn case(
    workload: &'static str,
    args: &'static [&'static str],
    name: &'static str,
    peers: &'static [&'static str],
) -> Case {
    Case {
        workload,
        args,
        name,
        peers,
        only: &[],
        tool: None,
    }
}

const CASES: &[Case] = &[
    case("spawn_join", &[], "spawn_join", &["may", "tokio"]),
    // 1,000,000 goroutines whose handles are all held before the first join.
    case(
        "spawn_join",
        &["--batch", "1000000"],
        "spawn_join_held",
        &["tokio"],
    ),
    case(
        "gosched_pingpong",
        &[],
        "gosched_pingpong",
        &["may", "tokio"],
    ),
    // 20,000: a round N at which may still fits vm.max_map_count (2 maps per coroutine).
    case(
        "rss_parked",
        &["--n", "20000"],
        "rss_parked_20000",
        &["may", "tokio"],
    ),
    case(
        "rss_parked",
        &["--n", "100000"],
        "rss_parked_100000",
        &["may", "tokio"],
    ),
    case(
        "rss_parked",
        &["--n", "1000000"],
        "rss_parked_1000000",
        &["may", "tokio"],
    ),
    // Two OS threads hand off through futexes at ~10 µs a round trip: a tenth of N for them.
    Case {
        only: &[("crossbeam", &["--n", "100000"])],
        ..case(
            "pingpong_unbuffered",
            &["--procs", "1"],
            "pingpong_unbuffered_p1",
            &["may", "tokio", "crossbeam"],
        )
    },
    Case {
        only: &[("crossbeam", &["--n", "100000"])],
        ..case(
            "pingpong_unbuffered",
            &["--procs", "2"],
            "pingpong_unbuffered_p2",
            &["may", "tokio", "crossbeam"],
        )
    },
    case(
        "spsc_buffered",
        &[],
        "spsc_buffered",
        &["tokio", "crossbeam"],
    ),
    case("mpmc", &["--cap", "1024"], "mpmc_buffered", &["crossbeam"]),
    Case {
        only: &[("crossbeam", &["--n", "400000"])],
        ..case("mpmc", &["--cap", "0"], "mpmc_unbuffered", &["crossbeam"])
    },
    Case {
        only: &[("crossbeam", &["--n", "200000"])],
        ..case("select4", &[], "select4", &["tokio", "crossbeam"])
    },
    // Go's BenchmarkChanNonblocking and BenchmarkChanClosed: one-case selects with default.
    case("chan_nonblocking", &[], "chan_nonblocking", &[]),
    case(
        "chan_nonblocking",
        &["--closed", "true"],
        "chan_closed",
        &[],
    ),
    case("skynet", &[], "skynet", &["tokio"]),
    case("prime_sieve", &[], "prime_sieve", &["tokio"]),
    // goro::sync; peers are locks: std and parking_lot on OS threads, tokio's in tasks.
    case(
        "mutex_uncontended",
        &[],
        "mutex_uncontended",
        &["tokio", "std", "parking_lot"],
    ),
    case(
        "mutex_contended",
        &["--procs", "2"],
        "mutex_contended_p2",
        &["tokio", "std", "parking_lot"],
    ),
    case(
        "rwmutex_read99",
        &[],
        "rwmutex_read99",
        &["tokio", "std", "parking_lot"],
    ),
    case("waitgroup", &[], "waitgroup_1000", &[]),
    case("semaphore", &[], "semaphore_contended", &["tokio"]),
    case("sleepers", &["--report", "total"], "sleepers_total", &[]),
    case("sleepers", &["--report", "p50"], "sleepers_late_p50", &[]),
    case("sleepers", &["--report", "p99"], "sleepers_late_p99", &[]),
    case("select_timeout", &[], "select_timeout", &[]),
    case("timer_churn", &[], "timer_churn", &[]),
    case("ticker", &[], "ticker", &[]),
    // goro::net; tokio's peers run on 2 workers, as GOMAXPROCS here.
    case("tcp_echo", &[], "tcp_echo", &["tokio"]),
    Case {
        tool: Some("wrk"),
        ..case("http_hello", &[], "http_hello", &["tokio"])
    },
    case("rss_idle_conn", &[], "rss_idle_conn", &["tokio"]),
    // goro::gc, against Go's collector; no peer has a tracing GC.
    case("gc_alloc", &[], "gc_alloc", &[]),
    // Pauses of gc_alloc's cycles (its run has the most of them): median and longest.
    case("gc_alloc", &["--report", "pause_p50"], "gc_pause_p50", &[]),
    case("gc_alloc", &["--report", "pause_max"], "gc_pause_max", &[]),
    case("binary_trees", &["--depth", "16"], "binary_trees", &[]),
    case("gc_live_objects", &[], "gc_bytes_per_object", &[]),
    case(
        "gc_live_objects",
        &["--report", "rss"],
        "gc_rss_per_object",
        &[],
    ),
];

/// The columns: goro, Go, then the peers.
const IMPLS: &[&str] = &[
    "goro",
    "go",
    "may",
    "tokio",
    "crossbeam",
    "std",
    "parking_lot",
];

/// What one cell of the table shows.
enum Cell {
    /// Median of the runs, the unit the workload printed, and the runs in order.
    Value(f64, String, Vec<f64>),
    /// A run failed; the note says why.
    Fail(&'static str),
    /// Go could not be installed.
    Unavailable,
    /// This peer has no version of the workload.
    NotApplicable,
    /// The program the workload runs could not be installed.
    Skipped,
}

struct Options {
    runs: usize,
    timeout: Duration,
    impls: Vec<String>,
    workloads: Vec<String>,
    /// `--wrk-secs`: the duration of each wrk load (the workloads' default, 10 s, if unset).
    wrk_secs: Option<u32>,
}

fn main() {
    let opts = parse_options();
    let exe = std::env::current_exe().expect("current_exe");
    let bin_dir = exe
        .parent()
        .expect("the runner lives in a directory")
        .to_path_buf();
    let target_dir = bin_dir.parent().unwrap_or(&bin_dir).to_path_buf();
    let cases: Vec<&Case> = CASES
        .iter()
        .filter(|c| {
            opts.workloads.is_empty()
                || opts
                    .workloads
                    .iter()
                    .any(|w| w == c.workload || w == c.name)
        })
        .collect();
    if cases.is_empty() {
        eprintln!("runner: no such workload: {}", opts.workloads.join(" "));
        std::process::exit(2);
    }
    // `cargo run --bin runner` builds only the runner: without its workloads every cell
    // would read FAIL, so say what to do instead.
    let missing: Vec<&str> = cases
        .iter()
        .map(|c| c.workload)
        .filter(|w| !bin_dir.join(w).exists())
        .collect();
    if !missing.is_empty() {
        eprintln!(
            "runner: workload binaries not built ({}); run `cargo build --release -p goro-benches` first",
            missing.join(", ")
        );
        std::process::exit(2);
    }

    let go_version = if opts.impls.iter().any(|i| i == "go") {
        ensure_go()
    } else {
        None
    };
    let go_bin_dir = target_dir.join("go-bench");
    let mut go_built: Vec<&str> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    if go_version.is_some() {
        let mut workloads: Vec<&str> = cases.iter().map(|c| c.workload).collect();
        workloads.dedup();
        for w in workloads {
            match build_go(w, &go_bin_dir) {
                Ok(()) => go_built.push(w),
                Err(e) => notes.push(format!("{w}/go: go build failed: {e}")),
            }
        }
    }

    let mut tools: Vec<(&str, Result<(), String>)> = Vec::new();
    for tool in cases.iter().filter_map(|c| c.tool) {
        if !tools.iter().any(|(t, _)| *t == tool) {
            tools.push((tool, ensure_tool(tool)));
        }
    }

    let mut rows: Vec<(&Case, Vec<Cell>)> = Vec::new();
    for case in &cases {
        let missing = tools
            .iter()
            .find(|(t, _)| Some(*t) == case.tool)
            .and_then(|(_, r)| r.as_ref().err());
        if let Some(why) = missing {
            eprintln!("{}: skipped: {why}", case.name);
            notes.push(format!("{}: skipped: {why}", case.name));
            rows.push((case, opts.impls.iter().map(|_| Cell::Skipped).collect()));
            continue;
        }
        let mut samples: Vec<Vec<f64>> = vec![Vec::new(); opts.impls.len()];
        let mut units: Vec<String> = vec![String::new(); opts.impls.len()];
        let mut failed: Vec<Option<&'static str>> = vec![None; opts.impls.len()];
        for (k, imp) in opts.impls.iter().enumerate() {
            if imp == "go" && go_version.is_none() {
                failed[k] = Some("unavailable");
            } else if imp == "go" && !go_built.contains(&case.workload) {
                failed[k] = Some("FAIL");
            } else if imp != "goro" && imp != "go" && !case.peers.contains(&imp.as_str()) {
                failed[k] = Some("n/a");
            }
        }
        for run in 1..=opts.runs {
            for (k, imp) in opts.impls.iter().enumerate() {
                if failed[k].is_some() {
                    continue;
                }
                let (program, mut args) = command_for(case, imp, &bin_dir, &go_bin_dir);
                if let (Some("wrk"), Some(secs)) = (case.tool, opts.wrk_secs) {
                    args.extend(["--secs".to_string(), secs.to_string()]);
                }
                eprint!("{} {imp} run {run}/{}: ", case.name, opts.runs);
                match run_once(&program, &args, case.name, opts.timeout) {
                    Ok((v, unit)) => {
                        eprintln!("{v} {unit}");
                        samples[k].push(v);
                        units[k] = unit;
                    }
                    Err((label, why)) => {
                        eprintln!("{label}: {why}");
                        notes.push(format!("{}/{imp}: {label}: {why}", case.name));
                        failed[k] = Some(label);
                    }
                }
            }
        }
        let cells = (0..opts.impls.len())
            .map(|k| match failed[k] {
                Some("unavailable") => Cell::Unavailable,
                Some("n/a") => Cell::NotApplicable,
                Some(label) => Cell::Fail(label),
                None => {
                    let runs = samples[k].clone();
                    Cell::Value(median(&mut samples[k]), std::mem::take(&mut units[k]), runs)
                }
            })
            .collect();
        rows.push((case, cells));
    }

    print_header(&opts, go_version.as_deref());
    print_table(&opts.impls, &rows);
    if !notes.is_empty() {
        println!();
        for n in &notes {
            println!("note: {n}");
        }
    }
}

fn parse_options() -> Options {
    let mut opts = Options {
        runs: 5,
        timeout: Duration::from_secs(300),
        impls: IMPLS.iter().map(|s| s.to_string()).collect(),
        workloads: Vec::new(),
        wrk_secs: None,
    };
    let usage = |msg: &str| -> ! {
        eprintln!(
            "{msg}\nusage: runner [--runs N] [--timeout SECONDS] \
             [--impls goro,go,may,tokio,crossbeam,std,parking_lot] [--wrk-secs S] \
             [workload...]\nworkloads: {}",
            workload_names().join(" ")
        );
        std::process::exit(2)
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f.to_string(), Some(v.to_string())),
            None => (arg.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .unwrap_or_else(|| usage(&format!("{flag} needs a value")))
        };
        match flag.as_str() {
            "--runs" => {
                opts.runs = value()
                    .parse()
                    .unwrap_or_else(|_| usage("--runs takes a count"));
                opts.runs = opts.runs.max(1);
            }
            "--timeout" => {
                let s = value()
                    .parse()
                    .unwrap_or_else(|_| usage("--timeout takes seconds"));
                opts.timeout = Duration::from_secs(s);
            }
            "--wrk-secs" => {
                let s = value()
                    .parse()
                    .unwrap_or_else(|_| usage("--wrk-secs takes seconds"));
                opts.wrk_secs = Some(s);
            }
            "--impls" => {
                opts.impls = value().split(',').map(str::to_string).collect();
                if let Some(bad) = opts.impls.iter().find(|i| !IMPLS.contains(&i.as_str())) {
                    usage(&format!("unknown impl {bad:?}"));
                }
            }
            "-h" | "--help" => usage("runner: runs the benchmarks and prints a table"),
            f if f.starts_with('-') => usage(&format!("unknown flag {f}")),
            _ => opts.workloads.push(arg),
        }
    }
    opts
}

/// Every workload, once, in table order.
fn workload_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = CASES.iter().map(|c| c.workload).collect();
    names.dedup();
    names
}

/// The program and arguments of one run of `case` for `imp`.
fn command_for(case: &Case, imp: &str, bin_dir: &Path, go_dir: &Path) -> (PathBuf, Vec<String>) {
    let mut args: Vec<String> = case.args.iter().map(|s| s.to_string()).collect();
    for (who, extra) in case.only {
        if *who == imp {
            args.extend(extra.iter().map(|s| s.to_string()));
        }
    }
    if imp == "go" {
        (go_dir.join(case.workload), args)
    } else {
        args.extend(["--impl".to_string(), imp.to_string()]);
        (bin_dir.join(case.workload), args)
    }
}

/// Runs the program once; returns the value and unit of its `name` line, or a cell label
/// (FAIL, TIMEOUT) and the reason.
fn run_once(
    program: &Path,
    args: &[String],
    name: &str,
    timeout: Duration,
) -> Result<(f64, String), (&'static str, String)> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| ("FAIL", format!("cannot start {}: {e}", program.display())))?;
    // Drain both pipes on their own threads: a chatty child must never block on a full pipe.
    let drain = |mut r: Box<dyn Read + Send>| {
        thread::spawn(move || {
            let mut s = String::new();
            let _ = r.read_to_string(&mut s);
            s
        })
    };
    let out = drain(Box::new(child.stdout.take().expect("piped stdout")));
    let err = drain(Box::new(child.stderr.take().expect("piped stderr")));
    let deadline = Instant::now() + timeout;
    let status: Option<ExitStatus> = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(20)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
        }
    };
    let (stdout, stderr) = (
        out.join().unwrap_or_default(),
        err.join().unwrap_or_default(),
    );
    let last_err = stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    let last_err = last_err.chars().take(200).collect::<String>();
    let Some(status) = status else {
        return Err(("TIMEOUT", format!("killed after {} s", timeout.as_secs())));
    };
    if !status.success() {
        // A panic's message sits above its backtrace: prefer the line that names the panic.
        let why = stderr
            .lines()
            .skip_while(|l| !l.contains("panicked at"))
            .nth(1)
            .map(|l| l.trim().chars().take(200).collect())
            .unwrap_or(last_err);
        return Err(("FAIL", format!("{status}: {why}")));
    }
    let line = stdout
        .lines()
        .find(|l| l.split_whitespace().next() == Some(name));
    let parsed = line.and_then(|l| {
        let mut f = l.split_whitespace().skip(1);
        Some((f.next()?.parse::<f64>().ok()?, f.next()?.to_string()))
    });
    parsed.ok_or_else(|| ("FAIL", format!("no `{name} value unit` line in {stdout:?}")))
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}

/// `go version`, installing Go through apt-get if it is missing; `None` if that fails.
fn ensure_go() -> Option<String> {
    let version = || {
        let out = Command::new("go")
            .arg("version")
            .stderr(Stdio::null())
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    if let Some(v) = version() {
        return Some(v);
    }
    eprintln!("runner: go not found; trying apt-get install golang-go");
    if !apt_install("golang-go") {
        eprintln!("runner: could not install Go; its column reads `go: unavailable`");
    }
    version()
}

/// `apt-get update && apt-get install -y <package>`; whether it succeeded.
fn apt_install(package: &str) -> bool {
    Command::new("sh")
        .args([
            "-c",
            &format!("apt-get update -qq && apt-get install -y -qq {package}"),
        ])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Whether `tool` is on the PATH.
fn on_path(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Makes sure `tool` (a program and the Debian package of the same name) is installed,
/// through apt-get if it is missing; the reason when it cannot be.
fn ensure_tool(tool: &str) -> Result<(), String> {
    if on_path(tool) {
        return Ok(());
    }
    eprintln!("runner: {tool} not found; trying apt-get install {tool}");
    if apt_install(tool) && on_path(tool) {
        Ok(())
    } else {
        Err(format!(
            "{tool} is not installed and `apt-get install -y {tool}` failed"
        ))
    }
}

/// `go build -o <out_dir>/<workload> ./<workload>` in `benches/go`.
fn build_go(workload: &str, out_dir: &Path) -> Result<(), String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("go");
    let out = Command::new("go")
        .current_dir(&src)
        .args(["build", "-o"])
        .arg(out_dir.join(workload))
        .arg(format!("./{workload}"))
        .env("GOTOOLCHAIN", "local") // never download a toolchain
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// The first line of `cmd args…`'s stdout, or "unknown".
fn first_line(cmd: &str, args: &[&str]) -> String {
    Command::new(cmd)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .map(str::to_string)
        })
        .unwrap_or_else(|| "unknown".into())
}

fn print_header(opts: &Options, go_version: Option<&str>) {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name").and_then(|r| r.split_once(':')))
        .map_or("unknown", |(_, m)| m.trim());
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    println!("goro benchmarks: median of {} runs per cell", opts.runs);
    println!("cpu: {cpu}");
    let nproc = first_line("nproc", &[]);
    let nproc = if nproc == "unknown" {
        std::thread::available_parallelism().map_or(nproc, |n| n.to_string())
    } else {
        nproc
    };
    println!("nproc: {nproc}");
    println!("rustc: {}", first_line(&rustc, &["--version"]));
    println!("go: {}", go_version.unwrap_or("unavailable"));
    println!();
}

/// The median of `goro[i] / go[i]` over the runs (run *i* of each was made in the same
/// round), or `-` if a run is missing or Go's is zero.
fn paired_ratio(goro: &[f64], go: &[f64]) -> String {
    if goro.len() != go.len() || goro.is_empty() || go.iter().any(|&b| b <= 0.0) {
        return "-".into();
    }
    let mut r: Vec<f64> = goro.iter().zip(go).map(|(a, b)| a / b).collect();
    format!("{:.2}", median(&mut r))
}

fn fmt_value(v: f64) -> String {
    if v >= 1000.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

fn print_table(impls: &[String], rows: &[(&Case, Vec<Cell>)]) {
    let col = |name: &str| impls.iter().position(|i| i == name);
    let (goro, go) = (col("goro"), col("go"));
    let mut header = vec!["workload".to_string()];
    let mut table: Vec<Vec<String>> = Vec::new();
    for imp in impls {
        header.push(imp.clone());
        if imp == "go" && goro.is_some() {
            header.push("goro/go".into());
            header.push("paired".into());
        }
    }
    for (case, cells) in rows {
        let unit = cells.iter().find_map(|c| match c {
            Cell::Value(_, u, _) => Some(u.as_str()),
            _ => None,
        });
        let mut row = vec![match unit {
            Some(u) => format!("{} ({u})", case.name),
            None => case.name.to_string(),
        }];
        for (k, cell) in cells.iter().enumerate() {
            row.push(match cell {
                Cell::Value(v, _, _) => fmt_value(*v),
                Cell::Fail(label) => label.to_string(),
                Cell::Unavailable => "go: unavailable".into(),
                Cell::NotApplicable => "n/a".into(),
                Cell::Skipped => "skipped".into(),
            });
            if Some(k) == go && goro.is_some() {
                let (ratio, paired) = match (goro.map(|g| &cells[g]), cell) {
                    (Some(Cell::Value(a, _, ra)), Cell::Value(b, _, rb)) if *b > 0.0 => {
                        (format!("{:.2}", a / b), paired_ratio(ra, rb))
                    }
                    _ => ("-".into(), "-".into()),
                };
                row.push(ratio);
                row.push(paired);
            }
        }
        table.push(row);
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|c| {
            table
                .iter()
                .map(|r| r[c].len())
                .chain([header[c].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let print_row = |r: &[String]| {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(c, s)| {
                if c == 0 {
                    format!("{s:<w$}", w = widths[c])
                } else {
                    format!("{s:>w$}", w = widths[c])
                }
            })
            .collect();
        println!("| {} |", cells.join(" | "));
    };
    print_row(&header);
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    println!("|-{}-|", rule.join("-|-"));
    for r in &table {
        print_row(r);
    }
}

#[cfg(test)]
mod tests {
    use super::paired_ratio;

    /// The pairs' ratios, not the medians': a slow stretch that caught goro's first two
    /// runs and Go's first one moves the medians' ratio (300/200 = 1.50), not the pairs'.
    #[test]
    fn paired_is_the_median_of_each_runs_ratio() {
        let goro = [300.0, 310.0, 120.0, 125.0, 130.0];
        let go = [500.0, 200.0, 190.0, 200.0, 210.0];
        // Ratios 0.60, 1.55, 0.63, 0.625, 0.62: median 0.625.
        assert_eq!(paired_ratio(&goro, &go), "0.62");
        assert_eq!(paired_ratio(&[1.0, 3.0], &[2.0, 2.0]), "1.00");
        assert_eq!(paired_ratio(&[1.0], &[1.0, 2.0]), "-", "a run missing");
        assert_eq!(paired_ratio(&[], &[]), "-");
        assert_eq!(paired_ratio(&[1.0], &[0.0]), "-", "Go's run is zero");
    }
}
