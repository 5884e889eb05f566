//! A real headless Chromium, driven over the DevTools protocol (a WebSocket): open a page,
//! evaluate JavaScript in it, wait for conditions. Debian's `chromium` package; `.ci/run`
//! installs it. Set `PUFA_SKIP_BROWSER=1` to skip browser tests on a machine without one.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::RunWithin;
use tungstenite::{Message, WebSocket, stream::MaybeTlsStream};

/// How every test starts Chromium: headless, and quiet on the network.
pub const CHROMIUM_FLAGS: [&str; 6] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
];

pub struct Browser {
    child: Child,
    ws: WebSocket<MaybeTlsStream<TcpStream>>,
    next_id: u64,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The browser binary, or `None` when browser tests are explicitly skipped.
pub fn chromium() -> Option<String> {
    if std::env::var_os("PUFA_SKIP_BROWSER").is_some() {
        eprintln!("PUFA_SKIP_BROWSER is set: skipping a browser test");
        return None;
    }
    for c in ["chromium", "chromium-browser", "google-chrome"] {
        if Command::new("which")
            .arg(c)
            .try_output_within(10, "which")
            .is_ok_and(|o| o.status.success())
        {
            return Some(c.to_string());
        }
    }
    panic!(
        "no chromium found: install Debian's chromium package (.ci/run does) or set PUFA_SKIP_BROWSER=1"
    );
}

impl Browser {
    /// Start headless Chromium; `None` if browser tests are skipped.
    pub fn launch() -> Option<Browser> {
        let bin = chromium()?;
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new(bin)
            .args(CHROMIUM_FLAGS)
            .args([
                "--disable-sync",
                "--disable-quic",
                "--remote-debugging-port=0",
                "--window-size=1280,900",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            // Chromium keeps its singleton socket in a folder of the temporary folder, which
            // it removes only on a clean exit; the test kills it, so that folder goes in the
            // profile, which is removed after it (each run left dozens in /tmp).
            .env("TMPDIR", profile.path())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start chromium");
        // Chromium's stderr is read (and drained, so it never blocks) on a thread of its own,
        // so that waiting for its DevTools port keeps a deadline.
        let err = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines() {
                let Ok(line) = line else { break };
                let _ = tx.send(line);
            }
        });
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut port = None;
        while port.is_none() {
            let left = deadline.saturating_duration_since(Instant::now());
            let Ok(line) = rx.recv_timeout(left) else {
                break;
            };
            if let Some(rest) = line.split("ws://127.0.0.1:").nth(1) {
                port = rest.split('/').next().and_then(|p| p.parse::<u16>().ok());
            }
        }
        let port = port.expect("timed out after 30 s waiting for chromium's DevTools port");
        // The first page target.
        let mut ws_url = None;
        while Instant::now() < deadline && ws_url.is_none() {
            let (_, body) = crate::common::get_text(port, "/json/list");
            if let Ok(Value::Array(targets)) = serde_json::from_str::<Value>(&body) {
                ws_url = targets
                    .iter()
                    .find(|t| t["type"] == "page")
                    .and_then(|t| t["webSocketDebuggerUrl"].as_str().map(str::to_string));
            }
            if ws_url.is_none() {
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        let ws_url = ws_url.expect("timed out after 30 s waiting for a page target in chromium");
        let (ws, _) = tungstenite::connect(ws_url).expect("connect to chromium");
        if let MaybeTlsStream::Plain(s) = ws.get_ref() {
            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        }
        let mut b = Browser {
            child,
            ws,
            next_id: 1,
            _profile: profile,
        };
        b.call("Page.enable", json!({}));
        b.call("Runtime.enable", json!({}));
        Some(b)
    }

    /// Send a DevTools command and wait for its result (at most 60 s, however many other
    /// messages Chromium sends meanwhile).
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        self.try_call(method, params)
            .unwrap_or_else(|e| panic!("{method} failed: {e}"))
    }

    /// [`Self::call`], with Chromium's error as `Err` (the answer, whole).
    pub fn try_call(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        let id = self.next_id;
        self.next_id += 1;
        let msg = json!({"id": id, "method": method, "params": params});
        self.ws.send(Message::text(msg.to_string())).unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            assert!(
                Instant::now() < deadline,
                "timed out after 60 s waiting for chromium's answer to {method}"
            );
            let m = match self.ws.read() {
                Ok(m) => m,
                Err(tungstenite::Error::Io(e))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    continue;
                }
                Err(e) => panic!("reading chromium's answer to {method}: {e}"),
            };
            if let Message::Text(t) = m {
                let v: Value = serde_json::from_str(&t).unwrap();
                if v["id"] == id {
                    if v.get("error").is_some() {
                        return Err(v);
                    }
                    return Ok(v["result"].clone());
                }
            }
        }
    }

    /// Go to `url` and wait until the page has loaded.
    pub fn open(&mut self, url: &str) {
        self.call("Page.navigate", json!({ "url": url }));
        self.wait_for(
            "document.readyState === 'complete' && location.href !== 'about:blank'",
            20,
        );
    }

    /// Evaluate `js` in the page and return its value.
    pub fn eval(&mut self, js: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({ "expression": js, "returnByValue": true, "awaitPromise": true }),
        );
        r["result"]["value"].clone()
    }

    /// Poll until `js` evaluates to true. An evaluation that a navigation cut short (the
    /// page went to another, as a redirect does) counts as "not yet".
    pub fn wait_for(&mut self, js: &str, secs: u64) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while Instant::now() < deadline {
            let r = self.try_call(
                "Runtime.evaluate",
                json!({ "expression": js, "returnByValue": true, "awaitPromise": true }),
            );
            match r {
                Ok(r) if r["result"]["value"] == Value::Bool(true) => return,
                Ok(_) => {}
                Err(e) => {
                    let m = e["error"]["message"].as_str().unwrap_or_default();
                    let navigating = m.contains("navigated or closed")
                        || m.contains("context")
                        || m.contains("destroyed");
                    assert!(navigating, "Runtime.evaluate failed: {e}");
                }
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("timed out waiting in the browser for: {js}");
    }

    /// Run `js` in every page loaded from now on, before the page's own scripts.
    #[allow(dead_code)]
    pub fn on_new_document(&mut self, js: &str) {
        self.call(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": js }),
        );
    }

    /// Turn JavaScript off (or on) for the pages loaded from now on.
    pub fn set_javascript(&mut self, enabled: bool) {
        self.call(
            "Emulation.setScriptExecutionDisabled",
            json!({ "value": !enabled }),
        );
    }
}
