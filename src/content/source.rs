//! Read step: the only place that reads the site's files. Walks `content/`, `static/` and
//! `themes/` in sorted order, decodes text files as UTF-8 (a located error otherwise), strips
//! a byte-order mark and normalises CRLF line ends. Editor temp and backup files are skipped.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::config::CONFIG_FILE;
use crate::diag::Diagnostic;

/// A text file, decoded and normalised.
#[derive(Debug, Clone)]
pub struct TextFile {
    /// Path relative to the site root, `/`-separated, e.g. `content/articles/a.md`.
    pub rel: String,
    pub text: Arc<str>,
}

/// Any other file, kept as bytes — but for a content image, which the image step reads
/// when (and only if) it has to process it: its `bytes` are then empty.
#[derive(Debug, Clone)]
pub struct BinaryFile {
    pub rel: String,
    pub bytes: Arc<[u8]>,
    /// A content image left on disk (see [`crate::images`]), with its size, modification
    /// time and inode when it was listed.
    pub on_disk: Option<crate::images::cache::Stamp>,
}

/// Everything the build needs from disk.
#[derive(Debug, Clone, Default)]
pub struct SiteSources {
    pub root: PathBuf,
    pub config: Option<TextFile>,
    /// Markdown files under `content/` (and the statute library's table of everyday words,
    /// `content/laws/_words.yaml`), sorted by path.
    pub markdown: Vec<TextFile>,
    /// Other files under `content/` (images, PDFs), sorted by path.
    pub assets: Vec<BinaryFile>,
    /// Files under `static/`, copied as they are.
    pub static_files: Vec<BinaryFile>,
    /// Text files under `themes/<name>/templates/`, `themes/<name>/theme.yaml` and the
    /// site's own `templates/`.
    pub theme_text: Vec<TextFile>,
    /// Files under `themes/<name>/static/`.
    pub theme_static: Vec<BinaryFile>,
    /// Problems with single files (not UTF-8: an error; control characters: a warning).
    pub problems: BTreeMap<String, Diagnostic>,
    /// Which reading of the site these sources come from (each [`read_site`] gives a new
    /// one), and how many batches of changes were applied since.
    pub lineage: u64,
    pub revision: u64,
    /// Every path a batch of changes touched, with the revision it made.
    log: Vec<(u64, String)>,
}

/// Tells the readings of a site apart.
static LINEAGES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// A problem that stops reading altogether (not a problem in one file).
#[derive(Debug)]
pub enum ReadError {
    NoSite(PathBuf),
    Io(String),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NoSite(p) => write!(
                f,
                "在 {} 没有找到 {CONFIG_FILE}，这里不像是一个 pufa 站点。\n提示: 进入站点文件夹再运行，或用 --root 指定站点文件夹。",
                p.display()
            ),
            ReadError::Io(m) => write!(f, "{m}"),
        }
    }
}

/// Is this a file an editor leaves behind while saving (never content)?
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
        || name == "Thumbs.db"
        || name == "desktop.ini"
}

/// The folders (under the site root) whose files the build reads.
pub const SOURCE_DIRS: &[&str] = &["content", "static", "themes", "templates"];

/// Which collection a site-relative path belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Config,
    Markdown,
    Asset,
    Static,
    ThemeText,
    ThemeStatic,
}

fn slot_of(rel: &str) -> Option<Slot> {
    if rel == CONFIG_FILE {
        return Some(Slot::Config);
    }
    if rel
        .split('/')
        .any(|seg| seg.is_empty() || is_ignored_name(seg))
    {
        return None;
    }
    if let Some(r) = rel.strip_prefix("content/") {
        // The statute library's table of everyday words is text, read with the library.
        return Some(
            if r.ends_with(".md") || rel == crate::statute::words::WORDS_FILE {
                Slot::Markdown
            } else {
                Slot::Asset
            },
        );
    }
    if rel.starts_with("static/") {
        return Some(Slot::Static);
    }
    // The site's own templates, over the theme's.
    if rel.starts_with("templates/") {
        return Some(Slot::ThemeText);
    }
    let mut parts = rel.splitn(4, '/');
    if parts.next() == Some("themes") {
        let _theme = parts.next();
        return match parts.next() {
            Some("static") => Some(Slot::ThemeStatic),
            Some("templates") => Some(Slot::ThemeText),
            Some("theme.yaml") => Some(Slot::ThemeText),
            _ => None,
        };
    }
    None
}

