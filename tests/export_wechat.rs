//! `pufa export wechat` (issue 16): every demo article, event and lesson exported, and each
//! fragment parsed with a real HTML parser: nothing the 公众号 editor drops or refuses, only
//! allow-listed inline styles, no link leaving WeChat; every reference number with one entry
//! and every entry used; each quoted article equal to the statute library's page; every
//! image uploadable and without EXIF; the same bytes twice; bad input refused with nothing
//! written outside `--out`.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::*;
use scraper::{ElementRef, Html};

/// Export everything dated since 2000 into `out`: the exported folders.
fn export_all(site: &Path, out: &Path) -> Vec<PathBuf> {
    let o = run(
        site,
        &[
            "export",
            "wechat",
            "--since",
            "2000-01-01",
            "--now",
            NOW,
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    dirs
}

fn fragment(dir: &Path) -> (String, Html) {
    let text = std::fs::read_to_string(dir.join("article.html")).unwrap();
    let doc = Html::parse_fragment(&text);
    (text, doc)
}

fn all_elements(doc: &Html) -> Vec<ElementRef<'_>> {
    doc.root_element()
        .descendants()
        .filter_map(ElementRef::wrap)
        .collect()
}

/// Acceptance 1: no element or attribute the editor drops, only allowed properties, no
/// link out of WeChat.
fn check_structure(dir: &Path, doc: &Html) {
    const FORBIDDEN: &[&str] = &[
        "style", "script", "link", "iframe", "form", "input", "button", "video", "audio",
    ];
    for e in all_elements(doc) {
        let name = e.value().name();
        if name == "html" {
            continue;
        }
        assert!(!FORBIDDEN.contains(&name), "{}: <{name}>", dir.display());
        for (attr, value) in e.value().attrs() {
            assert!(
                attr != "class" && attr != "id" && !attr.starts_with("on"),
                "{}: <{name} {attr}>",
                dir.display()
            );
            if attr == "style" {
                for decl in value.split(';').filter(|d| !d.trim().is_empty()) {
                    let prop = decl.split(':').next().unwrap().trim();
                    assert!(
                        pufa::export::style::ALLOWED.contains(&prop),
                        "{}: property {prop} in <{name}>",
                        dir.display()
                    );
                    assert!(!decl.contains("var("), "{}: {decl}", dir.display());
                }
            }
            if name == "a" && attr == "href" {
                assert!(
                    value.starts_with("https://mp.weixin.qq.com/"),
                    "{}: a link to {value}",
                    dir.display()
                );
            }
        }
        // Lists are drawn as paragraphs (the editor flattens nested lists).
        assert!(
            !["ul", "ol", "li"].contains(&name),
            "{}: <{name}>",
            dir.display()
        );
    }
}

/// The text of the elements after the heading `title` (an added section) up to the next
/// heading or rule: one string per paragraph.
fn section_paragraphs(doc: &Html, title: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside = false;
    for e in all_elements(doc) {
        let name = e.value().name();
        let text: String = e.text().collect();
        if name == "h2" {
            inside = text == title;
            continue;
        }
        if name == "hr" {
            inside = false;
        }
        if inside && name == "p" {
            out.push(text);
        }
    }
    out
}

/// The numbers `[n]` in `text`.
fn numbers(text: &str) -> Vec<usize> {
    let mut v = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find('[') {
        rest = &rest[i + 1..];
        if let Some(j) = rest.find(']')
            && let Ok(n) = rest[..j].parse()
        {
            v.push(n);
        }
    }
    v
}

/// The text of a statute article on its law page in the demo's build: its clauses, label
/// left out.
fn article_on_site(built: &Path, href: &str) -> String {
    let href = percent_decode(href);
    let (path, anchor) = href.split_once('#').unwrap();
    let path = path.trim_start_matches("/hgz/");
    let doc = read_html(&built.join(path).join("index.html"));
    // A paragraph's anchor (`art-1067-2`) is inside its article's section.
    let mut anchor = anchor.to_string();
    while doc
        .select(&sel(&format!("section[id=\"{anchor}\"]")))
        .next()
        .is_none()
    {
        match anchor.rsplit_once('-') {
            Some((a, _)) if a != "art" => anchor = a.to_string(),
            _ => panic!("{href}: no article"),
        }
    }
    let sel_art = sel(&format!(
        "section[id=\"{anchor}\"] .pf-clause, section[id=\"{anchor}\"] .pf-items li"
    ));
    let texts: Vec<String> = doc
        .select(&sel_art)
        .map(|p| p.text().collect::<String>())
        .collect();
    let label = doc
        .select(&sel(&format!("section[id=\"{anchor}\"] .pf-statute-label")))
        .next()
        .map(|l| l.text().collect::<String>())
        .unwrap_or_default();
    texts
        .join("")
        .replacen(&label, "", 1)
        .split_whitespace()
        .collect()
}

/// Acceptance 2: references numbered once each and all used; quoted articles as the
/// library has them.
fn check_references(dir: &Path, doc: &Html, page_links: &BTreeMap<String, String>) {
    let quoted = section_paragraphs(doc, "法条原文");
    let sources = section_paragraphs(doc, "参考资料");
    let mut entries: Vec<usize> = Vec::new();
    for line in quoted.iter().chain(&sources) {
        if let Some(n) = line.strip_prefix('[').and_then(|l| l.split(']').next()) {
            entries.push(n.parse().unwrap());
        }
    }
    let unique: BTreeSet<usize> = entries.iter().copied().collect();
    assert_eq!(
        unique.len(),
        entries.len(),
        "{}: an entry twice",
        dir.display()
    );
    assert_eq!(
        unique,
        (1..=entries.len()).collect(),
        "{}: one sequence from 1",
        dir.display()
    );
    // Every number in the text before the added sections is an entry, and every entry is
    // used there.
    let (text, _) = fragment(dir);
    let body = text.split("法条原文</h2>").next().unwrap();
    let body = body.split("参考资料</h2>").next().unwrap();
    let plain: String = Html::parse_fragment(body).root_element().text().collect();
    let used: BTreeSet<usize> = numbers(&plain).into_iter().collect();
    assert_eq!(used, unique, "{}: numbers used and entries", dir.display());
    // Each quoted article: its label on the page links to the library, whose text it is.
    let built = demo_site();
    let paragraphs = section_paragraphs(doc, "法条原文");
    let mut k = 0;
    while k < paragraphs.len() {
        let head = &paragraphs[k];
        let label = head
            .split_once("] ")
            .map(|(_, l)| l.split('（').next().unwrap().to_string())
            .unwrap();
        assert!(
            head.contains("版本）"),
            "{}: {head} has its version",
            dir.display()
        );
        let mut text = String::new();
        k += 1;
        while k < paragraphs.len() && !paragraphs[k].starts_with('[') {
            text.push_str(&paragraphs[k]);
            k += 1;
        }
        let href = page_links
            .get(&label)
            .unwrap_or_else(|| panic!("{}: {label} is not linked on the page", dir.display()));
        let on_site = article_on_site(built, href);
        let text: String = text.split_whitespace().collect();
        assert_eq!(text, on_site, "{}: {label}", dir.display());
    }
}

/// The page's statute links in the demo build: label (`《民法典》第一千零四十三条`) → href.
fn statute_links(page: &Path) -> BTreeMap<String, String> {
    let doc = read_html(page);
    let mut out = BTreeMap::new();
    for a in doc.select(&sel("a[href*=\"#art-\"]")) {
        let href = a.value().attr("href").unwrap().to_string();
        let label = a
            .value()
            .attr("title")
            .map(|t| t.split(' ').next().unwrap().to_string())
            .unwrap_or_else(|| a.text().collect::<String>());
        if label.starts_with('《') {
            out.insert(label, href);
        }
    }
    out
}

/// Acceptance 3: every listed image exists, is a JPEG or PNG under 1 MB with alt text and
/// no EXIF; every image of the fragment is listed.
fn check_images(dir: &Path, doc: &Html) {
    let tsv = std::fs::read_to_string(dir.join("images.tsv")).unwrap();
    let mut listed = BTreeSet::new();
    for line in tsv.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 4, "{}: {line}", dir.display());
        let bytes = std::fs::read(dir.join(cols[0])).unwrap();
        assert_eq!(bytes.len().to_string(), cols[3]);
        assert!(bytes.len() < 1024 * 1024, "{}: {}", dir.display(), cols[0]);
        assert!(
            !cols[1].trim().is_empty(),
            "{}: {} has no alt",
            dir.display(),
            cols[0]
        );
        let jpeg = bytes.starts_with(&[0xFF, 0xD8]);
        let png = bytes.starts_with(b"\x89PNG");
        assert!(
            jpeg || png,
            "{}: {} is no JPEG or PNG",
            dir.display(),
            cols[0]
        );
        assert!(
            !bytes.windows(6).any(|w| w == b"Exif\0\0") && !bytes.windows(4).any(|w| w == b"eXIf"),
            "{}: {} carries EXIF",
            dir.display(),
            cols[0]
        );
        listed.insert(cols[0].to_string());
    }
    for img in doc.select(&sel("img")) {
        let src = img.value().attr("src").unwrap();
        assert!(
            listed.contains(src),
            "{}: {src} is not in images.tsv",
            dir.display()
        );
        assert!(!img.value().attr("alt").unwrap_or_default().is_empty());
    }
}

