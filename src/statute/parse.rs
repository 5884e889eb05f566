//! Parse step: one statute file (format in `content/laws/_index.md` and the README) → a
//! [`LawFile`]: title, optional part (婚姻家庭编), history lines, and a sequence of headings,
//! preamble paragraphs and articles (条) with their paragraphs (款) and items (项).

use super::numerals::{ArticleNo, is_numeral_char, parse_number};
use crate::diag::Diagnostic;
use crate::text::heading_id;

/// One statute file, parsed.
#[derive(Debug, Clone)]
pub struct LawFile {
    /// `content/laws/民法典/婚姻家庭编.md`
    pub source: String,
    /// Folder under `content/laws/` (for grouping the index): `民法典`, `社会法`, or `""`.
    pub folder: String,
    /// File stem without the version date: `婚姻家庭编`, `反家庭暴力法`.
    pub stem: String,
    /// Full title: `中华人民共和国民法典`.
    pub title: String,
    /// Part of a law split over files: `婚姻家庭编`.
    pub part: Option<String>,
    pub history: Vec<String>,
    /// Version date from the file name (`(2018-12-29)`), as written.
    pub version_date: Option<String>,
    pub blocks: Vec<Block>,
}

/// A piece of a statute's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// `##` → level 2 … `####` → level 4.
    Heading {
        level: u8,
        text: String,
        id: String,
    },
    /// A paragraph that belongs to no article (a preamble).
    Text(String),
    Article(StatuteArticle),
}

/// An article (条) of a statute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatuteArticle {
    pub no: ArticleNo,
    /// 1-based line in the file.
    pub line: usize,
    /// Paragraphs (款); each may carry items (项) such as “（一）……”.
    pub paragraphs: Vec<Clause>,
    /// The tooltip of a citation of this article, made when one first needs it (see
    /// `LawLibrary::title`).
    pub tooltip: Tooltip,
}

/// A lazily made tooltip. It is derived from the article, so it takes no part in comparing
/// articles.
#[derive(Default, Clone)]
pub struct Tooltip(pub std::sync::OnceLock<String>);

impl PartialEq for Tooltip {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Tooltip {}

impl std::fmt::Debug for Tooltip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tooltip")
    }
}

/// A paragraph (款) of an article, with its items (项).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    pub text: String,
    pub items: Vec<String>,
}

impl StatuteArticle {
    /// The whole text of the article as plain text (paragraphs joined by newlines).
    pub fn plain_text(&self) -> String {
        let mut s = String::new();
        for (i, p) in self.paragraphs.iter().enumerate() {
            if i > 0 {
                s.push('\n');
            }
            s.push_str(&p.text);
            for it in &p.items {
                s.push('\n');
                s.push_str(it);
            }
        }
        s
    }

    /// The first `max` characters of [`StatuteArticle::plain_text`] with line breaks as
    /// spaces, and whether there is more: what a citation's tooltip shows, made without
    /// copying the rest of a long article.
    pub fn opening(&self, max: usize) -> (String, bool) {
        let pieces = self
            .paragraphs
            .iter()
            .flat_map(|p| std::iter::once(&p.text).chain(&p.items));
        let mut out = String::new();
        let mut left = max;
        for (k, piece) in pieces.enumerate() {
            if k > 0 {
                if left == 0 {
                    return (out, true);
                }
                out.push(' ');
                left -= 1;
            }
            // Whole runs of text up to the character where the tooltip ends.
            match piece.char_indices().nth(left) {
                Some((cut, _)) => {
                    push_spaced(&mut out, &piece[..cut]);
                    return (out, true);
                }
                None => {
                    left -= piece.chars().count();
                    push_spaced(&mut out, piece);
                }
            }
        }
        (out, false)
    }
}

/// Append `s` with its line breaks as spaces.
fn push_spaced(out: &mut String, s: &str) {
    for (k, line) in s.split('\n').enumerate() {
        if k > 0 {
            out.push(' ');
        }
        out.push_str(line);
    }
}

/// Normalise the spacing of a heading: runs of any whitespace become one space, and letters
/// spaced out one by one (`准 合 同`, `总 则`) are joined.
pub fn tidy_heading(raw: &str) -> String {
    let tokens: Vec<&str> = raw
        .split(|c: char| c.is_whitespace())
        .filter(|t| !t.is_empty())
        .collect();
    let mut out = String::new();
    for (i, t) in tokens.iter().enumerate() {
        if i > 0 {
            let single = |s: &str| s.chars().count() == 1;
            if !(single(tokens[i - 1]) && single(t)) {
                out.push(' ');
            }
        }
        out.push_str(t);
    }
    out
}

