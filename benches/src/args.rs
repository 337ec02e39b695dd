//! Command-line flags, spelled as Go's `flag` package accepts them, so a workload and its Go
//! twin take the same command line: `--n 1000`, `-n 1000`, `--n=1000`.

use std::collections::HashMap;
use std::fmt;
use std::process;
use std::str::FromStr;

/// Which runtime a workload binary measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Impl {
    /// goro: stackful goroutines on a G-M-P scheduler.
    Goro,
    /// The `may` crate: stackful coroutines.
    May,
    /// The `tokio` crate: stackless async tasks.
    Tokio,
    /// The `crossbeam-channel` crate on plain `std::thread`s: the channel peer.
    Crossbeam,
}

impl Impl {
    /// Every implementation, in the runner's column order.
    pub const ALL: [Impl; 4] = [Impl::Goro, Impl::May, Impl::Tokio, Impl::Crossbeam];

    /// The name used on the command line and in the runner's table.
    pub const fn as_str(self) -> &'static str {
        match self {
            Impl::Goro => "goro",
            Impl::May => "may",
            Impl::Tokio => "tokio",
            Impl::Crossbeam => "crossbeam",
        }
    }
}

impl fmt::Display for Impl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Impl {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Impl::ALL
            .into_iter()
            .find(|i| i.as_str() == s)
            .ok_or_else(|| format!("unknown impl {s:?} (want goro, may, tokio or crossbeam)"))
    }
}

/// Parsed `--name value` flags of one workload binary.
pub struct Flags {
    program: String,
    allowed: &'static [(&'static str, &'static str)],
    values: HashMap<String, String>,
}

impl Flags {
    /// Parses the process arguments. `allowed` lists `(name, help)` of every flag the program
    /// takes; anything else prints a usage message and exits with status 2, as Go's `flag`.
    pub fn parse(allowed: &'static [(&'static str, &'static str)]) -> Flags {
        let mut args = std::env::args();
        let program = args.next().unwrap_or_else(|| "bench".into());
        let mut flags = Flags {
            program,
            allowed,
            values: HashMap::new(),
        };
        while let Some(arg) = args.next() {
            let Some(body) = arg.strip_prefix("--").or_else(|| arg.strip_prefix('-')) else {
                flags.usage(&format!("unexpected argument {arg:?}"));
            };
            let (name, value) = match body.split_once('=') {
                Some((name, value)) => (name.to_string(), value.to_string()),
                None => match args.next() {
                    Some(value) => (body.to_string(), value),
                    None => flags.usage(&format!("flag needs an argument: -{body}")),
                },
            };
            if name == "h" || name == "help" || !allowed.iter().any(|(n, _)| *n == name) {
                flags.usage(&format!("flag provided but not defined: -{name}"));
            }
            flags.values.insert(name, value);
        }
        flags
    }

    /// The value of flag `name`, or `default` when it was not given.
    pub fn get<T: FromStr>(&self, name: &str, default: T) -> T
    where
        T::Err: fmt::Display,
    {
        match self.values.get(name) {
            None => default,
            Some(v) => v.parse().unwrap_or_else(|e| {
                self.usage(&format!("invalid value {v:?} for flag -{name}: {e}"))
            }),
        }
    }

    /// `--impl`: which runtime to measure (default goro).
    pub fn imp(&self) -> Impl {
        self.get("impl", Impl::Goro)
    }

    /// Exits with status 2 and `why`: this workload has no version for `imp` (the runner
    /// never asks for one; its cell reads `n/a`).
    pub fn not_applicable(&self, imp: impl fmt::Display, why: &str) -> ! {
        eprintln!("{}: no {imp} version: {why}", self.program);
        process::exit(2)
    }

    fn usage(&self, msg: &str) -> ! {
        eprintln!("{msg}\nUsage of {}:", self.program);
        for (name, help) in self.allowed {
            eprintln!("  -{name}\n    \t{help}");
        }
        process::exit(2)
    }
}
