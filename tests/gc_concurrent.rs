//! The concurrent collector: goroutines mutate the graph while cycles mark it, destructors
//! of dead objects cannot reach freed ones, goroutines waiting for the collector show
//! Go's wait reasons, and MemStats records each cycle's pause.
mod support;

use goro::gc::{self, Gc, GcCell, Trace};
use goro::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use support::{is_child, parked, run_child, wait_until};

#[derive(Trace)]
struct Slot<'s> {
    id: usize,
    item: GcCell<'s, Option<Gc<'s, Item>>>,
}

#[derive(Trace)]
struct Item {
    value: usize,
    #[trace(skip)]
    _count: Count,
}

struct Count(Arc<AtomicUsize>);
impl Drop for Count {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// Goroutines move items between cells (out of one, held on the stack across whole
/// cycles, into another) while another goroutine runs cycles back to back over a large
/// live heap (so marking takes a while and the moves land inside it): the barrier must
/// keep every item alive, whichever cell or stack it is in when a cycle starts or ends.
#[test]
fn items_moved_between_cells_during_marking_survive_every_cycle() {
    const SLOTS: usize = 64;
    const MOVES: usize = 40;
    let drops = Arc::new(AtomicUsize::new(0));
    let stop = AtomicBool::new(false);
    goro::run(|| {
        gc::scope(|s| {
            let slots: Vec<Gc<'_, Slot<'_>>> = (0..SLOTS)
                .map(|id| {
                    let item = s.alloc(Item {
                        value: id,
                        _count: Count(drops.clone()),
                    });
                    s.alloc(Slot {
                        id,
                        item: GcCell::new(Some(item)),
                    })
                })
                .collect();
            // Ballast made after the slots: marked first, so the slots are traced late.
            let ballast: Vec<Gc<'_, u64>> = (0..100_000).map(|i| s.alloc(i)).collect();
            let stop = &stop;
            s.go(move || {
                while !stop.load(Ordering::SeqCst) {
                    goro::runtime::gc();
                }
            });
            let movers: Vec<_> = (0..2usize)
                .map(|w| {
                    let done = chan![(); 1];
                    let d = done.clone();
                    let slots = slots.clone(); // handles, moved in
                    s.go(move || {
                        // Says so also when a check below panics (the scope then
                        // re-raises the panic once the rest is done).
                        defer!(d.send(()));
                        let mut x = 0x2545_f491_4f6c_dd1d_u64 ^ w as u64;
                        let mut next = || {
                            x ^= x << 13;
                            x ^= x >> 7;
                            x ^= x << 17;
                            x as usize % SLOTS
                        };
                        let mut moved = 0;
                        while moved < MOVES {
                            let from = &slots[next()];
                            // Only this goroutine's half of the slots: borrows never clash.
                            if from.id % 2 != w {
                                continue;
                            }
                            let Some(held) = from.item.borrow_mut().take() else {
                                continue;
                            };
                            // A root only on this stack now, for at least one whole cycle.
                            let n = goro::runtime::read_mem_stats().num_gc;
                            while goro::runtime::read_mem_stats().num_gc < n + 2 {
                                goro::runtime::gosched();
                            }
                            assert!(held.value < SLOTS, "an item was freed while held");
                            let to = (0..SLOTS)
                                .map(|_| &slots[next()])
                                .find(|t| t.id % 2 == w && t.item.borrow().is_none())
                                .unwrap_or(from);
                            *to.item.borrow_mut() = Some(held);
                            moved += 1;
                            // Land the next take anywhere in a cycle, not just after one
                            // ended (the wait above ends there).
                            for _ in 0..next() * 16 {
                                goro::runtime::gosched();
                            }
                        }
                        d.send(());
                    });
                    done
                })
                .collect();
            for d in movers {
                d.recv();
            }
            stop.store(true, Ordering::SeqCst);
            goro::runtime::gc();
            assert_eq!(drops.load(Ordering::SeqCst), 0, "every item is reachable");
            let mut values: Vec<usize> = slots
                .iter()
                .filter_map(|sl| sl.item.borrow().as_ref().map(|i| i.value))
                .collect();
            values.sort();
            assert_eq!(values, (0..SLOTS).collect::<Vec<_>>());
            assert_eq!(*ballast[99_999], 99_999);
        });
    });
    assert_eq!(drops.load(Ordering::SeqCst), SLOTS);
}

/// A traced type whose destructor (allowed by `unsafe_drop`, against its contract) uses
/// a handle to another dead object.
#[derive(Trace)]
#[trace(unsafe_drop)]
struct Reacher<'s> {
    other: Gc<'s, Item>,
    clone_it: bool,
}

