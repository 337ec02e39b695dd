// ticker: a Ticker of -period-us (1000) µs read by one goroutine for -ms (1000) ms. Ticks
// delivered (at most ms × 1000 / period-us; missed ones are dropped). Checks that some
// ticks came and at most one more than the period allows (a late tick may win the last select).
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
	// One more than the period allows can come: when the deadline and a late tick are
	// both ready, select picks either, and the ticker started first.
	most := *ms*1000 / *periodUs + 1
	if ticks == 0 || ticks > most {
		fmt.Fprintf(os.Stderr, "ticker: %d ticks, at most %d\n", ticks, most)
		os.Exit(1)
	}
	fmt.Printf("ticker %.2f ticks\n", float64(ticks))
}
