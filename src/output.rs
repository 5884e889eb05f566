//! Write step: where rendered files go. The render step hands every file to a [`Sink`] as
//! soon as it is made, so a big site never sits in memory twice:
//!
//! - [`Staging`] (`build`): files go to a hidden folder beside the output; only when the whole
//!   build succeeded are they put in place (the output folder updated file by file, or
//!   replaced by rename). The old output is never touched before, so a failed build leaves
//!   it exactly as it was.
//! - [`MemorySink`] (`serve`, tests): an [`OutputSet`] in memory.
//! - [`NullSink`] (`check`): nothing kept.

use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::fingerprint::{FastMap, FastSet};

/// The bytes of one output file (shared, so static files are not copied per build).
pub type Blob = Arc<[u8]>;

/// A file of the output that already sits on disk (a processed image in the image cache):
/// written by a hard link where the file system allows, never read into memory by a build.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DiskFile {
    pub path: PathBuf,
    pub len: u64,
    /// Device and inode, when known: a file of the output that is this one needs no
    /// second look at the cache.
    pub id: Option<(u64, u64)>,
}

/// Device and inode of a file (zeros where the platform has none).
pub fn file_id(m: &std::fs::Metadata) -> (u64, u64) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        (m.dev(), m.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = m;
        (0, 0)
    }
}

/// A file copied into the output as it is.
#[derive(Debug, Clone)]
pub enum Copied {
    Bytes(Blob),
    Disk(Arc<DiskFile>),
}

