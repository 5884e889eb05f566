//! The pipeline's first stages and their caches: the configuration, the theme, the statute
//! library and every content file parsed — each made again only when a file it is made from
//! changed. What changed is read from the sources' log of changes (or, for sources read
//! anew, by comparing every file with what the cache holds).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rayon::prelude::*;

use super::diags::{DiagStore, Origin};
use crate::config::{Config, Overrides, parse_config};
use crate::content::columns::Columns;
use crate::content::page::Parsed;
use crate::content::parse::{ParseEnv, is_statute_file, parse_file};
use crate::content::snippets::SnippetSources;
use crate::content::source::{SiteSources, TextFile};
use crate::diag::Diagnostic;
use crate::fingerprint::{self, FastSet};
use crate::reads::{Fact, sym};
use crate::render::theme::{Theme, resolve_theme};
use crate::site::FileInput;
use crate::statute::LawLibrary;
use crate::statute::parse::{LawFile, parse_law_file};
use crate::statute::words::{WORDS_FILE, parse_words};

/// What changed in the sources since the last build.
pub(super) struct Changes {
    /// Everything may have changed (a first build, or sources read anew).
    pub all: bool,
    /// Paths changed (files, and folders that were removed).
    pub paths: Vec<String>,
}

impl Changes {
    /// Did anything under `prefix` (or the path itself) change?
    pub fn under(&self, prefix: &str) -> bool {
        self.all
            || self.paths.iter().any(|p| {
                p == prefix
                    || p.strip_prefix(prefix).is_some_and(|r| r.starts_with('/'))
                    || prefix
                        .strip_prefix(p.as_str())
                        .is_some_and(|r| r.starts_with('/'))
            })
    }
}

/// The configuration, as last parsed.
struct ConfigEntry {
    text: Arc<str>,
    overrides: Overrides,
    config: Result<Arc<Config>, Vec<Diagnostic>>,
}

/// The statute library, as last parsed.
pub(super) struct Laws {
    pub fp: u64,
    pub library: Arc<LawLibrary>,
    /// Each statute page's site path with the ids it defines.
    pub ids: Arc<Vec<(String, crate::fingerprint::FastSet<String>)>>,
}

/// One content file, as last parsed.
struct ParsedEntry {
    text: Arc<str>,
    /// Fingerprint of what parsing depends on besides the file (configuration, library).
    context: u64,
    input: FileInput,
}

/// A content file looked at again: its text, what the link step is told, and its problems
/// (`None`: unchanged, still those of the cache).
type Fresh = (Arc<str>, FileInput, Option<Vec<Diagnostic>>);

/// Parse the content file at `rel` unless `cached` holds it parsed from the same text in
/// the same context; `None` when the file is gone.
fn parse_one(
    rel: &str,
    sources: &SiteSources,
    cached: Option<&ParsedEntry>,
    ctx: &ParseContext<'_>,
) -> Option<Fresh> {
    let Some(f) = sources.markdown_file(rel) else {
        // Not readable (its problem is the reading's): links to it say nothing more.
        let broken = sources.problems.get(rel).is_some_and(Diagnostic::is_error);
        return broken.then(|| (Arc::from(""), FileInput::Broken, Some(Vec::new())));
    };
    if let Some(e) = cached
        && Arc::ptr_eq(&e.text, &f.text)
        && e.context == ctx.fp
    {
        return Some((e.text.clone(), e.input.clone(), None));
    }
    Some(parse_text(f, ctx))
}

/// Is `rel` a Markdown file of `content/` outside the statute library?
fn is_content_page(rel: &str) -> bool {
    rel.starts_with("content/") && rel.ends_with(".md") && !is_statute_file(rel)
}

/// What parsing a content file depends on besides the file.
struct ParseContext<'a> {
    /// Fingerprint of the configuration and the library.
    fp: u64,
    config: &'a Config,
    library: &'a LawLibrary,
    columns: &'a Columns,
    snippets: &'a SnippetSources<'a>,
}

/// Parse the content file `f`.
fn parse_text(f: &TextFile, ctx: &ParseContext<'_>) -> Fresh {
    let env = ParseEnv {
        config: ctx.config,
        laws: Some(ctx.library),
        columns: ctx.columns,
        snippets: Some(ctx.snippets),
    };
    let (parsed, d) = parse_file(&f.rel, &f.text, &env);
    let ok = !d.iter().any(Diagnostic::is_error);
    let input = match parsed {
        Some(Parsed::Page(p)) => FileInput::Page(p, ok),
        Some(Parsed::Section(s)) => FileInput::Section(s),
        None => FileInput::Broken,
    };
    (f.text.clone(), input, Some(d))
}

