//! Images, the on-disk cache (`.pufa-cache/images/` in the site; git-ignored): the only
//! part of image work that touches the disk. A manifest (`manifest.json`) remembers, per
//! source file, its size, modification time and content hash — so an unchanged photo is
//! not even read again — and, per content hash and settings, the variants made, each with
//! its size and modification time, checked with one `stat` each: a variant that was
//! changed, truncated or removed is made again with the rest of its image. A manifest that
//! cannot be read counts as empty. Variants are written to a temporary name and renamed,
//! so a killed build never leaves half a file under a real name.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use super::metadata;
use super::process::{self, Made};
use super::sniff::{Kind, sniff};
use super::{ImageInfo, ImageSettings, Problem, Variant};
use crate::output::DiskFile;

/// Where the cache lives, relative to the site root.
pub const CACHE_DIR: &str = ".pufa-cache/images";
const MANIFEST: &str = "manifest.json";
const MANIFEST_VERSION: u32 = 2;

/// A file's size, modification time and identity (device and inode), as `stat` gives
/// them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Stamp {
    pub len: u64,
    pub mtime_ns: u64,
    pub id: (u64, u64),
}

impl Stamp {
    pub fn of(path: &Path) -> std::io::Result<Stamp> {
        let m = std::fs::metadata(path)?;
        let mtime_ns = m
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as u64);
        Ok(Stamp {
            len: m.len(),
            mtime_ns,
            id: crate::output::file_id(&m),
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Source {
    stamp: Stamp,
    hash: String,
    kind: Kind,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    info: ImageInfo,
    /// Cache file and its stamp, per variant (same order as `info.variants`).
    files: Vec<(String, Stamp)>,
    /// The original with its metadata removed (when the settings publish originals).
    original: Option<(String, Stamp)>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    version: u32,
    settings: u64,
    sources: BTreeMap<String, Source>,
    entries: BTreeMap<String, Entry>,
}

/// A processed image: what the link step needs and where its files are.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ready {
    pub info: ImageInfo,
    pub kind: Kind,
    /// Absolute path of each variant's cache file (same order as `info.variants`).
    pub files: Vec<DiskFile>,
    /// The original with its metadata removed.
    pub original: Option<DiskFile>,
    /// Size of the source file.
    pub source_len: u64,
}

/// What the cache has of a source file.
pub enum Lookup {
    Hit(Ready),
    /// Not processed yet: the file's bytes (to process, or to show as they are).
    Miss(Missing),
}

/// A source file the cache does not have: its bytes and what they are (the fingerprint is
/// always of these very bytes, so a file replaced meanwhile cannot be filed under another
/// version's fingerprint).
pub struct Missing {
    pub bytes: Vec<u8>,
    source: Source,
}

/// The cache of one site.
pub struct ImageCache {
    dir: PathBuf,
    manifest: Mutex<Manifest>,
    changed: Mutex<bool>,
    /// Sources (by content hash) that could not be processed, and why: not tried again
    /// while the cache is open.
    failed: Mutex<BTreeMap<String, Problem>>,
    /// Replaced by a cache for other settings: writes its manifest no more.
    retired: std::sync::atomic::AtomicBool,
}

impl ImageCache {
    /// Open the cache of the site at `root` for `settings` (a change of settings empties it).
    pub fn open(root: &Path, settings: &ImageSettings) -> ImageCache {
        let dir = root.join(CACHE_DIR);
        let fp = settings.fingerprint();
        let manifest = std::fs::read(dir.join(MANIFEST))
            .ok()
            .and_then(|b| serde_json::from_slice::<Manifest>(&b).ok())
            .filter(|m| m.version == MANIFEST_VERSION && m.settings == fp)
            .unwrap_or(Manifest {
                version: MANIFEST_VERSION,
                settings: fp,
                ..Default::default()
            });
        ImageCache {
            dir,
            manifest: Mutex::new(manifest),
            changed: Mutex::new(false),
            failed: Mutex::new(BTreeMap::new()),
            retired: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Look the source file `rel` up: its processed image when the cache has all of it
    /// intact, else its bytes (read once, for processing or for showing as it is).
    pub fn lookup(
        &self,
        root: &Path,
        rel: &str,
        settings: &ImageSettings,
    ) -> Result<Lookup, Problem> {
        let path = root.join(rel);
        let io = |e: std::io::Error| Problem::Io(e.to_string());
        let stamp = Stamp::of(&path).map_err(io)?;
        let known = self.lock().sources.get(rel).cloned();
        let mut bytes = None;
        let source = match known.filter(|s| s.stamp == stamp) {
            Some(s) => s,
            None => {
                let b = std::fs::read(&path).map_err(io)?;
                let s = Source {
                    stamp,
                    hash: content_hash(&b),
                    kind: sniff(&b),
                };
                bytes = Some(b);
                self.lock().sources.insert(rel.to_string(), s.clone());
                self.mark();
                s
            }
        };
        if !source.kind.is_processed() {
            return Err(Problem::Unsupported(source.kind));
        }
        if let Some(p) = self.lock_failed().get(&source.hash) {
            return Err(p.clone());
        }
        if let Some(ready) = self.cached(&source, settings) {
            return Ok(Lookup::Hit(ready));
        }
        let (bytes, source) = match bytes {
            Some(b) => (b, source),
            None => {
                // Read again: fingerprint what was read, not what was known.
                let b = std::fs::read(&path).map_err(io)?;
                let s = Source {
                    hash: content_hash(&b),
                    kind: sniff(&b),
                    ..source
                };
                (b, s)
            }
        };
        Ok(Lookup::Miss(Missing { bytes, source }))
    }

    /// The processed image for the source file `rel`: from the cache when its variants are
    /// there and intact, else made now.
    pub fn get(&self, root: &Path, rel: &str, settings: &ImageSettings) -> Result<Ready, Problem> {
        match self.lookup(root, rel, settings)? {
            Lookup::Hit(ready) => Ok(ready),
            Lookup::Miss(missing) => self.make_missing(&missing, settings),
        }
    }

    /// Process a file [`ImageCache::lookup`] found missing. A failure is kept for the life
    /// of the cache (a session): that file is not tried again until it changes, so a
    /// folder that cannot be written never makes `serve` process a photo over and over.
    pub fn make_missing(
        &self,
        missing: &Missing,
        settings: &ImageSettings,
    ) -> Result<Ready, Problem> {
        let source = &missing.source;
        if !source.kind.is_processed() {
            return Err(Problem::Unsupported(source.kind));
        }
        let made = self.make(&missing.bytes, source, source.stamp.len, settings);
        if let Err(p) = &made {
            self.lock_failed().insert(source.hash.clone(), p.clone());
        }
        made
    }

    /// This cache was replaced (the settings changed): its manifest is not saved again.
    pub fn retire(&self) {
        self.retired
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn is_retired(&self) -> bool {
        self.retired.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn lock_failed(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Problem>> {
        self.failed.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Manifest> {
        self.manifest.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn mark(&self) {
        *self.changed.lock().unwrap_or_else(|e| e.into_inner()) = true;
    }

    /// The entry of `source` if every file of it is as it was written.
    fn cached(&self, source: &Source, settings: &ImageSettings) -> Option<Ready> {
        let entry = self.lock().entries.get(&source.hash).cloned()?;
        let intact = |(f, s): &(String, Stamp)| Stamp::of(&self.dir.join(f)).ok() == Some(*s);
        if !entry.files.iter().all(intact)
            || settings.publish_originals != entry.original.is_some()
            || !entry.original.iter().all(intact)
        {
            return None;
        }
        Some(Ready {
            files: entry.files.iter().map(|f| self.disk_file(f)).collect(),
            original: entry.original.as_ref().map(|f| self.disk_file(f)),
            info: entry.info,
            kind: source.kind,
            source_len: source.stamp.len,
        })
    }

    fn make(
        &self,
        bytes: &[u8],
        source: &Source,
        source_len: u64,
        settings: &ImageSettings,
    ) -> Result<Ready, Problem> {
        let Made {
            width,
            height,
            variants,
        } = process::process(bytes, source.kind, settings)?;
        let io = |e: std::io::Error| Problem::Io(e.to_string());
        std::fs::create_dir_all(&self.dir).map_err(io)?;
        let mut files = Vec::new();
        let mut infos = Vec::new();
        for (v, data) in &variants {
            let name = format!("{}-{}.{}", source.hash, v.width, v.format.ext());
            files.push((name.clone(), self.write(&name, data).map_err(io)?));
            infos.push(v.clone());
        }
        let original = match settings.publish_originals {
            true => {
                let stripped = metadata::strip(bytes)
                    .ok_or_else(|| Problem::Corrupt("文件结构不完整".into()))?;
                let name = format!(
                    "{}-original.{}",
                    source.hash,
                    source.kind.name().to_lowercase()
                );
                Some((name.clone(), self.write(&name, &stripped).map_err(io)?))
            }
            false => None,
        };
        let info = ImageInfo {
            hash: source.hash.clone(),
            width,
            height,
            variants: infos,
        };
        let entry = Entry {
            info: info.clone(),
            files: files.clone(),
            original: original.clone(),
        };
        self.lock().entries.insert(source.hash.clone(), entry);
        self.mark();
        Ok(Ready {
            info,
            kind: source.kind,
            files: files.iter().map(|f| self.disk_file(f)).collect(),
            original: original.as_ref().map(|f| self.disk_file(f)),
            source_len,
        })
    }

    fn disk_file(&self, (name, stamp): &(String, Stamp)) -> DiskFile {
        DiskFile {
            path: self.dir.join(name),
            len: stamp.len,
            id: Some(stamp.id),
        }
    }

    fn write(&self, name: &str, data: &[u8]) -> std::io::Result<Stamp> {
        let tmp = self.dir.join(format!(".{name}.{}.tmp", unique()));
        let path = self.dir.join(name);
        std::fs::write(&tmp, data)?;
        std::fs::rename(&tmp, &path)?;
        Stamp::of(&path)
    }

    /// Write the manifest if anything changed, forgetting sources not in `keep` and
    /// entries no source uses (their files are removed).
    pub fn save(&self, keep: &dyn Fn(&str) -> bool) -> std::io::Result<()> {
        if self.is_retired() {
            return Ok(());
        }
        let mut changed = *self.changed.lock().unwrap_or_else(|e| e.into_inner());
        let mut m = self.lock();
        let before = m.sources.len();
        m.sources.retain(|rel, _| keep(rel));
        changed |= m.sources.len() != before;
        let used: std::collections::BTreeSet<String> =
            m.sources.values().map(|s| s.hash.clone()).collect();
        let gone: Vec<String> = m
            .entries
            .keys()
            .filter(|k| !used.contains(*k))
            .cloned()
            .collect();
        for k in gone {
            if let Some(e) = m.entries.remove(&k) {
                for (f, _) in e.files.iter().chain(e.original.iter()) {
                    let _ = std::fs::remove_file(self.dir.join(f));
                }
            }
            changed = true;
        }
        if !changed {
            return Ok(());
        }
        std::fs::create_dir_all(&self.dir)?;
        let text = serde_json::to_vec(&*m).map_err(std::io::Error::other)?;
        let tmp = self.dir.join(format!(".{MANIFEST}.{}.tmp", unique()));
        std::fs::write(&tmp, text)?;
        std::fs::rename(tmp, self.dir.join(MANIFEST))?;
        *self.changed.lock().unwrap_or_else(|e| e.into_inner()) = false;
        Ok(())
    }
}

/// A name part no other writer (process or thread) uses at the same time.
fn unique() -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{}-{n}", std::process::id())
}

/// A 128-bit fingerprint of a file's bytes (two independent 64-bit passes), as hex.
fn content_hash(bytes: &[u8]) -> String {
    use std::hash::Hasher;
    let mut a = crate::fingerprint::Fx::default();
    a.write(bytes);
    let mut b = crate::fingerprint::Fx::default();
    b.write_u64(0x9e37_79b9_7f4a_7c15 ^ bytes.len() as u64);
    for chunk in bytes.rchunks(4096) {
        b.write(chunk);
    }
    format!("{:016x}{:016x}", a.finish(), b.finish())
}

impl Ready {
    /// The variants with their cache files.
    pub fn files(&self) -> impl Iterator<Item = (&Variant, &DiskFile)> {
        self.info.variants.iter().zip(&self.files)
    }
}