impl Copied {
    pub fn len(&self) -> usize {
        match self {
            Copied::Bytes(b) => b.len(),
            Copied::Disk(d) => d.len as usize,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The same file (the same bytes shared, or the same cache file — whose name carries
    /// its content's fingerprint).
    pub fn same(&self, other: &Copied) -> bool {
        match (self, other) {
            (Copied::Bytes(a), Copied::Bytes(b)) => Arc::ptr_eq(a, b) || **a == **b,
            (Copied::Disk(a), Copied::Disk(b)) => a == b,
            _ => false,
        }
    }

    /// The bytes (read from disk for a [`DiskFile`]).
    pub fn bytes(&self) -> io::Result<Blob> {
        match self {
            Copied::Bytes(b) => Ok(b.clone()),
            Copied::Disk(d) => Ok(Arc::from(std::fs::read(&d.path)?)),
        }
    }
}

/// Where rendered files go. Called from many threads at once.
pub trait Sink: Sync {
    /// Store the file at `path` (relative to the output root, `/`-separated).
    fn put(&self, path: &str, bytes: Blob) -> io::Result<()>;

    /// Store a copied file: bytes as [`Sink::put`]; a file on disk read into memory unless
    /// the sink can link it.
    fn put_copy(&self, path: &str, file: &Copied) -> io::Result<()> {
        self.put(path, file.bytes()?)
    }

    /// [`Sink::put`] for bytes nobody keeps: a sink that writes them out needs no shared
    /// copy (the rendered pages of a build are over 100 MiB).
    fn put_bytes(&self, path: &str, bytes: Vec<u8>) -> io::Result<()> {
        self.put(path, Arc::from(bytes))
    }

    /// Did the output this sink updates already hold the file `id` (device and inode) under
    /// a name ending in `name_end`, as a link this sink made? A file on disk it holds so
    /// need not be looked at again (the image cache trusts it).
    fn holds(&self, _id: (u64, u64), _name_end: &str) -> bool {
        false
    }
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

    /// Insert, returning what was at `path` before.
    pub fn insert_returning(&mut self, path: String, bytes: Blob) -> Option<Blob> {
        self.files.insert(path, bytes)
    }

    pub fn remove(&mut self, path: &str) -> Option<Blob> {
        self.files.remove(path)
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
        lock(&self.set)?.insert(path.to_string(), bytes);
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

    fn put_copy(&self, _path: &str, _file: &Copied) -> io::Result<()> {
        Ok(())
    }

    fn put_bytes(&self, _path: &str, _bytes: Vec<u8>) -> io::Result<()> {
        Ok(())
    }
}

/// Name of the file pufa leaves in every output folder it writes. A folder is only ever
/// replaced if it is empty or carries this mark, so a mistyped `--output` can never wipe
/// out someone's files.
pub const OUTPUT_MARK: &str = ".pufa-output";
const OUTPUT_MARK_TEXT: &str = "这个文件夹由 pufa 生成，每次生成后内容都与新生成的网站完全一致（手工改动和添加的文件都会被覆盖或删除），请不要在这里手工修改文件。\nGenerated by pufa; every build makes it match the new site exactly (files edited or added by hand are overwritten or removed).\n";

/// Why an output folder may not be replaced.
pub fn check_replaceable(dest: &Path) -> Result<(), String> {
    if !dest.exists() {
        return Ok(());
    }
    if !dest.is_dir() {
        return Err(format!(
            "输出位置 {} 是一个文件，不是文件夹",
            dest.display()
        ));
    }
    let mut entries = std::fs::read_dir(dest)
        .map_err(|e| format!("无法读取输出文件夹 {}：{e}", dest.display()))?;
    let empty = entries.next().is_none();
    if empty || dest.join(OUTPUT_MARK).is_file() {
        return Ok(());
    }
    Err(format!(
        "输出文件夹 {} 里已经有不是 pufa 生成的文件。生成时会整个替换这个文件夹，为了不删掉这些文件，这次没有写入。\n提示: 换一个空文件夹，或确认里面的文件都不需要后先清空它。",
        dest.display()
    ))
}

/// A staging folder beside the output folder. Files are written into it; dropping it without
/// committing removes it, so the output folder is untouched until [`Staging::commit`].
///
/// When the output folder holds a previous build, a file whose bytes are already there is
/// not staged at all, and the commit moves only new and changed files in (one rename each)
/// and removes the files the build no longer makes. Rebuilding a site where little changed
/// then writes little, and unchanged files keep their dates, so uploads that compare dates
/// (rsync, FTP sync tools) and browser caches skip them. Otherwise the staging folder
/// replaces the output folder by rename.
#[derive(Debug)]
pub struct Staging {
    dest: PathBuf,
    dir: PathBuf,
    old: PathBuf,
    committed: bool,
    /// Folders inside `dir` that exist.
    folders: Mutex<FastSet<PathBuf>>,
    /// The previous build in the output folder, when it is to be updated in place.
    existing: Option<Existing>,
    /// Every file of this build (relative paths), and those written to the staging folder.
    made: Mutex<Made>,
}

/// The files and folders of the previous build (paths relative to the output folder).
#[derive(Debug, Default)]
struct Existing {
    files: Vec<String>,
    folders: Vec<String>,
    /// The device of the output folder.
    dev: u64,
    /// Its image files by inode, one name each (read with the folder listing, so no image
    /// needs a `stat` to be recognised as a linked variant) …
    names: FastMap<u64, String>,
    /// … and the inode of every other name, where a file has several.
    others: FastMap<String, u64>,
}

impl Existing {
    fn add_image(&mut self, ino: u64, name: String) {
        match self.names.entry(ino) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(name);
            }
            std::collections::hash_map::Entry::Occupied(_) => {
                self.others.insert(name, ino);
            }
        }
    }

    /// Is the image file at `path` the one with inode `ino`?
    fn inode_of(&self, path: &str, ino: u64) -> bool {
        self.names.get(&ino).is_some_and(|n| n == path) || self.others.get(path) == Some(&ino)
    }
}

#[derive(Debug, Default)]
struct Made {
    all: FastSet<String>,
    staged: Vec<String>,
}

impl Staging {
    /// Prepare `.<name>.staging-<pid>` beside `dest` (removing a leftover of a crashed run).
    /// Refuses a `dest` that holds files pufa did not write (see [`check_replaceable`]).
    pub fn new(dest: &Path) -> io::Result<Self> {
        check_replaceable(dest).map_err(io::Error::other)?;
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
            folders: Mutex::new(FastSet::default()),
            existing: existing_output(dest),
            made: Mutex::new(Made::default()),
        })
    }

