// The error must point at `4`, which follows the type without `;`.
fn main() {
    let _ch = goro::chan![i32 4];
}
