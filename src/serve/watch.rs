//! Watching the site's files: `notify` (native events, or polling for network drives and
//! WSL) feeds paths into a channel; [`Watcher::next_batch`] waits for the first change, then
//! for a short quiet spell, and returns every path touched — so an editor's atomic save
//! (write a temp file, rename it over the original) or a `git checkout` of another branch
//! becomes one rebuild. Reads and other non-changes are ignored, as are editor temp and
//! backup files (`.swp`, `~`, `.#…`, `4913`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode};

use crate::content::source::{SOURCE_DIRS, is_ignored_name};

/// How long the files must be quiet before a rebuild starts.
pub const QUIET: Duration = Duration::from_millis(3);
/// A rebuild starts at the latest this long after the first change, even if changes go on.
pub const MAX_WAIT: Duration = Duration::from_millis(600);
/// Poll interval with `--poll`.
pub const POLL_INTERVAL: Duration = Duration::from_millis(300);

/// What happened to the watched files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Batch {
    /// These paths (absolute) changed in some way.
    Paths(Vec<PathBuf>),
    /// Events were lost (queue overflow): everything must be read again.
    Rescan,
}

enum Msg {
    Paths(Vec<PathBuf>),
    Rescan,
    Error(String),
}

/// A running watch on a site.
pub struct Watcher {
    _inner: Box<dyn notify::Watcher + Send>,
    rx: Receiver<Msg>,
    tx: Sender<Msg>,
}

/// Reports a change the file system did not: an image processed in the background.
#[derive(Clone)]
pub struct Injector(Sender<Msg>);

impl Injector {
    /// Treat `path` (absolute) as changed.
    pub fn changed(&self, path: PathBuf) {
        let _ = self.0.send(Msg::Paths(vec![path]));
    }
}

/// Is a change at `path` worth a rebuild? Only the part below the site root is judged (the
/// root itself may well sit in a hidden folder).
fn interesting(root: &Path, path: &Path) -> bool {
    let rel = path.strip_prefix(root).unwrap_or(path);
    !rel.components()
        .any(|c| is_ignored_name(&c.as_os_str().to_string_lossy()))
}

impl Watcher {
    /// Watch `root/site.yaml` and the source folders under `root`.
    pub fn new(root: &Path, poll: bool) -> Result<Self, String> {
        let (tx, rx) = channel::<Msg>();
        let own_tx = tx.clone();
        let root_owned = root.to_path_buf();
        let handler = move |res: notify::Result<notify::Event>| {
            let msg = match res {
                Ok(ev) => {
                    if ev.need_rescan() {
                        Msg::Rescan
                    } else if matches!(ev.kind, EventKind::Access(_)) {
                        return;
                    } else {
                        let paths: Vec<PathBuf> = ev
                            .paths
                            .into_iter()
                            .filter(|p| interesting(&root_owned, p))
                            .collect();
                        if paths.is_empty() {
                            return;
                        }
                        Msg::Paths(paths)
                    }
                }
                Err(e) => Msg::Error(e.to_string()),
            };
            let _ = tx.send(msg);
        };
        let mut inner: Box<dyn notify::Watcher + Send> = if poll {
            let cfg = notify::Config::default()
                .with_poll_interval(POLL_INTERVAL)
                .with_compare_contents(false);
            Box::new(notify::PollWatcher::new(handler, cfg).map_err(explain)?)
        } else {
            Box::new(notify::recommended_watcher(handler).map_err(explain)?)
        };
        inner
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(explain)?;
        for dir in SOURCE_DIRS {
            let d = root.join(dir);
            if d.is_dir() {
                inner.watch(&d, RecursiveMode::Recursive).map_err(explain)?;
            }
        }
        Ok(Watcher {
            _inner: inner,
            rx,
            tx: own_tx,
        })
    }

    /// A handle that reports changes into this watcher's batches.
    pub fn injector(&self) -> Injector {
        Injector(self.tx.clone())
    }

    /// Block until something changed, let the burst settle, and return it. `None` when the
    /// watcher stopped.
    pub fn next_batch(&self) -> Option<Result<Batch, String>> {
        let first = self.rx.recv().ok()?;
        let started = Instant::now();
        let mut paths = BTreeSet::new();
        let mut rescan = false;
        let mut take = |m: Msg| -> Result<(), String> {
            match m {
                Msg::Paths(p) => paths.extend(p),
                Msg::Rescan => rescan = true,
                Msg::Error(e) => return Err(e),
            }
            Ok(())
        };
        if let Err(e) = take(first) {
            return Some(Err(e));
        }
        loop {
            let left = MAX_WAIT.saturating_sub(started.elapsed());
            if left.is_zero() {
                break;
            }
            match self.rx.recv_timeout(QUIET.min(left)) {
                Ok(m) => {
                    if let Err(e) = take(m) {
                        return Some(Err(e));
                    }
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        Some(Ok(if rescan {
            Batch::Rescan
        } else {
            Batch::Paths(paths.into_iter().collect())
        }))
    }
}

fn explain(e: notify::Error) -> String {
    let s = e.to_string();
    if s.contains("inotify") || s.contains("watch limit") || s.contains("No space left") {
        format!(
            "{s}。系统允许监视的文件数不够：运行 `sudo sysctl fs.inotify.max_user_watches=524288` 后重试，或加上 --poll 改用轮询。"
        )
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_files_are_not_interesting() {
        let r = Path::new("/tmp/.tmpXYZ/s");
        assert!(!interesting(
            r,
            Path::new("/tmp/.tmpXYZ/s/content/.a.md.swp")
        ));
        assert!(!interesting(r, Path::new("/tmp/.tmpXYZ/s/content/a.md~")));
        assert!(!interesting(r, Path::new("/tmp/.tmpXYZ/s/content/4913")));
        assert!(!interesting(r, Path::new("/tmp/.tmpXYZ/s/content/.#a.md")));
        assert!(interesting(r, Path::new("/tmp/.tmpXYZ/s/content/a.md")));
    }
}
