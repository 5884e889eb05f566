//! Parse step: one Markdown file of `content/` (not the statute library) → a typed
//! [`Page`] or [`SectionIndex`], with every problem located (file, line, column, hint).

use std::sync::Arc;

use super::Kind;
use super::check::Checker;
use super::columns::{ColumnSettings, ColumnSort, Columns};
use super::event::parse_event;
use super::front_matter::split;
use super::lesson::parse_lesson;
use super::meta::{ALL_KEYS, COLUMN_KEYS, RawMeta, allowed};
use super::page::{CitedArticle, LessonInfo, Page, Parsed, SUMMARY_CHARS, SectionIndex, Terms};
use super::place::{Place, place_of};
use super::quotes::Quotes;
use super::snippets::{PageSnippets, SnippetSources};
use crate::config::Config;
use crate::dates::has_time;
use crate::diag::Diagnostic;
use crate::markdown::snippets::SnippetHook;
use crate::markdown::{self, BodySource, LinkRef, MarkdownOptions, TextHook};
use crate::statute::LawLibrary;
use crate::statute::cite::{Citation, CiteHook};
use crate::text::{SlugError, make_slug, truncate_summary};
use crate::yaml::{YamlSource, parse_yaml};

pub use super::place::is_statute_file;

/// What parsing a content file reads besides the file.
pub struct ParseEnv<'a> {
    pub config: &'a Config,
    pub laws: Option<&'a LawLibrary>,
    /// Which folders are columns (栏目).
    pub columns: &'a Columns,
    /// What snippets read (none: snippets are left as text).
    pub snippets: Option<&'a SnippetSources<'a>>,
}

/// Parse one Markdown file of `content/` (not the statute library). The page or section
/// comes back even when the file has errors of its own (see the diagnostics), so that later
/// steps can report its other problems; `None` only when its front matter cannot be read.
pub fn parse_file(
    rel: &str,
    text: &Arc<str>,
    env: &ParseEnv<'_>,
) -> (Option<Parsed>, Vec<Diagnostic>) {
    let (config, laws) = (env.config, env.laws);
    let place = place_of(rel, env.columns);
    let (split, raw, terms) = match front_matter(rel, text, &place, config) {
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
    check_place_and_keys(&mut c, &place, &raw);
    let allowed = raw.personal_data.as_deref().unwrap_or_default();
    for word in allowed {
        if !["id_card", "mobile", "bank_card"].contains(&word.as_str()) {
            c.error_at(
                "personal_data",
                format!("personal_data 里的 “{word}” 不认识"),
                "可以写 id_card（身份证号）、mobile（手机号）、bank_card（银行卡号），例如 personal_data: [mobile]",
            );
        }
    }
    c.diags
        .extend(super::personal::warnings(rel, text, config, allowed));

    let hook = laws.map(|lib| CiteHook::new(lib, config, rel, text));
    let snippets = env.snippets.map(|sources| PageSnippets {
        sources,
        rel,
        config,
        laws: laws.zip(hook.as_ref()),
    });
    let body = body_of(
        &mut c,
        split.body,
        config,
        hook.as_ref(),
        snippets.as_ref().map(|s| s as &dyn SnippetHook),
    );
    let parts = FileParts {
        title: title_of(&mut c, &raw),
        cover: cover_of(&mut c, &raw),
        quotes: Quotes::new(
            text,
            text.len() - split.body.len(),
            body.links.iter().map(|l| l.line),
        ),
        fp: crate::fingerprint::combine(&[
            crate::fingerprint::of(rel),
            crate::fingerprint::of(&**text),
        ]),
        body,
    };
    let Some(kind) = place.kind else {
        return section_index(c, &place, &raw, parts);
    };
    let input = PageInput {
        kind,
        place: &place,
        raw: &raw,
        yaml: split.yaml,
        config,
        laws,
        terms,
    };
    let page = page_of(&mut c, &input, parts, hook);
    // A page with errors of its own still goes on: the link step checks its links too, so
    // one build reports all of a file's problems (the build fails all the same).
    (Some(Parsed::Page(Arc::new(page))), c.diags)
}

/// The file split at its front matter, and the front matter read (the keys of its kind,
/// and a page's terms of the site's own taxonomies).
fn front_matter<'t>(
    rel: &str,
    text: &'t str,
    place: &Place,
    config: &Config,
) -> Result<(super::front_matter::Split<'t>, RawMeta, Vec<Terms>), Diagnostic> {
    let split = split(text, rel)?;
    let own: Vec<&str> = match place.kind {
        None => vec![],
        Some(_) => config.taxonomies[1..]
            .iter()
            .map(|t| t.key.as_str())
            .collect(),
    };
    let keys: Vec<&str> = match place.kind {
        None => [super::meta::SECTION_KEYS, super::meta::COLUMN_KEYS].concat(),
        Some(_) => [ALL_KEYS, &own].concat(),
    };
    let ysrc = |yaml| YamlSource {
        file: rel,
        file_text: text,
        yaml,
        first_line: split.yaml_line,
        keys: &keys,
    };
    let Some((rest, blocks)) = super::terms::split_out(split.yaml, &own) else {
        let raw: RawMeta = parse_yaml(&ysrc(split.yaml))?;
        return Ok((split, raw, Vec::new()));
    };
    let raw: RawMeta = parse_yaml(&ysrc(&rest))?;
    let terms = super::terms::read(&ysrc(&blocks), config)?;
    Ok((split, raw, terms))
}

