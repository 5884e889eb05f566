//! Link step, the update: bring the graph up to date with what changed in its inputs.
//!
//! Every page puts parts into the graph's sets and indexes — its place in the article or
//! event order, its tags, its series, the articles it cites, its output path, its source
//! path in the link index, the content files it uses — all worked out by one function
//! (`parts.rs`) from the page and its state alone. A changed page takes out the parts it no
//! longer has and puts in its new ones, noting which keys they touch; then each touched key
//! is made again from its members (`settle.rs`: a tag, a series, an order, a list family,
//! an output path, a content file's placement). A page's links are resolved again when the
//! page changed or when anything its last resolution asked the index about changed
//! (recorded as it ran). When the configuration, the statute library or `--drafts`
//! changed, every page is taken as changed.

use std::collections::BTreeSet;
use std::sync::Arc;

use jiff::ZonedDateTime;

use super::collections::Orders;
use super::lists::Families;
use super::parts::{Part, parts};
use super::settle::{DEFAULT_SECTIONS, note_section};
use super::state::{LinkReader, PageState, Site, Slot};
use crate::config::Config;
use crate::content::page::{Page, SectionIndex};
use crate::diag::Diagnostic;
use crate::fingerprint::FastSet;
use crate::reads::{Fact, PageId, sym};
use crate::statute::LawLibrary;
use crate::statute::numerals::ArticleNo;
use rayon::prelude::*;

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
    /// Whether drafts and pages dated after `now` are published too.
    pub show: Show,
    /// Content files that changed since the last update: their new state (`None`: gone).
    /// Everything, on the first update.
    pub files: Vec<(String, Option<FileInput>)>,
    /// Content files other than Markdown that changed: their bytes (`None`: gone).
    pub assets: Vec<(String, Option<super::AssetData>)>,
}

/// The problems an update found, by where they come from (kind, key); an origin with no
/// problems left comes with an empty list.
pub struct Outcome {
    pub problems: Vec<((u8, String), Vec<Diagnostic>)>,
}

/// Origin kinds of the link step's problems besides tags and series (see `groups.rs`).
pub(super) const PAGE_PROBLEMS: u8 = 0;
pub(super) const CLAIM_PROBLEMS: u8 = 3;
pub(super) const SECTION_PROBLEMS: u8 = 4;
pub(super) const MENU_PROBLEMS: u8 = 5;

/// The keys an update must make again.
#[derive(Default)]
pub(super) struct Work {
    pub orders: Orders,
    pub lists: Families,
    pub tags: BTreeSet<String>,
    pub series: BTreeSet<String>,
    pub cited: BTreeSet<(usize, ArticleNo)>,
    pub sections: BTreeSet<String>,
    /// Columns whose pages or `_index.md` changed.
    pub columns: BTreeSet<String>,
    /// The default menu must be made again (a column came, went or changed its entry).
    pub menu: bool,
    pub finish: BTreeSet<PageId>,
    pub problems: Vec<((u8, String), Vec<Diagnostic>)>,
}

/// A source path in the link index: its site path, why it is withdrawn, whether it is
/// broken, and the site path its withdrawn page would have.
type LinkEntry = (Option<String>, Option<&'static str>, bool, Option<String>);

/// Which pages a build publishes besides those of now: drafts (`--drafts`) and pages dated
/// after now (`--future`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Show {
    pub drafts: bool,
    pub future: bool,
}

/// Why a page is waiting, not published: dated after now (without `--future`).
pub const WAITING: &str = "待发布";

