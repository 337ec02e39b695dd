//! Free Gs, with their stacks: the goroutine and stack pool. Go: gfget / gfput (proc.go)
//! and allgs.
//!
//! A G keeps its stack for life, so the free-G lists *are* the stack pool: spawning reuses a
//! G whose stack pages are likely still committed. Each P caches up to `LOCAL_MAX` free Gs;
//! beyond that half move to the process-wide list (shared by all runtimes). Gs beyond
//! `HIGH_WATER` on that list give their stack pages back to the kernel (`MADV_DONTNEED`), so
//! a burst of a million goroutines does not pin its peak memory forever; each keeps the top
//! page of its stack, where its next run's first frames go. They wait in `RELEASING`
//! until a batch is full, then go back with one `process_madvise` per batch where the
//! kernel takes it (a syscall per stack, with its TLB shootdown, would cost more than the
//! goroutine itself).
//!
//! `ALLGS` lists every goroutine G ever made (Go: allgs), for shutdown and dumps.

use crate::g::GRef;
use crate::proc::P;
use std::sync::Mutex;

const LOCAL_MAX: usize = 64;
/// Free Gs kept with their stack pages committed (about 1–2 pages each, G included, so at
/// most ~1 GiB after a burst of a quarter million goroutines). Lower, and workloads that
/// start and end goroutines in waves (skynet) fault every page back in and pay a TLB
/// shootdown per release: 16Ki made skynet 4x slower. Go keeps freed stacks until a GC
/// cycle.
const HIGH_WATER: usize = 256 * 1024;
/// Gs past the high-water mark are released in batches this big (one `process_madvise`).
const RELEASE_BATCH: usize = 1024;

static GFREE: Mutex<Vec<GRef>> = Mutex::new(Vec::new());
static ALLGS: Mutex<Vec<GRef>> = Mutex::new(Vec::new());

/// Calls `f` on every G ever made (live, dead or free). The list is copied a chunk at a
/// time and `f` runs unlocked: a pass over a million Gs takes long (a TLB miss per G), and a
/// spawner making a fresh G must not wait for it. The list only grows, so indices stay put.
pub(crate) fn for_each_g(mut f: impl FnMut(GRef)) {
    const CHUNK: usize = 256;
    let mut chunk: Vec<GRef> = Vec::with_capacity(CHUNK);
    let mut at = 0;
    loop {
        chunk.clear();
        {
            let all = lock(&ALLGS);
            let end = all.len().min(at + CHUNK);
            chunk.extend_from_slice(&all[at..end]);
        }
        if chunk.is_empty() {
            return;
        }
        at += chunk.len();
        for &gp in &chunk {
            f(gp);
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A free G with a stack: from `p`'s cache, the global list, or newly made.
pub(crate) fn get(p: Option<&P>) -> GRef {
    if let Some(p) = p {
        // SAFETY: the caller holds `p`, so its free list is ours.
        let local = unsafe { &mut *p.gfree.get() };
        if let Some(gp) = local.pop() {
            if let Some(&next) = local.last() {
                prefetch_g(next);
            }
            return gp;
        }
        {
            let mut global = lock(&GFREE);
            let n = global.len().min(LOCAL_MAX / 2);
            let at = global.len() - n;
            local.extend(global.drain(at..));
        }
        if let Some(gp) = local.pop() {
            return gp;
        }
    } else if let Some(gp) = lock(&GFREE).pop() {
        return gp;
    }
    let gp = GRef::alloc_for_slot(crate::stack::alloc());
    lock(&ALLGS).push(gp);
    gp
}

/// Starts loading the G the next spawn on this P will take (and the frame `init_stack`
/// writes below it): it was last written by the thread that ran its previous goroutine,
/// often another CPU, and the first touch of it was a quarter of a spawner's time in
/// spawn_join_held (`perf`); fetched now, that miss overlaps this spawn.
#[inline]
fn prefetch_g(gp: GRef) {
    let g = gp.as_ptr().cast::<u8>().cast_const();
    // The G's lines a spawn writes, and the top of its stack (the first frame).
    let top = gp.stack.as_ref().map_or(g, |s| (s.hi - 64) as *const u8);
    let lines = (0..crate::g::SPAWN_LINES).map(|l| g.wrapping_add(l * 64));
    for at in lines.chain([top]) {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: a prefetch is only a hint: it never faults, whatever the address.
        unsafe {
            core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>(at.cast())
        };
        #[cfg(not(target_arch = "x86_64"))]
        let _ = at;
    }
}

/// Returns a dead G to the pool.
pub(crate) fn put(p: Option<&P>, gp: GRef) {
    match p {
        Some(p) => {
            // SAFETY: the caller holds `p`, so its free list is ours.
            let local = unsafe { &mut *p.gfree.get() };
            local.push(gp);
            if local.len() >= LOCAL_MAX {
                let at = local.len() - LOCAL_MAX / 2;
                put_global(local.drain(at..));
            }
        }
        None => put_global(std::iter::once(gp)),
    }
}

/// Moves dead Gs to the process-wide list, sending those past the high-water mark through
/// `RELEASING` first (they become reusable only after their pages are released, since a
/// listed G may be reused at once).
pub(crate) fn put_global(gs: impl Iterator<Item = GRef>) {
    let mut batch = Vec::new();
    {
        let mut global = lock(&GFREE);
        let mut releasing = None;
        for gp in gs {
            if global.len() < HIGH_WATER {
                global.push(gp);
                continue;
            }
            let r = releasing.get_or_insert_with(|| lock(&RELEASING));
            r.push(gp);
            if r.len() >= RELEASE_BATCH {
                batch.append(r);
            }
        }
    }
    if batch.is_empty() {
        return;
    }
    crate::stack::release(batch.iter().filter_map(|gp| gp.stack.as_ref()));
    lock(&GFREE).extend(batch);
}

static RELEASING: Mutex<Vec<GRef>> = Mutex::new(Vec::new());

/// A snapshot of every goroutine G ever made.
pub(crate) fn all_gs() -> Vec<GRef> {
    lock(&ALLGS).clone()
}

#[cfg(not(goro_loom))]
static THREAD_GFREE: Mutex<Vec<GRef>> = Mutex::new(Vec::new());

/// A G for a plain OS thread (no stack), reused after its thread exits.
#[cfg(not(goro_loom))]
pub(crate) fn get_thread_g() -> GRef {
    lock(&THREAD_GFREE)
        .pop()
        .unwrap_or_else(|| GRef::alloc(None))
}

#[cfg(not(goro_loom))]
pub(crate) fn put_thread_g(gp: GRef) {
    lock(&THREAD_GFREE).push(gp);
}
