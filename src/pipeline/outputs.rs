//! The pipeline's render stage and its caches: the compiled templates, the view models
//! (`site` and each page's card) with what each was made from, and every output with what
//! it read and its bytes. A rebuild makes again the view models whose facts are dirty (and
//! tells which of their fields changed), then renders again the outputs that read a dirty
//! fact or field, and the outputs that are new.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rayon::prelude::*;

use super::diags::{DiagStore, Origin};
use crate::config::Config;
use crate::diag::Diagnostic;
use crate::fingerprint::{self, FastMap, FastSet};
use crate::output::{Blob, Copied, Sink};
use crate::reads::{Deps, Fact, ObjId, PageId, record_if};
use crate::render::objects::Fields;
use crate::render::theme::Theme;
use crate::render::{self, Job, Templates, Views};
use crate::search::docs::SearchDoc;
use crate::site::Site;

/// One output, as last made.
struct Entry {
    path: String,
    job: Job,
    /// Its bytes (kept by builds that remember).
    bytes: Blob,
    /// Its template failed: render it again next time, whatever changed.
    failed: Option<Diagnostic>,
}

/// The render stage's caches.
#[derive(Default)]
pub(super) struct Outputs {
    /// The templates, with the fingerprint of what they were compiled from.
    templates: Option<(u64, Arc<Templates>)>,
    site: Option<Arc<Fields>>,
    cards: Vec<Option<Arc<Fields>>>,
    /// What each view model read.
    view_deps: Deps<ObjId>,
    /// Output key by path, and the outputs by key.
    keys: FastMap<String, u32>,
    entries: Vec<Option<Entry>>,
    /// What each output read.
    deps: Deps<u32>,
    /// Output paths of each page, of the list pages and of the statute library.
    page_paths: FastMap<PageId, Vec<String>>,
    list_paths: Vec<String>,
    law_paths: Vec<String>,
    /// Files copied as they are (theme and site static files, content files).
    copies: BTreeMap<String, Copied>,
    /// Outputs whose template failed.
    failed: BTreeSet<u32>,
    /// The search index and the sections it was made from.
    search: super::search::SearchState,
    /// Made at least once.
    started: bool,
}

/// What rendering produced (the files themselves went to the sink, or into the cache).
#[derive(Debug, Default)]
pub struct Rendered {
    pub files: usize,
    pub bytes: usize,
    /// The sink failed (disk full, permissions…): the build cannot be used.
    pub io_error: Option<std::io::Error>,
}

impl Outputs {
    /// Render what `dirty` touched (everything, the first time) into the cache (`keep`)
    /// or the sink; `touched` gets every output path whose bytes changed or went.
    #[allow(clippy::too_many_arguments)]
    pub fn render(
        &mut self,
        site: &Site,
        theme: &Theme,
        config: &Config,
        config_fp: u64,
        mut dirty: FastSet<Fact>,
        keep: bool,
        sink: &dyn Sink,
        touched: &mut BTreeSet<String>,
        diags: &mut DiagStore,
    ) -> Result<Rendered, FastSet<Fact>> {
        let mut clock = crate::timings::Phase::start();
        let Some(templates) = self.templates(theme, config, config_fp, diags) else {
            // Nothing was rendered: what changed is still to be rendered.
            return Err(dirty);
        };
        self.update_views(site, keep, &mut dirty);
        templates.fragments.invalidate(&dirty);
        clock.done("  view models");
        let added = self.update_plan(site, &dirty, touched);
        let mut todo: BTreeSet<u32> = added;
        todo.extend(self.deps.readers_of(&dirty));
        todo.extend(self.failed.iter().copied());
        clock.done("  outputs to make");
        let Some(site_object) = self.site.clone() else {
            return Err(dirty);
        };
        let views = Views {
            site: minijinja::Value::from_dyn_object(site_object),
            cards: &self.cards,
        };
        let mut rendered = Rendered::default();
        let jobs: Vec<(u32, &Entry)> = todo
            .iter()
            .filter_map(|&k| Some((k, self.entries.get(k as usize)?.as_ref()?)))
            .collect();
        let mut made = make_all(
            &jobs,
            (&templates, theme),
            site,
            &views,
            keep,
            sink,
            &mut rendered,
        );
        clock.done("  render");
        let found: Vec<(String, Vec<SearchDoc>)> = made
            .iter_mut()
            .filter_map(|m| {
                let docs = m.search.take()?;
                let e = self.entries.get(m.key as usize)?.as_ref()?;
                Some((e.path.clone(), docs))
            })
            .collect();
        self.keep_made(made, keep, touched);
        self.update_search(site, found, keep, sink, touched, &mut rendered);
        clock.done("  search index");
        let problems = self.problems();
        diags.set(Origin::Render, problems);
        match keep {
            true => self.copy(site, theme, &dirty, sink, touched, &mut rendered),
            false => copy_once(site, theme, sink, &mut rendered),
        }
        clock.done("  copy files");
        self.started = true;
        Ok(rendered)
    }

