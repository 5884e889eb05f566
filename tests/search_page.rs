//! Issue 13: the search page in a real headless Chromium, on the demo site as built, served
//! at its base path under `Content-Security-Policy: script-src 'self'`: a query typed in
//! the header of any page lands on `/search/?q=` with the documents the index holds for it,
//! counted by kind, with marked snippets and working links; nothing breaks the policy; and
//! without JavaScript the page offers the statute directory and the tags.

mod common;

use std::sync::OnceLock;

use common::browser::Browser;
use common::{StaticServer, demo_site};
use pufa::search::build::Doc;
use pufa::search::docs::{KINDS, SNIPPET_CHARS, SearchDoc, documents};
use pufa::search::index::scan;

const BASE: &str = "/hgz/";

fn server() -> &'static StaticServer {
    static SERVER: OnceLock<StaticServer> = OnceLock::new();
    SERVER.get_or_init(|| StaticServer::start(demo_site(), BASE))
}

/// Every document of the built demo in the index's order: the pages its document store
/// names (in their order), each cut again from the page as built.
fn all_documents() -> Vec<SearchDoc> {
    let mut pages: Vec<(String, String)> = Vec::new();
    for r in common::doc_store(demo_site()) {
        let page = r[0]
            .as_str()
            .unwrap()
            .split('#')
            .next()
            .unwrap()
            .to_string();
        let kind = r[1].as_str().unwrap().to_string();
        if pages.last().is_none_or(|(p, _)| *p != page) {
            pages.push((page, kind));
        }
    }
    let mut docs = Vec::new();
    for (page, kind) in pages {
        let kind = KINDS.iter().find(|k| **k == kind).unwrap();
        let html = std::fs::read_to_string(demo_site().join(&page).join("index.html")).unwrap();
        docs.extend(documents(&format!("{page}index.html"), kind, &html));
    }
    docs
}

