//! The preview server: HTTP on 127.0.0.1 (axum on tokio), serving the last good build from
//! memory. Paths are decoded segment by segment and anything that could leave the site
//! (`..`, encoded slashes, NUL, backslashes) is refused with 400; nothing is ever read from
//! disk here. HTML responses get the live-reload script and, while the last build failed, the
//! error overlay. `/dir` redirects to `/dir/`; unknown paths get the site's 404 page.

use std::convert::Infallible;
use std::sync::{Arc, RwLock};

use axum::body::Body;
use axum::http::{HeaderValue, Method, Request, Response, StatusCode, header};
use axum::response::IntoResponse;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use tokio::sync::broadcast;

use super::reload::{client_script, overlay_html};
use crate::diag::Diagnostic;
use crate::output::OutputSet;

/// Path prefix of the server's own endpoints (never a site path: it starts with `__`).
pub const OWN_PREFIX: &str = "__pufa/";

/// What pages are told when a rebuild is in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Reload the page.
    Reload,
    /// Only these stylesheets changed: swap them without reloading.
    Css(Vec<String>),
}

/// The build being served.
#[derive(Debug, Default)]
pub struct Served {
    pub output: OutputSet,
    /// Errors of the last build (empty after a good build); shown as an overlay.
    pub errors: Vec<Diagnostic>,
    /// Increases with every rebuild that changed something; pages carry the one they were
    /// served with.
    pub generation: u64,
    /// Rebuilds finished so far (good or not).
    pub builds: u64,
    /// The site's base path (`/hgz/`): pages are served under it, as they are published.
    pub base_path: String,
    /// Site paths of the pages that offer a 公众号 preview (articles, events, lessons).
    pub exportable: std::collections::BTreeSet<String>,
}

/// Makes the 公众号 preview page of the page at a site path (`articles/a/`), from the build
/// being served; `None` when there is no such page.
pub type Exporter = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Shared by the watcher (writes) and the HTTP handlers (read).
pub struct AppState {
    pub served: RwLock<Served>,
    pub notices: broadcast::Sender<(u64, Notice)>,
    /// The 公众号 previews (`/__pufa/wechat/<page>`), once serve has set it.
    pub exporter: RwLock<Option<Exporter>>,
}

impl AppState {
    pub fn new() -> Arc<Self> {
        let (tx, _) = broadcast::channel(64);
        Arc::new(AppState {
            served: RwLock::new(Served::default()),
            notices: tx,
            exporter: RwLock::new(None),
        })
    }

    /// Put a new build in place, then (only then) tell the pages: `delta` holds every file
    /// that changed since the build being served (`None` for a failed build, which leaves
    /// the pages as they are and shows `errors` over them). `css_edit` says the edit that
    /// caused the build touched only stylesheets: pages then swap stylesheets instead of
    /// reloading (their HTML differs only in the stylesheet's cache-busting hash).
    pub fn publish(&self, delta: Option<Delta>, errors: Vec<Diagnostic>, css_edit: bool) {
        let mut old_files = Vec::new();
        let (generation, notice) = {
            let Ok(mut s) = self.served.write() else {
                return;
            };
            let errors_changed = s.errors != errors;
            let notice = match &delta {
                Some(delta) => {
                    let changed: Vec<&String> = delta
                        .iter()
                        .filter(|(p, b)| s.output.get(p) != b.as_ref())
                        .map(|(p, _)| p)
                        .collect();
                    notice_for(&changed, errors_changed, css_edit)
                }
                None => errors_changed.then_some(Notice::Reload),
            };
            for (path, bytes) in delta.into_iter().flatten() {
                let old = match bytes {
                    Some(b) => s.output.insert_returning(path, b),
                    None => s.output.remove(&path),
                };
                old_files.extend(old);
            }
            s.errors = errors;
            if notice.is_some() {
                s.generation += 1;
            }
            s.builds += 1;
            (s.generation, notice)
        };
        if let Some(n) = notice {
            let _ = self.notices.send((generation, n));
        }
        // Free the previous files off the path between an edit and its page.
        if old_files.len() > 64 {
            std::thread::spawn(move || drop(old_files));
        }
    }
}

impl AppState {
    /// The base path pages are served under (`/` before the first build).
    pub fn base_path(&self) -> String {
        self.served
            .read()
            .map(|s| s.base_path.clone())
            .unwrap_or_default()
    }

    /// Does `delta` add, remove or change a page that is not known to offer a 公众号
    /// preview (so the set of those pages must be taken again)?
    pub fn pages_changed(&self, delta: &Delta) -> bool {
        let Ok(s) = self.served.read() else {
            return true;
        };
        delta.iter().any(|(p, b)| {
            p.strip_suffix("index.html")
                .is_some_and(|page| b.is_none() || !s.exportable.contains(page))
        })
    }

