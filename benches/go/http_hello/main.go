// http_hello: an HTTP/1.1 server (net/http, a goroutine per connection) answering every
// request with "Hello, World!", loaded by `wrk -t2 -c64 -d10s` (-threads, -conns, -secs) from
// a child process. Reports wrk's Requests/sec. Before the load, one request checks the
// response; wrk must report no socket error and no non-2xx response, and the server must have
// answered at least as many requests as wrk counted.
// Twin of benches/src/bin/http_hello.rs: same flags and output line.
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
)

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "http_hello: "+format+"\n", a...)
	os.Exit(1)
}

func main() {
	flag.String("impl", "go", "accepted for symmetry with the Rust binary; ignored")
	secs := flag.Int("secs", 10, "wrk's duration in seconds")
	conns := flag.Int("conns", 64, "wrk's connections")
	threads := flag.Int("threads", 2, "wrk's threads")
	flag.Parse()

	var served atomic.Uint64
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "Hello, World!")
	}))
	url := "http://" + ln.Addr().String() + "/"

	resp, err := http.Get(url)
	if err != nil {
		fail("check: %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || string(body) != "Hello, World!" {
		fail("check: status %d, body %q, %v", resp.StatusCode, body, err)
	}
	http.DefaultClient.CloseIdleConnections()

	out, err := exec.Command("wrk", fmt.Sprintf("-t%d", *threads), fmt.Sprintf("-c%d", *conns),
		fmt.Sprintf("-d%ds", *secs), url).Output()
	if err != nil {
		fail("wrk: %v", err)
	}
	var rps float64
	var requests uint64
	haveRps, haveN := false, false
	for _, l := range strings.Split(string(out), "\n") {
		l = strings.TrimSpace(l)
		if strings.Contains(l, "Non-2xx") || strings.Contains(l, "Socket errors") {
			fail("wrk: %s", l)
		}
		if strings.HasPrefix(l, "Requests/sec:") {
			v := strings.TrimPrefix(l, "Requests/sec:")
			rps, err = strconv.ParseFloat(strings.TrimSpace(v), 64)
			haveRps = err == nil
		}
		if n, _, ok := strings.Cut(l, " requests in "); ok {
			requests, err = strconv.ParseUint(strings.TrimSpace(n), 10, 64)
			haveN = err == nil
		}
	}
	if !haveRps || !haveN {
		fail("cannot parse wrk's report: %q", out)
	}
	if got := served.Load(); got <= requests {
		fail("the server answered %d requests, wrk counted %d (+1 check)", got, requests)
	}
	fmt.Printf("http_hello %.2f req/s\n", rps)
}
