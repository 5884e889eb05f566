//! Render step: the theme chain. A template is looked up in the site's own `templates/`,
//! then in the site's theme (`themes/<name>/`), then in the theme it `extends:` (its
//! `theme.yaml`), then in the default theme built into the binary — so a site with no
//! `themes/` folder still builds; static files likewise, the site's `static/` first. Each
//! theme's version of a template is also there as `<theme>:<name>` (`default:base.html`), so
//! that a template can extend the one it replaces.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;

use crate::config::Config;
use crate::content::source::SiteSources;
use crate::diag::Diagnostic;
use crate::yaml::{YamlSource, parse_yaml};

/// A template, with the file it came from (for messages).
#[derive(Debug, Clone)]
pub struct TemplateFile {
    /// e.g. `themes/default/templates/base.html` or `（内置默认主题）templates/base.html`.
    pub origin: String,
    pub source: Arc<str>,
}

/// The merged theme: every template name and static file, the nearest definition winning.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// Theme names from the site's down to `default`.
    pub chain: Vec<String>,
    pub templates: BTreeMap<String, TemplateFile>,
    /// Site path → bytes (theme static files, then the site's own `static/`).
    pub static_files: BTreeMap<String, Arc<[u8]>>,
    /// Content hash of each static file (cache busting, fingerprints).
    pub static_hashes: BTreeMap<String, u64>,
    /// Colours of the 公众号 export its `theme.yaml` files set (`accent` → `#174a7c`), the
    /// nearest theme's winning.
    pub wechat_colours: BTreeMap<String, String>,
}

impl Theme {
    /// Fingerprint of everything the theme contributes to pages.
    pub fn fingerprint(&self) -> u64 {
        let mut parts = Vec::with_capacity(self.templates.len() * 2 + self.static_hashes.len() * 2);
        for (name, t) in &self.templates {
            parts.push(crate::fingerprint::of(name));
            parts.push(crate::fingerprint::of(&*t.source));
        }
        for (p, h) in &self.static_hashes {
            parts.push(crate::fingerprint::of(p));
            parts.push(*h);
        }
        crate::fingerprint::combine(&parts)
    }
}

/// The colours of the 公众号 export (`pufa export wechat`) a theme may set in its
/// `theme.yaml` (`wechat: {accent: "#174a7c"}`), with the default theme's value of each,
/// which the export's style map is written in.
pub const WECHAT_COLOURS: [(&str, &str); 5] = [
    ("accent", "#9f1d20"),
    ("ink", "#1b1b1b"),
    ("muted", "#555"),
    ("line", "#d9d4cc"),
    ("wash", "#f6f3ee"),
];

/// Label used for files of the built-in theme in messages.
pub const BUILTIN: &str = "（内置默认主题）";

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ThemeYaml {
    #[serde(default)]
    extends: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    name: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<String>,
    /// Colours of the 公众号 export (`accent`, `ink`, `muted`, `line`, `wash`).
    #[serde(default)]
    wechat: Option<BTreeMap<String, String>>,
}

/// Work out the theme chain and merge its files.
pub fn resolve_theme(sources: &SiteSources, config: &Config) -> Result<Theme, Vec<Diagnostic>> {
    let (chain, colours) = theme_chain(sources, config)?;
    let mut theme = merge_files(sources, &chain);
    theme.wechat_colours = colours;
    Ok(theme)
}

/// The theme names from the site's (`theme:` in site.yaml) through each `extends:` down to
/// `default`; a theme that is not there, or a loop of `extends:`, is an error.
/// With it, the 公众号 colours of their `theme.yaml` files, the nearest theme's winning.
type Chain = (Vec<String>, BTreeMap<String, String>);

fn theme_chain(sources: &SiteSources, config: &Config) -> Result<Chain, Vec<Diagnostic>> {
    let mut chain: Vec<String> = Vec::new();
    let mut colours: BTreeMap<String, String> = BTreeMap::new();
    let mut name = config.theme.clone();
    let on_disk = |n: &str| {
        let prefix = format!("themes/{n}/");
        sources
            .theme_text
            .iter()
            .any(|f| f.rel.starts_with(&prefix))
            || sources
                .theme_static
                .iter()
                .any(|f| f.rel.starts_with(&prefix))
    };
    loop {
        if chain.contains(&name) {
            return Err(vec![
                Diagnostic::error(format!(
                    "主题的 extends 绕成了一个圈：{}",
                    chain.join(" → ")
                ))
                .in_file(format!("themes/{name}/theme.yaml"))
                .with_hint("检查各主题 theme.yaml 里的 extends，最终要落到 default。"),
            ]);
        }
        if !on_disk(&name) && name != "default" {
            let line = config.line_of("theme");
            let (file, line) = match chain.last() {
                None => (crate::config::CONFIG_FILE.to_string(), line),
                Some(child) => (format!("themes/{child}/theme.yaml"), 1),
            };
            return Err(vec![
                Diagnostic::error(format!("找不到主题 “{name}”（themes/{name}/ 不存在）"))
                    .in_file(file)
                    .at(line, 0)
                    .with_hint("写 themes/ 里已有的主题文件夹名，或写 default 使用内置主题。"),
            ]);
        }
        chain.push(name.clone());
        let yaml_rel = format!("themes/{name}/theme.yaml");
        let parent = match sources.theme_text.iter().find(|f| f.rel == yaml_rel) {
            Some(f) => {
                let src = YamlSource {
                    file: &yaml_rel,
                    file_text: &f.text,
                    yaml: &f.text,
                    first_line: 1,
                    keys: &["extends", "name", "description", "wechat"],
                };
                let t: ThemeYaml = parse_yaml(&src).map_err(|d| vec![d])?;
                for (k, v) in t.wechat.unwrap_or_default() {
                    check_colour(&yaml_rel, &f.text, &k, &v)?;
                    colours.entry(k).or_insert(v);
                }
                t.extends
            }
            None => None,
        };
        match parent {
            Some(p) => name = p,
            None if name == "default" => break,
            None => name = "default".into(),
        }
    }
    Ok((chain, colours))
}

