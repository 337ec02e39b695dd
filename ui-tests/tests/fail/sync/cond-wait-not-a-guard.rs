// error: on `m`, the argument that is a mutex, not one of its guards
use goro::sync::{Cond, Mutex};

fn main() {
    let m = Mutex::new(0);
    let c = Cond::new();
    let _ = c.wait(&m);
}
