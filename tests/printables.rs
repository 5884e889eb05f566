//! Lessons people can take and posters for the physical law corners, checked in a real
//! headless Chromium: the QR codes on print views decode to the page's address, print-to-PDF
//! gives one A4 poster page and at most two handout pages, and the self-check quiz works with
//! JavaScript (feedback, score, keyboard) and without it (answers in `<details>`).

mod common;

use std::path::Path;
use std::process::Command;

use common::browser::{Browser, CHROMIUM_FLAGS, chromium};
use common::*;
use serde_json::{Value, json};

/// The demo site, built once and served at its base path `/hgz/`.
fn demo() -> (&'static Path, &'static StaticServer) {
    static SERVER: std::sync::OnceLock<StaticServer> = std::sync::OnceLock::new();
    let out = demo_site();
    (
        out,
        SERVER.get_or_init(|| StaticServer::start(out, "/hgz/")),
    )
}

const BASE: &str = "https://example.gov.cn/hgz/";

/// Decode the QR code drawn by the `<svg class="pf-qr">` of the page now open: screenshot
/// just that element at 3× and read it with `rqrr`.
fn decode_qr_on_page(b: &mut Browser) -> String {
    let rect = b.eval(
        "(() => { const r = document.querySelector('svg.pf-qr').getBoundingClientRect(); \
         return {x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height}; })()",
    );
    let (w, h) = (rect["w"].as_f64().unwrap(), rect["h"].as_f64().unwrap());
    assert!(w > 80.0 && (w - h).abs() < 1.0, "QR code size {rect}");
    let shot = b.call(
        "Page.captureScreenshot",
        json!({
            "format": "png",
            "captureBeyondViewport": true,
            "clip": {"x": rect["x"], "y": rect["y"], "width": w, "height": h, "scale": 3},
        }),
    );
    let png = data_encoding::BASE64
        .decode(shot["data"].as_str().unwrap().as_bytes())
        .unwrap();
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let (pw, ph) = (info.width as usize, info.height as usize);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(pw, ph, |x, y| {
        let i = y * info.line_size + x * channels;
        // Luma of the RGB(A) pixel.
        ((buf[i] as u32 * 299 + buf[i + 1] as u32 * 587 + buf[i + 2] as u32 * 114) / 1000) as u8
    });
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the picture");
    let (meta, text) = grids[0].decode().expect("the QR code decodes");
    // Error correction M or better: rqrr reports ECC level 0 = M, 1 = L, 2 = H, 3 = Q.
    assert_ne!(
        meta.ecc_level, 1,
        "error correction level L is too weak for a poster"
    );
    text
}

#[test]
fn qr_codes_on_handouts_and_posters_lead_to_their_pages() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let (_, server) = demo();
    for page in [
        "lessons/minfadian/01-hunyin-ziyou/",
        "lessons/tiaojie/03-tiaojie-xieyi/",
        "events/xianfa-ri-2026/",
        "events/changlang-xiaoketang-2027-01/",
    ] {
        b.open(&server.url(&format!("/hgz/{page}print/")));
        b.wait_for("!!document.querySelector('svg.pf-qr')", 10);
        let got = decode_qr_on_page(&mut b);
        assert_eq!(got, format!("{BASE}{page}"), "QR code of {page}print/");
        // The web page links to its print view.
        b.open(&server.url(&format!("/hgz/{page}")));
        let print = b.eval("document.querySelector('a[href$=\"/print/\"]')?.getAttribute('href')");
        assert_eq!(print, Value::from(format!("/hgz/{page}print/")));
    }
}

/// Print `url` to PDF with Chromium's own `--print-to-pdf`; returns (pages, page size line).
fn print_to_pdf(url: &str, pdf: &Path) -> (u32, String) {
    let profile = tempfile::tempdir().unwrap();
    let o = Command::new(chromium().unwrap())
        .args(CHROMIUM_FLAGS)
        .arg("--no-pdf-header-footer")
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(url)
        .output_within(90, &format!("chromium --print-to-pdf {url}"));
    assert!(
        pdf.exists(),
        "chromium wrote no PDF for {url}:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let info = Command::new("pdfinfo").arg(pdf).output_within(
        30,
        "pdfinfo (Debian's poppler-utils, which scripts/test.sh installs)",
    );
    let info = String::from_utf8_lossy(&info.stdout).into_owned();
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_string())
            .unwrap_or_else(|| panic!("pdfinfo has no {name}:\n{info}"))
    };
    (field("Pages:").parse().unwrap(), field("Page size:"))
}

fn published(kind: &str) -> Vec<String> {
    let (out, _) = demo();
    let mut pages: Vec<String> = tree(&out.join(kind))
        .into_keys()
        .filter_map(|rel| {
            rel.strip_suffix("print/index.html")
                .map(|p| format!("{kind}/{p}"))
        })
        .collect();
    pages.sort();
    pages
}

