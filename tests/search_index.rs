//! Issue 13: the search index finds exactly what a brute-force scan finds. The demo site is
//! built, each page's `<main>` text is cut into sections (pufa's extractor), and for every
//! query of `tests/fixtures/search/queries.txt` the index's documents are compared with those
//! of `tests/search_scan.py`, a scan written apart from pufa's tokeniser (Python's
//! `unicodedata`).

mod common;

use std::process::Command;

use common::browser::Browser;
use common::{RunWithin, StaticServer, demo_site, repo};
use pufa::search::build::{Doc, Settings, build};
use pufa::search::extract::page_text;
use pufa::search::index::scan;

/// Every section of every built page but the search pages: the page's title, the
/// section's heading, the section's text.
fn demo_sections() -> Vec<[String; 3]> {
    let mut docs = Vec::new();
    let search = demo_site().join("search");
    let mut pages: Vec<_> = walkdir::WalkDir::new(demo_site())
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_name() == "index.html" && !e.path().starts_with(&search))
        .map(|e| e.into_path())
        .collect();
    pages.sort();
    for p in pages {
        let t = page_text(&std::fs::read_to_string(&p).unwrap());
        for s in t.sections {
            docs.push([t.title.clone(), s.heading, s.text]);
        }
    }
    docs
}

fn as_docs(sections: &[[String; 3]]) -> Vec<Doc<'_>> {
    sections
        .iter()
        .map(|[title, heading, body]| Doc {
            title,
            heading,
            body,
        })
        .collect()
}

#[test]
fn the_index_equals_an_independent_scan_on_the_demo_site() {
    let sections = demo_sections();
    let docs = as_docs(&sections);
    let texts: Vec<String> = docs.iter().map(Doc::text).collect();
    assert!(docs.len() > 200, "{} sections", docs.len());
    let queries = common::search_queries();
    assert!(queries.len() >= 60, "{} queries", queries.len());

    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("scan.json");
    std::fs::write(
        &input,
        serde_json::to_vec(&serde_json::json!({ "docs": texts, "queries": queries })).unwrap(),
    )
    .unwrap();
    let out = Command::new("python3")
        .arg(repo().join("tests/search_scan.py"))
        .arg(&input)
        .output_within(60, "python3 tests/search_scan.py");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let truth: Vec<Vec<u32>> = serde_json::from_slice(&out.stdout).unwrap();

    let index = build(&docs, Settings::default());
    let mut found_any = 0;
    for (q, want) in queries.iter().zip(&truth) {
        let got = index.search(q);
        assert_eq!(&got, want, "query {q:?}: index against the scan");
        assert_eq!(scan(&docs, q), got, "query {q:?}: pufa's own scan");
        found_any += usize::from(!got.is_empty());
    }
    assert!(found_any >= 50, "{found_any} queries found something");
    for q in ["离婚冷静期", "高空抛物"] {
        let i = queries.iter().position(|x| x == q).unwrap();
        assert!(
            truth[i].is_empty(),
            "{q} is in no text (the everyday-words table's job)"
        );
    }
}