/// `href` without its base path, percent-decoded: a site path, with its anchor.
fn site_path(href: &str) -> String {
    let rest = href.strip_prefix(BASE).unwrap_or_else(|| panic!("{href}"));
    let bytes = rest.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            out.push(u8::from_str_radix(&rest[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// The page at site path `site` (with an optional anchor) exists, and holds the anchor.
fn assert_leads_somewhere(site: &str, what: &str) {
    let (page, anchor) = site
        .split_once('#')
        .map_or((site, None), |(p, a)| (p, Some(a)));
    let html = std::fs::read_to_string(demo_site().join(page).join("index.html"))
        .unwrap_or_else(|_| panic!("{what}: {site} leads nowhere"));
    if let Some(a) = anchor {
        assert!(
            html.contains(&format!("id=\"{a}\"")),
            "{what}: {site} has no anchor"
        );
    }
}

/// Record what the page's policy blocked and any script error, from before its scripts
/// run (a script the browser itself adds, which the policy does not cover).
fn watch_errors(b: &mut Browser) {
    b.on_new_document(
        "window.__errors = [];\
            document.addEventListener('securitypolicyviolation', e => window.__errors.push('csp: ' + e.violatedDirective + ' ' + e.blockedURI));\
            window.addEventListener('error', e => window.__errors.push('error: ' + e.message));\
            window.addEventListener('unhandledrejection', e => window.__errors.push('rejection: ' + e.reason));",
    );
}

/// No script error and no policy violation since [`watch_errors`].
fn assert_no_errors(b: &mut Browser) {
    let errors: Vec<String> =
        serde_json::from_value(b.eval("window.__errors || ['no error recorder']")).unwrap();
    assert_eq!(errors, Vec::<String>::new(), "errors or policy violations");
}

/// The results the page shows for `q`: its status, the kind buttons, and each result's
/// link and snippet marks.
fn results_for(b: &mut Browser, q: &str) -> serde_json::Value {
    let url = server().url(&format!("{BASE}search/?q={}", urlencode(q)));
    b.open(&url);
    // Complete: the list shows its first documents before it has them all.
    b.wait_for(
        &format!(
            "document.getElementById('pf-search-results').getAttribute('data-complete') === {}",
            serde_json::json!(q)
        ),
        20,
    );
    b.eval(
        "({ status: document.getElementById('pf-search-status').textContent,\
            kinds: [...document.querySelectorAll('#pf-search-kinds button')].map(x => x.textContent),\
            links: [...document.querySelectorAll('#pf-search-results li h2 a')].map(a => a.getAttribute('href')),\
            wheres: [...document.querySelectorAll('#pf-search-results .pf-search-where')].map(p => p.textContent),\
            marks: [...document.querySelectorAll('#pf-search-results mark')].map(m => m.textContent),\
            browse: document.getElementById('pf-search-browse').hidden })",
    )
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|c| match c {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (c as char).to_string(),
            _ => format!("%{c:02X}"),
        })
        .collect()
}

#[test]
fn a_query_shows_every_document_that_holds_it_with_counts_marks_and_links() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    watch_errors(&mut b);
    let docs = all_documents();
    let inputs: Vec<Doc> = docs.iter().map(|d| d.as_doc()).collect();
    for q in ["彩礼", "夫妻 忠实", "人民调解委员会", "赡养", "冷静期间"] {
        let want = scan(&inputs, q);
        let got = results_for(&mut b, q);
        let status = got["status"].as_str().unwrap();
        if want.is_empty() {
            assert!(status.starts_with("没有找到"), "{q}: {status}");
            assert_eq!(got["browse"], false, "{q}: the directory stays in view");
            continue;
        }
        assert_eq!(status, format!("找到 {} 条结果", want.len()), "{q}");
        // Counts by kind: the documents the scan finds, by kind.
        let mut counts = Vec::new();
        for (kind, name) in KINDS.iter().zip(["法规", "文章", "活动", "课程", "页面"]) {
            let n = want
                .iter()
                .filter(|&&d| docs[d as usize].kind == *kind)
                .count();
            if n > 0 {
                counts.push(format!("{name} {n}"));
            }
        }
        let mut expected = vec![format!("全部 {}", want.len())];
        expected.extend(counts);
        assert_eq!(got["kinds"], serde_json::json!(expected), "{q}");
        // The first ten results, each one the scan found, each link a page that exists
        // and holds the anchor it points at.
        let links: Vec<&str> = got["links"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        assert_eq!(links.len(), want.len().min(10), "{q}");
        for l in &links {
            let site = site_path(l);
            assert!(
                want.iter().any(|&d| docs[d as usize].url == site),
                "{q}: {l} is not a document holding it"
            );
            assert_leads_somewhere(&site, q);
        }
        // Words are marked wherever the shown text holds them (the store keeps the first
        // SNIPPET_CHARS characters of a document).
        let marks = got["marks"].as_array().unwrap();
        let shown = links.iter().any(|l| {
            let d = docs.iter().find(|d| d.url == site_path(l)).unwrap();
            let text: String = d.text.chars().take(SNIPPET_CHARS).collect();
            let all = pufa::search::tokens::normalise(&format!("{} {text}", d.title));
            q.split(' ').any(|p| all.contains(p))
        });
        assert_eq!(!marks.is_empty(), shown, "{q}: marks {marks:?}");
        for m in marks {
            let m = pufa::search::tokens::normalise(m.as_str().unwrap());
            assert!(q.split(' ').any(|p| p == m), "{q}: marked {m}");
        }
    }
    assert_no_errors(&mut b);
}

#[test]
fn a_result_from_a_column_names_its_column_after_its_kind() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    watch_errors(&mut b);
    let mut seen = [false; 3];
    for q in ["彩礼", "法律明白人", "调解"] {
        let got = results_for(&mut b, q);
        let links = got["links"].as_array().unwrap();
        let wheres = got["wheres"].as_array().unwrap();
        assert_eq!(links.len(), wheres.len(), "{q}");
        for (l, w) in links.iter().zip(wheres) {
            let (site, w) = (site_path(l.as_str().unwrap()), w.as_str().unwrap());
            let (k, want) = if site.starts_with("articles/yian-shifa/") {
                (0, Some("文章 · 以案释法"))
            } else if site.starts_with("gonggao/") {
                (1, Some("文章 · 公示公告"))
            } else if site.starts_with("articles/") {
                (2, None)
            } else {
                continue;
            };
            seen[k] = true;
            match want {
                Some(want) => assert!(w.starts_with(want), "{q}: {site} says {w}"),
                None => assert!(
                    w.starts_with("文章") && !w.contains("以案释法") && !w.contains("公示公告"),
                    "{q}: {site} says {w}"
                ),
            }
        }
    }
    assert_eq!(
        seen, [true; 3],
        "results from both columns and from 普法动态 itself"
    );
    assert_no_errors(&mut b);
}

#[test]
fn the_header_form_of_any_page_leads_to_the_results() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    watch_errors(&mut b);
    b.open(&server().url(&format!("{BASE}articles/")));
    b.eval(&common::header_query("调解"));
    b.wait_for(
        "location.pathname.endsWith('/search/') && document.querySelectorAll('#pf-search-results li').length > 0",
        20,
    );
    let q = b.eval("document.getElementById('pf-search-q').value");
    assert_eq!(q, "调解");
    // Filtering by kind shows only that kind, and a second query on the page replaces it.
    b.eval("[...document.querySelectorAll('#pf-search-kinds button')].find(x => x.textContent.startsWith('法规')).click(); true");
    b.wait_for(
        "(l => l.length > 0 && l.every(a => a.getAttribute('href').includes('/laws/')))([...document.querySelectorAll('#pf-search-results li h2 a')])",
        10,
    );
    b.eval(
        "document.getElementById('pf-search-q').value = '彩礼';\
         document.querySelector('#pf-search form').requestSubmit(); true",
    );
    b.wait_for("location.search === '?q=' + encodeURIComponent('彩礼') && document.getElementById('pf-search-status').textContent.startsWith('找到')", 10);
    assert_no_errors(&mut b);
}

/// What a search box is made of, as text: each element of `#pf-search` with its id, class,
/// role, ARIA and form attributes and, for labels and buttons, its text; the containers
/// results are written into are listed without their content.
const BOX_SHAPE: &str = "(() => {
    const keep = ['id', 'class', 'role', 'aria-label', 'aria-live', 'action', 'method', 'for',
      'name', 'type', 'autocomplete', 'enterkeyhint', 'placeholder', 'data-index', 'data-site'];
    const out = [];
    const walk = (e, depth) => {
      const attrs = keep.filter(a => e.hasAttribute(a)).map(a => a + '=' + e.getAttribute(a));
      const text = ['LABEL', 'BUTTON'].includes(e.tagName) ? ' ' + e.textContent : '';
      out.push(' '.repeat(depth) + e.tagName + ' ' + attrs.join(' ') + text);
      if (e.id && e.id !== 'pf-search' && !e.closest('form')) {
        if (e.id !== 'pf-search-more') return;
      }
      for (const c of e.children) walk(c, depth + 1);
    };
    walk(document.getElementById('pf-search'), 0);
    return out.join('\\n');
})()";