#[test]
fn posters_print_on_one_a4_page_and_handouts_on_at_most_two() {
    if chromium().is_none() {
        return;
    }
    let (_, server) = demo();
    let dir = tempfile::tempdir().unwrap();
    let posters = published("events");
    let handouts = published("lessons");
    assert!(posters.len() >= 7, "{posters:?}");
    assert!(handouts.len() >= 9, "{handouts:?}");
    for (i, page) in posters.iter().chain(&handouts).enumerate() {
        let pdf = dir.path().join(format!("{i}.pdf"));
        let (pages, size) = print_to_pdf(&server.url(&format!("/hgz/{page}print/")), &pdf);
        assert!(size.contains("(A4)"), "{page}: page size {size}");
        if page.starts_with("events/") {
            assert_eq!(pages, 1, "the poster of {page} takes {pages} pages");
        } else {
            assert!(
                (1..=2).contains(&pages),
                "the handout of {page} takes {pages} pages"
            );
        }
    }
    // pdftoppm turns a PDF into a picture (how docs/poster.png and docs/handout.png are made).
    let png = dir.path().join("poster");
    let ok = Command::new("pdftoppm")
        .args(["-png", "-r", "40", "-singlefile"])
        .arg(dir.path().join("0.pdf"))
        .arg(&png)
        .output_within(60, "pdftoppm")
        .status;
    assert!(ok.success());
    assert!(std::fs::metadata(png.with_extension("png")).unwrap().len() > 1000);
}

#[test]
fn handouts_print_the_quiz_without_answers_and_the_answers_upside_down() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let (_, server) = demo();
    b.open(&server.url("/hgz/lessons/minfadian/01-hunyin-ziyou/print/"));
    let v = b.eval(
        "(() => { const a = document.querySelector('.pv-answers'); \
         return { questions: document.querySelectorAll('.pv-quiz > li').length, \
                  quizText: document.querySelector('.pv-quiz').innerText, \
                  answers: a.innerText, transform: getComputedStyle(a).transform, \
                  keyPoints: document.querySelectorAll('.pv-box li').length, \
                  statutes: document.querySelectorAll('.pv-statute').length, \
                  scripts: document.scripts.length }; })()",
    );
    assert_eq!(v["questions"], 3, "{v}");
    assert!(!v["quizText"].as_str().unwrap().contains("解析"), "{v}");
    assert!(v["answers"].as_str().unwrap().contains("1. B"), "{v}");
    // rotate(180deg) is matrix(-1, 0, 0, -1, 0, 0).
    assert!(
        v["transform"].as_str().unwrap().starts_with("matrix(-1, "),
        "{v}"
    );
    assert_eq!(v["keyPoints"], 4);
    assert!(v["statutes"].as_u64().unwrap() >= 3);
    assert_eq!(v["scripts"], 0, "print views need no JavaScript");
}

const LESSON: &str = "/hgz/lessons/minfadian/01-hunyin-ziyou/";

#[test]
fn the_quiz_gives_feedback_and_a_score_with_javascript_by_mouse_and_keyboard() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let (_, server) = demo();
    b.open(&server.url(LESSON));
    b.wait_for("!!document.querySelector('.pf-quiz.pf-quiz-live')", 10);
    let started = b.eval("performance.now()");
    assert_eq!(
        b.eval("document.querySelector('.pf-quiz-score').hidden"),
        Value::Bool(true)
    );
    // Question 1 (answer B): pick the wrong option A with the mouse.
    b.eval("document.querySelector('input[name=pf-q1][value=A]').click()");
    let q1 = b.eval(
        "(() => { const q = document.querySelectorAll('.pf-quiz-item')[0]; \
         return [q.querySelector('.pf-quiz-feedback').textContent, \
                 q.querySelector('input[value=A]').closest('label').className]; })()",
    );
    assert!(q1[0].as_str().unwrap().contains("正确答案是 B"), "{q1}");
    assert!(q1[1].as_str().unwrap().contains("is-wrong"), "{q1}");
    assert_eq!(
        b.eval("document.querySelector('.pf-quiz-score').textContent"),
        Value::from("已答 1 / 3 题，答对 0 题。")
    );

    // Question 2 (answer B) by keyboard alone: Tab-focus the first option, Space picks it,
    // the down arrow moves the choice to B.
    b.eval("document.querySelector('input[name=pf-q2][value=A]').focus()");
    key(&mut b, " ", "Space", 32);
    key(&mut b, "ArrowDown", "ArrowDown", 40);
    let q2 = b.eval(
        "(() => { const q = document.querySelectorAll('.pf-quiz-item')[1]; \
         return [q.querySelector('input:checked').value, q.querySelector('.pf-quiz-feedback').textContent, \
                 document.activeElement.value]; })()",
    );
    assert_eq!(q2[0], "B", "{q2}");
    assert!(q2[1].as_str().unwrap().contains("回答正确"), "{q2}");
    assert_eq!(q2[2], "B", "focus follows the choice");

    // Question 3 (answer A): right, by clicking its label text.
    b.eval("document.querySelector('input[name=pf-q3][value=A]').closest('label').click()");
    let score = b.eval("document.querySelector('.pf-quiz-score').textContent");
    assert_eq!(
        score,
        Value::from("已答 3 / 3 题，答对 2 题。可以展开“查看答案”看看解析。")
    );
    // Changing an answer re-scores.
    b.eval("document.querySelector('input[name=pf-q1][value=B]').click()");
    let score = b.eval("document.querySelector('.pf-quiz-score').textContent");
    assert_eq!(
        score,
        Value::from("已答 3 / 3 题，答对 3 题。全部正确，真棒！")
    );

    // Screen readers: each question is a fieldset named by its legend, options are labelled
    // radios, and feedback and score are live regions.
    let a11y = b.eval(
        "(() => { const items = [...document.querySelectorAll('.pf-quiz-item')]; \
         return { fieldsets: items.filter(i => i.querySelector('fieldset > legend')).length, \
                  labelled: [...document.querySelectorAll('.pf-quiz input[type=radio]')].every(r => r.labels.length === 1 && r.labels[0].textContent.trim().length > 2), \
                  live: document.querySelectorAll('.pf-quiz [aria-live=polite]').length }; })()",
    );
    assert_eq!(a11y, json!({"fieldsets": 3, "labelled": true, "live": 4}));
    // Nothing was sent anywhere while answering: no request made by script since the quiz
    // started (the browser's own late loads, like the icon, do not count).
    let sent = b.eval(&format!(
        "performance.getEntriesByType('resource').filter(e => e.startTime > {started} && \
         ['fetch', 'xmlhttprequest', 'beacon', 'script', 'img'].includes(e.initiatorType)).map(e => e.name)"
    ));
    assert_eq!(sent, json!([]));
}

