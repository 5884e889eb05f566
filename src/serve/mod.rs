//! `serve` and `build --watch`: the watcher, the rebuild loop and the preview server. Both
//! run the one pipeline (`pipeline::Session`); serve keeps the result in memory, `build --watch`
//! writes it to the output folder by staging + rename after every good rebuild.

pub mod reload;
pub mod server;
pub mod watch;

use std::path::PathBuf;

use crate::content::source::{ReadError, SiteSources, read_site};
use watch::{Batch, Watcher};

/// Bring `sources` up to date with one batch of changes. Returns whether anything the build
/// reads changed.
pub fn apply_batch(sources: &mut SiteSources, batch: &Batch) -> Result<bool, ReadError> {
    match batch {
        Batch::Paths(paths) => sources.apply_changes(paths),
        Batch::Rescan => {
            let fresh = read_site(&sources.root)?;
            *sources = fresh;
            Ok(true)
        }
    }
}

/// Call `rebuild` after every batch of changes `watcher` reports that matters, with the
/// changed paths (relative to the root) for the log. Returns when the watcher stops.
///
/// Create the watcher *before* reading the sources, so no change between the first read
/// and the start of watching is lost.
pub fn watch_loop(
    watcher: Watcher,
    sources: &mut SiteSources,
    mut rebuild: impl FnMut(&SiteSources, &[String]),
) -> Result<(), String> {
    while let Some(batch) = watcher.next_batch() {
        let batch = batch?;
        match apply_batch(sources, &batch) {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => {
                eprintln!("错误: {e}");
                continue;
            }
        }
        let shown: Vec<String> = match &batch {
            Batch::Paths(p) => p
                .iter()
                .map(|p| {
                    p.strip_prefix(&sources.root)
                        .unwrap_or(p)
                        .display()
                        .to_string()
                })
                .collect(),
            Batch::Rescan => vec!["（全部文件）".into()],
        };
        rebuild(sources, &shown);
    }
    Ok(())
}

/// Root of a site given on the command line, made absolute (the watcher reports absolute
/// paths).
pub fn absolute_root(root: &std::path::Path) -> PathBuf {
    std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf())
}
