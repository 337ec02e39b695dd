//! The HTTP workloads' load generator: `wrk`, run as a child process against a server in
//! the workload's own process, and its report parsed. The runner installs wrk when missing.

use std::process::Command;

/// What one `wrk` run reported.
pub struct WrkReport {
    /// `Requests/sec:`.
    pub requests_per_sec: f64,
    /// The `N requests in …` total.
    pub requests: u64,
}

/// Runs `wrk -t<threads> -c<conns> -d<secs>s http://<addr>/` and parses its report. Errors
/// (returned as text for the workload to fail with) when wrk cannot run, saw a non-2xx/3xx
/// response, or counted a socket error: every request must have been answered.
pub fn run(
    addr: std::net::SocketAddr,
    threads: u32,
    conns: u32,
    secs: u32,
) -> Result<WrkReport, String> {
    let out = Command::new("wrk")
        .arg(format!("-t{threads}"))
        .arg(format!("-c{conns}"))
        .arg(format!("-d{secs}s"))
        .arg(format!("http://{addr}/"))
        .output()
        .map_err(|e| format!("cannot run wrk: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!(
            "wrk exited with {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    if let Some(l) = text
        .lines()
        .find(|l| l.contains("Non-2xx") || l.contains("Socket errors"))
    {
        return Err(format!("wrk: {}", l.trim()));
    }
    let requests_per_sec = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| format!("no Requests/sec in wrk's report: {text:?}"))?;
    let requests = text
        .lines()
        .find_map(|l| l.trim().split_once(" requests in "))
        .and_then(|(n, _)| n.trim().parse().ok())
        .ok_or_else(|| format!("no `N requests in` in wrk's report: {text:?}"))?;
    Ok(WrkReport {
        requests_per_sec,
        requests,
    })
}
