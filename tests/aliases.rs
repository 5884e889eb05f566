//! Old addresses (`aliases:`): each gets a page that sends the reader to the page's address
//! now (a refresh, a canonical link and a visible link, right under any base URL), which a
//! real browser follows; an old address that another page (or the page itself) has now, or
//! one written as a full URL or without its leading `/`, is an error at its line.

mod common;

use std::path::Path;

use common::browser::Browser;
use common::*;

const RENAMED: &str = "---\ntitle: 农村土地承包\ndate: 2024-12-04\nslug: tudi-chengbao\naliases:\n  - /articles/old-name/\n  - /tudi.html\n---\n\n承包期内，发包方不得收回承包地。\n";
const OTHER: &str = "---\ntitle: 别的文章\ndate: 2024-12-03\n---\n\n正文。\n";

fn build(site: &Path, extra: &[&str]) -> (i32, String) {
    let mut args = vec!["build", "--now", NOW];
    args.extend_from_slice(extra);
    let o = run(site, &args);
    (o.status.code().unwrap_or(-1), stderr(&o))
}

/// The refresh address, the canonical link and the visible link of a redirect page.
fn redirect_of(file: &Path) -> (String, String, String) {
    let doc = read_html(file);
    let attr = |css: &str, name: &str| {
        doc.select(&sel(css))
            .next()
            .and_then(|e| e.value().attr(name))
            .unwrap_or_else(|| panic!("{css} in {}", file.display()))
            .to_string()
    };
    let refresh = attr("meta[http-equiv=refresh]", "content");
    let robots = attr("meta[name=robots]", "content");
    assert_eq!(robots, "noindex", "an old address is not indexed");
    (
        refresh,
        attr("link[rel=canonical]", "href"),
        attr("main a", "href"),
    )
}

#[test]
fn each_old_address_leads_to_the_page_under_any_base_url() {
    let site = small_site(&[
        ("content/articles/a.md", RENAMED),
        ("content/articles/b.md", OTHER),
    ]);
    let (code, err) = build(site.path(), &[]);
    assert_eq!(code, 0, "{err}");
    let out = site.path().join("public");
    for old in ["articles/old-name/index.html", "tudi.html"] {
        let (refresh, canonical, link) = redirect_of(&out.join(old));
        assert_eq!(refresh, "0; url=/hgz/articles/tudi-chengbao/", "{old}");
        assert_eq!(canonical, "https://example.org/hgz/articles/tudi-chengbao/");
        assert_eq!(link, "/hgz/articles/tudi-chengbao/");
    }
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(
        !sitemap.contains("old-name"),
        "old addresses are not in the sitemap"
    );
    let (broken, checked) = check_links(&out, "/hgz/");
    assert!(broken.is_empty() && checked > 0, "{broken:?}");

    // Another base URL: the same pages lead to the addresses under it.
    let (code, err) = build(
        site.path(),
        &["--base-url", "https://county.example/xz/hgz/"],
    );
    assert_eq!(code, 0, "{err}");
    let (refresh, canonical, _) = redirect_of(&out.join("articles/old-name/index.html"));
    assert_eq!(refresh, "0; url=/xz/hgz/articles/tudi-chengbao/");
    assert_eq!(
        canonical,
        "https://county.example/xz/hgz/articles/tudi-chengbao/"
    );
}

#[test]
fn a_browser_at_an_old_address_arrives_at_the_page() {
    let site = small_site(&[("content/articles/a.md", RENAMED)]);
    let (code, err) = build(site.path(), &[]);
    assert_eq!(code, 0, "{err}");
    let server = StaticServer::start(&site.path().join("public"), "/hgz/");
    let Some(mut b) = Browser::launch() else {
        return;
    };
    for old in ["articles/old-name/", "tudi.html"] {
        b.open(&server.url(&format!("/hgz/{old}")));
        b.wait_for(
            "location.pathname === '/hgz/articles/tudi-chengbao/' && document.readyState === 'complete'",
            20,
        );
        let h1 = b.eval("document.querySelector('main h1').textContent");
        assert_eq!(h1, "农村土地承包", "{old}");
    }
}

#[test]
fn an_old_address_that_is_in_use_or_badly_written_is_an_error_at_its_line() {
    let cases = [
        // Another page's address now.
        ("  - /articles/b/", "已经是 content/articles/b.md 的网址"),
        // The page's own address.
        ("  - /articles/a/", "就是这个页面现在的网址"),
        ("  - https://example.org/hgz/old/", "不写 http://"),
        ("  - articles/old/", "以 / 开头"),
        ("  - /articles/../old/", "../"),
    ];
    for (line, says) in cases {
        let text = format!("---\ntitle: 甲\ndate: 2024-12-04\naliases:\n{line}\n---\n\n正文。\n");
        let site = small_site(&[
            ("content/articles/a.md", &text),
            ("content/articles/b.md", OTHER),
        ]);
        let (code, err) = build(site.path(), &[]);
        assert_eq!(code, 1, "{line}: {err}");
        assert!(err.contains(says), "{line}: {err}");
        assert!(
            err.contains("content/articles/a.md:4"),
            "{line}: at the aliases line: {err}"
        );
    }
}
