//! Hands the test the version of the compiler cargo builds with (`$RUSTC --version`, e.g.
//! `rustc 1.95.0 (59807616e 2026-04-14)`), so `tests/ui.rs` can tell whether its `.stderr`
//! files were made by this toolchain. Cargo rebuilds everything when the toolchain changes,
//! so the value is never stale.
use std::env;
use std::process::Command;

fn main() {
    let rustc = env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .filter(|out| out.status.success())
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map_or_else(|| "an unknown rustc".to_owned(), |v| v.trim().to_owned());
    println!("cargo:rustc-env=GORO_UI_RUSTC_VERSION={version}");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=RUSTC");
}
