// The error must point at `shared` in the block: an Rc is no `goro::Share` (it is not Send).
use std::rc::Rc;

fn main() {
    let shared = Rc::new(5);
    goro::go!({ println!("{}", shared) });
}
