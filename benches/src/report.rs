//! The result line every workload prints, and the process readings some of them take.

/// Prints one measurement as `name value unit`, the format the runner and the Go twins share.
/// Call it only after the workload checked its answer.
pub fn line(name: &str, value: f64, unit: &str) {
    println!("{name} {value:.2} {unit}");
}

/// The resident set size of this process in KiB: `VmRSS` of `/proc/self/status`.
///
/// # Panics
/// If `/proc/self/status` cannot be read or has no `VmRSS` line (not Linux).
pub fn vm_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("read /proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("/proc/self/status has a VmRSS line")
}

/// The pauses (ns) of the collections that ended between two MemStats readings whose cycle
/// counts were `before` and `after`, from a 256-entry PauseNs ring (goro's
/// `MemStats::pause_ns`, Go's `MemStats.PauseNs`): cycle k (counting from 0) sits at
/// `k % 256`, so only the last 256 cycles are still there.
pub fn gc_pauses(ring: &[u64; 256], before: u64, after: u64) -> Vec<u64> {
    (before.max(after.saturating_sub(256))..after)
        .map(|k| ring[(k % 256) as usize])
        .collect()
}

/// The `p`th percentile (0..=100) of `sorted` (ascending, not empty): the element at
/// `(len − 1) · p / 100`, so 50 is the lower median and 100 the maximum.
///
/// # Panics
/// If `sorted` is empty.
pub fn percentile(sorted: &[u64], p: usize) -> u64 {
    sorted[(sorted.len() - 1) * p / 100]
}