/// A colour of `wechat:` in a `theme.yaml`: a known name and a `#rrggbb` (or `#rgb`) value.
fn check_colour(file: &str, text: &str, key: &str, value: &str) -> Result<(), Vec<Diagnostic>> {
    let hex = value.strip_prefix('#').unwrap_or("");
    let known = WECHAT_COLOURS.iter().any(|(k, _)| *k == key);
    if known && [3, 6].contains(&hex.len()) && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Ok(());
    }
    let line = text
        .lines()
        .position(|l| l.trim_start().starts_with(&format!("{key}:")))
        .map_or(1, |i| i + 1);
    let names: Vec<&str> = WECHAT_COLOURS.iter().map(|c| c.0).collect();
    Err(vec![
        Diagnostic::error(format!("theme.yaml 的 wechat 颜色 “{key}: {value}” 不对"))
            .in_file(file)
            .at(line, 0)
            .with_hint(format!(
                "可以设的颜色：{}；值写成 #174a7c 这样的十六进制颜色（要加引号：accent: \"#174a7c\"）。",
                names.join("、")
            )),
    ])
}

/// Drop the qualified names (`default:base.html`) no template uses, so that the usual theme
/// compiles each template once.
fn keep_used_qualified(theme: &mut Theme) {
    let mut used: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    let mut todo: Vec<Arc<str>> = theme
        .templates
        .iter()
        .filter(|(n, _)| !n.contains(':'))
        .map(|(_, t)| t.source.clone())
        .collect();
    while let Some(src) = todo.pop() {
        for (name, t) in &theme.templates {
            if name.contains(':') && !used.contains(name) && src.contains(name.as_str()) {
                used.insert(name.clone());
                todo.push(t.source.clone());
            }
        }
    }
    theme
        .templates
        .retain(|n, _| !n.contains(':') || used.contains(n));
}

/// The templates under `prefix` (a folder of templates), over those the theme has.
fn put_templates(theme: &mut Theme, sources: &SiteSources, prefix: &str) {
    for f in &sources.theme_text {
        if let Some(t) = f.rel.strip_prefix(prefix) {
            theme.templates.insert(
                t.to_string(),
                TemplateFile {
                    origin: f.rel.clone(),
                    source: f.text.clone(),
                },
            );
        }
    }
}

/// The templates and static files of the themes of `chain`, the nearest definition winning
/// (the built-in theme's lowest, the site's own `static/` highest), with their hashes.
fn merge_files(sources: &SiteSources, chain: &[String]) -> Theme {
    let mut theme = Theme {
        chain: chain.to_vec(),
        ..Default::default()
    };
    // Lowest priority first, so nearer themes overwrite.
    for (path, bytes) in super::embedded::FILES {
        if let Some(t) = path.strip_prefix("templates/") {
            theme.templates.insert(
                t.to_string(),
                TemplateFile {
                    origin: format!("{BUILTIN}{path}"),
                    source: String::from_utf8_lossy(bytes).into(),
                },
            );
        } else if let Some(s) = path.strip_prefix("static/") {
            theme.static_files.insert(s.to_string(), Arc::from(*bytes));
        }
    }
    for name in chain.iter().rev() {
        let t_prefix = format!("themes/{name}/templates/");
        put_templates(&mut theme, sources, &t_prefix);
        // This theme's version of every template, under its qualified name.
        let own: Vec<(String, TemplateFile)> = theme
            .templates
            .iter()
            .filter(|(t, _)| !t.contains(':'))
            .map(|(t, f)| (format!("{name}:{t}"), f.clone()))
            .collect();
        theme.templates.extend(own);
        let s_prefix = format!("themes/{name}/static/");
        for f in &sources.theme_static {
            if let Some(s) = f.rel.strip_prefix(&s_prefix) {
                theme.static_files.insert(s.to_string(), f.bytes.clone());
            }
        }
    }
    put_templates(&mut theme, sources, "templates/");
    keep_used_qualified(&mut theme);
    for f in &sources.static_files {
        if let Some(s) = f.rel.strip_prefix("static/") {
            theme.static_files.insert(s.to_string(), f.bytes.clone());
        }
    }
    theme.static_hashes = theme
        .static_files
        .iter()
        .map(|(p, b)| (p.clone(), crate::fingerprint::of(&b[..])))
        .collect();
    theme
}
