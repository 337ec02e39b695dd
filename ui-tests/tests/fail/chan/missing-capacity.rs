// The error must point at `;`, which no buffer size follows.
fn main() {
    let _ch = goro::chan![i32; ];
}
