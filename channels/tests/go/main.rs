//! Ports of Go's own channel tests, a module per Go file. Each module names its source (in
//! golang/go, Go 1.2x) and how the port differs. The common difference: Go waits for a
//! goroutine to block with `time.Sleep`; these ports make the goroutines block in a known
//! order instead (`support::park_in_order`, one P), so nothing depends on timing.
//!
//! Go's test/chan/*.go *programs* are ported as examples (`examples/`, run by
//! `tests/examples.rs`); the smaller regression programs (test/chan/select*.go,
//! zerosize.go, and test/closedchan.go, chancap.go, chanlinear.go) are here.
#[path = "../support/mod.rs"]
mod support;

mod chan_test;
mod chancap;
mod chanlinear;
mod closedchan;
mod select;
mod select2;
mod select4;
mod select5;
mod select6;
mod select7;
mod select8;
mod zerosize;