    /// Hand the sections of the outputs made now to the search index (when the site has
    /// search), counting what it wrote.
    fn update_search(
        &mut self,
        site: &Site,
        found: Vec<(String, Vec<SearchDoc>)>,
        keep: bool,
        sink: &dyn Sink,
        touched: &mut BTreeSet<String>,
        rendered: &mut Rendered,
    ) {
        if !site.config().search {
            return;
        }
        let (keys, entries) = (&self.keys, &self.entries);
        let exists = |p: &str| {
            let entry = keys.get(p).and_then(|k| entries.get(*k as usize)?.as_ref());
            entry.is_some_and(|e| super::search::searched(site, &e.job).is_some())
        };
        let extras = super::search::extras(site);
        match self
            .search
            .update(found, extras, &exists, keep, sink, touched)
        {
            Ok((files, bytes)) => {
                rendered.files += files;
                rendered.bytes += bytes;
            }
            Err(e) => {
                rendered.io_error.get_or_insert(e);
            }
        }
    }

    /// The templates, compiled again when the theme or the configuration changed.
    fn templates(
        &mut self,
        theme: &Theme,
        config: &Config,
        config_fp: u64,
        diags: &mut DiagStore,
    ) -> Option<Arc<Templates>> {
        let key = fingerprint::combine(&[theme.fingerprint(), config_fp]);
        if let Some((k, t)) = &self.templates
            && *k == key
        {
            return Some(t.clone());
        }
        match Templates::new(config, theme) {
            Ok(t) => {
                diags.set(Origin::Templates, Vec::new());
                let t = Arc::new(t);
                self.templates = Some((key, t.clone()));
                Some(t)
            }
            Err(d) => {
                diags.set(Origin::Templates, d);
                self.templates = None;
                None
            }
        }
    }

    /// Make again the view models whose facts are dirty, and those of pages that appeared;
    /// drop those of pages that went. The fields that changed join `dirty`.
    fn update_views(&mut self, site: &Site, keep: bool, dirty: &mut FastSet<Fact>) {
        let mut changed: Vec<Fact> = Vec::new();
        let again: FastSet<ObjId> = if self.started {
            self.view_deps.readers_of(dirty.iter())
        } else {
            FastSet::default()
        };
        if self.site.is_none() || again.contains(&ObjId::Site) {
            let (obj, reads) = record_if(keep, || render::site_object(site));
            if let Some(old) = &self.site {
                changed.extend(obj.changed(old));
            }
            self.view_deps.set(ObjId::Site, reads);
            self.site = Some(obj);
        }
        let mut ids: BTreeSet<PageId> = again
            .iter()
            .filter_map(|o| match o {
                ObjId::Card(id) => Some(*id),
                ObjId::Site => None,
            })
            .collect();
        if !self.started {
            ids.extend(site.published_ids());
        } else {
            for f in dirty.iter() {
                if let Fact::Page(id) = f {
                    ids.insert(*id);
                }
            }
        }
        let fresh: Vec<(PageId, Option<Made<Arc<Fields>>>)> = ids
            .into_par_iter()
            .map(|id| {
                let card = site
                    .is_published(id)
                    .then(|| record_if(keep, || render::card_object(site, id)));
                (id, card)
            })
            .collect();
        for (id, card) in fresh {
            let slot = id as usize;
            if slot >= self.cards.len() {
                self.cards.resize(slot + 1, None);
            }
            let old = self.cards[slot].take();
            match (card, old) {
                (Some((new, reads)), old) => {
                    match &old {
                        Some(o) => changed.extend(new.changed(o)),
                        None if self.started => changed.extend(new.all_facts()),
                        None => {}
                    }
                    if keep {
                        self.view_deps.set(ObjId::Card(id), reads);
                    }
                    self.cards[slot] = Some(new);
                }
                (None, Some(o)) => {
                    changed.extend(o.all_facts());
                    self.view_deps.remove(ObjId::Card(id));
                }
                (None, None) => {}
            }
        }
        dirty.extend(changed);
    }

