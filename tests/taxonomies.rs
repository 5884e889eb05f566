//! A second taxonomy (分类) configured in `site.yaml`: pages name their terms in front
//! matter beside `tags:`, and the site gets an index of the terms, a page and an Atom feed
//! per term, the terms on each page, a link in the footer, and located errors for what an
//! editor can get wrong. Checked on parsed HTML and feeds.

mod common;

use std::path::Path;

use common::*;

const CONFIG: &str = "title: 测试站点\nbase_url: https://example.org/hgz/\ntaxonomies:\n  - key: categories\n    name: 分类\n";

fn page(title: &str, date: &str, extra: &str) -> String {
    format!("---\ntitle: {title}\ndate: {date}\n{extra}---\n\n{title}的正文。\n")
}

/// A site with categories: articles naming them as a flow list, a block list and a single
/// word, an event and a lesson with one, two spellings of one category, and the index's
/// own `_index.md`.
fn make_site(config: &str) -> tempfile::TempDir {
    let files: Vec<(&str, String)> = vec![
        (
            "content/articles/a.md",
            page("调解邻里纠纷", "2026-11-01", "tags: [调解]\ncategories: [矛盾调解, 婚姻家庭]\n"),
        ),
        (
            "content/articles/b.md",
            page("彩礼怎么退", "2026-11-05", "categories:\n  - 婚姻家庭\n"),
        ),
        (
            "content/articles/c.md",
            page("村务公开", "2026-10-01", "categories: Shequ Zhili\n"),
        ),
        (
            "content/articles/d.md",
            page("社区议事会", "2026-09-01", "categories: [shequ zhili]\n"),
        ),
        (
            "content/events/e.md",
            "---\ntitle: 调解员培训\ndate: 2026-08-01\nstart: 2026-08-10 09:00\nlocation: 镇政府\ncategories: [矛盾调解]\n---\n\n培训。\n".to_string(),
        ),
        (
            "content/lessons/s/_index.md",
            "---\ntitle: 系列\n---\n".to_string(),
        ),
        (
            "content/lessons/s/one.md",
            "---\ntitle: 第一课\ndate: 2026-07-01\norder: 1\ncategories: [婚姻家庭]\n---\n\n课文。\n".to_string(),
        ),
        (
            "content/categories/_index.md",
            "---\ntitle: 按分类浏览\ndescription: 本站文章的分类。\n---\n\n按工作分类找文章。\n".to_string(),
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("site.yaml"), config);
    for (p, t) in &files {
        write(&dir.path().join(p), t);
    }
    dir
}

fn titles(file: &Path, css: &str) -> Vec<String> {
    read_html(file)
        .select(&sel(css))
        .map(|a| a.text().collect::<String>().trim().to_string())
        .collect()
}

#[test]
fn a_second_taxonomy_has_an_index_term_pages_feeds_and_page_links() {
    let site = make_site(CONFIG);
    let o = run(site.path(), &["build", "--now", NOW]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = site.path().join("public");
    // The index: the `_index.md`'s title and intro, every term with its count.
    let index = out.join("categories/index.html");
    let doc = read_html(&index);
    assert_eq!(text_of(&doc, "h1"), "按分类浏览");
    let terms = titles(&index, "main .pf-tag-index a");
    assert_eq!(
        terms,
        ["Shequ Zhili 2 篇", "婚姻家庭 3 篇", "矛盾调解 2 篇"],
        "every term once, with its pages (the lesson counted, spellings merged)"
    );
    // A term: newest first, every kind of page; breadcrumbs through the index.
    let term = out.join("categories/婚姻家庭/index.html");
    assert_eq!(
        titles(&term, "main .pf-compact li > a"),
        ["彩礼怎么退", "调解邻里纠纷", "第一课"]
    );
    assert_eq!(
        titles(&term, "nav.pf-crumbs li"),
        ["首页", "按分类浏览", "婚姻家庭"]
    );
    assert_eq!(text_of(&read_html(&term), "h1"), "分类：婚姻家庭");
    let mixed = out.join("categories/矛盾调解/index.html");
    assert_eq!(
        titles(&mixed, "main .pf-compact li > a"),
        ["调解邻里纠纷", "调解员培训"]
    );
    // Its feed, linked from its page.
    let (title, entries) = feed_titles(&out.join("categories/婚姻家庭/atom.xml"));
    assert_eq!(title, "分类：婚姻家庭 - 测试站点");
    assert_eq!(entries, ["彩礼怎么退", "调解邻里纠纷", "第一课"]);
    let alternate = read_html(&term)
        .select(&sel("link[rel=alternate]"))
        .filter_map(|l| l.value().attr("href").map(str::to_string))
        .collect::<Vec<_>>();
    assert!(
        alternate
            .iter()
            .any(|h| percent_decode(h) == "/hgz/categories/婚姻家庭/atom.xml"),
        "{alternate:?}"
    );
    // A page shows its categories as links, tags as before.
    let a = read_html(&out.join("articles/a/index.html"));
    assert_eq!(text_of(&a, ".pf-terms"), "分类：矛盾调解、婚姻家庭");
    assert_eq!(text_of(&a, ".pf-tags"), "调解");
    // The footer links every taxonomy's index; no link of the site is broken.
    let footer = titles(&out.join("index.html"), "footer .pf-footer-links a");
    assert!(footer.contains(&"全部分类".to_string()), "{footer:?}");
    assert!(footer.contains(&"全部标签".to_string()), "{footer:?}");
    let (broken, checked) = check_links(&out, "/hgz/");
    assert!(broken.is_empty(), "{broken:?}");
    assert!(checked > 20);
    // The folder of the index's `_index.md` is not a column, and the sitemap lists the
    // taxonomy's pages.
    assert!(!out.join("categories/atom.xml").exists());
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("/hgz/categories/%E5%A9%9A%E5%A7%BB%E5%AE%B6%E5%BA%AD/"));
    // Two spellings of one term are one, with a warning naming the taxonomy and the line.
    let err = stderr(&o);
    assert!(
        err.contains("分类 “shequ zhili” 和 “Shequ Zhili” 的网址相同"),
        "{err}"
    );
    assert!(err.contains("content/articles/d.md:4"), "{err}");
}

#[test]
fn feeds_follow_the_setting_and_tags_can_be_renamed() {
    let config = "title: 测试站点\nbase_url: https://example.org/hgz/\ntaxonomies:\n  - key: categories\n    name: 分类\n    feed: false\n  - key: tags\n    name: 关键词\n    feed: true\n";
    let site = make_site(config);
    let o = run(site.path(), &["build", "--now", NOW]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = site.path().join("public");
    assert!(out.join("categories/婚姻家庭/index.html").exists());
    assert!(!out.join("categories/婚姻家庭/atom.xml").exists());
    let (title, entries) = feed_titles(&out.join("tags/调解/atom.xml"));
    assert_eq!(title, "关键词：调解 - 测试站点");
    assert_eq!(entries, ["调解邻里纠纷"]);
    let tag = out.join("tags/调解/index.html");
    assert_eq!(titles(&tag, "nav.pf-crumbs li"), ["首页", "关键词", "调解"]);
    assert_eq!(
        text_of(&read_html(&out.join("tags/index.html")), "h1"),
        "关键词"
    );
}

#[test]
fn mistakes_are_located_errors() {
    // Categories on a site that has none: an unknown key, with the line.
    let site = make_site("title: 测试站点\nbase_url: https://example.org/hgz/\n");
    let o = run(site.path(), &["build", "--now", NOW]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("不认识的字段 “categories”"), "{err}");
    assert!(err.contains("content/articles/b.md:4"), "{err}");
    assert!(!site.path().join("public").exists());
    // A category that is not a word or a list, and a misspelt key with a suggestion; the
    // lines of the keys after the block stay right.
    let site = make_site(CONFIG);
    write(
        &site.path().join("content/articles/b.md"),
        "---\ntitle: 彩礼怎么退\ncategories:\n  a: b\ndate: 2026-11-05\n---\n\n正文。\n",
    );
    write(
        &site.path().join("content/articles/c.md"),
        "---\ntitle: 村务公开\ncategory: [社区]\ndate: 2026-11-05\ndat: x\n---\n\n正文。\n",
    );
    let o = run(site.path(), &["build", "--now", NOW]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("content/articles/b.md:3"), "{err}");
    assert!(err.contains("categories（分类）的值写得不对"), "{err}");
    assert!(err.contains("categories: [婚姻家庭, 邻里纠纷]"), "{err}");
    assert!(err.contains("content/articles/c.md:3"), "{err}");
    assert!(
        err.contains("“categories”"),
        "the hint proposes the key: {err}"
    );
    // site.yaml: a key that is already taken, and one that cannot be an address.
    let site = make_site(
        "title: 测试站点\nbase_url: https://example.org/hgz/\ntaxonomies:\n  - key: date\n    name: 日期\n  - key: 分类\n    name: 分类\n",
    );
    let o = run(site.path(), &["build", "--now", NOW]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("site.yaml:3"), "{err}");
    assert!(err.contains("key “date” 已经另有用处"), "{err}");
    assert!(err.contains("key “分类” 不能用作字段名和网址"), "{err}");
}

#[test]
fn the_demo_site_has_categories() {
    let out = demo_site();
    let terms = titles(&out.join("categories/index.html"), "main .pf-tag-index a");
    assert!(terms.len() >= 4, "{terms:?}");
    let page = read_html(&out.join("articles/yian-shifa/caili-fanhuan/index.html"));
    assert!(text_of(&page, ".pf-terms").contains("婚姻家庭"));
    assert!(out.join("categories/矛盾调解/atom.xml").exists());
}
