//! Issue 13, acceptance 1: in a real headless Chromium, the search page's own reader
//! (`pufaSearch`, as the page loads it, under `Content-Security-Policy: script-src 'self'`)
//! finds, for every query of `tests/fixtures/search/queries.txt`, exactly the documents
//! (content pages or their sections, 条) that contain it, by a truth taken apart from pufa: `tests/search_truth.py` reads
//! each built page's `<main>` with Python's html.parser and normalises with `unicodedata`.
//! On the demo site and on a 1,000-page corpus of `scripts/gen_corpus.py` with the statute
//! library (`PUFA_TRUTH_PAGES=10000 cargo test --test search_truth` for the 10,000-page
//! corpus: about two minutes more).
//!
//! Compared document by document: the script reads each page's parts itself, and takes
//! from the index only how they are grouped into documents (a short page is one, a long
//! one is cut at its headings with short parts joining the one before, a law is one per
//! 条 and per chapter heading).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::browser::Browser;
use common::{RunWithin, StaticServer, demo_site, repo};

/// The address of every document of the built site `out`, by number (from its store).
fn addresses(out: &Path) -> Vec<String> {
    common::doc_store(out)
        .iter()
        .map(|r| r[0].as_str().unwrap().to_string())
        .collect()
}

/// What `tests/search_truth.py` finds in `out` for each query, given the addresses of the
/// index's documents (how pufa grouped each page's parts).
fn truth(out: &Path, urls: &[String], queries: &[String]) -> BTreeMap<String, BTreeSet<String>> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input.json");
    let json = serde_json::json!({ "docs": urls, "queries": queries });
    std::fs::write(&input, serde_json::to_vec(&json).unwrap()).unwrap();
    let o = std::process::Command::new("python3")
        .arg(repo().join("tests/search_truth.py"))
        .arg(out)
        .arg(&input)
        .output_within(300, "python3 tests/search_truth.py");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let found: BTreeMap<String, Vec<String>> = serde_json::from_slice(&o.stdout).unwrap();
    found
        .into_iter()
        .map(|(q, v)| (q, v.into_iter().collect()))
        .collect()
}

/// The search page's reader in Chromium against the site `out` served at `base`, compared
/// with the truth for every query; returns how many queries found something.
fn check_site(out: &Path, base: &str) -> usize {
    let Some(mut b) = Browser::launch() else {
        return usize::MAX;
    };
    let queries = common::search_queries();
    assert!(queries.len() >= 60, "{} queries", queries.len());
    let urls = addresses(out);
    let want = truth(out, &urls, &queries);
    let server = StaticServer::start(out, base);
    b.open(&server.url(&format!("{base}search/")));
    b.wait_for("!!window.pufaSearch", 20);
    let mut found_any = 0;
    for q in &queries {
        let js = format!(
            "pufaSearch.Index.open({}).then(ix => ix.search({}))",
            serde_json::json!(format!("{base}search/")),
            serde_json::json!(q)
        );
        let ids: Vec<usize> = serde_json::from_value(b.eval(&js)).unwrap();
        let got: BTreeSet<String> = ids.iter().map(|&i| urls[i].clone()).collect();
        let expected = &want[q];
        let extra: Vec<&String> = got.difference(expected).collect();
        let missing: Vec<&String> = expected.difference(&got).collect();
        assert!(
            extra.is_empty() && missing.is_empty(),
            "{q:?} in {}: extra {extra:?}, missing {missing:?}",
            out.display()
        );
        found_any += usize::from(!got.is_empty());
    }
    found_any
}

#[test]
fn the_browser_finds_exactly_what_an_independent_reading_finds_on_the_demo_site() {
    let found = check_site(demo_site(), "/hgz/");
    assert!(found >= 50, "{found} queries found something");
}

#[test]
fn the_browser_finds_exactly_what_an_independent_reading_finds_on_a_corpus() {
    let pages = std::env::var("PUFA_TRUTH_PAGES").unwrap_or_else(|_| "1000".into());
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let o = std::process::Command::new("python3")
        .arg(repo().join("scripts/gen_corpus.py"))
        .args(["--pages", &pages, "--out"])
        .arg(&site)
        .output_within(120, "scripts/gen_corpus.py");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    common::copy_dir(&repo().join("content/laws"), &site.join("content/laws"));
    common::write(
        &site.join("site.yaml"),
        "title: 搜索检查\nbase_url: https://example.org/corpus/\nsearch: true\n",
    );
    let out = dir.path().join("public");
    common::build_into(&site, &out, &[]);
    let found = check_site(&out, "/corpus/");
    assert!(found >= 50, "{found} queries found something");
}
