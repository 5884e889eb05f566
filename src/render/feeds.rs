//! Render step: what the Atom feeds and the sitemap show. Feeds carry the newest 20 entries
//! of the whole site and of each section; the sitemap lists every HTML page.

use minijinja::context;
use minijinja::value::{Serde, Value};
use serde::Serialize;

use crate::dates::rfc3339;
use crate::site::Site;

#[derive(Debug, Serialize)]
struct EntryVm {
    title: String,
    permalink: String,
    published: String,
    updated: String,
    summary: String,
    content: String,
    author: Option<String>,
    kind_label: String,
}

#[derive(Debug, Serialize)]
struct SitemapEntry {
    loc: String,
    lastmod: Option<String>,
}

/// The feeds: where each goes, and the section whose title it takes (none: the site's).
pub const FEEDS: [(&str, Option<&str>); 4] = [
    ("atom.xml", None),
    ("articles/atom.xml", Some("articles")),
    ("events/atom.xml", Some("events")),
    ("lessons/atom.xml", Some("lessons")),
];

/// The template context of feed `k` (see [`FEEDS`]).
pub fn feed_context(site: &Site, views: &super::Views<'_>, k: u8) -> Value {
    let (path, section) = FEEDS[k as usize];
    let title = match section {
        Some(dir) => title_of(site, dir),
        None => site.config().title.clone(),
    };
    feed_of(site, views, path, title, site.feed_entries(k))
}

/// The template context of the feed of column `dir`: its newest pages.
pub fn column_feed_context(site: &Site, views: &super::Views<'_>, dir: &str) -> Value {
    let newest = site
        .column(dir)
        .map(|c| c.newest.clone())
        .unwrap_or_default();
    let path = format!("{dir}/atom.xml");
    feed_of(site, views, &path, title_of(site, dir), &newest)
}

/// The template context of the feed of a term (key `categories/<slug>`): its newest pages.
pub fn term_feed_context(site: &Site, views: &super::Views<'_>, key: &str) -> Value {
    let (taxonomy, _) = crate::taxonomy::split_key(key);
    let what = site
        .config()
        .taxonomy(taxonomy)
        .map_or_else(String::new, |t| t.name.clone());
    let (name, newest) = site.term(key).map_or_else(Default::default, |t| {
        let n = t.pages.len().min(crate::site::FEED_ENTRIES);
        (t.name.clone(), t.pages[..n].to_vec())
    });
    let path = format!("{key}/atom.xml");
    let title = format!("{what}：{name} - {}", site.config().title);
    feed_of(site, views, &path, title, &newest)
}

/// A feed at `path` with `title`, of the pages `ids`.
fn feed_of(
    site: &Site,
    views: &super::Views<'_>,
    path: &str,
    title: String,
    ids: &[crate::site::PageId],
) -> Value {
    let site_value = &views.site;
    let c = site.config();
    // What an entry says is what the page's card shows, and its final HTML.
    let entries: Vec<EntryVm> = ids
        .iter()
        .map(|&i| {
            let card = views.card_object(i);
            let text = |f: &str| card.field(f).and_then(|v| v.as_str().map(str::to_string));
            let published = text("date").unwrap_or_default();
            EntryVm {
                title: text("title").unwrap_or_default(),
                permalink: text("permalink").unwrap_or_default(),
                updated: text("updated").unwrap_or_else(|| published.clone()),
                published,
                summary: text("summary").unwrap_or_default(),
                content: site.html(i).to_string(),
                author: text("author"),
                kind_label: text("kind_label").unwrap_or_default(),
            }
        })
        .collect();
    let updated = entries
        .iter()
        .map(|e| e.updated.clone())
        .max()
        .unwrap_or_else(|| rfc3339(site.now()));
    let alternate = path.trim_end_matches("atom.xml");
    context! {
        site => site_value.clone(),
        feed => context! {
            title => title,
            url => c.permalink(path),
            alternate => c.permalink(alternate),
            updated => updated,
            entries => Value::from(Serde(entries)),
        },
    }
}

fn title_of(site: &Site, dir: &str) -> String {
    let s = site
        .section(dir)
        .map(|s| s.title.clone())
        .unwrap_or_default();
    format!("{s} - {}", site.config().title)
}

/// The site paths of every HTML page (each given as its folder), sorted, with `lastmod` for
/// content pages: the pages and their print views, the list pages and the statute pages.
fn html_pages(site: &Site) -> Vec<(String, Option<String>)> {
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    for &i in site.pages() {
        let path = site.path(i).to_string();
        let (date, updated) = site.dates(i);
        out.push((path.clone(), updated.or(date).map(rfc3339)));
        if super::pages::print_template(site.kind(i)).is_some() {
            out.push((format!("{path}print/"), None));
        }
    }
    out.extend(site.list_paths().iter().map(|p| (p.clone(), None)));
    out.extend(
        super::laws::law_paths(site)
            .into_iter()
            .filter_map(|p| p.strip_suffix("index.html").map(str::to_string))
            .map(|p| (p, None)),
    );
    if site.config().search {
        out.push((super::search::PATH.to_string(), None));
        out.extend(
            super::search::word_jobs(site)
                .into_iter()
                .map(|(p, _, _)| (p, None)),
        );
    }
    out.sort_unstable();
    out
}

/// The sitemap's context: one entry per HTML page (sorted), with `lastmod` for content.
pub fn sitemap_context(site: &Site, site_value: &Value) -> Value {
    let entries: Vec<SitemapEntry> = html_pages(site)
        .into_iter()
        .map(|(p, lastmod)| SitemapEntry {
            loc: site.config().permalink(&p),
            lastmod,
        })
        .collect();
    context! { site => site_value.clone(), entries => Value::from(Serde(entries)) }
}
