//! Render step for the statute library: view models of the `/laws/` index, each law file's
//! page (every article with its anchor, paragraphs numbered, and the pages that cite it), and
//! the overview page of a law split over several files.

use minijinja::context;
use minijinja::value::{Serde, Value};
use serde::Serialize;
use std::fmt::Write as _;

use super::context::LinkVm;
use crate::config::Config;
use crate::site::{PageId, Site};
use crate::statute::LawLibrary;
use crate::statute::parse::{Block, StatuteArticle};

#[derive(Debug, Serialize)]
struct TocVm {
    level: u8,
    text: String,
    id: String,
}

#[derive(Debug, Serialize)]
struct PartVm {
    title: String,
    url: String,
    first: String,
    last: String,
    count: usize,
    current: bool,
}

#[derive(Debug, Serialize)]
struct LawSummaryVm {
    title: String,
    short: String,
    url: String,
    article_count: usize,
    version_date: Option<String>,
    parts: Vec<PartVm>,
}

#[derive(Debug, Serialize)]
struct GroupVm {
    name: String,
    laws: Vec<LawSummaryVm>,
}

fn parts(lib: &LawLibrary, site: &Site, law: usize, current: Option<usize>) -> Vec<PartVm> {
    let l = &lib.laws[law];
    l.files
        .iter()
        .map(|&fi| {
            let f = &lib.files[fi];
            let arts: Vec<_> = f
                .blocks
                .iter()
                .filter_map(|b| match b {
                    Block::Article(a) => Some(a.no),
                    _ => None,
                })
                .collect();
            PartVm {
                title: f.part.clone().unwrap_or_else(|| f.stem.clone()),
                url: site.config().link(&lib.file_paths[fi]),
                first: arts.first().map(|a| a.label()).unwrap_or_default(),
                last: arts.last().map(|a| a.label()).unwrap_or_default(),
                count: arts.len(),
                current: Some(fi) == current,
            }
        })
        .collect()
}

fn version_of(lib: &LawLibrary, law: usize) -> Option<String> {
    lib.laws[law]
        .files
        .iter()
        .find_map(|&fi| lib.files[fi].version_date.clone())
}

/// A page of the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LawPage {
    /// `/laws/`.
    Index,
    /// The overview of a law split over several files.
    Overview(usize),
    /// One file's page: (law, file).
    File(usize, usize),
}

/// Every page of the library with its output path.
pub fn law_pages(lib: &LawLibrary) -> Vec<(String, LawPage)> {
    let mut out = vec![("laws/index.html".to_string(), LawPage::Index)];
    for (li, l) in lib.laws.iter().enumerate() {
        if l.is_split() {
            out.push((format!("{}index.html", l.path()), LawPage::Overview(li)));
        }
        for &fi in &l.files {
            out.push((
                format!("{}index.html", lib.file_paths[fi]),
                LawPage::File(li, fi),
            ));
        }
    }
    out
}

/// The output paths of the library's pages.
pub fn law_paths(site: &Site) -> Vec<String> {
    law_pages(site.library())
        .into_iter()
        .map(|(p, _)| p)
        .collect()
}

/// The template and context of a page of the library.
pub fn law_context(site: &Site, site_value: &Value, page: LawPage) -> (&'static str, Value) {
    match page {
        LawPage::Index => ("laws.html", index_context(site, site_value)),
        LawPage::Overview(li) => ("law_overview.html", overview_context(site, site_value, li)),
        LawPage::File(li, fi) => ("law.html", file_context(site, site_value, li, fi)),
    }
}

fn column(site: &Site) -> LinkVm {
    let section = site.section("laws").cloned().unwrap_or_default();
    LinkVm {
        title: section.title,
        url: site.config().link("laws/"),
    }
}

