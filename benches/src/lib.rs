//! goro's benchmark programs live in `src/bin/`; their Go twins in `go/`.
//!
//! This library holds what every workload binary shares: flag parsing that matches Go's `flag`
//! package ([`args`]), the one-line result format and `/proc` readings ([`report`]), and the
//! gate the goro workloads park on until goro has channels ([`gate`]).

pub mod args;
pub mod gate;
pub mod report;
