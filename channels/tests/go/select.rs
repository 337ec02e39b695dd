//! Go: `test/chan/select.go` — every send value of a select is evaluated on every pass,
//! whether or not its arm can run (nil channel, full buffer) and whether or not it is
//! chosen: two passes of a two-arm select plus `default`, and so on, call `GetValue`
//! exactly 10 times in all.
//!
//! Differences: Go's globals `counter` and `shift` are fields of a small struct.

use goro::prelude::*;

#[derive(Default)]
struct Values {
    counter: u32,
    shift: u32,
}

impl Values {
    fn get_value(&mut self) -> u32 {
        self.counter += 1;
        1 << self.shift
    }

    /// Sends on whichever of `a` and `b` is ready, turning each off once used, until
    /// neither is ready; returns how many sends happened.
    fn send(&mut self, mut a: Chan<u32>, mut b: Chan<u32>) -> u32 {
        let mut i = 0;
        'shift: loop {
            select! {
                a <- self.get_value() => {
                    i += 1;
                    a = Chan::nil();
                },
                b <- self.get_value() => {
                    i += 1;
                    b = Chan::nil();
                },
                default => break 'shift,
            }
            self.shift += 1;
        }
        i
    }
}

#[goro::test]
fn test_select_evaluates_every_send_value_every_time() {
    let mut vals = Values::default();
    let (a, b) = (chan![u32; 1], chan![u32; 1]);
    assert_eq!(vals.send(a.clone(), b.clone()), 2, "Send returned != 2");
    let (av, bv) = (a.recv().unwrap(), b.recv().unwrap());
    assert_eq!(av | bv, 3, "bad values {av} {bv}");
    assert_eq!(vals.send(a.clone(), Chan::nil()), 1, "Send returned != 1");
    assert_eq!(vals.counter, 10, "counter is {} != 10", vals.counter);
}
