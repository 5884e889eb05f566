//! Link step, the graph's state: every value the update keeps, and the setters that mark a
//! [`Fact`] dirty when the value it names changes. Fields are private to the link step; the
//! render step reads them through the recording getters in `mod.rs`.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use jiff::{Timestamp, ZonedDateTime};

use super::claims::Claims;
use super::files::Files;
use super::links::LinkIndex;
use super::{Column, EventStatus, ListPage, SectionInfo, Series, Tag};
use crate::config::Config;
use crate::content::page::{Page, SectionIndex};
use crate::fingerprint::{FastMap, FastSet};
use crate::reads::{Deps, Dirty, Fact, PageId, Sym};
use crate::statute::LawLibrary;
use crate::statute::numerals::ArticleNo;

/// Where a page stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PageState {
    Published,
    /// A draft (without `--drafts`) or expired.
    Withdrawn(&'static str),
    /// The file has errors of its own: its links are still checked, nothing is made.
    Broken,
}

/// One content page the graph knows.
#[derive(Debug, Clone)]
pub(super) struct Slot {
    pub page: Arc<Page>,
    /// The source path, shared by the ordered sets.
    pub source: Arc<str>,
    pub state: PageState,
    /// Final body HTML (published pages).
    pub html: Arc<str>,
    pub cover: Option<Arc<super::links::FileLink>>,
    /// The recording (`audio:`), resolved.
    pub audio: Option<Arc<super::links::FileLink>>,
    /// Events only.
    pub status: Option<EventStatus>,
    /// Lessons only: series folder and place.
    pub lesson: Option<(Arc<str>, usize)>,
    /// Published ahead of its date (`--future`).
    pub scheduled: bool,
}

/// A date-ordered key: newest first, undated last, ties by source path.
pub(super) type DateKey = (Reverse<Option<Timestamp>>, Arc<str>, PageId);

/// A title-ordered key: by title, ties by source path.
pub(super) type TitleKey = (Arc<str>, Arc<str>, PageId);

/// What reads the link index (a page's links, a section's intro, the menu).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum LinkReader {
    Page(PageId),
    Section(Sym),
    Menu,
}

/// The linked site: everything the render step needs, kept between the builds of a site.
#[derive(Debug)]
pub struct Site {
    // Settings of the last update.
    pub(super) config: Arc<Config>,
    /// The configuration as given (menu and contact links not yet checked).
    pub(super) raw_config: Arc<Config>,
    pub(super) config_fp: u64,
    pub(super) now: ZonedDateTime,
    pub(super) show: super::update::Show,
    pub(super) library: Arc<LawLibrary>,
    pub(super) library_fp: u64,
    /// Site path of each statute page → its index in the link index's `law_ids`.
    pub(super) law_pages: FastMap<String, usize>,
    /// Record what link resolution reads (for later updates).
    pub(super) keep: bool,

    // Inputs: the content files.
    /// Every content file given (pages, sections, broken files), by source path.
    pub(super) files: BTreeMap<String, super::FileInput>,
    /// Source path → id, for every page ever seen (ids are never reused).
    pub(super) ids: FastMap<String, PageId>,
    pub(super) slots: Vec<Option<Slot>>,
    pub(super) section_files: BTreeMap<String, Arc<SectionIndex>>,
    /// Source path of each section file → its folder.
    pub(super) section_files_by_source: BTreeMap<String, String>,
    /// Folder of each section by its key (for the readers of the link index).
    pub(super) section_dirs: FastMap<Sym, String>,

    // Pages.
    /// Published pages, in source order.
    pub(super) published: Vec<PageId>,
    pub(super) published_set: BTreeMap<Arc<str>, PageId>,
    /// Instants at which a page's state or an event's status changes: (instant, page).
    pub(super) boundaries: BTreeSet<(Timestamp, PageId)>,
    pub(super) all_dates: BTreeSet<(Timestamp, PageId)>,
    pub(super) newest: Option<ZonedDateTime>,

    // Orders.
    pub(super) article_set: BTreeSet<DateKey>,
    pub(super) articles: Vec<PageId>,
    pub(super) event_set: BTreeSet<(Timestamp, Arc<str>, PageId)>,
    pub(super) events_current: Vec<PageId>,
    pub(super) events_past: Vec<PageId>,
    pub(super) event_years: Vec<i16>,
    /// Coming events and those of the past year, by start.
    pub(super) calendar_events: Vec<PageId>,
    /// Dated pages for the feeds: the whole site, articles, events, lessons.
    pub(super) dated: [BTreeSet<DateKey>; 4],
    pub(super) feeds: [Vec<PageId>; 4],

    // Groups.
    pub(super) tag_members: BTreeMap<String, BTreeSet<DateKey>>,
    pub(super) tags: BTreeMap<String, Tag>,
    /// Each tag's spellings, with how many pages use each.
    pub(super) tag_spellings: BTreeMap<String, BTreeMap<String, usize>>,
    pub(super) series_members: BTreeMap<String, BTreeSet<(i64, Arc<str>, PageId)>>,
    pub(super) series: BTreeMap<String, Series>,
    pub(super) series_order: Vec<String>,
    pub(super) sections: BTreeMap<String, SectionInfo>,
    pub(super) column_members: BTreeMap<String, BTreeSet<super::columns::ColumnKey>>,
    pub(super) columns: BTreeMap<String, Column>,
    pub(super) column_order: Vec<String>,
    pub(super) cited_members: FastMap<(usize, ArticleNo), BTreeSet<TitleKey>>,
    pub(super) cited_by: FastMap<(usize, ArticleNo), Vec<PageId>>,