/// Split `第一千零四十三条 家庭应当……` into the article number and the rest.
pub fn split_article_start(p: &str) -> Option<(ArticleNo, &str)> {
    let rest = p.strip_prefix('第')?;
    let num_end = rest.find(|c: char| !is_numeral_char(c))?;
    let main = parse_number(&rest[..num_end])?;
    let rest = rest[num_end..].strip_prefix('条')?;
    let (sub, rest) = match rest.strip_prefix('之') {
        Some(r) => {
            let end = r.find(|c: char| !is_numeral_char(c)).unwrap_or(r.len());
            (parse_number(&r[..end])?, &r[end..])
        }
        None => (0, rest),
    };
    // The number must be followed by a space (any width) or end the paragraph.
    let first = rest.chars().next();
    if first.is_some_and(|c| !c.is_whitespace()) {
        return None;
    }
    Some((ArticleNo { main, sub }, rest.trim_start()))
}

fn is_item(p: &str) -> bool {
    let p = p.trim_start();
    let Some(rest) = p.strip_prefix('（').or_else(|| p.strip_prefix('(')) else {
        return false;
    };
    let end = rest.find(|c: char| !is_numeral_char(c)).unwrap_or(0);
    end > 0 && (rest[end..].starts_with('）') || rest[end..].starts_with(')'))
}

/// Parse a statute file. Problems (no title, repeated article numbers) are located.
pub fn parse_law_file(rel: &str, text: &str) -> (Option<LawFile>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let (folder, stem, version_date) = path_parts(rel);
    let LawLines {
        titles,
        history,
        blocks,
        ..
    } = read_lines(text);

    let Some(title) = titles.first().cloned() else {
        diags.push(
            Diagnostic::error("法律文件缺少标题（第一行应为 “# 中华人民共和国××法”）")
                .in_file(rel)
                .at(1, 1)
                .with_hint("法律文件的格式见 content/laws/_index.md 的说明。"),
        );
        return (None, diags);
    };
    let part = titles.get(1).cloned();
    check_article_numbers(rel, text, &blocks, &mut diags);
    // Without a date in the file name, the latest date in the history lines (the last
    // adoption or amendment the text records) is the version.
    let version_date =
        version_date.or_else(|| history.iter().filter_map(|h| history_date(h)).max());
    (
        Some(LawFile {
            source: rel.to_string(),
            folder: folder.to_string(),
            stem,
            title,
            part,
            history,
            version_date,
            blocks,
        }),
        diags,
    )
}

/// The folder under `content/laws/`, the stem and the version date written in the name of
/// a statute file: `content/laws/民法典/婚姻家庭编(2020-05-28).md` → (`民法典`, `婚姻家庭编`,
/// `2020-05-28`).
fn path_parts(rel: &str) -> (&str, String, Option<String>) {
    let inner = rel.strip_prefix("content/laws/").unwrap_or(rel);
    let (folder, file) = match inner.rfind('/') {
        Some(i) => (&inner[..i], &inner[i + 1..]),
        None => ("", inner),
    };
    let stem_full = file.strip_suffix(".md").unwrap_or(file);
    let (stem, version_date) = match (stem_full.rfind('('), stem_full.ends_with(')')) {
        (Some(i), true) => (
            stem_full[..i].trim().to_string(),
            Some(stem_full[i + 1..stem_full.len() - 1].to_string()),
        ),
        _ => (stem_full.to_string(), None),
    };
    (folder, stem, version_date)
}

/// What the lines of a statute file add up to, read one after another.
#[derive(Default)]
struct LawLines {
    /// `#` titles: the law's, then the part's.
    titles: Vec<String>,
    history: Vec<String>,
    blocks: Vec<Block>,
    /// Heading ids given so far (each heading gets its own).
    used_ids: std::collections::HashSet<String>,
    /// The article being read: the lines that follow are its paragraphs and items.
    current: Option<StatuteArticle>,
}

