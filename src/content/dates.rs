//! Parse step: dates and times written by authors. Accepts `2024-12-04`,
//! `2024-12-04 09:00` (or with `T`, optionally with seconds; read in the site's time zone) and
//! RFC 3339 with an offset (`2024-12-04T09:00:00+08:00`). Everything becomes a [`ZonedDateTime`] in
//! the site time zone so display and comparison never depend on the machine's zone.

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ZonedDateTime};

/// The accepted forms, for hints.
pub const DATE_FORMS: &str = "2024-12-04、2024-12-04 09:00 或 2024-12-04T09:00:00+08:00";

/// Parse an author-written date or date-time in time zone `tz`.
pub fn parse_datetime(raw: &str, tz: &TimeZone) -> Result<ZonedDateTime, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err("日期是空的".into());
    }
    let tail = s.get(10..).unwrap_or("");
    let has_offset = !tail.is_empty()
        && (s.ends_with('Z') || s.ends_with('z') || tail.contains('+') || tail.contains('-'));
    if has_offset {
        return s
            .parse::<Timestamp>()
            .map(|ts| ts.to_zoned_datetime(tz.clone()))
            .map_err(|_| format!("无法识别的日期时间 “{s}”"));
    }
    if s.len() > 10 {
        let dt: DateTime = s.parse().map_err(|_| format!("无法识别的日期时间 “{s}”"))?;
        return dt
            .to_zoned_datetime(tz.clone())
            .map_err(|_| format!("“{s}” 在本站时区里不存在"));
    }
    let d: Date = s.parse().map_err(|_| format!("无法识别的日期 “{s}”"))?;
    d.to_zoned_datetime(tz.clone())
        .map_err(|_| format!("“{s}” 在本站时区里不存在"))
}

/// Did the author give a time of day (not only a date)?
pub fn has_time(raw: &str) -> bool {
    raw.trim().len() > 10
}

/// `2024年12月4日`
pub fn format_date_zh(z: &ZonedDateTime) -> String {
    format!("{}年{}月{}日", z.year(), z.month(), z.day())
}

/// `09:00`
pub fn format_time(z: &ZonedDateTime) -> String {
    format!("{:02}:{:02}", z.hour(), z.minute())
}

/// `星期三`
pub fn weekday_zh(z: &ZonedDateTime) -> &'static str {
    match z.weekday().to_monday_one_offset() {
        1 => "星期一",
        2 => "星期二",
        3 => "星期三",
        4 => "星期四",
        5 => "星期五",
        6 => "星期六",
        _ => "星期日",
    }
}

/// RFC 3339 with the zone's offset, seconds precision: `2024-12-04T09:00:00+08:00`.
pub fn rfc3339(z: &ZonedDateTime) -> String {
    let off = z.offset();
    let secs = off.seconds();
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}:{:02}",
        z.year(),
        z.month(),
        z.day(),
        z.hour(),
        z.minute(),
        z.second(),
        sign,
        a / 3600,
        (a % 3600) / 60
    )
}

/// A date-time as front matter writes it and the PubDate meta tag shows it:
/// `2026-11-27 10:30`.
pub fn date_and_time(z: &ZonedDateTime) -> String {
    format!("{} {}", iso_date(z), format_time(z))
}

/// `2024-12-04`
pub fn iso_date(z: &ZonedDateTime) -> String {
    format!("{:04}-{:02}-{:02}", z.year(), z.month(), z.day())
}

/// Look up an IANA time zone name (the tz database is bundled in the binary).
pub fn time_zone(name: &str) -> Option<TimeZone> {
    TimeZone::get(name).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh() -> TimeZone {
        time_zone("Asia/Shanghai").unwrap()
    }

    #[test]
    fn accepts_the_three_forms() {
        let a = parse_datetime("2024-12-04", &sh()).unwrap();
        assert_eq!(rfc3339(&a), "2024-12-04T00:00:00+08:00");
        let b = parse_datetime("2024-12-04 09:30", &sh()).unwrap();
        assert_eq!(rfc3339(&b), "2024-12-04T09:30:00+08:00");
        let c = parse_datetime("2024-12-04T01:30:00Z", &sh()).unwrap();
        assert_eq!(rfc3339(&c), "2024-12-04T09:30:00+08:00");
        let d = parse_datetime("2024-12-04T09:30:00+08:00", &sh()).unwrap();
        assert_eq!(d.timestamp(), b.timestamp());
        assert_eq!(format_date_zh(&b), "2024年12月4日");
        assert_eq!(weekday_zh(&b), "星期三");
    }

    #[test]
    fn rejects_nonsense() {
        assert!(parse_datetime("2024-13-45", &sh()).is_err());
        assert!(parse_datetime("明天", &sh()).is_err());
        assert!(parse_datetime("2024-12-04 25:00", &sh()).is_err());
        assert!(parse_datetime("", &sh()).is_err());
        assert!(parse_datetime("二〇二四年十二月四日", &sh()).is_err());
    }
}
