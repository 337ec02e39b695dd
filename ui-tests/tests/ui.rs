//! Compile-fail and compile-pass cases of goro's macros (trybuild). Each `fail/<macro>/*.rs`
//! holds one mistake and says on its first line where the error must point; its `.stderr`
//! beside it is the exact output. `pass/` cases are built *and run*: they assert inside.
//! Regenerate with `TRYBUILD=overwrite cargo test -p ui-tests`, then review the diff.
#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/fail/**/*.rs");
    t.pass("tests/pass/**/*.rs");
}
