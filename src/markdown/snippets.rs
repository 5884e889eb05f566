//! Parse step, Markdown: snippets (like Hugo's shortcodes), written
//! `{{< name key="value" >}}` — a form no Chinese text takes. A snippet alone in its
//! paragraph stands for a block (a table, a quoted statute article, a box); inside a
//! sentence, for inline markup. What a snippet becomes is worked out by a [`SnippetHook`]
//! (the content step knows the page's files, the statute library and the theme's snippets);
//! its HTML then goes through the same checks as HTML an author writes (links checked and
//! resolved, resources kept on the site, sanitised).

use pulldown_cmark::{CowStr, Event, LinkType, TagEnd};

use super::pass::Pass;
use crate::diag::Diagnostic;

/// One snippet as written: its name and arguments (`"value"` alone is the argument `""`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnippetCall {
    pub name: String,
    pub args: Vec<(String, String)>,
}

impl SnippetCall {
    /// The value of argument `key` (or of the unnamed one, for the snippet's main argument).
    pub fn arg(&self, key: &str) -> Option<&str> {
        self.args
            .iter()
            .find(|(k, _)| k == key)
            .or_else(|| self.args.iter().find(|(k, _)| k.is_empty()))
            .map(|(_, v)| v.as_str())
    }
}

/// What a snippet becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expansion {
    /// HTML, checked and sanitised like an author's.
    Html(String),
    /// A local file shown as an image would be (a video or audio file becomes a player).
    Media { file: String, title: String },
}

/// Works out snippets for the Markdown pass.
pub trait SnippetHook {
    /// The expansion of `call`, or the problem (message and hint) with it. `block`: the
    /// snippet is alone in its paragraph; `line`: its line in the file.
    fn expand(
        &self,
        call: &SnippetCall,
        block: bool,
        line: usize,
    ) -> Result<Expansion, (String, String)>;
}

const OPEN: &str = "{{<";
const CLOSE: &str = ">}}";

/// The snippets in `text`: each one's byte range and what it says (or why it cannot be read).
pub fn find(text: &str) -> Vec<(std::ops::Range<usize>, Result<SnippetCall, String>)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(start) = text[from..].find(OPEN).map(|i| i + from) {
        let inner_start = start + OPEN.len();
        let Some(end) = text[inner_start..].find(CLOSE).map(|i| i + inner_start) else {
            out.push((start..text.len(), Err("少了结尾的 >}}".to_string())));
            break;
        };
        out.push((start..end + CLOSE.len(), parse(&text[inner_start..end])));
        from = end + CLOSE.len();
    }
    out
}

/// `name key="value" key2=value "value"` → the call.
fn parse(inner: &str) -> Result<SnippetCall, String> {
    let mut words = Words(inner.trim());
    let name = words.next_word().unwrap_or_default();
    if name.is_empty() || name.contains(['=', '"']) {
        return Err("没有写片段的名字".to_string());
    }
    let mut args = Vec::new();
    while let Some(w) = words.next_word() {
        let (key, value) = match w.split_once('=') {
            Some((k, v)) if !k.starts_with(['"', '“']) => (k.trim().to_string(), v),
            _ => (String::new(), w.as_str()),
        };
        let value = unquote(value).ok_or_else(|| format!("参数 {w} 的引号没有配对"))?;
        args.push((key, value));
    }
    Ok(SnippetCall { name, args })
}

/// Whitespace-separated words, a quoted value (`"…"`, `“…”`) being one word.
struct Words<'a>(&'a str);

impl Words<'_> {
    fn next_word(&mut self) -> Option<String> {
        let s = self.0.trim_start();
        if s.is_empty() {
            return None;
        }
        let mut quote: Option<char> = None;
        let mut end = s.len();
        for (i, c) in s.char_indices() {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if c == '"' => quote = Some('"'),
                None if c == '“' => quote = Some('”'),
                None if c.is_whitespace() => {
                    end = i;
                    break;
                }
                None => {}
            }
        }
        self.0 = &s[end..];
        Some(s[..end].to_string())
    }
}

fn unquote(v: &str) -> Option<String> {
    let v = v.trim();
    for (open, close) in [('"', '"'), ('“', '”')] {
        if let Some(rest) = v.strip_prefix(open) {
            return rest.strip_suffix(close).map(str::to_string);
        }
    }
    (!v.contains(['"', '“', '”'])).then(|| v.to_string())
}

