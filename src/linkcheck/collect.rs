//! `check --external`, the links: every `http(s)://` address the site's Markdown files
//! (links, images, raw HTML `href`/`src`) and `site.yaml` (menu, contact) point at, each with
//! where it is written.

use pulldown_cmark::{Event, Options, Parser, Tag};

use crate::content::source::SiteSources;

/// Where an external address is written: file, line, column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place {
    pub file: String,
    pub line: usize,
    pub col: usize,
}

/// Is this an address the check fetches?
fn is_web(dest: &str) -> bool {
    let d = dest.trim().to_ascii_lowercase();
    d.starts_with("http://") || d.starts_with("https://")
}

/// The external addresses of every Markdown file and of site.yaml, in file order.
pub fn links(sources: &SiteSources) -> Vec<(String, Place)> {
    let mut out = Vec::new();
    for f in &sources.markdown {
        // The body after the front matter (a file without one has its error elsewhere).
        let body =
            crate::content::front_matter::split(&f.text, &f.rel).map_or(&*f.text, |s| s.body);
        let body_at = f.text.len() - body.len();
        let opts = Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES;
        for (event, range) in Parser::new_ext(body, opts).into_offset_iter() {
            let mut found: Vec<(String, usize)> = Vec::new();
            match event {
                Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                    found.push((dest_url.to_string(), range.start));
                }
                Event::Html(h) | Event::InlineHtml(h) => {
                    let (_, attrs) = crate::raw_html::scan(&h);
                    for a in attrs {
                        if matches!(a.name.as_str(), "href" | "src" | "poster") {
                            let v = crate::raw_html::decode(&h[a.value.clone()]);
                            found.push((v, range.start + a.value.start));
                        }
                    }
                }
                _ => {}
            }
            for (dest, at) in found.into_iter().filter(|(d, _)| is_web(d)) {
                let (line, col) = crate::diag::line_col(&f.text, body_at + at);
                let place = Place {
                    file: f.rel.clone(),
                    line,
                    col,
                };
                out.push((dest.trim().to_string(), place));
            }
        }
    }
    if let Some(config) = &sources.config {
        for (i, l) in config.text.lines().enumerate() {
            for word in l.split_whitespace() {
                let w = word.trim_matches(|c| c == '"' || c == '\'');
                if is_web(w) && !l.trim_start().starts_with("base_url") {
                    let col = l.find(w).map_or(1, |b| l[..b].chars().count() + 1);
                    let place = Place {
                        file: config.rel.clone(),
                        line: i + 1,
                        col,
                    };
                    out.push((w.to_string(), place));
                }
            }
        }
    }
    out
}
