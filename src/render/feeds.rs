//! Render step: what the Atom feeds and the sitemap show. Feeds carry the newest 20 entries
//! of the whole site and of each section; the sitemap lists every HTML page.

use std::collections::HashMap;

use minijinja::context;
use minijinja::value::{Serde, Value};
use serde::Serialize;

use crate::content::Kind;
use crate::dates::rfc3339;
use crate::site::Site;

/// Entries per feed.
pub const FEED_ENTRIES: usize = 20;

#[derive(Debug, Serialize)]
struct EntryVm {
    title: String,
    permalink: String,
    published: String,
    updated: String,
    summary: String,
    content: String,
    author: Option<String>,
    kind_label: &'static str,
}

#[derive(Debug, Serialize)]
struct SitemapEntry {
    loc: String,
    lastmod: Option<String>,
}

/// One Atom feed: where it goes, its title and the pages it carries (newest first).
pub struct FeedJob {
    pub path: &'static str,
    pub title: String,
    pub entries: Vec<usize>,
}

/// The site-wide feed and one per section.
pub fn feed_jobs(site: &Site) -> Vec<FeedJob> {
    let c = &site.config;
    let mut dated: Vec<usize> = (0..site.pages.len())
        .filter(|&i| site.pages[i].date.is_some() && site.pages[i].kind != Kind::Page)
        .collect();
    // Newest first, ties in source order (pages are sorted by source).
    dated.sort_by_cached_key(|&i| {
        (
            std::cmp::Reverse(site.pages[i].date.as_ref().map(|d| d.timestamp())),
            i,
        )
    });
    let feeds: [(&'static str, Option<Kind>, String); 4] = [
        ("atom.xml", None, c.title.clone()),
        (
            "articles/atom.xml",
            Some(Kind::Article),
            title_of(site, "articles"),
        ),
        (
            "events/atom.xml",
            Some(Kind::Event),
            title_of(site, "events"),
        ),
        (
            "lessons/atom.xml",
            Some(Kind::Lesson),
            title_of(site, "lessons"),
        ),
    ];
    feeds
        .into_iter()
        .map(|(path, kind, title)| FeedJob {
            path,
            title,
            entries: dated
                .iter()
                .copied()
                .filter(|&i| kind.is_none_or(|k| site.pages[i].kind == k))
                .take(FEED_ENTRIES)
                .collect(),
        })
        .collect()
}

/// The template context of one feed.
pub fn feed_context(site: &Site, site_value: &Value, job: &FeedJob) -> Value {
    let c = &site.config;
    let entries: Vec<EntryVm> = job
        .entries
        .iter()
        .map(|&i| {
            let p = &site.pages[i];
            let published = p.date.as_ref().map(rfc3339).unwrap_or_default();
            EntryVm {
                title: p.title.clone(),
                permalink: c.permalink(&p.path),
                updated: p
                    .updated
                    .as_ref()
                    .map(rfc3339)
                    .unwrap_or_else(|| published.clone()),
                published,
                summary: p.summary.clone(),
                content: site.html[i].to_string(),
                author: p.author.clone(),
                kind_label: p.kind.label(),
            }
        })
        .collect();
    let updated = entries
        .iter()
        .map(|e| e.updated.clone())
        .max()
        .unwrap_or_else(|| rfc3339(&site.now));
    let alternate = job.path.trim_end_matches("atom.xml");
    context! {
        site => site_value.clone(),
        feed => context! {
            title => job.title.clone(),
            url => c.permalink(job.path),
            alternate => c.permalink(alternate),
            updated => updated,
            entries => Value::from(Serde(entries)),
        },
    }
}

fn title_of(site: &Site, dir: &str) -> String {
    let s = site
        .sections
        .get(dir)
        .map(|s| s.title.clone())
        .unwrap_or_default();
    format!("{s} - {}", site.config.title)
}

/// The sitemap's context: one entry per HTML page path (sorted), with `lastmod` for content.
pub fn sitemap_context(site: &Site, site_value: &Value, paths: &[&str]) -> Value {
    let by_path: HashMap<&str, usize> = site
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.path.as_str(), i))
        .collect();
    let entries: Vec<SitemapEntry> = paths
        .iter()
        .map(|p| SitemapEntry {
            loc: site.config.permalink(p),
            lastmod: by_path.get(p).and_then(|&i| {
                let pg = &site.pages[i];
                pg.updated.as_ref().or(pg.date.as_ref()).map(rfc3339)
            }),
        })
        .collect();
    context! { site => site_value.clone(), entries => Value::from(Serde(entries)) }
}
