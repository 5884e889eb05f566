//! Helpers shared by the integration tests: run the real `pufa` binary, copy fixtures,
//! snapshot output trees, and check every link of a built site by parsing its HTML.
#![allow(dead_code)]

pub mod browser;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scraper::{Html, Selector};

/// "Now" used by every test build, so event status is fixed.
pub const NOW: &str = "2026-12-01T00:00:00+08:00";

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn pufa() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pufa"))
}

/// Run `pufa --root ROOT ARGS…` (within two minutes).
pub fn run(root: &Path, args: &[&str]) -> Output {
    pufa()
        .arg("--root")
        .arg(root)
        .args(args)
        .output_within(120, &format!("pufa {}", args.join(" ")))
}

/// Running a child process to its end, with a deadline: a test never waits for ever.
pub trait RunWithin {
    /// Run to the end within `secs` seconds and give its output (stdin empty, stdout and
    /// stderr collected); when it takes longer it is killed and the test fails, saying
    /// `what` it waited for.
    fn output_within(&mut self, secs: u64, what: &str) -> Output {
        self.try_output_within(secs, what)
            .unwrap_or_else(|e| panic!("could not start {what}: {e}"))
    }

    /// [`RunWithin::output_within`], or the error when the program cannot be started.
    fn try_output_within(&mut self, secs: u64, what: &str) -> std::io::Result<Output>;
}

impl RunWithin for Command {
    fn try_output_within(&mut self, secs: u64, what: &str) -> std::io::Result<Output> {
        use std::process::Stdio;
        let mut child = self
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let deadline = Instant::now() + Duration::from_secs(secs);
        let stdout = collect(child.stdout.take());
        let stderr = collect(child.stderr.take());
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(5))
                }
                _ => {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!("timed out after {secs} s waiting for {what} to finish (killed it)");
                }
            }
        };
        // A process it started may still hold the pipes open: take what came by then.
        let rest =
            |rx: Receiver<Vec<u8>>| rx.recv_timeout(Duration::from_secs(5)).unwrap_or_default();
        Ok(Output {
            status,
            stdout: rest(stdout),
            stderr: rest(stderr),
        })
    }
}

/// Read `pipe` to its end on a thread of its own; the bytes come through the channel.
fn collect(pipe: Option<impl Read + Send + 'static>) -> Receiver<Vec<u8>> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut p) = pipe {
            let _ = p.read_to_end(&mut buf);
        }
        let _ = tx.send(buf);
    });
    rx
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Build the site at `root` into `out` with the fixed `now`; panics with the messages if it fails.
pub fn build_into(root: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["build", "--now", NOW, "--output", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = run(root, &args);
    assert!(o.status.success(), "build failed:\n{}", stderr(&o));
    o
}

/// The demo site (this repository's `content/`), built once per test binary with the fixed
/// `now` into a temporary folder that lives until the tests end.
pub fn demo_site() -> &'static Path {
    static OUT: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    let (_, out) = OUT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build_into(&repo(), &out, &[]);
        (dir, out)
    });
    out
}

pub fn copy_dir(src: &Path, dst: &Path) {
    for e in walkdir::WalkDir::new(src) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(src).unwrap();
        let to = dst.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
}

/// Every file under `dir` with its bytes, by `/`-separated relative path.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut m = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        // pufa's mark in its output folders is not part of the site.
        if e.file_type().is_file() && e.file_name() != ".pufa-output" {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            m.insert(rel, std::fs::read(e.path()).unwrap());
        }
    }
    m
}

pub fn read_html(path: &Path) -> Html {
    Html::parse_document(&std::fs::read_to_string(path).unwrap())
}

