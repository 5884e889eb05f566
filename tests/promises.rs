//! Promises no other test guarded (issue 11): breaking each of them on purpose must fail a
//! test here. A build that fails while writing leaves `public/` as it was; a page whose
//! `expires` is "now" is withdrawn; a multi-day event given by dates is ongoing on its last
//! day; a feed follows a change in a page's final HTML in a session (as `serve` runs it);
//! a page follows what the fragments it includes with `include_cached` read.

mod common;

use std::path::Path;

use common::*;
use pufa::config::Overrides;
use pufa::content::source::{SiteSources, read_site};
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
    let settings = settings();
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
    change(
        &root,
        &mut sources,
        "content/contact.md",
        "---\ntitle: 联系我们\nslug: lianxi\n---\n\n电话。\n",
    );
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
    let settings = settings();
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
    change(
        &root,
        &mut sources,
        "themes/t/static/css/extra.css",
        "p { color: teal; }\n",
    );
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

/// Write `text` to `rel` and tell `sources`, as the watcher would.
fn change(root: &Path, sources: &mut SiteSources, rel: &str, text: &str) {
    write(root, rel, text);
    sources.apply_changes(&[root.join(rel)]).unwrap();
}

fn settings() -> Settings {
    Settings {
        drafts: false,
        future: false,
        now: Now::Written(NOW.into()),
        overrides: Overrides::default(),
    }
}

/// The session's output equals a fresh build of the same sources, file for file.
fn assert_as_fresh(session: &Session, sources: &SiteSources, what: &str) {
    assert_as_fresh_at(session, sources, &settings(), what);
}

fn assert_as_fresh_at(session: &Session, sources: &SiteSources, settings: &Settings, what: &str) {
    let fresh = pufa::output::MemorySink::default();
    assert!(pufa::pipeline::build(sources, settings, &fresh).succeeded());
    let fresh = fresh.into_output();
    let paths = |o: &pufa::output::OutputSet| o.paths().cloned().collect::<Vec<_>>();
    assert_eq!(
        paths(session.output()),
        paths(&fresh),
        "{what}: the same files"
    );
    for (p, b) in fresh.iter() {
        assert!(
            session.output().get(p) == Some(b),
            "{what}: {p} differs from a fresh build"
        );
    }
}

fn h1(output: &pufa::output::OutputSet, path: &str) -> String {
    let html = String::from_utf8_lossy(output.get(path).expect(path)).into_owned();
    text_of(&scraper::Html::parse_document(&html), "main h1")
}

#[test]
fn two_pages_that_swap_addresses_each_show_their_own() {
    let (_d, root) = site();
    let page = |title: &str, slug: &str| {
        format!("---\ntitle: {title}\ndate: 2026-11-01\nslug: {slug}\n---\n\n{title}的正文。\n")
    };
    write(&root, "content/articles/a.md", &page("文章甲", "one"));
    write(&root, "content/articles/b.md", &page("文章乙", "two"));
    let mut sources = read_site(&root).unwrap();
    let mut session = Session::new();
    assert!(session.build(&sources, &settings()).succeeded());
    assert_eq!(h1(session.output(), "articles/one/index.html"), "文章甲");
    // One change: each takes the other's address.
    write(&root, "content/articles/a.md", &page("文章甲", "two"));
    write(&root, "content/articles/b.md", &page("文章乙", "one"));
    sources
        .apply_changes(&[
            root.join("content/articles/a.md"),
            root.join("content/articles/b.md"),
        ])
        .unwrap();
    assert!(session.build(&sources, &settings()).succeeded());
    assert_eq!(h1(session.output(), "articles/one/index.html"), "文章乙");
    assert_eq!(h1(session.output(), "articles/two/index.html"), "文章甲");
    assert_as_fresh(&session, &sources, "after the swap");
}

