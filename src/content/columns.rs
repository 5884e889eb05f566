//! Parse step: 栏目 (columns). A folder under `content/` with an `_index.md` that is not one
//! of the kinds' folders (events, lessons), the statute library or a page bundle holds
//! article-like pages listed on its own page; so does a folder with an `_index.md` one level
//! inside `articles/` or inside such a column. Which folders are columns depends on other
//! files than the one parsed, so the parse step is given the set.

use std::collections::BTreeSet;

/// How a column orders its pages (`sort:` in its `_index.md`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnSort {
    /// Newest first (the default).
    #[default]
    Date,
    /// By the pages' `order:` (smallest first), then newest first.
    Order,
    /// By title, numbers in it compared as numbers (第二 before 第十).
    Title,
}

impl ColumnSort {
    /// `sort:` as written, in English or Chinese.
    pub fn parse(word: &str) -> Option<ColumnSort> {
        match word.trim().to_lowercase().as_str() {
            "date" | "日期" | "时间" => Some(ColumnSort::Date),
            "order" | "顺序" | "序号" => Some(ColumnSort::Order),
            "title" | "标题" => Some(ColumnSort::Title),
            _ => None,
        }
    }
}

/// What a column's `_index.md` says about the column besides its title and intro.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ColumnSettings {
    pub sort: ColumnSort,
    /// Items per list page (`None`: the site's `page_size`).
    pub page_size: Option<usize>,
    /// In the default menu (when site.yaml has no `menu:`).
    pub menu: bool,
    /// A block of its newest pages on the home page.
    pub home: bool,
    /// Its pages in the site's feed (`atom.xml`); the column's own feed is always made.
    pub feed: bool,
}

/// The column folders of a site, as written under `content/` (`gonggao`, `articles/anli`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Columns {
    dirs: BTreeSet<String>,
}

/// Top-level folders that are never columns: the kinds with lists of their own and the
/// statute library.
const NOT_COLUMNS: [&str; 3] = ["events", "lessons", super::LAWS_DIR];

impl Columns {
    /// The columns among the Markdown files at `rels` (site-relative paths); the top-level
    /// folders `taxonomies` (the site's taxonomies' keys, whose `_index.md` titles their
    /// index) are not.
    pub fn find<'a>(rels: impl Iterator<Item = &'a str>, taxonomies: &[&str]) -> Columns {
        let mut indexes: BTreeSet<&str> = BTreeSet::new();
        let mut bundles: BTreeSet<&str> = BTreeSet::new();
        for rel in rels {
            let Some(inner) = rel.strip_prefix("content/") else {
                continue;
            };
            if let Some(dir) = inner.strip_suffix("/_index.md") {
                indexes.insert(dir);
            } else if let Some(dir) = inner.strip_suffix("/index.md") {
                bundles.insert(dir);
            }
        }
        let top_level = |d: &str| {
            !d.contains('/')
                && d != "articles"
                && !NOT_COLUMNS.contains(&d)
                && !taxonomies.contains(&d)
                && !bundles.contains(d)
                && indexes.contains(d)
        };
        let dirs = indexes
            .iter()
            .filter(|d| !bundles.contains(*d))
            .filter(|d| match d.split_once('/') {
                None => top_level(d),
                Some((parent, rest)) => {
                    !rest.contains('/') && (parent == "articles" || top_level(parent))
                }
            })
            .map(|d| d.to_string())
            .collect();
        Columns { dirs }
    }

    /// Is the folder `dir` (under `content/`) a column?
    pub fn is_column(&self, dir: &str) -> bool {
        self.dirs.contains(dir)
    }

    /// The innermost column that the folder `dir` is, or lies in.
    pub fn column_of<'a>(&self, dir: &'a str) -> Option<&'a str> {
        let mut d = dir;
        loop {
            if self.dirs.contains(d) {
                return Some(d);
            }
            d = &d[..d.rfind('/')?];
        }
    }

    /// Fingerprint of the set (part of what parsing a page depends on).
    pub fn fingerprint(&self) -> u64 {
        crate::fingerprint::of(&self.dirs)
    }

    /// The column folders, sorted.
    pub fn dirs(&self) -> impl Iterator<Item = &str> {
        self.dirs.iter().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_folders_with_an_index_outside_the_kinds() {
        let files = [
            "content/_index.md",
            "content/articles/_index.md",
            "content/articles/anli/_index.md",
            "content/articles/2024/a.md",
            "content/events/_index.md",
            "content/gonggao/_index.md",
            "content/gonggao/cunwu/_index.md",
            "content/gonggao/cunwu/deep/_index.md",
            "content/bundle/index.md",
            "content/bundle/_index.md",
            "content/lessons/minfadian/_index.md",
            "content/laws/_index.md",
            "content/orphan/sub/_index.md",
            "content/tags/_index.md",
            "content/categories/_index.md",
        ];
        let c = Columns::find(files.into_iter(), &["tags", "categories"]);
        let dirs: Vec<&str> = c.dirs().collect();
        assert_eq!(dirs, ["articles/anli", "gonggao", "gonggao/cunwu"]);
        assert_eq!(c.column_of("gonggao/2024"), Some("gonggao"));
        assert_eq!(c.column_of("gonggao/cunwu/x"), Some("gonggao/cunwu"));
        assert_eq!(c.column_of("articles"), None);
        assert_eq!(c.column_of("about"), None);
    }

    #[test]
    fn sort_words() {
        assert_eq!(ColumnSort::parse("标题"), Some(ColumnSort::Title));
        assert_eq!(ColumnSort::parse("Order"), Some(ColumnSort::Order));
        assert_eq!(ColumnSort::parse("随便"), None);
    }
}
