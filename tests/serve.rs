//! `pufa serve` and `pufa build --watch` as users run them: a real server on an ephemeral
//! loopback port, real files edited on disk, pages fetched over HTTP.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::*;

fn site() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_dir(&repo().join("tests/fixtures/serve_site"), &site);
    (dir, site)
}

fn page_has(port: u16, path: &str, text: &str) -> bool {
    let (st, body) = get_text(port, path);
    st == 200 && body.contains(text)
}

#[test]
fn edits_creates_deletes_and_renames_are_served() {
    let (_d, site) = site();
    let s = serve(&site, &[]);
    let p = s.port;
    assert!(page_has(p, "/articles/a1/", "第一篇文章的正文"));

    // Edit an article (as an editor saves: temp file + rename).
    let a1 = site.join("content/articles/a1.md");
    let text = std::fs::read_to_string(&a1).unwrap();
    atomic_write(&a1, &text.replace("第一篇文章的正文", "改过的正文 EDIT-1"));
    wait_until(10, "edited text served", || {
        page_has(p, "/articles/a1/", "EDIT-1")
    });

    // Add a page: it is served and appears in its list.
    write(
        &site.join("content/articles/a3.md"),
        "---\ntitle: 新加的文章 NEW-3\ndate: 2024-12-03\n---\n\n新文章。\n",
    );
    wait_until(10, "new page served", || {
        page_has(p, "/articles/a3/", "新文章")
    });
    assert!(page_has(p, "/articles/", "NEW-3"));

    // Delete it: 404, and gone from the list.
    std::fs::remove_file(site.join("content/articles/a3.md")).unwrap();
    wait_until(10, "deleted page gone", || {
        get_text(p, "/articles/a3/").0 == 404
    });
    assert!(!get_text(p, "/articles/").1.contains("NEW-3"));

    // Rename: the page moves.
    std::fs::rename(
        site.join("content/articles/a2.md"),
        site.join("content/articles/b2.md"),
    )
    .unwrap();
    wait_until(10, "renamed page moved", || {
        page_has(p, "/articles/b2/", "第二篇文章的正文")
    });
    assert_eq!(get_text(p, "/articles/a2/").0, 404);

    // A whole folder moved in and out.
    std::fs::create_dir_all(site.join("content/incoming/more")).unwrap();
    write(
        &site.join("content/incoming/more/x.md"),
        "---\ntitle: 移来的页面\n---\n\n移来了。\n",
    );
    std::fs::rename(site.join("content/incoming"), site.join("content/moved")).unwrap();
    wait_until(10, "moved folder served", || {
        page_has(p, "/moved/more/x/", "移来了")
    });
    std::fs::rename(site.join("content/moved"), site.join("content-away")).unwrap();
    wait_until(10, "folder moved away", || {
        get_text(p, "/moved/more/x/").0 == 404
    });

    // Editor droppings never trigger anything visible.
    write(&site.join("content/articles/.a1.md.swp"), "garbage");
    write(&site.join("content/articles/a1.md~"), "garbage");
    write(&site.join("content/articles/4913"), "");
    settle(p, Duration::from_millis(300));
    assert!(status(p)["errors"].as_array().unwrap().is_empty());
}

#[test]
fn broken_front_matter_shows_the_overlay_over_the_last_good_pages() {
    let (_d, site) = site();
    let s = serve(&site, &[]);
    let p = s.port;
    let a1 = site.join("content/articles/a1.md");
    let good = std::fs::read_to_string(&a1).unwrap();
    write(
        &a1,
        &good.replace("title: 第一篇文章", "title: [第一篇文章"),
    );
    wait_until(10, "overlay shown", || {
        get_text(p, "/articles/a2/")
            .1
            .contains("pufa-error-overlay")
    });
    let (st, body) = get_text(p, "/articles/a1/");
    assert_eq!(st, 200);
    assert!(
        body.contains("第一篇文章的正文"),
        "the last good page is still served"
    );
    assert!(
        body.contains("content/articles/a1.md:2"),
        "overlay names file and line"
    );
    // The server keeps running; fixing the file removes the overlay.
    write(&a1, &good);
    wait_until(10, "overlay gone", || {
        !get_text(p, "/articles/a2/")
            .1
            .contains("pufa-error-overlay")
    });
    assert!(s.log.try_iter().any(|l| l.contains("错误")));
}

