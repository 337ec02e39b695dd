// ticker: a Ticker of -period-us (1000) µs read by one goroutine for -ms (1000) ms. Ticks
// delivered (at most ms × 1000 / period-us; missed ones are dropped). Checks that some
// ticks came, and no more than the ticker can have sent by the time the loop ended (a tick
// that comes after the deadline may still win a select against it, more than once if the
// reader is late).
// Twin of benches/src/bin/ticker.rs: same constants, flags and output line.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"
)

func main() {
	flag.String("impl", "go", "accepted for symmetry with the Rust binary; ignored")
	periodUs := flag.Uint64("period-us", 1000, "ticker period in µs")
	ms := flag.Uint64("ms", 1000, "how long to read in ms")
	flag.Parse()

	start := time.Now()
	ticker := time.NewTicker(time.Duration(*periodUs) * time.Microsecond)
	end := time.After(time.Duration(*ms) * time.Millisecond)
	var ticks uint64
loop:
	for {
		select {
		case <-ticker.C:
			ticks++
		case <-end:
			break loop
		}
	}
	ticker.Stop()
	elapsed := time.Since(start)
	// Tick k is sent k periods after the ticker started, which was after start: by
	// elapsed, at most elapsed / period were.
	most := uint64(elapsed.Microseconds()) / *periodUs
	if ticks == 0 || ticks > most {
		fmt.Fprintf(os.Stderr, "ticker: %d ticks, at most %d in %v\n", ticks, most, elapsed)
		os.Exit(1)
	}
	fmt.Printf("ticker %.2f ticks\n", float64(ticks))
}
