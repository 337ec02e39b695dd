//! Go: `test/chan/zerosize.go` — channels of zero-sized types can be made, buffered or not.
//!
//! Differences: Go only makes them; here each also carries a value (the capacity question,
//! a million `()` slots costing no memory, is in `tests/buffered.rs`).

use goro::prelude::*;

#[goro::test]
fn test_zero_sized_channels() {
    let arrays0 = chan![[u8; 0]];
    let arrays1 = chan![[u8; 0]; 1];
    let units0 = chan![()];
    let units1 = chan![(); 1];
    arrays1.send([]);
    units1.send(());
    go!({ arrays0.send([]) });
    go!({ units0.send(()) });
    assert_eq!(
        (arrays0.recv(), arrays1.recv(), units0.recv(), units1.recv()),
        (Some([]), Some([]), Some(()), Some(()))
    );
}
