//! Promises no other test guarded (issue 11): breaking each of them on purpose must fail a
//! test here. A build that fails while writing leaves `public/` as it was; a page whose
//! `expires` is "now" is withdrawn; a multi-day event given by dates is ongoing on its last
//! day; a feed follows a change in a page's final HTML in a session (as `serve` runs it);
//! a page follows what the fragments it includes with `include_cached` read.

mod common;

use std::path::Path;

use common::*;
use pufa::config::Overrides;
use pufa::content::source::read_site;
use pufa::pipeline::{Now, Session, Settings};

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn site() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    write(
        &root,
        "site.yaml",
        "title: 承诺测试站\nbase_url: https://example.org/\n",
    );
    write(
        &root,
        "content/articles/a.md",
        "---\ntitle: 文章甲\ndate: 2026-11-01\n---\n\n正文。\n",
    );
    (dir, root)
}

#[test]
fn a_build_that_fails_while_writing_leaves_public_as_it_was() {
    let (_d, root) = site();
    let out = root.join("public");
    build_into(&root, &out, &[]);
    let before = tree(&out);
    // A name no file system takes (255 bytes at most): writing its page fails part-way,
    // after other files were staged.
    let slug = "a".repeat(300);
    write(
        &root,
        "content/articles/long.md",
        &format!("---\ntitle: 很长的网址\ndate: 2026-11-30\nslug: {slug}\n---\n\n正文。\n"),
    );
    let o = run(
        &root,
        &["build", "--now", NOW, "--output", out.to_str().unwrap()],
    );
    let err = stderr(&o);
    assert_eq!(
        o.status.code(),
        Some(2),
        "a write error is an I/O problem:\n{err}"
    );
    assert!(err.contains("写入输出文件失败"), "{err}");
    assert_eq!(tree(&out), before, "public/ must be exactly as before");
}