fn index_context(site: &Site, site_value: &Value) -> Value {
    let lib = site.library();
    let c = site.config();
    let section = site.section("laws").cloned().unwrap_or_default();
    let mut groups: Vec<GroupVm> = Vec::new();
    for (li, l) in lib.laws.iter().enumerate() {
        let summary = LawSummaryVm {
            title: l.title.clone(),
            short: l.short.clone(),
            url: c.link(&l.path()),
            article_count: l.articles.len(),
            version_date: version_of(lib, li),
            parts: if l.is_split() {
                parts(lib, site, li, None)
            } else {
                vec![]
            },
        };
        let name = if l.folder.is_empty() {
            "其他".to_string()
        } else {
            l.folder.clone()
        };
        match groups.iter_mut().find(|g| g.name == name) {
            Some(g) => g.laws.push(summary),
            None => groups.push(GroupVm {
                name,
                laws: vec![summary],
            }),
        }
    }
    context! {
        site => site_value.clone(),
        list => context! {
            title => section.title.clone(),
            description => section.description.clone(),
            intro => section.intro_html.clone(),
            url => c.link("laws/"),
            permalink => c.permalink("laws/"),
            number => 1, total => 1,
        },
        groups => Value::from(Serde(groups)),
        law_count => lib.laws.len(),
        // The newest version in the library (ISO dates sort as text).
        pub_date => (0..lib.laws.len()).filter_map(|li| version_of(lib, li)).max(),
        nav_active => crate::render::nav_active(site, "laws/"),
        current_path => "laws/",
    }
}

fn overview_context(site: &Site, site_value: &Value, li: usize) -> Value {
    let lib = site.library();
    let c = site.config();
    let l = &lib.laws[li];
    context! {
        site => site_value.clone(),
        column => Value::from(Serde(column(site))),
        law => context! {
            title => l.title.clone(),
            short => l.short.clone(),
            url => c.link(&l.path()),
            permalink => c.permalink(&l.path()),
            article_count => l.articles.len(),
            version_date => version_of(lib, li),
            history => lib.files[l.files[0]].history.clone(),
            parts => Value::from(Serde(parts(lib, site, li, None))),
        },
        nav_active => crate::render::nav_active(site, &l.path()),
        current_path => l.path(),
    }
}

fn file_context(site: &Site, site_value: &Value, li: usize, fi: usize) -> Value {
    let lib = site.library();
    let c = site.config();
    let l = &lib.laws[li];
    let f = &lib.files[fi];
    let path = &lib.file_paths[fi];
    let law_link = LinkVm {
        title: l.short.clone(),
        url: c.link(&l.path()),
    };
    let toc: Vec<TocVm> = f
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { level, text, id } => Some(TocVm {
                level: *level,
                text: text.clone(),
                id: id.clone(),
            }),
            _ => None,
        })
        .collect();
    let body_html = law_body_html(lib, site, li, fi);
    let count = f
        .blocks
        .iter()
        .filter(|b| matches!(b, Block::Article(_)))
        .count();
    let title = match (&f.part, l.is_split()) {
        (Some(p), true) => format!("{}·{p}", l.short),
        _ => l.short.clone(),
    };
    context! {
        site => site_value.clone(),
        column => Value::from(Serde(column(site))),
        law => context! {
            title => title,
            full_title => l.title.clone(),
            short => l.short.clone(),
            part => f.part.clone(),
            url => c.link(path),
            permalink => c.permalink(path),
            overview => l.is_split().then(|| Value::from(Serde(&law_link))),
            parts => Value::from(Serde(if l.is_split() { parts(lib, site, li, Some(fi)) } else { vec![] })),
            history => f.history.clone(),
            version_date => version_of(lib, li),
            article_count => count,
            toc => Value::from(Serde(toc)),
            body_html => body_html,
            source => f.source.clone(),
        },
        nav_active => crate::render::nav_active(site, path),
        current_path => path.clone(),
    }
}

