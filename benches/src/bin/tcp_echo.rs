//! tcp_echo: `--conns` (64) TCP connections over loopback, client and server in this one
//! process, each client sending a `--size` (64) byte message and waiting for its echo, `--n`
//! (128,000) round trips in all, spread evenly over the connections. The server is an accept
//! loop with a goroutine per connection that writes back what it reads; each client is a
//! goroutine of its own. Reports wall time / N, in ns per round trip (64 in flight at once, so
//! this is the inverse of the throughput, not one round trip's latency). The connections are
//! dialled before the clock starts. Every client checks every echo byte for byte (the message
//! carries its connection and round number), and the server counts the round trips it echoed.
//! Twin: go/tcp_echo/main.go (package net, a goroutine per connection on both ends).
//!
//! Peer: tokio tasks with `tokio::net` on the multi-thread runtime with 2 workers (the
//! machine's GOMAXPROCS; goro and Go use their default, every CPU), `TCP_NODELAY` set on
//! both ends as goro and Go do by default.

use std::io::{Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use goro_benches::args::{Flags, Impl};
use goro_benches::report;

const N: u64 = 128_000; // round trips in all, as go/tcp_echo/main.go
const CONNS: u64 = 64;
const SIZE: usize = 64;
const TOKIO_WORKERS: usize = 2;

const FLAGS: &[(&str, &str)] = &[
    ("impl", "goro or tokio (default goro)"),
    ("n", "round trips in all (default 128000)"),
    (
        "conns",
        "connections, each with its client goroutine (default 64)",
    ),
    ("size", "message bytes, at least 16 (default 64)"),
];

/// The message of connection `c`'s round `r`: both numbers, then filler.
fn message(c: u64, r: u64, size: usize) -> Vec<u8> {
    let mut m = vec![0xa5; size];
    m[..8].copy_from_slice(&c.to_le_bytes());
    m[8..16].copy_from_slice(&r.to_le_bytes());
    m
}

fn main() {
    let flags = Flags::parse(FLAGS);
    let n: u64 = flags.get("n", N);
    let conns: u64 = flags.get("conns", CONNS);
    let size: usize = flags.get("size", SIZE);
    assert!(conns > 0 && n >= conns, "tcp_echo: need 0 < --conns <= --n");
    assert!(size >= 16, "tcp_echo: --size must be at least 16");
    let rounds = n / conns; // per connection; N rounded down to a multiple of conns
    let (elapsed, done, echoed) = match flags.imp() {
        Impl::Goro => goro_run(conns, rounds, size),
        Impl::Tokio => tokio_run(conns, rounds, size),
        imp => flags.not_applicable(imp, "no network API"),
    };
    let total = conns * rounds;
    assert_eq!(done, total, "tcp_echo: clients completed {done} of {total}");
    assert_eq!(echoed, total, "tcp_echo: server echoed {echoed} of {total}");
    report::line(
        "tcp_echo",
        elapsed.as_nanos() as f64 / total as f64,
        "ns/roundtrip",
    );
}

/// One client's rounds over `conn`; returns how many came back intact.
fn client<C: Read + Write>(mut conn: C, c: u64, rounds: u64, size: usize) -> u64 {
    let mut buf = vec![0; size];
    for r in 0..rounds {
        let m = message(c, r, size);
        conn.write_all(&m).expect("client write");
        conn.read_exact(&mut buf).expect("client read");
        assert_eq!(buf, m, "tcp_echo: conn {c} round {r}: wrong echo");
    }
    rounds
}

/// The server side of one connection: echo every `size`-byte message until end of stream.
fn echo<C: Read + Write>(mut conn: C, size: usize, echoed: &AtomicU64) {
    let mut buf = vec![0; size];
    loop {
        match conn.read_exact(&mut buf) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return,
            Err(e) => panic!("server read: {e}"),
        }
        conn.write_all(&buf).expect("server write");
        echoed.fetch_add(1, Ordering::Relaxed);
    }
}

