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
use std::sync::{Arc, Mutex};
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
const MANIFEST_VERSION: u32 = 3;

/// A file's size, modification time and identity (device and inode), as `stat` gives
/// them. Written as a list of four numbers (the manifest holds one per variant, and is
/// read by every build).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "(u64, u64, u64, u64)", into = "(u64, u64, u64, u64)")]
pub struct Stamp {
    pub len: u64,
    pub mtime_ns: u64,
    pub id: (u64, u64),
}

impl From<(u64, u64, u64, u64)> for Stamp {
    fn from((len, mtime_ns, dev, ino): (u64, u64, u64, u64)) -> Stamp {
        Stamp {
            len,
            mtime_ns,
            id: (dev, ino),
        }
    }
}

impl From<Stamp> for (u64, u64, u64, u64) {
    fn from(s: Stamp) -> Self {
        (s.len, s.mtime_ns, s.id.0, s.id.1)
    }
}

impl Stamp {
    pub fn of(path: &Path) -> std::io::Result<Stamp> {
        Ok(Stamp::from_metadata(&std::fs::metadata(path)?))
    }

    pub fn from_metadata(m: &std::fs::Metadata) -> Stamp {
        let mtime_ns = m
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as u64);
        Stamp {
            len: m.len(),
            mtime_ns,
            id: crate::output::file_id(m),
        }
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
    /// The format of the source (its bytes are those of every source with this hash).
    kind: Kind,
    /// The stamp of each variant's cache file (same order as `info.variants`; named by
    /// [`variant_name`]).
    files: Vec<Stamp>,
    /// The original with its metadata removed (when the settings publish originals; named
    /// by [`original_name`]).
    original: Option<Stamp>,
}

/// The cache file of variant `v` of the image with content hash `hash`.
fn variant_name(hash: &str, v: &Variant) -> String {
    format!("{hash}-{}.{}", v.width, v.format.ext())
}

/// The cache file of the original of kind `kind` with content hash `hash`.
fn original_name(hash: &str, kind: Kind) -> String {
    format!("{hash}-original.{}", kind.name().to_lowercase())
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
    pub files: Vec<Arc<DiskFile>>,
    /// The original with its metadata removed.
    pub original: Option<Arc<DiskFile>>,
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

/// What the caller already knows, sparing `stat` calls on a warm build.
#[derive(Clone, Copy, Default)]
pub struct Hints<'a> {
    /// The source file's stamp, taken when the read step listed it.
    pub stamp: Option<Stamp>,
    /// Does the output already hold this very file (device and inode) under a name ending
    /// so? Such a variant is trusted as the manifest has it: this build links nothing new
    /// from it (see [`ImageCache::cached`]).
    pub published: Option<&'a Published<'a>>,
}

/// See [`Hints::published`].
pub type Published<'a> = dyn Fn((u64, u64), &str) -> bool + Sync + 'a;

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
        hints: Hints<'_>,
    ) -> Result<Lookup, Problem> {
        let path = root.join(rel);
        let io = |e: std::io::Error| Problem::Io(e.to_string());
        let stamp = match hints.stamp {
            Some(s) => s,
            None => Stamp::of(&path).map_err(io)?,
        };
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
        if let Some(ready) = self.cached(&source, settings, hints.published) {
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
    pub fn get(
        &self,
        root: &Path,
        rel: &str,
        settings: &ImageSettings,
        hints: Hints<'_>,
    ) -> Result<Ready, Problem> {
        match self.lookup(root, rel, settings, hints)? {
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

    /// The entry of `source` if every file of it is as it was written: checked with a
    /// `stat` each, but for a variant the output already holds as that very file
    /// (`published`), which this build will not link again. The manifest is trusted there,
    /// as the figures ask (a warm rebuild of a hundred photos would otherwise `stat` a
    /// thousand files): a published variant edited in place, which is also the cache's
    /// file, is noticed once the output folder is removed.
    fn cached(
        &self,
        source: &Source,
        settings: &ImageSettings,
        published: Option<&Published<'_>>,
    ) -> Option<Ready> {
        let entry = self.lock().entries.get(&source.hash).cloned()?;
        let intact = |name: String, s: &Stamp| Stamp::of(&self.dir.join(name)).ok() == Some(*s);
        let mut end = String::new();
        let variant_intact = |(v, stamp): (&Variant, &Stamp)| {
            let linked = published.is_some_and(|p| {
                end.clear();
                entry.info.name_end(v, &mut end);
                p(stamp.id, &end)
            });
            linked || intact(variant_name(&source.hash, v), stamp)
        };
        let original = entry
            .original
            .map(|s| (original_name(&source.hash, source.kind), s));
        if entry.files.len() != entry.info.variants.len()
            || !entry
                .info
                .variants
                .iter()
                .zip(&entry.files)
                .all(variant_intact)
            || settings.publish_originals != original.is_some()
            || !original.iter().all(|(n, s)| intact(n.clone(), s))
        {
            return None;
        }
        Some(Ready {
            files: (entry.info.variants.iter().zip(&entry.files))
                .map(|(v, s)| self.disk_file(&variant_name(&source.hash, v), s))
                .collect(),
            original: original.as_ref().map(|(n, s)| self.disk_file(n, s)),
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
        let mut disk = Vec::new();
        for (v, data) in &variants {
            let name = variant_name(&source.hash, v);
            let stamp = self.write(&name, data).map_err(io)?;
            files.push(stamp);
            disk.push(self.disk_file(&name, &stamp));
            infos.push(v.clone());
        }
        let original = match settings.publish_originals {
            true => {
                let stripped = metadata::strip(bytes)
                    .ok_or_else(|| Problem::Corrupt("文件结构不完整".into()))?;
                let name = original_name(&source.hash, source.kind);
                let stamp = self.write(&name, &stripped).map_err(io)?;
                Some((stamp, self.disk_file(&name, &stamp)))
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
            kind: source.kind,
            files,
            original: original.as_ref().map(|(s, _)| *s),
        };
        self.lock().entries.insert(source.hash.clone(), entry);
        self.mark();
        Ok(Ready {
            info,
            kind: source.kind,
            files: disk,
            original: original.map(|(_, d)| d),
            source_len,
        })
    }

    fn disk_file(&self, name: &str, stamp: &Stamp) -> Arc<DiskFile> {
        Arc::new(DiskFile {
            path: self.dir.join(name),
            len: stamp.len,
            id: Some(stamp.id),
        })
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
                let names = e.info.variants.iter().map(|v| variant_name(&k, v));
                let original = e.original.map(|_| original_name(&k, e.kind));
                for name in names.chain(original) {
                    let _ = std::fs::remove_file(self.dir.join(name));
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
    pub fn files(&self) -> impl Iterator<Item = (&Variant, &Arc<DiskFile>)> {
        self.info.variants.iter().zip(&self.files)
    }
}
