//! Behaviour of `go!`'s three forms and of `#[goro::test]`: what runs where, what is
//! evaluated when, and what the caller still owns afterwards. Waits are on goro channels,
//! never on time, and never on a std `mpsc::Receiver`: goroutine 1 blocked in std holds its
//! thread and P, so with `GOMAXPROCS=1` the goroutine it waits for could never run.
mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use goro::prelude::*;
use support::wait_until;

/// A log of events in the order they happened, shared by the caller and its goroutines.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<&'static str>>>);

impl Log {
    /// Appends `event` and returns `value`: an argument expression with a visible side effect.
    fn at<T>(&self, event: &'static str, value: T) -> T {
        self.0.lock().unwrap().push(event);
        value
    }
    fn events(&self) -> Vec<&'static str> {
        self.0.lock().unwrap().clone()
    }
}

fn send_goid(out: Sender<u64>) {
    out.send(goro::runtime::goid());
}

#[goro::test]
fn call_form_runs_the_call_in_another_goroutine() {
    let ch = chan![u64];
    go!(send_goid(ch.sender()));
    assert_ne!(ch.recv().unwrap(), goro::runtime::goid());
}

/// The goroutine logs "call" only once the caller opens `gate`, after logging "after go!".
fn gated(log: Log, a: i32, b: i32, gate: Receiver<()>, done: Sender<i32>) {
    gate.recv().unwrap();
    log.at("call", ());
    done.send(a + b);
}

#[goro::test]
fn call_form_evaluates_arguments_in_the_caller_in_source_order() {
    let log = Log::default();
    let (gate, done) = (chan![()], chan![i32]);
    go!(gated(
        log.clone(),
        log.at("arg a", 1),
        log.at("arg b", 2),
        gate.receiver(),
        done.sender()
    ));
    log.at("after go!", ());
    gate.send(());
    assert_eq!(done.recv(), Some(3));
    assert_eq!(log.events(), ["arg a", "arg b", "after go!", "call"]);
}

#[goro::test]
fn call_form_evaluates_the_function_value_in_the_caller() {
    let log = Log::default();
    let (gate, done) = (chan![()], chan![i32]);
    let pick = |log: &Log| log.at("function value", gated as fn(_, _, _, _, _));
    go!(pick(&log)(
        log.clone(),
        log.at("arg a", 20),
        22,
        gate.receiver(),
        done.sender()
    ));
    log.at("after go!", ());
    gate.send(());
    assert_eq!(done.recv(), Some(42));
    assert_eq!(
        log.events(),
        ["function value", "arg a", "after go!", "call"]
    );
}

struct Worker {
    log: Log,
    gate: Receiver<()>,
}

impl Worker {
    fn run(&mut self, n: usize, done: Sender<usize>) {
        self.gate.recv().unwrap();
        self.log.at("call", ());
        done.send(n * 2);
    }
}

#[goro::test]
fn method_form_evaluates_receiver_and_arguments_in_the_caller() {
    let log = Log::default();
    let (gate, done) = (chan![()], chan![usize]);
    let make = |log: &Log, gate| {
        log.at(
            "receiver",
            Worker {
                log: log.clone(),
                gate,
            },
        )
    };
    go!(make(&log, gate.receiver()).run(log.at("arg", 21), done.sender()));
    log.at("after go!", ());
    gate.send(());
    assert_eq!(done.recv(), Some(42));
    assert_eq!(log.events(), ["receiver", "arg", "after go!", "call"]);
}

#[goro::test]
fn closure_form_spawns_the_closure_as_is() {
    let ch = chan![&str];
    let (tx, tx2) = (ch.sender(), ch.sender());
    go!(move || tx.send("literal"));
    let task = move || tx2.send("value");
    go!(task);
    let mut got = [ch.recv().unwrap(), ch.recv().unwrap()];
    got.sort();
    assert_eq!(got, ["literal", "value"]);
}

#[goro::test]
fn block_form_clones_arcs_so_the_caller_keeps_them() {
    let hits = Arc::new(AtomicUsize::new(0));
    let done = chan![()];
    for _ in 0..3 {
        go!({
            hits.fetch_add(1, Ordering::SeqCst);
            done.send(());
        });
    }
    for _ in 0..3 {
        done.recv().unwrap();
    }
    assert_eq!(hits.load(Ordering::SeqCst), 3); // the caller's `hits` is the same counter
}

#[goro::test]
fn block_form_copies_copy_values_and_the_copy_is_the_goroutines_own() {
    let n = 1;
    let label = "n";
    let done = chan![(&str, i32)];
    go!({
        let mut n = n; // the goroutine's private copy (assigning to `n` itself is an error)
        n += 10;
        done.send((label, n));
    });
    assert_eq!(done.recv(), Some(("n", 11)));
    assert_eq!(n, 1);
}

#[goro::test]
fn block_form_copies_are_snapshots_taken_at_the_go() {
    let gate = chan![()];
    let done = chan![i32];
    let mut n = 1;
    go!({
        gate.recv().unwrap();
        done.send(n);
    });
    n = 2; // after the `go!`: the goroutine's copy stays 1
    gate.send(());
    assert_eq!(done.recv(), Some(1));
    assert_eq!(n, 2);
}

#[goro::test]
fn block_form_leaves_the_caller_its_chan() {
    let ch = chan![i32; 3];
    for i in 0..3 {
        go!({ ch.send(i) });
    }
    let mut got: Vec<i32> = (0..3).map(|_| ch.recv().unwrap()).collect();
    got.sort();
    assert_eq!(got, [0, 1, 2]);
    ch.close(); // the caller's handle still works after three `go!`s
    assert_eq!(ch.recv(), None);
}

