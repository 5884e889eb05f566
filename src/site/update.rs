//! Link step, the update: bring the graph up to date with what changed in its inputs.
//!
//! Every page contributes entries to the graph's sets and indexes — its place in the
//! article or event order, its tags, its series, the articles it cites, its output path,
//! its source path in the link index, the content files it uses — all worked out by one
//! function, [`contributions`], from the page and its state alone. A changed page takes its
//! old contributions out and puts its new ones in, and notes which keys it touched; then
//! each touched key is made again from its members (a tag, a series, an order, a list
//! family, an output path, a content file's placement). A page's links are resolved again
//! when the page changed or when anything its last resolution asked the index about
//! changed (recorded as it ran). When the configuration, the statute library or
//! `--drafts` changed, every page is taken as changed.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use jiff::{Timestamp, ZonedDateTime};
use rayon::prelude::*;

use super::claims::Claimant;
use super::collections::Orders;
use super::files::Use;
use super::groups::{SERIES_PROBLEMS, TAG_PROBLEMS, date_key};
use super::links::{Doc, Resolved, relative_targets};
use super::lists::Families;
use super::state::{DateKey, LinkReader, PageState, Site, Slot};
use super::{SectionInfo, menu};
use crate::config::Config;
use crate::content::Kind;
use crate::content::page::{Page, SectionIndex};
use crate::diag::Diagnostic;
use crate::fingerprint::FastSet;
use crate::reads::{Fact, PageId, record_if, sym};
use crate::statute::LawLibrary;
use crate::statute::numerals::ArticleNo;

/// What a content file (Markdown, not the statute library) is, as the link step sees it.
#[derive(Debug, Clone)]
pub enum FileInput {
    /// A page; `ok` is false when it has errors of its own (its links are still checked).
    Page(Arc<Page>, bool),
    /// A section's `_index.md`.
    Section(Arc<SectionIndex>),
    /// A file that could not be read or parsed (its errors are reported already).
    Broken,
}

/// The inputs of one update.
pub struct LinkInput {
    pub config: Arc<Config>,
    /// Fingerprint of the configuration (site.yaml and the command line's overrides).
    pub config_fp: u64,
    pub library: Arc<LawLibrary>,
    pub library_fp: u64,
    /// Statute pages with the ids they define.
    pub law_ids: Arc<Vec<(String, FastSet<String>)>>,
    /// Site paths of the files the build makes besides pages and lists, each with where it
    /// comes from (for duplicate messages).
    pub other_paths: Vec<(String, String)>,
    pub now: ZonedDateTime,
    pub drafts: bool,
    /// Content files that changed since the last update: their new state (`None`: gone).
    /// Everything, on the first update.
    pub files: Vec<(String, Option<FileInput>)>,
    /// Content files other than Markdown that changed: their bytes (`None`: gone).
    pub assets: Vec<(String, Option<Arc<[u8]>>)>,
}

/// The problems an update found, by where they come from (kind, key); an origin with no
/// problems left comes with an empty list.
pub struct Outcome {
    pub problems: Vec<((u8, String), Vec<Diagnostic>)>,
}

/// Origin kinds of the link step's problems besides tags and series (see `groups.rs`).
const PAGE_PROBLEMS: u8 = 0;
const CLAIM_PROBLEMS: u8 = 3;
const SECTION_PROBLEMS: u8 = 4;
const MENU_PROBLEMS: u8 = 5;

/// The keys an update must make again.
#[derive(Default)]
struct Work {
    orders: Orders,
    lists: Families,
    tags: BTreeSet<String>,
    series: BTreeSet<String>,
    cited: BTreeSet<(usize, ArticleNo)>,
    sections: BTreeSet<String>,
    finish: BTreeSet<PageId>,
    problems: Vec<((u8, String), Vec<Diagnostic>)>,
}

