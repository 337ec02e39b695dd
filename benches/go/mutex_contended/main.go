// mutex_contended: 4 goroutines on -procs (2) Ps increment one counter under one
// sync.Mutex, -n (4,000,000) increments in all. Reports wall time per increment; the counter
// must come out at N.
// Twin of benches/src/bin/mutex_contended.rs: same constants, flags and output line.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sync"
	"time"
)

const workers = 4

func main() {
	flag.String("impl", "go", "accepted for symmetry with the Rust binary; ignored")
	n := flag.Uint64("n", 4000000, "increments in all")
	procs := flag.Int("procs", 2, "GOMAXPROCS: Ps, CPUs or workers")
	flag.Parse()
	if *procs < 1 {
		*procs = 1
	}
	runtime.GOMAXPROCS(*procs)
	each := *n / workers

	var mu sync.Mutex
	count := uint64(0)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := uint64(0); i < each; i++ {
				mu.Lock()
				count++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if count != each*workers {
		fmt.Fprintf(os.Stderr, "mutex_contended: lost an increment: %d of %d\n", count, each*workers)
		os.Exit(1)
	}
	fmt.Printf("mutex_contended_p%d %.2f ns/op\n", *procs,
		float64(elapsed.Nanoseconds())/float64(each*workers))
}
