//! The scoped GC: objects shared by goroutines through handles, cycles included, freed when
//! unreachable (by `runtime::gc()` or pacing) and at the latest when the scope ends, each
//! exactly once; handles moved out of a cell stay valid; statistics add up.
mod support;
use support::Drops;

use goro::gc::{self, Gc, GcCell, Trace};
use goro::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Trace)]
struct Node<'s> {
    id: u64,
    edges: GcCell<'s, Vec<Gc<'s, Node<'s>>>>,
    #[trace(skip)]
    _drops: Drops,
}

fn node<'s>(s: &gc::Scope<'s, '_>, id: u64, drops: &Arc<AtomicUsize>) -> Gc<'s, Node<'s>> {
    s.alloc(Node {
        id,
        edges: GcCell::new(Vec::new()),
        _drops: Drops(drops.clone()),
    })
}

#[test]
fn an_unreachable_cycle_is_freed_by_gc_and_a_reachable_one_survives() {
    let drops = Arc::new(AtomicUsize::new(0));
    gc::scope(|s| {
        let keep = node(s, 1, &drops);
        {
            let a = node(s, 2, &drops);
            let b = node(s, 3, &drops);
            a.edges.borrow_mut().push(b.clone());
            b.edges.borrow_mut().push(a.clone()); // a <-> b, then both handles dropped
            keep.edges.borrow_mut().push(node(s, 4, &drops));
            let k2 = node(s, 5, &drops);
            k2.edges.borrow_mut().push(keep.clone()); // 5 -> 1 <- held
            keep.edges.borrow_mut().push(k2); // 1 <-> 5, reachable from `keep`
        }
        goro::runtime::gc();
        assert_eq!(
            drops.load(Ordering::SeqCst),
            2,
            "only the unreachable cycle"
        );
        let ids: Vec<u64> = keep.edges.borrow().iter().map(|n| n.id).collect();
        assert_eq!(ids, [4, 5]);
        let back = keep.edges.borrow()[1].edges.borrow()[0].clone();
        assert!(Gc::ptr_eq(&back, &keep));
    });
    assert_eq!(
        drops.load(Ordering::SeqCst),
        5,
        "the rest at the scope's end, once each"
    );
}

#[test]
fn a_handle_moved_out_of_a_cell_keeps_its_object_alive() {
    let drops = Arc::new(AtomicUsize::new(0));
    gc::scope(|s| {
        let holder = node(s, 1, &drops);
        holder.edges.borrow_mut().push(node(s, 2, &drops));
        let taken = holder.edges.borrow_mut().pop().unwrap(); // out of GC memory: a root
        drop(holder); // 1 is garbage now
        goro::runtime::gc();
        assert_eq!(drops.load(Ordering::SeqCst), 1);
        assert_eq!(taken.id, 2);
    });
    assert_eq!(drops.load(Ordering::SeqCst), 2);
}

#[test]
fn goroutines_share_a_graph_through_channels_and_gc_runs_meanwhile() {
    let drops = Arc::new(AtomicUsize::new(0));
    const N: u64 = 200;
    goro::run(|| {
        gc::scope(|s| {
            let ch = chan![Gc<'_, Node<'_>>; 16];
            let done = chan![(); 4];
            let root = node(s, 0, &drops);
            // Producers: each builds a small cycle and sends one of its nodes.
            for p in 0..4u64 {
                let ch = ch.clone(); // made inside the scope: moved in, not borrowed
                let done = done.clone();
                let drops = &drops;
                s.go(move || {
                    // Once its last handle is gone (the loop's `b`), not at the last send.
                    defer!(done.send(()));
                    for i in 0..N / 4 {
                        let a = node(s, 1000 * p + 2 * i, drops);
                        let b = node(s, 1000 * p + 2 * i + 1, drops);
                        a.edges.borrow_mut().push(b.clone());
                        b.edges.borrow_mut().push(a.clone());
                        ch.send(a);
                        if i % 10 == 0 {
                            goro::runtime::gc();
                        }
                    }
                });
            }
            // The consumer keeps every other one, reachable from `root`.
            let mut kept = 0;
            for i in 0..N {
                let n = ch.recv().unwrap();
                assert_eq!(n.edges.borrow()[0].edges.borrow()[0].id, n.id);
                if i % 2 == 0 {
                    root.edges.borrow_mut().push(n);
                    kept += 1;
                }
            }
            for _ in 0..4 {
                done.recv();
            }
            goro::runtime::gc();
            assert_eq!(root.edges.borrow().len(), kept);
            for n in root.edges.borrow().iter() {
                assert_eq!(n.edges.borrow()[0].edges.borrow()[0].id, n.id);
            }
            assert_eq!(drops.load(Ordering::SeqCst) as u64, 2 * (N - kept as u64));
        });
    });
    assert_eq!(drops.load(Ordering::SeqCst) as u64, 2 * N + 1);
}

