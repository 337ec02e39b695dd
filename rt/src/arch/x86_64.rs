//! x86_64 (System V) context switch.
//!
//! A suspended context's stack, top (high addresses) down, as `switch` leaves it:
//!
//! ```text
//!   [sp + 56]  return address   (into the caller of `switch`; for a fresh stack: trampoline)
//!   [sp + 48]  rbp              (fresh: 0, ends frame-pointer walks)
//!   [sp + 40]  rbx              (fresh: entry function)
//!   [sp + 32]  r12              (fresh: entry argument)
//!   [sp + 24]  r13
//!   [sp + 16]  r14
//!   [sp +  8]  r15
//!   [sp +  0]  padding          (keeps Context.sp 16-aligned)       <- Context.sp
//! ```
//!
//! MXCSR and the x87 control word (rounding mode, exception masks) are not saved, as Go's
//! gogo does not save them. The ABI makes their control bits callee-saved, but Rust code
//! may only ever run with the default floating-point environment (LLVM assumes it; code
//! that changes it must restore it before any Rust code runs again), and a switch is
//! always entered from Rust code: both sides hold the default, so a save would restore
//! what is already there. It was not free: `stmxcsr` and `fnstcw` are microcoded, and took
//! about a third of gosched_pingpong's time on AMD EPYC.

use super::Entry;
use core::arch::global_asm;

/// Saved stack pointer of a suspended context; 0 while the context runs.
#[repr(C)]
#[derive(Debug, Default)]
pub(crate) struct Context {
    pub(crate) sp: usize,
}

// switch(from: *mut Context [rdi], to: *const Context [rsi])
global_asm!(
    ".text",
    ".global goro_switch",
    ".type goro_switch,@function",
    ".p2align 4",
    "goro_switch:",
    ".cfi_startproc",
    // rsp: return address on top. Save callee-saved integer registers. The CFI says where
    // each one went: an unwinder standing at `goro_switch_walk_ra` (`walk`) then finds a
    // suspended context's caller and registers, as if `goro_switch` were an ordinary frame.
    "push rbp",
    ".cfi_adjust_cfa_offset 8",
    ".cfi_offset rbp, -16",
    "push rbx",
    ".cfi_adjust_cfa_offset 8",
    ".cfi_offset rbx, -24",
    "push r12",
    ".cfi_adjust_cfa_offset 8",
    ".cfi_offset r12, -32",
    "push r13",
    ".cfi_adjust_cfa_offset 8",
    ".cfi_offset r13, -40",
    "push r14",
    ".cfi_adjust_cfa_offset 8",
    ".cfi_offset r14, -48",
    "push r15",
    ".cfi_adjust_cfa_offset 8",
    ".cfi_offset r15, -56",
    // 8 bytes of padding: the saved sp stays 16-aligned (`walk` relies on it).
    "sub rsp, 8",
    ".cfi_adjust_cfa_offset 8",
    // Publish our sp into *from, adopt the target's.
    "mov [rdi], rsp",
    "mov rsp, [rsi]",
    // Both stacks have the same layout here (CFA = rsp + 64), so this address, as a return
    // address, unwinds into the target context's caller (`walk`).
    "goro_switch_walk_ra:",
    // Now on the target stack: undo its save sequence.
    "add rsp, 8",
    ".cfi_adjust_cfa_offset -8",
    "pop r15",
    ".cfi_adjust_cfa_offset -8",
    "pop r14",
    ".cfi_adjust_cfa_offset -8",
    "pop r13",
    ".cfi_adjust_cfa_offset -8",
    "pop r12",
    ".cfi_adjust_cfa_offset -8",
    "pop rbx",
    ".cfi_adjust_cfa_offset -8",
    "pop rbp",
    ".cfi_adjust_cfa_offset -8",
    // Return by an indirect jump, not `ret`: the CPU predicts `ret` from its return stack,
    // whose top is where *this* context called `switch`, so a `ret` into the other
    // context was mispredicted at every switch; an indirect jump is predicted from the
    // branch target history, which learns the alternation (gosched_pingpong: median 49.7 ->
    // 44.6 ns per switch in interleaved runs).
    "pop rdx",
    ".cfi_adjust_cfa_offset -8",
    ".cfi_register rip, rdx",
    "jmp rdx",
    ".cfi_endproc",
    ".size goro_switch, .-goro_switch",
    // walk(from: *mut Context [rdi], sp [rsi], f [rdx], arg [rcx]): saves the running
    // context into *from exactly as goro_switch does (so a `switch` to it returns from
    // here), then calls f(arg) on the stack below the suspended context saved at `sp`, with
    // `goro_switch_walk_ra` as f's return address. f never returns.
    ".global goro_walk",
    ".type goro_walk,@function",
    ".p2align 4",
    "goro_walk:",
    ".cfi_startproc",
    "push rbp",
    "push rbx",
    "push r12",
    "push r13",
    "push r14",
    "push r15",
    "sub rsp, 8",
    "mov [rdi], rsp",
    // The suspended context's sp is 16-aligned; after the push, f sees rsp = 8 mod 16 as
    // after any call.
    "mov rsp, rsi",
    "lea rax, [rip + goro_switch_walk_ra]",
    "push rax",
    "mov rdi, rcx",
    "jmp rdx",
    ".cfi_endproc",
    ".size goro_walk, .-goro_walk",
);

