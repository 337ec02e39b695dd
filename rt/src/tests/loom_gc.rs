//! Model of the concurrent collector (issue: "two mutators and the collector doing
//! clone/drop/cell swaps across phase changes never free a reachable object").
//!
//! Real code throughout: `Heap::alloc`, `Gc` clone/drop, `GcCell` borrows (root
//! operations with the barrier and the per-thread slots of `barrier.rs`), and a whole
//! `collect::cycle` (mark start handshake, root scan, tracing that reads cells, the
//! termination handshake, sweep) on a third thread. Under loom a sweep condemns objects
//! but keeps their headers (poisoned with `DYING`), so any later use of a freed object
//! fails its `check_alive` instead of reading freed memory.

use crate::loom::atomic::Ordering;
use crate::loom::{Arc, thread};
use crate::mgc::collect::cycle;
use crate::mgc::heap::Heap;
use crate::mgc::mark::{self, Unit};
use crate::mgc::{Gc, GcCell, Trace, Tracer};

struct Item(u64);
// SAFETY: holds no handle.
unsafe impl Trace for Item {
    fn trace(&self, _: &mut Tracer) {}
}

struct Holder {
    cell: GcCell<'static, Option<Gc<'static, Item>>>,
}
// SAFETY: its one cell, traced once.
unsafe impl Trace for Holder {
    fn trace(&self, t: &mut Tracer) {
        self.cell.trace(t);
    }
}

fn alloc<T: Trace>(heap: &Heap, v: T) -> Gc<'static, T> {
    // SAFETY: fresh from `heap`, one root for the new handle; the heap outlives every
    // handle (the model drops them all before the heap).
    unsafe { Gc::from_new(heap.alloc(v)) }
}

fn holder(heap: &Heap, value: u64) -> Gc<'static, Holder> {
    let item = alloc(heap, Item(value));
    alloc(
        heap,
        Holder {
            cell: GcCell::new(Some(item)),
        },
    )
}

/// Runs a model with one preemption: two allow so many interleavings of three threads
/// (every root operation is a handful of atomics) that a model runs for well over ten
/// minutes; one takes seconds.
fn one_preemption(f: impl Fn() + Sync + Send + 'static) {
    let mut model = loom::model::Builder::new();
    model.preemption_bound = Some(1);
    model.check(f);
}

#[test]
fn loom_the_collector_never_frees_what_mutators_can_reach() {
    // Fails (checked) without the barrier's shading, without the termination handshake,
    // or with a relaxed store beginning an op.
    one_preemption(|| {
        let heap = Arc::new(Heap::new());
        let h = holder(&heap, 1);
        let g = holder(&heap, 2);
        // Mutator A: moves item 1 out of its holder onto its stack, drops the holder (now
        // garbage), and keeps the item: a root that appeared while the collector may have
        // scanned roots already.
        let a = thread::spawn(move || {
            let x = h.cell.borrow_mut().take().expect("item 1");
            drop(h);
            assert_eq!(x.0, 1);
            x
        });
        // Mutator B: takes item 2 out and puts a clone back, dropping the stack handle:
        // the item ends up reachable only through its holder again.
        let b = thread::spawn(move || {
            let y = g.cell.borrow_mut().take().expect("item 2");
            *g.cell.borrow_mut() = Some(y.clone());
            drop(y);
            g
        });
        let heap2 = heap.clone();
        let c = thread::spawn(move || cycle(&heap2, false));
        let x = a.join().unwrap();
        let g = b.join().unwrap();
        c.join().unwrap();
        // One more cycle after all that: still nothing reachable freed.
        cycle(&heap, false);
        assert_eq!(x.0, 1, "item 1 survived");
        let y = g.cell.borrow().as_ref().expect("item 2 is back").clone();
        assert_eq!(y.0, 2, "item 2 survived");
        drop((x, y, g));
        heap.destroy();
    });
}

/// An allocating thread's assist, as `mark::assist` does it past twice the goal, without
/// the wait: every unit it can take, then an attempt to end the marking.
fn assist(heap: &Heap) {
    let p = heap.phase.load(Ordering::SeqCst);
    if p & 1 == 0 {
        return;
    }
    mark::take(heap, p);
    while let Unit::Done(_) = mark::unit(heap, usize::MAX, true) {}
    mark::try_finish(heap, p);
}