#[test]
fn pacing_collects_without_being_asked() {
    // Garbage alone (32-byte values) must start collections once the heap passes its
    // 4 MiB minimum goal. The cycle is swept on the collector's thread, which may wait for
    // a CPU meanwhile (the other tests run beside this one): so allocate until one is
    // counted, and fail only past 2.5 GB of garbage, hundreds of goals.
    let before = goro::runtime::read_mem_stats().num_gc;
    let made = gc::scope(|s| {
        let mut made = 0u64;
        while goro::runtime::read_mem_stats().num_gc == before && made < 50_000_000 {
            for i in 0..10_000u64 {
                let _ = s.alloc([i; 4]);
            }
            made += 10_000;
        }
        made
    });
    assert!(
        goro::runtime::read_mem_stats().num_gc > before,
        "no collection after {made} objects of garbage"
    );
}

#[test]
fn mem_stats_count_objects_and_frees() {
    gc::scope(|s| {
        let before = goro::runtime::read_mem_stats();
        let v: Vec<_> = (0..100u32).map(|i| s.alloc(i)).collect();
        let mid = goro::runtime::read_mem_stats();
        assert!(mid.mallocs >= before.mallocs + 100);
        assert!(mid.total_alloc > before.total_alloc);
        drop(v);
        goro::runtime::gc();
        let after = goro::runtime::read_mem_stats();
        assert!(after.frees >= before.frees + 100);
        assert!(after.num_forced_gc > before.num_forced_gc);
        assert!(after.last_gc > 0 && after.next_gc > 0);
    });
}

#[derive(Trace)]
struct Holder<'o> {
    outer: Gc<'o, Node<'o>>,
}

#[test]
fn an_inner_scopes_object_keeps_an_enclosing_scopes_object_alive() {
    let drops = Arc::new(AtomicUsize::new(0));
    gc::scope(|outer| {
        let x = node(outer, 1, &drops);
        let x_child = node(outer, 2, &drops);
        x.edges.borrow_mut().push(x_child);
        gc::scope(|inner| {
            let y = inner.alloc(Holder { outer: x.clone() });
            goro::runtime::gc(); // collects both heaps
            assert_eq!(drops.load(Ordering::SeqCst), 0);
            assert_eq!(
                y.outer.edges.borrow()[0].id,
                2,
                "marks of one heap are not the other's"
            );
            goro::runtime::gc();
            assert_eq!(y.outer.edges.borrow()[0].id, 2);
        });
        drop(x); // the inner heap is gone: nothing holds 1 and 2 now
        goro::runtime::gc();
        assert_eq!(drops.load(Ordering::SeqCst), 2);
    });
}

#[test]
fn a_tracer_made_by_safe_code_moves_no_roots() {
    use goro::gc::{TraceOp, Tracer};
    let drops = Arc::new(AtomicUsize::new(0));
    gc::scope(|s| {
        let h = node(s, 1, &drops);
        h.edges.borrow_mut().push(node(s, 2, &drops));
        for op in [TraceOp::Unroot, TraceOp::Root, TraceOp::Mark] {
            h.trace(&mut Tracer::new(op));
            h.edges.trace(&mut Tracer::new(op));
        }
        goro::runtime::gc();
        assert_eq!(
            drops.load(Ordering::SeqCst),
            0,
            "a reachable object was freed"
        );
        let child = h.edges.borrow_mut().pop().unwrap(); // must come out rooted
        drop(h);
        goro::runtime::gc();
        assert_eq!(drops.load(Ordering::SeqCst), 1);
        assert_eq!(child.id, 2);
    });
}

