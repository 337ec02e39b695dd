//! Compile-fail and compile-pass cases of goro's macros (trybuild). Each `fail/<macro>/*.rs`
//! holds one mistake and says on its first line where the error must point; its `.stderr`
//! beside it is the exact output. `pass/` cases are built *and run*: they assert inside.
//!
//! rustc's messages change between releases, so the `.stderr` files hold for one toolchain
//! only: [`STDERR_RUSTC`], stable. On any other compiler (a nightly, a newer stable) the
//! compile-fail cases are skipped with a banner on stderr; the pass cases run everywhere.
//! Regenerate with `TRYBUILD=overwrite cargo test -p ui-tests`, then review the diff; when
//! the stable toolchain moves, regenerate and bump [`STDERR_RUSTC`] in the same commit.
use std::io::Write;

/// The stable release the `.stderr` files were generated with: `1.95` matches any `1.95.x`.
const STDERR_RUSTC: &str = "1.95";

/// `rustc --version` of the compiler that built this test (from `build.rs`).
const RUSTC_VERSION: &str = env!("GORO_UI_RUSTC_VERSION");

#[test]
fn ui_fail() {
    if !made_the_stderr_files(RUSTC_VERSION) {
        // Straight to the stderr stream: libtest captures only `eprintln!`, and a skip must be
        // seen.
        let banner = "=".repeat(78);
        let _ = writeln!(
            std::io::stderr(),
            "\n{banner}\nui-tests SKIPPED: the compile-fail `.stderr` files are for rustc \
             {STDERR_RUSTC}.x stable, this is {RUSTC_VERSION}; run them with the stable \
             toolchain: `cargo +stable test -p ui-tests`\n{banner}\n"
        );
        return;
    }
    trybuild::TestCases::new().compile_fail("tests/fail/**/*.rs");
}

#[test]
fn ui_pass() {
    trybuild::TestCases::new().pass("tests/pass/**/*.rs");
}

/// Whether `version` (`rustc 1.95.0 (59807616e 2026-04-14)`) is a stable `STDERR_RUSTC`.x.
fn made_the_stderr_files(version: &str) -> bool {
    let Some(number) = version
        .strip_prefix("rustc ")
        .and_then(|v| v.split(' ').next())
    else {
        return false;
    };
    // A pre-release says so: `1.97.0-nightly`, `1.96.0-beta.3`.
    !number.contains('-')
        && number
            .strip_prefix(STDERR_RUSTC)
            .is_some_and(|patch| patch.starts_with('.'))
}

#[test]
fn only_the_stable_stderr_toolchain_runs_the_fail_cases() {
    let v = STDERR_RUSTC;
    assert!(made_the_stderr_files(&format!(
        "rustc {v}.0 (59807616e 2026-04-14)"
    )));
    assert!(made_the_stderr_files(&format!(
        "rustc {v}.12 (0 2026-06-01)"
    )));
    for other in [
        format!("rustc {v}.0-nightly (e50aa6fba 2026-05-19)"),
        format!("rustc {v}.0-beta.3 (0 2026-03-01)"),
        format!("rustc {v}0.0 (0 2030-01-01)"),
        "rustc 1.0.0 (a59807616 2015-05-15)".to_owned(),
        "an unknown rustc".to_owned(),
    ] {
        assert!(!made_the_stderr_files(&other), "{other}");
    }
}
