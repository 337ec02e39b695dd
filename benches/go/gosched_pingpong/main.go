// gosched_pingpong: two goroutines on one P (GOMAXPROCS(1)), each yielding N times
// (runtime.Gosched) and bumping a shared counter; reports wall time per switch (total time /
// 2N yields). Checks, as the Rust twin: after most yields the other goroutine has run, and the
// counter never moves while a goroutine runs between two yields.
// Twin of benches/src/bin/gosched_pingpong.rs: same constants, flags and output line.
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

// seen is what the players observed, summed over both.
type seen struct {
	switched   uint64 // yields after which the other player had run
	overlapped uint64 // increments that found the counter moved since this player's last look
}

func player(counter *atomic.Uint64, n uint64) seen {
	var s seen
	last := counter.Load()
	for i := uint64(0); i < n; i++ {
		before := counter.Add(1) - 1
		if before != last {
			s.overlapped++
		}
		mine := before + 1
		runtime.Gosched()
		last = counter.Load()
		if last != mine {
			s.switched++
		}
	}
	return s
}

func main() {
	flag.String("impl", "go", "accepted for symmetry with the Rust binary; ignored")
	n := flag.Uint64("n", 2000000, "yields per goroutine")
	flag.Parse()
	runtime.GOMAXPROCS(1)

	var counter atomic.Uint64
	var mu sync.Mutex
	var total seen
	var wg sync.WaitGroup
	start := time.Now()
	wg.Add(2)
	for k := 0; k < 2; k++ {
		go func() {
			defer wg.Done()
			s := player(&counter, *n)
			mu.Lock()
			total.switched += s.switched
			total.overlapped += s.overlapped
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)

	yields := 2 * *n
	if got := counter.Load(); got != yields {
		fmt.Fprintf(os.Stderr, "gosched_pingpong: lost increments: %d of %d\n", got, yields)
		os.Exit(1)
	}
	if total.switched*100 < yields*45 {
		fmt.Fprintf(os.Stderr, "gosched_pingpong: only %d of %d yields let the other goroutine run\n",
			total.switched, yields)
		os.Exit(1)
	}
	// Asynchronous preemption (sysmon, > 10 ms) looks like an overlap: allow a few.
	if total.overlapped*1000 > yields {
		fmt.Fprintf(os.Stderr, "gosched_pingpong: the two goroutines ran at once %d times on one P\n",
			total.overlapped)
		os.Exit(1)
	}
	fmt.Printf("gosched_pingpong %.2f ns/switch\n", float64(elapsed.Nanoseconds())/float64(yields))
}