    /// Bring the set of outputs up to date; returns the keys of new ones. Outputs that went
    /// are forgotten and their paths touched.
    fn update_plan(
        &mut self,
        site: &Site,
        dirty: &FastSet<Fact>,
        touched: &mut BTreeSet<String>,
    ) -> BTreeSet<u32> {
        let mut gone: Vec<String> = Vec::new();
        let mut wanted: Vec<(String, Job)> = Vec::new();
        if !self.started {
            wanted.extend(render::site_jobs(site.config().search));
        }
        let mut pages: BTreeSet<PageId> = BTreeSet::new();
        if !self.started {
            pages.extend(site.published_ids());
        }
        for f in dirty {
            if let Fact::Page(id) | Fact::PagePath(id) = f {
                pages.insert(*id);
            }
        }
        for id in pages {
            let old = self.page_paths.remove(&id).unwrap_or_default();
            let new = if site.is_published(id) {
                render::page_jobs(site, id)
            } else {
                Vec::new()
            };
            let paths: Vec<String> = new.iter().map(|(p, _)| p.clone()).collect();
            gone.extend(old.into_iter().filter(|p| !paths.contains(p)));
            wanted.extend(new);
            if !paths.is_empty() {
                self.page_paths.insert(id, paths);
            }
        }
        if !self.started || dirty.contains(&Fact::Lists) {
            let new = render::list_jobs(site);
            self.list_paths = replace(&mut self.list_paths, &new, &mut gone);
            wanted.extend(new);
        }
        if !self.started || dirty.contains(&Fact::Library) {
            let new = render::law_jobs(site);
            self.law_paths = replace(&mut self.law_paths, &new, &mut gone);
            wanted.extend(new);
        }
        let wanted_paths: FastSet<&String> = wanted.iter().map(|(p, _)| p).collect();
        for p in gone.iter().filter(|p| !wanted_paths.contains(p)) {
            self.forget(p, touched);
        }
        let mut added = BTreeSet::new();
        for (p, j) in wanted {
            let same = self
                .keys
                .get(&p)
                .and_then(|k| self.entries[*k as usize].as_ref())
                .is_some_and(|e| e.job == j);
            if !same {
                added.insert(self.add(p, j));
            }
        }
        added
    }

    /// A new output (or a new way to make an existing path).
    fn add(&mut self, path: String, job: Job) -> u32 {
        let next = self.entries.len() as u32;
        let key = *self.keys.entry(path.clone()).or_insert(next);
        if key == next {
            self.entries.push(None);
        }
        self.entries[key as usize] = Some(Entry {
            path,
            job,
            bytes: Arc::from(&b""[..]),
            failed: None,
        });
        key
    }

    /// An output that is no longer made.
    fn forget(&mut self, path: &str, touched: &mut BTreeSet<String>) {
        if let Some(k) = self.keys.get(path)
            && let Some(e) = self.entries.get_mut(*k as usize)
            && e.take().is_some()
        {
            self.deps.remove(*k);
            self.failed.remove(k);
            touched.insert(path.to_string());
        }
    }

