//! Render step: a page's structured data — schema.org `Event` for events, `Article` for
//! articles — written as JSON-LD for its `<script type="application/ld+json">`.

use serde::Serialize;

use crate::config::Config;
use crate::content::Kind;
use crate::content::page::{EventInfo, EventState, Page};
use crate::dates::{iso_date, rfc3339};
use crate::site::{PageId, Site};

// Fields in the order serde_json writes a map's keys (sorted), as the JSON-LD has
// always been written.

#[derive(Serialize)]
struct Named<'a> {
    #[serde(rename = "@type")]
    kind: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct Place<'a> {
    #[serde(rename = "@type")]
    kind: &'a str,
    address: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct Organizer<'a> {
    #[serde(rename = "@type")]
    kind: &'a str,
    name: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Event<'a> {
    #[serde(rename = "@context")]
    context: &'a str,
    #[serde(rename = "@type")]
    kind: &'a str,
    description: &'a str,
    end_date: String,
    event_attendance_mode: &'a str,
    event_status: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    location: Place<'a>,
    name: &'a str,
    organizer: Organizer<'a>,
    start_date: String,
    url: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Article<'a> {
    #[serde(rename = "@context")]
    context: &'a str,
    #[serde(rename = "@type")]
    kind: &'a str,
    author: Named<'a>,
    date_modified: Option<String>,
    date_published: Option<String>,
    description: &'a str,
    headline: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    in_language: &'a str,
    main_entity_of_page: String,
    publisher: Named<'a>,
}

/// schema.org `Event` for events, `Article` for articles, as JSON safe inside `<script>`.
#[inline]
pub(super) fn jsonld(site: &Site, i: PageId) -> Option<String> {
    let p = site.page(i);
    let c = site.config();
    // What the card shows (see `card_vm`).
    let image = site
        .cover(i)
        .map(|u| super::CoverVm::new(u, "", c).permalink);
    let permalink = c.permalink(&p.path);
    let json = match (&p.kind, &p.event) {
        (Kind::Event, Some(ev)) => event_json(c, p, ev, image, permalink),
        (Kind::Article, _) => article_json(c, p, image, permalink),
        _ => return None,
    };
    // `<` never appears raw, so the JSON cannot end the script element early.
    Some(json.ok()?.replace('<', "\\u003c"))
}

/// The JSON of an event page's schema.org `Event`.
#[inline]
fn event_json(
    c: &Config,
    p: &Page,
    ev: &EventInfo,
    image: Option<String>,
    permalink: String,
) -> serde_json::Result<String> {
    // Whole-day events are given as dates; schema.org wants an end, and an event
    // without one ends when it starts.
    let start = if ev.start_has_time {
        rfc3339(&ev.start)
    } else {
        iso_date(&ev.start)
    };
    let end = match &ev.end {
        Some(e) if ev.end_has_time => rfc3339(e),
        Some(e) => iso_date(e),
        None => start.clone(),
    };
    serde_json::to_string(&Event {
        context: "https://schema.org",
        kind: "Event",
        description: &p.summary,
        end_date: end,
        event_attendance_mode: "https://schema.org/OfflineEventAttendanceMode",
        event_status: match ev.state {
            EventState::Scheduled => "https://schema.org/EventScheduled",
            EventState::Cancelled => "https://schema.org/EventCancelled",
            EventState::Postponed => "https://schema.org/EventPostponed",
        },
        image,
        location: Place {
            kind: "Place",
            address: &ev.location,
            name: &ev.location,
        },
        name: &p.title,
        organizer: Organizer {
            kind: "Organization",
            name: ev.organizer.as_deref().unwrap_or(&c.content_source),
            url: &c.base_url,
        },
        start_date: start,
        url: permalink,
    })
}

/// The JSON of an article's schema.org `Article`.
#[inline]
fn article_json(
    c: &Config,
    p: &Page,
    image: Option<String>,
    permalink: String,
) -> serde_json::Result<String> {
    let date = p.date.as_ref().map(rfc3339);
    let updated = p.updated.as_ref().map(rfc3339);
    serde_json::to_string(&Article {
        context: "https://schema.org",
        kind: "Article",
        author: Named {
            kind: "Organization",
            name: p.author.as_deref().unwrap_or(&c.content_source),
        },
        date_modified: updated.or_else(|| date.clone()),
        date_published: date,
        description: &p.summary,
        headline: &p.title,
        image,
        in_language: &c.language,
        main_entity_of_page: permalink,
        publisher: Named {
            kind: "Organization",
            name: &c.content_source,
        },
    })
}
