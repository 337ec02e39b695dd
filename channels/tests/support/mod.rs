//! Shared helpers for the channel tests: wait for a *state*, never a duration (STYLE H10).
//!
//! Parking order. With one P a goroutine runs until it blocks (or yields), and `spawn` does
//! not yield. So if goroutine `i` first spawns goroutine `i + 1` and then blocks, `i` is
//! parked before `i + 1` runs at all: [`park_in_order`] chains goroutines that way and
//! returns once the last one is parked. It needs no sleep, no run-queue order and no
//! introspection — only "one P runs one goroutine at a time", which `gomaxprocs(1)`
//! guarantees once it returns. Tests then confirm the state independently where they can:
//! [`parked`] counts wait reasons in `runtime::stack(true)`, and a non-blocking operation
//! succeeds only if the expected peer is parked. A plain thread has no goroutine header in
//! that dump: [`ThreadProbe`] tells whether it is parked from the kernel's view of it.
#![allow(dead_code, reason = "each test file uses a different subset")]

use goro::{Chan, JoinHandle};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Polls `cond` (yielding between polls) until it holds; after 10 s panics naming `what`.
/// The deadline only bounds a failure; a passing run never waits for it.
pub fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        goro::runtime::gosched();
        std::thread::yield_now();
    }
}

/// Runs `f` on a fresh OS thread and returns its value, or panics naming `what` if it has
/// not finished after 10 s (a deadlock: the stuck thread is left behind). `f`'s own panic
/// is resumed here. The deadline only bounds a failure.
pub fn completes<R: Send + 'static>(what: &str, f: impl FnOnce() -> R + Send + 'static) -> R {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)));
    });
    match rx.recv_timeout(Duration::from_secs(10)) {
        Ok(Ok(r)) => r,
        Ok(Err(payload)) => std::panic::resume_unwind(payload),
        Err(_) => panic!("did not complete (deadlock?): {what}"),
    }
}

/// Runs the current test binary again with only `test` selected and `GORO_CHILD=1`, and
/// returns (exit code or -signal, stderr): for behaviour that may end the process.
pub fn run_child(test: &str) -> (i32, String) {
    use std::os::unix::process::ExitStatusExt;
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env("GORO_CHILD", "1")
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

/// Starts `n` goroutines, `block(0)` … `block(n - 1)`, each parked before the next starts,
/// and returns their handles (in order) once all `n` are parked. `block(i)` must block at
/// once (a send nobody can take, a receive nothing can satisfy); what it returns after
/// waking is what its handle's `join` gives.
///
/// # Panics
/// Unless the runtime has exactly one P (the order argument needs it; see the module docs).
pub fn park_in_order<R, F>(n: usize, block: F) -> Vec<JoinHandle<R>>
where
    R: Send + 'static,
    F: Fn(usize) -> R + Send + Sync + 'static,
{
    assert_eq!(
        goro::runtime::gomaxprocs(0),
        1,
        "park_in_order needs gomaxprocs(1)"
    );
    // These tests check Go's exact order on one P: no preemption in this test binary.
    goro::__private::set_preemption(false);
    let all_parked = Chan::<()>::new(1);
    let handles = Arc::new(Mutex::new(Vec::new()));
    if n == 0 {
        return Vec::new();
    }
    let first = chain(0, n, Arc::new(block), all_parked.clone(), handles.clone());
    all_parked.recv().expect("the chain signals once");
    let mut all = vec![first];
    all.append(&mut handles.lock().unwrap());
    all
}

type Handles<R> = Arc<Mutex<Vec<JoinHandle<R>>>>;

/// Spawns goroutine `i` of the chain; the last one also spawns the witness that signals
/// `all_parked`.
fn chain<R, F>(
    i: usize,
    n: usize,
    block: Arc<F>,
    all_parked: Chan<()>,
    handles: Handles<R>,
) -> JoinHandle<R>
where
    R: Send + 'static,
    F: Fn(usize) -> R + Send + Sync + 'static,
{
    goro::spawn(move || {
        if i + 1 < n {
            let next = chain(i + 1, n, block.clone(), all_parked, handles.clone());
            handles.lock().unwrap().push(next);
        } else {
            // Runs only once this goroutine has parked, hence once every one has.
            goro::spawn(move || all_parked.send(()));
        }
        block(i) // parks before the next goroutine runs: one P, and spawn does not yield
    })
}

/// Starts `n` goroutines, `f(0)` … `f(n - 1)`, each only once the one before is parked:
/// after spawning goroutine `i` it waits (polling `runtime::stack`, see [`parked`]) until
/// `i + 1` goroutines wait with `reason`. So they park in index order whatever `spawn`
/// does; returns their handles in that order once all are parked. `f(i)` must block at
/// once with `reason`.
pub fn park_each<R, F>(n: usize, reason: &str, f: F) -> Vec<JoinHandle<R>>
where
    R: Send + 'static,
    F: Fn(usize) -> R + Send + Sync + 'static,
{
    let f = Arc::new(f);
    (0..n)
        .map(|i| {
            let f = f.clone();
            let h = goro::spawn(move || f(i));
            wait_until(&format!("goroutine {i} parked in [{reason}]"), || {
                parked(reason) == i + 1
            });
            h
        })
        .collect()
}

/// Whether `f` blocks: runs it in a goroutine that first starts a witness goroutine. With
/// one P the witness runs only once `f`'s goroutine has blocked or finished, so whichever
/// reports first on a buffered channel tells which happened. A blocked `f` stays parked
/// (its runtime unwinds it at the end).
///
/// # Panics
/// Unless the runtime has exactly one P.
pub fn blocks(f: impl FnOnce() + Send + 'static) -> bool {
    assert_eq!(
        goro::runtime::gomaxprocs(0),
        1,
        "blocks needs gomaxprocs(1)"
    );
    let first = Chan::<bool>::new(2);
    let (witness, done) = (first.clone(), first.clone());
    goro::spawn(move || {
        goro::spawn(move || witness.send(true)); // f's goroutine blocked (or ended)
        f();
        done.send(false); // f returned before anything else could run
    });
    first.recv().expect("one of the two reports")
}

/// How many goroutines of this runtime are parked with wait reason `reason` (Go's text, as
/// in `goroutine 7 [chan receive]:`, also with a suffix such as `, locked to thread`), from
/// `runtime::stack(true)`.
pub fn parked(reason: &str) -> usize {
    let dump = goro::runtime::stack(true);
    dump.matches(&format!("[{reason}]:")).count() + dump.matches(&format!("[{reason}, ")).count()
}

/// The text of a panic payload (`panic!("...")`), for comparing with Go's messages.
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    goro::panic::payload_str(payload).to_owned()
}