#[test]
fn loom_an_assisting_mutator_and_the_collector_share_marking_safely() {
    // As above, one preemption. Fails (checked) when `try_finish` ignores `holders`: the
    // assist claims the root chunk of holder 1, is preempted before tracing it, and the
    // collector ends the marking and frees item 1, reachable only through that holder.
    one_preemption(|| {
        let heap = Arc::new(Heap::new());
        let h = holder(&heap, 1);
        let g = holder(&heap, 2);
        // The mutator: moves item 2 out of its holder (a root operation the barrier sees),
        // helps mark whatever cycle runs, and puts the item back.
        let heap1 = heap.clone();
        let a = thread::spawn(move || {
            let y = g.cell.borrow_mut().take().expect("item 2");
            // Until the cycle has taken its objects (so the assist has roots to scan; one
            // preemption would not reach that far otherwise), or has ended.
            while heap1.work.lock().unwrap().is_none()
                && heap1.cycles.load(std::sync::atomic::Ordering::Relaxed) == 0
            {
                thread::yield_now();
            }
            assist(&heap1);
            *g.cell.borrow_mut() = Some(y);
            assist(&heap1);
            g
        });
        let heap2 = heap.clone();
        let c = thread::spawn(move || cycle(&heap2, false));
        let g = a.join().unwrap();
        c.join().unwrap();
        assert_eq!(
            h.cell.borrow().as_ref().expect("1").0,
            1,
            "item 1 after cycle 1"
        );
        assert_eq!(
            g.cell.borrow().as_ref().expect("2").0,
            2,
            "item 2 after cycle 1"
        );
        cycle(&heap, false);
        let x = h.cell.borrow().as_ref().expect("item 1 is there").clone();
        assert_eq!(x.0, 1, "item 1 survived");
        let y = g.cell.borrow().as_ref().expect("item 2 is back").clone();
        assert_eq!(y.0, 2, "item 2 survived");
        drop((x, y, g, h));
        heap.destroy();
    });
}

#[test]
fn loom_a_handle_moved_back_into_its_cell_as_a_cycle_starts_survives() {
    // The borrow that moves it back must end inside its root operation: released after,
    // a cycle starting in between saw an idle phase in the op (nothing shaded) and then the
    // cell still borrowed (skipped), and freed the item (checked: fails that way).
    one_preemption(|| {
        let heap = Arc::new(Heap::new());
        let g = holder(&heap, 2);
        let a = thread::spawn(move || {
            let y = g.cell.borrow_mut().take().expect("item 2");
            *g.cell.borrow_mut() = Some(y);
            g
        });
        let heap2 = heap.clone();
        let c = thread::spawn(move || cycle(&heap2, false));
        let g = a.join().unwrap();
        c.join().unwrap();
        let y = g.cell.borrow().as_ref().expect("item 2 is back").clone();
        assert_eq!(y.0, 2, "item 2 survived");
        drop((y, g));
        heap.destroy();
    });
}

#[test]
fn loom_an_object_allocated_as_marking_starts_keeps_its_children() {
    // `alloc` reads the phase for the new object's colour and, in the same root operation,
    // moves its children's roots off (shading them if it sees marking). The collector may
    // start marking between the two reads: an object made black from the second read while
    // its children were not shaded by the first was never traced, and the child, no longer
    // a root, was freed under it (checked: binary_trees lost nodes that way). Two preemptions:
    // the collector's phase store must fall between the two reads.
    let mut model = loom::model::Builder::new();
    model.preemption_bound = Some(2);
    model.check(|| {
        let heap = Arc::new(Heap::new());
        let item = alloc(&heap, Item(7));
        let heap1 = heap.clone();
        let a = thread::spawn(move || {
            alloc(
                &heap1,
                Holder {
                    cell: GcCell::new(Some(item)),
                },
            )
        });
        let heap2 = heap.clone();
        let c = thread::spawn(move || cycle(&heap2, false));
        let z = a.join().unwrap();
        c.join().unwrap();
        let x = z.cell.borrow().as_ref().expect("the child").clone();
        assert_eq!(x.0, 7, "the child survived");
        cycle(&heap, false);
        assert_eq!(x.0, 7, "the child survived a second cycle");
        drop((x, z));
        heap.destroy();
    });
}

