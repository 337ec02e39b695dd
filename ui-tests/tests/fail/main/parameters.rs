// The error must point at the parameter `args: Vec<String>`.
#[goro::main]
fn main(args: Vec<String>) {
    drop(args);
}
