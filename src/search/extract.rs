//! Search, what a page gives the index: the text of its `<main>` (the page's header,
//! footer and menus are outside it), without `<nav>` (breadcrumbs, series menus), scripts,
//! styles, templates and any element marked `data-noindex` (tools such as 链接到本条, lists of
//! other pages), cut into sections at each `<h2>` or `<h3>` that has an `id`, and at each
//! element with an `id` marked `data-doc` (a 条 of a law), whose heading is the last
//! heading before it (its chapter). pufa wrote the HTML itself, so a scanner is enough: no
//! parser, no tree.

use crate::raw_html::decode;

/// One section of a page: where it starts (the heading's `id`; `None` for the opening part),
/// its heading, and its text. Block elements and `<br>` end a line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    pub anchor: Option<String>,
    pub heading: String,
    pub text: String,
}

/// The page's title (its `<h1>` in `<main>`) and its sections, in order; empty when the page
/// has no `<main>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageText {
    pub title: String,
    /// The date of the first `<time datetime>` (its first ten characters: the day).
    pub date: Option<String>,
    pub sections: Vec<Section>,
}

/// Elements left out with everything inside them.
const SKIPPED: [&str; 5] = ["nav", "script", "style", "template", "noscript"];
/// Elements that end a line of text.
const BLOCKS: [&str; 24] = [
    "p",
    "div",
    "section",
    "article",
    "header",
    "footer",
    "aside",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "table",
    "tr",
    "td",
    "th",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "details",
    "summary",
    "br",
];

/// Where the text being read goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Into {
    Body,
    Title,
    Heading,
}

pub fn page_text(html: &str) -> PageText {
    let mut out = PageText::default();
    let Some(start) = html.find("<main") else {
        return out;
    };
    let end = html[start..]
        .find("</main>")
        .map_or(html.len(), |e| start + e);
    let main = &html[start..end];
    let mut section = Section::default();
    let mut into = Into::Body;
    let mut last_heading = String::new();
    // Depth of a skipped element (its name) being passed over.
    let mut skipping: Option<(&str, usize)> = None;
    let mut rest = main;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            push_text(rest, into, &mut out, &mut section);
            break;
        };
        if skipping.is_none() {
            push_text(&rest[..lt], into, &mut out, &mut section);
        }
        let after = &rest[lt..];
        let Some(gt) = tag_end(after) else {
            break;
        };
        let tag = &after[1..gt];
        rest = &after[gt + 1..];
        if tag.starts_with('!') || tag.starts_with('?') {
            continue;
        }
        let closing = tag.starts_with('/');
        let name = tag_name(if closing { &tag[1..] } else { tag });
        // The date, even in a part not indexed (a byline).
        if name == "time" && !closing && out.date.is_none() {
            out.date = attribute(tag, "datetime").map(|d| d.chars().take(10).collect());
        }
        if let Some((skipped, depth)) = &mut skipping {
            if name == *skipped {
                match closing {
                    true if *depth == 0 => skipping = None,
                    true => *depth -= 1,
                    false if !tag.ends_with('/') => *depth += 1,
                    false => {}
                }
            }
            continue;
        }
        if !closing && (SKIPPED.contains(&name) || has_attribute(tag, "data-noindex")) {
            if !is_void(name) && !tag.ends_with('/') {
                skipping = Some((name, 0));
            }
            continue;
        }
        let state = Reading {
            out: &mut out,
            section: &mut section,
            into: &mut into,
            last_heading: &mut last_heading,
        };
        state.tag(tag, name, closing);
    }
    finish(&mut out, section);
    out
}

/// What [`page_text`] has read so far.
struct Reading<'a> {
    out: &'a mut PageText,
    section: &'a mut Section,
    into: &'a mut Into,
    /// The last section heading read (the chapter of a `data-doc` element).
    last_heading: &'a mut String,
}

