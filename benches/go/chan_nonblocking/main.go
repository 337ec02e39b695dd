// chan_nonblocking: Go's BenchmarkChanNonblocking and BenchmarkChanClosed (runtime/
// chan_test.go) as one program. One goroutine per CPU (GOMAXPROCS) runs its share of -n
// (20,000,000) one-case selects with a default: on an unbuffered channel nobody sends to
// (-closed=false: every select takes the default), or on a closed one (-closed: every
// select receives the zero value at once). Reports wall time per select; the count of
// defaults (or of receives) must be -n.
// Twin of benches/src/bin/chan_nonblocking.rs: same constants, flags and output line.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	flag.String("impl", "go", "accepted for symmetry with the Rust binary; ignored")
	n := flag.Uint64("n", 20000000, "selects in all")
	// A string, not flag.Bool: the runner passes "--closed true", as to the Rust binary.
	closedArg := flag.String("closed", "false", "true: select on a closed channel instead of an idle one")
	flag.Parse()
	closed := new(bool)
	*closed = *closedArg == "true"

	workers := uint64(runtime.GOMAXPROCS(0))
	each := *n / workers
	myc := make(chan int)
	if *closed {
		close(myc)
	}
	var hits atomic.Uint64
	var wg sync.WaitGroup
	start := time.Now()
	for w := uint64(0); w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got := uint64(0)
			for i := uint64(0); i < each; i++ {
				select {
				case <-myc:
					if *closed {
						got++
					}
				default:
					if !*closed {
						got++
					}
				}
			}
			hits.Add(got)
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if hits.Load() != each*workers {
		fmt.Fprintf(os.Stderr, "chan_nonblocking: %d of %d selects went the expected way\n", hits.Load(), each*workers)
		os.Exit(1)
	}
	name := "chan_nonblocking"
	if *closed {
		name = "chan_closed"
	}
	fmt.Printf("%s %.2f ns/op\n", name, float64(elapsed.Nanoseconds())/float64(each*workers))
}
