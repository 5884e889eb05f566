//! Export, the body of a page as the 公众号 editor keeps it: the page's final body HTML
//! (made by pufa, so its vocabulary is known) read tag by tag and written again with inline
//! styles ([`super::style`]) and nothing the editor drops or refuses: no class, id or
//! script; no link but to `mp.weixin.qq.com` (others become text with a number, see
//! [`super::refs`]); lists drawn as paragraphs (the editor flattens nesting); `<pre>` with
//! its line breaks as `<br>`; pictures as one `<img>` of a file to upload; video and audio
//! as a line of text.

use super::refs::Refs;
use super::style;
use crate::raw_html::{Token, tokens};
use crate::statute::numerals::ArticleNo;

/// What the body refers to that the fragment cannot hold itself.
pub struct Env<'a> {
    /// The site's path and full address (`/hgz/`, `https://example.gov.cn/hgz/`).
    pub base_path: &'a str,
    pub base_url: &'a str,
    /// The statute article a link leads to (`/hgz/laws/民法典/…/#art-1043`), if any.
    pub cite: &'a dyn Fn(&str) -> Option<(usize, ArticleNo)>,
    /// A picture to upload, from its candidates (site paths, best first) and alt text:
    /// the file name it is given in `images/`, or `None` when none can be uploaded.
    pub image: &'a mut dyn FnMut(&[String], &str) -> Option<String>,
}

/// Tags written without an end tag.
const VOID: &[&str] = &["img", "br", "hr", "source", "wbr", "input", "col"];
/// Tags kept (with their style), everything else is dropped and its content kept.
const KEPT: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "b",
    "em",
    "i",
    "del",
    "s",
    "code",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "caption",
    "sup",
    "sub",
    "pre",
    "br",
    "hr",
    "figcaption",
];
/// Elements dropped with everything inside them.
const SKIPPED: &[&str] = &[
    "script", "style", "template", "button", "form", "iframe", "source",
];

/// An open list: ordered, and the number of its next item.
struct List {
    ordered: bool,
    next: usize,
}

/// An `<a>` being read: what it becomes once its text is known.
enum Link {
    /// Kept as a link (to mp.weixin.qq.com).
    Kept,
    /// Its text, then a reference number: to a statute article or an address.
    Numbered(String),
    Cite(usize, ArticleNo),
    /// Its text only (in-page anchors, `tel:`, a bare address).
    Text,
}

struct Writer<'e, 'a> {
    env: &'e mut Env<'a>,
    refs: &'e mut Refs,
    out: String,
    /// End tags to write for the open elements (`None`: the element wrote none).
    open: Vec<(String, Option<&'static str>)>,
    lists: Vec<List>,
    /// A list item's paragraph is open.
    in_item: bool,
    /// Inside `<pre>`.
    pre: usize,
    /// Skipping an element (its name and depth).
    skip: Option<(String, usize)>,
    /// The link being read, and its text.
    link: Option<(Link, String)>,
    /// The title of the video or audio whose download link comes next.
    media: Option<String>,
}

/// The fragment of body HTML `html`; references go to `refs`.
pub fn body(html: &str, env: &mut Env<'_>, refs: &mut Refs) -> String {
    let mut w = Writer {
        env,
        refs,
        out: String::with_capacity(html.len() * 2),
        open: Vec::new(),
        lists: Vec::new(),
        in_item: false,
        pre: 0,
        skip: None,
        link: None,
        media: None,
    };
    for t in tokens(html) {
        match t {
            Token::Start(name, attrs) => w.start(&name, &attrs),
            Token::End(name) => w.end(&name),
            Token::Text(text) => w.text(text),
        }
    }
    w.close_item();
    w.out
}

fn attr<'v>(attrs: &'v [(String, String)], name: &str) -> Option<&'v str> {
    attrs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

fn has_class(attrs: &[(String, String)], class: &str) -> bool {
    attr(attrs, "class").is_some_and(|c| c.split_whitespace().any(|x| x == class))
}

