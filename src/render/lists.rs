//! Render step, list pages: their fingerprints, dates and template contexts.

use minijinja::context;
use minijinja::value::{Serde, Value};

use super::context::{self, LinkVm, TagCountVm, paginator_vm};
use super::{calendar, nav_active};
use crate::fingerprint;
use crate::site::{ListKind, ListPage, Site};

/// The `PubDate` of a list page: the newest of the pages it shows.
fn list_pub_date(site: &Site, l: &ListPage) -> Option<String> {
    let lessons = || site.series.iter().flat_map(|s| s.lessons.iter().copied());
    let shown: Vec<usize> = match &l.kind {
        ListKind::Home => site
            .articles
            .iter()
            .take(6)
            .chain(site.events_current.iter().take(5))
            .copied()
            .chain(lessons())
            .collect(),
        ListKind::LessonsIndex => lessons().collect(),
        ListKind::TagsIndex => site
            .tags
            .iter()
            .flat_map(|t| t.pages.iter().copied())
            .collect(),
        ListKind::Events if l.number == 1 => l
            .items
            .iter()
            .chain(&site.events_current)
            .copied()
            .collect(),
        _ => l.items.clone(),
    };
    context::newest_pub_date(site, shown)
}

/// Fingerprint of a list page: its place, its date and the cards it shows.
pub(super) fn list_fp(
    site: &Site,
    l: &ListPage,
    cards: &[u64],
    compact: &[u64],
    global: u64,
) -> u64 {
    let mut parts = vec![
        fingerprint::of(&list_pub_date(site, l)),
        global,
        fingerprint::of(&l.path),
        l.number as u64,
        l.total as u64,
        l.paths_fp,
    ];
    // A tag page lists titles and dates only.
    let shown = if matches!(l.kind, ListKind::Tag(_)) {
        compact
    } else {
        cards
    };
    parts.extend(l.items.iter().map(|&i| shown[i]));
    let all_series = |parts: &mut Vec<u64>| {
        for s in &site.series {
            parts.push(fingerprint::of(&s.path));
            parts.extend(s.lessons.iter().map(|&i| cards[i]));
        }
    };
    match &l.kind {
        ListKind::Home => {
            parts.extend(site.articles.iter().take(6).map(|&i| cards[i]));
            parts.extend(site.events_current.iter().take(5).map(|&i| cards[i]));
            all_series(&mut parts);
        }
        ListKind::Events | ListKind::EventsYear(_) => {
            if l.number == 1 {
                parts.extend(site.events_current.iter().map(|&i| cards[i]));
            }
            for x in &site.lists {
                if let ListKind::EventsYear(y) = x.kind {
                    parts.push(y as u64);
                }
            }
        }
        ListKind::EventsCalendar => {
            parts.push(fingerprint::of(&site.now.date().to_string()));
        }
        ListKind::LessonsIndex => all_series(&mut parts),
        ListKind::TagsIndex => {
            for t in &site.tags {
                parts.push(fingerprint::of(&t.name));
                parts.push(t.pages.len() as u64);
            }
        }
        _ => {}
    }
    fingerprint::combine(&parts)
}

/// The template of each kind of list page.
pub(super) fn list_template(kind: &ListKind) -> &'static str {
    match kind {
        ListKind::Home => "index.html",
        ListKind::Articles => "articles.html",
        ListKind::Events => "events.html",
        ListKind::LessonsIndex => "lessons.html",
        ListKind::Series(_) => "series.html",
        ListKind::TagsIndex => "tags.html",
        ListKind::Tag(_) => "tag.html",
        ListKind::EventsCalendar => "events_calendar.html",
        ListKind::EventsYear(_) => "events_year.html",
    }
}

