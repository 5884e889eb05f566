//! Progress of long builds: when a build has run for about two seconds on a terminal, one
//! line on stderr shows the phase, how many of how many are done and the rate (indicatif),
//! and goes away when the phase ends. Off unless the command turns it on (`build` does, when
//! stderr is a terminal and `CI` is not set), so piped output, CI logs, `serve` and tests
//! never see it. `PUFA_PROGRESS_AFTER_MS` changes the two seconds (for testing).

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// When the build that shows progress started.
static STARTED: OnceLock<Instant> = OnceLock::new();

/// Show progress for this process's builds, counted from now.
pub fn enable() {
    let _ = STARTED.set(Instant::now());
}

fn after() -> Duration {
    let ms = std::env::var("PUFA_PROGRESS_AFTER_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    Duration::from_millis(ms)
}

/// One phase of a build (making images, rendering pages).
pub struct Phase {
    bar: Option<ProgressBar>,
    shown: std::sync::atomic::AtomicBool,
}

impl Phase {
    /// A phase of `total` steps called `name` (`处理图片`); a no-op unless enabled.
    pub fn start(name: &'static str, total: usize) -> Phase {
        let bar = STARTED.get().filter(|_| total > 0).map(|_| {
            let style =
                ProgressStyle::with_template("{msg} {pos}/{len}（{per_sec}，已用 {elapsed}）")
                    .unwrap_or_else(|_| ProgressStyle::default_bar());
            ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden())
                .with_style(style)
                .with_message(name)
        });
        Phase {
            bar,
            shown: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// `n` more steps done.
    pub fn inc(&self, n: u64) {
        let Some(bar) = &self.bar else {
            return;
        };
        bar.inc(n);
        let long = STARTED.get().is_some_and(|s| s.elapsed() >= after());
        if long && !self.shown.swap(true, std::sync::atomic::Ordering::Relaxed) {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }
}

impl Drop for Phase {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