    /// Set the pages that offer a 公众号 preview.
    pub fn set_exportable(&self, pages: std::collections::BTreeSet<String>) {
        if let Ok(mut s) = self.served.write() {
            s.exportable = pages;
        }
    }

    /// Serve pages under `base` (the site's base path, from its latest configuration).
    pub fn set_base_path(&self, base: &str) {
        if let Ok(mut s) = self.served.write()
            && s.base_path != base
        {
            s.base_path = base.to_string();
        }
    }

    /// Put files made apart from a build (the search index, made in the background) in
    /// place, without telling the pages: nothing they show changed.
    pub fn put_files(&self, delta: Delta) {
        let Ok(mut s) = self.served.write() else {
            return;
        };
        for (path, bytes) in delta {
            match bytes {
                Some(b) => {
                    s.output.insert_returning(path, b);
                }
                None => {
                    s.output.remove(&path);
                }
            }
        }
    }
}

/// Files changed by a build: path and new bytes (`None`: gone).
pub type Delta = Vec<(String, Option<crate::output::Blob>)>;

/// What pages are told about a build that changed `changed`.
fn notice_for(changed: &[&String], errors_changed: bool, css_edit: bool) -> Option<Notice> {
    let css_only = changed.iter().all(|p| p.ends_with(".css"))
        || (css_edit
            && changed
                .iter()
                .all(|p| p.ends_with(".css") || p.ends_with(".html")));
    if changed.is_empty() && !errors_changed {
        None
    } else if !changed.is_empty() && !errors_changed && css_only {
        Some(Notice::Css(
            changed
                .iter()
                .filter(|p| p.ends_with(".css"))
                .map(|p| p.to_string())
                .collect(),
        ))
    } else {
        Some(Notice::Reload)
    }
}

/// Paths whose content differs between two builds (added, removed or changed), sorted.
pub fn changed_paths(old: &OutputSet, new: &OutputSet) -> Vec<String> {
    // Both are sorted by path: one pass over the two side by side.
    use std::cmp::Ordering;
    let mut out = Vec::new();
    let (mut a, mut b) = (old.iter().peekable(), new.iter().peekable());
    loop {
        match (a.peek(), b.peek()) {
            (None, None) => break,
            (Some((p, _)), None) => {
                out.push((*p).clone());
                a.next();
            }
            (None, Some((p, _))) => {
                out.push((*p).clone());
                b.next();
            }
            (Some((pa, ba)), Some((pb, bb))) => match pa.cmp(pb) {
                Ordering::Less => {
                    out.push((*pa).clone());
                    a.next();
                }
                Ordering::Greater => {
                    out.push((*pb).clone());
                    b.next();
                }
                Ordering::Equal => {
                    if !(Arc::ptr_eq(ba, bb) || ba == bb) {
                        out.push((*pb).clone());
                    }
                    a.next();
                    b.next();
                }
            },
        }
    }
    out
}

/// Content type by file extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "mp3" => "audio/mpeg",
        "mp4" => "video/mp4",
        _ => "application/octet-stream",
    }
}

/// Why a request path was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadPath {
    /// `..`, `.`, NUL, backslash, an encoded `/`, invalid percent-encoding or UTF-8.
    Refused,
}

/// Decode a request path (`/articles/%E6%B0%91/`) into a site path (`articles/民/`),
/// refusing anything that could name something outside the site.
pub fn site_path(raw: &str) -> Result<String, BadPath> {
    let raw = raw.split(['?', '#']).next().unwrap_or("");
    if !raw.starts_with('/') {
        return Err(BadPath::Refused);
    }
    let mut out: Vec<String> = Vec::new();
    let segments: Vec<&str> = raw[1..].split('/').collect();
    let last = segments.len() - 1;
    for (i, seg) in segments.iter().enumerate() {
        let bytes = seg.as_bytes();
        let mut dec = Vec::with_capacity(bytes.len());
        let mut k = 0;
        while k < bytes.len() {
            if bytes[k] == b'%' {
                let hex = |b: u8| (b as char).to_digit(16);
                let (Some(h), Some(l)) = (
                    bytes.get(k + 1).and_then(|&b| hex(b)),
                    bytes.get(k + 2).and_then(|&b| hex(b)),
                ) else {
                    return Err(BadPath::Refused);
                };
                dec.push((h * 16 + l) as u8);
                k += 3;
            } else {
                dec.push(bytes[k]);
                k += 1;
            }
        }
        let s = String::from_utf8(dec).map_err(|_| BadPath::Refused)?;
        if s == ".." || s == "." || s.contains(['/', '\\', '\0']) || (s.contains(':') && i == 0) {
            return Err(BadPath::Refused);
        }
        if s.is_empty() && i != last {
            // `//` inside a path: an absolute path smuggled in.
            return Err(BadPath::Refused);
        }
        out.push(s);
    }
    Ok(out.join("/"))
}

