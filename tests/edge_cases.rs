//! Regression tests for problems found in review: each builds a small site in a temporary
//! folder and checks what a township editor would see.

mod common;

use std::path::Path;

use common::*;

const OK: &str = "---\ntitle: 正常\ndate: 2024-12-04\n---\n\n正文。\n";

fn build(site: &Path) -> (i32, String) {
    let o = run(site, &["build", "--now", NOW]);
    (o.status.code().unwrap_or(-1), stderr(&o))
}

#[test]
fn output_folders_that_hold_other_files_are_never_replaced() {
    let outer = tempfile::tempdir().unwrap();
    let site = outer.path().join("site");
    write(
        &site.join("site.yaml"),
        "title: 测试站点\nbase_url: https://example.org/\n",
    );
    write(&site.join("content/articles/a.md"), OK);
    // A relative --output is taken from the site folder, never from the current folder.
    for out in [".", "content", "content/x", ".."] {
        let o = run(&site, &["build", "--now", NOW, "--output", out]);
        assert_eq!(o.status.code(), Some(2), "{out}: {}", stderr(&o));
        assert!(
            site.join("content/articles/a.md").is_file(),
            "{out} deleted the site"
        );
    }
    // A folder with someone else's files.
    let www = outer.path().join("www");
    write(&www.join("precious.html"), "keep me");
    let o = run(
        &site,
        &["build", "--now", NOW, "--output", www.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("不是 pufa 生成的文件"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(www.join("precious.html")).unwrap(),
        "keep me"
    );
    // An empty folder is fine, and so is a folder pufa wrote before.
    let fresh = outer.path().join("fresh");
    std::fs::create_dir(&fresh).unwrap();
    for _ in 0..2 {
        let o = run(
            &site,
            &["build", "--now", NOW, "--output", fresh.to_str().unwrap()],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
}

#[test]
fn files_that_would_overwrite_generated_pages_are_errors() {
    let d = small_site(&[
        ("content/about.md", "---\ntitle: 关于\n---\n\n关于。\n"),
        ("content/about/index.html", "<p>手写的页面</p>"),
        ("static/index.html", "<p>手写的首页</p>"),
    ]);
    let (code, err) = build(d.path());
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("static/index.html"), "{err}");
    assert!(
        err.contains("content/about/index.html") || err.contains("content/about.md"),
        "{err}"
    );
}

#[test]
fn folder_names_that_cannot_be_urls_are_errors() {
    let d = small_site(&[("content/articles/第1期#重要/a.md", OK)]);
    let (code, err) = build(d.path());
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("第1期#重要") && err.contains("“#”"), "{err}");
    // Spaces are fine: they become `-`.
    let d = small_site(&[(
        "content/lessons/法律 问答/01.md",
        "---\ntitle: 一\ndate: 2024-01-01\norder: 1\n---\n\n一。\n",
    )]);
    let (code, err) = build(d.path());
    assert_eq!(code, 0, "{err}");
    assert!(
        d.path()
            .join("public/lessons/法律-问答/01/index.html")
            .is_file()
    );
    assert!(
        d.path()
            .join("public/lessons/法律-问答/index.html")
            .is_file()
    );
}

#[test]
fn links_to_an_index_without_a_page_and_to_broken_pages() {
    let d = small_site(&[
        (
            // Not a column (a folder inside events/): no list page.
            "content/events/info/_index.md",
            "---\ntitle: 信息\n---\n\n说明。\n",
        ),
        (
            "content/articles/a.md",
            "---\ntitle: A\ndate: 2024-01-01\n---\n\n见[信息](../events/info/_index.md)和[B](b.md)。\n",
        ),
        ("content/articles/b.md", "---\ntitle: B\n---\n\n缺日期。\n"),
    ]);
    let (code, err) = build(d.path());
    assert_eq!(code, 1);
    assert!(
        err.contains("content/events/info/_index.md") && err.contains("不存在"),
        "{err}"
    );
    assert!(err.contains("缺少必填字段 “date”"), "{err}");
    assert!(
        !err.contains("content/articles/b.md 不存在"),
        "no second message for b.md:\n{err}"
    );
}

#[test]
fn withdrawn_notices_take_their_files_with_them() {
    let d = small_site(&[
        (
            "content/events/old/index.md",
            "---\ntitle: 旧通知\ndate: 2024-01-01\nstart: 2024-01-05\nlocation: 广场\nexpires: 2025-01-01\ncover: photo.svg\ncover_alt: 照片\n---\n\n[通知全文](notice.pdf)\n",
        ),
        ("content/events/old/notice.pdf", "%PDF-1.4 fake"),
        (
            "content/events/old/photo.svg",
            "<svg xmlns='http://www.w3.org/2000/svg'/>",
        ),
        (
            "content/events/n.md",
            "---\ntitle: 快过期的通知\ndate: 2026-11-01\nstart: 2026-11-05\nlocation: 广场\nexpires: 2026-11-15\n---\n\n通知。\n",
        ),
        (
            "content/articles/a.md",
            "---\ntitle: A\ndate: 2024-01-01\n---\n\n见[通知](/events/n/)。\n",
        ),
    ]);
    let (code, err) = build(d.path());
    assert_eq!(
        code, 0,
        "an expired link target is a warning, not an error:\n{err}"
    );
    assert!(err.contains("警告"), "{err}");
    let out = d.path().join("public");
    for gone in [
        "events/old/notice.pdf",
        "events/old/photo.svg",
        "events/old/index.html",
        "events/n/index.html",
    ] {
        assert!(!out.join(gone).exists(), "{gone} still published");
    }
}

#[test]
fn contact_links_follow_the_base_path_and_must_be_safe() {
    let yaml = "title: 测试站点\nbase_url: https://example.org/hgz/\ncontact:\n  complaint:\n    text: 投诉\n    url: /about/\n";
    let d = small_site(&[("content/about.md", "---\ntitle: 关于\n---\n\n关于。\n")]);
    write(&d.path().join("site.yaml"), yaml);
    let (code, err) = build(d.path());
    assert_eq!(code, 0, "{err}");
    let html = std::fs::read_to_string(d.path().join("public/index.html")).unwrap();
    assert!(
        html.contains("href=\"/hgz/about/\""),
        "contact link lacks the base path"
    );
    write(
        &d.path().join("site.yaml"),
        &yaml.replace("/about/", "javascript:alert(1)"),
    );
    let (code, err) = build(d.path());
    assert_eq!(code, 1);
    assert!(err.contains("site.yaml:6"), "{err}");
}

#[test]
fn quiz_answers_by_text_and_whole_day_event_ends() {
    let d = small_site(&[
        (
            "content/lessons/s/01.md",
            "---\ntitle: 一\ndate: 2024-01-01\norder: 1\nquiz:\n  - question: 对吗？\n    options: [对, 错]\n    answer: 对\n---\n\n一。\n",
        ),
        (
            "content/events/e.md",
            "---\ntitle: 活动\ndate: 2026-11-01\nstart: 2026-12-04 09:00\nend: 2026-12-04\nlocation: 广场\n---\n\n活动。\n",
        ),
    ]);
    let (code, err) = build(d.path());
    assert_eq!(code, 0, "{err}");
    let doc = read_html(&d.path().join("public/lessons/s/01/index.html"));
    assert!(text_of(&doc, ".pf-quiz details").contains("正确答案：A. 对"));
}

#[test]
fn control_characters_are_removed_and_feeds_stay_valid() {
    let d = small_site(&[(
        "content/articles/a.md",
        "---\ntitle: 控制字符\ndate: 2024-01-01\n---\n\n文字\u{1}带\u{b}和\u{1f}。\n",
    )]);
    let (code, err) = build(d.path());
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("控制字符") && err.contains("content/articles/a.md:6"),
        "{err}"
    );
    for feed in ["atom.xml", "articles/atom.xml"] {
        let text = std::fs::read_to_string(d.path().join("public").join(feed)).unwrap();
        roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{feed}: {e}"));
    }
}

#[test]
fn links_and_images_in_raw_html_are_checked_resolved_and_kept_on_the_site() {
    let good = "---\ntitle: 原始 HTML\ndate: 2024-12-04\ntags: [PUFA, pufa]\n---\n\n\
        <p id=\"duan\">见 <a href=\"ok.md\">正常</a>、<a href=\"/articles/ok/\">绝对</a>、\
        <a href=\"#duan\">本段</a>、<a href=\"https://example.com/?a=1&amp;b=2\">外站</a></p>\n\n\
        <figure><img src=\"photo.png\" alt=\"照片\"></figure>\n\n\
        <p><img src='photo.png' alt='单引号'> <img src=photo.png alt=无引号> \
        <img src=\"photo.png\" width=\"20\" alt=\"作者定的宽\"></p>\n";
    let dir = small_site(&[
        ("content/articles/ok.md", OK),
        ("content/articles/raw.md", good),
    ]);
    std::fs::write(
        dir.path().join("content/articles/photo.png"),
        tiny_png(40, 30),
    )
    .unwrap();
    let (code, err) = build(dir.path());
    assert_eq!(code, 0, "{err}");
    let doc = read_html(&dir.path().join("public/articles/raw/index.html"));
    let hrefs: Vec<String> = doc
        .select(&sel(".pf-body a"))
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .collect();
    assert_eq!(
        hrefs,
        [
            "/hgz/articles/ok/",
            "/hgz/articles/ok/",
            "#duan",
            "https://example.com/?a=1&b=2"
        ]
    );
    // The image is processed: its address is the PNG made of it, with its size and srcset
    // (whatever quotes the author used); a size the author gave is kept as it is.
    let imgs: Vec<_> = doc.select(&sel(".pf-body img")).collect();
    assert_eq!(imgs.len(), 4);
    for i in &imgs[..3] {
        let src = i.value().attr("src").unwrap();
        assert!(
            src.starts_with("/hgz/articles/raw/photo-40.") && src.ends_with(".png"),
            "{src}"
        );
        assert_eq!(
            (i.value().attr("width"), i.value().attr("height")),
            (Some("40"), Some("30"))
        );
        let srcset = i.value().attr("srcset").unwrap();
        assert!(
            srcset.starts_with(src) && srcset.ends_with(" 40w"),
            "{srcset}"
        );
        assert!(i.value().attr("alt").is_some());
    }
    assert_eq!(imgs[3].value().attr("width"), Some("20"));
    assert_eq!(imgs[3].value().attr("srcset"), None);
    // Two spellings of one tag make one link on the page.
    assert_eq!(doc.select(&sel(".pf-tags a")).count(), 1);

    // Broken links, a missing image and a resource from another site: located errors.
    let bad = "---\ntitle: 坏\ndate: 2024-12-04\n---\n\n<a href=\"/nowhere/\">坏</a>\n\n\
        <a href=\"missing.md\">缺</a> <img src=\"nope.png\" alt=\"x\">\n\n\
        <img src=\"https://cdn.example.com/x.png\" alt=\"外\">\n\n\
        <iframe src=\"https://player.example.com/v\"></iframe>\n";
    write(&dir.path().join("content/articles/bad.md"), bad);
    let before = tree(&dir.path().join("public"));
    let (code, err) = build(dir.path());
    assert_eq!(code, 1, "{err}");
    for (words, at) in [
        ("外部网站的内容", "content/articles/bad.md:10:11"),
        ("<iframe> 会被去掉", "content/articles/bad.md:12:1"),
    ] {
        assert!(
            err.contains(words) && err.contains(at),
            "{words} at {at}:\n{err}"
        );
    }
    // The iframe is reported once, as removed, not also as an outside resource.
    assert_eq!(err.matches("外部网站的内容").count(), 1, "{err}");
    assert_eq!(tree(&dir.path().join("public")), before);
    // Without the outside image the link errors show (a page with its own errors is not
    // link-checked).
    write(
        &dir.path().join("content/articles/bad.md"),
        &bad.replace("<img src=\"https://cdn.example.com/x.png\" alt=\"外\">", ""),
    );
    let (code, err) = build(dir.path());
    assert_eq!(code, 1, "{err}");
    for at in [
        "content/articles/bad.md:6:10",
        "content/articles/bad.md:8:10",
        "content/articles/bad.md:8:38",
    ] {
        assert!(err.contains(at), "{at}:\n{err}");
    }
}

#[test]
fn cached_fragments_follow_their_arguments_and_see_only_site_and_those() {
    let d = small_site(&[
        ("content/articles/a.md", OK),
        (
            "content/events/e.md",
            "---\ntitle: 宪法日活动\ndate: 2024-12-01\nstart: 2024-12-04 09:00\nlocation: 镇政府\n---\n\n活动。\n",
        ),
        ("content/about.md", "---\ntitle: 关于\n---\n\n关于。\n"),
    ]);
    let (code, err) = build(d.path());
    assert_eq!(code, 0, "{err}");
    // The header is rendered once per current menu item: each page marks its own section.
    let current = |page: &str| {
        let doc = read_html(&d.path().join("public").join(page).join("index.html"));
        let marked: Vec<String> = doc
            .select(&sel("header .pf-nav a[aria-current=page]"))
            .map(|a| a.text().collect())
            .collect();
        marked
    };
    assert_eq!(current("articles/a"), ["普法动态"]);
    assert_eq!(current("events/e"), ["活动通知"]);
    assert_eq!(current("articles"), ["普法动态"]);
    assert_eq!(current(""), ["首页"]);
    assert_eq!(current("about"), ["关于我们"]);
    // The same footer on every page.
    let footer = |page: &str| {
        let html =
            std::fs::read_to_string(d.path().join("public").join(page).join("index.html")).unwrap();
        let start = html.find("<footer").unwrap();
        html[start..].to_string()
    };
    assert_eq!(footer("articles/a"), footer("events/e"));
    assert!(footer("about").contains("测试站点"));
    // A fragment cannot use the page it is shown on: it would be cached for the wrong one.
    write(
        &d.path().join("themes/default/templates/footer.html"),
        "<footer>\n{{ site.title }}\n{{ page.title }}\n</footer>\n",
    );
    let (code, err) = build(d.path());
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("themes/default/templates/footer.html:3"),
        "{err}"
    );
    assert!(err.contains("include_cached"), "{err}");
    // A fragment that includes itself is an error, not a crash.
    write(
        &d.path().join("themes/default/templates/footer.html"),
        "<footer>{{ include_cached(\"footer.html\") }}</footer>\n",
    );
    let (code, err) = build(d.path());
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("循环引入"), "{err}");
}

