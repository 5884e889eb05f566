//! Link step, content files (images, PDFs): where each one goes — beside the pages of its
//! folder that use it, else mirrored under its folder path — and which are withdrawn with
//! the only pages that use them. Kept per file: an update places again only the files whose
//! users or bytes changed.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::claims::{Claimant, Claims};
use super::links::{AssetPlacement, LinkIndex};
use crate::images::cache::Ready;
use crate::output::Copied;
use crate::reads::{Dirty, Fact, sym};

/// A content file other than Markdown, as the link step gets it.
#[derive(Debug, Clone)]
pub enum AssetData {
    /// Copied as it is.
    Bytes(Arc<[u8]>),
    /// A processed image: its variants (in the image cache) are published instead.
    Image(Arc<Ready>),
    /// An image that could not be processed (the image step reported why): links to it
    /// are not reported again, nothing of it is published.
    Failed,
}

impl AssetData {
    /// The files to publish for a copy placed at `main` (output path, file), and the claims
    /// on their paths: one for a file copied as it is, one for all the variants of an
    /// image (see [`Claimant::Variants`]) and one for its original when that is published.
    fn outputs(
        &self,
        main: &str,
        rel: &str,
        out: &mut Vec<(String, Copied)>,
        claims: &mut Vec<Claimant>,
    ) {
        match self {
            AssetData::Bytes(b) => {
                out.push((main.to_string(), Copied::Bytes(b.clone())));
                claims.push(Claimant::Asset(main.to_string(), rel.to_string()));
            }
            AssetData::Image(r) => {
                let stem = crate::images::without_extension(main);
                let first = out.len();
                out.extend(r.files().map(|(v, disk)| {
                    let mut path = String::with_capacity(stem.len() + 26);
                    path.push_str(stem);
                    r.info.name_end(v, &mut path);
                    (path, Copied::Disk(disk.clone()))
                }));
                if let Some((path, _)) = out.get(first) {
                    claims.push(Claimant::Variants(path.clone(), rel.to_string()));
                }
                if let Some(disk) = &r.original {
                    out.push((main.to_string(), Copied::Disk(disk.clone())));
                    claims.push(Claimant::Asset(main.to_string(), rel.to_string()));
                }
            }
            AssetData::Failed => {}
        }
    }

    /// Size of the source file.
    fn len(&self) -> u64 {
        match self {
            AssetData::Bytes(b) => b.len() as u64,
            AssetData::Image(r) => r.source_len,
            AssetData::Failed => 0,
        }
    }
}

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
    /// Content file → what it holds.
    pub bytes: BTreeMap<String, AssetData>,
    /// Link target (a content path, which may not exist) → the pages using it.
    pub uses: BTreeMap<String, BTreeMap<Arc<str>, Use>>,
    /// Folders (`content/articles/x/`) of withdrawn page bundles.
    pub bundles: BTreeSet<String>,
    /// Content file → where it was placed: the output paths given to it, and its claims
    /// on them.
    pub placed: BTreeMap<String, (Vec<String>, Vec<Claimant>)>,
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
        out: &mut BTreeMap<String, Copied>,
        claims: &mut Claims,
        index: &mut LinkIndex,
        dirty: &mut Dirty,
    ) {
        let files = std::mem::take(&mut self.dirty);
        for rel in files {
            let placement = self.placement(&rel);
            let data = self.bytes.get(&rel).filter(|_| placement.is_some());
            let mut places: Vec<&String> = placement
                .iter()
                .flat_map(|pl| pl.beside.values().chain(std::iter::once(&pl.main)))
                .collect();
            places.sort_unstable();
            places.dedup();
            let (mut new_out, mut new_claims) = (Vec::new(), Vec::new());
            if let Some(d) = data {
                for p in &places {
                    d.outputs(p, &rel, &mut new_out, &mut new_claims);
                }
            }
            new_out.sort_by(|a, b| a.0.cmp(&b.0));
            new_out.dedup_by(|a, b| a.0 == b.0);
            new_claims.sort_unstable();
            new_claims.dedup();
            let (old_out, old_claims) = self.placed.remove(&rel).unwrap_or_default();
            let same = old_out.len() == new_out.len()
                && new_out
                    .iter()
                    .zip(&old_out)
                    .all(|((p, c), o)| p == o && out.get(p).is_some_and(|x| x.same(c)));
            if !same {
                dirty.insert(Fact::Assets);
            }
            for p in &old_out {
                out.remove(p);
            }
            for c in &old_claims {
                claims.remove(c);
            }
            if data.is_some() {
                for c in &new_claims {
                    claims.add(c.clone());
                }
                let mut paths = Vec::with_capacity(new_out.len());
                for (p, c) in new_out {
                    out.insert(p.clone(), c);
                    paths.push(p);
                }
                self.placed.insert(rel.clone(), (paths, new_claims));
            }
            // (Link targets include pages, whose own failures the update keeps.)
            let failed = matches!(self.bytes.get(&rel), Some(AssetData::Failed));
            if !rel.ends_with(".md") && failed != index.failed.contains(&rel) {
                dirty.insert(Fact::LinkAsset(sym(&rel)));
                match failed {
                    true => index.failed.insert(rel.clone()),
                    false => index.failed.remove(&rel),
                };
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
        let data = self.bytes.get(rel)?;
        if matches!(data, AssetData::Failed) {
            return None;
        }
        let uses = self.uses.get(rel);
        let published = uses.is_some_and(|u| u.values().any(|x| matches!(x, Use::Published(_))));
        let withdrawn = uses.is_some_and(|u| u.values().any(|x| *x == Use::Withdrawn));
        let in_bundle = self.bundles.iter().any(|b| rel.starts_with(b.as_str()));
        if !published && (withdrawn || in_bundle) {
            return None;
        }
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let mut placement = AssetPlacement {
            len: data.len(),
            image: match data {
                AssetData::Image(r) => Some(Arc::new(r.info.clone())),
                _ => None,
            },
            size: match data {
                AssetData::Bytes(b) if rel.to_ascii_lowercase().ends_with(".svg") => {
                    crate::images::sniff::svg_size(b)
                }
                _ => None,
            },
            ..Default::default()
        };
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
