//! `check --external`, the cache: addresses found alive (or moved), with when, in
//! `.pufa-cache/links.tsv` of the site (git-ignored; safe to delete). An entry older than a
//! week is asked about again; dead and unsure addresses are always asked again.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use super::fetch::Verdict;

/// How long an answer is trusted.
const EXPIRY_SECS: u64 = 7 * 24 * 3600;

pub struct Cache {
    /// Address → (verdict, seconds since 1970 when it was found).
    entries: BTreeMap<String, (Verdict, u64)>,
}

fn file(root: &Path) -> PathBuf {
    root.join(".pufa-cache").join("links.tsv")
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Cache {
    /// The cache of the site at `root` (empty when there is none or it cannot be read).
    pub fn read(root: &Path) -> Cache {
        let text = std::fs::read_to_string(file(root)).unwrap_or_default();
        let entries = text
            .lines()
            .filter_map(|l| {
                let mut f = l.split('\t');
                let (url, kind, to, when) = (f.next()?, f.next()?, f.next()?, f.next()?);
                let v = match kind {
                    "alive" => Verdict::Alive,
                    "moved" => Verdict::Moved(to.to_string()),
                    _ => return None,
                };
                Some((url.to_string(), (v, when.parse().ok()?)))
            })
            .collect();
        Cache { entries }
    }

    /// What the cache still trusts about `url`.
    pub fn fresh(&self, url: &str) -> Option<Verdict> {
        let (v, when) = self.entries.get(url)?;
        (now().saturating_sub(*when) < EXPIRY_SECS).then(|| v.clone())
    }

    /// Remember a verdict (only alive and moved addresses are kept; a fresh entry keeps
    /// its time).
    pub fn remember(&mut self, url: &str, v: &Verdict) {
        match v {
            Verdict::Alive | Verdict::Moved(_) => {
                if self.fresh(url).as_ref() != Some(v) {
                    self.entries.insert(url.to_string(), (v.clone(), now()));
                }
            }
            _ => {
                self.entries.remove(url);
            }
        }
    }

    /// Write the cache (a failure only costs a slower next run).
    pub fn write(&self, root: &Path) {
        let mut text = String::new();
        for (url, (v, when)) in &self.entries {
            let (kind, to) = match v {
                Verdict::Moved(to) => ("moved", to.as_str()),
                _ => ("alive", ""),
            };
            text.push_str(&format!("{url}\t{kind}\t{to}\t{when}\n"));
        }
        let path = file(root);
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = std::fs::write(path, text);
    }
}
