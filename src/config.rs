//! Parse step: `site.yaml` → [`Config`]. Unknown keys are errors with a "did you mean" hint;
//! values are checked (base URL, time zone, page size) and located in the file.

use std::collections::BTreeMap;

use jiff::tz::TimeZone;
use serde::Deserialize;

use crate::dates::time_zone;
use crate::diag::Diagnostic;
use crate::yaml::{YamlSource, key_position, parse_yaml};

/// The name of the configuration file at the site root.
pub const CONFIG_FILE: &str = "site.yaml";

const KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "timezone",
    "theme",
    "menu",
    "page_size",
    "site_id_code",
    "content_source",
    "contact",
    "footer",
    "markdown",
    "images",
    "laws",
    "search",
    "taxonomies",
    "extra",
];

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: Option<String>,
    description: Option<String>,
    base_url: Option<String>,
    language: Option<String>,
    timezone: Option<String>,
    theme: Option<String>,
    menu: Option<Vec<MenuItem>>,
    page_size: Option<i64>,
    site_id_code: Option<String>,
    content_source: Option<String>,
    contact: Option<Contact>,
    footer: Option<String>,
    markdown: Option<MarkdownConfig>,
    images: Option<crate::images::ImageSettings>,
    laws: Option<LawsConfig>,
    search: Option<bool>,
    taxonomies: Option<Vec<crate::taxonomy::RawTaxonomy>>,
    extra: Option<serde_json::Value>,
}

/// One entry of the main navigation.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, Eq, Hash)]
#[serde(deny_unknown_fields)]
pub struct MenuItem {
    /// Text shown, e.g. `普法动态`.
    pub name: String,
    /// Site-absolute path (`/articles/`) or an outside address.
    pub url: String,
}

/// A labelled link (complaint channel, satisfaction survey).
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct LabelledLink {
    pub text: String,
    #[serde(default)]
    pub url: Option<String>,
}

/// The contact block shown in the footer and on the contact page.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub hours: Option<String>,
    /// 投诉举报渠道.
    #[serde(default)]
    pub complaint: Option<LabelledLink>,
    /// 满意度调查.
    #[serde(default)]
    pub survey: Option<LabelledLink>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// Let raw HTML in Markdown through unsanitised.
    #[serde(default)]
    pub unsafe_html: bool,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct LawsConfig {
    /// Extra short names: `民法典: 中华人民共和国民法典`.
    #[serde(default)]
    pub aliases: BTreeMap<String, String>,
}

/// The site configuration, validated.
#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// Absolute base URL ending in `/`, e.g. `https://example.gov.cn/hgz/`.
    pub base_url: String,
    /// The address the site is published at: `base_url`, except in `serve`, whose pages
    /// use the preview's own origin (exports name the published address).
    pub public_url: String,
    /// The path part of `base_url`, starting and ending with `/`, e.g. `/hgz/`.
    pub base_path: String,
    /// Host of `base_url` (for the SiteDomain meta tag).
    pub domain: String,
    pub language: String,
    pub timezone_name: String,
    pub timezone: TimeZone,
    pub theme: String,
    pub menu: Vec<MenuItem>,
    /// The menu was not written in site.yaml (the defaults are trimmed to existing pages).
    pub menu_is_default: bool,
    pub page_size: usize,
    pub site_id_code: Option<String>,
    pub content_source: String,
    pub contact: Contact,
    pub footer: Option<String>,
    pub markdown: MarkdownConfig,
    pub images: crate::images::ImageSettings,
    pub laws: LawsConfig,
    /// `search: true`: the site has a search page and a search field in its header, and
    /// the build writes the index (off by default until its memory fits the limits of
    /// the largest sites; see the README).
    pub search: bool,
    /// Tags first, then the site's other taxonomies (`taxonomies:`).
    pub taxonomies: Vec<crate::taxonomy::Taxonomy>,
    pub extra: serde_json::Value,
    /// Line of each top-level key in site.yaml, to locate later errors (menu links…).
    pub key_lines: BTreeMap<String, usize>,
    /// The text of site.yaml, to show offending lines.
    pub source_text: String,
}

