// tcp_echo: -conns (64) TCP connections over loopback, client and server in this one process,
// each client sending a -size (64) byte message and waiting for its echo, -n round trips in
// all, spread evenly over the connections. The server is an accept loop with a goroutine per
// connection that writes back what it reads; each client is a goroutine of its own. Reports
// wall time / N in ns per round trip. The connections are dialled before the clock starts.
// Every client checks every echo; the server counts the round trips it echoed.
// Twin of benches/src/bin/tcp_echo.rs: same constants, flags and output line.
package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// message is connection c's round r: both numbers, then filler.
func message(c, r uint64, size int) []byte {
	m := bytes.Repeat([]byte{0xa5}, size)
	binary.LittleEndian.PutUint64(m[:8], c)
	binary.LittleEndian.PutUint64(m[8:16], r)
	return m
}

func main() {
	flag.String("impl", "go", "accepted for symmetry with the Rust binary; ignored")
	n := flag.Uint64("n", 128000, "round trips in all")
	conns := flag.Uint64("conns", 64, "connections, each with its client goroutine")
	size := flag.Int("size", 64, "message bytes, at least 16")
	flag.Parse()
	if *conns == 0 || *n < *conns || *size < 16 {
		fmt.Fprintln(os.Stderr, "tcp_echo: need 0 < -conns <= -n and -size >= 16")
		os.Exit(2)
	}
	rounds := *n / *conns

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	var echoed atomic.Uint64
	var servers sync.WaitGroup
	servers.Add(int(*conns))
	go func() {
		for i := uint64(0); i < *conns; i++ {
			c, err := ln.Accept()
			if err != nil {
				panic(err)
			}
			go func(c net.Conn) {
				defer servers.Done()
				buf := make([]byte, *size)
				for {
					if _, err := io.ReadFull(c, buf); err != nil {
						if errors.Is(err, io.EOF) {
							return
						}
						panic(err)
					}
					if _, err := c.Write(buf); err != nil {
						panic(err)
					}
					echoed.Add(1)
				}
			}(c)
		}
	}()
	streams := make([]net.Conn, *conns)
	for i := range streams {
		if streams[i], err = net.Dial("tcp", ln.Addr().String()); err != nil {
			panic(err)
		}
	}

	var done atomic.Uint64
	var clients sync.WaitGroup
	clients.Add(len(streams))
	start := time.Now()
	for i, s := range streams {
		go func(c uint64, s net.Conn) {
			defer clients.Done()
			buf := make([]byte, *size)
			for r := uint64(0); r < rounds; r++ {
				m := message(c, r, *size)
				if _, err := s.Write(m); err != nil {
					panic(err)
				}
				if _, err := io.ReadFull(s, buf); err != nil {
					panic(err)
				}
				if !bytes.Equal(buf, m) {
					fmt.Fprintf(os.Stderr, "tcp_echo: conn %d round %d: wrong echo\n", c, r)
					os.Exit(1)
				}
			}
			done.Add(rounds)
			s.Close()
		}(uint64(i), s)
	}
	clients.Wait()
	elapsed := time.Since(start)
	servers.Wait()

	total := *conns * rounds
	if d, e := done.Load(), echoed.Load(); d != total || e != total {
		fmt.Fprintf(os.Stderr, "tcp_echo: clients completed %d, server echoed %d, of %d\n", d, e, total)
		os.Exit(1)
	}
	fmt.Printf("tcp_echo %.2f ns/roundtrip\n", float64(elapsed.Nanoseconds())/float64(total))
}
