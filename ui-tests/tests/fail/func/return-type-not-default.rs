// The error must point at the return type: a recovered function returns Default::default().
struct NoDefault;

#[goro::func]
fn f() -> NoDefault {
    NoDefault
}

fn main() {
    f();
}
