//! The pipeline in one function: sources (already read) → parse → link → render → an
//! [`OutputSet`]. `build`, `check` and `serve` are three sinks of this one function.

use crate::fingerprint::{FastMap, FastSet};
use std::borrow::Cow;
use std::sync::Arc;

use jiff::{Timestamp, ZonedDateTime};
use rayon::prelude::*;

use crate::config::{Config, Overrides, parse_config};
use crate::content::page::{Page, Parsed, SectionIndex};
use crate::content::parse::{is_statute_file, parse_file};
use crate::content::source::{SiteSources, TextFile};
use crate::dates::parse_datetime;
use crate::diag::{Diagnostic, sort_and_dedup};
use crate::fingerprint;
use crate::output::Sink;
use crate::render::RenderMemo;
use crate::render::laws::LawPages;
use crate::render::theme::{Theme, resolve_theme};
use crate::site::{BuildOptions, LinkInput, LinkMemo, Site, link};
use crate::statute::LawLibrary;
use crate::statute::parse::{LawFile, parse_law_file};

/// "Now" for a build: a fixed instant, or a date-time written by the user (read in the
/// site's time zone when it has no offset).
#[derive(Debug, Clone)]
pub enum Now {
    At(Timestamp),
    Written(String),
}

/// Settings of a build that come from the command line.
#[derive(Debug, Clone)]
pub struct Settings {
    pub drafts: bool,
    pub now: Now,
    pub overrides: Overrides,
}

/// What a build produced (the files themselves went to the sink).
#[derive(Debug, Default)]
pub struct Build {
    /// Every error and warning, sorted by file and line.
    pub diagnostics: Vec<Diagnostic>,
    /// Counts for the summary line.
    pub stats: Stats,
    /// Writing to the sink failed; the output is unusable.
    pub io_error: Option<std::io::Error>,
}

#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub pages: usize,
    pub files: usize,
    pub bytes: usize,
}

impl Build {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The output in the sink is complete and may be used.
    pub fn succeeded(&self) -> bool {
        !self.has_errors() && self.io_error.is_none()
    }
}

fn finish(mut diagnostics: Vec<Diagnostic>, stats: Stats) -> Build {
    sort_and_dedup(&mut diagnostics);
    Build {
        diagnostics,
        stats,
        io_error: None,
    }
}

fn resolve_now(now: &Now, config: &Config) -> Result<ZonedDateTime, Diagnostic> {
    match now {
        Now::At(ts) => Ok(ts.to_zoned_datetime(config.timezone.clone())),
        Now::Written(s) => parse_datetime(s, &config.timezone).map_err(|why| {
            Diagnostic::error(format!("命令行参数 --now 写得不对：{why}"))
                .with_hint(format!("写法：{}", crate::dates::DATE_FORMS))
        }),
    }
}

/// What a series of builds of one site (`serve`, `build --watch`) keeps from one to the
/// next, so a rebuild re-does only the work an edit invalidates. The result is always the
/// same as a fresh build: every stage still runs, but reuses the values of inputs whose
/// fingerprints did not change.
#[derive(Default)]
pub struct Memo {
    /// Keep results for the next build (`serve`, `build --watch`); a one-off build keeps
    /// nothing, so its memory is freed as it goes.
    keep: bool,
    /// Content file → (its text, the context it was parsed in, the result).
    parsed: FastMap<String, ParsedEntry>,
    /// The statute library, by fingerprint of the law files and the aliases.
    laws: Option<LawsEntry>,
    link: LinkMemo,
    render: RenderMemo,
}

type ParsedEntry = (Arc<str>, u64, Option<Parsed>, Arc<[Diagnostic]>);

struct LawsEntry {
    fp: u64,
    library: Arc<LawLibrary>,
    pages: Arc<Vec<(String, FastSet<String>)>>,
    diags: Vec<Diagnostic>,
}

impl Memo {
    /// A memo for a series of builds of one site.
    pub fn for_rebuilds() -> Self {
        let mut m = Memo {
            keep: true,
            ..Default::default()
        };
        m.link.keep = true;
        m.render.keep = true;
        m
    }
}

/// Run the whole pipeline on sources that were read from disk (or kept in memory).
pub fn build(sources: &SiteSources, settings: &Settings, sink: &dyn Sink) -> Build {
    build_with(sources, settings, sink, &mut Memo::default())
}

/// [`build`], reusing what `memo` kept from the previous build of the same site.
pub fn build_with(
    sources: &SiteSources,
    settings: &Settings,
    sink: &dyn Sink,
    memo: &mut Memo,
) -> Build {
    run(
        sources,
        Cow::Borrowed(&sources.markdown),
        settings,
        sink,
        memo,
    )
}