impl Drop for Reacher<'_> {
    fn drop(&mut self) {
        if self.clone_it {
            let resurrected = self.other.clone();
            std::mem::forget(resurrected);
        } else {
            let _ = self.other.value;
        }
    }
}

fn scope_end_panic(clone_it: bool) -> String {
    let drops = Arc::new(AtomicUsize::new(0));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        gc::scope(|s| {
            let item = s.alloc(Item {
                value: 7,
                _count: Count(drops.clone()),
            });
            let _r = s.alloc(Reacher {
                other: item,
                clone_it,
            });
        });
    }));
    let p = r.expect_err("the destructor's use of a dying handle must panic");
    assert_eq!(
        drops.load(Ordering::SeqCst),
        1,
        "every object is still freed"
    );
    goro::panic::payload_str(&*p).to_owned()
}

/// Runs `test` in a child process of its own, and checks it passed there. Once the
/// scope's closure returns, its objects are garbage until the scope ends; in this process
/// a cycle that another test starts meanwhile (`runtime::gc()` collects every open heap)
/// may sweep them first, and the destructor's panic then happens on the collector's
/// thread, where it is fatal (the test below): that ended this whole test binary once.
fn in_own_process(test: &str) -> bool {
    if is_child() {
        return false;
    }
    let (code, err) = run_child(test);
    assert_eq!(code, 0, "{err}");
    true
}

#[test]
fn a_destructor_dereferencing_a_dying_handle_panics_instead_of_reading_freed_memory() {
    if in_own_process(
        "a_destructor_dereferencing_a_dying_handle_panics_instead_of_reading_freed_memory",
    ) {
        return;
    }
    let msg = scope_end_panic(false);
    assert!(msg.contains("object being freed"), "{msg}");
}

#[test]
fn a_destructor_cloning_a_dying_handle_cannot_resurrect_it() {
    if in_own_process("a_destructor_cloning_a_dying_handle_cannot_resurrect_it") {
        return;
    }
    let msg = scope_end_panic(true);
    assert!(msg.contains("object being freed"), "{msg}");
}

#[test]
fn a_destructor_panicking_on_the_collectors_thread_is_fatal() {
    if is_child() {
        gc::scope(|s| {
            let item = s.alloc(Item {
                value: 7,
                _count: Count(Arc::new(AtomicUsize::new(0))),
            });
            drop(s.alloc(Reacher {
                other: item,
                clone_it: false,
            }));
            goro::runtime::gc(); // the collector sweeps both: the process ends here
        });
        unreachable!("the collector's sweep ends the process");
    }
    let (code, err) = run_child("a_destructor_panicking_on_the_collectors_thread_is_fatal");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("fatal error: a destructor run by the garbage collector panicked")
            && err.contains("object being freed"),
        "{err}"
    );
}

#[test]
fn goroutines_in_runtime_gc_wait_for_gc_cycle() {
    // In a process of its own: `runtime::gc()` in a loop runs cycles over every heap of the
    // process, and would collect the other tests' garbage before their scopes end (their
    // destructors are meant to run, and panic, on the scope's own thread).
    if !is_child() {
        let (code, err) = run_child("goroutines_in_runtime_gc_wait_for_gc_cycle");
        assert_eq!(code, 0, "{err}");
        return;
    }
    let stop = AtomicBool::new(false);
    goro::run(|| {
        gc::scope(|s| {
            // A large live graph, so that a cycle takes a while to mark.
            let mut keep: Vec<Gc<'_, GcCell<'_, Vec<Gc<'_, u64>>>>> = Vec::new();
            for i in 0..200u64 {
                keep.push(s.alloc(GcCell::new((0..2_000).map(|j| s.alloc(i * j)).collect())));
            }
            let stop = &stop;
            s.go(move || {
                while !stop.load(Ordering::SeqCst) {
                    goro::runtime::gc();
                }
            });
            wait_until("a goroutine parked in runtime::gc", || {
                parked("wait for GC cycle") == 1
            });
            stop.store(true, Ordering::SeqCst);
            assert_eq!(keep[3].borrow()[5].clone().into_inner_value(), 15);
        });
    });
}

