//! `defer!`, `recover` and `#[goro::func]`: Go's defer statement, its run order and argument
//! evaluation, recovery (only directly in a deferred call of the panicking function), goexit,
//! and a panic in a deferred call replacing the one in flight. Child-process cases re-run
//! this binary with `GORO_CHILD` set, for reports that end the process.

mod support;

#[path = "../examples/panic.rs"]
mod panic_example;

use goro::prelude::*;
use std::cell::RefCell;
use std::sync::{Arc, Mutex};
use support::{is_child, run_child};

/// The text of a recovered payload.
fn text(p: &(dyn std::any::Any + Send)) -> &str {
    goro::panic::payload_str(p)
}

#[goro::test]
fn deferred_calls_run_last_in_first_out_at_scope_exit() {
    let log = RefCell::new(Vec::new());
    let push = |s: &str| log.borrow_mut().push(s.to_string());
    {
        defer!(push("first deferred"));
        defer!({ push("second deferred") });
        defer! {
            push("third");
            push("deferred");
        }
        push("body");
    }
    assert_eq!(
        *log.borrow(),
        [
            "body",
            "third",
            "deferred",
            "second deferred",
            "first deferred"
        ]
    );
}

#[goro::test]
fn arguments_and_receivers_are_evaluated_at_the_defer() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let record = |tag: &str, v: i32| log.lock().unwrap().push(format!("{tag} {v}"));
    {
        let mut i = 1;
        defer!(record("call", i)); // 1, as Go's `defer f(i)`
        i += 10;
        let pick = || {
            record("evaluating function", i);
            record
        };
        defer!(pick()("returned function", i)); // `pick()` and `i` run now
        i += 100;
        record("body", i);
    }
    assert_eq!(
        *log.lock().unwrap(),
        [
            "evaluating function 11",
            "body 111",
            "returned function 11",
            "call 1"
        ]
    );

    struct Counter(Vec<u32>);
    impl Counter {
        fn push(&mut self, v: u32) {
            self.0.push(v)
        }
    }
    let mut c = Counter(Vec::new());
    {
        let mut n = 5;
        defer!(c.push(n)); // `c` is used at the call, `n` copied now
        n += 1;
        assert_eq!(n, 6);
    }
    assert_eq!(c.0, [5]);
}

#[test]
fn deferred_calls_run_while_a_panic_unwinds() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let l = log.clone();
    let err = std::panic::catch_unwind(move || {
        goro::run(move || {
            defer!({ l.lock().unwrap().push("deferred 1") });
            defer!({ l.lock().unwrap().push("deferred 2") });
            panic!("boom");
        })
    })
    .expect_err("the panic is not recovered");
    assert_eq!(text(&*err), "boom");
    assert_eq!(*log.lock().unwrap(), ["deferred 2", "deferred 1"]);
}

#[goro::func]
fn recovers(log: Arc<Mutex<Vec<String>>>, msg: &'static str) -> i32 {
    let l = log.clone();
    defer!({ l.lock().unwrap().push("deferred before".into()) });
    defer!({
        let p = recover().expect("recover during the panic returns its payload");
        assert_eq!(p.downcast_ref::<String>(), Some(&msg.to_string()));
        log.lock().unwrap().push(format!("recovered {}", text(&*p)));
        assert!(recover().is_none(), "a second recover finds nothing");
    });
    if !msg.is_empty() {
        panic!("{}", msg);
    }
    7
}

#[goro::test]
fn recover_in_a_deferred_block_stops_the_panic_and_the_function_returns_default() {
    let log = Arc::new(Mutex::new(Vec::new()));
    assert_eq!(recovers(log.clone(), "a problem"), 0);
    assert_eq!(
        *log.lock().unwrap(),
        ["recovered a problem", "deferred before"]
    );
}

#[goro::func]
fn formatted_panic(n: u32) -> Option<String> {
    defer!({
        let p = goro::recover().unwrap();
        // `panic!` with arguments makes a String payload.
        assert_eq!(
            p.downcast_ref::<String>().map(String::as_str),
            Some("n = 3")
        );
    });
    panic!("n = {n}");
}