pub fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// Text of the first element matching `css`, whitespace collapsed.
pub fn text_of(doc: &Html, css: &str) -> String {
    doc.select(&sel(css))
        .next()
        .map(|e| e.text().collect::<Vec<_>>().join(""))
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// The file a site link points to (`/hgz/articles/a/` → `articles/a/index.html`).
pub fn target_file(out: &Path, base_path: &str, url_path: &str) -> Option<PathBuf> {
    let rest = url_path.strip_prefix(base_path)?;
    let rest = percent_decode(rest);
    let p = if rest.is_empty() || rest.ends_with('/') {
        out.join(&rest).join("index.html")
    } else {
        out.join(&rest)
    };
    Some(p)
}

/// Check every `href`/`src` of every HTML page under `out`: internal links must resolve to a
/// file (and to an existing `id` for fragments); nothing may be loaded from outside.
/// Returns the problems found (empty = all good) and the number of links checked.
pub fn check_links(out: &Path, base_path: &str) -> (Vec<String>, usize) {
    let mut problems = Vec::new();
    let mut ids: HashMap<PathBuf, HashSet<String>> = HashMap::new();
    let mut ids_of = |file: &Path| -> HashSet<String> {
        ids.entry(file.to_path_buf())
            .or_insert_with(|| {
                let doc = read_html(file);
                doc.select(&sel("[id]"))
                    .filter_map(|e| e.value().attr("id").map(str::to_string))
                    .collect()
            })
            .clone()
    };
    let mut checked = 0;
    let attrs = [
        ("a", "href"),
        ("link", "href"),
        ("img", "src"),
        ("script", "src"),
        ("source", "src"),
        ("iframe", "src"),
    ];
    for e in walkdir::WalkDir::new(out).sort_by_file_name() {
        let e = e.unwrap();
        if !e.file_type().is_file() || e.path().extension().is_none_or(|x| x != "html") {
            continue;
        }
        let page = e.path().to_path_buf();
        let doc = read_html(&page);
        for (tag, attr) in attrs {
            for el in doc.select(&sel(&format!("{tag}[{attr}]"))) {
                let url = el.value().attr(attr).unwrap();
                checked += 1;
                let rel_page = page.strip_prefix(out).unwrap().display();
                if url.starts_with("http://")
                    || url.starts_with("https://")
                    || url.starts_with("//")
                {
                    let is_canonical = tag == "link"
                        && el
                            .value()
                            .attr("rel")
                            .is_some_and(|r| r == "canonical" || r == "alternate");
                    if tag != "a" && !is_canonical {
                        problems.push(format!(
                            "{rel_page}: loads an outside resource <{tag} {attr}={url}>"
                        ));
                    }
                    continue;
                }
                if url.starts_with("mailto:") || url.starts_with("tel:") || url.starts_with("sms:")
                {
                    continue;
                }
                let (path, frag) = match url.split_once('#') {
                    Some((p, f)) => (p, Some(percent_decode(f))),
                    None => (url, None),
                };
                let path = path.split('?').next().unwrap();
                let file = if path.is_empty() {
                    page.clone()
                } else if !path.starts_with('/') {
                    problems.push(format!("{rel_page}: relative link {url}"));
                    continue;
                } else {
                    match target_file(out, base_path, path) {
                        Some(f) => f,
                        None => {
                            problems.push(format!(
                                "{rel_page}: link {url} leaves the site's base path {base_path}"
                            ));
                            continue;
                        }
                    }
                };
                if !file.is_file() {
                    problems.push(format!(
                        "{rel_page}: broken link {url} (no {})",
                        file.display()
                    ));
                    continue;
                }
                if let Some(f) = frag
                    && !f.is_empty()
                    && file.extension().is_some_and(|x| x == "html")
                    && !ids_of(&file).contains(&f)
                {
                    problems.push(format!("{rel_page}: link {url} has no target id #{f}"));
                }
            }
        }
    }
    (problems, checked)
}

// ---------------------------------------------------------------- a running `pufa serve`

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

/// A `pufa serve` (or `build --watch`) child process, stopped when dropped.
pub struct Served {
    pub child: std::process::Child,
    pub port: u16,
    pub log: Receiver<String>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start `pufa --root ROOT ARGS…` and collect its stderr lines.
pub fn spawn(root: &Path, args: &[&str]) -> (std::process::Child, Receiver<String>) {
    let mut child = pufa()
        .arg("--root")
        .arg(root)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start pufa");
    let err = child.stderr.take().unwrap();
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (child, rx)
}

/// Wait up to `secs` for a line of `log` containing `needle`; the lines before it are
/// skipped. Fails naming what it waited for and the lines seen.
pub fn wait_for_line(log: &Receiver<String>, secs: u64, needle: &str, what: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut seen = Vec::new();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match log.recv_timeout(left.min(Duration::from_millis(200))) {
            Ok(line) if line.contains(needle) => return line,
            Ok(line) => seen.push(line),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
        }
    }
    panic!(
        "waited {secs} s for {what} (a line with {needle:?}); saw:\n{}",
        seen.join("\n")
    );
}

/// The paths where two output trees differ (missing on either side or other bytes).
pub fn tree_diff(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut out: Vec<String> = a
        .iter()
        .filter(|(p, bytes)| b.get(*p) != Some(*bytes))
        .map(|(p, _)| p.clone())
        .collect();
    out.extend(b.keys().filter(|p| !a.contains_key(*p)).cloned());
    out
}

/// Start `pufa serve` on an ephemeral loopback port and wait until it serves.
pub fn serve(root: &Path, extra: &[&str]) -> Served {
    let mut args = vec!["serve", "--port", "0", "--now", NOW];
    args.extend_from_slice(extra);
    let (mut child, log) = spawn(root, &args);
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut seen = Vec::new();
    while Instant::now() < deadline {
        match log.recv_timeout(Duration::from_millis(200)) {
            Ok(line) => {
                if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
                    // `1313/` or `1313/hgz/`: the port, then the site's base path.
                    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                    let port: u16 = digits.parse().unwrap();
                    return Served { child, port, log };
                }
                seen.push(line);
            }
            // Its stderr closed: it exited (a usage error, say) — no need to wait on.
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
        }
    }
    let _ = child.kill();
    panic!("pufa serve did not start:\n{}", seen.join("\n"));
}

