//! A collection starting while a goroutine allocates (its own binary: a thread runs
//! `runtime::gc()` back to back, which collects every open heap of the process, and the
//! other GC tests count the process's objects).
mod support;
use goro::gc::{self, Gc, Trace};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use support::Drops;

/// A node of a tree that counts its nodes' destructors in the tree's own counter.
#[derive(Trace)]
struct Node<'s> {
    left: Option<Gc<'s, Node<'s>>>,
    right: Option<Gc<'s, Node<'s>>>,
    #[trace(skip)]
    _drops: Drops,
}

/// A full tree of `depth`, built bottom-up: each node is allocated with its children's
/// handles moved into it (the allocation unroots them).
fn tree<'s>(s: &gc::Scope<'s, '_>, depth: u32, drops: &Arc<AtomicUsize>) -> Gc<'s, Node<'s>> {
    let (left, right) = if depth == 0 {
        (None, None)
    } else {
        (
            Some(tree(s, depth - 1, drops)),
            Some(tree(s, depth - 1, drops)),
        )
    };
    s.alloc(Node {
        left,
        right,
        _drops: Drops(drops.clone()),
    })
}

fn count(n: &Node<'_>) -> u64 {
    1 + n.left.as_deref().map_or(0, count) + n.right.as_deref().map_or(0, count)
}

#[test]
fn trees_built_bottom_up_while_cycles_start_keep_every_node() {
    // Cycles start back to back (a thread calls `runtime::gc()` in a loop) while a
    // goroutine builds trees; no node of a tree still held may be destroyed. An allocation
    // racing a cycle's start once made its node black without shading its children, which
    // were freed under it (binary_trees lost nodes).
    /// Stops the collecting thread when dropped, also when a check fails.
    struct Stopper<'a>(&'a AtomicBool);
    impl Drop for Stopper<'_> {
        fn drop(&mut self) {
            self.0.store(true, Ordering::Relaxed);
        }
    }
    let stop = AtomicBool::new(false);
    std::thread::scope(|t| {
        t.spawn(|| {
            while !stop.load(Ordering::Relaxed) {
                goro::runtime::gc();
            }
        });
        let _stopper = Stopper(&stop);
        goro::run(|| {
            gc::scope(|s| {
                let mut held: Option<(Gc<'_, Node<'_>>, Arc<AtomicUsize>)> = None;
                for round in 0..50_000 {
                    let drops = Arc::new(AtomicUsize::new(0));
                    let t = tree(s, 6, &drops);
                    if let Some((old, old_drops)) = held.replace((t, drops)) {
                        assert_eq!(
                            old_drops.load(Ordering::SeqCst),
                            0,
                            "round {round}: nodes of a held tree were destroyed"
                        );
                        assert_eq!(count(&old), (1 << 7) - 1, "round {round}");
                    }
                }
            });
        });
    });
}

#[test]
fn threads_past_those_with_shards_of_their_own_share_one_and_lose_nothing() {
    // The first 16 threads that allocate list their objects on shards of their own; the
    // rest share one under a lock. 24 plain threads build and check trees while cycles
    // start back to back: no node of a held tree is destroyed, and by the scope's end
    // every node of every tree was destroyed exactly once.
    let stop = AtomicBool::new(false);
    let counters = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|t| {
        t.spawn(|| {
            while !stop.load(Ordering::Relaxed) {
                goro::runtime::gc();
            }
        });
        gc::scope(|s| {
            std::thread::scope(|w| {
                for _ in 0..24 {
                    w.spawn(|| {
                        let mut held: Option<(Gc<'_, Node<'_>>, Arc<AtomicUsize>)> = None;
                        for round in 0..300 {
                            let drops = Arc::new(AtomicUsize::new(0));
                            counters.lock().unwrap().push(drops.clone());
                            let tr = tree(s, 5, &drops);
                            if let Some((old, old_drops)) = held.replace((tr, drops)) {
                                assert_eq!(old_drops.load(Ordering::SeqCst), 0, "round {round}");
                                assert_eq!(count(&old), (1 << 6) - 1, "round {round}");
                            }
                        }
                    });
                }
            });
        });
        stop.store(true, Ordering::Relaxed);
    });
    let counters = counters.into_inner().unwrap();
    assert_eq!(counters.len(), 24 * 300);
    for (i, c) in counters.iter().enumerate() {
        assert_eq!(
            c.load(Ordering::SeqCst),
            (1 << 6) - 1,
            "tree {i}: nodes destroyed"
        );
    }
}
