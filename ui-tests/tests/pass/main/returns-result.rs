// `main` may return a Result whose error is not Send; `?` works in the body.
use std::error::Error;

#[goro::main]
fn main() -> Result<(), Box<dyn Error>> {
    let n: u8 = "42".parse()?;
    assert_eq!(n, 42);
    Ok(())
}
