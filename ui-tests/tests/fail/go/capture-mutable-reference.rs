// The error must point at `total`: a `&mut` is neither Share nor Copy.
fn add(total: &mut i32) {
    goro::go! {
        *total += 1;
    }
}

fn main() {
    add(&mut 0);
}
