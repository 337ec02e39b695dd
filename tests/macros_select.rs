//! Behaviour of `select!` between goroutines: which arm runs when exactly one can, nil and
//! closed channels, wake-ups of a parked select, and Go's panic on a closed send arm.
//! (Fairness among several ready arms is tested statistically in goro-chan.) Every wait is
//! on a channel, never on time.
mod support;

use goro::prelude::*;
use support::wait_until;

#[goro::test]
fn the_one_ready_receive_arm_is_chosen() {
    let (a, b) = (chan![usize], chan![usize]);
    for i in 0..200 {
        let ready_on_b = i % 3 == 0;
        go!({ if ready_on_b { b.send(i) } else { a.send(i) } });
        let got = select! {
            v := <-a => ("a", v),
            v := <-b => ("b", v),
        };
        assert_eq!(got, (if ready_on_b { "b" } else { "a" }, Some(i)));
    }
}

#[goro::test]
fn the_one_ready_send_arm_is_chosen() {
    let (a, b, got) = (chan![&str], chan![&str], chan![&str; 1]);
    for i in 0..200 {
        let read_b = i % 2 == 0;
        go!({
            let v = if read_b { b.recv() } else { a.recv() };
            got.send(v.unwrap());
        });
        let chose = select! {
            a <- "sent on a" => "a",
            b <- "sent on b" => "b",
        };
        assert_eq!(chose, if read_b { "b" } else { "a" });
        assert_eq!(
            got.recv(),
            Some(if read_b { "sent on b" } else { "sent on a" })
        );
    }
}

#[goro::test]
fn a_nil_channel_arm_is_never_chosen() {
    let nil = Chan::<i32>::nil();
    let ready = chan![i32; 1];
    for i in 0..200 {
        ready.send(i);
        let got = select! {
            v := <-nil => panic!("received {v:?} from a nil channel"),
            nil <- i => panic!("sent on a nil channel"),
            v := <-ready => v,
        };
        assert_eq!(got, Some(i));
    }
    let only_nil = select! {
        <-nil => "nil",
        nil <- 1 => "nil",
        default => "default",
    };
    assert_eq!(only_nil, "default");
}

#[goro::test]
fn a_closed_channel_receive_arm_gives_none() {
    let (closed, idle) = (chan![i32; 1], chan![i32]);
    closed.send(5);
    closed.close();
    select! {
        v := <-closed => assert_eq!(v, Some(5), "buffered values come first"),
        <-idle => unreachable!(),
    }
    for _ in 0..3 {
        select! {
            v := <-closed => assert_eq!(v, None),
            <-idle => unreachable!(),
        }
        select! {
            (v, ok) := <-closed => assert_eq!((v, ok), (0, false)),
            <-idle => unreachable!(),
        }
    }
}

#[goro::test]
fn closing_a_channel_wakes_a_select_parked_on_it() {
    let (jobs, quit, out) = (chan![i32], chan![()], chan![Vec<i32>; 1]);
    go!({
        let mut got = Vec::new();
        'work: loop {
            select! {
                case j := <-jobs => got.push(j.unwrap()),
                case <-quit => break 'work,
            }
        }
        out.send(got);
    });
    for j in 0..10 {
        jobs.send(j);
    }
    // Close only once the worker is back in its select: only close can wake it there.
    wait_until("the worker parked in select", || {
        goro::runtime::stack(true).contains("[select]:")
    });
    quit.close();
    assert_eq!(out.recv(), Some((0..10).collect::<Vec<_>>()));
}

#[goro::test]
fn selects_on_both_ends_count_every_message() {
    const PRODUCERS: usize = 4;
    const EACH: usize = 500;
    let (evens, odds, done) = (chan![usize; 4], chan![usize], chan![()]);
    for p in 0..PRODUCERS {
        go!({
            for k in 0..EACH {
                let v = p * EACH + k;
                select! {
                    evens <- v => {}
                    odds <- v => {}
                }
            }
            done.send(());
        });
    }
    let (mut sum, mut count, mut producers) = (0, 0, PRODUCERS);
    while count < PRODUCERS * EACH || producers > 0 {
        select! {
            v := <-evens => { sum += v.unwrap(); count += 1 }
            v := <-odds => { sum += v.unwrap(); count += 1 }
            <-done => producers -= 1,
        }
    }
    let n = PRODUCERS * EACH;
    assert_eq!((count, sum), (n, n * (n - 1) / 2));
}

