//! Loom models of the channel code (`--cfg goro_loom`; see STYLE H5). Each model runs the
//! *real* `Chan`/`select` code on loom threads: a blocked loom thread parks through the
//! thread-G path (`gopark` → `Note` → the futex), and the hchan `Lock`, the sudogs'
//! `SelectDone` and every G status word are loom atomics, so loom explores the orders of
//! the locked steps, the select claim and the park/ready handshake (two preemptions in CI).
//! `Lock` and `Note` are goro-rt's real futex state machines; only the futex system call
//! itself is replaced under loom by one loom can see (`rt/src/futex.rs`).
//!
//! Run: `RUSTFLAGS="--cfg goro_loom" CARGO_TARGET_DIR=target/loom LOOM_MAX_PREEMPTIONS=2
//! cargo test -p goro-chan --release --lib loom_`.
mod loom_buffered;
mod loom_close;
mod loom_handoff;
mod loom_select;
mod loom_waitq;
mod support;
