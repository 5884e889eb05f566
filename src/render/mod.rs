//! Render step: the linked site + the theme → an [`OutputSet`] (path → bytes). minijinja with
//! HTML autoescape (templates are `.html`/`.xml`), semi-strict undefined handling (printing an
//! undefined variable is an error; testing it in `{% if %}` is allowed), debug info on, and
//! every template compiled up front so all syntax errors are reported together. Pages are
//! rendered in parallel; output order never depends on threads because the set is sorted.

pub mod calendar;
pub mod context;
mod embedded;
pub mod filters;
pub mod theme;

use std::collections::BTreeMap;

use crate::fingerprint::{FastMap, FastSet};
use std::sync::{Arc, Mutex};

use minijinja::value::{Serde, Value};
use minijinja::{Environment, ErrorKind, UndefinedBehavior, context};
use rayon::prelude::*;

use crate::content::Kind;
use crate::diag::Diagnostic;
use crate::fingerprint;
use crate::output::{Blob, Sink};
use crate::site::{ListKind, ListPage, Site};
use context::{LinkVm, TagCountVm, card_vm, page_vm, paginator_vm, site_vm};
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

/// Problems found while rendering, de-duplicated: one template mistake that breaks 500 pages
/// is reported once.
struct Problems {
    seen: Mutex<BTreeMap<ProblemKey, (Diagnostic, usize)>>,
}

/// (file, line, message) of a template problem.
type ProblemKey = (String, usize, String);

impl Problems {
    fn add(&self, d: Diagnostic) {
        let key = (
            d.file.clone().unwrap_or_default(),
            d.line.unwrap_or(0),
            d.message.clone(),
        );
        if let Ok(mut m) = self.seen.lock() {
            m.entry(key).or_insert((d, 0)).1 += 1;
        }
    }

    fn into_diags(self) -> Vec<Diagnostic> {
        let m = self.seen.into_inner().unwrap_or_default();
        m.into_values()
            .map(|(mut d, n)| {
                if n > 1 {
                    d.data_mut().message.push_str(&format!("（共 {n} 个页面）"));
                }
                d
            })
            .collect()
    }
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
            "检查 {{ }} 和 {% %} 是否成对，{% if %}/{% for %}/{% block %} 是否都有对应的 end。".to_string(),
        ),
        ErrorKind::UndefinedError => (
            match &expr {
                Some(e) => format!("模板用了不存在的变量 “{e}”"),
                None => "模板用了不存在的变量".to_string(),
            },
            "检查变量名的拼写；可用的变量见 README 的“模板变量”一节。可能不存在的值请先用 {% if … %} 判断。".to_string(),
        ),
        ErrorKind::TemplateNotFound => (
            format!("找不到模板：{detail}"),
            "模板放在 themes/主题名/templates/ 下；检查 extends/include 里的文件名。".to_string(),
        ),
        _ => (
            format!("模板出错：{}{}", kind_zh(err.kind()), if detail.is_empty() { String::new() } else { format!("：{detail}") }),
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
            return out
                .write_str(&crate::text::escape_html(s))
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
    cards: FastMap<String, Card>,
    outputs: FastMap<String, (u64, Blob)>,
}

/// A page's card, with the fingerprint of its inputs and of what it shows.
struct Card {
    input: u64,
    content: u64,
    value: Value,
}