    /// Keep what was made: bytes, what each output read, failures.
    fn keep_made(&mut self, made: Vec<MadeOutput>, keep: bool, touched: &mut BTreeSet<String>) {
        for m in made {
            if keep {
                self.deps.set(m.key, m.reads);
            }
            let Some(Some(e)) = self.entries.get_mut(m.key as usize) else {
                continue;
            };
            match m.result {
                Ok(bytes) => {
                    if !keep || *e.bytes != *bytes || e.failed.is_some() || !self.started {
                        touched.insert(e.path.clone());
                    }
                    e.failed = None;
                    self.failed.remove(&m.key);
                    if keep {
                        e.bytes = bytes;
                    }
                }
                Err(d) => {
                    e.failed = Some(d);
                    self.failed.insert(m.key);
                }
            }
        }
    }

    /// The template problems of every output that failed, each reported once with the
    /// number of pages it broke.
    fn problems(&self) -> Vec<Diagnostic> {
        // By output path, so the page a message names does not depend on the build's history.
        let mut failed: Vec<(&str, &Diagnostic)> = self
            .failed
            .iter()
            .filter_map(|k| match self.entries.get(*k as usize) {
                Some(Some(Entry {
                    failed: Some(d),
                    path,
                    ..
                })) => Some((path.as_str(), d)),
                _ => None,
            })
            .collect();
        failed.sort_unstable_by_key(|(p, _)| *p);
        let mut seen: BTreeMap<(String, usize, String), (Diagnostic, usize)> = BTreeMap::new();
        for (_, d) in failed {
            let key = (
                d.file.clone().unwrap_or_default(),
                d.line.unwrap_or(0),
                d.message.clone(),
            );
            seen.entry(key).or_insert((d.clone(), 0)).1 += 1;
        }
        seen.into_values()
            .map(|(mut d, n)| {
                if n > 1 {
                    d.data_mut().message.push_str(&format!("（共 {n} 个页面）"));
                }
                d
            })
            .collect()
    }

    /// Files copied as they are: the theme's and the site's static files, content files;
    /// for a session, which keeps them to tell what the next build changed.
    fn copy(
        &mut self,
        site: &Site,
        theme: &Theme,
        dirty: &FastSet<Fact>,
        sink: &dyn Sink,
        touched: &mut BTreeSet<String>,
        rendered: &mut Rendered,
    ) {
        let again = !self.started
            || dirty.contains(&Fact::Assets)
            || dirty.iter().any(|f| matches!(f, Fact::Static(_)));
        if !again {
            return;
        }
        let copies: BTreeMap<String, Copied> = copied(site, theme)
            .into_iter()
            .map(|(p, c)| (p.clone(), c))
            .collect();
        for (p, b) in &copies {
            if self.copies.get(p).is_none_or(|old| !old.same(b)) {
                touched.insert(p.clone());
            }
        }
        for p in self.copies.keys() {
            if !copies.contains_key(p) {
                touched.insert(p.clone());
            }
        }
        put_copies(copies.iter().collect(), sink, rendered);
        self.copies = copies;
    }

    /// The bytes of the output at `path` (of the last build that made it).
    pub fn bytes(&self, path: &str) -> Option<Blob> {
        let k = self.keys.get(path)?;
        let e = self.entries.get(*k as usize)?.as_ref()?;
        Some(e.bytes.clone())
            .filter(|_| e.failed.is_none())
            .or_else(|| self.copied_bytes(path))
    }

    /// Make the search index in the background after the first build (see
    /// [`super::search::SearchDone`]).
    pub fn search_in_background(&mut self, done: super::search::SearchDone) {
        self.search.background = Some(done);
    }

    /// The bytes of the file at `path`, output, copy or search index file.
    pub fn file(&self, path: &str) -> Option<Blob> {
        self.bytes(path)
            .or_else(|| self.copied_bytes(path))
            .or_else(|| self.search.file(path))
    }

    /// The bytes of the copied file at `path` (read from the image cache for a variant).
    fn copied_bytes(&self, path: &str) -> Option<Blob> {
        self.copies.get(path).and_then(|c| c.bytes().ok())
    }
}

/// The paths of `new` (a group of outputs) replacing `old`: the old ones not in `new` go.
fn replace(old: &mut Vec<String>, new: &[(String, Job)], gone: &mut Vec<String>) -> Vec<String> {
    gone.append(old);
    new.iter().map(|(p, _)| p.clone()).collect()
}

/// A value made, with what it read.
type Made<T> = (T, Vec<Fact>);

