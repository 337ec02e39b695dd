// select_timeout: -n (1,000,000) iterations of a select between a channel that holds a
// value and time.After(1 h), which never fires: the cost of a timeout that is armed and
// abandoned each time. ns per iteration. Checks that every value came through the channel.
// Twin of benches/src/bin/select_timeout.rs: same constants, flags and output line.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"
)

func main() {
	flag.String("impl", "go", "accepted for symmetry with the Rust binary; ignored")
	n := flag.Uint64("n", 1000000, "iterations")
	flag.Parse()

	ch := make(chan uint64, 1)
	var sum uint64
	start := time.Now()
	for i := uint64(0); i < *n; i++ {
		ch <- i
		select {
		case v := <-ch:
			sum += v
		case <-time.After(time.Hour):
			panic("timed out")
		}
	}
	elapsed := time.Since(start)
	if *n > 0 && sum != *n*(*n-1)/2 {
		fmt.Fprintln(os.Stderr, "select_timeout: wrong sum")
		os.Exit(1)
	}
	fmt.Printf("select_timeout %.2f ns/iter\n", float64(elapsed.Nanoseconds())/float64(*n))
}
