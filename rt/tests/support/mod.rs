//! Shared test helpers: wait for a *state*, never a duration (STYLE H10).
#![allow(dead_code, reason = "each test file uses a different subset")]

use std::time::{Duration, Instant};

/// Polls `cond` (yielding between polls) until it holds; after 10 s panics naming `what`.
/// The deadline only bounds a failure; a passing run never waits for it.
pub fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        goro_rt::runtime::gosched();
        std::thread::yield_now();
    }
}

/// Parks the calling goroutine forever (nobody will ready it).
pub fn park_forever() {
    goro_rt::park::park_forever(goro_rt::WaitReason::Preempted);
    unreachable!("a goroutine parked forever was resumed without being killed");
}

/// Counts drops, to prove destructors run exactly once.
pub struct DropCount(pub std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl Drop for DropCount {
    fn drop(&mut self) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Runs the current test binary again with only `test` selected and `GORO_CHILD=1`, and
/// returns (exit code or -signal, stderr).
pub fn run_child(test: &str) -> (i32, String) {
    run_child_with(test, &[])
}

/// As `run_child`, with extra environment variables for the child.
pub fn run_child_with(test: &str, env: &[(&str, &str)]) -> (i32, String) {
    use std::os::unix::process::ExitStatusExt;
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env("GORO_CHILD", "1")
        .envs(env.iter().copied())
        .output()
        .expect("spawn child test process");
    let code = out
        .status
        .code()
        .unwrap_or_else(|| -out.status.signal().unwrap_or(0));
    (code, String::from_utf8_lossy(&out.stderr).into_owned())
}

/// True in the child process started by `run_child`.
pub fn is_child() -> bool {
    std::env::var_os("GORO_CHILD").is_some()
}
