// spsc_buffered: one goroutine sends 0..N on a channel with a buffer of -cap (1024) and closes
// it; main receives until closed (range). Reports wall time per message, on the default
// GOMAXPROCS. The count and the sum of what arrived are checked.
// Twin of benches/src/bin/spsc_buffered.rs: same constants, flags and output line.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"
)

func main() {
	flag.String("impl", "go", "accepted for symmetry with the Rust binary; ignored")
	n := flag.Uint64("n", 10000000, "messages")
	capacity := flag.Int("cap", 1024, "channel buffer")
	flag.Parse()

	ch := make(chan uint64, *capacity)
	start := time.Now()
	go func() {
		for i := uint64(0); i < *n; i++ {
			ch <- i
		}
		close(ch)
	}()
	var count, sum uint64
	for v := range ch {
		count++
		sum += v
	}
	elapsed := time.Since(start)

	if count != *n {
		fmt.Fprintf(os.Stderr, "spsc_buffered: lost or duplicated messages: %d of %d\n", count, *n)
		os.Exit(1)
	}
	if want := *n * (*n - 1) / 2; *n > 0 && sum != want {
		fmt.Fprintf(os.Stderr, "spsc_buffered: wrong sum: got %d, want %d\n", sum, want)
		os.Exit(1)
	}
	fmt.Printf("spsc_buffered %.2f ns/msg\n", float64(elapsed.Nanoseconds())/float64(*n))
}
