//! The pipeline's search stage: every content page and statute page the render stage made
//! gives its `<main>` text (cut into sections, see [`crate::search::extract`]); the index of
//! all of them is written under `search/` in the output. Its cache: each output's sections,
//! by output path, kept from the render that made them, so a rebuild extracts again only the
//! pages it rendered again; the index is made again when any section changed (its key is
//! the whole list of sections, compared as it is).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::output::{Blob, Sink};
use crate::render::Job;
use crate::search::docs::{
    DOCS_PER_FILE, INDEX_FOLDER as FOLDER, KINDS, SNIPPET_CHARS, SearchDoc, law_of,
};
use rayon::prelude::*;

use crate::search::build::{Doc, Settings};
use crate::search::extras::{self, Extras, WordRow};
use crate::search::index::gzip;
use crate::site::Site;

/// Told the index files that changed (`None`: gone) when an index made in the background
/// is ready.
pub type SearchDone = Arc<dyn Fn(Vec<(String, Option<Blob>)>) + Send + Sync>;

/// The sections of each searchable output, and the index files last written.
#[derive(Default)]
pub(super) struct SearchState {
    docs: BTreeMap<String, Arc<Vec<SearchDoc>>>,
    /// What the site gives besides the documents (the table of everyday words, words for
    /// "did you mean").
    extras: Arc<Extras>,
    /// The files last written (kept by builds that remember).
    files: BTreeMap<String, Blob>,
    /// The index was written at least once.
    written: bool,
    /// After the first build, make the index in a thread of its own and hand its files
    /// to this (serve: an edit's pages never wait for the index).
    pub(super) background: Option<SearchDone>,
    /// The files handed over last (by the first build, then by the background).
    delivered: Arc<Mutex<BTreeMap<String, Blob>>>,
    /// The number of the newest index asked for: an older one still being made when a
    /// newer is asked for is dropped.
    latest: Arc<AtomicU64>,
    /// One thread for the background index, apart from the pool the builds use: an edit's
    /// rebuild never queues behind it, and one index is made at a time.
    pool: Option<Arc<rayon::ThreadPool>>,
}

/// The kind of document an output gives, if it is searched.
pub(super) fn searched(site: &Site, job: &Job) -> Option<&'static str> {
    use crate::content::Kind;
    if !site.config().search {
        return None;
    }
    match job {
        Job::Page(id) => Some(match site.kind(*id) {
            Kind::Article => "article",
            Kind::Event => "event",
            Kind::Lesson => "lesson",
            Kind::Page => "page",
        }),
        // Each law's own pages; the library's index and a split law's overview list
        // other pages.
        Job::Law(crate::render::laws::LawPage::File(..)) => Some("law"),
        _ => None,
    }
}

impl SearchState {
    /// Take the sections of the outputs made now (`made`), forget those of outputs that no
    /// longer exist (`exists`), and when anything changed write the index again into `sink`
    /// (`keep`: also remember its files, for serve). Paths written or removed go to
    /// `touched`. Gives the number of files written and their bytes.
    pub fn update(
        &mut self,
        made: Vec<(String, Vec<SearchDoc>)>,
        extras: Extras,
        exists: &dyn Fn(&str) -> bool,
        keep: bool,
        sink: &dyn Sink,
        touched: &mut BTreeSet<String>,
    ) -> std::io::Result<(usize, usize)> {
        let mut changed = !self.written;
        if *self.extras != extras {
            self.extras = Arc::new(extras);
            changed = true;
        }
        for (path, docs) in made {
            let same = self.docs.get(&path).is_some_and(|d| **d == docs);
            if !same {
                changed = true;
                self.docs.insert(path, Arc::new(docs));
            }
        }
        let before = self.docs.len();
        self.docs.retain(|p, _| exists(p));
        changed |= self.docs.len() != before;
        if !changed {
            return Ok((0, 0));
        }
        if let Some(done) = self.background.as_ref().filter(|_| self.written) {
            self.make_in_background(done.clone());
            return Ok((0, 0));
        }
        let docs: Vec<&SearchDoc> = self.docs.values().flat_map(|d| d.iter()).collect();
        let files = index_files(docs, &self.extras);
        let mut clock = crate::timings::Phase::start();
        if let Ok(mut delivered) = self.delivered.lock() {
            delivered.clone_from(&files);
        }
        let mut written = (files.len(), 0);
        for (path, bytes) in &files {
            if self.files.get(path) != Some(bytes) {
                touched.insert(path.clone());
            }
            written.1 += bytes.len();
        }
        // Tens of thousands of small files: written in parallel, as pages are.
        files
            .par_iter()
            .try_for_each(|(path, bytes)| sink.put(path, bytes.clone()))?;
        for old in self.files.keys().filter(|p| !files.contains_key(*p)) {
            touched.insert(old.clone());
        }
        clock.done("    write");
        self.files = if keep { files } else { BTreeMap::new() };
        self.written = true;
        Ok(written)
    }