#[test]
fn a_template_edit_re_renders_every_page_and_css_only_swaps_stylesheets() {
    let (_d, site) = site();
    let theme = site.join("themes/default");
    copy_dir(&repo().join("themes/default"), &theme);
    let s = serve(&site, &[]);
    let p = s.port;

    // Listen to the reload events like a page does (subscribed before anything changes).
    let mut events = Events::subscribe(p);

    let css = theme.join("static/css/site.css");
    let mut text = std::fs::read_to_string(&css).unwrap();
    text.push_str("\n.css-edit-marker { color: red; }\n");
    atomic_write(&css, &text);
    assert_eq!(
        events.next(30, "the event for the stylesheet edit"),
        "css",
        "a stylesheet change swaps stylesheets only"
    );
    wait_until(10, "new css", || {
        get_text(p, "/css/site.css").1.contains("css-edit-marker")
    });

    let base = theme.join("templates/base.html");
    let t = std::fs::read_to_string(&base).unwrap();
    atomic_write(
        &base,
        &t.replace(
            "<main id=",
            "<p class=\"tpl-marker\">TEMPLATE-EDIT</p><main id=",
        ),
    );
    assert_eq!(events.next(30, "the event for the template edit"), "reload");
    let paths = [
        "/",
        "/articles/",
        "/articles/a1/",
        "/about/",
        "/events/e1/",
        "/lessons/s1/l1/",
        "/tags/",
        "/laws/",
    ];
    wait_until(10, "every page re-rendered", || {
        paths.iter().all(|x| page_has(p, x, "TEMPLATE-EDIT"))
    });
}

#[test]
fn http_details() {
    let (_d, site) = site();
    let s = serve(&site, &[]);
    let p = s.port;
    let (st, head, _) = http(p, "GET", "/articles");
    assert_eq!(st, 301);
    assert!(head.contains("location: /articles/"), "{head}");
    let (st, head, body) = http(p, "HEAD", "/articles/a1/");
    assert_eq!(st, 200);
    assert!(head.contains("content-type: text/html"));
    assert!(body.is_empty());
    for (path, ctype) in [
        ("/css/site.css", "text/css"),
        ("/favicon.svg", "image/svg+xml"),
        ("/atom.xml", "application/xml"),
        ("/sitemap.xml", "application/xml"),
        ("/robots.txt", "text/plain"),
    ] {
        let (st, head, _) = http(p, "GET", path);
        assert_eq!(st, 200, "{path}");
        assert!(
            head.contains(&format!("content-type: {ctype}")),
            "{path}: {head}"
        );
    }
    let (st, body) = get_text(p, "/no/such/page/");
    assert_eq!(st, 404);
    assert!(body.contains("页面不存在"), "the site's 404 page");
    // A Chinese path, percent-encoded.
    write(
        &site.join("content/articles/民法典.md"),
        "---\ntitle: 中文网址\ndate: 2024-01-01\n---\n\n中文。\n",
    );
    wait_until(10, "chinese page", || {
        page_has(p, "/articles/%E6%B0%91%E6%B3%95%E5%85%B8/", "中文网址")
    });
    // Pages get the reload script; build output never does (checked in build --watch).
    assert!(get_text(p, "/").1.contains("pufa-live-reload"));
}

