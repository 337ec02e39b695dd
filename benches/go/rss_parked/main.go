// rss_parked: N goroutines parked at once, each blocked on `<-ch`; reports resident memory
// per parked goroutine, (VmRSS with all N parked - VmRSS before spawning them) / N, in KiB.
// Then close(ch) releases them all and the count of those that ran to their end is checked.
// Twin of benches/src/bin/rss_parked.rs: same constants, flags and output line.
package main

import (
	"flag"
	"fmt"
	"goro-benches/internal/procrss"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
)

func main() {
	flag.String("impl", "go", "accepted for symmetry with the Rust binary; ignored")
	n := flag.Uint64("n", 100000, "goroutines parked at once")
	flag.Parse()
	if *n == 0 {
		fmt.Fprintln(os.Stderr, "rss_parked: -n must be positive")
		os.Exit(2)
	}

	ch := make(chan struct{})
	var arrived, released atomic.Uint64
	var wg sync.WaitGroup
	before := procrss.VmRSSKiB()
	wg.Add(int(*n))
	for i := uint64(0); i < *n; i++ {
		go func() {
			arrived.Add(1)
			<-ch
			released.Add(1)
			wg.Done()
		}()
	}
	// arrived is bumped just before `<-ch`: at most one goroutine per P is between the two.
	for arrived.Load() < *n {
		runtime.Gosched()
	}
	parked := procrss.VmRSSKiB()
	close(ch)
	wg.Wait()

	if got := released.Load(); got != *n {
		fmt.Fprintf(os.Stderr, "rss_parked: %d of %d goroutines released\n", got, *n)
		os.Exit(1)
	}
	grown := uint64(0)
	if parked > before {
		grown = parked - before
	}
	fmt.Printf("rss_parked_%d %.2f KiB/goroutine\n", *n, float64(grown)/float64(*n))
}
