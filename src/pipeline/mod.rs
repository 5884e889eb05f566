//! The pipeline: sources (already read) → parse → link → render → the site's files.
//! `build`, `check`, `serve` and `build --watch` are sinks of this one code path: a one-off
//! build ([`build`]) runs it with an empty memo that keeps nothing; a [`Session`] runs it
//! again after every change with a memo that keeps what each stage made, so a rebuild does
//! the work of what the change touched. A one-off build is exactly a session's first build.
//!
//! # The memo, cache by cache, and why each key is complete
//!
//! Every cache is keyed either on the exact inputs of what it holds, or on the facts its
//! values read while they were made ([`crate::reads`]): a value is made again when one of
//! those facts is dirty, and a fact is dirty when the value it names changed.
//!
//! 1. **Changes** (`seen`): the sources' lineage and revision. A session's sources log every
//!    path each batch of changes touched; sources read anew are compared file by file.
//! 2. **Configuration** (`inputs.config`): keyed on the text of site.yaml and the command
//!    line's overrides — everything `parse_config` reads.
//! 3. **Theme** (`inputs.theme`): resolved again when a file under `themes/` or `static/`,
//!    or the configuration (it names the theme), changed — everything `resolve_theme` reads.
//!    Each template and static file that differs marks its fact (`Template`, `Static`).
//! 4. **Statute library** (`inputs.laws`): keyed on the text of every law file and the
//!    aliases in site.yaml — everything `parse_law_file` and `LawLibrary::new` read.
//! 5. **Parsed files** (`inputs.parsed`): each content file by its text and the parsing
//!    context (the configuration's and the library's fingerprints) — `parse_file` reads
//!    nothing else.
//! 6. **Site graph** (`site`): the link step's state, brought up to date by
//!    `Site::update` with the files that changed (all of them when the configuration, the
//!    library or `--drafts` changed); see `site/update.rs` for why each derived value is
//!    made again exactly when one of its members changed. Its getters note graph facts;
//!    the update marks every fact whose value changed.
//! 7. **View models** (`outputs.site`, `outputs.cards`): `site` and each page's card, made
//!    again when a graph fact they read is dirty; each field that then differs (compared
//!    strictly) becomes a dirty field fact.
//! 8. **Templates** (`outputs.templates`): compiled again when the theme or the
//!    configuration (template functions use its base URL) changed. `include_cached`
//!    fragments are kept with what they read and dropped when that is dirty.
//! 9. **Outputs** (`outputs.entries`): each output's bytes with every fact it read —
//!    graph facts read while its context was made, the view-model fields its template
//!    printed, the configuration and static files its functions used, and the source of
//!    every template it uses. An output is made again when one of these is dirty, or when
//!    it is new or failed last time. Nothing else reaches a template: contexts are made
//!    from the graph's getters and the view models only, so this set is complete.
//! 10. **Copies** (`outputs.copies`): static and content files, compared again when the
//!     static files or the content files' placement changed.
//! 11. **Problems** (`diags`): by origin (a file, a page's links, a tag…), replaced when
//!     that origin is looked at again.
//! 12. **Images** (`images`, and on disk `.pufa-cache/images/`): each processed image by
//!     the fingerprint of its file's bytes, under the fingerprint of the image settings
//!     (with a version of the processing code) — everything `process` reads; the manifest
//!     maps a file's size, time and inode to its fingerprint so it is not read again, and
//!     each variant's size, time and inode prove it intact (a variant the output folder
//!     holds as that very file is trusted without a look). A content image is looked at
//!     again when its path changed, and all of them when the image settings did.
//! 13. **Search sections** (`outputs.search`): each searched output's sections, cut from the
//!     HTML it was rendered to, so they change exactly when its bytes do (cache 9 decides
//!     that); the sections of an output that went or stopped being searched are dropped.
//!     The index files are a function of the list of all sections, made again whenever
//!     that list changed.
//!
//! Values made lazily and kept for the life of what holds them: each statute article's
//! citation tooltip (inside the library of cache 4, so made again with it), the QR codes'
//! mask tables (per QR version, a pure function of it, process-wide), and the sorted list
//! of problems handed out (in cache 11, dropped whenever a problem changes). A one-off
//! build keeps nothing: the memo of [`build`] is empty and dropped at the end.
//!
//! Facts dirtied by a build that stopped before rendering (the site has errors) are kept
//! (`pending`) and handled by the next build that renders. `tests/rebuild_equivalence.rs`
//! checks after hundreds of random changes of every kind that a session's output equals a
//! fresh build's, byte for byte.