#[test]
fn a_law_added_in_a_session_gets_its_pages_and_loses_them_when_removed() {
    let (_d, root) = site();
    let law = "content/laws/示例法律/示例法(2020-05-01).md";
    let text =
        std::fs::read_to_string(repo().join("tests/fixtures/rebuild_site").join(law)).unwrap();
    let mut sources = read_site(&root).unwrap();
    let mut session = Session::new();
    assert!(session.build(&sources, &settings()).succeeded());
    let law_pages = |s: &Session| {
        s.output()
            .paths()
            .filter(|p| p.starts_with("laws/") && p.ends_with(".html"))
            .count()
    };
    let before = law_pages(&session);
    change(&root, &mut sources, law, &text);
    assert!(session.build(&sources, &settings()).succeeded());
    assert!(
        law_pages(&session) > before,
        "the new law has pages: {:?}",
        session.output().paths().collect::<Vec<_>>()
    );
    assert_as_fresh(&session, &sources, "after adding a law");
    std::fs::remove_file(root.join(law)).unwrap();
    sources.apply_changes(&[root.join(law)]).unwrap();
    assert!(session.build(&sources, &settings()).succeeded());
    assert_eq!(law_pages(&session), before);
    assert_as_fresh(&session, &sources, "after removing it");
}

#[test]
fn a_rescan_after_lost_file_events_brings_every_change() {
    let (_d, root) = site();
    let mut sources = read_site(&root).unwrap();
    let mut session = Session::new();
    assert!(session.build(&sources, &settings()).succeeded());
    // The watcher lost track (an overflow): the files are read again, all of them.
    write(
        &root,
        "content/articles/a.md",
        "---\ntitle: 文章甲（修订）\ndate: 2026-11-01\n---\n\n正文。\n",
    );
    pufa::serve::apply_batch(&mut sources, &pufa::serve::watch::Batch::Rescan).unwrap();
    assert!(session.build(&sources, &settings()).succeeded());
    assert_eq!(
        h1(session.output(), "articles/a/index.html"),
        "文章甲（修订）"
    );
    assert_as_fresh(&session, &sources, "after a rescan");
}

#[test]
fn a_rebuild_hands_on_only_the_files_that_changed() {
    let (_d, root) = site();
    write(
        &root,
        "content/contact.md",
        "---\ntitle: 联系我们\n---\n\n电话。\n",
    );
    let mut sources = read_site(&root).unwrap();
    let mut session = Session::new();
    let first = session.build(&sources, &settings());
    assert!(first.succeeded());
    assert!(first.delta.iter().any(|(p, _)| p == "contact/index.html"));
    // Nothing changed: nothing to hand on (live reload reloads nothing).
    let again = session.build(&sources, &settings());
    assert!(again.delta.is_empty(), "{:?}", again.delta);
    change(
        &root,
        &mut sources,
        "content/articles/a.md",
        "---\ntitle: 文章甲\ndate: 2026-11-01\n---\n\n正文，补充一句。\n",
    );
    let b = session.build(&sources, &settings());
    assert!(b.succeeded());
    let paths: Vec<&str> = b.delta.iter().map(|(p, _)| p.as_str()).collect();
    assert!(paths.contains(&"articles/a/index.html"), "{paths:?}");
    for p in &paths {
        let bytes = session.output().get(p);
        let given = b.delta.iter().find(|(q, _)| q == p).unwrap().1.as_ref();
        assert_eq!(given, bytes, "{p}: the delta holds the new bytes");
    }
    for untouched in ["contact/index.html", "css/site.css", "robots.txt"] {
        assert!(
            session.output().get(untouched).is_some(),
            "{untouched} is made"
        );
        assert!(
            !paths.contains(&untouched),
            "{untouched} did not change: {paths:?}"
        );
    }
    // A change of the file that changes no output (a blank line more): its page is made
    // again, with the same bytes, and nothing is handed on.
    change(
        &root,
        &mut sources,
        "content/articles/a.md",
        "---\ntitle: 文章甲\ndate: 2026-11-01\n---\n\n正文，补充一句。\n\n\n",
    );
    let same = session.build(&sources, &settings());
    assert!(same.succeeded());
    assert!(same.delta.is_empty(), "{:?}", same.delta);
    // A new static file: only it is handed on, not the files copied before.
    change(&root, &mut sources, "static/notice.txt", "通知\n");
    let added = session.build(&sources, &settings());
    assert!(added.succeeded());
    let paths: Vec<&str> = added.delta.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(paths, ["notice.txt"]);
}

