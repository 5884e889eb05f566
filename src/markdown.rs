//! Parse step: Markdown → HTML in one pass over pulldown-cmark's events.
//!
//! CommonMark plus tables, footnotes, strikethrough, task lists and `{#id}` heading
//! attributes. The pass gives headings stable ids that keep Chinese, builds the table of
//! contents, counts characters, keeps the first paragraph for summaries, and replaces every
//! link that needs the site graph (internal pages, files, statute citations) by a *token*
//! that the link step swaps for the final markup. Raw HTML is sanitised unless the site
//! allows it.

use std::collections::HashSet;

use pulldown_cmark::{
    CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd, TextMergeWithOffset,
};

use crate::diag::Diagnostic;
use crate::text::{count_chars, escape_html, heading_id};

/// Start and end of a token in rendered HTML: `\u{E000}17\u{E001}`.
pub const TOKEN_OPEN: char = '\u{E000}';
pub const TOKEN_CLOSE: char = '\u{E001}';

/// What the link step must put where a token stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenKind {
    /// Opening of a link: `<a href="…">` (or nothing, when the target is withdrawn).
    LinkOpen { link: usize },
    /// Closing of a link.
    LinkClose { link: usize },
    /// A whole `<img>` element.
    Image { link: usize },
    /// Just the address (an `href` or `src` written in raw HTML).
    Url { link: usize },
}

/// A reference from the body that the link step resolves.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LinkRef {
    /// The destination as written (percent-decoded later).
    pub dest: String,
    pub title: String,
    /// Alt text for images.
    pub alt: String,
    pub is_image: bool,
    /// 1-based position in the file.
    pub line: usize,
    pub col: usize,
}

/// An entry of the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// The result of rendering one Markdown body.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// HTML with tokens (see [`TokenKind`]).
    pub html: String,
    pub tokens: Vec<TokenKind>,
    pub links: Vec<LinkRef>,
    pub toc: Vec<TocEntry>,
    /// Every `id` the body defines (headings, footnotes), for checking `#fragment` links.
    pub ids: Vec<String>,
    /// Plain text of the first paragraph (for summaries).
    pub first_paragraph: String,
    /// Characters as a Chinese reader counts them.
    pub char_count: usize,
    /// The body contained raw HTML (and was sanitised unless allowed).
    pub had_raw_html: bool,
}

/// Options that come from site.yaml.
#[derive(Debug, Clone, Copy, Default)]
pub struct MarkdownOptions {
    pub unsafe_html: bool,
}

/// Where the body sits in its file, for locating problems.
#[derive(Debug, Clone, Copy)]
pub struct BodySource<'a> {
    pub file: &'a str,
    /// The whole file, for showing offending lines.
    pub file_text: &'a str,
    /// The Markdown body.
    pub body: &'a str,
    /// Byte offset of the body in the file.
    pub body_offset: usize,
}

/// Optional hook that turns plain text into markup (the statute step links citations).
/// Text in code, links and headings never reaches it.
pub trait TextHook {
    /// Return `None` to keep the text as it is, or the HTML for it (escaped). `at` gives the
    /// line and column of the start of `text` in the file (worked out only when called).
    fn transform(&self, text: &str, at: &dyn Fn() -> (usize, usize)) -> Option<String>;

    /// Called at the end of every paragraph, list item, table cell, heading and quote, so
    /// context (“the law just named”) does not leak into the next block.
    fn boundary(&self);
}

fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Is this link destination outside the site (has a scheme, or starts with `//`)?
pub fn is_external(dest: &str) -> bool {
    if dest.starts_with("//") {
        return true;
    }
    match dest.find(':') {
        Some(i) => {
            let scheme = &dest[..i];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && !dest[..i].contains('/')
        }
        None => false,
    }
}

/// URL schemes a link may use.
const ALLOWED_SCHEMES: &[&str] = &["http", "https", "mailto", "tel", "sms", "ftp", "weixin"];