/// `runtime::gc()` with no `gc::scope` open still completes (and counts) a cycle, as Go's
/// `runtime.GC()` always does. Alone in a child process, so no other test's scope is open.
#[test]
fn gc_outside_any_scope_counts_a_forced_cycle() {
    if support::is_child() {
        let before = goro::runtime::read_mem_stats();
        goro::runtime::gc();
        goro::runtime::gc();
        let after = goro::runtime::read_mem_stats();
        assert_eq!(after.num_gc, before.num_gc + 2);
        assert_eq!(after.num_forced_gc, before.num_forced_gc + 2);
        assert!(after.last_gc > 0);
        return;
    }
    let (code, err) = support::run_child("gc_outside_any_scope_counts_a_forced_cycle");
    assert_eq!(code, 0, "{err}");
}

/// `GOGC` and `GOMAXPROCS` parse as Go's: a space or a `+` makes a value invalid
/// (ignored: the defaults), a negative `GOGC` means off and reads back as -1.
#[test]
fn gogc_and_gomaxprocs_environment_values_parse_as_gos() {
    if support::is_child() {
        let want_gogc: i32 = std::env::var("WANT_GOGC").unwrap().parse().unwrap();
        assert_eq!(goro::runtime::set_gc_percent(100), want_gogc);
        let procs = goro::run(|| goro::runtime::gomaxprocs(0));
        assert_eq!(procs, goro::runtime::num_cpu());
        return;
    }
    let test = "gogc_and_gomaxprocs_environment_values_parse_as_gos";
    for (gogc, procs, want) in [
        ("+50", " 1", "100"),
        (" 50", "+1", "100"),
        ("-5", "1x", "-1"),
    ] {
        let (code, err) = support::run_child_with(
            test,
            &[("GOGC", gogc), ("GOMAXPROCS", procs), ("WANT_GOGC", want)],
        );
        assert_eq!(code, 0, "GOGC={gogc:?} GOMAXPROCS={procs:?}: {err}");
    }
}

/// A type per `K`, all of one size class; dropping one counts in `TYPED_DROPS[K]`, so a
/// value dropped as another type's shows.
struct Typed<const K: usize> {
    v: u64,
    _pad: u64,
}

static TYPED_DROPS: [AtomicUsize; 20] = [const { AtomicUsize::new(0) }; 20];

impl<const K: usize> Drop for Typed<K> {
    fn drop(&mut self) {
        TYPED_DROPS[K].fetch_add(1, Ordering::SeqCst);
    }
}

// SAFETY: holds no handle.
unsafe impl<const K: usize> Trace for Typed<K> {
    fn trace(&self, _: &mut gc::Tracer) {}
}

trait Check {
    fn get(&self) -> (usize, u64);
}

impl<const K: usize> Check for Gc<'_, Typed<K>> {
    fn get(&self) -> (usize, u64) {
        (K, self.v)
    }
}

fn typed<'s, const K: usize>(s: &gc::Scope<'s, '_>, v: u64) -> Box<dyn Check + 's> {
    Box::new(s.alloc(Typed::<K> { v, _pad: !v }))
}

