//! Go by Example: Panic. `main` panics with `a problem`: the program prints Go's report
//! (`panic: a problem`, a blank line, `goroutine 1 [running]:` and the trace) on stderr and
//! exits with status 2, so the code after the panic never runs.
//!
//! Differences from Go: the trace shows Rust's frames; `tests/defer.rs` runs this program
//! and checks the report and the exit status.
//!
//! Run: `cargo run --example panic` (it fails on purpose).

#[goro::main]
pub fn main() {
    panic!("a problem");
    #[allow(unreachable_code)]
    {
        let path = std::env::temp_dir().join("file");
        if let Err(e) = std::fs::File::create(path) {
            panic!("{e}");
        }
    }
}
