//! `pufa check --external`: fetch every external address the site links to and report the
//! dead ones where they are written. Never part of a build. Addresses are checked a host at
//! a time by each of a few workers (so no site gets more than one request at once), with a
//! timeout, retries on 429 and 5xx, and redirects followed and reported. Addresses found
//! alive are remembered for a week in `.pufa-cache/links.tsv` (git-ignored), so a second
//! run asks again only about the others.

mod cache;
pub mod collect;
pub mod fetch;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

use crate::content::source::SiteSources;
use crate::diag::Diagnostic;
use fetch::{Patience, Verdict};

/// Hosts checked at once.
pub const WORKERS: usize = 8;

/// What a check found.
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    /// Addresses, and how many of them the cache answered.
    pub addresses: usize,
    pub cached: usize,
    pub dead: usize,
    pub unsure: usize,
    pub moved: usize,
}

/// Check the external links of the site at `root`.
pub fn check_external(root: &Path, sources: &SiteSources, patience: &Patience) -> Report {
    let links = collect::links(sources);
    let mut cache = cache::Cache::read(root);
    let mut by_host: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut verdicts: BTreeMap<String, Verdict> = BTreeMap::new();
    let mut seen: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
    for (url, _) in &links {
        if !seen.insert(url) {
            continue;
        }
        match cache.fresh(url) {
            Some(v) => {
                verdicts.insert(url.clone(), v);
            }
            None => by_host.entry(host_of(url)).or_default().push(url.clone()),
        }
    }
    let cached = verdicts.len();
    verdicts.extend(fetch_all(by_host, patience));
    for (url, v) in &verdicts {
        cache.remember(url, v);
    }
    cache.write(root);
    report(&links, &verdicts, cached, sources)
}

/// Check each host's addresses in turn, `WORKERS` hosts at a time.
fn fetch_all(by_host: BTreeMap<String, Vec<String>>, p: &Patience) -> BTreeMap<String, Verdict> {
    let queue = Mutex::new(by_host.into_values().collect::<Vec<_>>());
    let found = Mutex::new(BTreeMap::new());
    let agent = fetch::agent(p);
    std::thread::scope(|s| {
        for _ in 0..WORKERS {
            s.spawn(|| {
                loop {
                    let next = queue.lock().ok().and_then(|mut q| q.pop());
                    let Some(urls) = next else { break };
                    for url in urls {
                        let v = fetch::check(&agent, &url, p);
                        if let Ok(mut f) = found.lock() {
                            f.insert(url, v);
                        }
                    }
                }
            });
        }
    });
    found.into_inner().unwrap_or_default()
}

/// `host:port` of an address (what one worker keeps to itself).
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// A message for each place that links to an address found dead, moved or not to be told.
fn report(
    links: &[(String, collect::Place)],
    verdicts: &BTreeMap<String, Verdict>,
    cached: usize,
    sources: &SiteSources,
) -> Report {
    let mut r = Report {
        diagnostics: Vec::new(),
        addresses: verdicts.len(),
        cached,
        dead: 0,
        unsure: 0,
        moved: 0,
    };
    for v in verdicts.values() {
        match v {
            Verdict::Alive => {}
            Verdict::Moved(_) => r.moved += 1,
            Verdict::Dead(_) => r.dead += 1,
            Verdict::Unsure(_) => r.unsure += 1,
        }
    }
    for (url, place) in links {
        let d = match verdicts.get(url) {
            Some(Verdict::Dead(why)) => Diagnostic::error(format!(
                "外部链接打不开：{url}（{why}）"
            ))
            .with_hint("用浏览器打开看看：网站改版了就换成新地址，内容没有了就删掉这个链接。"),
            Some(Verdict::Unsure(status)) => Diagnostic::warning(format!(
                "外部链接无法确认：{url}（对方网站拒绝了自动检查，状态 {status}）"
            ))
            .with_hint("用浏览器打开看看；能打开就不用管。"),
            Some(Verdict::Moved(to)) => {
                Diagnostic::warning(format!("外部链接已跳转：{url} → {to}"))
                    .with_hint("把链接换成新地址，以免哪天旧地址不再跳转。")
            }
            _ => continue,
        };
        let mut d = d.in_file(&place.file).at(place.line, place.col);
        if let Some(text) = source_text(sources, &place.file) {
            d = d.with_source_line(text, 0);
        }
        r.diagnostics.push(d);
    }
    r
}

fn source_text<'a>(sources: &'a SiteSources, rel: &str) -> Option<&'a str> {
    match &sources.config {
        Some(c) if c.rel == rel => Some(&c.text),
        _ => sources.markdown_file(rel).map(|f| &*f.text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_keep_their_port() {
        assert_eq!(host_of("http://127.0.0.1:8080/a?b"), "127.0.0.1:8080");
        assert_eq!(host_of("https://WWW.Example.cn"), "www.example.cn");
    }
}