#[goro::func]
fn literal_panic() -> Option<String> {
    defer!({
        let p = ::goro::recover().unwrap();
        // A literal message is a `&'static str`.
        assert_eq!(p.downcast_ref::<&str>(), Some(&"literal"));
    });
    panic!("literal");
}

#[goro::test]
fn recover_returns_a_string_payload_and_goro_recover_path_works_in_blocks() {
    assert_eq!(formatted_panic(3), None);
    assert_eq!(literal_panic(), None);
}

fn handler(seen: Arc<Mutex<Option<String>>>) {
    let p = goro::recover();
    *seen.lock().unwrap() = p.map(|p| text(&*p).to_string());
}

#[goro::func]
fn recovers_through_a_deferred_function(seen: Arc<Mutex<Option<String>>>) -> bool {
    defer!(handler(seen)); // Go's `defer handler()`: handler calls recover itself
    panic!("via handler");
}

#[goro::test]
fn a_deferred_function_may_recover() {
    let seen = Arc::new(Mutex::new(None));
    assert!(!recovers_through_a_deferred_function(seen.clone()));
    assert_eq!(seen.lock().unwrap().as_deref(), Some("via handler"));
}

#[goro::func]
fn panics_with_a_number(seen: Arc<Mutex<Option<String>>>) {
    defer!(handler(seen));
    std::panic::panic_any(42i32);
}

/// Go's `panic(42)` recovers 42; a `panic_any` number comes back as its text.
#[goro::test]
fn a_recovered_panic_any_number_is_its_text() {
    let seen = Arc::new(Mutex::new(None));
    panics_with_a_number(seen.clone());
    assert_eq!(seen.lock().unwrap().as_deref(), Some("42"));
}

fn nested_recover() -> bool {
    goro::recover().is_some()
}

#[goro::func]
fn recover_only_in_a_nested_function(seen: Arc<Mutex<Vec<bool>>>) {
    defer!({ seen.lock().unwrap().push(nested_recover()) });
    panic!("not recovered");
}

#[test]
fn recover_in_a_function_the_deferred_block_calls_returns_none_and_the_panic_goes_on() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let err =
        std::panic::catch_unwind(move || goro::run(move || recover_only_in_a_nested_function(s)))
            .expect_err("the panic goes on");
    assert_eq!(text(&*err), "not recovered");
    assert_eq!(*seen.lock().unwrap(), [false]);
}

#[goro::test]
fn recover_when_not_panicking_returns_none() {
    assert!(goro::recover().is_none());
    let got = Arc::new(Mutex::new(Vec::new()));
    {
        defer!({ got.lock().unwrap().push(recover().is_none()) });
        let p = got.clone();
        defer!(p.lock().unwrap().push(goro::recover().is_none())); // the receiver locks now
    }
    assert_eq!(*got.lock().unwrap(), [true, true]);
}

#[goro::test]
fn goexit_runs_deferred_calls_and_recover_returns_none() {
    let got = chan![&str; 3];
    let h = goro::spawn({
        let got = got.clone();
        move || {
            defer!(got.send("outer deferred"));
            defer!({
                assert!(recover().is_none(), "goexit is not recoverable");
                got.send("deferred saw no panic");
            });
            goro::runtime::goexit();
        }
    });
    assert!(h.join().unwrap_err().is::<goro::panic::Goexit>());
    assert_eq!(got.recv(), Some("deferred saw no panic"));
    assert_eq!(got.recv(), Some("outer deferred"));
}

/// A panic in a deferred call run by `goexit`, recovered by a later deferred call, does not
/// stop the goexit: the function does not return, the goroutine goes on exiting and its
/// callers' deferred calls run (Go: the recovery returns to the Goexit's loop).
#[goro::func]
fn recovered_panic_during_goexit(got: Chan<&'static str>) -> i32 {
    let g = got.clone();
    defer!({
        let p = recover();
        g.send(if p.is_some() {
            "recovered"
        } else {
            "nothing to recover"
        });
    });
    defer!({ panic!("in a deferred call of goexit") });
    goro::runtime::goexit();
}

