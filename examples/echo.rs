//! A TCP echo server: every byte a client sends comes back. One goroutine per connection,
//! each simply blocking in `read`: the goroutine parks, not the thread, so ten thousand idle
//! clients cost ten thousand small stacks and no threads. Go: the `net` package's
//! `Listener` example (`io.Copy(c, c)` in a `go func`).
//!
//! Run: `cargo run --example echo`, then `nc 127.0.0.1 8000` in another terminal.
//! `LISTEN_ADDR=127.0.0.1:0` picks a free port; the first line printed is always
//! `listening on ADDR` with the real address (the tests start it that way).

use goro::net::{TcpListener, TcpStream};
use goro::prelude::*;
use std::io;

/// Where to listen: `LISTEN_ADDR`, or `default`. The same rule for every server example.
fn listen_addr(default: &str) -> String {
    std::env::var("LISTEN_ADDR").unwrap_or_else(|_| default.to_string())
}

/// Echoes until the client closes its side (or the connection breaks), then closes ours.
fn handle_conn(c: TcpStream) {
    // Reading and writing the same connection: two `&TcpStream` views of it, as Go's
    // `io.Copy(c, c)` passes `c` twice.
    let (mut from, mut to) = (&c, &c);
    if let Err(e) = io::copy(&mut from, &mut to) {
        eprintln!(
            "echo: {}: {e}",
            c.peer_addr().map_or("?".into(), |a| a.to_string())
        );
    }
    c.close();
}

#[goro::main]
pub fn main() {
    let l = TcpListener::bind(listen_addr("127.0.0.1:8000")).expect("listen");
    println!("listening on {}", l.local_addr().unwrap());
    for c in l.incoming() {
        match c {
            Ok(c) => go!(handle_conn(c)),
            // Go's servers log and keep accepting: a failed accept (out of descriptors,
            // say) is no reason to stop serving the others. The pause keeps a lasting
            // error from spinning.
            Err(e) => {
                eprintln!("echo: accept: {e}");
                goro::time::sleep(Duration::from_millis(10));
            }
        }
    }
}
