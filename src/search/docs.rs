//! Search, what the index holds: documents cut from each page's HTML ([`super::extract`]):
//! each 条 of a law, and each content page as one document or, when it is long, one per
//! section with its anchor.

use super::extract::{PageText, Section, page_text};

/// One searchable section: its address (site path and `#anchor`), kind, page title,
/// heading (for a 条: its chapter), date, text and the column its page is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchDoc {
    pub url: String,
    pub kind: &'static str,
    pub title: String,
    pub heading: String,
    pub date: Option<String>,
    pub text: String,
    /// The column (栏目) of an article in one (`公示公告`): results show it.
    pub section: Option<String>,
}

impl SearchDoc {
    /// The document as the index builder takes it.
    pub fn as_doc(&self) -> super::build::Doc<'_> {
        super::build::Doc {
            title: &self.title,
            heading: &self.heading,
            body: &self.text,
        }
    }
}

/// The law a document is an article of: the folder under `laws/` of its address
/// (`laws/民法典/婚姻家庭编/#art-1043` → `民法典`).
pub fn law_of(url: &str) -> Option<&str> {
    url.strip_prefix("laws/")?.split('/').next()
}

/// Where the index goes in the output (a site path).
pub const INDEX_FOLDER: &str = "search/";
/// Documents per file of the document store (`d/N.gz`): a result list's documents are read
/// from their files, and ten results are scattered over up to ten files, so one document a
/// file keeps a query's transfer smallest. On the 10,000-page corpus: eight a file (480
/// characters each) made the store most of a query's bytes; two a file took 11 KB of a
/// query's median 36 KB, one a file 6.5 KB (and 1.35 MB more on disk: each file's gzip
/// header, and no sharing between neighbours).
pub const DOCS_PER_FILE: usize = 1;
/// Characters of a document's text kept in the store for its snippet (which shows 110 of
/// them, from 30 before the first match). The store is most of the index on disk: on the
/// 10,000-page corpus 320 characters made it 8.2 MB and the index 31.2 MB, 260 made the
/// index 30.2 MB; 240 make it 29.9 MB (the limit is 30 MB). A first match beyond
/// them is not shown in the snippet, which then shows the text's start.
pub const SNIPPET_CHARS: usize = 240;
/// The kinds of documents, in the order of the document numbers.
pub const KINDS: [&str; 5] = ["law", "article", "event", "lesson", "page"];

/// A page whose text is shorter than this (in characters) is one document.
const LONG_PAGE: usize = 1500;
/// In a long page, a section shorter than this joins the document before it.
const SHORT_SECTION: usize = 300;

/// The documents of the output at `path` (an `index.html`), from its HTML: each 条 of a
/// law page; a page as one document, or, when it is long, one per section with its anchor
/// (short sections joining the one before).
pub fn documents(path: &str, kind: &'static str, html: &str) -> Vec<SearchDoc> {
    let PageText {
        title,
        date,
        sections,
    } = page_text(html);
    let page = path.strip_suffix("index.html").unwrap_or(path);
    let chars = |s: &Section| s.text.chars().count();
    let whole = kind != "law" && sections.iter().map(chars).sum::<usize>() < LONG_PAGE;
    let mut out: Vec<SearchDoc> = Vec::new();
    for s in sections {
        let joins = kind != "law" && (whole || chars(&s) < SHORT_SECTION);
        match out.last_mut() {
            Some(last) if joins => {
                for (to, from) in [(&mut last.heading, &s.heading), (&mut last.text, &s.text)] {
                    if !to.is_empty() && !from.is_empty() {
                        to.push('\n');
                    }
                    to.push_str(from);
                }
            }
            _ => out.push(SearchDoc {
                url: match &s.anchor {
                    Some(a) => format!("{page}#{a}"),
                    None => page.to_string(),
                },
                kind,
                title: title.clone(),
                heading: s.heading,
                date: date.clone(),
                text: s.text,
                section: None,
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(sections: &[(&str, usize)]) -> String {
        let mut html = String::from(
            "<main><h1>标题</h1><p data-noindex><time datetime=\"2026-12-01T08:00:00+08:00\">x</time></p>",
        );
        for (i, (heading, chars)) in sections.iter().enumerate() {
            if !heading.is_empty() {
                html.push_str(&format!("<h2 id=\"s{i}\">{heading}</h2>"));
            }
            html.push_str(&format!("<p>{}</p>", "法".repeat(*chars)));
        }
        html + "</main>"
    }

    #[test]
    fn a_short_page_is_one_document() {
        let docs = documents(
            "a/index.html",
            "article",
            &page(&[("", 100), ("一", 400), ("二", 400)]),
        );
        assert_eq!(docs.len(), 1);
        let d = &docs[0];
        assert_eq!(
            (d.url.as_str(), d.title.as_str(), d.heading.as_str()),
            ("a/", "标题", "一\n二")
        );
        assert_eq!(d.text.chars().filter(|&c| c == '法').count(), 900);
        assert_eq!(d.date.as_deref(), Some("2026-12-01"));
    }

    #[test]
    fn a_long_page_is_cut_at_its_headings_and_short_sections_join_the_one_before() {
        let docs = documents(
            "a/index.html",
            "article",
            &page(&[("", 100), ("一", 800), ("二", 100), ("三", 700)]),
        );
        let got: Vec<(&str, &str, usize)> = docs
            .iter()
            .map(|d| (d.url.as_str(), d.heading.as_str(), d.text.chars().count()))
            .collect();
        assert_eq!(
            got,
            [
                ("a/", "", 100),
                ("a/#s1", "一\n二", 901),
                ("a/#s3", "三", 700)
            ]
        );
    }

    #[test]
    fn each_article_of_a_law_is_a_document() {
        let html = "<main><h1>人民调解法</h1><h2 id=\"c1\">第一章 总则</h2>\
            <section data-doc id=\"art-1\"><p>第一条 短。</p></section>\
            <section data-doc id=\"art-2\"><p>第二条 也短。</p></section></main>";
        let docs = documents("laws/x/index.html", "law", html);
        let urls: Vec<&str> = docs.iter().map(|d| d.url.as_str()).collect();
        assert_eq!(urls, ["laws/x/#c1", "laws/x/#art-1", "laws/x/#art-2"]);
        assert_eq!(docs[2].heading, "第一章 总则");
    }
}
