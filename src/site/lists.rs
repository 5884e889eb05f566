//! Link step, list pages: the home page, paginated articles and past events, the month
//! calendar and year archives, the lessons index and each series, the tag index and tags.
//! A family of list pages is made again only when the order it is cut from changed; each
//! page that differs from before is marked.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::claims::Claimant;
use super::state::Site;
use super::{ListKind, ListPage};
use crate::reads::{Fact, PageId, sym};

/// Which families of list pages an update must make again.
#[derive(Debug, Default)]
pub(super) struct Families {
    pub articles: bool,
    pub events: bool,
    pub series: bool,
    /// Terms (by key) whose pages changed, and whether the set of terms did.
    pub tags: BTreeSet<String>,
    pub tag_set: bool,
    pub columns: bool,
}

/// One page with nothing paginated.
fn one(kind: ListKind, path: String, items: Vec<PageId>) -> ListPage {
    ListPage {
        kind,
        page_paths: Arc::new(vec![path.clone()]),
        path,
        number: 1,
        total: 1,
        items,
    }
}

/// Split `items` into pages of `size` at `base`, `base/page/2/`, …
fn paginate(kind: ListKind, base: &str, items: &[PageId], size: usize) -> Vec<ListPage> {
    let chunks: Vec<Vec<PageId>> = if items.is_empty() {
        vec![vec![]]
    } else {
        items.chunks(size.max(1)).map(<[PageId]>::to_vec).collect()
    };
    let total = chunks.len();
    let page_paths: Arc<Vec<String>> = Arc::new(
        (1..=total)
            .map(|n| {
                if n == 1 {
                    base.to_string()
                } else {
                    format!("{base}page/{n}/")
                }
            })
            .collect(),
    );
    chunks
        .into_iter()
        .enumerate()
        .map(|(i, items)| ListPage {
            kind: kind.clone(),
            path: page_paths[i].clone(),
            number: i + 1,
            total,
            page_paths: page_paths.clone(),
            items,
        })
        .collect()
}

impl Site {
    /// The list pages of one family, in order.
    fn family(&self, which: u8) -> Vec<ListPage> {
        let size = self.config.page_size;
        match which {
            0 => vec![one(ListKind::Home, String::new(), vec![])],
            1 => paginate(ListKind::Articles, "articles/", &self.articles, size),
            2 => self.event_lists(size),
            3 => {
                let mut v = vec![one(ListKind::LessonsIndex, "lessons/".into(), vec![])];
                v.extend(self.series_order.iter().filter_map(|d| {
                    let s = self.series.get(d)?;
                    Some(one(
                        ListKind::Series(d.clone()),
                        s.path.clone(),
                        s.lessons.clone(),
                    ))
                }));
                v
            }
            5 => self
                .column_order
                .iter()
                .filter_map(|d| self.columns.get(d))
                .flat_map(|c| {
                    let size = c.page_size.unwrap_or(size);
                    paginate(ListKind::Column(c.dir.clone()), &c.path, &c.pages, size)
                })
                .collect(),
            _ => self
                .taxonomy_paths()
                .into_iter()
                .map(|path| self.taxonomy_list(path))
                .collect(),
        }
    }

    /// Past events paginated, the month calendar, and one archive page per year (newest
    /// year first).
    fn event_lists(&self, size: usize) -> Vec<ListPage> {
        let mut v = paginate(ListKind::Events, "events/", &self.events_past, size);
        let mut calendar_items = self.events_current.clone();
        calendar_items.extend(self.events_past.iter().copied());
        v.push(one(
            ListKind::EventsCalendar,
            "events/calendar/".into(),
            calendar_items,
        ));
        let mut years: BTreeMap<i16, Vec<PageId>> = BTreeMap::new();
        for &i in &self.events_past {
            if let Some(ev) = &self.slot(i).page.event {
                years.entry(ev.start.year()).or_default().push(i);
            }
        }
        for (year, items) in years.into_iter().rev() {
            v.push(one(
                ListKind::EventsYear(year),
                format!("events/{year}/"),
                items,
            ));
        }
        v
    }

