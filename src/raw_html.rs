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

/// Tags the sanitiser removes: they run code or embed other sites.
pub const STRIPPED_TAGS: &[&str] = &[
    "script", "iframe", "frame", "object", "embed", "applet", "form", "style", "link", "meta",
    "base",
];

/// Start tags (lower-case names) and their attributes in `html`.
pub fn scan(html: &str) -> (Vec<String>, Vec<Attr>) {
    let b = html.as_bytes();
    let mut tags = Vec::new();
    let mut attrs = Vec::new();
    let mut i = 0;
    while let Some(lt) = html[i..].find('<').map(|k| k + i) {
        i = lt + 1;
        if html[i..].starts_with("!--") {
            i = html[i..].find("-->").map_or(b.len(), |k| i + k + 3);
            continue;
        }
        let name_end = i + html[i..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .unwrap_or(b.len() - i);
        if name_end == i || !b[i].is_ascii_alphabetic() {
            continue;
        }
        let tag = html[i..name_end].to_ascii_lowercase();
        i = name_end;
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
                continue;
            }
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            let quoted = (i < b.len() && (b[i] == b'"' || b[i] == b'\'')).then(|| b[i] as char);
            let value = if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let quote = b[i];
                let v = i + 1;
                let end = html[v..].find(quote as char).map_or(b.len(), |k| v + k);
                i = (end + 1).min(b.len());
                v..end
            } else {
                let v = i;
                while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                    i += 1;
                }
                v..i
            };
            attrs.push(Attr {
                tag: tag.clone(),
                name,
                value,
                quote: quoted,
                element: tags.len(),
            });
        }
        tags.push(tag);
    }
    (tags, attrs)
}

/// An attribute value with the entities authors use in URLs decoded.
pub fn decode(value: &str) -> String {
    value
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
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