/// What a page and a section's `_index.md` both have, worked out before the kind matters.
struct FileParts {
    title: String,
    cover: Option<LinkRef>,
    quotes: Quotes,
    fp: u64,
    body: markdown::Rendered,
}

/// What makes a page of a file besides its common parts.
struct PageInput<'a> {
    kind: Kind,
    place: &'a Place,
    raw: &'a RawMeta,
    /// The front matter's text.
    yaml: &'a str,
    config: &'a Config,
    laws: Option<&'a LawLibrary>,
    /// Its terms of the site's own taxonomies.
    terms: Vec<Terms>,
}

/// The page a file of kind `input.kind` makes.
fn page_of(
    c: &mut Checker<'_>,
    input: &PageInput<'_>,
    parts: FileParts,
    hook: Option<CiteHook<'_>>,
) -> Page {
    let (raw, kind) = (input.raw, input.kind);
    let tz = &input.config.timezone;
    let date = c.date("date", &raw.date, tz);
    if raw.date.is_none() && kind != Kind::Page {
        c.missing("date", "发布日期", "date: 2024-12-04");
    }
    let updated = c.date("updated", &raw.updated, tz);
    let expires = c.date("expires", &raw.expires, tz);
    let slug = slug_of(c, raw, input.place);
    let path = path_of(input.place, &slug);
    let summary = match raw.summary.as_deref().map(str::trim) {
        Some(s) if !s.is_empty() => crate::text::squash_whitespace(s),
        _ => truncate_summary(&parts.body.first_paragraph, SUMMARY_CHARS),
    };
    let tags = tags_of(raw);
    let event = (kind == Kind::Event)
        .then(|| parse_event(c, raw, tz))
        .flatten();
    let mut lesson = (kind == Kind::Lesson)
        .then(|| parse_lesson(c, raw, input.place))
        .flatten();
    if let (Some(l), Some(h), Some(lib)) = (&mut lesson, &hook, input.laws) {
        cite_lesson_laws(l, h, lib);
    }
    let citations = citations_of(c, hook, lesson.as_ref());
    let mut page = Page {
        source: c.file.to_string(),
        quotes: parts.quotes,
        kind,
        path,
        slug,
        title: parts.title,
        date_has_time: raw.date.as_deref().is_some_and(has_time),
        date,
        updated,
        summary,
        tag_slugs: tags.iter().map(|t| crate::text::tag_slug(t)).collect(),
        tags,
        terms: input.terms.clone(),
        draft: raw.draft.unwrap_or(false),
        cover: parts.cover,
        cover_alt: raw.cover_alt.clone().unwrap_or_default(),
        audio: audio_of(c, raw),
        aliases: aliases_of(c, raw),
        column: input.place.column.clone().filter(|_| kind == Kind::Article),
        order: raw.order.filter(|_| kind == Kind::Article),
        author: raw.author.clone(),
        extra: raw
            .extra
            .clone()
            .unwrap_or(serde_json::Value::Object(Default::default())),
        expires,
        event,
        lesson,
        body: parts.body,
        citations,
        fp: parts.fp,
        meta_fp: 0,
    };
    page.meta_fp = crate::fingerprint::of(&(
        c.file,
        input.yaml,
        &page.body.links,
        &page.body.ids,
        &page.citations,
    ));
    page
}

/// The site path of a page in `place` with `slug`: `articles/<slug>/`.
fn path_of(place: &Place, slug: &str) -> String {
    let mut path = String::new();
    if !place.url_dir.is_empty() {
        path.push_str(&place.url_dir);
        path.push('/');
    }
    path.push_str(slug);
    path.push('/');
    path
}

