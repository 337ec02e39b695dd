//! `gc::scope`: the region a GC heap will live in, and its scoped goroutines.
//!
//! A scope is `std::thread::scope` for goroutines: `s.go(f)` starts a goroutine that may
//! borrow from the caller's stack (`f: 's`, not `'static`), and `scope` returns only after
//! every goroutine it started has finished. That is the whole safety argument for handing
//! a borrowing closure to the runtime, which otherwise requires `'static`: the borrowed
//! frames outlive every goroutine that can see them. The join also runs while `scope`
//! unwinds (a panic in `f`, or the runtime ending and unwinding the caller): the caller
//! then parks *while unwinding*, which the shutdown never kills (`shutdown.rs`), so it
//! waits for its goroutines to end in every case; a goroutine that can never end leaves
//! the caller parked for good, never a dangling borrow.
//!
//! `'s` is invariant and chosen by `scope` for each call (a higher-ranked lifetime), so it
//! brands everything made in the scope: the GC's handles will carry it, and nothing
//! branded can leave the closure or meet another scope's values (trybuild:
//! `ui-tests/tests/fail/gc/`).

use super::gc::Gc;
use super::heap::Heap;
use super::trace::Trace;
use crate::entry::spawn;
use crate::join::JoinHandle;
use core::marker::PhantomData;
use std::sync::Mutex;

/// A scope opened by [`scope`]: starts scoped goroutines with [`Scope::go`]. `'s` is the
/// scope's own lifetime (its brand), `'env` what its goroutines may borrow.
///
/// # Examples
/// See [`scope`].
pub struct Scope<'s, 'env: 's> {
    /// The scope's GC heap.
    /// Boxed: with a shard per thread it is about 6 KiB, too much for a goroutine's frame.
    heap: Box<Heap>,
    /// Goroutines started here and not yet joined.
    running: Mutex<Vec<JoinHandle<()>>>,
    /// Invariant in `'s` and `'env` (as `std::thread::Scope`): neither can be shortened or
    /// stretched to make two scopes' brands meet.
    scope: PhantomData<&'s mut &'s ()>,
    env: PhantomData<&'env mut &'env ()>,
}

/// Opens a scope, runs `f` in it, waits for every goroutine `f` started with
/// [`Scope::go`] (and those they started), and returns `f`'s result. If a scoped
/// goroutine panicked, `scope` panics with that goroutine's payload once all are done.
///
/// This is the frame Go's `sync.WaitGroup` idiom spells out by hand (`wg.Add`, `go`,
/// `wg.Wait()`), and the region the scoped GC's heap lives in.
///
/// # Examples
/// Goroutines that borrow the caller's data, no `Arc` or clone needed:
/// ```
/// use goro::gc;
/// use std::sync::atomic::{AtomicU64, Ordering};
///
/// goro::run(|| {
///     let words = vec!["go", "goro", "gopher"];
///     let total = AtomicU64::new(0);
///     let longest = gc::scope(|s| {
///         for w in &words {
///             let total = &total;
///             s.go(move || {
///                 total.fetch_add(w.len() as u64, Ordering::Relaxed);
///             });
///         }
///         words.iter().map(|w| w.len()).max()
///     }); // every goroutine has finished here
///     assert_eq!(total.load(Ordering::Relaxed), 12);
///     assert_eq!(longest, Some(6));
/// });
/// ```
#[track_caller]
pub fn scope<'env, F, R>(f: F) -> R
where
    F: for<'s> FnOnce(&'s Scope<'s, 'env>) -> R,
{
    let s = Scope {
        heap: Box::new(Heap::new()),
        running: Mutex::new(Vec::new()),
        scope: PhantomData,
        env: PhantomData,
    };
    s.heap.register();
    // Joins on every exit, unwinding included (see the header), then frees the heap: no
    // handle is left (the goroutines are done, and the brand kept every handle inside).
    struct JoinAll<'a, 's, 'env>(&'a Scope<'s, 'env>);
    impl Drop for JoinAll<'_, '_, '_> {
        fn drop(&mut self) {
            let _ = self.0.join_all();
            self.0.heap.destroy();
        }
    }
    let guard = JoinAll(&s);
    let r = f(&s);
    core::mem::forget(guard);
    let panicked = s.join_all();
    s.heap.destroy();
    if let Some(payload) = panicked {
        std::panic::resume_unwind(payload);
    }
    r
}