/// A one-off [`build`] that takes the sources: the text of each Markdown file is freed as
/// soon as nothing needs it any more (after the link step), rather than kept to the end
/// (32 MiB of a 10,000-page site).
pub fn build_owned(mut sources: SiteSources, settings: &Settings, sink: &dyn Sink) -> Build {
    let markdown = std::mem::take(&mut sources.markdown);
    run(
        &sources,
        Cow::Owned(markdown),
        settings,
        sink,
        &mut Memo::default(),
    )
}

/// The pipeline; `markdown` are the sources' Markdown files, dropped after parsing.
fn run(
    sources: &SiteSources,
    markdown: Cow<'_, [TextFile]>,
    settings: &Settings,
    sink: &dyn Sink,
    memo: &mut Memo,
) -> Build {
    let mut clock = crate::timings::Phase::start();
    let mut diags: Vec<Diagnostic> = sources.problems.values().cloned().collect();
    let Some(config_file) = &sources.config else {
        return finish(diags, Stats::default());
    };
    let config = match parse_config(&config_file.text, &settings.overrides) {
        Ok(c) => c,
        Err(d) => {
            diags.extend(d);
            return finish(diags, Stats::default());
        }
    };
    let now = match resolve_now(&settings.now, &config) {
        Ok(n) => n,
        Err(d) => {
            diags.push(d);
            return finish(diags, Stats::default());
        }
    };
    let theme = match resolve_theme(sources, &config) {
        Ok(t) => t,
        Err(d) => {
            diags.extend(d);
            return finish(diags, Stats::default());
        }
    };

    // Parse: the statute library first (citations in pages are checked against it).
    let laws_fp = laws_fingerprint(&markdown, &config);
    if memo.laws.as_ref().is_none_or(|l| l.fp != laws_fp) {
        memo.laws = Some(parse_laws(&markdown, &config, laws_fp));
    }
    let Some(laws) = memo.laws.as_ref() else {
        return finish(diags, Stats::default());
    };
    let library = laws.library.clone();
    let law_page_ids = laws.pages.clone();
    diags.extend(laws.diags.iter().cloned());
    clock.done("config, theme, laws");
    // Pages: a file whose text and parse context are unchanged is not parsed again.
    let context_fp = fingerprint::combine(&[fingerprint::of(&*config_file.text), laws_fp]);
    let (pages, sections, failed) = parse_pages(
        sources, &markdown, &config, &library, context_fp, memo, &mut diags,
    );
    // The pages hold what they need of their files' text.
    drop(markdown);
    let page_count = pages.len();
    clock.done("parse");

    // Link.
    let other_paths = other_paths(sources, &theme, &law_page_ids);
    let opts = BuildOptions {
        drafts: settings.drafts,
        now,
    };
    let input = LinkInput {
        config,
        pages,
        sections,
        assets: &sources.assets,
        other_paths,
        other_ids: law_page_ids.clone(),
        failed,
        link_context: fingerprint::of(&*config_file.text),
        other_fp: laws_fp,
    };
    let (site, link_diags) = link(input, &opts, &mut memo.link);
    diags.extend(link_diags);
    clock.done("link");
    let Some(site) = site else {
        return finish(
            diags,
            Stats {
                pages: page_count,
                ..Default::default()
            },
        );
    };
    if diags.iter().any(Diagnostic::is_error) {
        return finish(
            diags,
            Stats {
                pages: page_count,
                ..Default::default()
            },
        );
    }
    // Render.
    let page_count = site.pages.len();
    let law_pages = LawPages::new(&library);
    let global_fp = fingerprint::combine(&[
        fingerprint::of(&*config_file.text),
        theme.fingerprint(),
        laws_fp,
        fingerprint::of(&site.config.menu),
        fingerprint::of(&site.now.year()),
        sections_fp(&site),
    ]);
    let rendered = crate::render::render(
        &site,
        &theme,
        Some(&law_pages),
        sink,
        &mut memo.render,
        global_fp,
    );
    diags.extend(rendered.diagnostics);
    clock.done("render and write");
    let mut build = finish(
        diags,
        Stats {
            pages: page_count,
            files: rendered.files,
            bytes: rendered.bytes,
        },
    );
    build.io_error = rendered.io_error;
    clock.done("sort diagnostics");
    // Freeing ten thousand pages takes milliseconds that nobody needs to wait for.
    std::thread::spawn(move || drop(site));
    build
}

/// Fingerprint of the statute library's files and the aliases of site.yaml.
fn laws_fingerprint(markdown: &[TextFile], config: &Config) -> u64 {
    let mut parts = vec![fingerprint::of(&config.laws.aliases)];
    for f in markdown.iter().filter(|f| is_statute_file(&f.rel)) {
        parts.push(fingerprint::of(&f.rel));
        parts.push(fingerprint::of(&*f.text));
    }
    fingerprint::combine(&parts)
}

