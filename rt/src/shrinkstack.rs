//! Giving back the stack pages of goroutines idle in IO wait. Go: shrinkstack (stack.go),
//! which at each GC copies a goroutine using under a quarter of its stack into one half
//! the size.
//!
//! goro cannot move a stack (Rust frames hold raw pointers into it), and every goroutine
//! holds at least one 4 KiB page of it. A server with a goroutine per idle connection spends
//! most of its memory there, on a few hundred live bytes per goroutine. So a goroutine parked
//! in IO wait for `SWAP_AFTER_NS` has its live bytes (`[sp, hi)`, usually under 2 KiB in release builds)
//! copied into a heap buffer and its stack pages given back to the kernel; they are copied
//! back, to the same addresses, before it runs again. Only IO waits qualify: they are the
//! long ones, and no runtime code writes into a goroutine's stack while it waits there
//! (a channel peer does, into its sudog).
//!
//! **Soundness.** Another thread may legitimately touch a parked goroutine's stack: a scoped
//! thread (`std::thread::scope`) borrowing its locals while it waits. So the pages are not
//! simply dropped: the stack is made `PROT_NONE` *before* its bytes are read (a concurrent
//! write either lands before and is copied, or faults), and stays so while it is out. A
//! fault there enters the SIGSEGV handler (`signal.rs`), which copies the bytes back and
//! returns, and the access runs again: to the borrower it is a slow access, nothing else.
//! Bytes go out and back in through `/proc/self/mem`, which (as a debugger's write) can
//! read and write pages this process cannot, so the stack turns accessible only once its
//! bytes are in place. The one visible difference: a *system call* by another thread on
//! such a borrowed buffer fails with `EFAULT` while the goroutine is out (the kernel does
//! not fault on our behalf); README lists it.
//!
//! States (`Swap::state`): the home M moves `RESIDENT → SWAPPING → SWAPPED`; whoever needs
//! the bytes first (the home M before running the G, or a faulting thread) moves `SWAPPED →
//! RESTORING → STALE` and copies them back; the others wait for that. `STALE`: resident,
//! with a buffer the home M frees (a signal handler cannot). Waiters spin with
//! `sched_yield`: the window is a few system calls long.
//!
//! The IO-wait queue of an M (`IoWaitQ`) lists its goroutines in IO wait, oldest first; it
//! and the links in the Gs belong to that M's thread, the only one that runs those Gs, so
//! the swap runs in its scheduler, between two Gs, never racing the goroutine itself.
//! The M looks at the queue's head every `GLOBAL_TICK`s schedule ticks and before it sleeps,
//! and sleeps no longer than until the head's swap is due.

use core::cell::Cell;
use core::ptr;
use std::sync::atomic::{
    AtomicBool, AtomicI32, AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering,
};

use crate::g::{G, GRef};
use crate::m::M;

/// How long a goroutine waits for IO before its stack is swapped out. Long enough that a
/// connection with a request every few hundred milliseconds never pays the ~20 µs a swap
/// and its restore cost.
const SWAP_AFTER_NS: u64 = 1_000_000_000;
/// `SWAP_AFTER_NS`, shorter in tests.
static SWAP_AFTER: AtomicU64 = AtomicU64::new(SWAP_AFTER_NS);
/// Stacks with more live bytes than this stay (a deep wait is rare, and its copies cost).
/// Below it a swap saves the page rounding of the live bytes and every page below `sp`
/// (debug builds' frames are several times release builds').
const MAX_LIVE: usize = 64 * 1024;
/// Most stacks one `pass` swaps out (about 20 µs each): the M looks at its queues between
/// two batches, so 10,000 connections falling idle together do not hold it for 200 ms.
const PASS_BUDGET: usize = 32;
/// Most stacks out at once: each splits the stacks' mapping in up to three while it is
/// `PROT_NONE`, and `vm.max_map_count` is 65530 by default.
const MAX_SWAPPED: usize = 16 * 1024;

const RESIDENT: u32 = 0;
const SWAPPING: u32 = 1;
const SWAPPED: u32 = 2;
const RESTORING: u32 = 3;
const STALE: u32 = 4;

