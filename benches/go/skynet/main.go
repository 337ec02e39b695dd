// skynet: the classic skynet benchmark. A goroutine for a range of size numbers starting at
// num starts -div (10) children for its tenths and sends the sum of their answers to its
// parent; a leaf (size 1) sends its number. -n (1,000,000) leaves: 1,111,111 goroutines, each
// with its own unbuffered channel to its children. Reports the total wall time in ms, on the
// default GOMAXPROCS. The answer must be N(N-1)/2 (499999500000).
// Twin of benches/src/bin/skynet.rs: same constants, flags and output line.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"
)

func skynet(c chan uint64, num, size, div uint64) {
	if size == 1 {
		c <- num
		return
	}
	rc := make(chan uint64)
	for i := uint64(0); i < div; i++ {
		sub := num + i*(size/div)
		go skynet(rc, sub, size/div, div)
	}
	var sum uint64
	for i := uint64(0); i < div; i++ {
		sum += <-rc
	}
	c <- sum
}

func main() {
	flag.String("impl", "go", "accepted for symmetry with the Rust binary; ignored")
	n := flag.Uint64("n", 1000000, "leaves, a power of -div")
	div := flag.Uint64("div", 10, "children per goroutine")
	flag.Parse()
	if *div < 2 {
		fmt.Fprintln(os.Stderr, "skynet: -div must be at least 2")
		os.Exit(2)
	}
	leaves := uint64(1)
	for leaves < *n {
		leaves *= *div
	}
	if leaves != *n {
		fmt.Fprintln(os.Stderr, "skynet: -n must be a power of -div")
		os.Exit(2)
	}

	start := time.Now()
	c := make(chan uint64)
	go skynet(c, 0, *n, *div)
	sum := <-c
	elapsed := time.Since(start)

	if want := *n * (*n - 1) / 2; sum != want {
		fmt.Fprintf(os.Stderr, "skynet: wrong sum: got %d, want %d\n", sum, want)
		os.Exit(1)
	}
	fmt.Printf("skynet %.2f ms\n", float64(elapsed.Nanoseconds())/1e6)
}
