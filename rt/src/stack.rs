//! Goroutine stacks: fixed-size slots carved from large, lazily committed reservations.
//! Go: runtime/stack.go (which grows stacks by copying; goro cannot move Rust frames, so
//! each G gets a fixed slot, `GORO_STACK_SIZE` bytes, default 256 KiB).
//!
//! Layout of one reservation (a single `MAP_NORESERVE` mapping, so one VMA however many
//! stacks it holds):
//!
//! ```text
//!   low                                                          high
//!   | guard | stack 0 ........ | guard | stack 1 ........ | guard | ...
//!             ^lo           hi^            ^lo           hi^
//!   G table:  | G 0 | G 1 | ... |   (a second reservation, one `G_STRIDE` entry per slot)
//! ```
//!
//! Each slot's G lives in its region's G table, at the slot's index (`GRef::alloc_for_slot`),
//! not on the stack: Gs are touched by every thread that readies them, and a stack page of
//! a goroutine idle in IO wait can then be given back to the kernel (`shrinkstack.rs`),
//! while its G stays. Fresh slots are carved in order, so their Gs are neighbours too. The
//! SIGSEGV handler finds a slot's G from a fault address (`slot_at`).
//!
//! Guard pages use `madvise(MADV_GUARD_INSTALL)` (Linux ≥ 6.13): the page faults on touch
//! yet stays part of the same VMA, so a million stacks stay far below `vm.max_map_count`.
//! On older kernels the fallback is `mprotect(PROT_NONE)`, which costs one VMA split each.
//! The mode is chosen once, at the first reservation. Guards go in for `GUARD_BATCH` slots
//! at a time, with one `process_madvise` where the kernel takes it (6.15 and later).
//!
//! Invariants: slots are never unmapped, so `regions` only grows and the SIGSEGV handler can
//! read it without a lock (`guard_hit`). A slot is handed out once by `alloc`; its owner (a
//! G, forever: Gs keep their stacks across reuse, see `gfree`) may return its pages to the
//! kernel with `release`, which keeps the guard.

use crate::g::G_STRIDE;
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
/// Linux's `PIDFD_SELF` (6.15): `process_madvise` on the calling process, no pidfd needed.
const PIDFD_SELF: libc::c_int = -10000;
/// Slots whose guards are installed together, by one `process_madvise` call: a syscall per
/// guard cost about as much as the rest of starting a fresh goroutine.
const GUARD_BATCH: usize = 32;

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

/// Returns the pages of free stacks to the kernel: all of each stack but the page holding
/// its top (where the next run's first frames go). Guards survive: `MADV_DONTNEED` keeps
/// guard markers and `PROT_NONE`.
/// Caller's contract: no frame lives on these stacks (their Gs are free).
///
/// One `process_madvise` per `RELEASE_IOV` stacks where the kernel takes it (one TLB
/// shootdown for all of them), else a `madvise` each: the stacks are not neighbours (a
/// kept page and a guard lie between any two), so no single range covers several.
pub(crate) fn release<'a>(stacks: impl Iterator<Item = &'a Stack>) {
    let empty = libc::iovec {
        iov_base: core::ptr::null_mut(),
        iov_len: 0,
    };
    let mut iov = [empty; RELEASE_IOV];
    let mut n = 0;
    for st in stacks {
        let top = st.hi.saturating_sub(1) & !(PAGE - 1);
        if top <= st.lo {
            continue;
        }
        iov[n] = libc::iovec {
            iov_base: st.lo as *mut libc::c_void,
            iov_len: top - st.lo,
        };
        n += 1;
        if n == RELEASE_IOV {
            release_iov(&iov[..n]);
            n = 0;
        }
    }
    release_iov(&iov[..n]);
}

/// Most ranges per `process_madvise` call (the kernel's `UIO_MAXIOV`).
const RELEASE_IOV: usize = 1024;

