//! A minimal HTTP/1.1 server answering every `GET` with `Hello, World!`: a goroutine per
//! connection, keep-alive and pipelined requests, `Connection: close` honoured. Go's
//! `net/http` does the same with its `conn.serve` goroutine; this is the smallest version
//! that a load generator (`wrk -t2 -c64 -d10s http://127.0.0.1:8080/`) and `curl` accept.
//!
//! Run: `cargo run --release --example http_hello`, then `curl -v http://127.0.0.1:8080/`.
//! `LISTEN_ADDR=127.0.0.1:0` picks a free port; the first line printed is always
//! `listening on ADDR` with the real address (the tests start it that way).
//!
//! Not a real HTTP server: no chunked request bodies (answered 411), no `Expect: 100-continue`,
//! no timeouts; request bodies with a `Content-Length` are read and ignored.

use goro::net::{TcpListener, TcpStream};
use goro::prelude::*;
use std::io::{Read, Write};

/// Where to listen: `LISTEN_ADDR`, or `default`. The same rule for every server example.
fn listen_addr(default: &str) -> String {
    std::env::var("LISTEN_ADDR").unwrap_or_else(|_| default.to_string())
}

const BODY: &str = "Hello, World!\n";

/// The longest request head (request line and headers) accepted; Go's default is 1 MiB,
/// a hello server needs far less.
const MAX_HEAD: usize = 16 * 1024;

/// What the server makes of one request head.
struct Request {
    head_only: bool,  // HEAD: the same headers, no body
    keep_alive: bool, // another request may follow on this connection
    body_len: usize,  // bytes of request body after the head, to skip
}

/// An answer that ends the connection: status line and a short body.
struct Reject(&'static str);

/// Parses the head `head` (without its final blank line).
fn parse(head: &[u8]) -> Result<Request, Reject> {
    let head = std::str::from_utf8(head).map_err(|_| Reject("400 Bad Request"))?;
    let mut lines = head.split("\r\n");
    let mut parts = lines.next().unwrap_or("").split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Reject("400 Bad Request"));
    };
    if target.is_empty() {
        return Err(Reject("400 Bad Request"));
    }
    // HTTP/1.1 keeps the connection by default, 1.0 closes it (RFC 9112 §9.3).
    let mut keep_alive = match version {
        "HTTP/1.1" => true,
        "HTTP/1.0" => false,
        _ => return Err(Reject("505 HTTP Version Not Supported")),
    };
    let mut body_len = 0;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            return Err(Reject("400 Bad Request"));
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("connection") {
            for token in value.split(',').map(str::trim) {
                if token.eq_ignore_ascii_case("close") {
                    keep_alive = false;
                } else if token.eq_ignore_ascii_case("keep-alive") {
                    keep_alive = true;
                }
            }
        } else if name.eq_ignore_ascii_case("content-length") {
            body_len = value.parse().map_err(|_| Reject("400 Bad Request"))?;
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            return Err(Reject("411 Length Required"));
        }
    }
    let head_only = match method {
        "GET" => false,
        "HEAD" => true,
        _ => return Err(Reject("405 Method Not Allowed")),
    };
    Ok(Request {
        head_only,
        keep_alive,
        body_len,
    })
}

/// Appends the answer to `req` to `out`.
fn respond(req: &Request, out: &mut Vec<u8>) {
    let connection = if req.keep_alive {
        "keep-alive"
    } else {
        "close"
    };
    let _ = write!(
        out,
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: {connection}\r\n\r\n",
        BODY.len()
    );
    if !req.head_only {
        out.extend_from_slice(BODY.as_bytes());
    }
}

/// Serves requests on `c` until the client closes, asks to close, or sends garbage.
fn serve(c: TcpStream) {
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    let mut out: Vec<u8> = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    let mut skip = 0; // body bytes of the last request still to read past
    'conn: loop {
        let n = match (&c).read(&mut chunk) {
            Ok(0) | Err(_) => break, // the client is gone
            Ok(n) => n,
        };
        let mut data = &chunk[..n];
        let skipped = skip.min(data.len());
        skip -= skipped;
        data = &data[skipped..];
        buf.extend_from_slice(data);
        // Answer every complete request in `buf` (pipelining), in one write.
        let mut at = 0;
        let mut close = false;
        while let Some(end) = find_head_end(&buf[at..]) {
            match parse(&buf[at..at + end]) {
                Ok(req) => {
                    respond(&req, &mut out);
                    at += end + 4;
                    let body_here = req.body_len.min(buf.len() - at);
                    at += body_here;
                    skip = req.body_len - body_here;
                    if !req.keep_alive {
                        close = true;
                        break;
                    }
                }
                Err(Reject(status)) => {
                    let _ = write!(
                        out,
                        "HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\n\
                         Content-Length: {}\r\nConnection: close\r\n\r\n{status}\n",
                        status.len() + 1
                    );
                    close = true;
                    break;
                }
            }
            if skip > 0 {
                break;
            }
        }
        buf.drain(..at);
        if !out.is_empty() {
            if (&c).write_all(&out).is_err() {
                break 'conn;
            }
            out.clear();
        }
        if close {
            break;
        }
        if buf.len() > MAX_HEAD {
            let msg = "431 Request Header Fields Too Large";
            let _ = write!(
                &c,
                "HTTP/1.1 {msg}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            break;
        }
    }
    c.close();
}

/// Where the head at the start of `buf` ends: the index of its `\r\n\r\n`.
fn find_head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n")
}

#[goro::main]
pub fn main() {
    let l = TcpListener::bind(listen_addr("127.0.0.1:8080")).expect("listen");
    println!("listening on {}", l.local_addr().unwrap());
    for c in l.incoming() {
        match c {
            Ok(c) => go!(serve(c)),
            // Keep serving the others, as Go's http.Server does; the pause keeps a
            // lasting error (out of descriptors) from spinning.
            Err(e) => {
                eprintln!("http_hello: accept: {e}");
                goro::time::sleep(Duration::from_millis(10));
            }
        }
    }
}
