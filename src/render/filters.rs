//! Render step: functions and filters the templates can call.
//!
//! - `link("/articles/")` → the site-absolute link under the base path, percent-encoded.
//! - `permalink("/articles/")` → the absolute URL.
//! - `asset("css/site.css")` → link to a theme or site static file with a content hash
//!   (`?v=…`) for cache busting; an unknown file is a template error.
//! - `text|cjk_truncate(60)` → shorten text by characters, ending in “……”.

use std::collections::HashMap;
use std::sync::Arc;

use minijinja::{Environment, Error, ErrorKind};

use super::theme::Theme;
use crate::site::Site;

pub fn register(env: &mut Environment<'static>, site: &Site, theme: &Theme) {
    let config = Arc::new(site.config.clone());
    let c1 = config.clone();
    env.add_function("link", move |path: &str| c1.link(path));
    let c2 = config.clone();
    env.add_function("permalink", move |path: &str| c2.permalink(path));
    let hashes: Arc<HashMap<String, String>> = Arc::new(
        theme
            .static_hashes
            .iter()
            .map(|(p, h)| (p.clone(), format!("{:08x}", h >> 32)))
            .collect(),
    );
    let c3 = config;
    env.add_function("asset", move |path: &str| -> Result<String, Error> {
        let key = path.trim_start_matches('/');
        match hashes.get(key) {
            Some(h) => Ok(format!("{}?v={h}", c3.link(key))),
            None => Err(Error::new(
                ErrorKind::InvalidOperation,
                format!("主题和 static/ 里都没有文件 “{key}”"),
            )),
        }
    });
    env.add_filter("cjk_truncate", |s: &str, n: usize| {
        crate::text::truncate_summary(s, n)
    });
}
