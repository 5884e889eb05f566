//! Link step: from parsed pages to the site graph. Drops drafts and expired pages, assigns
//! output paths and refuses duplicates, groups lessons into series (checking their order),
//! splits events into current and past against an explicit `now`, builds tags and the
//! paginated list pages, places content files (images, PDFs), and resolves every link.
//! Every problem becomes a diagnostic; nothing here touches the disk or the clock.

mod files;
mod graph;
pub mod links;
mod lists;
mod menu;

use crate::fingerprint;

use std::collections::{BTreeMap, BTreeSet};

use crate::fingerprint::{FastMap, FastSet};
use std::sync::Arc;

use jiff::ZonedDateTime;
use rayon::prelude::*;

use crate::config::Config;
use crate::content::page::{Page, SectionIndex};
use crate::content::source::BinaryFile;
use crate::diag::Diagnostic;
use crate::statute::numerals::ArticleNo;
use links::{Doc, IdSet, LinkIndex, Resolved, Target};

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
    pub cited_by: FastMap<(usize, ArticleNo), Vec<usize>>,
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
    let mut clock = crate::timings::Phase::start();

    // Published pages only.
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

    let structure = structure_fp(
        &StructureInput {
            link_context,
            other_fp,
            other_paths: &other_paths,
            pages: &pages,
            withdrawn_pages: &withdrawn_pages,
            withdrawn: &withdrawn,
            section_indexes: &section_indexes,
            assets,
            failed: &failed,
        },
        opts,
    );
    clock.done("  structure fp");
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

    let (mut series, lesson_pos) = graph::series_of(&pages, &section_indexes, &mut diags);
    let kinds = graph::kinds_of(&pages, &opts.now);
    let tags = graph::tags_of(&pages, &mut diags);
    clock.done("  series, kinds, tags");
    let lists = lists::list_pages(&pages, &kinds, &series, &tags, config.page_size);
    let placed = files::place_files(&pages, &withdrawn_pages, assets);
    let withdrawn_paths: FastSet<String> = withdrawn_pages.iter().map(|p| p.path.clone()).collect();
    let outputs = files::claim_outputs(
        &pages,
        &lists,
        &other_paths,
        &placed.asset_sources,
        &mut diags,
    );
    clock.done("  lists, files, outputs");

    // Resolve links (in parallel) and covers.
    let mut paths: FastMap<String, Target> =
        FastMap::with_capacity_and_hasher(outputs.len(), Default::default());
    for o in outputs {
        paths.insert(o.to_string(), Target::Other);
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
        assets: placed.placements,
    };
    clock.done("  index");
    // A page's final HTML depends only on its own file and where its links can lead (the
    // "universe"); when neither changed, the previous build's result is reused.
    let universe = index.universe(&pages, link_context, other_fp);
    clock.done("  universe");
    let (html, html_fp, covers, finish_diags) = finish_pages(&pages, &index, universe, memo);
    clock.done("  finish pages");
    let sections = sections_of(
        &config.title,
        &section_indexes,
        &index,
        &mut series,
        &mut diags,
    );
    let cited_by = cited_by(&pages);
    clock.done("  sections, cited_by");
    let menu = menu::checked_menu(&config, &index, &mut diags);
    let contact = menu::resolved_contact(&config, &index, &mut diags);
    let mut config = config;
    config.menu = menu;
    config.contact = contact;
    let index = if memo.keep {
        Some(index)
    } else {
        // A one-off build frees the bodies with tokens now that the final HTML exists, and
        // the files' text, which only diagnostics quote (its last owner when the build was
        // given the sources: see `build_owned`). Freed here, on one thread, the memory is
        // reused by the render step; freed by the workers as they go, it was not, and the
        // peak grew by 40 MiB.
        drop(index);
        for p in pages.iter_mut() {
            if let Some(p) = Arc::get_mut(p) {
                p.body.html = String::new();
                p.text = Arc::from("");
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
        articles: kinds.articles,
        events_current: kinds.events_current,
        events_past: kinds.events_past,
        event_status: kinds.event_status,
        plain_pages: kinds.plain_pages,
        series,
        lesson_pos,
        tags,
        sections,
        lists,
        assets: placed.out_assets,
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

/// What the graph is made from, for [`structure_fp`].
struct StructureInput<'a> {
    link_context: u64,
    other_fp: u64,
    other_paths: &'a [(String, String)],
    pages: &'a [Arc<Page>],
    withdrawn_pages: &'a [Arc<Page>],
    withdrawn: &'a FastMap<String, &'static str>,
    section_indexes: &'a [Arc<SectionIndex>],
    assets: &'a [BinaryFile],
    failed: &'a FastSet<String>,
}

/// Fingerprint of everything the graph is made from, bodies aside: while it holds, a
/// rebuild reuses the graph and only finishes the pages that changed.
fn structure_fp(input: &StructureInput<'_>, opts: &BuildOptions) -> u64 {
    let StructureInput {
        link_context,
        other_fp,
        other_paths,
        pages,
        withdrawn_pages,
        withdrawn,
        section_indexes,
        assets,
        failed,
    } = input;
    let mut parts = vec![
        *link_context,
        *other_fp,
        fingerprint::of(other_paths),
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
    for s in section_indexes.iter() {
        parts.push(s.fp);
    }
    for a in assets.iter() {
        // The memo keeps the old bytes alive, so an address is never reused for new ones.
        parts.push(fingerprint::of(&a.rel));
        parts.push(Arc::as_ptr(&a.bytes) as *const u8 as usize as u64);
        parts.push(a.bytes.len() as u64);
    }
    parts.push(fingerprint::of(&failed.iter().collect::<BTreeSet<_>>()));
    fingerprint::combine(&parts)
}

/// Section titles and intros: defaults, overridden by each folder's `_index.md` (whose
/// links are resolved here); a series takes its folder's intro.
fn sections_of(
    site_title: &str,
    section_indexes: &[Arc<SectionIndex>],
    index: &LinkIndex,
    series: &mut [Series],
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, SectionInfo> {
    let mut sections: BTreeMap<String, SectionInfo> = BTreeMap::new();
    let defaults = [
        ("", site_title),
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

    for s in section_indexes {
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

    sections
}

/// Statute article → the pages citing it, by title.
fn cited_by(pages: &[Arc<Page>]) -> FastMap<(usize, ArticleNo), Vec<usize>> {
    let mut cited_by: FastMap<(usize, ArticleNo), Vec<usize>> = FastMap::default();
    for (i, p) in pages.iter().enumerate() {
        for c in &p.citations {
            cited_by.entry((c.law, c.article)).or_default().push(i);
        }
    }
    if cited_by.is_empty() {
        return cited_by;
    }
    // Every page's place in title order, worked out once: each list is then sorted by
    // comparing numbers, not titles.
    let mut order: Vec<usize> = (0..pages.len()).collect();
    order.sort_by(|&a, &b| pages[a].title.cmp(&pages[b].title).then(a.cmp(&b)));
    let mut rank = vec![0; pages.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i] = r;
    }
    for v in cited_by.values_mut() {
        v.sort_unstable_by_key(|&i| rank[i]);
        v.dedup();
    }

    cited_by
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
        .map(|page| finish_page(page, index, universe, old))
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

/// Resolve the links of one page and make its final HTML, reusing the previous build's
/// result when neither the page nor where its links can lead changed.
fn finish_page(
    p: &Page,
    index: &LinkIndex,
    universe: u64,
    old: &FastMap<String, FinishedPage>,
) -> (Arc<str>, u64, Option<String>, Vec<Diagnostic>) {
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
}
