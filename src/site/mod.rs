//! Link step: from parsed pages to the site graph. Drops drafts and expired pages, assigns
//! output paths and refuses duplicates, groups lessons into series (checking their order),
//! splits events into current and past against an explicit `now`, builds tags and the
//! paginated list pages, places content files (images, PDFs), and resolves every link.
//! Every problem becomes a diagnostic; nothing here touches the disk or the clock.
//!
//! The graph is kept between the builds of one site and brought up to date by
//! [`Site::update`] with what changed (see `update.rs`): each derived value — a tag, a
//! series, the order of the articles, a list page, the owners of an output path, a page's
//! final HTML — is made again only when something it is made from changed, and a first
//! build is the same procedure with everything changed. A one-off build starts from an
//! empty graph.
//!
//! The render step reads the graph only through the getters below, and each getter notes
//! the [`Fact`] it hands out ([`crate::reads`]); the update marks a fact dirty whenever the
//! value it names changes. So what a rebuild must render again follows from what each output
//! read, not from a list kept by hand.

mod claims;
mod collections;
mod columns;
mod files;
mod groups;
pub mod links;
mod lists;
pub mod media;
mod menu;
mod parts;
mod settle;
mod state;
mod update;

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::ZonedDateTime;

use crate::config::Config;
use crate::content::page::Page;
use crate::reads::{Fact, read, sym};
use crate::statute::LawLibrary;
use crate::statute::numerals::ArticleNo;

pub use crate::reads::PageId;
pub use collections::FEED_ENTRIES;
pub use files::AssetData;
pub use state::Site;
pub use update::{FileInput, LinkInput, Outcome, Show, WAITING};

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
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub dir: String,
    pub path: String,
    pub title: String,
    pub description: Option<String>,
    pub intro_html: String,
    pub order: Option<i64>,
    /// Lessons by `order`.
    pub lessons: Vec<PageId>,
    /// The newest `date` of its lessons.
    pub newest: Option<ZonedDateTime>,
}

/// A column (栏目): a folder of article-like pages with an `_index.md` (see
/// [`crate::content::columns`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Folder as URL segments: `gonggao`, `articles/anli`.
    pub dir: String,
    /// Site path of its list: `gonggao/`.
    pub path: String,
    pub title: String,
    pub description: Option<String>,
    /// `order:` of its `_index.md` (the order of the columns).
    pub order: Option<i64>,
    /// The folder it lies in (`articles`, or another column), if any.
    pub parent: Option<String>,
    pub sort: crate::content::columns::ColumnSort,
    pub page_size: Option<usize>,
    pub menu: bool,
    pub home: bool,
    pub feed: bool,
    /// Its pages (those of the columns inside it included) in its order.
    pub pages: Vec<PageId>,
    /// Its newest pages, for its feed.
    pub newest: Vec<PageId>,
}

/// A term of a taxonomy (a tag, a category) and the pages that carry it (newest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// The taxonomy's key (`tags`).
    pub taxonomy: String,
    pub name: String,
    pub slug: String,
    pub pages: Vec<PageId>,
}

/// A section's title and intro (from its `_index.md`, or defaults).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
    /// One series (by folder).
    Series(String),
    /// A taxonomy's index of terms (by the taxonomy's key: `tags`).
    TagsIndex(String),
    /// One term (by key: `tags/<slug>`).
    Tag(String),
    /// Month calendars of the coming events (plain tables).
    EventsCalendar,
    /// Past events of one year.
    EventsYear(i16),
    /// A column (by folder).
    Column(String),
}

/// One generated list page (a page of a paginated list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListPage {
    pub kind: ListKind,
    /// Site path, e.g. `articles/page/2/`.
    pub path: String,
    /// 1-based page number and page count.
    pub number: usize,
    pub total: usize,
    /// Path of each page of this list, for the paginator (shared by the pages of a list).
    pub page_paths: Arc<Vec<String>>,
    /// Items on this page.
    pub items: Vec<PageId>,
}

/// A page's series and place in it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LessonPlace<'a> {
    pub series: &'a Series,
    /// 0-based position.
    pub pos: usize,
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