/// Why a page is not published at `now`: a draft (without `--drafts`), dated after now
/// (without `--future`), or past `expires`.
pub fn withdrawn_reason(p: &Page, show: Show, now: &ZonedDateTime) -> Option<&'static str> {
    if p.draft && !show.drafts {
        return Some("草稿");
    }
    if !show.future && p.date.as_ref().is_some_and(|d| d > now) {
        return Some(WAITING);
    }
    if p.expires.as_ref().is_some_and(|e| e <= now) {
        return Some("已过期");
    }
    None
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
            || input.show != self.show;
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
            self.show = input.show;
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
        let changed: Vec<String> = changed.into_iter().collect();
        let before: Vec<LinkEntry> = match first {
            true => Vec::new(),
            false => changed.iter().map(|s| self.link_entry(s)).collect(),
        };
        self.replace_files(&changed, &mut work);
        if first && !self.keep {
            // A one-off graph is never updated: the pages' slots are their only home.
            self.files = std::collections::BTreeMap::new();
        }
        for (source, before) in changed.iter().zip(before) {
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
        self.index.publish_originals = config.images.publish_originals;
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

    /// Bring what the files at `sources` put into the graph up to date: take out the parts
    /// they no longer have, put in the new ones. The parts are worked out in parallel; the
    /// graph is changed in source order.
    fn replace_files(&mut self, sources: &[String], work: &mut Work) {
        // A chunk at a time, so the parts of a big site are not all held at once.
        for chunk in sources.chunks(2048) {
            let mut jobs: Vec<(PageId, Option<Slot>, Option<Slot>)> =
                Vec::with_capacity(chunk.len());
            for source in chunk {
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
                jobs.push((id, old, new));
            }
            let of = |s: &Option<Slot>, id| {
                s.as_ref()
                    .map_or_else(Vec::new, |s| parts(&s.page, s.state, &s.source, id))
            };
            let parts: Vec<(Vec<Part>, Vec<Part>)> = jobs
                .par_iter()
                .map(|(id, old, new)| (of(old, *id), of(new, *id)))
                .collect();
            // What each file takes out (false) and puts in (true), in source order.
            let diffs: Vec<super::parts::Diff<'_>> = chunk
                .iter()
                .zip(&jobs)
                .zip(&parts)
                .map(|((source, (id, old, new)), (old_parts, new_parts))| {
                    let src: Arc<str> = match new.as_ref().or(old.as_ref()) {
                        Some(s) => s.source.clone(),
                        None => Arc::from(source.as_str()),
                    };
                    let gone = old_parts
                        .iter()
                        .filter(|x| new_parts.binary_search(x).is_err())
                        .map(|p| (p, false));
                    let came = new_parts
                        .iter()
                        .filter(|x| old_parts.binary_search(x).is_err())
                        .map(|p| (p, true));
                    (src, *id, gone.chain(came).collect())
                })
                .collect();
            // Output paths are claimed on one core while the rest of the graph is brought up
            // to date on the other: they share nothing.
            let mut claims = std::mem::take(&mut self.claims);
            rayon::join(
                || super::parts::claim_paths(&mut claims, &diffs),
                || {
                    for (src, id, ops) in &diffs {
                        for (part, insert) in ops {
                            self.apply(part, src, *id, *insert, work);
                        }
                    }
                },
            );
            self.claims = claims;
            for (source, (id, old, new)) in chunk.iter().zip(jobs) {
                self.keep_slot(source, id, old.is_some(), new, work);
            }
        }
    }

    /// Put a file's new slot in place (none: it is no page now) and note what follows.
    fn keep_slot(
        &mut self,
        source: &str,
        id: PageId,
        had: bool,
        new: Option<Slot>,
        work: &mut Work,
    ) {
        let Some(slot) = new else {
            if had {
                self.dirty.extend(page_facts(id));
                work.problems
                    .push(((PAGE_PROBLEMS, source.to_string()), Vec::new()));
                self.link_deps.remove(LinkReader::Page(id));
            }
            return;
        };
        let event = slot.page.event.is_some() && slot.state == PageState::Published;
        if matches!(slot.state, PageState::Withdrawn(_)) {
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
            match withdrawn_reason(&page, self.show, &self.now) {
                Some(why) => PageState::Withdrawn(why),
                None => PageState::Published,
            }
        };
        self.mark_page_changes(id, old.map(|s| &s.page), &page, old.map(|s| s.state), state);
        // What the link step worked out before is kept while the page stays published, to
        // be compared with what it works out now.
        let carried =
            old.filter(|s| s.state == PageState::Published && state == PageState::Published);
        let scheduled = state == PageState::Published
            && self.show.future
            && page.date.as_ref().is_some_and(|d| *d > self.now);
        if carried.is_some_and(|s| s.scheduled != scheduled) {
            self.touch(Fact::Scheduled(id));
        }
        Some(Slot {
            source: old.map_or_else(|| Arc::from(source), |s| s.source.clone()),
            state,
            html: carried.map_or_else(|| Arc::from(""), |s| s.html.clone()),
            cover: carried.and_then(|s| s.cover.clone()),
            audio: carried.and_then(|s| s.audio.clone()),
            status: carried.and_then(|s| s.status),
            lesson: carried
                .and_then(|s| s.lesson.clone())
                .filter(|_| page.lesson.is_some()),
            scheduled,
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
}

/// Every fact about one page.
fn page_facts(id: PageId) -> [Fact; 9] {
    [
        Fact::Page(id),
        Fact::PageTitle(id),
        Fact::PagePath(id),
        Fact::PageDates(id),
        Fact::Html(id),
        Fact::Cover(id),
        Fact::Status(id),
        Fact::Lesson(id),
        Fact::Scheduled(id),
    ]
}
