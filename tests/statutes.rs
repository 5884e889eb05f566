//! The statute library and citation links in the demo site: every law page, every Civil
//! Code article anchored once, every citation form linked to an existing anchor, and the
//! "cited by" lists.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::*;

/// The demo site, built once for all tests of this file.
fn demo() -> &'static Path {
    demo_site()
}

#[test]
fn every_law_has_a_page_and_the_index_lists_them_with_counts() {
    let index = read_html(&demo().join("laws/index.html"));
    let laws: Vec<String> = index
        .select(&sel(".pf-law-list > li > a"))
        .map(|a| a.text().collect())
        .collect();
    assert_eq!(laws.len(), 12, "{laws:?}");
    assert!(laws.iter().any(|l| l == "中华人民共和国民法典"));
    let text = text_of(&index, "main");
    assert!(
        text.contains("共 1260 条"),
        "the Civil Code's article count"
    );
    // Nineteen files: one page each (the Civil Code's parts under /laws/民法典/).
    let mut pages = 0;
    for (rel, _) in tree(&demo().join("laws")) {
        if rel.ends_with("index.html") && rel != "index.html" {
            pages += 1;
        }
    }
    assert_eq!(pages, 19 + 1, "19 law files and the Civil Code's overview");
    let page = read_html(&demo().join("laws/民法典/婚姻家庭编/index.html"));
    assert!(
        text_of(&page, ".pf-law-header").contains("2020年5月28日"),
        "history lines"
    );
    assert!(
        page.select(&sel(".pf-law-toc a")).count() >= 5,
        "table of contents"
    );
    assert!(
        page.select(&sel("#art-1043 a.pf-artlink[href='#art-1043']"))
            .next()
            .is_some()
    );
    assert!(
        page.select(&sel("#art-1043-2")).next().is_some(),
        "paragraph anchor"
    );
}

#[test]
fn every_civil_code_article_has_its_anchor_exactly_once() {
    let mut seen: BTreeMap<u32, usize> = BTreeMap::new();
    for (rel, bytes) in tree(&demo().join("laws/民法典")) {
        if !rel.ends_with("index.html") {
            continue;
        }
        let doc = scraper::Html::parse_document(&String::from_utf8_lossy(&bytes));
        for el in doc.select(&sel("section.pf-statute[id]")) {
            let id = el.value().attr("id").unwrap();
            let n: u32 = id.trim_start_matches("art-").parse().unwrap();
            *seen.entry(n).or_default() += 1;
        }
    }
    assert_eq!(seen.len(), 1260);
    assert_eq!(seen.keys().next(), Some(&1));
    assert_eq!(seen.keys().next_back(), Some(&1260));
    assert!(seen.values().all(|&c| c == 1), "an article anchored twice");
}

/// Every `a.pf-cite` of the demo output: (page, link text, href).
fn citations() -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for (rel, bytes) in tree(demo()) {
        if !rel.ends_with(".html") || rel.starts_with("laws/") {
            continue;
        }
        let doc = scraper::Html::parse_document(&String::from_utf8_lossy(&bytes));
        for a in doc.select(&sel("a.pf-cite")) {
            out.push((
                rel.clone(),
                a.text().collect(),
                a.value().attr("href").unwrap().to_string(),
            ));
        }
    }
    out
}

#[test]
fn every_citation_form_is_a_link_to_an_existing_anchor() {
    let cites = citations();
    assert!(cites.len() > 40, "{} citations", cites.len());
    for (page, text, href) in &cites {
        let (path, frag) = href
            .split_once('#')
            .expect("citation links carry an anchor");
        let file = target_file(demo(), "/hgz/", path).unwrap();
        assert!(file.is_file(), "{page}: {text} → {href}");
        let doc = read_html(&file);
        assert!(
            doc.select(&sel(&format!("[id='{frag}']"))).next().is_some(),
            "{page}: {text} → #{frag} missing"
        );
    }
    let has = |page: &str, text: &str, frag: &str| {
        cites
            .iter()
            .any(|(p, t, h)| p.starts_with(page) && t == text && h.ends_with(&format!("#{frag}")))
    };
    // 《中华人民共和国民法典》第一千零四十三条, 《民法典》第1043条, 第…条第二款
    assert!(has("articles/民法典相伴/", "第一千零四十三条", "art-1043"));
    assert!(has("articles/falv-mingbairen/", "第1043条", "art-1043"));
    assert!(has(
        "articles/民法典相伴/",
        "第一千零四十三条第二款",
        "art-1043-2"
    ));
    // A list, a range, and a bare 第X条 after the law was named in the same paragraph.
    assert!(
        cites
            .iter()
            .any(|(_, t, h)| t == "第一千零四十一条" && h.ends_with("#art-1041"))
    );
    assert!(has(
        "lessons/minfadian/03-xianglin-guanxi/",
        "第二百八十八条",
        "art-288"
    ));
    assert!(has(
        "lessons/minfadian/03-xianglin-guanxi/",
        "第二百九十六条",
        "art-296"
    ));
    assert!(
        cites
            .iter()
            .any(|(_, t, h)| t == "第一千零四十二条" && h.ends_with("#art-1042"))
    );
    // Readers see the article's text without leaving the page.
    let page = read_html(&demo().join("articles/民法典相伴/index.html"));
    let title = page
        .select(&sel("a.pf-cite"))
        .find_map(|a| {
            a.value()
                .attr("title")
                .filter(|t| t.contains("第一千零四十三条"))
                .map(str::to_string)
        })
        .unwrap();
    assert!(title.contains("家庭应当树立优良家风"), "{title}");
}

#[test]
fn a_lesson_shows_the_full_text_of_its_laws() {
    let doc = read_html(&demo().join("lessons/minfadian/01-hunyin-ziyou/index.html"));
    let block = text_of(&doc, ".pf-lesson-laws");
    assert!(block.contains("本课涉及的法条"));
    assert!(
        block.contains("夫妻应当互相忠实，互相尊重，互相关爱"),
        "{block}"
    );
    let link = doc
        .select(&sel(".pf-lesson-laws a"))
        .find(|a| a.value().attr("href").unwrap().ends_with("#art-1043"));
    assert!(link.is_some());
}

#[test]
fn the_page_of_article_1043_lists_every_page_that_cites_it() {
    // Every page whose output links #art-1043 (or one of its paragraphs)…
    let mut citing: BTreeSet<String> = BTreeSet::new();
    for (page, _, href) in citations() {
        if href.ends_with("#art-1043") || href.contains("#art-1043-") {
            citing.insert(format!("/hgz/{}", page.trim_end_matches("index.html")));
        }
    }
    // …and every lesson that names it in `laws:`.
    for l in [
        "lessons/minfadian/01-hunyin-ziyou/",
        "lessons/tiaojie/04-jiating-maodun/",
    ] {
        citing.insert(format!("/hgz/{l}"));
    }
    let law = read_html(&demo().join("laws/民法典/婚姻家庭编/index.html"));
    let listed: BTreeSet<String> = law
        .select(&sel("#art-1043 .pf-cited-by a"))
        .map(|a| percent_decode(a.value().attr("href").unwrap()))
        .collect();
    assert!(citing.len() >= 4, "{citing:?}");
    assert_eq!(listed, citing);
}
