//! Loom models of crate-private protocols (`--cfg goro_loom`; see STYLE H5).
mod loom_gc;
mod loom_homeq;
mod loom_join;
mod loom_lock;
mod loom_mutex;
mod loom_netpoll;
mod loom_park;
mod loom_sema;
mod loom_sync;
mod loom_timers;
