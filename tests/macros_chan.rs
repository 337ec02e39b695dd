//! Behaviour of `chan!`: `chan![T]` hands each value over between goroutines, `chan![T; n]`
//! buffers `n` values; channels of channels carry replies (Go's request/response idiom).
use goro::prelude::*;

#[goro::test]
fn unbuffered_hands_values_over_in_order() {
    let ch = chan![u32];
    assert_eq!(ch.cap(), 0);
    go!({
        for i in 0..100 {
            ch.send(i);
        }
        ch.close();
    });
    assert_eq!(ch.iter().collect::<Vec<_>>(), (0..100).collect::<Vec<_>>());
}

#[goro::test]
fn buffered_takes_its_size_from_any_usize_expression() {
    let workers = vec!["a", "b", "c"];
    let results = chan![String; workers.len()];
    assert_eq!(results.cap(), 3);
    for w in &workers {
        results.send(w.to_uppercase()); // never waits: there is room for every worker
    }
    assert_eq!(results.len(), 3);
    results.close();
    assert_eq!(results.iter().collect::<String>(), "ABC");
}

#[goro::test]
fn a_channel_of_channels_carries_replies() {
    let requests = chan![(u64, Chan<u64>)];
    go!({
        for (n, reply) in &requests {
            reply.send(n * n);
        }
    });
    for n in 1..=5 {
        let reply = chan![u64];
        requests.send((n, reply.clone()));
        assert_eq!(reply.recv(), Some(n * n));
    }
    requests.close();
}