#[goro::test]
fn recovering_a_panic_raised_during_goexit_does_not_stop_the_goexit() {
    let got = chan![&str; 4];
    let h = goro::spawn({
        let got = got.clone();
        move || {
            defer!(got.send("caller deferred"));
            recovered_panic_during_goexit(got.clone());
            got.send("after the call");
            42
        }
    });
    assert!(h.join().unwrap_err().is::<goro::panic::Goexit>());
    got.close();
    let seen: Vec<_> = got.iter().collect();
    assert_eq!(seen, ["recovered", "caller deferred"]);
}

#[goro::test]
fn a_goroutine_body_recovers_and_ends_normally() {
    let done = chan![String];
    go!({
        let done = done.clone();
        defer!({
            let p = recover().unwrap();
            done.send(format!("goroutine recovered {}", text(&*p)));
        });
        panic!("in a goroutine");
    });
    assert_eq!(
        done.recv().as_deref(),
        Some("goroutine recovered in a goroutine")
    );
}

#[goro::test]
fn a_deferred_block_may_park_during_a_panic() {
    let (ch, out) = (chan![i32], chan![String]);
    go!({
        let out = out.clone();
        defer!({
            let v = ch.recv().unwrap(); // parks while panicking
            let p = recover().expect("still the panicking function's deferred call");
            out.send(format!("{} after receiving {v}", text(&*p)));
        });
        panic!("parked");
    });
    // Other goroutines of this runtime run meanwhile.
    let other = goro::spawn(|| 40 + 2);
    assert_eq!(other.join().unwrap(), 42);
    ch.send(5);
    assert_eq!(out.recv().as_deref(), Some("parked after receiving 5"));
}

#[goro::func]
fn replaced_then_recovered() -> u8 {
    defer!({
        let p = recover().expect("the second panic");
        assert_eq!(text(&*p), "second");
    });
    defer!({ panic!("second") });
    panic!("first");
}

#[goro::test]
fn a_panic_in_a_deferred_call_replaces_the_first_and_can_be_recovered() {
    assert_eq!(replaced_then_recovered(), 0);
}

#[test]
fn a_replacing_panic_reaches_run_as_the_newest_payload() {
    let err = std::panic::catch_unwind(|| {
        goro::run(|| {
            defer!({ panic!("second") });
            panic!("first");
        })
    })
    .expect_err("not recovered");
    assert_eq!(text(&*err), "second");
}

#[goro::func]
fn nested_frame_recovers() -> i32 {
    defer!({
        assert!(recover().is_some());
    });
    panic!("inner");
}

#[goro::func]
fn outer_sees_no_panic(log: Arc<Mutex<Vec<String>>>) -> i32 {
    defer!({
        let r = recover();
        log.lock().unwrap().push(format!(
            "outer recover: {:?}",
            r.map(|p| text(&*p).to_string())
        ));
    });
    nested_frame_recovers() + 1
}

#[goro::test]
fn a_recovered_callee_returns_normally_to_its_caller() {
    let log = Arc::new(Mutex::new(Vec::new()));
    assert_eq!(outer_sees_no_panic(log.clone()), 1);
    assert_eq!(*log.lock().unwrap(), ["outer recover: None"]);
}

#[goro::func]
fn recovery_in_a_deferred_function_during_a_panic(log: Arc<Mutex<Vec<String>>>) -> i32 {
    let l = log.clone();
    defer!({
        // A #[goro::func] called by a deferred block recovers its own panic, not ours.
        assert_eq!(nested_frame_recovers(), 0);
        let p = recover().expect("ours is still panicking");
        l.lock()
            .unwrap()
            .push(format!("outer recovered {}", text(&*p)));
    });
    panic!("outer");
}