#[test]
fn once_the_header_field_is_used_a_query_shows_its_results_in_the_page() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    watch_errors(&mut b);
    // The results the search page itself shows for the query, and its box.
    let mut expected = results_for(&mut b, "调解");
    b.wait_for(
        "document.getElementById('pf-search-results').getAttribute('data-ranked') === '调解'",
        10,
    );
    expected["links"] = b.eval("[...document.querySelectorAll('#pf-search-results li h2 a')].map(a => a.getAttribute('href'))");
    b.open(&server().url(&format!("{BASE}search/")));
    b.wait_for("document.readyState === 'complete'", 10);
    let page_box = b.eval(BOX_SHAPE);

    b.open(&server().url(&format!("{BASE}articles/")));
    let before = b.eval("[document.title, document.querySelector('main h1').textContent]");
    // Using the field (a click, as a reader's) loads the reader (js/site.js), which then
    // takes the form over.
    b.eval("window.__same_page = true");
    let at = b.eval(
        "(r => [r.x + r.width / 2, r.y + r.height / 2])(document.getElementById('pf-header-q').getBoundingClientRect())",
    );
    for kind in ["mousePressed", "mouseReleased"] {
        b.call(
            "Input.dispatchMouseEvent",
            serde_json::json!({ "type": kind, "x": at[0], "y": at[1], "button": "left", "clickCount": 1 }),
        );
    }
    b.wait_for(
        "document.querySelector('form[data-search-js]').hasAttribute('data-ready')",
        20,
    );
    b.eval(&common::header_query("调解"));
    b.wait_for(
        "document.getElementById('pf-search-results') && \
         document.getElementById('pf-search-results').getAttribute('data-ranked') === '调解'",
        20,
    );
    let got = b.eval(
        "({ same: window.__same_page === true, path: location.pathname, search: location.search,
            title: document.title, h1: document.querySelector('main h1').textContent,
            focused: document.activeElement === document.getElementById('pf-main'),
            field: document.getElementById('pf-search-q').value })",
    );
    assert_eq!(got["same"], true, "the page was not loaded again: {got}");
    assert_eq!(got["path"], format!("{BASE}search/"), "{got}");
    assert_eq!(got["search"], "?q=%E8%B0%83%E8%A7%A3", "{got}");
    assert_eq!(got["title"], "站内搜索 - 皇宫镇普法网", "{got}");
    assert_eq!(got["h1"], "站内搜索", "{got}");
    assert_eq!(
        got["focused"], true,
        "focus moves to the new content: {got}"
    );
    assert_eq!(got["field"], "调解", "{got}");
    // The same box as the search page's, and the same results.
    assert_eq!(
        b.eval(BOX_SHAPE),
        page_box,
        "the box made in the page differs from the search page's"
    );
    let shown = b.eval(
        "[...document.querySelectorAll('#pf-search-results li h2 a')].map(a => a.getAttribute('href'))",
    );
    assert_ne!(expected["links"], serde_json::json!([]));
    assert_eq!(shown, expected["links"]);
    assert_eq!(
        b.eval("document.getElementById('pf-search-status').textContent"),
        expected["status"]
    );

    // A second query from the header; Back shows the first one's results again, then the
    // page as it was, and Forward the first query's results, all without a page load.
    let shows = |q: &str| {
        format!(
            "window.__same_page === true && location.search === '?q=' + encodeURIComponent('{q}') && \
             !!document.getElementById('pf-search-results') && \
             document.getElementById('pf-search-results').getAttribute('data-complete') === '{q}'"
        )
    };
    b.eval(&common::header_query("彩礼"));
    b.wait_for(&shows("彩礼"), 20);
    b.eval("history.back(); true");
    b.wait_for(&shows("调解"), 20);
    b.eval("history.back(); true");
    b.wait_for(&format!("location.pathname === '{BASE}articles/'"), 10);
    let page_back = format!(
        "JSON.stringify([document.title, document.querySelector('main h1').textContent]) === {}",
        serde_json::to_string(&before.to_string()).unwrap()
    );
    b.wait_for(&page_back, 10);
    assert_eq!(b.eval("window.__same_page === true"), true);
    b.eval("history.forward(); true");
    b.wait_for(&shows("调解"), 20);
    b.eval("history.back(); true");
    b.wait_for(&page_back, 10);
    // A link to a place in the page (the skip link) and Back from it stay in the page.
    b.eval("document.querySelector('.pf-skip').click(); true");
    b.wait_for("location.hash === '#pf-main'", 10);
    b.eval("history.back(); true");
    b.wait_for("location.hash === ''", 10);
    std::thread::sleep(std::time::Duration::from_millis(300));
    b.wait_for(&format!("window.__same_page === true && {page_back}"), 10);
    assert_no_errors(&mut b);
}

