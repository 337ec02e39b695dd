//! rss_idle_conn: resident memory per idle TCP connection. `--n` (10,000) connections come
//! from a client in a child process (this binary again, `--client ADDR`, so only the server
//! side is measured and each process stays under the file limit); the server accepts each in
//! a loop and hands it to a goroutine of its own, which parks reading it. Reports (VmRSS with
//! all N parked − VmRSS before the first connection) / N, in bytes per connection: the
//! goroutine, its socket object and its poller registration (the kernel's socket buffers are
//! not in RSS). Then the client exits, and every goroutine must see end of stream.
//! Twin: go/rss_idle_conn/main.go (`net`, a goroutine per connection blocked in `Read`).
//!
//! Each goroutine bumps a counter just before its read; the measurement waits for all N (at
//! most one per P is then between the bump and its park), then `--idle` ms more (2,000), as
//! a server's idle connections do sit idle: what each runtime does with memory meanwhile
//! counts (goro gives back the stack pages of goroutines in IO wait for 1 s; Go's
//! scavenger returns free heap pages). Read buffer: 64 bytes on the
//! goroutine's stack (Go: `make([]byte, 64)`, which escapes to the heap through `net.Conn`).
//! Peer: tokio tasks awaiting `TcpStream::read` on the multi-thread runtime with 2 workers.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use goro_benches::args::{Flags, Impl};
use goro_benches::report;

const N: u64 = 10_000;
const IDLE_MS: u64 = 2_000;
const TOKIO_WORKERS: usize = 2;

const FLAGS: &[(&str, &str)] = &[
    ("impl", "goro or tokio (default goro)"),
    ("n", "idle connections (default 10000)"),
    (
        "idle",
        "ms the connections sit idle before the measurement (default 2000)",
    ),
    (
        "client",
        "internal: dial ADDR n times, hold the connections until stdin closes",
    ),
];

/// What the server measured and counted.
struct Outcome {
    rss_before: u64,
    rss_parked: u64,
    /// Goroutines whose read returned end of stream.
    released: u64,
}

fn main() {
    let flags = Flags::parse(FLAGS);
    let n: u64 = flags.get("n", N);
    assert!(n > 0, "rss_idle_conn: --n must be positive");
    let idle = std::time::Duration::from_millis(flags.get("idle", IDLE_MS));
    let client: String = flags.get("client", String::new());
    if !client.is_empty() {
        return client_main(&client, n);
    }
    let out = match flags.imp() {
        Impl::Goro => goro_run(n, idle),
        Impl::Tokio => tokio_run(n, idle),
        imp => flags.not_applicable(imp, "no network API"),
    };
    assert_eq!(
        out.released, n,
        "rss_idle_conn: not every reader saw end of stream"
    );
    let bytes = out.rss_parked.saturating_sub(out.rss_before) as f64 * 1024.0 / n as f64;
    report::line("rss_idle_conn", bytes, "B/conn");
}

/// The client process: n blocking connections, `ready` on stdout, then hold them until the
/// server closes our stdin.
fn client_main(addr: &str, n: u64) {
    let conns: Vec<std::net::TcpStream> = (0..n)
        .map(|i| std::net::TcpStream::connect(addr).unwrap_or_else(|e| panic!("dial {i}: {e}")))
        .collect();
    println!("ready");
    std::io::stdout().flush().expect("stdout");
    let mut rest = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut rest);
    drop(conns);
}

