//! Link step: from parsed pages to the site graph. Drops drafts and expired pages, assigns
//! output paths and refuses duplicates, groups lessons into series (checking their order),
//! splits events into current and past against an explicit `now`, builds tags and the
//! paginated list pages, places content files (images, PDFs), and resolves every link.
//! Every problem becomes a diagnostic; nothing here touches the disk or the clock.

pub mod build;
pub mod links;

use crate::fingerprint;

pub use build::{Build, Memo, Now, Settings, build, build_with};

use std::collections::{BTreeMap, BTreeSet};

use crate::fingerprint::{FastMap, FastSet};
use std::sync::Arc;

use jiff::ZonedDateTime;
use rayon::prelude::*;

use crate::config::Config;
use crate::content::Kind;
use crate::content::page::{Page, SectionIndex};
use crate::content::source::BinaryFile;
use crate::diag::Diagnostic;
use crate::markdown::LinkRef;
use crate::statute::numerals::ArticleNo;
use links::{AssetPlacement, Doc, IdSet, LinkIndex, Resolved, Target, folder_of, join_relative};

/// Settings of one build that do not come from files.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Publish drafts too.
    pub drafts: bool,
    /// "Now", for event status and expiry (fixed by `--now` for reproducible builds).
    pub now: ZonedDateTime,
}

/// Where an event stands relative to `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EventStatus {
    Upcoming,
    Ongoing,
    Past,
}

impl EventStatus {
    pub fn label(self) -> &'static str {
        match self {
            EventStatus::Upcoming => "即将开始",
            EventStatus::Ongoing => "正在进行",
            EventStatus::Past => "已结束",
        }
    }
}

/// A lesson series (one folder under `content/lessons/`).
#[derive(Debug, Clone)]
pub struct Series {
    pub dir: String,
    pub path: String,
    pub title: String,
    pub description: Option<String>,
    pub intro_html: String,
    pub order: Option<i64>,
    /// Lessons (page indexes) by `order`.
    pub lessons: Vec<usize>,
}

/// A tag and the pages that carry it (newest first).
#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
    pub slug: String,
    pub pages: Vec<usize>,
}

/// A section's title and intro (from its `_index.md`, or defaults).
#[derive(Debug, Clone, Default)]
pub struct SectionInfo {
    pub title: String,
    pub description: Option<String>,
    pub intro_html: String,
}

/// What a generated list page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListKind {
    Home,
    Articles,
    /// Current events on the first page, past events paginated.
    Events,
    LessonsIndex,
    Series(usize),
    TagsIndex,
    Tag(usize),
    /// Month calendars of the coming events (plain tables).
    EventsCalendar,
    /// Past events of one year.
    EventsYear(i16),
}

/// One generated list page (a page of a paginated list).
#[derive(Debug, Clone)]
pub struct ListPage {
    pub kind: ListKind,
    /// Site path, e.g. `articles/page/2/`.
    pub path: String,
    /// 1-based page number and page count.
    pub number: usize,
    pub total: usize,
    /// Path of each page of this list, for the paginator (shared by the pages of a list).
    pub page_paths: Arc<Vec<String>>,
    /// Fingerprint of `page_paths`.
    pub paths_fp: u64,
    /// Items on this page (page indexes).
    pub items: Vec<usize>,
}