#[goro::test]
fn block_form_calls_captured_closures_from_a_loop() {
    let out = chan![i32; 6];
    let square = |x: i32| x * x; // Copy: copied into each goroutine
    let base = 10;
    let add: Arc<dyn Fn(i32) -> i32 + Send + Sync> = Arc::new(move |x| x + base);
    for i in 1..=3 {
        go!({ out.send(square(i)) });
        go!({ out.send((add)(i)) }); // in parentheses: a variable, so the `Arc` is cloned
    }
    let mut got: Vec<i32> = (0..6).map(|_| out.recv().unwrap()).collect();
    got.sort();
    assert_eq!(got, [1, 4, 9, 11, 12, 13]);
    assert_eq!((square(5), add(5)), (25, 15)); // the caller still has both
    // Each goroutine had a clone of its own, dropped when it ended.
    wait_until("the goroutines to drop their clones", || {
        Arc::strong_count(&add) == 1
    });
}

/// Go's `go func() { f(); done <- true }()` with `f` a parameter: a `FnOnce` is moved in.
fn run_then_signal(f: impl FnOnce() -> i32 + Send + 'static, done: &Chan<i32>) {
    go!({ done.send(f()) });
}

#[goro::test]
fn block_form_moves_a_called_fn_once_in() {
    let done = chan![i32];
    let owned = vec![1, 2, 3];
    run_then_signal(move || owned.into_iter().sum(), &done);
    assert_eq!(done.recv(), Some(6));
}

#[goro::test(gomaxprocs = 3)]
fn test_option_gomaxprocs_sets_the_ps_of_the_tests_runtime() {
    assert_eq!(goro::runtime::gomaxprocs(0), 3);
}

#[goro::test]
fn block_form_sees_variables_inside_format_strings() {
    let name = Arc::new(String::from("gopher"));
    let width = 8;
    let done = chan![String];
    go!({ done.send(format!("hi {name:>width$}!")) });
    assert_eq!(done.recv().unwrap(), "hi   gopher!");
    assert_eq!(*name, "gopher");
}

/// A `&Arc` parameter: the block clones the `Arc` behind it, so the goroutine owns a handle.
fn spawn_adder(hits: &Arc<AtomicUsize>, done: &Arc<Chan<usize>>) {
    go!({ done.send(hits.fetch_add(5, Ordering::SeqCst) + 5) });
}

#[goro::test]
fn block_form_clones_share_handles_behind_references() {
    let hits = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(chan![usize]);
    spawn_adder(&hits, &done);
    assert_eq!(done.recv(), Some(5));
    assert_eq!(hits.load(Ordering::SeqCst), 5);
}

#[goro::test]
fn block_form_nests() {
    let done = chan![i32];
    let base = 40;
    go!({
        let two = 2;
        go!({ done.send(base + two) });
    });
    assert_eq!(done.recv(), Some(42));
}

fn send_strong_count(done: Arc<Chan<usize>>) {
    done.send(Arc::strong_count(&done));
}

#[goro::test]
fn braces_make_even_a_single_call_a_block() {
    let done = Arc::new(chan![usize]);
    go! { send_strong_count(done) } // a block: `done` is cloned, not moved
    assert_eq!(done.recv(), Some(2)); // the caller's and the goroutine's
    // The goroutine may still hold its clone just after its send; wait until it dropped it.
    wait_until("the goroutine to drop its clone", || {
        Arc::strong_count(&done) == 1
    });
    let again = Chan::clone(&done);
    go!(send_strong_count(done)); // the call form moves it
    assert_eq!(again.recv(), Some(1));
}

#[goro::test]
fn brace_form_without_parentheses_is_a_block() {
    let done = chan![i32];
    let v = 7;
    go! {
        let doubled = v * 2;
        done.send(doubled);
    }
    assert_eq!(done.recv(), Some(14));
}

#[goro::test]
fn a_test_may_return_a_result() -> Result<(), std::num::ParseIntError> {
    let n: i32 = "42".parse()?;
    assert_eq!(n, 42);
    Ok(())
}

#[goro::test]
#[should_panic(expected = "boom")]
fn a_panic_in_the_test_goroutine_fails_the_test() {
    panic!("boom");
}

#[goro::test]
#[should_panic(expected = "boom in a goroutine")]
fn a_panic_in_another_goroutine_fails_the_test() {
    go!(move || panic!("boom in a goroutine"));
    // Goroutine 1 yields until the panic stops the runtime, which then unwinds it.
    loop {
        goro::runtime::gosched();
    }
}

/// Outside any runtime (a plain `#[test]`), `go!` starts the process-wide runtime.
#[test]
fn go_outside_any_runtime_uses_the_global_runtime() {
    let ch = chan![u64];
    go!(send_goid(ch.sender()));
    let goid = ch.recv().unwrap(); // a plain thread parks on a goro channel too
    assert!(goid >= 1, "ran as a goroutine, got goid {goid}");
    assert_eq!(
        goro::runtime::goid(),
        0,
        "the test thread itself is no goroutine"
    );
}

/// Go's `go func(msg string) { ... }("going")`: a closure literal called in place. Its
/// parentheses are needed in the call, and must not become `unused_parens` in the expansion.
#[deny(unused_parens)]
#[goro::test]
fn a_closure_literal_called_in_place() {
    let ch = chan![String; 1];
    let tx = ch.clone();
    go!((move |msg: &str| tx.send(msg.to_owned()))("going"));
    assert_eq!(ch.recv().as_deref(), Some("going"));
}