impl Writer<'_, '_> {
    fn start(&mut self, name: &str, attrs: &[(String, String)]) {
        if let Some((skipped, depth)) = &mut self.skip {
            if skipped == name && !VOID.contains(&name) {
                *depth += 1;
            }
            return;
        }
        let drop_inside = SKIPPED.contains(&name)
            || (name == "a" && (has_class(attrs, "pf-anchor") || has_class(attrs, "pf-zoom")));
        if drop_inside {
            if !VOID.contains(&name) {
                self.skip = Some((name.to_string(), 1));
            }
            return;
        }
        // A block inside a list item ends the item's paragraph (a paragraph holds no block).
        // (A paragraph of a loose list is the item's own; a list starts its own items.)
        let block = crate::raw_html::BLOCK_TAGS.contains(&name) && name != "p";
        if !self.lists.is_empty() && block {
            self.close_item();
        }
        match name {
            "a" => self.start_link(attrs),
            "video" | "audio" => self.media(name, attrs),
            "img" => self.image(attrs),
            "ul" | "ol" => self.start_list(name, attrs),
            "li" => self.start_item(),
            "p" if !self.lists.is_empty() => {
                // A paragraph in a loose list's item: the item's own paragraph, or a new
                // one at its indentation.
                if !self.in_item {
                    self.open_item_paragraph("");
                }
                self.open.push((name.to_string(), None));
            }
            "aside" | "div" | "figure" | "details" => {
                let style = if has_class(attrs, "pf-box") || name == "details" {
                    style::BOX
                } else {
                    ""
                };
                self.write_start("section", style);
                self.open.push((name.to_string(), Some("section")));
            }
            "summary" => {
                self.write_start("p", style::of("strong"));
                self.open.push((name.to_string(), Some("p")));
            }
            "pre" => {
                self.pre += 1;
                self.kept(name, attrs);
            }
            // A footnote's label starts a small paragraph: 注1.
            _ if has_class(attrs, "footnote-definition-label") => {
                self.write_start("p", style::SMALL);
                self.out.push('注');
                self.open.push((name.to_string(), Some("p")));
            }
            "sup" if has_class(attrs, "footnote-reference") => {
                self.kept(name, attrs);
                self.out.push('注');
            }
            _ if KEPT.contains(&name) => self.kept(name, attrs),
            _ => {
                if !VOID.contains(&name) {
                    self.open.push((name.to_string(), None));
                }
            }
        }
    }

    /// A kept element with its style (a table cell's alignment added).
    fn kept(&mut self, name: &str, attrs: &[(String, String)]) {
        let mut style = style::of(name).to_string();
        for (class, align) in [
            ("pf-align-right", "right"),
            ("pf-align-center", "center"),
            ("pf-align-left", "left"),
        ] {
            if has_class(attrs, class) {
                style.push_str(";text-align:");
                style.push_str(align);
            }
        }
        if name == "p" && has_class(attrs, "pf-box-title") {
            style.push_str(";font-weight:bold");
        }
        let tag: &'static str = KEPT.iter().find(|k| **k == name).copied().unwrap_or("span");
        self.write_start(tag, &style);
        if !VOID.contains(&name) {
            self.open.push((name.to_string(), Some(tag)));
        }
    }

    fn write_start(&mut self, tag: &str, style: &str) {
        self.out.push('<');
        self.out.push_str(tag);
        if !style.is_empty() {
            self.out.push_str(" style=\"");
            self.out.push_str(style);
            self.out.push('"');
        }
        self.out.push('>');
    }

    fn end(&mut self, name: &str) {
        if let Some((skipped, depth)) = &mut self.skip {
            if skipped == name {
                *depth -= 1;
                if *depth == 0 {
                    self.skip = None;
                }
            }
            return;
        }
        if name == "a" {
            self.end_link();
            return;
        }
        let Some(k) = self.open.iter().rposition(|(n, _)| n == name) else {
            return;
        };
        // Close what was left open inside it (pufa's HTML closes everything; be safe).
        while self.open.len() > k {
            let Some((n, tag)) = self.open.pop() else {
                break;
            };
            match n.as_str() {
                "ul" | "ol" => {
                    self.close_item();
                    self.lists.pop();
                }
                "li" => self.close_item(),
                // A loose list's paragraph: the next one starts a line of its own.
                "p" if tag.is_none() && !self.lists.is_empty() => self.close_item(),
                "pre" => self.pre = self.pre.saturating_sub(1),
                _ => {}
            }
            if let Some(tag) = tag {
                // A heading's text without the space before its (dropped) anchor link.
                if tag.starts_with('h') && self.out.ends_with(' ') {
                    self.out.pop();
                }
                self.out.push_str("</");
                self.out.push_str(tag);
                self.out.push('>');
            }
        }
    }

    fn text(&mut self, text: &str) {
        if self.skip.is_some() {
            return;
        }
        if let Some((_, t)) = &mut self.link {
            t.push_str(text);
        }
        if self.pre > 0 {
            self.out
                .push_str(&text.replace('\n', "<br>").replace(' ', "&nbsp;"));
        } else if self.lists.is_empty() {
            self.out.push_str(text);
        } else if !text.trim().is_empty() || (self.in_item && !text.contains('\n')) {
            // Text of a list item (whitespace between items is left out).
            if !self.in_item {
                self.open_item_paragraph("");
            }
            self.out.push_str(text);
        }
    }
}

impl Writer<'_, '_> {
    /// A video or audio: a line of text naming it (its download link follows).
    fn media(&mut self, name: &str, attrs: &[(String, String)]) {
        let what = if name == "video" { "视频" } else { "音频" };
        let title = attr(attrs, "title").unwrap_or_default();
        self.out
            .push_str(&format!("{what}《{}》：", escape_text(title)));
        self.media = Some(title.to_string());
        self.skip = Some((name.to_string(), 1));
    }