/// Where event `p` stands at `now`.
pub fn status_of(p: &Page, now: &ZonedDateTime) -> EventStatus {
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

/// The render step's view of the graph: every getter notes what it hands out.
impl Site {
    /// The configuration, with the checked menu and contact links.
    pub fn config(&self) -> &Config {
        read(Fact::Config);
        &self.config
    }

    /// "Now" (the instant).
    pub fn now(&self) -> &ZonedDateTime {
        read(Fact::Now);
        &self.now
    }

    /// Today's date.
    pub fn today(&self) -> jiff::civil::Date {
        read(Fact::Today);
        self.now.date()
    }

    /// This year (for footers): a fact of its own would change with it only once a year,
    /// so it rides on today's date.
    pub fn year(&self) -> i16 {
        read(Fact::Today);
        self.now.year()
    }

    /// Published pages, in source order.
    pub fn pages(&self) -> &[PageId] {
        read(Fact::Published);
        &self.published
    }

    /// A page's kind. It follows from the page's source path, which an id stands for, so it
    /// never changes and reading it is no fact.
    pub fn kind(&self, id: PageId) -> crate::content::Kind {
        self.slot(id).page.kind
    }

    /// A page's source path (fixed for its id, like [`Site::kind`]).
    pub fn source(&self, id: PageId) -> &str {
        &self.slot(id).source
    }

    /// Everything about a published page.
    pub fn page(&self, id: PageId) -> &Page {
        read(Fact::Page(id));
        &self.slot(id).page
    }

    /// A page's title.
    pub fn title(&self, id: PageId) -> &str {
        read(Fact::PageTitle(id));
        &self.slot(id).page.title
    }

    /// A page's site path.
    pub fn path(&self, id: PageId) -> &str {
        read(Fact::PagePath(id));
        &self.slot(id).page.path
    }

    /// A page's `date` and `updated`.
    pub fn dates(&self, id: PageId) -> (Option<&ZonedDateTime>, Option<&ZonedDateTime>) {
        read(Fact::PageDates(id));
        let p = &self.slot(id).page;
        (p.date.as_ref(), p.updated.as_ref())
    }

    /// A page's final body HTML (links resolved).
    pub fn html(&self, id: PageId) -> &Arc<str> {
        read(Fact::Html(id));
        &self.slot(id).html
    }

    /// A page's resolved cover address.
    pub fn cover(&self, id: PageId) -> Option<&links::FileLink> {
        read(Fact::Cover(id));
        self.slot(id).cover.as_deref()
    }

    /// A page's resolved recording (`audio:`).
    pub fn audio(&self, id: PageId) -> Option<&links::FileLink> {
        read(Fact::Cover(id));
        self.slot(id).audio.as_deref()
    }

    /// An event's status (`Past` for other pages).
    pub fn status(&self, id: PageId) -> EventStatus {
        read(Fact::Status(id));
        self.slot(id).status.unwrap_or(EventStatus::Past)
    }

    /// Is page `id` published ahead of its date (`--future`: shown as 待发布)?
    pub fn scheduled(&self, id: PageId) -> bool {
        read(Fact::Scheduled(id));
        self.slot(id).scheduled
    }

    /// A lesson's series and place.
    pub fn lesson(&self, id: PageId) -> Option<LessonPlace<'_>> {
        read(Fact::Lesson(id));
        let (dir, pos) = self.slot(id).lesson.as_ref()?;
        let series = self.series.get(&**dir)?;
        read(Fact::Series(sym(dir)));
        Some(LessonPlace { series, pos: *pos })
    }

    /// The series, in the order the lessons index shows them.
    pub fn series_list(&self) -> impl Iterator<Item = &Series> {
        read(Fact::SeriesList);
        self.series_order
            .iter()
            .filter_map(|d| self.series_named(d))
    }

    /// One series, by folder.
    pub fn series_named(&self, dir: &str) -> Option<&Series> {
        read(Fact::Series(sym(dir)));
        self.series.get(dir)
    }

    /// The columns, in order (by folder).
    pub fn columns(&self) -> &[String] {
        read(Fact::Columns);
        &self.column_order
    }

    /// One column, by folder.
    pub fn column(&self, dir: &str) -> Option<&Column> {
        read(Fact::Column(sym(dir)));
        self.columns.get(dir)
    }

    /// A section's title and intro (by content folder: `""`, `articles`…).
    pub fn section(&self, dir: &str) -> Option<&SectionInfo> {
        read(Fact::Section(sym(dir)));
        self.sections.get(dir)
    }

    /// Published articles, newest first.
    pub fn articles(&self) -> &[PageId] {
        read(Fact::Articles);
        &self.articles
    }

    /// Coming and ongoing events, soonest first.
    pub fn events_current(&self) -> &[PageId] {
        read(Fact::EventsCurrent);
        &self.events_current
    }

    /// Past events, latest first.
    pub fn events_past(&self) -> &[PageId] {
        read(Fact::EventsPast);
        &self.events_past
    }

    /// The years with an archive page of past events, newest first.
    pub fn event_years(&self) -> &[i16] {
        read(Fact::EventYears);
        &self.event_years
    }

    /// The events of the site's calendar file: coming ones and those of the past year,
    /// by start.
    pub fn calendar_events(&self) -> &[PageId] {
        read(Fact::CalendarEvents);
        &self.calendar_events
    }

    /// Is this page published?
    pub fn is_published(&self, id: PageId) -> bool {
        read(Fact::Page(id));
        self.slots
            .get(id as usize)
            .and_then(Option::as_ref)
            .is_some_and(|s| s.state == state::PageState::Published)
    }

    /// The newest dated pages of a feed: 0 the whole site, then articles, events, lessons.
    pub fn feed_entries(&self, feed: u8) -> &[PageId] {
        read(Fact::FeedEntries(feed));
        self.feeds.get(feed as usize).map_or(&[], Vec::as_slice)
    }

    /// The tags, by slug.
    pub fn tags(&self) -> impl Iterator<Item = &Tag> {
        self.terms(crate::taxonomy::TAGS)
    }

    /// The terms of taxonomy `taxonomy` (`tags`, `categories`), by slug.
    pub fn terms<'a>(&'a self, taxonomy: &str) -> impl Iterator<Item = &'a Tag> + 'a {
        read(Fact::Tags);
        let prefix = format!("{taxonomy}/");
        let from = (
            std::ops::Bound::Included(prefix.as_str()),
            std::ops::Bound::Unbounded,
        );
        let keys: Vec<&String> = self
            .tags
            .range::<str, _>(from)
            .map(|(k, _)| k)
            .take_while(|k| k.starts_with(&prefix))
            .collect();
        keys.into_iter().filter_map(|k| self.term(k))
    }

    /// One tag, by slug.
    pub fn tag(&self, slug: &str) -> Option<&Tag> {
        self.term(&crate::taxonomy::term_key(crate::taxonomy::TAGS, slug))
    }

    /// One term, by key (`categories/<slug>`).
    pub fn term(&self, key: &str) -> Option<&Tag> {
        read(Fact::Tag(sym(key)));
        self.tags.get(key)
    }

    /// The paths of the list pages, in the order they are made.
    pub fn list_paths(&self) -> &[String] {
        read(Fact::Lists);
        &self.list_order
    }

    /// One list page, by site path.
    pub fn list(&self, path: &str) -> Option<&ListPage> {
        read(Fact::List(sym(path)));
        self.lists.get(path)
    }

    /// The pages citing an article of law `law`, by title.
    pub fn cited_by(&self, law: usize, article: ArticleNo) -> &[PageId] {
        read(Fact::CitedBy(law as u32, article.main, article.sub));
        self.cited_by
            .get(&(law, article))
            .map_or(&[], Vec::as_slice)
    }

    /// The statute library.
    pub fn library(&self) -> &LawLibrary {
        read(Fact::Library);
        &self.library
    }

    /// Content files to copy: site path → bytes.
    pub fn assets(&self) -> &BTreeMap<String, crate::output::Copied> {
        read(Fact::Assets);
        &self.out_assets
    }

    /// The newest `date` of any published page.
    pub fn newest_date(&self) -> Option<&ZonedDateTime> {
        read(Fact::NewestDate);
        self.newest.as_ref()
    }
}
