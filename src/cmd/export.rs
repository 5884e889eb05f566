//! `pufa export wechat|text PAGE…`: build the site in memory, then write each page's 公众号
//! (or plain-text) export (see [`crate::export`]) into its own folder of `--out` (default
//! `dist-wechat/`, `dist-text/`).
//! Nothing is written outside that folder; a page's folder is replaced as a whole.

use std::path::{Path, PathBuf};

use super::{EXIT_OK, EXIT_SITE_ERRORS, EXIT_USAGE, report, settings};
use crate::cli::{ExportArgs, ExportPageArgs, ExportTo};
use crate::content::Kind;
use crate::content::source::read_site;
use crate::pipeline::Session;
use crate::site::{PageId, Site};

pub fn run(root: &Path, args: &ExportArgs) -> u8 {
    let (args, to) = match &args.to {
        ExportTo::Wechat(w) => (w, To::Wechat),
        ExportTo::Text(w) => (w, To::Text),
    };
    match export(root, args, to) {
        Ok(code) => code,
        Err((code, message)) => {
            eprintln!("错误: {message}");
            code
        }
    }
}

/// A failure: exit status and message.
type Failure = (u8, String);

/// What pages are exported as.
#[derive(Clone, Copy, PartialEq, Eq)]
enum To {
    Wechat,
    Text,
}

fn export(root: &Path, args: &ExportPageArgs, to: To) -> Result<u8, Failure> {
    if args.pages.is_empty() && args.since.is_none() {
        return Err((
            EXIT_USAGE,
            "请写出要导出的页面，例如 pufa export wechat content/articles/文章.md，或用 --since 2026-12-01 导出这天以来的全部。".into(),
        ));
    }
    let mut settings = settings(&args.common).map_err(|m| (EXIT_USAGE, m))?;
    // A page dated later is exported with a warning, not refused.
    settings.future = true;
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let sources = read_site(&root).map_err(|e| (EXIT_USAGE, e.to_string()))?;
    let mut session = Session::new();
    let build = session.build(&sources, &settings);
    if build.has_errors() {
        report(&build.diagnostics, args.common.verbose);
        return Err((
            EXIT_SITE_ERRORS,
            "网站有错误，没有导出。改好上面的错误再试。".into(),
        ));
    }
    let site = session
        .site()
        .ok_or((EXIT_SITE_ERRORS, "网站没有生成。".to_string()))?;
    let theme = session.theme().unwrap_or_default();
    let mut ids = Vec::new();
    for page in &args.pages {
        ids.push(find(site, &root, page)?);
    }
    if let Some(since) = &args.since {
        ids.extend(since_pages(site, since)?);
    }
    // Each page once, in the order named (`--since` may name it again).
    let mut seen = std::collections::BTreeSet::new();
    ids.retain(|id| seen.insert(*id));
    let out = match &args.out {
        Some(o) if o.is_absolute() => o.clone(),
        Some(o) => root.join(o),
        None if to == To::Text => root.join("dist-text"),
        None => root.join("dist-wechat"),
    };
    let mut diags = Vec::new();
    let mut lines = Vec::new();
    let mut used = std::collections::BTreeSet::new();
    for id in ids {
        let e = match to {
            To::Wechat => crate::export::wechat(site, session.output(), id, &theme),
            To::Text => crate::export::plain_text(site, session.output(), id, &theme),
        };
        // Two addresses may give one name (`a/b/`, `a-b/`): the later one is numbered.
        let mut name = e.folder.clone();
        let mut k = 1;
        while !used.insert(name.clone()) {
            k += 1;
            name = format!("{}-{k}", e.folder);
        }
        let dir = out.join(&name);
        write_folder(&dir, &e.files)
            .map_err(|err| (EXIT_SITE_ERRORS, format!("写不进 {}：{err}", dir.display())))?;
        lines.push(format!("  {} → {}", site.title(id), dir.display()));
        diags.extend(e.diagnostics);
    }
    report(&diags, args.common.verbose);
    let what = if to == To::Text {
        "纯文本"
    } else {
        "公众号格式"
    };
    eprintln!("已导出 {} 篇为{what}：", lines.len());
    for l in lines {
        eprintln!("{l}");
    }
    if to == To::Wechat {
        eprintln!(
            "在公众号后台新建图文，打开 article.html 全选复制、粘贴进正文，再上传 images/ 里的图片（见 images.tsv）。"
        );
    }
    Ok(EXIT_OK)
}

