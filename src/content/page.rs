//! Parse step: one Markdown file under `content/` → a typed [`Page`] or [`SectionIndex`].
//! Pure: takes the file's text and the site settings, returns values and located problems.

use std::sync::Arc;

use jiff::ZonedDateTime;

use super::dates::{DATE_FORMS, has_time, parse_datetime};
use super::front_matter::{YamlSource, item_position, key_position, parse_yaml, split};
use super::meta::{ALL_KEYS, RawMeta, RawQuiz, allowed};
use super::{Kind, LAWS_DIR};
use crate::config::Config;
use crate::diag::Diagnostic;
use crate::markdown::{self, BodySource, LinkRef, MarkdownOptions, Rendered, TextHook};
use crate::statute::LawLibrary;
use crate::statute::cite::{Citation, CiteHook};
use crate::text::{SlugError, make_slug, truncate_summary};

/// Characters kept for an automatic summary.
pub const SUMMARY_CHARS: usize = 120;

/// A content page of any kind, parsed and checked on its own (links not yet resolved).
#[derive(Debug, Clone)]
pub struct Page {
    /// Path relative to the site root: `content/articles/a.md`.
    pub source: String,
    pub text: Arc<str>,
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
    pub draft: bool,
    pub cover: Option<LinkRef>,
    pub cover_alt: String,
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

/// An article cited in a lesson's `laws:`, resolved, with its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitedArticle {
    /// The entry as written.
    pub written: String,
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
    pub text: Arc<str>,
    /// Fingerprint of the file.
    pub fp: u64,
    /// Folder under `content/`, `/`-separated: `""` (home), `articles`, `lessons/minfadian`.
    pub dir: String,
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

/// Where a file sits: its kind (`None` for `_index.md`) and folders.
struct Place {
    kind: Option<Kind>,
    /// Folder under `content/` (`articles/2024`) as URL segments (spaces become `-`).
    dir_slug: String,
    /// File stem, or the folder name for `index.md`.
    stem: String,
    /// Folder the page's URL lives in (`articles/2024`; parent of the bundle for `index.md`),
    /// as URL segments.
    url_dir: String,
    /// A folder name that cannot be part of a URL, and why.
    bad_folder: Option<(String, SlugError)>,
}

/// Turn each folder name of `dir` into a URL segment.
fn slug_dir(dir: &str) -> Result<String, (String, SlugError)> {
    dir.split('/')
        .filter(|s| !s.is_empty())
        .map(|seg| make_slug(seg).map_err(|e| (seg.to_string(), e)))
        .collect::<Result<Vec<_>, _>>()
        .map(|v| v.join("/"))
}

/// Is this Markdown file part of the statute library (handled by `statute`)?
pub fn is_statute_file(rel: &str) -> bool {
    rel.strip_prefix("content/")
        .is_some_and(|r| r.starts_with(&format!("{LAWS_DIR}/")) && !r.ends_with("/_index.md"))
}

fn place_of(rel: &str) -> Place {
    let inner = rel.strip_prefix("content/").unwrap_or(rel);
    let (dir, file) = match inner.rfind('/') {
        Some(i) => (&inner[..i], &inner[i + 1..]),
        None => ("", inner),
    };
    let stem = file.strip_suffix(".md").unwrap_or(file);
    let top = dir.split('/').next().unwrap_or("");
    let kind = match top {
        "articles" => Some(Kind::Article),
        "events" => Some(Kind::Event),
        "lessons" => Some(Kind::Lesson),
        _ => Some(Kind::Page),
    };
    let (dir_slug, bad_folder) = match slug_dir(dir) {
        Ok(s) => (s, None),
        Err(e) => (dir.to_string(), Some(e)),
    };
    let parent_of = |d: &str| d.rfind('/').map_or(String::new(), |i| d[..i].to_string());
    let (kind, stem, url_dir) = if stem == "_index" {
        (None, String::new(), dir_slug.clone())
    } else if stem == "index" && !dir.is_empty() {
        let name = dir.rsplit('/').next().unwrap_or(dir).to_string();
        (kind, name, parent_of(&dir_slug))
    } else {
        (kind, stem.to_string(), dir_slug.clone())
    };
    Place {
        kind,
        dir_slug,
        stem,
        url_dir,
        bad_folder,
    }
}

/// Collects the problems of one file.
struct Checker<'a> {
    file: &'a str,
    text: &'a str,
    yaml: &'a str,
    yaml_line: usize,
    diags: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn at_key(&self, key: &str) -> (usize, usize) {
        key_position(self.yaml, self.yaml_line, key).unwrap_or((self.yaml_line - 1, 0))
    }