/// A folder name that cannot be part of a URL, and keys this kind of file does not take.
fn check_place_and_keys(c: &mut Checker<'_>, place: &Place, raw: &RawMeta) {
    let rel = c.file;
    if let Some((folder, why)) = &place.bad_folder {
        let why = slug_problem(why);
        c.diags.push(
            Diagnostic::error(format!("文件夹名 “{folder}” {why}，不能用作网址的一部分"))
                .in_file(rel)
                .with_hint("把文件夹改个名字（只用汉字、字母、数字和 -），例如 “第1期-重要”。"),
        );
    }
    for key in raw.present_keys() {
        if place.kind.is_none() && place.column.is_none() && COLUMN_KEYS.contains(&key) {
            c.error_at(
                key,
                format!("“{key}” 只能写在栏目的 _index.md 里"),
                "栏目是 content/ 下带 _index.md 的文件夹（articles、events、lessons、laws 和页面文件夹除外），或 articles/ 里再分的一层。这个文件夹不是栏目，请删掉这一行。",
            );
            continue;
        }
        if !allowed(place.kind, key) {
            let hint = match place.kind {
                None => format!(
                    "栏目说明文件 _index.md 只能写：{}（栏目还可以写 {}）。",
                    super::meta::SECTION_KEYS.join("、"),
                    COLUMN_KEYS.join("、")
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
}

/// The Markdown body rendered, citations linked through `hook`.
fn body_of(
    c: &mut Checker<'_>,
    body: &str,
    config: &Config,
    hook: Option<&CiteHook<'_>>,
    snippets: Option<&dyn SnippetHook>,
) -> markdown::Rendered {
    let bsrc = BodySource {
        file: c.file,
        file_text: c.text,
        body,
        body_offset: c.text.len() - body.len(),
    };
    let (body, body_diags) = markdown::render_with(
        &bsrc,
        MarkdownOptions {
            unsafe_html: config.markdown.unsafe_html,
        },
        hook.map(|h| h as &dyn TextHook),
        snippets,
    );
    c.diags.extend(body_diags);
    body
}

/// The title, required and not empty.
fn title_of(c: &mut Checker<'_>, raw: &RawMeta) -> String {
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
    title
}

/// The cover image: on this site, with a description.
fn cover_of(c: &mut Checker<'_>, raw: &RawMeta) -> Option<LinkRef> {
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
    cover
}

/// The page's recording (`audio:`): a sound file on this site, which the page offers in
/// place of the browser's 朗读.
fn audio_of(c: &mut Checker<'_>, raw: &RawMeta) -> Option<LinkRef> {
    let dest = raw.audio.as_deref()?.trim();
    let (line, col) = c.at_key("audio");
    if markdown::is_external(dest) {
        c.error_at(
            "audio",
            "录音 audio 不能用其他网站的文件",
            "把录音文件放在这篇文章旁边，写 audio: 文件名.mp3（读者在没有外网的地方也能听）",
        );
        return None;
    }
    let name = dest.split(['#', '?']).next().unwrap_or_default();
    if !matches!(
        super::media_kind::media_of(name),
        super::media_kind::Media::Audio(_)
    ) {
        c.error_at(
            "audio",
            format!("录音 audio 要是声音文件，“{dest}” 不是"),
            "可以用 mp3、m4a、ogg 或 wav 文件，例如 audio: 录音.mp3",
        );
        return None;
    }
    Some(LinkRef {
        dest: dest.to_string(),
        title: String::new(),
        alt: String::new(),
        is_image: false,
        line,
        col,
    })
}

/// The page's old addresses (`aliases:`), as site paths: written from the site's root like
/// a menu link (`/old/path/`, or a file such as `/old.html`), never with the host or the
/// base path, so that they hold under any `base_url`.
fn aliases_of(c: &mut Checker<'_>, raw: &RawMeta) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for written in raw.aliases.iter().flatten() {
        let a = written.trim();
        let bad = if markdown::is_external(a) {
            Some("旧网址只写本站里的路径，不写 http:// 和域名")
        } else if !a.starts_with('/') || a == "/" {
            Some("旧网址要从网站根目录写起，以 / 开头，例如 /articles/old-name/")
        } else if a.contains(['?', '#', '\\']) || a.split('/').any(|s| s == ".." || s == ".") {
            Some("旧网址里不能有 ?、#、\\，也不能有 ./ 或 ../")
        } else {
            None
        };
        if let Some(hint) = bad {
            c.error_at("aliases", format!("旧网址 “{a}” 不能用"), hint);
            continue;
        }
        let decoded = crate::text::decode_percent(&a[1..]);
        let last = decoded.rsplit('/').next().unwrap_or_default();
        let path = if decoded.ends_with('/') || last.ends_with(".html") {
            decoded
        } else {
            format!("{decoded}/")
        };
        if !out.contains(&path) {
            out.push(path);
        }
    }
    out
}

/// A section's `_index.md`: title, description and intro of a list page.
fn section_index(
    mut c: Checker<'_>,
    place: &Place,
    raw: &RawMeta,
    parts: FileParts,
) -> (Option<Parsed>, Vec<Diagnostic>) {
    let column = place
        .column
        .as_ref()
        .map(|dir| column_settings(&mut c, raw, dir));
    let section = SectionIndex {
        column,
        source: c.file.to_string(),
        quotes: parts.quotes,
        fp: parts.fp,
        dir: place.dir_slug.clone(),
        title: parts.title,
        description: raw.description.clone(),
        order: raw.order,
        cover: parts.cover,
        cover_alt: raw.cover_alt.clone().unwrap_or_default(),
        extra: raw.extra.clone().unwrap_or(serde_json::Value::Null),
        intro: parts.body,
    };
    (Some(Parsed::Section(Arc::new(section))), c.diags)
}

/// What a column's `_index.md` says about the column (`dir`: its URL segments).
fn column_settings(c: &mut Checker<'_>, raw: &RawMeta, dir: &str) -> ColumnSettings {
    let sort = match raw.sort.as_deref() {
        None => ColumnSort::Date,
        Some(w) => ColumnSort::parse(w).unwrap_or_else(|| {
            c.error_at(
                "sort",
                format!("排序方式 sort “{w}” 不认识"),
                "可以写 date（按日期，新的在前）、order（按每篇的 order: 数字）或 title（按标题，其中的数字按大小排，第二在第十前面）。",
            );
            ColumnSort::Date
        }),
    };
    let page_size = match raw.page_size {
        Some(n) if n >= 1 => Some(n as usize),
        Some(n) => {
            c.error_at(
                "page_size",
                format!("每页条数 page_size 不能是 {n}"),
                "写一个正整数，例如 page_size: 20",
            );
            None
        }
        None => None,
    };
    // A column inside another (or inside articles/) stays out of the menu and the home
    // page unless it asks.
    let top = !dir.contains('/');
    ColumnSettings {
        sort,
        page_size,
        menu: raw.menu.unwrap_or(top),
        home: raw.home.unwrap_or(top),
        feed: raw.feed.unwrap_or(true),
    }
}

/// The last segment of the page's URL: `slug:`, else the file name.
fn slug_of(c: &mut Checker<'_>, raw: &RawMeta, place: &Place) -> String {
    let rel = c.file;
    let slug_src = raw.slug.clone().unwrap_or_else(|| place.stem.clone());
    match make_slug(&slug_src) {
        Ok(s) => s,
        Err(e) => {
            let why = slug_problem(&e);
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
    }
}

/// Tags, whitespace squashed, without repeats.
fn tags_of(raw: &RawMeta) -> Vec<String> {
    super::terms::distinct(raw.tags.clone().unwrap_or_default())
}

/// The full text of the articles a lesson's `laws:` cite, for its "本课涉及的法条" block.
fn cite_lesson_laws(l: &mut LessonInfo, h: &CiteHook<'_>, lib: &LawLibrary) {
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
                citation: Citation {
                    law: r.law,
                    article: r.no,
                },
                law_short: lib.laws[r.law].short.clone(),
                label: r.no.label(),
                path: lib.file_paths[r.file].clone(),
                anchor: r.anchor,
                paragraphs,
            });
        }
    }
}

