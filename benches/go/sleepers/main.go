// sleepers: -n (100,000) goroutines each sleep a pseudo-random 0..-max-ms (100) ms (the
// same xorshift sequence as the Rust twin), all started at once. -report total: ms from the
// first spawn until the last has woken and reported; p50/p99: wake-up lateness (woken −
// deadline) percentiles in µs. Checks that every goroutine reported once and none woke
// before its deadline.
// Twin of benches/src/bin/sleepers.rs: same constants, flags and output line.
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"time"
)

func main() {
	flag.String("impl", "go", "accepted for symmetry with the Rust binary; ignored")
	n := flag.Int("n", 100000, "goroutines")
	maxMs := flag.Uint64("max-ms", 100, "longest sleep in ms")
	report := flag.String("report", "total", "total, p50 or p99")
	flag.Parse()

	done := make(chan int64, *n)
	var x uint64 = 88172645463325252
	start := time.Now()
	for i := 0; i < *n; i++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		d := time.Duration(x%(*maxMs*1000+1)) * time.Microsecond
		go func() {
			deadline := time.Now().Add(d)
			time.Sleep(d)
			done <- int64(time.Since(deadline))
		}()
	}
	late := make([]int64, 0, *n)
	for i := 0; i < *n; i++ {
		late = append(late, <-done)
	}
	total := time.Since(start)
	sort.Slice(late, func(i, j int) bool { return late[i] < late[j] })
	if late[0] < 0 {
		fmt.Fprintln(os.Stderr, "sleepers: a goroutine woke early")
		os.Exit(1)
	}
	pct := func(p int) float64 { return float64(late[(len(late)-1)*p/100]) / 1000 }
	switch *report {
	case "p50":
		fmt.Printf("sleepers_late_p50 %.2f us\n", pct(50))
	case "p99":
		fmt.Printf("sleepers_late_p99 %.2f us\n", pct(99))
	default:
		fmt.Printf("sleepers_total %.2f ms\n", float64(total.Nanoseconds())/1e6)
	}
}
