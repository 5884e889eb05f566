//! Helpers shared by the integration tests: run the real `pufa` binary, copy fixtures,
//! snapshot output trees, and check every link of a built site by parsing its HTML.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scraper::{Html, Selector};

/// "Now" used by every test build, so event status is fixed.
pub const NOW: &str = "2026-12-01T00:00:00+08:00";

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn pufa() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pufa"))
}

/// Run `pufa --root ROOT ARGS…`.
pub fn run(root: &Path, args: &[&str]) -> Output {
    pufa()
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .expect("run pufa")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Build the site at `root` into `out` with the fixed `now`; panics with the messages if it fails.
pub fn build_into(root: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["build", "--now", NOW, "--output", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = run(root, &args);
    assert!(o.status.success(), "build failed:\n{}", stderr(&o));
    o
}

pub fn copy_dir(src: &Path, dst: &Path) {
    for e in walkdir::WalkDir::new(src) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(src).unwrap();
        let to = dst.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
}

/// Every file under `dir` with its bytes, by `/`-separated relative path.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut m = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            m.insert(rel, std::fs::read(e.path()).unwrap());
        }
    }
    m
}

pub fn read_html(path: &Path) -> Html {
    Html::parse_document(&std::fs::read_to_string(path).unwrap())
}

pub fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// Text of the first element matching `css`, whitespace collapsed.
pub fn text_of(doc: &Html, css: &str) -> String {
    doc.select(&sel(css))
        .next()
        .map(|e| e.text().collect::<Vec<_>>().join(""))
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// The file a site link points to (`/hgz/articles/a/` → `articles/a/index.html`).
pub fn target_file(out: &Path, base_path: &str, url_path: &str) -> Option<PathBuf> {
    let rest = url_path.strip_prefix(base_path)?;
    let rest = percent_decode(rest);
    let p = if rest.is_empty() || rest.ends_with('/') {
        out.join(&rest).join("index.html")
    } else {
        out.join(&rest)
    };
    Some(p)
}

/// Check every `href`/`src` of every HTML page under `out`: internal links must resolve to a
/// file (and to an existing `id` for fragments); nothing may be loaded from outside.
/// Returns the problems found (empty = all good) and the number of links checked.
pub fn check_links(out: &Path, base_path: &str) -> (Vec<String>, usize) {
    let mut problems = Vec::new();
    let mut ids: HashMap<PathBuf, HashSet<String>> = HashMap::new();
    let mut ids_of = |file: &Path| -> HashSet<String> {
        ids.entry(file.to_path_buf())
            .or_insert_with(|| {
                let doc = read_html(file);
                doc.select(&sel("[id]"))
                    .filter_map(|e| e.value().attr("id").map(str::to_string))
                    .collect()
            })
            .clone()
    };
    let mut checked = 0;
    let attrs = [
        ("a", "href"),
        ("link", "href"),
        ("img", "src"),
        ("script", "src"),
        ("source", "src"),
        ("iframe", "src"),
    ];
    for e in walkdir::WalkDir::new(out).sort_by_file_name() {
        let e = e.unwrap();
        if !e.file_type().is_file() || e.path().extension().is_none_or(|x| x != "html") {
            continue;
        }
        let page = e.path().to_path_buf();
        let doc = read_html(&page);
        for (tag, attr) in attrs {
            for el in doc.select(&sel(&format!("{tag}[{attr}]"))) {
                let url = el.value().attr(attr).unwrap();
                checked += 1;
                let rel_page = page.strip_prefix(out).unwrap().display();
                if url.starts_with("http://")
                    || url.starts_with("https://")
                    || url.starts_with("//")
                {
                    let is_canonical = tag == "link"
                        && el
                            .value()
                            .attr("rel")
                            .is_some_and(|r| r == "canonical" || r == "alternate");
                    if tag != "a" && !is_canonical {
                        problems.push(format!(
                            "{rel_page}: loads an outside resource <{tag} {attr}={url}>"
                        ));
                    }
                    continue;
                }
                if url.starts_with("mailto:") || url.starts_with("tel:") || url.starts_with("sms:")
                {
                    continue;
                }
                let (path, frag) = match url.split_once('#') {
                    Some((p, f)) => (p, Some(percent_decode(f))),
                    None => (url, None),
                };
                let path = path.split('?').next().unwrap();
                let file = if path.is_empty() {
                    page.clone()
                } else if !path.starts_with('/') {
                    problems.push(format!("{rel_page}: relative link {url}"));
                    continue;
                } else {
                    match target_file(out, base_path, path) {
                        Some(f) => f,
                        None => {
                            problems.push(format!(
                                "{rel_page}: link {url} leaves the site's base path {base_path}"
                            ));
                            continue;
                        }
                    }
                };
                if !file.is_file() {
                    problems.push(format!(
                        "{rel_page}: broken link {url} (no {})",
                        file.display()
                    ));
                    continue;
                }
                if let Some(f) = frag
                    && !f.is_empty()
                    && file.extension().is_some_and(|x| x == "html")
                    && !ids_of(&file).contains(&f)
                {
                    problems.push(format!("{rel_page}: link {url} has no target id #{f}"));
                }
            }
        }
    }
    (problems, checked)
}
