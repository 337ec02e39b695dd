// #[goro::test] adds #[test] and keeps the fn's other attributes; tests may return a Result.
#[goro::test]
#[should_panic(expected = "boom")]
fn panics() {
    panic!("boom");
}

#[goro::test]
fn returns_result() -> Result<(), std::num::ParseIntError> {
    assert_eq!("7".parse::<i32>()?, 7);
    Ok(())
}

fn main() {}
