//! The demo site (this repository's `content/`) built by the real binary: links, feeds,
//! sitemap, the township's facts, withdrawn pages, determinism and government meta tags.

mod common;

use std::path::Path;

use common::*;

const BASE_PATH: &str = "/hgz/";

/// The demo site, built once for all tests of this file.
fn demo() -> &'static Path {
    demo_site()
}

fn page(path: &str) -> scraper::Html {
    let f = demo().join(path).join("index.html");
    assert!(f.is_file(), "missing page {}", f.display());
    read_html(&f)
}

#[test]
fn every_internal_link_and_src_resolves() {
    let (problems, checked) = check_links(demo(), BASE_PATH);
    assert!(checked > 1000, "only {checked} links checked");
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn feeds_and_sitemap_are_well_formed_and_complete() {
    for feed in [
        "atom.xml",
        "articles/atom.xml",
        "events/atom.xml",
        "lessons/atom.xml",
    ] {
        let text = std::fs::read_to_string(demo().join(feed)).unwrap();
        let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{feed}: {e}"));
        let entries = doc
            .descendants()
            .filter(|n| n.has_tag_name("entry"))
            .count();
        assert!(entries > 0, "{feed} has no entries");
        for e in doc.descendants().filter(|n| n.has_tag_name("entry")) {
            let link = e.children().find(|n| n.has_tag_name("link")).unwrap();
            let href = link.attribute("href").unwrap();
            assert!(
                href.starts_with("https://example.gov.cn/hgz/"),
                "{feed}: {href}"
            );
        }
    }
    let text = std::fs::read_to_string(demo().join("sitemap.xml")).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    let locs: std::collections::BTreeSet<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .map(|n| n.text().unwrap().to_string())
        .collect();
    let mut html_pages = 0;
    for (rel, _) in tree(demo()) {
        if !rel.ends_with("index.html") {
            continue;
        }
        html_pages += 1;
        let dir = rel.trim_end_matches("index.html");
        let encoded: String = dir
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        let url = format!("https://example.gov.cn/hgz/{encoded}");
        assert!(locs.contains(&url), "sitemap lacks {url}");
    }
    assert_eq!(
        locs.len(),
        html_pages,
        "sitemap lists pages that do not exist"
    );
    let robots = std::fs::read_to_string(demo().join("robots.txt")).unwrap();
    assert!(robots.contains("Sitemap: https://example.gov.cn/hgz/sitemap.xml"));
}

#[test]
fn pages_carry_the_townships_facts() {
    let cases = [
        (
            "articles/fengqiao-jingyan",
            &["11个调解委员会", "51起", "37.7万元", "枫桥经验"][..],
        ),
        ("articles/xianfa-xuanchuanzhou", &["28场次", "宪法"][..]),
        (
            "articles/shui-zhifa-shui-pufa",
            &["120余场次", "3200余人次"][..],
        ),
        ("articles/falv-mingbairen", &["法律明白人", "50户"][..]),
        (
            "articles/fazhi-guangchang",
            &["沙枣林村法治文化长廊", "20余期"][..],
        ),
        ("about", &["宋杰", "罗正武"][..]),
    ];
    for (path, facts) in cases {
        let doc = page(path);
        let body = text_of(&doc, "main");
        for f in facts {
            assert!(body.contains(f), "{path} does not say {f}");
        }
    }
}

#[test]
fn chinese_slugs_are_kept_and_linked_percent_encoded() {
    let f = demo().join("articles/民法典相伴/index.html");
    assert!(f.is_file());
    // The article is on one of the list's pages.
    let hrefs: Vec<String> = ["articles", "articles/page/2"]
        .iter()
        .flat_map(|p| {
            let doc = page(p);
            doc.select(&sel("a"))
                .filter_map(|a| a.value().attr("href").map(str::to_string))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        hrefs
            .iter()
            .any(|h| h == "/hgz/articles/%E6%B0%91%E6%B3%95%E5%85%B8%E7%9B%B8%E4%BC%B4/"),
        "{hrefs:?}"
    );
}

#[test]
fn drafts_and_expired_notices_are_nowhere() {
    let all = tree(demo());
    for (rel, bytes) in &all {
        assert!(!rel.contains("fangzha-tixing"), "draft written: {rel}");
        assert!(
            !rel.contains("falv-mingbairen-peixun-2025"),
            "expired notice written: {rel}"
        );
        if rel.ends_with(".html") || rel.ends_with(".xml") {
            let text = String::from_utf8_lossy(bytes);
            assert!(!text.contains("fangzha-tixing"), "{rel} links the draft");
            assert!(
                !text.contains("falv-mingbairen-peixun-2025"),
                "{rel} links the expired notice"
            );
        }
    }
}

#[test]
fn events_split_into_upcoming_and_past() {
    let doc = page("events");
    let upcoming = text_of(&doc, "section[aria-labelledby=pf-upcoming]");
    let past = text_of(&doc, "section[aria-labelledby=pf-past]");
    assert!(upcoming.contains("国家宪法日"), "{upcoming}");
    assert!(!upcoming.contains("已结束"));
    assert!(past.contains("人民调解员业务培训"), "{past}");
    assert!(!past.contains("即将开始"));
    // The 2026 宪法宣传周 runs 12-01 to 12-07: ongoing at the fixed now.
    assert!(upcoming.contains("正在进行"), "{upcoming}");
}

#[test]
fn lessons_follow_their_order_with_prev_and_next() {
    let doc = page("lessons/minfadian");
    let titles: Vec<String> = doc
        .select(&sel(".pf-series-lessons h2 a"))
        .map(|a| a.text().collect())
        .collect();
    assert!(titles.len() >= 4, "{titles:?}");
    assert!(titles[0].starts_with("第一课"), "{titles:?}");
    assert!(titles[1].starts_with("第二课"), "{titles:?}");
    let first = page("lessons/minfadian/01-hunyin-ziyou");
    assert!(
        first
            .select(&sel(".pf-prevnext a[rel=prev]"))
            .next()
            .is_none()
    );
    let next = first
        .select(&sel(".pf-prevnext a[rel=next]"))
        .next()
        .unwrap();
    assert_eq!(
        next.value().attr("href"),
        Some("/hgz/lessons/minfadian/02-jicheng/")
    );
    assert!(text_of(&first, ".pf-byline").contains("第 1 课 / 共 5 课"));
    // Quiz answers are revealed by <details> without JavaScript.
    assert!(first.select(&sel(".pf-quiz details summary")).count() >= 2);
}

#[test]
fn government_meta_tags_and_open_graph() {
    let doc = page("articles/fengqiao-jingyan");
    let meta = |name: &str| {
        doc.select(&sel(&format!("meta[name={name}]")))
            .next()
            .and_then(|m| m.value().attr("content").map(str::to_string))
            .unwrap_or_else(|| panic!("no meta {name}"))
    };
    assert_eq!(meta("SiteName"), "皇宫镇普法网");
    assert_eq!(meta("SiteIDCode"), "0000000000");
    assert_eq!(meta("ColumnName"), "普法动态");
    assert!(!meta("ArticleTitle").is_empty());
    assert!(meta("PubDate").starts_with("20"));
    // The page's author, or the site's content_source.
    assert_eq!(meta("ContentSource"), "皇宫镇司法所");
    let about = page("about");
    let source = about
        .select(&sel("meta[name=ContentSource]"))
        .next()
        .and_then(|m| m.value().attr("content"));
    assert_eq!(source, Some("皇宫镇人民政府"));
    assert!(!meta("description").is_empty());
    let og = doc.select(&sel("meta[property='og:url']")).next().unwrap();
    assert_eq!(
        og.value().attr("content"),
        Some("https://example.gov.cn/hgz/articles/fengqiao-jingyan/")
    );
    let html = doc.select(&sel("html")).next().unwrap();
    assert_eq!(html.value().attr("lang"), Some("zh-CN"));
    assert!(
        doc.select(&sel("a.pf-skip[href='#pf-main']"))
            .next()
            .is_some()
    );
}

#[test]
fn every_page_carries_the_government_meta_tags() {
    // Lists, the home page, tag pages, calendars, law pages, print views and the 404 page
    // too, not only articles.
    let mut checked = 0;
    for e in walkdir::WalkDir::new(demo()).sort_by_file_name() {
        let e = e.unwrap();
        if e.path().extension().is_none_or(|x| x != "html") {
            continue;
        }
        let rel = e.path().strip_prefix(demo()).unwrap().display().to_string();
        let doc = read_html(e.path());
        let meta = |name: &str| {
            let found: Vec<String> = doc
                .select(&sel(&format!("meta[name={name}]")))
                .filter_map(|m| m.value().attr("content").map(str::to_string))
                .collect();
            assert_eq!(found.len(), 1, "{rel}: meta {name} should appear once");
            assert!(!found[0].trim().is_empty(), "{rel}: meta {name} is empty");
            found[0].clone()
        };
        assert_eq!(meta("SiteName"), "皇宫镇普法网", "{rel}");
        assert_eq!(meta("SiteIDCode"), "0000000000", "{rel}");
        meta("ColumnName");
        meta("ArticleTitle");
        meta("ContentSource");
        let date = meta("PubDate");
        let shape = date.len() >= 10
            && date[..10].chars().enumerate().all(|(i, c)| {
                if i == 4 || i == 7 {
                    c == '-'
                } else {
                    c.is_ascii_digit()
                }
            });
        assert!(shape, "{rel}: PubDate {date:?} is not YYYY-MM-DD[ HH:MM]");
        checked += 1;
    }
    assert!(checked > 60, "only {checked} pages");
    // A list's date is that of the newest page it shows; the home page is titled after
    // the site.
    let home = page("");
    let content = |doc: &scraper::Html, name: &str| {
        doc.select(&sel(&format!("meta[name={name}]")))
            .next()
            .and_then(|m| m.value().attr("content").map(str::to_string))
            .unwrap()
    };
    assert_eq!(content(&home, "ArticleTitle"), "皇宫镇普法网");
    let list = page("articles");
    let newest = list
        .select(&sel(".pf-card time"))
        .filter_map(|t| t.value().attr("datetime").map(|d| d[..10].to_string()))
        .max()
        .unwrap();
    assert!(content(&list, "PubDate").starts_with(&newest));
}

#[test]
fn share_cards_use_bitmap_covers_only() {
    // WeChat shows no SVG in a share card: an SVG cover is shown on the page, and the
    // theme's bitmap is shared instead.
    let doc = page("articles/fazhi-guangchang");
    assert!(
        doc.select(&sel(".pf-cover img[src$='.svg']"))
            .next()
            .is_some(),
        "the SVG cover is on the page"
    );
    let og = doc
        .select(&sel("meta[property='og:image']"))
        .next()
        .and_then(|m| m.value().attr("content"))
        .unwrap();
    assert_eq!(og, "https://example.gov.cn/hgz/img/share.png");
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_dir(&repo().join("tests/fixtures/serve_site"), &site);
    write(
        &site.join("content/articles/photo.md"),
        "---\ntitle: 有照片\ndate: 2026-11-01\ncover: photo.jpg\ncover_alt: 村民听讲座\n---\n\n正文。\n",
    );
    std::fs::write(site.join("content/articles/photo.jpg"), tiny_jpeg(64, 48)).unwrap();
    let out = dir.path().join("out");
    build_into(&site, &out, &[]);
    let doc = read_html(&out.join("articles/photo/index.html"));
    let og = doc
        .select(&sel("meta[property='og:image']"))
        .next()
        .and_then(|m| m.value().attr("content"))
        .unwrap()
        .to_string();
    // The share image is a JPEG made from the photo (no original is published).
    assert!(
        og.contains("/articles/photo/photo-64.") && og.ends_with(".jpg"),
        "{og}"
    );
}

#[test]
fn reading_time_counts_chinese_characters() {
    let doc = page("articles/fengqiao-jingyan");
    let byline = text_of(&doc, ".pf-byline");
    let chars: usize = byline
        .split(" 字")
        .next()
        .and_then(|s| s.split_whitespace().last())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(chars > 300, "{byline}");
    let minutes = chars.div_ceil(400).max(1);
    assert!(
        byline.contains(&format!("阅读约 {minutes} 分钟")),
        "{byline}"
    );
}

#[test]
fn building_twice_gives_identical_trees() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    build_into(&repo(), &a, &[]);
    build_into(&repo(), &b, &[]);
    let (ta, tb) = (tree(&a), tree(&b));
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (k, v) in &ta {
        assert!(tb[k] == *v, "{k} differs between two builds");
    }
}

#[test]
fn no_external_resources_anywhere() {
    for (rel, bytes) in tree(demo()) {
        if !(rel.ends_with(".html") || rel.ends_with(".css") || rel.ends_with(".js")) {
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        for bad in [
            "@import",
            "fonts.googleapis",
            "cdn.",
            "googletagmanager",
            "<script src=\"http",
            "url(http",
        ] {
            assert!(!text.contains(bad), "{rel} contains {bad}");
        }
    }
}
