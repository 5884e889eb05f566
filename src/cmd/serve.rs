//! `pufa serve`: build in memory, serve on 127.0.0.1, rebuild on every edit, reload pages.

use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::{EXIT_OK, EXIT_USAGE, report, settings};
use crate::cli::ServeArgs;
use crate::content::source::{ReadError, SiteSources, read_site};
use crate::pipeline::{Now, Session, Settings};
use crate::serve::server::{AppState, handle};
use crate::serve::watch::Watcher;
use crate::serve::{absolute_root, watch_loop};

pub fn run(root: &Path, args: &ServeArgs) -> u8 {
    let mut settings = match settings(&args.common) {
        Ok(s) => s,
        Err(m) => {
            eprintln!("错误: {m}");
            return EXIT_USAGE;
        }
    };
    let fixed_now = args.common.now.is_some();
    let root = absolute_root(root);
    let ip: IpAddr = match args.bind.parse() {
        Ok(ip) => ip,
        Err(_) => {
            eprintln!(
                "错误: --bind 的值 “{}” 不是 IP 地址\n提示: 本机预览用 127.0.0.1，让局域网里的手机访问用 0.0.0.0",
                args.bind
            );
            return EXIT_USAGE;
        }
    };
    if !root.join(crate::config::CONFIG_FILE).is_file() {
        eprintln!("错误: {}", ReadError::NoSite(root.clone()));
        return EXIT_USAGE;
    }
    let (runtime, listener, port) = match listen(ip, args.port) {
        Ok(x) => x,
        Err(m) => {
            eprintln!("错误: {m}");
            return EXIT_USAGE;
        }
    };
    if port != args.port && args.port != 0 {
        eprintln!("端口 {} 已被占用，改用 {port}。", args.port);
    }
    let url = preview_url(ip, port);
    // Pages are previewed under the site's own path (`/hgz/`), as they will be published.
    settings.overrides.origin = Some(url.trim_end_matches('/').to_string());

    // Watch first, then read: nothing changed in between is lost.
    let watcher = match Watcher::new(&root, args.poll) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("错误: 无法监视文件的变化：{e}");
            return EXIT_USAGE;
        }
    };
    let sources = match read_site(&root) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("错误: {e}");
            return EXIT_USAGE;
        }
    };
    let state = AppState::new();
    let mut preview = Preview {
        settings,
        fixed_now,
        state: state.clone(),
        verbose: args.common.verbose,
        session: Arc::new(Mutex::new(Session::new())),
    };
    set_exporter(&state, &preview.session);
    work_in_background(&mut preview, &watcher, &state);
    preview.rebuild(&sources, &[]);
    let url = format!("{}{}", url.trim_end_matches('/'), state.base_path());
    announce(&url, ip, port, args.open);

    rebuild_on_changes(watcher, sources, preview);

    if let Err(e) = serve(&runtime, listener, &state) {
        eprintln!("错误: 服务器出错：{e}");
        return EXIT_USAGE;
    }
    eprintln!("已停止预览。");
    EXIT_OK
}

/// Work that edits never wait for. A new photo shows as it is until it is processed; then
/// it counts as changed. The search index follows edits in a thread of its own and is put
/// in place when ready.
fn work_in_background(preview: &mut Preview, watcher: &Watcher, state: &Arc<AppState>) {
    let injector = watcher.injector();
    let Ok(mut session) = preview.session.lock() else {
        return;
    };
    session.images_in_background(Arc::new(move |path| injector.changed(path)));
    let served = state.clone();
    session.search_in_background(Arc::new(move |delta| served.put_files(delta)));
}

/// The 公众号 previews: made on request from the session's last build.
fn set_exporter(state: &Arc<AppState>, session: &Arc<Mutex<Session>>) {
    let session = session.clone();
    let exporter: crate::serve::server::Exporter = Arc::new(move |page: &str| {
        let session = session.lock().ok()?;
        let site = session.site()?;
        let id = site
            .pages()
            .iter()
            .copied()
            .find(|&i| site.path(i) == page && site.kind(i) != crate::content::Kind::Page)?;
        let theme = session.theme().unwrap_or_default();
        let export = crate::export::wechat(site, session.output(), id, &theme);
        let back = site.config().link(page);
        Some(crate::export::preview::page(&export, site.title(id), &back))
    });
    if let Ok(mut e) = state.exporter.write() {
        *e = Some(exporter);
    }
}

/// Site paths of the pages of `session`'s last build that have a 公众号 preview.
fn exportable(session: &Session) -> std::collections::BTreeSet<String> {
    let Some(site) = session.site() else {
        return Default::default();
    };
    site.pages()
        .iter()
        .filter(|&&i| site.kind(i) != crate::content::Kind::Page)
        .map(|&i| site.path(i).to_string())
        .collect()
}

/// In a thread of its own, rebuild the preview after every change until watching fails.
fn rebuild_on_changes(watcher: Watcher, mut sources: SiteSources, mut preview: Preview) {
    std::thread::spawn(move || {
        let result = watch_loop(
            watcher,
            &mut sources,
            |sources: &SiteSources, changed: &[String]| preview.rebuild(sources, changed),
        );
        if let Err(e) = result {
            eprintln!("错误: 无法监视文件的变化：{e}");
        }
    });
}

/// Serve the pages of `state` until Ctrl+C.
fn serve(
    runtime: &tokio::runtime::Runtime,
    listener: tokio::net::TcpListener,
    state: &Arc<AppState>,
) -> std::io::Result<()> {
    let app_state = state.clone();
    let app = axum::Router::new().fallback(move |req| handle(app_state.clone(), req));
    runtime.block_on(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
    })
}