#[test]
fn the_browser_reads_the_index_files_as_pufa_does() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let sections = demo_sections();
    let docs = as_docs(&sections);
    // Small shards: many of them, so the reader's hashing is put to the test; and a low
    // limit for big tokens, so that many have files of their own.
    // Pairs over 2 KB are split by the unit after them, so that queries read split tokens.
    let settings = Settings {
        shard_bytes: 256,
        big_bytes: 1024,
        split_bytes: 2048,
    };
    let index = build(&docs, settings);
    assert!(
        index.pairs.split.len() >= 10,
        "{} split",
        index.pairs.split.len()
    );
    assert!(index.pairs.count >= 256, "{} shards", index.pairs.count);
    assert!(index.pairs.big.len() >= 10, "{} big", index.pairs.big.len());
    assert!(!index.terms.big.is_empty(), "no big terms");
    let dir = tempfile::tempdir().unwrap();
    for (path, bytes) in index.files() {
        let at = dir.path().join("search").join(path);
        std::fs::create_dir_all(at.parent().unwrap()).unwrap();
        std::fs::write(at, bytes).unwrap();
    }
    std::fs::write(
        dir.path().join("index.html"),
        "<!doctype html><meta charset=utf-8><title>搜索</title>",
    )
    .unwrap();
    let server = StaticServer::start(dir.path(), "/");
    b.open(&server.url("/index.html"));
    let source =
        std::fs::read_to_string(repo().join("themes/default/static/js/search.js")).unwrap();
    b.eval(&source);
    let queries = common::search_queries();
    let arg = serde_json::to_string(&queries).unwrap();
    let got = b.eval(&format!(
        "pufaSearch.Index.open('/search/').then(ix => Promise.all({arg}.map(q => ix.search(q)))).then(r => JSON.stringify(r))"
    ));
    let got: Vec<Vec<u32>> =
        serde_json::from_str(got.as_str().expect("results from the page")).unwrap();
    assert_eq!(got.len(), queries.len());
    for (q, g) in queries.iter().zip(&got) {
        assert_eq!(g, &index.search(q), "query {q:?}: the browser against pufa");
        assert_eq!(
            g,
            &scan(&docs, q),
            "query {q:?}: the browser against a scan"
        );
    }
    assert!(got.iter().filter(|g| !g.is_empty()).count() >= 50);
}

/// The index `pufa build` wrote into the demo's `search/`, read back from its files, and its
/// document store's rows.
fn written_index() -> (pufa::search::index::Index, Vec<serde_json::Value>) {
    use pufa::search::index::{Index, ShardKind, Shards};
    use std::io::Read;
    let dir = demo_site().join("search");
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("meta.json")).unwrap()).unwrap();
    let gunzip = |path: &std::path::Path| {
        let mut data = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap())
            .read_to_end(&mut data)
            .unwrap();
        data
    };
    // A shard file as built: pair shards are published Rice-coded, term shards gzipped.
    let shard = |kind: ShardKind, path: &std::path::Path| match kind {
        ShardKind::Pairs => pufa::search::rice::decode(&std::fs::read(path).unwrap())
            .unwrap_or_else(|| panic!("{} is not a published pair shard", path.display())),
        ShardKind::Terms => gunzip(path),
    };
    let list = |kind: ShardKind| {
        let m = &meta[kind.folder()];
        let big: Vec<String> = serde_json::from_value(m["big"].clone()).unwrap();
        let split: Vec<String> = serde_json::from_value(m["split"].clone()).unwrap();
        let mut shards = Vec::new();
        for e in std::fs::read_dir(dir.join(kind.folder())).unwrap() {
            let path = e.unwrap().path();
            let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
            if let Ok(n) = stem.parse::<u32>() {
                shards.push((n, shard(kind, &path)));
            }
        }
        shards.sort();
        let big = big
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                let file = format!("{}/b{i}.{}", kind.folder(), kind.extension());
                (t, shard(kind, &dir.join(file)))
            })
            .collect();
        Shards {
            count: m["n"].as_u64().unwrap() as u32,
            shards,
            big,
            split,
        }
    };
    let index = Index {
        docs: meta["docs"].as_u64().unwrap() as u32,
        pairs: list(ShardKind::Pairs),
        terms: list(ShardKind::Terms),
    };
    let mut docs = Vec::new();
    for k in 0.. {
        let path = dir.join(format!("d/{k}.gz"));
        if !path.exists() {
            break;
        }
        let rows: Vec<serde_json::Value> = serde_json::from_slice(&gunzip(&path)).unwrap();
        docs.extend(rows);
    }
    assert_eq!(docs.len(), index.docs as usize);
    (index, docs)
}

