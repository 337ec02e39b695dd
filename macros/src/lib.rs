//! goro-macros: the proc macros behind goro's `go!`, `#[goro::main]`, `#[goro::test]`.
