// The error must point at `jobs` in the block: a Vec is neither Share nor Copy.
fn main() {
    let jobs = vec![1, 2, 3];
    goro::go!({
        for job in &jobs {
            println!("{job}");
        }
    });
}
