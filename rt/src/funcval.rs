//! A goroutine's body, stored inside its G. Go: funcval (the closure a `go` statement
//! starts).
//!
//! Small closures (most `go!` bodies: a few captured handles) live inline in the G, so
//! starting a goroutine allocates nothing; bigger ones are boxed and the box lives inline.
//! The slot is type-erased into two function pointers made for the closure's type: one runs
//! it (moving it out of the slot onto the goroutine's stack), one drops it unrun (a goroutine
//! that never started when its runtime ended).
//!
//! Ownership: only the G's owner touches the slot (see `g.rs`).

use core::cell::UnsafeCell;
// Not loom's: nothing waits on it, and `new` stays `const`.
use core::mem::{MaybeUninit, align_of, size_of};
use core::sync::atomic::{AtomicPtr, Ordering};

/// Inline capacity in bytes.
const INLINE: usize = 64;

/// Runs or drops the closure stored at the pointer, per `FuncVal::set`.
type ErasedFn = unsafe fn(*mut u8);

#[repr(C, align(16))]
struct Buf([MaybeUninit<u8>; INLINE]);

/// `repr(C)`, the pointers first: a spawn writes them and the closure's first bytes, one
/// cache line for a closure of up to 32 bytes (`G`'s layout).
#[repr(C)]
pub(crate) struct FuncVal {
    /// `(call, drop)` for the stored closure; `None` when empty.
    fns: UnsafeCell<Option<(ErasedFn, ErasedFn)>>,
    /// `core::any::type_name::<F>` of the closure last stored, as a thin `NameFn` pointer
    /// (null before the first): the goroutine body's frame owner (`defer.rs`), and where
    /// a dump finds the function that created the goroutine. Atomic, so a dump may read it
    /// from another thread: a torn read of a reused G gives another valid name, never UB.
    name: AtomicPtr<()>,
    buf: UnsafeCell<Buf>,
}

/// The type of `core::any::type_name::<F>`, stored type-erased in `FuncVal::name`.
pub(crate) type NameFn = fn() -> &'static str;

impl FuncVal {
    pub(crate) const fn new() -> FuncVal {
        FuncVal {
            buf: UnsafeCell::new(Buf([MaybeUninit::uninit(); INLINE])),
            fns: UnsafeCell::new(None),
            name: AtomicPtr::new(core::ptr::null_mut()),
        }
    }

    /// Stores `f`, named `name()` (the type name of the user's closure `f` runs).
    ///
    /// # Safety
    /// The caller owns the G and the slot is empty. `f` may borrow data only if the caller
    /// guarantees that data outlives the goroutine's run (`run_with` does, by not returning
    /// before goroutine 1 is finished).
    pub(crate) unsafe fn set<F: FnOnce() + Send>(&self, f: F, name: NameFn) {
        self.name.store(name as *mut (), Ordering::Relaxed);
        let buf = self.buf.get().cast::<u8>();
        if size_of::<F>() <= INLINE && align_of::<F>() <= align_of::<Buf>() {
            // SAFETY: the buffer is large and aligned enough for F (checked above) and empty.
            unsafe { buf.cast::<F>().write(f) };
            // SAFETY: owner-only slot.
            unsafe { *self.fns.get() = Some((call_inline::<F>, drop_inline::<F>)) };
        } else {
            let boxed = Box::into_raw(Box::new(f));
            // SAFETY: a thin pointer fits the buffer, which is empty.
            unsafe { buf.cast::<*mut F>().write(boxed) };
            // SAFETY: owner-only slot.
            unsafe { *self.fns.get() = Some((call_boxed::<F>, drop_boxed::<F>)) };
        }
    }

    /// The type name of the closure last stored ("" if none was).
    pub(crate) fn type_name(&self) -> &'static str {
        self.name_fn()()
    }

    /// What gives `type_name`: the stored closure's `core::any::type_name`.
    pub(crate) fn name_fn(&self) -> NameFn {
        let name = self.name.load(Ordering::Relaxed);
        if name.is_null() {
            return || "";
        }
        // SAFETY: a non-null `name` was stored from a `NameFn` by `set`.
        unsafe { core::mem::transmute::<*mut (), NameFn>(name) }
    }

    /// Runs the stored closure (emptying the slot); false if there was none.
    ///
    /// # Safety
    /// The caller owns the G.
    pub(crate) unsafe fn call(&self) -> bool {
        // SAFETY: owner-only slot.
        let Some((call, _)) = (unsafe { (*self.fns.get()).take() }) else {
            return false;
        };
        // SAFETY: `call` was made by `set` for the closure in the buffer, now ours to move.
        unsafe { call(self.buf.get().cast()) };
        true
    }

    /// Drops the stored closure unrun (emptying the slot); false if there was none.
    ///
    /// # Safety
    /// The caller owns the G.
    pub(crate) unsafe fn drop_unrun(&self) -> bool {
        // SAFETY: owner-only slot.
        let Some((_, drop)) = (unsafe { (*self.fns.get()).take() }) else {
            return false;
        };
        // SAFETY: `drop` was made by `set` for the closure in the buffer.
        unsafe { drop(self.buf.get().cast()) };
        true
    }
}

/// # Safety
/// `p` holds an `F` written by `FuncVal::set`, which the caller gives up.
unsafe fn call_inline<F: FnOnce()>(p: *mut u8) {
    // SAFETY: per the contract, an initialised F we now own.
    let f = unsafe { p.cast::<F>().read() };
    f();
}

/// # Safety
/// As `call_inline`.
unsafe fn drop_inline<F: FnOnce()>(p: *mut u8) {
    // SAFETY: per the contract, an initialised F we now own.
    unsafe { p.cast::<F>().drop_in_place() };
}

/// # Safety
/// `p` holds a `*mut F` from `Box::into_raw`, which the caller gives up.
unsafe fn call_boxed<F: FnOnce()>(p: *mut u8) {
    // SAFETY: per the contract, a pointer from Box::into_raw that nobody else holds.
    let f = unsafe { Box::from_raw(p.cast::<*mut F>().read()) };
    f();
}

/// # Safety
/// As `call_boxed`.
unsafe fn drop_boxed<F: FnOnce()>(p: *mut u8) {
    // SAFETY: per the contract, a pointer from Box::into_raw that nobody else holds.
    drop(unsafe { Box::from_raw(p.cast::<*mut F>().read()) });
}