mod diags;
mod images;
mod inputs;
mod outputs;
pub mod search;

use std::collections::BTreeSet;
use std::sync::Arc;

use jiff::{Timestamp, ZonedDateTime};

use crate::config::{Config, Overrides};
use crate::content::source::{BinaryFile, SiteSources, TextFile};
use crate::dates::parse_datetime;
use crate::diag::Diagnostic;
use crate::fingerprint::FastSet;
use crate::output::{Blob, NullSink, OutputSet, Sink};
use crate::reads::Fact;
use crate::site::Show;
use crate::site::{LinkInput, Site};
use diags::{DiagStore, Origin, Stage};
use inputs::{Changes, Inputs};
use outputs::Outputs;

pub use images::{ImageDone, decode_count};

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
    /// Publish pages dated after now as well (`--future`).
    pub future: bool,
    pub now: Now,
    pub overrides: Overrides,
}

/// What a build produced (the files themselves went to the sink).
#[derive(Debug)]
pub struct Build {
    /// Every error and warning, sorted by file and line.
    pub diagnostics: Arc<[Diagnostic]>,
    /// Counts for the summary line.
    pub stats: Stats,
    /// Writing to the sink failed; the output is unusable.
    pub io_error: Option<std::io::Error>,
    /// For a session's good build: every output path that changed since the last good
    /// build, with its bytes (`None`: the file is gone).
    pub delta: Vec<(String, Option<Blob>)>,
    /// For a one-off build: the addresses it makes for content (see [`crate::published`]).
    pub addresses: Vec<crate::published::Address>,
    /// For a one-off build: pages waiting for their date, how many, and when the first goes
    /// live (`2026-12-10 09:00`).
    pub waiting: (usize, Option<String>),
    /// The site's base path (`/hgz/`), once the configuration is read.
    pub base_path: Option<String>,
    /// The site's full address (`https://example.gov.cn/hgz/`), likewise.
    pub base_url: Option<String>,
}

#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub pages: usize,
    pub files: usize,
    pub bytes: usize,
}

impl Default for Build {
    fn default() -> Self {
        Build {
            diagnostics: Arc::from(Vec::new()),
            stats: Stats::default(),
            io_error: None,
            delta: Vec::new(),
            addresses: Vec::new(),
            waiting: (0, None),
            base_path: None,
            base_url: None,
        }
    }
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

/// Everything kept from one build to the next (see the module doc).
#[derive(Default)]
pub struct Memo {
    /// Keep results for the next build; a one-off build keeps nothing.
    keep: bool,
    seen: Option<(u64, u64)>,
    inputs: Inputs,
    site: Option<Site>,
    outputs: Outputs,
    diags: DiagStore,
    /// Facts dirtied by builds that did not render.
    pending: FastSet<Fact>,
    /// Outputs changed since the last good build.
    touched: BTreeSet<String>,
    /// Files with problems of their reading.
    read_origins: BTreeSet<String>,
    /// The image cache (opened by the first build that looks at images).
    images: Option<images::Images>,
    /// The image cache being opened on a thread of its own, for settings with this
    /// fingerprint (see [`images::open_early`]).
    opening: Option<images::Opening>,
    /// Process images not in the cache in the background, telling this when each is done.
    background: Option<ImageDone>,
    /// `static/` files with a GPS warning.
    static_gps: BTreeSet<String>,
}

/// A series of builds of one site (`serve`, `build --watch`, tests): each build reuses
/// what the previous ones made, and the output of the last good build is kept.
#[derive(Default)]
pub struct Session {
    memo: Memo,
    output: OutputSet,
}

impl Session {
    pub fn new() -> Session {
        Session {
            memo: Memo {
                keep: true,
                ..Default::default()
            },
            output: OutputSet::default(),
        }
    }

    /// Process images that are not in the cache in the background (serve): until one is
    /// done the pages show it as it is, then `done` is called with its path, which the
    /// caller treats as a change of that file.
    pub fn images_in_background(&mut self, done: ImageDone) {
        self.memo.background = Some(done);
    }

    /// Make the search index in the background after the first build (serve): `done` gets
    /// the index files that changed when they are ready; the files of [`Session::output`]
    /// stay as the first build made them.
    pub fn search_in_background(&mut self, done: search::SearchDone) {
        self.memo.outputs.search_in_background(done);
    }

