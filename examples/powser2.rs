//! Power series as channels of *interface values*: Go's `test/chan/powser2.go`, which is
//! `powser1.go` with `chan item` (an interface holding a `*rat`) instead of `chan *rat`.
//! Each series is a *demand channel* — a goroutine that produces the next coefficient when
//! asked on `req` and answers on `dat` — and series arithmetic (sum, product, derivative,
//! integral, exp, …) wires such goroutines together, thousands of them for `exp`.
//!
//! Differences from Go: Go's `item` interface is the trait [`Item`], and its values travel
//! as `Arc<dyn Item>` (Go's interface value holding a pointer: `dosplit` sends the same one
//! to both outputs); Go's type assertion `it.(*rat)` is a downcast. Otherwise as the port of
//! powser1: the pair of a split (`*dch2`, which `dosplit` swaps) is an `Arc<Mutex<[Dch; 2]>>`,
//! the global sequence counter is an atomic, only the operations the test uses are ported,
//! and `Add(Ones, Ones)` and `Sub(Ones, Twos)`, which Go checks for zero terms, are checked
//! for ten.
//!
//! Run: `cargo run --example powser2`. Checks the known coefficients (e.g. exp(x/(1-x))
//! starts 1 1 3/2 13/6 73/24) and prints every series it checked.

use goro::prelude::*;
use std::any::Any;
use std::fmt;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Mutex};

/// A rational number; a zero denominator marks the end of a finite series.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Rat {
    num: i64,
    den: i64,
}

impl fmt::Display for Rat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.den == 1 {
            write!(f, "{}", self.num)
        } else {
            write!(f, "{}/{}", self.num, self.den)
        }
    }
}

/// What flows on a series' channel: Go's `item` interface.
trait Item: Any + Send + Sync {
    /// The value as text. Go: `pr` (which prints it).
    fn pr(&self) -> String;
    /// Whether `c` is the same value; `c` must hold a [`Rat`], as Go's `c.(*rat)`.
    fn eq(&self, c: &dyn Item) -> bool;
    /// For Go's type assertion.
    fn as_any(&self) -> &dyn Any;
}