/// A raw HTTP/1.1 exchange: (status, headers lower-cased, body).
pub fn http(port: u16, method: &str, target: &str) -> (u16, String, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("no header end");
    let head = String::from_utf8_lossy(&buf[..split]).to_string();
    let mut body = buf[split + 4..].to_vec();
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .unwrap_or("0")
        .parse()
        .unwrap_or(0);
    let head_l = head.to_ascii_lowercase();
    if head_l.contains("transfer-encoding: chunked") {
        body = dechunk(&body);
    }
    (status, head_l, body)
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(nl) = b.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&b[..nl]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&b[nl + 2..nl + 2 + size]);
        b = &b[nl + 2 + size + 2..];
    }
    out
}

pub fn get_text(port: u16, path: &str) -> (u16, String) {
    let (st, _, body) = http(port, "GET", path);
    (st, String::from_utf8_lossy(&body).into_owned())
}

/// Poll until `check` holds (or panic after `secs`).
pub fn wait_until(secs: u64, what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < deadline {
        if check() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("timed out waiting for: {what}");
}

/// The reload events of a running `pufa serve`, read as a page reads them.
pub struct Events {
    reader: BufReader<TcpStream>,
    /// A line read in part when a read timed out.
    line: String,
}

impl Events {
    /// Subscribe to `/__pufa/events` and wait for the server's `hello`: every change made
    /// after this returns is announced on this stream.
    pub fn subscribe(port: u16) -> Events {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(s, "GET /__pufa/events HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        // Short reads, so that the deadlines below are kept however often the server sends
        // its keep-alive comments.
        s.set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let mut events = Events {
            reader: BufReader::new(s),
            line: String::new(),
        };
        let first = events.next_any(20, "the event stream's hello");
        assert_eq!(first, "hello", "the first event of the stream");
        events
    }

    /// The name of the next event other than `hello`, waited for at most `secs` seconds.
    pub fn next(&mut self, secs: u64, what: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let name = self.next_any(left.as_secs().max(1), what);
            if name != "hello" {
                return name;
            }
        }
    }

    /// The name of the next event, waited for at most `secs` seconds.
    fn next_any(&mut self, secs: u64, what: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            match self.reader.read_line(&mut self.line) {
                Ok(0) => panic!("the event stream closed while waiting for {what}"),
                Ok(_) => {
                    let line = std::mem::take(&mut self.line);
                    if let Some(name) = line.trim().strip_prefix("event: ") {
                        return name.to_string();
                    }
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(e) => panic!("reading the event stream while waiting for {what}: {e}"),
            }
            if Instant::now() >= deadline {
                panic!("timed out after {secs} s waiting for {what} on the event stream");
            }
        }
    }
}

/// The server's status (`/__pufa/status`).
pub fn status(port: u16) -> serde_json::Value {
    let (_, body) = get_text(port, "/__pufa/status");
    serde_json::from_str(&body).unwrap()
}

/// Wait until the server has finished the rebuilds for every change so far: the number of
/// builds stays the same for `quiet`.
pub fn settle(port: u16, quiet: Duration) {
    let mut last = status(port)["builds"].as_u64().unwrap();
    let mut since = Instant::now();
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
        let now = status(port)["builds"].as_u64().unwrap();
        if now != last {
            last = now;
            since = Instant::now();
        } else if since.elapsed() >= quiet {
            return;
        }
    }
    panic!("server never settled");
}