    fn error_at(&mut self, key: &str, msg: impl Into<String>, hint: impl Into<String>) {
        let (line, col) = self.at_key(key);
        self.diags.push(
            Diagnostic::error(msg)
                .in_file(self.file)
                .at(line, col)
                .with_source_line(self.text, 0)
                .with_hint(hint),
        );
    }

    fn error_at_pos(&mut self, pos: (usize, usize), msg: impl Into<String>, hint: &str) {
        self.diags.push(
            Diagnostic::error(msg)
                .in_file(self.file)
                .at(pos.0, pos.1)
                .with_source_line(self.text, 0)
                .with_hint(hint),
        );
    }

    fn missing(&mut self, key: &str, what: &str, example: &str) {
        self.diags.push(
            Diagnostic::error(format!("缺少必填字段 “{key}”（{what}）"))
                .in_file(self.file)
                .at(1, 0)
                .with_source_line(self.text, 3)
                .with_hint(format!("在开头的两行 --- 之间加一行，例如：{example}")),
        );
    }

    fn date(
        &mut self,
        key: &str,
        raw: &Option<String>,
        tz: &jiff::tz::TimeZone,
    ) -> Option<ZonedDateTime> {
        let raw = raw.as_deref()?;
        match parse_datetime(raw, tz) {
            Ok(z) => Some(z),
            Err(why) => {
                let (line, col) = self.at_key(key);
                self.diags.push(
                    Diagnostic::error(format!("字段 “{key}” 的日期写得不对：{why}"))
                        .in_file(self.file)
                        .at(line, col)
                        .with_source_line(self.text, raw.chars().count())
                        .with_hint(format!("日期的写法：{DATE_FORMS}。月份和日期要真实存在。")),
                );
                None
            }
        }
    }
}