#[goro::test]
fn a_function_called_by_a_deferred_block_has_panics_of_its_own() {
    let log = Arc::new(Mutex::new(Vec::new()));
    assert_eq!(
        recovery_in_a_deferred_function_during_a_panic(log.clone()),
        0
    );
    assert_eq!(*log.lock().unwrap(), ["outer recovered outer"]);
}

struct Thing(u32);
impl Thing {
    #[goro::func]
    fn checked(&self, d: u32) -> u32 {
        defer!({
            let _ = recover();
        });
        self.0 / d
    }
}

#[goro::test]
fn func_works_on_methods() {
    let t = Thing(10);
    assert_eq!(t.checked(2), 5);
    assert_eq!(t.checked(0), 0);
}

#[test]
fn func_works_on_a_plain_thread() {
    let log = Arc::new(Mutex::new(Vec::new()));
    assert_eq!(recovers(log.clone(), "plain"), 0);
    assert_eq!(*log.lock().unwrap(), ["recovered plain", "deferred before"]);
}

#[test]
fn an_unrecovered_replacing_panic_prints_both_as_go() {
    if is_child() {
        fn main() {
            defer!({
                let _ = recover();
                panic!("second");
            });
            panic!("first");
        }
        goro::__private::run_main_or(main, Default::default);
        return;
    }
    let (code, err) = run_child("an_unrecovered_replacing_panic_prints_both_as_go");
    assert_eq!(code, 2, "stderr: {err}");
    assert!(
        err.starts_with("panic: first [recovered]\n\tpanic: second\n\ngoroutine 1 [running]:\n"),
        "stderr: {err}"
    );
}

#[test]
fn an_unrecovered_panic_in_a_deferred_call_prints_the_aborted_one_too() {
    if is_child() {
        fn main() {
            defer!({ panic!("second") });
            panic!("first");
        }
        goro::__private::run_main_or(main, Default::default);
        return;
    }
    let (code, err) =
        run_child("an_unrecovered_panic_in_a_deferred_call_prints_the_aborted_one_too");
    assert_eq!(code, 2, "stderr: {err}");
    assert!(
        err.starts_with("panic: first\n\tpanic: second\n\ngoroutine 1 [running]:\n"),
        "stderr: {err}"
    );
}

#[test]
fn main_recovering_exits_0() {
    if is_child() {
        fn main() {
            defer!({
                let p = recover().unwrap();
                println!("Recovered. Error:\n {}", text(&*p));
            });
            panic!("a problem");
        }
        goro::__private::run_main_or(main, Default::default);
        return;
    }
    let (code, err) = run_child("main_recovering_exits_0");
    assert_eq!(code, 0, "stderr: {err}");
    assert!(!err.contains("panic:"), "stderr: {err}");
}

#[test]
fn the_panic_example_prints_gos_report_and_exits_2() {
    if is_child() {
        panic_example::main();
        return;
    }
    let (code, err) = run_child("the_panic_example_prints_gos_report_and_exits_2");
    assert_eq!(code, 2, "stderr: {err}");
    assert!(
        err.starts_with("panic: a problem\n\ngoroutine 1 [running]:\n"),
        "stderr: {err}"
    );
}

#[goro::test]
fn a_spawned_goroutine_that_recovers_has_no_value_for_join() {
    let h = goro::spawn(|| -> u32 {
        defer!({
            let _ = recover();
        });
        panic!("spawned");
    });
    // It ended normally, but has no value: `join` returns the recovered payload as `Err`.
    assert_eq!(text(&*h.join().unwrap_err()), "spawned");

    let done = chan![()];
    drop(goro::spawn({
        let done = done.clone();
        move || {
            defer!({
                assert!(recover().is_some());
                done.send(());
            });
            panic!("detached");
        }
    }));
    // Nobody joins: a recovered panic is not reported (the test would fail with it).
    assert_eq!(done.recv(), Some(()));
}

