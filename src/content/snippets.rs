//! Parse step: what each snippet of a page becomes (see [`crate::markdown::snippets`]).
//! Built in: `table` (a CSV file beside the page as a table), `video` and `audio` (a local
//! file as a player), `statute` (an article of the statute library quoted in full). Any other
//! name is a template `snippets/<name>.html` of the theme chain — the site's own
//! `templates/snippets/` first — rendered with its arguments (`args`) and the site's title
//! and contact (`site`); the default theme has `hotline` (the 12348 legal-aid box).

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::config::Config;
use crate::markdown::snippets::{Expansion, SnippetCall, SnippetHook};
use crate::statute::LawLibrary;
use crate::statute::cite::CiteHook;
use crate::text::escape_html;

/// The built-in snippets, and what each takes.
const BUILT_IN: [(&str, &[&str]); 4] = [
    ("table", &["file", "caption", "row_headers"]),
    ("video", &["file", "title"]),
    ("audio", &["file", "title"]),
    ("statute", &["cite"]),
];

/// What snippets read besides the page: other files of `content/` and the theme's snippet
/// templates.
pub struct SnippetSources<'a> {
    /// The bytes of a file under `content/`, by site-relative path.
    pub file: &'a (dyn Fn(&str) -> Option<Arc<[u8]>> + Sync),
    /// `snippets/<name>.html` of the theme chain: name → source.
    pub templates: &'a BTreeMap<String, Arc<str>>,
}

/// The snippets of one page.
pub struct PageSnippets<'a> {
    pub sources: &'a SnippetSources<'a>,
    /// The page's file (`content/articles/a.md`).
    pub rel: &'a str,
    pub config: &'a Config,
    pub laws: Option<(&'a LawLibrary, &'a CiteHook<'a>)>,
}

type Problem = (String, String);

impl SnippetHook for PageSnippets<'_> {
    fn expand(&self, call: &SnippetCall, block: bool, line: usize) -> Result<Expansion, Problem> {
        let known = BUILT_IN.iter().find(|(n, _)| *n == call.name);
        if let Some((name, keys)) = known {
            check_keys(call, name, keys)?;
        }
        match call.name.as_str() {
            "table" => self.table(call, block),
            "video" | "audio" => Ok(Expansion::Media {
                file: required(call, "file", "文件名，例如 file=\"普法微视频.mp4\"")?,
                title: required(call, "title", "一句说明，例如 title=\"防诈骗微视频\"")?,
            }),
            "statute" => self.statute(call, line),
            name => self.template(name, call),
        }
    }
}