/// Read the lines of a statute file: the header (up to `<!-- INFO END -->`, when there is
/// one) gives titles and history lines, the rest headings, preamble text and articles.
fn read_lines(text: &str) -> LawLines {
    let mut r = LawLines::default();
    let mut in_header = text.contains("<!-- INFO END -->");
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if line.starts_with("<!--") {
            if line.contains("INFO END") {
                in_header = false;
            }
            continue;
        }
        if in_header {
            if let Some(t) = line.strip_prefix("# ") {
                r.titles.push(tidy_heading(t));
            } else if !line.starts_with('#') {
                r.history.push(line.to_string());
            }
            continue;
        }
        if line.starts_with('#') {
            r.heading(line);
            continue;
        }
        if let Some((no, rest)) = split_article_start(line) {
            r.start_article(no, rest, line_no);
            continue;
        }
        r.paragraph(line);
    }
    r.flush();
    r
}

impl LawLines {
    /// Put the article being read, if any, after the blocks.
    fn flush(&mut self) {
        if let Some(a) = self.current.take() {
            self.blocks.push(Block::Article(a));
        }
    }

    /// A `#` line of the body: a title before anything else, or a heading with an id of
    /// its own.
    fn heading(&mut self, line: &str) {
        let level = line.chars().take_while(|&c| c == '#').count();
        let t = tidy_heading(line.trim_start_matches('#'));
        if level == 1 {
            if self.blocks.is_empty() && self.current.is_none() {
                self.titles.push(t);
            }
            return;
        }
        if t.is_empty() {
            return;
        }
        self.flush();
        let base = heading_id(&t);
        let mut id = base.clone();
        let mut n = 1;
        while !self.used_ids.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        self.blocks.push(Block::Heading {
            level: level.min(6) as u8,
            text: t,
            id,
        });
    }

    /// `第…条 …`: a new article, its first paragraph written on the same line.
    fn start_article(&mut self, no: ArticleNo, rest: &str, line_no: usize) {
        self.flush();
        self.current = Some(StatuteArticle {
            no,
            line: line_no,
            paragraphs: if rest.is_empty() {
                vec![]
            } else {
                vec![Clause {
                    text: rest.to_string(),
                    items: vec![],
                }]
            },
            tooltip: Tooltip::default(),
        });
    }

    /// Any other line: a paragraph or item of the article being read, or preamble text.
    fn paragraph(&mut self, line: &str) {
        match &mut self.current {
            Some(a) => {
                if is_item(line) {
                    match a.paragraphs.last_mut() {
                        Some(p) => p.items.push(line.to_string()),
                        None => a.paragraphs.push(Clause {
                            text: line.to_string(),
                            items: vec![],
                        }),
                    }
                } else {
                    a.paragraphs.push(Clause {
                        text: line.to_string(),
                        items: vec![],
                    });
                }
            }
            None => self.blocks.push(Block::Text(line.to_string())),
        }
    }
}

/// Article numbers must not repeat within a file: each repeat is an error.
fn check_article_numbers(rel: &str, text: &str, blocks: &[Block], diags: &mut Vec<Diagnostic>) {
    let mut seen: std::collections::HashMap<ArticleNo, usize> = Default::default();
    for b in blocks {
        if let Block::Article(a) = b
            && let Some(prev) = seen.insert(a.no, a.line)
        {
            diags.push(
                Diagnostic::error(format!("{} 出现了两次", a.no.label()))
                    .in_file(rel)
                    .at(a.line, 1)
                    .with_source_line(text, a.no.label().chars().count())
                    .with_hint(format!("第一次出现在第 {prev} 行；检查条文编号。")),
            );
        }
    }
}

