//! Parse step: Markdown → HTML in one pass over pulldown-cmark's events.
//!
//! CommonMark plus tables, footnotes, strikethrough, task lists and `{#id}` heading
//! attributes. The pass gives headings stable ids that keep Chinese, builds the table of
//! contents, counts characters, keeps the first paragraph for summaries, and replaces every
//! link that needs the site graph (internal pages, files, statute citations) by a *token*
//! that the link step swaps for the final markup. Raw HTML is sanitised unless the site
//! allows it.

mod pass;
mod refs;
mod sanitize;
pub mod snippets;
mod table;

use std::collections::HashSet;

use pulldown_cmark::{Options, Parser, TextMergeWithOffset};

use crate::diag::Diagnostic;
use pass::Pass;
pub use sanitize::sanitize;

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
    /// The `src` of an `<img>` written in raw HTML, in its quotes (`"`, `'` or none): the
    /// address, and for a processed image its `srcset`, `sizes`, `width` and `height` after
    /// it (`sized`: the author gave a size, which is kept).
    ImgSrc {
        link: usize,
        quote: Option<char>,
        sized: bool,
    },
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
    render_with(src, opts, hook, None)
}

/// [`render`], with snippets (`{{< name … >}}`) worked out by `snippets`.
pub fn render_with(
    src: &BodySource<'_>,
    opts: MarkdownOptions,
    hook: Option<&dyn TextHook>,
    snippets: Option<&dyn snippets::SnippetHook>,
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
        snippets,
        fixed_pos: None,
        block_snippet: false,
        table: None,
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
    fn outside_images_and_missing_alt_are_errors() {
        let (_, d) = md("![](https://cdn.example.com/a.png)\n\n![](local.png)\n");
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d.iter().all(|d| d.is_error()));
        assert!(d[1].message.contains("alt"), "{d:?}");
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
