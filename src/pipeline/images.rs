//! The pipeline's image step, between parsing and linking: each content image that
//! changed is taken from the image cache or processed (in parallel), and becomes the
//! [`AssetData`] the link step places; other content files pass as their bytes. Problems
//! are kept per image. `static/` images are published as they are, so one that carries
//! GPS coordinates gets a warning.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use super::Memo;
use super::diags::Origin;
use crate::content::source::{BinaryFile, SiteSources};
use crate::diag::Diagnostic;
use crate::images::cache::{Hints, ImageCache, Lookup, Published};
use crate::images::sniff::{self, Kind};
use crate::images::{ImageSettings, metadata, process};
use crate::site::AssetData;

/// Tells `serve` that an image processed in the background is ready: the absolute path of
/// its source file (treated as a change of that file).
pub type ImageDone = Arc<dyn Fn(PathBuf) + Send + Sync>;

/// The image cache of a session, with the settings it was opened for.
pub(super) struct Images {
    fp: u64,
    cache: Arc<ImageCache>,
    /// Images being processed in the background.
    pending: Arc<Mutex<BTreeSet<String>>>,
}

impl Images {
    pub(super) fn fp(&self) -> u64 {
        self.fp
    }
}

/// The image cache being opened for settings with a fingerprint (see [`open_early`]).
pub(super) type Opening = (u64, std::thread::JoinHandle<ImageCache>);

/// Start opening the image cache for `settings` on a thread of its own, when the next
/// image step will need a cache it does not have: reading and parsing the manifest (a
/// few hundred kilobytes for a few hundred photos) then overlaps reading the theme, the
/// laws and the pages, which leave a core idle part of the time.
pub(super) fn open_early(memo: &mut Memo, sources: &SiteSources, settings: &ImageSettings) {
    let fp = settings.fingerprint();
    let have = memo.images.as_ref().is_some_and(|i| i.fp == fp);
    if have || memo.opening.as_ref().is_some_and(|(f, _)| *f == fp) {
        return;
    }
    let (root, settings) = (sources.root.clone(), settings.clone());
    let thread = std::thread::Builder::new()
        .name("image-cache".into())
        .spawn(move || ImageCache::open(&root, &settings));
    // Without a thread the image step opens it itself.
    memo.opening = thread.ok().map(|t| (fp, t));
}

/// Make sure `memo` has the image cache for `settings` (the one [`open_early`] started,
/// when it did), retiring a cache for other settings.
fn open(memo: &mut Memo, sources: &SiteSources, settings: &ImageSettings) {
    let fp = settings.fingerprint();
    if memo.images.as_ref().is_some_and(|i| i.fp == fp) {
        // (A cache opened early for other settings, which did not get this far, would
        // hold its manifest as it was then: not kept.)
        memo.opening = None;
        return;
    }
    if let Some(old) = memo.images.take() {
        old.cache.retire();
    }
    let opened = match memo.opening.take() {
        Some((f, thread)) if f == fp => thread.join().ok(),
        _ => None,
    };
    let opened = opened.unwrap_or_else(|| ImageCache::open(&sources.root, settings));
    let cache = Arc::new(opened);
    let pending = Arc::default();
    memo.images = Some(Images { fp, cache, pending });
}

