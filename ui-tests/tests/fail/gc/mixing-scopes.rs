// A handle of one scope cannot be stored in another scope's objects: each scope's
// lifetime brand is its own.
use goro::gc::{self, Gc, GcCell};

fn main() {
    gc::scope(|outer| {
        let cell: Gc<'_, GcCell<'_, Option<Gc<'_, u32>>>> = outer.alloc(GcCell::new(None));
        gc::scope(|inner| {
            let h = inner.alloc(7u32);
            *cell.borrow_mut() = Some(h);
        });
    });
}
