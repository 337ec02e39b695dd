// `default` runs only when no other arm can proceed at once: an empty channel, a full one,
// a nil one; never when a value, a closed channel or buffer space is there.
use goro::prelude::*;

#[derive(Debug, PartialEq)]
enum Took {
    Recv(Option<i32>),
    Send,
    Default,
}

fn poll(rx: &Chan<i32>, tx: &Chan<i32>, v: i32) -> Took {
    select! {
        v := <-rx => Took::Recv(v),
        tx <- v => Took::Send,
        default => Took::Default,
    }
}

#[goro::main]
fn main() {
    let (rx, tx) = (chan![i32; 1], chan![i32; 1]);
    tx.send(0); // full
    assert_eq!(poll(&rx, &tx, 1), Took::Default, "rx empty, tx full");
    rx.send(7);
    assert_eq!(poll(&rx, &tx, 1), Took::Recv(Some(7)));
    assert_eq!(tx.recv(), Some(0)); // now tx has room
    assert_eq!(poll(&rx, &tx, 2), Took::Send);
    assert_eq!(tx.recv(), Some(2));
    rx.close();
    tx.send(0);
    assert_eq!(
        poll(&rx, &tx, 3),
        Took::Recv(None),
        "a closed channel is ready"
    );

    let nil = Chan::<i32>::nil();
    assert_eq!(
        poll(&nil, &nil, 4),
        Took::Default,
        "nil channels are never ready"
    );

    // Unbuffered, nobody on the other side: not ready.
    let unbuffered = chan![i32];
    assert_eq!(poll(&unbuffered, &unbuffered, 5), Took::Default);

    // A select of only `default` runs it.
    let only = select! { default => "only" };
    assert_eq!(only, "only");
    let mut runs = 0;
    select! {
        default => {
            runs += 1;
        }
    }
    assert_eq!(runs, 1);
}