    /// Put the build in place: update the output folder, or replace it with the staging
    /// folder.
    pub fn commit(mut self) -> io::Result<()> {
        std::fs::write(self.dir.join(OUTPUT_MARK), OUTPUT_MARK_TEXT)?;
        check_replaceable(&self.dest).map_err(io::Error::other)?;
        if let Some(existing) = self.existing.take() {
            // Unchanged files were not staged: the previous build must still be there.
            if !self.dest.join(OUTPUT_MARK).is_file() {
                return Err(io::Error::other(
                    "输出文件夹在生成过程中被删除或改动了，这次没有写入，请重新生成",
                ));
            }
            let made = std::mem::take(&mut *lock(&self.made)?);
            update_in_place(&self.dest, &self.dir, made, existing)?;
            self.committed = true;
            return Ok(());
        }
        if self.dest.exists() {
            if self.old.exists() {
                remove_tree(&self.old)?;
            }
            std::fs::rename(&self.dest, &self.old)?;
            if let Err(e) = std::fs::rename(&self.dir, &self.dest) {
                // Put the previous output back.
                let _ = std::fs::rename(&self.old, &self.dest);
                return Err(e);
            }
            self.committed = true;
            remove_tree(&self.old)?;
        } else {
            std::fs::rename(&self.dir, &self.dest)?;
            self.committed = true;
        }
        Ok(())
    }
}

fn lock<T>(m: &Mutex<T>) -> io::Result<std::sync::MutexGuard<'_, T>> {
    m.lock()
        .map_err(|_| io::Error::other("output lock poisoned"))
}

