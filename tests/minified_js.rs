//! The default theme publishes its search script minified: `static/js/search.js` must be
//! what `scripts/minify_js.sh` (terser, pinned in `tests/audit/`) makes of
//! `themes/default/src/search.js`, so an edit of the source cannot ship without its
//! published file.

mod common;

#[test]
fn the_published_search_script_is_its_source_minified() {
    let terser = common::repo().join("tests/audit/node_modules/.bin/terser");
    assert!(
        terser.exists(),
        "{} is missing: run scripts/test.sh (it installs terser with npm)",
        terser.display()
    );
    let out = std::process::Command::new(common::repo().join("scripts/minify_js.sh"))
        .arg("--check")
        .output()
        .expect("scripts/minify_js.sh runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