/// Counts drops, to prove a destructor runs exactly once.
pub struct DropCount(pub Arc<AtomicUsize>);

impl DropCount {
    /// A fresh counter and a first value that bumps it when dropped.
    pub fn new() -> (DropCount, Arc<AtomicUsize>) {
        let n = Arc::new(AtomicUsize::new(0));
        (DropCount(n.clone()), n)
    }
}

impl Drop for DropCount {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// Reads a drop counter.
pub fn count(n: &AtomicUsize) -> usize {
    n.load(Ordering::SeqCst)
}

/// Whether a plain OS thread is parked on a goro primitive, seen from another thread.
///
/// A plain thread has no `goroutine N [chan receive]:` header in `runtime::stack`, so this
/// asks the kernel: a plain thread parks by sleeping in `futex(2)` on the note inside its
/// own G (goro-rt `park.rs`, `park_thread`), which it does only after it has queued itself
/// on the channel and released the channel's lock. So "parked" is exactly "blocked in the
/// futex syscall on a word inside this thread's G", read from
/// `/proc/self/task/<tid>/syscall` (the syscall number, then its arguments in hex, the
/// first being the futex word). Any other wait of the thread (a contended allocator lock,
/// std's own primitives) sleeps on a word elsewhere and does not count.
pub struct ThreadProbe {
    syscall_file: String,
    g: std::ops::Range<usize>,
}

#[cfg(target_arch = "x86_64")]
const SYS_FUTEX: &str = "202";
#[cfg(target_arch = "aarch64")]
const SYS_FUTEX: &str = "98";

impl ThreadProbe {
    /// The probe of the calling thread, a plain thread (no goroutine). Also gives the thread
    /// its G now, so its first park allocates nothing.
    pub fn of_this_thread() -> ThreadProbe {
        assert_eq!(goro::runtime::goid(), 0, "ThreadProbe is for plain threads");
        // SAFETY: inspected only (the G's address and state), never readied.
        let gp = unsafe { goro_rt::park::getg() };
        let g = &*gp;
        let lo = std::ptr::from_ref(g).addr();
        // "<pid>/task/<tid>"
        let me = std::fs::read_link("/proc/thread-self").expect("read /proc/thread-self");
        let tid = me
            .file_name()
            .and_then(|t| t.to_str())
            .expect("a thread id");
        ThreadProbe {
            syscall_file: format!("/proc/self/task/{tid}/syscall"),
            g: lo..lo + std::mem::size_of_val(g),
        }
    }

    /// Whether the thread is parked now (see the type's docs); false once it has exited.
    pub fn parked(&self) -> bool {
        let Ok(text) = std::fs::read_to_string(&self.syscall_file) else {
            return false;
        };
        let mut fields = text.split_whitespace();
        let (nr, word) = (fields.next(), fields.next());
        let word = word
            .and_then(|w| w.strip_prefix("0x"))
            .and_then(|w| usize::from_str_radix(w, 16).ok());
        nr == Some(SYS_FUTEX) && word.is_some_and(|w| self.g.contains(&w))
    }
}
