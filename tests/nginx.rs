//! The sample nginx configuration of README.md's "Deploying" section,
//! `scripts/nginx-sample.conf`, run in Debian's nginx on 127.0.0.1 with the demo site in the
//! place of `/srv/pufa/public`. Under the base path `/hgz/` it serves the pages with the
//! Content-Security-Policy the sample sets (gzipped when asked), the stylesheet, the scripts
//! and the processed photos as immutable for a year, the search index's `.gz` files byte for
//! byte without `Content-Encoding`, and the site's 404 page for a missing address. It serves
//! `robots.txt` at the host's root, sends a search made without JavaScript to the word's own
//! page, and in Chromium no page breaks the policy.
//!
//! nginx runs as one process (`master_process off`): a master process killed at the end of a
//! test would leave its worker serving.

mod common;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::browser::Browser;
use common::*;

/// Where Debian's `nginx` package puts the program (not on a normal user's PATH).
const NGINX: &str = "/usr/sbin/nginx";
/// The sample's placeholders this test replaces (the demo site's base path is the sample's).
const ROOT_PLACEHOLDER: &str = "/srv/pufa/public";
const LISTEN_PLACEHOLDER: &str = "listen 80;";
/// A year, in seconds: how long fingerprinted files may be kept.
const YEAR: &str = "max-age=31536000";

fn sample() -> String {
    std::fs::read_to_string(repo().join("scripts/nginx-sample.conf")).unwrap()
}

/// The Content-Security-Policy the sample sets.
fn sample_csp() -> String {
    let conf = sample();
    let line = conf
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("add_header Content-Security-Policy "))
        .expect("the sample sets a Content-Security-Policy");
    let csp = line.split('"').nth(1).expect("the policy in double quotes");
    assert!(csp.contains("default-src 'self'"), "{csp}");
    csp.to_string()
}

/// A path nginx's configuration can hold without quotes.
fn unquoted(p: &Path) -> &str {
    let s = p.to_str().unwrap();
    assert!(
        !s.contains(|c: char| c.is_whitespace() || matches!(c, ';' | '"' | '\'' | '{' | '}')),
        "{s} cannot be written unquoted in nginx's configuration"
    );
    s
}

/// nginx serving the demo site with the sample configuration; stopped when dropped.
struct Nginx {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Nginx {
    /// Start nginx with the sample (the demo site's folder and a free loopback port put in)
    /// and wait until it answers.
    fn start() -> Nginx {
        assert!(
            Path::new(NGINX).is_file(),
            "no {NGINX}: this test runs Debian's nginx (the `nginx` package, which \
             scripts/test.sh installs)"
        );
        let site = unquoted(demo_site()).to_string();
        let conf = sample();
        assert!(
            conf.contains(ROOT_PLACEHOLDER),
            "the sample names {ROOT_PLACEHOLDER}"
        );
        assert_eq!(
            conf.matches(LISTEN_PLACEHOLDER).count(),
            1,
            "the sample has one `{LISTEN_PLACEHOLDER}`"
        );
        // A port just freed may be taken by another program before nginx binds it: then
        // another port.
        let mut log = String::new();
        for _ in 0..3 {
            let port = free_port();
            let dir = tempfile::tempdir().unwrap();
            let d = unquoted(dir.path()).to_string();
            let site_conf = conf
                .replace(ROOT_PLACEHOLDER, &site)
                .replace(LISTEN_PLACEHOLDER, &format!("listen 127.0.0.1:{port};"));
            std::fs::write(dir.path().join("site.conf"), site_conf).unwrap();
            std::fs::write(dir.path().join("nginx.conf"), main_conf(&d)).unwrap();
            let out = std::fs::File::create(dir.path().join("stderr.txt")).unwrap();
            let child = Command::new(NGINX)
                .arg("-p")
                .arg(dir.path())
                .arg("-c")
                .arg(dir.path().join("nginx.conf"))
                .stdin(Stdio::null())
                .stdout(Stdio::from(out.try_clone().unwrap()))
                .stderr(Stdio::from(out))
                .spawn()
                .unwrap_or_else(|e| panic!("could not start {NGINX}: {e}"));
            let mut n = Nginx { child, port, dir };
            let mut exited = None;
            wait_until(30, &format!("nginx to answer on 127.0.0.1:{port}"), || {
                if let Ok(Some(status)) = n.child.try_wait() {
                    exited = Some(status);
                    return true;
                }
                answers(n.port)
            });
            let Some(status) = exited else {
                return n;
            };
            log = n.log();
            if !log.contains("Address already in use") {
                panic!("nginx stopped at its start ({status}):\n{log}");
            }
        }
        panic!("nginx found no free port in three tries:\n{log}");
    }