    /// The index file at output path `path`, as last written (serve).
    pub fn file(&self, path: &str) -> Option<Blob> {
        self.files.get(path).cloned()
    }

    /// Make the index of the sections known now in a thread of its own, and hand what
    /// changed to `done` (unless a newer index was asked for meanwhile).
    fn make_in_background(&mut self, done: SearchDone) {
        if self.pool.is_none() {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .thread_name(|_| "pufa-search-index".into())
                .build();
            match pool {
                Ok(pool) => self.pool = Some(Arc::new(pool)),
                // No thread to be had: the index of this edit is skipped, the next tries again.
                Err(_) => return,
            }
        }
        let Some(pool) = &self.pool else { return };
        let snapshot: Vec<Arc<Vec<SearchDoc>>> = self.docs.values().cloned().collect();
        let extras = self.extras.clone();
        let generation = self.latest.fetch_add(1, Ordering::SeqCst) + 1;
        let (latest, delivered) = (self.latest.clone(), self.delivered.clone());
        pool.spawn(move || {
            if latest.load(Ordering::SeqCst) != generation {
                return;
            }
            let files = index_files(snapshot.iter().flat_map(|d| d.iter()).collect(), &extras);
            let Ok(mut old) = delivered.lock() else {
                return;
            };
            if latest.load(Ordering::SeqCst) != generation {
                return;
            }
            let mut delta: Vec<(String, Option<Blob>)> = files
                .iter()
                .filter(|(p, b)| old.get(*p) != Some(*b))
                .map(|(p, b)| (p.clone(), Some(b.clone())))
                .collect();
            delta.extend(
                old.keys()
                    .filter(|p| !files.contains_key(*p))
                    .map(|p| (p.clone(), None)),
            );
            *old = files;
            done(delta);
        });
    }
}

/// Every index file for the sections `docs`. Documents are numbered by kind ([`KINDS`]),
/// then by address, so that each kind, and each law, is a range of numbers (`meta.json`
/// lists them): the browser counts results by kind and filters by law without reading the
/// document store.
fn index_files(mut docs: Vec<&SearchDoc>, extras: &Extras) -> BTreeMap<String, Blob> {
    docs.sort_by_key(|d| KINDS.iter().position(|k| *k == d.kind));
    let inputs: Vec<Doc> = docs.iter().map(|d| d.as_doc()).collect();
    // The index and the files beside it at once: the index's steps that run on one thread
    // leave a core to the others.
    let (mut files, (words, others)) = rayon::join(
        || {
            let index = crate::search::build::build(&inputs, Settings::default());
            let mut clock = crate::timings::Phase::start();
            let files = index.into_files();
            clock.done("    publish shards");
            files
        },
        || {
            (
                extras::words_files(&extras.words, &docs),
                other_files(&docs, extras),
            )
        },
    );
    // (meta.json is completed here.)
    let meta = match files.iter().position(|(p, _)| p == "meta.json") {
        Some(i) => files.remove(i).1,
        None => Vec::new(),
    };
    let mut out: BTreeMap<String, Blob> = files
        .into_iter()
        .map(|(p, b)| (format!("{FOLDER}{p}"), Blob::from(b)))
        .collect();
    let mut meta: serde_json::Value = serde_json::from_slice(&meta).unwrap_or_default();
    meta["store"] = DOCS_PER_FILE.into();
    meta["kinds"] = ranges(&docs, |d| Some(d.kind.to_string()));
    meta["laws"] = ranges(&docs, |d| law_of(&d.url).map(str::to_string));
    meta["articles"] =
        crate::search::articles::table(docs.iter().map(|d| (d.url.as_str(), d.title.as_str())));
    let (n, words) = words;
    meta["words"] = serde_json::json!({ "n": n });
    for (path, bytes) in words {
        out.insert(format!("{FOLDER}{path}.gz"), Blob::from(gzip(&bytes)));
    }
    out.insert(
        format!("{FOLDER}meta.json"),
        Blob::from(meta.to_string().into_bytes()),
    );
    out.extend(others);
    out
}

