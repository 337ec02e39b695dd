//! Rob Pike's "Google Search" from the talk *Go Concurrency Patterns* (Google I/O 2012),
//! versions 1.0, 2.0, 2.1 and 3.0: one query sent to fake Web, Image and Video back ends,
//! first one after the other, then concurrently, then with a timeout, then to replicas
//! (the fastest answer wins).
//!
//! Differences from Go: the fake searches take fixed times instead of `rand.Intn(100)`
//! ms, so the output is the same every run: Video is slow (400 ms) and misses 2.1's
//! timeout (raised from 80 to 300 ms so a loaded machine never misses it by accident),
//! while its replicas in 3.0 are fast. Each version's elapsed time is checked by the
//! program, not printed.
//!
//! Run: `cargo run --example google_search`.

use goro::prelude::*;
use goro::time::{Instant, after, sleep};
use std::sync::Arc;

type Search = Arc<dyn Fn(&str) -> String + Send + Sync>;

fn fake_search(kind: &'static str, latency_ms: u64) -> Search {
    Arc::new(move |query: &str| {
        sleep(Duration::from_millis(latency_ms));
        format!("{kind} result for {query:?}")
    })
}

const TIMEOUT: Duration = Duration::from_millis(300);

/// Google Search 1.0: one search after the other.
fn google_1_0(query: &'static str, web: &Search, image: &Search, video: &Search) -> Vec<String> {
    vec![web(query), image(query), video(query)]
}

/// Google Search 2.0: all at once, results in the order they come (fan-in).
fn google_2_0(query: &'static str, web: &Search, image: &Search, video: &Search) -> Vec<String> {
    let c = chan![String];
    for search in [web, image, video] {
        let search = search.clone();
        go!({ c.send(search(query)) });
    }
    (0..3).map(|_| c.recv().unwrap()).collect()
}

/// Google Search 2.1: don't wait for slow servers.
fn google_2_1(query: &'static str, web: &Search, image: &Search, video: &Search) -> Vec<String> {
    let c = chan![String];
    for search in [web, image, video] {
        let search = search.clone();
        go!({ c.send(search(query)) });
    }
    let timeout = after(TIMEOUT);
    let mut results = Vec::new();
    for _ in 0..3 {
        select! {
            result := <-c => results.push(result.unwrap()),
            _ = <-timeout => {
                println!("timed out");
                return results;
            }
        }
    }
    results
}

/// Sends the query to every replica; the first answer wins.
fn first(query: &'static str, replicas: &[Search]) -> String {
    let c = chan![String];
    for replica in replicas {
        let replica = replica.clone();
        go!({ c.send(replica(query)) });
    }
    c.recv().unwrap()
}

/// Google Search 3.0: replicated back ends, and the timeout.
fn google_3_0(
    query: &'static str,
    web: &[Search],
    image: &[Search],
    video: &[Search],
) -> Vec<String> {
    let c = chan![String];
    for replicas in [web, image, video] {
        let replicas: Arc<[Search]> = replicas.into();
        go!({ c.send(first(query, &replicas)) });
    }
    let timeout = after(TIMEOUT);
    let mut results = Vec::new();
    for _ in 0..3 {
        select! {
            result := <-c => results.push(result.unwrap()),
            _ = <-timeout => {
                println!("timed out");
                return results;
            }
        }
    }
    results
}

#[goro::main]
pub fn main() {
    let (web, image, video) = (
        fake_search("web", 20),
        fake_search("image", 40),
        fake_search("video", 400),
    );

    let start = Instant::now();
    let results = google_1_0("golang", &web, &image, &video);
    assert!(
        start.elapsed() >= Duration::from_millis(460),
        "1.0 is sequential"
    );
    println!("Google Search 1.0: {results:?}");

    let start = Instant::now();
    let results = google_2_0("golang", &web, &image, &video);
    let took = start.elapsed();
    assert!(took >= Duration::from_millis(400) && took < Duration::from_millis(460));
    println!("Google Search 2.0: {results:?}");

    let start = Instant::now();
    let results = google_2_1("golang", &web, &image, &video);
    let took = start.elapsed();
    assert!(
        took >= TIMEOUT && took < Duration::from_millis(400),
        "{took:?}"
    );
    println!("Google Search 2.1: {results:?}");

    let web = [fake_search("web", 20), fake_search("web", 5)];
    let image = [fake_search("image", 40), fake_search("image", 10)];
    let video = [fake_search("video", 400), fake_search("video", 30)];
    let start = Instant::now();
    let results = google_3_0("golang", &web, &image, &video);
    assert!(start.elapsed() < TIMEOUT, "3.0 answers before the timeout");
    println!("Google Search 3.0: {results:?}");
}
