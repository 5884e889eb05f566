//! Write step: where rendered files go. The render step hands every file to a [`Sink`] as
//! soon as it is made, so a big site never sits in memory twice:
//!
//! - [`Staging`] (`build`): files go to a hidden folder beside the output; only when the whole
//!   build succeeded is it swapped in by rename. The old output is never cleaned first, so a
//!   failed build leaves it exactly as it was.
//! - [`MemorySink`] (`serve`, tests): an [`OutputSet`] in memory.
//! - [`NullSink`] (`check`): nothing kept.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The bytes of one output file (shared, so static files are not copied per build).
pub type Blob = Arc<[u8]>;

/// Where rendered files go. Called from many threads at once.
pub trait Sink: Sync {
    /// Store the file at `path` (relative to the output root, `/`-separated).
    fn put(&self, path: &str, bytes: Blob) -> io::Result<()>;
}

/// Every file of a built site, by path relative to the output folder (`articles/a/index.html`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutputSet {
    files: BTreeMap<String, Blob>,
}

impl OutputSet {
    pub fn insert(&mut self, path: String, bytes: Blob) {
        self.files.insert(path, bytes);
    }

    pub fn get(&self, path: &str) -> Option<&Blob> {
        self.files.get(path)
    }

    pub fn paths(&self) -> impl Iterator<Item = &String> {
        self.files.keys()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Blob)> {
        self.files.iter()
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Total size in bytes.
    pub fn total_bytes(&self) -> usize {
        self.files.values().map(|b| b.len()).sum()
    }
}

/// Keeps the output in memory.
#[derive(Debug, Default)]
pub struct MemorySink {
    set: Mutex<OutputSet>,
}

impl MemorySink {
    pub fn into_output(self) -> OutputSet {
        self.set.into_inner().unwrap_or_default()
    }
}

impl Sink for MemorySink {
    fn put(&self, path: &str, bytes: Blob) -> io::Result<()> {
        self.set
            .lock()
            .map_err(|_| io::Error::other("output lock poisoned"))?
            .insert(path.to_string(), bytes);
        Ok(())
    }
}

/// Drops everything (for `check`).
#[derive(Debug, Default)]
pub struct NullSink;

impl Sink for NullSink {
    fn put(&self, _path: &str, _bytes: Blob) -> io::Result<()> {
        Ok(())
    }
}

/// A staging folder beside the output folder. Files are written into it; [`Staging::commit`]
/// swaps it in by rename; dropping it without committing removes it.
#[derive(Debug)]
pub struct Staging {
    dest: PathBuf,
    dir: PathBuf,
    old: PathBuf,
    committed: bool,
}

impl Staging {
    /// Prepare `.<name>.staging-<pid>` beside `dest` (removing a leftover of a crashed run).
    pub fn new(dest: &Path) -> io::Result<Self> {
        let parent = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        std::fs::create_dir_all(&parent)?;
        let pid = std::process::id();
        let dir = parent.join(format!(".{name}.staging-{pid}"));
        let old = parent.join(format!(".{name}.old-{pid}"));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir(&dir)?;
        Ok(Staging {
            dest: dest.to_path_buf(),
            dir,
            old,
            committed: false,
        })
    }

    /// Replace the output folder with the staging folder.
    pub fn commit(mut self) -> io::Result<()> {
        if self.dest.exists() {
            if self.old.exists() {
                std::fs::remove_dir_all(&self.old)?;
            }
            std::fs::rename(&self.dest, &self.old)?;
            if let Err(e) = std::fs::rename(&self.dir, &self.dest) {
                // Put the previous output back.
                let _ = std::fs::rename(&self.old, &self.dest);
                return Err(e);
            }
            self.committed = true;
            std::fs::remove_dir_all(&self.old)?;
        } else {
            std::fs::rename(&self.dir, &self.dest)?;
            self.committed = true;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

impl Sink for Staging {
    fn put(&self, path: &str, bytes: Blob) -> io::Result<()> {
        let full = self.dir.join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(full, &bytes)
    }
}

/// Write a whole [`OutputSet`] to `dest` through a staging folder.
pub fn write_output(set: &OutputSet, dest: &Path) -> io::Result<()> {
    let staging = Staging::new(dest)?;
    for (p, b) in set.iter() {
        staging.put(p, b.clone())?;
    }
    staging.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_whole_tree() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("public");
        let mut a = OutputSet::default();
        a.insert("old/index.html".into(), Arc::from(&b"old"[..]));
        write_output(&a, &dest).unwrap();
        let mut b = OutputSet::default();
        b.insert("index.html".into(), Arc::from(&b"new"[..]));
        write_output(&b, &dest).unwrap();
        assert!(!dest.join("old").exists());
        assert_eq!(std::fs::read(dest.join("index.html")).unwrap(), b"new");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
    }

    #[test]
    fn dropped_staging_leaves_the_output_alone() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("public");
        std::fs::create_dir(&dest).unwrap();
        std::fs::write(dest.join("keep.html"), "keep").unwrap();
        {
            let s = Staging::new(&dest).unwrap();
            s.put("index.html", Arc::from(&b"x"[..])).unwrap();
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        assert_eq!(std::fs::read(dest.join("keep.html")).unwrap(), b"keep");
    }
}
