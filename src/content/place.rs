//! Parse step: where a content file sits decides its kind, its folder and the folder its
//! URL lives in.

use super::columns::Columns;
use super::{Kind, LAWS_DIR};
use crate::text::{SlugError, make_slug};

/// Where a file sits: its kind (`None` for `_index.md`) and folders.
pub(super) struct Place {
    pub kind: Option<Kind>,
    /// Folder under `content/` (`articles/2024`) as URL segments (spaces become `-`).
    pub dir_slug: String,
    /// File stem, or the folder name for `index.md`.
    pub stem: String,
    /// Folder the page's URL lives in (`articles/2024`; parent of the bundle for `index.md`),
    /// as URL segments.
    pub url_dir: String,
    /// A folder name that cannot be part of a URL, and why.
    pub bad_folder: Option<(String, SlugError)>,
    /// The column (栏目) the page lies in, as URL segments (`gonggao`, `articles/anli`); for an
    /// `_index.md`, its own folder when that is a column.
    pub column: Option<String>,
}

/// Turn each folder name of `dir` into a URL segment.
fn slug_dir(dir: &str) -> Result<String, (String, SlugError)> {
    dir.split('/')
        .filter(|s| !s.is_empty())
        .map(|seg| make_slug(seg).map_err(|e| (seg.to_string(), e)))
        .collect::<Result<Vec<_>, _>>()
        .map(|v| v.join("/"))
}

/// Is this Markdown file part of the statute library (handled by `statute`)?
pub fn is_statute_file(rel: &str) -> bool {
    rel.strip_prefix("content/").is_some_and(|r| {
        r.starts_with(&format!("{LAWS_DIR}/")) && r.ends_with(".md") && !r.ends_with("/_index.md")
    })
}

pub(super) fn place_of(rel: &str, columns: &Columns) -> Place {
    let inner = rel.strip_prefix("content/").unwrap_or(rel);
    let (dir, file) = match inner.rfind('/') {
        Some(i) => (&inner[..i], &inner[i + 1..]),
        None => ("", inner),
    };
    let stem = file.strip_suffix(".md").unwrap_or(file);
    let top = dir.split('/').next().unwrap_or("");
    let column_dir = if stem == "_index" {
        columns.is_column(dir).then_some(dir)
    } else {
        columns.column_of(dir)
    };
    let kind = match top {
        "articles" => Some(Kind::Article),
        "events" => Some(Kind::Event),
        "lessons" => Some(Kind::Lesson),
        _ if column_dir.is_some() => Some(Kind::Article),
        _ => Some(Kind::Page),
    };
    let (dir_slug, bad_folder) = match slug_dir(dir) {
        Ok(s) => (s, None),
        Err(e) => (dir.to_string(), Some(e)),
    };
    // The column's URL segments: as many of the folder's as the column has.
    let column = column_dir.map(|c| {
        let n = c.split('/').count();
        let segs: Vec<&str> = dir_slug.split('/').take(n).collect();
        segs.join("/")
    });
    let parent_of = |d: &str| d.rfind('/').map_or(String::new(), |i| d[..i].to_string());
    let (kind, stem, url_dir) = if stem == "_index" {
        (None, String::new(), dir_slug.clone())
    } else if stem == "index" && !dir.is_empty() {
        let name = dir.rsplit('/').next().unwrap_or(dir).to_string();
        (kind, name, parent_of(&dir_slug))
    } else {
        (kind, stem.to_string(), dir_slug.clone())
    };
    Place {
        kind,
        dir_slug,
        stem,
        url_dir,
        bad_folder,
        column,
    }
}
