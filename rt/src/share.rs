//! `Share`: the marker for handles that `go!({ ... })` clones into a goroutine, and the capture
//! helpers the macro's block form expands to.
//!
//! Go's `go func() { ... }()` closes over the caller's variables; channels, maps and pointers
//! are reference types, so the caller and the goroutine see the same channel. goro gets the same
//! feel without a `clone()` per handle: `go!({ ... })` rebinds every free variable `x` of the
//! block before moving it into the goroutine, in two steps:
//!
//! ```text
//! let x = <_ as ShareOrCopy<_>>::__goro_capture((&&&&Capture(&x)).__goro_pick());
//! ```
//! 1. *Pick* the rule at compile time by autoref specialisation (a proc macro sees no types,
//!    method lookup does): lookup tries the receiver `&&&&Capture` first, then derefs one `&`
//!    at a time, so the first impl whose bounds hold wins. Each returns a [`Pick`]: the value
//!    to capture and how.
//!    ```text
//!    CaptureShareRef  x: &T, T: Share   -> Pick<T, ByClone>  the handle behind the reference
//!    CaptureShare     x: T,  T: Share   -> Pick<T, ByClone>
//!    CaptureCopy      x: T,  T: Copy    -> Pick<T, ByCopy>
//!    CaptureOther     anything else     -> Pick<T, Refused>
//!    ```
//! 2. *Capture* through [`ShareOrCopy`], called by its path so that a `Refused` pick fails
//!    right there, on the trait's own bound: one error, at the variable, in the words of its
//!    `on_unimplemented` (a bound on a helper would add "required by a bound in" the helper).
//!
//! 3. *Check* that the picked value is `Send` (`SendProbe`, `SendToGoroutine`, below), so a
//!    raw pointer or a `&Cell` is refused at the variable too, not by `go`'s bound on the
//!    whole closure.
//!
//! The helpers are public only for the expansion to reach them through `::goro::__private`;
//! they are no API.

// std's Arc even under loom: `Share` is about the user's handles, which are never modelled.
use crate::loom::StdArc as Arc;

/// A cheap handle that `go!({ ... })` clones into the new goroutine (Go's reference types).
///
/// Go's channels, maps and pointers are shared by the caller and the goroutine that closes
/// over them; goro's equivalents (`Chan`, `Sender`, `Receiver`, `Arc<T>`, `Gc<'s, T>`) implement
/// `Share`, and the block form of `go!` clones them instead of moving them, so the caller keeps
/// its handle. Implement it only for types whose `clone` yields another handle to the *same*
/// shared state: cloning must be cheap and must not copy the data.
///
/// # Examples
/// ```
/// use goro::prelude::*;
/// use std::sync::Arc;
///
/// // A handle type of your own: clones share one counter.
/// #[derive(Clone)]
/// struct Hits(Arc<std::sync::atomic::AtomicU32>);
/// impl goro::Share for Hits {}
///
/// goro::run(|| {
///     let hits = Hits(Arc::default());
///     let done = chan![()];
///     go!({
///         // `hits` and `done` are cloned in, not moved: the caller keeps both
///         hits.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
///         done.send(());
///     });
///     done.recv();
///     assert_eq!(hits.0.load(std::sync::atomic::Ordering::SeqCst), 1);
/// });
/// ```
pub trait Share: Clone {}

impl<T: ?Sized> Share for Arc<T> {}

/// A borrowed free variable of a `go!` block, probed by the `Capture*` traits (see the module
/// docs for the order). Built only by the `go!` expansion.
#[doc(hidden)]
pub struct Capture<'a, T>(pub &'a T);

/// The outcome of step 1 for one variable: the value to capture and how (`ByClone`, `ByCopy`
/// or `Refused`), for [`ShareOrCopy`] to carry out.
#[doc(hidden)]
pub struct Pick<'a, T, How>(&'a T, How);

