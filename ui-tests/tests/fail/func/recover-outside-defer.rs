// The error must point at `goro::recover()`: in the body itself nothing is panicking yet, so
// it always returns None; only a deferred block's recover() stops the panic.
#[goro::func]
fn parse_or_zero(s: &str) -> u32 {
    if let Some(_p) = goro::recover() {
        return 0;
    }
    s.parse().unwrap()
}

fn main() {
    goro::run(|| parse_or_zero("x"));
}
