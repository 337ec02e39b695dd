//! Models of the join packet (`join.rs`): one atomic state word between the goroutine
//! (`Completer::finish`), a joiner (`JoinHandle::join`, parking the loom thread through its
//! thread G) and a dropped handle. The value reaches the joiner exactly once whichever
//! comes first, a parked joiner is never left asleep, and an outcome nobody will take is
//! dropped exactly once, and so is the packet, by whichever end is last.

use crate::join::{LIVE_PACKETS, packet};
use crate::loom::atomic::{AtomicUsize, Ordering};
use crate::loom::{Arc, thread};

#[test]
fn loom_join_racing_finish_gets_the_value_once() {
    loom::model(|| {
        let (done, h) = packet::<u32>();
        let t = thread::spawn(move || done.finish(Ok(7), false));
        // Parks unless the outcome came first; either way it returns with it.
        assert_eq!(h.join().ok(), Some(7));
        t.join().unwrap();
        assert_freed();
    });
}

/// Every packet made so far was freed exactly once.
fn assert_freed() {
    assert_eq!(
        LIVE_PACKETS.with(|n| n.replace(0)),
        0,
        "packets made minus freed"
    );
}

struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn loom_detach_racing_finish_drops_the_outcome_once() {
    loom::model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let (done, h) = packet::<Counted>();
        let value = Counted(drops.clone());
        let t = thread::spawn(move || done.finish(Ok(value), false));
        drop(h);
        t.join().unwrap();
        assert_eq!(drops.load(Ordering::SeqCst), 1, "the outcome dropped once");
        assert_freed();
    });
}

/// A goroutine dropped unrun (the runtime's end) delivers `Killed` to a joiner, whichever
/// comes first, instead of leaving it asleep.
#[test]
fn loom_join_racing_an_unrun_drop_gets_killed() {
    loom::model(|| {
        let (done, h) = packet::<u32>();
        let t = thread::spawn(move || drop(done));
        let err = h.join().expect_err("no value without a run");
        assert!(err.is::<crate::panic::Killed>());
        t.join().unwrap();
        assert_freed();
    });
}

/// A detached handle and an unrun drop: the packet is freed once, by whichever is last.
#[test]
fn loom_detach_racing_an_unrun_drop_frees_once() {
    loom::model(|| {
        let (done, h) = packet::<u32>();
        let t = thread::spawn(move || drop(done));
        drop(h);
        t.join().unwrap();
        assert_freed();
    });
}
