//! Parse step: the attributes of HTML that authors write inside Markdown, so its links are
//! checked like Markdown links and its resources stay on the site. A tolerant scanner, not
//! an HTML parser: it finds start tags and their attributes in one fragment (pulldown-cmark
//! hands raw HTML over a line or an inline tag at a time) and skips comments.

/// One attribute of a start tag, with the byte range of its value in the fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr {
    /// Tag name, lower case.
    pub tag: String,
    /// Attribute name, lower case.
    pub name: String,
    /// Byte range of the value (inside the quotes, if any).
    pub value: std::ops::Range<usize>,
    /// The quote around the value (`"` or `'`), if any.
    pub quote: Option<char>,
    /// Which start tag of the fragment it belongs to (0, 1, …).
    pub element: usize,
}

/// Elements that are blocks: none of them can stand inside a paragraph.
pub const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "details",
    "div",
    "dl",
    "fieldset",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "ul",
];

/// Tags the sanitiser removes: they run code or embed other sites.
pub const STRIPPED_TAGS: &[&str] = &[
    "script", "iframe", "frame", "object", "embed", "applet", "form", "style", "link", "meta",
    "base",
];

/// Start tags (lower-case names) and their attributes in `html`.
pub fn scan(html: &str) -> (Vec<String>, Vec<Attr>) {
    let mut tags = Vec::new();
    let mut attrs = Vec::new();
    let mut i = 0;
    while let Some(lt) = html[i..].find('<').map(|k| k + i) {
        i = lt + 1;
        if html[i..].starts_with("!--") {
            i = html[i..].find("-->").map_or(html.len(), |k| i + k + 3);
            continue;
        }
        let Some((tag, found, end)) = start_tag(html, i) else {
            continue;
        };
        i = end;
        attrs.extend(found.into_iter().filter_map(|(name, value, quote)| {
            Some(Attr {
                tag: tag.clone(),
                name,
                value: value?,
                quote,
                element: tags.len(),
            })
        }));
        tags.push(tag);
    }
    (tags, attrs)
}

/// The attributes of a start tag: name, byte range of the value, quote.
/// (`None`: an attribute without a value, such as `download`.)
type RawAttrs = Vec<(String, Option<std::ops::Range<usize>>, Option<char>)>;

