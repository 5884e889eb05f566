//! Events people can put in their calendar: `.ics` files read back by an independent parser
//! (Python's `icalendar`), the month calendar and year archives as plain HTML, and the
//! schema.org JSON-LD of event and article pages.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::*;
use serde_json::Value;

/// The demo site, built once for all tests of this file.
fn demo() -> &'static Path {
    demo_site()
}

/// A Python that has the `icalendar` package (Debian's python3-icalendar or pip's).
fn python_with_icalendar() -> String {
    for py in ["python3", "/usr/bin/python3", "python"] {
        let ok = Command::new(py)
            .args(["-c", "import icalendar"])
            .try_output_within(30, "python's import of icalendar")
            .is_ok_and(|o| o.status.success());
        if ok {
            return py.to_string();
        }
    }
    panic!(
        "no Python with the icalendar package: install Debian's python3-icalendar \
         (.ci/run does) or `pip install icalendar`"
    );
}

/// Every .ics file under `out`, as parsed by Python's icalendar: path → events.
fn parse_ics(out: &Path) -> BTreeMap<String, Vec<Value>> {
    let o = Command::new(python_with_icalendar())
        .arg(repo().join("tests/ics_check.py"))
        .arg(out)
        .output_within(120, "tests/ics_check.py");
    assert!(
        o.status.success(),
        "icalendar could not parse the calendar files:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let problems = v["problems"].as_array().unwrap();
    assert!(problems.is_empty(), "{problems:#?}");
    serde_json::from_value(v["files"].clone()).unwrap()
}

fn event_slugs() -> Vec<String> {
    let mut slugs: Vec<String> = std::fs::read_dir(repo().join("content/events"))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            (name.ends_with(".md") && name != "_index.md")
                .then(|| name.trim_end_matches(".md").to_string())
        })
        .filter(|slug| {
            // Drafts and notices past their `expires:` date (before NOW) are not published.
            let text =
                std::fs::read_to_string(repo().join(format!("content/events/{slug}.md"))).unwrap();
            let expired = text
                .lines()
                .find_map(|l| l.strip_prefix("expires: "))
                .is_some_and(|d| d.trim() < &NOW[..10]);
            !expired && !text.contains("\ndraft: true")
        })
        .collect();
    slugs.sort();
    slugs
}

#[test]
fn every_ics_parses_with_icalendar_and_times_are_in_the_site_zone() {
    let files = parse_ics(demo());
    // One file per event (drafts aside) plus the site calendar.
    for slug in event_slugs() {
        let rel = format!("events/{slug}/{slug}.ics");
        let events = files
            .get(&rel)
            .unwrap_or_else(|| panic!("no {rel}: {:?}", files.keys()));
        assert_eq!(events.len(), 1, "{rel}");
        let e = &events[0];
        assert_eq!(
            e["uid"],
            format!("https://example.gov.cn/hgz/events/{slug}/"),
            "a stable UID per event"
        );
        for key in ["summary", "location", "dtstart", "dtstamp"] {
            assert!(
                e[key]
                    .as_str()
                    .is_some_and(|s| !s.is_empty() && s != "None"),
                "{rel}: {key}"
            );
        }
        // The event page links "加入日历" to its file.
        let page = read_html(&demo().join(format!("events/{slug}/index.html")));
        let link = page
            .select(&sel("a.pf-button"))
            .find(|a| a.text().collect::<String>() == "加入日历")
            .expect("加入日历 link");
        assert_eq!(
            link.value().attr("href"),
            Some(format!("/hgz/events/{slug}/{slug}.ics").as_str())
        );
    }
    assert_eq!(files.len(), event_slugs().len() + 1, "{:?}", files.keys());

    // 12·4 Constitution Day, 09:00–11:30 in Asia/Shanghai (UTC+8) = 01:00–03:30 UTC.
    let day = &files["events/xianfa-ri-2026/xianfa-ri-2026.ics"][0];
    assert_eq!(day["summary"], "“12·4”国家宪法日集中宣传活动通知");
    assert_eq!(day["location"], "皇宫镇法治文化广场");
    assert_eq!(day["dtstart"], "2026-12-04T01:00:00Z");
    assert_eq!(day["dtend"], "2026-12-04T03:30:00Z");
    assert_eq!(day["tzid"], "Asia/Shanghai");
    assert!(
        day["description"]
            .as_str()
            .unwrap()
            .contains("主办：皇宫镇人民政府、皇宫镇司法所")
    );
    // DTSTAMP comes from the notice's date (2026-11-20 in Beijing), not from the clock.
    assert_eq!(day["dtstamp"], "2026-11-19T16:00:00Z");
    // An event given by dates only is an all-day event; DTEND is exclusive.
    let week = &files["events/xianfa-xuanchuanzhou-2026/xianfa-xuanchuanzhou-2026.ics"][0];
    assert_eq!(week["dtstart"], "2026-12-01");
    assert_eq!(week["dtend"], "2026-12-08");

    // The site calendar: every coming event, in time order; long-past ones are left out.
    let site: Vec<&str> = files["events/calendar.ics"]
        .iter()
        .map(|e| e["uid"].as_str().unwrap())
        .collect();
    let coming = [
        "xianfa-xuanchuanzhou-2026",
        "xianfa-ri-2026",
        "fazhi-jiangzuo-2026-12",
        "changlang-xiaoketang-2027-01",
    ];
    let want: Vec<String> = coming
        .iter()
        .map(|s| format!("https://example.gov.cn/hgz/events/{s}/"))
        .collect();
    assert_eq!(site, want);
}