#[test]
fn without_javascript_the_page_offers_the_statute_directory_and_the_tags() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    b.set_javascript(false);
    b.open(&server().url(&format!("{BASE}search/?q=彩礼")));
    let got = b.eval(
        "({ laws: [...document.querySelectorAll('.pf-dir-law')].length,\
            chapters: [...document.querySelectorAll('.pf-dir-law li a')].map(a => a.getAttribute('href')),\
            tags: document.querySelectorAll('#pf-dir-tags + ul a').length })",
    );
    let laws = std::fs::read_dir(demo_site().join("laws"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().is_dir())
        .count();
    assert_eq!(got["laws"], laws, "every law of the library");
    assert!(got["tags"].as_u64().unwrap() > 0, "the tags");
    let chapters = got["chapters"].as_array().unwrap();
    assert!(chapters.len() > laws, "{} chapters", chapters.len());
    for c in chapters {
        assert_leads_somewhere(&site_path(c.as_str().unwrap()), "directory");
    }
}

/// The article anchors (`art-N`, `art-N-M` for 之一) of a built law page, in order.
fn article_anchors(page: &str) -> Vec<String> {
    let html = std::fs::read_to_string(demo_site().join(page).join("index.html")).unwrap();
    html.split("<section class=\"pf-statute\" data-doc id=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_string())
        .collect()
}

fn chinese(n: u32) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let mut out = String::new();
    let mut zero = false;
    for (unit, name) in [(1000, "千"), (100, "百"), (10, "十"), (1, "")] {
        let d = (n / unit % 10) as usize;
        if d > 0 {
            if zero {
                out.push('零');
            }
            if !(d == 1 && unit == 10 && out.is_empty()) {
                out.push_str(D[d]);
            }
            out.push_str(name);
            zero = false;
        } else if !out.is_empty() {
            zero = true;
        }
    }
    out
}

