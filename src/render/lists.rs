//! Render step, list pages: their dates and template contexts.

use minijinja::context;
use minijinja::value::{Serde, Value};

use super::context::{self, LinkVm, TagCountVm, paginator_vm};
use super::{Views, calendar, nav_active};
use crate::site::{ListKind, ListPage, PageId, Site};

/// The newest date of any lesson (each series knows its own).
fn lessons_newest(site: &Site) -> Option<jiff::ZonedDateTime> {
    site.series_list()
        .filter_map(|s| s.newest.clone())
        .max_by_key(|d| d.timestamp())
}

/// The newer of two `PubDate`s (they sort as text).
fn newer(a: Option<String>, b: Option<jiff::ZonedDateTime>) -> Option<String> {
    let b = b.as_ref().map(context::pub_date);
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// The `PubDate` of a list page: the newest of the pages it shows.
fn list_pub_date(site: &Site, l: &ListPage) -> Option<String> {
    let shown: Vec<PageId> = match &l.kind {
        ListKind::Home => {
            let first: Vec<PageId> = site
                .articles()
                .iter()
                .take(6)
                .chain(site.events_current().iter().take(5))
                .copied()
                .collect();
            return newer(context::newest_pub_date(site, first), lessons_newest(site));
        }
        ListKind::LessonsIndex => return lessons_newest(site).as_ref().map(context::pub_date),
        // A tag's pages are newest first: its first is its newest.
        ListKind::TagsIndex(taxonomy) => site
            .terms(taxonomy)
            .filter_map(|t| t.pages.first().copied())
            .collect(),
        ListKind::Events if l.number == 1 => l
            .items
            .iter()
            .chain(site.events_current())
            .copied()
            .collect(),
        // Articles and a tag's pages are newest first: the first is the newest.
        ListKind::Articles | ListKind::Tag(_) => l.items.iter().take(1).copied().collect(),
        _ => l.items.clone(),
    };
    context::newest_pub_date(site, shown)
}

/// The template of each kind of list page.
pub fn list_template(kind: &ListKind) -> &'static str {
    match kind {
        ListKind::Home => "index.html",
        ListKind::Articles => "articles.html",
        ListKind::Events => "events.html",
        ListKind::LessonsIndex => "lessons.html",
        ListKind::Series(_) => "series.html",
        ListKind::TagsIndex(_) => "tags.html",
        ListKind::Tag(_) => "tag.html",
        ListKind::EventsCalendar => "events_calendar.html",
        ListKind::EventsYear(_) => "events_year.html",
        ListKind::Column(_) => "column.html",
    }
}

/// What every list page's context has: `site`, `list`, `pub_date` and the menu state.
struct Common {
    site: Value,
    pub_date: Option<String>,
    nav: i64,
    path: String,
}

/// `list`: title, description, intro, addresses and place of a list page.
fn list_value(site: &Site, l: &ListPage, title: String, dir: &str) -> Value {
    let c = site.config();
    let s = site.section(dir).cloned().unwrap_or_default();
    context! {
        title => title,
        description => s.description,
        intro => s.intro_html,
        url => c.link(&l.path),
        permalink => c.permalink(&l.path),
        number => l.number,
        total => l.total,
    }
}

/// A series as lists show it: title, address, intro and its lessons' cards.
fn series_value(site: &Site, views: &Views<'_>, dir: &str) -> Value {
    let c = site.config();
    let Some(s) = site.series_named(dir) else {
        return Value::UNDEFINED;
    };
    let lessons: Vec<Value> = s.lessons.iter().map(|&i| views.card(i)).collect();
    context! {
        title => s.title.clone(),
        url => c.link(&s.path),
        description => s.description.clone(),
        intro => s.intro_html.clone(),
        count => s.lessons.len(),
        lessons => lessons,
    }
}

/// Every series as lists show them, in order.
fn all_series(site: &Site, views: &Views<'_>) -> Vec<Value> {
    let dirs: Vec<String> = site.series_list().map(|s| s.dir.clone()).collect();
    dirs.iter().map(|d| series_value(site, views, d)).collect()
}

/// The template and context of the list page at `path`.
pub fn list_context(site: &Site, views: &Views<'_>, path: &str) -> Option<(&'static str, Value)> {
    let l = site.list(path)?;
    let common = Common {
        site: views.site.clone(),
        pub_date: list_pub_date(site, l),
        nav: nav_active(site, &l.path),
        path: l.path.clone(),
    };
    let template = list_template(&l.kind);
    let ctx = match &l.kind {
        ListKind::Home => home(site, views, l, common),
        ListKind::Articles | ListKind::Events | ListKind::EventsYear(_) => {
            dated_list(site, views, l, common)
        }
        ListKind::LessonsIndex | ListKind::Series(_) => lessons_list(site, views, l, common),
        ListKind::TagsIndex(_) | ListKind::Tag(_) => tags_list(site, views, l, common),
        ListKind::Column(dir) => column_list(site, views, l, common, dir),
        ListKind::EventsCalendar => {
            let c = site.config();
            let months = calendar::months(site);
            context! {
                site => common.site,
                list => list_value(site, l, "活动日历".to_string(), "events"),
                pub_date => common.pub_date,
                months => Value::from(Serde(months)),
                events_url => c.link("events/"),
                ics_url => c.link("events/calendar.ics"),
                nav_active => common.nav,
                current_path => common.path,
            }
        }
    };
    Some((template, ctx))
}

