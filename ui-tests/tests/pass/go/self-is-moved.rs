// `self` is no variable for the block form: it moves into the goroutine as with `move ||`.
use std::sync::{Arc, mpsc};

struct Server {
    name: &'static str,
}

impl Server {
    fn start(self: Arc<Self>, done: Arc<mpsc::Sender<&'static str>>) {
        goro::go!({ done.send(self.name).unwrap() });
    }
}

fn main() {
    let (tx, rx) = mpsc::channel();
    Arc::new(Server { name: "srv" }).start(Arc::new(tx));
    assert_eq!(rx.recv(), Ok("srv"));
}
