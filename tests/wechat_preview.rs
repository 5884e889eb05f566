//! The 公众号 preview of `pufa serve` (issue 16, acceptance 4), in headless Chromium: an
//! article page served by `serve` links to its preview (and a plain page does not); the
//! preview's copy button puts the fragment on the clipboard as `text/html`, equal to what
//! `pufa export wechat` writes with the images inline; pasted into a `contenteditable`
//! element, its inline styles survive. The built site has no such link.

mod common;

use common::browser::Browser;
use common::*;
use scraper::Html;
use serde_json::json;

const PAGE: &str = "articles/fengqiao-jingyan/";

/// Elements and their styles, and the text, of an HTML fragment, images' `src` aside (the
/// preview has them inline, the export as files).
fn shape(html: &str) -> (Vec<(String, String)>, String) {
    let doc = Html::parse_fragment(html);
    let mut elements = Vec::new();
    for e in doc
        .root_element()
        .descendants()
        .filter_map(scraper::ElementRef::wrap)
    {
        let name = e.value().name().to_string();
        if name == "html" || name == "meta" {
            continue;
        }
        let style = e.value().attr("style").unwrap_or_default().replace(' ', "");
        elements.push((name, style));
    }
    let text: String = doc
        .root_element()
        .text()
        .collect::<String>()
        .split_whitespace()
        .collect();
    (elements, text)
}

/// Click the element `css` as a person does (the clipboard wants a real click).
fn click(b: &mut Browser, css: &str) {
    let rect = b.eval(&format!(
        "(() => {{ const r = document.querySelector({}).getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()",
        json!(css)
    ));
    let (x, y) = (rect[0].as_f64().unwrap(), rect[1].as_f64().unwrap());
    for kind in ["mousePressed", "mouseReleased"] {
        b.call(
            "Input.dispatchMouseEvent",
            json!({ "type": kind, "x": x, "y": y, "button": "left", "clickCount": 1 }),
        );
    }
}

#[test]
fn the_preview_copies_the_fragment_as_html_and_a_paste_keeps_its_styles() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let site = demo_site_copy();
    let served = serve(site.path(), &[]);
    let origin = format!("http://127.0.0.1:{}", served.port);
    // The served page links to its preview; a plain page and the built site do not.
    let (_, page) = get_text(served.port, &format!("/hgz/{PAGE}"));
    assert!(
        page.contains("data-pufa-wechat"),
        "the article links to its preview"
    );
    let (_, about) = get_text(served.port, "/hgz/about/");
    assert!(!about.contains("data-pufa-wechat"));
    let built = std::fs::read_to_string(demo_site().join(PAGE).join("index.html")).unwrap();
    assert!(!built.contains("pufa-wechat") && !built.contains("复制到公众号"));
    // The files `pufa export wechat` writes for the same page.
    let out = tempfile::tempdir().unwrap();
    let o = run(
        site.path(),
        &[
            "export",
            "wechat",
            &format!("/hgz/{PAGE}"),
            "--now",
            NOW,
            "--out",
            out.path().to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let exported =
        std::fs::read_to_string(out.path().join("articles-fengqiao-jingyan/article.html")).unwrap();

    b.call(
        "Browser.grantPermissions",
        json!({ "origin": origin, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"] }),
    );
    b.call(
        "Emulation.setFocusEmulationEnabled",
        json!({ "enabled": true }),
    );
    b.open(&format!("{origin}/hgz/{PAGE}"));
    let href = b.eval("document.querySelector('a[data-pufa-wechat]').href");
    b.open(href.as_str().unwrap());
    // Images are inline, under 1 MB each.
    let srcs =
        b.eval("[...document.querySelectorAll('#pf-wx-body img')].map(i => i.getAttribute('src'))");
    let srcs = srcs.as_array().unwrap();
    assert!(srcs.len() >= 2, "{srcs:?}");
    for s in srcs {
        let s = s.as_str().unwrap();
        assert!(
            s.starts_with("data:image/jpeg;base64,") || s.starts_with("data:image/png;base64,")
        );
        assert!(s.len() < 1024 * 1024 * 4 / 3 + 64);
    }
    click(&mut b, "#pf-wx-copy");
    b.wait_for(
        "document.getElementById('pf-wx-copy').getAttribute('data-copied') !== null",
        10,
    );
    assert_eq!(
        b.eval("document.getElementById('pf-wx-copy').getAttribute('data-copied')"),
        "yes"
    );
    let copied = b.eval(
        "navigator.clipboard.read().then(items => items[0].getType('text/html')).then(b => b.text())",
    );
    let copied = copied.as_str().expect("text/html on the clipboard");
    assert_eq!(
        shape(copied),
        shape(&exported),
        "the clipboard holds the export"
    );

    // Pasted into an editor (a contenteditable element), the styles stay.
    b.eval(
        "(() => { const d = document.createElement('div'); d.id = 'editor'; d.contentEditable = 'true'; \
         document.body.prepend(d); d.focus(); return true; })()",
    );
    for kind in ["keyDown", "keyUp"] {
        b.call(
            "Input.dispatchKeyEvent",
            json!({ "type": kind, "key": "v", "code": "KeyV", "modifiers": 2, "windowsVirtualKeyCode": 86, "commands": ["paste"] }),
        );
    }
    b.wait_for("document.querySelectorAll('#editor h2').length > 0", 10);
    let pasted = b.eval(
        "[...document.querySelectorAll('#editor h2')].map(h => h.getAttribute('style') || '')",
    );
    let styles = pasted.as_array().unwrap();
    assert!(!styles.is_empty());
    for s in styles {
        let s = s.as_str().unwrap().replace(' ', "");
        assert!(
            s.contains("border-left:4pxsolid") && s.contains("color:"),
            "pasted h2 style: {s}"
        );
    }
    let tables = b.eval("[...document.querySelectorAll('#editor td')].filter(t => (t.getAttribute('style') || '').includes('border')).length");
    assert!(
        tables.as_u64().unwrap() > 4,
        "table cells keep their borders"
    );

    // An article written while serve runs gets its link too.
    write(
        &site.path().join("content/articles/xin-wenzhang.md"),
        "---\ntitle: 新写的文章\ndate: 2026-11-30\n---\n\n新写的正文。\n",
    );
    wait_until(30, "the new article served with its 公众号 link", || {
        let (status, html) = get_text(served.port, "/hgz/articles/xin-wenzhang/");
        status == 200 && html.contains("data-pufa-wechat")
    });
    let (status, preview) = get_text(served.port, "/__pufa/wechat/articles/xin-wenzhang/");
    assert_eq!(status, 200);
    assert!(preview.contains("新写的正文"));
}
