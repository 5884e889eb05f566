//! Parse step: statute citations in Markdown text → links to the article.
//!
//! Recognised: `《中华人民共和国民法典》第一千零四十三条`, `《民法典》第1043条`,
//! `第一千零四十三条第二款`, lists (`第一千零四十二条、第一千零四十三条`), ranges
//! (`第一千零四十三条至第一千零四十五条`), and a bare `第X条` after a law was named in the same
//! paragraph. A citation of an article that does not exist in a law of the library is an
//! error; a law that is not in the library gives one warning per file and stays plain text.

use std::cell::RefCell;

use super::LawLibrary;
use super::numerals::{ArticleNo, is_numeral_char, parse_number};
use crate::config::Config;
use crate::diag::Diagnostic;
use crate::fingerprint::FastSet;
use crate::markdown::TextHook;
use crate::text::push_escaped as esc;

/// One cited article (ranges are expanded), for the "cited by" index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Citation {
    pub law: usize,
    pub article: ArticleNo,
}

/// A parsed article reference: `第一千零四十三条第二款` → (1043, Some(2)), and its length in
/// bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArticleRef {
    pub no: ArticleNo,
    pub paragraph: Option<u32>,
    pub len: usize,
}

fn number_run(s: &str) -> usize {
    s.find(|c: char| !(is_numeral_char(c) || c.is_ascii_digit() || ('０'..='９').contains(&c)))
        .unwrap_or(s.len())
}

/// Parse `第…条[之…][第…款][第…项]` at the start of `s`.
pub fn parse_article_ref(s: &str) -> Option<ArticleRef> {
    let rest = s.strip_prefix('第')?;
    let n = number_run(rest);
    let main = parse_number(&rest[..n])?;
    let mut rest = rest[n..].strip_prefix('条')?;
    let mut sub = 0;
    if let Some(r) = rest.strip_prefix('之') {
        let n = number_run(r);
        if let Some(v) = parse_number(&r[..n]) {
            sub = v;
            rest = &r[n..];
        }
    }
    let mut paragraph = None;
    if let Some(r) = rest.strip_prefix('第') {
        let n = number_run(r);
        if let (Some(v), true) = (parse_number(&r[..n]), r[n..].starts_with('款')) {
            paragraph = Some(v);
            rest = &r[n + '款'.len_utf8()..];
            if let Some(r2) = rest.strip_prefix('第') {
                let n2 = number_run(r2);
                if parse_number(&r2[..n2]).is_some() && r2[n2..].starts_with('项') {
                    rest = &r2[n2 + '项'.len_utf8()..];
                }
            }
        }
    }
    Some(ArticleRef {
        no: ArticleNo { main, sub },
        paragraph,
        len: s.len() - rest.len(),
    })
}

const RANGE_MARKS: &[&str] = &["至", "到", "—", "－", "～", "~", "-"];

#[derive(Debug, Clone)]
enum LawCtx {
    Known(usize),
    /// A law not in the library: its index in `State::unknown`.
    Unknown(usize),
}

#[derive(Debug, Default)]
struct State {
    law: Option<LawCtx>,
    found: Vec<Citation>,
    diags: Vec<Diagnostic>,
    warned: FastSet<String>,
    /// Names of laws not in the library met in this file (each kept once).
    unknown: Vec<String>,
}

/// A checked citation: its target and the tooltip of its link.
type Linked<'a> = (Resolved, &'a str);

/// The citation linker for one file.
pub struct CiteHook<'a> {
    lib: &'a LawLibrary,
    config: &'a Config,
    file: &'a str,
    file_text: &'a str,
    state: RefCell<State>,
}

/// A cited article resolved for display (lesson `laws:` blocks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub law: usize,
    pub no: ArticleNo,
    pub paragraph: Option<u32>,
    /// The law file the article is in (its page is `LawLibrary::file_paths[file]`) and
    /// the anchor.
    pub file: usize,
    pub anchor: String,
}

