// mpmc: 4 sender goroutines and 4 receiver goroutines share one channel with a buffer of -cap
// (1024: mpmc_buffered; 0: mpmc_unbuffered). Sender k sends its quarter of 0..N, then reports
// on done; once all four have, main closes the channel. Each receiver counts and sums what it
// got until the channel is closed and reports its tally on results. Reports wall time per
// message, on the default GOMAXPROCS. Every message is counted: the tallies must add up to N
// messages summing to N(N-1)/2.
// Twin of benches/src/bin/mpmc.rs: same constants, flags and output line.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"
)

const (
	senders   = 4
	receivers = 4
)

type tally struct{ count, sum uint64 }

func main() {
	flag.String("impl", "go", "accepted for symmetry with the Rust binary; ignored")
	n := flag.Uint64("n", 4000000, "messages, a multiple of 4")
	capacity := flag.Int("cap", 1024, "channel buffer: 1024 (mpmc_buffered) or 0 (mpmc_unbuffered)")
	flag.Parse()
	if *n%senders != 0 {
		fmt.Fprintf(os.Stderr, "mpmc: -n must be a multiple of %d\n", senders)
		os.Exit(2)
	}

	ch := make(chan uint64, *capacity)
	done := make(chan struct{}, senders)
	results := make(chan tally, receivers)
	per := *n / senders
	start := time.Now()
	for k := uint64(0); k < senders; k++ {
		go func(k uint64) {
			for i := k * per; i < (k+1)*per; i++ {
				ch <- i
			}
			done <- struct{}{}
		}(k)
	}
	for r := 0; r < receivers; r++ {
		go func() {
			var t tally
			for v := range ch {
				t.count++
				t.sum += v
			}
			results <- t
		}()
	}
	for k := 0; k < senders; k++ {
		<-done
	}
	close(ch)
	var total tally
	for r := 0; r < receivers; r++ {
		t := <-results
		total.count += t.count
		total.sum += t.sum
	}
	elapsed := time.Since(start)

	if total.count != *n {
		fmt.Fprintf(os.Stderr, "mpmc: lost or duplicated messages: %d of %d\n", total.count, *n)
		os.Exit(1)
	}
	if want := *n * (*n - 1) / 2; *n > 0 && total.sum != want {
		fmt.Fprintf(os.Stderr, "mpmc: wrong sum: got %d, want %d\n", total.sum, want)
		os.Exit(1)
	}
	name := "mpmc_buffered"
	if *capacity == 0 {
		name = "mpmc_unbuffered"
	}
	fmt.Printf("%s %.2f ns/msg\n", name, float64(elapsed.Nanoseconds())/float64(*n))
}