/// Is the file at `path` exactly `bytes`? (Its size is asked first; only a file of the same
/// size is read.)
fn same_file(path: &Path, bytes: &[u8]) -> bool {
    use std::io::Read;
    // The kind and size first: opening something that is not a plain file (a FIFO) could
    // wait forever.
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {}
        _ => return false,
    }
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    // Compared a block at a time, so no copy of the old file is held.
    let mut block = [0u8; 16 * 1024];
    let mut rest = bytes;
    loop {
        match file.read(&mut block) {
            Ok(0) => return rest.is_empty(),
            Ok(n) => match rest.strip_prefix(&block[..n]) {
                Some(r) => rest = r,
                None => return false,
            },
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
}

/// Are `a` and `b` the same file (one inode, both plain files)?
/// Is the file at `a` the file `b` (one inode)? `b`'s identity is asked only when not known.
fn same_inode(a: &Path, b: &DiskFile) -> bool {
    let Ok(x) = std::fs::symlink_metadata(a) else {
        return false;
    };
    let id = match b.id {
        Some(id) => id,
        None => match std::fs::metadata(&b.path) {
            Ok(y) => file_id(&y),
            Err(_) => return false,
        },
    };
    x.is_file() && file_id(&x) == id && id != (0, 0)
}

/// The files and folders of the previous build in `dest`, if it can be updated in place:
/// it carries the pufa mark, holds no symbolic link (a build never makes one, and one
/// could lead outside the folder), and its file system tells upper from lower case (where
/// it does not, `About/` and `about/` are one folder). Otherwise the build replaces it.
fn existing_output(dest: &Path) -> Option<Existing> {
    if !dest.join(OUTPUT_MARK).is_file() || dest.join(OUTPUT_MARK.to_uppercase()).exists() {
        return None;
    }
    // Each entry two levels down (`articles/a00001`) is looked through on its own, in
    // parallel: reading ten thousand folders is most of what an unchanged rebuild costs
    // here, and one top-level folder (articles/) can hold most of them.
    let mut found = Existing::default();
    let mut items = Vec::new();
    for top in std::fs::read_dir(dest).ok()? {
        let top = top.ok()?;
        let kind = top.file_type().ok()?;
        let name = top.file_name().to_string_lossy().into_owned();
        if kind.is_symlink() {
            return None;
        }
        if kind.is_dir() {
            for item in std::fs::read_dir(top.path()).ok()? {
                let item = item.ok()?;
                let rel = format!("{name}/{}", item.file_name().to_string_lossy());
                items.push((item.path(), rel, item.file_type().ok()?, entry_inode(&item)));
            }
            found.folders.push(name);
        } else {
            items.push((top.path(), name, kind, entry_inode(&top)));
        }
    }
    let parts: Vec<Option<Existing>> = items
        .into_par_iter()
        .map(|(path, rel, kind, ino)| {
            let mut part = Existing::default();
            list_into(&path, rel, kind, ino, &mut part)?;
            Some(part)
        })
        .collect();
    let parts: Vec<Existing> = parts.into_iter().collect::<Option<_>>()?;
    let images = parts.iter().map(|p| p.names.len()).sum();
    found.names.reserve(images);
    for part in parts {
        found.files.extend(part.files);
        found.folders.extend(part.folders);
        for (ino, name) in part.names {
            found.add_image(ino, name);
        }
        found.others.extend(part.others);
    }
    found.dev = std::fs::metadata(dest).map(|m| file_id(&m).0).ok()?;
    Some(found)
}

/// Add the file or folder at `path` (`rel` in the output; its kind and inode as its folder
/// listing gave them, so nothing needs a `stat`) to `part`, with everything inside it.
/// `None` for a symbolic link or an entry that cannot be read.
fn list_into(
    path: &Path,
    rel: String,
    kind: std::fs::FileType,
    ino: u64,
    part: &mut Existing,
) -> Option<()> {
    if kind.is_symlink() {
        return None;
    }
    if kind.is_dir() {
        let entries = std::fs::read_dir(path).ok()?;
        part.folders.push(rel.clone());
        for e in entries {
            let e = e.ok()?;
            let kind = e.file_type().ok()?;
            let child = format!("{rel}/{}", e.file_name().to_string_lossy());
            let path = if kind.is_dir() {
                e.path()
            } else {
                PathBuf::new()
            };
            list_into(&path, child, kind, entry_inode(&e), part)?;
        }
    } else if rel != OUTPUT_MARK {
        if is_image_path(&rel) {
            part.add_image(ino, rel.clone());
        }
        part.files.push(rel);
    }
    Some(())
}

/// Variants are images: only their inodes are kept from the listing.
fn is_image_path(rel: &str) -> bool {
    [".webp", ".jpg", ".jpeg", ".png", ".gif"]
        .iter()
        .any(|e| rel.ends_with(e))
}

#[cfg(unix)]
fn entry_inode(entry: &std::fs::DirEntry) -> u64 {
    use std::os::unix::fs::DirEntryExt;
    entry.ino()
}

#[cfg(not(unix))]
fn entry_inode(_: &std::fs::DirEntry) -> u64 {
    0
}

/// Move the staged (new and changed) files into `dest`, one rename each, then remove every
/// file and folder of the previous build that this build did not make, and the staging
/// folder.
fn update_in_place(dest: &Path, staging: &Path, made: Made, existing: Existing) -> io::Result<()> {
    let mut staged = made.staged;
    staged.sort_unstable();
    let mut folders: FastSet<PathBuf> = FastSet::default();
    for rel in &staged {
        let target = dest.join(rel);
        if let Some(parent) = target.parent()
            && !folders.contains(parent)
        {
            make_folder(dest, parent)?;
            folders.insert(parent.to_path_buf());
        }
        if target.is_dir() {
            // A folder where the build now makes a file.
            std::fs::remove_dir_all(&target)?;
        }
        std::fs::rename(staging.join(rel), &target)?;
    }
    std::fs::rename(staging.join(OUTPUT_MARK), dest.join(OUTPUT_MARK))?;
    // Folders that hold a file of this build.
    let mut kept_folders: FastSet<&str> = FastSet::default();
    for rel in &made.all {
        let mut at = rel.as_str();
        while let Some((parent, _)) = at.rsplit_once('/') {
            if !kept_folders.insert(parent) {
                break;
            }
            at = parent;
        }
    }
    // A path that is gone, or is now the other kind (a folder where a file was, or the
    // reverse), was already dealt with above.
    let gone_if_there = |r: io::Result<()>| match r {
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound
                    | io::ErrorKind::IsADirectory
                    | io::ErrorKind::NotADirectory
            ) =>
        {
            Ok(())
        }
        other => other,
    };
    existing
        .files
        .par_iter()
        .filter(|rel| !made.all.contains(*rel))
        .try_for_each(|rel| gone_if_there(std::fs::remove_file(dest.join(rel))))?;
    // Deepest first, so each is empty when its turn comes.
    let mut gone_folders: Vec<&String> = existing
        .folders
        .iter()
        .filter(|rel| !kept_folders.contains(rel.as_str()))
        .collect();
    gone_folders.sort_by_key(|rel| std::cmp::Reverse(rel.matches('/').count()));
    for rel in gone_folders {
        gone_if_there(std::fs::remove_dir(dest.join(rel)))?;
    }
    remove_tree(staging)
}

