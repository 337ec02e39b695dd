//! goro's benchmark programs live in `src/bin/`; their Go twins in `go/`.
//!
//! This library holds what every workload binary shares: flag parsing that matches Go's `flag`
//! package ([`args`]), the one-line result format and `/proc` readings ([`report`]), the
//! gate `rss_parked` parks on ([`gate`]), helpers of the peer implementations ([`peer`]), and
//! the `--impl` of the sync workloads, whose peers are locks ([`lockimpl`]), and the HTTP
//! workloads' load generator, `wrk` ([`wrk`]).

pub mod args;
pub mod gate;
pub mod lockimpl;
pub mod peer;
pub mod report;
pub mod wrk;