/// Turn the changed content files into what the link step gets, processing images. With
/// `background` (serve), an image not in the cache is shown as it is — its bytes from
/// memory, never written anywhere — while a thread of its own processes it and then
/// reports it done, so no text edit waits for image work.
pub(super) fn prepare(
    memo: &mut Memo,
    sources: &SiteSources,
    settings: &ImageSettings,
    changed: Vec<(String, Option<BinaryFile>)>,
    published: &Published<'_>,
) -> Vec<(String, Option<AssetData>)> {
    let mut clock = crate::timings::Phase::start();
    open(memo, sources, settings);
    clock.done("    image cache");
    let Some(images) = memo.images.as_ref() else {
        return Vec::new();
    };
    let background = memo.background.clone();
    let root = &sources.root;
    let count = changed
        .iter()
        .filter(|(_, f)| f.as_ref().is_some_and(|f| f.on_disk.is_some()))
        .count();
    let progress = crate::progress::Phase::start("处理图片", count);
    type Done = ((String, Option<AssetData>), Vec<Diagnostic>, bool);
    let done: Vec<Done> = changed
        .into_par_iter()
        .map(|(rel, file)| match file {
            None => ((rel, None), Vec::new(), false),
            Some(BinaryFile {
                on_disk: None,
                bytes,
                ..
            }) => ((rel, Some(AssetData::Bytes(bytes))), Vec::new(), false),
            Some(BinaryFile { on_disk: stamp, .. }) => {
                let hints = Hints {
                    stamp,
                    published: Some(published),
                };
                let (data, diags, queued) = match &background {
                    Some(_) => shown_now(images, root, &rel, settings, hints),
                    None => {
                        let (data, diags) = one(&images.cache, root, &rel, settings, hints);
                        (data, diags, false)
                    }
                };
                progress.inc(1);
                ((rel, Some(data)), diags, queued)
            }
        })
        .collect();
    let mut out = Vec::with_capacity(done.len());
    let mut queue = Vec::new();
    for ((rel, data), diags, queued) in done {
        memo.diags.set(Origin::Image(rel.clone()), diags);
        if queued {
            queue.push(rel.clone());
        }
        out.push((rel, data));
    }
    if let Some(done) = background.filter(|_| !queue.is_empty()) {
        process_later(images, root, settings, queue, done);
    }
    let keep = |rel: &str| sources.asset_file(rel).is_some_and(|f| f.on_disk.is_some());
    if let Err(e) = images.cache.save(&keep) {
        let d = Diagnostic::warning(format!("图片缓存没有保存：{e}"))
            .in_file(crate::images::cache::CACHE_DIR)
            .with_hint("下次生成时会重新处理这些图片。检查磁盘空间和文件夹权限。");
        memo.diags.set(Origin::Image(String::new()), vec![d]);
    }
    out
}

/// One content image in the background mode: from the cache, or as it is for now (and
/// queued, unless it already is: `true` when queued).
fn shown_now(
    images: &Images,
    root: &Path,
    rel: &str,
    settings: &ImageSettings,
    hints: Hints<'_>,
) -> (AssetData, Vec<Diagnostic>, bool) {
    match images.cache.lookup(root, rel, settings, hints) {
        Ok(Lookup::Hit(ready)) => {
            let diags = warnings(rel, ready.kind, ready.source_len, settings);
            (AssetData::Image(Arc::new(ready)), diags, false)
        }
        Ok(Lookup::Miss(missing)) => {
            let bytes = &missing.bytes;
            let diags = warnings(rel, sniff::sniff(bytes), bytes.len() as u64, settings);
            let fresh = lock(&images.pending).insert(rel.to_string());
            (AssetData::Bytes(Arc::from(&bytes[..])), diags, fresh)
        }
        Err(p) => (AssetData::Failed, vec![p.diagnostic(rel)], false),
    }
}

/// Process the `queue` of images in a thread of its own, one at a time, telling `done`
/// about each.
fn process_later(
    images: &Images,
    root: &Path,
    settings: &ImageSettings,
    queue: Vec<String>,
    done: ImageDone,
) {
    let (cache, pending) = (images.cache.clone(), images.pending.clone());
    let (root, settings) = (root.to_path_buf(), settings.clone());
    std::thread::spawn(move || {
        for rel in queue {
            // Settings changed meanwhile: the new cache has queued it again.
            if cache.is_retired() {
                lock(&pending).remove(&rel);
                continue;
            }
            let made = {
                // One photo at a time, however many queues: memory stays that of one.
                let _one = lock(&ONE_AT_A_TIME);
                let made = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    cache.get(&root, &rel, &settings, Hints::default())
                }));
                let _ = cache.save(&|_| true);
                made
            };
            lock(&pending).remove(&rel);
            // A failure is kept by the cache and reported by the next build; after a panic
            // nothing is reported, so the photo is tried again only when it changes.
            if made.is_ok() {
                done(root.join(&rel));
            }
        }
    });
}