/// Clone the [`Share`] handle.
#[doc(hidden)]
pub struct ByClone;

/// Copy the value.
#[doc(hidden)]
pub struct ByCopy;

/// Neither `Share` nor `Copy`: no [`ShareOrCopy`] impl takes it.
#[doc(hidden)]
pub struct Refused;

/// Capture rule 1: a shared reference to a [`Share`] handle clones the handle, so the
/// goroutine owns it (`fn f(ch: &Chan<T>) { go!({ ch.send(v) }) }` works).
#[doc(hidden)]
pub trait CaptureShareRef<'a, T> {
    /// Picks the handle behind the reference.
    fn __goro_pick(&self) -> Pick<'a, T, ByClone>;
}

impl<'a, T: Share> CaptureShareRef<'a, T> for &&&Capture<'_, &'a T> {
    fn __goro_pick(&self) -> Pick<'a, T, ByClone> {
        Pick(*self.0, ByClone)
    }
}

/// Capture rule 2: a [`Share`] handle is cloned; the caller keeps using its own.
#[doc(hidden)]
pub trait CaptureShare<'a, T> {
    /// Picks the handle.
    fn __goro_pick(&self) -> Pick<'a, T, ByClone>;
}

impl<'a, T: Share> CaptureShare<'a, T> for &&Capture<'a, T> {
    fn __goro_pick(&self) -> Pick<'a, T, ByClone> {
        Pick(self.0, ByClone)
    }
}

/// Capture rule 3: a `Copy` value is copied.
#[doc(hidden)]
pub trait CaptureCopy<'a, T> {
    /// Picks the value.
    fn __goro_pick(&self) -> Pick<'a, T, ByCopy>;
}

impl<'a, T: Copy> CaptureCopy<'a, T> for &Capture<'a, T> {
    fn __goro_pick(&self) -> Pick<'a, T, ByCopy> {
        Pick(self.0, ByCopy)
    }
}

/// Capture rule 4, the fallback: chosen only when rules 1–3 do not apply; [`ShareOrCopy`]
/// then refuses it with a message that names the fix.
#[doc(hidden)]
pub trait CaptureOther<'a, T> {
    /// Picks the value, to be refused.
    fn __goro_pick(&self) -> Pick<'a, T, Refused>;
}

impl<'a, T> CaptureOther<'a, T> for Capture<'a, T> {
    fn __goro_pick(&self) -> Pick<'a, T, Refused> {
        Pick(self.0, Refused)
    }
}

/// Step 2: captures a picked value; what a `go!` block can capture. Implemented for `Share`
/// handles (cloned) and `Copy` values (copied), never for a `Refused` pick, so the error for
/// any other variable is this trait's. The default `How` keeps it out of that error's text.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "a `go!` block cannot capture `{Self}`: it is neither `goro::Share` nor `Copy`",
    label = "this variable is used inside the `go!` block",
    note = "use `go!(move || ...)` to move it into the goroutine, or share it through an `Arc`"
)]
pub trait ShareOrCopy<How = Refused>: Sized {
    /// The goroutine's own handle or copy.
    fn __goro_capture(pick: Pick<'_, Self, How>) -> Self;
}

impl<T: Share> ShareOrCopy<ByClone> for T {
    fn __goro_capture(pick: Pick<'_, T, ByClone>) -> T {
        pick.0.clone()
    }
}

impl<T: Copy> ShareOrCopy<ByCopy> for T {
    fn __goro_capture(pick: Pick<'_, T, ByCopy>) -> T {
        *pick.0
    }
}

// `go!({ ... })`'s `Send` check, one per captured variable, at its use: without it a value
// that the picks above capture but that is not `Send` (a raw pointer, a `&Cell`) fails only
// `go`'s bound on the whole closure, an error on the whole `go!(...)` that names the
// `__private` function and no fix. After the capture rule is picked:
//
//     let pick = (&&&&Capture(&x)).__goro_pick();
//     <_ as SendToGoroutine<_>>::__goro_check((&&SendProbe(&pick)).__goro_probe());
//
// the probe (autoref specialisation, as the picks) tells `Sent` from `NotSend`, and only
// `SendToGoroutine<Sent>` is implemented: a `NotSend` fails the trait's own bound, once, at
// the variable, in its `on_unimplemented` words (a bound `T: Send` on an impl or a helper
// would add a note pointing here). A `Refused` pick is not probed: `ShareOrCopy` reports it,
// alone.

/// A capture picked by `share.rs`, probed for `Send`. Built only by the `go!` expansion.
#[doc(hidden)]
pub struct SendProbe<'p, P>(pub &'p P);