/// The text of a law file as HTML: headings, and every article in a `<section>` with its
/// anchor (`art-1043`), numbered paragraphs (`art-1043-2`), items, a link to itself, and the
/// pages that cite it. Made here rather than in the template: a law has hundreds of
/// articles, and this is the page's content, as a Markdown body is.
fn law_body_html(lib: &LawLibrary, site: &Site, li: usize, fi: usize) -> String {
    let c = site.config();
    // Escaped straight into the page: a law file is hundreds of articles, each with its
    // paragraphs and the pages that cite it.
    use crate::text::push_escaped as esc;
    let mut out = String::with_capacity(lib.files[fi].blocks.len() * 400);
    for b in &lib.files[fi].blocks {
        match b {
            Block::Heading { level, text, id } => {
                let _ = write!(out, "<h{level} id=\"");
                esc(&mut out, id);
                out.push_str("\" class=\"pf-law-h\">");
                esc(&mut out, text);
                let _ = writeln!(out, "</h{level}>");
            }
            Block::Text(t) => {
                out.push_str("<p class=\"pf-law-text\">");
                esc(&mut out, t);
                out.push_str("</p>\n");
            }
            Block::Article(a) => push_article(&mut out, lib, site, c, li, a),
        }
    }
    out
}

/// Append article `a` of law `li` as its `<section>`: the label, the numbered paragraphs
/// with their items, a link to itself, and the pages that cite it.
#[inline]
fn push_article(
    out: &mut String,
    lib: &LawLibrary,
    site: &Site,
    c: &Config,
    li: usize,
    a: &StatuteArticle,
) {
    use crate::text::{escape_html as e, push_escaped as esc};
    // Written piece by piece, without the formatting machinery: a law page has
    // hundreds of articles.
    let id = a.no.anchor();
    let label = e(&a.no.label());
    out.push_str("<section class=\"pf-statute\" data-doc id=\"");
    out.push_str(&id);
    out.push_str("\" aria-labelledby=\"");
    out.push_str(&id);
    out.push_str("-label\">\n");
    let strong = |out: &mut String| {
        out.push_str("<strong class=\"pf-statute-label\" id=\"");
        out.push_str(&id);
        out.push_str("-label\">");
        out.push_str(&label);
        out.push_str("</strong>");
    };
    if a.paragraphs.is_empty() {
        out.push_str("<p class=\"pf-clause\">");
        strong(out);
        out.push_str("</p>\n");
    }
    for (k, p) in a.paragraphs.iter().enumerate() {
        let n = k as u32 + 1;
        out.push_str("<p");
        if !lib.paragraph_clashes(li, a.no, n) {
            out.push_str(" id=\"");
            out.push_str(&id);
            out.push('-');
            crate::statute::numerals::push_decimal(out, n);
            out.push('"');
        }
        out.push_str(" class=\"pf-clause\">");
        if k == 0 {
            strong(out);
            out.push(' ');
        }
        esc(out, &p.text);
        out.push_str("</p>\n");
        if !p.items.is_empty() {
            out.push_str("<ul class=\"pf-items\">");
            for it in &p.items {
                out.push_str("<li>");
                esc(out, it);
                out.push_str("</li>");
            }
            out.push_str("</ul>\n");
        }
    }
    out.push_str("<p class=\"pf-statute-tools\" data-noindex><a class=\"pf-artlink\" href=\"#");
    out.push_str(&id);
    // The accessible name starts with the visible text (WCAG 2.5.3, axe's
    // label-content-name-mismatch), then says which article.
    out.push_str("\" aria-label=\"链接到本条：");
    out.push_str(&label);
    out.push_str("\">链接到本条</a></p>\n");
    push_cited_by(out, site, c, site.cited_by(li, a.no));
    out.push_str("</section>\n");
}

/// Append the list of the pages that cite an article (nothing when none does).
#[inline]
fn push_cited_by(out: &mut String, site: &Site, c: &Config, pages: &[PageId]) {
    use crate::text::push_escaped as esc;
    if !pages.is_empty() {
        out.push_str("<div class=\"pf-cited-by\" data-noindex>\n<p class=\"pf-cited-by-title\">引用本条的课程与文章：</p>\n<ul>");
        for &pi in pages {
            out.push_str("<li><a href=\"");
            esc(out, &c.link(site.path(pi)));
            out.push_str("\">");
            esc(out, site.title(pi));
            out.push_str("</a></li>");
        }
        out.push_str("</ul>\n</div>\n");
    }
}