impl PageSnippets<'_> {
    /// `{{< table file="调解案件.csv" caption="2025年各村调解案件数" >}}`.
    fn table(&self, call: &SnippetCall, block: bool) -> Result<Expansion, Problem> {
        let file = required(call, "file", "表格文件名，例如 file=\"调解案件.csv\"")?;
        let caption = required(
            call,
            "caption",
            "表格的标题，例如 caption=\"2025年各村调解案件数\"",
        )?;
        if !block {
            return Err((
                "表格片段要单独占一段".to_string(),
                "把 {{< table … >}} 单独写成一行，上下各空一行。".to_string(),
            ));
        }
        let sep = match file
            .rsplit('.')
            .next()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("csv") => ',',
            Some("tsv" | "txt") => '\t',
            _ => {
                return Err((
                    format!("表格文件 {file} 不是 CSV 文件"),
                    "在 Excel 或 WPS 里打开表格，“另存为” → 文件类型选 “CSV UTF-8（逗号分隔）”，把存好的 .csv 文件放在文章旁边。".to_string(),
                ));
            }
        };
        let folder = crate::text::folder_of(self.rel);
        let missing = || {
            (
                format!("找不到表格文件 {file}"),
                format!("把文件放在 {folder} 里（和这篇文章放在一起），文件名要写得一字不差。"),
            )
        };
        let rel = crate::text::join_relative(folder, &file).ok_or_else(missing)?;
        let bytes = (self.sources.file)(&rel).ok_or_else(missing)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| {
            (
                format!("表格文件 {file} 不是 UTF-8 编码"),
                "Excel 默认存的 CSV 是 GBK 编码。请“另存为” → 文件类型选 “CSV UTF-8（逗号分隔）”。"
                    .to_string(),
            )
        })?;
        let rows = super::csv_table::rows(text, sep).map_err(|why| {
            (
                format!("表格文件 {file} 读不出来：{why}"),
                "用 Excel 或 WPS 打开检查一下，再“另存为” CSV UTF-8。".to_string(),
            )
        })?;
        let row_headers = match call.arg("row_headers") {
            None => true,
            Some("true" | "是") => true,
            Some("false" | "否") => false,
            Some(v) => {
                return Err(bad_value(
                    "row_headers",
                    v,
                    "写 true（第一列是每行的标题，默认）或 false",
                ));
            }
        };
        Ok(Expansion::Html(super::csv_table::html(
            &rows,
            &caption,
            row_headers,
        )))
    }

    /// `{{< statute "《民法典》第一千零四十三条" >}}`: each article cited, quoted in full,
    /// with its place in the statute library.
    fn statute(&self, call: &SnippetCall, line: usize) -> Result<Expansion, Problem> {
        let cite = required(
            call,
            "cite",
            "要引用的法条，例如 {{< statute \"《民法典》第一千零四十三条\" >}}",
        )?;
        let not_found = || {
            (
                format!("法规库里找不到 “{cite}”"),
                "写法律的名称（带书名号）和条号，例如 《民法典》第一千零四十三条；法律要在 content/laws/ 里。".to_string(),
            )
        };
        let (lib, hook) = self.laws.ok_or_else(not_found)?;
        let found = hook.resolve_standalone(&cite, line);
        let mut html = String::new();
        for r in &found {
            let Some((_, a)) = lib.article(r.law, r.no) else {
                continue;
            };
            let label = lib.article_label(r.law, r.no);
            html.push_str("<figure class=\"pf-statute-quote\"><blockquote>");
            for p in &a.paragraphs {
                html.push_str(&format!("<p>{}</p>", escape_html(&p.text)));
                for item in &p.items {
                    html.push_str(&format!("<p>{}</p>", escape_html(item)));
                }
            }
            html.push_str(&format!(
                "</blockquote><figcaption>——<a href=\"/{}#{}\">{}</a></figcaption></figure>",
                lib.file_paths[r.file],
                r.anchor,
                escape_html(&label)
            ));
        }
        if html.is_empty() {
            return Err(not_found());
        }
        Ok(Expansion::Html(html))
    }

    /// A snippet of the theme chain: `snippets/<name>.html`.
    fn template(&self, name: &str, call: &SnippetCall) -> Result<Expansion, Problem> {
        let Some(source) = self.sources.templates.get(name) else {
            let mut names: Vec<&str> = BUILT_IN.iter().map(|(n, _)| *n).collect();
            names.extend(self.sources.templates.keys().map(String::as_str));
            let guess = crate::diag::did_you_mean(name, &names)
                .map(|g| format!("是不是想写 “{g}”？"))
                .unwrap_or_default();
            return Err((
                format!("不认识的片段 “{name}”"),
                format!(
                    "{guess}可以用的片段：{}。自己的片段放在 templates/snippets/名字.html。",
                    names.join("、")
                ),
            ));
        };
        let mut env = minijinja::Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
        let args: BTreeMap<String, String> = call.args.iter().cloned().collect();
        let site = minijinja::context! {
            title => self.config.title.clone(),
            contact => minijinja::value::Value::from(minijinja::value::Serde(&self.config.contact)),
        };
        let file = format!("snippets/{name}.html");
        env.add_template(&file, source)
            .and_then(|()| env.get_template(&file))
            .and_then(|t| t.render(minijinja::context! { args => args, site => site }))
            .map(Expansion::Html)
            .map_err(|e| {
                (
                    format!("片段 “{name}” 的模板出错：{}", e.detail().unwrap_or("")),
                    format!(
                        "检查模板 snippets/{name}.html（第 {} 行）。",
                        e.line().unwrap_or(0)
                    ),
                )
            })
    }
}

/// An argument the snippet cannot do without.
fn required(call: &SnippetCall, key: &str, what: &str) -> Result<String, Problem> {
    match call.arg(key).map(str::trim) {
        Some(v) if !v.is_empty() => Ok(v.to_string()),
        _ => Err((
            format!("片段 {} 缺少参数 {key}", call.name),
            format!("{key} 写{what}。"),
        )),
    }
}

/// Arguments a built-in snippet does not take.
fn check_keys(call: &SnippetCall, name: &str, keys: &[&str]) -> Result<(), Problem> {
    match call
        .args
        .iter()
        .find(|(k, _)| !k.is_empty() && !keys.contains(&k.as_str()))
    {
        Some((k, _)) => {
            let guess = crate::diag::did_you_mean(k, keys)
                .map(|g| format!("是不是想写 “{g}”？"))
                .unwrap_or_default();
            Err((
                format!("片段 {name} 没有参数 “{k}”"),
                format!("{guess}片段 {name} 的参数有：{}。", keys.join("、")),
            ))
        }
        None => Ok(()),
    }
}

fn bad_value(key: &str, value: &str, hint: &str) -> Problem {
    (
        format!("参数 {key} 的值 “{value}” 不对"),
        format!("{hint}。"),
    )
}