/// The server's runtime and its listener on `ip:port` (or the next free port), with the port
/// it got.
fn listen(
    ip: IpAddr,
    port: u16,
) -> Result<(tokio::runtime::Runtime, tokio::net::TcpListener, u16), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("无法启动服务器：{e}"))?;
    let (listener, port) = runtime.block_on(bind(ip, port))?;
    Ok((runtime, listener, port))
}

/// The address pages are previewed at: `http://127.0.0.1:1313/` (IPv6 hosts in brackets;
/// an unspecified address is previewed on this machine).
fn preview_url(ip: IpAddr, port: u16) -> String {
    let host = if ip.is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        ip.to_string()
    };
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host
    };
    format!("http://{host}:{port}/")
}

/// Tell where the preview is (and how phones on the network reach it), and open it in a
/// browser with `--open`.
fn announce(url: &str, ip: IpAddr, port: u16, open: bool) {
    eprintln!("本地预览：{url}");
    if ip.is_unspecified() {
        match lan_address() {
            Some(lan) => eprintln!("同一局域网的手机可以打开：http://{lan}:{port}/"),
            None => eprintln!("同一局域网的设备请用本机的局域网 IP 地址加端口 {port} 访问。"),
        }
    }
    eprintln!("正在监视 content/、templates/、themes/、static/ 和 site.yaml，按 Ctrl+C 停止。");
    if open {
        let _ = std::process::Command::new("xdg-open").arg(url).spawn();
    }
}

/// What every rebuild of a preview uses: the settings, the served state and the session
/// that keeps results from one build to the next.
struct Preview {
    settings: Settings,
    /// `--now` was given: every build uses it, rather than the time of the build.
    fixed_now: bool,
    state: Arc<AppState>,
    verbose: bool,
    /// Shared with the server, which makes 公众号 previews from the last build.
    session: Arc<Mutex<Session>>,
}

impl Preview {
    /// Build into memory and put the result (or the errors) in place.
    fn rebuild(&mut self, sources: &SiteSources, changed: &[String]) {
        let started = Instant::now();
        let mut settings = self.settings.clone();
        if !self.fixed_now {
            settings.now = Now::At(jiff::Timestamp::now());
        }
        let Ok(mut session) = self.session.lock() else {
            return;
        };
        let build = session.build(sources, &settings);
        // The pages with a 公众号 preview, taken again only when a page came, went or
        // changed that is not one of them (an edit of an article leaves the set as it is).
        if build.succeeded() && (changed.is_empty() || self.state.pages_changed(&build.delta)) {
            self.state.set_exportable(exportable(&session));
        }
        drop(session);
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let what = if changed.is_empty() {
            String::new()
        } else {
            format!("（{}）", changed.join("，"))
        };
        // The pages first, the report after: nobody waits for the terminal.
        let css_edit = !changed.is_empty() && changed.iter().all(|c| c.ends_with(".css"));
        let ok = build.succeeded();
        let errors: Vec<_> = build
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .cloned()
            .collect();
        if let Some(base) = &build.base_path {
            self.state.set_base_path(base);
        }
        if ok {
            self.state.publish(Some(build.delta), Vec::new(), css_edit);
        } else {
            self.state.publish(None, errors.clone(), false);
        }
        if changed.is_empty() || self.verbose {
            report(&build.diagnostics, self.verbose);
        } else {
            // On rebuilds, errors in full and the warnings as a count (they were shown at start).
            report(&errors, false);
            let warnings = build.diagnostics.len() - errors.len();
            if warnings > 0 {
                eprintln!("（另有 {warnings} 个警告，启动时已显示；加 --verbose 每次都显示）");
            }
        }
        if ok {
            eprintln!(
                "已生成 {} 个页面，用时 {ms:.0} 毫秒{what}",
                build.stats.pages
            );
        } else {
            eprintln!("有错误，浏览器里仍显示上一次成功生成的页面，并提示错误{what}");
        }
    }
}

/// Listen on `ip:port`, or the next free port (up to 20 tries). Port 0 picks any free port.
async fn bind(ip: IpAddr, port: u16) -> Result<(tokio::net::TcpListener, u16), String> {
    let mut last = String::new();
    for p in port..port.saturating_add(20) {
        match tokio::net::TcpListener::bind(SocketAddr::new(ip, p)).await {
            Ok(l) => {
                let actual = l.local_addr().map(|a| a.port()).unwrap_or(p);
                return Ok((l, actual));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => last = e.to_string(),
            Err(e) => return Err(format!("无法在 {ip}:{p} 上启动服务器：{e}")),
        }
        if port == 0 {
            break;
        }
    }
    Err(format!(
        "端口 {port} 到 {} 都被占用了（{last}）\n提示: 用 --port 换一个端口，例如 --port 8080",
        port.saturating_add(19)
    ))
}

/// This machine's address on the local network, as the route to a private address would
/// use it (no packet is sent).
fn lan_address() -> Option<IpAddr> {
    let s = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    for probe in ["192.168.1.1:9", "10.0.0.1:9", "172.16.0.1:9"] {
        if s.connect(probe).is_ok()
            && let Ok(a) = s.local_addr()
            && !a.ip().is_unspecified()
            && !a.ip().is_loopback()
        {
            return Some(a.ip());
        }
    }
    None
}
