//! Runs the network examples (`echo`, `http_hello`, `chat`) as servers and talks to them
//! over loopback with plain blocking `std::net` clients, checking every answer.
//!
//! How: as in `tests/examples.rs`, each example is compiled into this test binary as a
//! module, and a test runs this binary again as a child with only itself selected and
//! `GORO_EXAMPLE` set; the child calls the example's `#[goro::main]` `main`. Here the child
//! also gets `LISTEN_ADDR=127.0.0.1:0`, prints `listening on ADDR` as the examples all do,
//! and serves until the test, done, kills it. A server that dies early (a panic in any
//! goroutine exits with status 2) fails the test with its output.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::process::{Child, ChildStderr, Command, Stdio};
use std::time::Duration;

#[path = "../examples/chat.rs"]
mod chat;
#[path = "../examples/echo.rs"]
mod echo;
#[path = "../examples/http_hello.rs"]
mod http_hello;

/// A running example server (the child process); killed when dropped.
struct Server {
    name: &'static str,
    child: Child,
    addr: SocketAddr,
    stderr: Option<ChildStderr>,
}

/// In the child: runs the example's `main` (which serves until killed) and returns `None`.
/// In the parent: starts the child and returns it once it listens.
fn server(name: &'static str, main: fn()) -> Option<Server> {
    if std::env::var("GORO_EXAMPLE").as_deref() == Ok(name) {
        main();
        return None;
    }
    let mut child = Command::new(std::env::current_exe().expect("the test binary"))
        .args(["--exact", name, "--nocapture", "--test-threads=1"])
        .env("GORO_EXAMPLE", name)
        .env("LISTEN_ADDR", "127.0.0.1:0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the test binary as a child");
    let stderr = child.stderr.take();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    // The child's test harness prints `running 1 test` and `test NAME ... ` first.
    let mut printed = String::new();
    let addr = loop {
        let mut line = String::new();
        if stdout.read_line(&mut line).unwrap() == 0 {
            let _ = child.wait();
            let mut err = String::new();
            stderr.unwrap().read_to_string(&mut err).unwrap();
            panic!("example {name} ended before listening.\nstdout:\n{printed}\nstderr:\n{err}");
        }
        printed.push_str(&line);
        if let Some((_, addr)) = line.trim_end().split_once("listening on ") {
            break addr.parse().expect("listening on a socket address");
        }
    };
    // Keep reading its output so that it never blocks on a full pipe.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    Some(Server {
        name,
        child,
        addr,
        stderr,
    })
}

impl Server {
    /// A client connection; a server that stops answering fails the test, not hangs it.
    fn connect(&self) -> TcpStream {
        let c = TcpStream::connect(self.addr).expect("connect to the example");
        c.set_nodelay(true).unwrap();
        c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        c
    }

