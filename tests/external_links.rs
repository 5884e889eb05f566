//! `pufa check --external` against a local server that answers 200, 301, 403, 404, 500,
//! 429-then-200 and slowly, and a closed port: exactly the dead links are errors with file
//! and line, the 403 one is 无法确认, the redirect is reported, the slow one is alive;
//! 429 and 500 are retried (counted at the server); the check keeps within its time budget;
//! a second run takes the live addresses from the cache. A plain build fetches nothing.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;

/// A tiny HTTP server on 127.0.0.1 that counts the requests for each path.
fn start_server() -> (u16, Arc<Mutex<BTreeMap<String, usize>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits: Arc<Mutex<BTreeMap<String, usize>>> = Arc::default();
    let counter = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let counter = counter.clone();
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut first = String::new();
                if reader.read_line(&mut first).is_err() {
                    return;
                }
                // The rest of the request head.
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let path = first.split_whitespace().nth(1).unwrap_or("/").to_string();
                let n = {
                    let mut h = counter.lock().unwrap();
                    let n = h.entry(path.clone()).or_default();
                    *n += 1;
                    *n
                };
                let (status, extra) = match path.as_str() {
                    "/ok" => ("200 OK", ""),
                    "/moved" => ("301 Moved Permanently", "Location: /ok\r\n"),
                    "/forbidden" => ("403 Forbidden", ""),
                    "/gone" => ("404 Not Found", ""),
                    "/broken" => ("500 Internal Server Error", ""),
                    "/busy" if n < 3 => ("429 Too Many Requests", "Retry-After: 1\r\n"),
                    "/busy" => ("200 OK", ""),
                    "/slow" => {
                        std::thread::sleep(Duration::from_secs(2));
                        ("200 OK", "")
                    }
                    _ => ("404 Not Found", ""),
                };
                let body = "<!doctype html><title>t</title>";
                let mut s = stream;
                let _ = write!(
                    s,
                    "HTTP/1.1 {status}\r\n{extra}Content-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            });
        }
    });
    (port, hits)
}

fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[test]
fn exactly_the_dead_links_are_reported_where_they_are_written() {
    let (port, hits) = start_server();
    let closed = closed_port();
    let base = format!("http://127.0.0.1:{port}");
    let page = format!(
        "---\ntitle: 链接\ndate: 2026-11-01\n---\n\n\
[好的]({base}/ok)\n\n\
[搬家了]({base}/moved)\n\n\
[不让查]({base}/forbidden)\n\n\
[没有了]({base}/gone)\n\n\
[坏了]({base}/broken)\n\n\
[忙]({base}/busy)\n\n\
[慢]({base}/slow)\n\n\
[关了](http://127.0.0.1:{closed}/x)\n\n\
<a href=\"{base}/gone\">又一次</a>\n"
    );
    let site = small_site(&[("content/articles/a.md", &page)]);
    // A plain check fetches nothing.
    let o = run(site.path(), &["check", "--now", NOW]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        hits.lock().unwrap().is_empty(),
        "a plain check made requests"
    );

    let started = Instant::now();
    let o = run(site.path(), &["check", "--external", "--now", NOW]);
    let took = started.elapsed();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(took < Duration::from_secs(40), "took {took:?}");
    let file = "content/articles/a.md";
    // Dead: 404 (twice, Markdown and HTML), 500 after its retries, the closed port.
    for (line, url) in [
        (12, format!("{base}/gone")),
        (14, format!("{base}/broken")),
        (20, format!("http://127.0.0.1:{closed}/x")),
        (22, format!("{base}/gone")),
    ] {
        let at = format!("--> {file}:{line}");
        assert!(err.contains(&at), "{at} in:\n{err}");
        assert!(
            err.contains(&format!("外部链接打不开：{url}")),
            "{url} in:\n{err}"
        );
    }
    assert_eq!(err.matches("外部链接打不开").count(), 4, "{err}");
    assert!(
        err.contains(&format!("外部链接无法确认：{base}/forbidden")),
        "{err}"
    );
    assert!(
        err.contains(&format!("外部链接已跳转：{base}/moved → {base}/ok")),
        "{err}"
    );
    for alive in ["/ok ", "/busy", "/slow"] {
        assert!(
            !err.lines()
                .any(|l| l.contains("外部链接") && l.contains(&format!("{base}{alive}"))),
            "{alive} is alive:\n{err}"
        );
    }
    {
        let h = hits.lock().unwrap();
        assert_eq!(
            h.get("/broken"),
            Some(&3),
            "500: one request and two retries"
        );
        assert_eq!(h.get("/busy"), Some(&3), "429 twice, then 200");
        assert_eq!(h.get("/gone"), Some(&1), "one address, asked once");
        assert_eq!(h.get("/forbidden"), Some(&1), "403 is not retried");
    }

    // Again: the addresses found alive come from the cache; the others are asked again.
    let o = run(site.path(), &["check", "--external", "--now", NOW]);
    assert_eq!(o.status.code(), Some(1));
    let h = hits.lock().unwrap();
    assert_eq!(h.get("/slow"), Some(&1), "cached");
    assert_eq!(h.get("/busy"), Some(&3), "cached");
    assert_eq!(h.get("/gone"), Some(&2), "asked again");
    assert!(site.path().join(".pufa-cache/links.tsv").is_file());
}
