//! Parse step: the front matter keys of every kind, as written by authors (before checking).
//! One struct holds every key any kind accepts, so a typo is an "unknown key" error and a key
//! of another kind (an event's `start` in an article) gets its own clear message.

use serde::Deserialize;

use super::Kind;

/// Keys every kind accepts.
pub const COMMON_KEYS: &[&str] = &[
    "title",
    "date",
    "updated",
    "summary",
    "tags",
    "draft",
    "slug",
    "cover",
    "cover_alt",
    "author",
    "extra",
    "expires",
    "personal_data",
    "audio",
    "aliases",
];
/// Keys only events accept.
pub const EVENT_KEYS: &[&str] = &[
    "start",
    "end",
    "location",
    "organizer",
    "audience",
    "contact",
    "registration",
    "status",
];
/// Keys only lessons accept.
pub const LESSON_KEYS: &[&str] = &["order", "series", "laws", "duration", "key_points", "quiz"];
/// Keys of a section's `_index.md`.
pub const SECTION_KEYS: &[&str] = &[
    "title",
    "description",
    "order",
    "cover",
    "cover_alt",
    "extra",
];
/// Keys only a column's `_index.md` accepts (see [`super::columns`]).
pub const COLUMN_KEYS: &[&str] = &["sort", "page_size", "menu", "home", "feed"];

pub use crate::meta_keys::ALL_KEYS;

/// Is `key` allowed for a file of this kind (`None` = a section's `_index.md`)?
pub fn allowed(kind: Option<Kind>, key: &str) -> bool {
    match kind {
        None => SECTION_KEYS.contains(&key) || COLUMN_KEYS.contains(&key),
        Some(k) => {
            COMMON_KEYS.contains(&key)
                || (k == Kind::Event && EVENT_KEYS.contains(&key))
                || (k == Kind::Lesson && LESSON_KEYS.contains(&key))
                // A column sorted by `order` reads it from its pages.
                || (k == Kind::Article && key == "order")
        }
    }
}

/// A quiz question as written.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RawQuiz {
    pub question: String,
    pub options: Vec<String>,
    /// 1-based number of the right option, or its letter (A, B, …).
    pub answer: String,
    #[serde(default)]
    pub explanation: Option<String>,
}

/// A scalar that may be written as text or a number (`duration: 15` or `duration: 15分钟`).
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar(pub String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// Every front matter key of every kind, as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMeta {
    pub title: Option<String>,
    pub date: Option<String>,
    pub updated: Option<String>,
    pub summary: Option<String>,
    pub tags: Option<Vec<String>>,
    pub draft: Option<bool>,
    pub slug: Option<String>,
    pub cover: Option<String>,
    pub cover_alt: Option<String>,
    pub author: Option<String>,
    pub extra: Option<serde_json::Value>,
    pub expires: Option<String>,
    /// Kinds of personal data this page may show (`[mobile]`): no warning for them.
    pub personal_data: Option<Vec<String>>,
    /// A recording of the page read aloud (offered instead of the browser's 朗读).
    pub audio: Option<String>,
    /// Old addresses of the page, each given a page that leads to it.
    pub aliases: Option<Vec<String>>,
    // events
    pub start: Option<String>,
    pub end: Option<String>,
    pub location: Option<String>,
    pub organizer: Option<String>,
    pub audience: Option<String>,
    pub contact: Option<String>,
    pub registration: Option<String>,
    pub status: Option<String>,
    // lessons
    pub order: Option<i64>,
    pub series: Option<String>,
    pub laws: Option<Vec<String>>,
    pub duration: Option<Scalar>,
    pub key_points: Option<Vec<String>>,
    pub quiz: Option<Vec<RawQuiz>>,
    // section indexes
    pub description: Option<String>,
    // columns' indexes
    pub sort: Option<String>,
    pub page_size: Option<i64>,
    pub menu: Option<bool>,
    pub home: Option<bool>,
    pub feed: Option<bool>,
}

impl RawMeta {
    /// The keys that were written (present and not null).
    pub fn present_keys(&self) -> Vec<&'static str> {
        let flags = [
            ("title", self.title.is_some()),
            ("date", self.date.is_some()),
            ("updated", self.updated.is_some()),
            ("summary", self.summary.is_some()),
            ("tags", self.tags.is_some()),
            ("draft", self.draft.is_some()),
            ("slug", self.slug.is_some()),
            ("cover", self.cover.is_some()),
            ("cover_alt", self.cover_alt.is_some()),
            ("author", self.author.is_some()),
            ("extra", self.extra.is_some()),
            ("expires", self.expires.is_some()),
            ("personal_data", self.personal_data.is_some()),
            ("audio", self.audio.is_some()),
            ("aliases", self.aliases.is_some()),
            ("start", self.start.is_some()),
            ("end", self.end.is_some()),
            ("location", self.location.is_some()),
            ("organizer", self.organizer.is_some()),
            ("audience", self.audience.is_some()),
            ("contact", self.contact.is_some()),
            ("registration", self.registration.is_some()),
            ("status", self.status.is_some()),
            ("order", self.order.is_some()),
            ("series", self.series.is_some()),
            ("laws", self.laws.is_some()),
            ("duration", self.duration.is_some()),
            ("key_points", self.key_points.is_some()),
            ("quiz", self.quiz.is_some()),
            ("description", self.description.is_some()),
            ("sort", self.sort.is_some()),
            ("page_size", self.page_size.is_some()),
            ("menu", self.menu.is_some()),
            ("home", self.home.is_some()),
            ("feed", self.feed.is_some()),
        ];
        flags
            .into_iter()
            .filter(|(_, on)| *on)
            .map(|(k, _)| k)
            .collect()
    }
}
