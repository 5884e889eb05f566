//! Search, the files beside the index: the table of everyday words (`w/K.json`, each
//! article given with its document number), the dates of articles and events (`dates.json`,
//! read when results are sorted by date), and the words "did you mean" proposes
//! (`vocab.json`, read only when a query finds nothing).

use serde::Serialize;

use super::docs::SearchDoc;
use super::tokens::normalise;

/// One row of the table of everyday words, with addresses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WordRow {
    pub words: Vec<String>,
    pub terms: Vec<String>,
    /// (label such as `《民法典》第一千零四十二条`, address `laws/民法典/婚姻家庭编/#art-1042`).
    pub articles: Vec<(String, String)>,
    /// (label such as `《反家庭暴力法》`, address of the law's page).
    pub laws: Vec<(String, String)>,
}

/// What the site gives the search files besides the documents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extras {
    pub words: Vec<WordRow>,
    /// Words "did you mean" proposes first: the table's words and terms, the tags, the
    /// laws' short names.
    pub vocab: Vec<String>,
}

/// At most this many bytes of words for "did you mean" (about 12 KB gzipped: read only when
/// a query finds nothing, but then counted in that query's transfer).
const VOCAB_BYTES: usize = 48 * 1024;

/// Bytes of table rows per file of the table (`w/K.json`).
const WORDS_FILE_BYTES: usize = 2048;

/// The table as files `w/K.json` (K = [`super::index::token_hash`] of a word, normalised
/// and without spaces, modulo the number of files), each a list of the rows with a word
/// that hashes there: `[[words], [terms], [[document, label, address]], [[label,
/// address]]]`; an article whose page has no document has document -1. A query reads the
/// files of its words only. Gives the number of files and the files.
pub fn words_files(rows: &[WordRow], docs: &[&SearchDoc]) -> (usize, Vec<(String, Vec<u8>)>) {
    let ids: crate::fingerprint::FastMap<&str, usize> = docs
        .iter()
        .enumerate()
        .filter(|(_, d)| d.kind == "law")
        .map(|(i, d)| (d.url.as_str(), i))
        .collect();
    let json: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            let articles: Vec<serde_json::Value> = r
                .articles
                .iter()
                .map(|(label, url)| {
                    let id = ids.get(url.as_str()).map_or(-1, |&i| i as i64);
                    serde_json::json!([id, label, url])
                })
                .collect();
            serde_json::json!([r.words, r.terms, articles, r.laws])
        })
        .collect();
    let total: usize = json.iter().map(|j| j.to_string().len() * 2).sum();
    let n = total.div_ceil(WORDS_FILE_BYTES).max(1);
    let mut files: Vec<Vec<&serde_json::Value>> = vec![Vec::new(); n];
    for (r, j) in rows.iter().zip(&json) {
        let mut keys: Vec<usize> = r
            .words
            .iter()
            .map(|w| {
                let key: String = normalise(w)
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect();
                super::index::token_hash(&key) as usize % n
            })
            .collect();
        keys.sort_unstable();
        keys.dedup();
        for k in keys {
            files[k].push(j);
        }
    }
    let files = files
        .into_iter()
        .enumerate()
        .map(|(k, rows)| {
            (
                format!("w/{k}.json"),
                serde_json::to_vec(&rows).unwrap_or_default(),
            )
        })
        .collect();
    (n, files)
}

