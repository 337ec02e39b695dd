// spawn_join: spawn and join N goroutines, -batch in flight at a time; each returns a small
// value and the sum is checked. Reports the wall time per goroutine.
// Twin of benches/src/bin/spawn_join.rs: same constants, flags and output line.
package main

import (
	"flag"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// work is what each goroutine computes from its index.
func work(i uint64) uint64 { return i*3 + 1 }

// expected is the sum of work(i) for i in 0..n.
func expected(n uint64) uint64 {
	if n == 0 {
		return 0
	}
	return 3*(n*(n-1)/2) + n
}

func main() {
	flag.String("impl", "go", "accepted for symmetry with the Rust binary; ignored")
	n := flag.Uint64("n", 1000000, "goroutines to spawn and join")
	batch := flag.Uint64("batch", 10000, "goroutines spawned before joining them")
	flag.Parse()
	if *batch == 0 {
		*batch = 1
	}

	var sum atomic.Uint64
	var wg sync.WaitGroup
	start := time.Now()
	for base := uint64(0); base < *n; base += *batch {
		end := base + *batch
		if end > *n {
			end = *n
		}
		wg.Add(int(end - base))
		for i := base; i < end; i++ {
			go func(i uint64) {
				sum.Add(work(i))
				wg.Done()
			}(i)
		}
		wg.Wait()
	}
	elapsed := time.Since(start)

	if got, want := sum.Load(), expected(*n); got != want {
		fmt.Fprintf(os.Stderr, "spawn_join: wrong sum: got %d, want %d\n", got, want)
		os.Exit(1)
	}
	name := "spawn_join"
	if *batch >= *n {
		name = "spawn_join_held" // every goroutine spawned before any is joined
	}
	fmt.Printf("%s %.2f ns/goroutine\n", name, float64(elapsed.Nanoseconds())/float64(*n))
}