/// Make the folder `dir` inside `dest`, replacing a file that stands where a folder of its
/// path must be.
fn make_folder(dest: &Path, dir: &Path) -> io::Result<()> {
    match std::fs::create_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) => {
            let mut at = dir.to_path_buf();
            while at.starts_with(dest) && at != dest {
                // (The folder holds no symbolic link: see `existing_output`.)
                if at.is_file() {
                    std::fs::remove_file(&at)?;
                    return std::fs::create_dir_all(dir);
                }
                if !at.pop() {
                    break;
                }
            }
            Err(e)
        }
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
        self.write(path, &bytes)
    }

    fn put_bytes(&self, path: &str, bytes: Vec<u8>) -> io::Result<()> {
        self.write(path, &bytes)
    }

    fn put_copy(&self, path: &str, file: &Copied) -> io::Result<()> {
        match file {
            Copied::Bytes(b) => self.write(path, b),
            Copied::Disk(d) => self.link(path, d),
        }
    }

    fn holds(&self, id: (u64, u64), name_end: &str) -> bool {
        self.name_of(id).is_some_and(|n| n.ends_with(name_end))
    }
}

impl Staging {
    /// A file on disk: a hard link to it (a copy where links cannot be made). When the
    /// output already holds that very file (the same inode), nothing is written or read.
    fn link(&self, path: &str, file: &DiskFile) -> io::Result<()> {
        if let Some(existing) = &self.existing {
            let unchanged = match file.id {
                // Known from the listing: no `stat` at all.
                Some((dev, ino)) if dev == existing.dev && ino != 0 => existing.inode_of(path, ino),
                _ => same_inode(&self.dest.join(path), file),
            };
            if !self.record(path, unchanged)? {
                return Ok(());
            }
        }
        let full = self.dir.join(path);
        self.make_parent(&full)?;
        if std::fs::hard_link(&file.path, &full).is_ok() {
            return Ok(());
        }
        match std::fs::copy(&file.path, &full) {
            Ok(_) => Ok(()),
            // The cache lost a file it trusted because the output held it (see
            // `Sink::holds`): that copy is the same file.
            Err(e) => match self.held(file) {
                Some(held) if std::fs::hard_link(&held, &full).is_ok() => Ok(()),
                _ => Err(e),
            },
        }
    }

    /// Where the output holds the file `file` (the same device and inode), if it does.
    fn held(&self, file: &DiskFile) -> Option<PathBuf> {
        Some(self.dest.join(self.name_of(file.id?)?))
    }

    /// A name under which the previous output holds the file with device and inode `id`.
    fn name_of(&self, (dev, ino): (u64, u64)) -> Option<&str> {
        let e = self.existing.as_ref()?;
        let name = e.names.get(&ino).filter(|_| dev == e.dev && ino != 0)?;
        Some(name)
    }

    /// Note `path` as made by this build (updating the output in place); whether it must be
    /// staged (it is not `unchanged`).
    fn record(&self, path: &str, unchanged: bool) -> io::Result<bool> {
        let mut made = lock(&self.made)?;
        made.all.insert(path.to_string());
        if !unchanged {
            made.staged.push(path.to_string());
        }
        Ok(!unchanged)
    }

    fn make_parent(&self, full: &Path) -> io::Result<()> {
        if let Some(parent) = full.parent() {
            // Each page is a folder of its own: remember the folders made, rather than
            // asking the file system again for every file.
            let known = lock(&self.folders)?.contains(parent);
            if !known {
                std::fs::create_dir_all(parent)?;
                if let Ok(mut folders) = self.folders.lock() {
                    folders.insert(parent.to_path_buf());
                }
            }
        }
        Ok(())
    }

    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        if self.existing.is_some() {
            let unchanged = same_file(&self.dest.join(path), bytes);
            if !self.record(path, unchanged)? {
                return Ok(());
            }
        }
        let full = self.dir.join(path);
        self.make_parent(&full)?;
        std::fs::write(full, bytes)
    }
}

