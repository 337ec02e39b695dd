//! Goroutine dumps: `runtime::stack`. Go: runtime.Stack, goroutineheader and traceback
//! (traceback.go).
//!
//! Each goroutine gets Go's header, `goroutine N [status]:`, where status is `running`,
//! `runnable` or the wait reason of a parked one (`chan receive`, `select`, …). The calling
//! goroutine's header is followed by its backtrace. Other goroutines' frames are not walked
//! yet (their stacks are suspended mid-switch; walking them needs frame pointers or an
//! unwinder that starts from a saved context), so their headers stand alone.

use crate::g::{G_RUNNABLE, G_RUNNING, G_WAITING, GRef, WaitReason};
use crate::loom::atomic::Ordering;
use crate::tls::{curg, current_sched};
use std::fmt::Write;

fn header(gp: GRef) -> Option<String> {
    let status = match gp.status() {
        G_RUNNING => "running".to_owned(),
        G_RUNNABLE => "runnable".to_owned(),
        G_WAITING => {
            let r = WaitReason::from_u8(gp.waitreason.load(Ordering::Relaxed));
            if r == WaitReason::Zero {
                "waiting".to_owned()
            } else {
                r.as_str().to_owned()
            }
        }
        _ => return None,
    };
    Some(format!("goroutine {} [{status}]:\n", gp.goid()))
}

/// A dump of the calling goroutine (and, with `all`, every other goroutine of its
/// runtime) in Go's format. Go: runtime.Stack.
///
/// # Examples
/// ```
/// goro_rt::run(|| {
///     let dump = goro_rt::runtime::stack(false);
///     assert!(dump.starts_with("goroutine 1 [running]:\n"));
/// });
/// ```
pub fn stack(all: bool) -> String {
    let mut out = String::new();
    let me = curg();
    if let Some(gp) = me {
        out.push_str(&header(gp).unwrap_or_default());
        let bt = std::backtrace::Backtrace::force_capture().to_string();
        out.push_str(&bt);
    }
    if !all {
        return out;
    }
    let Some(s) = current_sched() else { return out };
    let sp = (s as *const crate::proc::Sched).cast_mut();
    let mut others: Vec<GRef> = crate::gfree::all_gs()
        .into_iter()
        .filter(|g| Some(*g) != me && g.sched.load(Ordering::Acquire) == sp)
        .collect();
    others.sort_by_key(|g| g.goid());
    for gp in others {
        if let Some(h) = header(gp) {
            let _ = write!(out, "\n{h}");
        }
    }
    out
}

/// Every live goroutine of every runtime in this process, in Go's format (headers only: the
/// frames of goroutines other than the caller are not walked yet). For SIGQUIT.
pub(crate) fn dump_all() -> String {
    let mut gs: Vec<GRef> = crate::gfree::all_gs()
        .into_iter()
        .filter(|g| !g.sched.load(Ordering::Acquire).is_null())
        .collect();
    gs.sort_by_key(|g| (g.sched.load(Ordering::Relaxed) as usize, g.goid()));
    let mut out = String::new();
    for gp in gs {
        if let Some(h) = header(gp) {
            let _ = writeln!(out, "{h}");
        }
    }
    out
}

/// Every live goroutine of `sched` in Go's format, by goroutine id (headers only, as
/// `dump_all`). For the deadlock report.
pub(crate) fn dump_sched(sched: &crate::proc::Sched) -> String {
    dump_filtered(sched, None)
}

/// As `dump_sched`, without `me`: for `GOTRACEBACK=all` panic reports.
pub(crate) fn dump_sched_except(sched: &crate::proc::Sched, me: GRef) -> String {
    dump_filtered(sched, Some(me))
}

fn dump_filtered(sched: &crate::proc::Sched, skip: Option<GRef>) -> String {
    let sp = (sched as *const crate::proc::Sched).cast_mut();
    let mut gs: Vec<GRef> = crate::gfree::all_gs()
        .into_iter()
        .filter(|g| g.sched.load(Ordering::Acquire) == sp && Some(*g) != skip)
        .collect();
    gs.sort_by_key(|g| g.goid());
    let mut out = String::new();
    for gp in gs {
        if let Some(h) = header(gp) {
            let _ = writeln!(out, "{h}");
        }
    }
    out
}