#[test]
fn the_site_calendar_keeps_the_events_of_the_past_year() {
    // Built as of 2026-01-01: two of the demo's past events started within the year before
    // (a third has expired by then), one (2024-06-20) before that. The notices of the
    // coming events are dated later in 2026: --future publishes them before their date.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = run(
        &repo(),
        &[
            "build",
            "--future",
            "--now",
            "2026-01-01T00:00:00+08:00",
            "--output",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let files = parse_ics(&out);
    let site: Vec<&str> = files["events/calendar.ics"]
        .iter()
        .map(|e| e["uid"].as_str().unwrap())
        .collect();
    let want: Vec<String> = [
        "changlang-xiaoketang-2025-04",
        "minfadian-xiangban-2025",
        "xianfa-xuanchuanzhou-2026",
        "xianfa-ri-2026",
        "fazhi-jiangzuo-2026-12",
        "changlang-xiaoketang-2027-01",
    ]
    .iter()
    .map(|s| format!("https://example.gov.cn/hgz/events/{s}/"))
    .collect();
    assert_eq!(site, want, "past-year events first, in time order");
}

#[test]
fn ics_text_is_escaped_and_folded_and_other_zones_use_utc() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_dir(&repo().join("tests/fixtures/serve_site"), &site);
    // A zone with summer time has no single VTIMEZONE offset: times are written in UTC.
    write(
        &site.join("site.yaml"),
        "title: 测试站点\nbase_url: https://example.org/\ntimezone: Europe/Berlin\n",
    );
    let long = "很长的说明文字，".repeat(30);
    write(
        &site.join("content/events/tricky.md"),
        &format!(
            "---\ntitle: '标题; 含逗号, 分号; 和反斜杠 \\ 的活动'\ndate: 2026-07-01\n\
             start: 2026-07-10 18:30\nend: 2026-07-10 20:00\nlocation: 'Marktplatz 1, Berlin; 东门'\n\
             organizer: 组织者\nsummary: '{long}'\n---\n\n正文。\n"
        ),
    );
    let out = dir.path().join("out");
    build_into(&site, &out, &[]);
    let files = parse_ics(&out);
    let e = &files["events/tricky/tricky.ics"][0];
    assert_eq!(e["summary"], "标题; 含逗号, 分号; 和反斜杠 \\ 的活动");
    assert_eq!(e["location"], "Marktplatz 1, Berlin; 东门");
    assert!(e["description"].as_str().unwrap().starts_with(&long));
    // 18:30 in Berlin in July (UTC+2) is 16:30 UTC.
    assert_eq!(e["dtstart"], "2026-07-10T16:30:00Z");
    assert_eq!(e["tzid"], Value::Null);
    let raw = std::fs::read_to_string(out.join("events/tricky/tricky.ics")).unwrap();
    assert!(raw.contains("\r\n "), "long lines are folded");
    assert!(!raw.contains("VTIMEZONE"));
}

