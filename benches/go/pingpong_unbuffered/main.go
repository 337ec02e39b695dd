// pingpong_unbuffered: a value goes back and forth N times over two unbuffered channels, ping
// and pong, between main and an echo goroutine that answers v+1; on -procs Ps (GOMAXPROCS).
// Reports wall time per round trip. Main checks every answer, and the last value must be N.
// Twin of benches/src/bin/pingpong_unbuffered.rs: same constants, flags and output line.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"
)

func main() {
	flag.String("impl", "go", "accepted for symmetry with the Rust binary; ignored")
	n := flag.Uint64("n", 1000000, "round trips")
	procs := flag.Int("procs", 1, "GOMAXPROCS: Ps, workers or CPUs")
	flag.Parse()
	if *procs < 1 {
		*procs = 1
	}
	runtime.GOMAXPROCS(*procs)

	ping, pong := make(chan uint64), make(chan uint64)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
	}()
	start := time.Now()
	v := uint64(0)
	for i := uint64(0); i < *n; i++ {
		ping <- v
		w := <-pong
		if w != v+1 {
			fmt.Fprintf(os.Stderr, "pingpong_unbuffered: wrong answer: sent %d, got %d\n", v, w)
			os.Exit(1)
		}
		v = w
	}
	elapsed := time.Since(start)
	close(ping)

	if v != *n {
		fmt.Fprintf(os.Stderr, "pingpong_unbuffered: lost or duplicated a message: %d of %d\n", v, *n)
		os.Exit(1)
	}
	fmt.Printf("pingpong_unbuffered_p%d %.2f ns/roundtrip\n", *procs,
		float64(elapsed.Nanoseconds())/float64(*n))
}
