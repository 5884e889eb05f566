//! Issue 12: photos. The demo site's published images carry no metadata (read by
//! `exiftool`, an independent reader), decode, and stand upright; every `<img>` has its
//! size and alt text, and every `srcset` candidate exists with the width it declares;
//! video, audio and attachments render as players and links with type and size; warnings
//! (an oversized photo, personal data in text) are pinned like the errors in `invalid.rs`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

const BASE_PATH: &str = "/hgz/";

fn published_images(out: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| {
            let ext = p.extension().map(|e| e.to_string_lossy().to_lowercase());
            matches!(
                ext.as_deref(),
                Some("jpg" | "jpeg" | "png" | "webp" | "gif")
            ) && !p.to_string_lossy().contains("/img/")
        })
        .collect()
}

/// The metadata groups `exiftool` finds in each file (file-system and format groups left
/// out): EXIF, GPS, XMP, IPTC, maker notes, ICC would all show here.
fn metadata_groups(files: &[PathBuf]) -> Vec<(String, Vec<String>)> {
    let out = Command::new("exiftool")
        .args(["-j", "-G1", "-a", "-u"])
        .args(files)
        .output()
        .expect("exiftool (Debian's libimage-exiftool-perl; scripts/test.sh installs it)");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json.as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let name = f["SourceFile"].as_str().unwrap().to_string();
            let groups: Vec<String> = f
                .as_object()
                .unwrap()
                .keys()
                .filter_map(|k| k.split_once(':').map(|(g, _)| g.to_string()))
                .filter(|g| !matches!(g.as_str(), "System" | "File" | "ExifTool" | "Composite"))
                .filter(|g| {
                    !matches!(
                        g.as_str(),
                        "JFIF" | "PNG" | "RIFF" | "VP8" | "VP8L" | "VP8X"
                    )
                })
                .collect();
            (name, groups)
        })
        .collect()
}

#[test]
fn demo_photos_are_published_without_metadata_decodable_and_upright() {
    let out = demo_site();
    let sources: Vec<PathBuf> = ["tiaojie-xianchang.jpg", "guangchang-xuanchuanlan.jpg"]
        .iter()
        .map(|n| repo().join("content/articles").join(n))
        .collect();
    // The test can fail: the demo's source photos do carry GPS.
    for (name, groups) in metadata_groups(&sources) {
        assert!(groups.iter().any(|g| g == "GPS"), "{name}: {groups:?}");
    }
    let images = published_images(out);
    assert!(images.len() >= 24, "only {} images published", images.len());
    for (name, groups) in metadata_groups(&images) {
        assert!(groups.is_empty(), "{name} carries {groups:?}");
    }
    for p in &images {
        image::open(p).unwrap_or_else(|e| panic!("{} does not decode: {e}", p.display()));
    }
    // No original is published.
    assert!(
        !out.join("articles/fengqiao-jingyan/tiaojie-xianchang.jpg")
            .exists()
    );
    assert!(!out.join("articles/tiaojie-xianchang.jpg").exists());
    // The photo taken on its side (EXIF orientation 6) stands upright: portrait, with the
    // red block in the top-left corner.
    let upright: Vec<&PathBuf> = images
        .iter()
        .filter(|p| p.to_string_lossy().contains("guangchang-xuanchuanlan-"))
        .collect();
    assert!(upright.len() >= 8, "{upright:?}");
    for p in upright {
        let img = image::open(p).unwrap().to_rgb8();
        let (w, h) = img.dimensions();
        assert!(w < h, "{} is {w}×{h}, not portrait", p.display());
        let red = |x: u32, y: u32| {
            let px = img.get_pixel(x, y).0;
            px[0] > 200 && px[1] < 70 && px[2] < 70
        };
        assert!(red(w / 40, h / 40), "{}: top-left is not red", p.display());
        assert!(
            !red(w - 1 - w / 40, h / 40),
            "{}: top-right is red",
            p.display()
        );
        assert!(
            !red(w / 40, h - 1 - h / 40),
            "{}: bottom-left is red",
            p.display()
        );
    }
}

/// The width in pixels of an image file.
fn width_of(p: &Path) -> u32 {
    image::image_dimensions(p).unwrap().0
}