/// `Gc<u64>` read back (test helper).
trait Value {
    fn into_inner_value(self) -> u64;
}
impl Value for Gc<'_, u64> {
    fn into_inner_value(self) -> u64 {
        *self
    }
}

#[test]
fn a_cycle_without_waiting_goroutines_records_a_zero_pause() {
    gc::scope(|s| {
        let _a = s.alloc(1u8);
        let before = goro::runtime::read_mem_stats();
        goro::runtime::gc();
        goro::runtime::gc();
        let after = goro::runtime::read_mem_stats();
        assert!(after.num_gc >= before.num_gc + 2);
        // Marking is concurrent: nobody was stopped (Go would record its STW phases).
        let latest = after.pause_ns[((after.num_gc + 255) % 256) as usize];
        assert_eq!(latest, 0);
        assert!(after.gc_cpu_fraction > 0.0 && after.gc_cpu_fraction < 1.0);
    });
}

/// Holds the collector inside its marking, in the middle of a unit of mark work, until
/// `RELEASE` is set (a test-only `Trace`: the trait's contract forbids blocking, and this
/// one blocks only the collector's thread; an assist tracing it goes on).
struct Slow;
static RELEASE: AtomicBool = AtomicBool::new(false);
// SAFETY: holds no handle; blocks only in a `Mark` walk, on the collector's thread.
unsafe impl Trace for Slow {
    fn trace(&self, t: &mut gc::Tracer) {
        if t.op() == gc::TraceOp::Mark && std::thread::current().name() == Some("goro-gc") {
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            while !RELEASE.load(Ordering::SeqCst) && std::time::Instant::now() < deadline {
                std::thread::yield_now();
            }
        }
    }
}

/// The collector holds a unit of mark work (tracing `Slow`), so marking cannot end: an
/// allocation at twice the goal helps with everything else, then waits, and that wait
/// is the cycle's pause.
#[test]
fn an_allocation_outrunning_the_collector_waits_and_the_wait_is_the_pause() {
    // In a process of its own: it holds the collector, and its pause would show in the
    // other tests' statistics.
    if !is_child() {
        let (code, err) =
            run_child("an_allocation_outrunning_the_collector_waits_and_the_wait_is_the_pause");
        assert_eq!(code, 0, "{err}");
        return;
    }
    goro::run(|| {
        gc::scope(|s| {
            let _slow = s.alloc(Slow);
            s.go(goro::runtime::gc); // a cycle that marks until released
            wait_until("a cycle running", || parked("wait for GC cycle") == 1);
            s.go(move || {
                // 16 MiB of garbage: past twice the 4 MiB goal while the cycle runs.
                for i in 0..(16 << 20) / 16 {
                    // 16 bytes each
                    let _ = s.alloc([i as u64; 2]);
                }
            });
            wait_until("an allocation parked in GC assist wait", || {
                parked("GC assist wait") == 1
            });
            let n = goro::runtime::read_mem_stats().num_gc;
            RELEASE.store(true, Ordering::SeqCst);
            wait_until("the cycle ended", || {
                goro::runtime::read_mem_stats().num_gc > n
            });
            let m = goro::runtime::read_mem_stats();
            let pauses = m.pause_ns.iter().filter(|&&p| p > 0).count();
            assert!(pauses >= 1, "the assist's wait is recorded as a pause");
            assert!(m.pause_total_ns > 0);
        });
    });
}

#[derive(Trace)]
struct Shelf<'s> {
    cell: GcCell<'s, Vec<Gc<'s, u64>>>,
    mutex: gc::GcMutex<'s, Vec<Gc<'s, u64>>>,
    read: GcCell<'s, Vec<Gc<'s, u64>>>,
}