fn goro_run(conns: u64, rounds: u64, size: usize) -> (Duration, u64, u64) {
    use goro::net::{TcpListener, TcpStream};
    goro::run(move || {
        let ln = TcpListener::bind("127.0.0.1:0").expect("listen");
        let addr = ln.local_addr().expect("local_addr");
        let echoed = Arc::new(AtomicU64::new(0));
        let servers = {
            let echoed = echoed.clone();
            goro::spawn(move || {
                let mut handles = Vec::new();
                for _ in 0..conns {
                    let (s, _) = ln.accept().expect("accept");
                    let echoed = echoed.clone();
                    handles.push(goro::spawn(move || echo(s, size, &echoed)));
                }
                handles
            })
        };
        let streams: Vec<TcpStream> = (0..conns)
            .map(|_| TcpStream::connect(addr).expect("connect"))
            .collect();
        let start = Instant::now();
        let clients: Vec<_> = streams
            .into_iter()
            .enumerate()
            .map(|(c, s)| goro::spawn(move || client(s, c as u64, rounds, size)))
            .collect();
        let done: u64 = clients.into_iter().map(|h| h.join().expect("client")).sum();
        let elapsed = start.elapsed();
        // The clients' streams are dropped: every server goroutine sees end of stream.
        for h in servers.join().expect("acceptor") {
            h.join().expect("server goroutine");
        }
        (elapsed, done, echoed.load(Ordering::Relaxed))
    })
}

fn tokio_run(conns: u64, rounds: u64, size: usize) -> (Duration, u64, u64) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(TOKIO_WORKERS)
        .enable_io()
        .build()
        .expect("tokio runtime");
    rt.block_on(async move {
        tokio::spawn(async move {
            let ln = TcpListener::bind("127.0.0.1:0").await.expect("listen");
            let addr = ln.local_addr().expect("local_addr");
            let echoed = Arc::new(AtomicU64::new(0));
            let servers = {
                let echoed = echoed.clone();
                tokio::spawn(async move {
                    let mut handles = Vec::new();
                    for _ in 0..conns {
                        let (mut s, _) = ln.accept().await.expect("accept");
                        s.set_nodelay(true).expect("nodelay");
                        let echoed = echoed.clone();
                        handles.push(tokio::spawn(async move {
                            let mut buf = vec![0; size];
                            loop {
                                match s.read_exact(&mut buf).await {
                                    Ok(_) => {}
                                    Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                                        return;
                                    }
                                    Err(e) => panic!("server read: {e}"),
                                }
                                s.write_all(&buf).await.expect("server write");
                                echoed.fetch_add(1, Ordering::Relaxed);
                            }
                        }));
                    }
                    handles
                })
            };
            let mut streams = Vec::new();
            for _ in 0..conns {
                let s = TcpStream::connect(addr).await.expect("connect");
                s.set_nodelay(true).expect("nodelay");
                streams.push(s);
            }
            let start = Instant::now();
            let clients: Vec<_> = streams
                .into_iter()
                .enumerate()
                .map(|(c, mut s)| {
                    tokio::spawn(async move {
                        let mut buf = vec![0; size];
                        for r in 0..rounds {
                            let m = message(c as u64, r, size);
                            s.write_all(&m).await.expect("client write");
                            s.read_exact(&mut buf).await.expect("client read");
                            assert_eq!(buf, m, "tcp_echo: conn {c} round {r}: wrong echo");
                        }
                        rounds
                    })
                })
                .collect();
            let mut done = 0;
            for h in clients {
                done += h.await.expect("client");
            }
            let elapsed = start.elapsed();
            for h in servers.await.expect("acceptor") {
                h.await.expect("server task");
            }
            (elapsed, done, echoed.load(Ordering::Relaxed))
        })
        .await
        .expect("main task panicked")
    })
}