fn release_iov(iov: &[libc::iovec]) {
    static REFUSED: AtomicUsize = AtomicUsize::new(0);
    if iov.is_empty() {
        return;
    }
    let total: usize = iov.iter().map(|v| v.iov_len).sum();
    if REFUSED.load(Ordering::Relaxed) == 0 {
        // SAFETY: every range lies in a private anonymous reservation of ours, on stacks
        // that are unused (caller's contract); DONTNEED only drops their contents. The
        // kernel only reads the iovec array, which outlives the call.
        let rc = unsafe {
            libc::syscall(
                libc::SYS_process_madvise,
                PIDFD_SELF,
                iov.as_ptr(),
                iov.len(),
                libc::MADV_DONTNEED,
                0,
            )
        };
        if rc == total as libc::c_long {
            return;
        }
        if rc < 0 {
            REFUSED.store(1, Ordering::Relaxed);
        }
        // Refused or stopped part-way: dropping a range twice is harmless.
    }
    for v in iov {
        release_range(v.iov_base as usize, v.iov_base as usize + v.iov_len);
    }
}

/// Returns `[lo, hi)` (usable pages of an unused stack) to the kernel; they read as zero
/// when touched again. Caller's contract: no frame lives there.
fn release_range(lo: usize, hi: usize) {
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
    /// The current reservation's first slot and its G table.
    start: usize,
    gtable: usize,
    /// Next slot to hand out; slots in `[next, ready)` have their guards installed.
    next: usize,
    ready: usize,
    end: usize,
    mode: Option<GuardMode>,
}

static CARVER: Mutex<Carver> = Mutex::new(Carver {
    start: 0,
    gtable: 0,
    next: 0,
    ready: 0,
    end: 0,
    mode: None,
});
/// `[start, end)` of each reservation, published for the signal handler.
static REGIONS: [(AtomicUsize, AtomicUsize); MAX_REGIONS] =
    [const { (AtomicUsize::new(0), AtomicUsize::new(0)) }; MAX_REGIONS];
/// The G table of each reservation: slot `i`'s G at `base + i * G_STRIDE`.
static REGION_GS: [AtomicUsize; MAX_REGIONS] = [const { AtomicUsize::new(0) }; MAX_REGIONS];
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

/// Bytes of G table entries handed out so far, for `read_mem_stats`.
static GTABLE: AtomicUsize = AtomicUsize::new(0);

pub(crate) fn gtable_bytes() -> usize {
    GTABLE.load(Ordering::Relaxed)
}

/// A carved slot: its stack, and the (zeroed, never used) memory for its G.
pub(crate) struct Slot {
    pub(crate) stack: Stack,
    pub(crate) g: *mut u8,
}

/// Carves a new stack slot. Called only when no free G (with its stack) can be reused.
pub(crate) fn alloc() -> Slot {
    let s = alloc_stack_and_g();
    GTABLE.fetch_add(G_STRIDE, Ordering::Relaxed);
    s
}

fn alloc_stack_and_g() -> Slot {
    let size = stack_size();
    let slot = size + GUARD;
    let mut c = CARVER.lock().unwrap_or_else(|e| e.into_inner());
    if c.next == c.ready {
        if c.end - c.next < slot {
            reserve(&mut c, slot);
        }
        // Guards go in for a batch of slots at once (one syscall), still under the lock:
        // no slot is handed out before its guard is in place.
        let n = ((c.end - c.next) / slot).min(GUARD_BATCH);
        let mode = c.mode.unwrap_or(GuardMode::Mprotect);
        install_guards(c.next, n, slot, mode);
        populate_gs(
            c.gtable + (c.next - c.start) / slot * G_STRIDE,
            n * G_STRIDE,
        );
        c.ready = c.next + n * slot;
    }
    let base = c.next;
    c.next += slot;
    let g = c.gtable + (base - c.start) / slot * G_STRIDE;
    CARVED.fetch_add(slot, Ordering::Relaxed);
    drop(c);
    Slot {
        stack: Stack {
            lo: base + GUARD,
            hi: base + slot,
        },
        g: g as *mut u8,
    }
}

/// Linux's `MADV_POPULATE_WRITE` (5.14).
const MADV_POPULATE_WRITE: libc::c_int = 23;

