//! Read step: the only place that reads the site's files. Walks `content/`, `static/` and
//! `themes/` in sorted order, decodes text files as UTF-8 (a located error otherwise), strips
//! a byte-order mark and normalises CRLF line ends. Editor temp and backup files are skipped.

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

/// Any other file, kept as bytes.
#[derive(Debug, Clone)]
pub struct BinaryFile {
    pub rel: String,
    pub bytes: Arc<[u8]>,
}

/// Everything the build needs from disk.
#[derive(Debug, Clone, Default)]
pub struct SiteSources {
    pub root: PathBuf,
    pub config: Option<TextFile>,
    /// Markdown files under `content/`, sorted by path.
    pub markdown: Vec<TextFile>,
    /// Other files under `content/` (images, PDFs), sorted by path.
    pub assets: Vec<BinaryFile>,
    /// Files under `static/`, copied as they are.
    pub static_files: Vec<BinaryFile>,
    /// Text files under `themes/<name>/templates/` and `themes/<name>/theme.yaml`.
    pub theme_text: Vec<TextFile>,
    /// Files under `themes/<name>/static/`.
    pub theme_static: Vec<BinaryFile>,
}

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
                "在 {} 没有找到 {CONFIG_FILE}，这里不像是一个 pufa 站点。\n提示: 进入站点文件夹再运行，或用 --root 指定站点文件夹；新建站点请运行 pufa init。",
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
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
        || name == "Thumbs.db"
        || name == "desktop.ini"
}

/// Read the whole site under `root`. Per-file problems (non-UTF-8 text) come back as
/// diagnostics beside the sources; only a missing site or an unreadable folder is fatal.
pub fn read_site(root: &Path) -> Result<(SiteSources, Vec<Diagnostic>), ReadError> {
    let config_path = root.join(CONFIG_FILE);
    if !config_path.is_file() {
        return Err(ReadError::NoSite(root.to_path_buf()));
    }
    let mut diags = Vec::new();
    let mut sources = SiteSources {
        root: root.to_path_buf(),
        ..Default::default()
    };
    let bytes = std::fs::read(&config_path)
        .map_err(|e| ReadError::Io(format!("无法读取 {}：{e}", config_path.display())))?;
    match decode(CONFIG_FILE, bytes) {
        Ok(t) => sources.config = Some(t),
        Err(d) => diags.push(d),
    }

    let content = list_files(root, "content")?;
    let (md, other): (Vec<_>, Vec<_>) = content.into_iter().partition(|r| r.ends_with(".md"));
    let md_read = read_all(root, md, true)?;
    for r in md_read {
        match r {
            Loaded::Text(t) => sources.markdown.push(t),
            Loaded::Bad(d) => diags.push(d),
            Loaded::Binary(_) => {}
        }
    }
    sources.assets = read_binary(root, other)?;
    sources.static_files = read_binary(root, list_files(root, "static")?)?;

    for rel in list_files(root, "themes")? {
        let mut parts = rel.splitn(4, '/');
        let (_, _theme, area) = (parts.next(), parts.next(), parts.next());
        match area {
            Some("static") => sources.theme_static.extend(read_binary(root, vec![rel])?),
            Some("templates") | Some("theme.yaml") => {
                for r in read_all(root, vec![rel], true)? {
                    match r {
                        Loaded::Text(t) => sources.theme_text.push(t),
                        Loaded::Bad(d) => diags.push(d),
                        Loaded::Binary(_) => {}
                    }
                }
            }
            _ => {}
        }
    }
    Ok((sources, diags))
}

/// Sorted `/`-separated paths of the files under `root/dir`, relative to `root`.
fn list_files(root: &Path, dir: &str) -> Result<Vec<String>, ReadError> {
    let base = root.join(dir);
    if !base.is_dir() {
        return Ok(vec![]);
    }
    let mut out = Vec::new();
    let walker = WalkDir::new(&base)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = entry.map_err(|e| ReadError::Io(format!("无法读取文件夹 {dir}：{e}")))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(root)
            .unwrap_or(entry.path())
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        out.push(rel);
    }
    Ok(out)
}

enum Loaded {
    Text(TextFile),
    Binary(BinaryFile),
    Bad(Diagnostic),
}

fn read_all(root: &Path, rels: Vec<String>, text: bool) -> Result<Vec<Loaded>, ReadError> {
    rels.into_par_iter()
        .map(|rel| {
            let bytes = std::fs::read(root.join(&rel))
                .map_err(|e| ReadError::Io(format!("无法读取 {rel}：{e}")))?;
            Ok(if text {
                match decode(&rel, bytes) {
                    Ok(t) => Loaded::Text(t),
                    Err(d) => Loaded::Bad(d),
                }
            } else {
                Loaded::Binary(BinaryFile {
                    rel,
                    bytes: bytes.into(),
                })
            })
        })
        .collect()
}

fn read_binary(root: &Path, rels: Vec<String>) -> Result<Vec<BinaryFile>, ReadError> {
    Ok(read_all(root, rels, false)?
        .into_iter()
        .filter_map(|l| match l {
            Loaded::Binary(b) => Some(b),
            _ => None,
        })
        .collect())
}

/// Decode a text file: UTF-8 only (with a located error otherwise), BOM stripped, CRLF → LF.
pub fn decode(rel: &str, bytes: Vec<u8>) -> Result<TextFile, Diagnostic> {
    let text = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let pos = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
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
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    };
    Ok(TextFile {
        rel: rel.to_string(),
        text: text.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_normalises() {
        let t = decode("a.md", "\u{feff}a\r\nb\r\n".as_bytes().to_vec()).unwrap();
        assert_eq!(&*t.text, "a\nb\n");
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
    fn ignores_editor_files() {
        for n in [".a.md.swp", "a.md~", "#a.md#", "4913", ".DS_Store"] {
            assert!(is_ignored_name(n), "{n}");
        }
        assert!(!is_ignored_name("a.md"));
    }
}
