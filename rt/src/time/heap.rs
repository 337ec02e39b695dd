//! A 4-ary min-heap of timer entries, keyed by `when`. Go: the `p.timers` slice with
//! siftupTimer / siftdownTimer (time.go): a 4-ary heap has half the depth of a binary one,
//! and the four children of a node share a cache line or two.
//!
//! An entry is a *claim ticket*, not the timer itself: `(when, seq, timer)`. The timer's
//! own state (`timer.rs`) says which activation is current (`seq`); an entry whose `seq`
//! no longer matches is stale and is dropped when it surfaces or when the heap is swept
//! (`sweep`). Go 1.14–1.22 delete lazily too (timerDeleted, cleaned by clearDeletedTimers).

use super::timer::TimerInner;
use crate::loom::StdArc as Arc;

pub(crate) struct Entry {
    pub(crate) when: u64,
    pub(crate) seq: u64,
    pub(crate) t: Arc<TimerInner>,
}

impl Entry {
    fn stale(&self) -> bool {
        self.t.seq() != self.seq
    }
}

/// Sweep stale entries once the heap has doubled since the last sweep (amortised O(1) per
/// push; memory stays within twice the live timers plus `SWEEP_MIN`).
const SWEEP_MIN: usize = 64;

#[derive(Default)]
pub(crate) struct Heap {
    v: Vec<Entry>,
    swept_len: usize,
}

impl Heap {
    /// The earliest `when`, or `u64::MAX` if empty.
    pub(crate) fn when0(&self) -> u64 {
        self.v.first().map_or(u64::MAX, |e| e.when)
    }

    pub(crate) fn push(&mut self, e: Entry) {
        // Stale entries at the end go at once (removing the last keeps the heap order): a
        // timer made and stopped before the next is made, later than every other (a
        // timeout armed and cancelled per request), is freed before the next allocation,
        // which then reuses its memory, instead of in a sweep's batch of 64.
        while self.v.last().is_some_and(Entry::stale) {
            self.v.pop();
        }
        if self.v.len() >= SWEEP_MIN && self.v.len() >= 2 * self.swept_len {
            self.sweep();
        }
        self.v.push(e);
        self.sift_up(self.v.len() - 1);
    }

    /// Removes the earliest entry if it is due at `now`.
    pub(crate) fn pop_due(&mut self, now: u64) -> Option<Entry> {
        if self.v.first()?.when > now {
            return None;
        }
        let last = self.v.len() - 1;
        self.v.swap(0, last);
        let e = self.v.pop();
        if !self.v.is_empty() {
            self.sift_down(0);
        }
        e
    }

    /// Whether some entry is for a current activation (a timer that will fire).
    pub(crate) fn any_live(&self) -> bool {
        self.v.iter().any(|e| !e.stale())
    }

    /// Takes every entry (for moving them to another P's heap). Go: moveTimers' source.
    pub(crate) fn take_all(&mut self) -> Vec<Entry> {
        self.swept_len = 0;
        core::mem::take(&mut self.v)
    }

    /// Drops stale entries and restores the heap order. Go: clearDeletedTimers.
    fn sweep(&mut self) {
        self.v.retain(|e| !e.stale());
        for i in (0..self.v.len()).rev() {
            self.sift_down(i);
        }
        self.swept_len = self.v.len();
    }

    fn sift_up(&mut self, mut i: usize) {
        while i > 0 {
            let parent = (i - 1) / 4;
            if self.v[i].when >= self.v[parent].when {
                break;
            }
            self.v.swap(i, parent);
            i = parent;
        }
    }

    fn sift_down(&mut self, mut i: usize) {
        let n = self.v.len();
        loop {
            let first = 4 * i + 1;
            if first >= n {
                return;
            }
            let mut min = first;
            for c in first + 1..(first + 4).min(n) {
                if self.v[c].when < self.v[min].when {
                    min = c;
                }
            }
            if self.v[min].when >= self.v[i].when {
                return;
            }
            self.v.swap(i, min);
            i = min;
        }
    }
}
