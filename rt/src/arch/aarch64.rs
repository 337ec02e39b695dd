//! aarch64 (AAPCS64) context switch.
//!
//! A suspended context's stack as `switch` leaves it (176 bytes, sp 16-aligned):
//!
//! ```text
//!   [sp + 160]  padding          (keeps sp 16-aligned)
//!   [sp + 144]  d14, d15
//!   [sp + 128]  d12, d13
//!   [sp + 112]  d10, d11
//!   [sp +  96]  d8,  d9          (low halves of v8-v15 are callee-saved)
//!   [sp +  80]  x29 (fp), x30 (lr: where `switch` returns; fresh: trampoline)
//!   [sp +  64]  x27, x28
//!   [sp +  48]  x25, x26
//!   [sp +  32]  x23, x24
//!   [sp +  16]  x21, x22
//!   [sp +   0]  x19, x20         (fresh: x19 = entry function, x20 = its argument)  <- Context.sp
//! ```
//!
//! FPCR (rounding mode, exception traps) is not saved: Rust code only ever runs with the
//! default floating-point environment, and a switch is entered from Rust code, so both
//! sides hold the default (see the x86_64 switch).

use super::Entry;
use core::arch::global_asm;

/// Saved stack pointer of a suspended context; 0 while the context runs.
#[repr(C)]
#[derive(Debug, Default)]
pub(crate) struct Context {
    pub(crate) sp: usize,
}

// switch(from: *mut Context [x0], to: *const Context [x1])
global_asm!(
    ".text",
    ".global goro_switch",
    ".type goro_switch,%function",
    ".p2align 4",
    "goro_switch:",
    ".cfi_startproc",
    "sub sp, sp, #176",
    ".cfi_def_cfa_offset 176",
    "stp x19, x20, [sp, #0]",
    "stp x21, x22, [sp, #16]",
    "stp x23, x24, [sp, #32]",
    "stp x25, x26, [sp, #48]",
    "stp x27, x28, [sp, #64]",
    "stp x29, x30, [sp, #80]",
    "stp d8, d9, [sp, #96]",
    "stp d10, d11, [sp, #112]",
    "stp d12, d13, [sp, #128]",
    "stp d14, d15, [sp, #144]",
    // Where each register went: an unwinder standing at `goro_switch_walk_ra` (`walk`)
    // then finds a suspended context's caller and registers, as for an ordinary frame.
    ".cfi_offset x19, -176",
    ".cfi_offset x20, -168",
    ".cfi_offset x21, -160",
    ".cfi_offset x22, -152",
    ".cfi_offset x23, -144",
    ".cfi_offset x24, -136",
    ".cfi_offset x25, -128",
    ".cfi_offset x26, -120",
    ".cfi_offset x27, -112",
    ".cfi_offset x28, -104",
    ".cfi_offset x29, -96",
    ".cfi_offset x30, -88",
    ".cfi_offset d8, -80",
    ".cfi_offset d9, -72",
    ".cfi_offset d10, -64",
    ".cfi_offset d11, -56",
    ".cfi_offset d12, -48",
    ".cfi_offset d13, -40",
    ".cfi_offset d14, -32",
    ".cfi_offset d15, -24",
    // Publish our sp into *from, adopt the target's (x10: scratch).
    "mov x10, sp",
    "str x10, [x0]",
    "ldr x10, [x1]",
    "mov sp, x10",
    // Both stacks have the same layout here (CFA = sp + 176), so this address, as a
    // return address, unwinds into the target context's caller (`walk`).
    "goro_switch_walk_ra:",
    // Now on the target stack: undo its save sequence.
    "ldp x19, x20, [sp, #0]",
    "ldp x21, x22, [sp, #16]",
    "ldp x23, x24, [sp, #32]",
    "ldp x25, x26, [sp, #48]",
    "ldp x27, x28, [sp, #64]",
    "ldp x29, x30, [sp, #80]",
    "ldp d8, d9, [sp, #96]",
    "ldp d10, d11, [sp, #112]",
    "ldp d12, d13, [sp, #128]",
    "ldp d14, d15, [sp, #144]",
    "add sp, sp, #176",
    ".cfi_def_cfa_offset 0",
    "ret",
    ".cfi_endproc",
    ".size goro_switch, .-goro_switch",
    // walk(from: *mut Context [x0], sp [x1], f [x2], arg [x3]): saves the running context
    // into *from exactly as goro_switch does (the same instructions on purpose: goro_switch's
    // restore half is what resumes it) (so a `switch` to it returns from here), then
    // calls f(arg) on the stack below the suspended context saved at `sp`, with
    // `goro_switch_walk_ra` as f's return address. f never returns.
    ".global goro_walk",
    ".type goro_walk,%function",
    ".p2align 4",
    "goro_walk:",
    ".cfi_startproc",
    "sub sp, sp, #176",
    "stp x19, x20, [sp, #0]",
    "stp x21, x22, [sp, #16]",
    "stp x23, x24, [sp, #32]",
    "stp x25, x26, [sp, #48]",
    "stp x27, x28, [sp, #64]",
    "stp x29, x30, [sp, #80]",
    "stp d8, d9, [sp, #96]",
    "stp d10, d11, [sp, #112]",
    "stp d12, d13, [sp, #128]",
    "stp d14, d15, [sp, #144]",
    "mov x10, sp",
    "str x10, [x0]",
    "mov sp, x1",
    "adr x30, goro_switch_walk_ra",
    "mov x0, x3",
    "br x2",
    ".cfi_endproc",
    ".size goro_walk, .-goro_walk",
);