/// The links of the 法条直达 block for `q`.
fn jump_links(b: &mut Browser, q: &str) -> Vec<String> {
    b.open(&server().url(&format!("{BASE}search/?q={}", urlencode(q))));
    b.wait_for(
        "(() => { const s = document.getElementById('pf-search-status').textContent;\
          return s.startsWith('找到') || s.startsWith('没有找到'); })()",
        20,
    );
    let links = b.eval(
        "[...document.querySelectorAll('#pf-search-jump a')].map(a => a.getAttribute('href'))",
    );
    serde_json::from_value::<Vec<String>>(links)
        .unwrap()
        .iter()
        .map(|l| site_path(l))
        .collect()
}

#[test]
fn article_numbers_in_either_numerals_lead_to_the_article() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    watch_errors(&mut b);
    // Each law's pages: the folders under laws/ with articles (a split law's parts).
    let mut pages: Vec<(String, String)> = Vec::new();
    for e in walkdir::WalkDir::new(demo_site().join("laws")) {
        let e = e.unwrap();
        if e.file_name() != "index.html" {
            continue;
        }
        let rel = e
            .path()
            .parent()
            .unwrap()
            .strip_prefix(demo_site())
            .unwrap();
        let page = format!("{}/", rel.to_str().unwrap());
        let law = page.split('/').nth(1).unwrap_or("").to_string();
        if !article_anchors(&page).is_empty() {
            pages.push((law, page));
        }
    }
    assert!(pages.len() >= 10, "{pages:?}");
    let mut laws: Vec<&str> = pages.iter().map(|(l, _)| l.as_str()).collect();
    laws.dedup();
    for law in laws {
        let mine: Vec<&String> = pages
            .iter()
            .filter(|(l, _)| l == law)
            .map(|(_, p)| p)
            .collect();
        let first = (mine[0], article_anchors(mine[0]).first().unwrap().clone());
        let last_page = mine[mine.len() - 1];
        let last = (
            last_page,
            article_anchors(last_page).last().unwrap().clone(),
        );
        for (page, anchor) in [first, last] {
            let n: u32 = anchor.strip_prefix("art-").unwrap().parse().unwrap();
            let want = format!("{page}#{anchor}");
            for q in [
                format!("《{law}》第{}条", chinese(n)),
                format!("{law}{n}条"),
            ] {
                let got = jump_links(&mut b, &q);
                assert_eq!(got.first(), Some(&want), "{q}");
                assert_eq!(got.len(), 1, "{q}: {got:?}");
            }
        }
    }
    // A number many laws have: that 条 of each, 民法典 first.
    let holders: Vec<&String> = pages
        .iter()
        .filter(|(_, p)| article_anchors(p).iter().any(|a| a == "art-10"))
        .map(|(_, p)| p)
        .collect();
    assert!(holders.len() > 3, "{holders:?}");
    for q in ["第十条", "第10条"] {
        let got = jump_links(&mut b, q);
        assert_eq!(got.len(), holders.len(), "{q}: {got:?}");
        assert!(got[0].starts_with("laws/民法典/"), "{q}: {got:?}");
        for g in &got {
            assert!(g.ends_with("#art-10"), "{q}: {g}");
        }
    }
    // Not article numbers: no block.
    for q in ["彩礼", "宪法第9999条", "第条"] {
        assert_eq!(jump_links(&mut b, q), Vec::<String>::new(), "{q}");
    }
    // 之一 articles (none in the demo's library): the parser on a table that has one.
    let got = b.eval(
        "const t = [['刑法', '中华人民共和国刑法', [['laws/刑法/', [[1, 20]], ['10-1']]]]];\
         ['刑法第十条之一', '第10条之一', '第十一条之一'].map(q => pufaSearch.articles(q, t).map(a => a.anchor + ' ' + a.label))",
    );
    assert_eq!(
        got,
        serde_json::json!([["art-10-1 第十条之一"], ["art-10-1 第十条之一"], []])
    );
    assert_no_errors(&mut b);
}

