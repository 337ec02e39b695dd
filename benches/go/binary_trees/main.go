// binary_trees: the Benchmarks Game's binary-trees, single goroutine. A stretch tree of depth
// -depth+1 (16), a long-lived tree of depth -depth, then for depth 4, 6, …, -depth,
// 2^(depth' − depth + 4) short-lived trees of that depth, each built bottom-up and walked once
// ("check": its node count). Reports total ms. Every check must equal 2^(d+1) − 1 nodes; the
// collector's pause total and count (runtime.MemStats) go to stderr.
// Twin of benches/src/bin/binary_trees.rs: same constants, flags and output line.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"
)

const minDepth = 4

type node struct {
	left, right *node
}

func create(depth uint) *node {
	if depth == 0 {
		return &node{}
	}
	return &node{create(depth - 1), create(depth - 1)}
}

func (n *node) check() uint64 {
	if n.left == nil {
		return 1
	}
	return 1 + n.left.check() + n.right.check()
}

// nodes is the node count of a full tree of depth: what check must return.
func nodes(depth uint) uint64 {
	return 1<<(depth+1) - 1
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "binary_trees: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	flag.String("impl", "go", "accepted for symmetry with the Rust binary; ignored")
	d := flag.Uint("depth", 16, "maximum depth")
	flag.Parse()
	maxDepth := *d
	if maxDepth < minDepth+2 {
		maxDepth = minDepth + 2
	}
	if maxDepth > 30 {
		maxDepth = 30
	}

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	stretch := maxDepth + 1
	if c := create(stretch).check(); c != nodes(stretch) {
		fail("stretch tree: %d", c)
	}
	longLived := create(maxDepth)
	for depth := uint(minDepth); depth <= maxDepth; depth += 2 {
		iterations := uint64(1) << (maxDepth - depth + minDepth)
		var c uint64
		for i := uint64(0); i < iterations; i++ {
			c += create(depth).check()
		}
		if c != iterations*nodes(depth) {
			fail("depth %d: %d", depth, c)
		}
	}
	if c := longLived.check(); c != nodes(maxDepth) {
		fail("long lived tree: %d", c)
	}
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)

	fmt.Fprintf(os.Stderr, "binary_trees gc: num_gc %d, pause_total %.2f ms\n", after.NumGC-before.NumGC,
		float64(after.PauseTotalNs-before.PauseTotalNs)/1e6)
	fmt.Printf("binary_trees %.2f ms\n", float64(elapsed.Nanoseconds())/1e6)
}
