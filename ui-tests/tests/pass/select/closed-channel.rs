// On a closed, drained channel `v` binds `None` and `(v, ok)` binds `(T::default(), false)`,
// as Go's `v, ok := <-ch`; buffered values are still received first.
use goro::prelude::*;

#[goro::main]
fn main() {
    let ch = chan![i32; 2];
    ch.send(7);
    ch.close();
    select! { (v, ok) := <-ch => assert_eq!((v, ok), (7, true)) }
    select! { (v, ok) := <-ch => assert_eq!((v, ok), (0, false)) }
    select! { v := <-ch => assert_eq!(v, None) }
    select! { v, ok := <-ch => assert_eq!((v, ok), (0, false)) }

    let names = chan![String];
    names.close();
    select! { (name, ok) := <-names => assert_eq!((name.as_str(), ok), ("", false)) }
}
