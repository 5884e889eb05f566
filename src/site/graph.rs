//! Link step, grouping: lessons into series (checking their order), pages by kind (events
//! split into current and past against `now`), and tags (one per slug).

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::ZonedDateTime;

use super::{EventStatus, Series, Tag, date_key, sort_pages, status_of};
use crate::content::Kind;
use crate::content::page::{Page, SectionIndex};
use crate::diag::Diagnostic;
use crate::fingerprint::FastMap;

/// Each lesson's (series index, position in the series).
pub(super) type LessonPos = FastMap<usize, (usize, usize)>;

/// Lessons grouped by folder in `order` (a repeated order is an error); series sorted by
/// the `order` of their `_index.md`, then title.
pub(super) fn series_of(
    pages: &[Arc<Page>],
    section_indexes: &[Arc<SectionIndex>],
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Series>, LessonPos) {
    let mut series_map: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, p) in pages.iter().enumerate() {
        if let Some(l) = &p.lesson {
            series_map.entry(l.series_dir.clone()).or_default().push(i);
        }
    }
    let index_by_dir: FastMap<String, &Arc<SectionIndex>> =
        section_indexes.iter().map(|s| (s.dir.clone(), s)).collect();
    let mut series: Vec<Series> = Vec::new();
    for (dir, mut members) in series_map {
        members.sort_by_key(|&i| {
            let l = pages[i].lesson.as_ref();
            (l.map(|l| l.order).unwrap_or(0), pages[i].source.clone())
        });
        for w in members.windows(2) {
            let (a, b) = (&pages[w[0]], &pages[w[1]]);
            let (la, lb) = (a.lesson.as_ref(), b.lesson.as_ref());
            if let (Some(la), Some(lb)) = (la, lb)
                && la.order == lb.order
            {
                diags.push(
                        Diagnostic::error(format!(
                            "同一个系列里有两课的序号都是 order: {}",
                            lb.order
                        ))
                        .in_file(&b.source)
                        .at(lb.order_line, 0)
                        .quoting(b.quotes.line(lb.order_line), 0)
                        .with_hint(format!(
                            "另一课是 {}（第 {} 行）。每课的 order 要各不相同，按上课顺序写 1、2、3……",
                            a.source, la.order_line
                        )),
                    );
            }
        }
        let idx = index_by_dir.get(&format!("lessons/{dir}"));
        let first_name = members
            .iter()
            .find_map(|&i| pages[i].lesson.as_ref().and_then(|l| l.series_name.clone()));
        let title = idx
            .map(|s| s.title.clone())
            .filter(|t| !t.is_empty())
            .or(first_name)
            .unwrap_or_else(|| dir.clone());
        series.push(Series {
            path: format!("lessons/{dir}/"),
            dir,
            title,
            description: idx.and_then(|s| s.description.clone()),
            intro_html: String::new(),
            order: idx.and_then(|s| s.order),
            lessons: members,
        });
    }
    series.sort_by(|a, b| {
        (a.order.is_none(), a.order, &a.title, &a.dir).cmp(&(
            b.order.is_none(),
            b.order,
            &b.title,
            &b.dir,
        ))
    });
    let mut lesson_pos = FastMap::default();
    for (si, s) in series.iter().enumerate() {
        for (pos, &li) in s.lessons.iter().enumerate() {
            lesson_pos.insert(li, (si, pos));
        }
    }

    (series, lesson_pos)
}

/// Page indexes of each kind, in the order lists show them.
pub(super) struct Kinds {
    /// Newest first.
    pub articles: Vec<usize>,
    /// Upcoming and ongoing, soonest first.
    pub events_current: Vec<usize>,
    /// Latest first.
    pub events_past: Vec<usize>,
    pub event_status: FastMap<usize, EventStatus>,
    pub plain_pages: Vec<usize>,
}

pub(super) fn kinds_of(pages: &[Arc<Page>], now: &ZonedDateTime) -> Kinds {
    let mut articles: Vec<usize> = Vec::new();
    let mut events: Vec<usize> = Vec::new();
    let mut plain_pages: Vec<usize> = Vec::new();
    for (i, p) in pages.iter().enumerate() {
        match p.kind {
            Kind::Article => articles.push(i),
            Kind::Event => events.push(i),
            Kind::Page => plain_pages.push(i),
            Kind::Lesson => {}
        }
    }
    // Newest first; ties by source path (pages are in source order, so by index).
    sort_pages(&mut articles, |i| {
        (std::cmp::Reverse(date_key(&pages[i])), i)
    });
    let mut event_status = FastMap::default();
    let (mut events_current, mut events_past) = (Vec::new(), Vec::new());
    for &i in &events {
        let st = status_of(&pages[i], now);
        event_status.insert(i, st);
        if st == EventStatus::Past {
            events_past.push(i);
        } else {
            events_current.push(i);
        }
    }
    let start_of = |i: usize| pages[i].event.as_ref().map(|e| e.start.timestamp());
    sort_pages(&mut events_current, |i| (start_of(i), i));
    sort_pages(&mut events_past, |i| (std::cmp::Reverse(start_of(i)), i));

    Kinds {
        articles,
        events_current,
        events_past,
        event_status,
        plain_pages,
    }
}

/// Tags, one per slug, each with its pages newest first; different spellings of one slug
/// are merged with a warning.
pub(super) fn tags_of(pages: &[Arc<Page>], diags: &mut Vec<Diagnostic>) -> Vec<Tag> {
    let mut tag_map: BTreeMap<String, Tag> = BTreeMap::new();
    let mut newest_first: Vec<usize> = (0..pages.len()).collect();
    sort_pages(&mut newest_first, |i| {
        (std::cmp::Reverse(date_key(&pages[i])), i)
    });
    for &i in &newest_first {
        for (t, slug) in pages[i].tags.iter().zip(&pages[i].tag_slugs) {
            if !tag_map.contains_key(slug.as_str()) {
                tag_map.insert(
                    slug.clone(),
                    Tag {
                        name: t.clone(),
                        slug: slug.clone(),
                        pages: Vec::new(),
                    },
                );
            }
            let Some(entry) = tag_map.get_mut(slug.as_str()) else {
                continue;
            };
            if entry.name != *t {
                let line = crate::yaml::key_position(pages[i].quotes.head(), 1, "tags").map_or(1, |p| p.0);
                diags.push(
                    Diagnostic::warning(format!(
                        "标签 “{t}” 和 “{}” 的网址相同，已合并为一个标签",
                        entry.name
                    ))
                    .in_file(&pages[i].source)
                    .at(line, 0)
                    .with_hint("统一标签的写法（大小写、空格），避免读者看到两个相似的标签。"),
                );
            }
            // Pages come one at a time: a repeat can only be the page just added.
            if entry.pages.last() != Some(&i) {
                entry.pages.push(i);
            }
        }
    }
    tag_map.into_values().collect()
}