/// Commits the G table entries of a batch of slots at once: one system call instead of a
/// page fault every few spawns (a fresh G is written at once anyway).
fn populate_gs(at: usize, len: usize) {
    let lo = at & !(PAGE - 1);
    let hi = (at + len).next_multiple_of(PAGE);
    // SAFETY: `[lo, hi)` lies in a G table mapping of ours; populating only commits
    // zeroed pages (or does nothing where they are); a failure (old kernel) is harmless.
    unsafe { libc::madvise(lo as *mut libc::c_void, hi - lo, MADV_POPULATE_WRITE) };
}

/// Installs the guard pages of the `n` slots (`slot` bytes each) starting at `base`.
fn install_guards(base: usize, n: usize, slot: usize, mode: GuardMode) {
    if mode == GuardMode::Madvise && install_guards_batched(base, n, slot) {
        return;
    }
    for i in 0..n {
        install_guard(base + i * slot, mode);
    }
}

/// One `process_madvise(MADV_GUARD_INSTALL)` for `n` (at most `GUARD_BATCH`) guard pages;
/// false if the kernel cannot (before 6.15 it knows no `PIDFD_SELF`, or refuses this advice
/// to `process_madvise`), after which the caller installs them one by one (and so does
/// every later batch: the first refusal is remembered).
fn install_guards_batched(base: usize, n: usize, slot: usize) -> bool {
    static REFUSED: AtomicUsize = AtomicUsize::new(0);
    if REFUSED.load(Ordering::Relaxed) != 0 {
        return false;
    }
    let mut iov = [libc::iovec {
        iov_base: core::ptr::null_mut(),
        iov_len: 0,
    }; GUARD_BATCH];
    for (i, v) in iov[..n].iter_mut().enumerate() {
        *v = libc::iovec {
            iov_base: (base + i * slot) as *mut libc::c_void,
            iov_len: GUARD,
        };
    }
    // SAFETY: each range is the first page of a slot we just carved (nobody uses them); the
    // iovec array outlives the call, which only reads it.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_process_madvise,
            PIDFD_SELF,
            iov.as_ptr(),
            n,
            MADV_GUARD_INSTALL,
            0,
        )
    };
    if rc == (n * GUARD) as libc::c_long {
        return true;
    }
    // Refused, or stopped part-way: installing a guard twice is harmless, so the caller
    // redoes them all one by one.
    if rc < 0 {
        REFUSED.store(1, Ordering::Relaxed);
    }
    false
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

/// A fresh read-write private anonymous mapping of `len` bytes that commits nothing up
/// front (pages are committed as they are first touched).
pub(crate) fn map_noreserve(len: usize) -> std::io::Result<usize> {
    // SAFETY: a new mapping chosen by the kernel; it overlaps nothing of ours.
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
    if p == libc::MAP_FAILED {
        Err(std::io::Error::last_os_error())
    } else {
        Ok(p as usize)
    }
}

