// timer_churn: -n (1,000,000) times make a Timer due in an hour and stop it. ns per make +
// stop. Checks that every stop found its timer active.
// Twin of benches/src/bin/timer_churn.rs: same constants, flags and output line.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"
)

func main() {
	flag.String("impl", "go", "accepted for symmetry with the Rust binary; ignored")
	n := flag.Uint64("n", 1000000, "timers")
	flag.Parse()

	var stopped uint64
	start := time.Now()
	for i := uint64(0); i < *n; i++ {
		t := time.NewTimer(time.Hour)
		if t.Stop() {
			stopped++
		}
	}
	elapsed := time.Since(start)
	if stopped != *n {
		fmt.Fprintln(os.Stderr, "timer_churn: a stop found its timer inactive")
		os.Exit(1)
	}
	fmt.Printf("timer_churn %.2f ns/op\n", float64(elapsed.Nanoseconds())/float64(*n))
}