/// A source path in the link index: its site path, why it is withdrawn, whether it is
/// broken, and the site path its withdrawn page would have.
type LinkEntry = (Option<String>, Option<&'static str>, bool, Option<String>);

/// One entry a page puts into the graph (see the module doc). Each carries everything the
/// values made from it read of the page, so two equal parts make the same graph.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Part {
    /// An instant at which the page's state or status changes.
    Boundary(Timestamp),
    /// The file has errors of its own.
    Broken,
    /// Withdrawn (why), with the site path it would have.
    Withdrawn(&'static str, String),
    /// A content file it links to, and how.
    Use(String, Use),
    /// The folder of a withdrawn page bundle.
    Bundle(String),
    /// Published at a site path, with the ids (anchors) it defines.
    Published(String, Vec<String>),
    Date(Timestamp),
    Article(DateKey),
    Event(Timestamp),
    Feed(usize, DateKey),
    /// A tag: slug, place, and the spellings of it the page uses (in its order).
    Tag(String, DateKey, Vec<String>),
    /// A lesson: series folder, order, the series name it gives, its date.
    Series(String, i64, Option<String>, Option<Timestamp>),
    /// A statute article it cites, with the page's title (the "cited by" order).
    Cited((usize, ArticleNo), String),
}

/// Everything a page in `state` puts into the graph, sorted.
fn parts(p: &Page, state: PageState, src: &Arc<str>, id: PageId) -> Vec<Part> {
    let mut v: Vec<Part> = p
        .expires
        .iter()
        .map(|e| Part::Boundary(e.timestamp()))
        .collect();
    match state {
        PageState::Broken => v.push(Part::Broken),
        PageState::Withdrawn(why) => {
            v.push(Part::Withdrawn(why, p.path.clone()));
            v.extend(relative_targets(p).map(|t| Part::Use(t, Use::Withdrawn)));
            if p.source.ends_with("/index.md") {
                v.push(Part::Bundle(format!(
                    "{}/",
                    super::links::folder_of(&p.source)
                )));
            }
        }
        PageState::Published => published_parts(p, src, id, &mut v),
    }
    v.sort();
    v.dedup();
    v
}

/// What a published page puts into the graph.
fn published_parts(p: &Page, src: &Arc<str>, id: PageId, v: &mut Vec<Part>) {
    v.push(Part::Published(p.path.clone(), p.body.ids.clone()));
    let key = date_key(p, src, id);
    if let Some(d) = &p.date {
        v.push(Part::Date(d.timestamp()));
        if p.kind != Kind::Page {
            v.push(Part::Feed(0, key.clone()));
            v.push(Part::Feed(feed_of(p.kind), key.clone()));
        }
    }
    if p.kind == Kind::Article {
        v.push(Part::Article(key.clone()));
    }
    if let Some(ev) = &p.event {
        v.push(Part::Event(ev.start.timestamp()));
        v.push(Part::Boundary(ev.start.timestamp()));
        v.extend(super::event_end(p).map(|e| Part::Boundary(e.timestamp())));
        // The day it drops out of the site's calendar file.
        let year = jiff::SignedDuration::from_hours(super::collections::CALENDAR_HOURS);
        v.push(Part::Boundary(ev.start.timestamp() + year));
    }
    for slug in super::groups::slugs_of(p) {
        let spellings: Vec<String> = p
            .tags
            .iter()
            .zip(&p.tag_slugs)
            .filter(|(_, s)| **s == slug)
            .map(|(t, _)| t.clone())
            .collect();
        v.push(Part::Tag(slug, key.clone(), spellings));
    }
    if let Some(l) = &p.lesson {
        let date = p.date.as_ref().map(|d| d.timestamp());
        v.push(Part::Series(
            l.series_dir.clone(),
            l.order,
            l.series_name.clone(),
            date,
        ));
    }
    v.extend(
        p.citations
            .iter()
            .map(|c| Part::Cited((c.law, c.article), p.title.clone())),
    );
    let folder = super::links::folder_of(&p.source);
    v.extend(relative_targets(p).map(|t| {
        let beside = (super::links::folder_of(&t) == folder).then(|| p.path.clone());
        Part::Use(t, Use::Published(beside))
    }));
}

/// Why a page is not published at `now`: a draft (without `--drafts`) or past `expires`.
pub fn withdrawn_reason(p: &Page, drafts: bool, now: &ZonedDateTime) -> Option<&'static str> {
    if p.draft && !drafts {
        return Some("草稿");
    }
    if p.expires.as_ref().is_some_and(|e| e <= now) {
        return Some("已过期");
    }
    None
}

fn feed_of(kind: Kind) -> usize {
    match kind {
        Kind::Article => 1,
        Kind::Event => 2,
        _ => 3,
    }
}

