//! Link step, content files (images, PDFs): where each one goes — beside the pages of its
//! folder that use it, else mirrored under its folder path — and which are withdrawn with
//! the only pages that use them. Kept per file: an update places again only the files whose
//! users or bytes changed.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::claims::{Claimant, Claims};
use super::links::{AssetPlacement, LinkIndex};
use crate::reads::{Dirty, Fact, sym};

/// How a page uses a content file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Use {
    /// A published page; with its site path when it sits in the file's folder (the copy
    /// then goes beside it).
    Published(Option<String>),
    /// A withdrawn page.
    Withdrawn,
}

/// The content files and who uses them.
#[derive(Debug, Default)]
pub(super) struct Files {
    /// Content file → bytes.
    pub bytes: BTreeMap<String, Arc<[u8]>>,
    /// Link target (a content path, which may not exist) → the pages using it.
    pub uses: BTreeMap<String, BTreeMap<Arc<str>, Use>>,
    /// Folders (`content/articles/x/`) of withdrawn page bundles.
    pub bundles: BTreeSet<String>,
    /// Content file → where it was placed (the output paths given to it).
    pub placed: BTreeMap<String, Vec<String>>,
    /// Content files to place again.
    pub dirty: BTreeSet<String>,
}

impl Files {
    /// Mark every content file inside `folder` (ending in `/`) for placing again.
    pub fn touch_folder(&mut self, folder: &str) {
        let inside: Vec<String> = self
            .bytes
            .range(folder.to_string()..)
            .take_while(|(k, _)| k.starts_with(folder))
            .map(|(k, _)| k.clone())
            .collect();
        self.dirty.extend(inside);
    }

    /// Place the dirty files: their copies (`out`: site path → bytes), their claims, and
    /// where links to them lead (`index`).
    pub fn settle(
        &mut self,
        out: &mut BTreeMap<String, Arc<[u8]>>,
        claims: &mut Claims,
        index: &mut LinkIndex,
        dirty: &mut Dirty,
    ) {
        let files = std::mem::take(&mut self.dirty);
        for rel in files {
            let placement = self.placement(&rel);
            let bytes = self.bytes.get(&rel).filter(|_| placement.is_some());
            let mut new_out: Vec<String> = placement
                .iter()
                .flat_map(|pl| pl.beside.values().chain(std::iter::once(&pl.main)))
                .cloned()
                .collect();
            new_out.sort_unstable();
            new_out.dedup();
            let old_out = self.placed.remove(&rel).unwrap_or_default();
            let same_bytes =
                |p: &String| matches!((out.get(p), bytes), (Some(a), Some(b)) if Arc::ptr_eq(a, b));
            if old_out != new_out || !new_out.iter().all(same_bytes) {
                dirty.insert(Fact::Assets);
            }
            for p in &old_out {
                out.remove(p);
                claims.remove(&Claimant::Asset(p.clone(), rel.clone()));
            }
            if let Some(bytes) = bytes {
                for p in &new_out {
                    out.insert(p.clone(), bytes.clone());
                    claims.add(Claimant::Asset(p.clone(), rel.clone()));
                }
                self.placed.insert(rel.clone(), new_out);
            }
            if index.assets.get(&rel) != placement.as_ref() {
                dirty.insert(Fact::LinkAsset(sym(&rel)));
                match placement {
                    Some(p) => index.assets.insert(rel, p),
                    None => index.assets.remove(&rel),
                };
            }
        }
    }

    /// Where content file `rel` goes: beside each page of its folder that uses it (the
    /// first of those copies serving everyone else), else at its own folder path; `None`
    /// when it does not exist or only withdrawn pages use it (or it sits in a withdrawn
    /// bundle) and no published page does.
    fn placement(&self, rel: &str) -> Option<AssetPlacement> {
        self.bytes.get(rel)?;
        let uses = self.uses.get(rel);
        let published = uses.is_some_and(|u| u.values().any(|x| matches!(x, Use::Published(_))));
        let withdrawn = uses.is_some_and(|u| u.values().any(|x| *x == Use::Withdrawn));
        let in_bundle = self.bundles.iter().any(|b| rel.starts_with(b.as_str()));
        if !published && (withdrawn || in_bundle) {
            return None;
        }
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let mut placement = AssetPlacement::default();
        for u in uses.into_iter().flat_map(|u| u.values()) {
            if let Use::Published(Some(path)) = u {
                placement
                    .beside
                    .insert(path.clone(), format!("{path}{name}"));
            }
        }
        let mut beside: Vec<&String> = placement.beside.values().collect();
        beside.sort();
        placement.main = match beside.first() {
            Some(s) => (*s).clone(),
            None => rel.strip_prefix("content/").unwrap_or(rel).to_string(),
        };
        Some(placement)
    }
}
