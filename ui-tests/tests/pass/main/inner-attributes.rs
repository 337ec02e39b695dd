// Inner attributes of the body stay on the fn; outer ones are kept too.
#[goro::main]
#[allow(clippy::needless_return)]
fn main() {
    #![allow(unused_variables)]
    let unused = 1;
    return;
}
