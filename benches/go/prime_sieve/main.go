// prime_sieve: the concurrent prime sieve of Go's tour and spec: a generator goroutine sends
// 2, 3, 4, … on an unbuffered channel; main takes a prime from the head of the chain and
// puts a filter goroutine for it behind, -n (5,000) times. Reports the total wall time in ms,
// on the default GOMAXPROCS. The last prime must be the -n-th prime (48611 for 5,000),
// checked by trial division after the clock stops.
// Twin of benches/src/bin/prime_sieve.rs: same constants, flags and output line.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"
)

func generate(ch chan<- uint64) {
	for i := uint64(2); ; i++ {
		ch <- i
	}
}

func filter(in <-chan uint64, out chan<- uint64, prime uint64) {
	for i := range in {
		if i%prime != 0 {
			out <- i
		}
	}
}

// nthPrime is the n-th prime by trial division: the answer the sieve must give.
func nthPrime(n uint64) uint64 {
	var found uint64
	for c := uint64(2); ; c++ {
		prime := true
		for d := uint64(2); d*d <= c; d++ {
			if c%d == 0 {
				prime = false
				break
			}
		}
		if prime {
			found++
			if found == n {
				return c
			}
		}
	}
}

func main() {
	flag.String("impl", "go", "accepted for symmetry with the Rust binary; ignored")
	n := flag.Uint64("n", 5000, "primes")
	flag.Parse()
	if *n < 1 {
		*n = 1
	}

	start := time.Now()
	ch := make(chan uint64)
	go generate(ch)
	var prime uint64
	for i := uint64(0); i < *n; i++ {
		prime = <-ch
		ch1 := make(chan uint64)
		go filter(ch, ch1, prime)
		ch = ch1
	}
	elapsed := time.Since(start)

	if want := nthPrime(*n); prime != want {
		fmt.Fprintf(os.Stderr, "prime_sieve: prime %d is %d, got %d\n", *n, want, prime)
		os.Exit(1)
	}
	fmt.Printf("prime_sieve %.2f ms\n", float64(elapsed.Nanoseconds())/1e6)
}