fn cards(views: &Views<'_>, ids: &[PageId]) -> Vec<Value> {
    ids.iter().map(|&i| views.card(i)).collect()
}

fn home(site: &Site, views: &Views<'_>, l: &ListPage, common: Common) -> Value {
    let first = |pages: &[PageId], n: usize| cards(views, &pages[..pages.len().min(n)]);
    let latest = first(site.articles(), 6);
    let upcoming = first(site.events_current(), 5);
    let home = site.section("").cloned().unwrap_or_default();
    // The columns that ask for a block on the home page, with their first pages.
    let columns: Vec<Value> = site
        .columns()
        .iter()
        .filter_map(|d| site.column(d))
        .filter(|col| col.home)
        .map(|col| {
            context! {
                title => col.title.clone(),
                url => site.config().link(&col.path),
                items => first(&col.pages, HOME_COLUMN_ITEMS),
            }
        })
        .collect();
    context! {
        site => common.site,
        list => list_value(site, l, home.title.clone(), ""),
        pub_date => common.pub_date,
        intro => home.intro_html,
        latest_articles => latest,
        upcoming_events => upcoming,
        columns => columns,
        series => all_series(site, views),
        nav_active => common.nav,
        current_path => common.path,
    }
}

/// Articles, events (current ones on the first page, past ones paginated) and the year
/// archives of past events.
fn dated_list(site: &Site, views: &Views<'_>, l: &ListPage, common: Common) -> Value {
    let c = site.config();
    let items = cards(views, &l.items);
    let paginator = Value::from(Serde(paginator_vm(c, l.number, &l.page_paths)));
    let title = |dir: &str| {
        site.section(dir)
            .map(|s| s.title.clone())
            .unwrap_or_default()
    };
    match &l.kind {
        ListKind::Articles => context! {
            site => common.site,
            list => list_value(site, l, title("articles"), "articles"),
            pub_date => common.pub_date,
            items => items,
            children => sub_columns(site, "articles"),
            paginator => paginator,
            feed_url => c.link("articles/atom.xml"),
            nav_active => common.nav,
            current_path => common.path,
        },
        ListKind::EventsYear(year) => context! {
            site => common.site,
            list => list_value(site, l, format!("{year}年的活动"), "events"),
            pub_date => common.pub_date,
            year => *year,
            items => items,
            years => event_years(site),
            events_url => c.link("events/"),
            nav_active => common.nav,
            current_path => common.path,
        },
        _ => {
            let current = if l.number == 1 {
                cards(views, site.events_current())
            } else {
                vec![]
            };
            context! {
                site => common.site,
                list => list_value(site, l, title("events"), "events"),
                pub_date => common.pub_date,
                current_events => current,
                past_events => items,
                paginator => paginator,
                feed_url => c.link("events/atom.xml"),
                calendar_url => c.link("events/calendar/"),
                ics_url => c.link("events/calendar.ics"),
                years => event_years(site),
                nav_active => common.nav,
                current_path => common.path,
            }
        }
    }
}

/// The columns inside folder `dir` (a column, or `articles`): title, address, page count.
fn sub_columns(site: &Site, dir: &str) -> Vec<Value> {
    let c = site.config();
    site.columns()
        .iter()
        .filter_map(|d| site.column(d))
        .filter(|sub| sub.parent.as_deref() == Some(dir))
        .map(|sub| {
            context! { title => sub.title.clone(), url => c.link(&sub.path), count => sub.pages.len() }
        })
        .collect()
}

/// Pages a column shows on the home page.
const HOME_COLUMN_ITEMS: usize = 5;

/// A column's list: its pages in its order, the columns inside it, the one that holds it.
fn column_list(site: &Site, views: &Views<'_>, l: &ListPage, common: Common, dir: &str) -> Value {
    let c = site.config();
    let Some(col) = site.column(dir) else {
        return Value::UNDEFINED;
    };
    let article = crate::content::Kind::Article.column();
    let parent = col
        .parent
        .as_deref()
        .map(|up| context::section_link(site, up, article));
    context! {
        site => common.site,
        list => list_value(site, l, col.title.clone(), dir),
        pub_date => common.pub_date,
        parent => Value::from(Serde(parent)),
        children => sub_columns(site, dir),
        sort => Value::from(Serde(col.sort)),
        items => cards(views, &l.items),
        paginator => Value::from(Serde(paginator_vm(c, l.number, &l.page_paths))),
        feed_url => c.link_parts(&[dir, "/atom.xml"]),
        nav_active => common.nav,
        current_path => common.path,
    }
}

