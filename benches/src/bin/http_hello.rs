//! http_hello: an HTTP/1.1 keep-alive server answering every request with `Hello, World!`,
//! loaded by `wrk -t2 -c64 -d10s` (`--threads`, `--conns`, `--secs`) from a child process.
//! Reports wrk's `Requests/sec` (higher is better). Before the load, one request checks the
//! response byte for byte; wrk must report no socket error and no non-2xx response, and the
//! server must have answered at least as many requests as wrk counted.
//! Twin: go/http_hello/main.go (`net/http`, whose server runs a goroutine per connection).
//!
//! The goro server is a hand-rolled keep-alive loop over `goro::net`, a goroutine per
//! connection: read, answer every complete request in the buffer (a request ends at its
//! blank line; wrk's GETs have no body), write the answers at once. The tokio peer is the
//! same loop over `tokio::net`, a task per connection, on the multi-thread runtime with 2
//! workers (hand-rolled rather than hyper, so goro and tokio run the same server code; Go's
//! `net/http` does more per request: header map, `Date`, content sniffing). wrk shares the
//! machine's CPUs with the server.

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use goro_benches::args::{Flags, Impl};
use goro_benches::{report, wrk};

const SECS: u32 = 10;
const CONNS: u32 = 64;
const THREADS: u32 = 2;
const TOKIO_WORKERS: usize = 2;

/// The one response, as `net/http` would send it minus its `Date` header.
const RESPONSE: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\
Content-Type: text/plain; charset=utf-8\r\n\r\nHello, World!";
const BODY: &str = "Hello, World!";

const FLAGS: &[(&str, &str)] = &[
    ("impl", "goro or tokio (default goro)"),
    ("secs", "wrk's duration in seconds (default 10)"),
    ("conns", "wrk's connections (default 64)"),
    ("threads", "wrk's threads (default 2)"),
];

fn main() {
    let flags = Flags::parse(FLAGS);
    let load = Load {
        secs: flags.get("secs", SECS),
        conns: flags.get("conns", CONNS),
        threads: flags.get("threads", THREADS),
    };
    let (res, served) = match flags.imp() {
        Impl::Goro => goro_run(load),
        Impl::Tokio => tokio_run(load),
        imp => flags.not_applicable(imp, "no network API"),
    };
    let rep = res.unwrap_or_else(|e| {
        eprintln!("http_hello: {e}");
        std::process::exit(1)
    });
    assert!(
        served > rep.requests,
        "http_hello: the server answered {served} requests, wrk counted {} (+1 check)",
        rep.requests
    );
    report::line("http_hello", rep.requests_per_sec, "req/s");
}

#[derive(Clone, Copy)]
struct Load {
    secs: u32,
    conns: u32,
    threads: u32,
}

/// One GET over a plain blocking socket; the response must be exactly [`RESPONSE`]. Then wrk.
fn check_then_load(addr: SocketAddr, load: Load) -> Result<wrk::WrkReport, String> {
    let mut s = std::net::TcpStream::connect(addr).map_err(|e| format!("check: {e}"))?;
    s.write_all(b"GET / HTTP/1.1\r\nHost: bench\r\n\r\n")
        .map_err(|e| format!("check: {e}"))?;
    let mut got = vec![0; RESPONSE.len()];
    s.read_exact(&mut got).map_err(|e| format!("check: {e}"))?;
    if got != RESPONSE || !got.ends_with(BODY.as_bytes()) {
        return Err(format!(
            "check: wrong response {:?}",
            String::from_utf8_lossy(&got)
        ));
    }
    drop(s);
    wrk::run(addr, load.threads, load.conns, load.secs)
}

/// The requests complete in `buf`: appends one response per request to `out`; returns the
/// bytes consumed and the number of requests.
fn answer(buf: &[u8], out: &mut Vec<u8>) -> (usize, u64) {
    let (mut used, mut n) = (0, 0);
    while let Some(end) = buf[used..].windows(4).position(|w| w == b"\r\n\r\n") {
        used += end + 4;
        n += 1;
        out.extend_from_slice(RESPONSE);
    }
    (used, n)
}

const BUF: usize = 4096;

/// One connection's keep-alive loop, until end of stream or an error (wrk drops its
/// connections at the end, possibly mid-request).
fn serve<C: Read + Write>(mut conn: C, served: &AtomicU64) {
    let mut buf = vec![0; BUF];
    let mut have = 0;
    let mut out = Vec::with_capacity(BUF);
    loop {
        match conn.read(&mut buf[have..]) {
            Ok(0) | Err(_) => return,
            Ok(k) => have += k,
        }
        let (used, n) = answer(&buf[..have], &mut out);
        buf.copy_within(used..have, 0);
        have -= used;
        if have == BUF {
            return; // a request larger than the buffer: not wrk's
        }
        if n > 0 {
            served.fetch_add(n, Ordering::Relaxed);
            if conn.write_all(&out).is_err() {
                return;
            }
            out.clear();
        }
    }
}

fn goro_run(load: Load) -> (Result<wrk::WrkReport, String>, u64) {
    use goro::net::TcpListener;
    goro::run(move || {
        let ln = TcpListener::bind("127.0.0.1:0").expect("listen");
        let addr = ln.local_addr().expect("local_addr");
        let served = Arc::new(AtomicU64::new(0));
        {
            let (ln, served) = (ln.clone(), served.clone());
            drop(goro::spawn(move || {
                while let Ok((s, _)) = ln.accept() {
                    let served = served.clone();
                    drop(goro::spawn(move || serve(s, &served)));
                }
            }));
        }
        // wrk and the check block: off the goroutine's thread, as Go's os/exec.
        let res = goro::runtime::syscall(|| check_then_load(addr, load));
        ln.close();
        (res, served.load(Ordering::Relaxed))
    })
}

fn tokio_run(load: Load) -> (Result<wrk::WrkReport, String>, u64) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(TOKIO_WORKERS)
        .enable_io()
        .build()
        .expect("tokio runtime");
    let served = Arc::new(AtomicU64::new(0));
    let served2 = served.clone();
    let res = rt.block_on(async move {
        let ln = TcpListener::bind("127.0.0.1:0").await.expect("listen");
        let addr = ln.local_addr().expect("local_addr");
        let acceptor = tokio::spawn(async move {
            while let Ok((mut s, _)) = ln.accept().await {
                s.set_nodelay(true).expect("nodelay");
                let served = served2.clone();
                tokio::spawn(async move {
                    let mut buf = vec![0; BUF];
                    let mut have = 0;
                    let mut out = Vec::with_capacity(BUF);
                    loop {
                        match s.read(&mut buf[have..]).await {
                            Ok(0) | Err(_) => return,
                            Ok(k) => have += k,
                        }
                        let (used, n) = answer(&buf[..have], &mut out);
                        buf.copy_within(used..have, 0);
                        have -= used;
                        if have == BUF {
                            return;
                        }
                        if n > 0 {
                            served.fetch_add(n, Ordering::Relaxed);
                            if s.write_all(&out).await.is_err() {
                                return;
                            }
                            out.clear();
                        }
                    }
                });
            }
        });
        let res = tokio::task::spawn_blocking(move || check_then_load(addr, load))
            .await
            .expect("wrk thread");
        acceptor.abort();
        res
    });
    drop(rt);
    (res, served.load(Ordering::Relaxed))
}
