//! `Share`: the marker for handles that `go!({ ... })` clones into a goroutine, and the capture
//! helpers the macro's block form expands to.
//!
//! Go's `go func() { ... }()` closes over the caller's variables; channels, maps and pointers
//! are reference types, so the caller and the goroutine see the same channel. goro gets the same
//! feel without a `clone()` per handle: `go!({ ... })` rebinds every free variable `x` of the
//! block before moving it into the goroutine, picking how at compile time by autoref
//! specialisation (a proc macro sees no types, method lookup does):
//!
//! ```text
//! let x = (&&&&Capture(&x)).__goro_capture();
//!   1. CaptureShareRef  x: &T, T: Share   -> clone the handle behind the reference
//!   2. CaptureShare     x: T,  T: Share   -> clone the handle
//!   3. CaptureCopy      x: T,  T: Copy    -> copy the value
//!   4. CaptureOther     anything else     -> compile error naming the fix (ShareOrCopy)
//! ```
//!
//! Method lookup tries the receiver `&&&&Capture` first, then derefs one `&` at a time, so the
//! first impl whose bounds hold wins. The helpers are public only for the expansion to reach
//! them through `::goro::__private`; they are no API.

// std's Arc even under loom: `Share` is about the user's handles, which are never modelled.
use crate::loom::StdArc as Arc;

/// A cheap handle that `go!({ ... })` clones into the new goroutine (Go's reference types).
///
/// Go's channels, maps and pointers are shared by the caller and the goroutine that closes
/// over them; goro's equivalents (`Chan`, `Sender`, `Receiver`, `Arc<T>`, `Gc<'s, T>`) implement
/// `Share`, and the block form of `go!` clones them instead of moving them, so the caller keeps
/// its handle. Implement it only for types whose `clone` yields another handle to the *same*
/// shared state: cloning must be cheap and must not copy the data.
pub trait Share: Clone {}

impl<T: ?Sized> Share for Arc<T> {}

/// A borrowed free variable of a `go!` block, probed by the `Capture*` traits (see the module
/// docs for the order). Built only by the `go!` expansion.
#[doc(hidden)]
pub struct Capture<'a, T>(pub &'a T);

/// Capture rule 1: a shared reference to a [`Share`] handle clones the handle, so the
/// goroutine owns it (`fn f(ch: &Chan<T>) { go!({ ch.send(v) }) }` works).
#[doc(hidden)]
pub trait CaptureShareRef<T> {
    /// Returns the goroutine's own handle.
    fn __goro_capture(&self) -> T;
}

impl<T: Share> CaptureShareRef<T> for &&&Capture<'_, &T> {
    fn __goro_capture(&self) -> T {
        T::clone(self.0)
    }
}

/// Capture rule 2: a [`Share`] handle is cloned; the caller keeps using its own.
#[doc(hidden)]
pub trait CaptureShare<T> {
    /// Returns the goroutine's own handle.
    fn __goro_capture(&self) -> T;
}

impl<T: Share> CaptureShare<T> for &&Capture<'_, T> {
    fn __goro_capture(&self) -> T {
        self.0.clone()
    }
}

/// Capture rule 3: a `Copy` value is copied.
#[doc(hidden)]
pub trait CaptureCopy<T> {
    /// Returns the goroutine's copy.
    fn __goro_capture(&self) -> T;
}

impl<T: Copy> CaptureCopy<T> for &Capture<'_, T> {
    fn __goro_capture(&self) -> T {
        *self.0
    }
}

/// Capture rule 4, the fallback: chosen only when rules 1–3 do not apply, and then its
/// `where T: ShareOrCopy` bound fails with [`ShareOrCopy`]'s message at the variable.
#[doc(hidden)]
pub trait CaptureOther<T> {
    /// Never callable: no type the user can name implements [`ShareOrCopy`].
    fn __goro_capture(&self) -> T
    where
        T: ShareOrCopy;
}

impl<T> CaptureOther<T> for Capture<'_, T> {
    fn __goro_capture(&self) -> T
    where
        T: ShareOrCopy,
    {
        self.0.__goro_unreachable()
    }
}

/// The bound that makes capture rule 4 a compile error which names the fix.
///
/// Implemented only for an uninhabited private type (hidden from diagnostics), so the bound
/// fails for every type that reaches rule 4.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "a `go!` block cannot capture `{Self}`: it is neither `goro::Share` nor `Copy`",
    label = "this variable is used inside the `go!` block",
    note = "use `go!(move || ...)` to move it into the goroutine, or share it through an `Arc`"
)]
pub trait ShareOrCopy {
    /// Unreachable: there is no value of an implementing type.
    fn __goro_unreachable(&self) -> Self;
}

/// The only [`ShareOrCopy`] type: it has no values.
#[doc(hidden)]
pub enum Never {}

#[diagnostic::do_not_recommend]
impl ShareOrCopy for Never {
    fn __goro_unreachable(&self) -> Self {
        match *self {}
    }
}

#[cfg(test)]
mod tests {
    use super::*; // the glob brings the Capture* traits into scope, as the expansion does

    /// What `go!({ .. })` expands to for each free variable `$x`.
    macro_rules! capture {
        ($x:ident) => {
            (&&&&Capture(&$x)).__goro_capture()
        };
    }

    #[test]
    fn share_handles_are_cloned_not_moved() {
        let a = Arc::new(7);
        let b: Arc<i32> = capture!(a);
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(Arc::strong_count(&a), 2);
    }

    #[test]
    fn references_to_share_handles_clone_the_handle() {
        let a = Arc::new(String::from("x"));
        let r = &a;
        let b: Arc<String> = capture!(r);
        assert!(Arc::ptr_eq(&a, &b));
    }

    #[test]
    fn copy_values_are_copied() {
        let n = 41_u64;
        let m: u64 = capture!(n);
        assert_eq!(m + 1, 42);
        let s: &'static str = "go";
        let t: &str = capture!(s);
        assert_eq!(t, "go");
    }
}