    /// Build `sources` again, reusing what the previous builds made.
    pub fn build(&mut self, sources: &SiteSources, settings: &Settings) -> Build {
        let mut build = run(&mut self.memo, Src::Borrowed(sources), settings, &NullSink);
        if build.succeeded() {
            let touched = std::mem::take(&mut self.memo.touched);
            for path in touched {
                let bytes = self.memo.outputs.file(&path);
                match &bytes {
                    Some(b) => self.output.insert(path.clone(), b.clone()),
                    None => {
                        self.output.remove(&path);
                    }
                }
                build.delta.push((path, bytes));
            }
            build.stats.files = self.output.len();
        }
        build
    }

    /// The output of the last good build.
    pub fn output(&self) -> &OutputSet {
        &self.output
    }

    /// The theme of the last build that could resolve it.
    pub fn theme(&self) -> Option<Arc<crate::render::theme::Theme>> {
        self.memo.inputs.theme.clone()
    }

    /// The site as the last build linked it (none before a build that read the settings).
    pub fn site(&self) -> Option<&Site> {
        self.memo.site.as_ref()
    }
}

/// Run the whole pipeline once on sources that were read from disk (or kept in memory).
pub fn build(sources: &SiteSources, settings: &Settings, sink: &dyn Sink) -> Build {
    run(&mut Memo::default(), Src::Borrowed(sources), settings, sink)
}

/// A one-off [`build`] that takes the sources: the text of each Markdown file is freed as
/// soon as it is parsed, rather than kept to the end.
pub fn build_owned(sources: SiteSources, settings: &Settings, sink: &dyn Sink) -> Build {
    run(
        &mut Memo::default(),
        Src::Owned(Box::new(sources)),
        settings,
        sink,
    )
}

/// Sources lent to a build, or given to it.
enum Src<'a> {
    Borrowed(&'a SiteSources),
    Owned(Box<SiteSources>),
}

impl Src<'_> {
    fn get(&self) -> &SiteSources {
        match self {
            Src::Borrowed(s) => s,
            Src::Owned(s) => s,
        }
    }

