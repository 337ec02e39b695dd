// The error must point at `n += 1`: the deferred block borrows `n` until scope exit (use a
// `Cell` to change it later).
fn main() {
    let mut n = 0;
    goro::defer!({ println!("{n}") });
    n += 1;
}