/// Command-line settings that override site.yaml.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    pub base_url: Option<String>,
    /// Scheme, host and port that replace those of the base URL, its path kept
    /// (`http://127.0.0.1:1313`: `pufa serve` previews under the site's own path).
    pub origin: Option<String>,
}

fn default_menu() -> Vec<MenuItem> {
    [
        ("首页", "/"),
        ("普法动态", "/articles/"),
        ("活动通知", "/events/"),
        ("法治小课堂", "/lessons/"),
        ("法律法规", "/laws/"),
        ("关于我们", "/about/"),
    ]
    .into_iter()
    .map(|(n, u)| MenuItem {
        name: n.into(),
        url: u.into(),
    })
    .collect()
}

/// Parse and check `site.yaml`; every problem found is returned, not only the first.
pub fn parse_config(text: &str, overrides: &Overrides) -> Result<Config, Vec<Diagnostic>> {
    let src = YamlSource {
        file: CONFIG_FILE,
        file_text: text,
        yaml: text,
        first_line: 1,
        keys: KEYS,
    };
    let raw: RawConfig = parse_yaml(&src).map_err(|d| vec![d])?;
    let mut problems = Problems {
        text,
        errors: Vec::new(),
    };
    let title = check_title(&raw, &mut problems);
    let (base_url, base_path, domain) = check_base_url(&raw, overrides, &mut problems);
    // `serve` previews at its own origin; the site's published address stays known.
    let public_url = match &overrides.origin {
        Some(_) => overrides
            .base_url
            .clone()
            .or(raw.base_url.clone())
            .and_then(|u| split_base_url(u.trim()))
            .map_or_else(|| base_url.clone(), |t| t.0),
        None => base_url.clone(),
    };
    let (timezone_name, timezone) = check_timezone(&raw, &mut problems);
    let page_size = check_page_size(&raw, &mut problems);
    let theme = check_theme(&raw, &mut problems);
    let menu = check_menu(&raw, &mut problems);
    let images = check_images(&raw, &mut problems);
    let (taxonomies, taxonomy_problems) =
        crate::taxonomy::check(raw.taxonomies.as_deref().unwrap_or_default());
    for (msg, hint) in taxonomy_problems {
        problems.at_key("taxonomies", msg, hint);
    }
    if !problems.errors.is_empty() {
        return Err(problems.errors);
    }
    Ok(Config {
        content_source: raw.content_source.unwrap_or_else(|| title.clone()),
        title,
        description: raw.description.unwrap_or_default(),
        base_url,
        public_url,
        base_path,
        domain,
        language: raw.language.unwrap_or_else(|| "zh-CN".into()),
        timezone_name,
        timezone,
        theme,
        menu_is_default: raw.menu.is_none(),
        menu,
        page_size,
        site_id_code: raw.site_id_code,
        contact: raw.contact.unwrap_or_default(),
        footer: raw.footer,
        markdown: raw.markdown.unwrap_or_default(),
        images,
        laws: raw.laws.unwrap_or_default(),
        search: raw.search.unwrap_or(false),
        taxonomies,
        extra: raw
            .extra
            .unwrap_or(serde_json::Value::Object(Default::default())),
        key_lines: key_lines(text),
        source_text: text.to_string(),
    })
}