/// The index's files that do not hold postings: the dates, the "did you mean" words and
/// the document store.
fn other_files(docs: &[&SearchDoc], extras: &Extras) -> Vec<(String, Blob)> {
    let dates = extras::dates_file(docs);
    let vocab = extras::vocab_file(&extras.vocab, docs);
    let mut out = vec![
        (format!("{FOLDER}dates.json.gz"), Blob::from(gzip(&dates))),
        (format!("{FOLDER}vocab.json.gz"), Blob::from(gzip(&vocab))),
    ];
    let stores = docs
        .par_chunks(DOCS_PER_FILE)
        .enumerate()
        .map(|(k, chunk)| {
            let rows: Vec<serde_json::Value> = chunk
                .iter()
                .map(|d| {
                    let text: String = d.text.chars().take(SNIPPET_CHARS).collect();
                    // A result names the first heading of its part (a page's joined
                    // sections list each of theirs; the index holds them all).
                    let heading = d.heading.lines().next().unwrap_or_default();
                    match &d.section {
                        Some(s) => {
                            serde_json::json!([d.url, d.kind, d.title, heading, d.date, text, s])
                        }
                        None => serde_json::json!([d.url, d.kind, d.title, heading, d.date, text]),
                    }
                })
                .collect();
            let json = serde_json::to_vec(&rows).unwrap_or_default();
            (format!("{FOLDER}d/{k}.gz"), Blob::from(gzip(&json)))
        });
    out.par_extend(stores);
    out
}

/// The column (栏目) a result of output `job` names: its page's column's name, for a page
/// in one (pages of other sections count as 文章 and show their section).
pub(super) fn section_of(site: &Site, job: &Job) -> Option<String> {
    let Job::Page(id) = job else {
        return None;
    };
    let dir = site.page(*id).column.as_deref()?;
    site.column(dir).map(|c| c.title.clone())
}

/// The runs of documents that give one value by `key` (documents with `None` between
/// them), as `[[value, first, end], …]`.
fn ranges(docs: &[&SearchDoc], key: impl Fn(&SearchDoc) -> Option<String>) -> serde_json::Value {
    let mut out: Vec<(String, usize, usize)> = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        let Some(k) = key(d) else { continue };
        match out.last_mut() {
            Some((last, _, end)) if *last == k && *end == i => *end = i + 1,
            _ => out.push((k, i, i + 1)),
        }
    }
    serde_json::json!(out)
}

/// What the site gives the search files besides the documents: the table of everyday
/// words with the addresses of its articles and laws, and the words "did you mean"
/// proposes first (the table's, the tags, the laws' short names).
pub(super) fn extras(site: &Site) -> Extras {
    let lib = site.library();
    let words: Vec<WordRow> = lib
        .words
        .iter()
        .map(|w| WordRow {
            words: w.words.clone(),
            terms: w.terms.clone(),
            articles: w
                .articles
                .iter()
                .filter_map(|&(law, no)| {
                    let (page, anchor) = lib.article_place(law, no)?;
                    Some((lib.article_label(law, no), format!("{page}#{anchor}")))
                })
                .collect(),
            laws: w
                .laws
                .iter()
                .map(|&l| (format!("《{}》", lib.laws[l].short), lib.laws[l].path()))
                .collect(),
        })
        .collect();
    let mut vocab: Vec<String> = Vec::new();
    for w in &words {
        vocab.extend(w.words.iter().chain(&w.terms).cloned());
    }
    for t in &site.config().taxonomies {
        vocab.extend(site.terms(&t.key).map(|t| t.name.clone()));
    }
    vocab.extend(lib.laws.iter().map(|l| l.short.clone()));
    Extras { words, vocab }
}