#[test]
fn goroutine_1_of_plain_run_that_recovers_leaves_run_nothing_to_return() {
    let err = std::panic::catch_unwind(|| {
        goro::run(|| -> u32 {
            defer!({
                assert!(recover().is_some());
            });
            panic!("in goroutine 1");
        })
    })
    .expect_err("run has no u32 to return");
    assert!(
        text(&*err).starts_with("goro::run: goroutine 1 recovered from a panic"),
        "{}",
        text(&*err)
    );
}

#[goro::test]
fn a_deferred_calls_result_is_dropped() {
    fn fallible(log: &RefCell<Vec<&'static str>>) -> Result<u8, String> {
        log.borrow_mut().push("ran");
        Err("ignored, as Go ignores a deferred call's results".into())
    }
    let log = RefCell::new(Vec::new());
    {
        defer!(fallible(&log)); // no unused-Result warning: the value is dropped
    }
    assert_eq!(*log.borrow(), ["ran"]);
}

#[goro::func]
fn defer_inside_a_deferred_block(log: Arc<Mutex<Vec<String>>>) -> u8 {
    defer!({
        {
            // Run by this scope's normal end, not by the panic: Go's `recover` returns nil
            // in a defer of a function the deferred call runs.
            defer!({
                log.lock()
                    .unwrap()
                    .push(format!("inner {}", recover().is_some()))
            });
        }
        log.lock()
            .unwrap()
            .push(format!("outer {}", recover().is_some()));
    });
    panic!("p");
}

#[goro::test]
fn only_defers_run_by_the_panic_recover() {
    let log = Arc::new(Mutex::new(Vec::new()));
    assert_eq!(defer_inside_a_deferred_block(log.clone()), 0);
    assert_eq!(*log.lock().unwrap(), ["inner false", "outer true"]);
}

#[test]
fn a_deferred_call_that_panics_at_a_normal_exit_panics_on() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let l = log.clone();
    let err = std::panic::catch_unwind(move || {
        goro::run(move || {
            defer!({ l.lock().unwrap().push("runs while unwinding") });
            {
                defer!({ panic!("in a deferred call") });
            }
            l.lock().unwrap().push("not reached");
        })
    })
    .expect_err("the deferred call's panic goes on");
    assert_eq!(text(&*err), "in a deferred call");
    assert_eq!(*log.lock().unwrap(), ["runs while unwinding"]);
}

#[goro::test]
fn goroutines_parked_in_deferred_calls_keep_their_own_panics() {
    let (go_on, out) = (chan![()], chan![String; 4]);
    for name in ["a", "b", "c"] {
        go!({
            let out = out.clone();
            defer!({
                go_on.recv(); // every one parks mid-panic; others panic meanwhile
                let p = recover().expect("its own panic");
                out.send(format!("{name}: {}", text(&*p)));
            });
            panic!("panic {name}");
        });
    }
    support::wait_until("three goroutines parked in deferred calls", || {
        support::parked("chan receive") == 3
    });
    for _ in 0..3 {
        go_on.send(());
    }
    let mut got: Vec<String> = out.iter().take(3).collect();
    got.sort();
    assert_eq!(got, ["a: panic a", "b: panic b", "c: panic c"]);
}

#[test]
fn a_panic_of_a_goroutine_whose_handle_was_dropped_reaches_run() {
    // Nobody can join it: the panic is unrecovered, as every goroutine panic in Go, and
    // the runtime stops with it. (The handle is dropped while the goroutine waits, so the
    // packet sees the detach before the outcome.)
    let err = std::panic::catch_unwind(|| {
        goro::run(|| {
            let gate = chan![()];
            let g2 = gate.clone();
            drop(goro::spawn(move || {
                g2.recv();
                panic!("nobody joins me");
            }));
            gate.send(());
            chan![()].recv(); // until the runtime stops
        })
    })
    .expect_err("the detached goroutine's panic");
    assert_eq!(text(&*err), "nobody joins me");
}

