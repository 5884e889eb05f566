//! Render step, writing: every output goes to the sink through [`Outputs`], which reuses
//! what the previous build made from the same inputs, collects template problems once each,
//! and counts what was written.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use minijinja::Environment;
use minijinja::value::Value;

use super::theme::Theme;
use super::{Rendered, template_diag};
use crate::diag::Diagnostic;
use crate::fingerprint::FastMap;
use crate::output::{Blob, Sink};

/// An output made (or reused) in this build.
pub(super) struct Made {
    pub path: String,
    /// Fingerprint of its inputs.
    pub fp: u64,
    /// Kept only by builds that remember.
    pub bytes: Blob,
    /// Made in this build, not reused from the previous one.
    pub fresh: bool,
}

/// Problems found while rendering, de-duplicated: one template mistake that breaks 500 pages
/// is reported once.
pub(super) struct Problems {
    seen: Mutex<BTreeMap<ProblemKey, (Diagnostic, usize)>>,
}

/// (file, line, message) of a template problem.
type ProblemKey = (String, usize, String);

impl Problems {
    pub fn add(&self, d: Diagnostic) {
        let key = (
            d.file.clone().unwrap_or_default(),
            d.line.unwrap_or(0),
            d.message.clone(),
        );
        if let Ok(mut m) = self.seen.lock() {
            m.entry(key).or_insert((d, 0)).1 += 1;
        }
    }

    pub fn into_diags(self) -> Vec<Diagnostic> {
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

/// Where the outputs of one build go.
pub(super) struct Outputs<'a> {
    env: &'a Environment<'static>,
    theme: &'a Theme,
    sink: &'a dyn Sink,
    /// The previous build's outputs with their fingerprints.
    old: &'a FastMap<String, (u64, Blob)>,
    /// Keep the bytes of what is made, for the next build.
    keep: bool,
    problems: Problems,
    io_error: Mutex<Option<std::io::Error>>,
    counts: Mutex<(usize, usize)>,
}

impl<'a> Outputs<'a> {
    pub fn new(
        env: &'a Environment<'static>,
        theme: &'a Theme,
        sink: &'a dyn Sink,
        old: &'a FastMap<String, (u64, Blob)>,
        keep: bool,
    ) -> Self {
        Outputs {
            env,
            theme,
            sink,
            old,
            keep,
            problems: Problems {
                seen: Mutex::new(BTreeMap::new()),
            },
            io_error: Mutex::new(None),
            counts: Mutex::new((0, 0)),
        }
    }

    /// Hand a file to the sink.
    pub fn put(&self, path: &str, bytes: Blob) {
        let len = bytes.len();
        let written = self.sink.put(path, bytes);
        self.count(len, written);
    }

    /// Hand a freshly made file to the sink; returns what this build remembers of it.
    fn put_made(&self, path: &str, bytes: Vec<u8>) -> Blob {
        let len = bytes.len();
        if self.keep {
            let blob: Blob = Arc::from(bytes);
            let written = self.sink.put(path, blob.clone());
            self.count(len, written);
            blob
        } else {
            // A one-off build keeps no copy (only the path, for the sitemap).
            let written = self.sink.put_bytes(path, bytes);
            self.count(len, written);
            Arc::from(&b""[..])
        }
    }

    fn count(&self, len: usize, written: std::io::Result<()>) {
        match written {
            Ok(()) => {
                if let Ok(mut c) = self.counts.lock() {
                    c.0 += 1;
                    c.1 += len;
                }
            }
            Err(e) => {
                if let Ok(mut slot) = self.io_error.lock() {
                    slot.get_or_insert(e);
                }
            }
        }
    }

    /// The previous build's output at `path`, written again, if it was made from the same
    /// inputs.
    fn reuse(&self, path: &str, fp: u64) -> Option<Made> {
        let (old, blob) = self.old.get(path)?;
        if *old != fp {
            return None;
        }
        self.put(path, blob.clone());
        Some(Made {
            path: path.to_string(),
            fp,
            bytes: blob.clone(),
            fresh: false,
        })
    }

    /// Write the text `make` produces at `path`, unless the previous build made it from the
    /// same inputs.
    pub fn make(&self, path: String, fp: u64, make: &dyn Fn() -> String) -> Made {
        if let Some(m) = self.reuse(&path, fp) {
            return m;
        }
        let bytes = self.put_made(&path, make().into_bytes());
        Made {
            path,
            fp,
            bytes,
            fresh: true,
        }
    }

    /// Render `template` with `ctx` to `path`, unless the previous build made it from the
    /// same inputs (`fp`; `None` = always render, not remembered). A template error is
    /// collected and nothing is written.
    pub fn render(
        &self,
        template: &str,
        path: &str,
        fp: Option<u64>,
        ctx: &dyn Fn() -> Value,
    ) -> Option<Made> {
        if let Some(m) = fp.and_then(|fp| self.reuse(path, fp)) {
            return Some(m);
        }
        match self
            .env
            .get_template(template)
            .and_then(|t| t.render(ctx()))
        {
            Ok(s) => {
                let bytes = self.put_made(path, s.into_bytes());
                fp.map(|fp| Made {
                    path: path.to_string(),
                    fp,
                    bytes,
                    fresh: true,
                })
            }
            Err(e) => {
                self.problems
                    .add(template_diag(&e, self.theme, Some(&format!("/{path}"))));
                None
            }
        }
    }

    /// What was written, and the problems.
    pub fn finish(self) -> Rendered {
        let (files, bytes) = self.counts.into_inner().unwrap_or_default();
        Rendered {
            files,
            bytes,
            diagnostics: self.problems.into_diags(),
            io_error: self.io_error.into_inner().unwrap_or_default(),
        }
    }
}
