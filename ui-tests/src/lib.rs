//! trybuild cases for goro's macros live in `tests/`.
