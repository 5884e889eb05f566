//! Render step: month calendars of events as plain tables (no JavaScript). Weeks start on
//! Monday; an event shows on every day it spans; upcoming and ongoing events are marked.

use jiff::civil::Date;
use serde::Serialize;

use crate::content::page::EventState;
use crate::dates::format_time;
use crate::site::{EventStatus, PageId, Site, event_end};

const WEEKDAYS: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];

#[derive(Debug, Serialize)]
pub struct MonthVm {
    pub title: String,
    pub id: String,
    pub weeks: Vec<Vec<DayVm>>,
    pub count: usize,
}

#[derive(Debug, Serialize)]
pub struct DayVm {
    /// Day of the month; 0 for the blank cells before the 1st and after the last day.
    pub day: i8,
    pub date: String,
    /// 周一 … 周日, for the phone layout where the table becomes a list.
    pub weekday: &'static str,
    pub today: bool,
    pub events: Vec<DayEventVm>,
}

#[derive(Debug, Serialize, Clone)]
pub struct DayEventVm {
    pub title: String,
    pub url: String,
    pub time: Option<String>,
    pub status: EventStatus,
    pub status_label: &'static str,
    pub state: EventState,
}

/// The months to show: from the current month to the month of the last coming event
/// (at least three months, at most twelve).
pub fn months(site: &Site) -> Vec<MonthVm> {
    let today = site.today();
    let first = Date::new(today.year(), today.month(), 1).unwrap_or(today);
    let last_event = site
        .events_current()
        .iter()
        .filter_map(|&i| site.page(i).event.as_ref().map(|e| e.start.date()))
        .max()
        .unwrap_or(today);
    // Every published event, in source order (a day's events of the same time and title
    // stay in that order).
    let mut events: Vec<PageId> = site.events_current().to_vec();
    events.extend(site.events_past());
    events.sort_by(|a, b| site.source(*a).cmp(site.source(*b)));
    let mut months = Vec::new();
    let mut m = first;
    for n in 0..12 {
        if n >= 3 && m > last_event {
            break;
        }
        months.push(month(site, &events, m, today));
        m = match m.checked_add(jiff::Span::new().months(1)) {
            Ok(next) => next,
            Err(_) => break,
        };
    }
    months
}

fn month(site: &Site, all: &[PageId], first: Date, today: Date) -> MonthVm {
    let days = first.days_in_month();
    let lead = first.weekday().to_monday_zero_offset();
    let mut cells: Vec<DayVm> = (0..lead)
        .map(|_| DayVm {
            day: 0,
            date: String::new(),
            weekday: "",
            today: false,
            events: vec![],
        })
        .collect();
    let mut count = 0;
    for d in 1..=days {
        let Ok(date) = Date::new(first.year(), first.month(), d) else {
            continue;
        };
        let mut events = Vec::new();
        for &i in all {
            let p = site.page(i);
            let Some(ev) = &p.event else { continue };
            let start = ev.start.date();
            let end = event_end(p)
                .map(|e| {
                    // An end at midnight belongs to the day before.
                    if e.hour() == 0 && e.minute() == 0 && e.date() > start {
                        e.date().yesterday().unwrap_or(start)
                    } else {
                        e.date()
                    }
                })
                .unwrap_or(start);
            if date < start || date > end {
                continue;
            }
            let status = site.status(i);
            events.push(DayEventVm {
                title: p.title.clone(),
                url: site.config().link(&p.path),
                time: (date == start && ev.start_has_time).then(|| format_time(&ev.start)),
                status,
                status_label: ev.state.label().unwrap_or(status.label()),
                state: ev.state,
            });
        }
        count += events.len();
        events.sort_by(|a, b| a.time.cmp(&b.time).then(a.title.cmp(&b.title)));
        cells.push(DayVm {
            day: d,
            date: format!("{:04}-{:02}-{:02}", date.year(), date.month(), d),
            weekday: WEEKDAYS[date.weekday().to_monday_zero_offset() as usize],
            today: date == today,
            events,
        });
    }
    while !cells.len().is_multiple_of(7) {
        cells.push(DayVm {
            day: 0,
            date: String::new(),
            weekday: "",
            today: false,
            events: vec![],
        });
    }
    let mut weeks = Vec::new();
    let mut it = cells.into_iter().peekable();
    while it.peek().is_some() {
        weeks.push(it.by_ref().take(7).collect());
    }
    MonthVm {
        title: format!("{}年{}月", first.year(), first.month()),
        id: format!("m-{:04}-{:02}", first.year(), first.month()),
        weeks,
        count,
    }
}