/// The lessons index and each series.
fn lessons_list(site: &Site, views: &Views<'_>, l: &ListPage, common: Common) -> Value {
    let c = site.config();
    let section_title = site
        .section("lessons")
        .map(|s| s.title.clone())
        .unwrap_or_default();
    match &l.kind {
        ListKind::Series(dir) => {
            let title = site
                .series_named(dir)
                .map(|s| s.title.clone())
                .unwrap_or_default();
            context! {
                site => common.site,
                list => list_value(site, l, title, &format!("lessons/{dir}")),
                pub_date => common.pub_date,
                series => series_value(site, views, dir),
                items => cards(views, &l.items),
                column => Value::from(Serde(LinkVm { title: section_title, url: c.link("lessons/") })),
                nav_active => common.nav,
                current_path => common.path,
            }
        }
        _ => context! {
            site => common.site,
            list => list_value(site, l, section_title, "lessons"),
            pub_date => common.pub_date,
            series => all_series(site, views),
            feed_url => c.link("lessons/atom.xml"),
            nav_active => common.nav,
            current_path => common.path,
        },
    }
}

/// Every term of `taxonomy` with its address and number of pages (its index, the search
/// page).
pub(super) fn term_counts(site: &Site, taxonomy: &str) -> Vec<TagCountVm> {
    let c = site.config();
    site.terms(taxonomy)
        .map(|t| TagCountVm {
            name: t.name.clone(),
            url: c.link_parts(&[&t.taxonomy, "/", &t.slug, "/"]),
            count: t.pages.len(),
        })
        .collect()
}

/// `taxonomy`: key, name (its `_index.md`'s title, or `site.yaml`'s name), index address
/// and feed.
fn taxonomy_value(site: &Site, key: &str) -> (String, Value) {
    let c = site.config();
    let t = c
        .taxonomy(key)
        .cloned()
        .unwrap_or_else(crate::taxonomy::Taxonomy::tags);
    let title = site
        .section(key)
        .map(|s| s.title.clone())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| t.name.clone());
    let v = context! {
        key => key,
        name => t.name,
        title => title.clone(),
        url => c.link_parts(&[key, "/"]),
        feed => t.feed,
    };
    (title, v)
}

/// A taxonomy's index and each of its terms.
fn tags_list(site: &Site, views: &Views<'_>, l: &ListPage, common: Common) -> Value {
    let c = site.config();
    match &l.kind {
        ListKind::Tag(key) => {
            let (taxonomy, slug) = crate::taxonomy::split_key(key);
            let (_, tax) = taxonomy_value(site, taxonomy);
            let name_of = c
                .taxonomy(taxonomy)
                .map_or("标签".into(), |t| t.name.clone());
            let (name, count) = site
                .term(key)
                .map(|t| (t.name.clone(), t.pages.len()))
                .unwrap_or_default();
            let feed_url = c
                .taxonomy(taxonomy)
                .is_some_and(|t| t.feed)
                .then(|| c.link_parts(&[key, "/atom.xml"]));
            context! {
                site => common.site,
                list => list_value(site, l, format!("{name_of}：{name}"), taxonomy),
                pub_date => common.pub_date,
                tag => context! { name => name, url => c.link_parts(&[taxonomy, "/", slug, "/"]), count => count },
                taxonomy => tax,
                items => cards(views, &l.items),
                paginator => Value::from(Serde(paginator_vm(c, l.number, &l.page_paths))),
                tags_url => c.link_parts(&[taxonomy, "/"]),
                feed_url => feed_url,
                nav_active => common.nav,
                current_path => common.path,
            }
        }
        ListKind::TagsIndex(key) => {
            let (title, tax) = taxonomy_value(site, key);
            let tags = term_counts(site, key);
            context! {
                site => common.site,
                list => list_value(site, l, title, key),
                pub_date => common.pub_date,
                tags => Value::from(Serde(tags)),
                taxonomy => tax,
                nav_active => common.nav,
                current_path => common.path,
            }
        }
        _ => Value::UNDEFINED,
    }
}

/// The years with an archive page of past events, newest first: `[{year, url}]`.
fn event_years(site: &Site) -> Value {
    let c = site.config();
    let years: Vec<Value> = site
        .event_years()
        .iter()
        .map(|y| context! { year => *y, url => c.link(&format!("events/{y}/")) })
        .collect();
    Value::from(years)
}