/// The start tag whose name begins at byte `i` (just after `<`): its lower-case name, its
/// attributes, and the byte after its `>` (or the end). `None` when no name is there.
fn start_tag(html: &str, mut i: usize) -> Option<(String, RawAttrs, usize)> {
    let b = html.as_bytes();
    let name_end = i + html[i..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or(b.len() - i);
    if name_end == i || !b[i].is_ascii_alphabetic() {
        return None;
    }
    let tag = html[i..name_end].to_ascii_lowercase();
    i = name_end;
    let mut attrs = Vec::new();
    // Attributes until `>`.
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() || b[i] == b'>' {
            break;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !b"=>/".contains(&b[i]) {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        if name.is_empty() {
            // A stray `=`: skip it.
            i += 1;
            continue;
        }
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() || b[i] != b'=' {
            attrs.push((name, None, None));
            continue;
        }
        i += 1;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let quoted = (i < b.len() && (b[i] == b'"' || b[i] == b'\'')).then(|| b[i] as char);
        let value = if let Some(q) = quoted {
            let v = i + 1;
            let end = html[v..].find(q).map_or(b.len(), |k| v + k);
            i = (end + 1).min(b.len());
            v..end
        } else {
            let v = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                i += 1;
            }
            v..i
        };
        attrs.push((name, Some(value), quoted));
    }
    Some((tag, attrs, (i + 1).min(b.len())))
}

/// A piece of an HTML fragment, as [`tokens`] finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token<'a> {
    /// A start tag: lower-case name, attributes (names lower case, values decoded).
    Start(String, Vec<(String, String)>),
    /// An end tag (lower-case name).
    End(String),
    /// Text between tags, as written (entities not decoded).
    Text(&'a str),
}

/// The tags and texts of `html`, in order (comments and doctypes left out). For HTML that
/// pufa made itself (a sanitised page body): every value quoted, every tag closed.
pub fn tokens(html: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < html.len() {
        let Some(lt) = html[i..].find('<').map(|k| k + i) else {
            out.push(Token::Text(&html[i..]));
            break;
        };
        if lt > i {
            out.push(Token::Text(&html[i..lt]));
        }
        let rest = &html[lt + 1..];
        if rest.starts_with("!--") {
            i = rest.find("-->").map_or(html.len(), |k| lt + 1 + k + 3);
        } else if let Some(name) = rest.strip_prefix('/') {
            let end = name.find('>').unwrap_or(name.len());
            out.push(Token::End(name[..end].trim().to_ascii_lowercase()));
            i = (lt + 2 + end + 1).min(html.len());
        } else if rest.starts_with('!') || rest.starts_with('?') {
            i = rest.find('>').map_or(html.len(), |k| lt + 1 + k + 1);
        } else if let Some((tag, attrs, end)) = start_tag(html, lt + 1) {
            let attrs = attrs
                .into_iter()
                .map(|(n, v, _)| (n, v.map_or_else(String::new, |v| decode(&html[v]))))
                .collect();
            out.push(Token::Start(tag, attrs));
            i = end;
        } else {
            out.push(Token::Text(&html[lt..lt + 1]));
            i = lt + 1;
        }
    }
    out
}

/// Text or an attribute value with its character references decoded, in one pass (so
/// `&amp;lt;` is `&lt;`): the named ones HTML serialisers write (`&amp;`, `&lt;`, `&gt;`,
/// `&quot;`, `&apos;`, `&nbsp;`) and numeric ones; anything else stays as written.
pub fn decode(value: &str) -> String {
    if !value.contains('&') {
        return value.to_string();
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..].find(';').map(|k| k + 1).filter(|&k| k <= 10);
        let decoded = end.and_then(|k| {
            let name = &rest[1..k];
            let c = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => '\u{a0}',
                _ => {
                    let n = match name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => name.strip_prefix('#')?.parse().ok()?,
                    };
                    char::from_u32(n)?
                }
            };
            Some((c, k + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(html: &str) -> Vec<(String, String, String)> {
        scan(html)
            .1
            .into_iter()
            .map(|a| (a.tag, a.name, html[a.value].to_string()))
            .collect()
    }

    #[test]
    fn references_are_decoded_once() {
        assert_eq!(
            decode("a&amp;lt;b &lt;i&gt; &#39;x&#x27; &nbsp;&bogus; & end"),
            "a&lt;b <i> 'x' \u{a0}&bogus; & end"
        );
        assert_eq!(decode("/a/?b=1&amp;c=2"), "/a/?b=1&c=2");
    }

    #[test]
    fn tokens_are_tags_and_texts_in_order() {
        let t = tokens(
            r#"<p>甲 &amp; 乙<!-- x --><a href="/a?b=1&amp;c=2" download>链接</a><br></p>尾"#,
        );
        assert_eq!(
            t,
            [
                Token::Start("p".into(), vec![]),
                Token::Text("甲 &amp; 乙"),
                Token::Start(
                    "a".into(),
                    vec![
                        ("href".into(), "/a?b=1&c=2".into()),
                        ("download".into(), String::new())
                    ]
                ),
                Token::Text("链接"),
                Token::End("a".into()),
                Token::Start("br".into(), vec![]),
                Token::End("p".into()),
                Token::Text("尾"),
            ]
        );
    }

    #[test]
    fn finds_quoted_unquoted_and_spaced_attributes() {
        let v = values(
            r#"<p>见 <a class=x HREF = "/a/?b=1&amp;c=2">这里</a> <img src='p.jpg' alt="图 > 一"><br/></p>"#,
        );
        assert_eq!(
            v,
            [
                ("a".into(), "class".into(), "x".into()),
                ("a".into(), "href".into(), "/a/?b=1&amp;c=2".into()),
                ("img".into(), "src".into(), "p.jpg".into()),
                ("img".into(), "alt".into(), "图 > 一".into()),
            ]
        );
        assert_eq!(decode("/a/?b=1&amp;c=2"), "/a/?b=1&c=2");
    }

    #[test]
    fn skips_comments_closing_tags_and_text() {
        let (tags, attrs) = scan("<!-- <img src=x> --> a < b </div> <details open>");
        assert_eq!(tags, ["details"]);
        assert_eq!(attrs.len(), 0, "{attrs:?}");
        // Unterminated pieces do not panic.
        for s in [
            "<a href=\"x",
            "<a href=",
            "<img src='",
            "<",
            "<a =x>",
            "<!--",
        ] {
            let _ = scan(s);
        }
    }
}