/// The theme's snippets: `snippets/<name>.html` by name.
fn snippet_templates(theme: &Theme) -> BTreeMap<String, Arc<str>> {
    theme
        .templates
        .range("snippets/".to_string().."snippets0".to_string())
        .filter_map(|(n, t)| {
            let name = n.strip_prefix("snippets/")?.strip_suffix(".html")?;
            Some((name.to_string(), t.source.clone()))
        })
        .collect()
}

/// Fingerprint of the tables (CSV, TSV) under `content/`, which snippets may read.
fn tables_fingerprint(sources: &SiteSources) -> u64 {
    let parts: Vec<u64> = sources
        .assets
        .iter()
        .filter(|f| {
            let ext = f.rel.rsplit('.').next().unwrap_or("");
            ["csv", "tsv", "txt"].contains(&ext.to_ascii_lowercase().as_str())
        })
        .flat_map(|f| [fingerprint::of(&f.rel), fingerprint::of(&f.bytes[..])])
        .collect();
    fingerprint::combine(&parts)
}

/// The caches of the stages before the link step.
#[derive(Default)]
pub(super) struct Inputs {
    config: Option<ConfigEntry>,
    pub theme: Option<Arc<Theme>>,
    pub laws: Option<Laws>,
    /// Content files (not the statute library) by path.
    parsed: BTreeMap<String, ParsedEntry>,
    /// The parsing context of the last build.
    context: u64,
    /// The columns and the tables' fingerprint of the last build (taken again only when
    /// a change could alter them: not for an edit of a page).
    columns: Option<(Arc<Columns>, u64)>,
    /// Generated files besides pages and lists, with where each comes from.
    pub other_paths: Vec<(String, String)>,
}

/// Fingerprint of a configuration's inputs.
pub(super) fn config_fp(text: &str, overrides: &Overrides) -> u64 {
    fingerprint::combine(&[
        fingerprint::of(text),
        fingerprint::of(&overrides.base_url),
        fingerprint::of(&overrides.origin),
    ])
}

impl Inputs {
    /// The configuration; `Err` when it cannot be used (its problems are in `diags`).
    /// Returns whether it changed.
    pub fn config(
        &mut self,
        sources: &SiteSources,
        overrides: &Overrides,
        diags: &mut DiagStore,
    ) -> Result<(Arc<Config>, bool), ()> {
        let Some(file) = &sources.config else {
            return Err(());
        };
        let same = self.config.as_ref().is_some_and(|c| {
            (Arc::ptr_eq(&c.text, &file.text) || c.text == file.text) && c.overrides == *overrides
        });
        if !same {
            let config = parse_config(&file.text, overrides).map(Arc::new);
            diags.set(
                Origin::Config,
                config.as_ref().err().cloned().unwrap_or_default(),
            );
            self.config = Some(ConfigEntry {
                text: file.text.clone(),
                overrides: overrides.clone(),
                config,
            });
        }
        match self.config.as_ref().map(|c| &c.config) {
            Some(Ok(c)) => Ok((c.clone(), !same)),
            _ => Err(()),
        }
    }

    /// The theme, resolved again when a theme or static file or the configuration changed;
    /// marks the templates and static files that differ from before.
    pub fn theme(
        &mut self,
        sources: &SiteSources,
        config: &Config,
        again: bool,
        dirty: &mut FastSet<Fact>,
        diags: &mut DiagStore,
    ) -> Option<Arc<Theme>> {
        if !again && let Some(t) = &self.theme {
            return Some(t.clone());
        }
        match resolve_theme(sources, config) {
            Ok(theme) => {
                diags.set(Origin::Theme, Vec::new());
                let old = self.theme.take().unwrap_or_default();
                mark_theme_changes(&old, &theme, dirty);
                let theme = Arc::new(theme);
                self.other_paths_for(sources, &theme);
                self.theme = Some(theme.clone());
                Some(theme)
            }
            Err(d) => {
                diags.set(Origin::Theme, d);
                self.theme = None;
                None
            }
        }
    }

