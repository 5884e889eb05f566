//! Phase timings for people measuring pufa: with `PUFA_TIMINGS=1` in the environment, each
//! step of a build prints how long it took, and the memory in use after it, to stderr.
//! Off by default; costs one check of a flag per phase.

use std::sync::OnceLock;
use std::time::Instant;

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("PUFA_TIMINGS").is_some_and(|v| v != "0"))
}

/// A running clock for one phase; [`Phase::done`] prints its time (when enabled) and
/// starts the next phase.
pub struct Phase {
    started: Instant,
}

impl Phase {
    pub fn start() -> Self {
        Phase {
            started: Instant::now(),
        }
    }

    /// Print `name` with the time since the last call (or [`Phase::start`]) and the
    /// process's resident memory now (Linux).
    pub fn done(&mut self, name: &str) {
        if enabled() {
            eprintln!(
                "[timings] {name:<24} {:>7.1} ms {:>6} MiB",
                self.started.elapsed().as_secs_f64() * 1000.0,
                resident_mib().map_or_else(|| "?".to_string(), |m| m.to_string()),
            );
        }
        self.started = Instant::now();
    }
}

/// Resident memory of this process in MiB, from /proc/self/statm (Linux only).
fn resident_mib() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096 / 1_048_576)
}
