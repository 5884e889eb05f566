//! Parse step: what only events have — start and end (an end before the start is an
//! error), location, organiser, and whether they are cancelled or postponed.

use super::check::Checker;
use super::meta::RawMeta;
use super::page::{EventInfo, EventState};
use crate::dates::has_time;

pub(super) fn parse_event(
    c: &mut Checker<'_>,
    raw: &RawMeta,
    tz: &jiff::tz::TimeZone,
) -> Option<EventInfo> {
    let start = c.date("start", &raw.start, tz);
    if raw.start.is_none() {
        c.missing("start", "活动开始时间", "start: 2026-12-04 09:00");
    }
    let end = c.date("end", &raw.end, tz);
    let location = raw.location.clone().unwrap_or_default().trim().to_string();
    if location.is_empty() {
        c.missing("location", "活动地点", "location: 镇法治文化广场");
    }
    // A date without a time means the whole day.
    let end_has_time = raw.end.as_deref().is_some_and(has_time);
    let effective_end = end.as_ref().map(|e| {
        if end_has_time {
            e.clone()
        } else {
            e.date()
                .tomorrow()
                .ok()
                .and_then(|d| d.to_zoned_datetime(e.time_zone().clone()).ok())
                .unwrap_or_else(|| e.clone())
        }
    });
    if let (Some(s), Some(e)) = (&start, &effective_end)
        && e <= s
        && !(end_has_time && e == s)
    {
        c.error_at(
            "end",
            format!(
                "活动结束时间 {} 早于开始时间 {}",
                raw.end.as_deref().unwrap_or(""),
                raw.start.as_deref().unwrap_or("")
            ),
            "检查 start 和 end：结束时间不能早于开始时间（跨天的活动写结束那天的日期）。",
        );
    }
    let state = match raw.status.as_deref() {
        None => EventState::Scheduled,
        Some(w) => EventState::parse(w).unwrap_or_else(|| {
            c.error_at(
                "status",
                format!("活动状态 “{w}” 不认识"),
                "写 status: 取消（活动不办了）或 status: 延期（以后再办，时间另行通知）；照常举行就删掉这一行。",
            );
            EventState::Scheduled
        }),
    };
    let start = start?;
    if location.is_empty() {
        return None;
    }
    Some(EventInfo {
        state,
        start_has_time: raw.start.as_deref().is_some_and(has_time),
        start,
        end_has_time: raw.end.as_deref().is_some_and(has_time),
        end,
        location,
        organizer: raw.organizer.clone(),
        audience: raw.audience.clone(),
        contact: raw.contact.clone(),
        registration: raw.registration.clone(),
    })
}