impl<'a> CiteHook<'a> {
    pub fn new(lib: &'a LawLibrary, config: &'a Config, file: &'a str, file_text: &'a str) -> Self {
        CiteHook {
            lib,
            config,
            file,
            file_text,
            state: RefCell::new(State::default()),
        }
    }

    /// The citations found and the problems, sorted and without repeats.
    pub fn finish(self) -> (Vec<Citation>, Vec<Diagnostic>) {
        let State {
            mut found, diags, ..
        } = self.state.into_inner();
        found.sort();
        found.dedup();
        (found, diags)
    }

    /// Check one reference of law `law`; returns its target and the tooltip of its link,
    /// or records an error.
    fn check(
        &self,
        law: usize,
        r: ArticleRef,
        line: usize,
        col: &dyn Fn() -> usize,
        st: &mut State,
    ) -> Option<Linked<'a>> {
        let l = &self.lib.laws[law];
        match self.lib.article(law, r.no) {
            Some(found @ (_, a)) => {
                if let Some(p) = r.paragraph
                    && (p == 0 || p as usize > a.paragraphs.len())
                {
                    st.diags.push(
                        Diagnostic::error(format!(
                            "《{}》{}只有 {} 款，没有第{}款",
                            l.short,
                            r.no.label(),
                            a.paragraphs.len(),
                            super::numerals::to_chinese(p)
                        ))
                        .in_file(self.file)
                        .at(line, col())
                        .with_source_line(self.file_text, 0)
                        .with_hint("核对款的序号（每一自然段是一款）；也可以只写到“条”。"),
                    );
                    return None;
                }
                let (file, anchor) = self.lib.article_target(law, found, r.paragraph);
                let resolved = Resolved {
                    law,
                    no: r.no,
                    paragraph: r.paragraph,
                    file,
                    anchor,
                };
                Some((resolved, self.lib.tooltip(law, a)))
            }
            None => {
                let range = match l.range() {
                    Some((lo, hi)) => {
                        let below = l.articles.range(..r.no).next_back().map(|(k, _)| *k);
                        let above = l.articles.range(r.no..).next().map(|(k, _)| *k);
                        let near = match (below, above) {
                            (Some(b), Some(a)) => {
                                format!("；最接近的是{}和{}", b.label(), a.label())
                            }
                            _ => String::new(),
                        };
                        format!(
                            "《{}》的条文是{}至{}{near}",
                            l.short,
                            lo.label(),
                            hi.label()
                        )
                    }
                    None => format!("法律法规库里的《{}》没有条文", l.short),
                };
                st.diags.push(
                    Diagnostic::error(format!("《{}》没有{}", l.short, r.no.label()))
                        .in_file(self.file)
                        .at(line, col())
                        .with_source_line(self.file_text, r.no.label().chars().count())
                        .with_hint(format!("{range}。请核对条文序号。")),
                );
                None
            }
        }
    }

    fn warn_unknown(&self, name: &str, line: usize, col: &dyn Fn() -> usize, st: &mut State) {
        if !st.warned.contains(name) {
            st.warned.insert(name.to_string());
            st.diags.push(
                Diagnostic::warning(format!("《{name}》不在本站的法律法规库里，引用的条文不会加链接"))
                    .in_file(self.file)
                    .at(line, col())
                    .with_hint(
                        "如需链接，把这部法律的文本放进 content/laws/；如果是简称，在 site.yaml 的 laws.aliases 里登记。",
                    ),
            );
        }
    }

    /// Write the link to `target`, showing `shown`, with the article's text as a tooltip.
    fn link(&self, out: &mut String, (target, title): &Linked, shown: &str) {
        out.push_str("<a class=\"pf-cite\" href=\"");
        esc(out, &self.config.base_path);
        out.push_str(&self.lib.encoded_paths[target.file]);
        out.push('#');
        out.push_str(&target.anchor);
        out.push_str("\" title=\"");
        out.push_str(title);
        out.push_str("\">");
        esc(out, shown);
        out.push_str("</a>");
    }

    /// Resolve a citation written on its own (a lesson's `laws:` entry).
    pub fn resolve_standalone(&self, text: &str, line: usize) -> Vec<Resolved> {
        let mut st = self.state.borrow_mut();
        let saved = st.law.take();
        drop(st);
        let mut out = Vec::new();
        self.scan(text, line, 1, Some(&mut out));
        let mut st = self.state.borrow_mut();
        st.law = saved;
        out
    }

    /// Scan `text`; returns the HTML if anything was linked. With `collect`, resolved targets
    /// are pushed there too.
    fn scan(
        &self,
        text: &str,
        line: usize,
        col: usize,
        collect: Option<&mut Vec<Resolved>>,
    ) -> Option<String> {
        let mut st = self.state.borrow_mut();
        let mut out = Written {
            html: String::with_capacity(text.len() + 512),
            changed: false,
            collect,
        };
        let at = Spot { text, line, col };
        let mut i = 0;
        // Copy plain text in runs up to the next 《 or 第 (the only places a citation starts).
        let mut plain_from = 0;
        while i < text.len() {
            let Some(off) = next_start(&text[i..]) else {
                break;
            };
            i += off;
            let rest = &text[i..];
            if let Some(after) = rest.strip_prefix('《')
                && let Some(end) = after.find('》')
            {
                let name = &after[..end];
                if !name.is_empty() && !name.contains('《') {
                    st.law = Some(self.law_named(name, &mut st.unknown));
                    i += '《'.len_utf8() + end + '》'.len_utf8();
                    continue;
                }
            }
            if (rest.starts_with("本法") || rest.starts_with("本条") || rest.starts_with("本编"))
                && let Some(r) = parse_article_ref(&rest["本法".len()..])
            {
                // Refers to a law named elsewhere; never guessed.
                i += "本法".len() + r.len;
                continue;
            }
            if rest.starts_with('第')
                && let Some(r) = parse_article_ref(rest)
            {
                let known = match &st.law {
                    Some(LawCtx::Known(law)) => Some(*law),
                    _ => None,
                };
                match known {
                    Some(law) => {
                        esc(&mut out.html, &text[plain_from..i]);
                        i += self.cite(law, r, at, i, &mut st, &mut out);
                        plain_from = i;
                        continue;
                    }
                    None => {
                        if let Some(LawCtx::Unknown(k)) = st.law
                            && !st.warned.contains(st.unknown[k].as_str())
                        {
                            let name = st.unknown[k].clone();
                            // Columns are counted only when a message needs them.
                            let c = || at.col_at(i);
                            self.warn_unknown(&name, line, &c, &mut st);
                        }
                    }
                }
                i += r.len;
                continue;
            }
            i += rest.chars().next().map_or(1, char::len_utf8);
        }
        if !out.changed {
            return None;
        }
        esc(&mut out.html, &text[plain_from..]);
        Some(out.html)
    }

    /// The law a `《name》` refers to: one of the library, or one not in it (noted once in
    /// `unknown`).
    #[inline]
    fn law_named(&self, name: &str, unknown: &mut Vec<String>) -> LawCtx {
        match self.lib.find(name) {
            Some(l) => LawCtx::Known(l),
            None => LawCtx::Unknown(match unknown.iter().position(|n| n == name) {
                Some(k) => k,
                None => {
                    unknown.push(name.to_string());
                    unknown.len() - 1
                }
            }),
        }
    }

    /// Write the citation `r` of law `law` at byte `i` of the text (and the other end of a
    /// range after it) as links, noting what it cites; returns the bytes it takes.
    #[inline]
    fn cite(
        &self,
        law: usize,
        r: ArticleRef,
        at: Spot<'_>,
        i: usize,
        st: &mut State,
        out: &mut Written<'_>,
    ) -> usize {
        let rest = &at.text[i..];
        let line = at.line;
        // Columns are counted only when a message needs them.
        let c = || at.col_at(i);
        let first = self.check(law, r, line, &c, st);
        let mut consumed = r.len;
        let mut second: Option<(ArticleRef, usize, Option<Linked>)> = None;
        let tail = &rest[r.len..];
        for m in RANGE_MARKS {
            if let Some(t2) = tail.strip_prefix(m) {
                if let Some(r2) = parse_article_ref(t2) {
                    let c2 = || at.col_at(i + r.len + m.len());
                    let res2 = self.check(law, r2, line, &c2, st);
                    second = Some((r2, m.len(), res2));
                }
                break;
            }
        }
        let shown = &rest[..r.len];
        match &first {
            Some(t) => {
                self.link(&mut out.html, t, shown);
                st.found.push(Citation { law, article: r.no });
                if let Some(c) = out.collect.as_deref_mut() {
                    c.push(t.0.clone());
                }
                out.changed = true;
            }
            None => esc(&mut out.html, shown),
        }
        if let Some((r2, mark_len, res2)) = second {
            esc(&mut out.html, &rest[r.len..r.len + mark_len]);
            let shown2 = &rest[r.len + mark_len..r.len + mark_len + r2.len];
            match &res2 {
                Some(t) => {
                    self.link(&mut out.html, t, shown2);
                    out.changed = true;
                    if let Some(c) = out.collect.as_deref_mut() {
                        c.push(t.0.clone());
                    }
                }
                None => esc(&mut out.html, shown2),
            }
            // Every article inside the range is cited too.
            if first.is_some() && res2.is_some() && r.no <= r2.no {
                let l = &self.lib.laws[law];
                for (no, _) in l.articles.range(r.no..=r2.no).take(200) {
                    st.found.push(Citation { law, article: *no });
                }
            }
            consumed += mark_len + r2.len;
        }
        consumed
    }
}

