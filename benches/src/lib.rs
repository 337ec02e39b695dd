//! goro's benchmark programs live in `src/bin/`; their Go twins in `go/`.
