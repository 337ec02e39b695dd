//! Go: `test/chan/select5.go` — a generator of ~1000 small programs, each one channel
//! operation phrased in another way (plain, or a select with or without `default` before
//! or after the real case, with dummy cases on a channel nobody uses and on a nil channel,
//! receiving in each binding form), checking the value that arrives and the order in which
//! the operands are evaluated.
//!
//! How, as Go: [`generate`] enumerates every path through five templates with Go's
//! `choose`/`maybe`/`next` enumerator and writes the programs as Rust source;
//! `select5/cases.rs` is its checked-in output, compiled into this test binary, and
//! `test_select5_generated_cases` runs every case in order on one shared [`State`] (Go's
//! package variables). `test_select5_cases_are_current` regenerates the source and fails
//! if the checked-in file differs (whitespace aside, so `cargo fmt` may reformat it); run
//! it with `GORO_REGENERATE=1` to rewrite the file.
//!
//! Differences from Go:
//! - Go's five receive forms map to: `case x = <-c` → `s.x = <-s.c` (goro's `=` assigns to
//!   a place, as Go's); `case *f(&x) = <-c` → `v := <-c` then `*f(&mut x) = v` (the place
//!   is evaluated after the receive, not before as in Go);
//!   `case y := <-c` → `(y, ok) := <-c` (goro's other declaring shape); `case i = <-c`
//!   (interface) → a `Box<dyn Any>` and a downcast; `case m[13] = <-c` → a `HashMap`.
//!   The place is evaluated in the arm's body, after the case is chosen — which is what
//!   Go's order checks (`fp(&x, 100)`) and its nonblock template (`**(**int)(nil) = <-c`
//!   must not be computed) test; here [`no_place`] panics if it ever is.
//! - Outside a select, Rust evaluates an assignment's right side before its place; Go
//!   evaluates left to right. The `*fp(&x, 1) = <-fc(c, 2)` programs therefore take the
//!   place in a `let` first, which is Go's order written out.
//! - `x = <-c` outside a select is `x = c.recv().unwrap()` (`recv` gives `Option`).
//! - Go's `fn` is `fnv` (`fn` is a keyword); Go's `println` + `panic` are one `panic!`.

use goro::prelude::*;
use std::any::Any;
use std::cell::Cell;
use std::collections::HashMap;
use std::fmt::Write;

mod cases;

/// Go's package variables of the generated program.
pub struct State {
    /// Buffered, so each program runs in one goroutine: only which calls happen matters.
    pub c: Chan<i32>,
    pub nilch: Chan<i32>,
    pub n: i32,
    pub x: i32,
    pub i: Box<dyn Any>,
    pub dummy: Chan<i32>,
    pub m: HashMap<i32, i32>,
    pub order: Cell<i32>,
}

impl State {
    fn new() -> State {
        State {
            c: chan![i32; 1],
            nilch: Chan::nil(),
            n: 1,
            x: 0,
            i: Box::new(()),
            dummy: chan![i32],
            m: HashMap::new(),
            order: Cell::new(0),
        }
    }
}

/// One generated program, by name.
pub type Case = (&'static str, fn(&mut State));

/// Go's `f`: the place it is given.
pub fn f(p: &mut i32) -> &mut i32 {
    p
}

/// Checks that successive calls have increasing `o`. Go: checkorder.
fn checkorder(order: &Cell<i32>, o: i32) {
    assert!(o > order.get(), "invalid order {o} after {}", order.get());
    order.set(o);
}

/// `c`, after checking the order. Go: fc.
pub fn fc(order: &Cell<i32>, c: &Chan<i32>, o: i32) -> Chan<i32> {
    checkorder(order, o);
    c.clone()
}

/// `p`, after checking the order. Go: fp.
pub fn fp<'a>(order: &Cell<i32>, p: &'a mut i32, o: i32) -> &'a mut i32 {
    checkorder(order, o);
    p
}

/// `n`, after checking the order. Go: fn.
pub fn fnv(order: &Cell<i32>, n: i32, o: i32) -> i32 {
    checkorder(order, o);
    n
}

