//! The reader's display settings and 长者模式 in a real headless Chromium, on the demo site
//! served under its base path with `script-src 'self'`: each text size, colour mode and the
//! elder mode is chosen with its control, survives a reload and is in place at the first
//! frame (before anything is painted) with no layout shift after; no page scrolls sideways at
//! 320 px or at 200 % zoom; on a 412 px phone the main heading starts within 160 px.

mod common;

use std::sync::OnceLock;

use common::browser::Browser;
use common::{StaticServer, demo_site, read_html, sel};
use serde_json::json;

const BASE: &str = "/hgz/";

fn server() -> &'static StaticServer {
    static SERVER: OnceLock<StaticServer> = OnceLock::new();
    SERVER.get_or_init(|| StaticServer::start(demo_site(), BASE))
}

fn url(path: &str) -> String {
    server().url(&format!("{BASE}{path}"))
}

/// Records, at the first animation frame (which runs before the first paint), the settings
/// on `<html>` and the sizes and colours they give; and every layout shift after.
const FIRST_FRAME: &str = r#"
requestAnimationFrame(() => {
  const root = document.documentElement;
  window.__firstFrame = {
    text: root.getAttribute('data-pf-text') || '',
    colour: root.getAttribute('data-pf-colour') || '',
    elder: root.hasAttribute('data-pf-elder'),
    font: getComputedStyle(root).fontSize,
    background: getComputedStyle(root).backgroundColor,
  };
});
window.__shift = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__shift += e.value;
}).observe({ type: 'layout-shift', buffered: true });
"#;

/// A few pages of each kind of the demo site (found from its lists, not named by file).
fn pages() -> Vec<String> {
    let out = demo_site();
    let first = |list: &str, css: &str| -> String {
        let doc = read_html(&out.join(list).join("index.html"));
        let href = doc
            .select(&sel(css))
            .next()
            .and_then(|a| a.value().attr("href"))
            .unwrap_or_else(|| panic!("no {css} on {list}"))
            .to_string();
        href.strip_prefix(BASE).unwrap_or(&href).to_string()
    };
    vec![
        String::new(),
        "articles/".into(),
        first("articles", ".pf-card-title a"),
        first("events", ".pf-card-title a"),
        first("lessons", ".pf-series-lessons a, .pf-lesson-list a"),
        first("laws", ".pf-law-list a"),
        "events/calendar/".into(),
        "search/".into(),
        "tags/".into(),
        "about/".into(),
    ]
}

fn launch() -> Option<Browser> {
    let mut b = Browser::launch()?;
    b.on_new_document(FIRST_FRAME);
    Some(b)
}

/// Reload the page open in `b` and wait for its first frame's record.
fn reload(b: &mut Browser) {
    b.eval("window.__firstFrame = undefined");
    b.call("Page.reload", json!({}));
    b.wait_for(
        "document.readyState === 'complete' && window.__firstFrame !== undefined",
        20,
    );
}

fn viewport(b: &mut Browser, width: u32, scale: f64) {
    b.call(
        "Emulation.setDeviceMetricsOverride",
        json!({ "width": width, "height": 800, "deviceScaleFactor": scale, "mobile": width < 500 }),
    );
}

fn choose(b: &mut Browser, button: &str) {
    b.eval("document.querySelector('.pf-prefs summary').click()");
    b.wait_for("document.querySelector('.pf-prefs').open", 5);
    let clicked = b.eval(&format!(
        "(() => {{ const e = document.querySelector({button:?}); if (!e) return false; e.click(); return true; }})()"
    ));
    assert_eq!(clicked, json!(true), "no control {button}");
}

#[test]
fn each_setting_survives_a_reload_and_is_in_place_before_the_first_paint() {
    let Some(mut b) = launch() else { return };
    viewport(&mut b, 412, 1.0);
    b.open(&url(""));
    b.eval("localStorage.clear()");
    reload(&mut b);
    let plain = b.eval("window.__firstFrame");
    assert_eq!(plain["font"], "18px", "{plain}");
    let sizes = [("1", "18px"), ("2", "20px"), ("3", "22px"), ("4", "24px")];
    for (step, px) in sizes {
        choose(&mut b, &format!(".pf-prefs [data-pf-text='{step}']"));
        reload(&mut b);
        let f = b.eval("window.__firstFrame");
        let want = if step == "1" { "" } else { step };
        assert_eq!(f["text"], want, "text size {step} at the first frame: {f}");
        assert_eq!(f["font"], px, "text size {step}: {f}");
        assert_eq!(
            b.eval("window.__shift"),
            json!(0),
            "layout shift, size {step}"
        );
        let pressed = b.eval(&format!(
            "document.querySelector(\".pf-prefs [data-pf-text='{step}']\").getAttribute('aria-pressed')"
        ));
        assert_eq!(pressed, "true", "the {step} button shows it is chosen");
    }
    let colours = [
        ("white", "rgb(255, 255, 255)"),
        ("black", "rgb(0, 0, 0)"),
        ("blue", "rgb(0, 60, 128)"),
        ("yellow", "rgb(255, 255, 153)"),
        ("default", "rgba(0, 0, 0, 0)"),
    ];
    for (mode, background) in colours {
        choose(&mut b, &format!(".pf-prefs [data-pf-colour='{mode}']"));
        reload(&mut b);
        let f = b.eval("window.__firstFrame");
        assert_eq!(f["colour"], mode, "colour {mode} at the first frame: {f}");
        assert_eq!(f["background"], background, "colour {mode}: {f}");
        assert_eq!(b.eval("window.__shift"), json!(0), "layout shift, {mode}");
        assert_eq!(b.eval("localStorage.getItem('pf-colour')"), mode);
    }
    // 长者模式: one tap on, the largest text; one tap off again.
    choose(&mut b, ".pf-prefs [data-pf-text='1']");
    b.eval("document.querySelector('.pf-elder-toggle').click()");
    reload(&mut b);
    let f = b.eval("window.__firstFrame");
    assert_eq!(f["elder"], true, "{f}");
    assert_eq!(f["font"], "24px", "{f}");
    assert_eq!(
        b.eval("document.querySelector('.pf-elder-toggle').getAttribute('aria-pressed')"),
        "true"
    );
    b.eval("document.querySelector('.pf-elder-toggle').click()");
    reload(&mut b);
    let f = b.eval("window.__firstFrame");
    assert_eq!(f["elder"], false, "{f}");
    assert_eq!(f["font"], "18px", "{f}");
}