impl Site {
    /// Bring the graph up to date with `input`.
    pub fn update(&mut self, input: LinkInput) -> Outcome {
        let mut clock = crate::timings::Phase::start();
        // A first update makes everything: there is nothing to tell what changed.
        let first = !self.updated;
        self.dirty.switch(!first);
        let mut work = Work::default();
        let reset = input.config_fp != self.config_fp
            || input.library_fp != self.library_fp
            || input.drafts != self.drafts;
        let mut changed: BTreeSet<String> = input.files.iter().map(|f| f.0.clone()).collect();
        for (source, file) in input.files {
            match file {
                Some(f) => self.files.insert(source, f),
                None => self.files.remove(&source),
            };
        }
        for (rel, bytes) in input.assets {
            match bytes {
                Some(b) => self.files_state.bytes.insert(rel.clone(), b),
                None => self.files_state.bytes.remove(&rel),
            };
            self.files_state.dirty.insert(rel);
        }
        let old_now = std::mem::replace(&mut self.now, input.now);
        if self.now.date() != old_now.date() {
            self.touch(Fact::Today);
        }
        if self.now != old_now {
            self.touch(Fact::Now);
        }
        if reset {
            self.reset(
                &input.config,
                input.config_fp,
                input.library,
                input.library_fp,
                input.law_ids,
            );
            self.drafts = input.drafts;
            changed = self.files.keys().cloned().collect();
            let all: Vec<String> = self.files_state.bytes.keys().cloned().collect();
            self.files_state.dirty.extend(all);
            work.sections
                .extend(DEFAULT_SECTIONS.iter().map(|(d, _)| d.to_string()));
        } else if self.now != old_now {
            changed.extend(self.crossed(&old_now));
        }
        self.claims.set_others(input.other_paths);
        clock.done("  settings");
        for source in &changed {
            if first {
                self.replace_file(source, &mut work);
                if !self.keep {
                    // A one-off graph is never updated: the page's slot is its only home.
                    self.files.remove(source);
                }
                continue;
            }
            let before = self.link_entry(source);
            self.replace_file(source, &mut work);
            self.mark_link_entry(source, before);
        }
        clock.done("  place pages");
        self.settle(&mut work, reset);
        self.updated = true;
        Outcome {
            problems: work.problems,
        }
    }

    /// Forget everything derived (the settings changed): every page is placed again.
    fn reset(
        &mut self,
        config: &Arc<Config>,
        config_fp: u64,
        library: Arc<LawLibrary>,
        library_fp: u64,
        law_ids: Arc<Vec<(String, FastSet<String>)>>,
    ) {
        let mut fresh = Site::new(self.keep, config.clone(), self.now.clone());
        std::mem::swap(&mut fresh.files, &mut self.files);
        std::mem::swap(&mut fresh.ids, &mut self.ids);
        fresh.slots = (0..self.slots.len()).map(|_| None).collect();
        std::mem::swap(&mut fresh.files_state.bytes, &mut self.files_state.bytes);
        fresh.dirty = std::mem::take(&mut self.dirty);
        // Every fact is new: values read before the reset are all suspect.
        for id in 0..self.slots.len() as PageId {
            fresh.dirty.extend(page_facts(id));
        }
        fresh
            .dirty
            .extend([Fact::Config, Fact::Library, Fact::Assets, Fact::Published]);
        *self = fresh;
        self.raw_config = config.clone();
        self.config_fp = config_fp;
        self.library = library;
        self.library_fp = library_fp;
        self.law_pages = law_ids
            .iter()
            .enumerate()
            .map(|(k, (p, _))| (p.clone(), k))
            .collect();
        self.index.law_ids = law_ids;
        self.index.base_path = config.base_path.clone();
    }

    /// Sources of the pages whose state or status changes between `old` and now.
    fn crossed(&self, old: &ZonedDateTime) -> Vec<String> {
        let (a, b) = (old.timestamp(), self.now.timestamp());
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        self.boundaries
            .range((lo, 0)..=(hi, PageId::MAX))
            .filter_map(|(_, id)| self.slots.get(*id as usize)?.as_ref())
            .map(|s| s.source.to_string())
            .collect()
    }

    /// What the link index says about a source path (see [`Site::mark_link_entry`]).
    fn link_entry(&self, source: &str) -> LinkEntry {
        let withdrawn_at = self
            .ids
            .get(source)
            .and_then(|id| self.slots.get(*id as usize)?.as_ref())
            .filter(|s| matches!(s.state, PageState::Withdrawn(_)))
            .map(|s| s.page.path.clone());
        (
            self.index.sources.get(source).cloned(),
            self.index.withdrawn.get(source).copied(),
            self.index.failed.contains(source),
            withdrawn_at,
        )
    }

    /// Mark what changed in the link index about `source` (and the withdrawn paths its
    /// page had and has).
    fn mark_link_entry(&mut self, source: &str, before: LinkEntry) {
        let after = self.link_entry(source);
        if before.0.is_some() != after.0.is_some() {
            self.touch(Fact::LinkAllSources);
        }
        if before.0 != after.0 || before.1 != after.1 || before.2 != after.2 {
            self.touch(Fact::LinkSource(sym(source)));
        }
        if before.3 != after.3 {
            for p in before.3.iter().chain(&after.3) {
                self.touch(Fact::LinkPath(sym(p)));
            }
        }
    }