fn reserve(c: &mut Carver, slot: usize) {
    let n = NREGIONS.load(Ordering::Relaxed);
    if n == MAX_REGIONS {
        crate::panic::throw("out of goroutine stack address space (too many reservations)");
    }
    let mut len = REGION_BYTES.max(slot).next_multiple_of(slot);
    let base = loop {
        let err = match map_noreserve(len) {
            Ok(p) => break p,
            Err(e) => e,
        };
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
    let glen = len / slot * G_STRIDE;
    let gtable = map_noreserve(glen).unwrap_or_else(|err| {
        crate::panic::throw(&format!(
            "cannot reserve {glen} bytes of address space for goroutine Gs: {err}"
        ))
    });
    REGIONS[n].0.store(base, Ordering::Relaxed);
    REGIONS[n].1.store(base + len, Ordering::Relaxed);
    REGION_GS[n].store(gtable, Ordering::Relaxed);
    NREGIONS.store(n + 1, Ordering::Release);
    c.start = base;
    c.gtable = gtable;
    c.next = base;
    c.ready = base;
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

/// The slot whose usable stack holds `addr` (not its guard): its G's address and its
/// stack's `[lo, hi)`. Async-signal-safe, as `guard_hit`.
pub(crate) fn slot_at(addr: usize) -> Option<(usize, usize, usize)> {
    let n = NREGIONS.load(Ordering::Acquire);
    let size = STACK_SIZE.load(Ordering::Relaxed);
    if n == 0 || size == 0 {
        return None;
    }
    let slot = size + GUARD;
    REGIONS[..n].iter().zip(&REGION_GS).find_map(|((s, e), g)| {
        let (s, e) = (s.load(Ordering::Relaxed), e.load(Ordering::Relaxed));
        if addr < s || addr >= e || (addr - s) % slot < GUARD {
            return None;
        }
        let i = (addr - s) / slot;
        let lo = s + i * slot + GUARD;
        Some((g.load(Ordering::Relaxed) + i * G_STRIDE, lo, lo + size))
    })
}

/// Whether guard pages are `MADV_GUARD_INSTALL` markers (decided at the first
/// reservation; false before it and with the `mprotect` fallback).
pub(crate) fn guard_is_marker() -> bool {
    CARVER.lock().unwrap_or_else(|e| e.into_inner()).mode == Some(GuardMode::Madvise)
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
        let _slot = alloc();
        assert_eq!(guard_uses_madvise(), kernel_at_least(6, 13));
    }

    /// Whether the kernel can read a word at `addr` of this process (a guard page cannot
    /// be read; an untouched page of the reservation reads as zero). Asks the kernel, so a
    /// guard makes the call fail instead of raising SIGSEGV.
    fn readable(addr: usize) -> bool {
        let mut word = 0u64;
        let local = libc::iovec {
            iov_base: (&raw mut word).cast(),
            iov_len: 8,
        };
        let remote = libc::iovec {
            iov_base: addr as *mut libc::c_void,
            iov_len: 8,
        };
        // SAFETY: the kernel writes at most 8 bytes into `word` and only reads `addr`
        // through its own page-table walk (a bad address is an error, not a fault here).
        let n = unsafe { libc::process_vm_readv(libc::getpid(), &local, 1, &remote, 1, 0) };
        n == 8
    }

    #[test]
    fn release_keeps_the_top_page() {
        let st = alloc().stack;
        let (g_word, low_word) = ((st.hi - 8) as *mut u64, (st.lo + 64) as *mut u64);
        // SAFETY: both words lie in the slot we just carved and own.
        unsafe {
            g_word.write_volatile(0x600d);
            low_word.write_volatile(0xdead);
        }
        release([&st].into_iter());
        // SAFETY: as above; released pages read back as zero, kept ones keep their words.
        unsafe {
            assert_eq!(g_word.read_volatile(), 0x600d);
            assert_eq!(low_word.read_volatile(), 0);
        }
    }

    #[test]
    fn slots_across_guard_batches_are_distinct_and_guarded() {
        let stacks: Vec<Stack> = (0..2 * GUARD_BATCH + 1).map(|_| alloc().stack).collect();
        let mut los: Vec<usize> = stacks.iter().map(|s| s.lo).collect();
        los.sort_unstable();
        los.dedup();
        assert_eq!(los.len(), stacks.len());
        for st in &stacks {
            assert_eq!(st.hi - st.lo, stack_size());
            assert_eq!(guard_hit(st.lo - 1), Some(stack_size()));
            assert!(
                !readable(st.lo - GUARD),
                "no guard below the stack at {:#x}",
                st.lo
            );
            assert!(readable(st.lo));
            // SAFETY: the top word of a fresh stack we own: writable.
            unsafe { ((st.hi - 8) as *mut u64).write_volatile(1) };
        }
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
        let (sa, sb) = (alloc(), alloc());
        let (a, b) = (sa.stack, sb.stack);
        assert_ne!(a.lo, b.lo);
        // Each slot's G: its own table entry, found from any address of its stack.
        assert_ne!(sa.g, sb.g);
        assert_eq!(slot_at(a.lo), Some((sa.g as usize, a.lo, a.hi)));
        assert_eq!(slot_at(a.hi - 1), Some((sa.g as usize, a.lo, a.hi)));
        assert_eq!(slot_at(b.lo + 100), Some((sb.g as usize, b.lo, b.hi)));
        assert_eq!(slot_at(a.lo - 1), None);
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