#[test]
fn without_javascript_the_settings_are_not_offered_and_the_menu_still_opens() {
    let Some(mut b) = launch() else { return };
    b.set_javascript(false);
    viewport(&mut b, 412, 1.0);
    b.open(&url(""));
    let shown = b.eval(
        "[...document.querySelectorAll('.pf-prefs, .pf-elder-toggle')].filter(e => e.getClientRects().length).length",
    );
    assert_eq!(shown, json!(0), "controls that need JavaScript are hidden");
    b.eval("document.querySelector('.pf-menu summary').click()");
    let links = b.eval(
        "[...document.querySelectorAll('.pf-menu a')].filter(a => a.getClientRects().length).map(a => a.textContent)",
    );
    assert!(
        links.as_array().is_some_and(|l| l.len() >= 5),
        "the phone menu opens without JavaScript: {links}"
    );
}

#[test]
fn the_viewport_never_blocks_zoom() {
    for page in pages() {
        let file = demo_site()
            .join(common::percent_decode(&page))
            .join("index.html");
        let doc = read_html(&file);
        let viewport = doc
            .select(&sel("meta[name=viewport]"))
            .next()
            .and_then(|m| m.value().attr("content"))
            .unwrap_or_default()
            .to_string();
        assert!(
            !viewport.contains("user-scalable") && !viewport.contains("maximum-scale"),
            "{page}: {viewport}"
        );
    }
}

#[test]
fn nothing_scrolls_sideways_at_320_px_or_at_200_percent_zoom() {
    let Some(mut b) = launch() else { return };
    b.open(&url(""));
    let mut wide = Vec::new();
    for (mode, setup) in [
        ("default", "localStorage.clear()"),
        (
            "largest text",
            "localStorage.clear(); localStorage.setItem('pf-text', '4')",
        ),
        (
            "elder, black",
            "localStorage.clear(); localStorage.setItem('pf-elder', '1'); localStorage.setItem('pf-colour', 'black')",
        ),
    ] {
        b.eval(setup);
        // 320 CSS px; and a 1280 px window at 200 % zoom, which lays pages out at 640 CSS
        // px with two device pixels to each.
        for (width, scale) in [(320, 1.0), (640, 2.0)] {
            viewport(&mut b, width, scale);
            for page in pages() {
                b.open(&url(&page));
                let w = b.eval(
                    "[document.documentElement.scrollWidth, document.documentElement.clientWidth]",
                );
                if w[0].as_f64() > w[1].as_f64() {
                    wide.push(format!("{page} at {width} px ×{scale} ({mode}): {w}"));
                }
            }
        }
    }
    assert!(wide.is_empty(), "pages wider than the screen:\n{wide:#?}");
}

#[test]
fn on_a_phone_the_heading_starts_within_160_px() {
    let Some(mut b) = launch() else { return };
    viewport(&mut b, 412, 2.625);
    b.open(&url(""));
    let mut late = Vec::new();
    for (mode, setup) in [
        ("default", "localStorage.clear()"),
        (
            "elder",
            "localStorage.clear(); localStorage.setItem('pf-elder', '1')",
        ),
    ] {
        b.eval(setup);
        for page in pages() {
            b.open(&url(&page));
            let top = b.eval(
                "(() => { const h = document.querySelector('main h1'); return h ? h.getBoundingClientRect().top : -1; })()",
            );
            let search = b.eval("!!document.querySelector('header input[type=search]')");
            assert_eq!(
                search,
                json!(true),
                "{page}: the search field is in the header"
            );
            let top = top.as_f64().unwrap();
            assert!(top >= 0.0, "{page}: no main heading");
            if top > 160.0 {
                late.push(format!("{page} ({mode}): {top} px"));
            }
        }
    }
    assert!(late.is_empty(), "headings below 160 px:\n{late:#?}");
}

#[test]
fn a_system_asking_for_more_contrast_gets_black_on_white_until_the_reader_chooses() {
    let Some(mut b) = launch() else { return };
    b.call(
        "Emulation.setEmulatedMedia",
        json!({ "features": [{ "name": "prefers-contrast", "value": "more" }] }),
    );
    b.open(&url("articles/"));
    b.eval("localStorage.clear()");
    reload(&mut b);
    let colours = "(() => { const a = document.querySelector('main a'); return [getComputedStyle(document.documentElement).backgroundColor, getComputedStyle(document.querySelector('main p')).color, getComputedStyle(a).color]; })()";
    assert_eq!(
        b.eval(colours),
        json!(["rgb(255, 255, 255)", "rgb(0, 0, 0)", "rgb(0, 0, 200)"]),
        "白底黑字 with its link colour"
    );
    choose(&mut b, ".pf-prefs [data-pf-colour='default']");
    reload(&mut b);
    let plain = b.eval(colours);
    assert_eq!(
        plain[0], "rgba(0, 0, 0, 0)",
        "the reader's own choice wins: {plain}"
    );
}
