//! Loom models of the channel code (`--cfg goro_loom`; see STYLE H5). Each model runs the
//! *real* `Chan`/`select` code on loom threads: a blocked loom thread parks through the
//! thread-G path (`gopark` → `Note` → loom's `Condvar`), and the hchan `Lock`, the sudogs'
//! `SelectDone` and every G status word are loom atomics, so loom explores the orders of
//! the locked steps, the select claim and the park/ready handshake (two preemptions in CI;
//! under loom the `Lock` blocks on a loom `Condvar`, so contended locks add no spin
//! branches).
//!
//! Run: `RUSTFLAGS="--cfg goro_loom" CARGO_TARGET_DIR=target/loom LOOM_MAX_PREEMPTIONS=2
//! cargo test -p goro-chan --release --lib loom_`.
mod loom_buffered;
mod loom_close;
mod loom_handoff;
mod loom_select;
mod loom_waitq;
mod support;