#[test]
fn every_img_has_size_and_alt_and_every_srcset_candidate_is_what_it_says() {
    let out = demo_site();
    let (mut imgs, mut candidates, mut pictures) = (0, 0, 0);
    for e in walkdir::WalkDir::new(out) {
        let p = e.unwrap().into_path();
        if p.extension().is_none_or(|x| x != "html") {
            continue;
        }
        let doc = read_html(&p);
        for img in doc.select(&sel("img")) {
            imgs += 1;
            for a in ["width", "height", "alt"] {
                assert!(
                    img.value().attr(a).is_some(),
                    "{}: <img> without {a}: {}",
                    p.display(),
                    img.html()
                );
            }
        }
        pictures += doc.select(&sel("picture")).count();
        for el in doc.select(&sel("img[srcset], source[srcset]")) {
            for cand in el.value().attr("srcset").unwrap().split(',') {
                let mut parts = cand.split_whitespace();
                let (url, w) = (parts.next().unwrap(), parts.next());
                let file = target_file(out, BASE_PATH, url)
                    .unwrap_or_else(|| panic!("{}: {url} does not exist", p.display()));
                if let Some(w) = w {
                    let declared: u32 = w.trim_end_matches('w').parse().unwrap();
                    assert_eq!(width_of(&file), declared, "{url} in {}", p.display());
                }
                candidates += 1;
            }
        }
    }
    assert!(
        imgs >= 8 && pictures >= 5 && candidates >= 30,
        "{imgs} {pictures} {candidates}"
    );
}

#[test]
fn the_first_image_of_a_page_loads_at_once_and_the_others_lazily() {
    let doc = read_html(&demo_site().join("articles/fengqiao-jingyan/index.html"));
    let imgs: Vec<_> = doc.select(&sel("main img")).collect();
    assert!(imgs.len() >= 2, "{}", imgs.len());
    assert_eq!(imgs[0].value().attr("loading"), None, "{}", imgs[0].html());
    for i in &imgs[1..] {
        assert_eq!(i.value().attr("loading"), Some("lazy"), "{}", i.html());
        assert_eq!(i.value().attr("decoding"), Some("async"), "{}", i.html());
    }
    // The share card is a JPEG at most 1200 pixels wide, the list card a thumbnail.
    let og = doc
        .select(&sel("meta[property='og:image']"))
        .next()
        .unwrap()
        .value()
        .attr("content")
        .unwrap()
        .to_string();
    assert!(og.ends_with(".jpg"), "{og}");
    let og_file = target_file(
        demo_site(),
        BASE_PATH,
        &og.replace("https://example.gov.cn", ""),
    )
    .unwrap();
    assert_eq!(width_of(&og_file), 1200);
    let list = read_html(&demo_site().join("articles/index.html"));
    let card = list
        .select(&sel(".pf-card-cover"))
        .next()
        .expect("a card with a cover");
    let thumb = target_file(demo_site(), BASE_PATH, card.value().attr("src").unwrap()).unwrap();
    assert!(width_of(&thumb) <= 360, "{}", thumb.display());
    // The "查看大图" link leads to the largest size.
    let zoom = doc.select(&sel("a.pf-zoom")).next().expect("查看大图");
    let large = target_file(demo_site(), BASE_PATH, zoom.value().attr("href").unwrap()).unwrap();
    assert_eq!(width_of(&large), 1600);
}

fn fixture(case: &str) -> PathBuf {
    repo().join("tests/fixtures/warnings").join(case)
}

/// A warning fixture builds (exit 0), leaves its messages exactly as pinned.
fn check_warnings(case: &str, location: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_dir(&fixture(case), &site);
    let _ = std::fs::remove_file(site.join("expected.txt"));
    let o = run(&site, &["build", "--now", NOW]);
    // The time a build took is not part of the message.
    let err = stderr(&o);
    let err = match err.rfind("用时 ") {
        Some(i) => format!(
            "{}用时 … 秒{}",
            &err[..i],
            &err[i..].split_once(" 秒").unwrap().1
        ),
        None => err,
    };
    assert_eq!(o.status.code(), Some(0), "{case}: exit status\n{err}");
    assert!(err.contains(&format!("--> {location}")), "{case}: {err}");
    assert_pinned(&fixture(case).join("expected.txt"), &err, case);
    err
}

#[test]
fn an_oversized_photo_warns_with_its_size() {
    let err = check_warnings("image_over_size_limit", "content/articles/xianchang.jpg");
    assert!(err.contains("KB") && err.contains("1 个警告"), "{err}");
}