    /// The Markdown files, for a build that owns the sources: it parses them and lets go of
    /// each file's text at once.
    fn take_markdown(&mut self) -> Option<Vec<TextFile>> {
        match self {
            Src::Owned(s) => Some(std::mem::take(&mut s.markdown)),
            Src::Borrowed(_) => None,
        }
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

/// What changed in `sources` since the build `memo` remembers.
fn changes(memo: &Memo, sources: &SiteSources) -> Changes {
    match memo.seen.and_then(|(l, r)| sources.changes_since(l, r)) {
        Some(paths) => Changes {
            all: false,
            paths: paths.into_iter().map(str::to_string).collect(),
        },
        None => Changes {
            all: true,
            paths: Vec::new(),
        },
    }
}

/// Problems of reading single files (not UTF-8, control characters).
fn read_problems(memo: &mut Memo, sources: &SiteSources, changes: &Changes) {
    let mut batch: Vec<(Origin, Vec<Diagnostic>)> = Vec::new();
    if changes.all {
        for rel in std::mem::take(&mut memo.read_origins) {
            batch.push((Origin::Read(rel), Vec::new()));
        }
        for (rel, d) in &sources.problems {
            batch.push((Origin::Read(rel.clone()), vec![d.clone()]));
        }
    } else {
        for p in &changes.paths {
            // What was reported about the path (or anything under it) goes; what is now, comes.
            let folder = format!("{p}/");
            let old: Vec<String> = memo
                .read_origins
                .range(p.clone()..)
                .take_while(|r| *r == p || r.starts_with(&folder))
                .cloned()
                .collect();
            batch.extend(old.into_iter().map(|r| (Origin::Read(r), Vec::new())));
            for (rel, d) in sources.problems.range(p.clone()..) {
                if rel != p && !rel.starts_with(&folder) {
                    break;
                }
                batch.push((Origin::Read(rel.clone()), vec![d.clone()]));
            }
        }
    }
    for (o, d) in &batch {
        if let Origin::Read(r) = o {
            if d.is_empty() {
                memo.read_origins.remove(r);
            } else {
                memo.read_origins.insert(r.clone());
            }
        }
    }
    memo.diags.set_all(batch);
}

/// The pipeline.
fn run(memo: &mut Memo, mut src: Src<'_>, settings: &Settings, sink: &dyn Sink) -> Build {
    let mut dirty: FastSet<Fact> = std::mem::take(&mut memo.pending);
    let ready = match before_link(memo, &mut src, settings, sink, &mut dirty) {
        Ok(r) => r,
        Err(stage) => return finish(memo, dirty, Build::default(), stage),
    };
    let mut clock = crate::timings::Phase::start();
    let Ready {
        config,
        config_fp,
        now,
        theme,
        files,
        assets,
    } = ready;
    link_stage(
        memo,
        &config,
        config_fp,
        now,
        Show {
            drafts: settings.drafts,
            future: settings.future,
        },
        files,
        assets,
    );
    clock.done("link");
    let Some(site) = memo.site.as_mut() else {
        return finish(memo, dirty, Build::default(), Stage::Link);
    };
    dirty.extend(site.take_dirty());
    let mut build = Build {
        stats: Stats {
            pages: site.page_count(),
            ..Default::default()
        },
        base_path: Some(config.base_path.clone()),
        base_url: Some(config.base_url.clone()),
        ..Default::default()
    };
    if memo.diags.has_errors(Stage::Link) {
        return finish(memo, dirty, build, Stage::Link);
    }
    // What only a one-off build reports: a session's rebuilds (serve's) never look at
    // every page for it.
    if !memo.keep {
        build.addresses = addresses(site);
        let (waiting, first) = site.waiting();
        build.waiting = (
            waiting,
            first.map(|d| d.strftime("%Y-%m-%d %H:%M").to_string()),
        );
        site.release_sources();
    }
    render_stage(memo, &theme, &config, config_fp, dirty, sink, &mut build);
    clock.done("render and write");
    build.diagnostics = memo.diags.upto(Stage::Render);
    if !memo.keep
        && let Some(site) = memo.site.take()
    {
        // Freeing ten thousand pages takes milliseconds that nobody needs to wait for.
        std::thread::spawn(move || drop(site));
    }
    build
}

/// The addresses of the site's content: each published page's outputs (the page, its print
/// view, its calendar file, its old addresses).
fn addresses(site: &crate::site::Site) -> Vec<crate::published::Address> {
    let mut out = Vec::new();
    for &id in site.published_ids() {
        let source = &site.page(id).source;
        for (file, job) in crate::render::page_jobs(site, id) {
            out.push(crate::published::Address {
                path: crate::published::address_of(&file),
                source: source.clone(),
                alias: matches!(job, crate::render::Job::Alias(..)),
            });
        }
    }
    out
}

/// What the stages before the link step made.
struct Ready {
    config: Arc<Config>,
    config_fp: u64,
    now: ZonedDateTime,
    theme: Arc<crate::render::theme::Theme>,
    files: Vec<(String, Option<crate::site::FileInput>)>,
    assets: Vec<(String, Option<crate::site::AssetData>)>,
}

/// Reading problems, the configuration, "now", the theme, the statute library and the
/// content files; `Err` names the stage that stopped the build.
fn before_link(
    memo: &mut Memo,
    src: &mut Src<'_>,
    settings: &Settings,
    sink: &dyn Sink,
    dirty: &mut FastSet<Fact>,
) -> Result<Ready, Stage> {
    let mut clock = crate::timings::Phase::start();
    let sources = src.get();
    let changes = changes(memo, sources);
    // The changes are taken as seen once the content files have been parsed: a build that
    // stops before leaves them to the next one.
    let seen = (sources.lineage, sources.revision);
    read_problems(memo, sources, &changes);
    let (config, config_fp, config_changed) =
        config_stage(memo, sources, settings, dirty).ok_or(Stage::Config)?;
    images::open_early(memo, sources, &config.images);
    let now = resolve_now(&settings.now, &config);
    memo.diags.set(
        Origin::Now,
        now.as_ref().err().cloned().into_iter().collect(),
    );
    let now = now.map_err(|_| Stage::Config)?;
    let theme_again = config_changed
        || changes.under("themes")
        || changes.under("templates")
        || changes.under("static");
    let inputs = &mut memo.inputs;
    let theme = inputs
        .theme(sources, &config, theme_again, dirty, &mut memo.diags)
        .ok_or(Stage::Theme)?;
    inputs.laws(
        sources,
        &config,
        config_changed,
        &changes,
        dirty,
        &mut memo.diags,
    );
    clock.done("config, theme, laws");
    let diags = &mut memo.diags;
    let parse_settings = (&*config, config_fp, &*theme);
    let files = inputs.pages(src, parse_settings, memo.keep, &changes, diags);
    clock.done("  pages");
    let settings_again = memo
        .images
        .as_ref()
        .is_some_and(|i| i.fp() != config.images.fingerprint());
    let changed = asset_changes(memo, src.get(), &changes, settings_again);
    let published = |id: (u64, u64), name_end: &str| sink.holds(id, name_end);
    let assets = images::prepare(memo, src.get(), &config.images, changed, &published);
    if changes.under("static") {
        let statics: Vec<&BinaryFile> = src.get().static_files.iter().collect();
        images::check_static(memo, &statics);
    }
    memo.seen = Some(seen);
    clock.done("  images");
    Ok(Ready {
        config,
        config_fp,
        now,
        theme,
        files,
        assets,
    })
}

/// Render what the changes touched (everything, the first time), into the memo or `sink`.
fn render_stage(
    memo: &mut Memo,
    theme: &crate::render::theme::Theme,
    config: &Config,
    config_fp: u64,
    dirty: FastSet<Fact>,
    sink: &dyn Sink,
    build: &mut Build,
) {
    let Memo {
        site: Some(site),
        outputs,
        keep,
        touched,
        diags,
        pending,
        ..
    } = memo
    else {
        return;
    };
    let rendered = outputs.render(
        site, theme, config, config_fp, dirty, *keep, sink, touched, diags,
    );
    match rendered {
        Ok(r) => {
            build.stats.files = r.files;
            build.stats.bytes = r.bytes;
            build.io_error = r.io_error;
        }
        // The templates did not compile: what changed is rendered once they do.
        Err(dirty) => pending.extend(dirty),
    }
}

/// The configuration, its fingerprint and whether it changed.
fn config_stage(
    memo: &mut Memo,
    sources: &SiteSources,
    settings: &Settings,
    dirty: &mut FastSet<Fact>,
) -> Option<(Arc<Config>, u64, bool)> {
    let (config, changed) = memo
        .inputs
        .config(sources, &settings.overrides, &mut memo.diags)
        .ok()?;
    let fp = inputs::config_fp(
        sources.config.as_ref().map_or("", |c| &c.text),
        &settings.overrides,
    );
    if changed {
        dirty.insert(Fact::Config);
    }
    Some((config, fp, changed))
}

/// The content files other than Markdown that changed (all of them for a first build).
fn asset_changes(
    memo: &Memo,
    sources: &SiteSources,
    changes: &Changes,
    all: bool,
) -> Vec<(String, Option<BinaryFile>)> {
    if all || changes.all || memo.site.is_none() {
        return sources
            .assets
            .iter()
            .map(|a| (a.rel.clone(), Some(a.clone())))
            .collect();
    }
    let mut out = Vec::new();
    for p in changes.paths.iter().filter(|p| p.starts_with("content/")) {
        match sources.asset_file(p) {
            Some(a) => out.push((p.clone(), Some(a.clone()))),
            None if p.ends_with(".md") => {}
            None => {
                // Gone, or a folder: what was under it goes, what is under it now comes.
                out.push((p.clone(), None));
                let folder = format!("{p}/");
                if let Some(site) = &memo.site {
                    out.extend(site.assets_under(&folder).into_iter().map(|r| (r, None)));
                }
                let start = sources
                    .assets
                    .partition_point(|a| a.rel.as_str() < folder.as_str());
                for a in sources.assets[start..]
                    .iter()
                    .take_while(|a| a.rel.starts_with(&folder))
                {
                    out.push((a.rel.clone(), Some(a.clone())));
                }
            }
        }
    }
    out
}

/// Bring the site graph up to date.
fn link_stage(
    memo: &mut Memo,
    config: &Arc<Config>,
    config_fp: u64,
    now: ZonedDateTime,
    show: Show,
    files: Vec<(String, Option<crate::site::FileInput>)>,
    assets: Vec<(String, Option<crate::site::AssetData>)>,
) {
    let Some(laws) = &memo.inputs.laws else {
        return;
    };
    let input = LinkInput {
        config: config.clone(),
        config_fp,
        library: laws.library.clone(),
        library_fp: laws.fp,
        law_ids: laws.ids.clone(),
        other_paths: memo.inputs.other_paths.clone(),
        now: now.clone(),
        show,
        files,
        assets,
    };
    let keep = memo.keep;
    let site = memo
        .site
        .get_or_insert_with(|| Site::new(keep, config.clone(), now));
    let outcome = site.update(input);
    let problems = outcome.problems.into_iter();
    memo.diags.set_all(
        problems
            .map(|((kind, key), d)| (Origin::Link(kind, key), d))
            .collect(),
    );
}

/// A build that stopped at `stage`: what that stage and the ones before found, and the
/// facts to handle next time.
fn finish(memo: &mut Memo, dirty: FastSet<Fact>, mut build: Build, stage: Stage) -> Build {
    memo.pending.extend(dirty);
    if let Some(site) = memo.site.as_mut() {
        memo.pending.extend(site.take_dirty());
    }
    build.diagnostics = memo.diags.upto(stage);
    build
}
