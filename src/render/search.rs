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
            // Raw addresses (a third the bytes of percent-encoded ones): the directory is
            // most of the search page, which every query loads.
            let page = format!("{}{}", c.link(""), lib.file_paths[fi]);
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
    let tags = super::lists::term_counts(site, crate::taxonomy::TAGS);
    // The site's other taxonomies, each with its terms.
    let others: Vec<Value> = c.taxonomies[1..]
        .iter()
        .map(|t| {
            let terms = super::lists::term_counts(site, &t.key);
            context! { name => t.name.clone(), url => c.link_parts(&[&t.key, "/"]), terms => Value::from(Serde(terms)) }
        })
        .collect();
    context! {
        site => site_value.clone(),
        nav_active => -1,
        current_path => PATH,
        search_url => c.link(PATH),
        index_url => c.link(crate::search::docs::INDEX_FOLDER),
        laws => Value::from(Serde(directory(site))),
        tags => Value::from(Serde(tags)),
        taxonomies => others,
        words => Value::from(Serde(word_heads(site))),
        pub_date => site.newest_date().map(super::context::pub_date),
    }
}

/// The page of one everyday word: `search/彩礼/`. Its address is the word made into a URL
/// segment; a word whose address an earlier word of the table took has no page of its own.
pub fn word_jobs(site: &Site) -> Vec<(String, u32, u32)> {
    if !site.config().search {
        return Vec::new();
    }
    let mut seen = crate::fingerprint::FastSet::default();
    let mut out = Vec::new();
    for (e, entry) in site.library().words.iter().enumerate() {
        for (w, word) in entry.words.iter().enumerate() {
            let Ok(slug) = crate::text::make_slug(word) else {
                continue;
            };
            let path = format!("{PATH}{slug}/");
            if seen.insert(path.clone()) {
                out.push((path, e as u32, w as u32));
            }
        }
    }
    out
}

#[derive(Debug, Serialize)]
struct LinkVm {
    text: String,
    url: String,
}

#[derive(Debug, Serialize)]
struct WordArticleVm {
    label: String,
    url: String,
    paragraphs: Vec<String>,
}

#[derive(Debug, Serialize)]
struct WordPageVm {
    title: String,
    url: String,
    kind: &'static str,
    date: Option<String>,
}

/// Most pages an everyday word's page lists (the search page with JavaScript lists all).
const WORD_PAGES: usize = 50;

/// The articles of a row of the table, in full, and the pages that cite them.
fn word_articles(
    site: &Site,
    cited: &[(usize, crate::statute::numerals::ArticleNo)],
) -> (Vec<WordArticleVm>, Vec<crate::site::PageId>) {
    let (c, lib) = (site.config(), site.library());
    let mut articles = Vec::new();
    let mut pages = Vec::new();
    for &(law, no) in cited {
        let (Some((_, found)), Some((page, anchor))) =
            (lib.article(law, no), lib.article_place(law, no))
        else {
            continue;
        };
        let mut paragraphs = Vec::new();
        for p in &found.paragraphs {
            paragraphs.push(p.text.clone());
            paragraphs.extend(p.items.iter().cloned());
        }
        articles.push(WordArticleVm {
            label: lib.article_label(law, no),
            url: format!("{}#{anchor}", c.link(page)),
            paragraphs,
        });
        pages.extend(site.cited_by(law, no).iter().copied());
    }
    (articles, pages)
}

/// The context of everyday word `word` of row `entry` of the table: what the law calls it,
/// its articles in full, its laws, and the pages that cite those articles or carry the word
/// or one of its terms as a tag.
pub fn word_context(site: &Site, site_value: &Value, entry: u32, word: u32) -> Value {
    let c = site.config();
    let lib = site.library();
    let Some(row) = lib.words.get(entry as usize) else {
        return Value::UNDEFINED;
    };
    let others: Vec<LinkVm> = row_links(site, entry)
        .into_iter()
        .filter(|l| row.words.get(word as usize) != Some(&l.text))
        .collect();
    let word = row.words.get(word as usize).cloned().unwrap_or_default();
    let search = |q: &str| format!("{}?q={}", c.link(PATH), query_value(q));
    let terms: Vec<LinkVm> = row
        .terms
        .iter()
        .map(|t| LinkVm {
            text: t.clone(),
            url: search(t),
        })
        .collect();
    let (articles, mut pages) = word_articles(site, &row.articles);
    let laws: Vec<LinkVm> = row
        .laws
        .iter()
        .map(|&l| LinkVm {
            text: format!("《{}》", lib.laws[l].short),
            url: c.link(&lib.laws[l].path()),
        })
        .collect();
    let all_terms = c.taxonomies.iter().flat_map(|t| site.terms(&t.key));
    for t in all_terms {
        if row.words.contains(&t.name) || row.terms.contains(&t.name) {
            pages.extend(t.pages.iter().copied());
        }
    }
    let mut listed = crate::fingerprint::FastSet::default();
    pages.retain(|&id| site.is_published(id) && listed.insert(id));
    let more = pages.len().saturating_sub(WORD_PAGES);
    let pages: Vec<WordPageVm> = pages
        .into_iter()
        .take(WORD_PAGES)
        .map(|id| WordPageVm {
            title: site.title(id).to_string(),
            url: c.link(site.path(id)),
            kind: site.kind(id).label(),
            date: site.dates(id).0.map(|d| d.date().to_string()),
        })
        .collect();
    context! {
        site => site_value.clone(),
        nav_active => -1,
        current_path => format!("{PATH}{word}/"),
        search_url => c.link(PATH),
        index_url => c.link(crate::search::docs::INDEX_FOLDER),
        word => word,
        terms => Value::from(Serde(terms)),
        others => Value::from(Serde(others)),
        articles => Value::from(Serde(articles)),
        laws => Value::from(Serde(laws)),
        pages => Value::from(Serde(pages)),
        more => more,
        pub_date => site.newest_date().map(super::context::pub_date),
    }
}

/// Each everyday word with its page, for the search page's directory.
/// The first word of each row of the table with its page, for the search page, linked by
/// its raw address (`/search/彩礼/`, a third the bytes of the percent-encoded one; browsers
/// encode it when they follow it).
fn word_heads(site: &Site) -> Vec<LinkVm> {
    let base = site.config().link("");
    let words = &site.library().words;
    word_jobs(site)
        .into_iter()
        .filter(|(_, _, w)| *w == 0)
        .map(|(path, e, _)| LinkVm {
            text: words[e as usize].words[0].clone(),
            url: format!("{base}{path}"),
        })
        .collect()
}

/// The words of row `row` with their pages (their addresses made as [`word_jobs`] makes
/// them, without going through every row).
fn row_links(site: &Site, row: u32) -> Vec<LinkVm> {
    let base = site.config().link("");
    site.library().words[row as usize]
        .words
        .iter()
        .filter_map(|w| {
            let slug = crate::text::make_slug(w).ok()?;
            Some(LinkVm {
                text: w.clone(),
                url: format!("{base}{PATH}{slug}/"),
            })
        })
        .collect()
}

/// `q` percent-encoded for a query string (what a path may keep but a query may not,
/// `&`, `+`, `=`, `;`, also encoded).
fn query_value(q: &str) -> String {
    let mut out = String::with_capacity(q.len() * 3);
    for c in crate::text::encode_path(q).chars() {
        match c {
            '&' => out.push_str("%26"),
            '+' => out.push_str("%2B"),
            '=' => out.push_str("%3D"),
            ';' => out.push_str("%3B"),
            _ => out.push(c),
        }
    }
    out
}