#[test]
fn personal_data_warns_once_per_number_and_never_for_the_site_s_own_phone() {
    let err = check_warnings("personal_data", "content/articles/anli.md:6:9");
    assert!(err.contains("身份证号（110105********002X）"), "{err}");
    assert!(err.contains("手机号（139****5678）"), "{err}");
    assert!(err.contains("银行卡号（************7894）"), "{err}");
    // The number with a wrong check digit, and the site's own phone, are not warned about.
    assert!(!err.contains("0020"), "{err}");
    assert!(!err.contains("0001"), "{err}");
    assert!(err.contains("3 个警告"), "{err}");
}

#[test]
fn the_demo_site_has_no_personal_data_warning() {
    let o = run(&repo(), &["check", "--now", NOW]);
    let err = stderr(&o);
    for kind in ["身份证号", "手机号", "银行卡号"] {
        assert!(!err.contains(&format!("像是一个{kind}")), "{err}");
    }
}

#[test]
fn video_audio_and_attachments_render_as_players_and_links_with_type_and_size() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    write(
        &site.join("site.yaml"),
        "title: 测试站点\nbase_url: https://example.org/s/\n",
    );
    let body = "---\ntitle: 普法微视频\ndate: 2026-11-01\n---\n\n\
        ![普法微视频：防范电信诈骗](fangzha.mp4)\n\n\
        ![普法广播](guangbo.mp3)\n\n\
        [下载视频](fangzha.mp4)\n\n\
        [通知原文](tongzhi.pdf)和[报名表](baoming.docx)，[第三页](tongzhi.pdf#page=3)\n\n\
        <video src=\"fangzha.mp4\" autoplay></video>\n";
    write(&site.join("content/articles/shipin.md"), body);
    let a = site.join("content/articles");
    std::fs::write(a.join("fangzha.mp4"), vec![0u8; 3 * 1024 * 1024]).unwrap();
    std::fs::write(
        a.join("fangzha.vtt"),
        "WEBVTT\n\n00:00.000 --> 00:02.000\n注意防范\n",
    )
    .unwrap();
    std::fs::write(a.join("guangbo.mp3"), vec![0u8; 500 * 1024]).unwrap();
    std::fs::write(a.join("tongzhi.pdf"), vec![0u8; 1_258_291]).unwrap();
    std::fs::write(a.join("baoming.docx"), vec![0u8; 20 * 1024]).unwrap();
    let out = site.join("public");
    build_into(site, &out, &[]);
    let doc = read_html(&out.join("articles/shipin/index.html"));
    // Raw HTML: a local <video> stays, with controls and nothing loaded before it is played.
    let raw = doc
        .select(&sel("main video[src]"))
        .next()
        .expect("the raw <video>");
    assert_eq!(
        raw.value().attr("src"),
        Some("/s/articles/shipin/fangzha.mp4")
    );
    assert_eq!(raw.value().attr("preload"), Some("none"));
    assert!(raw.value().attr("controls").is_some() && raw.value().attr("autoplay").is_none());
    let video = doc.select(&sel("main video")).next().expect("a <video>");
    assert!(video.value().attr("controls").is_some());
    assert_eq!(video.value().attr("preload"), Some("none"));
    let src = doc.select(&sel("main video source")).next().unwrap();
    assert_eq!(
        src.value().attr("src"),
        Some("/s/articles/shipin/fangzha.mp4")
    );
    assert_eq!(src.value().attr("type"), Some("video/mp4"));
    let track = doc
        .select(&sel("main video track"))
        .next()
        .expect("captions");
    assert_eq!(track.value().attr("kind"), Some("captions"));
    assert_eq!(
        track.value().attr("src"),
        Some("/s/articles/shipin/fangzha.vtt")
    );
    assert!(out.join("articles/shipin/fangzha.vtt").is_file());
    let audio = doc.select(&sel("main audio")).next().expect("an <audio>");
    assert!(audio.value().attr("controls").is_some());
    let downloads: Vec<String> = doc
        .select(&sel("main a.pf-download"))
        .map(|a| a.text().collect())
        .collect();
    assert_eq!(
        downloads,
        [
            "下载视频：普法微视频：防范电信诈骗（3.0 MB）",
            "下载音频：普法广播（500 KB）"
        ]
    );
    let notes: Vec<String> = doc
        .select(&sel("main .pf-file-info"))
        .map(|a| a.text().collect())
        .collect();
    assert_eq!(
        notes,
        [
            "（视频，3.0 MB）",
            "（PDF，1.2 MB）",
            "（Word 文档，20 KB）",
            "（PDF，1.2 MB）"
        ]
    );
    // A fragment stays with a file's address.
    let page3 = "main a[href='/s/articles/shipin/tongzhi.pdf#page=3']";
    assert!(doc.select(&sel(page3)).next().is_some(), "{}", doc.html());
    assert!(doc.select(&sel("iframe")).next().is_none());
}

