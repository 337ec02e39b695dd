//! Helpers the peer implementations share: may coroutines without the macro's hidden `unsafe`,
//! tokio runtimes sized like GOMAXPROCS, and CPU pinning for the OS-thread peer.

use std::future::Future;

/// `may::go!` without the macro's hidden `unsafe`.
pub fn may_spawn<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> may::coroutine::JoinHandle<T> {
    // SAFETY: may's two conditions, which every caller in this crate meets: (1) `f` touches
    // no thread-local storage (the workloads compute, send and receive on may's own
    // channels); (2) it needs a few hundred bytes of the default 32 KiB stack (no deep
    // recursion, no large locals).
    unsafe { may::coroutine::spawn(f) }
}

/// Runs `f` in a may coroutine (so the driver is a coroutine, as Go's main goroutine), on
/// `procs` worker threads.
pub fn may_main<T: Send + 'static>(procs: usize, f: impl FnOnce() -> T + Send + 'static) -> T {
    may::config().set_workers(procs);
    may_spawn(f).join().expect("main coroutine panicked")
}

/// Runs `fut` as a task (the driver is a task, as Go's main goroutine) on a tokio runtime
/// with `procs` workers: the current-thread runtime for 1 (tokio's one-P equivalent), else the
/// multi-thread runtime with `procs` workers.
pub fn tokio_main<T: Send + 'static>(
    procs: usize,
    fut: impl Future<Output = T> + Send + 'static,
) -> T {
    let rt = if procs == 1 {
        tokio::runtime::Builder::new_current_thread().build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(procs)
            .build()
    }
    .expect("tokio runtime");
    rt.block_on(async move { tokio::spawn(fut).await.expect("main task panicked") })
}

/// Restricts the calling thread, and every thread it spawns afterwards, to the first `n` CPUs
/// this process may use: the OS-thread stand-in for `GOMAXPROCS(n)`. With fewer than `n`
/// CPUs allowed (`taskset -c 0`, a one-CPU container) it keeps all of them and the threads
/// share them, as Go's `n` Ps share fewer CPUs; it returns how many CPUs the threads got.
///
/// # Panics
/// If the affinity cannot be read or set.
pub fn pin_to_cpus(n: usize) -> usize {
    // SAFETY: `cpu_set_t` is plain bits; all-zero is the empty set.
    let mut allowed: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    let size = std::mem::size_of::<libc::cpu_set_t>();
    // SAFETY: `allowed` is a valid, writable `cpu_set_t` of `size` bytes; pid 0 is this thread.
    let rc = unsafe { libc::sched_getaffinity(0, size, &mut allowed) };
    assert_eq!(
        rc,
        0,
        "sched_getaffinity: {}",
        std::io::Error::last_os_error()
    );
    // SAFETY: as above.
    let mut want: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    let mut taken = 0;
    for cpu in 0..libc::CPU_SETSIZE as usize {
        if taken == n {
            break;
        }
        // SAFETY: `cpu` < CPU_SETSIZE, the set's size in CPUs.
        if unsafe { libc::CPU_ISSET(cpu, &allowed) } {
            // SAFETY: as above.
            unsafe { libc::CPU_SET(cpu, &mut want) };
            taken += 1;
        }
    }
    assert!(taken > 0, "pin_to_cpus: no CPU allowed");
    // SAFETY: `want` is a valid `cpu_set_t` of `size` bytes; pid 0 is this thread.
    let rc = unsafe { libc::sched_setaffinity(0, size, &want) };
    assert_eq!(
        rc,
        0,
        "sched_setaffinity: {}",
        std::io::Error::last_os_error()
    );
    taken
}
