//! Render step: the view model of an event — when and where it is, as cards and event
//! pages show it, and its status badge.

use serde::Serialize;

use crate::content::page::{EventState, Page};
use crate::dates::{format_date_zh, format_time, rfc3339, weekday_zh};
use crate::site::{EventStatus, PageId, Site};

/// What an event card and page show about time and place.
#[derive(Debug, Clone, Serialize)]
pub struct EventVm {
    pub start: String,
    pub end: Option<String>,
    /// `2026年12月4日 星期五 09:00`
    pub start_display: String,
    /// `2026年12月4日 09:00 至 11:30` / `2026年12月1日 至 12月7日`
    pub when: String,
    pub start_date: String,
    pub month_day: String,
    pub location: String,
    pub organizer: Option<String>,
    pub audience: Option<String>,
    pub contact: Option<String>,
    pub registration: Option<String>,
    pub status: EventStatus,
    /// What a badge says: 即将开始 / 正在进行 / 已结束, or 已取消 / 已延期.
    pub status_label: &'static str,
    /// `scheduled`, `cancelled` or `postponed` (from `status:` in the front matter).
    pub state: EventState,
}

/// The event part of page `i`'s card: none for pages that are no event.
#[inline]
pub(super) fn event_vm(site: &Site, i: PageId, p: &Page) -> Option<EventVm> {
    let ev = p.event.as_ref()?;
    let status = site.status(i);
    let start_date = format_date_zh(&ev.start);
    let start_time = ev.start_has_time.then(|| format_time(&ev.start));
    let mut start_display = format!("{start_date} {}", weekday_zh(&ev.start));
    if let Some(t) = &start_time {
        start_display.push(' ');
        start_display.push_str(t);
    }
    let when = match &ev.end {
        None => start_display.clone(),
        Some(e) if e.date() == ev.start.date() => match (&start_time, ev.end_has_time) {
            (Some(t), true) => format!(
                "{start_date} {} {t}–{}",
                weekday_zh(&ev.start),
                format_time(e)
            ),
            _ => start_display.clone(),
        },
        Some(e) => {
            let end_date = if e.year() == ev.start.year() {
                format!("{}月{}日", e.month(), e.day())
            } else {
                format_date_zh(e)
            };
            let end_t = if ev.end_has_time {
                format!(" {}", format_time(e))
            } else {
                String::new()
            };
            format!(
                "{start_date}{} 至 {end_date}{end_t}",
                start_time
                    .as_ref()
                    .map(|t| format!(" {t}"))
                    .unwrap_or_default()
            )
        }
    };
    Some(EventVm {
        start: rfc3339(&ev.start),
        end: ev.end.as_ref().map(rfc3339),
        start_display,
        when,
        start_date,
        month_day: format!("{}月{}日", ev.start.month(), ev.start.day()),
        location: ev.location.clone(),
        organizer: ev.organizer.clone(),
        audience: ev.audience.clone(),
        contact: ev.contact.clone(),
        registration: ev.registration.clone(),
        status,
        status_label: ev.state.label().unwrap_or(status.label()),
        state: ev.state,
    })
}
