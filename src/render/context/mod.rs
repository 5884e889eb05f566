//! Render step: view models. Templates see these plain, serialisable structs — never the
//! internal types — so the theme contract is written down here in one place.
//!
//! What only one kind of page has is in a module of its own: `event`, `lesson`, and the
//! structured data of `jsonld`.

mod cover;
mod event;
mod jsonld;
mod lesson;

use minijinja::Value;
use minijinja::value::Serde;
use serde::Serialize;

pub use self::event::EventVm;
use self::event::event_vm;
use self::jsonld::jsonld;
use self::lesson::lesson_vm;
pub use self::lesson::{CitedVm, LessonVm, OptionVm, QuizVm};
use crate::config::{Config, Contact};
use crate::content::Kind;
use crate::dates::{format_date_zh, iso_date, rfc3339};
use crate::markdown::TocEntry;
use crate::site::{PageId, Site};
use crate::text::{push_escaped, reading_minutes};

/// `site` in every template.
#[derive(Debug, Clone, Serialize)]
pub struct SiteVm {
    pub title: String,
    pub description: String,
    pub base_url: String,
    pub base_path: String,
    pub domain: String,
    pub language: String,
    pub site_id_code: Option<String>,
    pub content_source: String,
    pub menu: Vec<MenuVm>,
    pub contact: Contact,
    pub footer: Option<String>,
    pub extra: serde_json::Value,
    /// Link of the site-wide Atom feed.
    pub feed_url: String,
    /// Year of "now", for the footer.
    pub year: i16,
    /// Link of the search page, when the site has one (`search: true`).
    pub search_url: Option<String>,
    /// The taxonomies, tags first: each one's index.
    pub taxonomies: Vec<TaxonomyVm>,
}

/// A taxonomy as the site object shows it: key, name and the address of its index.
#[derive(Debug, Clone, Serialize)]
pub struct TaxonomyVm {
    pub key: String,
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MenuVm {
    pub name: String,
    pub url: String,
    pub external: bool,
    /// Site path the item points to (`articles/`), empty for outside links and home.
    pub path: String,
}

/// A link with a label.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LinkVm {
    pub title: String,
    pub url: String,
}

/// A tag on a page.
#[derive(Debug, Clone, Serialize)]
pub struct TagVm {
    pub name: String,
    pub url: String,
}

/// A page's terms of one of the site's own taxonomies.
#[derive(Debug, Clone, Serialize)]
pub struct TermsVm {
    /// The taxonomy's key and name: `categories`, 分类.
    pub key: String,
    pub name: String,
    pub terms: Vec<TagVm>,
}

pub use cover::CoverVm;

/// A page as a list shows it.
#[derive(Debug, Clone)]
pub struct CardVm {
    pub kind: Kind,
    /// The kind's name, or the column's (栏目) for a page in one.
    pub kind_label: String,
    pub title: String,
    pub url: String,
    pub permalink: String,
    pub date: Option<String>,
    pub date_display: Option<String>,
    pub date_iso: Option<String>,
    /// `2024-12-04 09:00`, for the PubDate meta tag.
    pub pub_date: Option<String>,
    pub updated: Option<String>,
    pub updated_display: Option<String>,
    pub summary: String,
    pub tags: Vec<TagVm>,
    pub author: Option<String>,
    pub cover: Option<CoverVm>,
    pub reading_minutes: usize,
    pub char_count: usize,
    pub event: Option<EventVm>,
    pub lesson: Option<LessonVm>,
    pub extra: serde_json::Value,
    /// Published ahead of its date (`--future`): 待发布.
    pub scheduled: bool,
    /// Its terms of the site's own taxonomies (`categories`…), in the site's order.
    pub terms: Vec<TermsVm>,
}

/// A template value for an optional text: the text, or none.
pub fn optional_text(s: Option<String>) -> Value {
    s.map_or(Value::from(()), Value::from)
}

