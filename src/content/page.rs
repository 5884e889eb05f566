//! The content model's types: what a Markdown file under `content/` becomes — a [`Page`]
//! (article, event, lesson or plain page) or a [`SectionIndex`] (`_index.md`). Parsing is in
//! [`super::parse`].

use std::sync::Arc;

use jiff::ZonedDateTime;

use super::Kind;
use super::quotes::Quotes;
use crate::markdown::{LinkRef, Rendered};
use crate::statute::cite::Citation;

pub const SUMMARY_CHARS: usize = 120;

/// A content page of any kind, parsed and checked on its own (links not yet resolved).
#[derive(Debug, Clone)]
pub struct Page {
    /// Path relative to the site root: `content/articles/a.md`.
    pub source: String,
    /// The lines of the file that the link step's messages may quote.
    pub quotes: Quotes,
    pub kind: Kind,
    /// Site path of the page, decoded, no leading slash: `articles/a/`.
    pub path: String,
    pub slug: String,
    pub title: String,
    pub date: Option<ZonedDateTime>,
    pub date_has_time: bool,
    pub updated: Option<ZonedDateTime>,
    /// Plain-text summary (given, or cut from the first paragraph).
    pub summary: String,
    pub tags: Vec<String>,
    /// URL segment of each tag (`tags/<slug>/`).
    pub tag_slugs: Vec<String>,
    /// Terms of the site's other taxonomies (`categories:`…), in the site's order.
    pub terms: Vec<Terms>,
    pub draft: bool,
    pub cover: Option<LinkRef>,
    pub cover_alt: String,
    /// A recording of the page read aloud (`audio:`), a file on this site.
    pub audio: Option<LinkRef>,
    /// Old addresses (`aliases:`) as site paths (`old/path/`, or a file such as
    /// `old.html`), each of which gets a page that leads here.
    pub aliases: Vec<String>,
    /// The column (栏目) an article-like page lies in, as URL segments (`gonggao`,
    /// `articles/anli`); `None` for an article directly in `articles/` and other kinds.
    pub column: Option<String>,
    /// `order:` of an article-like page (a column may sort by it).
    pub order: Option<i64>,
    pub author: Option<String>,
    pub extra: serde_json::Value,
    pub expires: Option<ZonedDateTime>,
    pub event: Option<EventInfo>,
    pub lesson: Option<LessonInfo>,
    pub body: Rendered,
    /// Statute articles the body cites (ranges expanded).
    pub citations: Vec<Citation>,
    /// Fingerprint of the file (path and text), for memoised rebuilds.
    pub fp: u64,
    /// Fingerprint of what the link step reads: the front matter, the body's links, ids and
    /// citations (not the rest of the body).
    pub meta_fp: u64,
}

/// The terms a page gives one of the site's own taxonomies (see [`crate::taxonomy`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Terms {
    /// The taxonomy's key: `categories`.
    pub taxonomy: String,
    /// As written (whitespace squashed, no repeats).
    pub names: Vec<String>,
    /// URL segment of each (`categories/<slug>/`).
    pub slugs: Vec<String>,
}

impl Page {
    /// Every term the page has, tags first: (taxonomy key, name, slug).
    pub fn all_terms(&self) -> impl Iterator<Item = (&str, &str, &str)> {
        let tags = self.tags.iter().zip(&self.tag_slugs);
        tags.map(|(n, s)| (crate::taxonomy::TAGS, n.as_str(), s.as_str()))
            .chain(self.terms.iter().flat_map(|t| {
                t.names
                    .iter()
                    .zip(&t.slugs)
                    .map(|(n, s)| (t.taxonomy.as_str(), n.as_str(), s.as_str()))
            }))
    }
}

/// An article cited in a lesson's `laws:`, resolved, with its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitedArticle {
    /// The entry as written.
    pub written: String,
    /// The article in the statute library.
    pub citation: Citation,
    pub law_short: String,
    /// 第一千零四十三条
    pub label: String,
    /// Site path of the law page and the anchor.
    pub path: String,
    pub anchor: String,
    /// Paragraphs (items included), for showing the full text.
    pub paragraphs: Vec<String>,
}

