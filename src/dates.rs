//! Dates and times written by authors (a shared leaf: front matter, site.yaml, `--now`). Accepts `2024-12-04`,
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
    let mut out = String::with_capacity(20);
    push_year(&mut out, z.year(), 1);
    out.push('年');
    push_number(&mut out, z.month() as u32, 1);
    out.push('月');
    push_number(&mut out, z.day() as u32, 1);
    out.push('日');
    out
}

/// `09:00`
pub fn format_time(z: &ZonedDateTime) -> String {
    let mut out = String::with_capacity(5);
    push_time(&mut out, z);
    out
}

/// Append `09:00`.
fn push_time(out: &mut String, z: &ZonedDateTime) {
    push_number(out, z.hour() as u32, 2);
    out.push(':');
    push_number(out, z.minute() as u32, 2);
}

/// Append `2024-12-04`.
fn push_iso_date(out: &mut String, z: &ZonedDateTime) {
    push_year(out, z.year(), 4);
    out.push('-');
    push_number(out, z.month() as u32, 2);
    out.push('-');
    push_number(out, z.day() as u32, 2);
}

/// Append a year, padded to `width` digits (`-0005` for years before 1 AD, as `{:05}`
/// would write them with the sign; they do not occur in practice).
fn push_year(out: &mut String, year: i16, width: u32) {
    if year < 0 {
        out.push('-');
        push_number(out, u32::from(year.unsigned_abs()), width.saturating_sub(1));
    } else {
        push_number(out, year as u32, width);
    }
}

fn push_number(out: &mut String, n: u32, width: u32) {
    crate::text::push_decimal(out, n, width as usize);
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
    let secs = z.offset().seconds();
    let a = secs.unsigned_abs();
    let mut out = String::with_capacity(25);
    push_iso_date(&mut out, z);
    out.push('T');
    push_time(&mut out, z);
    out.push(':');
    push_number(&mut out, z.second() as u32, 2);
    out.push(if secs < 0 { '-' } else { '+' });
    push_number(&mut out, a / 3600, 2);
    out.push(':');
    push_number(&mut out, (a % 3600) / 60, 2);
    out
}

/// A date-time as front matter writes it and the PubDate meta tag shows it:
/// `2026-11-27 10:30`.
pub fn date_and_time(z: &ZonedDateTime) -> String {
    let mut out = String::with_capacity(16);
    push_iso_date(&mut out, z);
    out.push(' ');
    push_time(&mut out, z);
    out
}

/// `2024-12-04`
pub fn iso_date(z: &ZonedDateTime) -> String {
    let mut out = String::with_capacity(10);
    push_iso_date(&mut out, z);
    out
}

/// Look up an IANA time zone name (the tz database is bundled in the binary).
pub fn time_zone(name: &str) -> Option<TimeZone> {
    TimeZone::get(name).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_format_would() {
        let tz = time_zone("Asia/Shanghai").unwrap();
        for (y, mo, d, h, mi, se) in [
            (2024, 12, 4, 9, 0, 0),
            (1, 1, 1, 0, 0, 5),
            (999, 2, 28, 23, 59, 59),
            (9999, 12, 30, 12, 30, 1),
        ] {
            let z = jiff::civil::datetime(y, mo, d, h, mi, se, 0)
                .to_zoned_datetime(tz.clone())
                .unwrap();
            let off = z.offset().seconds();
            assert_eq!(
                rfc3339(&z),
                format!(
                    "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+{:02}:{:02}",
                    y,
                    mo,
                    d,
                    h,
                    mi,
                    se,
                    off / 3600,
                    off % 3600 / 60
                )
            );
            assert_eq!(iso_date(&z), format!("{y:04}-{mo:02}-{d:02}"));
            assert_eq!(
                date_and_time(&z),
                format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}")
            );
            assert_eq!(format_date_zh(&z), format!("{y}年{mo}月{d}日"));
            assert_eq!(format_time(&z), format!("{h:02}:{mi:02}"));
        }
        let west = time_zone("America/St_Johns").unwrap();
        let z = jiff::civil::datetime(2024, 1, 15, 8, 5, 0, 0)
            .to_zoned_datetime(west)
            .unwrap();
        assert_eq!(rfc3339(&z), "2024-01-15T08:05:00-03:30");
    }

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