/// Read the whole site under `root`. Per-file problems (non-UTF-8 text) are kept in
/// [`SiteSources::problems`]; only a missing site or an unreadable folder is fatal.
pub fn read_site(root: &Path) -> Result<SiteSources, ReadError> {
    if !root.join(CONFIG_FILE).is_file() {
        return Err(ReadError::NoSite(root.to_path_buf()));
    }
    let mut sources = SiteSources {
        root: root.to_path_buf(),
        lineage: LINEAGES.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        ..Default::default()
    };
    let mut rels = vec![CONFIG_FILE.to_string()];
    for dir in SOURCE_DIRS {
        rels.extend(list_files(root, dir)?);
    }
    let loaded = load(root, rels)?;
    for (rel, l) in loaded {
        sources.put(rel, l);
    }
    Ok(sources)
}

impl SiteSources {
    /// Bring the sources up to date after the files at `paths` (absolute or relative to
    /// the root) were created, changed, deleted or moved. A path that is now a folder is
    /// read in full; a path that no longer exists is dropped with everything under it.
    /// Returns whether anything the build reads changed.
    pub fn apply_changes(&mut self, paths: &[PathBuf]) -> Result<bool, ReadError> {
        let root = self.root.clone();
        let mut changed = false;
        let mut to_read: Vec<String> = Vec::new();
        self.revision += 1;
        for p in paths {
            let rel_path = p.strip_prefix(&root).unwrap_or(p);
            let rel = rel_path
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            if rel.is_empty() || rel.starts_with("..") {
                continue;
            }
            let full = root.join(&rel);
            // Forget what was there (the path itself and anything below it).
            changed |= self.remove_under(&rel);
            let revision = self.revision;
            self.log.push((revision, rel.clone()));
            if full.is_dir() {
                let top = rel.split('/').next().unwrap_or("");
                if SOURCE_DIRS.contains(&top) {
                    for f in list_files(&root, &rel)? {
                        to_read.push(f);
                    }
                }
            } else if full.is_file() && slot_of(&rel).is_some() {
                to_read.push(rel);
            }
        }
        to_read.sort();
        to_read.dedup();
        if !to_read.is_empty() {
            changed = true;
            for (rel, l) in load(&root, to_read)? {
                self.log.push((self.revision, rel.clone()));
                self.put(rel, l);
            }
        }
        Ok(changed)
    }

    /// The paths changed since `revision` of reading `lineage` (a path changed under a
    /// folder shows as the folder too), or `None` when these sources come from another
    /// reading.
    pub fn changes_since(&self, lineage: u64, revision: u64) -> Option<Vec<&str>> {
        if lineage != self.lineage {
            return None;
        }
        let start = self.log.partition_point(|(r, _)| *r <= revision);
        Some(self.log[start..].iter().map(|(_, p)| p.as_str()).collect())
    }

    /// The Markdown file at `rel`, if there is one.
    pub fn markdown_file(&self, rel: &str) -> Option<&TextFile> {
        let i = self
            .markdown
            .binary_search_by(|f| f.rel.as_str().cmp(rel))
            .ok()?;
        self.markdown.get(i)
    }

    /// The content file (not Markdown) at `rel`, if there is one.
    pub fn asset_file(&self, rel: &str) -> Option<&BinaryFile> {
        let i = self
            .assets
            .binary_search_by(|f| f.rel.as_str().cmp(rel))
            .ok()?;
        self.assets.get(i)
    }

    /// The Markdown files whose paths start with `prefix` (a folder ending in `/`).
    pub fn markdown_under(&self, prefix: &str) -> &[TextFile] {
        let start = self.markdown.partition_point(|f| f.rel.as_str() < prefix);
        let end = start + self.markdown[start..].partition_point(|f| f.rel.starts_with(prefix));
        &self.markdown[start..end]
    }

