// The block clones a Chan it names (in a loop, too), so the caller keeps using its own.
fn main() {
    goro::run(|| {
        let ch = goro::Chan::new(3);
        for i in 0..3 {
            goro::go!({ ch.send(i) });
        }
        let mut got: Vec<i32> = (0..3).map(|_| ch.recv().unwrap()).collect();
        got.sort();
        assert_eq!(got, [0, 1, 2]);
        ch.close(); // still the caller's handle
    });
}
