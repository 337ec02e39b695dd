// `select! {}` blocks forever: its type is `!`. A goroutine parked in it does not keep the
// runtime from returning (it is unwound at the end of `run`).
use goro::prelude::*;

fn park_forever() -> ! {
    select! {}
}

fn main() {
    let answer = goro::run(|| {
        let parked = chan![(); 1];
        go!({
            parked.send(());
            park_forever()
        });
        assert_eq!(parked.recv(), Some(()));
        42
    });
    assert_eq!(answer, 42);
}
