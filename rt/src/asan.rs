//! AddressSanitizer fiber annotations, compiled in only with `--cfg goro_asan` (set it
//! together with `-Zsanitizer=address`). ASan tracks one stack per thread; a goroutine
//! switch moves the thread onto another stack, so every switch is announced
//! (`__sanitizer_start_switch_fiber` before, `__sanitizer_finish_switch_fiber` after), and a
//! recycled goroutine stack is unpoisoned, since the dead frames of its previous goroutine
//! left their redzones behind. Without the cfg every function here is an empty inline.
//!
//! Run (as `.ci/run` does): `ASAN_OPTIONS=detect_stack_use_after_return=0
//! RUSTFLAGS="-Zsanitizer=address --cfg goro_asan" cargo +nightly test
//! --target x86_64-unknown-linux-gnu -p goro-rt -p goro-chan --lib --tests`.
//! Stack-use-after-return detection stays off: it moves locals to per-thread "fake stacks",
//! which would need saving and restoring around every goroutine switch (doctests are left
//! out: rustdoc does not link the sanitizer runtime).

#[cfg(goro_asan)]
use core::ffi::c_void;

#[cfg(goro_asan)]
unsafe extern "C" {
    fn __sanitizer_start_switch_fiber(
        fake_stack_save: *mut *mut c_void,
        bottom: *const c_void,
        size: usize,
    );
    fn __sanitizer_finish_switch_fiber(
        fake_stack_save: *mut c_void,
        bottom_old: *mut *const c_void,
        size_old: *mut usize,
    );
    fn __asan_unpoison_memory_region(addr: *const c_void, size: usize);
    fn __asan_poison_memory_region(addr: *const c_void, size: usize);
}

/// Announces a switch to the stack `[bottom, bottom + size)`. `save` receives the current
/// fiber's fake stack (null: the current fiber is ending for good).
#[cfg(goro_asan)]
#[inline(always)]
pub(crate) fn start_switch(save: *mut *mut c_void, bottom: usize, size: usize) {
    // SAFETY: ASan's documented fiber protocol; the bounds describe a live stack.
    unsafe { __sanitizer_start_switch_fiber(save, bottom as *const c_void, size) };
}

/// Completes a switch on the new stack; returns the bounds of the stack we came from.
#[cfg(goro_asan)]
#[inline(always)]
pub(crate) fn finish_switch(save: *mut c_void) -> (usize, usize) {
    let (mut bottom, mut size) = (core::ptr::null(), 0usize);
    // SAFETY: called right after a switch announced by `start_switch`.
    unsafe { __sanitizer_finish_switch_fiber(save, &mut bottom, &mut size) };
    (bottom as usize, size)
}

/// Clears poison from memory we own: a recycled goroutine stack (its previous goroutine's
/// dead frames left their redzones behind), a GC block being filled, a chunk unmapped.
#[inline(always)]
pub(crate) fn unpoison(lo: usize, size: usize) {
    #[cfg(goro_asan)]
    // SAFETY: `[lo, lo + size)` is memory we own, which nothing else uses meanwhile.
    unsafe {
        __asan_unpoison_memory_region(lo as *const c_void, size)
    };
    #[cfg(not(goro_asan))]
    let _ = (lo, size);
}

/// Marks `[lo, lo + size)` as not to be touched: the body of a free GC block, so that a
/// use of a freed object is reported (the block's header words, which the collector's
/// walks read, stay readable).
#[inline(always)]
pub(crate) fn poison(lo: usize, size: usize) {
    #[cfg(goro_asan)]
    // SAFETY: `[lo, lo + size)` is memory we own, which nothing may use until unpoisoned.
    unsafe {
        __asan_poison_memory_region(lo as *const c_void, size)
    };
    #[cfg(not(goro_asan))]
    let _ = (lo, size);
}