    /// What nginx wrote: its stderr and its error log.
    fn log(&self) -> String {
        ["stderr.txt", "error.log"]
            .iter()
            .map(|f| std::fs::read_to_string(self.dir.path().join(f)).unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn get(&self, target: &str) -> Reply {
        get(self.port, target, &[])
    }

    fn get_gzip(&self, target: &str) -> Reply {
        get(self.port, target, &["Accept-Encoding: gzip"])
    }

    fn url(&self, target: &str) -> String {
        format!("http://127.0.0.1:{}{target}", self.port)
    }
}

/// Whether nginx answers on `port` (and not another program that took the port first).
fn answers(port: u16) -> bool {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    let mut head = String::new();
    s.write_all(b"HEAD /robots.txt HTTP/1.0\r\n\r\n").is_ok()
        && s.read_to_string(&mut head).is_ok()
        && head
            .lines()
            .any(|l| l.eq_ignore_ascii_case("server: nginx"))
}

/// A loopback port nothing listens on (now).
fn free_port() -> u16 {
    let l = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    l.local_addr().unwrap().port()
}

/// nginx's main configuration: one process in the foreground, everything it writes in `dir`,
/// Debian's file types, and the sample inside `http {}` as the README says.
fn main_conf(dir: &str) -> String {
    format!(
        "daemon off;\n\
         master_process off;\n\
         pid {dir}/nginx.pid;\n\
         error_log {dir}/error.log;\n\
         events {{}}\n\
         http {{\n\
         include /etc/nginx/mime.types;\n\
         default_type application/octet-stream;\n\
         access_log off;\n\
         client_body_temp_path {dir}/client_body;\n\
         proxy_temp_path {dir}/proxy;\n\
         fastcgi_temp_path {dir}/fastcgi;\n\
         uwsgi_temp_path {dir}/uwsgi;\n\
         scgi_temp_path {dir}/scgi;\n\
         include {dir}/site.conf;\n\
         }}\n"
    )
}

/// An answer: its status, its header lines as sent, its body (de-chunked).
struct Reply {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Reply {
    /// The value of header `name` (any case), if it was sent.
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then_some(v.trim())
        })
    }

    fn cache_control(&self) -> &str {
        self.header("cache-control").unwrap_or("")
    }
}

/// `GET target` over HTTP/1.1 with the extra header lines `extra` ("Name: value").
fn get(port: u16, target: &str, extra: &[&str]) -> Reply {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut request =
        format!("GET {target} HTTP/1.1\r\nHost: example.gov.cn\r\nConnection: close\r\n");
    for h in extra {
        request.push_str(h);
        request.push_str("\r\n");
    }
    request.push_str("\r\n");
    s.write_all(request.as_bytes()).unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf)
        .unwrap_or_else(|e| panic!("reading the answer to GET {target}: {e}"));
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no end of headers in the answer to GET {target}"));
    let head = String::from_utf8_lossy(&buf[..split]).into_owned();
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut reply = Reply {
        status,
        head,
        body: buf[split + 4..].to_vec(),
    };
    if reply
        .header("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
    {
        reply.body = dechunk(&reply.body);
    }
    reply
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(nl) = b.windows(2).position(|w| w == b"\r\n") {
        let line = String::from_utf8_lossy(&b[..nl]).into_owned();
        let size = usize::from_str_radix(line.split(';').next().unwrap_or("").trim(), 16)
            .unwrap_or_else(|_| panic!("a chunk size line {line:?}"));
        if size == 0 {
            break;
        }
        out.extend_from_slice(&b[nl + 2..nl + 2 + size]);
        b = &b[nl + 2 + size + 2..];
    }
    out
}

fn gunzip(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(b)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// A site path as a link writes it: each byte outside the unreserved ones percent-encoded.
fn encode(path: &str) -> String {
    path.bytes()
        .map(|c| match c {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (c as char).to_string()
            }
            _ => format!("%{c:02X}"),
        })
        .collect()
}

/// The bytes of the demo site's file `rel`.
fn file(rel: &str) -> Vec<u8> {
    std::fs::read(demo_site().join(rel)).unwrap_or_else(|e| panic!("the demo's {rel}: {e}"))
}

/// Every file of the demo site whose name `keep` accepts, by `/`-separated relative path.
fn files_where(keep: impl Fn(&str) -> bool) -> Vec<String> {
    let site = demo_site();
    let mut found: Vec<String> = walkdir::WalkDir::new(site)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file() && keep(&e.file_name().to_string_lossy()))
        .map(|e| {
            let rel = e.path().strip_prefix(site).unwrap();
            rel.to_string_lossy().replace('\\', "/")
        })
        .collect();
    found.sort();
    found
}