#[test]
fn loom_a_cycle_an_assist_started_and_finished_is_swept_not_replaced() {
    // An allocation at twice the goal starts a cycle (`start_by_assist`) and marks it to the
    // end itself while the collector enters `cycle` for the same heap. `cycle` read the
    // unswept work first and the phase second: with the assist's take and finish in
    // between, it saw no work and an idle phase, started a new cycle and replaced the
    // unswept work, so its objects left every list (never swept, never scanned) and the new
    // object only they reached was freed by the next cycle (checked: fails so with the
    // reads the other way round; `cycle` yields between them in models, as the OS may
    // deschedule the collector there).
    use std::sync::atomic::{AtomicUsize as Count, Ordering as O};
    static DROPS: Count = Count::new(0);
    struct Counted(u64);
    impl Drop for Counted {
        fn drop(&mut self) {
            DROPS.fetch_add(1, O::SeqCst);
        }
    }
    // SAFETY: holds no handle.
    unsafe impl Trace for Counted {
        fn trace(&self, _: &mut Tracer) {}
    }
    struct Slot {
        cell: GcCell<'static, Option<Gc<'static, Counted>>>,
    }
    // SAFETY: its one cell, traced once.
    unsafe impl Trace for Slot {
        fn trace(&self, t: &mut Tracer) {
            self.cell.trace(t);
        }
    }
    one_preemption(|| {
        DROPS.store(0, O::SeqCst);
        let heap = Arc::new(Heap::new());
        let old = alloc(
            &heap,
            Slot {
                cell: GcCell::new(None),
            },
        );
        let p = crate::mgc::collect::start_by_assist(&heap).expect("no cycle runs");
        let heap2 = heap.clone();
        let c = thread::spawn(move || cycle(&heap2, false));
        let heap1 = heap.clone();
        let a = thread::spawn(move || {
            mark::take(&heap1, p);
            // A new object (black), stored in the old root.
            let z = alloc(&heap1, Counted(7));
            *old.cell.borrow_mut() = Some(z);
            while let Unit::Done(_) = mark::unit(&heap1, usize::MAX, true) {}
            mark::try_finish(&heap1, p);
            old
        });
        let old = a.join().unwrap();
        c.join().unwrap();
        cycle(&heap, false);
        let z = old.cell.borrow().as_ref().expect("the new object").clone();
        assert_eq!(z.0, 7, "the new object survived");
        drop((z, old));
        heap.destroy();
        assert_eq!(DROPS.load(O::SeqCst), 1, "every object freed exactly once");
    });
}

#[test]
fn loom_a_late_shade_of_an_ended_marking_does_not_unmark_an_object_of_the_next() {
    // A handle dropped as marking ends: its op began after `try_finish`'s last handshake
    // and read the phase as marking just before the store that ended it, then waited
    // before shading. Meanwhile the cycle was swept, the next one began, and the object
    // moved into a new (black) object, which shaded it for the new epoch. The late shade
    // then put the old epoch back: nothing marked the object again, and the next sweep
    // freed it under its holder (found by a helper with a delay there, and ASan). Three
    // preemptions: the collector's, after its handshake, and the dropper's, after its read
    // (and one that the collector's yield in `cycle` costs). Fails without the handshake
    // before the sweep (`collect::cycle`).
    let mut model = loom::model::Builder::new();
    model.preemption_bound = Some(3);
    model.check(|| {
        let heap = Arc::new(Heap::new());
        let x = alloc(&heap, Item(7));
        let x1 = x.clone();
        crate::mgc::collect::start_by_assist(&heap).expect("no cycle runs");
        let heap2 = heap.clone();
        let c = thread::spawn(move || cycle(&heap2, false)); // ends that marking, sweeps
        let t = thread::spawn(move || drop(x1));
        c.join().unwrap();
        // The next cycle; the object moves into a new one, which shades it for this epoch.
        crate::mgc::collect::start_by_assist(&heap).expect("the last cycle was swept");
        let holder = alloc(
            &heap,
            Holder {
                cell: GcCell::new(Some(x)),
            },
        );
        t.join().unwrap();
        cycle(&heap, false);
        let x = holder.cell.borrow().as_ref().expect("the child").clone();
        assert_eq!(x.0, 7, "the child survived");
        drop((x, holder));
        heap.destroy();
    });
}

#[test]
fn loom_an_object_made_while_a_cycle_sweeps_survives_the_sweep() {
    // A cycle walks the blocks of the chunks it took, and one filled after its take is
    // reached by it: the allocation marks it with the epoch of the phase it read, even once
    // marking is over. Made with an older mark while the sweep walked that chunk, it was
    // condemned under its new handle (checked: fails so). Both objects come from one
    // thread's blocks, so the second lies in the chunk the first made. Two preemptions:
    // the mutator's after its first object, the collector's after its marking.
    let mut model = loom::model::Builder::new();
    model.preemption_bound = Some(2);
    model.check(|| {
        let heap = Arc::new(Heap::new());
        let heap1 = heap.clone();
        let a = thread::spawn(move || (alloc(&heap1, Item(1)), alloc(&heap1, Item(9))));
        let heap2 = heap.clone();
        let c = thread::spawn(move || cycle(&heap2, false));
        let (first, x) = a.join().unwrap();
        c.join().unwrap();
        assert_eq!((first.0, x.0), (1, 9), "both survived");
        cycle(&heap, false);
        assert_eq!((first.0, x.0), (1, 9), "both survived a second cycle");
        drop((first, x));
        heap.destroy();
    });
}