#[test]
fn a_link_to_a_heading_follows_the_heading_in_a_session() {
    let (_d, root) = site();
    let a = |heading: &str| {
        format!("---\ntitle: 文章甲\ndate: 2026-11-01\n---\n\n## {heading}\n\n正文。\n")
    };
    write(&root, "content/articles/a.md", &a("办理流程"));
    write(
        &root,
        "content/articles/b.md",
        "---\ntitle: 文章乙\ndate: 2026-11-02\n---\n\n见[流程](a.md#办理流程)。\n",
    );
    let mut sources = read_site(&root).unwrap();
    let mut session = Session::new();
    let first = session.build(&sources, &settings());
    assert!(first.succeeded(), "{:?}", first.diagnostics);
    let messages = |b: &pufa::pipeline::Build| -> Vec<String> {
        b.diagnostics.iter().map(|d| d.message.clone()).collect()
    };
    // Only a.md changes: b.md's link now leads to a place a.md no longer has.
    for (heading, ok) in [("办事流程", false), ("办理流程", true)] {
        change(&root, &mut sources, "content/articles/a.md", &a(heading));
        let b = session.build(&sources, &settings());
        let fresh = pufa::pipeline::build(&sources, &settings(), &pufa::output::NullSink);
        assert_eq!(messages(&b), messages(&fresh), "as a fresh build finds");
        assert_eq!(b.succeeded(), ok, "{:?}", messages(&b));
        if !ok {
            assert!(
                messages(&b)
                    .iter()
                    .any(|m| m.contains("没有 “#办理流程” 这个位置")),
                "{:?}",
                messages(&b)
            );
        }
    }
    assert_as_fresh(&session, &sources, "after the heading came back");
}

#[test]
fn a_session_follows_the_clock_with_no_file_changed() {
    let (_d, root) = site();
    write(
        &root,
        "content/events/days.md",
        "---\ntitle: 宪法宣传周\ndate: 2026-11-20\nstart: 2026-11-29\nend: 2026-12-01\nlocation: 镇政府\n---\n\n一连三天。\n",
    );
    write(
        &root,
        "content/articles/notice.md",
        "---\ntitle: 限时通知\ndate: 2026-11-20\nexpires: 2026-12-01T12:00:00+08:00\n---\n\n通知。\n",
    );
    let sources = read_site(&root).unwrap();
    let mut session = Session::new();
    let at = |now: &str| Settings {
        now: Now::Written(now.into()),
        ..settings()
    };
    let status_in = |session: &Session| -> String {
        let html = String::from_utf8_lossy(session.output().get("events/days/index.html").unwrap())
            .into_owned();
        text_of(&scraper::Html::parse_document(&html), ".pf-status")
    };
    assert!(
        session
            .build(&sources, &at("2026-11-28T12:00:00+08:00"))
            .succeeded()
    );
    assert_eq!(status_in(&session), "即将开始");
    assert!(session.output().get("articles/notice/index.html").is_some());
    // Only the clock moves, forwards and then back: the event starts, the notice expires,
    // the event ends; then both come back.
    for now in [
        "2026-11-30T12:00:00+08:00",
        "2026-12-01T18:00:00+08:00",
        "2026-12-03T12:00:00+08:00",
        "2026-11-28T12:00:00+08:00",
    ] {
        let settings = at(now);
        assert!(session.build(&sources, &settings).succeeded());
        assert_as_fresh_at(&session, &sources, &settings, &format!("at {now}"));
    }
    assert_eq!(status_in(&session), "即将开始");
}

/// Issue 12: a `static/` photo with GPS warns in a session, and the warning goes with the
/// photo.
#[test]
fn a_static_photo_s_gps_warning_goes_when_the_photo_goes() {
    let (_dir, root) = site();
    let photo = repo().join("content/articles/tiaojie-xianchang.jpg");
    std::fs::create_dir_all(root.join("static/img")).unwrap();
    std::fs::copy(&photo, root.join("static/img/p.jpg")).unwrap();
    let mut sources = read_site(&root).unwrap();
    let mut session = Session::new();
    let gps = |b: &pufa::pipeline::Build| {
        b.diagnostics
            .iter()
            .any(|d| d.message.contains("GPS") && d.file.as_deref() == Some("static/img/p.jpg"))
    };
    let first = session.build(&sources, &settings());
    assert!(first.succeeded() && gps(&first), "{:?}", first.diagnostics);
    std::fs::remove_file(root.join("static/img/p.jpg")).unwrap();
    sources
        .apply_changes(&[root.join("static/img/p.jpg")])
        .unwrap();
    let second = session.build(&sources, &settings());
    assert!(
        second.succeeded() && !gps(&second),
        "{:?}",
        second.diagnostics
    );
}
