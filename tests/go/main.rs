//! Ports of Go's own `time` tests, a module per Go file (golang/go, Go 1.19,
//! src/time/). Each test names the Go test it ports and how it differs. The common
//! differences: Go's durations are scaled down where a test only needs "long enough" and
//! "short enough", and a goroutine's failure is a panic (which fails the `#[goro::test]`)
//! or a counter checked at the end, since there is no `t.Errorf` to share.
mod sleep_test;
mod tick_test;
