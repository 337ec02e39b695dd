// gc_alloc: allocation throughput of small objects: -n (10,000,000) allocations of a 16-byte
// struct with new(T), keeping only a ring of the last 1,000 pointers alive, so the collector
// must run. Reports ns per allocation. Every object evicted from the ring must still hold the
// values it was made with, and at least one collection must have run; the collector's pause
// total and count (runtime.MemStats) go to stderr.
//
// -report pause_p50 / pause_max report instead the median / longest GC pause of the run in µs,
// from MemStats.PauseNs (the last min(cycles, 256) cycles of the run): Go's stop-the-world
// time per cycle (sweep termination plus mark termination).
// Twin of benches/src/bin/gc_alloc.rs: same constants, flags and output line.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"time"
)

const window = 1000

type pair struct {
	a, b uint64
}

func main() {
	flag.String("impl", "go", "accepted for symmetry with the Rust binary; ignored")
	n := flag.Uint64("n", 10000000, "allocations")
	report := flag.String("report", "alloc", "alloc, pause_p50 or pause_max")
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
	// Cycle k (counting from 0) sits at PauseNs[k%256]: only the last 256 are still there.
	var pauses []uint64
	first := before.NumGC
	if after.NumGC > 256 && after.NumGC-256 > first {
		first = after.NumGC - 256
	}
	for k := first; k < after.NumGC; k++ {
		pauses = append(pauses, after.PauseNs[k%256])
	}
	sort.Slice(pauses, func(i, j int) bool { return pauses[i] < pauses[j] })
	pauseUs := func(p int) float64 {
		if len(pauses) == 0 {
			return 0
		}
		return float64(pauses[(len(pauses)-1)*p/100]) / 1e3
	}
	fmt.Fprintf(os.Stderr, "gc_alloc gc: num_gc %d, pause_total %.2f ms, pause p50 %.1f us, max %.1f us\n",
		numGC, float64(after.PauseTotalNs-before.PauseTotalNs)/1e6, pauseUs(50), pauseUs(100))
	if (*report == "pause_p50" || *report == "pause_max") && len(pauses) == 0 {
		fmt.Fprintln(os.Stderr, "gc_alloc: no collection ran: no pause to report")
		os.Exit(1)
	}
	switch *report {
	case "pause_p50":
		fmt.Printf("gc_pause_p50 %.2f us\n", pauseUs(50))
	case "pause_max":
		fmt.Printf("gc_pause_max %.2f us\n", pauseUs(100))
	default:
		fmt.Printf("gc_alloc %.2f ns/alloc\n", float64(elapsed.Nanoseconds())/float64(*n))
	}
}
