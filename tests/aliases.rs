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

const EVENT: &str = "---\ntitle: 宪法宣传周\ndate: 2026-11-20\nstart: 2026-12-04 09:00\nlocation: 镇文化广场\n---\n\n欢迎参加。\n";

/// An event moved to a new address, with the old one (or not) in `aliases:`.
fn moved_event(alias: bool) -> String {
    let aliases = if alias {
        "aliases: [/events/xuanchuan/]\n"
    } else {
        ""
    };
    EVENT.replace(
        "---\n\n",
        &format!("slug: xianfa-xuanchuanzhou\n{aliases}---\n\n"),
    )
}

#[test]
fn the_site_remembers_its_addresses_and_warns_when_one_would_break() {
    let site = small_site(&[
        ("content/events/xuanchuan.md", EVENT),
        ("content/articles/b.md", OTHER),
    ]);
    let record = site.path().join("published.txt");
    // A build elsewhere (a preview) remembers nothing.
    let elsewhere = tempfile::tempdir().unwrap();
    let (code, err) = build(site.path(), &["-o", elsewhere.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        !record.exists(),
        "only a build of the site's own public/ remembers"
    );
    let (code, err) = build(site.path(), &[]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&record).unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| l.starts_with('/')).collect();
    assert_eq!(
        lines,
        [
            "/articles/b/\tcontent/articles/b.md",
            "/events/xuanchuan/\tcontent/events/xuanchuan.md",
            "/events/xuanchuan/print/\tcontent/events/xuanchuan.md",
            "/events/xuanchuan/xuanchuan.ics\tcontent/events/xuanchuan.md",
        ],
        "content pages, print views and calendar files; no lists or tags"
    );
    // The same sources: the same file, no warning.
    let (code, err) = build(site.path(), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("以前发布过"), "{err}");
    assert_eq!(std::fs::read_to_string(&record).unwrap(), text);

    // A new slug without an alias: a warning naming the old address and its QR code, from
    // build and from check, once for the page (its print view and calendar file go with it).
    write(
        &site.path().join("content/events/xuanchuan.md"),
        &moved_event(false),
    );
    for cmd in ["build", "check"] {
        let o = run(site.path(), &[cmd, "--now", NOW]);
        let err = stderr(&o);
        assert!(o.status.success(), "{cmd}: {err}");
        assert!(
            err.contains("网址 /events/xuanchuan/ 以前发布过")
                && err.contains("二维码")
                && err.contains("aliases: [/events/xuanchuan/]"),
            "{cmd}: {err}"
        );
        // At the line of published.txt that remembers it.
        let line: usize = err
            .split("published.txt:")
            .nth(1)
            .and_then(|t| t.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{cmd}: no line of published.txt in {err}"));
        let text = std::fs::read_to_string(&record).unwrap();
        assert!(
            text.lines()
                .nth(line - 1)
                .unwrap()
                .starts_with("/events/xuanchuan/\t"),
            "{cmd}: line {line} of\n{text}"
        );
        assert_eq!(err.matches("以前发布过").count(), 1, "{cmd}: {err}");
    }
    // The file keeps the old address and adds the new ones.
    let text = std::fs::read_to_string(&record).unwrap();
    assert!(
        text.contains("/events/xuanchuan/\t") && text.contains("/events/xianfa-xuanchuanzhou/\t")
    );

    // With the alias, no warning, and the old address leads to the new page.
    write(
        &site.path().join("content/events/xuanchuan.md"),
        &moved_event(true),
    );
    let (code, err) = build(site.path(), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("以前发布过"), "{err}");
    let (refresh, _, _) = redirect_of(&site.path().join("public/events/xuanchuan/index.html"));
    assert_eq!(refresh, "0; url=/hgz/events/xianfa-xuanchuanzhou/");
}