    /// Drop `rel` and everything under `rel/`; returns whether anything was dropped.
    fn remove_under(&mut self, rel: &str) -> bool {
        let before = self.count();
        if rel == CONFIG_FILE {
            self.config = None;
        }
        drop_under(&mut self.markdown, rel);
        drop_under(&mut self.assets, rel);
        drop_under(&mut self.static_files, rel);
        drop_under(&mut self.theme_text, rel);
        drop_under(&mut self.theme_static, rel);
        let prefix = format!("{rel}/");
        let gone: Vec<String> = std::iter::once(rel.to_string())
            .filter(|r| self.problems.contains_key(r))
            .chain(
                self.problems
                    .range(prefix.clone()..)
                    .take_while(|(k, _)| k.starts_with(&prefix))
                    .map(|(k, _)| k.clone()),
            )
            .collect();
        for r in &gone {
            self.problems.remove(r);
        }
        before != self.count() || !gone.is_empty()
    }

    fn count(&self) -> usize {
        usize::from(self.config.is_some())
            + self.markdown.len()
            + self.assets.len()
            + self.static_files.len()
            + self.theme_text.len()
            + self.theme_static.len()
    }

    /// Insert or replace one loaded file, keeping every collection sorted.
    fn put(&mut self, rel: String, loaded: Loaded) {
        self.problems.remove(&rel);
        let Some(slot) = slot_of(&rel) else {
            return;
        };
        fn upsert_text(v: &mut Vec<TextFile>, f: TextFile) {
            match v.binary_search_by(|x| x.rel.as_str().cmp(&f.rel)) {
                Ok(i) => v[i] = f,
                Err(i) => v.insert(i, f),
            }
        }
        fn upsert_bin(v: &mut Vec<BinaryFile>, f: BinaryFile) {
            match v.binary_search_by(|x| x.rel.as_str().cmp(&f.rel)) {
                Ok(i) => v[i] = f,
                Err(i) => v.insert(i, f),
            }
        }
        let loaded = match loaded {
            Loaded::Text(t, Some(w)) => {
                self.problems.insert(rel.clone(), w);
                Loaded::Text(t, None)
            }
            other => other,
        };
        match (slot, loaded) {
            (_, Loaded::Bad(d)) => {
                self.problems.insert(rel, d);
            }
            (Slot::Config, Loaded::Text(t, _)) => self.config = Some(t),
            (Slot::Markdown, Loaded::Text(t, _)) => upsert_text(&mut self.markdown, t),
            (Slot::ThemeText, Loaded::Text(t, _)) => upsert_text(&mut self.theme_text, t),
            (Slot::Asset, Loaded::Binary(b)) => upsert_bin(&mut self.assets, b),
            (Slot::Static, Loaded::Binary(b)) => upsert_bin(&mut self.static_files, b),
            (Slot::ThemeStatic, Loaded::Binary(b)) => upsert_bin(&mut self.theme_static, b),
            _ => {}
        }
    }
}

/// Drop `rel` and everything under `rel/` from `files`, sorted by path: both are found by
/// binary search (the paths under a folder sit together in that order).
fn drop_under<T: HasPath>(files: &mut Vec<T>, rel: &str) {
    if let Ok(i) = files.binary_search_by(|f| f.path().cmp(rel)) {
        files.remove(i);
    }
    let prefix = format!("{rel}/");
    let start = files.partition_point(|f| f.path() < prefix.as_str());
    let end = start + files[start..].partition_point(|f| f.path().starts_with(&prefix));
    files.drain(start..end);
}

/// A file read from the site, by its path.
trait HasPath {
    fn path(&self) -> &str;
}

impl HasPath for TextFile {
    fn path(&self) -> &str {
        &self.rel
    }
}

impl HasPath for BinaryFile {
    fn path(&self) -> &str {
        &self.rel
    }
}

/// Sorted `/`-separated paths of the files under `root/dir`, relative to `root`.
fn list_files(root: &Path, dir: &str) -> Result<Vec<String>, ReadError> {
    let base = root.join(dir);
    if !base.is_dir() {
        return Ok(vec![]);
    }
    let root_text = root.to_string_lossy();
    let mut out = Vec::new();
    // Not sorted by walkdir: its sort asks each entry's path for its file name on every
    // comparison, which made listing 10,000 files a tenth of a build's serial time. The
    // paths are sorted below instead, in the same order.
    let walker = WalkDir::new(&base)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = entry.map_err(|e| ReadError::Io(format!("无法读取文件夹 {dir}：{e}")))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path().to_string_lossy();
        let rel = path
            .strip_prefix(&*root_text)
            .unwrap_or(&path)
            .trim_start_matches(std::path::MAIN_SEPARATOR);
        out.push(if std::path::MAIN_SEPARATOR == '/' {
            rel.to_string()
        } else {
            rel.replace(std::path::MAIN_SEPARATOR, "/")
        });
    }
    // Folder by folder, each folder's entries by name (bytes), as a sorted walk lists them:
    // comparing whole paths with `/` below every other byte gives that order.
    let key = |s: &String| {
        s.bytes()
            .map(|c| if c == b'/' { 0 } else { c })
            .collect::<Vec<u8>>()
    };
    out.sort_by_cached_key(key);
    Ok(out)
}