#[test]
fn objects_of_many_types_of_one_size_keep_their_values_across_cycles() {
    // A chunk holds one type. Twenty types of one size class, more than a thread keeps
    // chains of free blocks for at once, so chains go back and forth through the heap's
    // central lists; half the objects are garbage, freed by the cycles and reused.
    const ROUNDS: u64 = 3000;
    let dropped = || -> Vec<usize> {
        TYPED_DROPS
            .iter()
            .map(|d| d.load(Ordering::SeqCst))
            .collect()
    };
    gc::scope(|s| {
        type Make = for<'s, 'x, 'a> fn(&'a gc::Scope<'s, 'x>, u64) -> Box<dyn Check + 's>;
        let makers: [Make; 20] = [
            typed::<0>,
            typed::<1>,
            typed::<2>,
            typed::<3>,
            typed::<4>,
            typed::<5>,
            typed::<6>,
            typed::<7>,
            typed::<8>,
            typed::<9>,
            typed::<10>,
            typed::<11>,
            typed::<12>,
            typed::<13>,
            typed::<14>,
            typed::<15>,
            typed::<16>,
            typed::<17>,
            typed::<18>,
            typed::<19>,
        ];
        let mut kept = Vec::new();
        for round in 0..ROUNDS {
            for (k, make) in makers.iter().enumerate() {
                let v = round * 20 + k as u64;
                let o = make(s, v);
                if (round + k as u64).is_multiple_of(2) {
                    kept.push((k, v, o));
                }
            }
            if round % 500 == 499 {
                goro::runtime::gc();
            }
        }
        goro::runtime::gc();
        for (k, v, o) in &kept {
            assert_eq!(o.get(), (*k, *v), "an object changed");
        }
        // Each type's garbage was dropped as that type: half its objects.
        assert_eq!(dropped(), vec![ROUNDS as usize / 2; 20]);
    });
    assert_eq!(dropped(), vec![ROUNDS as usize; 20], "each object once");
}

#[test]
fn an_object_with_thousands_of_handles_lives_until_the_last_is_dropped() {
    // An object counts its handles outside GC memory in six bits; past 62 the count moves
    // to its heap, and back below. Four goroutines clone and drop handles across that
    // boundary at once, cycles run meanwhile, and the object lives exactly as long as a
    // handle does.
    let drops = Arc::new(AtomicUsize::new(0));
    goro::run(|| {
        gc::scope(|s| {
            let shared = node(s, 7, &drops);
            let mut many: Vec<_> = (0..1000).map(|_| shared.clone()).collect();
            goro::runtime::gc();
            assert_eq!(drops.load(Ordering::SeqCst), 0, "1001 handles, alive");
            // Down to one handle (back in the byte); then, from four goroutines holding
            // one each (5 in all), up across the boundary and down to 5 again, many times,
            // while a fifth goroutine forces cycles.
            many.clear();
            let ch = chan![Vec<Gc<'_, Node<'_>>>; 4];
            for g in 0..4 {
                let (h, ch) = (shared.clone(), ch.clone());
                s.go(move || {
                    let mut mine = Vec::new();
                    for round in 0..200 {
                        for _ in 0..(round % 7) * 20 {
                            mine.push(h.clone());
                        }
                        assert_eq!(h.id, 7, "goroutine {g}, round {round}");
                        mine.truncate(if round % 3 == 0 { 0 } else { mine.len() / 2 });
                    }
                    mine.push(h);
                    ch.send(mine);
                });
            }
            s.go(|| {
                for _ in 0..20 {
                    goro::runtime::gc();
                }
            });
            for _ in 0..4 {
                many.extend(ch.recv().expect("a goroutine's handles"));
            }
            drop(shared);
            goro::runtime::gc();
            assert_eq!(
                drops.load(Ordering::SeqCst),
                0,
                "{} handles left",
                many.len()
            );
            assert!(many.iter().all(|n| n.id == 7));
            many.clear();
            goro::runtime::gc();
            assert_eq!(drops.load(Ordering::SeqCst), 1, "the last handle went");
        });
    });
    assert_eq!(drops.load(Ordering::SeqCst), 1, "freed once");
}