#[cfg(unix)]
#[test]
fn file_names_that_are_not_utf8_are_errors_not_left_out() {
    use std::os::unix::ffi::OsStrExt;
    let d = small_site(&[("content/articles/ok.md", OK)]);
    // 你好 in GBK (not valid UTF-8).
    let name = std::ffi::OsStr::from_bytes(b"\xc4\xe3\xba\xc3.md");
    std::fs::write(d.path().join("content/articles").join(name), OK).unwrap();
    let (code, err) = build(d.path());
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("文件名不是 UTF-8"), "{err}");
    assert!(err.contains("content/articles/"), "{err}");
}

#[test]
fn links_to_a_place_in_another_page_or_law_are_checked() {
    let law = std::fs::read_to_string(
        repo().join("tests/fixtures/rebuild_site/content/laws/示例法律/示例法(2020-05-01).md"),
    )
    .unwrap();
    let b = "---\ntitle: 乙\ndate: 2024-12-04\n---\n\n## Rules {#rules}\n\n正文。\n";
    let a = |links: &str| format!("---\ntitle: 甲\ndate: 2024-12-04\n---\n\n{links}\n");
    let good = a("[规则](b.md#rules)、[第一条](/laws/示例法/#art-1)、[清单](/articles/#pf-main)");
    let site = small_site(&[
        ("content/laws/示例法(2020-05-01).md", &law),
        ("content/articles/b.md", b),
        ("content/articles/a.md", &good),
    ]);
    let (code, err) = build(site.path());
    assert_eq!(code, 0, "{err}");
    let page = read_html(&site.path().join("public/articles/a/index.html"));
    let hrefs: Vec<String> = page
        .select(&sel(".pf-body a"))
        .map(|e| e.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(
        hrefs,
        [
            "/hgz/articles/b/#rules",
            "/hgz/laws/%E7%A4%BA%E4%BE%8B%E6%B3%95/#art-1",
            "/hgz/articles/#pf-main",
        ]
    );
    // A heading that page does not have, and an article that law does not have.
    let bad = a(
        "[规则](b.md#no-such-rule)\n\n[第九十九条](/laws/示例法/#art-99)\n\n\
                 ## 第一节 {#s1}\n\n[本页](#s2) [乙](c/b.md)",
    );
    write(&site.path().join("content/articles/a.md"), &bad);
    let (code, err) = build(site.path());
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("链接的页面 /articles/b/ 里没有 “#no-such-rule” 这个位置"),
        "{err}"
    );
    assert!(
        err.contains("链接的页面 /laws/示例法/ 里没有 “#art-99” 这个位置"),
        "{err}"
    );
    assert!(err.contains("content/articles/a.md:6:"), "{err}");
    assert!(err.contains("content/articles/a.md:8:"), "{err}");
    // A place in the page itself: the hint lists the places it has; a file not where the
    // link says: the hint says where a file of that name is.
    assert!(err.contains("本页没有 “#s2” 这个位置"), "{err}");
    assert!(err.contains("本页的位置有：#s1"), "{err}");
    assert!(
        err.contains("链接的文件 content/articles/c/b.md 不存在"),
        "{err}"
    );
    assert!(err.contains("同名文件在 content/articles/b.md。"), "{err}");
}