impl CardVm {
    /// The card's fields as template values, in the order of [`super::objects::CARD_FIELDS`].
    pub fn into_values(self) -> Vec<Value> {
        vec![
            Value::from(Serde(self.kind)),
            Value::from(self.kind_label),
            Value::from(self.title),
            Value::from(self.url),
            Value::from(self.permalink),
            Value::from(Serde(&self.date)),
            Value::from(Serde(&self.date_display)),
            Value::from(Serde(&self.date_iso)),
            Value::from(Serde(&self.pub_date)),
            Value::from(Serde(&self.updated)),
            Value::from(Serde(&self.updated_display)),
            Value::from(self.summary),
            Value::from(Serde(&self.tags)),
            Value::from(Serde(&self.author)),
            Value::from(Serde(&self.cover)),
            Value::from(self.reading_minutes),
            Value::from(self.char_count),
            Value::from(Serde(&self.event)),
            Value::from(Serde(&self.lesson)),
            Value::from(Serde(&self.extra)),
            Value::from(self.scheduled),
            Value::from(Serde(&self.terms)),
        ]
    }
}

/// The paginator of a list page.
#[derive(Debug, Clone, Serialize)]
pub struct PaginatorVm {
    pub number: usize,
    pub total: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub pages: Vec<PagerLinkVm>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PagerLinkVm {
    /// Page number; 0 marks a gap (“…”) between shown numbers.
    pub number: usize,
    pub url: String,
    pub current: bool,
}

/// A tag in the tag index.
#[derive(Debug, Clone, Serialize)]
pub struct TagCountVm {
    pub name: String,
    pub url: String,
    pub count: usize,
}

/// A date as the government-site `PubDate` meta tag writes it: `2024-12-04 09:00`.
pub fn pub_date(d: &jiff::ZonedDateTime) -> String {
    crate::dates::date_and_time(d)
}

/// The `PubDate` of a page that shows other pages (a list, the home page): the newest
/// publication date among them.
pub fn newest_pub_date(site: &Site, pages: impl IntoIterator<Item = PageId>) -> Option<String> {
    pages
        .into_iter()
        .filter_map(|i| site.dates(i).0)
        .max_by_key(|d| d.timestamp())
        .map(pub_date)
}

pub fn site_vm(site: &Site) -> SiteVm {
    let c = site.config();
    SiteVm {
        title: c.title.clone(),
        description: c.description.clone(),
        base_url: c.base_url.clone(),
        base_path: c.base_path.clone(),
        domain: c.domain.clone(),
        language: c.language.clone(),
        site_id_code: c.site_id_code.clone(),
        content_source: c.content_source.clone(),
        menu: c
            .menu
            .iter()
            .map(|m| {
                let external = crate::markdown::is_external(&m.url);
                let path = if external {
                    String::new()
                } else {
                    m.url.trim_start_matches('/').to_string()
                };
                MenuVm {
                    name: m.name.clone(),
                    url: if external {
                        m.url.clone()
                    } else {
                        c.link(&m.url)
                    },
                    external,
                    path,
                }
            })
            .collect(),
        contact: c.contact.clone(),
        footer: c.footer.clone(),
        extra: c.extra.clone(),
        feed_url: c.link("atom.xml"),
        year: site.year(),
        search_url: c.search.then(|| c.link(crate::render::search::PATH)),
        taxonomies: c
            .taxonomies
            .iter()
            .map(|t| TaxonomyVm {
                key: t.key.clone(),
                name: t.name.clone(),
                url: c.link_parts(&[&t.key, "/"]),
            })
            .collect(),
    }
}

/// The card of page `i`.
pub fn card_vm(site: &Site, i: PageId) -> CardVm {
    let p = site.page(i);
    let c = site.config();
    CardVm {
        kind: p.kind,
        kind_label: match &p.column {
            Some(dir) => section_link(site, dir, p.kind.label()).title,
            None => p.kind.label().to_string(),
        },
        title: p.title.clone(),
        url: c.link(&p.path),
        permalink: c.permalink(&p.path),
        date: p.date.as_ref().map(rfc3339),
        date_display: p.date.as_ref().map(format_date_zh),
        date_iso: p.date.as_ref().map(iso_date),
        // Plain pages may have no date: their last update then stands in.
        pub_date: p.date.as_ref().or(p.updated.as_ref()).map(pub_date),
        updated: p.updated.as_ref().map(rfc3339),
        updated_display: p.updated.as_ref().map(format_date_zh),
        summary: p.summary.clone(),
        // Two spellings of one tag (PUFA, pufa) on a page are one link, as written first.
        tags: p
            .tags
            .iter()
            .zip(&p.tag_slugs)
            .enumerate()
            .filter(|(k, (_, slug))| !p.tag_slugs[..*k].contains(slug))
            .map(|(_, (t, slug))| TagVm {
                name: t.clone(),
                url: c.link_parts(&["tags/", slug, "/"]),
            })
            .collect(),
        author: p.author.clone(),
        cover: site.cover(i).map(|u| CoverVm::new(u, &p.cover_alt, c)),
        reading_minutes: reading_minutes(p.body.char_count),
        char_count: p.body.char_count,
        event: event_vm(site, i, p),
        lesson: lesson_vm(site, i, p),
        extra: p.extra.clone(),
        scheduled: site.scheduled(i),
        terms: p
            .terms
            .iter()
            .map(|t| TermsVm {
                key: t.taxonomy.clone(),
                name: c
                    .taxonomy(&t.taxonomy)
                    .map_or_else(|| t.taxonomy.clone(), |x| x.name.clone()),
                terms: t
                    .names
                    .iter()
                    .zip(&t.slugs)
                    .enumerate()
                    .filter(|(k, (_, slug))| !t.slugs[..*k].contains(slug))
                    .map(|(_, (n, slug))| TagVm {
                        name: n.clone(),
                        url: c.link_parts(&[&t.taxonomy, "/", slug, "/"]),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// The column (栏目) of a page — its column, its kind's section, or the page itself for
/// plain pages — with the column that holds it, if any (for the breadcrumbs).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ColumnVm {
    pub title: String,
    pub url: String,
    pub parent: Option<LinkVm>,
}

/// A section's title and address, by folder (the title of its `_index.md`, else the
/// default of its kind).
pub fn section_link(site: &Site, dir: &str, default: &str) -> LinkVm {
    LinkVm {
        title: site
            .section(dir)
            .map_or_else(|| default.to_string(), |s| s.title.clone()),
        url: site.config().link_parts(&[dir, "/"]),
    }
}

/// The column (栏目) of page `i`.
pub fn column_of(site: &Site, i: PageId) -> ColumnVm {
    let p = site.page(i);
    if let Some(dir) = &p.column {
        let own = section_link(site, dir, "");
        let parent = dir
            .rsplit_once('/')
            .map(|(up, _)| section_link(site, up, Kind::Article.column()));
        return ColumnVm {
            title: own.title,
            url: own.url,
            parent,
        };
    }
    let own = match p.kind.section() {
        Some(dir) => section_link(site, dir, p.kind.column()),
        None => LinkVm {
            title: p.title.clone(),
            url: site.config().link(&p.path),
        },
    };
    ColumnVm {
        title: own.title,
        url: own.url,
        parent: None,
    }
}

/// The values of a content page's own fields (see [`super::objects::OWN_FIELDS`]); the QR
/// code, the last, is left empty (print views set it).
pub fn page_own(site: &Site, i: PageId) -> Vec<Value> {
    let p = site.page(i);
    let c = site.config();
    let printable = matches!(p.kind, Kind::Event | Kind::Lesson);
    vec![
        Value::from(site.html(i).clone()),
        Value::from(Serde(&p.body.toc)),
        Value::from(toc_html(&p.body.toc)),
        Value::from(p.source.as_str()),
        Value::from(Serde(column_of(site, i))),
        optional_text(jsonld(site, i)),
        optional_text(printable.then(|| c.link_parts(&[&p.path, "print/"]))),
        optional_text((p.kind == Kind::Event).then(|| c.link(&ics_path(&p.path)))),
        Value::from(Serde(site.audio(i).map(AudioVm::new))),
        // The QR code, last (print views fill it in).
        Value::from(()),
    ]
}

/// A page's recording (`audio:`): its address and type.
#[derive(Debug, Clone, Serialize)]
pub struct AudioVm {
    pub url: String,
    #[serde(rename = "type")]
    pub mime: &'static str,
}

impl AudioVm {
    fn new(file: &crate::site::links::FileLink) -> AudioVm {
        let mime = match crate::site::media::media_of(&file.href) {
            crate::site::media::Media::Audio(m) => m,
            _ => "audio/mpeg",
        };
        AudioVm {
            url: file.href.clone(),
            mime,
        }
    }
}

/// The table of contents as HTML: an `<ol>` per level, each entry linking to its heading
/// (the markup of the `toc` macro in the default theme's macros.html).
pub fn toc_html(entries: &[TocEntry]) -> String {
    fn list(out: &mut String, entries: &[TocEntry]) {
        out.push_str("<ol>\n");
        for e in entries {
            out.push_str("  <li><a href=\"#");
            push_escaped(out, &e.id);
            out.push_str("\">");
            push_escaped(out, &e.title);
            out.push_str("</a>");
            if !e.children.is_empty() {
                list(out, &e.children);
            }
            out.push_str("</li>\n");
        }
        out.push_str("</ol>\n");
    }
    let mut out = String::new();
    if !entries.is_empty() {
        list(&mut out, entries);
    }
    out
}

/// Where an event's iCalendar file goes: `events/a/` → `events/a/a.ics`.
pub fn ics_path(page_path: &str) -> String {
    let name = page_path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("event");
    format!("{page_path}{name}.ics")
}

/// The paginator of a list page.
pub fn paginator_vm(config: &Config, number: usize, paths: &[String]) -> PaginatorVm {
    PaginatorVm {
        number,
        total: paths.len(),
        prev: (number > 1).then(|| config.link(&paths[number - 2])),
        next: paths.get(number).map(|p| config.link(p)),
        pages: pager_window(number, paths.len())
            .into_iter()
            .map(|n| PagerLinkVm {
                number: n,
                url: if n == 0 {
                    String::new()
                } else {
                    config.link(&paths[n - 1])
                },
                current: n == number,
            })
            .collect(),
    }
}

/// Page numbers to show: the first, the last, and two on each side of the current one, with
/// 0 where numbers are left out. `(6, 20)` → `1 0 4 5 6 7 8 0 20`.
pub fn pager_window(current: usize, total: usize) -> Vec<usize> {
    let mut out = Vec::new();
    for n in 1..=total {
        let near = n + 2 >= current && n <= current + 2;
        if n == 1 || n == total || near {
            if let Some(&last) = out.last()
                && last != 0
                && n > last + 1
            {
                out.push(0);
            }
            out.push(n);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{TocEntry, pager_window, toc_html};

    #[test]
    fn pager_shows_ends_and_neighbours() {
        assert_eq!(pager_window(6, 20), vec![1, 0, 4, 5, 6, 7, 8, 0, 20]);
        assert_eq!(pager_window(1, 3), vec![1, 2, 3]);
        assert_eq!(pager_window(1, 1), vec![1]);
        assert_eq!(pager_window(4, 6), vec![1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn toc_html_nests_lists_and_escapes() {
        let e = |id: &str, title: &str, children| TocEntry {
            level: 2,
            id: id.into(),
            title: title.into(),
            children,
        };
        let toc = vec![
            e("一", "婚姻 & 家庭", vec![e("二", "<彩礼>", vec![])]),
            e("三", "继承", vec![]),
        ];
        assert_eq!(
            toc_html(&toc),
            "<ol>\n  <li><a href=\"#一\">婚姻 &amp; 家庭</a><ol>\n  <li><a href=\"#二\">&lt;彩礼&gt;</a></li>\n</ol>\n</li>\n  <li><a href=\"#三\">继承</a></li>\n</ol>\n"
        );
        assert_eq!(toc_html(&[]), "");
    }
}
