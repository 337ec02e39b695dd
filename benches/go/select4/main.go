// select4: one receiver selects over 4 unbuffered channels (-cap 0), each fed by its own
// sender goroutine; sender k sends its quarter of 0..N and closes its channel, and the
// receiver sets a closed channel to nil, until all four are. Reports wall time per message,
// on the default GOMAXPROCS. The count and sum are checked, and every channel must have
// delivered exactly its quarter.
// Twin of benches/src/bin/select4.rs: same constants, flags and output line.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"
)

const k = 4 // channels and senders

func main() {
	flag.String("impl", "go", "accepted for symmetry with the Rust binary; ignored")
	n := flag.Uint64("n", 2000000, "messages, a multiple of 4")
	capacity := flag.Int("cap", 0, "buffer of each channel")
	flag.Parse()
	if *n%k != 0 {
		fmt.Fprintf(os.Stderr, "select4: -n must be a multiple of %d\n", k)
		os.Exit(2)
	}

	var cs [k]chan uint64
	for j := range cs {
		cs[j] = make(chan uint64, *capacity)
	}
	per := *n / k
	start := time.Now()
	for j := range cs {
		go func(j uint64, c chan uint64) {
			for i := j * per; i < (j+1)*per; i++ {
				c <- i
			}
			close(c)
		}(uint64(j), cs[j])
	}
	var count [k]uint64
	var sum uint64
	c0, c1, c2, c3 := cs[0], cs[1], cs[2], cs[3]
	for open := k; open > 0; {
		select {
		case v, ok := <-c0:
			if !ok {
				c0 = nil
				open--
				continue
			}
			count[0]++
			sum += v
		case v, ok := <-c1:
			if !ok {
				c1 = nil
				open--
				continue
			}
			count[1]++
			sum += v
		case v, ok := <-c2:
			if !ok {
				c2 = nil
				open--
				continue
			}
			count[2]++
			sum += v
		case v, ok := <-c3:
			if !ok {
				c3 = nil
				open--
				continue
			}
			count[3]++
			sum += v
		}
	}
	elapsed := time.Since(start)

	for j, c := range count {
		if c != per {
			fmt.Fprintf(os.Stderr, "select4: channel %d lost or duplicated messages: %d of %d\n", j, c, per)
			os.Exit(1)
		}
	}
	if want := *n * (*n - 1) / 2; *n > 0 && sum != want {
		fmt.Fprintf(os.Stderr, "select4: wrong sum: got %d, want %d\n", sum, want)
		os.Exit(1)
	}
	fmt.Printf("select4 %.2f ns/msg\n", float64(elapsed.Nanoseconds())/float64(*n))
}
