// Each mistake must get its own error: at `async`, and at the parameter `n: u32`.
#[goro::main]
async fn main(n: u32) {
    let _ = n;
}
