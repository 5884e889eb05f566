//! The statute library's table of everyday words (`content/laws/_words.yaml`): the words
//! people type (彩礼, 离婚冷静期, 家暴), what the law calls them, and the articles and laws
//! that govern them. Search shows these above its results; each word also gets a page of
//! its own under `/search/`. Every article and law of the table is checked against the
//! library: one that does not exist is an error.
//!
//! ```yaml
//! - words: [彩礼]
//!   terms: [借婚姻索取财物]
//!   articles: [《民法典》第一千零四十二条]
//! - words: [家暴]
//!   terms: [家庭暴力]
//!   laws: [反家庭暴力法]
//! ```

use serde::Deserialize;

use super::numerals::ArticleNo;
use super::{LawLibrary, PRC};
use crate::diag::Diagnostic;
use crate::fingerprint::FastMap;
use crate::yaml::{YamlSource, parse_yaml};

/// Where the table is, relative to the site root.
pub const WORDS_FILE: &str = "content/laws/_words.yaml";

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordEntry {
    /// The everyday words, as written.
    pub words: Vec<String>,
    /// What the law calls them (may be empty).
    pub terms: Vec<String>,
    /// The articles that govern them: (law, article).
    pub articles: Vec<(usize, ArticleNo)>,
    /// Whole laws about them.
    pub laws: Vec<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    words: OneOrMany,
    #[serde(default)]
    terms: Option<OneOrMany>,
    #[serde(default)]
    articles: Option<OneOrMany>,
    #[serde(default)]
    laws: Option<OneOrMany>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        let v = match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        };
        v.into_iter()
            .map(|s| crate::text::squash_whitespace(&s))
            .filter(|s| !s.is_empty())
            .collect()
    }
}

/// The line (1-based) of `needle` at or after line `from` of `text`, or `from`.
fn line_of(text: &str, needle: &str, from: usize) -> usize {
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find(|(_, l)| l.contains(needle))
        .map_or(from, |(i, _)| i + 1)
}

/// The first line of each top-level list item (`- …` at the start of a line).
fn item_lines(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("- ") || *l == "-")
        .map(|(i, _)| i + 1)
        .collect()
}

/// The law named `name` (short or full title, with or without 《》, or an alias).
fn law_named(lib: &LawLibrary, name: &str) -> Option<usize> {
    let n = name.trim().trim_start_matches('《').trim_end_matches('》');
    lib.names
        .get(n)
        .or_else(|| lib.names.get(n.strip_prefix(PRC).unwrap_or(n)))
        .copied()
}

/// `《民法典》第一千零四十二条` (also `民法典第1042条`) → (law, article), or what is wrong, in
/// plain words.
fn article_of(lib: &LawLibrary, written: &str) -> Result<(usize, ArticleNo), String> {
    let s = written.trim();
    let Some(at) = s.find('第') else {
        return Err("没有写第几条".into());
    };
    let name = &s[..at];
    if name.trim().is_empty() {
        return Err("没有写是哪部法律".into());
    }
    let Some(law) = law_named(lib, name) else {
        return Err(format!("法律法规库里没有 “{}”", name.trim()));
    };
    let r = super::cite::parse_article_ref(&s[at..])
        .filter(|r| r.len == s.len() - at)
        .ok_or_else(|| "条文的写法不对".to_string())?;
    if lib.article(law, r.no).is_none() {
        return Err(format!("《{}》没有{}", lib.laws[law].short, r.no.label()));
    }
    Ok((law, r.no))
}

/// Read the table `text` and check it against `lib`.
pub fn parse_words(text: &str, lib: &LawLibrary) -> (Vec<WordEntry>, Vec<Diagnostic>) {
    let src = YamlSource {
        file: WORDS_FILE,
        file_text: text,
        yaml: text,
        first_line: 1,
        keys: &["words", "terms", "articles", "laws"],
    };
    if text.trim().is_empty() {
        return (Vec::new(), Vec::new());
    }
    let raw: Vec<RawEntry> = match parse_yaml(&src) {
        Ok(r) => r,
        Err(d) if d.hint.is_some() => return (Vec::new(), vec![d]),
        Err(d) => {
            let d = d.with_hint(
                "这个文件是一张表：每一项以 “- words: [词]” 开头，下面是 terms、articles、laws。写法见 README 的 “站内搜索” 一节。",
            );
            return (Vec::new(), vec![d]);
        }
    };
    let starts = item_lines(text);
    let mut out = Vec::new();
    let mut diags = Vec::new();
    let mut seen: FastMap<String, usize> = FastMap::default();
    for (i, r) in raw.into_iter().enumerate() {
        let row = Row {
            text,
            start: starts.get(i).copied().unwrap_or(1),
        };
        out.extend(row.check(r, lib, &mut seen, &mut diags));
    }
    (out, diags)
}

/// One row of the table being checked: where it starts in the file.
struct Row<'a> {
    text: &'a str,
    start: usize,
}

