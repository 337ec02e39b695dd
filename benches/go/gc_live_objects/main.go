// gc_live_objects: memory per live small object: -n (1,000,000) objects of gc_alloc's 16-byte
// struct, all held at once by a []*pair made (and written) before the first reading, after a
// runtime.GC(). -report heap (default): (HeapAlloc with all N held - before) / N; -report rss:
// (VmRSS with all N held - before) / N, which adds the collector's side tables (heap bitmap,
// span structures) and the spans not filled yet. Bytes per object. Checks that HeapObjects
// grew by at least N and every object still holds its values.
// Twin of benches/src/bin/gc_live_objects.rs: same constants, flags and output line.
package main

import (
	"flag"
	"fmt"
	"goro-benches/internal/procrss"
	"os"
	"runtime"
)

type pair struct {
	a, b uint64
}

func main() {
	flag.String("impl", "go", "accepted for symmetry with the Rust binary; ignored")
	n := flag.Int("n", 1000000, "live objects")
	report := flag.String("report", "heap", "heap or rss")
	flag.Parse()
	if *n < 1 {
		*n = 1
	}

	// The holder is written before the first reading (a fresh slice's pages are not resident
	// until touched), so only the objects count.
	held := make([]*pair, *n)
	sentinel := &pair{}
	for i := range held {
		held[i] = sentinel
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	rssBefore := procrss.VmRSSKiB()
	for i := range held {
		p := new(pair)
		p.a, p.b = uint64(i), ^uint64(i)
		held[i] = p
	}
	runtime.ReadMemStats(&after)
	rssAfter := procrss.VmRSSKiB()
	for i, p := range held {
		if p.a != uint64(i) || p.b != ^p.a {
			fmt.Fprintf(os.Stderr, "gc_live_objects: object %d was overwritten (%d, %d)\n", i, p.a, p.b)
			os.Exit(1)
		}
	}
	if after.HeapObjects < before.HeapObjects+uint64(*n) {
		fmt.Fprintf(os.Stderr, "gc_live_objects: HeapObjects grew by %d, not N\n", after.HeapObjects-before.HeapObjects)
		os.Exit(1)
	}
	runtime.KeepAlive(held)

	heap := float64(int64(after.HeapAlloc-before.HeapAlloc)) / float64(*n)
	rss := float64(int64(rssAfter-rssBefore)) * 1024 / float64(*n)
	fmt.Fprintf(os.Stderr, "gc_live_objects: heap %.2f B/object, rss %.2f B/object\n", heap, rss)
	if *report == "rss" {
		fmt.Printf("gc_rss_per_object %.2f B\n", rss)
	} else {
		fmt.Printf("gc_bytes_per_object %.2f B\n", heap)
	}
}