/// `photo-800.5d703941.webp`: a processed photo's name, with its width and content hash.
fn is_variant(name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".webp") else {
        return false;
    };
    let Some((rest, hash)) = stem.rsplit_once('.') else {
        return false;
    };
    let Some((_, width)) = rest.rsplit_once('-') else {
        return false;
    };
    hash.len() == 8
        && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        && !width.is_empty()
        && width.bytes().all(|b| b.is_ascii_digit())
}

#[test]
fn pages_are_served_under_the_base_path_with_the_policy() {
    let n = Nginx::start();
    let csp = sample_csp();
    for (target, rel) in [
        ("/hgz/", "index.html"),
        (
            "/hgz/articles/fengqiao-jingyan/",
            "articles/fengqiao-jingyan/index.html",
        ),
    ] {
        let r = n.get(target);
        assert_eq!(r.status, 200, "{target}:\n{}", r.head);
        assert!(
            r.header("content-type")
                .is_some_and(|t| t.starts_with("text/html")),
            "{target}:\n{}",
            r.head
        );
        assert_eq!(
            r.header("content-security-policy"),
            Some(csp.as_str()),
            "{target}"
        );
        assert_eq!(
            r.cache_control(),
            "no-cache",
            "{target}: pages are revalidated"
        );
        assert!(r.body == file(rel), "{target} is the demo's {rel}");
    }
    // nginx compresses pages for a browser that accepts it.
    let r = n.get_gzip("/hgz/");
    assert_eq!(r.header("content-encoding"), Some("gzip"), "{}", r.head);
    assert!(
        gunzip(&r.body) == file("index.html"),
        "the gzipped home page"
    );
    // The base path typed without its slash.
    let r = n.get("/hgz");
    assert_eq!((r.status, r.header("location")), (301, Some("/hgz/")));
    // Calendars have their type (Debian's list of types lacks it).
    let r = n.get("/hgz/events/calendar.ics");
    assert_eq!(r.status, 200);
    assert!(
        r.header("content-type")
            .is_some_and(|t| t.starts_with("text/calendar")),
        "{}",
        r.head
    );
}