/// Replace folder `dir` by `files`: only a folder an export wrote (it has `meta.json`) is
/// replaced, never another that happens to have its name.
fn write_folder(dir: &Path, files: &[(String, Vec<u8>)]) -> std::io::Result<()> {
    if dir.exists() {
        if !dir.join("meta.json").is_file() {
            return Err(std::io::Error::other(
                "已有同名的文件夹，而且不是导出的，没有覆盖它；请用 --out 另选一个文件夹",
            ));
        }
        std::fs::remove_dir_all(dir)?;
    }
    for (rel, bytes) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, bytes)?;
    }
    Ok(())
}

/// The page `arg` names: a content file (from the current folder or the site's) or an
/// address of the site.
fn find(site: &Site, root: &Path, arg: &str) -> Result<PageId, Failure> {
    let pages = || site.pages().iter().copied();
    if arg.ends_with(".md") {
        let rel = content_rel(root, arg)?;
        if let Some(id) = pages().find(|&i| site.source(i) == rel) {
            return Ok(id);
        }
        let why = if root.join(&rel).is_file() {
            "没有在网站上发布（草稿、已过期，或有错误）；导出草稿请加 --drafts"
        } else {
            "文件不存在"
        };
        return Err((EXIT_SITE_ERRORS, format!("{arg}：{why}")));
    }
    let c = site.config();
    let mut path = arg.trim().to_string();
    for prefix in [c.base_url.as_str(), c.base_path.as_str()] {
        if let Some(rest) = path.strip_prefix(prefix) {
            path = rest.to_string();
            break;
        }
    }
    if path.starts_with("http://") || path.starts_with("https://") {
        return Err((
            EXIT_USAGE,
            format!("{arg} 不是本站的网址（本站是 {}）", c.base_url),
        ));
    }
    let mut path = crate::text::decode_percent(path.trim_start_matches('/'));
    if let Some(p) = path.strip_suffix("index.html") {
        path = p.to_string();
    }
    if !path.ends_with('/') {
        path.push('/');
    }
    pages()
        .find(|&i| site.path(i) == path)
        .ok_or((EXIT_SITE_ERRORS, format!("找不到网址是 {arg} 的页面")))
}

/// `arg`, a Markdown file's path, relative to the site folder (`content/…`); a file
/// outside the site is a usage error.
fn content_rel(root: &Path, arg: &str) -> Result<String, Failure> {
    let given = PathBuf::from(arg);
    // From the site's folder first, then from the current one.
    let candidates = [root.join(&given), given.clone()];
    let found = candidates
        .iter()
        .find(|p| p.is_file())
        .and_then(|p| std::fs::canonicalize(p).ok());
    let rel = match found {
        Some(abs) => abs
            .strip_prefix(root)
            .map(|r| r.to_string_lossy().replace('\\', "/"))
            .map_err(|_| {
                (
                    EXIT_USAGE,
                    format!("{arg} 不在站点文件夹 {} 里", root.display()),
                )
            })?,
        None => arg.trim_start_matches("./").replace('\\', "/"),
    };
    if !rel.starts_with("content/") || rel.split('/').any(|s| s == "..") {
        return Err((
            EXIT_USAGE,
            format!("{arg} 不是站点 content/ 文件夹里的页面"),
        ));
    }
    Ok(rel)
}

/// Articles, events and lessons dated or updated on or after `since`.
fn since_pages(site: &Site, since: &str) -> Result<Vec<PageId>, Failure> {
    let tz = &site.config().timezone;
    let from = crate::dates::parse_datetime(since, tz)
        .map_err(|why| (EXIT_USAGE, format!("--since 的日期写得不对：{why}")))?;
    Ok(site
        .pages()
        .iter()
        .copied()
        .filter(|&i| site.kind(i) != Kind::Page)
        .filter(|&i| {
            let p = site.page(i);
            p.updated
                .iter()
                .chain(p.date.iter())
                .any(|d| d.timestamp() >= from.timestamp())
        })
        .collect())
}
