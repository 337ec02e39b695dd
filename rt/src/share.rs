//! `Share`: the marker for handles that `go!({ ... })` clones into a goroutine.
use std::sync::Arc;

/// A cheap handle that `go!({ ... })` clones into the new goroutine (Go's reference types).
pub trait Share: Clone {}

impl<T: ?Sized> Share for Arc<T> {}