#[test]
fn requests_outside_the_site_are_refused() {
    let (d, site) = site();
    // A secret beside the site that must never be served.
    std::fs::write(d.path().join("secret.txt"), "TOP-SECRET-VALUE").unwrap();
    let s = serve(&site, &[]);
    let p = s.port;
    for target in [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/articles/..%2f..%2fsecret.txt",
        "/articles%2f..%2f..%2fsecret.txt",
        "/..%5c..%5csecret.txt",
        "/a%00.html",
        "//etc/passwd",
        "/%2F%2Fetc/passwd",
        "/C:/Windows/win.ini",
        "/site.yaml",
        "/content/articles/a1.md",
    ] {
        let (st, _, body) = http(p, "GET", target);
        assert!(st == 400 || st == 404, "{target}: status {st}");
        let body = String::from_utf8_lossy(&body);
        assert!(
            !body.contains("TOP-SECRET-VALUE") && !body.contains("root:x:0"),
            "{target}"
        );
        assert!(!body.contains("base_url"), "{target} served site.yaml");
    }
    // Absolute-form request target.
    let (st, _, body) = http(p, "GET", "http://127.0.0.1/../secret.txt");
    assert!(st == 400 || st == 404, "absolute form: {st}");
    assert!(!String::from_utf8_lossy(&body).contains("TOP-SECRET"));
}

/// A deterministic pseudo-random sequence (no dependency needed).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

fn article(n: usize, body: &str) -> String {
    format!(
        "---\ntitle: 文章 {n}\ndate: 2024-12-{:02}\ntags: [标签{}]\n---\n\n{body}\n",
        n % 28 + 1,
        n % 3
    )
}