#[test]
fn the_month_calendar_is_a_plain_table_with_coming_events_marked() {
    let doc = read_html(&demo().join("events/calendar/index.html"));
    // The calendar needs no JavaScript: the only scripts are the header's (display
    // settings and the search field's loader), which every page has.
    let scripts: Vec<&str> = doc
        .select(&sel("script"))
        .map(|s| s.value().attr("src").unwrap_or("inline"))
        .collect();
    assert!(
        scripts
            .iter()
            .all(|s| s.contains("/js/site.js") || s.contains("/js/prefs.js")),
        "no JavaScript but the header's: {scripts:?}"
    );
    let months: Vec<String> = doc
        .select(&sel(".pf-month h2"))
        .map(|h| h.text().collect::<String>())
        .collect();
    assert!(months[0].starts_with("2026年12月"), "{months:?}");
    assert!(months.iter().any(|m| m.starts_with("2027年1月")));
    let first = doc.select(&sel("table.pf-calendar")).next().unwrap();
    let heads: Vec<String> = first
        .select(&sel("thead th"))
        .map(|t| t.text().collect())
        .collect();
    assert_eq!(heads, ["一", "二", "三", "四", "五", "六", "日"]);
    // December 2026 starts on a Tuesday: one blank cell, then 1..31.
    let cells: Vec<_> = first.select(&sel("tbody td")).collect();
    assert_eq!(cells.len() % 7, 0);
    assert!(cells[0].value().classes().any(|c| c == "pf-cal-blank"));
    let dec4 = cells
        .iter()
        .find(|c| {
            c.select(&sel("time"))
                .next()
                .is_some_and(|t| t.value().attr("datetime") == Some("2026-12-04"))
        })
        .unwrap();
    let events: Vec<(String, String, String)> = dec4
        .select(&sel("a.pf-cal-event"))
        .map(|a| {
            (
                a.text().collect::<String>(),
                a.value().attr("href").unwrap().to_string(),
                a.value().attr("class").unwrap().to_string(),
            )
        })
        .collect();
    // The week-long campaign spans the day; the 09:00 event is on it, marked as coming.
    assert_eq!(events.len(), 2, "{events:?}");
    let day = events
        .iter()
        .find(|e| e.1 == "/hgz/events/xianfa-ri-2026/")
        .unwrap();
    assert!(day.0.starts_with("09:00 “12·4”国家宪法日"), "{day:?}");
    assert!(day.0.contains("即将开始"));
    assert!(day.2.contains("pf-cal-upcoming"));
    let week = events
        .iter()
        .find(|e| e.1 == "/hgz/events/xianfa-xuanchuanzhou-2026/")
        .unwrap();
    assert!(week.2.contains("pf-cal-ongoing"), "{week:?}");
    // Today is marked for assistive technology too.
    let today: Vec<_> = doc.select(&sel("td[aria-current=date]")).collect();
    assert_eq!(today.len(), 1);
    assert!(today[0].inner_html().contains("2026-12-01"));
    let (problems, _) = check_links(demo(), "/hgz/");
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn past_events_are_archived_by_year() {
    let events = read_html(&demo().join("events/index.html"));
    let years: Vec<(String, String)> = events
        .select(&sel(".pf-years a"))
        .map(|a| {
            (
                a.text().collect(),
                a.value().attr("href").unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        years,
        [
            ("2025年".to_string(), "/hgz/events/2025/".to_string()),
            ("2024年".to_string(), "/hgz/events/2024/".to_string())
        ]
    );
    let y2025 = read_html(&demo().join("events/2025/index.html"));
    let titles: Vec<String> = y2025
        .select(&sel(".pf-card-title a"))
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(
        titles,
        [
            "/hgz/events/minfadian-xiangban-2025/",
            "/hgz/events/changlang-xiaoketang-2025-04/",
        ]
    );
    let y2024 = read_html(&demo().join("events/2024/index.html"));
    assert_eq!(y2024.select(&sel(".pf-card")).count(), 1);
}

fn jsonld(path: &Path) -> Value {
    let doc = read_html(path);
    let scripts: Vec<String> = doc
        .select(&sel("script[type='application/ld+json']"))
        .map(|s| s.text().collect())
        .collect();
    assert_eq!(scripts.len(), 1, "{}", path.display());
    serde_json::from_str(&scripts[0])
        .unwrap_or_else(|e| panic!("{}: JSON-LD does not parse: {e}", path.display()))
}

#[test]
fn event_and_article_pages_carry_schema_org_json_ld() {
    for slug in event_slugs() {
        let v = jsonld(&demo().join(format!("events/{slug}/index.html")));
        assert_eq!(v["@context"], "https://schema.org");
        assert_eq!(v["@type"], "Event");
        for key in ["name", "startDate", "endDate", "eventStatus"] {
            assert!(
                v[key].as_str().is_some_and(|s| !s.is_empty()),
                "{slug}: {key}"
            );
        }
        assert_eq!(v["location"]["@type"], "Place");
        assert!(
            v["location"]["name"]
                .as_str()
                .is_some_and(|s| !s.is_empty())
        );
        assert_eq!(v["organizer"]["@type"], "Organization");
        assert!(
            v["organizer"]["name"]
                .as_str()
                .is_some_and(|s| !s.is_empty())
        );
        assert_eq!(
            v["url"],
            format!("https://example.gov.cn/hgz/events/{slug}/")
        );
    }
    let v = jsonld(&demo().join("events/xianfa-ri-2026/index.html"));
    assert_eq!(v["name"], "“12·4”国家宪法日集中宣传活动通知");
    assert_eq!(v["startDate"], "2026-12-04T09:00:00+08:00");
    assert_eq!(v["endDate"], "2026-12-04T11:30:00+08:00");
    assert_eq!(v["eventStatus"], "https://schema.org/EventScheduled");
    assert_eq!(v["location"]["name"], "皇宫镇法治文化广场");
    assert_eq!(v["organizer"]["name"], "皇宫镇人民政府、皇宫镇司法所");
    // All-day events use dates.
    let v = jsonld(&demo().join("events/xianfa-xuanchuanzhou-2026/index.html"));
    assert_eq!(v["startDate"], "2026-12-01");
    assert_eq!(v["endDate"], "2026-12-07");

    let mut articles = 0;
    // List pages (the articles' and those of the columns inside articles/) are not
    // articles.
    let is_list = |rel: &str| {
        let dir = rel.trim_end_matches("index.html").trim_end_matches('/');
        let column = dir.split("/page/").next().unwrap_or(dir);
        dir.is_empty()
            || dir.starts_with("page/")
            || repo()
                .join("content/articles")
                .join(column)
                .join("_index.md")
                .is_file()
    };
    for (rel, _) in tree(&demo().join("articles")) {
        if !rel.ends_with("index.html") || is_list(&rel) {
            continue;
        }
        let v = jsonld(&demo().join("articles").join(&rel));
        assert_eq!(v["@type"], "Article", "{rel}");
        for key in ["headline", "datePublished"] {
            assert!(
                v[key].as_str().is_some_and(|s| !s.is_empty()),
                "{rel}: {key}"
            );
        }
        assert!(
            v["publisher"]["name"].as_str().is_some(),
            "{rel}: publisher"
        );
        articles += 1;
    }
    assert!(articles >= 10, "{articles}");
}

#[test]
fn json_ld_cannot_break_out_of_its_script() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_dir(&repo().join("tests/fixtures/serve_site"), &site);
    write(
        &site.join("content/articles/evil.md"),
        "---\ntitle: '</script><script>alert(1)</script>'\ndate: 2026-01-01\n---\n\n正文。\n",
    );
    let out = dir.path().join("out");
    build_into(&site, &out, &[]);
    let v = jsonld(&out.join("articles/evil/index.html"));
    assert_eq!(v["headline"], "</script><script>alert(1)</script>");
    let doc = read_html(&out.join("articles/evil/index.html"));
    // No script written into the page (the search field's loader is a file).
    assert_eq!(doc.select(&sel("script:not([type]):not([src])")).count(), 0);
}

#[test]
fn cancelled_and_postponed_events_say_so_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_dir(&repo().join("content"), &site.join("content"));
    std::fs::copy(repo().join("site.yaml"), site.join("site.yaml")).unwrap();
    let set_status = |slug: &str, status: &str| {
        let f = site.join(format!("content/events/{slug}.md"));
        let text = std::fs::read_to_string(&f).unwrap();
        write(
            &f,
            &text.replacen("\nlocation:", &format!("\nstatus: {status}\nlocation:"), 1),
        );
    };
    set_status("xianfa-ri-2026", "取消");
    set_status("fazhi-jiangzuo-2026-12", "postponed");
    let out = dir.path().join("out");
    build_into(&site, &out, &[]);

    let page = read_html(&out.join("events/xianfa-ri-2026/index.html"));
    assert!(text_of(&page, ".pf-event-notice").contains("本活动已取消"));
    assert_eq!(text_of(&page, ".pf-event-facts .pf-status"), "已取消");
    let postponed = read_html(&out.join("events/fazhi-jiangzuo-2026-12/index.html"));
    assert!(text_of(&postponed, ".pf-event-notice").contains("新的时间将另行通知"));
    // Lists, the calendar and the poster.
    let list = read_html(&out.join("events/index.html"));
    let badges: Vec<String> = list
        .select(&sel(".pf-status.pf-state-cancelled"))
        .map(|b| b.text().collect::<String>())
        .collect();
    assert_eq!(badges, ["已取消"]);
    let cal = read_html(&out.join("events/calendar/index.html"));
    assert!(
        cal.select(&sel("a.pf-cal-event.pf-state-cancelled"))
            .next()
            .is_some()
    );
    let poster = read_html(&out.join("events/xianfa-ri-2026/print/index.html"));
    assert_eq!(text_of(&poster, ".pv-state"), "已取消");
    // Machines: schema.org and the calendar files.
    assert_eq!(
        jsonld(&out.join("events/xianfa-ri-2026/index.html"))["eventStatus"],
        "https://schema.org/EventCancelled"
    );
    assert_eq!(
        jsonld(&out.join("events/fazhi-jiangzuo-2026-12/index.html"))["eventStatus"],
        "https://schema.org/EventPostponed"
    );
    let files = parse_ics(&out);
    let e = &files["events/xianfa-ri-2026/xianfa-ri-2026.ics"][0];
    assert_eq!(e["status"], "CANCELLED");
    assert_eq!(e["sequence"], 1);
    assert!(e["summary"].as_str().unwrap().starts_with("【已取消】"));
    let site_cal = &files["events/calendar.ics"];
    let p = site_cal
        .iter()
        .find(|e| {
            e["url"]
                .as_str()
                .unwrap()
                .contains("fazhi-jiangzuo-2026-12")
        })
        .unwrap();
    assert_eq!(p["status"], "TENTATIVE");
    // Unchanged events stay confirmed.
    assert!(
        files["events/changlang-xiaoketang-2027-01/changlang-xiaoketang-2027-01.ics"][0]["status"]
            == "CONFIRMED"
    );
}