/// The width a variant's file name carries (`photo-800.1a2b3c4d.webp` → 800).
fn width_in_name(url: &str) -> u32 {
    let name = url.rsplit('/').next().unwrap();
    let (stem, _) = name.split_once('.').unwrap();
    stem.rsplit('-').next().unwrap().parse().unwrap_or(0)
}

/// In headless Chromium at 390 CSS px and device pixel ratio 2, the `sizes` used
/// (`(max-width: 48rem) calc(100vw - 2rem), 46rem`: 358 px here, so 716 device pixels) make
/// the browser pick the 800-pixel variant, never a larger one; and the home page with its
/// photo cards stays within 100 KB, everything it loads counted, after scrolling to the end.
#[test]
fn a_phone_loads_small_variants_and_the_home_page_stays_light() {
    let Some(mut b) = common::browser::Browser::launch() else {
        return;
    };
    let server: &'static StaticServer =
        Box::leak(Box::new(StaticServer::start(demo_site(), BASE_PATH)));
    b.call(
        "Emulation.setDeviceMetricsOverride",
        serde_json::json!({ "width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": true }),
    );
    b.open(&server.url("/hgz/articles/fengqiao-jingyan/"));
    b.eval("window.scrollTo(0, document.body.scrollHeight)");
    let all_loaded = "[...document.querySelectorAll('main picture img')]\
        .every(i => i.complete && i.naturalWidth > 0 && i.currentSrc)";
    b.wait_for(all_loaded, 15);
    let picked =
        b.eval("[...document.querySelectorAll('main picture img')].map(i => i.currentSrc)");
    let picked: Vec<String> = serde_json::from_value(picked).unwrap();
    assert!(picked.len() >= 2, "{picked:?}");
    for url in &picked {
        let w = width_in_name(url);
        assert!(w > 0 && w <= 800, "picked {url}");
        assert!(
            url.ends_with(".webp"),
            "Chromium takes the WebP source: {url}"
        );
    }

    b.call(
        "Emulation.setDeviceMetricsOverride",
        serde_json::json!({ "width": 412, "height": 915, "deviceScaleFactor": 2, "mobile": true }),
    );
    b.call("Network.enable", serde_json::json!({}));
    b.call(
        "Network.setCacheDisabled",
        serde_json::json!({ "cacheDisabled": true }),
    );
    b.open(&server.url("/hgz/"));
    b.wait_for(
        "document.querySelectorAll('.pf-card-cover').length >= 2",
        10,
    );
    // Scrolled through to the end as a reader does, a screen at a time, so that every lazy
    // image comes near the screen once.
    let height = b.eval("document.body.scrollHeight").as_f64().unwrap_or(0.0);
    let mut y = 0.0;
    while y < height {
        y += 800.0;
        b.eval(&format!("window.scrollTo(0, {y})"));
        std::thread::sleep(std::time::Duration::from_millis(60));
    }
    b.wait_for(
        "[...document.images].every(i => i.complete) && document.readyState === 'complete'",
        15,
    );
    std::thread::sleep(std::time::Duration::from_millis(300));
    let bytes = b.eval(
        "(() => { const n = performance.getEntriesByType('navigation')[0]; \
         return [n, ...performance.getEntriesByType('resource')]\
           .reduce((s, e) => s + e.transferSize, 0); })()",
    );
    let bytes = bytes.as_f64().unwrap();
    eprintln!(
        "home page at 412×915, DPR 2: {:.1} KB transferred",
        bytes / 1024.0
    );
    assert!(bytes > 10_000.0, "{bytes}: nothing counted?");
    assert!(
        bytes <= 100.0 * 1024.0,
        "home page transfers {:.1} KB",
        bytes / 1024.0
    );
}

