//! goro's benchmark programs live in `src/bin/`; their Go twins in `go/`.
//!
//! This library holds what every workload binary shares: flag parsing that matches Go's `flag`
//! package ([`args`]), the one-line result format and `/proc` readings ([`report`]), the
//! gate `rss_parked` parks on ([`gate`]), and helpers of the peer implementations ([`peer`]).

pub mod args;
pub mod gate;
pub mod peer;
pub mod report;
