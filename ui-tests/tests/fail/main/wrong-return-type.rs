// The error must point at `i32`: main returns what std's main may (`()`, `Result`, `ExitCode`).
#[goro::main]
fn main() -> i32 {
    0
}
