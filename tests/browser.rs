//! Browser features in a real headless Chromium: live reload end to end.

mod common;

use common::browser::Browser;
use common::*;

#[test]
fn live_reload_shows_edits_and_the_error_overlay_without_any_action() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_dir(&repo().join("tests/fixtures/serve_site"), &site);
    let s = serve(&site, &[]);
    b.open(&format!("http://127.0.0.1:{}/articles/a1/", s.port));
    b.wait_for("document.body.innerText.includes('第一篇文章的正文')", 10);
    // Let the page's event stream connect.
    b.wait_for("!!document.getElementById('pufa-live-reload')", 10);
    std::thread::sleep(std::time::Duration::from_millis(500));

    let a1 = site.join("content/articles/a1.md");
    let good = std::fs::read_to_string(&a1).unwrap();
    atomic_write(
        &a1,
        &good.replace("第一篇文章的正文", "浏览器里自动出现的新内容 LIVE-1"),
    );
    b.wait_for("document.body.innerText.includes('LIVE-1')", 15);

    write(
        &a1,
        &good.replace("title: 第一篇文章", "title: [第一篇文章"),
    );
    b.wait_for(
        "(() => { const o = document.getElementById('pufa-error-overlay'); \
         return !!o && getComputedStyle(o).display !== 'none' && o.getBoundingClientRect().height > 100 \
         && o.innerText.includes('content/articles/a1.md'); })()",
        15,
    );
    // Fixing it takes the overlay away again.
    write(&a1, &good);
    b.wait_for("!document.getElementById('pufa-error-overlay')", 15);
}

#[test]
fn a_stylesheet_edit_is_swapped_without_reloading() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_dir(&repo().join("tests/fixtures/serve_site"), &site);
    copy_dir(&repo().join("themes/default"), &site.join("themes/default"));
    let s = serve(&site, &[]);
    b.open(&format!("http://127.0.0.1:{}/", s.port));
    b.wait_for("!!document.getElementById('pufa-live-reload')", 10);
    std::thread::sleep(std::time::Duration::from_millis(500));
    // A marker that survives only if the page is not reloaded.
    b.eval("window.pufaNotReloaded = true");
    let css = site.join("themes/default/static/css/site.css");
    let text = std::fs::read_to_string(&css).unwrap();
    atomic_write(
        &css,
        &format!("{text}\nbody {{ outline: 7px solid rgb(1, 2, 3); }}\n"),
    );
    b.wait_for(
        "getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)'",
        15,
    );
    assert_eq!(
        b.eval("window.pufaNotReloaded === true"),
        serde_json::Value::Bool(true)
    );
    assert_eq!(
        b.eval("window.pufaCssReloads >= 1"),
        serde_json::Value::Bool(true)
    );
}
