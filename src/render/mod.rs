//! Render step: the linked site + the theme → an [`OutputSet`] (path → bytes). minijinja with
//! HTML autoescape (templates are `.html`/`.xml`), semi-strict undefined handling (printing an
//! undefined variable is an error; testing it in `{% if %}` is allowed), debug info on, and
//! every template compiled up front so all syntax errors are reported together. Pages are
//! rendered in parallel; output order never depends on threads because the set is sorted.

pub mod calendar;
mod cards;
pub mod context;
mod embedded;
pub mod filters;
pub mod ics;
pub mod laws;
mod lists;
mod outputs;
pub mod qr;
pub mod theme;

use crate::fingerprint::FastMap;
use std::sync::Arc;

use minijinja::value::{Serde, Value};
use minijinja::{Environment, ErrorKind, UndefinedBehavior, context};
use rayon::prelude::*;

use crate::content::Kind;
use crate::diag::Diagnostic;
use crate::fingerprint;
use crate::output::{Blob, Sink};
use crate::site::Site;
use cards::Cards;
use context::{page_vm, site_vm};
use outputs::{Made, Outputs};
use theme::Theme;

pub use embedded::FILES as BUILTIN_THEME_FILES;

/// Extra pages from other steps (the statute library) to render with the same environment.
pub trait ExtraPages: Sync {
    /// (output path of the HTML file, template name, fingerprint) of each page; `cards` are
    /// the fingerprints of the content pages' cards, `global` that of everything shared.
    fn jobs(&self, site: &Site, cards: &[u64], global: u64) -> Vec<(String, String, u64)>;

    /// The template context of the page at `path` (one of [`ExtraPages::jobs`]).
    fn context(&self, site: &Site, site_value: &Value, path: &str) -> Option<Value>;
}

/// Turn a minijinja error into a located diagnostic naming the page being rendered.
pub fn template_diag(err: &minijinja::Error, theme: &Theme, rendering: Option<&str>) -> Diagnostic {
    let name = err.name().unwrap_or("");
    let file = theme
        .templates
        .get(name)
        .map(|t| t.origin.clone())
        .unwrap_or_else(|| name.to_string());
    let source = theme.templates.get(name).map(|t| t.source.clone());
    let expr = match (err.range(), &source) {
        (Some(r), Some(s)) => s.get(r).map(str::to_string),
        _ => None,
    };
    let detail = err.detail().unwrap_or("").to_string();
    let (message, hint) = match err.kind() {
        ErrorKind::SyntaxError => (
            format!("模板语法错误：{detail}"),
            "检查 {{ }} 和 {% %} 是否成对，{% if %}/{% for %}/{% block %} 是否都有对应的 end。"
                .to_string(),
        ),
        ErrorKind::UndefinedError => (
            match &expr {
                Some(e) => format!("模板用了不存在的变量 “{e}”"),
                None => "模板用了不存在的变量".to_string(),
            },
            if is_cached_fragment(theme, name) {
                "这个模板是用 include_cached 引入的，只能用 site 和传给它的参数；要用别的变量，把它作为参数传进来，例如 include_cached(\"footer.html\", column=page.column)。".to_string()
            } else {
                "检查变量名的拼写；可用的变量见 README 的“模板变量”一节。可能不存在的值请先用 {% if … %} 判断。".to_string()
            },
        ),
        ErrorKind::TemplateNotFound => (
            format!("找不到模板：{detail}"),
            "模板放在 themes/主题名/templates/ 下；检查 extends/include 里的文件名。".to_string(),
        ),
        _ => (
            format!(
                "模板出错：{}{}",
                kind_zh(err.kind()),
                if detail.is_empty() {
                    String::new()
                } else {
                    format!("：{detail}")
                }
            ),
            "检查这一行模板的写法。".to_string(),
        ),
    };
    let hint = match rendering {
        Some(r) => format!("{hint}（出错时正在生成 {r}）"),
        None => hint,
    };
    let mut d = Diagnostic::error(message).in_file(file).with_hint(hint);
    if let Some(line) = err.line() {
        let col = match (err.range(), &source) {
            (Some(r), Some(s)) => crate::diag::line_col(s, r.start).1,
            _ => 0,
        };
        d = d.at(line, col);
        if let Some(s) = &source {
            let len = expr.as_deref().map_or(0, |e| e.chars().count());
            d = d.with_source_line(s, len);
        }
    }
    d
}