    /// The statute library, parsed again when a law file or the aliases changed.
    pub fn laws(
        &mut self,
        sources: &SiteSources,
        config: &Config,
        config_changed: bool,
        changes: &Changes,
        dirty: &mut FastSet<Fact>,
        diags: &mut DiagStore,
    ) {
        let again = self.laws.is_none() || config_changed || changes.under("content/laws");
        if !again {
            return;
        }
        let files = sources.markdown_under("content/laws/");
        let mut parts = vec![fingerprint::of(&config.laws.aliases)];
        let is_input = |rel: &str| is_statute_file(rel) || rel == WORDS_FILE;
        for f in files.iter().filter(|f| is_input(&f.rel)) {
            parts.push(fingerprint::of(&f.rel));
            parts.push(fingerprint::of(&*f.text));
        }
        let fp = fingerprint::combine(&parts);
        if self.laws.as_ref().is_some_and(|l| l.fp == fp) {
            return;
        }
        let (library, d) = parse_laws(files, config);
        diags.set(Origin::Laws, d);
        let ids = Arc::new(library.pages());
        self.laws = Some(Laws {
            fp,
            library: Arc::new(library),
            ids,
        });
        dirty.insert(Fact::Library);
        if let Some(theme) = self.theme.clone() {
            self.other_paths_for(sources, &theme);
        }
    }

    /// Parse the content files that changed (all of them when the parsing context did):
    /// what the link step is to be told, with each file's problems in `diags`. A build
    /// that owns the sources takes their Markdown files.
    pub fn pages(
        &mut self,
        src: &mut super::Src<'_>,
        settings: (&Config, u64, &Theme),
        keep: bool,
        changes: &Changes,
        diags: &mut DiagStore,
    ) -> Vec<(String, Option<FileInput>)> {
        let (config, config_fp, theme) = settings;
        let (columns, tables_fp) = self.columns_and_tables(src.get(), config, changes);
        let Some(laws) = &self.laws else {
            return Vec::new();
        };
        // Which folders are columns decides the kind of the pages in them; snippets read
        // the theme's snippet templates and the tables (CSV) beside pages: a change of any
        // is a change of every page's context.
        let snippet_templates = snippet_templates(theme);
        let context = fingerprint::combine(&[
            config_fp,
            laws.fp,
            columns.fingerprint(),
            fingerprint::of(&snippet_templates),
            tables_fp,
        ]);
        let everything = changes.all || context != self.context;
        self.context = context;
        let library = laws.library.clone();
        // A build that owns the sources takes the files: each text goes once it is parsed.
        let owned = src.take_markdown();
        let sources = src.get();
        let file = |rel: &str| sources.asset_file(rel).map(|f| f.bytes.clone());
        let snippets = SnippetSources {
            file: &file,
            templates: &snippet_templates,
        };
        let ctx = ParseContext {
            fp: context,
            config,
            library: &library,
            columns: &columns,
            snippets: &snippets,
        };
        let cache = &self.parsed;
        let fresh: Vec<(String, Option<Fresh>)> = match owned {
            // A one-off build: every file is parsed, and its text let go at once (a page
            // keeps only the lines its messages may quote).
            Some(files) if cache.is_empty() => files
                .into_par_iter()
                .filter(|f| is_content_page(&f.rel))
                .map(|f| {
                    let (_, input, d) = parse_text(&f, &ctx);
                    (f.rel, Some((Arc::from(""), input, d)))
                })
                .collect(),
            _ => self
                .files_to_parse(sources, changes, everything)
                .into_par_iter()
                .map(|rel| {
                    let f = parse_one(&rel, sources, cache.get(&rel), &ctx);
                    (rel, f)
                })
                .collect(),
        };
        self.keep_parsed(fresh, context, keep, diags)
    }

    /// Which folders are columns, and the fingerprint of the tables snippets may read: kept
    /// from the last build unless a section index, a bundle, a folder or a file other than
    /// a page changed.
    fn columns_and_tables(
        &mut self,
        sources: &SiteSources,
        config: &Config,
        changes: &Changes,
    ) -> (Arc<Columns>, u64) {
        let other = |p: &String| !p.ends_with(".md");
        let columns_again = changes.all
            || changes
                .paths
                .iter()
                .any(|p| other(p) || p.ends_with("index.md"));
        let tables_again = changes.all || changes.paths.iter().any(other);
        let columns = match &self.columns {
            Some((c, _)) if !columns_again => c.clone(),
            _ => {
                let keys: Vec<&str> = config.taxonomies.iter().map(|t| t.key.as_str()).collect();
                let rels = sources.markdown.iter().map(|f| f.rel.as_str());
                Arc::new(Columns::find(rels, &keys))
            }
        };
        let tables = match &self.columns {
            Some((_, t)) if !tables_again => *t,
            _ => tables_fingerprint(sources),
        };
        self.columns = Some((columns.clone(), tables));
        (columns, tables)
    }

