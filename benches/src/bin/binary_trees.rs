//! binary_trees: the Benchmarks Game's binary-trees on the scoped GC, single goroutine. A
//! stretch tree of depth `--depth`+1 (16), a long-lived tree of depth `--depth`, then for
//! depth 4, 6, …, `--depth`, 2^(depth' − depth + 4) short-lived trees of that depth, each
//! built bottom-up and walked once ("check": its node count). Reports total ms. Every check
//! must equal 2^(d+1) − 1 nodes; the collector's pause total and count (`read_mem_stats`)
//! go to stderr.
//! Twin: go/binary_trees/main.go.

use std::time::Instant;

use goro::gc::{self, Gc, Trace};
use goro_benches::args::{Flags, Impl};
use goro_benches::report;

const DEPTH: u32 = 16; // as go/binary_trees/main.go
const MIN_DEPTH: u32 = 4;

const FLAGS: &[(&str, &str)] = &[
    ("impl", "goro (default goro)"),
    ("depth", "maximum depth (default 16)"),
];

#[derive(Trace)]
struct Node<'s> {
    left: Option<Gc<'s, Node<'s>>>,
    right: Option<Gc<'s, Node<'s>>>,
}

fn create<'s>(s: &gc::Scope<'s, '_>, depth: u32) -> Gc<'s, Node<'s>> {
    if depth == 0 {
        return s.alloc(Node {
            left: None,
            right: None,
        });
    }
    let left = create(s, depth - 1);
    let right = create(s, depth - 1);
    s.alloc(Node {
        left: Some(left),
        right: Some(right),
    })
}

fn check(n: &Node<'_>) -> u64 {
    match (&n.left, &n.right) {
        (Some(l), Some(r)) => 1 + check(l) + check(r),
        _ => 1,
    }
}

/// Nodes in a full tree of `depth`: what `check` must return.
fn nodes(depth: u32) -> u64 {
    (1u64 << (depth + 1)) - 1
}

fn main() {
    let flags = Flags::parse(FLAGS);
    let max_depth: u32 = flags.get("depth", DEPTH).clamp(MIN_DEPTH + 2, 30);
    match flags.imp() {
        Impl::Goro => {}
        imp => flags.not_applicable(imp, "the workload measures goro's collector"),
    }
    let (elapsed, before, after) = goro::run(move || {
        let before = goro::runtime::read_mem_stats();
        let start = Instant::now();
        gc::scope(|s| {
            let stretch = max_depth + 1;
            let c = check(&create(s, stretch));
            assert_eq!(c, nodes(stretch), "binary_trees: stretch tree");
            let long_lived = create(s, max_depth);
            for depth in (MIN_DEPTH..=max_depth).step_by(2) {
                let iterations = 1u64 << (max_depth - depth + MIN_DEPTH);
                let mut c = 0;
                for _ in 0..iterations {
                    c += check(&create(s, depth));
                }
                assert_eq!(c, iterations * nodes(depth), "binary_trees: depth {depth}");
            }
            let c = check(&long_lived);
            assert_eq!(c, nodes(max_depth), "binary_trees: long lived tree");
        });
        (start.elapsed(), before, goro::runtime::read_mem_stats())
    });
    eprintln!(
        "binary_trees gc: num_gc {}, pause_total {:.2} ms",
        after.num_gc - before.num_gc,
        (after.pause_total_ns - before.pause_total_ns) as f64 / 1e6
    );
    report::line("binary_trees", elapsed.as_secs_f64() * 1e3, "ms");
}