#[test]
fn fingerprinted_files_are_kept_for_a_year() {
    let n = Nginx::start();
    let home = read_html(&demo_site().join("index.html"));
    let linked = |css: &str, attr: &str| -> String {
        home.select(&sel(css))
            .next()
            .and_then(|e| e.value().attr(attr))
            .unwrap_or_else(|| panic!("the home page has {css}"))
            .to_string()
    };
    for href in [
        linked("link[rel=stylesheet]", "href"),
        linked("script[src]", "src"),
    ] {
        let (path, hash) = href
            .split_once("?v=")
            .unwrap_or_else(|| panic!("{href} has its content hash"));
        assert!(hash.len() == 8, "{href}");
        let r = n.get(&href);
        assert_eq!(r.status, 200, "{href}:\n{}", r.head);
        let cache = r.cache_control();
        assert!(
            cache.contains(YEAR) && cache.contains("immutable"),
            "{href}: {cache}"
        );
        let rel = path.strip_prefix("/hgz/").unwrap();
        assert!(r.body == file(rel), "{href} is the demo's {rel}");
        // Without its hash the address may serve another version later: not immutable.
        let r = n.get(path);
        assert_eq!(r.status, 200);
        assert!(
            !r.cache_control().contains("immutable"),
            "{path}: {}",
            r.head
        );
    }
    // A processed photo has the hash in its name. The last in byte order: the demo's is in
    // a folder with a Chinese name, so its address is percent-encoded as pages link it.
    let variants = files_where(is_variant);
    let rel = variants.last().expect("the demo has processed photos");
    let target = format!("/hgz/{}", encode(rel));
    let r = n.get(&target);
    assert_eq!(r.status, 200, "{target}:\n{}", r.head);
    assert_eq!(r.header("content-type"), Some("image/webp"));
    let cache = r.cache_control();
    assert!(
        cache.contains(YEAR) && cache.contains("immutable"),
        "{rel}: {cache}"
    );
    assert!(r.body == file(rel), "{rel}");
}

#[test]
fn search_index_files_are_sent_as_they_are() {
    let n = Nginx::start();
    // The first .gz and the first .bin file of each folder of the index (search/, search/p/,
    // search/t/, …).
    let mut first: BTreeMap<(String, bool), String> = BTreeMap::new();
    for rel in files_where(|name| name.ends_with(".gz") || name.ends_with(".bin")) {
        let folder = rel.rsplit_once('/').map_or("", |(f, _)| f).to_string();
        assert!(
            folder.starts_with("search"),
            "a .gz or .bin file outside search/: {rel}"
        );
        first.entry((folder, rel.ends_with(".gz"))).or_insert(rel);
    }
    assert!(first.len() >= 4, "the demo's search index: {first:?}");
    assert!(
        first.keys().any(|(f, gz)| f == "search/p" && !gz),
        "Rice-coded pair shards: {first:?}"
    );
    for ((_, gz), rel) in &first {
        // Asked by a browser that accepts gzip, which the page's script undoes itself.
        let r = n.get_gzip(&format!("/hgz/{}", encode(rel)));
        assert_eq!(r.status, 200, "{rel}:\n{}", r.head);
        assert_eq!(r.header("content-encoding"), None, "{rel}:\n{}", r.head);
        assert_eq!(
            r.header("cache-control"),
            Some("no-cache"),
            "{rel}:\n{}",
            r.head
        );
        assert!(r.body == file(rel), "{rel}: the bytes on disk");
        assert_eq!(
            r.body.starts_with(&[0x1f, 0x8b]),
            *gz,
            "{rel}: gzip data or not"
        );
    }
    // A shard the index does not have is a 404, which the script reads as "no postings".
    for missing in ["/hgz/search/p/999999.bin", "/hgz/search/t/999999.gz"] {
        let r = n.get(missing);
        assert_eq!(r.status, 404, "{missing}: {}", r.head);
    }
}

#[test]
fn a_missing_address_gets_the_site_404_page() {
    let n = Nginx::start();
    let csp = sample_csp();
    let page = file("404.html");
    for target in [
        "/hgz/no-such-page/",
        "/hgz/articles/no-such-article/",
        "/hgz/no-such-file.pdf",
        // pufa's mark in its output folder is not served.
        "/hgz/.pufa-output",
        "/elsewhere/",
    ] {
        let r = n.get(target);
        assert_eq!(r.status, 404, "{target}:\n{}", r.head);
        assert!(r.body == page, "{target}: the site's 404.html");
        assert_eq!(
            r.header("content-security-policy"),
            Some(csp.as_str()),
            "{target}"
        );
    }
}

#[test]
fn robots_txt_is_served_at_the_host_root() {
    let n = Nginx::start();
    let r = n.get("/robots.txt");
    assert_eq!(r.status, 200, "{}", r.head);
    assert!(r.body == file("robots.txt"), "the site's robots.txt");
    assert!(String::from_utf8_lossy(&r.body).contains("Sitemap:"));
}