    /// Keep what was parsed (for a session), set its problems, and say what the link step
    /// is to be told.
    fn keep_parsed(
        &mut self,
        fresh: Vec<(String, Option<Fresh>)>,
        context: u64,
        keep: bool,
        diags: &mut DiagStore,
    ) -> Vec<(String, Option<FileInput>)> {
        let mut out = Vec::with_capacity(fresh.len());
        let mut problems = Vec::new();
        for (rel, entry) in fresh {
            let Some((text, input, d)) = entry else {
                problems.push((Origin::Parse(rel.clone()), Vec::new()));
                self.parsed.remove(&rel);
                out.push((rel, None));
                continue;
            };
            if let Some(d) = d {
                problems.push((Origin::Parse(rel.clone()), d));
            }
            if keep {
                let e = ParsedEntry {
                    text,
                    context,
                    input: input.clone(),
                };
                self.parsed.insert(rel.clone(), e);
            }
            out.push((rel, Some(input)));
        }
        diags.set_all(problems);
        out
    }

    /// The content files (not the statute library) to look at again: all of them, or
    /// those changed and those under changed folders.
    fn files_to_parse(
        &self,
        sources: &SiteSources,
        changes: &Changes,
        everything: bool,
    ) -> BTreeSet<String> {
        let mut rels: BTreeSet<String> = BTreeSet::new();
        if everything {
            rels.extend(self.parsed.keys().cloned());
            rels.extend(sources.markdown.iter().map(|f| f.rel.clone()));
        } else {
            for p in &changes.paths {
                rels.insert(p.clone());
                let folder = format!("{p}/");
                let known = self.parsed.range(folder.clone()..);
                rels.extend(
                    known
                        .take_while(|(k, _)| k.starts_with(&folder))
                        .map(|(k, _)| k.clone()),
                );
                rels.extend(
                    sources
                        .markdown_under(&folder)
                        .iter()
                        .map(|f| f.rel.clone()),
                );
            }
        }
        rels.retain(|r| is_content_page(r));
        rels
    }

    /// The generated files besides pages and lists, with where each comes from (for
    /// messages about clashes).
    fn other_paths_for(&mut self, sources: &SiteSources, theme: &Theme) {
        let mut other: Vec<(String, String)> = Vec::new();
        let site_static: FastSet<&str> = sources
            .static_files
            .iter()
            .filter_map(|f| f.rel.strip_prefix("static/"))
            .collect();
        for p in theme.static_files.keys() {
            let what = if site_static.contains(p.as_str()) {
                format!("文件 static/{p}")
            } else {
                format!("主题文件 {p}")
            };
            other.push((p.clone(), what));
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
            other.push((p.to_string(), format!("自动生成的 {p}")));
        }
        if let Some(laws) = &self.laws {
            for (p, _) in laws.ids.iter() {
                if p != "laws/" {
                    other.push((p.clone(), format!("法律法规库 /{p}")));
                }
            }
        }
        other.push(("laws/".into(), "法律法规库首页 /laws/".into()));
        other.push(("search/".into(), "站内搜索页 /search/".into()));
        self.other_paths = other;
    }
}

/// Mark the templates and static files whose contents differ between two themes.
fn mark_theme_changes(old: &Theme, new: &Theme, dirty: &mut FastSet<Fact>) {
    let names: BTreeSet<&String> = old.templates.keys().chain(new.templates.keys()).collect();
    for n in names {
        let (a, b) = (old.templates.get(n), new.templates.get(n));
        let same = match (a, b) {
            (Some(a), Some(b)) => a.source == b.source && a.origin == b.origin,
            (None, None) => true,
            _ => false,
        };
        if !same {
            dirty.insert(Fact::Template(sym(n)));
        }
    }
    let paths: BTreeSet<&String> = old
        .static_hashes
        .keys()
        .chain(new.static_hashes.keys())
        .collect();
    for p in paths {
        if old.static_hashes.get(p) != new.static_hashes.get(p) {
            dirty.insert(Fact::Static(sym(p)));
        }
    }
}

/// Parse the statute library (in parallel) and index it.
fn parse_laws(
    files: &[crate::content::source::TextFile],
    config: &Config,
) -> (LawLibrary, Vec<Diagnostic>) {
    let law_files: Vec<(Option<LawFile>, Vec<Diagnostic>)> = files
        .par_iter()
        .filter(|f| is_statute_file(&f.rel))
        .map(|f| parse_law_file(&f.rel, &f.text))
        .collect();
    let mut parsed = Vec::new();
    let mut diags = Vec::new();
    for (f, d) in law_files {
        diags.extend(d);
        parsed.extend(f);
    }
    let (mut library, d) = LawLibrary::new(parsed, &config.laws.aliases);
    diags.extend(d);
    if let Some(f) = files.iter().find(|f| f.rel == WORDS_FILE) {
        let (words, d) = parse_words(&f.text, &library);
        library.words = words;
        diags.extend(d);
    }
    (library, diags)
}
