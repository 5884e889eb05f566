//! Render step for the search page (`/search/`): the form and the place where the browser
//! shows results (`js/search.js`), and what serves without JavaScript: the statute
//! library's directory (each law, each chapter with its first and last 条, linked to the
//! chapter) and the tags.

use minijinja::context;
use minijinja::value::{Serde, Value};
use serde::Serialize;

use crate::site::Site;
use crate::statute::parse::Block;

/// Where the search page is, as a site path.
pub const PATH: &str = "search/";

#[derive(Debug, Serialize)]
struct ChapterVm {
    title: String,
    url: String,
    first: String,
    last: String,
}

#[derive(Debug, Serialize)]
struct DirLawVm {
    title: String,
    url: String,
    version_date: Option<String>,
    chapters: Vec<ChapterVm>,
}

/// The statute library by law, each with its chapters (the top headings of each file; a
/// law split over files names the file's part before each).
fn directory(site: &Site) -> Vec<DirLawVm> {
    let lib = site.library();
    let c = site.config();
    let mut out = Vec::new();
    for l in &lib.laws {
        let mut chapters: Vec<ChapterVm> = Vec::new();
        let mut version_date = None;
        for &fi in &l.files {
            let f = &lib.files[fi];
            version_date = version_date.or_else(|| f.version_date.clone());
            let page = c.link(&lib.file_paths[fi]);
            let top = f
                .blocks
                .iter()
                .filter_map(|b| match b {
                    Block::Heading { level, .. } => Some(*level),
                    _ => None,
                })
                .min();
            let part = f
                .part
                .as_ref()
                .map(|p| format!("{p} · "))
                .unwrap_or_default();
            let mut open = false;
            for b in &f.blocks {
                match b {
                    Block::Heading { level, text, id } if Some(*level) == top => {
                        chapters.push(ChapterVm {
                            title: format!("{part}{text}"),
                            url: format!("{page}#{id}"),
                            first: String::new(),
                            last: String::new(),
                        });
                        open = true;
                    }
                    Block::Article(a) => {
                        if !open {
                            chapters.push(ChapterVm {
                                title: f.part.clone().unwrap_or_else(|| "正文".to_string()),
                                url: page.clone(),
                                first: String::new(),
                                last: String::new(),
                            });
                            open = true;
                        }
                        if let Some(ch) = chapters.last_mut() {
                            if ch.first.is_empty() {
                                ch.first = a.no.label();
                            }
                            ch.last = a.no.label();
                        }
                    }
                    _ => {}
                }
            }
        }
        out.push(DirLawVm {
            title: l.title.clone(),
            url: c.link(&l.path()),
            version_date,
            chapters,
        });
    }
    out
}

/// The search page's context.
pub fn search_context(site: &Site, site_value: &Value) -> Value {
    let c = site.config();
    let tags = super::lists::tag_counts(site);
    context! {
        site => site_value.clone(),
        nav_active => -1,
        current_path => PATH,
        search_url => c.link(PATH),
        index_url => c.link(crate::search::docs::INDEX_FOLDER),
        laws => Value::from(Serde(directory(site))),
        tags => Value::from(Serde(tags)),
        pub_date => site.newest_date().map(super::context::pub_date),
    }
}
