// rss_idle_conn: resident memory per idle TCP connection. -n (10,000) connections come from
// a client in a child process (this binary again, -client ADDR); the server accepts each in a
// loop and hands it to a goroutine of its own, blocked in Read. -idle ms (2,000) after all N
// are blocked it reports (VmRSS then - VmRSS before the first connection) / N, in bytes per
// connection. Then the client exits, and every goroutine must see io.EOF.
// Twin of benches/src/bin/rss_idle_conn.rs: same constants, flags and output line.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"goro-benches/internal/procrss"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// clientMain dials addr n times, prints "ready", and holds the connections until stdin closes.
func clientMain(addr string, n uint64) {
	conns := make([]net.Conn, 0, n)
	for i := uint64(0); i < n; i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			fmt.Fprintf(os.Stderr, "dial %d: %v\n", i, err)
			os.Exit(1)
		}
		conns = append(conns, c)
	}
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin)
	for _, c := range conns {
		c.Close()
	}
}

func main() {
	flag.String("impl", "go", "accepted for symmetry with the Rust binary; ignored")
	n := flag.Uint64("n", 10000, "idle connections")
	idle := flag.Uint64("idle", 2000, "ms the connections sit idle before the measurement")
	client := flag.String("client", "", "internal: dial ADDR n times, hold the connections until stdin closes")
	flag.Parse()
	if *n == 0 {
		fmt.Fprintln(os.Stderr, "rss_idle_conn: -n must be positive")
		os.Exit(2)
	}
	if *client != "" {
		clientMain(*client, *n)
		return
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	var arrived, released atomic.Uint64
	var wg sync.WaitGroup
	wg.Add(int(*n))
	before := procrss.VmRSSKiB()
	go func() {
		for i := uint64(0); i < *n; i++ {
			c, err := ln.Accept()
			if err != nil {
				panic(err)
			}
			go func(c net.Conn) {
				defer wg.Done()
				buf := make([]byte, 64)
				arrived.Add(1)
				if k, err := c.Read(buf); k != 0 || !errors.Is(err, io.EOF) {
					fmt.Fprintf(os.Stderr, "rss_idle_conn: read %d bytes, %v\n", k, err)
					os.Exit(1)
				}
				released.Add(1)
			}(c)
		}
	}()

	cmd := exec.Command(os.Args[0], "-client", ln.Addr().String(), "-n", strconv.FormatUint(*n, 10))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		panic(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		panic(err)
	}
	if err := cmd.Start(); err != nil {
		panic(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if strings.TrimSpace(line) != "ready" {
		fmt.Fprintf(os.Stderr, "rss_idle_conn: the client failed: %q %v\n", line, err)
		os.Exit(1)
	}
	// arrived is bumped just before Read: at most one goroutine per P is between the two.
	for arrived.Load() < *n {
		runtime.Gosched()
	}
	time.Sleep(time.Duration(*idle) * time.Millisecond)
	parked := procrss.VmRSSKiB()
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		fmt.Fprintf(os.Stderr, "rss_idle_conn: client: %v\n", err)
		os.Exit(1)
	}
	wg.Wait()

	if got := released.Load(); got != *n {
		fmt.Fprintf(os.Stderr, "rss_idle_conn: %d of %d readers saw EOF\n", got, *n)
		os.Exit(1)
	}
	grown := uint64(0)
	if parked > before {
		grown = parked - before
	}
	fmt.Printf("rss_idle_conn %.2f B/conn\n", float64(grown)*1024/float64(*n))
}