/// `dates.json`: `{"from": first, "dates": [YYYYMMDD or 0, …]}` for the documents from the
/// first article to the last event (documents are numbered by kind, these two adjacent).
pub fn dates_file(docs: &[&SearchDoc]) -> Vec<u8> {
    let dated = |d: &&SearchDoc| d.kind == "article" || d.kind == "event";
    let from = docs.iter().position(dated).unwrap_or(docs.len());
    let to = docs.iter().rposition(dated).map_or(from, |i| i + 1);
    let dates: Vec<u32> = docs[from..to]
        .iter()
        .map(|d| {
            let day = d.date.as_deref().and_then(|s| s.get(..10)).unwrap_or("");
            day.replace('-', "").parse().unwrap_or(0)
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({ "from": from, "dates": dates })).unwrap_or_default()
}

/// A heading without its number: `第一章 总则` → `总则`.
fn unnumbered(h: &str) -> &str {
    match h.split_once(' ') {
        Some((n, rest)) if n.starts_with('第') && n.chars().count() <= 8 => rest.trim(),
        _ => h,
    }
}

/// `vocab.json`: distinct words and phrases (2 to 24 characters once normalised) for "did
/// you mean": `first`, then the chapters of the laws, then the titles and headings of the
/// lessons, pages, articles and events, until [`VOCAB_BYTES`].
pub fn vocab_file(first: &[String], docs: &[&SearchDoc]) -> Vec<u8> {
    let mut seen = crate::fingerprint::FastSet::default();
    let mut bytes = 0;
    let mut add = |w: &str, out: &mut Vec<String>| -> bool {
        let w = unnumbered(w.trim());
        let n = normalise(w);
        let chars = n.chars().count();
        if !(2..=24).contains(&chars) || !seen.insert(n) {
            return true;
        }
        bytes += w.len() + 3;
        if bytes > VOCAB_BYTES {
            return false;
        }
        out.push(w.to_string());
        true
    };
    let mut words: Vec<String> = Vec::new();
    let chapters = docs
        .iter()
        .filter(|d| d.kind == "law")
        .filter_map(|d| d.heading.lines().next());
    let by_kind = |kind: &'static str| {
        docs.iter()
            .filter(move |d| d.kind == kind)
            .flat_map(|d| [d.title.as_str(), d.heading.lines().next().unwrap_or("")])
    };
    let all = first
        .iter()
        .map(String::as_str)
        .chain(chapters)
        .chain(by_kind("lesson"))
        .chain(by_kind("page"))
        .chain(by_kind("article"))
        .chain(by_kind("event"));
    for w in all {
        if !add(w, &mut words) {
            break;
        }
    }
    serde_json::to_vec(&words).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(
        url: &str,
        kind: &'static str,
        title: &str,
        heading: &str,
        date: Option<&str>,
    ) -> SearchDoc {
        SearchDoc {
            url: url.into(),
            kind,
            title: title.into(),
            heading: heading.into(),
            date: date.map(str::to_string),
            text: String::new(),
            section: None,
        }
    }

    #[test]
    fn words_name_the_document_of_each_article_and_sit_where_their_hash_says() {
        let docs = [
            doc(
                "laws/民法典/婚姻家庭编/#art-1041",
                "law",
                "民法典",
                "第一章",
                None,
            ),
            doc(
                "laws/民法典/婚姻家庭编/#art-1042",
                "law",
                "民法典",
                "第一章",
                None,
            ),
        ];
        let refs: Vec<&SearchDoc> = docs.iter().collect();
        let row = |w: &str| WordRow {
            words: vec![w.into(), format!("{w}钱")],
            terms: vec!["借婚姻索取财物".into()],
            articles: vec![
                (
                    "《民法典》第一千零四十二条".into(),
                    "laws/民法典/婚姻家庭编/#art-1042".into(),
                ),
                ("《民法典》第九条".into(), "laws/民法典/总则/#art-9".into()),
            ],
            laws: vec![],
        };
        let rows: Vec<WordRow> = (0..40).map(|i| row(&format!("彩礼{i}"))).collect();
        let (n, files) = words_files(&rows, &refs);
        assert!(n > 1 && files.len() == n, "{n}");
        let file = |w: &str| -> serde_json::Value {
            let k = crate::search::index::token_hash(w) as usize % n;
            serde_json::from_slice(&files[k].1).unwrap()
        };
        let found = file("彩礼7钱");
        let row = found
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r[0][0] == "彩礼7")
            .expect("the row is in the file of each of its words");
        assert_eq!(row[2][0][0], 1);
        assert_eq!(row[2][1][0], -1);
        assert_eq!(row[1][0], "借婚姻索取财物");
        assert!(
            file("彩礼7")
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r[0][0] == "彩礼7")
        );
    }

    #[test]
    fn dates_cover_articles_and_events_only() {
        let docs = [
            doc("laws/a/#art-1", "law", "a", "", Some("2020-01-01")),
            doc(
                "articles/x/",
                "article",
                "x",
                "",
                Some("2026-03-05T08:00:00+08:00"),
            ),
            doc("articles/y/", "article", "y", "", None),
            doc("events/z/", "event", "z", "", Some("2026-12-04")),
            doc("lessons/l/", "lesson", "l", "", Some("2026-01-01")),
        ];
        let refs: Vec<&SearchDoc> = docs.iter().collect();
        let v: serde_json::Value = serde_json::from_slice(&dates_file(&refs)).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"from": 1, "dates": [20260305, 0, 20261204]})
        );
    }

    #[test]
    fn vocab_is_distinct_and_bounded() {
        let docs = [
            doc("laws/a/#art-1", "law", "民法典", "第一章 一般规定\n", None),
            doc("laws/a/#art-2", "law", "民法典", "第一章 一般规定\n", None),
            doc("articles/x/", "article", "彩礼返还纠纷", "", None),
        ];
        let refs: Vec<&SearchDoc> = docs.iter().collect();
        let v: Vec<String> = serde_json::from_slice(&vocab_file(
            &["彩礼".into(), "彩 礼".into(), "x".into()],
            &refs,
        ))
        .unwrap();
        assert_eq!(v, ["彩礼", "彩 礼", "一般规定", "彩礼返还纠纷"]);
    }
}
