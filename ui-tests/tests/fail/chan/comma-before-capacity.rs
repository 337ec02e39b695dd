// The error must point at `,`, where `chan!` wants `;` (as `[T; n]`).
fn main() {
    let _ch = goro::chan![i32, 4];
}
