//! `JoinHandle::join`'s wake-up when the joiner's park has already ended another way: the
//! runtime's end killed the joiner, and the joined goroutine's completion comes after.
//!
//! `deliver` (join.rs) reads the joiner's token and sets `DONE`, then calls `goready`. If
//! the joiner's park was ended by the runtime's end before that (it is readied by
//! `kill_parked`, its wake generation moving on), the token is stale: `goready` must ignore
//! it, as it ignores a channel waker's late token (`lifecycle.rs`,
//! `a_late_wake_up_from_before_a_runtime_ended_wakes_nothing`). Without the generation
//! the G, runnable, would make `goready` throw `goready: G is not waiting` (or, parked
//! again, be woken by somebody else's wake-up).
mod support;

use goro::Chan;
use goro_rt::runtime::{gomaxprocs, stack};
use goro_rt::{JoinHandle, run, spawn};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use support::{is_child, run_child, wait_until};

/// Sets its flag when dropped (its goroutine unwinds).
struct SetOnDrop(Arc<AtomicBool>);
impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// Dropped as the joiner unwinds, after its `join` frame: counts the rounds in which the
/// joined goroutine had unwound (and completed the packet, with the joiner's token) first.
struct LateCompletion {
    joined_unwound: Arc<AtomicBool>,
    late: Arc<AtomicUsize>,
}
impl Drop for LateCompletion {
    fn drop(&mut self) {
        if self.joined_unwound.load(Ordering::SeqCst) {
            self.late.fetch_add(1, Ordering::SeqCst);
        }
    }
}

#[test]
fn a_join_completed_after_its_joiner_was_killed_wakes_nothing() {
    // Each round: one P; a joiner parks in `join` on a goroutine parked in a receive that
    // never completes; goroutine 1 returns, so the runtime ends and readies both, killed.
    // On the one thread they unwind one after the other, in an order the scheduler picks
    // (the two pairs per round are made in both orders; the pairs whose joined goroutine
    // unwound first are counted, and must be some: 398 of 400 when this was written). When
    // the joined goroutine unwinds first, its completion (a `Killed` outcome) finds the
    // packet `WAITING` and calls `goready` with the token of a park that is over: the
    // joiner is runnable, its generation moved on. That must be ignored, and the joiner
    // must then unwind normally (its handle sees `DONE` and frees the packet). Many rounds,
    // each a new runtime reusing the last one's Gs, and a last one whose joins must park
    // and wake as usual: none is disturbed.
    //
    // Checked by changing `deliver` (join.rs) for a moment to call `goready(gp.token())`
    // (the joiner's current generation instead of its park's): the child then dies with
    // `fatal error: goready: G is not waiting` at the first late completion.
    // (In a child process: the G free list is the process's.)
    const ROUNDS: usize = 200;
    if !is_child() {
        let (code, stderr) =
            run_child("a_join_completed_after_its_joiner_was_killed_wakes_nothing");
        assert_eq!(code, 0, "{stderr}");
        assert!(!stderr.contains("fatal error"), "{stderr}");
        return;
    }
    let late = Arc::new(AtomicUsize::new(0));
    let killed = Arc::new(AtomicUsize::new(0));
    for _ in 0..ROUNDS {
        let (late, killed) = (late.clone(), killed.clone());
        run(move || {
            gomaxprocs(1);
            let never = Chan::<()>::new(0);
            let mut joiners = Vec::new();
            for joiner_first in [true, false] {
                let joined_unwound = Arc::new(AtomicBool::new(false));
                // The joined goroutine: parked until killed.
                let joined = |unwound: Arc<AtomicBool>, never: Chan<()>| {
                    move || {
                        let _unwound = SetOnDrop(unwound);
                        never.recv();
                        unreachable!("nobody sends");
                    }
                };
                // The joiner: parks in `join` until killed; `join` never returns.
                let joiner = |handle: Chan<JoinHandle<()>>, guard: LateCompletion| {
                    let killed = killed.clone();
                    move || {
                        let _late = guard;
                        let _killed = SetOnDropCount(killed);
                        let h = handle.recv().expect("the handle is sent");
                        let r = h.join();
                        unreachable!("join returned {r:?} in an ending runtime");
                    }
                };
                let handle = Chan::<JoinHandle<()>>::new(1);
                let guard = LateCompletion {
                    joined_unwound: joined_unwound.clone(),
                    late: late.clone(),
                };
                if joiner_first {
                    joiners.push(spawn(joiner(handle.clone(), guard)));
                    handle.send(spawn(joined(joined_unwound, never.clone())));
                } else {
                    let h = spawn(joined(joined_unwound, never.clone()));
                    joiners.push(spawn(joiner(handle.clone(), guard)));
                    handle.send(h);
                }
            }
            wait_until("2 joiners and 2 receivers parked", || {
                let dump = stack(true);
                dump.matches("[join]:").count() == 2 && dump.matches("[chan receive]:").count() == 2
            });
            // Returning ends the runtime with all four parked. (The joiners' handles go
            // with it: they are detached.)
            drop(joiners);
        });
    }
    assert_eq!(
        killed.load(Ordering::SeqCst),
        2 * ROUNDS,
        "every joiner unwound once"
    );
    // The case under test happened: a completion after its joiner was killed.
    let late = late.load(Ordering::SeqCst);
    assert!(
        late > 0,
        "in no round did the joined goroutine unwind first"
    );
    // A later runtime on the recycled Gs: joins park and wake as they should.
    let sum = run(|| {
        gomaxprocs(1);
        let gate = Chan::<u64>::new(0);
        let hs: Vec<_> = (0..8u64)
            .map(|i| {
                let gate = gate.clone();
                spawn(move || gate.recv().unwrap() + i)
            })
            .collect();
        let joiners: Vec<_> = hs
            .into_iter()
            .map(|h| spawn(move || h.join().unwrap()))
            .collect();
        wait_until("8 joiners parked", || {
            stack(true).matches("[join]:").count() == 8
        });
        for _ in 0..8 {
            gate.send(100);
        }
        joiners.into_iter().map(|j| j.join().unwrap()).sum::<u64>()
    });
    assert_eq!(sum, 8 * 100 + 28);
    eprintln!("late completions in {late} of {} pairs", 2 * ROUNDS);
}

/// Counts its drop (its goroutine unwound).
struct SetOnDropCount(Arc<AtomicUsize>);
impl Drop for SetOnDropCount {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}
