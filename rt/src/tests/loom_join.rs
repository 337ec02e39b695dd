//! Models of the join packet (`join.rs`): one atomic state word between the goroutine
//! (`Packet::finish`), a joiner (`JoinHandle::join`, parking the loom thread through its
//! thread G) and a dropped handle. The value reaches the joiner exactly once whichever
//! comes first, a parked joiner is never left asleep, and an outcome nobody will take is
//! dropped exactly once.

use crate::join::{JoinHandle, Packet};
use crate::loom::atomic::{AtomicUsize, Ordering};
use crate::loom::{Arc, thread};

#[test]
fn loom_join_racing_finish_gets_the_value_once() {
    loom::model(|| {
        let packet = Packet::<u32>::new();
        let h = JoinHandle::new(packet.clone(), 2);
        let t = thread::spawn(move || packet.finish(Ok(7), false));
        // Parks unless the outcome came first; either way it returns with it.
        assert_eq!(h.join().ok(), Some(7));
        t.join().unwrap();
    });
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
        let packet = Packet::<Counted>::new();
        let h = JoinHandle::new(packet.clone(), 2);
        let value = Counted(drops.clone());
        let t = thread::spawn(move || packet.finish(Ok(value), false));
        drop(h);
        t.join().unwrap();
        assert_eq!(drops.load(Ordering::SeqCst), 1, "the outcome dropped once");
    });
}