/// Remove the live-reload script (and error overlay) that serve puts into HTML pages.
pub fn strip_injected(html: &str) -> String {
    let mut s = html.to_string();
    for (start, end) in [
        ("<div id=\"pufa-error-overlay\"", "</div></div>"),
        ("<script id=\"pufa-live-reload\">", "</script>"),
        ("<a href=\"/__pufa/wechat/", "复制到公众号</a>"),
    ] {
        if let Some(i) = s.find(start)
            && let Some(j) = s[i..].find(end)
        {
            s.replace_range(i..i + j + end.len(), "");
        }
    }
    s
}

/// A small site in a temporary folder: `site.yaml` (title 测试站点, base URL
/// `https://example.org/hgz/`) and the given files.
#[allow(dead_code)]
pub fn small_site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("site.yaml"),
        "title: 测试站点\nbase_url: https://example.org/hgz/\n",
    );
    for (path, text) in files {
        write(&dir.path().join(path), text);
    }
    dir
}

/// Write a file, creating folders, in one go (like an editor's save).
pub fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Save like vim/VS Code do: write a temp file beside it, then rename it over the original.
pub fn atomic_write(path: &Path, text: &str) {
    let tmp = path.with_file_name(format!(
        ".{}.tmp",
        path.file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

/// A minimal static file server for a built site, mounted at the site's base path (as a
/// township's web server would host it), so browser tests load pages with their styles and
/// scripts, under `Content-Security-Policy: script-src 'self'`. Runs until the test process
/// ends.
pub struct StaticServer {
    pub port: u16,
}

impl StaticServer {
    pub fn start(root: &Path, base_path: &str) -> StaticServer {
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let root = root.to_path_buf();
        let base = base_path.to_string();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (root, base) = (root.clone(), base.clone());
                std::thread::spawn(move || serve_static(stream, &root, &base));
            }
        });
        StaticServer { port }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{}", self.port, path)
    }
}

/// The policy every page is served under: no inline script, no `eval`, no script from
/// elsewhere (what a careful government host sets; the search page must work under it).
const CSP: &str = "Content-Security-Policy: script-src 'self'\r\n";