/// The everyday words reachable without JavaScript, with their pages' site paths: those
/// the search page lists (the first of each row of the table), then the other words each
/// of their pages names (也说).
fn word_pages() -> Vec<(String, String)> {
    let links = |page: &str, css: &str| -> Vec<(String, String)> {
        let doc = common::read_html(&demo_site().join(page).join("index.html"));
        doc.select(&common::sel(css))
            .map(|a| {
                let word = a.text().collect::<String>();
                (word, site_path(a.value().attr("href").unwrap()))
            })
            .collect()
    };
    let heads = links("search/", "section[aria-labelledby=pf-dir-words] li a");
    let mut all = heads.clone();
    for (_, page) in &heads {
        all.extend(links(page, "main h1 + p.pf-muted a"));
    }
    all
}

/// The links of an everyday word's page: its articles, then its laws, as site paths.
fn word_page_links(page: &str) -> Vec<String> {
    let doc = common::read_html(&demo_site().join(page).join("index.html"));
    doc.select(&common::sel(
        ".pf-search-words ol li h3 a, .pf-search-words > p a",
    ))
    .map(|a| site_path(a.value().attr("href").unwrap()))
    .collect()
}

#[test]
fn every_everyday_word_has_a_page_with_its_articles_in_full() {
    let words = word_pages();
    assert!(words.len() >= 40, "{} words", words.len());
    let built = std::fs::read_dir(demo_site().join("search"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().join("index.html").is_file())
        .count();
    assert_eq!(words.len(), built, "every word's page is reachable");
    let sitemap = std::fs::read_to_string(demo_site().join("sitemap.xml")).unwrap();
    for (word, page) in &words {
        assert_eq!(*page, format!("search/{word}/"));
        let doc = common::read_html(&demo_site().join(page).join("index.html"));
        assert_eq!(common::text_of(&doc, "main h1"), *word);
        let links = word_page_links(page);
        assert!(!links.is_empty(), "{word}: no article and no law");
        for l in &links {
            assert_leads_somewhere(l, word);
        }
        // Each article is quoted in full: its paragraphs are those of the law's page.
        for li in doc.select(&common::sel(".pf-search-words ol li")) {
            let href = li
                .select(&common::sel("h3 a"))
                .next()
                .unwrap()
                .value()
                .attr("href")
                .unwrap();
            let site = site_path(href);
            let (law_page, anchor) = site.split_once('#').unwrap();
            let law = common::read_html(&demo_site().join(law_page).join("index.html"));
            let article = common::text_of(&law, &format!("section[id=\"{anchor}\"]"));
            let paragraphs: Vec<String> = li
                .select(&common::sel("p"))
                .map(|p| p.text().collect::<String>())
                .collect();
            assert!(!paragraphs.is_empty(), "{word}: {site} quoted empty");
            for p in paragraphs {
                assert!(article.contains(p.trim()), "{word}: {site} lacks {p}");
            }
        }
        let loc = format!("{BASE}{}", pufa::text::encode_path(page));
        assert!(sitemap.contains(&loc), "{word}: {loc} not in the sitemap");
    }
}

/// What the page shows above the results for `q`: the everyday-words block's heading and
/// links (site paths), once the results are in.
fn words_block(b: &mut Browser, q: &str) -> (String, Vec<String>, serde_json::Value) {
    let got = results_for(b, q);
    // The everyday words' files are read after the shards: the block may settle after
    // the list.
    b.wait_for(
        &format!(
            "document.getElementById('pf-search-words').getAttribute('data-for') === {}",
            serde_json::json!(q)
        ),
        20,
    );
    b.wait_for(
        "(w => w.hidden || [...w.querySelectorAll('li')].every(li => li.querySelector('p') || !/#/.test(li.querySelector('a').href)))(document.getElementById('pf-search-words'))",
        10,
    );
    let block = b.eval(
        "(w => ({ hidden: w.hidden, heading: [...w.querySelectorAll('h2')].map(h => h.textContent).join('|'),\
            links: [...w.querySelectorAll('li > a')].map(a => a.getAttribute('href')) }))(document.getElementById('pf-search-words'))",
    );
    let links: Vec<String> = serde_json::from_value::<Vec<String>>(block["links"].clone())
        .unwrap()
        .iter()
        .map(|l| site_path(l))
        .collect();
    let heading = if block["hidden"] == true {
        String::new()
    } else {
        block["heading"].as_str().unwrap().to_string()
    };
    (heading, links, got)
}

#[test]
fn everyday_words_show_what_the_law_calls_them_and_their_articles_first() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    watch_errors(&mut b);
    let docs = all_documents();
    let inputs: Vec<Doc> = docs.iter().map(|d| d.as_doc()).collect();
    let words = word_pages();
    // The examples, then every seventh word of the table.
    let mut sample: Vec<&(String, String)> = ["彩礼", "离婚冷静期", "高空抛物", "家暴"]
        .iter()
        .map(|w| words.iter().find(|(x, _)| x == w).expect(w))
        .collect();
    sample.extend(words.iter().step_by(7));
    for (word, page) in sample {
        let (heading, links, got) = words_block(&mut b, word);
        assert!(heading.contains(&format!("“{word}”")), "{word}: {heading}");
        // The block lists the word's articles and laws, as its own page does, the mapped
        // article first.
        assert_eq!(links, word_page_links(page), "{word}");
        // The results below are still exactly the documents that hold the word.
        let want = scan(&inputs, word);
        let status = got["status"].as_str().unwrap();
        if want.is_empty() {
            assert!(status.starts_with("没有找到"), "{word}: {status}");
        } else {
            assert_eq!(status, format!("找到 {} 条结果", want.len()), "{word}");
        }
    }
    let (heading, links, _) = words_block(&mut b, "彩礼");
    assert!(heading.contains("借婚姻索取财物"), "{heading}");
    assert_eq!(links[0], "laws/民法典/婚姻家庭编/#art-1042");
    let (_, links, _) = words_block(&mut b, "离婚冷静期");
    assert_eq!(links[0], "laws/民法典/婚姻家庭编/#art-1077");
    // A word that is not in the table: no block.
    let (heading, links, _) = words_block(&mut b, "人民调解委员会");
    assert_eq!((heading.as_str(), links.len()), ("", 0));
    assert_no_errors(&mut b);
}