/// What only events have.
#[derive(Debug, Clone)]
pub struct EventInfo {
    pub start: ZonedDateTime,
    pub start_has_time: bool,
    pub end: Option<ZonedDateTime>,
    pub end_has_time: bool,
    pub location: String,
    pub organizer: Option<String>,
    pub audience: Option<String>,
    pub contact: Option<String>,
    pub registration: Option<String>,
    /// `status:` — whether the event still takes place as announced.
    pub state: EventState,
}

impl EventInfo {
    /// What an event says besides its time and place, labelled as notices label it.
    pub fn details(&self) -> [(&'static str, &Option<String>); 4] {
        [
            ("主办", &self.organizer),
            ("对象", &self.audience),
            ("联系", &self.contact),
            ("报名", &self.registration),
        ]
    }
}

/// What an event notice says about its own fate (`status:` in the front matter). Whether it
/// is upcoming, ongoing or past is computed against "now" instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EventState {
    /// Takes place as announced (no `status:`).
    #[default]
    Scheduled,
    /// Will not take place.
    Cancelled,
    /// Will take place later, at a time not yet announced.
    Postponed,
}

impl EventState {
    /// `status:` as written, in English or Chinese.
    pub fn parse(word: &str) -> Option<EventState> {
        match word.trim().to_lowercase().as_str() {
            "scheduled" | "正常" | "照常" | "照常举行" => Some(EventState::Scheduled),
            "cancelled" | "canceled" | "取消" | "已取消" => Some(EventState::Cancelled),
            "postponed" | "延期" | "已延期" | "推迟" => Some(EventState::Postponed),
            _ => None,
        }
    }

    /// What a visitor reads instead of "upcoming": `None` while scheduled.
    pub fn label(self) -> Option<&'static str> {
        match self {
            EventState::Scheduled => None,
            EventState::Cancelled => Some("已取消"),
            EventState::Postponed => Some("已延期"),
        }
    }
}

/// What only lessons have.
#[derive(Debug, Clone)]
pub struct LessonInfo {
    /// Folder of the series under `content/lessons/`, e.g. `minfadian`.
    pub series_dir: String,
    /// `series:` as written, if any.
    pub series_name: Option<String>,
    pub order: i64,
    /// Line of `order:` (for duplicate-order messages).
    pub order_line: usize,
    /// Citations from `laws:` with their file line.
    pub laws: Vec<(String, usize)>,
    /// The `laws:` entries resolved against the statute library.
    pub cited: Vec<CitedArticle>,
    pub duration: Option<String>,
    pub key_points: Vec<String>,
    pub quiz: Vec<Quiz>,
}

/// A self-check question, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quiz {
    pub question: String,
    pub options: Vec<String>,
    /// 0-based index of the right option.
    pub answer: usize,
    pub explanation: String,
}

/// A section's `_index.md`: title and intro of a list page.
#[derive(Debug, Clone)]
pub struct SectionIndex {
    pub source: String,
    /// The lines of the file that the link step's messages may quote.
    pub quotes: Quotes,
    /// Fingerprint of the file.
    pub fp: u64,
    /// Folder under `content/`, `/`-separated: `""` (home), `articles`, `lessons/minfadian`.
    pub dir: String,
    /// A column's settings (the folder is a column, see [`super::columns`]).
    pub column: Option<super::columns::ColumnSettings>,
    pub title: String,
    pub description: Option<String>,
    pub order: Option<i64>,
    pub cover: Option<LinkRef>,
    pub cover_alt: String,
    pub extra: serde_json::Value,
    pub intro: Rendered,
}

/// What a Markdown file under `content/` is. Shared (`Arc`) so that a rebuild can reuse
/// the pages of files that did not change without copying them.
#[derive(Debug, Clone)]
pub enum Parsed {
    Page(Arc<Page>),
    Section(Arc<SectionIndex>),
}
