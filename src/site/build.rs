//! The pipeline in one function: sources (already read) → parse → link → render → an
//! [`OutputSet`]. `build`, `check` and `serve` are three sinks of this one function.

use jiff::{Timestamp, ZonedDateTime};
use rayon::prelude::*;

use crate::config::{Config, Overrides, parse_config};
use crate::content::dates::parse_datetime;
use crate::content::page::{Parsed, is_statute_file, parse_file};
use crate::content::source::SiteSources;
use crate::diag::{Diagnostic, sort_and_dedup};
use crate::output::Sink;
use crate::render::theme::resolve_theme;
use crate::site::{BuildOptions, LinkInput, link};
use crate::statute::LawLibrary;
use crate::statute::parse::{LawFile, parse_law_file};
use crate::statute::render::LawPages;

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
                .with_hint(format!("写法：{}", crate::content::dates::DATE_FORMS))
        }),
    }
}

/// Run the whole pipeline on sources that were read from disk (or kept in memory).
pub fn build(sources: &SiteSources, settings: &Settings, sink: &dyn Sink) -> Build {
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
    let law_files: Vec<(Option<LawFile>, Vec<Diagnostic>)> = sources
        .markdown
        .par_iter()
        .filter(|f| is_statute_file(&f.rel))
        .map(|f| parse_law_file(&f.rel, &f.text))
        .collect();
    let mut files = Vec::new();
    for (f, d) in law_files {
        diags.extend(d);
        files.extend(f);
    }
    let (library, law_diags) = LawLibrary::new(files, &config.laws.aliases);
    diags.extend(law_diags);
    let parsed: Vec<(&str, Option<Parsed>, Vec<Diagnostic>)> = sources
        .markdown
        .par_iter()
        .filter(|f| !is_statute_file(&f.rel))
        .map(|f| {
            let (p, d) = parse_file(&f.rel, &f.text, &config, Some(&library));
            (f.rel.as_str(), p, d)
        })
        .collect();
    let mut pages = Vec::new();
    let mut sections = Vec::new();
    // Files with errors of their own: links to them are not reported a second time.
    let mut failed: std::collections::HashSet<String> = sources
        .problems
        .iter()
        .filter(|(_, d)| d.is_error())
        .map(|(r, _)| r.clone())
        .collect();
    for (rel, p, d) in parsed {
        diags.extend(d);
        match p {
            Some(Parsed::Page(p)) => pages.push(*p),
            Some(Parsed::Section(s)) => sections.push(*s),
            None => {
                failed.insert(rel.to_string());
            }
        }
    }
    let page_count = pages.len();

    // Link.
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
        "sitemap.xml",
        "robots.txt",
        "404.html",
    ] {
        other_paths.push((p.to_string(), format!("自动生成的 {p}")));
    }
    for (p, _) in library.pages() {
        if p != "laws/" {
            other_paths.push((p.clone(), format!("法律法规库 /{p}")));
        }
    }
    other_paths.push(("laws/".into(), "法律法规库首页 /laws/".into()));
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
        other_ids: library.pages(),
        failed,
    };
    let (site, link_diags) = link(input, &opts);
    diags.extend(link_diags);
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
    let law_pages = LawPages { lib: &library };
    let rendered = crate::render::render(&site, &theme, Some(&law_pages), sink);
    diags.extend(rendered.diagnostics);
    let mut build = finish(
        diags,
        Stats {
            pages: page_count,
            files: rendered.files,
            bytes: rendered.bytes,
        },
    );
    build.io_error = rendered.io_error;
    build
}