#[test]
fn a_template_error_is_reported_once_with_the_number_of_pages_it_broke() {
    let page = |t: &str| format!("---\ntitle: {t}\ndate: 2024-12-04\n---\n\n正文。\n");
    let (a, b, c) = (page("甲"), page("乙"), page("丙"));
    let dir = small_site(&[
        ("themes/t/theme.yaml", "extends: default\n"),
        (
            "themes/t/templates/article.html",
            "<h1>{{ page.title }}</h1>\n{{ no_such_function() }}\n",
        ),
        ("content/articles/a.md", &a),
        ("content/articles/b.md", &b),
        ("content/articles/c.md", &c),
    ]);
    let yaml = dir.path().join("site.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap() + "theme: t\n";
    write(&yaml, &text);
    let (code, err) = build(dir.path());
    assert_eq!(code, 1, "{err}");
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("错误") && l.contains("no_such_function"))
        .collect();
    assert_eq!(lines.len(), 1, "one message for the three pages:\n{err}");
    assert!(lines[0].contains("（共 3 个页面）"), "{err}");
}

#[test]
fn the_summary_counts_the_files_written() {
    // A static file big enough for the megabytes to show.
    let pad = "法".repeat(100_000);
    let dir = small_site(&[("content/articles/a.md", OK), ("static/pad.txt", &pad)]);
    let (code, err) = build(dir.path());
    assert_eq!(code, 0, "{err}");
    let files = tree(&dir.path().join("public"));
    let bytes: usize = files.values().map(Vec::len).sum();
    let summary = err.lines().find(|l| l.starts_with("已生成")).expect(&err);
    assert!(
        summary.contains(&format!(
            "共 {} 个文件（{:.1} MB）",
            files.len(),
            bytes as f64 / 1_048_576.0
        )),
        "{summary}: {} files, {bytes} bytes",
        files.len()
    );
}