/// The probe's outcome for a captured `T`: `How` is [`Sent`] or [`NotSend`].
#[doc(hidden)]
pub struct Probed<T, How>(core::marker::PhantomData<fn() -> T>, How);

/// The captured value is `Send`.
#[doc(hidden)]
pub struct Sent;

/// The captured value is not `Send`: no [`SendToGoroutine`] impl takes it.
#[doc(hidden)]
pub struct NotSend;

/// Probe rule 1: a `Refused` capture passes (its error is `ShareOrCopy`'s).
#[doc(hidden)]
pub trait SendProbeRefused<T> {
    /// Passes the refused capture.
    fn __goro_probe(&self) -> Probed<T, Sent>;
}

impl<T> SendProbeRefused<T> for &&SendProbe<'_, Pick<'_, T, Refused>> {
    fn __goro_probe(&self) -> Probed<T, Sent> {
        Probed(core::marker::PhantomData, Sent)
    }
}

/// Probe rule 2: a `Send` value passes.
#[doc(hidden)]
pub trait SendProbeSent<T> {
    /// Passes the `Send` value.
    fn __goro_probe(&self) -> Probed<T, Sent>;
}

impl<T: Send, How> SendProbeSent<T> for &SendProbe<'_, Pick<'_, T, How>> {
    fn __goro_probe(&self) -> Probed<T, Sent> {
        Probed(core::marker::PhantomData, Sent)
    }
}

/// Probe rule 3, the fallback: any other value, for [`SendToGoroutine`] to refuse.
#[doc(hidden)]
pub trait SendProbeNotSend<T> {
    /// Marks the value `NotSend`.
    fn __goro_probe(&self) -> Probed<T, NotSend>;
}

impl<T, How> SendProbeNotSend<T> for SendProbe<'_, Pick<'_, T, How>> {
    fn __goro_probe(&self) -> Probed<T, NotSend> {
        Probed(core::marker::PhantomData, NotSend)
    }
}

/// What a `go!` block may send to its goroutine: implemented only for a [`Sent`] probe, so
/// the error for any other captured value is this trait's. The default `How` keeps it out of
/// that error's text.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "a `go!` block cannot capture `{Self}`: it is not `Send`, so it cannot move to \
               the goroutine",
    label = "this variable is used inside the `go!` block",
    note = "share what it points to through an `Arc` (a `goro::sync::Mutex` in it to change \
            it) or a channel; a raw pointer can go as a `usize` address, or in a wrapper \
            type with `unsafe impl Send`"
)]
pub trait SendToGoroutine<How = NotSend>: Sized {
    /// Nothing: the check is the bound.
    fn __goro_check(probed: Probed<Self, How>);
}

impl<T> SendToGoroutine<Sent> for T {
    #[inline(always)]
    fn __goro_check(_: Probed<T, Sent>) {}
}

#[cfg(test)]
mod tests {
    use super::*; // the glob brings the Capture* traits into scope, as the expansion does

    /// What `go!({ .. })` expands to for each free variable `$x`.
    macro_rules! capture {
        ($x:ident) => {
            <_ as ShareOrCopy<_>>::__goro_capture((&&&&Capture(&$x)).__goro_pick())
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