/// Serialises background processing across queues.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// One content image: from the cache or processed, with its warnings.
fn one(
    cache: &ImageCache,
    root: &Path,
    rel: &str,
    settings: &ImageSettings,
    hints: Hints<'_>,
) -> (AssetData, Vec<Diagnostic>) {
    match cache.get(root, rel, settings, hints) {
        Ok(ready) => {
            let diags = warnings(rel, ready.kind, ready.source_len, settings);
            (AssetData::Image(Arc::new(ready)), diags)
        }
        Err(p) => (AssetData::Failed, vec![p.diagnostic(rel)]),
    }
}

/// A name that says another format (an error), a file over the size limit (a warning).
fn warnings(rel: &str, kind: Kind, len: u64, settings: &ImageSettings) -> Vec<Diagnostic> {
    let named = sniff::by_name(rel);
    let mut diags = Vec::new();
    if kind != named {
        diags.push(renamed(rel, named, kind));
    }
    if len > settings.warn_bytes {
        diags.push(too_big(rel, len, settings.warn_bytes));
    }
    diags
}

fn renamed(rel: &str, named: Kind, actual: Kind) -> Diagnostic {
    Diagnostic::error(format!(
        "文件名说它是 {} 图片，内容其实是 {} 图片",
        named.name(),
        actual.name(),
    ))
    .in_file(rel)
    .with_hint(format!(
        "把文件的扩展名改成 .{}（链接里的文件名也一起改），以免读者和别的软件打不开它。",
        match actual {
            Kind::Jpeg => "jpg",
            Kind::Png => "png",
            Kind::Gif => "gif",
            _ => "webp",
        }
    ))
}

fn too_big(rel: &str, len: u64, limit: u64) -> Diagnostic {
    Diagnostic::warning(format!(
        "图片文件有 {}，超过了 {}",
        crate::site::media::human_size(len),
        crate::site::media::human_size(limit)
    ))
    .in_file(rel)
    .with_hint("网站会自动生成小尺寸的图片，读者不受影响；但原文件太大会让生成变慢、占用空间。可以先用手机或电脑把它缩小（宽 4000 像素以内）。")
}

/// Warnings for `static/` images that carry GPS coordinates (they are published as they
/// are). `files`: every static file now; the warnings of files gone are dropped.
pub(super) fn check_static(memo: &mut Memo, files: &[&BinaryFile]) {
    let now: BTreeSet<&str> = files.iter().map(|f| f.rel.as_str()).collect();
    let gone: Vec<String> = memo
        .static_gps
        .iter()
        .filter(|r| !now.contains(r.as_str()))
        .cloned()
        .collect();
    for rel in gone {
        memo.static_gps.remove(&rel);
        memo.diags.set(Origin::Image(rel), Vec::new());
    }
    let found: Vec<(String, Vec<Diagnostic>)> = files
        .par_iter()
        .map(|f| {
            let gps = sniff::by_name(&f.rel) != Kind::Other && metadata::found(&f.bytes).gps;
            let d = Diagnostic::warning("static/ 里的这张图片带有拍摄地点（GPS 坐标），会原样发布")
                .in_file(&f.rel)
                .with_hint("static/ 里的文件不经处理直接发布。把照片放到 content/ 里文章的旁边（会自动去掉位置信息），或用软件删除它的位置信息后再放回来。");
            (f.rel.clone(), if gps { vec![d] } else { Vec::new() })
        })
        .collect();
    for (rel, d) in found {
        if d.is_empty() {
            memo.static_gps.remove(&rel);
        } else {
            memo.static_gps.insert(rel.clone());
        }
        memo.diags.set(Origin::Image(rel), d);
    }
}

/// How many images this process decoded (see [`process::decode_count`]).
pub fn decode_count() -> usize {
    process::decode_count()
}
