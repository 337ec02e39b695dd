//! A chat server in the style of the one in *The Go Programming Language* (§8.10): every
//! line a client sends goes to every client as `who: line`, where `who` is the sender's
//! address, and everyone hears who arrives and who leaves.
//!
//! Four kinds of goroutine share no memory, only channels: `main` accepts; one
//! `handle_conn` per client reads its lines; one `client_writer` per client writes what
//! its channel carries; the single `broadcaster` owns the set of clients, so no lock is
//! needed. A client is its outgoing channel.
//!
//! As in Go, the sender hears its own lines too, the newcomer is told `You are ADDR` but
//! not its own arrival, and a client that reads nothing eventually stalls the broadcaster
//! (the channels are unbuffered: the book's exercise 8.15 is the fix).
//!
//! Run: `cargo run --example chat`, then `nc 127.0.0.1 8000` in two or more terminals.
//! `LISTEN_ADDR=127.0.0.1:0` picks a free port; the first line printed is always
//! `listening on ADDR` with the real address (the tests start it that way).

use goro::net::{TcpListener, TcpStream};
use goro::prelude::*;
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::sync::LazyLock;

/// Where to listen: `LISTEN_ADDR`, or `default`. The same rule for every server example.
fn listen_addr(default: &str) -> String {
    std::env::var("LISTEN_ADDR").unwrap_or_else(|_| default.to_string())
}

/// A client: the channel its writer sends to its connection. Go: `type client chan<- string`.
type Client = Sender<String>;

// Go's package-level channels.
static ENTERING: LazyLock<Chan<Client>> = LazyLock::new(|| chan![Client]);
static LEAVING: LazyLock<Chan<Client>> = LazyLock::new(|| chan![Client]);
static MESSAGES: LazyLock<Chan<String>> = LazyLock::new(|| chan![String]); // every incoming line

/// Owns the set of clients: adds and removes them and sends every message to each.
fn broadcaster() {
    let mut clients: HashSet<Client> = HashSet::new(); // all connected clients
    loop {
        select! {
            msg := <-*MESSAGES => {
                // Every message goes to every client's outgoing channel.
                let msg = msg.unwrap();
                for cli in &clients {
                    cli.send(msg.clone());
                }
            },
            cli := <-*ENTERING => {
                clients.insert(cli.unwrap());
            },
            cli := <-*LEAVING => {
                let cli = cli.unwrap();
                clients.remove(&cli);
                cli.close(); // ends its client_writer
            },
        }
    }
}

/// Reads `conn`'s lines and hands them to the broadcaster, until the client hangs up.
fn handle_conn(conn: TcpStream) {
    let ch = chan![String]; // outgoing client messages
    go!(client_writer(conn.clone(), ch.receiver()));

    let who = conn.peer_addr().map_or("?".into(), |a| a.to_string());
    ch.send(format!("You are {who}"));
    MESSAGES.send(format!("{who} has arrived"));
    ENTERING.send(ch.sender());

    // Go's bufio.Scanner: lines without their end of line; a read error ends the input.
    for line in BufReader::new(&conn).lines() {
        let Ok(line) = line else { break };
        MESSAGES.send(format!("{who}: {}", line.trim_end_matches('\r')));
    }

    LEAVING.send(ch.sender());
    MESSAGES.send(format!("{who} has left"));
    conn.close();
}

/// Writes every message of `ch` to `conn`, a line each, until the broadcaster closes it.
fn client_writer(conn: TcpStream, ch: Receiver<String>) {
    for msg in &ch {
        // Go ignores the write error (NOTE in the book): the client may be gone already,
        // and its channel must still be drained so the broadcaster never stalls on it.
        let _ = writeln!(&conn, "{msg}");
    }
}

#[goro::main]
pub fn main() {
    let listener = TcpListener::bind(listen_addr("127.0.0.1:8000")).expect("listen");
    println!("listening on {}", listener.local_addr().unwrap());
    go!(broadcaster());
    for conn in listener.incoming() {
        match conn {
            Ok(conn) => go!(handle_conn(conn)),
            // Go logs and goes on; the pause keeps a lasting error from spinning.
            Err(e) => {
                eprintln!("chat: accept: {e}");
                goro::time::sleep(Duration::from_millis(10));
            }
        }
    }
}