    /// Bring what the file at `source` puts into the graph up to date: take out the parts
    /// it no longer has, put in the new ones.
    fn replace_file(&mut self, source: &str, work: &mut Work) {
        if let Some(sec) = self.section_files_by_source.remove(source) {
            self.section_files.remove(&sec);
            note_section(work, &sec);
        }
        self.index.failed.remove(source);
        let old = self
            .ids
            .get(source)
            .and_then(|id| self.slots.get_mut(*id as usize)?.take());
        let new = self.new_slot(source, old.as_ref(), work);
        let id = self.ids.get(source).copied().unwrap_or(PageId::MAX);
        let old_parts = old
            .as_ref()
            .map_or_else(Vec::new, |s| parts(&s.page, s.state, &s.source, id));
        let new_parts = new
            .as_ref()
            .map_or_else(Vec::new, |s| parts(&s.page, s.state, &s.source, id));
        let src: Arc<str> = Arc::from(source);
        for part in old_parts
            .iter()
            .filter(|x| new_parts.binary_search(x).is_err())
        {
            self.apply(part, &src, id, false, work);
        }
        for part in new_parts
            .iter()
            .filter(|x| old_parts.binary_search(x).is_err())
        {
            self.apply(part, &src, id, true, work);
        }
        if old.is_some() && new.is_none() {
            self.dirty.extend(page_facts(id));
            work.problems
                .push(((PAGE_PROBLEMS, source.to_string()), Vec::new()));
            self.link_deps.remove(LinkReader::Page(id));
        }
        if let Some(slot) = new {
            let event = slot.page.event.is_some() && slot.state == PageState::Published;
            if slot.state == PageState::Withdrawn("草稿")
                || slot.state == PageState::Withdrawn("已过期")
            {
                work.problems
                    .push(((PAGE_PROBLEMS, source.to_string()), Vec::new()));
                self.link_deps.remove(LinkReader::Page(id));
            } else {
                work.finish.insert(id);
            }
            self.slots[id as usize] = Some(slot);
            if event && self.settle_status(id) {
                work.orders.events = true;
            }
        }
    }

    /// The slot the file at `source` has now (none unless it is a page), given the one it
    /// had; sections and broken files are noted here.
    fn new_slot(&mut self, source: &str, old: Option<&Slot>, work: &mut Work) -> Option<Slot> {
        let (page, ok) = match self.files.get(source).cloned() {
            Some(FileInput::Page(p, ok)) => (p, ok),
            Some(FileInput::Section(s)) => {
                self.section_files_by_source
                    .insert(source.to_string(), s.dir.clone());
                note_section(work, &s.dir);
                self.section_files.insert(s.dir.clone(), s);
                return None;
            }
            Some(FileInput::Broken) => {
                self.index.failed.insert(source.to_string());
                return None;
            }
            None => return None,
        };
        let next = self.slots.len() as PageId;
        let id = *self.ids.entry(source.to_string()).or_insert(next);
        if id as usize >= self.slots.len() {
            self.slots.resize(id as usize + 1, None);
        }
        let state = if !ok {
            PageState::Broken
        } else {
            match withdrawn_reason(&page, self.drafts, &self.now) {
                Some(why) => PageState::Withdrawn(why),
                None => PageState::Published,
            }
        };
        self.mark_page_changes(id, old.map(|s| &s.page), &page, old.map(|s| s.state), state);
        // What the link step worked out before is kept while the page stays published, to
        // be compared with what it works out now.
        let carried =
            old.filter(|s| s.state == PageState::Published && state == PageState::Published);
        Some(Slot {
            source: old.map_or_else(|| Arc::from(source), |s| s.source.clone()),
            state,
            html: carried.map_or_else(|| Arc::from(""), |s| s.html.clone()),
            cover: carried.and_then(|s| s.cover.clone()),
            status: carried.and_then(|s| s.status),
            lesson: carried
                .and_then(|s| s.lesson.clone())
                .filter(|_| page.lesson.is_some()),
            page,
        })
    }

