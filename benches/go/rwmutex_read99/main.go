// rwmutex_read99: 4 goroutines (on every CPU) share a table under one sync.RWMutex; of -n
// (4,000,000) operations in all, 99% read a slot under RLock and 1% bump it under Lock.
// Reports wall time per operation; the slots must add up to the number of writes.
// Twin of benches/src/bin/rwmutex_read99.rs: same constants, flags and output line.
package main

import (
	"flag"
	"fmt"
	"os"
	"sync"
	"time"
)

const (
	workers = 4
	slots   = 64
)

func writes(i uint64) bool { return i%100 == 0 }

func main() {
	flag.String("impl", "go", "accepted for symmetry with the Rust binary; ignored")
	n := flag.Uint64("n", 4000000, "operations in all")
	flag.Parse()
	each := *n / workers

	var mu sync.RWMutex
	var table [slots]uint64
	var seenMu sync.Mutex
	seen := uint64(0)
	var wg sync.WaitGroup
	start := time.Now()
	for w := uint64(0); w < workers; w++ {
		wg.Add(1)
		go func(w uint64) {
			defer wg.Done()
			acc := uint64(0)
			for i := uint64(0); i < each; i++ {
				slot := (i + w) % slots
				if writes(i) {
					mu.Lock()
					table[slot]++
					mu.Unlock()
				} else {
					mu.RLock()
					acc += table[slot]
					mu.RUnlock()
				}
			}
			seenMu.Lock()
			seen += acc
			seenMu.Unlock()
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	sum, want := uint64(0), uint64(0)
	for _, v := range table {
		sum += v
	}
	for i := uint64(0); i < each; i++ {
		if writes(i) {
			want += workers
		}
	}
	if sum != want {
		fmt.Fprintf(os.Stderr, "rwmutex_read99: lost a write: %d of %d\n", sum, want)
		os.Exit(1)
	}
	_ = seen
	fmt.Printf("rwmutex_read99 %.2f ns/op\n", float64(elapsed.Nanoseconds())/float64(each*workers))
}