fn scheme_of(dest: &str) -> String {
    dest.split(':')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Render a Markdown body. Problems that need no site graph (dangerous links, outside
/// images, images without alt text) are returned as diagnostics.
pub fn render(
    src: &BodySource<'_>,
    opts: MarkdownOptions,
    hook: Option<&dyn TextHook>,
) -> (Rendered, Vec<Diagnostic>) {
    let cleaned;
    // Both token characters start with the byte 0xEE (private use area), rare in text.
    let body = if memchr::memchr(0xEE, src.body.as_bytes()).is_some()
        && src.body.contains([TOKEN_OPEN, TOKEN_CLOSE])
    {
        cleaned = src.body.replace([TOKEN_OPEN, TOKEN_CLOSE], "\u{FFFD}");
        cleaned.as_str()
    } else {
        src.body
    };
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', src.file_text.as_bytes()).map(|i| i + 1))
        .collect();
    let mut pass = Pass {
        src,
        line_starts,
        out: Rendered::default(),
        diags: Vec::new(),
        events: Vec::new(),
        heading: None,
        used_ids: footnote_names(body),
        flat_toc: Vec::new(),
        link_stack: Vec::new(),
        image: None,
        paragraph_depth: 0,
        first_para_done: false,
        in_first_para: false,
        in_code_block: false,
        unsafe_html: opts.unsafe_html,
        hook,
    };
    let parser = Parser::new_ext(body, parser_options());
    for (event, range) in TextMergeWithOffset::new(parser.into_offset_iter()) {
        pass.event(event, range.start);
    }
    let Pass {
        mut out,
        mut diags,
        events,
        flat_toc,
        ..
    } = pass;
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    if out.had_raw_html && !opts.unsafe_html {
        html = sanitize(&html);
    }
    out.html = html;
    out.toc = nest_toc(flat_toc);
    out.first_paragraph = out.first_paragraph.trim().to_string();
    diags.sort();
    (out, diags)
}

struct Pass<'s, 'a> {
    src: &'s BodySource<'s>,
    /// Byte offset where each line of the file starts.
    line_starts: Vec<usize>,
    out: Rendered,
    diags: Vec<Diagnostic>,
    events: Vec<Event<'a>>,
    /// Events of the heading being read, with its level, given id, classes, attrs.
    heading: Option<HeadingBuf<'a>>,
    used_ids: HashSet<String>,
    flat_toc: Vec<(u8, String, String)>,
    /// For each open link: `Some(index)` when tokenised.
    link_stack: Vec<Option<usize>>,
    /// Image being read: (link index, alt text so far).
    image: Option<(usize, String)>,
    paragraph_depth: usize,
    first_para_done: bool,
    in_first_para: bool,
    in_code_block: bool,
    /// `markdown.unsafe_html`: raw HTML is kept as written.
    unsafe_html: bool,
    hook: Option<&'s dyn TextHook>,
}

struct HeadingBuf<'a> {
    level: HeadingLevel,
    id: Option<CowStr<'a>>,
    classes: Vec<CowStr<'a>>,
    attrs: Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
    events: Vec<Event<'a>>,
    text: String,
}

impl<'a> Pass<'_, 'a> {
    fn pos(&self, offset: usize) -> (usize, usize) {
        let text = self.src.file_text;
        let at = crate::diag::floor_char_boundary(text, self.src.body_offset + offset);
        let line = self.line_starts.partition_point(|&s| s <= at);
        let start = self
            .line_starts
            .get(line.wrapping_sub(1))
            .copied()
            .unwrap_or(0);
        (line.max(1), text[start..at].chars().count() + 1)
    }

    fn boundary(&self) {
        if let Some(h) = self.hook {
            h.boundary();
        }
    }

    fn emit(&mut self, e: Event<'a>) {
        match &mut self.heading {
            Some(h) => h.events.push(e),
            None => self.events.push(e),
        }
    }

    fn token(&mut self, kind: TokenKind) -> String {
        let n = self.out.tokens.len();
        self.out.tokens.push(kind);
        format!("{TOKEN_OPEN}{n}{TOKEN_CLOSE}")
    }

    fn plain_text(&mut self, t: &str) {
        self.out.char_count += count_chars(t);
        if let Some(h) = &mut self.heading {
            h.text.push_str(t);
        }
        if self.in_first_para {
            self.out.first_paragraph.push_str(t);
        }
        if let Some((_, alt)) = &mut self.image {
            alt.push_str(t);
        }
    }

    fn event(&mut self, event: Event<'a>, offset: usize) {
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                self.heading = Some(HeadingBuf {
                    level,
                    id,
                    classes,
                    attrs,
                    events: Vec::new(),
                    text: String::new(),
                });
            }
            Event::End(TagEnd::Heading(_)) => {
                self.boundary();
                self.finish_heading();
            }
            Event::Start(Tag::Paragraph) => {
                self.paragraph_depth += 1;
                if !self.first_para_done && self.heading.is_none() {
                    self.in_first_para = true;
                }
                self.emit(Event::Start(Tag::Paragraph));
            }
            Event::End(TagEnd::Paragraph) => {
                self.boundary();
                self.paragraph_depth = self.paragraph_depth.saturating_sub(1);
                if self.in_first_para {
                    self.in_first_para = false;
                    self.first_para_done = !self.out.first_paragraph.trim().is_empty();
                }
                self.emit(Event::End(TagEnd::Paragraph));
            }
            Event::Start(Tag::CodeBlock(k)) => {
                self.in_code_block = true;
                self.emit(Event::Start(Tag::CodeBlock(k)));
            }
            Event::End(TagEnd::CodeBlock) => {
                self.in_code_block = false;
                self.emit(Event::End(TagEnd::CodeBlock));
            }
            Event::Text(t) => {
                if self.in_code_block {
                    self.emit(Event::Text(t));
                    return;
                }
                self.plain_text(&t);
                if self.image.is_some() {
                    return;
                }
                if self.link_stack.is_empty()
                    && self.heading.is_none()
                    && let Some(hook) = self.hook
                    && let Some(html) = hook.transform(&t, &|| self.pos(offset))
                {
                    self.emit(Event::InlineHtml(html.into()));
                    return;
                }
                self.emit(Event::Text(t));
            }
            Event::Code(t) => {
                self.plain_text(&t);
                if self.image.is_none() {
                    self.emit(Event::Code(t));
                }
            }
            Event::Html(h) | Event::InlineHtml(h) if self.image.is_none() => {
                self.out.had_raw_html = true;
                let h = self.raw_html(h, offset);
                self.emit(Event::InlineHtml(h));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => self.start_link(link_type, dest_url, title, id, offset),
            Event::End(TagEnd::Link) => match self.link_stack.pop().flatten() {
                Some(link) => {
                    let t = self.token(TokenKind::LinkClose { link });
                    self.emit(Event::InlineHtml(t.into()));
                }
                None => self.emit(Event::End(TagEnd::Link)),
            },
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => self.start_image(link_type, dest_url, title, id, offset),
            Event::End(TagEnd::Image) => {
                if let Some((link, alt)) = self.image.take() {
                    let alt = alt.trim().to_string();
                    if alt.is_empty() {
                        let l = &self.out.links[link];
                        let (line, col) = (l.line, l.col);
                        self.diags.push(
                            Diagnostic::warning("图片缺少说明文字（alt）")
                                .in_file(self.src.file)
                                .at(line, col)
                                .with_source_line(self.src.file_text, 2)
                                .with_hint(
                                    "在 ![ ] 的方括号里写一句图片的内容，例如 ![村民在法治长廊前听讲解](photo.jpg)，视障读者靠它了解图片。",
                                ),
                        );
                    }
                    self.out.links[link].alt = alt;
                    let t = self.token(TokenKind::Image { link });
                    self.emit(Event::InlineHtml(t.into()));
                } else {
                    self.emit(Event::End(TagEnd::Image));
                }
            }
            Event::FootnoteReference(name) => {
                self.emit(Event::FootnoteReference(name));
            }
            Event::Start(Tag::FootnoteDefinition(name)) => {
                self.out.ids.push(name.to_string());
                self.emit(Event::Start(Tag::FootnoteDefinition(name)));
            }
            other => {
                if matches!(
                    other,
                    Event::End(
                        TagEnd::Item
                            | TagEnd::TableCell
                            | TagEnd::BlockQuote(_)
                            | TagEnd::FootnoteDefinition
                    )
                ) {
                    self.boundary();
                }
                if self.image.is_none() {
                    self.emit(other);
                }
            }
        }
    }

    fn start_link(
        &mut self,
        link_type: LinkType,
        dest: CowStr<'a>,
        title: CowStr<'a>,
        id: CowStr<'a>,
        offset: usize,
    ) {
        let (line, col) = self.pos(offset);
        if matches!(link_type, LinkType::Email) || (is_external(&dest) && !dest.starts_with("//")) {
            if link_type != LinkType::Email && self.refuse_scheme(&dest, line, col) {
                self.link_stack.push(None);
                self.emit(Event::Start(Tag::Link {
                    link_type,
                    dest_url: CowStr::Borrowed("#"),
                    title,
                    id,
                }));
                return;
            }
            self.link_stack.push(None);
            self.emit(Event::Start(Tag::Link {
                link_type,
                dest_url: dest,
                title,
                id,
            }));
            return;
        }
        let link = self.out.links.len();
        self.out.links.push(LinkRef {
            dest: dest.to_string(),
            title: title.to_string(),
            alt: String::new(),
            is_image: false,
            line,
            col,
        });
        self.link_stack.push(Some(link));
        let t = self.token(TokenKind::LinkOpen { link });
        self.emit(Event::InlineHtml(t.into()));
    }

    /// A link to another site whose scheme is not allowed (`javascript:`…) is an error;
    /// returns whether it was refused.
    fn refuse_scheme(&mut self, dest: &str, line: usize, col: usize) -> bool {
        let scheme = scheme_of(dest);
        if ALLOWED_SCHEMES.contains(&scheme.as_str()) {
            return false;
        }
        self.diags.push(
            Diagnostic::error(format!("不允许的链接类型 “{scheme}:”"))
                .in_file(self.src.file)
                .at(line, col)
                .with_source_line(self.src.file_text, 1)
                .with_hint("链接只能指向网址（http/https）、邮箱（mailto:）、电话（tel:）或本站的页面和文件。"),
        );
        true
    }

    /// Raw HTML: its ids count as anchors, its `href`/`src` addresses inside the site are
    /// checked and resolved like Markdown links, resources from other sites are refused,
    /// and tags the sanitiser will remove are pointed out.
    fn raw_html(&mut self, h: CowStr<'a>, offset: usize) -> CowStr<'a> {
        let (tags, attrs) = crate::raw_html::scan(&h);
        if !self.unsafe_html {
            for tag in tags
                .iter()
                .filter(|t| crate::raw_html::STRIPPED_TAGS.contains(&t.as_str()))
            {
                let (line, col) = self.pos(offset);
                self.diags.push(
                    Diagnostic::warning(format!("正文里的 <{tag}> 会被去掉"))
                        .in_file(self.src.file)
                        .at(line, col)
                        .with_source_line(self.src.file_text, 1)
                        .with_hint(
                            "为了安全，本站不运行正文里的脚本，也不嵌入其他网站的播放器、表单。视频、音频请下载后放在文章旁边，写成链接：[观看视频](视频文件名.mp4)。",
                        ),
                );
            }
        }
        let mut out = String::new();
        let mut copied = 0;
        for a in attrs {
            if a.name == "id" {
                let id = crate::raw_html::decode(&h[a.value.clone()]);
                if !id.is_empty() {
                    self.out.ids.push(id);
                }
                continue;
            }
            if !matches!(a.name.as_str(), "href" | "src" | "poster") {
                continue;
            }
            let dest = crate::raw_html::decode(h[a.value.clone()].trim());
            let (line, col) = self.pos(offset + a.value.start);
            let resource = a.name != "href";
            let stripped =
                !self.unsafe_html && crate::raw_html::STRIPPED_TAGS.contains(&a.tag.as_str());
            if is_external(&dest) && !resource && !dest.starts_with("//") {
                self.refuse_scheme(&dest, line, col);
                continue;
            }
            if is_external(&dest) {
                // A removed tag was pointed out above.
                if resource && !stripped && !dest.starts_with("data:") {
                    self.diags.push(
                        Diagnostic::error(format!("正文的 <{}> 引用了外部网站的内容", a.tag))
                            .in_file(self.src.file)
                            .at(line, col)
                            .with_source_line(self.src.file_text, 2)
                            .with_hint(
                                "本站的页面不从其他网站加载任何内容（内网和手机上也要能打开）。请把文件下载下来，放在文章旁边，再写它的文件名。",
                            ),
                    );
                }
                continue;
            }
            if dest.is_empty() {
                continue;
            }
            let link = self.out.links.len();
            self.out.links.push(LinkRef {
                dest,
                title: String::new(),
                alt: String::new(),
                is_image: resource,
                line,
                col,
            });
            let t = self.token(TokenKind::Url { link });
            out.push_str(&h[copied..a.value.start]);
            out.push_str(&t);
            copied = a.value.end;
        }
        if copied == 0 {
            return h;
        }
        out.push_str(&h[copied..]);
        out.into()
    }

    fn start_image(
        &mut self,
        link_type: LinkType,
        dest: CowStr<'a>,
        title: CowStr<'a>,
        id: CowStr<'a>,
        offset: usize,
    ) {
        let (line, col) = self.pos(offset);
        if is_external(&dest) && !dest.starts_with("data:") {
            self.diags.push(
                Diagnostic::error("正文引用了外部网站的图片")
                    .in_file(self.src.file)
                    .at(line, col)
                    .with_source_line(self.src.file_text, 2)
                    .with_hint(
                        "本站的页面不从其他网站加载任何内容（内网和手机上也要能打开）。请把图片下载下来，放在文章旁边，再写 ![说明](图片文件名.jpg)。",
                    ),
            );
        }
        if is_external(&dest) {
            // Keep the element (data: images, or the error above stops the build anyway).
            self.emit(Event::Start(Tag::Image {
                link_type,
                dest_url: dest,
                title,
                id,
            }));
            return;
        }
        let link = self.out.links.len();
        self.out.links.push(LinkRef {
            dest: dest.to_string(),
            title: title.to_string(),
            alt: String::new(),
            is_image: true,
            line,
            col,
        });
        self.image = Some((link, String::new()));
    }

    fn finish_heading(&mut self) {
        let Some(h) = self.heading.take() else {
            return;
        };
        let title = crate::text::squash_whitespace(&h.text);
        let base = match &h.id {
            Some(id) if !id.trim().is_empty() => id.trim().to_string(),
            _ => heading_id(&title),
        };
        // Ids starting with pf- belong to the theme (pf-main, pf-toc-title…).
        let base = if base.starts_with("pf-") {
            format!("h-{base}")
        } else {
            base
        };
        let mut id = base.clone();
        let mut n = 1;
        while !self.used_ids.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        self.out.ids.push(id.clone());
        let level = h.level as u8;
        self.flat_toc.push((level, id.clone(), title.clone()));
        self.events.push(Event::Start(Tag::Heading {
            level: h.level,
            id: Some(id.clone().into()),
            classes: h.classes,
            attrs: h.attrs,
        }));
        self.events.extend(h.events);
        self.events.push(Event::InlineHtml(
            format!(
                " <a class=\"pf-anchor\" href=\"#{}\" aria-label=\"本节链接：{}\">#</a>",
                escape_html(&id),
                escape_html(&title)
            )
            .into(),
        ));
        self.events.push(Event::End(TagEnd::Heading(h.level)));
    }
}