#[test]
fn a_typo_that_finds_nothing_is_offered_the_word_it_missed() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    watch_errors(&mut b);
    let got = results_for(&mut b, "离婚冷净期");
    assert!(got["status"].as_str().unwrap().starts_with("没有找到"));
    b.wait_for("!document.getElementById('pf-search-suggest').hidden", 10);
    let offered =
        b.eval("[...document.querySelectorAll('#pf-search-suggest a')].map(a => a.textContent)");
    assert_eq!(offered[0], "离婚冷静期", "{offered}");
    b.eval("setTimeout(() => document.querySelector('#pf-search-suggest a').click(), 0); true");
    b.wait_for(
        "decodeURIComponent(location.search) === '?q=离婚冷静期' && !document.getElementById('pf-search-words').hidden",
        20,
    );
    // Something found: nothing offered.
    results_for(&mut b, "调解");
    assert_eq!(
        b.eval("document.getElementById('pf-search-suggest').hidden"),
        true
    );
    assert_no_errors(&mut b);
}

/// A site of its own where scores alone would rank a page titled 宅基地 below one that says
/// 宅基地 in its title and many times in its text.
fn title_site() -> (tempfile::TempDir, StaticServer) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    common::write(
        &root.join("site.yaml"),
        "title: 标题测试\nbase_url: https://example.org/\nsearch: true\n",
    );
    common::write(
        &root.join("content/articles/a.md"),
        "---\ntitle: 宅基地\ndate: 2026-01-01\n---\n\n一篇短文。\n",
    );
    let body = "宅基地的事，村里常问。".repeat(12);
    common::write(
        &root.join("content/articles/b.md"),
        &format!("---\ntitle: 宅基地使用权纠纷怎么办\ndate: 2026-02-01\n---\n\n{body}\n"),
    );
    let out = dir.path().join("public");
    common::build_into(&root, &out, &[]);
    let server = StaticServer::start(&out, "/");
    (dir, server)
}