/// The linked site: everything the render step needs.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    pub now: ZonedDateTime,
    /// Published pages.
    pub pages: Vec<Arc<Page>>,
    /// Final body HTML of each page (links resolved).
    pub html: Vec<Arc<str>>,
    /// Fingerprint of each page's final HTML (its file and where its links lead).
    pub html_fp: Vec<u64>,
    /// Resolved cover URL per page.
    pub covers: Vec<Option<String>>,
    pub articles: Vec<usize>,
    /// Upcoming and ongoing events, soonest first.
    pub events_current: Vec<usize>,
    /// Past events, latest first.
    pub events_past: Vec<usize>,
    pub event_status: FastMap<usize, EventStatus>,
    pub plain_pages: Vec<usize>,
    pub series: Vec<Series>,
    /// For each lesson: (series index, position in series).
    pub lesson_pos: FastMap<usize, (usize, usize)>,
    pub tags: Vec<Tag>,
    /// Section info by content folder (`""`, `articles`, `events`, `lessons`, `laws`…).
    pub sections: BTreeMap<String, SectionInfo>,
    pub lists: Vec<ListPage>,
    /// Content files to copy: site path → bytes.
    pub assets: BTreeMap<String, Arc<[u8]>>,
    /// Statute article (law index, article) → pages citing it (by title).
    pub cited_by: BTreeMap<(usize, ArticleNo), Vec<usize>>,
}

/// Inputs of the link step.
pub struct LinkInput<'a> {
    pub config: Config,
    pub pages: Vec<Arc<Page>>,
    pub sections: Vec<Arc<SectionIndex>>,
    pub assets: &'a [BinaryFile],
    /// Site paths of other generated files (static files, feeds, statute pages…), each with a
    /// description of where it comes from, for duplicate messages.
    pub other_paths: Vec<(String, String)>,
    /// Site paths with the ids they define (statute pages), so `#art-1043` links are checked.
    pub other_ids: Arc<Vec<(String, FastSet<String>)>>,
    /// Content files that failed to parse (their errors are reported already; links to them
    /// are not reported again).
    pub failed: FastSet<String>,
    /// Fingerprint of the settings links depend on (site.yaml).
    pub link_context: u64,
    /// Fingerprint of `other_paths` and `other_ids` (the statute library).
    pub other_fp: u64,
}

/// Is this page withdrawn at `now` (draft without `--drafts`, or past its `expires`)?
fn withdrawn_reason(p: &Page, opts: &BuildOptions) -> Option<&'static str> {
    if p.draft && !opts.drafts {
        return Some("草稿");
    }
    if p.expires.as_ref().is_some_and(|e| *e <= opts.now) {
        return Some("已过期");
    }
    None
}

/// When an event is over: its `end` (a date alone means the end of that day), else the end
/// of its start day.
pub fn event_end(p: &Page) -> Option<ZonedDateTime> {
    let ev = p.event.as_ref()?;
    let end_of_day = |z: &ZonedDateTime| {
        z.date()
            .tomorrow()
            .ok()
            .and_then(|d| d.to_zoned_datetime(z.time_zone().clone()).ok())
    };
    match (&ev.end, ev.end_has_time) {
        (Some(e), true) => Some(e.clone()),
        (Some(e), false) => end_of_day(e),
        (None, _) => end_of_day(&ev.start),
    }
}