/// Every statute article the page cites, its body's citations and a lesson's `laws:`.
fn citations_of(
    c: &mut Checker<'_>,
    hook: Option<CiteHook<'_>>,
    lesson: Option<&LessonInfo>,
) -> Vec<Citation> {
    let mut citations = match hook {
        Some(h) => {
            let (cites, d) = h.finish();
            c.diags.extend(d);
            cites
        }
        None => Vec::new(),
    };
    // A lesson's `laws:` cite their articles too (for the “cited by” lists).
    if let Some(l) = lesson {
        citations.extend(l.cited.iter().map(|a| a.citation.clone()));
        citations.sort();
        citations.dedup();
    }
    citations
}

/// Why a name cannot be part of a URL, to follow the name in a message.
fn slug_problem(e: &SlugError) -> String {
    match e {
        SlugError::Empty => "是空的".to_string(),
        SlugError::Forbidden(ch) => format!("含有不能用在网址里的字符 “{ch}”"),
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
        let env = ParseEnv {
            config: &cfg(),
            laws: None,
            columns: &Columns::default(),
            snippets: None,
        };
        parse_file(rel, &Arc::from(text), &env)
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
        // The page comes back with its error, for the link step to check its links too.
        assert!(p.is_some());
        assert_eq!(d.len(), 1);
        assert!(d[0].is_error());
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
        assert!(p.is_some());
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].line, Some(11));
        assert!(d[0].message.contains("第 2 道"));
    }

    #[test]
    fn unreadable_front_matter_gives_no_page() {
        let (p, d) = parse(
            "content/articles/a.md",
            "---
title: [a
---
",
        );
        assert!(p.is_none());
        assert!(d[0].is_error());
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
