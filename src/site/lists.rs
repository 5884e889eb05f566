//! Link step, list pages: the home page, paginated articles and past events, the month
//! calendar and year archives, the lessons index and each series, the tag index and tags.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::graph::Kinds;
use super::{ListKind, ListPage, Series, Tag};
use crate::content::page::Page;
use crate::fingerprint;

pub(super) fn list_pages(
    pages: &[Arc<Page>],
    kinds: &Kinds,
    series: &[Series],
    tags: &[Tag],
    size: usize,
) -> Vec<ListPage> {
    let Kinds {
        articles,
        events_current,
        events_past,
        ..
    } = kinds;
    let mut lists = vec![ListPage {
        kind: ListKind::Home,
        path: String::new(),
        number: 1,
        total: 1,
        page_paths: Arc::new(vec![String::new()]),
        paths_fp: 0,
        items: vec![],
    }];
    lists.extend(paginate(ListKind::Articles, "articles/", articles, size));
    lists.extend(paginate(ListKind::Events, "events/", events_past, size));
    let one = |kind: ListKind, path: String, items: Vec<usize>| ListPage {
        kind,
        page_paths: Arc::new(vec![path.clone()]),
        path,
        number: 1,
        total: 1,
        paths_fp: 0,
        items,
    };
    let mut calendar_items = events_current.clone();
    calendar_items.extend(events_past.iter().copied());
    lists.push(one(
        ListKind::EventsCalendar,
        "events/calendar/".into(),
        calendar_items,
    ));
    // Past events, one archive page per year (newest year first).
    let mut years: BTreeMap<i16, Vec<usize>> = BTreeMap::new();
    for &i in events_past {
        if let Some(ev) = &pages[i].event {
            years.entry(ev.start.year()).or_default().push(i);
        }
    }
    for (year, items) in years.into_iter().rev() {
        lists.push(one(
            ListKind::EventsYear(year),
            format!("events/{year}/"),
            items,
        ));
    }
    lists.push(ListPage {
        kind: ListKind::LessonsIndex,
        path: "lessons/".into(),
        number: 1,
        total: 1,
        page_paths: Arc::new(vec!["lessons/".into()]),
        paths_fp: 0,
        items: vec![],
    });
    for (si, s) in series.iter().enumerate() {
        lists.push(ListPage {
            kind: ListKind::Series(si),
            path: s.path.clone(),
            number: 1,
            total: 1,
            page_paths: Arc::new(vec![s.path.clone()]),
            paths_fp: 0,
            items: s.lessons.clone(),
        });
    }
    lists.push(ListPage {
        kind: ListKind::TagsIndex,
        path: "tags/".into(),
        number: 1,
        total: 1,
        page_paths: Arc::new(vec!["tags/".into()]),
        paths_fp: 0,
        items: vec![],
    });
    // A tag page lists every page with the tag, compactly, on one page.
    for (ti, t) in tags.iter().enumerate() {
        let path = format!("tags/{}/", t.slug);
        lists.push(ListPage {
            kind: ListKind::Tag(ti),
            path: path.clone(),
            number: 1,
            total: 1,
            page_paths: Arc::new(vec![path]),
            paths_fp: 0,
            items: t.pages.clone(),
        });
    }

    lists
}

/// Split `items` into pages of `size` at `base`, `base/page/2/`, …
fn paginate(kind: ListKind, base: &str, items: &[usize], size: usize) -> Vec<ListPage> {
    let chunks: Vec<Vec<usize>> = if items.is_empty() {
        vec![vec![]]
    } else {
        items.chunks(size.max(1)).map(<[usize]>::to_vec).collect()
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
    let paths_fp = fingerprint::of(&*page_paths);
    chunks
        .into_iter()
        .enumerate()
        .map(|(i, items)| ListPage {
            kind: kind.clone(),
            path: page_paths[i].clone(),
            number: i + 1,
            total,
            page_paths: page_paths.clone(),
            paths_fp,
            items,
        })
        .collect()
}