/// Parse one Markdown file of `content/` (not the statute library).
pub fn parse_file(
    rel: &str,
    text: &Arc<str>,
    config: &Config,
    laws: Option<&LawLibrary>,
) -> (Option<Parsed>, Vec<Diagnostic>) {
    let place = place_of(rel);
    let split = match split(text, rel) {
        Ok(s) => s,
        Err(d) => return (None, vec![d]),
    };
    let keys: Vec<&str> = match place.kind {
        None => super::meta::SECTION_KEYS.to_vec(),
        Some(_) => ALL_KEYS.to_vec(),
    };
    let ysrc = YamlSource {
        file: rel,
        file_text: text,
        yaml: split.yaml,
        first_line: split.yaml_line,
        keys: &keys,
    };
    let raw: RawMeta = match parse_yaml(&ysrc) {
        Ok(r) => r,
        Err(d) => return (None, vec![d]),
    };
    let mut c = Checker {
        file: rel,
        text,
        yaml: split.yaml,
        yaml_line: split.yaml_line,
        diags: Vec::new(),
    };
    if let Some((folder, why)) = &place.bad_folder {
        let why = match why {
            SlugError::Empty => "是空的".to_string(),
            SlugError::Forbidden(ch) => format!("含有不能用在网址里的字符 “{ch}”"),
        };
        c.diags.push(
            Diagnostic::error(format!("文件夹名 “{folder}” {why}，不能用作网址的一部分"))
                .in_file(rel)
                .with_hint("把文件夹改个名字（只用汉字、字母、数字和 -），例如 “第1期-重要”。"),
        );
    }
    for key in raw.present_keys() {
        if !allowed(place.kind, key) {
            let hint = match place.kind {
                None => format!(
                    "栏目说明文件 _index.md 只能写：{}。",
                    super::meta::SECTION_KEYS.join("、")
                ),
                Some(k) => {
                    let owner = if super::meta::EVENT_KEYS.contains(&key) {
                        "活动通知（content/events/）"
                    } else if super::meta::LESSON_KEYS.contains(&key) {
                        "课程（content/lessons/系列/）"
                    } else {
                        "栏目说明文件 _index.md"
                    };
                    format!(
                        "“{key}” 只能用在{owner}里，这个文件是{}。自定义的数据请写在 extra: 下面。",
                        k.label()
                    )
                }
            };
            c.error_at(key, format!("这里不能用字段 “{key}”"), hint);
        }
    }

    let body_offset = text.len() - split.body.len();
    let bsrc = BodySource {
        file: rel,
        file_text: text,
        body: split.body,
        body_offset,
    };
    let hook = laws.map(|lib| CiteHook::new(lib, config, rel, text));
    let (body, body_diags) = markdown::render(
        &bsrc,
        MarkdownOptions {
            unsafe_html: config.markdown.unsafe_html,
        },
        hook.as_ref().map(|h| h as &dyn TextHook),
    );
    c.diags.extend(body_diags);

    let title = raw.title.clone().unwrap_or_default().trim().to_string();
    if title.is_empty() {
        if raw.title.is_some() {
            c.error_at(
                "title",
                "标题 title 是空的",
                "写上标题，例如 title: 宪法宣传周活动圆满结束",
            );
        } else {
            c.missing("title", "标题", "title: 宪法宣传周活动圆满结束");
        }
    }

    let cover = raw.cover.as_ref().map(|dest| {
        let (line, col) = c.at_key("cover");
        LinkRef {
            dest: dest.trim().to_string(),
            title: String::new(),
            alt: raw.cover_alt.clone().unwrap_or_default(),
            is_image: true,
            line,
            col,
        }
    });
    if cover.is_some() && raw.cover_alt.as_deref().is_none_or(|a| a.trim().is_empty()) {
        c.error_at(
            "cover",
            "有封面图 cover，却没有写图片说明 cover_alt",
            "加一行 cover_alt: 用一句话说明图片内容（例如 “法治文化广场上的宪法宣传展板”），视障读者靠它了解图片。",
        );
    }
    if let Some(cover) = &cover
        && markdown::is_external(&cover.dest)
    {
        c.error_at(
            "cover",
            "封面图 cover 不能用其他网站的图片",
            "把图片放在这篇文章旁边，写 cover: 图片文件名.jpg",
        );
    }

    let Some(kind) = place.kind else {
        let section = SectionIndex {
            source: rel.to_string(),
            text: text.clone(),
            fp: crate::fingerprint::combine(&[
                crate::fingerprint::of(rel),
                crate::fingerprint::of(&**text),
            ]),
            dir: place.dir_slug.clone(),
            title,
            description: raw.description.clone(),
            order: raw.order,
            cover,
            cover_alt: raw.cover_alt.clone().unwrap_or_default(),
            extra: raw.extra.clone().unwrap_or(serde_json::Value::Null),
            intro: body,
        };
        let parsed = if c.diags.iter().any(Diagnostic::is_error) {
            None
        } else {
            Some(Parsed::Section(Arc::new(section)))
        };
        return (parsed, c.diags);
    };

    let tz = &config.timezone;
    let date = c.date("date", &raw.date, tz);
    if raw.date.is_none() && kind != Kind::Page {
        c.missing("date", "发布日期", "date: 2024-12-04");
    }
    let updated = c.date("updated", &raw.updated, tz);
    let expires = c.date("expires", &raw.expires, tz);

    let slug_src = raw.slug.clone().unwrap_or_else(|| place.stem.clone());
    let slug = match make_slug(&slug_src) {
        Ok(s) => s,
        Err(e) => {
            let why = match e {
                SlugError::Empty => "是空的".to_string(),
                SlugError::Forbidden(ch) => format!("含有不能用在网址里的字符 “{ch}”"),
            };
            if raw.slug.is_some() {
                c.error_at(
                    "slug",
                    format!("网址名 slug “{slug_src}” {why}"),
                    "slug 只用汉字、字母、数字和 -，例如 slug: xianfa-xuanchuanzhou",
                );
            } else {
                c.diags.push(
                    Diagnostic::error(format!("文件名 “{slug_src}” {why}，不能用作网址"))
                        .in_file(rel)
                        .with_hint(
                            "改一下文件名（只用汉字、字母、数字和 -），或在元数据里写 slug: 网址名",
                        ),
                );
            }
            String::from("_")
        }
    };

    let mut path = String::new();
    if !place.url_dir.is_empty() {
        path.push_str(&place.url_dir);
        path.push('/');
    }
    path.push_str(&slug);
    path.push('/');

    let summary = match raw.summary.as_deref().map(str::trim) {
        Some(s) if !s.is_empty() => crate::text::squash_whitespace(s),
        _ => truncate_summary(&body.first_paragraph, SUMMARY_CHARS),
    };

    let mut tags: Vec<String> = Vec::new();
    for t in raw.tags.clone().unwrap_or_default() {
        let t = crate::text::squash_whitespace(&t);
        if !t.is_empty() && !tags.contains(&t) {
            tags.push(t);
        }
    }

    let event = if kind == Kind::Event {
        parse_event(&mut c, &raw, tz)
    } else {
        None
    };
    let mut lesson = if kind == Kind::Lesson {
        parse_lesson(&mut c, &raw, &place)
    } else {
        None
    };
    if let (Some(l), Some(h), Some(lib)) = (&mut lesson, &hook, laws) {
        for (written, line) in &l.laws {
            for r in h.resolve_standalone(written, *line) {
                let Some((_, a)) = lib.article(r.law, r.no) else {
                    continue;
                };
                let mut paragraphs = Vec::new();
                for p in &a.paragraphs {
                    paragraphs.push(p.text.clone());
                    paragraphs.extend(p.items.iter().cloned());
                }
                l.cited.push(CitedArticle {
                    written: written.clone(),
                    law_short: lib.laws[r.law].short.clone(),
                    label: r.no.label(),
                    path: r.path,
                    anchor: r.anchor,
                    paragraphs,
                });
            }
        }
    }
    let mut citations = match hook {
        Some(h) => {
            let (cites, d) = h.finish();
            c.diags.extend(d);
            cites
        }
        None => Vec::new(),
    };
    // A lesson's `laws:` cite their articles too (for the “cited by” lists).
    if let (Some(l), Some(lib)) = (&lesson, laws) {
        for a in &l.cited {
            if let Some(law) = lib.find(&a.law_short)
                && let Some(no) = lib.laws[law].articles.keys().find(|k| k.label() == a.label)
            {
                citations.push(Citation { law, article: *no });
            }
        }
        citations.sort();
        citations.dedup();
    }

    let page = Page {
        source: rel.to_string(),
        text: text.clone(),
        kind,
        path,
        slug,
        title,
        date_has_time: raw.date.as_deref().is_some_and(has_time),
        date,
        updated,
        summary,
        tag_slugs: tags.iter().map(|t| crate::text::tag_slug(t)).collect(),
        tags,
        draft: raw.draft.unwrap_or(false),
        cover,
        cover_alt: raw.cover_alt.clone().unwrap_or_default(),
        author: raw.author.clone(),
        extra: raw
            .extra
            .clone()
            .unwrap_or(serde_json::Value::Object(Default::default())),
        expires,
        event,
        lesson,
        body,
        citations,
        fp: crate::fingerprint::combine(&[
            crate::fingerprint::of(rel),
            crate::fingerprint::of(&**text),
        ]),
        meta_fp: 0,
    };
    let mut page = page;
    page.meta_fp = crate::fingerprint::of(&(
        rel,
        split.yaml,
        &page.body.links,
        &page.body.ids,
        &page.citations,
    ));
    let ok = !c.diags.iter().any(Diagnostic::is_error);
    (ok.then(|| Parsed::Page(Arc::new(page))), c.diags)
}