/// Remove a folder and everything in it. A built site has tens of thousands of files and
/// folders, so they are removed in parallel, the deepest folders first.
fn remove_tree(dir: &Path) -> io::Result<()> {
    let mut files = Vec::new();
    let mut folders: Vec<Vec<PathBuf>> = Vec::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.map_err(io::Error::other)?;
        // Symbolic links are removed, never followed.
        if entry.file_type().is_dir() {
            if folders.len() <= entry.depth() {
                folders.resize_with(entry.depth() + 1, Vec::new);
            }
            folders[entry.depth()].push(entry.into_path());
        } else {
            files.push(entry.into_path());
        }
    }
    files.par_iter().try_for_each(std::fs::remove_file)?;
    for level in folders.iter().rev() {
        level.par_iter().try_for_each(std::fs::remove_dir)?;
    }
    Ok(())
}

/// Remove staging and old-output folders left beside `dest` by runs that were killed (their
/// process no longer exists).
pub fn remove_stale_staging(dest: &Path) {
    let parent = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Some(name) = dest.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(&parent) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let pid = file
            .strip_prefix(&format!(".{name}.staging-"))
            .or_else(|| file.strip_prefix(&format!(".{name}.old-")))
            .and_then(|p| p.parse::<u32>().ok());
        if let Some(pid) = pid {
            // Only where we can tell that the process is gone (Linux /proc).
            let dead =
                Path::new("/proc/self").exists() && !Path::new(&format!("/proc/{pid}")).exists();
            if dead {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
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
    fn an_output_set_counts_its_files() {
        let mut set = OutputSet::default();
        assert!(set.is_empty());
        assert_eq!(set.len(), 0);
        set.insert("a.html".into(), Arc::from(&b"a"[..]));
        set.insert("b.html".into(), Arc::from(&b"b"[..]));
        assert!(!set.is_empty());
        assert_eq!(set.len(), 2);
        set.remove("a.html");
        assert_eq!(set.len(), 1);
    }

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
    fn folders_with_other_files_are_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("www");
        std::fs::create_dir(&dest).unwrap();
        std::fs::write(dest.join("precious.txt"), "keep").unwrap();
        assert!(Staging::new(&dest).is_err());
        assert_eq!(std::fs::read(dest.join("precious.txt")).unwrap(), b"keep");
        // An empty folder, or one pufa wrote, is fine.
        std::fs::remove_file(dest.join("precious.txt")).unwrap();
        let mut a = OutputSet::default();
        a.insert("index.html".into(), Arc::from(&b"x"[..]));
        write_output(&a, &dest).unwrap();
        assert!(dest.join(OUTPUT_MARK).is_file());
        write_output(&a, &dest).unwrap();
    }

    #[test]
    fn dropped_staging_leaves_the_output_alone() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("public");
        std::fs::create_dir(&dest).unwrap();
        std::fs::write(dest.join("keep.html"), "keep").unwrap();
        std::fs::write(dest.join(OUTPUT_MARK), "").unwrap();
        {
            let s = Staging::new(&dest).unwrap();
            s.put("index.html", Arc::from(&b"x"[..])).unwrap();
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        assert_eq!(std::fs::read(dest.join("keep.html")).unwrap(), b"keep");
    }

    fn build(dest: &Path, files: &[(&str, &str)]) {
        let staging = Staging::new(dest).unwrap();
        for (p, text) in files {
            staging.put(p, Arc::from(text.as_bytes())).unwrap();
        }
        staging.commit().unwrap();
    }

    /// A file on disk as the image cache hands it over.
    fn disk(path: &Path) -> Copied {
        let m = std::fs::metadata(path).unwrap();
        Copied::Disk(Arc::new(DiskFile {
            path: path.to_path_buf(),
            len: m.len(),
            id: Some(file_id(&m)),
        }))
    }

    #[test]
    #[cfg(unix)]
    fn a_linked_file_is_held_and_serves_when_the_cache_lost_it() {
        let dir = tempfile::tempdir().unwrap();
        let (cache, dest) = (dir.path().join("cache"), dir.path().join("public"));
        std::fs::create_dir_all(&cache).unwrap();
        let source = cache.join("a-800.webp");
        std::fs::write(&source, "variant a").unwrap();
        let file = disk(&source);
        let Copied::Disk(d) = &file else {
            unreachable!()
        };
        let id = d.id.unwrap();
        let staging = Staging::new(&dest).unwrap();
        assert!(!staging.holds(id, "-800.webp"), "nothing built yet");
        staging.put_copy("p/photo-800.webp", &file).unwrap();
        staging.commit().unwrap();
        let staging = Staging::new(&dest).unwrap();
        assert!(staging.holds(id, "-800.webp"));
        assert!(!staging.holds(id, "-1200.webp"), "another variant's name");
        assert!(
            !staging.holds((id.0, id.1 + 1), "-800.webp"),
            "another file"
        );
        assert!(
            !staging.holds((id.0 + 1, id.1), "-800.webp"),
            "another device"
        );
        // The cache lost the file it trusted; the page moved: the published copy serves.
        std::fs::remove_file(&source).unwrap();
        staging.put_copy("q/photo-800.webp", &file).unwrap();
        staging.commit().unwrap();
        assert_eq!(
            std::fs::read_to_string(dest.join("q/photo-800.webp")).unwrap(),
            "variant a"
        );
        assert!(!dest.join("p/photo-800.webp").exists());
    }

    #[test]
    #[cfg(unix)]
    fn files_on_disk_are_linked_and_a_linked_one_is_left_alone() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let (cache, dest) = (dir.path().join("cache"), dir.path().join("public"));
        std::fs::create_dir_all(&cache).unwrap();
        std::fs::write(cache.join("a-800.webp"), "variant a").unwrap();
        std::fs::write(cache.join("b-800.webp"), "variant b").unwrap();
        let put = |file: &str| {
            let staging = Staging::new(&dest).unwrap();
            staging
                .put("index.html", Arc::from(&b"<p>page</p>"[..]))
                .unwrap();
            staging
                .put_copy("p/photo-800.webp", &disk(&cache.join(file)))
                .unwrap();
            staging.commit().unwrap();
        };
        let ino = |p: &Path| std::fs::metadata(p).unwrap().ino();
        put("a-800.webp");
        let published = dest.join("p/photo-800.webp");
        assert_eq!(
            ino(&published),
            ino(&cache.join("a-800.webp")),
            "a hard link"
        );
        let changed = std::fs::metadata(&published).unwrap().ctime_nsec();
        std::thread::sleep(std::time::Duration::from_millis(20));
        put("a-800.webp");
        assert_eq!(ino(&published), ino(&cache.join("a-800.webp")));
        assert_eq!(
            std::fs::metadata(&published).unwrap().ctime_nsec(),
            changed,
            "left alone"
        );
        put("b-800.webp");
        assert_eq!(std::fs::read_to_string(&published).unwrap(), "variant b");
        assert_eq!(
            std::fs::read_to_string(cache.join("a-800.webp")).unwrap(),
            "variant a"
        );
    }

    /// `path` relative to `root`, `/`-separated.
    fn relative(root: &Path, path: &Path) -> String {
        path.strip_prefix(root)
            .unwrap_or(path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/")
    }

    fn tree(dir: &Path) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .map(|e| e.unwrap())
            .map(|e| {
                let rel = relative(dir, e.path());
                let text = if e.file_type().is_dir() {
                    "/".to_string()
                } else {
                    std::fs::read_to_string(e.path()).unwrap()
                };
                (rel, text)
            })
            .filter(|(rel, _)| rel != OUTPUT_MARK)
            .collect();
        out.sort();
        out
    }

    #[test]
    fn a_rebuild_updates_only_what_changed() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("public");
        build(
            &dest,
            &[
                ("index.html", "home"),
                ("a/index.html", "a"),
                ("b/index.html", "b"),
                ("b/old/index.html", "old"),
                ("c", "c is a file"),
                ("d/index.html", "d is a folder"),
            ],
        );
        let inode = |p: &str| std::fs::metadata(dest.join(p)).unwrap().ino();
        let (home, a) = (inode("index.html"), inode("a/index.html"));
        // By hand: a page edited, a file added. A build replaces the folder as a whole.
        std::fs::write(dest.join("b/index.html"), "edited").unwrap();
        std::fs::write(dest.join("notes.txt"), "mine").unwrap();
        build(
            &dest,
            &[
                ("index.html", "home"),
                ("a/index.html", "a2"),
                ("b/index.html", "b"),
                ("c/index.html", "c is a folder"),
                ("d", "d is a file"),
                ("e/new/index.html", "new"),
            ],
        );
        assert_eq!(
            tree(&dest),
            [
                ("a", "/"),
                ("a/index.html", "a2"),
                ("b", "/"),
                ("b/index.html", "b"),
                ("c", "/"),
                ("c/index.html", "c is a folder"),
                ("d", "d is a file"),
                ("e", "/"),
                ("e/new", "/"),
                ("e/new/index.html", "new"),
                ("index.html", "home"),
            ]
            .map(|(a, b)| (a.to_string(), b.to_string()))
        );
        // The unchanged file was not written again; the changed one was replaced.
        assert_eq!(inode("index.html"), home);
        assert_ne!(inode("a/index.html"), a);
        assert!(dest.join(OUTPUT_MARK).is_file());
        // Nothing is left beside the output folder.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        // Built again with a page gone: its folder goes, the folders above pages that stay
        // (`e/` above `e/new/`) stay.
        let before = tree(&dest);
        build(
            &dest,
            &[
                ("index.html", "home"),
                ("b/index.html", "b"),
                ("c/index.html", "c is a folder"),
                ("d", "d is a file"),
                ("e/new/index.html", "new"),
            ],
        );
        let without_a: Vec<(String, String)> = before
            .into_iter()
            .filter(|(p, _)| p != "a" && !p.starts_with("a/"))
            .collect();
        assert_eq!(tree(&dest), without_a);
    }

    #[test]
    fn staging_folders_of_killed_runs_are_removed_and_no_others() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("public");
        // No process has a number above the kernel's largest (2^22).
        let dead = 4_194_305;
        let made = |name: String| {
            let p = dir.path().join(name);
            std::fs::create_dir_all(p.join("articles")).unwrap();
            std::fs::write(p.join("articles/index.html"), "x").unwrap();
            p
        };
        let stale = made(format!(".public.staging-{dead}"));
        let old = made(format!(".public.old-{dead}"));
        let running = made(format!(".public.staging-{}", std::process::id()));
        let other_site = made(format!(".www.staging-{dead}"));
        let not_ours = made(".public.staging-notes".to_string());
        remove_stale_staging(&dest);
        assert!(!stale.exists() && !old.exists(), "left by a killed run");
        assert!(running.exists(), "a run still going");
        assert!(
            other_site.exists() && not_ours.exists(),
            "not this output's"
        );
    }

    #[test]
    fn a_fifo_where_a_file_goes_is_replaced_without_waiting_on_it() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("public");
        // An empty file, so that the FIFO standing in its place has the same size (0).
        build(&dest, &[("index.html", "home"), ("empty.txt", "")]);
        std::fs::remove_file(dest.join("empty.txt")).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(dest.join("empty.txt"))
            .status()
            .unwrap();
        assert!(made.success());
        let (tx, rx) = std::sync::mpsc::channel();
        let d = dest.clone();
        std::thread::spawn(move || {
            build(&d, &[("index.html", "home"), ("empty.txt", "")]);
            let _ = tx.send(());
        });
        rx.recv_timeout(std::time::Duration::from_secs(20))
            .expect("timed out after 20 s waiting for a build over a FIFO (it opened the FIFO?)");
        assert!(std::fs::metadata(dest.join("empty.txt")).unwrap().is_file());
    }

    #[test]
    fn a_failed_rebuild_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("public");
        build(&dest, &[("index.html", "home"), ("a/index.html", "a")]);
        let before = tree(&dest);
        {
            let staging = Staging::new(&dest).unwrap();
            staging.put("index.html", Arc::from(&b"new"[..])).unwrap();
            staging.put("b/index.html", Arc::from(&b"b"[..])).unwrap();
            // Dropped without commit: the build had errors.
        }
        assert_eq!(tree(&dest), before);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn symbolic_links_in_the_output_are_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("public");
        let outside = dir.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        std::fs::write(outside.join("keep.txt"), "keep").unwrap();
        build(&dest, &[("index.html", "home"), ("a/index.html", "a")]);
        std::os::unix::fs::symlink(&outside, dest.join("uploads")).unwrap();
        std::os::unix::fs::symlink(&outside, dest.join("a/more")).unwrap();
        build(&dest, &[("index.html", "home"), ("a/index.html", "a2")]);
        // The links are gone from the output; what they pointed to is untouched.
        assert_eq!(
            tree(&dest),
            [("a", "/"), ("a/index.html", "a2"), ("index.html", "home")]
                .map(|(a, b)| (a.to_string(), b.to_string()))
        );
        assert_eq!(std::fs::read(outside.join("keep.txt")).unwrap(), b"keep");
    }
}
