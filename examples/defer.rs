//! Go by Example: Defer. A call deferred right after creating a file closes it when `main`
//! ends, after the writing: the program prints `creating`, `writing`, `closing`.
//!
//! Differences from Go: the file is `defer-<pid>.txt` in the temporary directory (Go:
//! `/tmp/defer.txt`), so that runs at the same time don't share it; `close_file` takes
//! `&File` (Go's `*os.File`) and syncs it, since Rust closes a file when it is dropped; and
//! the program reads the file back once the deferred call has run, to check it.
//!
//! Run: `cargo run --example defer`.

use goro::prelude::*;
use std::fs::File;
use std::io::Write;
use std::path::Path;

#[goro::main]
pub fn main() {
    let path = std::env::temp_dir().join(format!("defer-{}.txt", std::process::id()));
    {
        let f = create_file(&path);
        defer!(close_file(&f)); // `&f` is evaluated now; the call runs at the scope's end
        write_file(&f);
    }
    let written = std::fs::read_to_string(&path).expect("read the file back");
    assert_eq!(written, "data\n");
    std::fs::remove_file(&path).expect("remove the file");
}

fn create_file(p: &Path) -> File {
    println!("creating");
    File::create(p).unwrap_or_else(|e| panic!("{e}"))
}

fn write_file(mut f: &File) {
    println!("writing");
    writeln!(f, "data").expect("write");
}

fn close_file(f: &File) {
    println!("closing");
    if let Err(e) = f.sync_all() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
