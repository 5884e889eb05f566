//! axe-core (npm, pinned in `tests/audit/`) on the search pages in a real headless Chromium,
//! with and without JavaScript: the search page before and after a query (results, kind
//! filters, the everyday-words block, "did you mean"), an everyday word's page, and the
//! statute directory. Every violation is reported with its rule and elements.

mod common;

use std::sync::OnceLock;

use common::browser::Browser;
use common::{StaticServer, demo_site, repo};

const BASE: &str = "/hgz/";

fn server() -> &'static StaticServer {
    static SERVER: OnceLock<StaticServer> = OnceLock::new();
    SERVER.get_or_init(|| StaticServer::start(demo_site(), BASE))
}

/// axe-core's script, installed by `scripts/test.sh`.
fn axe_source() -> String {
    let path = repo().join("tests/audit/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "{} is missing: run scripts/test.sh (it installs axe-core with npm)",
            path.display()
        )
    })
}

/// The violations axe-core finds on the page open in `b`: "rule (impact): elements".
fn violations(b: &mut Browser) -> Vec<String> {
    b.eval(&axe_source());
    let found = b.eval(
        "axe.run(document, { resultTypes: ['violations'] }).then(r => r.violations.map(v =>\
            v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).join(', ')))",
    );
    serde_json::from_value(found).expect("axe-core ran")
}

fn url(path: &str) -> String {
    server().url(&format!("{BASE}{path}"))
}

#[test]
fn the_search_pages_pass_axe_with_javascript() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let status = "document.getElementById('pf-search-status').textContent";
    let cases = [
        ("search/", "true".to_string()),
        (
            "search/?q=%E8%B0%83%E8%A7%A3",
            format!(
                "{status}.startsWith('找到') && document.querySelectorAll('#pf-search-results li').length > 0 && !document.getElementById('pf-search-words').hidden"
            ),
        ),
        (
            "search/?q=%E7%AC%AC%E5%8D%81%E6%9D%A1",
            format!(
                "{status}.startsWith('找到') && !document.getElementById('pf-search-jump').hidden"
            ),
        ),
        (
            "search/?q=%E7%A6%BB%E5%A9%9A%E5%86%B7%E5%87%80%E6%9C%9F",
            "!document.getElementById('pf-search-suggest').hidden".to_string(),
        ),
        (
            "search/%E5%BD%A9%E7%A4%BC/",
            format!("{status}.startsWith('找到')"),
        ),
    ];
    for (path, ready) in cases {
        b.open(&url(path));
        b.wait_for(&ready, 20);
        // (With results, the page's law filter and date sort are audited too.)
        assert_eq!(violations(&mut b), Vec::<String>::new(), "{path}");
    }
}

#[test]
fn the_search_pages_pass_axe_without_javascript() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    for path in [
        "search/",
        "search/?q=%E5%BD%A9%E7%A4%BC",
        "search/%E5%BD%A9%E7%A4%BC/",
    ] {
        b.set_javascript(false);
        b.open(&url(path));
        // Scripts are let in again only to run the audit (the page's own, skipped while it
        // loaded, do not run again): Chromium evaluates nothing while they are off.
        b.set_javascript(true);
        let scripted = b.eval("document.getElementById('pf-search-status').textContent");
        assert_eq!(scripted, "", "{path}: the page's script did not run");
        assert_eq!(violations(&mut b), Vec::<String>::new(), "{path}");
    }
}

/// Issue 14's two findings on the demo site: the law pages' article links, whose accessible
/// name did not contain their visible text (label-content-name-mismatch), and the print
/// views' help line outside any landmark (region). Also the in-page search results.
#[test]
fn law_pages_print_views_and_results_in_place_pass_axe() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    for path in [
        "laws/%E6%B0%91%E6%B3%95%E5%85%B8/%E5%A9%9A%E5%A7%BB%E5%AE%B6%E5%BA%AD%E7%BC%96/",
        "laws/%E5%8F%8D%E5%AE%B6%E5%BA%AD%E6%9A%B4%E5%8A%9B%E6%B3%95/",
        "lessons/tiaojie/02-fengqiao-jingyan/print/",
        "events/xianfa-ri-2026/print/",
    ] {
        b.open(&url(path));
        let links = b.eval("document.querySelectorAll('a.pf-artlink').length");
        if path.starts_with("laws/") {
            assert!(links.as_u64().unwrap_or(0) > 10, "{path}: article links");
        }
        assert_eq!(violations(&mut b), Vec::<String>::new(), "{path}");
    }
    // The search box a query from the header makes in another page.
    b.open(&url("articles/"));
    b.eval("document.getElementById('pf-header-q').dispatchEvent(new Event('focusin', { bubbles: true })); true");
    b.wait_for(
        "document.querySelector('form[data-search-js]').hasAttribute('data-ready')",
        20,
    );
    b.eval(&format!(
        "window.__same_page = true; {}",
        common::header_query("调解")
    ));
    b.wait_for(
        "window.__same_page === true && !!document.getElementById('pf-search-results') && \
         document.getElementById('pf-search-results').getAttribute('data-complete') === '调解'",
        20,
    );
    assert_eq!(violations(&mut b), Vec::<String>::new(), "results in place");
}
