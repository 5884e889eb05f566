//! Link step, 栏目 (columns): each column's pages in the order its `_index.md` asks for, its
//! newest pages for its feed, and the order of the columns. A column is made again from its
//! members and its `_index.md` only when one of them changed.

use std::sync::Arc;

use super::Column;
use super::state::{DateKey, Site};
use super::update::Work;
use crate::config::MenuItem;
use crate::content::columns::ColumnSort;
use crate::content::page::Page;
use crate::reads::{Fact, PageId, sym};

/// A page's place in a column: its date key, its `order:` and its title.
pub(super) type ColumnKey = (DateKey, Option<i64>, Arc<str>);

/// Entries of a column's feed.
const FEED_ENTRIES: usize = super::collections::FEED_ENTRIES;

/// The columns a page is listed in: its own and the column that holds it (not `articles`,
/// whose list the page joins as an article).
pub(super) fn columns_of(p: &Page) -> Vec<String> {
    let Some(dir) = &p.column else {
        return Vec::new();
    };
    let mut v = vec![dir.clone()];
    if let Some((parent, _)) = dir.split_once('/')
        && parent != "articles"
    {
        v.push(parent.to_string());
    }
    v
}

/// Is a page with this column one of the articles (`/articles/`)?
pub(super) fn in_articles(column: Option<&str>) -> bool {
    column.is_none_or(|c| c.starts_with("articles/"))
}

impl Site {
    /// Make column `dir` again from its pages and its `_index.md` (none: it is no column
    /// now). Notes in `work` what follows: the lists, the site feed, the menu.
    pub(super) fn settle_column(&mut self, dir: &str, work: &mut Work) {
        let settings = self
            .section_files
            .get(dir)
            .and_then(|s| Some((s.column.clone()?, s)));
        let fact = Fact::Column(sym(dir));
        let Some((settings, file)) = settings else {
            if let Some(old) = self.columns.remove(dir) {
                self.touch(fact);
                work.menu |= old.menu;
                work.orders.feeds[0] |= !old.feed;
            }
            return;
        };
        let members = self.column_members.get(dir);
        let mut keys: Vec<&ColumnKey> = members.map(|m| m.iter().collect()).unwrap_or_default();
        let newest: Vec<PageId> = keys.iter().take(FEED_ENTRIES).map(|k| k.0.2).collect();
        match settings.sort {
            ColumnSort::Date => {}
            ColumnSort::Order => keys.sort_by_key(|k| (k.1.unwrap_or(i64::MAX), &k.0)),
            ColumnSort::Title => keys.sort_by_cached_key(|k| (natural_key(&k.2), k.0.clone())),
        }
        let column = Column {
            dir: dir.to_string(),
            path: format!("{dir}/"),
            title: file.title.clone(),
            description: file.description.clone(),
            order: file.order,
            parent: dir.rsplit_once('/').map(|(p, _)| p.to_string()),
            sort: settings.sort,
            page_size: settings.page_size,
            menu: settings.menu,
            home: settings.home,
            feed: settings.feed,
            pages: keys.iter().map(|k| k.0.2).collect(),
            newest,
        };
        let old = self.columns.get(dir);
        if old == Some(&column) {
            return;
        }
        let entry = |c: &Column| (c.menu, c.title.clone(), c.order);
        work.menu |= old.is_none_or(|o| entry(o) != entry(&column));
        work.orders.feeds[0] |= old.is_none_or(|o| o.feed != column.feed);
        self.columns.insert(dir.to_string(), column);
        self.touch(fact);
    }

    /// The order of the columns: by `order:` in their `_index.md`, then by folder.
    pub(super) fn settle_column_order(&mut self) {
        let mut order: Vec<(Option<i64>, &String)> =
            self.columns.values().map(|c| (c.order, &c.dir)).collect();
        order.sort_by_key(|(o, d)| (o.unwrap_or(i64::MAX), *d));
        let order: Vec<String> = order.into_iter().map(|(_, d)| d.clone()).collect();
        Site::set_if(
            &mut self.dirty,
            &mut self.column_order,
            order,
            Fact::Columns,
        );
    }

    /// The menu entries of the columns that ask for one, in order (the default menu only).
    pub(super) fn menu_columns(&self) -> Vec<MenuItem> {
        self.column_order
            .iter()
            .filter_map(|d| self.columns.get(d))
            .filter(|c| c.menu)
            .map(|c| MenuItem {
                name: c.title.clone(),
                url: format!("/{}", c.path),
            })
            .collect()
    }

    /// Does the site's feed show page `id` (its column does not keep its pages out)?
    pub(super) fn in_site_feed(&self, id: PageId) -> bool {
        let Some(slot) = self.slots.get(id as usize).and_then(Option::as_ref) else {
            return true;
        };
        columns_of(&slot.page)
            .iter()
            .all(|d| self.columns.get(d).is_none_or(|c| c.feed))
    }
}

/// One piece of a title for ordering: a number (Arabic or Chinese numerals) or a character.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Piece {
    Number(u64),
    Char(char),
}

/// A title as pieces, so that numbers compare as numbers: 第二 before 第十, 2 before 10.
fn natural_key(title: &str) -> Vec<Piece> {
    let chars: Vec<char> = title.chars().collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let run = |f: &dyn Fn(char) -> bool| chars[i..].iter().take_while(|c| f(**c)).count();
        let ascii = run(&|c: char| c.is_ascii_digit());
        if ascii > 0 {
            let s: String = chars[i..i + ascii].iter().collect();
            out.push(Piece::Number(s.parse().unwrap_or(u64::MAX)));
            i += ascii;
            continue;
        }
        let han = run(&crate::statute::numerals::is_numeral_char);
        if han > 0 {
            let s: String = chars[i..i + han].iter().collect();
            if let Some(n) = crate::statute::numerals::parse_number(&s) {
                out.push(Piece::Number(u64::from(n)));
                i += han;
                continue;
            }
        }
        out.push(Piece::Char(c));
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_titles_compare_as_numbers() {
        let mut titles = vec![
            "第十条 公示",
            "第二条 公示",
            "第一百条",
            "村规 10",
            "村规 2",
            "第二十一条",
        ];
        titles.sort_by_key(|t| natural_key(t));
        assert_eq!(
            titles,
            [
                "村规 2",
                "村规 10",
                "第二条 公示",
                "第十条 公示",
                "第二十一条",
                "第一百条"
            ]
        );
    }
}