/// The text a scan reads and where it starts in its file.
#[derive(Clone, Copy)]
struct Spot<'t> {
    text: &'t str,
    line: usize,
    col: usize,
}

impl Spot<'_> {
    /// The column of byte `byte` of the text (counted only when a message needs it).
    #[inline]
    fn col_at(&self, byte: usize) -> usize {
        self.col + self.text[..byte].chars().count()
    }
}

/// What a scan writes: the HTML so far, whether anything was linked, and (for a lesson's
/// `laws:`) the targets resolved.
struct Written<'c> {
    html: String,
    changed: bool,
    collect: Option<&'c mut Vec<Resolved>>,
}

/// Byte offset of the first 《, 第 or 本 in `s`: the characters a citation or a reference
/// like 本法第三条 starts with. All three end in a byte that is rare in Chinese text (0x8A
/// or 0xAC), which memchr finds many bytes at a time; each find is then checked.
fn next_start(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut from = 0;
    while let Some(k) = memchr::memchr2(0x8A, 0xAC, &b[from..]) {
        let end = from + k + 1;
        if end >= 3 {
            let c = &b[end - 3..end];
            if c == "《".as_bytes() || c == "第".as_bytes() || c == "本".as_bytes() {
                return Some(end - 3);
            }
        }
        from = end;
    }
    None
}