#[test]
fn every_demo_page_exports_as_the_editor_takes_it() {
    let site = demo_site_copy();
    let out = tempfile::tempdir().unwrap();
    let dirs = export_all(site.path(), out.path());
    let kinds: BTreeSet<&str> = dirs
        .iter()
        .map(|d| {
            d.file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .split('-')
                .next()
                .unwrap()
        })
        .collect();
    assert!(
        kinds.is_superset(&["articles", "events", "lessons", "gonggao"].into()),
        "{kinds:?}"
    );
    assert!(dirs.len() >= 30, "{}", dirs.len());
    let mut quoted = 0;
    for dir in &dirs {
        let (text, doc) = fragment(dir);
        assert!(text.chars().count() < 20_000, "{}", dir.display());
        check_structure(dir, &doc);
        let name = dir.file_name().unwrap().to_str().unwrap();
        let meta: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("meta.json")).unwrap()).unwrap();
        let url = meta["content_source_url"].as_str().unwrap();
        let path = url.strip_prefix("https://example.gov.cn/hgz/").unwrap();
        let page = demo_site().join(percent_decode(path)).join("index.html");
        assert!(page.is_file(), "{name}: {url}");
        check_references(dir, &doc, &statute_links(&page));
        check_images(dir, &doc);
        quoted += section_paragraphs(&doc, "法条原文").len();
        assert!(meta["title"].as_str().unwrap().chars().count() <= 64);
        assert!(dir.join("qr.svg").is_file() && dir.join("images/qr.png").is_file());
    }
    assert!(quoted > 20, "the demo quotes articles: {quoted}");
    // An event has its 活动信息 block, a lesson its quiz with the answers at the end.
    let event = dirs
        .iter()
        .find(|d| d.ends_with("events-fazhi-jiangzuo-2026-12"))
        .unwrap();
    let (text, _) = fragment(event);
    assert!(
        text.contains("活动信息") && text.contains("地点：") && text.contains("扫码查看活动详情")
    );
    let lesson = dirs
        .iter()
        .find(|d| d.ends_with("lessons-minfadian-01-hunyin-ziyou"))
        .unwrap();
    let (text, doc) = fragment(lesson);
    let quiz = text.find("自测题").unwrap();
    let answers = text.find("参考答案").unwrap();
    assert!(
        quiz < answers && text[quiz..answers].contains("A. "),
        "options lettered"
    );
    assert_eq!(section_paragraphs(&doc, "参考答案").len(), 3);
    assert!(text.contains("扫码在线答题"));
}

