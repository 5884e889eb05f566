//! Link step, orders: published articles newest first, events split into current and past
//! against `now`, the newest entries of each feed, the site's newest date. Each is kept as
//! an ordered set updated page by page; the lists the render step reads are taken from the
//! sets only when a set changed.

use super::state::Site;
use super::{EventStatus, status_of};
use crate::reads::{Fact, PageId};

/// How far back the site's calendar file reaches: a year.
pub(super) const CALENDAR_HOURS: i64 = 24 * 365;

/// Entries per feed.
pub const FEED_ENTRIES: usize = 20;

/// Which orders an update must take again.
#[derive(Debug, Default)]
pub(super) struct Orders {
    pub articles: bool,
    pub events: bool,
    pub feeds: [bool; 4],
    pub dates: bool,
    pub published: bool,
}

impl Site {
    /// Take again the orders `which` says changed.
    pub(super) fn settle_orders(&mut self, which: &Orders) {
        if which.articles {
            let v: Vec<PageId> = self.article_set.iter().map(|k| k.2).collect();
            let d = &mut self.dirty;
            Site::set_if(d, &mut self.articles, v, Fact::Articles);
        }
        if which.events {
            self.settle_events();
        }
        for (k, changed) in which.feeds.iter().enumerate() {
            if *changed {
                // The site's feed leaves out the pages of columns that ask so.
                let v: Vec<PageId> = self.dated[k]
                    .iter()
                    .map(|key| key.2)
                    .filter(|&id| k != 0 || self.in_site_feed(id))
                    .take(FEED_ENTRIES)
                    .collect();
                Site::set_if(
                    &mut self.dirty,
                    &mut self.feeds[k],
                    v,
                    Fact::FeedEntries(k as u8),
                );
            }
        }
        if which.dates {
            let newest = self
                .all_dates
                .last()
                .and_then(|(_, id)| self.slots.get(*id as usize)?.as_ref()?.page.date.clone());
            if newest != self.newest {
                self.newest = newest;
                self.touch(Fact::NewestDate);
            }
        }
        if which.published {
            let v: Vec<PageId> = self.published_set.values().copied().collect();
            Site::set_if(&mut self.dirty, &mut self.published, v, Fact::Published);
        }
    }

    /// Events into current (soonest first) and past (latest first), by their status.
    fn settle_events(&mut self) {
        let mut current = Vec::new();
        let mut past = Vec::new();
        for (_, _, id) in &self.event_set {
            match self.slot(*id).status {
                Some(EventStatus::Past) | None => past.push(*id),
                _ => current.push(*id),
            }
        }
        // The set is by start and source; past events go latest first, ties by source.
        past.sort_by(|a, b| {
            let key = |id: &PageId| {
                let s = self.slot(*id);
                (
                    std::cmp::Reverse(s.page.event.as_ref().map(|e| e.start.timestamp())),
                    s.source.clone(),
                )
            };
            key(a).cmp(&key(b))
        });
        let recent = self.now.timestamp() - jiff::SignedDuration::from_hours(CALENDAR_HOURS);
        let mut calendar: Vec<PageId> = current.clone();
        calendar.extend(past.iter().copied().filter(|&i| {
            self.slot(i)
                .page
                .event
                .as_ref()
                .is_some_and(|e| e.start.timestamp() >= recent)
        }));
        calendar.sort_by_cached_key(|&i| {
            let s = self.slot(i);
            (
                s.page.event.as_ref().map(|e| e.start.timestamp()),
                s.source.clone(),
            )
        });
        let mut years: Vec<i16> = past
            .iter()
            .filter_map(|&i| self.slot(i).page.event.as_ref().map(|e| e.start.year()))
            .collect();
        years.sort_unstable_by(|a, b| b.cmp(a));
        years.dedup();
        let d = &mut self.dirty;
        Site::set_if(d, &mut self.events_current, current, Fact::EventsCurrent);
        Site::set_if(d, &mut self.events_past, past, Fact::EventsPast);
        Site::set_if(d, &mut self.calendar_events, calendar, Fact::CalendarEvents);
        Site::set_if(d, &mut self.event_years, years, Fact::EventYears);
    }

    /// The status of event `id` now; marks it dirty if it changed. Returns whether it did.
    pub(super) fn settle_status(&mut self, id: PageId) -> bool {
        let now = self.now.clone();
        let Some(slot) = self.slot_mut(id) else {
            return false;
        };
        let status = slot
            .page
            .event
            .as_ref()
            .map(|_| status_of(&slot.page, &now));
        if slot.status != status {
            slot.status = status;
            self.dirty.insert(Fact::Status(id));
            return true;
        }
        false
    }
}