impl Item for Rat {
    fn pr(&self) -> String {
        self.to_string()
    }
    fn eq(&self, c: &dyn Item) -> bool {
        let c1 = to_rat(c);
        self.num == c1.num && self.den == c1.den
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// An interface value holding a rat: Go's `item` holding a `*rat`.
type ItemRef = Arc<dyn Item>;

fn item(r: Rat) -> ItemRef {
    Arc::new(r)
}

/// Go's type assertion `it.(*rat)`.
fn to_rat(it: &dyn Item) -> Rat {
    *it.as_any()
        .downcast_ref::<Rat>()
        .expect("interface conversion: item is not *rat")
}

/// A demand channel: ask on `req`, get the next coefficient on `dat`. Go: `dch`.
#[derive(Clone)]
struct Dch {
    req: Chan<i32>,
    dat: Chan<ItemRef>,
}

/// A power series is a demand channel. Go: `PS`.
type Ps = Dch;

/// Two demand channels that `dosplit` generations share and swap. Go: `*dch2`.
type Dch2 = Arc<Mutex<[Dch; 2]>>;

static SEQNO: AtomicI32 = AtomicI32::new(0);

fn next_seqno() -> i32 {
    SEQNO.fetch_add(1, Ordering::Relaxed) + 1
}

fn mkdch() -> Dch {
    Dch {
        req: chan![i32],
        dat: chan![ItemRef],
    }
}

fn mkdch2() -> Dch2 {
    Arc::new(Mutex::new([mkdch(), mkdch()]))
}

/// `out[i]` now (the pair may be swapped by another generation at any time, as in Go).
fn at(out: &Dch2, i: usize) -> Dch {
    out.lock().unwrap()[i].clone()
}

// split reads a single demand channel and replicates its output onto two, which may be
// read at different rates. A process is created at first demand for a rat and dies after
// the rat has been sent to both outputs.
//
// When multiple generations of split exist, the newest will service requests on one
// channel, which is always renamed to be out[0]; the oldest will service requests on the
// other channel, out[1]. All generations but the newest hold queued data that has already
// been sent to out[0]. When data has finally been sent to out[1], a signal on the
// release-wait channel tells the next newer generation to begin servicing out[1].
fn dosplit(input: Dch, out: Dch2, wait: Chan<i32>) {
    let mut both = false; // do not service both channels
    select! {
        <-at(&out, 0).req => {},
        <-wait => {
            both = true;
            select! {
                <-at(&out, 0).req => {},
                <-at(&out, 1).req => out.lock().unwrap().swap(0, 1),
            }
        },
    }
    input.req.send(next_seqno());
    let release = chan![i32];
    go!(dosplit(input.clone(), out.clone(), release.clone()));
    let dat = input.dat.recv().unwrap();
    at(&out, 0).dat.send(dat.clone());
    if !both {
        wait.recv();
    }
    at(&out, 1).req.recv();
    at(&out, 1).dat.send(dat);
    release.send(0);
}

fn split(input: Dch, out: Dch2) {
    let release = chan![i32];
    go!(dosplit(input, out, release.clone()));
    release.send(0);
}

fn put(dat: Rat, out: &Dch) {
    out.req.recv();
    out.dat.send(item(dat));
}

fn get(input: &Dch) -> Rat {
    input.req.send(next_seqno());
    to_rat(&*input.dat.recv().unwrap())
}

/// Gets one item from each of two demand channels, asking and taking in whatever order they
/// become ready. Go: `getn`.
fn get2(in0: &Dch, in1: &Dch) -> [ItemRef; 2] {
    let mut req = [in0.req.clone(), in1.req.clone()];
    let mut dat = [Chan::<ItemRef>::nil(), Chan::nil()];
    let mut out = [item(ZERO), item(ZERO)];
    for _ in 0..4 {
        let seqno = next_seqno();
        select! {
            req[0] <- seqno => {
                dat[0] = in0.dat.clone();
                req[0] = Chan::nil();
            },
            req[1] <- seqno => {
                dat[1] = in1.dat.clone();
                req[1] = Chan::nil();
            },
            it := <-dat[0] => {
                out[0] = it.unwrap();
                dat[0] = Chan::nil();
            },
            it := <-dat[1] => {
                out[1] = it.unwrap();
                dat[1] = Chan::nil();
            },
        }
    }
    out
}

fn copy(input: &Dch, out: &Dch) -> ! {
    loop {
        out.req.recv();
        out.dat.send(item(get(input)));
    }
}

fn repeat(dat: Rat, out: Dch) -> ! {
    loop {
        put(dat, &out);
    }
}

fn mk_ps() -> Ps {
    mkdch()
}

// Rational arithmetic.

fn gcd(u: i64, v: i64) -> i64 {
    if u < 0 {
        return gcd(-u, v);
    }
    if u == 0 {
        return v;
    }
    gcd(v % u, u)
}

fn i2tor(u: i64, v: i64) -> Rat {
    let g = gcd(u, v);
    if v > 0 {
        Rat {
            num: u / g,
            den: v / g,
        }
    } else {
        Rat {
            num: -u / g,
            den: -v / g,
        }
    }
}

fn itor(u: i64) -> Rat {
    i2tor(u, 1)
}

const ZERO: Rat = Rat { num: 0, den: 1 };
const ONE: Rat = Rat { num: 1, den: 1 };
/// The end mark: `i2tor(1, 0)`.
const FINIS: Rat = Rat { num: -1, den: 0 };

fn end(u: Rat) -> i64 {
    i64::from(u.den == 0)
}

fn add(u: Rat, v: Rat) -> Rat {
    let g = gcd(u.den, v.den);
    i2tor(
        u.num * (v.den / g) + v.num * (u.den / g),
        u.den * (v.den / g),
    )
}

fn mul(u: Rat, v: Rat) -> Rat {
    let g1 = gcd(u.num, v.den);
    let g2 = gcd(u.den, v.num);
    Rat {
        num: (u.num / g1) * (v.num / g2),
        den: (u.den / g2) * (v.den / g1),
    }
}

fn neg(u: Rat) -> Rat {
    i2tor(-u.num, u.den)
}

// Power-series constructors return channels on which power series flow. They start an
// encapsulated generator that puts the terms of the series on the channel.

/// Makes a pair of power series identical to a given power series.
fn split_ps(u: Ps) -> Dch2 {
    let uu = mkdch2();
    let uu2 = uu.clone();
    go!(move || split(u, uu2));
    uu
}

/// Adds two power series.
fn add_ps(u: Ps, v: Ps) -> Ps {
    let z = mk_ps();
    let zz = z.clone();
    go!(move || loop {
        zz.req.recv();
        let uv = get2(&u, &v);
        let r = [to_rat(&*uv[0]), to_rat(&*uv[1])];
        match end(r[0]) + 2 * end(r[1]) {
            0 => zz.dat.send(item(add(r[0], r[1]))),
            1 => {
                zz.dat.send(uv[1].clone());
                copy(&v, &zz);
            }
            2 => {
                zz.dat.send(uv[0].clone());
                copy(&u, &zz);
            }
            _ => zz.dat.send(item(FINIS)),
        }
    });
    z
}

/// Multiplies a power series by a constant.
fn cmul(c: Rat, u: Ps) -> Ps {
    let z = mk_ps();
    let zz = z.clone();
    go!(move || {
        let mut done = false;
        while !done {
            zz.req.recv();
            let u = get(&u);
            if end(u) != 0 {
                done = true;
            } else {
                zz.dat.send(item(mul(c, u)));
            }
        }
        zz.dat.send(item(FINIS));
    });
    z
}

fn sub_ps(u: Ps, v: Ps) -> Ps {
    add_ps(u, cmul(neg(ONE), v))
}

/// The constant series c c c c …
fn rep(c: Rat) -> Ps {
    let z = mk_ps();
    go!(repeat(c, z.clone()));
    z
}

/// Multiplies: with U = u + x·UU and V = v + x·VV, UV = u·v + x·(u·VV + v·UU) + x²·UU·VV.
fn mul_ps(u: Ps, v: Ps) -> Ps {
    let z = mk_ps();
    let zz = z.clone();
    go!(move || {
        zz.req.recv();
        let uv = get2(&u, &v);
        let r = [to_rat(&*uv[0]), to_rat(&*uv[1])];
        if end(r[0]) != 0 || end(r[1]) != 0 {
            zz.dat.send(item(FINIS));
        } else {
            zz.dat.send(item(mul(r[0], r[1])));
            let uu = split_ps(u);
            let vv = split_ps(v);
            let w = add_ps(cmul(r[0], at(&vv, 0)), cmul(r[1], at(&uu, 0)));
            zz.req.recv();
            zz.dat.send(item(get(&w)));
            copy(&add_ps(w, mul_ps(at(&uu, 1), at(&vv, 1))), &zz);
        }
    });
    z
}

/// Differentiates.
fn diff(u: Ps) -> Ps {
    let z = mk_ps();
    let zz = z.clone();
    go!(move || {
        zz.req.recv();
        let mut t = get(&u);
        if end(t) == 0 {
            let mut i = 1;
            loop {
                t = get(&u);
                if end(t) != 0 {
                    break;
                }
                zz.dat.send(item(mul(itor(i), t)));
                zz.req.recv();
                i += 1;
            }
        }
        zz.dat.send(item(FINIS));
    });
    z
}

/// Integrates, with constant of integration `c`.
fn integ(c: Rat, u: Ps) -> Ps {
    let z = mk_ps();
    let zz = z.clone();
    go!(move || {
        put(c, &zz);
        let mut done = false;
        let mut i = 1;
        while !done {
            zz.req.recv();
            let t = get(&u);
            if end(t) != 0 {
                done = true;
            }
            zz.dat.send(item(mul(i2tor(1, i), t)));
            i += 1;
        }
        zz.dat.send(item(FINIS));
    });
    z
}

/// The exponential of a power series with constant term 0: Z = exp(U), DZ = Z·DU,
/// integrate to get Z.
fn exp(u: Ps) -> Ps {
    let zz = mkdch2();
    split(integ(ONE, mul_ps(at(&zz, 0), diff(u))), zz.clone());
    at(&zz, 1)
}

/// Monomial substitution U(c·xⁿ): each Uᵢ is multiplied by cⁱ and followed by n-1 zeros.
fn mon_subst(u: Ps, c0: Rat, n: usize) -> Ps {
    let z = mk_ps();
    let zz = z.clone();
    go!(move || {
        let mut c = ONE;
        loop {
            zz.req.recv();
            let t = get(&u);
            zz.dat.send(item(mul(t, c)));
            c = mul(c, c0);
            if end(t) != 0 {
                zz.dat.send(item(FINIS));
                break;
            }
            for _ in 1..n {
                zz.req.recv();
                zz.dat.send(item(ZERO));
            }
        }
    });
    z
}

const N: usize = 10;

/// Takes the first `N` terms of `u`, checks them against `want` and prints them.
fn checka(u: &Ps, want: &[Rat; N], name: &str) {
    let got: Vec<Rat> = (0..N).map(|_| get(u)).collect();
    for (r, c) in got.iter().zip(want) {
        assert!(
            Item::eq(r, c),
            "{name}: got {} should get {}",
            r.pr(),
            c.pr()
        );
    }
    let text: Vec<String> = got.iter().map(Item::pr).collect();
    println!("{name}: {}", text.join(" "));
}

#[goro::main]
pub fn main() {
    let ones = rep(ONE);
    let twos = rep(itor(2));
    checka(&ones, &[ONE; N], "Ones");
    checka(
        &add_ps(ones.clone(), ones.clone()),
        &[itor(2); N],
        "Add(Ones, Ones)",
    );
    checka(
        &add_ps(ones.clone(), twos.clone()),
        &[itor(3); N],
        "Add(Ones, Twos)",
    );
    let d = diff(ones.clone());
    checka(
        &d,
        &std::array::from_fn(|i| itor(i as i64 + 1)),
        "Diff(Ones)",
    );
    let integral = integ(ZERO, ones.clone());
    let want = std::array::from_fn(|i| if i == 0 { ZERO } else { i2tor(1, i as i64) });
    checka(&integral, &want, "Integ(0, Ones)");
    checka(
        &cmul(neg(ONE), twos.clone()),
        &[itor(-2); N],
        "Cmul(-1, Twos)",
    );
    checka(
        &sub_ps(ones.clone(), twos),
        &[itor(-1); N],
        "Sub(Ones, Twos)",
    );
    let m = mul_ps(ones.clone(), ones.clone());
    checka(
        &m,
        &std::array::from_fn(|i| itor(i as i64 + 1)),
        "Mul(Ones, Ones)",
    );
    let e = exp(ones.clone());
    let want = [
        itor(1),
        itor(1),
        i2tor(3, 2),
        i2tor(13, 6),
        i2tor(73, 24),
        i2tor(167, 40),
        i2tor(4051, 720),
        i2tor(37633, 5040),
        i2tor(43817, 4480),
        i2tor(4596553, 362880),
    ];
    checka(&e, &want, "Exp(Ones)");
    let atan = integ(ZERO, mon_subst(ones, neg(ONE), 2));
    let want = std::array::from_fn(|i| match i % 4 {
        1 => i2tor(1, i as i64),
        3 => i2tor(-1, i as i64),
        _ => ZERO,
    });
    checka(&atan, &want, "ATan");
}
