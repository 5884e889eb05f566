//! Publishing on a date: a page whose `date` lies after "now" is in no output (its page, the
//! lists, the feeds, the sitemap, its tag's page, the search index) until `--now` passes
//! its date, and the build says how many wait and when the first goes live; `--future`
//! publishes it at once.

mod common;

use std::path::Path;

use common::*;

const NOW_BEFORE: &str = "2026-12-01T00:00:00+08:00";
const NOW_AFTER: &str = "2026-12-10T10:00:00+08:00";

fn site() -> tempfile::TempDir {
    let dir = small_site(&[
        (
            "content/articles/now.md",
            "---\ntitle: 已经发布的文章\ndate: 2026-11-01\ntags: [普法]\n---\n\n正文。\n",
        ),
        (
            "content/articles/later.md",
            "---\ntitle: 宪法日特稿\ndate: 2026-12-04 09:00\ntags: [普法]\n---\n\n宪法日的正文。\n",
        ),
        (
            "content/articles/later2.md",
            "---\ntitle: 年终总结\ndate: 2026-12-30\n---\n\n年终的正文。\n",
        ),
    ]);
    write(
        &dir.path().join("site.yaml"),
        "title: 测试站点\nbase_url: https://example.org/hgz/\nsearch: true\n",
    );
    dir
}

fn build(root: &Path, out: &Path, extra: &[&str]) -> String {
    let mut args = vec!["build", "--output", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = run(root, &args);
    assert!(o.status.success(), "{}", stderr(&o));
    stderr(&o)
}

/// Every output file that mentions the waiting page's title or address.
fn mentions(out: &Path) -> Vec<String> {
    tree(out)
        .into_iter()
        .filter(|(path, bytes)| {
            if path.ends_with(".gz") {
                let mut text = String::new();
                use std::io::Read;
                let _ = flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut text);
                return text.contains("宪法日特稿");
            }
            let text = String::from_utf8_lossy(bytes);
            text.contains("宪法日特稿") || text.contains("articles/later/")
        })
        .map(|(p, _)| p)
        .collect()
}

#[test]
fn a_page_dated_later_waits_for_its_date_unless_future() {
    let site = site();
    let out = site.path().join("out");
    let err = build(site.path(), &out, &["--now", NOW_BEFORE]);
    assert!(!out.join("articles/later/index.html").exists());
    assert_eq!(
        mentions(&out),
        Vec::<String>::new(),
        "no output mentions it"
    );
    assert!(
        err.contains("另有 2 个页面定时发布") && err.contains("最早的一个 2026-12-04 09:00 发布"),
        "{err}"
    );

    // Its date has passed: it is everywhere a page is.
    let err = build(site.path(), &out, &["--now", NOW_AFTER]);
    let found = mentions(&out);
    for want in [
        "articles/later/index.html",
        "articles/index.html",
        "atom.xml",
        "sitemap.xml",
        "tags/普法/index.html",
    ] {
        assert!(found.iter().any(|f| f == want), "{want} in {found:?}");
    }
    assert!(
        found.iter().any(|f| f.starts_with("search/")),
        "in the search index: {found:?}"
    );
    assert!(
        err.contains("另有 1 个页面定时发布") && err.contains("2026-12-30 00:00"),
        "{err}"
    );

    // --future publishes it before its date, and nothing waits.
    let err = build(site.path(), &out, &["--now", NOW_BEFORE, "--future"]);
    assert!(out.join("articles/later/index.html").exists());
    assert!(out.join("articles/later2/index.html").exists());
    assert!(!err.contains("定时发布"), "{err}");
}

#[test]
fn check_says_how_many_pages_wait() {
    let site = site();
    let o = run(site.path(), &["check", "--now", NOW_BEFORE]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("另有 2 个页面定时发布"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn serve_with_future_marks_pages_that_wait_for_their_date() {
    let site = site();
    // Without --future, serve hides the page too.
    {
        let s = serve(site.path(), &[]);
        assert_eq!(get_text(s.port, "/hgz/articles/later/").0, 404);
    }
    let s = serve(site.path(), &["--future"]);
    let p = s.port;
    let (status, body) = get_text(p, "/hgz/articles/later/");
    assert_eq!(status, 200, "{body}");
    let doc = scraper::Html::parse_document(&body);
    assert!(text_of(&doc, "p.pf-scheduled").contains("待发布"), "{body}");
    // The list marks it; a page already published carries no mark.
    let (_, list) = get_text(p, "/hgz/articles/");
    let doc = scraper::Html::parse_document(&list);
    let marked: Vec<String> = doc
        .select(&sel(".pf-card"))
        .filter(|c| c.select(&sel(".pf-scheduled")).next().is_some())
        .map(|c| {
            c.select(&sel(".pf-card-title"))
                .next()
                .unwrap()
                .text()
                .collect()
        })
        .collect();
    assert_eq!(marked, ["年终总结", "宪法日特稿"], "{list}");
    let (_, now_page) = get_text(p, "/hgz/articles/now/");
    assert!(!now_page.contains("pf-scheduled"), "{now_page}");
}