fn parse_event(c: &mut Checker<'_>, raw: &RawMeta, tz: &jiff::tz::TimeZone) -> Option<EventInfo> {
    let start = c.date("start", &raw.start, tz);
    if raw.start.is_none() {
        c.missing("start", "活动开始时间", "start: 2026-12-04 09:00");
    }
    let end = c.date("end", &raw.end, tz);
    let location = raw.location.clone().unwrap_or_default().trim().to_string();
    if location.is_empty() {
        c.missing("location", "活动地点", "location: 镇法治文化广场");
    }
    // A date without a time means the whole day.
    let end_has_time = raw.end.as_deref().is_some_and(has_time);
    let effective_end = end.as_ref().map(|e| {
        if end_has_time {
            e.clone()
        } else {
            e.date()
                .tomorrow()
                .ok()
                .and_then(|d| d.to_zoned_datetime(e.time_zone().clone()).ok())
                .unwrap_or_else(|| e.clone())
        }
    });
    if let (Some(s), Some(e)) = (&start, &effective_end)
        && e <= s
        && !(end_has_time && e == s)
    {
        c.error_at(
            "end",
            format!(
                "活动结束时间 {} 早于开始时间 {}",
                raw.end.as_deref().unwrap_or(""),
                raw.start.as_deref().unwrap_or("")
            ),
            "检查 start 和 end：结束时间不能早于开始时间（跨天的活动写结束那天的日期）。",
        );
    }
    let state = match raw.status.as_deref() {
        None => EventState::Scheduled,
        Some(w) => EventState::parse(w).unwrap_or_else(|| {
            c.error_at(
                "status",
                format!("活动状态 “{w}” 不认识"),
                "写 status: 取消（活动不办了）或 status: 延期（以后再办，时间另行通知）；照常举行就删掉这一行。",
            );
            EventState::Scheduled
        }),
    };
    let start = start?;
    if location.is_empty() {
        return None;
    }
    Some(EventInfo {
        state,
        start_has_time: raw.start.as_deref().is_some_and(has_time),
        start,
        end_has_time: raw.end.as_deref().is_some_and(has_time),
        end,
        location,
        organizer: raw.organizer.clone(),
        audience: raw.audience.clone(),
        contact: raw.contact.clone(),
        registration: raw.registration.clone(),
    })
}

