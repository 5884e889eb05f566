//! Phase timings for people measuring pufa: with `PUFA_TIMINGS=1` in the environment, each
//! step of a build prints how long it took, and the memory in use after it, to stderr.
//! Off by default; costs one check of a flag per phase.

use std::sync::OnceLock;
use std::time::Instant;

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("PUFA_TIMINGS").is_some_and(|v| v != "0"))
}

/// Is `PUFA_TIMINGS=outputs` set (list each output a rebuild made, with its time)?
pub fn outputs() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("PUFA_TIMINGS").is_some_and(|v| v == "outputs"))
}

/// A running clock for one phase; [`Phase::done`] prints its time (when enabled) and
/// starts the next phase.
pub struct Phase {
    started: Instant,
    cpu: Option<u64>,
}

impl Phase {
    pub fn start() -> Self {
        Phase {
            started: Instant::now(),
            cpu: cpu_ns(),
        }
    }

    /// Print `name` with the time since the last call (or [`Phase::start`]), the CPU time
    /// all threads used in it (Linux; twice the wall time when both cores were busy) and
    /// the process's resident memory now (Linux).
    pub fn done(&mut self, name: &str) {
        if !enabled() {
            return;
        }
        let wall = self.started.elapsed().as_secs_f64() * 1000.0;
        let cpu = cpu_ns();
        let used = match (self.cpu, cpu) {
            (Some(a), Some(b)) => format!("{:>7.1}", b.saturating_sub(a) as f64 / 1e6),
            _ => format!("{:>7}", "?"),
        };
        let mib = |m: Option<u64>| m.map_or_else(|| "?".to_string(), |m| m.to_string());
        eprintln!(
            "[timings] {name:<24} {wall:>7.1} ms wall {used} ms cpu {:>6} MiB (peak {} MiB)",
            mib(resident_mib()),
            mib(peak_mib()),
        );
        self.started = Instant::now();
        self.cpu = cpu;
    }
}

/// CPU time used so far by all threads of this process, in nanoseconds, from
/// /proc/self/task/*/schedstat (Linux only; threads that have ended are not counted, which
/// is fine for the pool's threads, alive the whole build).
fn cpu_ns() -> Option<u64> {
    if !enabled() {
        return None;
    }
    let mut total = 0;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let stat = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
        total += stat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(total)
}

/// The most resident memory this process has had so far, in MiB, from /proc/self/status
/// (Linux only).
fn peak_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

/// Resident memory of this process in MiB, from /proc/self/statm (Linux only).
fn resident_mib() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096 / 1_048_576)
}
