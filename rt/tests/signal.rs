//! The fault handler (goroutine stack overflow, `signal.rs`) is async-signal-safe: it reads
//! only atomics and TLS without destructors, so it neither allocates nor takes locks, even
//! for a fault that arrives before any goroutine stack exists.
mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use support::{is_child, run_child_with};

thread_local! {
    /// Set on the thread about to fault: its allocations from then on are counted.
    static ARMED: Cell<bool> = const { Cell::new(false) };
}
/// Allocations made by an armed thread.
static ALLOCS: AtomicUsize = AtomicUsize::new(0);

/// The system allocator, counting what armed threads allocate.
struct Counting;

// SAFETY: every call forwards to `System` with the caller's arguments unchanged; the
// bookkeeping reads a const-initialised thread-local without destructor and bumps an
// atomic (no allocation, no panic).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if ARMED.try_with(Cell::get).unwrap_or(false) {
            ALLOCS.fetch_add(1, Ordering::SeqCst);
        }
        // SAFETY: forwarded contract of `GlobalAlloc::alloc`.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded contract: `ptr` came from `alloc` above, i.e. from `System`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// The SIGSEGV handler installed before goro's: goro's handler, finding the fault outside
/// any goroutine stack guard, hands the signal on to it. Reports whether anything was
/// allocated since the thread was armed, then exits (the fault would repeat on return).
extern "C" fn witness(_: libc::c_int, _: *mut libc::siginfo_t, _: *mut libc::c_void) {
    let (code, msg): (i32, &[u8]) = if ALLOCS.load(Ordering::SeqCst) == 0 {
        (0, b"fault handled without allocating\n")
    } else {
        (3, b"goro's fault handler allocated\n")
    };
    // SAFETY: write(2) and _exit(2) are async-signal-safe; `msg` is static.
    unsafe { libc::write(2, msg.as_ptr().cast(), msg.len()) };
    // SAFETY: as above.
    unsafe { libc::_exit(code) };
}

#[test]
fn a_fault_before_any_goroutine_stack_exists_is_handled_without_allocating() {
    if is_child() {
        // SAFETY: zeroed sigaction is a valid "no flags, empty mask" value we then fill.
        let mut sa: libc::sigaction = unsafe { core::mem::zeroed() };
        sa.sa_sigaction = witness as *const () as usize;
        sa.sa_flags = libc::SA_SIGINFO;
        // SAFETY: valid signal number and action; the old action is not wanted.
        unsafe { libc::sigaction(libc::SIGSEGV, &sa, core::ptr::null_mut()) };
        // The global runtime starts (installing goro's handler, chained to `witness`) but
        // runs no goroutine, so no goroutine stack exists yet.
        assert_eq!(goro_rt::runtime::num_goroutine(), 0);
        // SAFETY: a fresh private anonymous page, inaccessible.
        let page = unsafe {
            libc::mmap(
                core::ptr::null_mut(),
                4096,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        assert_ne!(page, libc::MAP_FAILED);
        ARMED.with(|a| a.set(true));
        // SAFETY: none: this write faults on purpose (the page is PROT_NONE), and the
        // handlers end the process.
        unsafe { page.cast::<u8>().write_volatile(1) };
        unreachable!("the write to a PROT_NONE page faults");
    }
    // GORO_STACK_SIZE set: reading it allocates, so a handler that reads it is caught.
    let (code, stderr) = run_child_with(
        "a_fault_before_any_goroutine_stack_exists_is_handled_without_allocating",
        &[("GORO_STACK_SIZE", "64K")],
    );
    assert_eq!(code, 0, "stderr: {stderr}");
    assert!(
        stderr.contains("fault handled without allocating"),
        "stderr: {stderr}"
    );
}