impl Row<'_> {
    /// An error about `needle`, located at its first place in the row.
    fn err(&self, needle: &str, msg: String, hint: &str) -> Diagnostic {
        let line = line_of(self.text, needle, self.start);
        let col = self
            .text
            .lines()
            .nth(line - 1)
            .and_then(|l| l.find(needle).map(|b| l[..b].chars().count() + 1))
            .unwrap_or(1);
        Diagnostic::error(msg)
            .in_file(WORDS_FILE)
            .at(line, col)
            .with_source_line(self.text, needle.chars().count())
            .with_hint(hint.to_string())
    }

    /// The row checked: its words not in an earlier row (`seen`: normalised word → line),
    /// its articles and laws in the library. `None` when nothing of it can be used.
    fn check(
        &self,
        r: RawEntry,
        lib: &LawLibrary,
        seen: &mut FastMap<String, usize>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<WordEntry> {
        let words = r.words.into_vec();
        if words.is_empty() {
            diags.push(self.err(
                "words",
                "这一项没有写词".into(),
                "在 words 后面写群众常说的词，例如 words: [彩礼]",
            ));
            return None;
        }
        for w in &words {
            let key = crate::search::tokens::normalise(w);
            if let Some(prev) = seen.insert(key, self.start) {
                diags.push(self.err(
                    w,
                    format!("“{w}” 在表里出现了两次"),
                    &format!("另一处在第 {prev} 行。一个词只能对应一项，把两项合并成一项。"),
                ));
            }
        }
        let written = r.articles.is_some() || r.laws.is_some();
        let mut articles = Vec::new();
        for a in r.articles.map(OneOrMany::into_vec).unwrap_or_default() {
            match article_of(lib, &a) {
                Ok(x) => articles.push(x),
                Err(why) => diags.push(self.err(
                    &a,
                    format!("常用说法 “{}” 对应的条文 “{a}” 找不到：{why}", words[0]),
                    "写法和文章里引用法条一样，例如 《民法典》第一千零四十二条；法律要在 content/laws/ 里，条号要存在。",
                )),
            }
        }
        let mut laws = Vec::new();
        for l in r.laws.map(OneOrMany::into_vec).unwrap_or_default() {
            match law_named(lib, &l) {
                Some(x) => laws.push(x),
                None => diags.push(self.err(
                    &l,
                    format!("常用说法 “{}” 对应的法律 “{l}” 不在法律法规库里", words[0]),
                    "写法律的简称或全称，例如 反家庭暴力法；法律要在 content/laws/ 里。",
                )),
            }
        }
        if articles.is_empty() && laws.is_empty() {
            if !written {
                diags.push(self.err(
                    &words[0],
                    format!("常用说法 “{}” 没有对应的条文或法律", words[0]),
                    "在这一项里写 articles: [《民法典》第一千零四十二条] 或 laws: [反家庭暴力法]",
                ));
            }
            return None;
        }
        Some(WordEntry {
            words,
            terms: r.terms.map(OneOrMany::into_vec).unwrap_or_default(),
            articles,
            laws,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statute::parse::parse_law_file;

    fn library() -> LawLibrary {
        let text = "# 中华人民共和国民法典\n\n## 第五编 婚姻家庭\n\n第一千零四十二条 禁止借婚姻索取财物。\n\n第一千零七十七条 自婚姻登记机关收到离婚登记申请之日起三十日内。\n\n第一千零七十七条之一 测试。\n";
        let (f, d) = parse_law_file("content/laws/民法典/婚姻家庭编.md", text);
        assert!(d.is_empty(), "{d:?}");
        let (lib, d) = LawLibrary::new(f.into_iter().collect(), &Default::default());
        assert!(d.is_empty(), "{d:?}");
        lib
    }

    #[test]
    fn reads_entries_and_resolves_articles() {
        let lib = library();
        let text = "# 表\n- words: [彩礼, 天价彩礼]\n  terms: 借婚姻索取财物\n  articles: [《民法典》第一千零四十二条]\n- words: 冷静期\n  articles:\n    - 《中华人民共和国民法典》第1077条\n    - 民法典第一千零七十七条之一\n";
        let (w, d) = parse_words(text, &lib);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(w.len(), 2);
        assert_eq!(w[0].words, ["彩礼", "天价彩礼"]);
        assert_eq!(w[0].terms, ["借婚姻索取财物"]);
        assert_eq!(w[0].articles, [(0, ArticleNo::new(1042))]);
        assert_eq!(
            w[1].articles,
            [
                (0, ArticleNo::new(1077)),
                (0, ArticleNo { main: 1077, sub: 1 })
            ]
        );
    }

    #[test]
    fn every_problem_is_located_and_collected() {
        let lib = library();
        let text = "- words: [彩礼]\n  articles: [《民法典》第一千零四十一条]\n- words: [家暴]\n  laws: [反家庭暴力法]\n- words: [彩礼]\n  articles: [《民法典》第一千零四十二条]\n- words: [空]\n";
        let (w, d) = parse_words(text, &lib);
        let shown: Vec<String> = d.iter().map(|d| d.to_string()).collect();
        assert_eq!(d.len(), 4, "{shown:#?}");
        assert!(d.iter().all(Diagnostic::is_error));
        assert!(
            shown[0].contains("第一千零四十一条") && shown[0].contains(":2:"),
            "{}",
            shown[0]
        );
        assert!(
            shown
                .iter()
                .any(|s| s.contains("反家庭暴力法") && s.contains(":4:"))
        );
        assert!(
            shown
                .iter()
                .any(|s| s.contains("两次") && s.contains(":5:"))
        );
        assert!(
            shown
                .iter()
                .any(|s| s.contains("没有对应") && s.contains(":7:"))
        );
        assert_eq!(w.len(), 1, "only the duplicate's entry is kept");
    }

    #[test]
    fn unknown_keys_are_errors_with_a_hint() {
        let lib = library();
        let (_, d) = parse_words(
            "- words: [彩礼]\n  article: [《民法典》第一千零四十二条]\n",
            &lib,
        );
        assert_eq!(d.len(), 1);
        let s = d[0].to_string();
        assert!(s.contains("不认识的字段 “article”"), "{s}");
        assert!(
            s.contains("“articles”"),
            "the hint names the right key: {s}"
        );
    }
}
