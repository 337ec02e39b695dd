// semaphore: 16 goroutines (on every CPU) share a weighted semaphore of 4 units; of -n
// (2,000,000) acquire(1)/release(1) pairs in all, each does its share, counting how many
// hold a unit at once. Reports wall time per pair; never more than 4 may hold one.
// Twin of benches/src/bin/semaphore.rs: same constants, flags and output line.
//
// The semaphore is golang.org/x/sync/semaphore's Weighted algorithm (without contexts),
// written out here because this module has no dependencies: a mutex, the units held, and a
// FIFO of waiters, each with a channel closed when its request is granted; a release grants
// from the head while requests fit and stops at the first that does not.
package main

import (
	"container/list"
	"flag"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

const (
	workers = 16
	units   = 4
)

type waiter struct {
	n     int64
	ready chan struct{}
}

type weighted struct {
	size    int64
	cur     int64
	mu      sync.Mutex
	waiters list.List
}

func (s *weighted) acquire(n int64) {
	s.mu.Lock()
	if s.size-s.cur >= n && s.waiters.Len() == 0 {
		s.cur += n
		s.mu.Unlock()
		return
	}
	w := waiter{n: n, ready: make(chan struct{})}
	s.waiters.PushBack(w)
	s.mu.Unlock()
	<-w.ready
}

func (s *weighted) release(n int64) {
	s.mu.Lock()
	s.cur -= n
	if s.cur < 0 {
		s.mu.Unlock()
		panic("semaphore: released more than held")
	}
	for {
		front := s.waiters.Front()
		if front == nil {
			break
		}
		w := front.Value.(waiter)
		if s.size-s.cur < w.n {
			break
		}
		s.cur += w.n
		s.waiters.Remove(front)
		close(w.ready)
	}
	s.mu.Unlock()
}

func main() {
	flag.String("impl", "go", "accepted for symmetry with the Rust binary; ignored")
	n := flag.Uint64("n", 2000000, "acquire/release pairs in all")
	flag.Parse()
	each := *n / workers

	sem := &weighted{size: units}
	var now, peak, pairs atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := uint64(0); i < each; i++ {
				sem.acquire(1)
				c := now.Add(1)
				for {
					p := peak.Load()
					if c <= p || peak.CompareAndSwap(p, c) {
						break
					}
				}
				pairs.Add(1)
				now.Add(-1)
				sem.release(1)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if peak.Load() > units {
		fmt.Fprintf(os.Stderr, "semaphore: over-granted: %d holders\n", peak.Load())
		os.Exit(1)
	}
	if uint64(pairs.Load()) != each*workers {
		fmt.Fprintf(os.Stderr, "semaphore: lost a pair\n")
		os.Exit(1)
	}
	fmt.Printf("semaphore_contended %.2f ns/op\n", float64(elapsed.Nanoseconds())/float64(each*workers))
}
