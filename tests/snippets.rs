//! Snippets in Markdown (`{{< name key="value" >}}`): a CSV file beside the page as an
//! accessible table, a local video as a player, a statute article quoted in full with its
//! link, the 12348 hotline box of the default theme, and a site's own snippet; a snippet in
//! code stays as written; errors name the file and line; `serve` follows an edit of the CSV.

mod common;

use std::path::Path;

use common::*;

const CSV: &str = "村,案件数,调解成功率\n沙枣林村,12,91.7%\n\"红柳, 东村\",\"1,024\",98%\n";

const PAGE: &str = "---\ntitle: 片段\ndate: 2026-11-01\n---\n\n各村的数字如下。\n\n\
{{< table file=\"anjian.csv\" caption=\"2025年各村调解案件数\" >}}\n\n\
{{< statute \"《民法典》第一千零四十三条\" >}}\n\n\
{{< video file=\"fangzha.mp4\" title=\"防诈骗微视频\" >}}\n\n\
{{< hotline >}}\n\n\
{{< tongzhi date=\"12月4日\" >}}\n\n\
写法示例：`{{< hotline >}}`。\n";

fn site() -> tempfile::TempDir {
    let site = small_site(&[
        ("content/articles/a.md", PAGE),
        ("content/articles/anjian.csv", CSV),
        ("content/articles/fangzha.mp4", "not really a video"),
        (
            "templates/snippets/tongzhi.html",
            "<p class=\"site-notice\">{{ args.date }}国家宪法日，{{ site.title }}欢迎参加。</p>",
        ),
    ]);
    write(
        &site.path().join("site.yaml"),
        "title: 测试站点\nbase_url: https://example.org/hgz/\ncontact:\n  phone: 0000-1234567\n",
    );
    copy_dir(
        &repo().join("content/laws"),
        &site.path().join("content/laws"),
    );
    site
}

fn build(site: &Path) -> scraper::Html {
    let o = run(site, &["build", "--now", NOW]);
    assert!(o.status.success(), "{}", stderr(&o));
    read_html(&site.join("public/articles/a/index.html"))
}

fn texts(doc: &scraper::Html, css: &str) -> Vec<String> {
    doc.select(&sel(css))
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

#[test]
fn each_built_in_snippet_renders() {
    let site = site();
    let doc = build(site.path());
    // The table: caption, column headers with scope, row headers, numbers right-aligned.
    assert_eq!(texts(&doc, "table caption"), ["2025年各村调解案件数"]);
    assert_eq!(
        texts(&doc, "table th[scope=col]"),
        ["村", "案件数", "调解成功率"]
    );
    assert_eq!(
        texts(&doc, "table th[scope=row]"),
        ["沙枣林村", "红柳, 东村"]
    );
    assert_eq!(
        texts(&doc, "table td.pf-num"),
        ["12", "91.7%", "1,024", "98%"]
    );
    assert_eq!(doc.select(&sel("table th[scope=col].pf-num")).count(), 2);
    // The statute article, quoted in full, linked to its anchor in the library.
    let quote = texts(&doc, "figure.pf-statute-quote blockquote p");
    assert_eq!(quote.len(), 2, "{quote:?}");
    assert!(quote[0].starts_with("家庭应当树立优良家风"), "{quote:?}");
    let href = doc
        .select(&sel("figure.pf-statute-quote figcaption a"))
        .next()
        .and_then(|a| a.value().attr("href"))
        .unwrap()
        .to_string();
    assert!(
        href.starts_with("/hgz/laws/") && href.ends_with("#art-1043"),
        "{href}"
    );
    // The video: a player that loads nothing until played, with a download link.
    let video = doc.select(&sel("video")).next().expect("a video player");
    assert_eq!(video.value().attr("preload"), Some("none"));
    assert!(video.value().attr("controls").is_some());
    assert!(!texts(&doc, "a[download]").is_empty());
    // The 12348 box of the default theme, with the site's own phone number.
    let hotline = texts(&doc, "aside.pf-hotline").join("");
    assert!(
        hotline.contains("12348") && hotline.contains("0000-1234567"),
        "{hotline}"
    );
    assert_eq!(
        doc.select(&sel("aside.pf-hotline a[href='tel:12348']"))
            .count(),
        1
    );
    // The site's own snippet, with its argument and the site's title.
    assert_eq!(
        texts(&doc, "p.site-notice"),
        ["12月4日国家宪法日，测试站点欢迎参加。"]
    );
    // In code, a snippet is text.
    assert_eq!(texts(&doc, ".pf-body code"), ["{{< hotline >}}"]);
    let (broken, checked) = check_links(&site.path().join("public"), "/hgz/");
    assert!(broken.is_empty() && checked > 0, "{broken:?}");
}

#[test]
fn a_site_overrides_a_theme_snippet_and_bad_tables_are_located() {
    let site = site();
    write(
        &site.path().join("templates/snippets/hotline.html"),
        "<aside class=\"pf-box\"><p class=\"own-hotline\">本镇热线 {{ args.number or '12348' }}</p></aside>",
    );
    let doc = build(site.path());
    assert_eq!(texts(&doc, "p.own-hotline"), ["本镇热线 12348"]);
    // A table that is not UTF-8 (as Excel saves it), a missing file, a missing caption.
    std::fs::write(
        site.path().join("content/articles/gbk.csv"),
        [0xB4, 0xE5, 0x2C, 0x31, 0x0A],
    )
    .unwrap();
    write(
        &site.path().join("content/articles/b.md"),
        "---\ntitle: 坏表格\ndate: 2026-11-01\n---\n\n{{< table file=\"gbk.csv\" caption=\"表\" >}}\n\n\
{{< table file=\"nosuch.csv\" caption=\"表\" >}}\n\n{{< table file=\"anjian.csv\" >}}\n\n有事请拨 {{< hotline >}} 咨询。\n",
    );
    let o = run(site.path(), &["build", "--now", NOW]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    for needle in [
        "content/articles/b.md:6:1",
        "表格文件 gbk.csv 不是 UTF-8 编码",
        "CSV UTF-8",
        "content/articles/b.md:8:1",
        "找不到表格文件 nosuch.csv",
        "content/articles/b.md:10:1",
        "片段 table 缺少参数 caption",
        "content/articles/b.md:12:6",
        "要单独占一段",
    ] {
        assert!(err.contains(needle), "{needle} in:\n{err}");
    }
}

#[test]
fn serve_follows_an_edit_of_the_table() {
    let site = site();
    let s = serve(site.path(), &[]);
    let p = s.port;
    let (status, body) = get_text(p, "/hgz/articles/a/");
    assert_eq!(status, 200);
    assert!(body.contains("91.7%"), "{body}");
    atomic_write(
        &site.path().join("content/articles/anjian.csv"),
        &CSV.replace("91.7%", "88.8%"),
    );
    wait_until(10, "the edited table served", || {
        get_text(p, "/hgz/articles/a/").1.contains("88.8%")
    });
}