    /// Mark the facts of page `id` that differ between `old` and `new`.
    fn mark_page_changes(
        &mut self,
        id: PageId,
        old: Option<&Arc<Page>>,
        new: &Arc<Page>,
        old_state: Option<PageState>,
        state: PageState,
    ) {
        let Some(old) = old.filter(|_| old_state == Some(state)) else {
            self.dirty.extend(page_facts(id));
            return;
        };
        if Arc::ptr_eq(old, new) {
            return;
        }
        self.touch(Fact::Page(id));
        if old.title != new.title {
            self.touch(Fact::PageTitle(id));
        }
        if old.path != new.path {
            self.touch(Fact::PagePath(id));
        }
        if old.date != new.date || old.updated != new.updated {
            self.touch(Fact::PageDates(id));
        }
    }

    /// Put in (`insert`) or take out one part a page puts into the graph, noting the keys
    /// touched.
    fn apply(&mut self, part: &Part, src: &Arc<str>, id: PageId, insert: bool, work: &mut Work) {
        match part {
            Part::Boundary(b) => toggle(&mut self.boundaries, (*b, id), insert),
            Part::Broken => toggle_failed(self, src, insert),
            Part::Withdrawn(why, path) => self.apply_withdrawn(path, src, why, insert),
            Part::Use(target, u) => {
                let uses = self.files_state.uses.entry(target.clone()).or_default();
                if insert {
                    uses.insert(src.clone(), u.clone());
                } else {
                    uses.remove(src);
                }
                self.files_state.dirty.insert(target.clone());
            }
            Part::Bundle(b) => {
                toggle(&mut self.files_state.bundles, b.clone(), insert);
                self.files_state.touch_folder(b);
            }
            Part::Published(path, _) => {
                toggle_map(&mut self.published_set, src.clone(), id, insert);
                work.orders.published = true;
                let claim = Claimant::Page(src.clone(), id, path.clone());
                if insert {
                    self.claims.add(claim);
                    self.index.sources.insert(src.to_string(), path.clone());
                } else {
                    self.claims.remove(&claim);
                    self.index.sources.remove(&**src);
                }
            }
            Part::Date(d) => {
                toggle(&mut self.all_dates, (*d, id), insert);
                work.orders.dates = true;
            }
            Part::Article(key) => {
                toggle(&mut self.article_set, key.clone(), insert);
                work.orders.articles = true;
            }
            Part::Event(start) => {
                toggle(&mut self.event_set, (*start, src.clone(), id), insert);
                work.orders.events = true;
            }
            Part::Feed(f, key) => {
                toggle(&mut self.dated[*f], key.clone(), insert);
                work.orders.feeds[*f] = true;
            }
            Part::Tag(slug, key, spellings) => {
                let members = self.tag_members.entry(slug.clone()).or_default();
                toggle(members, key.clone(), insert);
                let counts = self.tag_spellings.entry(slug.clone()).or_default();
                for t in spellings {
                    let n = counts.entry(t.clone()).or_default();
                    if insert {
                        *n += 1;
                    } else {
                        *n = n.saturating_sub(1);
                    }
                    if *n == 0 {
                        counts.remove(t);
                    }
                }
                work.tags.insert(slug.clone());
            }
            Part::Series(dir, order, _, _) => {
                let set = self.series_members.entry(dir.clone()).or_default();
                toggle(set, (*order, src.clone(), id), insert);
                work.series.insert(dir.clone());
            }
            Part::Cited(k, title) => {
                let set = self.cited_members.entry(*k).or_default();
                toggle(set, (title.clone(), src.clone(), id), insert);
                work.cited.insert(*k);
            }
        }
    }

    fn apply_withdrawn(&mut self, path: &str, src: &Arc<str>, why: &'static str, insert: bool) {
        if insert {
            self.index.withdrawn.insert(src.to_string(), why);
            *self
                .index
                .withdrawn_paths
                .entry(path.to_string())
                .or_default() += 1;
        } else {
            self.index.withdrawn.remove(&**src);
            if let Some(n) = self.index.withdrawn_paths.get_mut(path) {
                *n -= 1;
                if *n == 0 {
                    self.index.withdrawn_paths.remove(path);
                }
            }
        }
    }