/// A G's swap state and, home M only, its place in the M's IO-wait queue.
pub(crate) struct Swap {
    state: AtomicU32,
    /// While out: where the saved bytes start (the saved `sp`) and the buffer holding
    /// `[at, hi)`. Written before `SWAPPED` is published (Release), read after (Acquire).
    at: AtomicUsize,
    len: AtomicUsize,
    buf: AtomicPtr<u8>,
    /// IO-wait queue links and when the wait began (home M's thread only).
    prev: Cell<*const G>,
    next: Cell<*const G>,
    since: Cell<u64>,
    queued: Cell<bool>,
}

impl Swap {
    pub(crate) const fn new() -> Swap {
        Swap {
            state: AtomicU32::new(RESIDENT),
            at: AtomicUsize::new(0),
            len: AtomicUsize::new(0),
            buf: AtomicPtr::new(ptr::null_mut()),
            prev: Cell::new(ptr::null()),
            next: Cell::new(ptr::null()),
            since: Cell::new(0),
            queued: Cell::new(false),
        }
    }
}

/// An M's goroutines in IO wait, oldest first (owner thread only).
pub(crate) struct IoWaitQ {
    head: Cell<*const G>,
    tail: Cell<*const G>,
}

impl IoWaitQ {
    pub(crate) const fn new() -> IoWaitQ {
        IoWaitQ {
            head: Cell::new(ptr::null()),
            tail: Cell::new(ptr::null()),
        }
    }
}

/// `/proc/self/mem`, opened once swapping is known to work (-1: not yet or never).
static MEMFD: AtomicI32 = AtomicI32::new(-1);
/// Whether any stack was ever swapped out (until then faults are never ours).
static EVER: AtomicBool = AtomicBool::new(false);
static NSWAPPED: AtomicUsize = AtomicUsize::new(0);

/// Whether stacks may be swapped out here: not under ASan (its shadow of the stack would
/// go stale), not with `GODEBUG=gcshrinkstackoff=1` (Go's switch), only with guard pages
/// that are markers (the `mprotect` fallback already spends the mapping budget), and only
/// if `/proc/self/mem` can write a page this process cannot (checked once).
fn enabled() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| {
        if cfg!(goro_asan) || cfg!(goro_loom) || !crate::stack::guard_is_marker() {
            return false;
        }
        let off = std::env::var("GODEBUG")
            .is_ok_and(|v| v.split(',').any(|kv| kv == "gcshrinkstackoff=1"));
        !off && open_mem()
    })
}

