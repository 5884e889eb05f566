//! The pipeline's search stage: every content page and statute page the render stage made
//! gives its `<main>` text (cut into sections, see [`crate::search::extract`]); the index of
//! all of them is written under `search/` in the output. Its cache: each output's sections,
//! by output path, kept from the render that made them, so a rebuild extracts again only the
//! pages it rendered again; the index is made again when any section changed (its key is
//! the whole list of sections, compared as it is).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::output::{Blob, Sink};
use crate::render::Job;
use crate::search::extract::{PageText, page_text};
use crate::search::index;
use crate::site::Site;

/// Where the index goes in the output.
pub const FOLDER: &str = "search/";
/// Tokens per shard, about: small shards, so a query downloads little.
const PER_SHARD: usize = 512;
/// Documents per file of the document list.
const DOCS_PER_FILE: usize = 128;

/// One searchable section: its address (site path and `#anchor`), kind, page title,
/// heading and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchDoc {
    pub url: String,
    pub kind: &'static str,
    pub title: String,
    pub heading: String,
    pub text: String,
}

/// The sections of each searchable output, and the index files last written.
#[derive(Default)]
pub(super) struct SearchState {
    docs: BTreeMap<String, Arc<Vec<SearchDoc>>>,
    /// The files last written (kept by builds that remember).
    files: BTreeMap<String, Blob>,
    /// The index was written at least once.
    written: bool,
}

/// The kind of document an output gives, if it is searched.
pub(super) fn searched(site: &Site, job: &Job) -> Option<&'static str> {
    use crate::content::Kind;
    match job {
        Job::Page(id) => Some(match site.kind(*id) {
            Kind::Article => "article",
            Kind::Event => "event",
            Kind::Lesson => "lesson",
            Kind::Page => "page",
        }),
        Job::Law(_) => Some("law"),
        _ => None,
    }
}

/// The sections of the output at `path` (an `index.html`), from its HTML.
pub(super) fn sections(path: &str, kind: &'static str, html: &str) -> Vec<SearchDoc> {
    let PageText { title, sections } = page_text(html);
    let page = path.strip_suffix("index.html").unwrap_or(path);
    sections
        .into_iter()
        .map(|s| SearchDoc {
            url: match &s.anchor {
                Some(a) => format!("{page}#{a}"),
                None => page.to_string(),
            },
            kind,
            title: title.clone(),
            heading: s.heading,
            text: s.text,
        })
        .collect()
}

impl SearchState {
    /// Take the sections of the outputs made now (`made`), forget those of outputs that no
    /// longer exist (`exists`), and when anything changed write the index again into `sink`
    /// (`keep`: also remember its files, for serve). Paths written or removed go to
    /// `touched`. Gives the number of files written and their bytes.
    pub fn update(
        &mut self,
        made: Vec<(String, Vec<SearchDoc>)>,
        exists: &dyn Fn(&str) -> bool,
        keep: bool,
        sink: &dyn Sink,
        touched: &mut BTreeSet<String>,
    ) -> std::io::Result<(usize, usize)> {
        let mut changed = !self.written;
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
        let files = self.files_now();
        let mut written = (files.len(), 0);
        for (path, bytes) in &files {
            if self.files.get(path) != Some(bytes) {
                touched.insert(path.clone());
            }
            written.1 += bytes.len();
            sink.put(path, bytes.clone())?;
        }
        for old in self.files.keys().filter(|p| !files.contains_key(*p)) {
            touched.insert(old.clone());
        }
        self.files = if keep { files } else { BTreeMap::new() };
        self.written = true;
        Ok(written)
    }

    /// The index file at output path `path`, as last written (serve).
    pub fn file(&self, path: &str) -> Option<Blob> {
        self.files.get(path).cloned()
    }

    /// Every index file for the sections known now.
    fn files_now(&self) -> BTreeMap<String, Blob> {
        let docs: Vec<&SearchDoc> = self.docs.values().flat_map(|d| d.iter()).collect();
        let texts: Vec<String> = docs
            .iter()
            .map(|d| format!("{}\n{}\n{}", d.title, d.heading, d.text))
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let built = index::build(&refs, PER_SHARD);
        let mut out: BTreeMap<String, Blob> = built
            .files()
            .into_iter()
            .map(|(p, b)| (format!("{FOLDER}{p}"), Blob::from(b)))
            .collect();
        for (k, chunk) in docs.chunks(DOCS_PER_FILE).enumerate() {
            let rows: Vec<serde_json::Value> = chunk
                .iter()
                .map(|d| serde_json::json!([d.url, d.kind, d.title, d.heading]))
                .collect();
            let json = serde_json::to_vec(&rows).unwrap_or_default();
            out.insert(format!("{FOLDER}d/{k}.json"), Blob::from(json));
        }
        out
    }
}