// First code a fresh context runs: `ret` from `goro_switch` lands here with rsp 16-aligned,
// rbx = entry function, r12 = its argument. Return address undefined: unwinders and
// backtraces stop here instead of walking off the top of the goroutine stack.
global_asm!(
    ".text",
    ".global goro_trampoline",
    ".type goro_trampoline,@function",
    ".p2align 4",
    "goro_trampoline:",
    ".cfi_startproc",
    ".cfi_undefined rip",
    "mov rdi, r12",
    "call rbx",
    "ud2",
    ".cfi_endproc",
    ".size goro_trampoline, .-goro_trampoline",
);

unsafe extern "C" {
    fn goro_switch(from: *mut Context, to: *const Context);
    fn goro_walk(from: *mut Context, sp: usize, f: Entry, arg: usize);
    fn goro_trampoline();
}

/// Runs `f(arg)` on the stack of the suspended context whose saved sp is `sp`, below its
/// frames, as if that context's `switch` had called `f`: an unwinder started in `f` walks
/// the suspended context's frames (`traceback.rs`). `f` must end with a `switch` back to
/// `*from`, where this call then returns. The suspended context is left unchanged.
///
/// # Safety
/// `from` must be valid for writes. `sp` must be the saved sp of a context suspended by
/// `switch` (not a fresh one) that nobody resumes until this returns, with room below it
/// for `f`'s frames. `f` must not unwind and must switch back to `*from`.
pub(crate) unsafe fn walk(from: *mut Context, sp: usize, f: Entry, arg: usize) {
    // SAFETY: the caller upholds the contract above; `goro_walk` follows the C ABI.
    unsafe { goro_walk(from, sp, f, arg) }
}

/// Suspends the running context into `from` and resumes `to`.
///
/// # Safety
/// `from` must be valid for writes and not be resumed by anyone until this call has stored
/// into it (the scheduler guarantees this by publishing a G only after its switch-out);
/// `to` must hold a context saved by `switch` or made by `init_stack` whose stack is live
/// and not running anywhere else.
#[inline(always)]
pub(crate) unsafe fn switch(from: *mut Context, to: *const Context) {
    // SAFETY: the caller upholds the contract above; `goro_switch` follows the C ABI.
    unsafe { goro_switch(from, to) }
}

/// Prepares a fresh stack whose top is `top` so that a `switch` to the result calls
/// `entry(arg)` on it.
///
/// # Safety
/// `top` must be 16-byte aligned and the 64 bytes below it writable stack memory owned by
/// the caller.
pub(crate) unsafe fn init_stack(top: usize, entry: Entry, arg: usize) -> Context {
    debug_assert_eq!(top % 16, 0);
    let sp = top - 64;
    let words: [usize; 8] = [
        0,                                     // padding
        0,                                     // r15
        0,                                     // r14
        0,                                     // r13
        arg,                                   // r12
        entry as *const () as usize,           // rbx
        0,                                     // rbp
        goro_trampoline as *const () as usize, // return address
    ];
    // SAFETY: the caller gives us [top-64, top) as writable stack memory; `sp` is 8-aligned.
    unsafe { core::ptr::copy_nonoverlapping(words.as_ptr(), sp as *mut usize, words.len()) };
    Context { sp }
}
