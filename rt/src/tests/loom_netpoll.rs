//! Model of an idle M sleeping in the network poller (`Note::sleep_in` and
//! `Note::wakeup_shared_then`, which `netpoll::sleep_polling` and every wake-up of an M's
//! note use): the M blocks in `epoll_wait` instead of on its note while another thread
//! wakes the note (a hand-off, a new timer, the runtime's end). The M must never stay
//! blocked: either it sees the wake-up before it polls, or the waker sees it polling and
//! breaks the poll (the eventfd write of the instance the M published).
//!
//! Real code: the `Note` handshake. The eventfd is a second `Note` (write: wake it;
//! `epoll_wait`: sleep on it), so a missed break is a loom deadlock.

use crate::loom::{Arc, thread};
use crate::note::Note;

/// The token naming the sleeper's poll instance (the address of an M's `PollInst`).
const INST: usize = 0x1000;

#[test]
fn loom_a_wakeup_either_prevents_the_poll_or_breaks_it() {
    // Then a second sleep: the break of the first wake-up may land after the M left the
    // poll; the eventfd then holds it, and the next poll returns at once (a spurious
    // wake-up, never a lost one).
    loom::model(|| {
        let park = Arc::new(Note::new());
        let evfd = Arc::new(Note::new());
        let (p2, e2) = (park.clone(), evfd.clone());
        let waker = thread::spawn(move || {
            p2.wakeup_shared_then(|token| {
                assert_eq!(token, INST);
                e2.wakeup_shared();
            })
        });
        park.sleep_in(INST, || evfd.sleep());
        waker.join().unwrap();
        park.clear();
        park.wakeup_shared_then(|token| {
            assert_eq!(token, INST);
            evfd.wakeup_shared();
        });
        park.sleep_in(INST, || evfd.sleep());
    });
}