/// `images:`: widths between 16 and 8000 pixels, qualities from 1 to 100.
fn check_images(raw: &RawConfig, problems: &mut Problems<'_>) -> crate::images::ImageSettings {
    let s = raw.images.clone().unwrap_or_default();
    let widths_ok = !s.widths.is_empty()
        && s.widths
            .iter()
            .chain([&s.thumb_width, &s.share_width])
            .all(|w| (16..=8000).contains(w));
    let quality_ok = [s.jpeg_quality, s.webp_quality]
        .iter()
        .all(|q| (1..=100).contains(q));
    if !widths_ok {
        problems.at_key(
            "images",
            "images 里的宽度不对：widths 至少写一个，每个宽度在 16 到 8000 像素之间".into(),
            "例如 widths: [480, 800, 1200, 1600]，thumb_width: 360，share_width: 1200",
        );
    }
    if !quality_ok {
        problems.at_key(
            "images",
            "images 里的质量要在 1 到 100 之间".into(),
            "例如 jpeg_quality: 70，webp_quality: 60；数字越大图片越清晰、文件越大",
        );
    }
    s
}

/// The value problems of a `site.yaml`, collected in the order they are found.
struct Problems<'a> {
    /// The text of site.yaml, to locate keys and show their lines.
    text: &'a str,
    errors: Vec<Diagnostic>,
}

impl Problems<'_> {
    /// Record an error about the value of top-level `key`, shown at its line.
    fn at_key(&mut self, key: &str, msg: String, hint: impl Into<std::borrow::Cow<'static, str>>) {
        let (line, col) = key_position(self.text, 1, key).unwrap_or((1, 0));
        self.errors.push(
            Diagnostic::error(msg)
                .in_file(CONFIG_FILE)
                .at(line, col)
                .with_source_line(self.text, 0)
                .with_hint(hint),
        );
    }
}

/// `title`: required, trimmed.
fn check_title(raw: &RawConfig, problems: &mut Problems<'_>) -> String {
    let title = raw.title.clone().unwrap_or_default().trim().to_string();
    if title.is_empty() {
        problems.errors.push(
            Diagnostic::error("site.yaml 缺少网站名称 title")
                .in_file(CONFIG_FILE)
                .at(1, 0)
                .with_hint("加一行，例如：title: 皇宫镇普法网"),
        );
    }
    title
}

/// `base_url` (or `--base-url`, which wins): required, split into (URL, path, host).
fn check_base_url(
    raw: &RawConfig,
    overrides: &Overrides,
    problems: &mut Problems<'_>,
) -> (String, String, String) {
    let base_raw = overrides.base_url.clone().or(raw.base_url.clone());
    match base_raw.as_deref().map(str::trim) {
        None | Some("") => {
            problems.errors.push(
                Diagnostic::error("site.yaml 缺少网站地址 base_url")
                    .in_file(CONFIG_FILE)
                    .at(1, 0)
                    .with_hint(
                        "加一行网站的完整地址，例如：base_url: https://example.gov.cn/hgz/（订阅、网站地图和二维码都要用到它）",
                    ),
            );
            (String::new(), "/".to_string(), String::new())
        }
        Some(u) => match split_base_url(u) {
            Some((url, path, domain)) => match &overrides.origin {
                Some(origin) => {
                    split_base_url(&format!("{origin}{path}")).unwrap_or((url, path, domain))
                }
                None => (url, path, domain),
            },
            None => {
                if overrides.base_url.is_some() {
                    problems.errors.push(
                        Diagnostic::error(format!("命令行参数 --base-url 写得不对：“{u}”"))
                            .with_hint(
                                "以 http:// 或 https:// 开头，例如 https://example.gov.cn/hgz/",
                            ),
                    );
                } else {
                    problems.at_key(
                        "base_url",
                        format!("网站地址 base_url 写得不对：“{u}”"),
                        "要写完整地址，以 http:// 或 https:// 开头，例如 https://example.gov.cn/hgz/",
                    );
                }
                (String::new(), "/".to_string(), String::new())
            }
        },
    }
}