pub(super) fn list_context(
    site: &Site,
    l: &ListPage,
    site_value: &Value,
    card_values: &[Value],
) -> (&'static str, Value) {
    let c = &site.config;
    let items: Vec<Value> = l.items.iter().map(|&i| card_values[i].clone()).collect();
    let paginator = Value::from(Serde(paginator_vm(c, l.number, &l.page_paths)));
    let section = |dir: &str| site.sections.get(dir).cloned().unwrap_or_default();
    let base = |title: String, dir: &str| {
        let s = section(dir);
        context! {
            title => title,
            description => s.description,
            intro => s.intro_html,
            url => c.link(&l.path),
            permalink => c.permalink(&l.path),
            number => l.number,
            total => l.total,
        }
    };
    let nav = nav_active(site, &l.path);
    let pub_date = list_pub_date(site, l);
    let series_vm = |si: usize| {
        let s = &site.series[si];
        let lessons: Vec<Value> = s.lessons.iter().map(|&i| card_values[i].clone()).collect();
        context! {
            title => s.title.clone(),
            url => c.link(&s.path),
            description => s.description.clone(),
            intro => s.intro_html.clone(),
            count => s.lessons.len(),
            lessons => lessons,
        }
    };
    match &l.kind {
        ListKind::Home => {
            let first_cards = |pages: &[usize], n: usize| -> Vec<Value> {
                pages
                    .iter()
                    .take(n)
                    .map(|&i| card_values[i].clone())
                    .collect()
            };
            let latest = first_cards(&site.articles, 6);
            let upcoming = first_cards(&site.events_current, 5);
            let series: Vec<Value> = (0..site.series.len()).map(series_vm).collect();
            let home = section("");
            (
                "index.html",
                context! {
                    site => site_value.clone(),
                    list => base(home.title.clone(), ""),
                    pub_date => pub_date.clone(),
                    intro => home.intro_html,
                    latest_articles => latest,
                    upcoming_events => upcoming,
                    series => series,
                    nav_active => nav,
                    current_path => l.path.clone(),
                },
            )
        }
        ListKind::Articles => (
            "articles.html",
            context! {
                site => site_value.clone(),
                list => base(section("articles").title, "articles"),
                pub_date => pub_date.clone(),
                items => items,
                paginator => paginator,
                feed_url => c.link("articles/atom.xml"),
                nav_active => nav,
                current_path => l.path.clone(),
            },
        ),
        ListKind::Events => {
            let current: Vec<Value> = if l.number == 1 {
                site.events_current
                    .iter()
                    .map(|&i| card_values[i].clone())
                    .collect()
            } else {
                vec![]
            };
            (
                "events.html",
                context! {
                    site => site_value.clone(),
                    list => base(section("events").title, "events"),
                    pub_date => pub_date.clone(),
                    current_events => current,
                    past_events => items,
                    paginator => paginator,
                    feed_url => c.link("events/atom.xml"),
                    calendar_url => c.link("events/calendar/"),
                    ics_url => c.link("events/calendar.ics"),
                    years => event_years(site),
                    nav_active => nav,
                    current_path => l.path.clone(),
                },
            )
        }
        ListKind::LessonsIndex => {
            let series: Vec<Value> = (0..site.series.len()).map(series_vm).collect();
            (
                "lessons.html",
                context! {
                    site => site_value.clone(),
                    list => base(section("lessons").title, "lessons"),
                    pub_date => pub_date.clone(),
                    series => series,
                    feed_url => c.link("lessons/atom.xml"),
                    nav_active => nav,
                    current_path => l.path.clone(),
                },
            )
        }
        ListKind::Series(si) => {
            let s = series_vm(*si);
            let dir = format!("lessons/{}", site.series[*si].dir);
            (
                "series.html",
                context! {
                    site => site_value.clone(),
                    list => base(site.series[*si].title.clone(), &dir),
                    pub_date => pub_date.clone(),
                    series => s,
                    items => items,
                    column => Value::from(Serde(LinkVm { title: section("lessons").title, url: c.link("lessons/") })),
                    nav_active => nav,
                    current_path => l.path.clone(),
                },
            )
        }
        ListKind::TagsIndex => {
            let tags: Vec<TagCountVm> = site
                .tags
                .iter()
                .map(|t| TagCountVm {
                    name: t.name.clone(),
                    url: c.link_parts(&["tags/", &t.slug, "/"]),
                    count: t.pages.len(),
                })
                .collect();
            (
                "tags.html",
                context! {
                    site => site_value.clone(),
                    list => base(section("tags").title, "tags"),
                    pub_date => pub_date.clone(),
                    tags => Value::from(Serde(tags)),
                    nav_active => nav,
                    current_path => l.path.clone(),
                },
            )
        }
        ListKind::Tag(ti) => {
            let t = &site.tags[*ti];
            (
                "tag.html",
                context! {
                    site => site_value.clone(),
                    list => base(format!("标签：{}", t.name), "tags"),
                    pub_date => pub_date.clone(),
                    tag => context! { name => t.name.clone(), url => c.link_parts(&["tags/", &t.slug, "/"]), count => t.pages.len() },
                    items => items,
                    paginator => paginator,
                    tags_url => c.link("tags/"),
                    nav_active => nav,
                    current_path => l.path.clone(),
                },
            )
        }
        ListKind::EventsCalendar => {
            let months = calendar::months(site);
            (
                "events_calendar.html",
                context! {
                    site => site_value.clone(),
                    list => base("活动日历".to_string(), "events"),
                    pub_date => pub_date.clone(),
                    months => Value::from(Serde(months)),
                    events_url => c.link("events/"),
                    ics_url => c.link("events/calendar.ics"),
                    nav_active => nav,
                    current_path => l.path.clone(),
                },
            )
        }
        ListKind::EventsYear(year) => (
            "events_year.html",
            context! {
                site => site_value.clone(),
                list => base(format!("{year}年的活动"), "events"),
                pub_date => pub_date.clone(),
                year => *year,
                items => items,
                years => event_years(site),
                events_url => c.link("events/"),
                nav_active => nav,
                current_path => l.path.clone(),
            },
        ),
    }
}

/// The years with an archive page of past events, newest first: `[{year, url}]`.
fn event_years(site: &Site) -> Value {
    let years: Vec<Value> = site
        .lists
        .iter()
        .filter_map(|l| match l.kind {
            ListKind::EventsYear(y) => {
                Some(context! { year => y, url => site.config.link(&l.path) })
            }
            _ => None,
        })
        .collect();
    Value::from(years)
}
