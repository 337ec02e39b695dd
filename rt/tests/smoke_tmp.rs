#[test]
fn basic() {
    let v = goro_rt::run(|| {
        let h = goro_rt::spawn(|| 6 * 7);
        h.join().unwrap()
    });
    assert_eq!(v, 42);
}
#[test]
fn many() {
    let v = goro_rt::run(|| {
        let hs: Vec<_> = (0..100_000u64).map(|i| goro_rt::spawn(move || i)).collect();
        hs.into_iter().map(|h| h.join().unwrap()).sum::<u64>()
    });
    assert_eq!(v, 100_000 * 99_999 / 2);
}