#[test]
fn a_page_whose_expiry_is_now_is_withdrawn() {
    let (_d, root) = site();
    let page = |name: &str, expires: &str| {
        format!("---\ntitle: {name}\ndate: 2026-11-20\nexpires: {expires}\n---\n\n{name}的正文。\n")
    };
    write(
        &root,
        "content/articles/now.md",
        &page("正好到期", "2026-12-01T00:00:00+08:00"),
    );
    write(
        &root,
        "content/articles/later.md",
        &page("一秒后到期", "2026-12-01T00:00:01+08:00"),
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build_into(&root, &out, &[]);
    assert!(
        !out.join("articles/now/index.html").exists(),
        "expires == now: withdrawn"
    );
    assert!(
        out.join("articles/later/index.html").exists(),
        "expires after now: published"
    );
    let list = std::fs::read_to_string(out.join("articles/index.html")).unwrap();
    assert!(!list.contains("正好到期") && list.contains("一秒后到期"));
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(!sitemap.contains("/articles/now/") && sitemap.contains("/articles/later/"));
}

/// The status badge on an event's page.
fn status(out: &Path, event: &str) -> String {
    let doc = read_html(&out.join(format!("events/{event}/index.html")));
    text_of(&doc, ".pf-status")
}

#[test]
fn a_multi_day_event_given_by_dates_is_ongoing_on_its_last_day() {
    let (_d, root) = site();
    write(
        &root,
        "content/events/days.md",
        "---\ntitle: 宪法宣传周\ndate: 2026-11-20\nstart: 2026-11-29\nend: 2026-12-01\nlocation: 镇政府\n---\n\n一连三天。\n",
    );
    let dir = tempfile::tempdir().unwrap();
    let at = |now: &str| {
        let out = dir.path().join(now.replace(':', "-"));
        let o = run(
            &root,
            &["build", "--now", now, "--output", out.to_str().unwrap()],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        status(&out, "days")
    };
    assert_eq!(at("2026-11-28T23:59:59+08:00"), "即将开始");
    assert_eq!(at("2026-12-01T00:00:00+08:00"), "正在进行");
    assert_eq!(
        at("2026-12-01T23:59:59+08:00"),
        "正在进行",
        "the whole last day"
    );
    assert_eq!(at("2026-12-02T00:00:00+08:00"), "已结束");
}

#[test]
fn a_feed_follows_a_change_in_a_page_s_final_html() {
    let (_d, root) = site();
    write(
        &root,
        "content/articles/a.md",
        "---\ntitle: 文章甲\ndate: 2026-11-01\n---\n\n详见[联系我们](../contact.md)。\n",
    );
    // A plain page: in no feed, so only 文章甲's HTML carries the change to the feed.
    write(
        &root,
        "content/contact.md",
        "---\ntitle: 联系我们\n---\n\n电话。\n",
    );
    let settings = Settings {
        drafts: false,
        now: Now::Written(NOW.into()),
        overrides: Overrides::default(),
    };
    let mut sources = read_site(&root).unwrap();
    let mut session = Session::new();
    assert!(session.build(&sources, &settings).succeeded());
    let entry_of_a = |session: &Session| -> String {
        let xml = String::from_utf8_lossy(session.output().get("atom.xml").unwrap()).into_owned();
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let entry = doc
            .descendants()
            .filter(|n| n.has_tag_name("entry"))
            .find(|e| {
                e.descendants()
                    .any(|t| t.has_tag_name("title") && t.text() == Some("文章甲"))
            })
            .expect("文章甲 is in the feed");
        let content = entry
            .descendants()
            .find(|n| n.has_tag_name("content"))
            .unwrap();
        content.text().unwrap_or("").to_string()
    };
    assert!(entry_of_a(&session).contains("href=\"/contact/\""));
    // Only contact.md changes: 文章甲's final HTML (where its link leads) changes with it.
    write(
        &root,
        "content/contact.md",
        "---\ntitle: 联系我们\nslug: lianxi\n---\n\n电话。\n",
    );
    sources
        .apply_changes(&[root.join("content/contact.md")])
        .unwrap();
    assert!(session.build(&sources, &settings).succeeded());
    let content = entry_of_a(&session);
    assert!(content.contains("href=\"/lianxi/\""), "{content}");
}

#[test]
fn a_page_follows_what_its_cached_fragments_read() {
    let (_d, root) = site();
    write(
        &root,
        "site.yaml",
        "title: 承诺测试站\nbase_url: https://example.org/\ntheme: t\n",
    );
    write(&root, "themes/t/theme.yaml", "extends: default\n");
    // The header, rendered once for all pages by include_cached, is the only template that
    // links this stylesheet: a page reads it only through the fragment.
    write(
        &root,
        "themes/t/templates/header.html",
        "<header><link rel=\"stylesheet\" href=\"{{ asset('css/extra.css') }}\"></header>\n",
    );
    write(
        &root,
        "themes/t/static/css/extra.css",
        "p { color: navy; }\n",
    );
    let settings = Settings {
        drafts: false,
        now: Now::Written(NOW.into()),
        overrides: Overrides::default(),
    };
    let mut sources = read_site(&root).unwrap();
    let mut session = Session::new();
    assert!(session.build(&sources, &settings).succeeded());
    let link = |output: &pufa::output::OutputSet| -> String {
        let html =
            String::from_utf8_lossy(output.get("articles/a/index.html").unwrap()).into_owned();
        let doc = scraper::Html::parse_document(&html);
        doc.select(&sel("header link"))
            .next()
            .and_then(|l| l.value().attr("href"))
            .expect("the header's stylesheet link")
            .to_string()
    };
    let before = link(session.output());
    write(
        &root,
        "themes/t/static/css/extra.css",
        "p { color: teal; }\n",
    );
    sources
        .apply_changes(&[root.join("themes/t/static/css/extra.css")])
        .unwrap();
    assert!(session.build(&sources, &settings).succeeded());
    let after = link(session.output());
    assert_ne!(
        before, after,
        "the stylesheet's address follows its content"
    );
    let fresh = pufa::output::MemorySink::default();
    assert!(pufa::pipeline::build(&sources, &settings, &fresh).succeeded());
    assert_eq!(after, link(&fresh.into_output()), "as a fresh build has it");
}
