// An enum with unit, tuple and struct variants, and an empty enum.
use goro::gc::{Trace, TraceOp, Tracer};

#[derive(Trace)]
enum Message<T> {
    Quit,
    Move(i32, i32),
    Write(String),
    Batch { items: Vec<T>, tag: (u8, char) },
    Nothing {},
    Empty(),
}

#[derive(Trace)]
enum Never {}

fn count(v: &impl Trace) -> usize {
    let mut t = Tracer::new(TraceOp::Root);
    v.trace(&mut t);
    t.visited()
}

fn main() {
    let all: Vec<Message<u64>> = vec![
        Message::Quit,
        Message::Move(1, 2),
        Message::Write("hi".into()),
        Message::Batch { items: vec![1, 2], tag: (0, 'x') },
        Message::Nothing {},
        Message::Empty(),
    ];
    assert_eq!(count(&all), 0);
    assert_eq!(count(&Vec::<Never>::new()), 0);
}
