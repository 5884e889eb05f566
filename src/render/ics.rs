//! Render step: iCalendar (RFC 5545) files for events — one per event and one for the site.
//! CRLF line ends, lines folded at 75 octets without splitting a character, TEXT values
//! escaped, a stable UID (the event's address), DTSTAMP from the notice's own date (so output
//! is deterministic), and times with TZID and a VTIMEZONE when the site's zone keeps one
//! offset all year (Asia/Shanghai), in UTC otherwise. An event given by dates alone is an
//! all-day event.

use jiff::ZonedDateTime;
use jiff::civil::Date;

use crate::content::page::EventState;
use crate::site::{PageId, Site};

/// Escape a TEXT value: backslash, semicolon, comma and newlines.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            _ => out.push(c),
        }
    }
    out
}

/// Fold one content line at 75 octets (continuation lines start with a space, which counts),
/// never inside a UTF-8 character, and end every line with CRLF.
pub fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    let mut first = true;
    for c in line.chars() {
        let n = c.len_utf8();
        let limit = if first { 75 } else { 74 };
        if width + n > limit {
            out.push_str("\r\n ");
            width = 0;
            first = false;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

/// The site's zone, if it has the same offset all year (then it gets a VTIMEZONE): its name
/// and offset in seconds.
fn fixed_zone(site: &Site, year: i16) -> Option<(String, i32)> {
    let tz = &site.config().timezone;
    let at = |m: i8| {
        Date::new(year, m, 1)
            .ok()
            .and_then(|d| d.to_zoned_datetime(tz.clone()).ok())
            .map(|z| z.offset().seconds())
    };
    let (jan, jul) = (at(1)?, at(7)?);
    (jan == jul).then(|| (site.config().timezone_name.clone(), jan))
}

fn utc_stamp(z: &ZonedDateTime) -> String {
    let u = z.timestamp().to_zoned_datetime(jiff::tz::TimeZone::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        u.year(),
        u.month(),
        u.day(),
        u.hour(),
        u.minute(),
        u.second()
    )
}

fn local_stamp(z: &ZonedDateTime) -> String {
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}",
        z.year(),
        z.month(),
        z.day(),
        z.hour(),
        z.minute(),
        z.second()
    )
}

fn date_stamp(d: Date) -> String {
    format!("{:04}{:02}{:02}", d.year(), d.month(), d.day())
}

fn offset_text(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    format!("{sign}{:02}{:02}", a / 3600, (a % 3600) / 60)
}

/// The lines of one VEVENT for page `i`.
fn vevent(site: &Site, i: PageId, tzid: Option<&str>, lines: &mut Vec<String>) {
    let p = site.page(i);
    let Some(ev) = &p.event else {
        return;
    };
    let c = site.config();
    let url = c.permalink(&p.path);
    lines.push("BEGIN:VEVENT".into());
    lines.push(format!("UID:{}", escape_text(&url)));
    let stamp = p.updated.as_ref().or(p.date.as_ref()).unwrap_or(&ev.start);
    lines.push(format!("DTSTAMP:{}", utc_stamp(stamp)));
    let timed = ev.start_has_time;
    let put_time = |name: &str, z: &ZonedDateTime, lines: &mut Vec<String>| match tzid {
        Some(t) => lines.push(format!("{name};TZID={t}:{}", local_stamp(z))),
        None => lines.push(format!("{name}:{}", utc_stamp(z))),
    };
    if timed {
        put_time("DTSTART", &ev.start, lines);
        match (&ev.end, ev.end_has_time) {
            (Some(e), true) => put_time("DTEND", e, lines),
            (Some(e), false) => {
                // A date-only end closes the whole day.
                if let Ok(next) = e.date().tomorrow() {
                    lines.push(format!("DTEND;VALUE=DATE:{}", date_stamp(next)));
                }
            }
            (None, _) => {}
        }
    } else {
        lines.push(format!(
            "DTSTART;VALUE=DATE:{}",
            date_stamp(ev.start.date())
        ));
        let last = ev.end.as_ref().map_or(ev.start.date(), |e| e.date());
        if let Ok(next) = last.tomorrow() {
            lines.push(format!("DTEND;VALUE=DATE:{}", date_stamp(next)));
        }
    }
    // A cancelled or postponed event stays in the calendar, marked, so that people who
    // added it learn of the change; SEQUENCE tells calendar apps this is a revision.
    let summary = match ev.state.label() {
        Some(label) => format!("【{label}】{}", p.title),
        None => p.title.clone(),
    };
    lines.push(format!("SUMMARY:{}", escape_text(&summary)));
    lines.push(format!("LOCATION:{}", escape_text(&ev.location)));
    let mut desc = p.summary.clone();
    for (label, v) in ev.details() {
        if let Some(v) = v {
            desc.push_str(&format!("\n{label}：{v}"));
        }
    }
    desc.push_str(&format!("\n详情：{url}"));
    lines.push(format!("DESCRIPTION:{}", escape_text(&desc)));
    lines.push(format!("URL:{url}"));
    let (status, sequence) = match ev.state {
        EventState::Scheduled => ("CONFIRMED", 0),
        EventState::Cancelled => ("CANCELLED", 1),
        EventState::Postponed => ("TENTATIVE", 1),
    };
    lines.push(format!("STATUS:{status}"));
    if sequence > 0 {
        lines.push(format!("SEQUENCE:{sequence}"));
    }
    lines.push("TRANSP:OPAQUE".into());
    lines.push("END:VEVENT".into());
}

/// A calendar with the events `events`.
pub fn calendar(site: &Site, events: &[PageId], name: &str) -> String {
    let year = events
        .iter()
        .find_map(|&i| site.page(i).event.as_ref().map(|e| e.start.year()))
        .unwrap_or_else(|| site.year());
    let zone = fixed_zone(site, year);
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        format!("PRODID:-//pufa//{}//ZH", escape_text(&site.config().title)),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        format!("X-WR-CALNAME:{}", escape_text(name)),
        format!("X-WR-TIMEZONE:{}", site.config().timezone_name),
    ];
    if let Some((tzid, offset)) = &zone {
        let off = offset_text(*offset);
        lines.extend([
            "BEGIN:VTIMEZONE".to_string(),
            format!("TZID:{tzid}"),
            "BEGIN:STANDARD".into(),
            "DTSTART:19700101T000000".into(),
            format!("TZOFFSETFROM:{off}"),
            format!("TZOFFSETTO:{off}"),
            format!("TZNAME:{}", if *offset == 8 * 3600 { "CST" } else { "STD" }),
            "END:STANDARD".into(),
            "END:VTIMEZONE".into(),
        ]);
    }
    for &i in events {
        vevent(site, i, zone.as_ref().map(|z| z.0.as_str()), &mut lines);
    }
    lines.push("END:VCALENDAR".into());
    let mut out = String::new();
    for l in &lines {
        fold(l, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_keeps_characters_whole_and_lines_short() {
        let long = format!(
            "DESCRIPTION:{}",
            "宪法宣传周活动在镇法治文化广场举行".repeat(6)
        );
        let mut out = String::new();
        fold(&long, &mut out);
        for line in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        let unfolded = out.replace("\r\n ", "").replace("\r\n", "");
        assert_eq!(unfolded, long);
        assert!(out.ends_with("\r\n"));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape_text("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