    /// Make again the families `which` says changed (all of them when `all`): each list
    /// page that differs is marked, and pages that appear or go change their claims.
    pub(super) fn settle_lists(&mut self, which: &Families, all: bool) {
        let wanted = [
            all,
            all || which.articles,
            all || which.events,
            all || which.series,
            all,
            all || which.columns,
        ];
        let mut reordered = false;
        for (f, _) in wanted.iter().enumerate().filter(|(_, w)| **w) {
            let pages = self.family(f as u8);
            reordered |= self.replace_family(f, pages);
        }
        if !all && (which.tag_set || !which.tags.is_empty()) {
            reordered |= self.settle_tag_lists(which);
        }
        if reordered {
            self.list_order = self.list_families.concat();
            self.touch(Fact::Lists);
        }
    }

    /// The paths of the taxonomies' pages: each taxonomy's index (`tags/`), then its terms'
    /// pages (`tags/<slug>/`), taxonomies in the site's order.
    fn taxonomy_paths(&self) -> Vec<String> {
        let mut paths = Vec::new();
        for t in &self.config.taxonomies {
            let prefix = format!("{}/", t.key);
            paths.push(prefix.clone());
            let from = (
                std::ops::Bound::Included(prefix.as_str()),
                std::ops::Bound::Unbounded,
            );
            paths.extend(
                self.tags
                    .range::<str, _>(from)
                    .map(|(k, _)| k)
                    .take_while(|k| k.starts_with(&prefix))
                    .map(|k| format!("{k}/")),
            );
        }
        paths
    }

    /// The page at `path` (see [`Self::taxonomy_paths`]).
    fn taxonomy_list(&self, path: String) -> ListPage {
        let key = path.trim_end_matches('/');
        match self.tags.get(key) {
            Some(t) => one(
                ListKind::Tag(key.to_string()),
                path.clone(),
                t.pages.clone(),
            ),
            None => one(ListKind::TagsIndex(key.to_string()), path.clone(), vec![]),
        }
    }

    /// The pages of the terms that changed (and the family's paths, when the set of terms
    /// did). Returns whether the family's paths changed.
    fn settle_tag_lists(&mut self, which: &Families) -> bool {
        for key in &which.tags {
            let path = format!("{key}/");
            match self.tags.get(key) {
                Some(t) => {
                    let l = one(ListKind::Tag(key.clone()), path, t.pages.clone());
                    self.put_list(l);
                }
                None => self.drop_list(&path),
            }
        }
        if !which.tag_set {
            return false;
        }
        let paths = self.taxonomy_paths();
        let keep: BTreeSet<&String> = paths.iter().collect();
        for old in std::mem::take(&mut self.list_families[4]) {
            if !keep.contains(&old) {
                self.drop_list(&old);
            }
        }
        self.list_families[4] = paths;
        true
    }

    /// Replace family `f` by `pages`; returns whether its paths changed.
    fn replace_family(&mut self, f: usize, pages: Vec<ListPage>) -> bool {
        let paths: Vec<String> = pages.iter().map(|l| l.path.clone()).collect();
        let keep: BTreeSet<&String> = paths.iter().collect();
        let old = std::mem::take(&mut self.list_families[f]);
        for p in old.iter().filter(|p| !keep.contains(p)) {
            self.drop_list(p);
        }
        for l in pages {
            self.put_list(l);
        }
        let changed = old != paths;
        self.list_families[f] = paths;
        changed
    }

    /// A list page, marked when it differs from the one at its path.
    fn put_list(&mut self, l: ListPage) {
        if self.lists.get(&l.path) != Some(&l) {
            self.dirty.insert(Fact::List(sym(&l.path)));
            if !self.lists.contains_key(&l.path) {
                self.claims.add(Claimant::List(l.path.clone()));
            }
            self.lists.insert(l.path.clone(), l);
        }
    }

    /// A list page that goes.
    fn drop_list(&mut self, path: &str) {
        if self.lists.remove(path).is_some() {
            self.claims.remove(&Claimant::List(path.to_string()));
            self.dirty.insert(Fact::List(sym(path)));
        }
    }
}