/// `timezone`: its name (default `Asia/Shanghai`) and the zone (UTC when unknown).
fn check_timezone(raw: &RawConfig, problems: &mut Problems<'_>) -> (String, TimeZone) {
    let timezone_name = raw
        .timezone
        .clone()
        .unwrap_or_else(|| "Asia/Shanghai".into());
    let timezone = match time_zone(&timezone_name) {
        Some(tz) => tz,
        None => {
            problems.at_key(
                "timezone",
                format!("不认识的时区 “{timezone_name}”"),
                "中国大陆写 Asia/Shanghai（这也是默认值，可以不写）。",
            );
            TimeZone::UTC
        }
    };
    (timezone_name, timezone)
}

/// `page_size`: 1 to 1000, 10 by default.
fn check_page_size(raw: &RawConfig, problems: &mut Problems<'_>) -> usize {
    match raw.page_size {
        None => 10,
        Some(n) if (1..=1000).contains(&n) => n as usize,
        Some(n) => {
            problems.at_key(
                "page_size",
                format!("每页条数 page_size 必须在 1 到 1000 之间，现在是 {n}"),
                "一般写 10 或 20。",
            );
            10
        }
    }
}

/// `theme`: a folder name under `themes/`, `default` by default.
fn check_theme(raw: &RawConfig, problems: &mut Problems<'_>) -> String {
    let theme = raw.theme.clone().unwrap_or_else(|| "default".into());
    if theme.contains(['/', '\\']) || theme.starts_with('.') || theme.trim().is_empty() {
        problems.at_key(
            "theme",
            format!("主题名称 “{theme}” 不能包含 / 或以 . 开头"),
            "写 themes/ 文件夹下的主题文件夹名，例如 theme: default",
        );
    }
    theme
}

/// `menu`: every item with a name and a URL; the default menu when absent.
fn check_menu(raw: &RawConfig, problems: &mut Problems<'_>) -> Vec<MenuItem> {
    let menu = raw.menu.clone().unwrap_or_else(default_menu);
    for item in &menu {
        if item.name.trim().is_empty() || item.url.trim().is_empty() {
            problems.at_key(
                "menu",
                "菜单项的 name 和 url 都不能为空".into(),
                "例如：- name: 普法动态\n    url: /articles/",
            );
        }
    }
    menu
}

/// Line of each top-level key written in site.yaml.
fn key_lines(text: &str) -> BTreeMap<String, usize> {
    let mut key_lines = BTreeMap::new();
    for k in KEYS {
        if let Some((l, _)) = key_position(text, 1, k) {
            key_lines.insert((*k).to_string(), l);
        }
    }
    key_lines
}

/// Split `https://host/path` into (normalised URL ending in `/`, path `/path/`, host).
fn split_base_url(u: &str) -> Option<(String, String, String)> {
    let rest = u
        .strip_prefix("https://")
        .or_else(|| u.strip_prefix("http://"))?;
    let scheme_len = u.len() - rest.len();
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    if host.is_empty()
        || host.contains(|c: char| c.is_whitespace() || c == '?' || c == '#' || c == '@')
        || path.contains(['?', '#', ' '])
    {
        return None;
    }
    let mut path = path.to_string();
    if !path.ends_with('/') {
        path.push('/');
    }
    let path = crate::text::encode_path(&crate::text::decode_percent(&path));
    let base = format!("{}{}{}", &u[..scheme_len], host, path);
    Some((
        base,
        path,
        host.split(':').next().unwrap_or(host).to_string(),
    ))
}

impl Config {
    /// The taxonomy with `key` (`tags`, `categories`…).
    pub fn taxonomy(&self, key: &str) -> Option<&crate::taxonomy::Taxonomy> {
        self.taxonomies.iter().find(|t| t.key == key)
    }

    /// Site-absolute link for a site path like `articles/a/` → `/hgz/articles/a/`,
    /// percent-encoded.
    pub fn link(&self, path: &str) -> String {
        self.link_parts(&[path])
    }

