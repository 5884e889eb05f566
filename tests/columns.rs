//! 栏目 (columns): a folder under `content/` with an `_index.md` becomes a column of
//! article-like pages — a paginated list in its own order, an Atom feed, an entry in the
//! default menu and a block on the home page, breadcrumbs and `ColumnName` on its pages —
//! and a folder with an `_index.md` inside `articles/` or inside a column is a column nested
//! in it. Checked on the parsed HTML and feeds of a small site, and on the demo site.

mod common;

use std::path::Path;

use common::*;

fn page(title: &str, date: &str, extra: &str) -> String {
    format!("---\ntitle: {title}\ndate: {date}\n{extra}---\n\n{title}的正文。\n")
}

/// A site without `menu:` and with three columns: 公示公告 (two pages a list page, one
/// nested column 村务公开 inside it), 村规民约 sorted by title and kept out of the site's
/// feed and the home page, and 以案释法 inside `articles/`.
fn site() -> tempfile::TempDir {
    let mut files: Vec<(String, String)> = vec![
        (
            "content/gonggao/_index.md".into(),
            "---\ntitle: 公示公告\ndescription: 镇里的公示。\norder: 1\npage_size: 2\n---\n\n公示期内有意见请反映。\n".into(),
        ),
        (
            "content/gonggao/cunwu/_index.md".into(),
            "---\ntitle: 村务公开\n---\n".into(),
        ),
        (
            "content/cungui/_index.md".into(),
            "---\ntitle: 村规民约\norder: 2\nsort: title\nhome: false\nfeed: false\n---\n".into(),
        ),
        (
            "content/articles/anli/_index.md".into(),
            "---\ntitle: 以案释法\n---\n".into(),
        ),
        (
            "content/articles/a.md".into(),
            page("普通文章", "2026-10-01", ""),
        ),
        (
            "content/articles/anli/caili.md".into(),
            page("彩礼纠纷", "2026-09-01", ""),
        ),
        ("content/about.md".into(), "---\ntitle: 关于\n---\n\n关于本站。\n".into()),
    ];
    for (k, d) in ["2026-11-01", "2026-11-05", "2026-11-09"]
        .iter()
        .enumerate()
    {
        files.push((
            format!("content/gonggao/g{k}.md"),
            page(&format!("公示{k}"), d, ""),
        ));
    }
    files.push((
        "content/gonggao/cunwu/caiwu.md".into(),
        page("第三季度财务公开", "2026-10-15", ""),
    ));
    for (k, t) in ["第十条 红白事", "第二条 彩礼", "第一条 总则"]
        .iter()
        .enumerate()
    {
        files.push((format!("content/cungui/t{k}.md"), page(t, "2026-08-01", "")));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    small_site(&refs)
}

fn build(site: &Path) -> std::path::PathBuf {
    let o = run(site, &["build", "--now", NOW]);
    assert!(o.status.success(), "{}", stderr(&o));
    site.join("public")
}

/// The titles of the cards of a list page.
fn card_titles(file: &Path) -> Vec<String> {
    let doc = read_html(file);
    doc.select(&sel(".pf-card-title a"))
        .map(|a| a.text().collect::<String>())
        .collect()
}

fn crumbs(file: &Path) -> Vec<String> {
    let doc = read_html(file);
    doc.select(&sel("nav.pf-crumbs li"))
        .map(|li| li.text().collect::<String>().trim().to_string())
        .collect()
}

fn column_name(file: &Path) -> String {
    let doc = read_html(file);
    doc.select(&sel("meta[name=ColumnName]"))
        .next()
        .and_then(|m| m.value().attr("content"))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn a_column_has_its_list_pages_feed_menu_entry_and_home_block() {
    let site = site();
    let out = build(site.path());
    // The list, two to a page (page_size: 2), newest first, the nested column's page
    // included; its intro and the nested column linked from the first page.
    let first = out.join("gonggao/index.html");
    assert_eq!(card_titles(&first), ["公示2", "公示1"]);
    assert_eq!(
        card_titles(&out.join("gonggao/page/2/index.html")),
        ["公示0", "第三季度财务公开"]
    );
    let doc = read_html(&first);
    assert_eq!(text_of(&doc, "h1"), "公示公告");
    assert!(text_of(&doc, ".pf-intro").contains("公示期内有意见请反映"));
    let subs: Vec<String> = doc
        .select(&sel("main nav[aria-label] .pf-tag-index a"))
        .map(|a| a.value().attr("href").unwrap_or("").to_string())
        .collect();
    assert_eq!(subs, ["/hgz/gonggao/cunwu/"]);
    assert_eq!(column_name(&first), "公示公告");

    // Its pages: breadcrumbs through the column (and the column that holds a nested one),
    // ColumnName, and the column's name on their cards.
    let g = out.join("gonggao/g0/index.html");
    assert_eq!(crumbs(&g), ["首页", "公示公告", "公示0"]);
    assert_eq!(column_name(&g), "公示公告");
    let nested = out.join("gonggao/cunwu/caiwu/index.html");
    assert_eq!(
        crumbs(&nested),
        ["首页", "公示公告", "村务公开", "第三季度财务公开"]
    );
    assert_eq!(column_name(&nested), "村务公开");
    assert_eq!(
        crumbs(&out.join("gonggao/cunwu/index.html")),
        ["首页", "公示公告", "村务公开"]
    );

    // Feeds: each column's own, newest first; the site's has column pages unless the
    // column says `feed: false`; the articles' feed has articles only.
    let (title, entries) = feed_titles(&out.join("gonggao/atom.xml"));
    assert_eq!(title, "公示公告 - 测试站点");
    assert_eq!(entries, ["公示2", "公示1", "公示0", "第三季度财务公开"]);
    let (_, cungui) = feed_titles(&out.join("cungui/atom.xml"));
    assert_eq!(cungui.len(), 3);
    let (_, all) = feed_titles(&out.join("atom.xml"));
    assert!(all.contains(&"公示2".to_string()), "{all:?}");
    for t in ["第十条 红白事", "第二条 彩礼", "第一条 总则"] {
        assert!(!all.iter().any(|e| e == t), "{t} (feed: false) in {all:?}");
    }
    let (_, articles) = feed_titles(&out.join("articles/atom.xml"));
    assert_eq!(articles, ["普通文章", "彩礼纠纷"]);

    // The default menu: the columns that ask (top-level ones), in their order, before 关于.
    let home = read_html(&out.join("index.html"));
    let menu: Vec<String> = home
        .select(&sel(".pf-nav a"))
        .map(|a| a.text().collect::<String>().trim().to_string())
        .collect();
    let at = |name: &str| menu.iter().position(|m| m == name);
    let (g, c, about) = (at("公示公告"), at("村规民约"), at("关于我们"));
    assert!(g.is_some() && c.is_some() && about.is_some(), "{menu:?}");
    assert!(g < c && c < about, "{menu:?}");
    assert!(
        at("村务公开").is_none(),
        "a nested column stays out: {menu:?}"
    );

    // The home page: a block for 公示公告 (not for 村规民约, `home: false`).
    let blocks: Vec<String> = home
        .select(&sel(".pf-home-block h2"))
        .map(|h| h.text().collect())
        .collect();
    assert!(blocks.contains(&"公示公告".to_string()), "{blocks:?}");
    assert!(!blocks.contains(&"村规民约".to_string()), "{blocks:?}");
    let more = home
        .select(&sel(".pf-home-block a[href='/hgz/gonggao/']"))
        .count();
    assert_eq!(more, 1);
    let (broken, checked) = check_links(&out, "/hgz/");
    assert!(broken.is_empty() && checked > 0, "{broken:?}");
}

#[test]
fn a_column_inside_articles_and_sorting_by_title() {
    let site = site();
    let out = build(site.path());
    // 以案释法 is a column inside articles/: its pages are also articles.
    assert_eq!(
        card_titles(&out.join("articles/index.html")),
        ["普通文章", "彩礼纠纷"]
    );
    assert_eq!(
        card_titles(&out.join("articles/anli/index.html")),
        ["彩礼纠纷"]
    );
    assert_eq!(
        crumbs(&out.join("articles/anli/caili/index.html")),
        ["首页", "普法动态", "以案释法", "彩礼纠纷"]
    );
    let (_, entries) = feed_titles(&out.join("articles/anli/atom.xml"));
    assert_eq!(entries, ["彩礼纠纷"]);
    // Sorted by title, numbers as numbers: 第一, 第二, 第十.
    assert_eq!(
        card_titles(&out.join("cungui/index.html")),
        ["第一条 总则", "第二条 彩礼", "第十条 红白事"]
    );
    // A column is article-like: its pages need a date.
    std::fs::write(
        site.path().join("content/gonggao/nodate.md"),
        "---\ntitle: 没有日期\n---\n\n正文。\n",
    )
    .unwrap();
    let o = run(site.path(), &["build", "--now", NOW]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("content/gonggao/nodate.md") && err.contains("date"),
        "{err}"
    );
}

#[test]
fn sorting_by_order_and_column_settings_are_checked() {
    let site = small_site(&[
        (
            "content/banshi/_index.md",
            "---\ntitle: 办事指南\nsort: order\n---\n",
        ),
        (
            "content/banshi/b.md",
            &page("申请法律援助", "2026-01-01", "order: 2\n"),
        ),
        (
            "content/banshi/a.md",
            &page("申请人民调解", "2026-02-01", "order: 1\n"),
        ),
        ("content/banshi/c.md", &page("其他事项", "2026-03-01", "")),
    ]);
    let out = build(site.path());
    assert_eq!(
        card_titles(&out.join("banshi/index.html")),
        ["申请人民调解", "申请法律援助", "其他事项"]
    );
    // A bad sort word, a page size of 0, and a column key outside a column: errors at
    // their lines.
    write(
        &site.path().join("content/banshi/_index.md"),
        "---\ntitle: 办事指南\nsort: 随便\npage_size: 0\n---\n",
    );
    write(
        &site.path().join("content/events/_index.md"),
        "---\ntitle: 活动\nmenu: false\n---\n",
    );
    let o = run(site.path(), &["build", "--now", NOW]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    for needle in [
        "content/banshi/_index.md:3",
        "排序方式 sort “随便” 不认识",
        "content/banshi/_index.md:4",
        "每页条数 page_size 不能是 0",
        "content/events/_index.md:3",
        "“menu” 只能写在栏目的 _index.md 里",
    ] {
        assert!(err.contains(needle), "{needle} in:\n{err}");
    }
}

#[test]
fn the_demo_site_has_two_columns_one_nested() {
    let out = demo_site();
    assert!(card_titles(&out.join("gonggao/index.html")).len() >= 3);
    assert!(card_titles(&out.join("articles/yian-shifa/index.html")).len() >= 3);
    let home = read_html(&out.join("index.html"));
    let menu: Vec<String> = home
        .select(&sel(".pf-nav a"))
        .map(|a| a.text().collect::<String>().trim().to_string())
        .collect();
    assert!(menu.contains(&"公示公告".to_string()), "{menu:?}");
    let (_, entries) = feed_titles(&out.join("gonggao/atom.xml"));
    assert!(entries.len() >= 3);
}