#[test]
fn joins_racing_the_goroutines_end_get_every_value() {
    // Half the joins find the outcome written, half park first (two Ps): each value once.
    let sum = goro::run(|| {
        goro::runtime::gomaxprocs(2);
        let handles: Vec<_> = (0..20_000u64).map(|i| goro::spawn(move || i)).collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum::<u64>()
    });
    assert_eq!(sum, 20_000 * 19_999 / 2);
}

// ---- which deferred calls may recover: the frame's own function's -------------------------

/// A plain function (no `#[goro::func]`) whose deferred block calls `recover()`.
fn plain_with_recover(seen: &Mutex<Vec<String>>) -> i32 {
    defer!({
        seen.lock()
            .unwrap()
            .push(format!("plain: {}", recover().is_some()));
    });
    panic!("in plain");
}

#[goro::func]
fn frame_calling_plain(seen: Arc<Mutex<Vec<String>>>) -> i32 {
    defer!({
        let p = recover();
        seen.lock()
            .unwrap()
            .push(format!("frame: {:?}", p.as_deref().map(text)));
    });
    let v = plain_with_recover(&seen);
    seen.lock().unwrap().push("after plain".to_string()); // never: the panic goes on
    v + 1
}

/// Go: a deferred recover in a nested function stops the panic there and that function
/// returns; goro cannot make a plain function return early, so its `recover()` returns
/// `None` (DESIGN: "a nested function") and the panic goes on to the frame, whose own
/// deferred call recovers it. (It used to recover on the frame's behalf: the frame's body
/// ended early, and the rest of goroutine 1 was skipped without a word.)
#[goro::test]
fn a_plain_functions_deferred_recover_returns_none_and_the_frame_recovers() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    assert_eq!(frame_calling_plain(seen.clone()), 0);
    assert_eq!(
        *seen.lock().unwrap(),
        ["plain: false", "frame: Some(\"in plain\")"]
    );
}

fn worker(seen: Arc<Mutex<Vec<String>>>, done: Chan<()>) {
    defer!(done.send(()));
    defer!({
        let p = recover();
        seen.lock()
            .unwrap()
            .push(format!("worker: {:?}", p.as_deref().map(text)));
    });
    panic!("worker failed");
}

struct Server(Arc<Mutex<Vec<String>>>);
impl Server {
    fn serve(self, done: Chan<()>) {
        defer!(done.send(()));
        defer!({
            let p = recover();
            self.0
                .lock()
                .unwrap()
                .push(format!("serve: {:?}", p.as_deref().map(text)));
        });
        panic!("serve failed");
    }
}

/// Go's `go worker()` with `defer func() { recover() }()` in `worker`: the function a
/// goroutine runs is the goroutine's own frame, whether started as `go!(f(x))`,
/// `go!(obj.m(x))` or `spawn(f)`.
#[goro::test]
fn the_function_a_goroutine_runs_may_recover() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let done = chan![()];
    go!(worker(seen.clone(), done.clone()));
    done.recv();
    go!(Server(seen.clone()).serve(done.clone()));
    done.recv();
    static SPAWNED: Mutex<Option<String>> = Mutex::new(None);
    fn spawned() -> u8 {
        defer!({
            *SPAWNED.lock().unwrap() = recover().as_deref().map(|p| text(p).to_string());
        });
        panic!("spawned failed");
    }
    // A recovering spawned goroutine has no value: `join` says so with the payload.
    let err = goro::spawn(spawned).join().unwrap_err();
    assert_eq!(text(&*err), "spawned failed");
    assert_eq!(SPAWNED.lock().unwrap().as_deref(), Some("spawned failed"));
    assert_eq!(
        *seen.lock().unwrap(),
        [
            "worker: Some(\"worker failed\")",
            "serve: Some(\"serve failed\")"
        ]
    );
}

