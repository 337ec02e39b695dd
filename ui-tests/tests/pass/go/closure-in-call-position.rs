// A closure called in the block: a `Copy` closure is copied, and an `Arc<dyn Fn>` called in
// parentheses is cloned, so both can be called from a loop of goroutines; any other closure
// called `f()` is moved in, as `move ||` would.
use std::sync::Arc;

fn main() {
    goro::run(|| {
        let out = goro::Chan::new(6);
        let double = |x: i32| x * 2;
        let offset = 100;
        let shift: Arc<dyn Fn(i32) -> i32 + Send + Sync> = Arc::new(move |x| x + offset);
        for i in 0..3 {
            goro::go!({ out.send(double(i)) });
            goro::go!({ out.send((shift)(i)) });
        }
        let mut got: Vec<i32> = (0..6).map(|_| out.recv().unwrap()).collect();
        got.sort();
        assert_eq!(got, [0, 2, 4, 100, 101, 102]);
        assert_eq!(shift(1), 101); // the caller keeps its own
        let once = {
            let word = String::from("moved");
            move || word // FnOnce: neither Copy nor Share
        };
        let words = goro::Chan::new(1);
        goro::go!({ words.send(once()) });
        assert_eq!(words.recv().as_deref(), Some("moved"));
    });
}