#[test]
fn links_to_missing_withdrawn_and_unreadable_pages_are_told_apart() {
    let dir = small_site(&[
        (
            "content/articles/a.md",
            "---\ntitle: 甲\ndate: 2024-12-04\n---\n\n见[没有的页面](/articles/nope/)、[草稿](draft.md)和[坏文件](bad.md)。\n",
        ),
        (
            "content/articles/draft.md",
            "---\ntitle: 草稿\ndate: 2024-12-04\ndraft: true\n---\n\n正文。\n",
        ),
        (
            "content/articles/bad.md",
            "---\ntitle: 坏文件\ndate: 2024-13-04\n---\n\n正文。\n",
        ),
    ]);
    let (code, err) = build(dir.path());
    assert_eq!(code, 1, "{err}");
    // A page that does not exist at all: an error.
    assert!(
        err.contains("链接指向的页面 /articles/nope/ 不存在"),
        "{err}"
    );
    // A draft: the link waits for it, with a warning naming it.
    let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("警告")).collect();
    assert_eq!(warnings.len(), 1, "{err}");
    assert!(
        warnings[0].contains("链接的页面 draft.md 是草稿、还没到发布时间或已过期"),
        "{err}"
    );
    // A file that could not be read: its own error says it all, the link adds nothing.
    assert!(!warnings[0].contains("bad.md"), "{err}");
    assert!(err.contains("content/articles/bad.md:3"), "{err}");
}