#[test]
fn a_search_without_javascript_goes_to_the_word_page() {
    let n = Nginx::start();
    // An everyday word with a page of its own: the query leads there.
    let word = "彩礼";
    let page = format!("search/{word}/index.html");
    assert!(demo_site().join(&page).is_file(), "the demo has {page}");
    let r = n.get(&format!("/hgz/search/?q={}", encode(word)));
    assert_eq!(r.status, 302, "{}", r.head);
    let to = r.header("location").expect("a Location").to_string();
    assert_eq!(to, format!("/hgz/search/{}/", encode(word)));
    let r = n.get(&to);
    assert_eq!(r.status, 200, "{to}:\n{}", r.head);
    assert!(r.body == file(&page), "{to} is the word's page");
    // Any other query gets the search page, which reads it from the address.
    let other = "没有这个说法";
    assert!(!demo_site().join("search").join(other).exists());
    let r = n.get(&format!("/hgz/search/?q={}", encode(other)));
    assert_eq!(r.status, 302, "{}", r.head);
    let to = r.header("location").expect("a Location").to_string();
    let r = n.get(&to);
    assert_eq!(r.status, 200, "{to}:\n{}", r.head);
    assert!(
        r.body == file("search/index.html"),
        "{to} is the search page"
    );
    // No query: the search page.
    let r = n.get("/hgz/search/");
    assert_eq!(r.status, 200);
    assert!(r.body == file("search/index.html"));
}

#[test]
fn no_page_breaks_the_policy_in_a_browser() {
    let n = Nginx::start();
    let Some(mut b) = Browser::launch() else {
        return;
    };
    b.on_new_document(
        "window.__csp = [];\
         document.addEventListener('securitypolicyviolation', e => window.__csp.push(\
           e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));",
    );
    for target in [
        "/hgz/",
        "/hgz/articles/fengqiao-jingyan/",
        // A Markdown table with a right-aligned column (a class, no style attribute).
        "/hgz/gonggao/falv-mingbairen-mingdan-2026/",
        "/hgz/lessons/tiaojie/04-jiating-maodun/",
        "/hgz/lessons/tiaojie/04-jiating-maodun/print/",
        "/hgz/events/",
        "/hgz/laws/",
        "/hgz/no-such-page/",
    ] {
        b.open(&n.url(target));
        let at = b.eval("location.pathname");
        assert_eq!(at, serde_json::json!(target), "the browser shows {target}");
        let broken = b.eval("window.__csp");
        assert_eq!(
            broken,
            serde_json::json!([]),
            "{target}: the policy blocked"
        );
    }
    // The table's alignment applies under the policy.
    b.open(&n.url("/hgz/gonggao/falv-mingbairen-mingdan-2026/"));
    let aligned = b.eval(
        "(() => { const c = [...document.querySelectorAll('.pf-align-right')];\
           return c.length > 0 && c.every(e => getComputedStyle(e).textAlign === 'right')\
             && document.querySelectorAll('[style]').length === 0; })()",
    );
    assert_eq!(
        aligned,
        serde_json::json!(true),
        "the table's columns are aligned"
    );
    // Searches: the script, the index's .gz files, the results.
    for (q, word_page) in [("彩礼", true), ("调解协议", false)] {
        b.open(&n.url(&format!("/hgz/search/?q={}", encode(q))));
        b.wait_for(
            &format!(
                "document.getElementById('pf-search-results').getAttribute('data-complete') === {}",
                serde_json::json!(q)
            ),
            30,
        );
        let found = b.eval("document.querySelectorAll('#pf-search-results li').length");
        assert!(found.as_u64().unwrap_or(0) > 0, "{q}: results");
        let path = b.eval("decodeURIComponent(location.pathname)");
        assert_eq!(path, serde_json::json!(format!("/hgz/search/{q}/")), "{q}");
        if word_page {
            let word = b.eval("document.querySelector('[data-word]')?.getAttribute('data-word')");
            assert_eq!(word, serde_json::json!(q), "{q}: the word's page");
        }
        let broken = b.eval("window.__csp");
        assert_eq!(broken, serde_json::json!([]), "{q}: the policy blocked");
    }
}