/// Go: die.
pub fn die(x: i32, n: i32) -> ! {
    panic!("have {x} want {n}")
}

/// Go's `**(**int)(nil)`: a place that must never be computed.
pub fn no_place() -> &'static mut i32 {
    panic!("computed the receive place of a case that was not chosen")
}

/// Go's enumerator of every path through some logic: the logic calls `choose(n)` (or
/// `maybe()`) where it can go n ways; successive runs, each started by `next()`, answer
/// 0, 1, …, n-1 at each point, depth first.
#[derive(Default)]
struct Enum {
    choices: Vec<(usize, usize)>,
    cp: Option<usize>,
}

impl Enum {
    fn maybe(&mut self) -> bool {
        self.choose(2) == 0
    }

    fn choose(&mut self, n: usize) -> usize {
        let cp = self.cp.expect("choose outside a round");
        if cp >= self.choices.len() {
            // Never asked this before: start with 0.
            self.choices.push((0, n));
            self.cp = Some(self.choices.len());
            return 0;
        }
        // Otherwise give the recorded answer.
        assert_eq!(n, self.choices[cp].1, "inconsistent choices");
        self.cp = Some(cp + 1);
        self.choices[cp].0
    }

    fn next(&mut self) -> bool {
        let Some(_) = self.cp else {
            // Start a new round.
            self.cp = Some(0);
            return true;
        };
        // Increment the last choice sequence.
        while let Some(&(i, n)) = self.choices.last() {
            if i + 1 < n {
                let last = self.choices.len() - 1;
                self.choices[last].0 += 1;
                self.cp = Some(0);
                return true;
            }
            self.choices.pop();
        }
        self.cp = None;
        false
    }
}

/// The template's argument: Go's `arg` (whether this select has its `default` yet).
struct Gen {
    e: Enum,
    def: bool,
    out: String,
    depth: usize,
}

impl Gen {
    fn maybe(&mut self) -> bool {
        self.e.maybe()
    }
    fn maybe_default(&mut self) -> bool {
        if self.def {
            return false;
        }
        self.def = self.e.maybe();
        self.def
    }
    fn must_default(&mut self) -> bool {
        !self.def
    }
    /// Writes the lines of `s`, indented by the braces open before each.
    fn line(&mut self, s: &str) {
        for l in s.lines() {
            if l.starts_with(['}', ']']) {
                self.depth -= 1;
            }
            self.out.push_str(&"    ".repeat(self.depth));
            self.out.push_str(l);
            self.out.push('\n');
            if l.ends_with(['{', '[']) {
                self.depth += 1;
            }
        }
    }
    /// The dummy cases (a channel nobody uses, the nil channel), each maybe. `o` numbers
    /// the operands for the order templates (`None`: plain operands).
    fn dummies(&mut self, o: Option<i32>) {
        let chan = |name: &str, k: i32| match o {
            Some(o) => format!("fc(&s.order, &s.{name}, {})", o + k),
            None => format!("s.{name}"),
        };
        let one = |k: i32| match o {
            Some(o) => format!("fnv(&s.order, 1, {})", o + k),
            None => "1".to_owned(),
        };
        if self.maybe() {
            let l = format!(
                "{} <- {} => panic!(\"dummy send\"),",
                chan("dummy", 0),
                one(1)
            );
            self.line(&l);
        }
        if self.maybe() {
            let l = format!("<-{} => panic!(\"dummy receive\"),", chan("dummy", 2));
            self.line(&l);
        }
        if self.maybe() {
            let l = format!(
                "{} <- {} => panic!(\"nilch send\"),",
                chan("nilch", 3),
                one(4)
            );
            self.line(&l);
        }
        if self.maybe() {
            let l = format!("<-{} => panic!(\"nilch recv\"),", chan("nilch", 5));
            self.line(&l);
        }
    }
    fn maybe_nonblock(&mut self) {
        if self.maybe_default() {
            self.line("default => panic!(\"nonblock\"),");
        }
    }
    fn check(&mut self) {
        self.line("if s.x != s.n {");
        self.line("die(s.x, s.n);");
        self.line("}");
        self.line("s.n += 1;");
    }
}