#[test]
fn after_200_random_changes_the_served_site_equals_a_fresh_build() {
    let (_d, site) = site();
    let s = serve(&site, &[]);
    let p = s.port;
    let dir = site.join("content/articles");
    let mut rng = Lcg(20241204);
    let mut names: Vec<String> = vec!["a1".into(), "a2".into()];
    for step in 0..200 {
        let pick = |rng: &mut Lcg, names: &Vec<String>| names[rng.next(names.len())].clone();
        match rng.next(4) {
            0 if !names.is_empty() => {
                let n = pick(&mut rng, &names);
                atomic_write(
                    &dir.join(format!("{n}.md")),
                    &article(step, &format!("第 {step} 次修改。")),
                );
            }
            1 => {
                let n = format!("n{step}");
                write(&dir.join(format!("{n}.md")), &article(step, "新建的文章。"));
                names.push(n);
            }
            2 if names.len() > 1 => {
                let n = names.remove(rng.next(names.len()));
                std::fs::remove_file(dir.join(format!("{n}.md"))).unwrap();
            }
            _ if !names.is_empty() => {
                let i = rng.next(names.len());
                let to = format!("r{step}");
                std::fs::rename(
                    dir.join(format!("{}.md", names[i])),
                    dir.join(format!("{to}.md")),
                )
                .unwrap();
                names[i] = to;
            }
            _ => {}
        }
        if step % 10 == 0 {
            std::thread::sleep(Duration::from_millis(30));
        }
    }
    settle(p, Duration::from_millis(800));
    let st = status(p);
    assert!(st["errors"].as_array().unwrap().is_empty(), "{st}");

    let out = site.parent().unwrap().join("fresh");
    build_into(
        &site,
        &out,
        &["--base-url", &format!("http://127.0.0.1:{p}/")],
    );
    let fresh = tree(&out);
    // The search index follows in the background: wait for the one of the last change.
    wait_until(20, "the search index of the last change served", || {
        fresh
            .iter()
            .filter(|(path, _)| path.starts_with("search/") && !path.ends_with(".html"))
            .all(|(path, bytes)| http(p, "GET", &format!("/{path}")).2 == *bytes)
    });
    let st = status(p);
    let served: Vec<String> = st["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    let fresh_paths: Vec<&String> = fresh.keys().collect();
    assert_eq!(
        served.iter().collect::<Vec<_>>(),
        fresh_paths,
        "same set of files"
    );
    for (path, bytes) in &fresh {
        let url = format!("/{}", path.trim_end_matches("index.html"));
        let url: String = url
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        let (st, _, body) = http(p, "GET", &url);
        assert_eq!(st, 200, "{url}");
        if path.ends_with(".html") {
            let served = strip_injected(&String::from_utf8_lossy(&body));
            assert_eq!(served, String::from_utf8_lossy(bytes), "{path} differs");
        } else {
            assert!(body == *bytes, "{path} differs");
        }
    }
}

#[test]
fn build_watch_replaces_public_after_good_builds_only() {
    let (_d, site) = site();
    let (child, log) = spawn(&site, &["build", "--watch", "--now", NOW]);
    let _guard = Served {
        child,
        port: 0,
        log,
    };
    let public = site.join("public");
    let a1_html = public.join("articles/a1/index.html");
    // Each build prints its summary once its files are all in place (in place: one
    // rename per file), so the tree is read only when a build is over.
    wait_for_line(&_guard.log, 60, "已生成", "the first build");
    assert!(a1_html.is_file());
    let a1 = site.join("content/articles/a1.md");
    let good = std::fs::read_to_string(&a1).unwrap();
    atomic_write(&a1, &good.replace("第一篇文章的正文", "WATCH-1"));
    wait_for_line(&_guard.log, 30, "已生成", "the rebuild after an edit");
    assert!(read(&a1_html).contains("WATCH-1"), "public updated");
    assert!(
        !read(&a1_html).contains("pufa-live-reload"),
        "build output has no reload script"
    );

    let before = tree(&public);
    atomic_write(&a1, &good.replace("date: 2024-12-01", "date: 2024-13-01"));
    wait_for_line(&_guard.log, 30, "构建失败", "the failed rebuild");
    let diff = tree_diff(&tree(&public), &before);
    assert!(
        diff.is_empty(),
        "a failed rebuild leaves public/ as it was; changed: {diff:?}"
    );

    atomic_write(&a1, &good.replace("第一篇文章的正文", "WATCH-2"));
    wait_for_line(&_guard.log, 30, "已生成", "the rebuild after the fix");
    assert!(read(&a1_html).contains("WATCH-2"), "public updated again");
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_default()
}

#[test]
fn calendar_files_follow_event_edits() {
    // Calendar files are reused between rebuilds while the event's card is unchanged; an
    // edit of the event must reach both its own file and the site calendar.
    let (_d, site) = site();
    let s = serve(&site, &[]);
    let p = s.port;
    assert!(page_has(p, "/events/e1/e1.ics", "LOCATION:镇法治文化广场"));
    let e1 = site.join("content/events/e1.md");
    let text = std::fs::read_to_string(&e1).unwrap();
    atomic_write(
        &e1,
        &text
            .replace("镇法治文化广场", "村委会二楼")
            .replace("\nlocation:", "\nstatus: 延期\nlocation:"),
    );
    wait_until(10, "the event's calendar file to change", || {
        page_has(p, "/events/e1/e1.ics", "LOCATION:村委会二楼")
    });
    let (_, own) = get_text(p, "/events/e1/e1.ics");
    assert!(own.contains("STATUS:TENTATIVE"), "{own}");
    let (_, all) = get_text(p, "/events/calendar.ics");
    assert!(all.contains("LOCATION:村委会二楼"), "{all}");
    assert!(all.contains("【已延期】"), "{all}");
    // Unrelated edits leave them byte for byte as they were.
    write(
        &site.join("content/articles/a1.md"),
        "---\ntitle: 改过的文章\ndate: 2026-11-01\n---\n\n新的正文。\n",
    );
    wait_until(10, "the article to change", || {
        page_has(p, "/articles/a1/", "新的正文")
    });
    assert_eq!(get_text(p, "/events/e1/e1.ics").1, own);
}

#[test]
fn lessons_show_their_neighbours_as_they_are_now() {
    let (_d, site) = site();
    let dir = site.join("content/lessons/xilie");
    for (n, title) in [(1, "第一课 旧标题 OLD-1"), (2, "第二课"), (3, "第三课")] {
        write(
            &dir.join(format!("l{n}.md")),
            &format!("---\ntitle: {title}\ndate: 2024-12-0{n}\norder: {n}\n---\n\n正文 {n}。\n"),
        );
    }
    let s = serve(&site, &[]);
    let p = s.port;
    assert!(page_has(p, "/lessons/xilie/l2/", "OLD-1"));
    // Lesson 2 shows lesson 1 as the one before it: retitling lesson 1 changes lesson 2.
    let l1 = dir.join("l1.md");
    let text = std::fs::read_to_string(&l1).unwrap();
    atomic_write(&l1, &text.replace("旧标题 OLD-1", "新标题 NEW-1"));
    wait_until(10, "retitled lesson served", || {
        page_has(p, "/lessons/xilie/l1/", "NEW-1")
    });
    settle(p, Duration::from_millis(300));
    let (st, body) = get_text(p, "/lessons/xilie/l2/");
    assert_eq!(st, 200);
    assert!(body.contains("NEW-1") && !body.contains("OLD-1"), "{body}");
}

/// Issue 12: a new photo is on the page at once, as it is and from memory (nothing is
/// written), while a thread of its own processes it; then the page shows the processed
/// sizes and the browser is told to reload. The text edit did not wait for the photo.
#[test]
fn a_new_photo_shows_at_once_and_its_sizes_replace_it_when_ready() {
    let (_d, site) = site();
    let s = serve(&site, &[]);
    let p = s.port;
    // 24 megapixels: processing takes seconds, a text rebuild milliseconds.
    let photo = tiny_jpeg(6000, 4000);
    std::fs::write(site.join("content/articles/big.jpg"), &photo).unwrap();
    let a1 = site.join("content/articles/a1.md");
    let text = std::fs::read_to_string(&a1).unwrap();
    let with_photo = text.replace(
        "第一篇文章的正文",
        "![村民在广场上听讲座](big.jpg)\n\n第一篇文章的正文 PHOTO-1",
    );
    atomic_write(&a1, &with_photo);
    wait_until(10, "the edit with the photo served", || {
        page_has(p, "/articles/a1/", "PHOTO-1")
    });
    let mut events = Events::subscribe(p);
    let (_, html) = get_text(p, "/articles/a1/");
    assert!(
        html.contains("src=\"/articles/a1/big.jpg\"") && !html.contains("<picture"),
        "the photo as it is, until processed:\n{html}"
    );
    let (st, _, bytes) = http(p, "GET", "/articles/a1/big.jpg");
    assert_eq!((st, bytes.len()), (200, photo.len()), "served from memory");
    assert!(!site.join("public").exists(), "nothing written");

    assert_eq!(
        events.next(120, "the reload once the photo is processed"),
        "reload"
    );
    wait_until(10, "the processed sizes on the page", || {
        page_has(p, "/articles/a1/", "<picture")
    });
    let (_, html) = get_text(p, "/articles/a1/");
    assert!(html.contains("big-1600."), "{html}");
    assert_eq!(
        get_text(p, "/articles/a1/big.jpg").0,
        404,
        "the original is not published"
    );
}

/// The words of the served search index's document store.
fn search_store_text(port: u16) -> String {
    use std::io::Read;
    let (_, meta) = get_text(port, "/search/meta.json");
    let meta: serde_json::Value = serde_json::from_str(&meta).unwrap_or_default();
    let (Some(docs), Some(per)) = (meta["docs"].as_u64(), meta["store"].as_u64()) else {
        return String::new();
    };
    let mut text = String::new();
    for k in 0..docs.div_ceil(per) {
        let (st, _, gz) = http(port, "GET", &format!("/search/d/{k}.gz"));
        if st == 200 {
            let _ = flate2::read::GzDecoder::new(&gz[..]).read_to_string(&mut text);
        }
    }
    text
}

#[test]
fn the_search_index_follows_edits_without_holding_up_the_pages() {
    let (_d, site) = site();
    let s = serve(&site, &[]);
    let p = s.port;
    assert!(search_store_text(p).contains("第一篇文章的正文"));
    let a1 = site.join("content/articles/a1.md");
    let text = std::fs::read_to_string(&a1).unwrap();
    atomic_write(&a1, &text.replace("第一篇文章的正文", "改过的正文 FIND-ME"));
    wait_until(10, "edited text served", || {
        page_has(p, "/articles/a1/", "FIND-ME")
    });
    wait_until(20, "edited text in the search index", || {
        search_store_text(p).contains("FIND-ME")
    });
    assert!(!search_store_text(p).contains("第一篇文章的正文"));
}