fn status_of(p: &Page, now: &ZonedDateTime) -> EventStatus {
    let Some(ev) = &p.event else {
        return EventStatus::Past;
    };
    if *now < ev.start {
        EventStatus::Upcoming
    } else if event_end(p).is_some_and(|e| *now < e) {
        EventStatus::Ongoing
    } else {
        EventStatus::Past
    }
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

fn date_key(p: &Page) -> Option<jiff::Timestamp> {
    p.date.as_ref().map(ZonedDateTime::timestamp)
}

/// Sort page indexes by a key computed once per page (computing instants is not free).
fn sort_pages<K: Ord>(items: &mut [usize], key: impl Fn(usize) -> K) {
    let mut keyed: Vec<(K, usize)> = items.iter().map(|&i| (key(i), i)).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    for (slot, (_, i)) in items.iter_mut().zip(keyed) {
        *slot = i;
    }
}

/// What the link step keeps between rebuilds: each page's final HTML, cover and link
/// problems, with the fingerprints they were made from; and the whole graph (lists, tags,
/// series, where every path leads) with the fingerprint of everything it was made from —
/// every page's front matter, links, ids and citations, but not the rest of its body. An
/// edit to a body reuses the graph and only finishes the page that changed.
#[derive(Default)]
pub struct LinkMemo {
    /// Keep results for the next build.
    pub keep: bool,
    finished: FastMap<String, FinishedPage>,
    skeleton: Option<Arc<Skeleton>>,
}

struct Skeleton {
    fp: u64,
    index: LinkIndex,
    universe: u64,
    site: Site,
    /// Problems found outside the pages' own links.
    diags: Vec<Diagnostic>,
}

#[derive(Debug)]
struct FinishedPage {
    /// The page's file.
    page: u64,
    /// Everything its links could lead to.
    universe: u64,
    /// The file and where its links actually led.
    key: u64,
    html: Arc<str>,
    cover: Option<String>,
    diags: Vec<Diagnostic>,
}

/// Build the site graph. Returns the site, or every error found (warnings ride along in
/// both cases).
pub fn link(
    input: LinkInput<'_>,
    opts: &BuildOptions,
    memo: &mut LinkMemo,
) -> (Option<Site>, Vec<Diagnostic>) {
    let LinkInput {
        config,
        pages: all_pages,
        sections: section_indexes,
        assets,
        other_paths,
        other_ids,
        failed,
        link_context,
        other_fp,
    } = input;
    let mut diags = Vec::new();

    // 1. Published pages only.
    let mut withdrawn = FastMap::default();
    let mut withdrawn_pages = Vec::new();
    let mut pages = Vec::new();
    for p in all_pages {
        match withdrawn_reason(&p, opts) {
            Some(why) => {
                withdrawn.insert(p.source.clone(), why);
                withdrawn_pages.push(p);
            }
            None => pages.push(p),
        }
    }
    pages.sort_by(|a, b| a.source.cmp(&b.source));

    // Everything the graph is made from, bodies aside.
    let structure = {
        let mut parts = vec![
            link_context,
            other_fp,
            fingerprint::of(&other_paths),
            u64::from(opts.drafts),
        ];
        for p in pages.iter().chain(withdrawn_pages.iter()) {
            parts.push(p.meta_fp);
            parts.push(match status_of(p, &opts.now) {
                _ if p.event.is_none() => 0,
                EventStatus::Upcoming => 1,
                EventStatus::Ongoing => 2,
                EventStatus::Past => 3,
            });
        }
        parts.push(fingerprint::of(&withdrawn.keys().collect::<BTreeSet<_>>()));
        for s in &section_indexes {
            parts.push(s.fp);
        }
        for a in assets {
            // The memo keeps the old bytes alive, so an address is never reused for new ones.
            parts.push(fingerprint::of(&a.rel));
            parts.push(Arc::as_ptr(&a.bytes) as *const u8 as usize as u64);
            parts.push(a.bytes.len() as u64);
        }
        parts.push(fingerprint::of(&failed.iter().collect::<BTreeSet<_>>()));
        fingerprint::combine(&parts)
    };
    if let Some(sk) = memo.skeleton.clone().filter(|sk| sk.fp == structure) {
        let (html, html_fp, covers, finish_diags) =
            finish_pages(&pages, &sk.index, sk.universe, memo);
        let mut site = sk.site.clone();
        site.now = opts.now.clone();
        site.pages = pages;
        site.html = html;
        site.html_fp = html_fp;
        site.covers = covers;
        let mut diags = sk.diags.clone();
        diags.extend(finish_diags);
        let ok = !diags.iter().any(Diagnostic::is_error);
        return (ok.then_some(site), diags);
    }

    // 2. Sections.
    let mut sections: BTreeMap<String, SectionInfo> = BTreeMap::new();
    let defaults = [
        ("", config.title.as_str()),
        ("articles", "普法动态"),
        ("events", "活动通知"),
        ("lessons", "法治小课堂"),
        ("tags", "标签"),
        ("laws", "法律法规库"),
    ];
    for (dir, title) in defaults {
        sections.insert(
            dir.to_string(),
            SectionInfo {
                title: title.to_string(),
                ..Default::default()
            },
        );
    }

    // 3. Lesson series.
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
                        .with_source_line(&b.text, 0)
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

    // 4. Kinds, sorted.
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
        let st = status_of(&pages[i], &opts.now);
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

    // 5. Tags: one per slug; different spellings of one slug are merged with a warning.
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
                let line = crate::content::front_matter::key_position(&pages[i].text, 1, "tags")
                    .map_or(1, |p| p.0);
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
    let tags: Vec<Tag> = tag_map.into_values().collect();

    // 6. List pages.
    let size = config.page_size;
    let mut lists = vec![ListPage {
        kind: ListKind::Home,
        path: String::new(),
        number: 1,
        total: 1,
        page_paths: Arc::new(vec![String::new()]),
        paths_fp: 0,
        items: vec![],
    }];
    lists.extend(paginate(ListKind::Articles, "articles/", &articles, size));
    lists.extend(paginate(ListKind::Events, "events/", &events_past, size));
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
    for &i in &events_past {
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

    // 7. Content files: beside the pages of their folder that use them, else mirrored.
    let asset_set: FastMap<&str, &BinaryFile> =
        assets.iter().map(|a| (a.rel.as_str(), a)).collect();
    let mut placements: FastMap<String, AssetPlacement> = FastMap::default();
    let mut refs_of = |source: &str, path: &str, link: &LinkRef| {
        let dest = link.dest.trim();
        if crate::markdown::is_external(dest) || dest.starts_with('/') || dest.starts_with('#') {
            return;
        }
        let dec = crate::text::decode_percent(dest.split(['#', '?']).next().unwrap_or(""));
        let folder = folder_of(source);
        if let Some(j) = join_relative(folder, &dec)
            && asset_set.contains_key(j.as_str())
            && folder_of(&j) == folder
        {
            let name = j.rsplit('/').next().unwrap_or(&j).to_string();
            placements
                .entry(j.clone())
                .or_default()
                .beside
                .insert(path.to_string(), format!("{path}{name}"));
        }
    };
    for p in &pages {
        for l in p.body.links.iter().chain(p.cover.iter()) {
            refs_of(&p.source, &p.path, l);
        }
    }
    // Files that only a withdrawn page uses (or that sit in a withdrawn page's own folder)
    // are withdrawn with it — unless a published page links them too.
    let refs_from = |p: &Arc<Page>| -> Vec<String> {
        let folder = folder_of(&p.source);
        p.body
            .links
            .iter()
            .chain(p.cover.iter())
            .filter(|l| {
                let d = l.dest.trim();
                !crate::markdown::is_external(d) && !d.starts_with('/') && !d.starts_with('#')
            })
            .filter_map(|l| {
                let dec = crate::text::decode_percent(
                    l.dest.trim().split(['#', '?']).next().unwrap_or(""),
                );
                join_relative(folder, &dec)
            })
            .collect()
    };
    let published_refs: FastSet<String> = pages.iter().flat_map(refs_from).collect();
    let withdrawn_refs: FastSet<String> = withdrawn_pages.iter().flat_map(refs_from).collect();
    let withdrawn_bundles: Vec<String> = withdrawn_pages
        .iter()
        .filter(|p| p.source.ends_with("/index.md"))
        .map(|p| format!("{}/", folder_of(&p.source)))
        .collect();
    let withdrawn_paths: FastSet<String> = withdrawn_pages.iter().map(|p| p.path.clone()).collect();
    let mut out_assets: BTreeMap<String, Arc<[u8]>> = BTreeMap::new();
    let mut asset_sources: BTreeMap<String, String> = BTreeMap::new();
    for a in assets {
        let only_withdrawn = !published_refs.contains(&a.rel)
            && (withdrawn_refs.contains(&a.rel)
                || withdrawn_bundles
                    .iter()
                    .any(|b| a.rel.starts_with(b.as_str())));
        if only_withdrawn {
            continue;
        }
        let mirrored = a.rel.strip_prefix("content/").unwrap_or(&a.rel).to_string();
        let place = placements.entry(a.rel.clone()).or_default();
        let mut beside: Vec<&String> = place.beside.values().collect();
        beside.sort();
        place.main = beside.first().map_or(mirrored, |s| (*s).clone());
        for p in place.beside.values().chain(std::iter::once(&place.main)) {
            out_assets.insert(p.clone(), a.bytes.clone());
            asset_sources.insert(p.clone(), a.rel.clone());
        }
    }

    // 8. Every output file once. Generated pages and files claim first, so a clash names
    // the user's file.
    enum What<'a> {
        List,
        Other(&'a str),
        Page(usize),
        Asset(&'a str),
    }
    struct Owner<'a> {
        site_path: &'a str,
        what: What<'a>,
    }
    let describe = |o: &Owner<'_>| -> String {
        match &o.what {
            What::List => format!("自动生成的列表页 /{}", o.site_path),
            What::Other(d) => (*d).to_string(),
            What::Page(i) => pages[*i].source.clone(),
            What::Asset(src) => format!("附件 {src}"),
        }
    };
    // A page `about/` and a file `about/index.html` are the same output file.
    let key_of = |p: &str| -> String {
        match p.strip_suffix("index.html") {
            Some(dir) if dir.is_empty() || dir.ends_with('/') => dir.to_string(),
            _ => p.to_string(),
        }
    };
    let mut owners: FastMap<String, Owner<'_>> = FastMap::with_capacity_and_hasher(
        pages.len() + lists.len() + other_paths.len(),
        Default::default(),
    );
    // Where a page's URL comes from: its `slug:` line, or the file name (line 1).
    let slug_line =
        |i: usize| crate::content::front_matter::key_position(&pages[i].text, 1, "slug");
    let mut claims: Vec<Owner<'_>> = Vec::with_capacity(owners.capacity());
    claims.extend(lists.iter().map(|l| Owner {
        site_path: &l.path,
        what: What::List,
    }));
    claims.extend(other_paths.iter().map(|(path, origin)| Owner {
        site_path: path,
        what: What::Other(origin),
    }));
    claims.extend(pages.iter().enumerate().map(|(i, p)| Owner {
        site_path: &p.path,
        what: What::Page(i),
    }));
    claims.extend(asset_sources.iter().map(|(path, source)| Owner {
        site_path: path,
        what: What::Asset(source),
    }));
    for new in claims {
        let key = key_of(new.site_path);
        let Some(old) = owners.get(&key) else {
            owners.insert(key, new);
            continue;
        };
        let shown = format!("/{}", new.site_path);
        let page_of = |o: &Owner<'_>| match o.what {
            What::Page(i) => Some(i),
            _ => None,
        };
        // Point at the page whose explicit slug caused the clash, if one has it.
        let (here, there) = match (page_of(&new), page_of(old)) {
            (Some(i), Some(j)) if slug_line(i).is_none() && slug_line(j).is_some() => {
                (Some(j), Some(i))
            }
            other => other,
        };
        let file = match &new.what {
            What::Page(i) => Some(pages[*i].source.as_str()),
            What::Asset(src) => Some(*src),
            What::Other(d) => d.strip_prefix("文件 "),
            What::List => None,
        };
        let d = match (here, file) {
            (Some(i), _) => {
                let (line, col) = slug_line(i).unwrap_or((1, 0));
                let msg = if there.is_some() {
                    format!("两个页面的网址相同：{shown}")
                } else {
                    format!("这个页面的网址 {shown} 和{}重复了", describe(old))
                };
                Diagnostic::error(msg)
                    .in_file(&pages[i].source)
                    .at(line, col)
                    .with_source_line(&pages[i].text, 0)
            }
            (None, Some(f)) => {
                Diagnostic::error(format!("文件会写到 {shown}，但那里已经有{}", describe(old)))
                    .in_file(f)
            }
            (None, None) => Diagnostic::error(format!("网址 {shown} 被占用了两次")),
        };
        let other = match there {
            Some(j) => pages[j].source.clone(),
            None => describe(old),
        };
        diags.push(d.with_hint(format!(
            "另一个是 {other}。请修改其中一个的文件名，或在元数据里写不同的 slug。"
        )));
    }

    // 9. Resolve links (in parallel) and covers.
    let mut paths: FastMap<String, Target> =
        FastMap::with_capacity_and_hasher(owners.len(), Default::default());
    for o in owners.values() {
        paths.insert(o.site_path.to_string(), Target::Other);
    }
    for (i, p) in pages.iter().enumerate() {
        paths.insert(p.path.clone(), Target::Page(i));
    }
    let mut page_ids: Vec<IdSet> = pages.iter().map(|p| IdSet::Page(p.clone())).collect();
    for (k, (path, _)) in other_ids.iter().enumerate() {
        let n = page_ids.len();
        page_ids.push(IdSet::Law(other_ids.clone(), k));
        paths.insert(path.clone(), Target::Page(n));
    }
    let mut sources: FastMap<String, String> = pages
        .iter()
        .map(|p| (p.source.clone(), p.path.clone()))
        .collect();
    let section_paths: Vec<String> = section_indexes
        .iter()
        .map(|s| {
            if s.dir.is_empty() {
                String::new()
            } else {
                format!("{}/", s.dir)
            }
        })
        .collect();
    for (s, path) in section_indexes.iter().zip(&section_paths) {
        if paths.contains_key(path.as_str()) {
            sources
                .entry(s.source.clone())
                .or_insert_with(|| path.clone());
        } else {
            diags.push(
                Diagnostic::warning("这个文件夹没有自己的列表页，_index.md 的内容不会显示")
                    .in_file(&s.source)
                    .with_hint("只有首页、articles/、events/、lessons/、lessons/系列/ 和 laws/ 有列表页。要写一个独立的页面，请把文件改名为 页面名.md。"),
            );
        }
    }
    let index = LinkIndex {
        base_path: config.base_path.clone(),
        paths,
        sources,
        withdrawn,
        withdrawn_paths,
        failed,
        page_ids,
        assets: placements,
    };
    // A page's final HTML depends only on its own file and where its links can lead (the
    // "universe": every path, the ids of every page, what is withdrawn or broken, where
    // files are placed). When neither changed, the previous build's result is reused.
    let universe = {
        let mut u: u64 = fingerprint::combine(&[link_context, other_fp]);
        for (path, t) in &index.paths {
            let target = match t {
                Target::Page(i) if *i < pages.len() => fingerprint::of(&pages[*i].body.ids),
                Target::Page(i) => *i as u64,
                Target::Other => 1,
            };
            u = u.wrapping_add(fingerprint::combine(&[fingerprint::of(path), target]));
        }
        for k in index.withdrawn.keys() {
            u = u.wrapping_add(fingerprint::of(&("withdrawn", k)));
        }
        for k in &index.withdrawn_paths {
            u = u.wrapping_add(fingerprint::of(&("withdrawn path", k)));
        }
        for k in &index.failed {
            u = u.wrapping_add(fingerprint::of(&("failed", k)));
        }
        for (k, a) in &index.assets {
            let mut beside: Vec<_> = a.beside.iter().collect();
            beside.sort();
            u = u.wrapping_add(fingerprint::of(&(k, &a.main, beside)));
        }
        u
    };
    let (html, html_fp, covers, finish_diags) = finish_pages(&pages, &index, universe, memo);
    for s in &section_indexes {
        let path = if s.dir.is_empty() {
            String::new()
        } else {
            format!("{}/", s.dir)
        };
        let doc = Doc {
            source: &s.source,
            path: &path,
            own_ids: &s.intro.ids,
        };
        let (html, d) = index.finish(&doc, &s.intro, &s.text);
        diags.extend(d);
        let info = SectionInfo {
            title: s.title.clone(),
            description: s.description.clone(),
            intro_html: html,
        };
        if let Some(rest) = s.dir.strip_prefix("lessons/")
            && let Some(ser) = series.iter_mut().find(|x| x.dir == rest)
        {
            ser.intro_html = info.intro_html.clone();
        }
        sections.insert(s.dir.clone(), info);
    }

    let mut cited_by: BTreeMap<(usize, ArticleNo), Vec<usize>> = BTreeMap::new();
    for (i, p) in pages.iter().enumerate() {
        for c in &p.citations {
            cited_by.entry((c.law, c.article)).or_default().push(i);
        }
    }
    for v in cited_by.values_mut() {
        v.sort_by(|&a, &b| pages[a].title.cmp(&pages[b].title).then(a.cmp(&b)));
        v.dedup();
    }

    // The menu: internal entries must lead somewhere (default entries without a page are
    // dropped; written ones are errors located in site.yaml).
    let mut menu = Vec::new();
    for item in config.menu.clone() {
        let url = item.url.trim();
        if crate::markdown::is_external(url) || url.starts_with('#') {
            menu.push(item);
            continue;
        }
        let path = crate::text::decode_percent(url.trim_start_matches('/'));
        let path = path.split('#').next().unwrap_or("").to_string();
        let known = index.paths.contains_key(path.as_str())
            || index
                .paths
                .contains_key(format!("{}/", path.trim_end_matches('/')).as_str());
        if known {
            menu.push(item);
        } else if !config.menu_is_default {
            let line = config
                .source_text
                .lines()
                .position(|l| l.contains(&item.url))
                .map_or(config.line_of("menu"), |i| i + 1);
            diags.push(
                Diagnostic::error(format!(
                    "菜单项 “{}” 指向的页面 {} 不存在",
                    item.name, item.url
                ))
                .in_file(crate::config::CONFIG_FILE)
                .at(line, 0)
                .with_source_line(&config.source_text, 0)
                .with_hint(
                    "菜单的 url 写本站页面的网址（例如 /articles/、/about/），或完整的外部网址。",
                ),
            );
        }
    }
    // Contact links: site paths get the base path; only safe schemes are allowed.
    let mut contact = config.contact.clone();
    for (key, link) in [
        ("complaint", &mut contact.complaint),
        ("survey", &mut contact.survey),
    ] {
        let Some(l) = link.as_mut() else { continue };
        let Some(url) = l.url.clone() else { continue };
        let url = url.trim().to_string();
        let line = config
            .source_text
            .lines()
            .position(|x| x.contains(&url))
            .map_or(config.line_of("contact"), |i| i + 1);
        let err = |msg: String| {
            Diagnostic::error(msg)
                .in_file(crate::config::CONFIG_FILE)
                .at(line, 0)
                .with_source_line(&config.source_text, 0)
                .with_hint("写本站页面的网址（如 /contact/）、完整的网址（https://…）、电话（tel:12345）或邮箱（mailto:…）。")
        };
        if crate::markdown::is_external(&url) {
            let scheme = url.split(':').next().unwrap_or("").to_ascii_lowercase();
            if !matches!(scheme.as_str(), "http" | "https" | "mailto" | "tel" | "sms") {
                diags.push(err(format!(
                    "联系方式 {key} 的链接 “{url}” 不安全或无法打开"
                )));
            }
        } else {
            let path = crate::text::decode_percent(url.trim_start_matches('/'));
            let path = path.split('#').next().unwrap_or("").to_string();
            if index.paths.contains_key(path.as_str())
                || index
                    .paths
                    .contains_key(format!("{}/", path.trim_end_matches('/')).as_str())
            {
                l.url = Some(config.link(&path));
            } else {
                diags.push(err(format!("联系方式 {key} 的链接指向的页面 {url} 不存在")));
            }
        }
    }
    let mut config = config;
    config.menu = menu;
    config.contact = contact;

    let index = if memo.keep {
        Some(index)
    } else {
        // A one-off build frees the bodies with tokens now that the final HTML exists.
        drop(index);
        for p in pages.iter_mut() {
            if let Some(p) = Arc::get_mut(p) {
                p.body.html = String::new();
            }
        }
        None
    };
    let ok = !diags.iter().chain(&finish_diags).any(Diagnostic::is_error);
    let site = ok.then(|| Site {
        config,
        now: opts.now.clone(),
        pages,
        html,
        html_fp,
        covers,
        articles,
        events_current,
        events_past,
        event_status,
        plain_pages,
        series,
        lesson_pos,
        tags,
        sections,
        lists,
        assets: out_assets,
        cited_by,
    });
    memo.skeleton = site.as_ref().zip(index).map(|(site, index)| {
        Arc::new(Skeleton {
            fp: structure,
            index,
            universe,
            site: site.clone(),
            diags: diags.clone(),
        })
    });
    diags.extend(finish_diags);
    (site, diags)
}

