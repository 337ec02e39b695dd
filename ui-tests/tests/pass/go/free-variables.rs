// Only the caller's variables are rebound: names the block binds itself, functions, constants,
// variants, paths, named format arguments and `stringify!` tokens are left alone, so none of
// the non-Share Strings below may be captured (that would fail to compile).
use std::fmt::Write as _;
use std::sync::{Arc, mpsc};

const LIMIT: usize = 3;

#[derive(Debug, PartialEq)]
enum Shape {
    Dot,
    Line(usize),
}

struct Pair {
    left: usize,
    right: usize,
}

fn double(x: usize) -> usize {
    2 * x
}

fn main() {
    let (tx, rx) = mpsc::channel();
    let done = Arc::new(tx);
    let left = 1;
    let text = String::from("caller's, not captured");
    let label = String::from("caller's, not captured");
    let shape = String::from("caller's, not captured");
    let out = String::from("caller's, not captured");
    goro::go!({
        let text = String::from("block's");
        let mut out = String::new();
        write!(out, "{text}").unwrap();
        let shapes = [Shape::Dot, Shape::Line(left)];
        for shape in &shapes {
            match shape {
                Shape::Dot => out.push('.'),
                Shape::Line(label) => write!(out, "-{label}").unwrap(),
            }
        }
        let right = LIMIT;
        let pair = Pair { left, right };
        let doubled: Vec<usize> = [pair.left, pair.right].into_iter().map(double).collect();
        if let [a, b] = doubled[..] {
            write!(out, " {a}+{b}").unwrap();
        }
        let label = |shape: &Shape| format!("{shape:?}");
        assert!(matches!(shapes[1], Shape::Line(n) if n == left));
        fn inner() -> &'static str {
            "inner"
        }
        let ones = vec![left; LIMIT];
        done.send(format!(
            "{out} {} {} {} {ones:?} {label}",
            label(&shapes[0]),
            inner(),
            stringify!(shape),
            label = "named"
        ))
        .unwrap();
    });
    assert_eq!(
        rx.recv().unwrap(),
        "block's.-1 2+6 Dot inner shape [1, 1, 1] named"
    );
    // The caller's Strings were not touched.
    assert_eq!([text, label, shape, out].concat().len(), 4 * 22);
}
