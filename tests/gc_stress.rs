//! GC stress (its own binary: it sets GOGC=1 for the process): goroutines build random
//! cyclic graphs, pass handles over channels and rewire `GcMutex` edges while collections
//! run back to back; every object is destroyed exactly once and the heap ends empty.
mod support;
use goro::gc::{self, Gc, GcMutex, Trace};
use goro::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use support::Drops;

#[derive(Trace)]
struct Obj<'s> {
    id: u64,
    edges: GcMutex<'s, Vec<Gc<'s, Obj<'s>>>>,
    #[trace(skip)]
    _drops: Drops,
}

/// xorshift: the same graphs every run.
fn rand(x: &mut u64) -> u64 {
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    *x
}

#[test]
fn random_cyclic_graphs_under_gogc_1_free_every_object_once() {
    goro::runtime::set_gc_percent(1);
    let drops = Arc::new(AtomicUsize::new(0));
    let made = AtomicUsize::new(0);
    let objects_before = goro::runtime::read_mem_stats().heap_objects;
    goro::run(|| {
        gc::scope(|s| {
            let ch = chan![Gc<'_, Obj<'_>>; 8];
            for w in 0..4u64 {
                let ch = ch.clone();
                let (drops, made) = (&drops, &made);
                s.go(move || {
                    let mut seed = 0x9e37_79b9_7f4a_7c15 ^ (w + 1);
                    let mut mine: Vec<Gc<'_, Obj<'_>>> = Vec::new();
                    for i in 0..2_000u64 {
                        let o = s.alloc(Obj {
                            id: w << 32 | i,
                            edges: GcMutex::new(Vec::new()),
                            _drops: Drops(drops.clone()),
                        });
                        made.fetch_add(1, Ordering::SeqCst);
                        // Wire it to a few of ours (cycles included) and rewire one.
                        for _ in 0..3 {
                            if !mine.is_empty() {
                                let t =
                                    mine[(rand(&mut seed) % mine.len() as u64) as usize].clone();
                                t.edges.lock().push(o.clone());
                                o.edges.lock().push(t);
                            }
                        }
                        if let Some(t) = mine.get((rand(&mut seed) % 64) as usize) {
                            t.edges.lock().clear();
                        }
                        mine.push(o.clone());
                        if mine.len() > 64 {
                            mine.swap_remove((rand(&mut seed) % 64) as usize);
                        }
                        // Trade: send one, take one from another worker.
                        if i % 4 == 0 {
                            ch.send(o);
                            if let Ok(got) = ch.try_recv() {
                                assert_eq!(
                                    got.edges.lock().iter().filter(|e| e.id == got.id).count(),
                                    0
                                );
                                mine.push(got);
                            }
                        }
                        if i % 500 == 0 {
                            goro::runtime::gc();
                        }
                    }
                    // Every object still reachable from here is intact.
                    for o in &mine {
                        for e in o.edges.lock().iter() {
                            let _ = e.id;
                        }
                    }
                });
            }
            s.go(move || {
                for _ in 0..50 {
                    goro::runtime::gc();
                    goro::runtime::gosched();
                }
            });
        });
    });
    assert_eq!(drops.load(Ordering::SeqCst), made.load(Ordering::SeqCst));
    assert!(goro::runtime::read_mem_stats().num_gc > 50);
    assert_eq!(goro::runtime::read_mem_stats().heap_objects, objects_before);
}