/// The collector starts no cycle and does no mark work (a test switch): the allocating
/// goroutine, at twice the goal, starts the cycle, its assists scan the roots, trace the
/// graph and end the marking, and the collector then sweeps. Meanwhile that goroutine
/// holds a cell borrowed mutably, a `GcMutex` locked and a cell borrowed shared, all inside
/// a live object its own assists trace: tracing skips or shares them, never waits for them.
#[test]
fn assists_start_and_end_the_marking_while_the_collector_marks_nothing() {
    // In a process of its own: the switch is process-wide.
    if !is_child() {
        let (code, err) =
            run_child("assists_start_and_end_the_marking_while_the_collector_marks_nothing");
        assert_eq!(code, 0, "{err}");
        return;
    }
    let drops = Arc::new(AtomicUsize::new(0));
    goro::run(|| {
        gc::scope(|s| {
            let items = |base: u64| (0..1_000).map(|i| s.alloc(base + i)).collect::<Vec<_>>();
            let shelf = s.alloc(Shelf {
                cell: GcCell::new(items(0)),
                mutex: gc::GcMutex::new(items(10_000)),
                read: GcCell::new(items(20_000)),
            });
            // A live graph to mark, made before the switch (below the goal: no cycle yet).
            let keep: Vec<Gc<'_, GcCell<'_, Vec<Gc<'_, u64>>>>> = (0..50u64)
                .map(|i| s.alloc(GcCell::new(items(100_000 * (i + 1)))))
                .collect();
            goro::__private::hold_marking(true);
            let mut cell = shelf.cell.borrow_mut();
            let mut locked = shelf.mutex.lock();
            let read = shelf.read.borrow();
            let start = goro::runtime::read_mem_stats();
            let t0 = std::time::Instant::now();
            let mut i = 0u64;
            // Garbage (and a few items that die with their destructors) until a cycle has
            // ended: the held collector can only have swept it.
            while goro::runtime::read_mem_stats().num_gc == start.num_gc {
                assert!(
                    t0.elapsed() < std::time::Duration::from_secs(20),
                    "no cycle ended: the assists did not end the marking"
                );
                // (Many between reads: reading the statistics passes the allocation
                // counts on, and pacing looks only at batches of 64 KiB.)
                for _ in 0..20_000 {
                    let _ = s.alloc([i; 4]);
                    i += 1;
                }
                drop(s.alloc(Item {
                    value: i as usize,
                    _count: Count(drops.clone()),
                }));
                // The borrows stay usable: new handles go into them meanwhile.
                cell.push(s.alloc(i));
                locked.push(s.alloc(i));
            }
            goro::__private::hold_marking(false);
            assert!(drops.load(Ordering::SeqCst) > 0, "the cycle swept garbage");
            assert_eq!(
                read.iter().map(|g| **g).sum::<u64>(),
                (20_000..21_000).sum()
            );
            let pushed = cell.len() - 1_000;
            assert!(pushed >= 1 && locked.len() == 1_000 + pushed);
            drop((cell, locked, read));
            goro::runtime::gc();
            assert_eq!(*shelf.cell.borrow()[999], 999);
            assert_eq!(
                *shelf.cell.borrow()[1_000 + pushed - 1],
                *shelf.mutex.lock()[1_000 + pushed - 1]
            );
            assert_eq!(*shelf.mutex.lock()[5], 10_005);
            for (k, c) in keep.iter().enumerate() {
                let base = 100_000 * (k as u64 + 1);
                assert_eq!(
                    c.borrow().iter().map(|g| **g).sum::<u64>(),
                    (base..base + 1_000).sum()
                );
            }
        });
    });
}

#[test]
fn a_heap_gets_a_cycle_unasked_after_the_force_period() {
    // In a process of its own: the period is process-wide (Go: forcegcperiod, 2 minutes).
    if !is_child() {
        let (code, err) = run_child("a_heap_gets_a_cycle_unasked_after_the_force_period");
        assert_eq!(code, 0, "{err}");
        return;
    }
    let drops = Arc::new(AtomicUsize::new(0));
    gc::scope(|s| {
        drop(s.alloc(Item {
            value: 1,
            _count: Count(drops.clone()),
        }));
        // Far below the heap goal, and nobody calls runtime::gc().
        goro::__private::set_force_period(std::time::Duration::from_millis(20));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while drops.load(Ordering::SeqCst) == 0 {
            assert!(
                std::time::Instant::now() < deadline,
                "no periodic cycle freed it"
            );
            std::thread::yield_now();
        }
        // The cycle counts itself after its sweep has run the destructors.
        wait_until("the periodic cycle was counted", || {
            goro::runtime::read_mem_stats().num_gc >= 1
        });
        let m = goro::runtime::read_mem_stats();
        assert_eq!(m.num_forced_gc, 0, "{m:?}");
    });
}