/// Parse the statute library (in parallel) and index it.
fn parse_laws(markdown: &[TextFile], config: &Config, fp: u64) -> LawsEntry {
    let law_files: Vec<(Option<LawFile>, Vec<Diagnostic>)> = markdown
        .par_iter()
        .filter(|f| is_statute_file(&f.rel))
        .map(|f| parse_law_file(&f.rel, &f.text))
        .collect();
    let mut files = Vec::new();
    let mut law_diags = Vec::new();
    for (f, d) in law_files {
        law_diags.extend(d);
        files.extend(f);
    }
    let (library, d) = LawLibrary::new(files, &config.laws.aliases);
    law_diags.extend(d);
    LawsEntry {
        fp,
        pages: Arc::new(library.pages()),
        library: Arc::new(library),
        diags: law_diags,
    }
}

/// Parse the content files, reusing the previous result of a file whose text and parse
/// context are unchanged. Returns the pages, the section indexes, and the files with errors
/// of their own (links to them are not reported a second time).
fn parse_pages(
    sources: &SiteSources,
    markdown: &[TextFile],
    config: &Config,
    library: &LawLibrary,
    context_fp: u64,
    memo: &mut Memo,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Arc<Page>>, Vec<Arc<SectionIndex>>, FastSet<String>) {
    let cache = &memo.parsed;
    type Fresh<'s> = (&'s str, Option<Parsed>, Arc<[Diagnostic]>, Option<Arc<str>>);
    let parsed: Vec<Fresh<'_>> = markdown
        .par_iter()
        .filter(|f| !is_statute_file(&f.rel))
        .map(|f| match cache.get(&f.rel) {
            Some((text, ctx, p, d)) if Arc::ptr_eq(text, &f.text) && *ctx == context_fp => {
                (f.rel.as_str(), p.clone(), d.clone(), None)
            }
            _ => {
                let (p, d) = parse_file(&f.rel, &f.text, config, Some(library));
                (f.rel.as_str(), p, Arc::from(d), Some(f.text.clone()))
            }
        })
        .collect();
    // Update the cache in place: new results in, files that are gone out.
    let cache = &mut memo.parsed;
    if cache.len() != parsed.len() || parsed.iter().any(|x| x.3.is_some()) {
        let live: FastSet<&str> = parsed.iter().map(|x| x.0).collect();
        cache.retain(|k, _| live.contains(k.as_str()));
    }
    for (rel, p, d, text) in parsed.iter().filter(|_| memo.keep) {
        if let Some(text) = text {
            cache.insert(
                (*rel).to_string(),
                (text.clone(), context_fp, p.clone(), d.clone()),
            );
        }
    }
    let mut pages = Vec::new();
    let mut sections = Vec::new();
    let mut failed: FastSet<String> = sources
        .problems
        .iter()
        .filter(|(_, d)| d.is_error())
        .map(|(r, _)| r.clone())
        .collect();
    for (rel, p, d, _) in parsed {
        diags.extend(d.iter().cloned());
        match p {
            Some(Parsed::Page(p)) => pages.push(p),
            Some(Parsed::Section(s)) => sections.push(s),
            None => {
                failed.insert(rel.to_string());
            }
        }
    }
    (pages, sections, failed)
}

/// Site paths of the files the build makes besides pages and lists, each with where it
/// comes from (for duplicate messages).
fn other_paths(
    sources: &SiteSources,
    theme: &Theme,
    law_page_ids: &[(String, FastSet<String>)],
) -> Vec<(String, String)> {
    let mut other_paths: Vec<(String, String)> = Vec::new();
    for p in theme.static_files.keys() {
        let from_site = sources
            .static_files
            .iter()
            .any(|f| f.rel == format!("static/{p}"));
        let what = if from_site {
            format!("文件 static/{p}")
        } else {
            format!("主题文件 {p}")
        };
        other_paths.push((p.clone(), what));
    }
    for p in [
        "atom.xml",
        "articles/atom.xml",
        "events/atom.xml",
        "lessons/atom.xml",
        "events/calendar.ics",
        "sitemap.xml",
        "robots.txt",
        "404.html",
    ] {
        other_paths.push((p.to_string(), format!("自动生成的 {p}")));
    }
    for (p, _) in law_page_ids {
        if p != "laws/" {
            other_paths.push((p.clone(), format!("法律法规库 /{p}")));
        }
    }
    other_paths.push(("laws/".into(), "法律法规库首页 /laws/".into()));
    other_paths
}

/// Fingerprint of what every page shows about the sections (titles, intros).
fn sections_fp(site: &Site) -> u64 {
    let mut parts = Vec::new();
    for (dir, s) in &site.sections {
        parts.push(fingerprint::of(dir));
        parts.push(fingerprint::of(&s.title));
        parts.push(fingerprint::of(&s.description));
        parts.push(fingerprint::of(&s.intro_html));
    }
    for s in &site.series {
        parts.push(fingerprint::of(&s.title));
        parts.push(fingerprint::of(&s.intro_html));
        parts.push(fingerprint::of(&s.description));
    }
    fingerprint::combine(&parts)
}