    /// Make every touched key again, then resolve the links that need it.
    fn settle(&mut self, work: &mut Work, reset: bool) {
        let mut clock = crate::timings::Phase::start();
        for dir in std::mem::take(&mut work.series) {
            let d = self.settle_series(&dir);
            work.problems.push(((SERIES_PROBLEMS, dir.clone()), d));
            work.lists.series |= self.dirty.contains(&Fact::Series(sym(&dir)));
            if self.section_files.contains_key(&format!("lessons/{dir}")) {
                work.sections.insert(format!("lessons/{dir}"));
            }
        }
        self.settle_series_order();
        work.lists.series |= self.dirty.contains(&Fact::SeriesList);
        clock.done("  series");
        self.settle_orders(&work.orders);
        clock.done("  orders");
        work.lists.articles = self.dirty.contains(&Fact::Articles);
        work.lists.events = [Fact::EventsCurrent, Fact::EventsPast, Fact::EventYears]
            .iter()
            .any(|f| self.dirty.contains(f));
        for slug in std::mem::take(&mut work.tags) {
            let d = self.settle_tag(&slug);
            if self.dirty.contains(&Fact::Tag(sym(&slug))) {
                work.lists.tags.insert(slug.clone());
            }
            work.problems.push(((TAG_PROBLEMS, slug), d));
        }
        work.lists.tag_set = self.dirty.contains(&Fact::Tags);
        clock.done("  tags");
        for key in std::mem::take(&mut work.cited) {
            self.settle_cited(key);
        }
        clock.done("  cited by");
        self.settle_lists(&work.lists, reset);
        clock.done("  lists");
        let (out, claims, index, dirty) = (
            &mut self.out_assets,
            &mut self.claims,
            &mut self.index,
            &mut self.dirty,
        );
        self.files_state.settle(out, claims, index, dirty);
        clock.done("  files");
        self.settle_claims(work);
        clock.done("  claims");
        self.settle_links(work, reset);
        clock.done("  links");
    }

    fn settle_claims(&mut self, work: &mut Work) {
        let slots = &self.slots;
        let page = |id: PageId| slots.get(id as usize)?.as_ref().map(|s| s.page.clone());
        let laws = &self.law_pages;
        let law = |p: &str| laws.get(p).copied();
        let clashes = self
            .claims
            .settle(&mut self.index, &mut self.dirty, &page, &law);
        for (key, d) in clashes {
            work.problems.push(((CLAIM_PROBLEMS, key), d));
        }
    }

    /// Sections, pages' links and the menu, again and again while resolving them changed
    /// something another one asked about (a section's `_index.md` becoming a link target).
    fn settle_links(&mut self, work: &mut Work, reset: bool) {
        let mut seen: FastSet<Fact> = FastSet::default();
        let mut menu = reset;
        for _ in 0..8 {
            let fresh: Vec<Fact> = self
                .dirty
                .iter()
                .filter(|f| is_link_fact(f) && !seen.contains(f))
                .copied()
                .collect();
            seen.extend(fresh.iter().copied());
            for r in self.link_deps.readers_of(&fresh) {
                match r {
                    LinkReader::Page(id) => {
                        work.finish.insert(id);
                    }
                    LinkReader::Section(s) => {
                        if let Some(d) = self.section_dirs.get(&s) {
                            work.sections.insert(d.clone());
                        }
                    }
                    LinkReader::Menu => menu = true,
                }
            }
            if work.sections.is_empty() && work.finish.is_empty() && !menu {
                return;
            }
            let sections = std::mem::take(&mut work.sections);
            for dir in sections {
                self.settle_section(&dir, work);
            }
            let pages = std::mem::take(&mut work.finish);
            self.finish_pages(pages, work);
            if std::mem::take(&mut menu) {
                self.settle_menu(work);
            }
        }
    }

    /// Resolve the links of `ids` (in parallel) and keep the results.
    fn finish_pages(&mut self, ids: BTreeSet<PageId>, work: &mut Work) {
        let keep = self.keep;
        let index = &self.index;
        // Each page's links resolved and its new HTML put in place; what changed, its
        // problems and what it read come back.
        let finish = |id: PageId, slot: &mut Slot| -> (PageId, Finished) {
            let (f, reads) = record_if(keep, || finish_page(index, slot));
            let (html, cover) = (f.html, f.cover);
            let mut facts = Vec::new();
            if slot.state == PageState::Published {
                if *slot.html != *html {
                    slot.html = Arc::from(html);
                    facts.push(Fact::Html(id));
                }
                if slot.cover != cover {
                    slot.cover = cover;
                    facts.push(Fact::Cover(id));
                }
            }
            // A one-off build needs the body with tokens no more.
            if !keep && let Some(p) = Arc::get_mut(&mut slot.page) {
                p.body.html = String::new();
            }
            let f = Finished {
                html: String::new(),
                cover: None,
                diags: f.diags,
                reads,
                facts,
            };
            (id, f)
        };
        let done: Vec<(PageId, Finished)> = if ids.len() < 64 {
            let slots = &mut self.slots;
            ids.iter()
                .filter_map(|&id| Some(finish(id, slots.get_mut(id as usize)?.as_mut()?)))
                .collect()
        } else {
            self.slots
                .par_iter_mut()
                .enumerate()
                .filter(|(k, _)| ids.contains(&(*k as PageId)))
                .filter_map(|(k, s)| Some(finish(k as PageId, s.as_mut()?)))
                .collect()
        };
        for (id, f) in done {
            if self.keep {
                self.link_deps.set(LinkReader::Page(id), f.reads);
            }
            let source = self.slot(id).source.to_string();
            work.problems.push(((PAGE_PROBLEMS, source), f.diags));
            self.dirty.extend(f.facts);
        }
    }