/// Names of the footnotes defined in `body` (`[^name]: …`): the ids of their definitions,
/// which headings must not take.
fn footnote_names(body: &str) -> HashSet<String> {
    if !body.contains("[^") {
        return HashSet::new();
    }
    body.lines()
        .filter_map(|l| {
            let rest = l.trim_start().strip_prefix("[^")?;
            let end = rest.find("]:")?;
            Some(rest[..end].to_string())
        })
        .collect()
}

/// Turn a flat list of (level, id, title) into a tree: each heading holds the deeper
/// headings that follow it.
pub fn nest_toc(flat: Vec<(u8, String, String)>) -> Vec<TocEntry> {
    fn insert(list: &mut Vec<TocEntry>, e: TocEntry) {
        if let Some(last) = list.last_mut()
            && e.level > last.level
        {
            insert(&mut last.children, e);
            return;
        }
        list.push(e);
    }
    let mut out = Vec::new();
    for (level, id, title) in flat {
        insert(
            &mut out,
            TocEntry {
                level,
                id,
                title,
                children: vec![],
            },
        );
    }
    out
}

/// Clean author HTML: no scripts, no event handlers, no `javascript:` URLs, no embedded
/// frames or forms. Classes, ids, and the markup our own pass produces are kept.
pub fn sanitize(html: &str) -> String {
    let mut b = ammonia::Builder::default();
    b.add_generic_attributes([
        "class",
        "id",
        "title",
        "lang",
        "dir",
        "aria-label",
        "aria-hidden",
        "role",
    ])
    .add_tag_attributes("input", ["type", "checked", "disabled"])
    .add_tag_attributes("ol", ["start"])
    .add_tag_attributes("details", ["open"])
    .add_tag_attributes("td", ["align", "style"])
    .add_tag_attributes("th", ["align", "style"])
    .add_tags([
        "input",
        "details",
        "summary",
        "figure",
        "figcaption",
        "mark",
        "section",
    ])
    .url_schemes(
        ["http", "https", "mailto", "tel", "sms", "data"]
            .into_iter()
            .collect(),
    )
    .link_rel(None)
    .id_prefix(None)
    .strip_comments(true);
    b.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(body: &str) -> (Rendered, Vec<Diagnostic>) {
        let file_text = format!("---\ntitle: t\n---\n{body}");
        let src = BodySource {
            file: "content/a.md",
            file_text: &file_text,
            body,
            body_offset: file_text.len() - body.len(),
        };
        render(&src, MarkdownOptions::default(), None)
    }

    #[test]
    fn headings_get_chinese_ids_and_toc() {
        let (r, _) = md("## 第一章 总则\n\n正文\n\n### 第一节\n\n## 第一章 总则\n");
        assert!(r.html.contains("<h2 id=\"第一章-总则\">"), "{}", r.html);
        assert!(r.html.contains("<h2 id=\"第一章-总则-1\">"), "{}", r.html);
        assert_eq!(r.toc.len(), 2);
        assert_eq!(r.toc[0].children[0].id, "第一节");
        assert_eq!(r.first_paragraph, "正文");
    }

    #[test]
    fn internal_links_become_tokens_with_lines() {
        let (r, d) = md("第一行\n\n见[通知](../events/a.md)和[外部](https://e.org)。\n");
        assert!(d.is_empty());
        assert_eq!(r.links.len(), 1);
        assert_eq!(r.links[0].dest, "../events/a.md");
        assert_eq!(r.links[0].line, 6);
        assert!(r.html.contains("href=\"https://e.org\""));
        assert_eq!(
            r.tokens,
            vec![
                TokenKind::LinkOpen { link: 0 },
                TokenKind::LinkClose { link: 0 }
            ]
        );
    }

    #[test]
    fn heading_ids_leave_room_for_footnotes_and_the_theme() {
        let (r, _) = md("## 注\n\n见注释[^注]。\n\n## pf-main {#pf-main}\n\n[^注]: 注释内容。\n");
        assert!(r.html.contains("<h2 id=\"注-1\">"), "{}", r.html);
        assert!(r.html.contains("id=\"注\""), "{}", r.html);
        assert!(r.html.contains("<h2 id=\"h-pf-main\">"), "{}", r.html);
        let ids: Vec<&String> = r.ids.iter().collect();
        let unique: HashSet<&String> = ids.iter().copied().collect();
        assert_eq!(ids.len(), unique.len(), "{ids:?}");
    }

    #[test]
    fn dangerous_markup_is_removed() {
        let (r, d) = md(
            "<script>alert(1)</script>\n\n<p onclick=\"x()\">hi</p>\n\n[x](javascript:alert(1))\n",
        );
        assert!(!r.html.contains("<script"), "{}", r.html);
        assert!(!r.html.contains("onclick"), "{}", r.html);
        assert!(!r.html.contains("javascript:"), "{}", r.html);
        // The script is pointed out as removed; the javascript: link is an error.
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(
            d.iter()
                .any(|d| !d.is_error() && d.message.contains("<script>"))
        );
        assert!(
            d.iter()
                .any(|d| d.is_error() && d.message.contains("javascript"))
        );
        let (r, d) = md("<a href=\"javascript:alert(1)\">x</a> <a href=\"tel:110\">报警</a>\n");
        assert!(!r.html.contains("javascript:"), "{}", r.html);
        assert!(r.html.contains("tel:110"), "{}", r.html);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].is_error() && d[0].message.contains("javascript"));
    }

    #[test]
    fn outside_images_are_errors_and_missing_alt_warns() {
        let (_, d) = md("![](https://cdn.example.com/a.png)\n\n![](local.png)\n");
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d.iter().any(|d| d.is_error()));
        assert!(d.iter().any(|d| !d.is_error()));
    }

    #[test]
    fn counts_and_extensions() {
        let (r, _) = md(
            "| 甲 | 乙 |\n|---|---|\n| 一 | 二 |\n\n- [x] 完成\n\n~~删除~~ 注[^1]\n\n[^1]: 脚注\n",
        );
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("checkbox"));
        assert!(r.html.contains("<del>"));
        assert!(r.ids.contains(&"1".to_string()));
        assert!(r.char_count >= 8);
    }
}