impl TextHook for CiteHook<'_> {
    fn transform(&self, text: &str, at: &dyn Fn() -> (usize, usize)) -> Option<String> {
        // Every citation has a 第 (an article number) or a 《 (a law's name); text with
        // neither (most of it) is left alone without working out where it is.
        if !text.contains('第') && !text.contains('《') {
            return None;
        }
        let (line, col) = at();
        self.scan(text, line, col, None)
    }

    fn boundary(&self) {
        self.state.borrow_mut().law = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Overrides, parse_config};
    use crate::statute::parse::parse_law_file;

    fn lib() -> LawLibrary {
        let a = "# 中华人民共和国民法典\n\n# 婚姻家庭编\n\n<!-- INFO END -->\n\n第一千零四十二条 禁止包办。\n\n第一千零四十三条 家庭应当树立优良家风。\n\n夫妻应当互相忠实。\n\n第一千零四十五条 亲属包括配偶。\n";
        let b = "# 中华人民共和国民法典\n\n# 总则\n\n<!-- INFO END -->\n\n第一条 为了保护。\n";
        let files = vec![
            parse_law_file("content/laws/民法典/婚姻家庭编.md", a)
                .0
                .unwrap(),
            parse_law_file("content/laws/民法典/总则.md", b).0.unwrap(),
        ];
        LawLibrary::new(files, &Default::default()).0
    }

    fn cfg() -> Config {
        parse_config(
            "title: t\nbase_url: https://e.org/x/\n",
            &Overrides::default(),
        )
        .unwrap()
    }

    fn run(text: &str) -> (Option<String>, Vec<Citation>, Vec<Diagnostic>) {
        let lib = lib();
        let cfg = cfg();
        let hook = CiteHook::new(&lib, &cfg, "content/a.md", text);
        let html = hook.transform(text, &|| (1, 1));
        let (c, d) = hook.finish();
        (html, c, d)
    }

    #[test]
    fn finds_where_citations_can_start() {
        assert_eq!(next_start("依照《民法典》"), Some("依照".len()));
        assert_eq!(next_start("见第三条"), Some("见".len()));
        assert_eq!(next_start("本法"), Some(0));
        // 0xAC and 0x8A inside other characters are not matches.
        assert_eq!(next_start("欢迎访问"), None);
        assert_eq!(next_start("abc"), None);
        assert_eq!(next_start(""), None);
        let all: String = (0x4E00u32..0x9FFF)
            .filter_map(char::from_u32)
            .filter(|c| !"第本".contains(*c))
            .collect();
        assert_eq!(next_start(&all), None);
        assert_eq!(next_start(&format!("{all}第")), Some(all.len()));
    }

    #[test]
    fn parses_references() {
        let r = parse_article_ref("第一千零四十三条第二款规定").unwrap();
        assert_eq!((r.no.main, r.paragraph), (1043, Some(2)));
        assert_eq!(r.len, "第一千零四十三条第二款".len());
        assert_eq!(parse_article_ref("第1043条").unwrap().no.main, 1043);
        assert!(parse_article_ref("第一章").is_none());
        assert!(parse_article_ref("第三次").is_none());
    }

    #[test]
    fn links_every_form() {
        let (html, cites, d) = run(
            "《中华人民共和国民法典》第一千零四十三条、《民法典》第1042条和第一千零四十三条第二款，第一千零四十二条至第一千零四十五条。",
        );
        assert!(d.is_empty(), "{d:?}");
        let html = html.unwrap();
        assert_eq!(html.matches("class=\"pf-cite\"").count(), 5, "{html}");
        assert!(html.contains("href=\"/x/laws/%E6%B0%91%E6%B3%95%E5%85%B8/%E5%A9%9A%E5%A7%BB%E5%AE%B6%E5%BA%AD%E7%BC%96/#art-1043\""), "{html}");
        assert!(html.contains("#art-1043-2\""), "{html}");
        let nums: Vec<u32> = cites.iter().map(|c| c.article.main).collect();
        assert_eq!(nums, vec![1042, 1043, 1045]);
    }

    #[test]
    fn bare_article_needs_a_law_in_the_paragraph() {
        let (html, _, d) = run("第一千零四十三条规定");
        assert!(html.is_none());
        assert!(d.is_empty());
    }

    #[test]
    fn missing_article_is_an_error_with_the_range() {
        let (_, _, d) = run("依照《民法典》第九千条处理。");
        assert_eq!(d.len(), 1);
        assert!(d[0].is_error());
        assert_eq!(d[0].col, Some(8));
        assert!(
            d[0].hint
                .as_deref()
                .unwrap()
                .contains("第一条至第一千零四十五条"),
            "{:?}",
            d[0].hint
        );
        let (_, _, d) = run("《民法典》第一千零四十三条第三款");
        assert!(d[0].message.contains("只有 2 款"), "{}", d[0].message);
    }

    fn numbers(cites: &[Citation]) -> Vec<u32> {
        cites.iter().map(|c| c.article.main).collect()
    }

    #[test]
    fn items_and_what_follows_a_paragraph_are_measured_exactly() {
        let r = parse_article_ref("第五条第二款第三项规定").unwrap();
        assert_eq!((r.no.main, r.paragraph), (5, Some(2)));
        assert_eq!(r.len, "第五条第二款第三项".len());
        // 第三人 is no item: the citation ends with the paragraph.
        let r = parse_article_ref("第五条第二款第三人的权利").unwrap();
        assert_eq!(r.len, "第五条第二款".len());
    }

    #[test]
    fn a_missing_article_inside_the_law_names_its_neighbours() {
        let (_, _, d) = run("《民法典》第一千零四十四条");
        let hint = d[0].hint.as_deref().unwrap();
        assert!(
            hint.contains("最接近的是第一千零四十三条和第一千零四十五条"),
            "{hint}"
        );
    }

    #[test]
    fn references_to_this_law_and_empty_titles_are_never_guessed() {
        // 本法, 本条 refer to a law named elsewhere: never linked to the paragraph's law.
        let (html, cites, d) = run(
            "依照《民法典》第一千零四十三条和本法第一千零四十二条，本条第二款，本编第一千零四十五条。",
        );
        let html = html.unwrap();
        assert_eq!(html.matches("class=\"pf-cite\"").count(), 1, "{html}");
        assert!(
            html.ends_with("和本法第一千零四十二条，本条第二款，本编第一千零四十五条。"),
            "{html}"
        );
        assert_eq!(numbers(&cites), [1043]);
        assert!(d.is_empty(), "{d:?}");
        // Only the reference itself is passed over: what follows is read.
        let (_, cites, _) = run("依照本法第二条所称，见《民法典》第一千零四十三条。");
        assert_eq!(numbers(&cites), [1043]);
        // 《》 names no law.
        let (html, _, d) = run("见《》第十条");
        assert!(html.is_none());
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn each_unknown_law_is_named_in_its_own_warning() {
        let (_, _, d) = run("《劳动法》第十条，《工会法》第二条，《劳动法》第十一条");
        let mut named: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        named.sort();
        assert_eq!(named.len(), 2, "{named:?}");
        assert!(named[0].starts_with("《劳动法》"), "{named:?}");
        assert!(named[1].starts_with("《工会法》"), "{named:?}");
    }

    #[test]
    fn a_range_with_a_missing_end_is_reported_there_and_spans_nothing() {
        let (_, cites, d) = run("《民法典》第一千零四十二条至第九千条");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            d[0].col,
            Some(1 + "《民法典》第一千零四十二条至".chars().count())
        );
        assert_eq!(numbers(&cites), [1042]);
    }

    /// A body through the Markdown pass with the citation hook, as a page's is.
    fn render_body(body: &str) -> String {
        let (lib, cfg) = (lib(), cfg());
        let hook = CiteHook::new(&lib, &cfg, "content/a.md", body);
        let src = crate::markdown::BodySource {
            file: "content/a.md",
            file_text: body,
            body,
            body_offset: 0,
        };
        crate::markdown::render(&src, Default::default(), Some(&hook))
            .0
            .html
    }

    #[test]
    fn a_paragraph_s_law_reaches_across_emphasis_but_not_into_the_next_paragraph() {
        // The law in one text event, the article in the next (inside <strong>).
        let html =
            render_body("依照《民法典》的**第一千零四十三条**。\n\n第一千零四十二条另有规定。\n");
        assert!(html.contains("<strong>"), "{html}");
        assert_eq!(html.matches("class=\"pf-cite\"").count(), 1, "{html}");
        assert!(html.contains("#art-1043\""), "{html}");
    }

    #[test]
    fn unknown_law_warns_once() {
        let (html, _, d) = run("《劳动法》第十条和《劳动法》第十一条");
        assert!(html.is_none());
        assert_eq!(d.len(), 1);
        assert!(!d[0].is_error());
    }
}