impl Reading<'_> {
    /// A tag (not skipped): a section may start, text may go elsewhere, a line may end.
    fn tag(self, tag: &str, name: &str, closing: bool) {
        let Reading {
            out,
            section,
            into,
            last_heading,
        } = self;
        if !closing
            && has_attribute(tag, "data-doc")
            && let Some(anchor) = attribute(tag, "id")
        {
            finish(out, std::mem::take(section));
            section.anchor = Some(anchor);
            section.heading.clone_from(last_heading);
            return;
        }
        match (name, closing) {
            ("h1", false) => *into = Into::Title,
            ("h2" | "h3", false) => {
                let anchor = attribute(tag, "id");
                if anchor.is_some() {
                    finish(out, std::mem::take(section));
                    section.anchor = anchor;
                    *into = Into::Heading;
                } else {
                    end_line(&mut section.text);
                }
            }
            ("h1" | "h2" | "h3", true) => {
                match into {
                    Into::Body => end_line(&mut section.text),
                    Into::Heading => *last_heading = tidy(&section.heading),
                    Into::Title => {}
                }
                *into = Into::Body;
            }
            ("h4" | "h5" | "h6", _) => end_line(&mut section.text),
            (n, _) if BLOCKS.contains(&n) && *into == Into::Body => end_line(&mut section.text),
            _ => {}
        }
    }
}

fn finish(out: &mut PageText, mut section: Section) {
    section.text = tidy(&section.text);
    section.heading = tidy(&section.heading);
    if section.anchor.is_some() || !section.text.is_empty() {
        out.sections.push(section);
    }
}

fn push_text(raw: &str, into: Into, out: &mut PageText, section: &mut Section) {
    if raw.is_empty() {
        return;
    }
    let text = decode(raw);
    match into {
        Into::Body => section.text.push_str(&text),
        Into::Title => out.title.push_str(&text),
        Into::Heading => section.heading.push_str(&text),
    }
}

fn end_line(text: &mut String) {
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
}

/// Lines trimmed, runs of spaces made one, empty lines dropped.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let mut words = line.split_whitespace();
        let Some(first) = words.next() else {
            continue;
        };
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(first);
        for w in words {
            out.push(' ');
            out.push_str(w);
        }
    }
    out
}

/// The end (`>`) of the tag starting `s` (at `<`), past quoted attribute values.
fn tag_end(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut at = 0;
    loop {
        // The next quote or `>`; a quoted value is skipped whole (a `srcset` is long).
        at += memchr::memchr3(b'>', b'"', b'\'', &b[at..])?;
        match b[at] {
            b'>' => return Some(at),
            q => at += 1 + memchr::memchr(q, &b[at + 1..])? + 1,
        }
    }
}

fn tag_name(tag: &str) -> &str {
    let end = tag
        .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
        .unwrap_or(tag.len());
    &tag[..end]
}

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "br" | "img" | "hr" | "input" | "meta" | "link" | "source" | "track" | "wbr" | "col"
    )
}

fn has_attribute(tag: &str, name: &str) -> bool {
    // Each place `name` occurs (rare: most tags are looked through once, at memchr speed,
    // however long their `srcset`), where it is a whole word: after a space, and before the
    // tag's end, a space, `=`, or a `/` that ends the word (`<div data-noindex/>`).
    tag.match_indices(name).any(|(at, _)| {
        let before = tag[..at].bytes().next_back();
        let mut rest = tag[at + name.len()..].bytes();
        let word_end = |b: Option<u8>| b.is_none_or(|b| b.is_ascii_whitespace());
        before.is_some_and(|b| b.is_ascii_whitespace())
            && match rest.next() {
                Some(b'=') => true,
                Some(b'/') => word_end(rest.next()),
                b => word_end(b),
            }
    })
}