/// Final HTML, its fingerprint and the cover URL of every page, and the problems of their
/// links. A page whose file and link universe are unchanged keeps its previous result.
#[allow(clippy::type_complexity)]
fn finish_pages(
    pages: &[Arc<Page>],
    index: &LinkIndex,
    universe: u64,
    memo: &mut LinkMemo,
) -> (
    Vec<Arc<str>>,
    Vec<u64>,
    Vec<Option<String>>,
    Vec<Diagnostic>,
) {
    // (final HTML, its fingerprint, cover URL, problems) of each page.
    type Finished = (Arc<str>, u64, Option<String>, Vec<Diagnostic>);
    let old = &memo.finished;
    let finished: Vec<Finished> = pages
        .par_iter()
        .map(|p| {
            if let Some(f) = old.get(&p.source)
                && f.page == p.fp
                && f.universe == universe
            {
                return (f.html.clone(), f.key, f.cover.clone(), f.diags.clone());
            }
            let doc = Doc {
                source: &p.source,
                path: &p.path,
                own_ids: &p.body.ids,
            };
            let (resolved, mut d) = index.resolve_all(&doc, &p.body, &p.text);
            let key = fingerprint::combine(&[p.fp, fingerprint::of(&resolved)]);
            let html = match old.get(&p.source) {
                Some(f) if f.key == key => f.html.clone(),
                _ => Arc::from(links::substitute(&p.body, &resolved)),
            };
            let cover = p.cover.as_ref().and_then(|c| match index.resolve(&doc, c) {
                Ok(Resolved::Href(h)) => Some(h),
                Ok(Resolved::Withdrawn | Resolved::Failed) => None,
                Err(e) => {
                    d.push(
                        e.in_file(&p.source)
                            .at(c.line, c.col)
                            .with_source_line(&p.text, 0),
                    );
                    None
                }
            });
            (html, key, cover, d)
        })
        .collect();
    let mut covers = Vec::with_capacity(pages.len());
    let mut html = Vec::with_capacity(pages.len());
    let mut html_fp = Vec::with_capacity(pages.len());
    let mut diags = Vec::new();
    // Keep the memo up to date: changed pages in, pages that are gone out.
    let unchanged = pages.len() == memo.finished.len();
    for (p, (h, key, cover, d)) in pages.iter().zip(finished) {
        let same = memo
            .finished
            .get(&p.source)
            .is_some_and(|f| f.page == p.fp && f.universe == universe);
        if !same && memo.keep {
            memo.finished.insert(
                p.source.clone(),
                FinishedPage {
                    page: p.fp,
                    universe,
                    key,
                    html: h.clone(),
                    cover: cover.clone(),
                    diags: d.clone(),
                },
            );
        }
        html.push(h);
        html_fp.push(key);
        covers.push(cover);
        diags.extend(d);
    }
    if !unchanged || memo.finished.len() != pages.len() {
        let live: FastSet<&str> = pages.iter().map(|p| p.source.as_str()).collect();
        memo.finished.retain(|k, _| live.contains(k.as_str()));
    }
    (html, html_fp, covers, diags)
}