fn parse_lesson(c: &mut Checker<'_>, raw: &RawMeta, place: &Place) -> Option<LessonInfo> {
    let series_dir = place
        .dir_slug
        .strip_prefix("lessons/")
        .and_then(|d| d.split('/').next())
        .unwrap_or("")
        .to_string();
    if series_dir.is_empty() {
        c.diags.push(
            Diagnostic::error("课程文件必须放在一个系列文件夹里")
                .in_file(c.file)
                .with_hint(
                    "例如 content/lessons/minfadian/01-hunyin.md：文件夹 minfadian 就是一个系列，可以在里面放 _index.md 写系列名称。",
                ),
        );
    }
    let order = match raw.order {
        Some(o) if o >= 1 => Some(o),
        Some(o) => {
            c.error_at(
                "order",
                format!("课程序号 order 必须是正整数，现在是 {o}"),
                "第一课写 order: 1，第二课写 order: 2，依此类推。",
            );
            None
        }
        None => {
            c.missing("order", "课程在系列里的序号", "order: 1");
            None
        }
    };
    let mut quiz = Vec::new();
    for (i, q) in raw.quiz.clone().unwrap_or_default().into_iter().enumerate() {
        if let Some(q) = check_quiz(c, i, q) {
            quiz.push(q);
        }
    }
    let laws = raw
        .laws
        .clone()
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            let line = item_position(c.yaml, c.yaml_line, "laws", i, None)
                .map(|p| p.0)
                .unwrap_or(1);
            (l.trim().to_string(), line)
        })
        .filter(|(l, _)| !l.is_empty())
        .collect();
    let order_line = c.at_key("order").0;
    Some(LessonInfo {
        series_dir,
        series_name: raw.series.clone().filter(|s| !s.trim().is_empty()),
        order: order?,
        order_line,
        laws,
        cited: Vec::new(),
        duration: raw.duration.clone().map(|d| {
            let d = d.0.trim().to_string();
            if d.chars().all(|c| c.is_ascii_digit()) {
                format!("{d}分钟")
            } else {
                d
            }
        }),
        key_points: raw
            .key_points
            .clone()
            .unwrap_or_default()
            .into_iter()
            .map(|k| k.trim().to_string())
            .filter(|k| !k.is_empty())
            .collect(),
        quiz,
    })
}