/// Send n, receive it one way or another into x, check that they match. Go: recv.
fn recv(g: &mut Gen) {
    g.line("s.c.send(s.n);");
    if g.maybe() {
        g.line("s.x = s.c.recv().unwrap();");
    } else {
        g.line("select! {");
        // Blocking or not, the default before the receive and (below) after it.
        g.maybe_nonblock();
        // Receive from c: direct, indirect, declared, interface, map.
        if g.maybe() {
            g.line("s.x = <-s.c => {}");
        } else if g.maybe() {
            g.line("v := <-s.c => *f(&mut s.x) = v.unwrap(),");
        } else if g.maybe() {
            g.line("(y, ok) := <-s.c => {");
            g.line("assert!(ok);");
            g.line("s.x = y;");
            g.line("}");
        } else if g.maybe() {
            g.line("v := <-s.c => {");
            g.line("s.i = Box::new(v.unwrap());");
            g.line("s.x = *s.i.downcast_ref::<i32>().unwrap();");
            g.line("}");
        } else {
            g.line("v := <-s.c => {");
            g.line("s.m.insert(13, v.unwrap());");
            g.line("s.x = s.m[&13];");
            g.line("}");
        }
        g.maybe_nonblock();
        g.dummies(None);
        g.line("}");
    }
    g.check();
}

/// As `recv`, checking the order in which operands are evaluated. Go: recvOrder.
fn recv_order(g: &mut Gen) {
    g.line("s.order.set(0);");
    g.line("s.c.send(s.n);");
    if g.maybe() {
        // Outside a select, left to right (inside, the place waits for the case).
        g.line("let p = fp(&s.order, &mut s.x, 1);");
        g.line("*p = fc(&s.order, &s.c, 2).recv().unwrap();");
    } else if g.maybe() {
        g.line("let k = fnv(&s.order, 13, 1);");
        g.line("let v = fc(&s.order, &s.c, 2).recv().unwrap();");
        g.line("s.m.insert(k, v);");
        g.line("s.x = s.m[&13];");
    } else {
        g.line("select! {");
        g.maybe_nonblock();
        if g.maybe() {
            g.line("v := <-fc(&s.order, &s.c, 1) => {");
            g.line("*fp(&s.order, &mut s.x, 100) = v.unwrap();");
            g.line("}");
        } else if g.maybe() {
            g.line("(y, ok) := <-fc(&s.order, &s.c, 1) => {");
            g.line("assert!(ok);");
            g.line("s.x = y;");
            g.line("}");
        } else if g.maybe() {
            g.line("v := <-fc(&s.order, &s.c, 1) => {");
            g.line("s.i = Box::new(v.unwrap());");
            g.line("s.x = *s.i.downcast_ref::<i32>().unwrap();");
            g.line("}");
        } else {
            g.line("v := <-fc(&s.order, &s.c, 1) => {");
            g.line("let k = fnv(&s.order, 13, 100);");
            g.line("s.m.insert(k, v.unwrap());");
            g.line("s.x = s.m[&13];");
            g.line("}");
        }
        g.maybe_nonblock();
        g.dummies(Some(2));
        g.line("}");
    }
    g.check();
}

/// Send n one way or another, receive it into x, check that they match. Go: send.
fn send(g: &mut Gen) {
    if g.maybe() {
        g.line("s.c.send(s.n);");
    } else {
        g.line("select! {");
        g.maybe_nonblock();
        g.line("s.c <- s.n => {}");
        g.maybe_nonblock();
        g.dummies(None);
        g.line("}");
    }
    g.line("s.x = s.c.recv().unwrap();");
    g.check();
}

/// As `send`, checking the order in which operands are evaluated. Go: sendOrder.
fn send_order(g: &mut Gen) {
    g.line("s.order.set(0);");
    if g.maybe() {
        g.line("fc(&s.order, &s.c, 1).send(fnv(&s.order, s.n, 2));");
    } else {
        g.line("select! {");
        g.maybe_nonblock();
        g.line("fc(&s.order, &s.c, 1) <- fnv(&s.order, s.n, 2) => {}");
        g.maybe_nonblock();
        g.dummies(Some(3));
        g.line("}");
    }
    g.line("s.x = s.c.recv().unwrap();");
    g.check();
}

