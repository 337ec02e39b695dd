//! Shared helpers of the facade's tests: wait for a *state*, never a duration (STYLE H10).

use std::time::{Duration, Instant};

/// Polls `cond` (yielding between polls) until it holds; after 10 s panics naming `what`.
/// The deadline only bounds a failure; a passing run never waits for it.
#[allow(dead_code, reason = "each test file uses a different subset")]
pub fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        goro::runtime::gosched();
    }
}

/// How many goroutines of this runtime are parked with wait reason `reason` (Go's text, as
/// in `goroutine 7 [sync.Mutex.Lock]:`, also with a suffix such as `, locked to thread`),
/// from `runtime::stack(true)`.
#[allow(dead_code, reason = "each test file uses a different subset")]
pub fn parked(reason: &str) -> usize {
    let dump = goro::runtime::stack(true);
    dump.matches(&format!("[{reason}]:")).count() + dump.matches(&format!("[{reason}, ")).count()
}

/// Runs the current test binary again with only `test` selected and `GORO_CHILD=1`, and
/// returns (exit code or -signal, stderr): for behaviour that ends the process.
#[allow(dead_code, reason = "each test file uses a different subset")]
pub fn run_child(test: &str) -> (i32, String) {
    run_child_with(test, &[])
}

/// As `run_child`, with extra environment variables for the child.
#[allow(dead_code, reason = "each test file uses a different subset")]
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
#[allow(dead_code, reason = "each test file uses a different subset")]
pub fn is_child() -> bool {
    std::env::var_os("GORO_CHILD").is_some()
}

/// A client of an echo server: sends `msgs` 64-byte messages (their bytes depend on the
/// connection `c` and the message) and checks each one comes back whole; then half-closes
/// with `shutdown_write` and checks the server closes after our end of stream.
#[allow(dead_code, reason = "each test file uses a different subset")]
pub fn echo_client<S>(mut s: S, c: usize, msgs: usize, shutdown_write: impl FnOnce(&S))
where
    S: std::io::Read + std::io::Write,
{
    let mut back = [0u8; 64];
    for m in 0..msgs {
        let msg: Vec<u8> = (0..64).map(|i| (c * 31 + m * 7 + i) as u8).collect();
        s.write_all(&msg).unwrap();
        s.read_exact(&mut back).unwrap();
        assert_eq!(&back[..], &msg[..], "conn {c} message {m}");
    }
    shutdown_write(&s);
    assert_eq!(
        s.read(&mut back).unwrap(),
        0,
        "the server closes after our EOF"
    );
}

/// A connected TCP pair over loopback: (client, server side).
#[allow(dead_code, reason = "each test file uses a different subset")]
pub fn tcp_pair() -> (goro::net::TcpStream, goro::net::TcpStream) {
    let l = goro::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let c = goro::net::TcpStream::connect(l.local_addr().unwrap()).unwrap();
    let (s, _) = l.accept().unwrap();
    (c, s)
}

/// Counts destructions in a shared counter: a field with a destructor of its own, for GC
/// objects whose traced type has none.
#[allow(dead_code, reason = "each test file uses a different subset")]
pub struct Drops(pub std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl Drop for Drops {
    fn drop(&mut self) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}
