//! Export, plain text (`pufa export text`): for platforms that take only text, the 公众号
//! fragment read as a reader would: one paragraph a line with a blank line between,
//! headings in 【】, list markers, table rows with their cells apart, the reference numbers,
//! 法条原文 and 参考资料 as they are, and each picture as a line naming its file in
//! `images/` (uploaded beside the text).

use crate::raw_html::{Token, tokens};

/// Tags that end a line (and, for most, a paragraph).
const BLOCKS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "section",
    "table",
    "hr",
    "figcaption",
    "caption",
    "pre",
    "br",
];

/// The text of fragment `html`.
pub fn from_fragment(html: &str) -> String {
    let mut out = String::new();
    let mut cell = false;
    for t in tokens(html) {
        match t {
            Token::Start(name, attrs) => match name.as_str() {
                "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                    paragraph(&mut out);
                    out.push('【');
                }
                "td" | "th" => {
                    if cell {
                        out.push_str(" | ");
                    }
                    cell = true;
                }
                "img" => {
                    paragraph(&mut out);
                    let src = attr(&attrs, "src");
                    let alt = attr(&attrs, "alt");
                    out.push_str(&format!("［图片：{alt}（{src}）］"));
                    paragraph(&mut out);
                }
                "hr" => {
                    paragraph(&mut out);
                    out.push_str("——————");
                    paragraph(&mut out);
                }
                "br" => out.push('\n'),
                "tr" if !out.ends_with('\n') => out.push('\n'),
                n if BLOCKS.contains(&n) => paragraph(&mut out),
                _ => {}
            },
            Token::End(name) => match name.as_str() {
                "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                    out.push('】');
                    paragraph(&mut out);
                }
                "tr" => {
                    cell = false;
                    out.push('\n');
                }
                n if BLOCKS.contains(&n) => paragraph(&mut out),
                _ => {}
            },
            Token::Text(t) => {
                let t = crate::raw_html::decode(t).replace('\u{a0}', " ");
                if !(t.trim().is_empty() && (out.is_empty() || out.ends_with('\n'))) {
                    out.push_str(&t);
                }
            }
        }
    }
    let mut text: Vec<&str> = Vec::new();
    for line in out.lines().map(str::trim_end) {
        if !(line.is_empty() && text.last().is_none_or(|l| l.is_empty())) {
            text.push(line);
        }
    }
    while text.last().is_some_and(|l| l.is_empty()) {
        text.pop();
    }
    text.join("\n") + "\n"
}

fn attr(attrs: &[(String, String)], name: &str) -> String {
    attrs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// End the paragraph being written (a blank line after it), once.
fn paragraph(out: &mut String) {
    if out.is_empty() || out.ends_with("\n\n") {
        return;
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_headings_tables_and_pictures() {
        let html = r#"<section style="x"><h2 style="y">法律怎么说</h2><p>甲 &amp; 乙<sup>[1]</sup>。</p>
<table><tr><th>村</th><th>人数</th></tr><tr><td>东村</td><td>3</td></tr></table><p><img src="images/01.jpg" alt="调解现场"></p><hr><h2>法条原文</h2><p>[1] 《民法典》第一千零四十三条</p></section>"#;
        assert_eq!(
            from_fragment(html),
            "【法律怎么说】\n\n甲 & 乙[1]。\n\n村 | 人数\n东村 | 3\n\n［图片：调解现场（images/01.jpg）］\n\n——————\n\n【法条原文】\n\n[1] 《民法典》第一千零四十三条\n"
        );
    }
}