/// Combinations of non-blocking operations, none of which can proceed; a receive must not
/// even compute its place. Go: nonblock.
fn nonblock(g: &mut Gen) {
    g.line("s.x = s.n;");
    g.line("select! {");
    if g.maybe_default() {
        g.line("default => {}");
    }
    let arms = [
        "s.dummy <- 1 => panic!(\"dummy <- 1\"),",
        "s.nilch <- 1 => panic!(\"nilch <- 1\"),",
        "<-s.dummy => panic!(\"<-dummy\"),",
        "v := <-s.dummy => {\ns.x = v.unwrap();\npanic!(\"<-dummy x\");\n}",
        "v := <-s.dummy => {\n*no_place() = v.unwrap();\npanic!(\"<-dummy (and didn't crash saving result!)\");\n}",
        "<-s.nilch => panic!(\"<-nilch\"),",
        "v := <-s.nilch => {\ns.x = v.unwrap();\npanic!(\"<-nilch x\");\n}",
        "v := <-s.nilch => {\n*no_place() = v.unwrap();\npanic!(\"<-nilch (and didn't crash saving result!)\");\n}",
    ];
    for arm in arms {
        if g.maybe() {
            g.line(arm);
        }
    }
    if g.must_default() {
        g.line("default => {}");
    }
    g.line("}");
    g.check();
}

const HEADER: &str = "\
//! GENERATED by `select5.rs`; DO NOT EDIT. Regenerate with
//! `GORO_REGENERATE=1 cargo test -p goro-chan --test go select5`.
//! Each function is one program of Go's `test/chan/select5.go`.

use super::{Case, State, die, f, fc, fnv, fp, no_place};
use goro::prelude::*;
";

/// Writes every program of every template, and the table of them. Go: select5's main.
fn generate() -> String {
    let mut g = Gen {
        e: Enum::default(),
        def: false,
        out: HEADER.to_owned(),
        depth: 0,
    };
    type Template = (&'static str, fn(&mut Gen));
    let templates: [Template; 5] = [
        ("recv", recv),
        ("send", send),
        ("recv_order", recv_order),
        ("send_order", send_order),
        ("nonblock", nonblock),
    ];
    let mut names = Vec::new();
    for (name, template) in templates {
        let mut k = 0;
        while g.e.next() {
            let fname = format!("{name}_{k}");
            g.out.push('\n');
            g.line(&format!("fn {fname}(s: &mut State) {{"));
            template(&mut g);
            g.line("}");
            names.push(fname);
            g.def = false;
            k += 1;
        }
    }
    writeln!(
        g.out,
        "\n/// Every program, in order ({} cases).",
        names.len()
    )
    .unwrap();
    g.line("pub(super) const CASES: &[Case] = &[");
    for name in &names {
        g.line(&format!("(\"{name}\", {name}),"));
    }
    g.line("];");
    g.out
}

#[goro::test]
fn test_select5_generated_cases() {
    let mut s = State::new();
    for (name, case) in cases::CASES {
        let n = s.n;
        case(&mut s);
        assert_eq!(s.n, n + 1, "{name} did not check its value");
    }
    assert_eq!(s.n as usize, cases::CASES.len() + 1);
}

#[test]
fn test_select5_cases_are_current() {
    let generated = generate();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/go/select5/cases.rs");
    if std::env::var_os("GORO_REGENERATE").is_some() {
        std::fs::write(path, &generated).expect("write select5/cases.rs");
        return;
    }
    let squash = |s: &str| s.split_whitespace().collect::<String>();
    assert!(
        squash(include_str!("select5/cases.rs")) == squash(&generated),
        "select5/cases.rs is stale: run GORO_REGENERATE=1 cargo test -p goro-chan --test go select5"
    );
}