/// The next goal is what the last cycle left live, grown by GOGC percent, and it follows
/// `set_gc_percent` at once (Go's SetGCPercent recomputes it); the 4 MiB floor scales with
/// GOGC; with GOGC off `next_gc` reads `i64::MAX`. In a child process: GOGC is the
/// process's.
#[test]
fn set_gc_percent_moves_the_next_goal_at_once() {
    if support::is_child() {
        const MIB: u64 = 1 << 20;
        let next = || goro::runtime::read_mem_stats().next_gc;
        // No heap yet: the floor alone.
        goro::runtime::gc();
        for (gogc, want) in [(50, 2 * MIB), (200, 8 * MIB), (100, 4 * MIB), (0, 0)] {
            goro::runtime::set_gc_percent(gogc);
            assert_eq!(next(), want, "GOGC={gogc}, nothing live");
        }
        goro::runtime::set_gc_percent(100);
        gc::scope(|s| {
            let keep: Vec<_> = (0..300_000u64).map(|i| s.alloc([i; 8])).collect();
            goro::runtime::gc();
            let live = goro::runtime::read_mem_stats().heap_alloc;
            assert!(live >= 300_000 * 64, "live {live}");
            let near = |got: u64, want: u64| got >= want * 9 / 10 && got <= want * 11 / 10;
            let at_100 = next();
            assert!(
                near(at_100, 2 * live),
                "GOGC=100: next {at_100}, live {live}"
            );
            assert_eq!(goro::runtime::set_gc_percent(10), 100);
            let at_10 = next();
            assert!(
                near(at_10, live * 11 / 10),
                "GOGC=10: next {at_10}, live {live}"
            );
            goro::runtime::set_gc_percent(-1);
            assert_eq!(next(), i64::MAX as u64, "GOGC off");
            goro::runtime::set_gc_percent(100);
            assert_eq!(next(), at_100);
            drop(keep);
        });
        return;
    }
    let (code, err) = support::run_child("set_gc_percent_moves_the_next_goal_at_once");
    assert_eq!(code, 0, "{err}");
}

/// GOGC=0 collects whenever the heap grows (Go: its heap minimum scales to 0): 1 MiB of
/// garbage starts a cycle by itself, where a fixed 4 MiB floor would start none.
#[test]
fn gogc_0_collects_as_the_heap_grows() {
    if support::is_child() {
        goro::runtime::set_gc_percent(0);
        let before = goro::runtime::read_mem_stats().num_gc;
        gc::scope(|s| {
            for i in 0..(1u64 << 20) / 64 {
                let _ = s.alloc([i; 8]);
            }
            let start = std::time::Instant::now();
            while goro::runtime::read_mem_stats().num_gc == before {
                assert!(
                    start.elapsed() < std::time::Duration::from_secs(20),
                    "no cycle started after 1 MiB of garbage at GOGC=0"
                );
                std::thread::yield_now();
            }
        });
        return;
    }
    let (code, err) = support::run_child("gogc_0_collects_as_the_heap_grows");
    assert_eq!(code, 0, "{err}");
}

/// `sys` counts the memory the heaps hold from the system, and what a scope held goes back
/// when it ends (the GC's chunks are unmapped).
#[test]
fn mem_stats_sys_counts_heap_chunks_until_their_scope_ends() {
    if support::is_child() {
        let before = goro::runtime::read_mem_stats().sys;
        let during = gc::scope(|s| {
            let keep: Vec<_> = (0..100_000u64).map(|i| s.alloc([i; 8])).collect();
            let m = goro::runtime::read_mem_stats();
            assert!(
                m.sys >= before + m.heap_alloc,
                "sys {} before {before}",
                m.sys
            );
            drop(keep);
            goro::runtime::gc();
            // Freed objects' chunks stay with the heap, as Go keeps its spans.
            let after_gc = goro::runtime::read_mem_stats().sys;
            assert!(
                after_gc >= before + 100_000 * 64,
                "sys {after_gc} after a GC"
            );
            after_gc
        });
        let after = goro::runtime::read_mem_stats().sys;
        assert!(
            after + 100_000 * 64 <= during,
            "sys {after} after the scope, {during} in it"
        );
        return;
    }
    let (code, err) = support::run_child("mem_stats_sys_counts_heap_chunks_until_their_scope_ends");
    assert_eq!(code, 0, "{err}");
}

/// `use goro::prelude::*` alone is enough for `#[derive(Trace)]`, and a handle is one of
/// the `goro::Share` values `go!` blocks clone in.
mod prelude_only {
    use goro::prelude::*;

    #[derive(Trace)]
    struct Leaf {
        v: u32,
    }

    fn share<T: goro::Share>(t: &T) -> T {
        t.clone()
    }

    #[test]
    fn the_prelude_derives_trace_and_a_handle_is_share() {
        goro::gc::scope(|s| {
            let a = s.alloc(Leaf { v: 7 });
            let b = share(&a);
            assert!(goro::gc::Gc::ptr_eq(&a, &b));
            assert_eq!(b.v, 7);
        });
    }
}