    /// [`Config::link`] of the site path made of `parts` (`["tags/", slug, "/"]`), without
    /// putting the path together first.
    pub fn link_parts(&self, parts: &[&str]) -> String {
        let len: usize = parts.iter().map(|p| p.len()).sum();
        let mut out = String::with_capacity(self.base_path.len() + len * 3);
        out.push_str(&self.base_path);
        for (k, part) in parts.iter().enumerate() {
            let part = if k == 0 {
                part.trim_start_matches('/')
            } else {
                part
            };
            crate::text::push_encoded_path(&mut out, part);
        }
        out
    }

    /// Absolute URL for a site path → `https://example.gov.cn/hgz/articles/a/`.
    pub fn permalink(&self, path: &str) -> String {
        let path = path.trim_start_matches('/');
        let mut out = String::with_capacity(self.base_url.len() + path.len() * 3);
        out.push_str(&self.base_url);
        crate::text::push_encoded_path(&mut out, path);
        out
    }

    /// [`Config::permalink`] at the published address (see `public_url`).
    pub fn public_permalink(&self, path: &str) -> String {
        let path = path.trim_start_matches('/');
        let mut out = self.public_url.clone();
        crate::text::push_encoded_path(&mut out, path);
        out
    }

    /// Scheme and host of the base URL, without the path: `https://example.gov.cn`.
    pub fn origin(&self) -> &str {
        self.base_url
            .strip_suffix(&self.base_path)
            .unwrap_or(&self.base_url)
    }

    /// Line of a top-level key in site.yaml (1 when absent).
    pub fn line_of(&self, key: &str) -> usize {
        self.key_lines.get(key).copied().unwrap_or(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_config_gets_defaults() {
        let c = parse_config(
            "title: 测试\nbase_url: https://example.org/hgz\n",
            &Overrides::default(),
        )
        .unwrap();
        assert_eq!(c.base_url, "https://example.org/hgz/");
        assert_eq!(c.base_path, "/hgz/");
        assert_eq!(c.domain, "example.org");
        assert_eq!(c.language, "zh-CN");
        assert_eq!(c.page_size, 10);
        assert_eq!(
            c.link("articles/民法典/"),
            "/hgz/articles/%E6%B0%91%E6%B3%95%E5%85%B8/"
        );
        assert!(!c.menu.is_empty());
    }

    #[test]
    fn unknown_key_suggests_the_right_one() {
        let e = parse_config(
            "title: a\nbase_url: https://e.org/\ntimezon: Asia/Shanghai\n",
            &Overrides::default(),
        )
        .unwrap_err();
        assert_eq!(e[0].line, Some(3));
        assert!(e[0].hint.as_deref().unwrap().contains("timezone"));
    }

    #[test]
    fn collects_several_value_errors() {
        let e = parse_config(
            "title: a\nbase_url: example.org\ntimezone: Mars/Base\npage_size: 0\n",
            &Overrides::default(),
        )
        .unwrap_err();
        assert_eq!(e.len(), 3, "{e:?}");
        assert_eq!(e[0].line, Some(2));
    }

    #[test]
    fn override_wins() {
        let c = parse_config(
            "title: a\nbase_url: https://e.org/\n",
            &Overrides {
                base_url: Some("http://127.0.0.1:1111".into()),
                origin: None,
            },
        )
        .unwrap();
        assert_eq!(c.base_url, "http://127.0.0.1:1111/");
        assert_eq!(c.public_url, c.base_url);
    }

    #[test]
    fn a_preview_origin_keeps_the_published_address() {
        let c = parse_config(
            "title: a\nbase_url: https://e.org/hgz/\n",
            &Overrides {
                base_url: None,
                origin: Some("http://127.0.0.1:1111".into()),
            },
        )
        .unwrap();
        assert_eq!(c.base_url, "http://127.0.0.1:1111/hgz/");
        assert_eq!(c.public_url, "https://e.org/hgz/");
        assert_eq!(
            c.public_permalink("articles/民/"),
            "https://e.org/hgz/articles/%E6%B0%91/"
        );
    }
}
