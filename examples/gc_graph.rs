//! A concurrent graph with cycles, built and rewired by several goroutines that pass node
//! handles over a channel — Go code shares pointers like this without a second thought;
//! goro does it inside a `gc::scope`. Unreachable parts (cycles included) are collected;
//! what the root still reaches stays intact.
//!
//! Run: `cargo run --example gc_graph`.

use goro::gc::{self, Gc, GcMutex, Trace};
use goro::prelude::*;

#[derive(Trace)]
struct Node<'s> {
    id: u32,
    next: GcMutex<'s, Vec<Gc<'s, Node<'s>>>>,
}

#[goro::main]
pub fn main() {
    gc::scope(|s| {
        let ring = |id: u32| {
            // Three nodes in a cycle: id -> id+1 -> id+2 -> id.
            let a = s.alloc(Node {
                id,
                next: GcMutex::new(vec![]),
            });
            let b = s.alloc(Node {
                id: id + 1,
                next: GcMutex::new(vec![a.clone()]),
            });
            let c = s.alloc(Node {
                id: id + 2,
                next: GcMutex::new(vec![b.clone()]),
            });
            a.next.lock().push(c);
            a
        };
        let nodes = chan![Gc<'_, Node<'_>>; 4];
        for w in 0..4u32 {
            let nodes = nodes.clone();
            s.go(move || {
                for i in 0..25 {
                    nodes.send(ring(1000 * w + 10 * i));
                }
            });
        }
        // Keep every fifth ring, reachable from one root; drop the others.
        let root = s.alloc(Node {
            id: 0,
            next: GcMutex::new(vec![]),
        });
        for i in 0..100 {
            let r = nodes.recv().unwrap();
            if i % 5 == 0 {
                root.next.lock().push(r);
            }
        }
        goro::runtime::gc();
        let m = goro::runtime::read_mem_stats();
        let kept = root.next.lock().len();
        // Walk each kept ring around its cycle: three hops come back to the start.
        for r in root.next.lock().iter() {
            let c = r.next.lock()[0].clone();
            let b = c.next.lock()[0].clone();
            let a = b.next.lock()[0].clone();
            assert!(Gc::ptr_eq(&a, r));
        }
        println!(
            "rings kept: {kept}, objects live after gc: {}",
            m.heap_objects
        );
        assert_eq!(kept, 20);
        assert!(m.heap_objects >= 61); // 20 rings of 3, and the root
    });
    println!("scope ended: objects freed");
}