fn check_quiz(c: &mut Checker<'_>, i: usize, q: RawQuiz) -> Option<Quiz> {
    let pos = |sub: Option<&str>| {
        item_position(c.yaml, c.yaml_line, "quiz", i, sub).unwrap_or((c.yaml_line, 0))
    };
    let n = i + 1;
    if q.options.len() < 2 {
        let p = pos(Some("options"));
        c.error_at_pos(
            p,
            format!("第 {n} 道自测题至少要有两个选项"),
            "options 下面每行写一个选项，以 “- ” 开头。",
        );
        return None;
    }
    let a = q.answer.trim();
    let letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    // The option's own text first (`answer: 对`), then its number, then its letter.
    let index = if let Some(i) = q.options.iter().position(|o| o.trim() == a) {
        Some(i)
    } else if let Ok(num) = a.parse::<i64>() {
        (num >= 1).then(|| (num - 1) as usize)
    } else if a.chars().count() == 1 {
        a.chars()
            .next()
            .and_then(|ch| letters.find(ch.to_ascii_uppercase()))
    } else {
        None
    };
    match index {
        Some(idx) if idx < q.options.len() => Some(Quiz {
            question: q.question.trim().to_string(),
            options: q.options.iter().map(|o| o.trim().to_string()).collect(),
            answer: idx,
            explanation: q.explanation.unwrap_or_default().trim().to_string(),
        }),
        _ => {
            let p = pos(Some("answer"));
            let count = q.options.len();
            c.error_at_pos(
                p,
                format!("第 {n} 道自测题的答案 “{a}” 不是任何一个选项（共 {count} 个选项）"),
                &format!(
                    "answer 写正确选项的序号（1 到 {count}），或写字母 A 到 {}。",
                    letters.chars().nth(count - 1).unwrap_or('Z')
                ),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Overrides, parse_config};

    fn cfg() -> Config {
        parse_config(
            "title: t\nbase_url: https://e.org/\n",
            &Overrides::default(),
        )
        .unwrap()
    }

    fn parse(rel: &str, text: &str) -> (Option<Parsed>, Vec<Diagnostic>) {
        parse_file(rel, &Arc::from(text), &cfg(), None)
    }

    #[test]
    fn article_with_chinese_stem() {
        let (p, d) = parse(
            "content/articles/民法典相伴.md",
            "---\ntitle: 相伴\ndate: 2024-05-01\ntags: [民法典, 民法典]\n---\n\n第一段话。\n",
        );
        assert!(d.is_empty(), "{d:?}");
        let Some(Parsed::Page(p)) = p else { panic!() };
        assert_eq!(p.path, "articles/民法典相伴/");
        assert_eq!(p.tags, vec!["民法典"]);
        assert_eq!(p.summary, "第一段话。");
    }

    #[test]
    fn event_checks() {
        let (p, d) = parse(
            "content/events/e.md",
            "---\ntitle: 活动\ndate: 2024-05-01\nstart: 2024-05-03 09:00\nend: 2024-05-02\nlocation: 广场\n---\n",
        );
        assert!(p.is_none());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].line, Some(5));
        let (_, d) = parse(
            "content/events/e.md",
            "---\ntitle: 活动\ndate: 2024-05-01\n---\n",
        );
        let msgs: Vec<_> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(d.len(), 2, "{msgs:?}");
    }

    #[test]
    fn keys_of_other_kinds_are_refused() {
        let (_, d) = parse(
            "content/articles/a.md",
            "---\ntitle: a\ndate: 2024-01-01\nstart: 2024-01-02\n---\n",
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].line, Some(4));
        assert!(d[0].hint.as_deref().unwrap().contains("活动通知"));
    }

    #[test]
    fn lesson_quiz_answers() {
        let text = "---\ntitle: 第一课\ndate: 2024-01-01\norder: 1\nquiz:\n  - question: 对吗？\n    options: [对, 错]\n    answer: B\n  - question: 再问\n    options: [甲, 乙]\n    answer: 3\n---\n";
        let (p, d) = parse("content/lessons/s/01.md", text);
        assert!(p.is_none());
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].line, Some(11));
        assert!(d[0].message.contains("第 2 道"));
    }

    #[test]
    fn bundle_index_takes_the_folder_name() {
        let (p, _) = parse(
            "content/articles/guangchang/index.md",
            "---\ntitle: a\ndate: 2024-01-01\n---\n",
        );
        let Some(Parsed::Page(p)) = p else { panic!() };
        assert_eq!(p.path, "articles/guangchang/");
    }

    #[test]
    fn bad_date_is_located() {
        let (_, d) = parse(
            "content/articles/a.md",
            "---\ntitle: a\ndate: 2024-13-45\n---\n",
        );
        assert_eq!(d[0].line, Some(3));
        assert_eq!(d[0].col, Some(7));
    }
}