impl<'s, 'env> Scope<'s, 'env> {
    /// Starts `f` as a goroutine of this scope, as `go` does; unlike `go!`/`spawn`, `f` may
    /// borrow anything that outlives the scope. The scope waits for it before it returns.
    ///
    /// # Examples
    /// A scoped goroutine may start more, through the same scope:
    /// ```
    /// use goro::gc;
    /// use goro::prelude::*;
    ///
    /// goro::run(|| {
    ///     let results = chan![u32; 4];
    ///     gc::scope(|s| {
    ///         s.go(|| {
    ///             for i in 0..4 {
    ///                 let results = &results;
    ///                 s.go(move || results.send(i * i));
    ///             }
    ///         });
    ///     });
    ///     results.close();
    ///     let mut got: Vec<u32> = results.iter().collect();
    ///     got.sort();
    ///     assert_eq!(got, [0, 1, 4, 9]);
    /// });
    /// ```
    #[track_caller]
    pub fn go<F>(&'s self, f: F)
    where
        F: FnOnce() + Send + 's,
    {
        let body: Box<dyn FnOnce() + Send + 's> = Box::new(f);
        // SAFETY: only the lifetime changes. The goroutine's handle goes into `running`
        // before this returns, and `scope` joins every handle in `running` before it
        // returns or finishes unwinding (see the header), so whatever `body` borrows
        // (all of it outlives `'s`) is alive for as long as the goroutine runs.
        let body: Box<dyn FnOnce() + Send + 'static> = unsafe { core::mem::transmute(body) };
        let h = spawn(body);
        self.running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(h);
    }

    /// Moves `value` into the scope's heap and returns a handle to it. The object lives
    /// while any goroutine can reach it (from a handle outside the heap, through objects),
    /// and at the latest until the scope ends. Go: `new(T)` / `&T{...}` escaping to the heap.
    ///
    /// # Examples
    /// ```
    /// use goro::gc;
    /// use goro::prelude::*;
    ///
    /// goro::run(|| {
    ///     gc::scope(|s| {
    ///         let ch = chan![gc::Gc<'_, String>; 1];
    ///         let msg = s.alloc(String::from("shared, not copied"));
    ///         let rx = ch.clone(); // made inside the scope: moved in, not borrowed
    ///         s.go(move || {
    ///             let m = rx.recv().unwrap(); // the same object, another handle
    ///             assert_eq!(m.as_str(), "shared, not copied");
    ///         });
    ///         ch.send(msg.clone());
    ///     });
    /// });
    /// ```
    pub fn alloc<T: Trace + Send + 's>(&self, value: T) -> Gc<'s, T> {
        let p = self.heap.alloc(value);
        // SAFETY: fresh from this scope's heap, with one root for the new handle.
        unsafe { Gc::from_new(p) }
    }

    /// Joins every goroutine started here, including those started while it waits;
    /// returns the first panic among them (`goexit` is not one).
    fn join_all(&self) -> Option<Box<dyn std::any::Any + Send>> {
        let mut first = None;
        loop {
            let batch =
                core::mem::take(&mut *self.running.lock().unwrap_or_else(|e| e.into_inner()));
            if batch.is_empty() {
                return first;
            }
            for h in batch {
                if let Err(p) = h.join()
                    && first.is_none()
                    && !crate::panic::is_quiet(&*p)
                {
                    first = Some(p);
                }
            }
        }
    }
}

impl core::fmt::Debug for Scope<'_, '_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let n = self.running.lock().map_or(0, |v| v.len());
        f.debug_struct("Scope").field("unjoined", &n).finish()
    }
}