/// The value of attribute `name` (double-quoted, as pufa writes them), decoded.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let at = tag.find(&key)? + key.len();
    let len = tag[at..].find('"')?;
    Some(decode(&tag[at..at + len]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn main_text_without_navigation_and_marked_parts() {
        let html = r#"<html><body><header>站名 菜单</header>
<main id="pf-main"><nav class="pf-crumbs"><ol><li><a href="/">首页</a></li></ol></nav>
<article><h1>彩礼 &amp; 婚约</h1><p class="meta" data-noindex><time datetime="2026-12-01T08:00:00+08:00">2026年12月1日</time></p>
<p>男女双方<strong>自愿</strong>缔结婚约，<a href="/x/">借婚姻</a>索取财物的&#x2014;禁止。</p>
<p class="pf-statute-tools" data-noindex><a>链接到本条</a></p>
<div data-noindex><div><p>嵌套</p></div><p>也不要</p></div>
<h2 id="s1">一、什么是彩礼</h2><p>彩礼是…<br>第二行</p>
<h3>没有 id 的小标题</h3><p>仍在第一节。</p>
<h2 id="s2">二、&lt;返还&gt;</h2><ul><li>甲</li><li>乙</li></ul>
<script>var x = "<p>不是正文</p>";</script>
</article></main><footer>版权</footer></body></html>"#;
        let t = page_text(html);
        assert_eq!(t.title, "彩礼 & 婚约");
        assert_eq!(t.date.as_deref(), Some("2026-12-01"));
        let s = &t.sections;
        assert_eq!(s.len(), 3, "{s:#?}");
        assert_eq!(s[0].anchor, None);
        assert_eq!(s[0].text, "男女双方自愿缔结婚约，借婚姻索取财物的—禁止。");
        assert_eq!(s[1].anchor.as_deref(), Some("s1"));
        assert_eq!(s[1].heading, "一、什么是彩礼");
        assert_eq!(s[1].text, "彩礼是…\n第二行\n没有 id 的小标题\n仍在第一节。");
        assert_eq!(s[2].heading, "二、<返还>");
        assert_eq!(s[2].text, "甲\n乙");
        for x in s {
            for gone in [
                "首页",
                "站名",
                "版权",
                "链接到本条",
                "嵌套",
                "也不要",
                "不是正文",
            ] {
                assert!(
                    !x.text.contains(gone) && !x.heading.contains(gone),
                    "{gone}"
                );
            }
        }
    }

    #[test]
    fn each_statute_article_is_a_section_under_its_chapter() {
        let html = r#"<main><article><h1>中华人民共和国人民调解法</h1>
<p>本站文本版本：2010-08-28</p>
<h2 id="ch1">第一章 总则<a class="pf-anchor" data-noindex href="">#</a></h2>
<section class="pf-statute" data-doc id="art-1"><p><strong>第一条</strong> 为了完善人民调解制度。</p>
<p class="pf-statute-tools" data-noindex><a>链接到本条</a></p></section>
<section class="pf-statute" data-doc id="art-2"><p><strong>第二条</strong> 本法所称人民调解。</p>
<div class="pf-cited-by" data-noindex><p>引用本条的课程与文章：</p></div></section>
<h2 id="ch2">第二章 人民调解委员会</h2>
<section class="pf-statute" data-doc id="art-7"><p><strong>第七条</strong> 人民调解委员会是依法设立的。</p></section>
</article></main>"#;
        let t = page_text(html);
        let got: Vec<(Option<&str>, &str, &str)> = t
            .sections
            .iter()
            .map(|s| (s.anchor.as_deref(), s.heading.as_str(), s.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (None, "", "本站文本版本：2010-08-28"),
                (Some("ch1"), "第一章 总则", ""),
                (
                    Some("art-1"),
                    "第一章 总则",
                    "第一条 为了完善人民调解制度。"
                ),
                (Some("art-2"), "第一章 总则", "第二条 本法所称人民调解。"),
                (Some("ch2"), "第二章 人民调解委员会", ""),
                (
                    Some("art-7"),
                    "第二章 人民调解委员会",
                    "第七条 人民调解委员会是依法设立的。"
                ),
            ]
        );
    }

    #[test]
    fn no_main_no_text() {
        assert_eq!(page_text("<p>只有段落</p>"), PageText::default());
    }

    #[test]
    fn references() {
        assert_eq!(
            decode("a&amp;b&#20013;&#x6587;&nbsp;&bogus;&"),
            "a&b中文\u{a0}&bogus;&"
        );
    }

    #[test]
    fn tags_end_past_quoted_values_and_attributes_are_whole_words() {
        assert_eq!(tag_end(r#"<img alt="a > b" src='x>y'>rest"#), Some(26));
        assert_eq!(tag_end("<p>"), Some(2));
        assert_eq!(tag_end(r#"<img alt="never closed>"#), None);
        assert_eq!(tag_end("<p"), None);
        for yes in [
            "div data-noindex",
            "div data-noindex/",
            "div data-noindex/ class=\"x\"",
            "div class=\"x\" data-noindex",
            "div data-noindex=\"\" id=\"a\"",
            "div\tdata-noindex class=\"x\"",
        ] {
            assert!(has_attribute(yes, "data-noindex"), "{yes}");
        }
        for no in [
            "data-noindex",
            "div data-noindexed",
            "div class=\"data-noindex\"",
            "div xdata-noindex",
            "div data-noindex/x",
            "p title=\"a data-noindex\"",
            "div",
        ] {
            assert!(!has_attribute(no, "data-noindex"), "{no}");
        }
    }
}