/// Fingerprint of the card of page `i`: its file, and what the link step decided about it.
fn card_fp(site: &Site, i: usize) -> u64 {
    let p = &site.pages[i];
    let status = site.event_status.get(&i).map_or(0, |s| *s as u64 + 1);
    let (series, pos, total, series_title) = match site.lesson_pos.get(&i) {
        Some(&(si, pos)) => (
            si as u64 + 1,
            pos as u64,
            site.series[si].lessons.len() as u64,
            fingerprint::of(&site.series[si].title),
        ),
        None => (0, 0, 0, 0),
    };
    fingerprint::combine(&[
        p.fp,
        status,
        series,
        pos,
        total,
        series_title,
        fingerprint::of(&site.covers[i]),
    ])
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

/// The `PubDate` of a list page: the newest of the pages it shows.
fn list_pub_date(site: &Site, l: &ListPage) -> Option<String> {
    let lessons = || site.series.iter().flat_map(|s| s.lessons.iter().copied());
    let shown: Vec<usize> = match &l.kind {
        ListKind::Home => site
            .articles
            .iter()
            .take(6)
            .chain(site.events_current.iter().take(5))
            .copied()
            .chain(lessons())
            .collect(),
        ListKind::LessonsIndex => lessons().collect(),
        ListKind::TagsIndex => site
            .tags
            .iter()
            .flat_map(|t| t.pages.iter().copied())
            .collect(),
        ListKind::Events if l.number == 1 => l
            .items
            .iter()
            .chain(&site.events_current)
            .copied()
            .collect(),
        _ => l.items.clone(),
    };
    context::newest_pub_date(site, shown)
}

/// Fingerprint of a list page: its place, its date and the cards it shows.
fn list_fp(site: &Site, l: &ListPage, cards: &[u64], compact: &[u64], global: u64) -> u64 {
    let mut parts = vec![
        fingerprint::of(&list_pub_date(site, l)),
        global,
        fingerprint::of(&l.path),
        l.number as u64,
        l.total as u64,
        l.paths_fp,
    ];
    // A tag page lists titles and dates only.
    let shown = if matches!(l.kind, ListKind::Tag(_)) {
        compact
    } else {
        cards
    };
    parts.extend(l.items.iter().map(|&i| shown[i]));
    let all_series = |parts: &mut Vec<u64>| {
        for s in &site.series {
            parts.push(fingerprint::of(&s.path));
            parts.extend(s.lessons.iter().map(|&i| cards[i]));
        }
    };
    match &l.kind {
        ListKind::Home => {
            parts.extend(site.articles.iter().take(6).map(|&i| cards[i]));
            parts.extend(site.events_current.iter().take(5).map(|&i| cards[i]));
            all_series(&mut parts);
        }
        ListKind::Events | ListKind::EventsYear(_) => {
            if l.number == 1 {
                parts.extend(site.events_current.iter().map(|&i| cards[i]));
            }
            for x in &site.lists {
                if let ListKind::EventsYear(y) = x.kind {
                    parts.push(y as u64);
                }
            }
        }
        ListKind::EventsCalendar => {
            parts.push(fingerprint::of(&site.now.date().to_string()));
        }
        ListKind::LessonsIndex => all_series(&mut parts),
        ListKind::TagsIndex => {
            for t in &site.tags {
                parts.push(fingerprint::of(&t.name));
                parts.push(t.pages.len() as u64);
            }
        }
        _ => {}
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
    let problems = Problems {
        seen: Mutex::new(BTreeMap::new()),
    };
    let io_error: Mutex<Option<std::io::Error>> = Mutex::new(None);
    let counts = Mutex::new((0usize, 0usize));
    let site_value = Value::from(Serde(site_vm(site)));

    let keep = memo.keep;
    // Cards, reused while their inputs hold. Lists depend on what a card shows, so an edit
    // that does not change it (most of a body) re-renders no list.
    let inputs: Vec<u64> = (0..site.pages.len()).map(|i| card_fp(site, i)).collect();
    let old_cards = &memo.cards;
    let fresh: Vec<Option<(u64, Value)>> = (0..site.pages.len())
        .into_par_iter()
        .map(|i| match old_cards.get(&site.pages[i].source) {
            Some(c) if c.input == inputs[i] => None,
            _ => {
                let vm = card_vm(site, i);
                // Only rebuilds compare cards by what they show.
                let content = if keep {
                    fingerprint::of(&serde_json::to_string(&vm).unwrap_or_default())
                } else {
                    inputs[i]
                };
                Some((content, Value::from(Serde(vm))))
            }
        })
        .collect();
    let mut cards: Vec<u64> = Vec::with_capacity(site.pages.len());
    let mut card_values: Vec<Value> = Vec::with_capacity(site.pages.len());
    for (i, f) in fresh.iter().enumerate() {
        match (f, old_cards.get(&site.pages[i].source)) {
            (Some((content, value)), _) => {
                cards.push(*content);
                card_values.push(value.clone());
            }
            (None, Some(c)) => {
                cards.push(c.content);
                card_values.push(c.value.clone());
            }
            (None, None) => {
                cards.push(inputs[i]);
                card_values.push(Value::from(Serde(card_vm(site, i))));
            }
        }
    }
    // What a tag page shows of each page: title, kind and date.
    let compact: Vec<u64> = site
        .pages
        .iter()
        .map(|p| {
            fingerprint::of(&(
                &p.title,
                &p.path,
                p.kind,
                p.date.as_ref().map(|d| d.timestamp().as_second()),
            ))
        })
        .collect();

    let put = |path: &str, bytes: Blob| {
        let len = bytes.len();
        match sink.put(path, bytes) {
            Ok(()) => {
                if let Ok(mut c) = counts.lock() {
                    c.0 += 1;
                    c.1 += len;
                }
            }
            Err(e) => {
                if let Ok(mut slot) = io_error.lock() {
                    slot.get_or_insert(e);
                }
            }
        }
    };
    let old_outputs = &memo.outputs;
    // Render one output into the sink unless the previous build made it from the same
    // inputs; returns the output (for the memo) on success.
    let render_one = |template: &str,
                      path: &str,
                      fp: Option<u64>,
                      ctx: &dyn Fn() -> Value|
     -> Option<(String, u64, Blob)> {
        if let Some(fp) = fp
            && let Some((old, blob)) = old_outputs.get(path)
            && *old == fp
        {
            put(path, blob.clone());
            return Some((path.to_string(), fp, blob.clone()));
        }
        let result = env.get_template(template).and_then(|t| t.render(ctx()));
        match result {
            Ok(s) => {
                let blob: Blob = Arc::from(s.into_bytes());
                put(path, blob.clone());
                // A one-off build keeps no copy (only the path, for the sitemap).
                let kept: Blob = if keep { blob } else { Arc::from(&b""[..]) };
                fp.map(|fp| (path.to_string(), fp, kept))
            }
            Err(e) => {
                problems.add(template_diag(&e, theme, Some(&format!("/{path}"))));
                None
            }
        }
    };

    // Content pages.
    let mut made: Vec<(String, u64, Blob)> = (0..site.pages.len())
        .into_par_iter()
        .flat_map_iter(|i| {
            let p = &site.pages[i];
            let template = match p.kind {
                Kind::Article => "article.html",
                Kind::Event => "event.html",
                Kind::Lesson => "lesson.html",
                Kind::Page => "page.html",
            };
            let fp = page_fp(site, i, &cards, global);
            let page = render_one(template, &html_path(&p.path), Some(fp), &|| {
                context! {
                    site => site_value.clone(),
                    page => Value::from(Serde(page_vm(site, i, card_vm(site, i)))),
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
                render_one(t, &path, Some(fingerprint::combine(&[fp, 7])), &|| {
                    let mut vm = page_vm(site, i, card_vm(site, i));
                    vm.qr_svg = crate::qr::qr_svg(
                        &vm.card.permalink,
                        &format!("“{}”的网址二维码", p.title),
                    );
                    context! {
                        site => site_value.clone(),
                        page => Value::from(Serde(vm)),
                        nav_active => nav_active(site, &p.path),
                        current_path => p.path.clone(),
                    }
                })
            });
            page.into_iter().chain(print)
        })
        .collect();

    // Calendar files: one per event and one for the site (coming and recent events). What
    // a calendar entry says is what the event's card shows, so the card's fingerprint
    // tells whether it must be written again.
    let make_ics = |path: String, fp: u64, make: &dyn Fn() -> String| -> (String, u64, Blob) {
        if let Some((old, blob)) = old_outputs.get(&path)
            && *old == fp
        {
            put(&path, blob.clone());
            return (path, fp, blob.clone());
        }
        let blob: Blob = Arc::from(make().into_bytes());
        put(&path, blob.clone());
        let kept: Blob = if keep { blob } else { Arc::from(&b""[..]) };
        (path, fp, kept)
    };
    let ics: Vec<(String, u64, Blob)> = site
        .pages
        .par_iter()
        .enumerate()
        .filter(|(_, p)| p.event.is_some())
        .map(|(i, p)| {
            make_ics(
                context::ics_path(&p.path),
                fingerprint::combine(&[global, cards[i], 11]),
                &|| crate::ics::calendar(site, &[i], &p.title),
            )
        })
        .collect();
    made.extend(ics);
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
    made.push(make_ics(
        "events/calendar.ics".to_string(),
        fingerprint::combine(&parts),
        &|| crate::ics::calendar(site, &calendar, &format!("{} 活动", site.config.title)),
    ));

    // Lists.
    made.par_extend(site.lists.par_iter().filter_map(|l| {
        let fp = list_fp(site, l, &cards, &compact, global);
        let template = list_template(&l.kind);
        render_one(template, &html_path(&l.path), Some(fp), &|| {
            list_context(site, l, &site_value, &card_values).1
        })
    }));

    // Other steps' pages (statute library).
    if let Some(extra) = extra {
        let jobs = extra.jobs(site, &cards, global);
        made.par_extend(jobs.into_par_iter().filter_map(|(path, template, fp)| {
            render_one(&template, &path, Some(fp), &|| {
                extra
                    .context(site, &site_value, &path)
                    .unwrap_or(Value::UNDEFINED)
            })
        }));
    }

    // Feeds, sitemap, robots, 404.
    for job in feeds::feed_jobs(site) {
        let mut parts = vec![global, fingerprint::of(job.path)];
        for &i in &job.entries {
            parts.push(cards[i]);
            parts.push(site.html_fp[i]);
        }
        if let Some(m) = render_one(
            "atom.xml",
            job.path,
            Some(fingerprint::combine(&parts)),
            &|| feeds::feed_context(site, &site_value, &job),
        ) {
            made.push(m);
        }
    }
    let ctx = context! {
        site => site_value.clone(),
        nav_active => -1,
        current_path => "404.html",
        pub_date => context::newest_pub_date(site, 0..site.pages.len()),
    };
    render_one("404.html", "404.html", None, &|| ctx.clone());
    let mut html_paths: Vec<String> = made
        .iter()
        .filter_map(|(p, _, _)| p.strip_suffix("index.html").map(str::to_string))
        .collect();
    html_paths.sort();
    // The sitemap shows paths and dates only.
    let mut sitemap_parts = vec![global, fingerprint::of(&html_paths)];
    sitemap_parts.extend(site.pages.iter().map(|p| {
        fingerprint::of(&(
            p.updated.as_ref().map(|d| d.timestamp().as_second()),
            p.date.as_ref().map(|d| d.timestamp().as_second()),
        ))
    }));
    let sitemap_fp = fingerprint::combine(&sitemap_parts);
    if let Some(m) = render_one("sitemap.xml", "sitemap.xml", Some(sitemap_fp), &|| {
        feeds::sitemap_context(site, &site_value, &html_paths)
    }) {
        made.push(m);
    }
    let ctx = context! { site => site_value.clone(), sitemap_url => site.config.permalink("sitemap.xml") };
    render_one("robots.txt", "robots.txt", None, &|| ctx.clone());

    // Files copied as they are.
    let copies: Vec<(&String, &Blob)> = theme
        .static_files
        .iter()
        .chain(site.assets.iter())
        .collect();
    copies
        .par_iter()
        .for_each(|(path, bytes)| put(path, (*bytes).clone()));

    // Remember this build, in place (most entries are unchanged). Entries of outputs that
    // are gone do no harm (a path is only looked up when it is made again, with its
    // fingerprint); they are dropped when they pile up.
    if !keep {
        // Nothing to remember.
    } else if memo.outputs.len() > made.len() * 2 + 100 {
        memo.outputs = made.into_iter().map(|(p, fp, b)| (p, (fp, b))).collect();
    } else {
        for (p, fp, b) in made {
            if memo.outputs.get(&p).is_none_or(|(old, _)| *old != fp) {
                memo.outputs.insert(p, (fp, b));
            }
        }
    }
    for (i, f) in fresh.into_iter().enumerate().filter(|_| keep) {
        if let Some((content, value)) = f {
            memo.cards.insert(
                site.pages[i].source.clone(),
                Card {
                    input: inputs[i],
                    content,
                    value,
                },
            );
        }
    }
    if memo.cards.len() != site.pages.len() {
        let live: FastSet<&str> = site.pages.iter().map(|p| p.source.as_str()).collect();
        memo.cards.retain(|k, _| live.contains(k.as_str()));
    }

    let (files, bytes) = counts.into_inner().unwrap_or_default();
    Rendered {
        files,
        bytes,
        diagnostics: problems.into_diags(),
        io_error: io_error.into_inner().unwrap_or_default(),
    }
}

/// The template of each kind of list page.
fn list_template(kind: &ListKind) -> &'static str {
    match kind {
        ListKind::Home => "index.html",
        ListKind::Articles => "articles.html",
        ListKind::Events => "events.html",
        ListKind::LessonsIndex => "lessons.html",
        ListKind::Series(_) => "series.html",
        ListKind::TagsIndex => "tags.html",
        ListKind::Tag(_) => "tag.html",
        ListKind::EventsCalendar => "events_calendar.html",
        ListKind::EventsYear(_) => "events_year.html",
    }
}

fn list_context(
    site: &Site,
    l: &ListPage,
    site_value: &Value,
    card_values: &[Value],
) -> (&'static str, Value) {
    let c = &site.config;
    let items: Vec<Value> = l.items.iter().map(|&i| card_values[i].clone()).collect();
    let paginator = Value::from(Serde(paginator_vm(c, l.number, &l.page_paths)));
    let section = |dir: &str| site.sections.get(dir).cloned().unwrap_or_default();
    let base = |title: String, dir: &str| {
        let s = section(dir);
        context! {
            title => title,
            description => s.description,
            intro => s.intro_html,
            url => c.link(&l.path),
            permalink => c.permalink(&l.path),
            number => l.number,
            total => l.total,
        }
    };
    let nav = nav_active(site, &l.path);
    let pub_date = list_pub_date(site, l);
    let series_vm = |si: usize| {
        let s = &site.series[si];
        let lessons: Vec<Value> = s.lessons.iter().map(|&i| card_values[i].clone()).collect();
        context! {
            title => s.title.clone(),
            url => c.link(&s.path),
            description => s.description.clone(),
            intro => s.intro_html.clone(),
            count => s.lessons.len(),
            lessons => lessons,
        }
    };
    match &l.kind {
        ListKind::Home => {
            let latest: Vec<Value> = site
                .articles
                .iter()
                .take(6)
                .map(|&i| card_values[i].clone())
                .collect();
            let upcoming: Vec<Value> = site
                .events_current
                .iter()
                .take(5)
                .map(|&i| card_values[i].clone())
                .collect();
            let series: Vec<Value> = (0..site.series.len()).map(series_vm).collect();
            let home = section("");
            (
                "index.html",
                context! {
                    site => site_value.clone(),
                    list => base(home.title.clone(), ""),
                    pub_date => pub_date.clone(),
                    intro => home.intro_html,
                    latest_articles => latest,
                    upcoming_events => upcoming,
                    series => series,
                    nav_active => nav,
                    current_path => l.path.clone(),
                },
            )
        }
        ListKind::Articles => (
            "articles.html",
            context! {
                site => site_value.clone(),
                list => base(section("articles").title, "articles"),
                pub_date => pub_date.clone(),
                items => items,
                paginator => paginator,
                feed_url => c.link("articles/atom.xml"),
                nav_active => nav,
                current_path => l.path.clone(),
            },
        ),
        ListKind::Events => {
            let current: Vec<Value> = if l.number == 1 {
                site.events_current
                    .iter()
                    .map(|&i| card_values[i].clone())
                    .collect()
            } else {
                vec![]
            };
            (
                "events.html",
                context! {
                    site => site_value.clone(),
                    list => base(section("events").title, "events"),
                    pub_date => pub_date.clone(),
                    current_events => current,
                    past_events => items,
                    paginator => paginator,
                    feed_url => c.link("events/atom.xml"),
                    calendar_url => c.link("events/calendar/"),
                    ics_url => c.link("events/calendar.ics"),
                    years => event_years(site),
                    nav_active => nav,
                    current_path => l.path.clone(),
                },
            )
        }
        ListKind::LessonsIndex => {
            let series: Vec<Value> = (0..site.series.len()).map(series_vm).collect();
            (
                "lessons.html",
                context! {
                    site => site_value.clone(),
                    list => base(section("lessons").title, "lessons"),
                    pub_date => pub_date.clone(),
                    series => series,
                    feed_url => c.link("lessons/atom.xml"),
                    nav_active => nav,
                    current_path => l.path.clone(),
                },
            )
        }
        ListKind::Series(si) => {
            let s = series_vm(*si);
            let dir = format!("lessons/{}", site.series[*si].dir);
            (
                "series.html",
                context! {
                    site => site_value.clone(),
                    list => base(site.series[*si].title.clone(), &dir),
                    pub_date => pub_date.clone(),
                    series => s,
                    items => items,
                    column => Value::from(Serde(LinkVm { title: section("lessons").title, url: c.link("lessons/") })),
                    nav_active => nav,
                    current_path => l.path.clone(),
                },
            )
        }
        ListKind::TagsIndex => {
            let tags: Vec<TagCountVm> = site
                .tags
                .iter()
                .map(|t| TagCountVm {
                    name: t.name.clone(),
                    url: c.link(&format!("tags/{}/", t.slug)),
                    count: t.pages.len(),
                })
                .collect();
            (
                "tags.html",
                context! {
                    site => site_value.clone(),
                    list => base(section("tags").title, "tags"),
                    pub_date => pub_date.clone(),
                    tags => Value::from(Serde(tags)),
                    nav_active => nav,
                    current_path => l.path.clone(),
                },
            )
        }
        ListKind::Tag(ti) => {
            let t = &site.tags[*ti];
            (
                "tag.html",
                context! {
                    site => site_value.clone(),
                    list => base(format!("标签：{}", t.name), "tags"),
                    pub_date => pub_date.clone(),
                    tag => context! { name => t.name.clone(), url => c.link(&format!("tags/{}/", t.slug)), count => t.pages.len() },
                    items => items,
                    paginator => paginator,
                    tags_url => c.link("tags/"),
                    nav_active => nav,
                    current_path => l.path.clone(),
                },
            )
        }
        ListKind::EventsCalendar => {
            let months = calendar::months(site);
            (
                "events_calendar.html",
                context! {
                    site => site_value.clone(),
                    list => base("活动日历".to_string(), "events"),
                    pub_date => pub_date.clone(),
                    months => Value::from(Serde(months)),
                    events_url => c.link("events/"),
                    ics_url => c.link("events/calendar.ics"),
                    nav_active => nav,
                    current_path => l.path.clone(),
                },
            )
        }
        ListKind::EventsYear(year) => (
            "events_year.html",
            context! {
                site => site_value.clone(),
                list => base(format!("{year}年的活动"), "events"),
                pub_date => pub_date.clone(),
                year => *year,
                items => items,
                years => event_years(site),
                events_url => c.link("events/"),
                nav_active => nav,
                current_path => l.path.clone(),
            },
        ),
    }
}

mod feeds;

/// The years with an archive page of past events, newest first: `[{year, url}]`.
fn event_years(site: &Site) -> Value {
    let years: Vec<Value> = site
        .lists
        .iter()
        .filter_map(|l| match l.kind {
            ListKind::EventsYear(y) => {
                Some(context! { year => y, url => site.config.link(&l.path) })
            }
            _ => None,
        })
        .collect();
    Value::from(years)
}