#[goro::test]
#[should_panic(expected = "send on closed channel")]
fn a_send_arm_on_a_closed_channel_panics() {
    let ch = chan![i32; 1];
    ch.close();
    select! {
        ch <- 1 => {}
        default => {}
    }
}

#[goro::test]
fn a_select_of_one_arm_waits_for_it() {
    let (ch, got) = (chan![i32], chan![i32; 1]);
    go!({
        select! {
            v := <-ch => got.send(v.unwrap()),
        }
    });
    select! { ch <- 7 => {} }
    assert_eq!(got.recv(), Some(7));
}

/// Generic over the element type: the hidden enum of the expansion is generic too.
fn either<T: Send>(a: &Chan<T>, b: &Receiver<T>) -> Option<T> {
    select! {
        v := <-a => v,
        v := <-b => v,
    }
}

#[goro::test]
fn select_works_in_generic_functions() {
    let (a, b) = (chan![String; 1], chan![String; 1]);
    b.send(String::from("from b"));
    assert_eq!(either(&a, &b.receiver()).as_deref(), Some("from b"));
}

#[goro::test]
fn parked_selects_show_go_s_wait_reasons() {
    let (a, b) = (chan![i32], chan![i32]);
    go!({
        select! {}
    });
    go!({
        select! {
            <-a => {}
            <-b => {}
        }
    });
    wait_until("one goroutine in each kind of select", || {
        let dump = goro::runtime::stack(true);
        dump.contains("[select (no cases)]:") && dump.contains("[select]:")
    });
    b.send(1); // the second select takes it and ends
    wait_until("the woken select to finish", || {
        !goro::runtime::stack(true).contains("[select]:")
    });
    assert!(goro::runtime::stack(true).contains("[select (no cases)]:"));
}

/// Go's `x = <-ch` in a select assigns the variable declared before it (Go prints 5 here);
/// it never declares a new one that would hide it.
#[goro::test]
fn equals_assigns_to_an_existing_variable() {
    let ch = chan![i32; 1];
    let mut x = 1;
    let before = x;
    ch.send(5);
    select! {
        x = <-ch => assert_eq!((before, x), (1, 5), "the body sees the assigned value"),
    }
    assert_eq!(x, 5);
    ch.close();
    select! {
        x = <-ch => {}
    }
    assert_eq!(
        x, 0,
        "Go's zero value once the channel is closed and drained"
    );
}

#[derive(Debug, Default, PartialEq)]
struct Totals {
    last: String,
    counts: [u32; 3],
}

#[goro::test]
fn equals_assigns_to_a_field_an_index_and_a_deref() {
    let (names, nums) = (chan![String; 1], chan![u32; 2]);
    let mut totals = Totals::default();
    names.send("first".to_owned());
    select! {
        totals.last = <-names => {}
    }
    nums.send(7);
    nums.send(8);
    let mut i = 0;
    for _ in 0..2 {
        select! {
            case totals.counts[i] = <-nums => i += 1,
        }
    }
    let mut spare = 9;
    let p = &mut spare;
    nums.close();
    select! {
        *p = <-nums => {}
    }
    assert_eq!(spare, 0, "zero value through the deref");
    names.close();
    select! {
        totals.last = <-names => {}
    }
    assert_eq!(
        totals,
        Totals {
            last: String::new(),
            counts: [7, 8, 0]
        }
    );
}

#[goro::test]
fn equals_with_ok_assigns_both_places() {
    let ch = chan![i32; 1];
    let (mut x, mut ok) = (-1, false);
    let mut oks = [false; 2];
    assert_eq!((x, ok), (-1, false));
    ch.send(3);
    select! {
        (x, ok) = <-ch => assert_eq!((x, ok), (3, true)),
    }
    assert_eq!((x, ok), (3, true));
    ch.close();
    select! {
        x, oks[1] = <-ch => {}
    }
    assert_eq!((x, oks), (0, [false, false]));

    // `(_, ok) =` needs no zero value: the element type has no `Default`.
    struct NoDefault;
    let nd = chan![NoDefault; 1];
    nd.send(NoDefault);
    select! {
        (_, ok) = <-nd => {}
    }
    assert!(ok);
    nd.close();
    select! {
        (_, ok) = <-nd => {}
    }
    assert!(!ok);
}