    /// Asserts that the server is still running (no goroutine panicked), then stops it.
    fn stop(mut self) {
        if let Some(status) = self.child.try_wait().unwrap() {
            let mut err = String::new();
            self.stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            panic!("example {} exited ({status}).\nstderr:\n{err}", self.name);
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads one line (without its `\n`).
fn line(r: &mut impl BufRead) -> String {
    let mut s = String::new();
    r.read_line(&mut s).expect("read a line");
    assert!(s.ends_with('\n'), "a whole line, got {s:?}");
    s.pop();
    s
}

#[test]
fn echo() {
    let Some(srv) = server("echo", echo::main) else {
        return;
    };
    // Several clients at once, interleaved, each getting exactly its own bytes back.
    let mut clients: Vec<TcpStream> = (0..8).map(|_| srv.connect()).collect();
    for round in 0..50u32 {
        for (i, c) in clients.iter_mut().enumerate() {
            let msg: Vec<u8> = (0..100u32)
                .map(|k| (round * 131 + i as u32 * 17 + k) as u8)
                .collect();
            c.write_all(&msg).unwrap();
        }
        for (i, c) in clients.iter_mut().enumerate() {
            let mut back = [0u8; 100];
            c.read_exact(&mut back).unwrap();
            let want: Vec<u8> = (0..100u32)
                .map(|k| (round * 131 + i as u32 * 17 + k) as u8)
                .collect();
            assert_eq!(&back[..], &want[..], "client {i} round {round}");
        }
    }
    // A large write comes back whole, though it exceeds every buffer on the way.
    let big: Vec<u8> = (0..1 << 20).map(|k: u32| (k % 251) as u8).collect();
    let mut c = clients.pop().unwrap();
    let writer = {
        let (mut w, big) = (c.try_clone().unwrap(), big.clone());
        std::thread::spawn(move || {
            w.write_all(&big).unwrap();
            w.shutdown(Shutdown::Write).unwrap();
        })
    };
    let mut back = Vec::new();
    c.read_to_end(&mut back).unwrap(); // the server closes after our end of stream
    writer.join().unwrap();
    assert!(back == big, "1 MiB echoed: {} bytes back", back.len());
    srv.stop();
}

/// What the server sent for one response: status line, headers, body.
struct Response {
    status: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Reads one response; `head_only` for an answer to HEAD (a Content-Length but no body).
fn response(r: &mut impl BufRead, head_only: bool) -> Response {
    let status = line(r);
    let mut headers = Vec::new();
    loop {
        let h = line(r);
        assert!(h.ends_with('\r'), "header lines end in CRLF: {h:?}");
        let h = h.trim_end_matches('\r');
        if h.is_empty() {
            break;
        }
        let (n, v) = h.split_once(':').expect("a header");
        headers.push((n.to_string(), v.trim().to_string()));
    }
    let mut resp = Response {
        status: status.trim_end_matches('\r').to_string(),
        headers,
        body: Vec::new(),
    };
    if !head_only {
        let len: usize = resp.header("content-length").unwrap().parse().unwrap();
        resp.body = vec![0; len];
        r.read_exact(&mut resp.body).unwrap();
    }
    resp
}

#[test]
fn http_hello() {
    let Some(srv) = server("http_hello", http_hello::main) else {
        return;
    };
    let c = srv.connect();
    let mut r = BufReader::new(c.try_clone().unwrap());
    let mut w = c;

    // Two keep-alive requests, one after the other on one connection.
    for path in ["/", "/again"] {
        write!(w, "GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
        let resp = response(&mut r, false);
        assert_eq!(resp.status, "HTTP/1.1 200 OK");
        assert_eq!(resp.header("Content-Length"), Some("14"));
        assert_eq!(resp.header("Connection"), Some("keep-alive"));
        assert_eq!(
            resp.header("Content-Type"),
            Some("text/plain; charset=utf-8")
        );
        assert_eq!(resp.body, b"Hello, World!\n");
    }

    // Three pipelined in one write (a HEAD, and a GET with a body to skip), the last
    // asking to close: three answers in order, then the end of the stream.
    w.write_all(
        b"GET /1 HTTP/1.1\r\nHost: x\r\n\r\n\
          HEAD /2 HTTP/1.1\r\nHost: x\r\n\r\n\
          GET /3 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nabcde",
    )
    .unwrap();
    let first = response(&mut r, false);
    assert_eq!(first.status, "HTTP/1.1 200 OK");
    assert_eq!(first.body, b"Hello, World!\n");
    let head = response(&mut r, true);
    assert_eq!(head.status, "HTTP/1.1 200 OK");
    assert_eq!(head.header("Content-Length"), Some("14"));
    let last = response(&mut r, false);
    assert_eq!(last.header("Connection"), Some("close"));
    assert_eq!(last.body, b"Hello, World!\n");
    let mut rest = Vec::new();
    r.read_to_end(&mut rest).unwrap();
    assert!(rest.is_empty(), "nothing after the last answer: {rest:?}");

    // A request split across writes; HTTP/1.0 closes by default.
    let mut c = srv.connect();
    c.write_all(b"GET / HT").unwrap();
    c.flush().unwrap();
    std::thread::yield_now();
    c.write_all(b"TP/1.0\r\nHost: x\r\n\r\n").unwrap();
    let mut r = BufReader::new(c);
    let resp = response(&mut r, false);
    assert_eq!(resp.status, "HTTP/1.1 200 OK");
    assert_eq!(resp.header("Connection"), Some("close"));
    assert_eq!(resp.body, b"Hello, World!\n");
    assert_eq!(r.read(&mut [0; 1]).unwrap(), 0);

    // Garbage gets a 400 and the end of the connection.
    let mut c = srv.connect();
    c.write_all(b"NONSENSE\r\n\r\n").unwrap();
    let mut r = BufReader::new(c);
    let resp = response(&mut r, false);
    assert_eq!(resp.status, "HTTP/1.1 400 Bad Request");
    assert_eq!(r.read(&mut [0; 1]).unwrap(), 0);
    srv.stop();
}

/// A chat client: its connection, a line reader over it, and the name the server gives it.
struct ChatClient {
    w: TcpStream,
    r: BufReader<TcpStream>,
    who: String,
}

impl ChatClient {
    fn join(srv: &Server) -> ChatClient {
        let w = srv.connect();
        let who = w.local_addr().unwrap().to_string();
        let r = BufReader::new(w.try_clone().unwrap());
        let mut c = ChatClient { w, r, who };
        assert_eq!(c.line(), format!("You are {}", c.who));
        c
    }

    fn say(&mut self, msg: &str) {
        writeln!(self.w, "{msg}").unwrap();
    }

    fn line(&mut self) -> String {
        line(&mut self.r)
    }
}

#[test]
fn chat() {
    let Some(srv) = server("chat", chat::main) else {
        return;
    };
    // Each client, once in, says "ready" and waits to hear it back: from then on the
    // broadcaster counts it among the clients, so it hears everything later, in the one
    // order the broadcaster sends.
    let mut a = ChatClient::join(&srv);
    let wa = a.who.clone();
    a.say("ready");
    assert_eq!(a.line(), format!("{wa}: ready"));

    let mut b = ChatClient::join(&srv);
    let wb = b.who.clone();
    assert_eq!(a.line(), format!("{wb} has arrived"));
    b.say("ready");
    for x in [&mut a, &mut b] {
        assert_eq!(x.line(), format!("{wb}: ready"));
    }

    let mut c = ChatClient::join(&srv);
    let wc = c.who.clone();
    for x in [&mut a, &mut b] {
        assert_eq!(x.line(), format!("{wc} has arrived"));
    }
    c.say("ready");
    for x in [&mut a, &mut b, &mut c] {
        assert_eq!(x.line(), format!("{wc}: ready"));
    }

    // Everyone hears every line, as "who: line", in the order the broadcaster took them.
    a.say("hello from a");
    assert_eq!(a.line(), format!("{wa}: hello from a"));
    b.say("hi a, b here\r"); // a CRLF line end (telnet's) is not part of the message
    for x in [&mut a, &mut b, &mut c] {
        if x.who != wa {
            assert_eq!(x.line(), format!("{wa}: hello from a"));
        }
        assert_eq!(x.line(), format!("{wb}: hi a, b here"));
    }

    // B hangs up: the others hear it leave and B's connection ends.
    b.w.shutdown(Shutdown::Write).unwrap();
    let mut rest = String::new();
    b.r.read_to_string(&mut rest).unwrap();
    assert_eq!(rest, "", "B hears nothing after leaving");
    for x in [&mut a, &mut c] {
        assert_eq!(x.line(), format!("{wb} has left"));
    }
    c.say("bye");
    for x in [&mut a, &mut c] {
        assert_eq!(x.line(), format!("{wc}: bye"));
    }
    srv.stop();
}
