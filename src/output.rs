//! Write step: the [`OutputSet`] (site path → bytes, sorted) and the one function that puts it
//! on disk. `build` writes a staging folder beside the output and swaps it in only when
//! everything was written; the old output is never cleaned first, so a failed build leaves it
//! exactly as it was.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

/// Every file of a built site, by path relative to the output folder (`articles/a/index.html`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutputSet {
    files: BTreeMap<String, Arc<[u8]>>,
}

impl OutputSet {
    pub fn insert(&mut self, path: String, bytes: Arc<[u8]>) {
        self.files.insert(path, bytes);
    }

    pub fn extend(&mut self, items: impl IntoIterator<Item = (String, Arc<[u8]>)>) {
        self.files.extend(items);
    }

    pub fn get(&self, path: &str) -> Option<&Arc<[u8]>> {
        self.files.get(path)
    }

    pub fn paths(&self) -> impl Iterator<Item = &String> {
        self.files.keys()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Arc<[u8]>)> {
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

/// Write `set` into `dest`, replacing what was there only after everything is written.
///
/// The files go to `dest`'s sibling `.<name>.staging-<pid>`; then `dest` is renamed to
/// `.<name>.old-<pid>`, the staging folder to `dest`, and the old folder is removed. On any
/// error the staging folder is removed and `dest` is untouched.
pub fn write_output(set: &OutputSet, dest: &Path) -> io::Result<()> {
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
    let staging = parent.join(format!(".{name}.staging-{pid}"));
    let old = parent.join(format!(".{name}.old-{pid}"));
    if staging.exists() {
        std::fs::remove_dir_all(&staging)?;
    }
    let result = write_tree(set, &staging).and_then(|()| swap_in(&staging, dest, &old));
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

fn write_tree(set: &OutputSet, root: &Path) -> io::Result<()> {
    std::fs::create_dir_all(root)?;
    // Folders first (sorted, once each), then files in parallel.
    let mut dirs: Vec<PathBuf> = set
        .files
        .keys()
        .filter_map(|p| Path::new(p).parent().map(|d| root.join(d)))
        .collect();
    dirs.sort();
    dirs.dedup();
    for d in &dirs {
        std::fs::create_dir_all(d)?;
    }
    let files: Vec<(&String, &Arc<[u8]>)> = set.files.iter().collect();
    files
        .par_iter()
        .try_for_each(|(p, bytes)| std::fs::write(root.join(p), bytes))
}

fn swap_in(staging: &Path, dest: &Path, old: &Path) -> io::Result<()> {
    if dest.exists() {
        if old.exists() {
            std::fs::remove_dir_all(old)?;
        }
        std::fs::rename(dest, old)?;
        if let Err(e) = std::fs::rename(staging, dest) {
            // Put the previous output back.
            let _ = std::fs::rename(old, dest);
            return Err(e);
        }
        std::fs::remove_dir_all(old)?;
    } else {
        std::fs::rename(staging, dest)?;
    }
    Ok(())
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
}