    fn start_list(&mut self, name: &str, attrs: &[(String, String)]) {
        self.close_item();
        self.lists.push(List {
            ordered: name == "ol",
            next: attr(attrs, "start")
                .and_then(|s| s.parse::<u32>().ok())
                .map_or(1, |n| n as usize),
        });
        self.open.push((name.to_string(), None));
    }

    fn start_item(&mut self) {
        self.close_item();
        let depth = self.lists.len().saturating_sub(1);
        let marker = match self.lists.last_mut() {
            Some(l) if l.ordered => {
                let m = format!("{}. ", l.next);
                l.next = l.next.saturating_add(1);
                m
            }
            _ if depth == 0 => "• ".to_string(),
            _ => "◦ ".to_string(),
        };
        self.open_item_paragraph(&marker);
        self.open.push(("li".to_string(), None));
    }

    fn open_item_paragraph(&mut self, marker: &str) {
        let depth = self.lists.len().saturating_sub(1);
        self.out.push_str(&format!(
            "<p style=\"{}\">{marker}",
            style::list_item(depth)
        ));
        self.in_item = true;
    }

    fn close_item(&mut self) {
        if self.in_item {
            self.out.push_str("</p>");
            self.in_item = false;
        }
    }

    fn start_link(&mut self, attrs: &[(String, String)]) {
        let href = attr(attrs, "href").unwrap_or_default();
        let kind = if href.starts_with("https://mp.weixin.qq.com/") {
            self.out.push_str(&format!(
                "<a href=\"{}\">",
                pulldown_cmark_escape_attr(href)
            ));
            Link::Kept
        } else if let Some((law, no)) = (self.env.cite)(href) {
            Link::Cite(law, no)
        } else if href.starts_with('#') || href.starts_with("tel:") || href.starts_with("mailto:") {
            Link::Text
        } else {
            Link::Numbered(self.absolute(href))
        };
        self.link = Some((kind, String::new()));
    }

    fn end_link(&mut self) {
        let Some((kind, text)) = self.link.take() else {
            return;
        };
        let n = match kind {
            Link::Kept => {
                self.out.push_str("</a>");
                return;
            }
            Link::Text => return,
            Link::Cite(law, no) => self.refs.statute(law, no),
            Link::Numbered(url) => {
                let shown = crate::raw_html::decode(text.trim());
                // A bare address as its own text is shown once, without a number.
                if shown == url || url.is_empty() {
                    return;
                }
                let title = match self.media.take() {
                    Some(m) if !m.is_empty() => format!("{m}（{shown}）"),
                    _ => shown,
                };
                self.refs.link(&title, &url)
            }
        };
        self.out
            .push_str(&format!("<sup style=\"{}\">[{n}]</sup>", style::of("sup")));
    }

    /// An address as readers can type it: the site's own with its full address.
    fn absolute(&self, href: &str) -> String {
        if href.starts_with("http://") || href.starts_with("https://") {
            return href.to_string();
        }
        match href.strip_prefix(self.env.base_path) {
            Some(rest) => format!("{}{rest}", self.env.base_url),
            None if href.starts_with('/') => {
                let host = self
                    .env
                    .base_url
                    .splitn(4, '/')
                    .take(3)
                    .collect::<Vec<_>>()
                    .join("/");
                format!("{host}{href}")
            }
            None => href.to_string(),
        }
    }

    fn image(&mut self, attrs: &[(String, String)]) {
        let alt = attr(attrs, "alt").unwrap_or_default().to_string();
        // Candidates: the srcset's (largest first), then `src`.
        let mut candidates: Vec<(u32, String)> = attr(attrs, "srcset")
            .unwrap_or_default()
            .split(',')
            .filter_map(|c| {
                let mut parts = c.split_whitespace();
                let url = parts.next()?;
                let w = parts.next()?.trim_end_matches('w').parse().ok()?;
                Some((w, url.to_string()))
            })
            .collect();
        candidates.sort_by_key(|c| std::cmp::Reverse(c.0));
        let mut paths: Vec<String> = candidates.into_iter().map(|c| c.1).collect();
        paths.extend(attr(attrs, "src").map(str::to_string));
        let mut paths: Vec<String> = paths
            .iter()
            .filter_map(|p| p.strip_prefix(self.env.base_path))
            .map(crate::text::decode_percent)
            .collect();
        if paths.is_empty() {
            // Not the site's (the editor takes no outside picture): named in the warning.
            paths.extend(attr(attrs, "src").map(str::to_string));
        }
        match (self.env.image)(&paths, &alt) {
            Some(file) => self.out.push_str(&format!(
                "<img src=\"images/{file}\" alt=\"{}\" style=\"{}\">",
                pulldown_cmark_escape_attr(&alt),
                style::of("img")
            )),
            None => self.out.push_str(&format!("[图片：{}]", escape_text(&alt))),
        }
    }
}

/// `s` escaped for a double-quoted attribute value.
pub fn pulldown_cmark_escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let _ = pulldown_cmark_escape::escape_html(&mut out, s);
    out
}

/// `s` escaped for text.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let _ = pulldown_cmark_escape::escape_html_body_text(&mut out, s);
    out
}