/// `images.publish_originals: true` publishes the original too, with its metadata segments
/// removed and its image data untouched (the orientation is kept so it still stands up);
/// a `static/` photo is copied as it is, with a warning when it carries GPS.
#[test]
fn originals_are_published_only_when_asked_and_then_without_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    write(
        &site.join("site.yaml"),
        "title: 测试站点\nbase_url: https://example.org/\nimages:\n  publish_originals: true\n",
    );
    write(
        &site.join("content/articles/a.md"),
        "---\ntitle: 原图\ndate: 2026-11-01\n---\n\n![调解现场](photo.jpg)\n",
    );
    let demo = repo().join("content/articles/tiaojie-xianchang.jpg");
    std::fs::copy(&demo, site.join("content/articles/photo.jpg")).unwrap();
    std::fs::create_dir_all(site.join("static/img")).unwrap();
    std::fs::copy(&demo, site.join("static/img/logo-photo.jpg")).unwrap();
    let out = site.join("public");
    let o = build_into(site, &out, &[]);
    let err = stderr(&o);
    assert!(
        err.contains("static/img/logo-photo.jpg") && err.contains("GPS"),
        "a warning for the static photo:\n{err}"
    );
    let original = out.join("articles/a/photo.jpg");
    assert!(original.is_file(), "the original is published");
    let groups = metadata_groups(&[original.clone(), out.join("img/logo-photo.jpg")]);
    assert!(groups[0].1.is_empty(), "original carries {:?}", groups[0].1);
    assert!(
        groups[1].1.iter().any(|g| g == "GPS"),
        "static/ is copied as it is"
    );
    // The same pixels: the image data is byte for byte the source's.
    let source = std::fs::read(&demo).unwrap();
    let published = std::fs::read(&original).unwrap();
    let scan = |b: &[u8]| b.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
    assert_eq!(&published[scan(&published)..], &source[scan(&source)..]);
    assert!(published.len() < source.len());
    // "查看大图" still leads to the largest processed size, links to the file to the original.
    let doc = read_html(&out.join("articles/a/index.html"));
    let zoom = doc.select(&sel("a.pf-zoom")).next().unwrap();
    assert!(zoom.value().attr("href").unwrap().contains("photo-1600."));
}

/// An image's variants are claimed as one (`site/claims.rs`): two images that would write
/// the same variants (the same bytes under the names `a.jpg` and `a.jpeg` in one folder)
/// give one error, not one per variant; a file named exactly like a variant clashes with
/// it; a file whose name only looks like a variant's does not.
#[test]
fn variants_clash_as_one_and_with_files_of_their_names() {
    let photo = tiny_jpeg(64, 48);
    let page = "---\ntitle: 同一张照片\ndate: 2026-11-01\n---\n\n![调解现场](a.jpg)\n\n![调解现场](a.jpeg)\n";
    let dir = small_site(&[("content/articles/a.md", page)]);
    let site = dir.path();
    std::fs::write(site.join("content/articles/a.jpg"), &photo).unwrap();
    std::fs::write(site.join("content/articles/a.jpeg"), &photo).unwrap();
    let out = site.join("public");
    // The one error of a build that must fail.
    let error = || {
        let o = run(
            site,
            &["build", "--now", NOW, "--output", out.to_str().unwrap()],
        );
        let err = stderr(&o);
        assert_eq!(
            o.status.code(),
            Some(1),
            "the clash fails the build:\n{err}"
        );
        let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("错误")).collect();
        assert_eq!(errors.len(), 1, "one error for all the variants:\n{err}");
        err
    };
    let err = error();
    assert!(
        err.contains("/articles/a/a-") && err.contains("附件 content/articles/a.jpeg"),
        "names a variant and the other image:\n{err}"
    );
    assert!(
        err.contains("请修改其中一个的文件名。"),
        "no slug to change:\n{err}"
    );

    // One image: it builds; then a static file named exactly like one of its variants.
    write(
        &site.join("content/articles/a.md"),
        &page.replace("\n\n![调解现场](a.jpeg)", ""),
    );
    std::fs::remove_file(site.join("content/articles/a.jpeg")).unwrap();
    // Looks like a variant's name, with another fingerprint: no clash.
    let lookalike = site.join("static/articles/a/a-480.0123abcd.jpg");
    std::fs::create_dir_all(lookalike.parent().unwrap()).unwrap();
    std::fs::write(&lookalike, &photo).unwrap();
    build_into(site, &out, &[]);
    let variant = std::fs::read_dir(out.join("articles/a"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|n| n.ends_with(".webp"))
        .expect("a WebP variant");
    std::fs::write(site.join("static/articles/a").join(&variant), &photo).unwrap();
    let err = error();
    assert!(
        err.contains(&format!("文件会写到 /articles/a/{variant}，"))
            && err.contains("content/articles/a.jpg"),
        "names the file and the image:\n{err}"
    );
}