fn key(b: &mut Browser, key: &str, code: &str, vk: u32) {
    for kind in ["rawKeyDown", "keyUp"] {
        let mut p = json!({
            "type": kind, "key": key, "code": code,
            "windowsVirtualKeyCode": vk, "nativeVirtualKeyCode": vk,
        });
        if kind == "rawKeyDown" && key == " " {
            b.call("Input.dispatchKeyEvent", p.clone());
            p["type"] = json!("char");
            p["text"] = json!(" ");
        }
        b.call("Input.dispatchKeyEvent", p);
    }
}

#[test]
fn without_javascript_each_answer_is_revealed_by_its_details() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let (_, server) = demo();
    b.set_javascript(false);
    b.open(&server.url(LESSON));
    let v = b.eval(
        "(() => { const d = [...document.querySelectorAll('.pf-quiz-item details.pf-quiz-answer')]; \
         return { details: d.length, open: d.filter(x => x.open).length, \
                  live: !!document.querySelector('.pf-quiz-live'), \
                  scoreHidden: document.querySelector('.pf-quiz-score').hidden, \
                  answerVisible: d[0].querySelector('p').checkVisibility() }; })()",
    );
    assert_eq!(
        v,
        json!({"details": 3, "open": 0, "live": false, "scoreHidden": true, "answerVisible": false}),
        "the quiz script did not run and answers start folded"
    );
    b.eval("document.querySelector('.pf-quiz-answer summary').click()");
    let shown = b.eval(
        "(() => { const d = document.querySelector('.pf-quiz-answer'); \
         const p = d.querySelectorAll('p'); \
         return [d.open, p[0].checkVisibility(), p[0].innerText, p[1].innerText]; })()",
    );
    assert_eq!(shown[0], true, "{shown}");
    assert_eq!(shown[1], true, "{shown}");
    assert_eq!(shown[2], "正确答案：B. 不对，这是干涉婚姻自由");
    assert!(shown[3].as_str().unwrap().contains("法律禁止包办婚姻"));
}

#[test]
fn series_pages_list_lessons_in_order_with_durations_and_key_points() {
    let (out, _) = demo();
    let doc = read_html(&out.join("lessons/minfadian/index.html"));
    let items: Vec<_> = doc.select(&sel(".pf-series-lessons > li")).collect();
    assert_eq!(items.len(), 5);
    let hrefs: Vec<&str> = items
        .iter()
        .map(|li| {
            li.select(&sel("h2 a"))
                .next()
                .unwrap()
                .value()
                .attr("href")
                .unwrap()
        })
        .collect();
    assert_eq!(
        hrefs,
        [
            "/hgz/lessons/minfadian/01-hunyin-ziyou/",
            "/hgz/lessons/minfadian/02-jicheng/",
            "/hgz/lessons/minfadian/03-xianglin-guanxi/",
            "/hgz/lessons/minfadian/04-jiekuan/",
            "/hgz/lessons/minfadian/05-renge-quan/",
        ]
    );
    let first: String = items[0].text().collect();
    assert!(first.contains("15分钟"), "{first}");
    assert!(
        first.contains("婚姻自由、一夫一妻、男女平等是法定的婚姻制度"),
        "{first}"
    );
    // A lesson page says where it stands in its series.
    let lesson = read_html(&out.join("lessons/minfadian/03-xianglin-guanxi/index.html"));
    assert!(text_of(&lesson, ".pf-byline").contains("第 3 课 / 共 5 课"));
}
