//! The one place that names `std::sync`, `std::thread` or `loom` (STYLE H5).
//!
//! Under `--cfg goro_loom` every atomic, lock and thread the park/ready protocol uses comes
//! from loom, so its models explore all interleavings; otherwise the same names are std's.

#[cfg(not(goro_loom))]
pub(crate) use std::{
    hint,
    sync::{Arc, Mutex, MutexGuard, atomic},
    thread,
};

#[cfg(goro_loom)]
#[allow(unused_imports, reason = "each model uses a different subset")]
pub(crate) use loom::{
    hint,
    sync::{Arc, Condvar, Mutex, MutexGuard, atomic},
    thread,
};

/// Atomics for process-wide statics (stack regions, id generators) that need `const` init
/// and that no model explores; loom's atomics cannot be statics.
pub(crate) use std::sync::atomic as static_atomic;

/// The runtime's own long-lived objects (Sched, M) are never modelled; they use std's Arc
/// even under loom, which lacks `increment_strong_count`.
pub(crate) use std::sync::Arc as StdArc;