enum Loaded {
    Text(TextFile, Option<Diagnostic>),
    Binary(BinaryFile),
    Bad(Diagnostic),
}

/// Read files (in parallel): text slots are decoded, the rest kept as bytes. A file that
/// vanished between listing and reading is skipped (an editor's save in progress).
fn load(root: &Path, rels: Vec<String>) -> Result<Vec<(String, Loaded)>, ReadError> {
    let results: Vec<Result<Option<(String, Loaded)>, ReadError>> = rels
        .into_par_iter()
        .map(|rel| {
            let Some(slot) = slot_of(&rel) else {
                return Ok(None);
            };
            if slot == Slot::Asset && crate::images::sniff::is_image_name(&rel) {
                // Photos are read by the image step, and only when not in its cache.
                let stamp = match std::fs::metadata(root.join(&rel)) {
                    Ok(m) if m.is_file() => crate::images::cache::Stamp::from_metadata(&m),
                    _ => return Ok(None),
                };
                let file = BinaryFile {
                    rel: rel.clone(),
                    bytes: Arc::from(&[][..]),
                    on_disk: Some(stamp),
                };
                return Ok(Some((rel, Loaded::Binary(file))));
            }
            let bytes = match std::fs::read(root.join(&rel)) {
                Ok(b) => b,
                // A name that is not UTF-8 was listed with � in its place, so it cannot
                // be opened by that name: say so rather than leave the file out unseen.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && rel.contains('\u{FFFD}') => {
                    let d = Diagnostic::error("文件名不是 UTF-8 编码，无法读取这个文件")
                        .in_file(&rel)
                        .with_hint("这个文件名可能是在别的系统上用 GBK 等编码起的。请把文件重新命名（直接重新输入中文名即可），再生成一次。");
                    return Ok(Some((rel, Loaded::Bad(d))));
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(ReadError::Io(format!("无法读取 {rel}：{e}"))),
            };
            let text = matches!(slot, Slot::Config | Slot::Markdown | Slot::ThemeText);
            let l = if text {
                match decode(&rel, bytes) {
                    Ok((t, w)) => Loaded::Text(t, w),
                    Err(d) => Loaded::Bad(d),
                }
            } else {
                Loaded::Binary(BinaryFile {
                    rel: rel.clone(),
                    bytes: bytes.into(),
                    on_disk: None,
                })
            };
            Ok(Some((rel, l)))
        })
        .collect();
    let mut out = Vec::new();
    for r in results {
        if let Some(x) = r? {
            out.push(x);
        }
    }
    Ok(out)
}