#[goro::test]
fn a_labelled_break_in_an_arm_leaves_the_loop() {
    let (nums, quit) = (chan![u32; 8], chan![(); 1]);
    for n in 0..3 {
        nums.send(n);
    }
    let mut got = Vec::new();
    'recv: loop {
        select! {
            case n := <-nums => match n {
                Some(n) => got.push(n),
                None => unreachable!("never closed"),
            },
            case <-quit => break 'recv,
            default => quit.send(()),
        }
    }
    assert_eq!(got, [0, 1, 2]);
}

#[goro::test]
fn continue_in_an_arm_goes_to_the_next_iteration() {
    let nums = chan![u32; 8];
    for n in 0..8 {
        nums.send(n);
    }
    let mut odd = Vec::new();
    for _ in 0..8 {
        select! {
            n := <-nums => if n.is_some_and(|n| n % 2 == 0) { continue },
        }
        odd.push(nums.len());
    }
    assert_eq!(odd, [6, 4, 2, 0], "one push for each odd value received");
}

/// Go: `for i := 0; i < 5; i++ { select { case v := <-ch: if v%2 == 0 { break }; odd++ } }`
/// runs five times: Go's `break` leaves only the select. The goro way is a labelled block
/// body and `break 'arm` (or nothing at all when the `break` was the arm's last statement).
#[goro::test]
fn go_s_break_out_of_the_select_is_a_labelled_block() {
    let ch = chan![u32; 5];
    for v in 0..5 {
        ch.send(v);
    }
    let (mut iterations, mut odd) = (0, 0);
    for _ in 0..5 {
        iterations += 1;
        select! {
            v := <-ch => 'arm: {
                if v.is_some_and(|v| v % 2 == 0) {
                    break 'arm;
                }
                odd += 1;
            }
        }
    }
    assert_eq!((iterations, odd), (5, 2));
}

#[derive(Debug, PartialEq)]
struct Point {
    x: i32,
    y: i32,
}

#[goro::test]
fn a_send_value_may_be_a_struct_literal_or_in_parentheses() {
    let points = chan![Point; 3];
    select! {
        case points <- Point { x: 1, y: 2 } => {}
    }
    select! {
        points <- Point { x: 3, ..Point { x: 0, y: 4 } } => {}
        default => unreachable!("buffer space"),
    }
    select! { points <- (Point { x: 5, y: 6 }) => {} }
    let got: Vec<Point> = (0..3).filter_map(|_| points.recv()).collect();
    assert_eq!(
        got,
        [
            Point { x: 1, y: 2 },
            Point { x: 3, y: 4 },
            Point { x: 5, y: 6 }
        ]
    );
}

#[goro::test]
fn a_one_case_select_waits_as_the_plain_operation_as_go() {
    // Go compiles `select { case v := <-c: }` to `v := <-c`: a dump shows it waiting in
    // "chan receive", not "select" (also "chan send", and a nil channel's reasons).
    let (a, b) = (chan![i32], chan![i32]);
    let nil = Chan::<i32>::nil();
    go!({
        select! {
            v := <-a => { assert_eq!(v, Some(5)); }
        }
    });
    go!({
        select! {
            b <- 1 => {}
        }
    });
    go!({
        select! {
            v := <-nil => { let _ = v; unreachable!("a nil channel never delivers"); }
        }
    });
    wait_until("the three parked", || {
        let dump = goro::runtime::stack(true);
        dump.contains("[chan receive]:")
            && dump.contains("[chan send]:")
            && dump.contains("[chan receive (nil chan)]:")
    });
    assert!(!goro::runtime::stack(true).contains("[select]:"));
    a.send(5);
    assert_eq!(b.recv(), Some(1));
}