/// Goroutine 1 calls a closure whose deferred call tries to recover: `None`, and the
/// panic is reported with exit status 2 (it used to end `main` quietly, status 0).
#[test]
fn a_closures_deferred_recover_in_main_does_not_end_main_quietly() {
    if is_child() {
        goro::__private::run_main(|| {
            #[allow(
                clippy::redundant_closure_call,
                reason = "the helper's closure, as written"
            )]
            let v = (|| -> i32 {
                defer!({
                    eprintln!("closure recover: {}", recover().is_some());
                });
                panic!("in closure")
            })();
            eprintln!("after closure {v}");
        });
        return;
    }
    let (code, err) = run_child("a_closures_deferred_recover_in_main_does_not_end_main_quietly");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("closure recover: false\n"), "{err}");
    assert!(err.contains("panic: in closure\n"), "{err}");
    assert!(!err.contains("after closure"), "{err}");
}

// ---- only the deferred block's own calls are direct, not a closure's in it ----------------

/// Polls `f` once: the async blocks below are ready at once.
fn ready<F: std::future::Future>(f: F) -> F::Output {
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match std::pin::pin!(f).poll(&mut cx) {
        std::task::Poll::Ready(v) => v,
        std::task::Poll::Pending => unreachable!("nothing to wait for"),
    }
}

/// Go's `defer func() { f := func() bool { return recover() != nil }; f() }()`: the func
/// literal is a function of its own, not the deferred one, so its `recover()` returns nil.
/// The same for a closure given to a macro, a nested fn and an async block.
#[goro::func]
fn recover_in_functions_of_a_deferred_block(seen: Arc<Mutex<Vec<bool>>>) {
    defer! {
        let by_closure = || goro::recover().is_some();
        let by_plain_closure = || recover().is_some();
        fn by_nested_fn() -> bool {
            goro::recover().is_some()
        }
        let by_async = ready(async { recover().is_some() });
        let in_a_macro = format!("{}", [1].iter().any(|_| recover().is_some()));
        seen.lock().unwrap().extend([
            by_closure(),
            by_plain_closure(),
            by_nested_fn(),
            by_async,
            in_a_macro == "true",
        ]);
    }
    panic!("not recovered by a closure");
}

#[test]
fn recover_in_a_closure_of_a_deferred_block_returns_none_and_the_panic_goes_on() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let err = std::panic::catch_unwind(move || {
        goro::run(move || recover_in_functions_of_a_deferred_block(s))
    })
    .expect_err("the panic goes on");
    assert_eq!(text(&*err), "not recovered by a closure");
    assert_eq!(*seen.lock().unwrap(), [false; 5]);
}

#[goro::func]
fn closures_then_a_direct_recover(seen: Arc<Mutex<Vec<String>>>) -> u8 {
    defer! {
        let by_closure = || goro::recover().is_some();
        let mut seen = seen.lock().unwrap();
        seen.push(format!("closure: {}", by_closure()));
        assert!([1].iter().all(|_| recover().is_none()));
        let p = recover().expect("directly in the block: still panicking");
        seen.push(format!("block: {}", text(&*p)));
    }
    panic!("recovered directly");
}

#[test]
fn recover_directly_in_a_deferred_block_with_closures_still_stops_the_panic() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    assert_eq!(closures_then_a_direct_recover(seen.clone()), 0);
    assert_eq!(
        *seen.lock().unwrap(),
        ["closure: false", "block: recovered directly"]
    );
}

/// `main` whose deferred block recovers only in a closure: Go's report and exit status 2,
/// as Go's `recover()` in a func literal inside the deferred function.
#[test]
fn a_closures_recover_in_a_deferred_block_of_main_does_not_stop_the_panic() {
    if is_child() {
        fn main() {
            defer! {
                let f = || goro::recover().is_some();
                eprintln!("closure recover: {}", f());
            }
            panic!("in main");
        }
        goro::__private::run_main_or(main, Default::default);
        return;
    }
    let (code, err) =
        run_child("a_closures_recover_in_a_deferred_block_of_main_does_not_stop_the_panic");
    assert_eq!(code, 2, "stderr: {err}");
    assert!(err.contains("closure recover: false\n"), "stderr: {err}");
    assert!(
        err.contains("panic: in main\n\ngoroutine 1 [running]:\n"),
        "stderr: {err}"
    );
}
