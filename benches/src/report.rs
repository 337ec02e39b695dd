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