    /// A section's title and intro: its default, overridden by its `_index.md` (whose
    /// links are resolved here).
    fn settle_section(&mut self, dir: &str, work: &mut Work) {
        let default = DEFAULT_SECTIONS
            .iter()
            .find(|(d, _)| *d == dir)
            .map(|(_, t)| {
                if dir.is_empty() {
                    self.config.title.clone()
                } else {
                    t.to_string()
                }
            });
        let file = self.section_files.get(dir).cloned();
        let path = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let keep = self.keep;
        let ((info, diags, listed), reads) = record_if(keep, || {
            let mut diags = Vec::new();
            let listed = self.index.has_path(&path);
            let info = match &file {
                Some(s) => {
                    let doc = Doc {
                        source: &s.source,
                        path: &path,
                        own_ids: &s.intro.ids,
                    };
                    let (html, d) = self.index.finish(&doc, &s.intro, &s.text);
                    diags.extend(d);
                    if !listed {
                        diags.push(no_list_page(&s.source));
                    }
                    Some(SectionInfo {
                        title: s.title.clone(),
                        description: s.description.clone(),
                        intro_html: html,
                    })
                }
                None => default.map(|title| SectionInfo {
                    title,
                    ..Default::default()
                }),
            };
            (info, diags, listed)
        });
        let key = sym(dir);
        self.section_dirs.insert(key, dir.to_string());
        if keep {
            self.link_deps.set(LinkReader::Section(key), reads);
        }
        work.problems
            .push(((SECTION_PROBLEMS, dir.to_string()), diags));
        self.map_section_source(file.as_deref(), &path, listed);
        if let Some(rest) = dir.strip_prefix("lessons/")
            && let Some(ser) = self.series.get_mut(rest)
        {
            let intro = info
                .as_ref()
                .map(|i| i.intro_html.clone())
                .unwrap_or_default();
            Site::set_if(
                &mut self.dirty,
                &mut ser.intro_html,
                intro,
                Fact::Series(sym(rest)),
            );
        }
        let fact = Fact::Section(key);
        match info {
            Some(i) if self.sections.get(dir) != Some(&i) => {
                self.sections.insert(dir.to_string(), i);
                self.touch(fact);
            }
            None if self.sections.remove(dir).is_some() => self.touch(fact),
            _ => {}
        }
    }

    /// A section's `_index.md` is a link target leading to its list page, when there is one.
    fn map_section_source(&mut self, file: Option<&SectionIndex>, path: &str, listed: bool) {
        let Some(s) = file else { return };
        let src = s.source.as_str();
        let is_page = self.published_set.contains_key(src);
        let want = (listed && !is_page).then(|| path.to_string());
        let have = if is_page {
            None
        } else {
            self.index.sources.get(src).cloned()
        };
        if want != have {
            match want {
                Some(p) => self.index.sources.insert(src.to_string(), p),
                None => self.index.sources.remove(src),
            };
            self.touch(Fact::LinkSource(sym(src)));
            self.touch(Fact::LinkAllSources);
        }
    }

    /// The menu and contact links of site.yaml, checked against the site's paths.
    fn settle_menu(&mut self, work: &mut Work) {
        let keep = self.keep;
        let raw = self.raw_config.clone();
        let ((menu, contact, diags), reads) = record_if(keep, || {
            let mut diags = Vec::new();
            let menu = menu::checked_menu(&raw, &self.index, &mut diags);
            let contact = menu::resolved_contact(&raw, &self.index, &mut diags);
            (menu, contact, diags)
        });
        if keep {
            self.link_deps.set(LinkReader::Menu, reads);
        }
        work.problems.push(((MENU_PROBLEMS, String::new()), diags));
        if menu != self.config.menu || contact != self.config.contact {
            let mut config = (*raw).clone();
            config.menu = menu;
            config.contact = contact;
            self.config = Arc::new(config);
            self.touch(Fact::Config);
        }
    }

