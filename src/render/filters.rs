//! Render step: functions and filters the templates can call.
//!
//! - `link("/articles/")` → the site-absolute link under the base path, percent-encoded.
//! - `permalink("/articles/")` → the absolute URL.
//! - `asset("css/site.css")` → link to a theme or site static file with a content hash
//!   (`?v=…`) for cache busting; an unknown file is a template error.
//! - `text|cjk_truncate(60)` → shorten text by characters, ending in “……”.
//! - `include_cached("header.html", nav_active=nav_active)` → the template rendered with
//!   `site` and the given arguments only, once per build for each set of arguments (like
//!   Hugo's `partialCached`): for markup every page repeats, such as the header and footer.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use minijinja::value::{Kwargs, Value};
use minijinja::{Environment, Error, ErrorKind, State};

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
    // Rendered fragments by template name and arguments. They live as long as the
    // environment, which is made again whenever the configuration, the theme or anything
    // else in `site` changes, so a fragment never outlives what it was made from.
    let fragments: Mutex<HashMap<String, Value>> = Mutex::default();
    env.add_function(
        "include_cached",
        move |state: &State, name: &str, kwargs: Kwargs| {
            include_cached(&fragments, state, name, &kwargs)
        },
    );
}

/// `include_cached(name, **args)`: template `name` rendered with `site` and `args` as its
/// only variables (so it cannot depend on anything the cache does not know), remembered
/// for the same `name` and `args`.
fn include_cached(
    fragments: &Mutex<HashMap<String, Value>>,
    state: &State,
    name: &str,
    kwargs: &Kwargs,
) -> Result<Value, Error> {
    let mut vars = BTreeMap::new();
    let keys: Vec<String> = kwargs.args().map(str::to_string).collect();
    for k in keys {
        let v: Value = kwargs.get(&k)?;
        vars.insert(k, v);
    }
    let mut key = name.to_string();
    for (k, v) in &vars {
        let _ = write!(key, "\0{k}={v:?}");
    }
    let cached = |f: &Mutex<HashMap<String, Value>>| f.lock().ok()?.get(&key).cloned();
    if let Some(v) = cached(fragments) {
        return Ok(v);
    }
    if let Some(site) = state.lookup("site") {
        vars.insert("site".to_string(), site);
    }
    let html = state.env().get_template(name)?.render(Value::from(vars))?;
    let v = Value::from_safe_string(html);
    if let Ok(mut f) = fragments.lock() {
        f.insert(key, v.clone());
    }
    Ok(v)
}