/// Is template `name` rendered by `include_cached` somewhere in the theme?
fn is_cached_fragment(theme: &Theme, name: &str) -> bool {
    let calls = [
        format!("include_cached(\"{name}\""),
        format!("include_cached('{name}'"),
    ];
    theme
        .templates
        .values()
        .any(|t| calls.iter().any(|c| t.source.contains(c.as_str())))
}

fn kind_zh(k: ErrorKind) -> &'static str {
    match k {
        ErrorKind::InvalidOperation => "不能这样运算",
        ErrorKind::UnknownFilter => "不认识的过滤器",
        ErrorKind::UnknownFunction => "不认识的函数",
        ErrorKind::UnknownMethod => "不认识的方法",
        ErrorKind::MissingArgument => "缺少参数",
        ErrorKind::TooManyArguments => "参数太多",
        ErrorKind::BadEscape => "转义写法有误",
        ErrorKind::NonKey => "不能用作键",
        ErrorKind::NonPrimitive => "不是简单值",
        _ => "执行出错",
    }
}

/// Build the template environment from the theme; every template is compiled now, so all
/// syntax errors come back together.
pub fn environment(site: &Site, theme: &Theme) -> Result<Environment<'static>, Vec<Diagnostic>> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    env.set_debug(true);
    if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .build()
    {
        env.set_syntax(syntax);
    }
    filters::register(&mut env, site, theme);
    // minijinja's HTML escaping also escapes `/` (as `&#x2f;`), which bloats every link;
    // escaping the five HTML metacharacters is enough inside text and quoted attributes.
    env.set_formatter(|out, state, value| {
        if matches!(state.auto_escape(), minijinja::AutoEscape::Html)
            && !value.is_safe()
            && !value.is_undefined()
            && let Some(s) = value.as_str()
        {
            return crate::text::escape_html_into(out, s)
                .map_err(|_| minijinja::Error::new(ErrorKind::WriteFailure, "写入失败"));
        }
        minijinja::escape_formatter(out, state, value)
    });
    let mut errors = Vec::new();
    for (name, t) in &theme.templates {
        if let Err(e) = env.add_template_owned(name.clone(), t.source.to_string()) {
            errors.push(template_diag(&e, theme, None));
        }
    }
    if errors.is_empty() {
        Ok(env)
    } else {
        Err(errors)
    }
}

fn html_path(path: &str) -> String {
    format!("{path}index.html")
}

/// Which menu item is active for a page at site path `path`.
pub fn nav_active(site: &Site, path: &str) -> i64 {
    let mut best: (usize, i64) = (0, -1);
    for (k, m) in site.config.menu.iter().enumerate() {
        if crate::markdown::is_external(&m.url) {
            continue;
        }
        let mp = m.url.trim_start_matches('/');
        let matches = if mp.is_empty() {
            path.is_empty()
        } else {
            path.starts_with(mp)
        };
        if matches && (mp.len() >= best.0 || best.1 < 0) {
            best = (mp.len(), k as i64);
        }
    }
    best.1
}

/// What rendering produced (the files themselves went to the sink).
#[derive(Debug, Default)]
pub struct Rendered {
    pub files: usize,
    pub bytes: usize,
    pub diagnostics: Vec<Diagnostic>,
    /// The sink failed (disk full, permissions…): the build cannot be used.
    pub io_error: Option<std::io::Error>,
}

