// gc_alloc: allocation throughput of small objects: -n (10,000,000) allocations of a 16-byte
// struct with new(T), keeping only a ring of the last 1,000 pointers alive, so the collector
// must run. Reports ns per allocation. Every object evicted from the ring must still hold the
// values it was made with, and at least one collection must have run; the collector's pause
// total and count (runtime.MemStats) go to stderr.
// Twin of benches/src/bin/gc_alloc.rs: same constants, flags and output line.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"
)

const window = 1000

type pair struct {
	a, b uint64
}

func main() {
	flag.String("impl", "go", "accepted for symmetry with the Rust binary; ignored")
	n := flag.Uint64("n", 10000000, "allocations")
	flag.Parse()
	if *n < 1 {
		*n = 1
	}

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	var ring [window]*pair
	for i := uint64(0); i < *n; i++ {
		slot := &ring[i%window]
		old := *slot
		p := new(pair)
		p.a, p.b = i, ^i
		*slot = p
		if old != nil && (old.a+window != i || old.b != ^old.a) {
			fmt.Fprintf(os.Stderr, "gc_alloc: object %d was overwritten (%d, %d)\n", i-window, old.a, old.b)
			os.Exit(1)
		}
	}
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)

	numGC := after.NumGC - before.NumGC
	if numGC == 0 && *n >= 1000000 {
		fmt.Fprintln(os.Stderr, "gc_alloc: no collection ran")
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "gc_alloc gc: num_gc %d, pause_total %.2f ms\n", numGC,
		float64(after.PauseTotalNs-before.PauseTotalNs)/1e6)
	fmt.Printf("gc_alloc %.2f ns/alloc\n", float64(elapsed.Nanoseconds())/float64(*n))
}