fn plain(status: StatusCode, text: &str) -> Response<Body> {
    let mut r = Response::new(Body::from(text.to_string()));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

/// The link an article, event or lesson page gets in serve to its 公众号 preview.
fn wechat_link(page: &str) -> String {
    format!(
        "<a href=\"/{OWN_PREFIX}wechat/{}\" style=\"position:fixed;left:12px;bottom:12px;z-index:50;padding:8px 14px;background:#07c160;color:#fff;border-radius:6px;font-size:16px;text-decoration:none\" data-pufa-wechat>复制到公众号</a>",
        crate::text::encode_path(page)
    )
}

/// Put the reload script (and the overlay, and on article, event and lesson pages the link
/// to their 公众号 preview) into an HTML page at `path`.
fn decorate(html: &[u8], path: &str, served: &Served) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    let mut extra = String::new();
    if let Some(page) = path.strip_suffix("index.html")
        && served.exportable.contains(page)
    {
        extra.push_str(&wechat_link(page));
    }
    if !served.errors.is_empty() {
        extra.push_str(&overlay_html(&served.errors));
    }
    extra.push_str(&client_script(served.generation));
    let mut out = String::with_capacity(text.len() + extra.len());
    match text.rfind("</body>") {
        Some(i) => {
            out.push_str(&text[..i]);
            out.push_str(&extra);
            out.push_str(&text[i..]);
        }
        None => {
            out.push_str(&text);
            out.push_str(&extra);
        }
    }
    out.into_bytes()
}

fn file_response(
    status: StatusCode,
    path: &str,
    bytes: &[u8],
    served: &Served,
    head: bool,
) -> Response<Body> {
    let ctype = content_type(path);
    let body = if ctype.starts_with("text/html") {
        decorate(bytes, path, served)
    } else {
        bytes.to_vec()
    };
    let len = body.len();
    let mut r = Response::new(if head {
        Body::empty()
    } else {
        Body::from(body)
    });
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    r
}

/// The one handler: own endpoints, then files from the build in memory.
pub async fn handle(state: Arc<AppState>, req: Request<Body>) -> Response<Body> {
    let head = req.method() == Method::HEAD;
    if req.method() != Method::GET && !head {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "只支持 GET 和 HEAD 请求");
    }
    let raw = req.uri().path().to_string();
    let Ok(path) = site_path(&raw) else {
        return plain(StatusCode::BAD_REQUEST, "请求的地址不合法");
    };
    if path == format!("{OWN_PREFIX}events") {
        return events(state).await.into_response();
    }
    if let Some(page) = path.strip_prefix(&format!("{OWN_PREFIX}wechat/")) {
        return wechat_preview(&state, page).await;
    }
    let Ok(served) = state.served.read() else {
        return plain(StatusCode::INTERNAL_SERVER_ERROR, "服务器内部错误");
    };
    if path == format!("{OWN_PREFIX}status") {
        // For tools and tests: what is being served.
        let files: Vec<&String> = served.output.paths().collect();
        let body = serde_json::json!({
            "generation": served.generation,
            "builds": served.builds,
            "errors": served.errors.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
            "files": files,
        });
        let mut r = Response::new(Body::from(body.to_string()));
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        return r;
    }
    // Under a base path (`/hgz/`), the site's files are there; `/` and the path without its
    // slash lead there, anything else is not the site's.
    let base = served.base_path.trim_start_matches('/');
    let path = if base.is_empty() {
        path
    } else if let Some(rest) = path.strip_prefix(base) {
        rest.to_string()
    } else if path.is_empty() || format!("{path}/") == base {
        return redirect(&served.base_path);
    } else {
        return not_found(&served, head);
    };
    let lookup = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.clone()
    };
    if let Some(bytes) = served.output.get(&lookup) {
        return file_response(StatusCode::OK, &lookup, bytes, &served, head);
    }
    if !path.is_empty()
        && !path.ends_with('/')
        && served.output.get(&format!("{path}/index.html")).is_some()
    {
        return redirect(&format!("{}/", raw.split('?').next().unwrap_or(&raw)));
    }
    not_found(&served, head)
}

