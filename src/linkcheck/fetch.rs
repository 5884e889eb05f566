//! `check --external`, one address: fetched with a timeout, redirects followed, retried on
//! 429 and 5xx answers (waiting as `Retry-After` asks, within bounds); the answer read as
//! alive, moved, dead, or not to be told (a site refusing robots).

use std::time::Duration;

use ureq::ResponseExt;

/// What the check learned about an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Alive,
    /// Alive at another address (after redirects).
    Moved(String),
    /// Gone: the reason (`404`, `无法连接`…).
    Dead(String),
    /// The site answered, but only to refuse an automatic check (403, 412, 429…).
    Unsure(String),
}

/// How patient the check is.
#[derive(Debug, Clone, Copy)]
pub struct Patience {
    /// The longest one request may take, connecting included.
    pub timeout: Duration,
    /// Attempts after the first, on 429 and 5xx.
    pub retries: u32,
    /// The wait before the first retry (doubled for each next one; a `Retry-After` of at
    /// most `max_wait` is followed instead).
    pub backoff: Duration,
    pub max_wait: Duration,
}

impl Default for Patience {
    fn default() -> Self {
        Patience {
            timeout: Duration::from_secs(15),
            retries: 2,
            backoff: Duration::from_millis(500),
            max_wait: Duration::from_secs(5),
        }
    }
}

/// An agent for the check: answers are read (not errors), redirects followed (up to 5).
pub fn agent(p: &Patience) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(p.timeout))
        .http_status_as_error(false)
        .max_redirects(5)
        .user_agent(concat!("pufa-linkcheck/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

/// Check `url`.
pub fn check(agent: &ureq::Agent, url: &str, p: &Patience) -> Verdict {
    let mut wait = p.backoff;
    let mut attempt = 0;
    loop {
        let answer = agent.get(url).call();
        let (status, retry_after, final_url) = match answer {
            Ok(r) => {
                let after = r
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(Duration::from_secs);
                (r.status().as_u16(), after, r.get_uri().to_string())
            }
            Err(e) => return Verdict::Dead(failure(&e)),
        };
        let again = status == 429 || status >= 500;
        if again && attempt < p.retries {
            attempt += 1;
            let pause = retry_after.filter(|a| *a <= p.max_wait).unwrap_or(wait);
            std::thread::sleep(pause);
            wait *= 2;
            continue;
        }
        return match status {
            200..=299 if same_address(&final_url, url) => Verdict::Alive,
            200..=299 => Verdict::Moved(final_url),
            401 | 403 | 405 | 406 | 412 | 429 | 451 | 999 => Verdict::Unsure(status.to_string()),
            s => Verdict::Dead(s.to_string()),
        };
    }
}

/// The same address, but for a slash at the end of the path.
fn same_address(a: &str, b: &str) -> bool {
    a.trim_end_matches('/') == b.trim_end_matches('/')
}

/// Why a request got no answer, for readers.
fn failure(e: &ureq::Error) -> String {
    match e {
        ureq::Error::Timeout(_) => "等待超时".to_string(),
        ureq::Error::HostNotFound => "找不到这个网站（域名不存在）".to_string(),
        ureq::Error::ConnectionFailed => "无法连接".to_string(),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            "无法连接（对方拒绝连接）".to_string()
        }
        ureq::Error::TooManyRedirects => "跳转次数太多".to_string(),
        other => format!("无法访问（{other}）"),
    }
}