    // Lists and outputs.
    pub(super) lists: BTreeMap<String, ListPage>,
    pub(super) list_order: Vec<String>,
    /// The paths of each family of list pages (see `lists.rs`).
    pub(super) list_families: [Vec<String>; 6],
    pub(super) claims: Claims,
    pub(super) files_state: Files,
    pub(super) out_assets: BTreeMap<String, crate::output::Copied>,
    pub(super) index: LinkIndex,
    pub(super) link_deps: Deps<LinkReader>,

    /// Updated at least once.
    pub(super) updated: bool,
    /// Facts whose values changed since they were last taken ([`Site::take_dirty`]).
    pub(super) dirty: Dirty,
}

impl Site {
    /// An empty graph. `keep`: record what link resolution reads, for later updates.
    pub fn new(keep: bool, config: Arc<Config>, now: ZonedDateTime) -> Site {
        Site {
            raw_config: config.clone(),
            config,
            config_fp: 0,
            now,
            show: Default::default(),
            library: Arc::default(),
            library_fp: 0,
            law_pages: FastMap::default(),
            keep,
            files: BTreeMap::new(),
            ids: FastMap::default(),
            slots: Vec::new(),
            section_files: BTreeMap::new(),
            section_files_by_source: BTreeMap::new(),
            section_dirs: FastMap::default(),
            published: Vec::new(),
            published_set: BTreeMap::new(),
            boundaries: BTreeSet::new(),
            all_dates: BTreeSet::new(),
            newest: None,
            article_set: BTreeSet::new(),
            articles: Vec::new(),
            event_set: BTreeSet::new(),
            events_current: Vec::new(),
            events_past: Vec::new(),
            event_years: Vec::new(),
            calendar_events: Vec::new(),
            dated: Default::default(),
            feeds: Default::default(),
            tag_members: BTreeMap::new(),
            tags: BTreeMap::new(),
            tag_spellings: BTreeMap::new(),
            series_members: BTreeMap::new(),
            series: BTreeMap::new(),
            series_order: Vec::new(),
            sections: BTreeMap::new(),
            column_members: BTreeMap::new(),
            columns: BTreeMap::new(),
            column_order: Vec::new(),
            cited_members: FastMap::default(),
            cited_by: FastMap::default(),
            lists: BTreeMap::new(),
            list_order: Vec::new(),
            list_families: Default::default(),
            claims: Claims::default(),
            files_state: Files::default(),
            out_assets: BTreeMap::new(),
            index: LinkIndex::default(),
            link_deps: Deps::default(),
            updated: false,
            dirty: Dirty::default(),
        }
    }

    /// The slot of a page the render step was given (published, so it exists).
    pub(super) fn slot(&self, id: PageId) -> &Slot {
        match self.slots.get(id as usize) {
            Some(Some(s)) => s,
            // Ids come from the graph itself; a missing one is a bug, not user input.
            _ => panic!("page {id} is not in the graph"),
        }
    }

    pub(super) fn slot_mut(&mut self, id: PageId) -> Option<&mut Slot> {
        self.slots.get_mut(id as usize).and_then(Option::as_mut)
    }

    /// Mark `fact` dirty.
    pub(super) fn touch(&mut self, fact: Fact) {
        self.dirty.insert(fact);
    }

    /// Set `*slot` to `value`, marking `fact` dirty if it changed.
    pub(super) fn set_if<T: PartialEq>(dirty: &mut Dirty, slot: &mut T, value: T, fact: Fact) {
        if *slot != value {
            *slot = value;
            dirty.insert(fact);
        }
    }

    /// The facts that changed since the last call.
    pub fn take_dirty(&mut self) -> FastSet<Fact> {
        self.dirty.take()
    }

    /// The content files (not Markdown) the graph knows under `folder` (ending in `/`).
    pub fn assets_under(&self, folder: &str) -> Vec<String> {
        self.files_state
            .bytes
            .range(folder.to_string()..)
            .take_while(|(k, _)| k.starts_with(folder))
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// The number of published pages.
    pub fn page_count(&self) -> usize {
        self.published.len()
    }

    /// Pages waiting for their date (dated after now, without `--future`): how many, and
    /// the first date one goes live.
    pub fn waiting(&self) -> (usize, Option<&ZonedDateTime>) {
        let waiting = self
            .slots
            .iter()
            .flatten()
            .filter(|s| s.state == PageState::Withdrawn(super::WAITING));
        let first = waiting.clone().filter_map(|s| s.page.date.as_ref()).min();
        (waiting.count(), first)
    }

    /// Every page id the render step may be asked about (published pages).
    pub fn published_ids(&self) -> &[PageId] {
        &self.published
    }
}