#[test]
fn a_page_with_many_places_lists_eight_in_the_hint() {
    let headings = |n: usize| -> String {
        (1..=n)
            .map(|i| format!("## 第{i}节 {{#s{i}}}\n\n正文。\n\n"))
            .collect()
    };
    for (n, more) in [(8, false), (9, true)] {
        let page = format!(
            "---\ntitle: 甲\ndate: 2024-12-04\n---\n\n{}[别处](#nowhere)\n",
            headings(n)
        );
        let site = small_site(&[("content/articles/a.md", &page)]);
        let (code, err) = build(site.path());
        assert_eq!(code, 1, "{err}");
        let hint = err
            .lines()
            .find(|l| l.contains("本页的位置有："))
            .expect(&err);
        assert!(hint.contains("#s1、#s2") && hint.contains("#s8"), "{hint}");
        assert!(!hint.contains("#s9"), "eight at most: {hint}");
        assert_eq!(hint.contains('…'), more, "{n} places: {hint}");
    }
}

#[test]
fn titles_of_links_and_images_are_kept_and_only_when_given() {
    let site = small_site(&[
        ("content/articles/b.md", OK),
        ("static/img/p.png", "not really a png"),
        (
            "content/articles/a.md",
            "---\ntitle: 甲\ndate: 2024-12-04\n---\n\n[有说明](b.md \"去看乙\") [无说明](b.md)\n\n![图](/img/p.png \"图注\") ![图二](/img/p.png)\n",
        ),
    ]);
    let (code, err) = build(site.path());
    assert_eq!(code, 0, "{err}");
    let page = read_html(&site.path().join("public/articles/a/index.html"));
    let titles = |css: &str| -> Vec<Option<String>> {
        page.select(&sel(css))
            .map(|e| e.value().attr("title").map(str::to_string))
            .collect()
    };
    assert_eq!(titles(".pf-body a"), [Some("去看乙".to_string()), None]);
    assert_eq!(titles(".pf-body img"), [Some("图注".to_string()), None]);
}