/// What rendering keeps between rebuilds: the template environment, each page's card (the
/// view model lists show) and each output with the fingerprint of everything it was made
/// from. An output whose fingerprint did not change is not rendered again.
#[derive(Default)]
pub struct RenderMemo {
    /// Keep results for the next build.
    pub keep: bool,
    env: Option<(u64, Arc<Environment<'static>>)>,
    cards: FastMap<String, cards::Card>,
    outputs: FastMap<String, (u64, Blob)>,
}

/// Fingerprint of the whole page `i`.
fn page_fp(site: &Site, i: usize, cards: &[u64], global: u64) -> u64 {
    let mut parts = vec![global, cards[i], site.html_fp[i]];
    if let Some(&(si, pos)) = site.lesson_pos.get(&i) {
        let s = &site.series[si];
        for j in [pos.checked_sub(1), Some(pos + 1)].into_iter().flatten() {
            if let Some(&n) = s.lessons.get(j) {
                parts.push(cards[n]);
            }
        }
    }
    fingerprint::combine(&parts)
}

/// Render everything into `sink`, re-rendering only outputs whose fingerprint changed since
/// the build `memo` remembers. `global` fingerprints everything all pages depend on
/// (configuration, theme, statute library, menu, sections).
pub fn render(
    site: &Site,
    theme: &Theme,
    extra: Option<&dyn ExtraPages>,
    sink: &dyn Sink,
    memo: &mut RenderMemo,
    global: u64,
) -> Rendered {
    let env = match &memo.env {
        Some((fp, env)) if *fp == global => env.clone(),
        _ => match environment(site, theme) {
            Ok(env) => {
                let env = Arc::new(env);
                memo.env = Some((global, env.clone()));
                env
            }
            Err(d) => {
                memo.env = None;
                return Rendered {
                    diagnostics: d,
                    ..Default::default()
                };
            }
        },
    };
    let mut clock = crate::timings::Phase::start();
    let site_value = Value::from(Serde(site_vm(site)));
    let keep = memo.keep;
    let cards = Cards::new(site, &memo.cards, keep, global);
    let out = Outputs::new(&env, theme, sink, &memo.outputs, keep);
    clock.done("  cards");

    let mut made = content_pages(&out, site, extra, &cards, global, &site_value);
    clock.done("  content pages");
    // The lists, the calendars and the site files (feeds, the sitemap…) all at once: the
    // sitemap is one long template and the feeds a few, which on their own kept one core
    // waiting. The sitemap lists every HTML page: the content pages made above and the
    // lists about to be made.
    let list_paths: Vec<String> = site.lists.iter().map(|l| html_path(&l.path)).collect();
    let html_paths: Vec<&str> = made
        .iter()
        .map(|m| m.path.as_str())
        .chain(list_paths.iter().map(String::as_str))
        .filter_map(|p| p.strip_suffix("index.html"))
        .collect();
    let ((lists, calendars), site_files) = rayon::join(
        || {
            rayon::join(
                || {
                    site.lists
                        .par_iter()
                        .zip(&list_paths)
                        .filter_map(|(l, path)| {
                            let fp = lists::list_fp(site, l, &cards.fps, &cards.compact, global);
                            let template = lists::list_template(&l.kind);
                            out.render(template, path, Some(fp), &|| {
                                lists::list_context(site, l, &site_value, &cards.values).1
                            })
                        })
                        .collect::<Vec<Made>>()
                },
                || calendar_files(&out, site, &cards.fps, global),
            )
        },
        || site_files(&out, site, &cards.fps, global, &site_value, html_paths),
    );
    made.extend(calendars);
    made.extend(lists);
    made.extend(site_files);
    clock.done("  lists, calendars, feeds, sitemap");
    // Files copied as they are.
    let copies: Vec<(&String, &Blob)> = theme
        .static_files
        .iter()
        .chain(site.assets.iter())
        .collect();
    copies
        .par_iter()
        .for_each(|(path, bytes)| out.put(path, (*bytes).clone()));
    let rendered = out.finish();
    clock.done("  copies");

    remember_outputs(&mut memo.outputs, made, keep);
    cards.remember(site, &mut memo.cards, keep);
    rendered
}

/// Every content page, and the A4 print view (poster, handout) with a QR code of the page's
/// address of each event and lesson.
fn content_pages(
    out: &Outputs<'_>,
    site: &Site,
    extra: Option<&dyn ExtraPages>,
    cards: &Cards,
    global: u64,
    site_value: &Value,
) -> Vec<Made> {
    // Other steps' pages (the statute library) go first, in the same parallel pass: a law
    // page takes as long as hundreds of articles, and started last it would keep one core
    // busy after the other is done.
    enum Job {
        Extra(String, String, u64),
        Page(usize),
    }
    let extra_jobs = extra.map_or_else(Vec::new, |e| e.jobs(site, &cards.fps, global));
    let jobs: Vec<Job> = extra_jobs
        .into_iter()
        .map(|(path, template, fp)| Job::Extra(path, template, fp))
        .chain((0..site.pages.len()).map(Job::Page))
        .collect();
    jobs.par_iter()
        .flat_map_iter(|job| {
            let i = match job {
                Job::Page(i) => *i,
                Job::Extra(path, template, fp) => {
                    let made = extra.and_then(|e| {
                        out.render(template, path, Some(*fp), &|| {
                            e.context(site, site_value, path)
                                .unwrap_or(Value::UNDEFINED)
                        })
                    });
                    return made.into_iter().chain(None);
                }
            };
            let p = &site.pages[i];
            let template = match p.kind {
                Kind::Article => "article.html",
                Kind::Event => "event.html",
                Kind::Lesson => "lesson.html",
                Kind::Page => "page.html",
            };
            let fp = page_fp(site, i, &cards.fps, global);
            // Made once for the page and its print view.
            let vm = std::cell::OnceCell::new();
            let vm = || vm.get_or_init(|| page_vm(site, i, cards.values[i].clone()));
            let page = out.render(template, &html_path(&p.path), Some(fp), &|| {
                context! {
                    site => site_value.clone(),
                    page => Value::from_object(vm().clone()),
                    nav_active => nav_active(site, &p.path),
                    current_path => p.path.clone(),
                }
            });
            // Events and lessons also get an A4 print view (poster, handout) with a QR code
            // of the page's address.
            let print_template = match p.kind {
                Kind::Event => Some("event_print.html"),
                Kind::Lesson => Some("lesson_print.html"),
                _ => None,
            };
            let print = print_template.and_then(|t| {
                let path = format!("{}print/index.html", p.path);
                out.render(t, &path, Some(fingerprint::combine(&[fp, 7])), &|| {
                    let mut vm = vm().clone();
                    vm.qr_svg = context::optional_text(crate::render::qr::qr_svg(
                        &site.config.permalink(&p.path),
                        &format!("“{}”的网址二维码", p.title),
                    ));
                    context! {
                        site => site_value.clone(),
                        page => Value::from_object(vm),
                        nav_active => nav_active(site, &p.path),
                        current_path => p.path.clone(),
                    }
                })
            });
            page.into_iter().chain(print)
        })
        .collect()
}

/// Calendar files: one per event and one for the site (coming and recent events). What a
/// calendar entry says is what the event's card shows, so the card's fingerprint tells
/// whether it must be written again.
fn calendar_files(out: &Outputs<'_>, site: &Site, cards: &[u64], global: u64) -> Vec<Made> {
    let mut ics: Vec<Made> = site
        .pages
        .par_iter()
        .enumerate()
        .filter(|(_, p)| p.event.is_some())
        .map(|(i, p)| {
            out.make(
                context::ics_path(&p.path),
                fingerprint::combine(&[global, cards[i], 11]),
                &|| crate::render::ics::calendar(site, &[i], &p.title),
            )
        })
        .collect();
    let recent = site.now.timestamp() - jiff::SignedDuration::from_hours(24 * 365);
    let mut calendar: Vec<usize> = site.events_current.clone();
    calendar.extend(site.events_past.iter().copied().filter(|&i| {
        site.pages[i]
            .event
            .as_ref()
            .is_some_and(|e| e.start.timestamp() >= recent)
    }));
    calendar
        .sort_by_cached_key(|&i| (site.pages[i].event.as_ref().map(|e| e.start.timestamp()), i));
    let mut parts = vec![global, 12];
    parts.extend(calendar.iter().flat_map(|&i| [i as u64, cards[i]]));
    ics.push(out.make(
        "events/calendar.ics".to_string(),
        fingerprint::combine(&parts),
        &|| crate::render::ics::calendar(site, &calendar, &format!("{} 活动", site.config.title)),
    ));
    ics
}

/// Feeds, the sitemap (of the HTML pages at `html_paths`, each given as its folder),
/// robots.txt and the 404 page.
fn site_files(
    out: &Outputs<'_>,
    site: &Site,
    cards: &[u64],
    global: u64,
    site_value: &Value,
    mut html_paths: Vec<&str>,
) -> Vec<Made> {
    let mut feeds = Vec::new();
    for job in feeds::feed_jobs(site) {
        let mut parts = vec![global, fingerprint::of(job.path)];
        for &i in &job.entries {
            parts.push(cards[i]);
            parts.push(site.html_fp[i]);
        }
        if let Some(m) = out.render(
            "atom.xml",
            job.path,
            Some(fingerprint::combine(&parts)),
            &|| feeds::feed_context(site, site_value, &job),
        ) {
            feeds.push(m);
        }
    }
    let ctx = context! {
        site => site_value.clone(),
        nav_active => -1,
        current_path => "404.html",
        pub_date => context::newest_pub_date(site, 0..site.pages.len()),
    };
    out.render("404.html", "404.html", None, &|| ctx.clone());
    html_paths.par_sort_unstable();
    // The sitemap shows paths and dates only.
    let mut sitemap_parts = vec![global, fingerprint::of(&html_paths)];
    sitemap_parts.extend(site.pages.iter().map(|p| {
        fingerprint::of(&(
            p.updated.as_ref().map(|d| d.timestamp().as_second()),
            p.date.as_ref().map(|d| d.timestamp().as_second()),
        ))
    }));
    let sitemap_fp = fingerprint::combine(&sitemap_parts);
    let mut sitemap = None;
    if let Some(m) = out.render("sitemap.xml", "sitemap.xml", Some(sitemap_fp), &|| {
        feeds::sitemap_context(site, site_value, &html_paths)
    }) {
        sitemap = Some(m);
    }
    feeds.extend(sitemap);
    let ctx = context! { site => site_value.clone(), sitemap_url => site.config.permalink("sitemap.xml") };
    out.render("robots.txt", "robots.txt", None, &|| ctx.clone());
    feeds
}

/// Remember this build's outputs, in place (most entries are unchanged). Entries of outputs
/// that are gone do no harm (a path is only looked up when it is made again, with its
/// fingerprint); they are dropped when they pile up.
fn remember_outputs(memo: &mut FastMap<String, (u64, Blob)>, made: Vec<Made>, keep: bool) {
    if !keep {
        // Nothing to remember.
    } else if memo.len() > made.len() * 2 + 100 {
        *memo = made
            .into_iter()
            .map(|m| (m.path, (m.fp, m.bytes)))
            .collect();
    } else {
        // A reused output is in the memo already, with the same fingerprint.
        for m in made.into_iter().filter(|m| m.fresh) {
            memo.insert(m.path, (m.fp, m.bytes));
        }
    }
}

mod feeds;