    /// Free what only the link step needed — the indexes, the sets the orders are taken
    /// from, the bodies with tokens and the files' text — for a one-off build whose graph
    /// will not be updated again.
    pub fn release_sources(&mut self) {
        self.files = BTreeMap::new();
        self.index = super::links::LinkIndex::default();
        self.claims = super::claims::Claims::default();
        self.files_state = super::files::Files::default();
        self.link_deps = crate::reads::Deps::default();
        self.section_files = BTreeMap::new();
        self.boundaries = BTreeSet::new();
        self.all_dates = BTreeSet::new();
        self.published_set = BTreeMap::new();
        self.article_set = BTreeSet::new();
        self.event_set = BTreeSet::new();
        self.dated = Default::default();
        self.tag_members = BTreeMap::new();
        self.tag_spellings = BTreeMap::new();
        self.series_members = BTreeMap::new();
        self.cited_members = Default::default();
        for slot in self.slots.iter_mut().flatten() {
            if let Some(p) = Arc::get_mut(&mut slot.page) {
                p.body.html = String::new();
                p.text = Arc::from("");
            }
        }
    }
}

/// The sections every site has, with their default titles (the home page's is the site's).
const DEFAULT_SECTIONS: [(&str, &str); 6] = [
    ("", ""),
    ("articles", "普法动态"),
    ("events", "活动通知"),
    ("lessons", "法治小课堂"),
    ("tags", "标签"),
    ("laws", "法律法规库"),
];

fn note_section(work: &mut Work, dir: &str) {
    work.sections.insert(dir.to_string());
    if let Some(rest) = dir.strip_prefix("lessons/") {
        work.series.insert(rest.to_string());
    }
}

fn no_list_page(source: &str) -> Diagnostic {
    Diagnostic::warning("这个文件夹没有自己的列表页，_index.md 的内容不会显示")
        .in_file(source)
        .with_hint("只有首页、articles/、events/、lessons/、lessons/系列/ 和 laws/ 有列表页。要写一个独立的页面，请把文件改名为 页面名.md。")
}

/// Every fact about one page.
fn page_facts(id: PageId) -> [Fact; 8] {
    [
        Fact::Page(id),
        Fact::PageTitle(id),
        Fact::PagePath(id),
        Fact::PageDates(id),
        Fact::Html(id),
        Fact::Cover(id),
        Fact::Status(id),
        Fact::Lesson(id),
    ]
}

fn is_link_fact(f: &Fact) -> bool {
    matches!(
        f,
        Fact::LinkPath(_)
            | Fact::LinkSource(_)
            | Fact::LinkIds(_)
            | Fact::LinkAsset(_)
            | Fact::LinkAllSources
    )
}

fn toggle<T: Ord>(set: &mut BTreeSet<T>, v: T, insert: bool) {
    if insert {
        set.insert(v);
    } else {
        set.remove(&v);
    }
}

fn toggle_map<K: Ord, V>(map: &mut BTreeMap<K, V>, k: K, v: V, insert: bool) {
    if insert {
        map.insert(k, v);
    } else {
        map.remove(&k);
    }
}

fn toggle_failed(site: &mut Site, src: &Arc<str>, insert: bool) {
    if insert {
        site.index.failed.insert(src.to_string());
    } else {
        site.index.failed.remove(&**src);
    }
}

/// A page's links resolved.
struct Finished {
    html: String,
    cover: Option<String>,
    diags: Vec<Diagnostic>,
    reads: Vec<Fact>,
    /// Facts that changed with it.
    facts: Vec<Fact>,
}

/// Resolve the links and the cover of one page and make its final HTML.
fn finish_page(index: &super::links::LinkIndex, slot: &Slot) -> Finished {
    let p = &slot.page;
    let doc = Doc {
        source: &p.source,
        path: &p.path,
        own_ids: &p.body.ids,
    };
    let (resolved, mut diags) = index.resolve_all(&doc, &p.body, &p.text);
    let html = if slot.state == PageState::Published {
        super::links::substitute(&p.body, &resolved)
    } else {
        String::new()
    };
    let cover = p.cover.as_ref().and_then(|c| match index.resolve(&doc, c) {
        Ok(Resolved::Href(h)) => Some(h),
        Ok(Resolved::Withdrawn | Resolved::Failed) => None,
        Err(e) => {
            diags.push(
                e.in_file(&p.source)
                    .at(c.line, c.col)
                    .with_source_line(&p.text, 0),
            );
            None
        }
    });
    Finished {
        html,
        cover,
        diags,
        reads: Vec::new(),
        facts: Vec::new(),
    }
}