/// The 公众号 preview of the page at site path `page` (made on a worker thread: it waits
/// for a rebuild under way).
async fn wechat_preview(state: &Arc<AppState>, page: &str) -> Response<Body> {
    let exporter = state.exporter.read().ok().and_then(|e| e.clone());
    let Some(exporter) = exporter else {
        return plain(StatusCode::NOT_FOUND, "页面不存在");
    };
    let page = if page.is_empty() || page.ends_with('/') {
        page.to_string()
    } else {
        format!("{page}/")
    };
    let made = tokio::task::spawn_blocking(move || exporter(&page)).await;
    match made {
        Ok(Some(html)) => {
            let mut r = Response::new(Body::from(html));
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            r
        }
        _ => plain(
            StatusCode::NOT_FOUND,
            "这个地址没有可以导出到公众号的文章、活动或课程",
        ),
    }
}

/// A permanent redirect to `location`.
fn redirect(location: &str) -> Response<Body> {
    let mut r = Response::new(Body::empty());
    *r.status_mut() = StatusCode::MOVED_PERMANENTLY;
    if let Ok(v) = HeaderValue::from_str(location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// The site's 404 page.
fn not_found(served: &Served, head: bool) -> Response<Body> {
    match served.output.get("404.html") {
        Some(bytes) => file_response(StatusCode::NOT_FOUND, "404.html", bytes, served, head),
        None => plain(StatusCode::NOT_FOUND, "页面不存在"),
    }
}

/// Server-sent events: `hello` with the current generation on connect, then `reload` or
/// `css` after each rebuild that changed something.
async fn events(state: Arc<AppState>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let generation = state.served.read().map(|s| s.generation).unwrap_or(0);
    let rx = state.notices.subscribe();
    let hello = Event::default().event("hello").data(generation.to_string());
    let updates = stream::unfold(rx, |mut rx| async move {
        let ev = match rx.recv().await {
            Ok((generation, Notice::Reload)) => Event::default()
                .event("reload")
                .data(generation.to_string()),
            Ok((_, Notice::Css(paths))) => Event::default()
                .event("css")
                .data(serde_json::to_string(&paths).unwrap_or_else(|_| "[]".into())),
            // Missed some notices: the page cannot know what changed, so it reloads.
            Err(broadcast::error::RecvError::Lagged(_)) => {
                Event::default().event("reload").data("lagged")
            }
            Err(broadcast::error::RecvError::Closed) => return None,
        };
        Some((Ok(ev), rx))
    });
    let all = futures_util::StreamExt::chain(stream::once(async move { Ok(hello) }), updates);
    Sse::new(all).keep_alive(KeepAlive::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_decoded_and_escapes_refused() {
        assert_eq!(site_path("/"), Ok(String::new()));
        assert_eq!(site_path("/articles/%E6%B0%91/"), Ok("articles/民/".into()));
        assert_eq!(site_path("/a/b?x=1"), Ok("a/b".into()));
        for bad in [
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/%2E%2E/etc/passwd",
            "/a%2f..%2f..%2fetc/passwd",
            "/a%5c..%5cb",
            "/a%00b",
            "//etc/passwd",
            "/a//b",
            "/%zz",
            "/%ff",
            "/./a",
            "/C:/windows",
        ] {
            assert_eq!(site_path(bad), Err(BadPath::Refused), "{bad}");
        }
    }

    #[test]
    fn changes_between_builds() {
        let mut a = OutputSet::default();
        a.insert("a.html".into(), Arc::from(&b"1"[..]));
        a.insert("s.css".into(), Arc::from(&b"x"[..]));
        let mut b = a.clone();
        assert!(changed_paths(&a, &b).is_empty());
        b.insert("s.css".into(), Arc::from(&b"y"[..]));
        assert_eq!(changed_paths(&a, &b), vec!["s.css".to_string()]);
        b.insert("n.html".into(), Arc::from(&b"2"[..]));
        assert_eq!(changed_paths(&a, &b).len(), 2);
        // Gone, new, changed and equal bytes in separate allocations, at both ends.
        let mut c = OutputSet::default();
        c.insert("0.html".into(), Arc::from(&b"new"[..]));
        c.insert("a.html".into(), Arc::from(&b"1"[..]));
        c.insert("z.html".into(), Arc::from(&b"new"[..]));
        assert_eq!(changed_paths(&a, &c), ["0.html", "s.css", "z.html"]);
        assert_eq!(changed_paths(&c, &a), ["0.html", "s.css", "z.html"]);
        assert_eq!(
            changed_paths(&OutputSet::default(), &a),
            ["a.html", "s.css"]
        );
    }
}
