//! The content model: what a Markdown file under `content/` becomes. The folder decides the
//! kind (articles, events, lessons, plain pages, section indexes); [`parse::parse_file`] turns
//! one file into a typed [`page::Page`] or [`page::SectionIndex`] with located problems.

mod check;
pub mod columns;
mod csv_table;
mod event;
pub mod front_matter;
mod lesson;
pub mod media_kind;
pub mod meta;
pub mod page;
pub mod parse;
mod personal;
mod place;
pub mod quotes;
pub mod snippets;
pub mod source;
pub mod terms;

/// The kinds of content, decided by the folder a file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// `content/articles/**`: news and 普法 articles.
    Article,
    /// `content/events/**`: activity notices.
    Event,
    /// `content/lessons/<series>/**`: 法治小课堂 lessons.
    Lesson,
    /// Any other `content/**.md`: about, contact…
    Page,
}

impl Kind {
    /// The section folder of this kind (`articles`), if it has one.
    pub fn section(self) -> Option<&'static str> {
        match self {
            Kind::Article => Some("articles"),
            Kind::Event => Some("events"),
            Kind::Lesson => Some("lessons"),
            Kind::Page => None,
        }
    }

    /// Name of the kind in the UI and in messages.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Article => "文章",
            Kind::Event => "活动通知",
            Kind::Lesson => "课程",
            Kind::Page => "页面",
        }
    }

    /// Default column name (栏目) of the kind's section.
    pub fn column(self) -> &'static str {
        match self {
            Kind::Article => "普法动态",
            Kind::Event => "活动通知",
            Kind::Lesson => "法治小课堂",
            Kind::Page => "",
        }
    }
}

/// The folder under `content/` that holds the statute library.
pub const LAWS_DIR: &str = "laws";
