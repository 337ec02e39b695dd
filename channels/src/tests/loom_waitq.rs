//! Model of the select claim in `WaitQ::dequeue` (goro-rt `sudog.rs`): the sudogs of one
//! select sit on two queues guarded by two different locks, and a waker on each queue
//! dequeues at once. Exactly one may claim the select (`SelectDone`); the other must drop
//! the claimed select's sudog and take the next waiter behind it, or report none. And once
//! a select has won, its own clean-up (`WaitQ::remove` of the losing sudog) may race a
//! waker on that queue: the waker must skip the sudog, whichever gets the lock first.

use goro_rt::lock::Lock;
use goro_rt::park::getg;
use goro_rt::sudog::{SelectDone, Sudog, WaitQ};
use loom::cell::UnsafeCell;
use loom::sync::Arc;
use loom::sync::atomic::Ordering;
use loom::thread;
use std::ptr;

/// A wait queue behind its owner's lock, as in an hchan. loom's `UnsafeCell` checks that the
/// lock orders every access.
struct Queue {
    lock: Lock,
    q: UnsafeCell<WaitQ>,
}

// SAFETY: `q` is only reached through the methods below, each under `lock`.
unsafe impl Sync for Queue {}

impl Queue {
    fn new() -> Queue {
        Queue {
            lock: Lock::new(),
            q: UnsafeCell::new(WaitQ::new()),
        }
    }

    /// # Safety
    /// As `WaitQ::enqueue`, minus the lock (taken here).
    unsafe fn enqueue(&self, sg: *mut Sudog) {
        self.lock.lock();
        // SAFETY: we hold the lock; `sg`'s liveness is the caller's promise.
        self.q.with_mut(|q| unsafe { (*q).enqueue(sg) });
        // SAFETY: taken above.
        unsafe { self.lock.unlock() };
    }

    /// # Safety
    /// As `WaitQ::remove`, minus the lock (taken here).
    unsafe fn remove(&self, sg: *mut Sudog) {
        self.lock.lock();
        // SAFETY: we hold the lock; `sg`'s liveness is the caller's promise.
        self.q.with_mut(|q| unsafe { (*q).remove(sg) });
        // SAFETY: taken above.
        unsafe { self.lock.unlock() };
    }

    fn is_empty(&self) -> bool {
        self.lock.lock();
        // SAFETY: we hold the lock.
        let empty = self.q.with(|q| unsafe { (*q).is_empty() });
        // SAFETY: taken above.
        unsafe { self.lock.unlock() };
        empty
    }

    fn dequeue(&self) -> Option<*mut Sudog> {
        self.lock.lock();
        // SAFETY: we hold the lock; queued sudogs live until the model's end (see `Sudogs`).
        let sg = self.q.with_mut(|q| unsafe { (*q).dequeue() });
        // SAFETY: taken above.
        unsafe { self.lock.unlock() };
        sg
    }
}

/// A select's two sudogs (case 0 and case 1, sharing `done`) and a plain waiter, owned by
/// the model's main thread and freed only after every other thread is joined.
struct Sudogs {
    sel: [*mut Sudog; 2],
    plain: *mut Sudog,
    done: Box<SelectDone>,
}

/// A sudog pointer handed to a waker thread (only to compare with what it dequeued).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Addr(usize);

impl Sudogs {
    fn new() -> Sudogs {
        // SAFETY: the token goes into these sudogs, for one park of this thread, claimed
        // once through `done`.
        let g = unsafe { getg() };
        let done = Box::new(SelectDone::new(false));
        let d: *const SelectDone = &*done;
        // SAFETY: the box is dropped with `Sudogs`, after the sudogs (see `drop`), and the
        // sudogs leave every queue before that (the models join every thread first).
        let sel = [0, 1].map(|case| unsafe { Sudog::for_select(g, ptr::null_mut(), case, d) });
        Sudogs {
            sel: sel.map(|sg| Box::into_raw(Box::new(sg))),
            plain: Box::into_raw(Box::new(Sudog::new(g, ptr::null_mut()))),
            done,
        }
    }

    fn fired(&self, sg: *mut Sudog) -> bool {
        // SAFETY: live until `drop`; read after every waker was joined.
        unsafe { (*sg).fired }
    }
}

impl Drop for Sudogs {
    fn drop(&mut self) {
        for sg in self.sel.into_iter().chain([self.plain]) {
            // SAFETY: made by Box::into_raw in `new`, freed once, here.
            drop(unsafe { Box::from_raw(sg) });
        }
        // `done` goes after this, with the fields.
    }
}

#[test]
fn loom_waitq_two_wakers_claim_one_select_exactly_once() {
    loom::model(|| {
        let s = Sudogs::new();
        let qs = Arc::new([Queue::new(), Queue::new()]);
        // SAFETY: the sudogs live in `s`, which outlives every use of the queues (the wakers
        // are joined before it drops); none is on a queue yet.
        unsafe { qs[0].enqueue(s.sel[0]) };
        // SAFETY: as above.
        unsafe { qs[1].enqueue(s.sel[1]) };
        // SAFETY: as above. A plain waiter behind the select on queue 1.
        unsafe { qs[1].enqueue(s.plain) };
        let wakers = [0, 1].map(|i| {
            let qs = qs.clone();
            thread::spawn(move || qs[i].dequeue().map(|sg| Addr(sg as usize)))
        });
        let [got0, got1] = wakers.map(|w| w.join().unwrap());
        let a = |sg: *mut Sudog| Some(Addr(sg as usize));
        let won0 = got0 == a(s.sel[0]);
        let won1 = got1 == a(s.sel[1]);
        assert!(
            won0 != won1,
            "claims: case 0 {won0}, case 1 {won1}; exactly one may win"
        );
        assert!(won0 || got0.is_none(), "waker 0 took {got0:?}");
        assert!(
            won1 || got1 == a(s.plain),
            "waker 1 skipped the plain waiter: {got1:?}"
        );
        assert_eq!((s.fired(s.sel[0]), s.fired(s.sel[1])), (won0, won1));
        assert_eq!(s.fired(s.plain), won0);
        assert!(s.done.load(Ordering::Acquire));
    });
}

#[test]
fn loom_waitq_select_cleanup_racing_a_waker_skips_the_claimed_sudog() {
    // Case 0 has fired (its waker claimed `done` and readied the G); the G now takes case 1's
    // sudog off queue 1 while a waker dequeues there. Both touch queue 1 under its lock, so
    // loom's `UnsafeCell` also checks that the lock orders them.
    loom::model(|| {
        let s = Sudogs::new();
        let q = Arc::new(Queue::new());
        // SAFETY: as in the model above: `s` outlives the waker; neither sudog is queued.
        unsafe { q.enqueue(s.sel[1]) };
        // SAFETY: as above.
        unsafe { q.enqueue(s.plain) };
        s.done.store(true, Ordering::Release); // case 0 won
        let waker = thread::spawn({
            let q = q.clone();
            move || q.dequeue().map(|sg| Addr(sg as usize))
        });
        // SAFETY: `s.sel[1]` is live; this is select's step 4 for the case that lost.
        unsafe { q.remove(s.sel[1]) };
        let got = waker.join().unwrap();
        assert_eq!(
            got,
            Some(Addr(s.plain as usize)),
            "the waker took a claimed select"
        );
        assert!(!s.fired(s.sel[1]));
        assert!(s.fired(s.plain));
        assert!(q.is_empty());
    });
}