// First code a fresh context runs: x19 = entry function, x20 = its argument. The return
// address is undefined so unwinders stop here.
global_asm!(
    ".text",
    ".global goro_trampoline",
    ".type goro_trampoline,%function",
    ".p2align 4",
    "goro_trampoline:",
    ".cfi_startproc",
    ".cfi_undefined x30",
    "mov x0, x20",
    "blr x19",
    "brk #0",
    ".cfi_endproc",
    ".size goro_trampoline, .-goro_trampoline",
);

unsafe extern "C" {
    fn goro_switch(from: *mut Context, to: *const Context);
    fn goro_walk(from: *mut Context, sp: usize, f: Entry, arg: usize);
    fn goro_trampoline();
}

/// Runs `f(arg)` below a suspended context's frames, as the x86_64 `walk`.
///
/// # Safety
/// As the x86_64 `walk`: `from` writable; `sp` the saved sp of a context suspended by
/// `switch` that nobody resumes meanwhile, with room below it; `f` switches back to `*from`.
pub(crate) unsafe fn walk(from: *mut Context, sp: usize, f: Entry, arg: usize) {
    // SAFETY: the caller upholds the contract above; `goro_walk` follows the C ABI.
    unsafe { goro_walk(from, sp, f, arg) }
}

/// Suspends the running context into `from` and resumes `to`.
///
/// # Safety
/// As the x86_64 `switch`: `from` writable and not resumed before this call stored into it;
/// `to` a live context saved by `switch` or made by `init_stack`.
#[inline(always)]
pub(crate) unsafe fn switch(from: *mut Context, to: *const Context) {
    // SAFETY: the caller upholds the contract above; `goro_switch` follows the C ABI.
    unsafe { goro_switch(from, to) }
}

/// Prepares a fresh stack whose top is `top` so that a `switch` to the result calls
/// `entry(arg)` on it.
///
/// # Safety
/// `top` must be 16-byte aligned and the 176 bytes below it writable stack memory owned by
/// the caller.
pub(crate) unsafe fn init_stack(top: usize, entry: Entry, arg: usize) -> Context {
    debug_assert_eq!(top % 16, 0);
    let sp = top - 176;
    let mut words = [0usize; 22];
    words[0] = entry as *const () as usize; // x19
    words[1] = arg; // x20
    words[11] = goro_trampoline as *const () as usize; // x30
    // SAFETY: the caller gives us [top-176, top) as writable stack memory; `sp` is 16-aligned.
    unsafe { core::ptr::copy_nonoverlapping(words.as_ptr(), sp as *mut usize, words.len()) };
    Context { sp }
}
