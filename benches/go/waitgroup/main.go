// waitgroup: -rounds (1,000) rounds of wg.Add(1000), 1,000 goroutines that each call
// wg.Done(), wg.Wait(). Reports µs per round; each Wait must see all 1,000 Dones.
// Twin of benches/src/bin/waitgroup.rs: same constants, flags and output line.
package main

import (
	"flag"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

const goroutines = 1000

func main() {
	flag.String("impl", "go", "accepted for symmetry with the Rust binary; ignored")
	rounds := flag.Uint64("rounds", 1000, "rounds of 1000 goroutines")
	flag.Parse()

	var wg sync.WaitGroup
	var done atomic.Uint64
	start := time.Now()
	for r := uint64(1); r <= *rounds; r++ {
		wg.Add(goroutines)
		for i := 0; i < goroutines; i++ {
			go func() {
				done.Add(1)
				wg.Done()
			}()
		}
		wg.Wait()
		if done.Load() != r*goroutines {
			fmt.Fprintf(os.Stderr, "waitgroup: wait returned before every done\n")
			os.Exit(1)
		}
	}
	elapsed := time.Since(start)
	fmt.Printf("waitgroup_1000 %.2f us/round\n", float64(elapsed.Nanoseconds())/1e3/float64(*rounds))
}
