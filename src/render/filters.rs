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

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use minijinja::value::{Kwargs, Value};
use minijinja::{Environment, Error, ErrorKind, State};

use super::theme::Theme;
use crate::config::Config;
use crate::fingerprint::{FastMap, FastSet};
use crate::reads::{Fact, read, read_all, record, sym};

/// The fragments `include_cached` made, kept with what each read, so that a rebuild keeps
/// those whose reads did not change.
#[derive(Debug, Clone, Default)]
pub struct Fragments(Arc<RwLock<Vec<Fragment>>>);

impl Fragments {
    /// Forget the fragments that read any of `dirty`.
    pub fn invalidate(&self, dirty: &FastSet<Fact>) {
        if let Ok(mut list) = self.0.write() {
            list.retain(|f| !f.reads.iter().any(|r| dirty.contains(r)));
        }
    }
}

/// Add pufa's functions and filters to `env`; returns the fragment cache of
/// `include_cached`, which the caller keeps up to date.
pub fn register(env: &mut Environment<'static>, config: &Config, theme: &Theme) -> Fragments {
    let config = Arc::new(config.clone());
    let c1 = config.clone();
    env.add_function("link", move |path: &str| {
        read(Fact::Config);
        c1.link(path)
    });
    let c2 = config.clone();
    env.add_function("permalink", move |path: &str| {
        read(Fact::Config);
        c2.permalink(path)
    });
    // Every asset's link, with its content hash, made once.
    let assets: FastMap<String, Value> = theme
        .static_hashes
        .iter()
        .map(|(p, h)| {
            let url = format!("{}?v={:08x}", config.link(p), h >> 32);
            (p.clone(), Value::from(url))
        })
        .collect();
    env.add_function("asset", move |path: &str| -> Result<Value, Error> {
        let key = path.trim_start_matches('/');
        read(Fact::Config);
        read(Fact::Static(sym(key)));
        match assets.get(key) {
            Some(url) => Ok(url.clone()),
            None => Err(Error::new(
                ErrorKind::InvalidOperation,
                format!("主题和 static/ 里都没有文件 “{key}”"),
            )),
        }
    });
    env.add_filter("cjk_truncate", |s: &str, n: usize| {
        crate::text::truncate_summary(s, n)
    });
    // Rendered fragments by template name and arguments, each with what it read.
    let fragments = Fragments::default();
    let cache = fragments.clone();
    env.add_function(
        "include_cached",
        move |state: &State, name: &str, kwargs: Kwargs| {
            include_cached(&cache.0, state, name, &kwargs)
        },
    );
    fragments
}

thread_local! {
    /// The fragments `include_cached` is rendering on this thread, outermost first.
    static RENDERING: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Are two argument values the same for the cache: equal, and of the same kind, safety
/// and form (minijinja's `==` holds between `true` and `1`, `1` and `1.0`, and a safe
/// string and a plain one, which print differently).
fn identical(a: &Value, b: &Value) -> bool {
    use minijinja::value::ValueKind;
    if a.kind() != b.kind() || a.is_safe() != b.is_safe() || a != b {
        return false;
    }
    match a.kind() {
        ValueKind::Number => a.is_integer() == b.is_integer(),
        ValueKind::Seq | ValueKind::Map | ValueKind::Plain => format!("{a:?}") == format!("{b:?}"),
        _ => true,
    }
}

/// A template rendered by `include_cached`, with the arguments it was given and what it
/// read.
#[derive(Debug)]
pub struct Fragment {
    name: String,
    args: Vec<(String, Value)>,
    html: Value,
    reads: Vec<Fact>,
}

/// `include_cached(name, **args)`: template `name` rendered with `site` and `args` as its
/// only variables (so it cannot depend on anything the cache does not know), remembered
/// for the same `name` and `args`. A theme has a handful of fragments, each in a few
/// variants, so they are looked up in a list.
fn include_cached(
    fragments: &RwLock<Vec<Fragment>>,
    state: &State,
    name: &str,
    kwargs: &Kwargs,
) -> Result<Value, Error> {
    let same = |f: &Fragment| {
        f.name == name
            && f.args.len() == kwargs.args().count()
            && f.args
                .iter()
                .all(|(k, v)| kwargs.peek::<Value>(k).is_ok_and(|x| identical(&x, v)))
    };
    if let Ok(list) = fragments.read()
        && let Some(f) = list.iter().find(|f| same(f))
    {
        read_all(&f.reads);
        return Ok(f.html.clone());
    }
    let mut args = Vec::new();
    for k in kwargs.args() {
        args.push((k.to_string(), kwargs.peek::<Value>(k)?));
    }
    let mut vars: BTreeMap<String, Value> = args.iter().cloned().collect();
    if let Some(site) = state.lookup("site") {
        vars.insert("site".to_string(), site);
    }
    // A fragment that includes itself, directly or through others, would never end.
    let (html, reads) = record(|| {
        RENDERING.with(|stack| {
            if stack.borrow().iter().any(|n| n == name) {
                return Err(Error::new(
                    ErrorKind::InvalidOperation,
                    format!("include_cached(\"{name}\") 引入了它自己（循环引入）"),
                ));
            }
            stack.borrow_mut().push(name.to_string());
            let html = state
                .env()
                .get_template(name)
                .and_then(|t| t.render(Value::from(vars)));
            stack.borrow_mut().pop();
            html
        })
    });
    read_all(&reads);
    let html = Value::from_safe_string(html?);
    if let Ok(mut list) = fragments.write()
        && !list.iter().any(same)
    {
        list.push(Fragment {
            name: name.to_string(),
            args,
            html: html.clone(),
            reads,
        });
    }
    Ok(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_fragments_tell_apart_arguments_that_print_differently() {
        assert!(identical(&Value::from(2), &Value::from(2)));
        assert!(identical(&Value::from("a"), &Value::from("a")));
        assert!(!identical(&Value::from(true), &Value::from(1)));
        assert!(!identical(&Value::from(1), &Value::from(1.0)));
        assert!(!identical(
            &Value::from_safe_string("<b>".into()),
            &Value::from("<b>")
        ));
        assert!(!identical(
            &Value::from(vec![Value::from(1)]),
            &Value::from(vec![Value::from(1.0)])
        ));
    }
}
