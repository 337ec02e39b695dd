//! Goroutine stacks: fixed-size slots carved from large, lazily committed reservations.
//! Go: runtime/stack.go (which grows stacks by copying; goro cannot move Rust frames, so
//! each G gets a fixed slot, `GORO_STACK_SIZE` bytes, default 256 KiB).
//!
//! Layout of one reservation (a single `MAP_NORESERVE` mapping, so one VMA however many
//! stacks it holds):
//!
//! ```text
//!   low                                                                 high
//!   | guard | stack 0 ........ | guard | stack 1 ........ | guard | ...
//!             ^lo           hi^          ^lo           hi^
//! ```
//!
//! Guard pages use `madvise(MADV_GUARD_INSTALL)` (Linux ≥ 6.13): the page faults on touch
//! yet stays part of the same VMA, so a million stacks stay far below `vm.max_map_count`.
//! On older kernels the fallback is `mprotect(PROT_NONE)`, which costs one VMA split each.
//! The mode is chosen once, at the first reservation.
//!
//! Invariants: slots are never unmapped, so `regions` only grows and the SIGSEGV handler can
//! read it without a lock (`guard_hit`). A slot is handed out once by `alloc`; its owner (a
//! G, forever: Gs keep their stacks across reuse, see `gfree`) may return its pages to the
//! kernel with `Stack::release_pages`, which keeps the guard.

use crate::loom::static_atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

const PAGE: usize = 4096;
const GUARD: usize = PAGE;
const DEFAULT_STACK_SIZE: usize = 256 * 1024;
const MIN_STACK_SIZE: usize = 16 * 1024;
/// Preferred bytes per reservation; halved on failure down to one slot.
const REGION_BYTES: usize = 64 << 30;
const MAX_REGIONS: usize = 256;
/// Linux's `MADV_GUARD_INSTALL` (6.13); libc may not name it yet.
const MADV_GUARD_INSTALL: libc::c_int = 102;

/// One goroutine stack: usable bytes `[lo, hi)`; the guard page sits just below `lo`.
#[derive(Debug)]
pub(crate) struct Stack {
    pub(crate) lo: usize,
    pub(crate) hi: usize,
}

impl Stack {
    /// Gives the committed pages back to the kernel (they read as zero when touched again).
    #[cfg(test)]
    pub(crate) fn release_pages(&self) {
        release_range(self.lo, self.hi);
    }
}

/// Whether a stack ending at `hi` and one starting at `lo` are neighbours in a reservation
/// (only a guard page between them).
pub(crate) fn adjacent(hi: usize, lo: usize) -> bool {
    lo == hi + GUARD
}