/// Opens `/proc/self/mem` and checks on a page of its own that it reads and writes
/// through `PROT_NONE`.
fn open_mem() -> bool {
    const PAGE: usize = 4096;
    // SAFETY: a NUL-terminated path; flags only.
    let fd = unsafe { libc::open(c"/proc/self/mem".as_ptr(), libc::O_RDWR | libc::O_CLOEXEC) };
    if fd < 0 {
        return false;
    }
    // SAFETY: a fresh private anonymous page, ours alone until unmapped below.
    let p = unsafe {
        libc::mmap(
            ptr::null_mut(),
            PAGE,
            libc::PROT_NONE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    if p == libc::MAP_FAILED {
        // SAFETY: our fd.
        unsafe { libc::close(fd) };
        return false;
    }
    let word = 0x600du64.to_ne_bytes();
    let mut back = [0u8; 8];
    // SAFETY: `p` is our page (inaccessible to loads and stores, which we do not do);
    // the kernel reads `word` and writes `back`, both live locals of the stated sizes.
    let ok = unsafe {
        libc::pwrite(fd, word.as_ptr().cast(), 8, p as libc::off_t + 8) == 8
            && libc::pread(fd, back.as_mut_ptr().cast(), 8, p as libc::off_t + 8) == 8
    } && back == word;
    // SAFETY: our page, unused from here.
    unsafe { libc::munmap(p, PAGE) };
    if !ok {
        // SAFETY: our fd.
        unsafe { libc::close(fd) };
        return false;
    }
    MEMFD.store(fd, Ordering::Release);
    true
}

/// `gp`, running on its home M `m`, starts an IO wait: queue it.
pub(crate) fn enter_iowait(m: &M, gp: GRef) {
    if !enabled() {
        return;
    }
    let s = &gp.swap;
    s.since.set(crate::time::nanotime());
    s.prev.set(m.iowaitq.tail.get());
    s.next.set(ptr::null());
    s.queued.set(true);
    let g = gp.as_ptr().cast_const();
    match unsafe_g(m.iowaitq.tail.get()) {
        Some(t) => t.swap.next.set(g),
        None => m.iowaitq.head.set(g),
    }
    m.iowaitq.tail.set(g);
}

/// `gp`'s IO wait on its home M `m` ended (or it was swapped out): unqueue it.
pub(crate) fn leave_iowait(m: &M, gp: GRef) {
    let s = &gp.swap;
    if !s.queued.replace(false) {
        return;
    }
    let (prev, next) = (s.prev.get(), s.next.get());
    match unsafe_g(prev) {
        Some(p) => p.swap.next.set(next),
        None => m.iowaitq.head.set(next),
    }
    match unsafe_g(next) {
        Some(n) => n.swap.prev.set(prev),
        None => m.iowaitq.tail.set(prev),
    }
}

/// A queued G from a link.
fn unsafe_g<'a>(p: *const G) -> Option<&'a G> {
    // SAFETY: links hold Gs, which are never freed.
    unsafe { p.as_ref() }
}

/// Swaps out the stacks of `m`'s goroutines whose IO wait is due, up to `PASS_BUDGET`;
/// returns when the next is due (nanotime; now if the budget ran out), if any waits. `m`'s
/// own thread, in its scheduler (no G of `m` runs).
pub(crate) fn pass(m: &M) -> Option<u64> {
    let head = unsafe_g(m.iowaitq.head.get())?;
    let now = crate::time::nanotime();
    let after = SWAP_AFTER.load(Ordering::Relaxed);
    let due = head.swap.since.get().saturating_add(after);
    if due > now {
        return Some(due);
    }
    let mut budget = PASS_BUDGET;
    while let Some(g) = unsafe_g(m.iowaitq.head.get()) {
        let due = g.swap.since.get().saturating_add(after);
        if due > now {
            return Some(due);
        }
        if budget == 0 {
            return Some(now);
        }
        budget -= 1;
        // SAFETY: a G pointer from the queue.
        let gp = unsafe { GRef::from_ptr(g as *const G as *mut G) };
        leave_iowait(m, gp);
        // SAFETY: gp is homed on `m` (it queued itself from there) and, as `m` is in its
        // scheduler, switched out: parked, or readied and waiting in a queue of `m`.
        unsafe { swap_out(gp) };
    }
    None
}

/// Copies `gp`'s live stack bytes out and gives its stack pages back.
///
/// # Safety
/// `gp` is a goroutine switched out by `switch` whose home M is the calling thread's, and
/// the caller runs no goroutine: nothing resumes `gp` before this returns.
unsafe fn swap_out(gp: GRef) {
    let s = &gp.swap;
    let Some(st) = gp.stack.as_ref() else { return };
    free_stale(s);
    // SAFETY: per the contract gp is switched out and ours; its saved context stays put.
    let sp = unsafe { (*gp.ctx.get()).sp };
    if sp <= st.lo || sp > st.hi || st.hi - sp > MAX_LIVE {
        return;
    }
    if NSWAPPED.load(Ordering::Relaxed) >= MAX_SWAPPED {
        return;
    }
    let fd = MEMFD.load(Ordering::Acquire);
    let len = st.hi - sp;
    let layout = core::alloc::Layout::from_size_align(len, 16).expect("stack bytes layout");
    // SAFETY: `len` > 0 (sp < hi).
    let buf = unsafe { std::alloc::alloc(layout) };
    if buf.is_null() {
        return; // keep the stack; nothing lost
    }
    s.state.store(SWAPPING, Ordering::SeqCst);
    EVER.store(true, Ordering::SeqCst);
    // SAFETY: `[lo, hi)` is gp's own stack, in our reservation; while it is PROT_NONE every
    // access faults into `fault`, which waits for this swap to finish and undoes it.
    let ok =
        unsafe { libc::mprotect(st.lo as *mut libc::c_void, st.hi - st.lo, libc::PROT_NONE) } == 0;
    if !ok {
        s.state.store(RESIDENT, Ordering::SeqCst);
        // SAFETY: allocated above with `layout`, never shared.
        unsafe { std::alloc::dealloc(buf, layout) };
        return;
    }
    // SAFETY: `buf` has `len` writable bytes; the kernel reads `[sp, hi)` of our stack.
    if unsafe { !mem_copy(fd, buf, len, sp, true) } {
        // SAFETY: as for the mprotect above; the bytes never left.
        unsafe { make_accessible(st.lo, st.hi) };
        s.state.store(RESIDENT, Ordering::SeqCst);
        // SAFETY: as above.
        unsafe { std::alloc::dealloc(buf, layout) };
        return;
    }
    // SAFETY: the stack's bytes are in `buf` and no access reaches the pages (PROT_NONE)
    // until they are written back: dropping them loses nothing. Below `sp` nothing lives.
    unsafe {
        libc::madvise(
            st.lo as *mut libc::c_void,
            st.hi - st.lo,
            libc::MADV_DONTNEED,
        )
    };
    s.at.store(sp, Ordering::Relaxed);
    s.len.store(len, Ordering::Relaxed);
    s.buf.store(buf, Ordering::Relaxed);
    NSWAPPED.fetch_add(1, Ordering::Relaxed);
    s.state.store(SWAPPED, Ordering::Release);
}

/// Frees the buffer a restore left behind (home M only).
fn free_stale(s: &Swap) {
    if s.state.load(Ordering::Acquire) != STALE {
        return;
    }
    let buf = s.buf.swap(ptr::null_mut(), Ordering::Relaxed);
    let len = s.len.load(Ordering::Relaxed);
    s.state.store(RESIDENT, Ordering::Relaxed);
    if !buf.is_null() {
        let layout = core::alloc::Layout::from_size_align(len, 16).expect("stack bytes layout");
        // SAFETY: allocated by `swap_out` with this layout; nobody reads it after `STALE`.
        unsafe { std::alloc::dealloc(buf, layout) };
    }
}

/// Makes sure `gp`'s stack is in place before it runs (`execute`) or is walked. Home M only.
#[inline]
pub(crate) fn restore(gp: GRef) {
    if gp.swap.state.load(Ordering::Acquire) != RESIDENT {
        restore_slow(gp);
    }
}

#[cold]
fn restore_slow(gp: GRef) {
    let Some(st) = gp.stack.as_ref() else { return };
    bring_back(&gp.swap, st.lo, st.hi);
    free_stale(&gp.swap);
}

/// Waits until the stack `[lo, hi)` with swap state `s` is resident, restoring it if nobody
/// else is. Async-signal-safe: atomics, system calls and `memcpy`-free copies only.
fn bring_back(s: &Swap, lo: usize, hi: usize) {
    loop {
        match s.state.load(Ordering::Acquire) {
            RESIDENT | STALE => return,
            SWAPPED => {
                if s.state
                    .compare_exchange(SWAPPED, RESTORING, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
                {
                    let at = s.at.load(Ordering::Relaxed);
                    let buf = s.buf.load(Ordering::Relaxed);
                    let fd = MEMFD.load(Ordering::Relaxed);
                    // SAFETY: we won the restore: `buf` holds `[at, hi)` and nobody frees
                    // it before `STALE`; the pages are PROT_NONE, so nothing reads them
                    // before they are complete; then they turn accessible.
                    unsafe {
                        if !mem_copy(fd, buf, hi - at, at, false) {
                            fatal(b"fatal error: cannot restore a goroutine stack\n");
                        }
                        make_accessible(lo, hi);
                    }
                    NSWAPPED.fetch_sub(1, Ordering::Relaxed);
                    s.state.store(STALE, Ordering::Release);
                    return;
                }
            }
            _ => {
                // SWAPPING or RESTORING by another thread: a few system calls away.
                // SAFETY: no arguments; async-signal-safe.
                unsafe { libc::sched_yield() };
            }
        }
    }
}

/// # Safety
/// `[lo, hi)` is a goroutine stack of ours whose bytes are in place.
unsafe fn make_accessible(lo: usize, hi: usize) {
    // SAFETY: per the contract.
    let rc = unsafe {
        libc::mprotect(
            lo as *mut libc::c_void,
            hi - lo,
            libc::PROT_READ | libc::PROT_WRITE,
        )
    };
    if rc != 0 {
        fatal(b"fatal error: cannot make a goroutine stack accessible again\n");
    }
}

/// Copies `len` bytes between `buf` and this process's memory at `at`, through `/proc/self/mem`
/// (`fd`): into `buf` (`out`) or from it. Async-signal-safe.
///
/// # Safety
/// `buf` has `len` bytes, writable if `out`; `at..at + len` is memory of this process
/// (overwritten unless `out`).
unsafe fn mem_copy(fd: i32, buf: *mut u8, len: usize, at: usize, out: bool) -> bool {
    let mut done = 0;
    while done < len {
        let (p, n, off) = (
            buf.wrapping_add(done).cast(),
            len - done,
            (at + done) as libc::off_t,
        );
        // SAFETY: per the contract, `buf + done` has `len - done` bytes of the right kind.
        let n = unsafe {
            if out {
                libc::pread(fd, p, n, off)
            } else {
                libc::pwrite(fd, p, n, off)
            }
        };
        if n <= 0 {
            if n < 0 && errno() == libc::EINTR {
                continue;
            }
            return false;
        }
        done += n as usize;
    }
    true
}

fn errno() -> i32 {
    // SAFETY: reads this thread's errno.
    unsafe { *libc::__errno_location() }
}

fn fatal(msg: &[u8]) -> ! {
    // SAFETY: write and abort are async-signal-safe.
    unsafe {
        libc::write(2, msg.as_ptr().cast(), msg.len());
        libc::abort();
    }
}

/// From the SIGSEGV handler: if `addr` lies in a goroutine stack that is (or was just)
/// swapped out, brings it back and returns true: the faulting access may run again.
/// Async-signal-safe: `stack::slot_at` (atomics) and `bring_back`.
pub(crate) fn fault(addr: usize) -> bool {
    if !EVER.load(Ordering::Acquire) {
        return false;
    }
    let Some((g, lo, hi)) = crate::stack::slot_at(addr) else {
        return false;
    };
    // SAFETY: `g` is the G table entry of a slot: a G, or zeroed memory if the slot was
    // never carved. Only its `Swap` is read, whose fields are atomics, cells of pointers,
    // integers and a bool, for all of which zero is a valid value (RESIDENT, null).
    let s = unsafe { &*((g + core::mem::offset_of!(G, swap)) as *const Swap) };
    // A stack's usable pages fault only while out (they are mapped read-write otherwise),
    // so even a RESIDENT one was restored between the fault and now: run it again.
    bring_back(s, lo, hi);
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::{TcpListener, TcpStream};
    use std::io::{Read, Write};

    /// Whether swapping works here: it must, but under ASan and on kernels without guard
    /// markers (before 6.13), where it is off by design.
    fn available() -> bool {
        let _slot = crate::stack::alloc(); // the first reservation decides the guard mode
        if cfg!(goro_asan) || !crate::stack::guard_is_marker() {
            eprintln!("SKIPPED: stack swap-out is off under ASan and before Linux 6.13");
            return false;
        }
        assert!(
            enabled(),
            "stack swap-out unavailable: /proc/self/mem refused"
        );
        true
    }

    fn swap_soon() {
        SWAP_AFTER.store(20_000_000, Ordering::Relaxed);
    }

    fn state(gp: GRef) -> u32 {
        gp.swap.state.load(Ordering::Acquire)
    }

    /// Polls `f` every 5 ms for up to 10 s (a swap is due 20 ms after the wait began).
    fn eventually(what: &str, f: impl Fn() -> bool) {
        let t = std::time::Instant::now();
        while !f() {
            assert!(t.elapsed().as_secs() < 10, "never: {what}");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }

    #[test]
    fn idle_readers_are_swapped_out_and_resume_with_their_stacks_intact() {
        if !available() {
            return;
        }
        swap_soon();
        const N: usize = 100; // more than a pass swaps at once (`PASS_BUDGET`)
        crate::run(|| {
            // One thread runs them all, so one pass finds them all due (below).
            crate::runtime::gomaxprocs(1);
            let ln = TcpListener::bind("127.0.0.1:0").unwrap();
            let addr = ln.local_addr().unwrap();
            // Goroutines report here; goroutine 1 polls with goro's sleep (a blocking
            // receive would hold the only P with GOMAXPROCS=1).
            let parked = std::sync::Arc::new(std::sync::Mutex::new(Vec::<(usize, GRef)>::new()));
            let mut clients = Vec::new();
            let mut readers = Vec::new();
            for i in 0..N {
                clients.push(TcpStream::connect(addr).unwrap());
                let (mut conn, _) = ln.accept().unwrap();
                let parked = parked.clone();
                readers.push(crate::spawn(move || {
                    // Live across the wait: 1 KiB of this goroutine's own pattern.
                    let mut local = [0u8; 1024];
                    for (j, b) in local.iter_mut().enumerate() {
                        *b = (i * 7 + j) as u8;
                    }
                    core::hint::black_box(&mut local);
                    // SAFETY: only inspected (its swap state), never readied.
                    parked
                        .lock()
                        .unwrap()
                        .push((i, unsafe { crate::park::getg() }));
                    let mut byte = [0u8; 1];
                    conn.read_exact(&mut byte).unwrap();
                    core::hint::black_box(&mut local);
                    let intact = local
                        .iter()
                        .enumerate()
                        .all(|(j, &b)| b == (i * 7 + j) as u8);
                    conn.write_all(&[byte[0], intact as u8]).unwrap();
                }));
            }
            let t = std::time::Instant::now();
            while parked.lock().unwrap().len() < N {
                assert!(t.elapsed().as_secs() < 10, "the readers never started");
                crate::time::sleep(std::time::Duration::from_millis(1));
            }
            let gs: Vec<(usize, GRef)> = parked.lock().unwrap().clone();
            // Goroutine 1 waits in IO too, with no timer: the Ms sleep with nothing but
            // their swap deadlines, and must come back until every reader is out. A plain
            // thread watches and tells it how many were.
            let mut ctl = TcpStream::connect(addr).unwrap();
            let (ctl_peer, _) = ln.accept().unwrap();
            let watcher = std::thread::spawn(move || {
                let mut ctl_peer = ctl_peer;
                let out = || gs.iter().filter(|&&(_, g)| state(g) == SWAPPED).count();
                let t = std::time::Instant::now();
                while out() < N && t.elapsed().as_secs() < 10 {
                    std::thread::sleep(std::time::Duration::from_millis(2));
                }
                ctl_peer.write_all(&[out() as u8]).unwrap();
                gs
            });
            // Keep the thread busy until every reader is due, so its next pass has more
            // to do than `PASS_BUDGET` allows at once.
            let busy = std::time::Instant::now();
            while busy.elapsed() < std::time::Duration::from_millis(40) {
                core::hint::spin_loop();
            }
            let mut seen = [0u8; 1];
            ctl.read_exact(&mut seen).unwrap();
            let gs = watcher.join().unwrap();
            assert_eq!(seen[0] as usize, N, "readers swapped out");
            for (i, c) in clients.iter_mut().enumerate() {
                c.write_all(&[i as u8]).unwrap();
                let mut reply = [0u8; 2];
                c.read_exact(&mut reply).unwrap();
                assert_eq!(reply, [i as u8, 1], "reader {i}: stack not intact");
            }
            for r in readers {
                r.join().unwrap();
            }
            assert!(gs.iter().all(|&(_, g)| state(g) != SWAPPED));
        });
    }

    #[test]
    fn a_scoped_thread_touching_a_swapped_out_stack_brings_it_back() {
        if !available() {
            return;
        }
        swap_soon();
        crate::run(|| {
            let ln = TcpListener::bind("127.0.0.1:0").unwrap();
            let mut client = TcpStream::connect(ln.local_addr().unwrap()).unwrap();
            let (mut conn, _) = ln.accept().unwrap();
            let touched = std::sync::Arc::new(AtomicBool::new(false));
            let flag = touched.clone();
            let reader = crate::spawn(move || {
                let mut local = [7u8; 256];
                core::hint::black_box(&mut local);
                // SAFETY: only inspected (its swap state), never readied.
                let gp = unsafe { crate::park::getg() };
                let seen = std::thread::scope(|s| {
                    let local = &mut local;
                    let t = s.spawn(move || {
                        // The goroutine below waits for IO with `local` lent to us.
                        eventually("the goroutine's stack swapped out", || state(gp) == SWAPPED);
                        let seen = local.iter().all(|&b| b == 7);
                        local[0] = 42;
                        local[255] = 43;
                        let after = state(gp);
                        flag.store(true, Ordering::Release);
                        (seen, after)
                    });
                    let mut byte = [0u8; 1];
                    conn.read_exact(&mut byte).unwrap();
                    t.join().unwrap()
                });
                (seen, local[0], local[255], local[1])
            });
            // Wake the reader only after the thread has written through its borrow.
            let t = std::time::Instant::now();
            while !touched.load(Ordering::Acquire) {
                assert!(
                    t.elapsed().as_secs() < 20,
                    "the thread never touched the stack"
                );
                crate::time::sleep(std::time::Duration::from_millis(5));
            }
            client.write_all(&[1]).unwrap();
            let ((seen, after), a, b, c) = reader.join().unwrap();
            assert!(seen, "the thread read the stack's bytes");
            assert_ne!(after, SWAPPED, "the thread's access brought the stack back");
            assert_eq!((a, b, c), (42, 43, 7));
        });
    }
}
