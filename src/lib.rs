//! goro: Go's concurrency runtime in Rust.
#![warn(missing_docs)]

pub use goro_macros::{go, main, test};
pub use goro_rt::{JoinHandle, run, share::Share, spawn};

/// Runtime queries and controls: Go's `runtime` package.
pub mod runtime {
    pub use goro_rt::runtime::*;
}

/// Everything a Go port usually needs: `use goro::prelude::*;`.
pub mod prelude {
    pub use goro_macros::go;
}

#[doc(hidden)]
pub mod __private {
    pub use goro_rt::entry::*;
    pub use goro_rt::share::*;
}