/// Starts the client process against `addr`.
fn start_client(addr: SocketAddr, n: u64) -> Child {
    Command::new(std::env::current_exe().expect("current_exe"))
        .args(["--client", &addr.to_string(), "--n", &n.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the client process")
}

/// Waits for the client's `ready` line: it has all n connections up.
fn client_ready(child: &mut Child) {
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().expect("client stdout"))
        .read_line(&mut line)
        .expect("read the client's stdout");
    assert_eq!(line.trim(), "ready", "rss_idle_conn: the client failed");
}

/// Closes the client's stdin (it exits, closing every connection) and reaps it.
fn stop_client(mut child: Child) {
    drop(child.stdin.take());
    let status = child.wait().expect("wait for the client");
    assert!(
        status.success(),
        "rss_idle_conn: client exited with {status}"
    );
}

fn goro_run(n: u64, idle: std::time::Duration) -> Outcome {
    use goro::net::TcpListener;
    use goro::sync::WaitGroup;
    goro::run(move || {
        let ln = TcpListener::bind("127.0.0.1:0").expect("listen");
        let addr = ln.local_addr().expect("local_addr");
        let arrived = Arc::new(AtomicU64::new(0));
        let released = Arc::new(AtomicU64::new(0));
        let wg = Arc::new(WaitGroup::new());
        wg.add(n as isize);
        let rss_before = report::vm_rss_kib();
        {
            let (arrived, released, wg) = (arrived.clone(), released.clone(), wg.clone());
            drop(goro::spawn(move || {
                for _ in 0..n {
                    let (s, _) = ln.accept().expect("accept");
                    let (arrived, released, wg) = (arrived.clone(), released.clone(), wg.clone());
                    // Detached, as Go's `go`: the count and the WaitGroup see them end.
                    drop(goro::spawn(move || {
                        let mut buf = [0u8; 64];
                        arrived.fetch_add(1, Ordering::Relaxed);
                        let got = (&s).read(&mut buf).expect("read");
                        assert_eq!(got, 0, "rss_idle_conn: the client sent data");
                        released.fetch_add(1, Ordering::Relaxed);
                        wg.done();
                    }));
                }
            }));
        }
        let mut child = goro::runtime::syscall(|| start_client(addr, n));
        goro::runtime::syscall(|| client_ready(&mut child));
        while arrived.load(Ordering::Relaxed) < n {
            goro::runtime::gosched();
        }
        goro::time::sleep(idle);
        let rss_parked = report::vm_rss_kib();
        goro::runtime::syscall(move || stop_client(child));
        wg.wait();
        Outcome {
            rss_before,
            rss_parked,
            released: released.load(Ordering::Relaxed),
        }
    })
}

fn tokio_run(n: u64, idle: std::time::Duration) -> Outcome {
    use tokio::io::AsyncReadExt;
    use tokio::net::TcpListener;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(TOKIO_WORKERS)
        .enable_io()
        .enable_time()
        .build()
        .expect("tokio runtime");
    rt.block_on(async move {
        tokio::spawn(async move {
            let ln = TcpListener::bind("127.0.0.1:0").await.expect("listen");
            let addr = ln.local_addr().expect("local_addr");
            let arrived = Arc::new(AtomicU64::new(0));
            let released = Arc::new(AtomicU64::new(0));
            let done = Arc::new(tokio::sync::Semaphore::new(0));
            let rss_before = report::vm_rss_kib();
            {
                let (arrived, released, done) = (arrived.clone(), released.clone(), done.clone());
                tokio::spawn(async move {
                    for _ in 0..n {
                        let (mut s, _) = ln.accept().await.expect("accept");
                        let (arrived, released, done) =
                            (arrived.clone(), released.clone(), done.clone());
                        tokio::spawn(async move {
                            let mut buf = [0u8; 64];
                            arrived.fetch_add(1, Ordering::Relaxed);
                            let got = s.read(&mut buf).await.expect("read");
                            assert_eq!(got, 0, "rss_idle_conn: the client sent data");
                            released.fetch_add(1, Ordering::Relaxed);
                            done.add_permits(1);
                        });
                    }
                });
            }
            let mut child = start_client(addr, n);
            let child = tokio::task::spawn_blocking(move || {
                client_ready(&mut child);
                child
            })
            .await
            .expect("client start");
            while arrived.load(Ordering::Relaxed) < n {
                tokio::task::yield_now().await;
            }
            tokio::time::sleep(idle).await;
            let rss_parked = report::vm_rss_kib();
            tokio::task::spawn_blocking(move || stop_client(child))
                .await
                .expect("client stop");
            let _ = done.acquire_many(n as u32).await.expect("semaphore");
            Outcome {
                rss_before,
                rss_parked,
                released: released.load(Ordering::Relaxed),
            }
        })
        .await
        .expect("main task panicked")
    })
}