#[test]
fn links_in_a_series_introduction_are_resolved_and_checked() {
    let intro =
        |link: &str| format!("---\ntitle: 系列\ndescription: 说明。\n---\n\n先读{link}再上课。\n");
    let lesson = "---\ntitle: 第一课\ndate: 2024-12-04\norder: 1\n---\n\n正文。\n";
    let site = small_site(&[
        ("content/articles/b.md", OK),
        (
            "content/lessons/xilie/_index.md",
            &intro("[这篇文章](../../articles/b.md)"),
        ),
        ("content/lessons/xilie/one.md", lesson),
    ]);
    let (code, err) = build(site.path());
    assert_eq!(code, 0, "{err}");
    let page = read_html(&site.path().join("public/lessons/xilie/index.html"));
    let hrefs: Vec<&str> = page
        .select(&sel("main a"))
        .filter_map(|e| e.value().attr("href"))
        .collect();
    assert!(hrefs.contains(&"/hgz/articles/b/"), "{hrefs:?}");
    assert!(text_of(&page, "main").contains("先读这篇文章再上课"));
    write(
        &site.path().join("content/lessons/xilie/_index.md"),
        &intro("[这篇文章](../../articles/meiyou.md)"),
    );
    let (code, err) = build(site.path());
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("链接的文件 content/articles/meiyou.md 不存在")
            && err.contains("content/lessons/xilie/_index.md:6:"),
        "{err}"
    );
}