impl<'a> Pass<'_, 'a> {
    /// Text with snippets in it: the text around them as usual, each snippet expanded.
    /// Returns `false` when there is no snippet to expand (the text is left to the caller).
    pub(super) fn text_with_snippets(&mut self, t: &CowStr<'a>, offset: usize) -> bool {
        let Some(hook) = self.snippets else {
            return false;
        };
        let found = find(t);
        if found.is_empty() {
            return false;
        }
        let block = found.len() == 1
            && found[0].0 == (0..t.len())
            && matches!(
                self.events.last(),
                Some(Event::Start(pulldown_cmark::Tag::Paragraph))
            );
        let mut copied = 0;
        for (range, call) in found {
            if range.start > copied {
                let piece: CowStr<'a> = t[copied..range.start].to_string().into();
                self.text_plain(piece, offset + copied);
            }
            copied = range.end;
            let at = offset + range.start;
            let expansion = call
                .map_err(|m| (format!("片段写得不对：{m}"), SYNTAX_HINT.to_string()))
                .and_then(|c| hook.expand(&c, block, self.pos(at).0))
                .and_then(|e| match e {
                    // A box or a quoted article inside a sentence would split its paragraph.
                    Expansion::Html(h) if !block && starts_a_block(&h) => Err((
                        "这个片段生成的是一整块内容（方框、引文等），要单独占一段".to_string(),
                        "把 {{< … >}} 单独写成一行，上下各空一行；句子里只能用生成文字的片段。"
                            .to_string(),
                    )),
                    e => Ok(e),
                });
            match expansion {
                Ok(Expansion::Html(html)) => {
                    self.out.had_raw_html = true;
                    self.fixed_pos = Some(at);
                    let h = self.raw_html(html.into(), at);
                    self.fixed_pos = None;
                    if block {
                        self.block_snippet = true;
                    }
                    self.emit(Event::InlineHtml(h));
                }
                Ok(Expansion::Media { file, title }) => {
                    self.start_image(LinkType::Inline, file.into(), "".into(), "".into(), at);
                    self.plain_text(&title);
                    self.end_image();
                }
                Err((message, hint)) => {
                    let (line, col) = self.pos(at);
                    self.diags.push(
                        Diagnostic::error(message)
                            .in_file(self.src.file)
                            .at(line, col)
                            .with_source_line(self.src.file_text, (range.end - range.start).min(60))
                            .with_hint(hint),
                    );
                }
            }
        }
        if copied < t.len() {
            let piece: CowStr<'a> = t[copied..].to_string().into();
            self.text_plain(piece, offset + copied);
        }
        true
    }

    /// The end of a paragraph that held a block snippet alone: the paragraph goes, its
    /// content stays.
    pub(super) fn end_block_snippet(&mut self) -> bool {
        if !std::mem::take(&mut self.block_snippet) {
            return false;
        }
        let n = self.events.len();
        if n >= 2
            && matches!(
                self.events[n - 2],
                Event::Start(pulldown_cmark::Tag::Paragraph)
            )
        {
            self.events.remove(n - 2);
            return true;
        }
        self.emit(Event::End(TagEnd::Paragraph));
        true
    }
}

/// Does `html` start with an element that cannot stand inside a paragraph?
fn starts_a_block(html: &str) -> bool {
    let Some(rest) = html.trim_start().strip_prefix('<') else {
        return false;
    };
    let name: String = rest
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    crate::raw_html::BLOCK_TAGS.contains(&name.as_str())
}

const SYNTAX_HINT: &str = "片段的写法是 {{< 名字 参数=\"值\" >}}，例如 {{< table file=\"调解案件.csv\" caption=\"2025年各村调解案件数\" >}}。";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_are_read_with_quotes_and_chinese_quotes() {
        let f = find("见{{< table file=\"调解 案件.csv\" caption=“各村 数字” >}}。{{< hotline >}}");
        assert_eq!(f.len(), 2);
        let c = f[0].1.clone().unwrap();
        assert_eq!(c.name, "table");
        assert_eq!(c.arg("file"), Some("调解 案件.csv"));
        assert_eq!(c.arg("caption"), Some("各村 数字"));
        let c = f[1].1.clone().unwrap();
        assert_eq!((c.name.as_str(), c.args.len()), ("hotline", 0));
        let c = find("{{< statute \"《民法典》第一千零四十三条\" >}}")[0]
            .1
            .clone()
            .unwrap();
        assert_eq!(c.arg("cite"), Some("《民法典》第一千零四十三条"));
    }

    #[test]
    fn bad_calls_say_why() {
        assert!(find("{{< >}}")[0].1.is_err());
        assert!(find("{{< table file=\"a.csv >}}")[0].1.is_err());
        assert!(find("{{< table")[0].1.is_err());
        assert!(find("没有片段，只有 {{ 花括号 }}").is_empty());
        assert!(starts_a_block("\n<aside class=\"pf-box\"><p>x</p></aside>"));
        assert!(starts_a_block("<Figure>"));
        assert!(!starts_a_block("<strong>12348</strong> 热线"));
        assert!(!starts_a_block("纯文字"));
    }
}