/// The date a history line starts with (`2018年3月11日 第十三届…`) as `2018-03-11`.
fn history_date(line: &str) -> Option<String> {
    let (year, rest) = line.trim_start().split_once('年')?;
    let (month, rest) = rest.split_once('月')?;
    let (day, _) = rest.split_once('日')?;
    let number = |s: &str, digits: std::ops::RangeInclusive<usize>| {
        (digits.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let (y, m, d) = (
        number(year, 4..=4)?,
        number(month, 1..=2)?,
        number(day, 1..=2)?,
    );
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_opening_of_an_article_is_its_plain_text_cut() {
        let text = "第一条 为了保护。\n\n第二款的内容\n写在两行。\n\n（一）一项；\n（二）二项。\n";
        let f = parse_law_file(
            "content/laws/a.md",
            &format!("# 中华人民共和国测试法\n\n<!-- INFO END -->\n\n{text}"),
        )
        .0
        .unwrap();
        let a = f
            .blocks
            .iter()
            .find_map(|b| match b {
                Block::Article(a) => Some(a),
                _ => None,
            })
            .unwrap();
        let full = a.plain_text().replace('\n', " ");
        let len = full.chars().count();
        for max in 0..len + 3 {
            let expected: String = full.chars().take(max).collect();
            assert_eq!(a.opening(max), (expected, len > max), "max {max}");
        }
    }

    #[test]
    fn version_date_from_the_latest_history_line() {
        assert_eq!(
            history_date("2018年3月11日 第十三届全国人民代表大会第一次会议通过").as_deref(),
            Some("2018-03-11")
        );
        assert_eq!(
            history_date("1982年12月4日 公布施行").as_deref(),
            Some("1982-12-04")
        );
        assert_eq!(history_date("根据2009年8月27日的决定修正"), None);
        assert_eq!(history_date("2018年13月1日 通过"), None);
        let text = "# 中华人民共和国宪法\n\n1982年12月4日 通过\n\n2018年3月11日 修正\n\n1999年3月15日 修正\n\n<!-- INFO END -->\n\n第一条 测试。\n";
        let (f, _) = parse_law_file("content/laws/宪法/宪法.md", text);
        assert_eq!(f.unwrap().version_date.as_deref(), Some("2018-03-11"));
        // A date in the file name wins.
        let (f, _) = parse_law_file("content/laws/宪法/宪法(2004-03-14).md", text);
        assert_eq!(f.unwrap().version_date.as_deref(), Some("2004-03-14"));
    }

    const SAMPLE: &str = "# 中华人民共和国民法典\n\n# 婚姻家庭编\n\n2020年5月28日 通过\n\n<!-- INFO END -->\n\n## 第一章\u{2002} 一般规定\n\n第一千零四十条 本编调整……\n\n第一千零四十三条 家庭应当树立优良家风。\n\n夫妻应当互相忠实。\n\n第一千零四十五条 亲属包括：\n\n（一）配偶；\n\n（二）血亲。\n\n<!-- FORCE BREAK -->\n\n第十条之一 测试。\n\n## 准 合 同\n";

    #[test]
    fn parses_titles_articles_paragraphs_items() {
        let (f, d) = parse_law_file("content/laws/民法典/婚姻家庭编.md", SAMPLE);
        assert!(d.is_empty(), "{d:?}");
        let f = f.unwrap();
        assert_eq!(f.title, "中华人民共和国民法典");
        assert_eq!(f.part.as_deref(), Some("婚姻家庭编"));
        assert_eq!(f.folder, "民法典");
        assert_eq!(f.history, vec!["2020年5月28日 通过"]);
        let arts: Vec<&StatuteArticle> = f
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Article(a) => Some(a),
                _ => None,
            })
            .collect();
        assert_eq!(arts.len(), 4);
        assert_eq!(arts[1].no, ArticleNo::new(1043));
        assert_eq!(arts[1].paragraphs.len(), 2);
        assert_eq!(arts[2].paragraphs.len(), 1);
        assert_eq!(arts[2].paragraphs[0].items.len(), 2);
        assert_eq!(arts[3].no, ArticleNo { main: 10, sub: 1 });
        assert!(matches!(&f.blocks[0], Block::Heading { text, .. } if text == "第一章 一般规定"));
        assert!(matches!(f.blocks.last(), Some(Block::Heading { text, .. }) if text == "准合同"));
    }

    #[test]
    fn version_date_from_file_name() {
        let (f, _) = parse_law_file(
            "content/laws/社会法/反家庭暴力法(2015-12-27).md",
            "# 中华人民共和国反家庭暴力法\n\n第一条 为了……\n",
        );
        let f = f.unwrap();
        assert_eq!(f.stem, "反家庭暴力法");
        assert_eq!(f.version_date.as_deref(), Some("2015-12-27"));
    }

    #[test]
    fn article_start_needs_a_space() {
        assert!(split_article_start("第三条 内容").is_some());
        assert!(split_article_start("第三条规定的").is_none());
        assert!(split_article_start("第三章 总则").is_none());
    }
}
