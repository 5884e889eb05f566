//! The default theme is readable for older people, measured in a real headless Chromium on
//! the demo site: body text at least 18 px with a line height of at least 1.6, every piece
//! of visible text at a contrast of at least 4.5:1 against what is behind it (3:1 for large
//! text, as WCAG counts it), on a desktop window and on a phone-sized one, and no sideways
//! scrolling on the phone.

mod common;

use std::path::Path;

use common::browser::Browser;
use common::*;
use serde_json::{Value, json};

fn demo() -> &'static StaticServer {
    static SERVER: std::sync::OnceLock<StaticServer> = std::sync::OnceLock::new();
    let out: &'static Path = demo_site();
    SERVER.get_or_init(|| StaticServer::start(out, "/hgz/"))
}

/// One page of every template.
const PAGES: &[&str] = &[
    "/hgz/",
    "/hgz/articles/",
    "/hgz/articles/fengqiao-jingyan/",
    "/hgz/events/",
    "/hgz/events/calendar/",
    "/hgz/events/2025/",
    "/hgz/events/xianfa-ri-2026/",
    "/hgz/lessons/",
    "/hgz/lessons/minfadian/",
    "/hgz/lessons/minfadian/01-hunyin-ziyou/",
    "/hgz/tags/",
    "/hgz/laws/",
    "/hgz/laws/%E5%AE%AA%E6%B3%95/",
    "/hgz/about/",
    "/hgz/404.html",
];

/// In the page: the computed base sizes, and every visible text whose contrast is too low.
const MEASURE: &str = r#"(() => {
  const rgba = (s) => {
    const m = s.match(/rgba?\(([^)]+)\)/);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const lum = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const over = (top, under) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + under[i] * (1 - a)).concat([1]);
  };
  // What is painted behind an element: the backgrounds of it and its ancestors, blended.
  const behind = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    let bg = [255, 255, 255, 1];
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    return bg;
  };
  const hidden = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden' || Number(s.opacity) === 0) return true;
      if (s.clip === 'rect(0px, 0px, 0px, 0px)' || s.clipPath === 'inset(50%)') return true;
      if (e.tagName === 'DETAILS' && !e.open && el !== e && !e.querySelector('summary').contains(el)) return true;
    }
    const r = el.getBoundingClientRect();
    return r.width === 0 || r.height === 0 || r.right < 0 || r.bottom < 0;
  };
  const bad = [];
  let checked = 0;
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].filter((n) => n.nodeType === 3 && n.textContent.trim()).map((n) => n.textContent.trim()).join(' ');
    if (!own || hidden(el) || el.closest('svg')) continue;
    const s = getComputedStyle(el);
    const fg = over(rgba(s.color), behind(el));
    const bg = behind(el);
    const [l1, l2] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    const size = parseFloat(s.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
    checked++;
    if (ratio < (large ? 3 : 4.5)) {
      bad.push(`${el.tagName.toLowerCase()}.${el.className} “${own.slice(0, 20)}” ${ratio.toFixed(2)}:1 (${s.color} on rgb(${bg.slice(0, 3).map(Math.round)}))`);
    }
  }
  const body = getComputedStyle(document.body);
  // Reading text: an article's or lesson's body, a law's clauses, or plain paragraphs.
  const para = document.querySelector('.pf-body p, .pf-clause, main p:not([class])');
  const ps = para ? getComputedStyle(para) : body;
  return {
    checked,
    bad,
    bodySize: parseFloat(body.fontSize),
    paraSize: parseFloat(ps.fontSize),
    paraLine: parseFloat(ps.lineHeight) / parseFloat(ps.fontSize),
    overflow: document.documentElement.scrollWidth - window.innerWidth,
  };
})()"#;

fn measure_all(b: &mut Browser, width: u32) -> Vec<String> {
    b.call(
        "Emulation.setDeviceMetricsOverride",
        json!({ "width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600 }),
    );
    let mut problems = Vec::new();
    for page in PAGES {
        b.open(&demo().url(page));
        let m: Value = b.eval(MEASURE);
        let at = format!("{page} at {width}px");
        assert!(m["checked"].as_u64().unwrap() > 10, "{at}: {m}");
        if m["bodySize"].as_f64().unwrap() < 18.0 {
            problems.push(format!("{at}: body font {} px", m["bodySize"]));
        }
        if m["paraSize"].as_f64().unwrap() < 18.0 {
            problems.push(format!("{at}: paragraph font {} px", m["paraSize"]));
        }
        if m["paraLine"].as_f64().unwrap() < 1.6 {
            problems.push(format!(
                "{at}: line height {:.2}",
                m["paraLine"].as_f64().unwrap()
            ));
        }
        if width < 600 && m["overflow"].as_f64().unwrap() > 1.0 {
            problems.push(format!("{at}: {} px wider than the screen", m["overflow"]));
        }
        for bad in m["bad"].as_array().unwrap() {
            problems.push(format!("{at}: {}", bad.as_str().unwrap()));
        }
    }
    problems
}

#[test]
fn text_is_large_and_contrast_is_enough_on_desktop_and_phone() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let mut problems = measure_all(&mut b, 1280);
    problems.extend(measure_all(&mut b, 375));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