/// One output made in this build.
struct MadeOutput {
    key: u32,
    result: Result<Blob, Diagnostic>,
    reads: Vec<Fact>,
    /// Its sections, for the search index (pages and statute pages).
    search: Option<Vec<SearchDoc>>,
}

/// The files copied as they are: the theme's and the site's static files, then the content
/// files (one of which wins over a static file of the same path).
fn copied<'a>(site: &'a Site, theme: &'a Theme) -> BTreeMap<&'a String, Copied> {
    let statics = theme.static_files.iter();
    statics
        .map(|(p, b)| (p, Copied::Bytes(b.clone())))
        .chain(site.assets().iter().map(|(p, c)| (p, c.clone())))
        .collect()
}

/// The copied files of a one-off build, handed to the sink with nothing kept.
fn copy_once(site: &Site, theme: &Theme, sink: &dyn Sink, rendered: &mut Rendered) {
    let copies = copied(site, theme);
    put_copies(
        copies.iter().map(|(p, c)| (*p, c)).collect(),
        sink,
        rendered,
    );
}

/// Hand `puts` to the sink (in parallel), counting them in `rendered`.
fn put_copies(puts: Vec<(&String, &Copied)>, sink: &dyn Sink, rendered: &mut Rendered) {
    let results: Vec<std::io::Result<()>> =
        puts.par_iter().map(|(p, b)| sink.put_copy(p, b)).collect();
    for ((_, b), r) in puts.iter().zip(results) {
        count(rendered, b.len(), r);
    }
}

fn count(rendered: &mut Rendered, len: usize, r: std::io::Result<()>) {
    match r {
        Ok(()) => {
            rendered.files += 1;
            rendered.bytes += len;
        }
        Err(e) => {
            rendered.io_error.get_or_insert(e);
        }
    }
}

/// Make `jobs` (in parallel). A build that remembers keeps each output's bytes; a one-off
/// build hands them to the sink and keeps none.
fn make_all(
    jobs: &[(u32, &Entry)],
    (templates, theme): (&Templates, &Theme),
    site: &Site,
    views: &Views<'_>,
    keep: bool,
    sink: &dyn Sink,
    rendered: &mut Rendered,
) -> Vec<MadeOutput> {
    let progress = crate::progress::Phase::start("生成页面", jobs.len());
    let results: Vec<(MadeOutput, usize, std::io::Result<()>)> = jobs
        .par_iter()
        .map(|(key, e)| {
            progress.inc(1);
            let started = std::time::Instant::now();
            let (result, reads) = record_if(keep, || render::make(&e.job, templates, site, views));
            if crate::timings::outputs() && jobs.len() < 1000 {
                let ms = started.elapsed().as_secs_f64() * 1000.0;
                eprintln!("[timings]     {ms:7.2} ms  {}", e.path);
            }
            let result = result
                .map_err(|err| render::template_diag(&err, theme, Some(&format!("/{}", e.path))));
            match result {
                Ok(text) => {
                    let search = super::search::searched(site, &e.job).map(|kind| {
                        let mut docs = crate::search::docs::documents(&e.path, kind, &text);
                        let section = super::search::section_of(site, &e.job);
                        docs.iter_mut().for_each(|d| d.section.clone_from(&section));
                        docs
                    });
                    let len = text.len();
                    let (blob, written) = if keep {
                        let blob: Blob = Arc::from(text.into_bytes());
                        let w = sink.put(&e.path, blob.clone());
                        (blob, w)
                    } else {
                        (
                            Arc::from(&b""[..]),
                            sink.put_bytes(&e.path, text.into_bytes()),
                        )
                    };
                    (
                        MadeOutput {
                            key: *key,
                            result: Ok(blob),
                            reads,
                            search,
                        },
                        len,
                        written,
                    )
                }
                Err(d) => (
                    MadeOutput {
                        key: *key,
                        result: Err(d),
                        reads,
                        search: None,
                    },
                    0,
                    Ok(()),
                ),
            }
        })
        .collect();
    let mut made = Vec::with_capacity(results.len());
    for (m, len, w) in results {
        if m.result.is_ok() {
            count(rendered, len, w);
        }
        made.push(m);
    }
    made
}