#[test]
fn the_built_site_carries_an_index_of_its_pages_and_laws() {
    let (index, rows) = written_index();
    // Each document as cut from its page as built.
    let docs: Vec<pufa::search::docs::SearchDoc> = rows
        .iter()
        .map(|r| {
            let url = r[0].as_str().unwrap();
            let page = url.split('#').next().unwrap();
            let kind: &'static str = match r[1].as_str().unwrap() {
                "law" => "law",
                "article" => "article",
                "event" => "event",
                "lesson" => "lesson",
                "page" => "page",
                k => panic!("kind {k}"),
            };
            let html = std::fs::read_to_string(demo_site().join(page).join("index.html")).unwrap();
            let all = pufa::search::docs::documents(&format!("{page}index.html"), kind, &html);
            let doc = all
                .into_iter()
                .find(|d| d.url == url)
                .unwrap_or_else(|| panic!("{url}"));
            assert_eq!(r[2].as_str(), Some(doc.title.as_str()));
            assert!(
                doc.text.starts_with(r[5].as_str().unwrap()),
                "{url}: snippet text"
            );
            doc
        })
        .collect();
    let kinds: std::collections::BTreeSet<&str> = docs.iter().map(|d| d.kind).collect();
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["article", "event", "law", "lesson", "page"]
    );
    assert!(
        !docs
            .iter()
            .any(|d| d.url == "articles/" || d.url.starts_with("tags/")),
        "list pages are not searched"
    );
    let inputs: Vec<Doc> = docs.iter().map(|d| d.as_doc()).collect();
    for q in common::search_queries() {
        assert_eq!(
            index.search(&q),
            scan(&inputs, &q),
            "query {q:?} on the written index"
        );
    }
    let law = index.search("夫妻应当互相忠实");
    let urls: Vec<&str> = law.iter().map(|&d| docs[d as usize].url.as_str()).collect();
    assert!(
        urls.iter()
            .any(|u| u.starts_with("laws/") && u.contains("#art-")),
        "the statute library is searched by article: {urls:?}"
    );
    let heading = docs.iter().find(|d| d.url.contains("#art-1043")).unwrap();
    assert!(
        heading.heading.contains("章"),
        "a 条's heading is its chapter: {heading:?}"
    );
    assert!(
        !docs
            .iter()
            .any(|d| d.text.contains("链接到本条") || d.text.contains("发布日期")),
        "tools and bylines are not indexed"
    );
}

#[test]
fn the_everyday_words_table_is_checked_against_the_library_at_build() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    common::write(
        &root.join("site.yaml"),
        "title: 表格测试\nbase_url: https://example.org/\nsearch: true\n",
    );
    let law = std::fs::read_to_string(repo().join("content/laws/民法典/婚姻家庭编.md")).unwrap();
    common::write(&root.join("content/laws/民法典/婚姻家庭编.md"), &law);
    common::write(
        &root.join("content/laws/_words.yaml"),
        "- words: [彩礼]\n  terms: [借婚姻索取财物]\n  articles: [《民法典》第一千零四十二条]\n\
         - words: [离婚冷静期]\n  articles: [《民法典》第一千零七十八条之三]\n\
         - words: [家暴]\n  laws: [反家庭暴力法]\n\
         - words: [彩礼]\n  articles: [《民法典》第一千零七十七条]\n",
    );
    let out = dir.path().join("public");
    let o = common::run(&root, &["build", "--output", out.to_str().unwrap()]);
    let err = common::stderr(&o);
    assert!(!o.status.success(), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    // Every problem, each with the file and line.
    for (what, line) in [
        ("第一千零七十八条之三", 5),
        ("反家庭暴力法", 7),
        ("“彩礼” 在表里出现了两次", 8),
    ] {
        let at = err
            .find(what)
            .unwrap_or_else(|| panic!("{what} not reported:\n{err}"));
        let rest = &err[at..];
        assert!(
            rest.contains(&format!("content/laws/_words.yaml:{line}:")),
            "{what}: not located at line {line}:\n{err}"
        );
    }
    // Mended, the site builds, with a page for each word and the table in the index.
    common::write(
        &root.join("content/laws/_words.yaml"),
        "- words: [彩礼]\n  terms: [借婚姻索取财物]\n  articles: [《民法典》第一千零四十二条]\n",
    );
    common::build_into(&root, &out, &[]);
    let page = std::fs::read_to_string(out.join("search/彩礼/index.html")).unwrap();
    assert!(page.contains("禁止借婚姻索取财物"), "the article in full");
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("search/meta.json")).unwrap()).unwrap();
    assert_eq!(meta["words"]["n"], 1);
    assert!(out.join("search/w/0.json.gz").is_file());
}
