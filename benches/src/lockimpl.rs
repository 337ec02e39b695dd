//! `--impl` for the sync workloads, whose peers are lock implementations rather than
//! runtimes: goro's `sync`, `std::sync` and `parking_lot` on OS threads, and tokio's
//! `sync` in tasks. (The channel workloads' [`Impl`](crate::args::Impl) has no lock peers.)

use crate::args::Flags;
use std::fmt;
use std::str::FromStr;

/// Which lock implementation a sync workload measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockImpl {
    /// `goro::sync` in goroutines.
    Goro,
    /// `std::sync` on OS threads.
    Std,
    /// `parking_lot` on OS threads.
    ParkingLot,
    /// `tokio::sync` in tasks.
    Tokio,
}

impl LockImpl {
    /// The name on the command line and in the runner's table.
    pub const fn as_str(self) -> &'static str {
        match self {
            LockImpl::Goro => "goro",
            LockImpl::Std => "std",
            LockImpl::ParkingLot => "parking_lot",
            LockImpl::Tokio => "tokio",
        }
    }

    /// `--impl` of a sync workload (default goro).
    pub fn from_flags(flags: &Flags) -> LockImpl {
        flags.get("impl", LockImpl::Goro)
    }
}

impl fmt::Display for LockImpl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LockImpl {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            LockImpl::Goro,
            LockImpl::Std,
            LockImpl::ParkingLot,
            LockImpl::Tokio,
        ]
        .into_iter()
        .find(|i| i.as_str() == s)
        .ok_or_else(|| format!("unknown impl {s:?} (want goro, std, parking_lot or tokio)"))
    }
}