/// Decode a text file: UTF-8 only (with a located error otherwise), BOM stripped, CRLF → LF.
/// A non-UTF-8 file is an error; invisible control characters are removed with a warning.
pub fn decode(rel: &str, bytes: Vec<u8>) -> Result<(TextFile, Option<Diagnostic>), Diagnostic> {
    // The fast check first (SIMD); std's tells where the first bad byte is.
    let text = match simdutf8::basic::from_utf8(&bytes) {
        Ok(s) => s,
        Err(_) => {
            let pos = std::str::from_utf8(&bytes)
                .err()
                .map_or(0, |e| e.valid_up_to());
            let line = bytes[..pos].iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = bytes[..pos]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let col = String::from_utf8_lossy(&bytes[line_start..pos])
                .chars()
                .count()
                + 1;
            let gbk_hint = "这个文件不是 UTF-8 编码（可能是用 GBK/GB2312 保存的）。请用记事本或 WPS 打开，选择“另存为”，编码选 UTF-8 后保存。";
            return Err(Diagnostic::error("文件的文字编码不是 UTF-8，无法读取")
                .in_file(rel)
                .at(line, col)
                .with_hint(gbk_hint));
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Copied only where something must change.
    let mut text = if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(text)
    };
    // Invisible control characters (Word pastes vertical tabs) break XML feeds: drop them.
    let is_bad = |c: char| c.is_control() && c != '\n' && c != '\t';
    let warning = first_control(&text).map(|pos| {
        let (line, col) = crate::diag::line_col(&text, pos);
        Diagnostic::warning("文件里有看不见的控制字符，已经删掉")
            .in_file(rel)
            .at(line, col)
            .with_hint("这些字符通常是从 Word 或网页复制文字时带进来的；删掉后文件内容不受影响，保存一次即可消除这个提醒。")
    });
    if warning.is_some() {
        text.to_mut().retain(|c| !is_bad(c));
    }
    Ok((
        TextFile {
            rel: rel.to_string(),
            text: Arc::from(&*text),
        },
        warning,
    ))
}

/// Byte offset of the first control character other than line feed and tab (Unicode
/// category Cc: U+0000–U+001F, U+007F–U+009F; the last are C2 80 – C2 9F in UTF-8).
fn first_control(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let suspect = |c: u8| (c < 0x20 && c != b'\n' && c != b'\t') | (c == 0x7F) | (c == 0xC2);
    // Whole blocks at a time (the compiler turns the fold into vector code); a block with a
    // suspect byte is looked at closely.
    for (k, block) in b.chunks(64).enumerate() {
        if !block.iter().fold(false, |acc, &c| acc | suspect(c)) {
            continue;
        }
        for (j, &c) in block.iter().enumerate() {
            let i = k * 64 + j;
            let control = match c {
                0xC2 => b.get(i + 1).is_some_and(|n| (0x80..=0x9F).contains(n)),
                _ => suspect(c),
            };
            if control {
                return Some(i);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_found_like_char_is_control() {
        for c in (0u32..0x3000).filter_map(char::from_u32) {
            let s = format!("法{c}x");
            let expected = (c.is_control() && c != '\n' && c != '\t').then_some("法".len());
            assert_eq!(first_control(&s), expected, "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn decodes_and_normalises() {
        let (t, w) = decode("a.md", "\u{feff}a\r\nb\r\n".as_bytes().to_vec()).unwrap();
        assert_eq!(&*t.text, "a\nb\n");
        assert!(w.is_none());
        let (t, w) = decode("a.md", "第一行\n文字\u{b}带\u{1}。\n".as_bytes().to_vec()).unwrap();
        assert_eq!(&*t.text, "第一行\n文字带。\n");
        assert_eq!(w.unwrap().line, Some(2));
    }

    #[test]
    fn non_utf8_is_located() {
        let mut bytes = b"---\ntitle: ok\n".to_vec();
        bytes.extend_from_slice(&[0xC4, 0xE3, 0xBA, 0xC3]); // 你好 in GBK
        let d = decode("content/a.md", bytes).unwrap_err();
        assert_eq!(d.line, Some(3));
        assert_eq!(d.file.as_deref(), Some("content/a.md"));
    }

    #[test]
    fn files_are_listed_folder_by_folder_in_name_order() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in [
            "content/a/x.md",
            "content/a-b/x.md",
            "content/a.b/y.md",
            "content/a b/z.md",
            "content/a.md",
            "content/B.md",
            "content/b/c/d.md",
            "content/b/c.md",
            "content/中文/一.md",
            "content/中/二.md",
            "content/.hidden/x.md",
            "content/a/x.md~",
        ] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, "x").unwrap();
        }
        // What a walk sorted by file name gives.
        let expected: Vec<String> = WalkDir::new(root.join("content"))
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()))
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(root).unwrap();
                rel.to_string_lossy()
                    .replace(std::path::MAIN_SEPARATOR, "/")
            })
            .collect();
        assert_eq!(expected.len(), 10);
        assert_eq!(list_files(root, "content").unwrap(), expected);
    }

    #[test]
    fn ignores_editor_files() {
        for n in [".a.md.swp", "a.md~", "#a.md#", "4913", ".DS_Store"] {
            assert!(is_ignored_name(n), "{n}");
        }
        assert!(!is_ignored_name("a.md"));
    }
}