#[test]
fn the_same_pages_export_to_the_same_bytes() {
    let site = demo_site_copy();
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let pages = [
        "content/articles/fengqiao-jingyan.md",
        "/hgz/events/fazhi-jiangzuo-2026-12/",
    ];
    for out in [&a, &b] {
        let mut args = vec![
            "export",
            "wechat",
            "--now",
            NOW,
            "--out",
            out.path().to_str().unwrap(),
        ];
        args.extend(pages);
        let o = run(site.path(), &args);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let (ta, tb) = (tree(a.path()), tree(b.path()));
    assert!(ta.len() >= 10, "{:?}", ta.keys());
    assert_eq!(ta, tb);
    assert!(ta.contains_key("articles-fengqiao-jingyan/images/01.jpg"));
}

#[test]
fn bad_pages_are_refused_and_nothing_is_written_outside_out() {
    let site = demo_site_copy();
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().join("wx");
    let o_arg = out_dir.to_str().unwrap().to_string();
    // Warm: the image cache is made by the first export.
    let o = run(
        site.path(),
        &[
            "export",
            "wechat",
            "content/about.md",
            "--now",
            NOW,
            "--out",
            &o_arg,
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::remove_dir_all(&out_dir).unwrap();
    let before = tree(site.path());
    let outside = site.path().parent().unwrap().join("elsewhere.md");
    std::fs::write(&outside, "---\ntitle: x\n---\n").unwrap();
    let cases: [(&str, i32, &str); 5] = [
        ("content/articles/none.md", 1, "文件不存在"),
        ("content/articles/fangzha-tixing.md", 1, "--drafts"),
        ("/hgz/articles/none/", 1, "找不到网址"),
        ("https://other.example/hgz/articles/a/", 2, "不是本站的网址"),
        (outside.to_str().unwrap(), 2, "不在站点文件夹"),
    ];
    for (page, code, says) in cases {
        let o = run(
            site.path(),
            &["export", "wechat", page, "--now", NOW, "--out", &o_arg],
        );
        assert_eq!(o.status.code(), Some(code), "{page}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{page}: {}", stderr(&o));
        assert!(!out_dir.exists(), "{page}: wrote into --out");
    }
    let o = run(site.path(), &["export", "wechat", "--now", NOW]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(tree_diff(&before, &tree(site.path())), Vec::<String>::new());
    // A draft is exported with --drafts, with a warning naming it.
    let o = run(
        site.path(),
        &[
            "export",
            "wechat",
            "content/articles/fangzha-tixing.md",
            "--drafts",
            "--now",
            NOW,
            "--out",
            &o_arg,
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("content/articles/fangzha-tixing.md") && err.contains("草稿"),
        "{err}"
    );
    assert!(
        out_dir
            .join("articles-fangzha-tixing/article.html")
            .is_file()
    );
}

#[test]
fn the_editor_s_limits_are_warnings_naming_the_page() {
    let long_title =
        "关于进一步加强和改进新时代基层法治宣传教育工作推动全民守法普法深入开展的实施意见解读";
    let site = small_site(&[
        (
            "content/articles/long.md",
            &format!(
                "---\ntitle: {long_title}\ndate: 2026-11-01\nauthor: 皇宫镇人民政府司法所法治宣传教育工作办公室\n---\n\n{}\n\n见[外站](https://example.com/a)和[外站](https://example.com/a)，图：![示意](x.svg)\n",
                "普法".repeat(11000)
            ),
        ),
        (
            "content/articles/x.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\"></svg>",
        ),
    ]);
    let out = tempfile::tempdir().unwrap();
    let o = run(
        site.path(),
        &[
            "export",
            "wechat",
            "content/articles/long.md",
            "--now",
            NOW,
            "--out",
            out.path().to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    for says in ["2 万字符", "标题有", "作者有", "图片", "不能上传到公众号"] {
        assert!(err.contains(says), "{says}: {err}");
    }
    assert!(err.contains("content/articles/long.md"), "{err}");
    let (text, doc) = fragment(&out.path().join("articles-long"));
    // One number for the twice-linked address; the refused image left as text.
    assert_eq!(
        section_paragraphs(&doc, "参考资料"),
        ["[1] 外站：https://example.com/a"]
    );
    assert!(text.contains("[图片：示意]"));
}

/// Acceptance 5: golden files of one article, one event and one lesson (the pages of
/// `docs/wechat/`), each also checked by the structural tests above. `UPDATE_SNAPSHOTS=1`
/// writes them again after a deliberate change (look at the diff, and at the screenshots:
/// `scripts/wechat_screenshots.sh`).
#[test]
fn golden_article_event_and_lesson() {
    let site = demo_site_copy();
    let out = tempfile::tempdir().unwrap();
    let pages = [
        (
            "article",
            "content/articles/fengqiao-jingyan.md",
            "articles/fengqiao-jingyan",
        ),
        (
            "event",
            "content/events/fazhi-jiangzuo-2026-12.md",
            "events/fazhi-jiangzuo-2026-12",
        ),
        (
            "lesson",
            "content/lessons/minfadian/01-hunyin-ziyou.md",
            "lessons/minfadian/01-hunyin-ziyou",
        ),
    ];
    let mut args = vec![
        "export",
        "wechat",
        "--now",
        NOW,
        "--out",
        out.path().to_str().unwrap(),
    ];
    args.extend(pages.iter().map(|p| p.1));
    let o = run(site.path(), &args);
    assert!(o.status.success(), "{}", stderr(&o));
    for (name, source, path) in pages {
        let dir = out.path().join(path.replace('/', "-"));
        let (text, doc) = fragment(&dir);
        check_structure(&dir, &doc);
        let page = demo_site().join(path).join("index.html");
        assert!(page.is_file(), "{source}: {}", page.display());
        check_references(&dir, &doc, &statute_links(&page));
        check_images(&dir, &doc);
        let golden = repo().join(format!("tests/fixtures/wechat/{name}.html"));
        assert_pinned(&golden, &text, source);
    }
}

/// `pufa export text`: the same references and quoted articles as plain text, each picture
/// named by its file, which is beside it.
#[test]
fn plain_text_has_the_same_references_and_quoted_articles() {
    let site = demo_site_copy();
    let (wx, tx) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let page = "content/articles/fengqiao-jingyan.md";
    for (to, out) in [("wechat", &wx), ("text", &tx)] {
        let o = run(
            site.path(),
            &[
                "export",
                to,
                page,
                "--now",
                NOW,
                "--out",
                out.path().to_str().unwrap(),
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let dir = tx.path().join("articles-fengqiao-jingyan");
    let text = std::fs::read_to_string(dir.join("article.txt")).unwrap();
    assert!(!text.contains('<') && !text.contains("&amp;"), "{text}");
    let (_, doc) = fragment(&wx.path().join("articles-fengqiao-jingyan"));
    let lines: Vec<&str> = text.lines().collect();
    for title in ["法条原文", "参考资料"] {
        assert!(lines.contains(&format!("【{title}】").as_str()), "{title}");
        for p in section_paragraphs(&doc, title) {
            assert!(lines.contains(&p.as_str()), "{p} is a line of the text");
        }
    }
    assert_eq!(numbers(&text).iter().max(), Some(&5));
    for file in ["images/01.jpg", "images/qr.png"] {
        assert!(text.contains(&format!("（{file}）］")), "{file}");
        assert!(dir.join(file).is_file());
    }
    assert!(!dir.join("article.html").exists());
}

/// `pufa export wechat PAGE --out OUT` with the fixed now.
fn export_page(site: &Path, page: &str, out: &str) -> std::process::Output {
    run(
        site,
        &["export", "wechat", page, "--now", NOW, "--out", out],
    )
}

/// Export `content/articles/a.md` of `site` into a new folder, which must succeed and pass
/// the structural checks: the folder (kept while the result lives), the fragment and its
/// document.
fn export_a(site: &Path) -> (tempfile::TempDir, String, Html) {
    let out = tempfile::tempdir().unwrap();
    let o = export_page(site, "content/articles/a.md", out.path().to_str().unwrap());
    assert!(o.status.success(), "{}", stderr(&o));
    let dir = out.path().join("articles-a");
    let (text, doc) = fragment(&dir);
    check_structure(&dir, &doc);
    (out, text, doc)
}

/// A theme sets the export's colours in its `theme.yaml`; a colour that is not one is a
/// located error.
#[test]
fn a_theme_sets_the_export_s_colours() {
    let page = "---\ntitle: 调解\ndate: 2026-11-01\n---\n\n## 小标题\n\n> 引用\n";
    let site = small_site(&[
        ("content/articles/a.md", page),
        (
            "themes/lan/theme.yaml",
            "extends: default\nwechat:\n  accent: \"#174a7c\"\n  wash: \"#eef3f8\"\n",
        ),
    ]);
    write(
        &site.path().join("site.yaml"),
        "title: 测试站点\nbase_url: https://example.org/hgz/\ntheme: lan\n",
    );
    let (out, text, doc) = export_a(site.path());
    let o_arg = out.path().to_str().unwrap();
    let h2 = doc
        .select(&sel("h2"))
        .next()
        .unwrap()
        .value()
        .attr("style")
        .unwrap()
        .to_string();
    assert!(h2.contains("#174a7c") && !h2.contains("#9f1d20"), "{h2}");
    let quote = doc
        .select(&sel("blockquote"))
        .next()
        .unwrap()
        .value()
        .attr("style")
        .unwrap();
    assert!(
        quote.contains("#eef3f8") && quote.contains("#d9d4cc"),
        "{quote}"
    );
    assert!(!text.contains("#9f1d20"), "no default accent left");
    write(
        &site.path().join("themes/lan/theme.yaml"),
        "extends: default\nwechat:\n  accent: blue\n",
    );
    let o = export_page(site.path(), "content/articles/a.md", o_arg);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("themes/lan/theme.yaml:3") && err.contains("accent: blue"),
        "{err}"
    );
}

/// Video, audio and attachments become a line of text with a reference to their address.
#[test]
fn video_and_attachments_are_text_with_a_reference() {
    let page = "---\ntitle: 微视频\ndate: 2026-11-01\n---\n\n![普法微视频](weishipin.mp4)\n\n下载[办事指南](zhinan.pdf)。\n";
    let site = small_site(&[
        ("content/articles/a.md", page),
        ("content/articles/weishipin.mp4", "not really a video"),
        ("content/articles/zhinan.pdf", "%PDF-1.4 not really"),
    ]);
    let (_out, text, doc) = export_a(site.path());
    assert!(text.contains("视频《普法微视频》"), "{text}");
    let refs = section_paragraphs(&doc, "参考资料");
    assert_eq!(refs.len(), 2, "{refs:?}");
    assert!(
        refs[0].contains("普法微视频")
            && refs[0].contains("https://example.org/hgz/articles/a/weishipin.mp4"),
        "{refs:?}"
    );
    assert!(
        refs[1].starts_with("[2] 办事指南") && refs[1].ends_with("zhinan.pdf"),
        "{refs:?}"
    );
}

/// What review found: markup in a media title stays text; a block in a list item and a
/// loose list's paragraphs keep the fragment well nested; two addresses with one folder
/// name are both kept; a folder an export did not write is never replaced.
#[test]
fn titles_lists_and_folders_stay_safe() {
    let page = "---\ntitle: 清单\ndate: 2026-11-01\n---\n\n![&lt;img src=x onerror=alert(1)&gt;](v.mp4)\n\n- 第一点\n\n  > 引文\n\n- 第二点\n  1. 甲\n  2. 乙\n\n<ol start=\"18446744073709551615\"><li>a</li><li>b</li></ol>\n";
    let site = small_site(&[
        ("content/articles/a.md", page),
        ("content/articles/v.mp4", "x"),
        ("content/guides/a.md", "---\ntitle: 指南甲\n---\n\n正文。\n"),
        ("content/guides-a.md", "---\ntitle: 指南乙\n---\n\n正文。\n"),
    ]);
    let (out, text, doc) = export_a(site.path());
    let o_arg = out.path().to_str().unwrap();
    // The title shows as text; no element comes of it.
    assert!(doc.select(&sel("img[src=x]")).next().is_none(), "{text}");
    let shown: String = doc.root_element().text().collect();
    assert!(
        shown.contains("视频《<img src=x onerror=alert(1)>》"),
        "{shown}"
    );
    // No block inside a paragraph; each item a paragraph of its own.
    assert!(
        doc.select(&sel("p blockquote, p p, p section"))
            .next()
            .is_none(),
        "{text}"
    );
    let items: Vec<String> = doc
        .select(&sel("section > p"))
        .map(|p| p.text().collect::<String>())
        .collect();
    for want in ["• 第一点", "• 第二点", "1. 甲", "2. 乙"] {
        assert!(items.iter().any(|i| i == want), "{want} in {items:?}");
    }
    // Two pages whose folder names meet, exported together: both kept.
    let o = run(
        site.path(),
        &[
            "export",
            "wechat",
            "/hgz/guides/a/",
            "/hgz/guides-a/",
            "--now",
            NOW,
            "--out",
            o_arg,
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let t1 = std::fs::read_to_string(out.path().join("guides-a/meta.json")).unwrap();
    let t2 = std::fs::read_to_string(out.path().join("guides-a-2/meta.json")).unwrap();
    assert!(t1.contains("指南甲") && t2.contains("指南乙"), "{t1}\n{t2}");
    // A folder of that name that no export wrote stays as it is.
    let theirs = out.path().join("own/articles-a");
    write(&theirs.join("notes.txt"), "mine");
    let o = export_page(
        site.path(),
        "content/articles/a.md",
        out.path().join("own").to_str().unwrap(),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("不是导出的"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(theirs.join("notes.txt")).unwrap(),
        "mine"
    );
}