/// Returns `[lo, hi)` — usable pages of one or more neighbouring free stacks, and the guard
/// pages between them — to the kernel. Guards survive: `MADV_DONTNEED` keeps guard markers
/// and `PROT_NONE`. Caller's contract: no frame lives on these stacks (their Gs are free).
pub(crate) fn release_range(lo: usize, hi: usize) {
    // SAFETY: [lo, hi) lies in a private anonymous reservation of ours whose stacks are
    // unused (caller's contract); DONTNEED only drops their contents.
    unsafe { libc::madvise(lo as *mut libc::c_void, hi - lo, libc::MADV_DONTNEED) };
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum GuardMode {
    Madvise,
    Mprotect,
}

struct Carver {
    next: usize,
    end: usize,
    mode: Option<GuardMode>,
}

static CARVER: Mutex<Carver> = Mutex::new(Carver {
    next: 0,
    end: 0,
    mode: None,
});
/// `[start, end)` of each reservation, published for the signal handler.
static REGIONS: [(AtomicUsize, AtomicUsize); MAX_REGIONS] =
    [const { (AtomicUsize::new(0), AtomicUsize::new(0)) }; MAX_REGIONS];
static NREGIONS: AtomicUsize = AtomicUsize::new(0);
static STACK_SIZE: AtomicUsize = AtomicUsize::new(0);

/// Usable bytes per goroutine stack: `GORO_STACK_SIZE` (bytes, or with a `K`/`M` suffix),
/// rounded up to whole pages; default 256 KiB. Read from the environment once (the first
/// call wins), then from `STACK_SIZE`. Not signal-safe (it may read the environment):
/// `signal::install` calls it before installing the handler, which reads only the atomic.
pub(crate) fn stack_size() -> usize {
    let s = STACK_SIZE.load(Ordering::Relaxed);
    if s != 0 {
        return s;
    }
    let parsed = std::env::var("GORO_STACK_SIZE")
        .ok()
        .and_then(|v| parse_size(&v));
    let s = parsed
        .unwrap_or(DEFAULT_STACK_SIZE)
        .max(MIN_STACK_SIZE)
        .next_multiple_of(PAGE);
    match STACK_SIZE.compare_exchange(0, s, Ordering::Relaxed, Ordering::Relaxed) {
        Ok(_) => s,
        Err(first) => first,
    }
}

/// Fixes the usable bytes per goroutine stack at `bytes` (rounded as `GORO_STACK_SIZE` is),
/// for the whole process, unless the size is fixed already (by an earlier call, the first
/// stack, or the first runtime). Returns the size asked for, rounded, and the size in force.
pub(crate) fn set_stack_size(bytes: usize) -> (usize, usize) {
    let wanted = bytes.max(MIN_STACK_SIZE).next_multiple_of(PAGE);
    match STACK_SIZE.compare_exchange(0, wanted, Ordering::Relaxed, Ordering::Relaxed) {
        Ok(_) => (wanted, wanted),
        Err(first) => (wanted, first),
    }
}

fn parse_size(v: &str) -> Option<usize> {
    let v = v.trim();
    let (num, mul) = match v.as_bytes().last()? {
        b'k' | b'K' => (&v[..v.len() - 1], 1024),
        b'm' | b'M' => (&v[..v.len() - 1], 1024 * 1024),
        _ => (v, 1),
    };
    num.trim().parse::<usize>().ok()?.checked_mul(mul)
}

/// Bytes of stack slots carved so far (with their guard pages), for `read_mem_stats`.
static CARVED: AtomicUsize = AtomicUsize::new(0);

pub(crate) fn carved_bytes() -> usize {
    CARVED.load(Ordering::Relaxed)
}

/// Carves a new stack slot. Called only when no free G (with its stack) can be reused.
pub(crate) fn alloc() -> Stack {
    let size = stack_size();
    let slot = size + GUARD;
    let mut c = CARVER.lock().unwrap_or_else(|e| e.into_inner());
    if c.end - c.next < slot {
        reserve(&mut c, slot);
    }
    let base = c.next;
    c.next += slot;
    CARVED.fetch_add(slot, Ordering::Relaxed);
    let mode = c.mode.unwrap_or(GuardMode::Mprotect);
    drop(c);
    install_guard(base, mode);
    Stack {
        lo: base + GUARD,
        hi: base + slot,
    }
}

fn install_guard(base: usize, mode: GuardMode) {
    let p = base as *mut libc::c_void;
    let rc = match mode {
        // SAFETY: `base` is the first page of a slot we just carved; nothing uses it.
        GuardMode::Madvise => unsafe { libc::madvise(p, GUARD, MADV_GUARD_INSTALL) },
        // SAFETY: as above; PROT_NONE on our own mapping's page.
        GuardMode::Mprotect => unsafe { libc::mprotect(p, GUARD, libc::PROT_NONE) },
    };
    if rc != 0 {
        let err = std::io::Error::last_os_error();
        crate::panic::throw(&format!(
            "cannot install a goroutine stack guard page ({mode:?}): {err}"
        ));
    }
}

fn reserve(c: &mut Carver, slot: usize) {
    let n = NREGIONS.load(Ordering::Relaxed);
    if n == MAX_REGIONS {
        crate::panic::throw("out of goroutine stack address space (too many reservations)");
    }
    let mut len = REGION_BYTES.max(slot).next_multiple_of(slot);
    let base = loop {
        // SAFETY: a fresh private anonymous mapping; MAP_NORESERVE commits nothing up front.
        let p = unsafe {
            libc::mmap(
                core::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if p != libc::MAP_FAILED {
            break p as usize;
        }
        let err = std::io::Error::last_os_error();
        if len == slot {
            crate::panic::throw(&format!(
                "cannot reserve {len} bytes of address space for goroutine stacks: {err}"
            ));
        }
        len = (len / 2).next_multiple_of(slot).max(slot);
    };
    if c.mode.is_none() {
        // Probe the kernel once: MADV_GUARD_INSTALL fails with EINVAL before 6.13.
        // `GORO_STACK_GUARD=mprotect` forces the fallback (to test it on new kernels).
        let forced = std::env::var("GORO_STACK_GUARD").is_ok_and(|v| v == "mprotect");
        let rc = if forced {
            -1
        } else {
            // SAFETY: the first page of the mapping we just made; it becomes slot 0's guard.
            unsafe { libc::madvise(base as *mut libc::c_void, GUARD, MADV_GUARD_INSTALL) }
        };
        c.mode = Some(if rc == 0 {
            GuardMode::Madvise
        } else {
            GuardMode::Mprotect
        });
    }
    REGIONS[n].0.store(base, Ordering::Relaxed);
    REGIONS[n].1.store(base + len, Ordering::Relaxed);
    NREGIONS.store(n + 1, Ordering::Release);
    c.next = base;
    c.end = base + len;
}

/// If `addr` lies in the guard page of some goroutine stack, the stacks' usable size.
/// Async-signal-safe: reads only atomics — never `stack_size()`, which may read the
/// environment (a lock and an allocation), e.g. for a fault before any stack exists.
pub(crate) fn guard_hit(addr: usize) -> Option<usize> {
    let n = NREGIONS.load(Ordering::Acquire);
    // Published before the first region (`alloc` computes it before `reserve`), so the
    // Acquire above makes it visible whenever `n > 0`.
    let size = STACK_SIZE.load(Ordering::Relaxed);
    if n == 0 || size == 0 {
        return None;
    }
    let slot = size + GUARD;
    REGIONS[..n]
        .iter()
        .any(|(s, e)| {
            let (s, e) = (s.load(Ordering::Relaxed), e.load(Ordering::Relaxed));
            addr >= s && addr < e && (addr - s) % slot < GUARD
        })
        .then_some(size)
}

/// Whether guard pages use `MADV_GUARD_INSTALL` (true) or the `mprotect` fallback.
#[cfg(test)]
pub(crate) fn guard_uses_madvise() -> bool {
    CARVER.lock().unwrap_or_else(|e| e.into_inner()).mode == Some(GuardMode::Madvise)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kernel_at_least(major: u32, minor: u32) -> bool {
        let rel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
        let mut it = rel
            .trim()
            .split(['.', '-'])
            .map(|p| p.parse::<u32>().unwrap_or(0));
        (it.next().unwrap_or(0), it.next().unwrap_or(0)) >= (major, minor)
    }

    #[test]
    fn the_stack_size_is_fixed_once_for_the_process() {
        let size = stack_size();
        assert_eq!(set_stack_size(size), (size, size));
        // Rounded as GORO_STACK_SIZE is: whole pages, at least MIN_STACK_SIZE.
        assert_eq!(set_stack_size(size + 1), (size + PAGE, size));
        assert_eq!(set_stack_size(1), (MIN_STACK_SIZE, size));
        assert_eq!(stack_size(), size);
    }

    #[test]
    fn guard_pages_use_madvise_guard_install_on_linux_6_13_and_later() {
        let _stack = alloc();
        assert_eq!(guard_uses_madvise(), kernel_at_least(6, 13));
    }

    #[test]
    fn parse_size_accepts_suffixes() {
        assert_eq!(parse_size("65536"), Some(65536));
        assert_eq!(parse_size("64K"), Some(65536));
        assert_eq!(parse_size("1m"), Some(1 << 20));
        assert_eq!(parse_size("x"), None);
    }

    #[test]
    fn stacks_are_distinct_writable_and_guarded() {
        let a = alloc();
        let b = alloc();
        assert_ne!(a.lo, b.lo);
        assert_eq!(a.hi - a.lo, stack_size());
        // SAFETY: the top word of a fresh stack we own.
        unsafe { ((a.hi - 8) as *mut u64).write_volatile(7) };
        assert_eq!(guard_hit(a.lo - 1), Some(stack_size()));
        assert_eq!(guard_hit(a.lo), None);
        assert_eq!(guard_hit(a.hi - 1), None);
        a.release_pages();
        // SAFETY: released pages read back as zero.
        assert_eq!(unsafe { ((a.hi - 8) as *const u64).read_volatile() }, 0);
    }
}