#[test]
fn a_title_typed_in_full_comes_first_and_results_sort_by_date() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    watch_errors(&mut b);
    let (_dir, own) = title_site();
    for (q, first) in [
        ("宅基地", "/articles/a/"),
        ("宅基地使用权纠纷怎么办", "/articles/b/"),
    ] {
        b.open(&own.url(&format!("/search/?q={}", urlencode(q))));
        b.wait_for(
            &format!(
                "document.getElementById('pf-search-results').getAttribute('data-ranked') === {}",
                serde_json::json!(q)
            ),
            20,
        );
        let links = b.eval(
            "[...document.querySelectorAll('#pf-search-results li h2 a')].map(a => a.getAttribute('href'))",
        );
        assert_eq!(links[0], first, "{q}: {links}");
    }
    assert_no_errors(&mut b);
    // Sorted by date: articles and events newest first.
    let docs = all_documents();
    results_for(&mut b, "调解");
    b.eval(
        "(s => { s.value = 'date'; s.dispatchEvent(new Event('change')); })(document.getElementById('pf-search-sort')); true",
    );
    b.wait_for(
        "document.getElementById('pf-search-results').getAttribute('data-sort') === 'date'",
        10,
    );
    let links: Vec<String> = serde_json::from_value(b.eval(
        "[...document.querySelectorAll('#pf-search-results li h2 a')].map(a => a.getAttribute('href'))",
    ))
    .unwrap();
    let dates: Vec<String> = links
        .iter()
        .map(|l| {
            let site = site_path(l);
            let d = docs.iter().find(|d| d.url == site).unwrap();
            d.date
                .clone()
                .unwrap_or_default()
                .chars()
                .take(10)
                .collect()
        })
        .collect();
    assert!(dates[0] > dates[dates.len() - 1], "{dates:?}");
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    assert_no_errors(&mut b);
}

#[test]
fn with_javascript_a_word_page_also_lists_every_document_that_holds_the_word() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    watch_errors(&mut b);
    let docs = all_documents();
    let inputs: Vec<Doc> = docs.iter().map(|d| d.as_doc()).collect();
    for word in ["彩礼", "调解"] {
        let want = scan(&inputs, word).len();
        assert!(want > 0, "{word}");
        b.open(&server().url(&format!("{BASE}search/{}/", urlencode(word))));
        b.wait_for(
            "document.getElementById('pf-search-status').textContent.startsWith('找到') && document.querySelectorAll('#pf-search-results li').length > 0",
            20,
        );
        let got = b.eval(
            "({ status: document.getElementById('pf-search-status').textContent,\
                own: document.querySelectorAll('.pf-search-words:not([id]) ol li').length,\
                block: document.getElementById('pf-search-words').hidden,\
                all: document.getElementById('pf-search-all').hidden })",
        );
        assert_eq!(got["status"], format!("找到 {want} 条结果"), "{word}");
        assert!(
            got["own"].as_u64().unwrap() > 0,
            "{word}: the page's own articles"
        );
        assert_eq!(got["block"], true, "{word}: shown once, by the page itself");
        assert_eq!(got["all"], false, "{word}");
    }
    assert_no_errors(&mut b);
}

#[test]
fn an_article_numbered_with_zhi_yi_is_found_in_both_numerals() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    watch_errors(&mut b);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    common::write(
        &root.join("site.yaml"),
        "title: 之一测试\nbase_url: https://example.org/\nsearch: true\n",
    );
    common::write(
        &root.join("content/laws/刑法(2023-12-29).md"),
        "# 中华人民共和国刑法\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n第十条 第十条的文字。\n\n第十条之一 之一条的文字。\n\n第十一条 第十一条的文字。\n",
    );
    let out = dir.path().join("public");
    common::build_into(&root, &out, &[]);
    let own = StaticServer::start(&out, "/");
    for q in ["刑法第十条之一", "第10条之一", "《刑法》第十条之一"] {
        b.open(&own.url(&format!("/search/?q={}", urlencode(q))));
        b.wait_for(
            &format!(
                "document.getElementById('pf-search-results').getAttribute('data-complete') === {}",
                serde_json::json!(q)
            ),
            20,
        );
        let links: Vec<String> = serde_json::from_value(b.eval(
            "[...document.querySelectorAll('#pf-search-jump a')].map(a => a.getAttribute('href'))",
        ))
        .unwrap();
        assert_eq!(links.len(), 1, "{q}: {links:?}");
        let (page, anchor) = links[0].split_once('#').unwrap();
        assert_eq!(anchor, "art-10-1", "{q}");
        let html = std::fs::read_to_string(
            out.join(common::percent_decode(page).trim_start_matches('/'))
                .join("index.html"),
        )
        .unwrap();
        let at = html.find("id=\"art-10-1\"").expect("the anchor exists");
        assert!(
            html[at..].contains("之一条的文字"),
            "{q}: the anchor is that article"
        );
    }
    assert_no_errors(&mut b);
}
