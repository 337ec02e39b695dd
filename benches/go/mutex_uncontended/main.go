// mutex_uncontended: one goroutine locks and unlocks a sync.Mutex N times, incrementing the
// counter it guards. Reports ns per lock/unlock pair; the counter must come out at N.
// Twin of benches/src/bin/mutex_uncontended.rs: same constants, flags and output line.
package main

import (
	"flag"
	"fmt"
	"os"
	"sync"
	"time"
)

func main() {
	flag.String("impl", "go", "accepted for symmetry with the Rust binary; ignored")
	n := flag.Uint64("n", 10000000, "lock/unlock pairs")
	flag.Parse()

	var mu sync.Mutex
	count := uint64(0)
	start := time.Now()
	for i := uint64(0); i < *n; i++ {
		mu.Lock()
		count++
		mu.Unlock()
	}
	elapsed := time.Since(start)
	if count != *n {
		fmt.Fprintf(os.Stderr, "mutex_uncontended: lost an increment: %d of %d\n", count, *n)
		os.Exit(1)
	}
	fmt.Printf("mutex_uncontended %.2f ns/op\n", float64(elapsed.Nanoseconds())/float64(*n))
}