fn serve_static(mut s: TcpStream, root: &Path, base: &str) {
    let mut reader = BufReader::new(s.try_clone().unwrap());
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
    }
    let target = request.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let file = target_file(root, base, path);
    let (status, body, kind) = match file.and_then(|f| std::fs::read(&f).ok().map(|b| (f, b))) {
        Some((f, body)) => {
            let kind = match f.extension().and_then(|e| e.to_str()) {
                Some("html") => "text/html; charset=utf-8",
                Some("css") => "text/css; charset=utf-8",
                Some("js") => "text/javascript; charset=utf-8",
                Some("svg") => "image/svg+xml",
                Some("png") => "image/png",
                Some("ics") => "text/calendar; charset=utf-8",
                Some("xml") => "application/xml",
                Some("json") => "application/json",
                _ => "application/octet-stream",
            };
            ("200 OK", body, kind)
        }
        None => ("404 Not Found", b"not found".to_vec(), "text/plain"),
    };
    let _ = write!(
        s,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n{CSP}Connection: close\r\n\r\n",
        body.len()
    );
    let _ = s.write_all(&body);
}

/// A small real JPEG (`w`×`h`, a gradient), for sites that need a photo.
#[allow(dead_code)]
pub fn tiny_jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x * 255 / w) as u8, (y * 255 / h) as u8, 120])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

/// A small real PNG (`w`×`h`, two colours).
#[allow(dead_code)]
pub fn tiny_png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, _| {
        if x < w / 2 {
            image::Rgb([200, 30, 30])
        } else {
            image::Rgb([250, 250, 250])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// `actual` must equal the messages pinned in `expected_file` (written anew with
/// `UPDATE_SNAPSHOTS=1`).
#[allow(dead_code)]
pub fn assert_pinned(expected_file: &Path, actual: &str, case: &str) {
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(expected_file, actual).unwrap();
    }
    let expected = std::fs::read_to_string(expected_file)
        .unwrap_or_else(|_| panic!("{case}: no expected.txt (run with UPDATE_SNAPSHOTS=1)"));
    assert_eq!(actual, expected, "{case}: message changed");
}

/// The search queries of `tests/fixtures/search/queries.txt` (without blank lines and `#`
/// comments).
pub fn search_queries() -> Vec<String> {
    std::fs::read_to_string(repo().join("tests/fixtures/search/queries.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// Every row of the search index's document store in the built site `out`
/// (`[address, kind, title, heading, date, text]`), by document number.
pub fn doc_store(out: &Path) -> Vec<serde_json::Value> {
    let mut rows = Vec::new();
    for k in 0.. {
        let Ok(file) = std::fs::File::open(out.join(format!("search/d/{k}.gz"))) else {
            break;
        };
        let mut json = Vec::new();
        flate2::read::GzDecoder::new(file)
            .read_to_end(&mut json)
            .unwrap();
        let part: Vec<serde_json::Value> = serde_json::from_slice(&json).unwrap();
        rows.extend(part);
    }
    rows
}

/// JavaScript that types `q` into the header's search field and sends it once the evaluation
/// has returned (a submit that loads a page must not be asked for a result).
#[allow(dead_code)]
pub fn header_query(q: &str) -> String {
    format!(
        "document.getElementById('pf-header-q').value = {};\
         setTimeout(() => document.querySelector('.pf-header-search').requestSubmit(), 0); true",
        serde_json::json!(q)
    )
}

/// The titles of a feed's entries, and its own title.
#[allow(dead_code)]
pub fn feed_titles(file: &Path) -> (String, Vec<String>) {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let doc = roxmltree::Document::parse(&text).expect("the feed is well-formed XML");
    let title = |n: roxmltree::Node| {
        n.children()
            .find(|c| c.has_tag_name("title"))
            .and_then(|t| t.text())
            .unwrap_or_default()
            .to_string()
    };
    let root = doc.root_element();
    let entries = root
        .children()
        .filter(|c| c.has_tag_name("entry"))
        .map(title)
        .collect();
    (title(root), entries)
}

/// The demo site copied into a temporary folder (for commands that write into the site,
/// such as the image cache of `serve` and `export`).
#[allow(dead_code)]
pub fn demo_site_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in [
        "site.yaml",
        "content",
        "themes",
        "static",
        "templates",
        "archetypes",
    ] {
        let from = repo().join(entry);
        if from.is_dir() {
            copy_dir(&from, &dir.path().join(entry));
        } else if from.is_file() {
            std::fs::copy(&from, dir.path().join(entry)).unwrap();
        }
    }
    dir
}
