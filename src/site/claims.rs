//! Link step, output paths: every output path is claimed once — list pages and generated
//! files first, then pages (in source order), then content files — and a clash is an
//! error naming the user's file. Claims are kept per normalised path, so an update looks
//! again only at the paths whose claimants changed; what each site path leads to (for link
//! resolution) follows from its claimants.
//!
//! A processed image's variants (ten files or so) are claimed as one: their names carry
//! the image's fingerprint, so only another image with the same name and bytes, or a file
//! named exactly like one of them, can want the same paths. Such claims meet in a group
//! (folder, name and fingerprint: see [`crate::images::variant_group`]), where the first wins as for a
//! path. The variants are not link targets: their names change with the photo, so pages
//! link to the image itself.

use std::collections::BTreeSet;

use rayon::prelude::*;
use std::sync::Arc;

use super::links::{LinkIndex, Target};
use crate::content::page::Page;
use crate::diag::Diagnostic;
use crate::fingerprint::{FastMap, FastSet};
use crate::reads::{Dirty, Fact, PageId, sym};

/// Who wants an output path, in the order claims are honoured.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Claimant {
    /// A list page (site path).
    List(String),
    /// A generated file (its place among them, site path, where it comes from).
    Other(usize, String, String),
    /// A published page (source, id, site path).
    Page(Arc<str>, PageId, String),
    /// A copy of a content file (site path, content file).
    Asset(String, String),
    /// The variants of a processed image (the site path of the first, content file).
    Variants(String, String),
    /// A page's old address, which leads to it (source, id, site path): any other claim
    /// comes first.
    Alias(Arc<str>, PageId, String),
}

impl Claimant {
    fn site_path(&self) -> &str {
        match self {
            Claimant::List(p) | Claimant::Other(_, p, _) | Claimant::Page(_, _, p) => p,
            Claimant::Asset(p, _) | Claimant::Variants(p, _) | Claimant::Alias(_, _, p) => p,
        }
    }
}

/// A page `about/` and a file `about/index.html` are the same output file.
fn key_of(p: &str) -> &str {
    match p.strip_suffix("index.html") {
        Some(dir) if dir.is_empty() || dir.ends_with('/') => dir,
        _ => p,
    }
}

/// Every claim, by normalised path.
#[derive(Debug, Default)]
pub(super) struct Claims {
    by_key: FastMap<String, BTreeSet<Claimant>>,
    /// Keys whose claimants changed since the last [`Claims::settle`].
    dirty: FastSet<String>,
    /// The generated files of the last update.
    others: Vec<(String, String)>,
    /// Site paths each key gave to the link index.
    raw: FastMap<String, Vec<String>>,
    /// Keys whose claimants clash.
    clashing: FastSet<String>,
    /// Claims that meet in a group of image variants' names, by group.
    groups: FastMap<String, BTreeSet<Claimant>>,
    /// Groups whose claimants changed since the last [`Claims::settle`].
    dirty_groups: FastSet<String>,
}

/// The group a claim joins, if any: variants always; a file copied or generated, when its
/// name looks like a variant's (pages, lists and old addresses are folders).
fn group_of(c: &Claimant) -> Option<String> {
    match c {
        Claimant::Variants(p, _) | Claimant::Asset(p, _) | Claimant::Other(_, p, _) => {
            crate::images::variant_group(p)
        }
        _ => None,
    }
}

impl Claims {
    pub fn add(&mut self, c: Claimant) {
        if let Some(g) = group_of(&c) {
            let set = self.groups.entry(g.clone()).or_default();
            self.dirty_groups.insert(g);
            if matches!(c, Claimant::Variants(..)) {
                set.insert(c);
                return;
            }
            set.insert(c.clone());
        }
        let key = key_of(c.site_path());
        if !self.dirty.contains(key) {
            self.dirty.insert(key.to_string());
        }
        match self.by_key.get_mut(key) {
            Some(set) => {
                set.insert(c);
            }
            None => {
                let key = key.to_string();
                self.by_key.insert(key, BTreeSet::from([c]));
            }
        }
    }

    pub fn remove(&mut self, c: &Claimant) {
        if let Some(g) = group_of(c) {
            if let Some(set) = self.groups.get_mut(&g) {
                set.remove(c);
                if set.is_empty() {
                    self.groups.remove(&g);
                }
            }
            self.dirty_groups.insert(g);
            if matches!(c, Claimant::Variants(..)) {
                return;
            }
        }
        let key = key_of(c.site_path());
        if let Some(set) = self.by_key.get_mut(key) {
            set.remove(c);
            if set.is_empty() {
                self.by_key.remove(key);
            }
        }
        if !self.dirty.contains(key) {
            self.dirty.insert(key.to_string());
        }
    }

    /// The generated files (static files, feeds, statute pages…) with where they come from.
    pub fn set_others(&mut self, others: Vec<(String, String)>) {
        if others == self.others {
            return;
        }
        let old = std::mem::take(&mut self.others);
        for (k, (p, what)) in old.into_iter().enumerate() {
            self.remove(&Claimant::Other(k, p, what));
        }
        for (k, (p, what)) in others.iter().enumerate() {
            self.add(Claimant::Other(k, p.clone(), what.clone()));
        }
        self.others = others;
    }

    /// Look again at the keys whose claimants changed: the clashes among them (by key, for
    /// the caller to report: keys that clash, or clashed before) and what their site paths
    /// now lead to in `index`. `page` gives a page by id (for messages); `law_page` tells a
    /// statute page's index by its path. The keys are looked at in parallel.
    pub fn settle(
        &mut self,
        index: &mut LinkIndex,
        dirty: &mut Dirty,
        page: &PageOf<'_>,
        law_page: &LawPageOf<'_>,
    ) -> Vec<(String, Vec<Diagnostic>)> {
        let mut keys: Vec<String> = self.dirty.drain().collect();
        keys.sort_unstable();
        let (by_key, old_raw) = (&self.by_key, &self.raw);
        let settled: Vec<Settled> = keys
            .into_par_iter()
            .map(|key| {
                let claimants: Vec<&Claimant> = by_key.get(&key).into_iter().flatten().collect();
                let clashes = clashes(&claimants, page);
                let mut raw: Vec<String> = claimants
                    .iter()
                    .map(|c| c.site_path().to_string())
                    .collect();
                raw.sort_unstable();
                raw.dedup();
                let mut paths: Vec<&String> = old_raw
                    .get(&key)
                    .into_iter()
                    .flatten()
                    .chain(&raw)
                    .collect();
                paths.sort_unstable();
                paths.dedup();
                let targets = paths
                    .into_iter()
                    .map(|r| (r.clone(), target_of(r, &claimants, page, law_page)))
                    .collect();
                Settled {
                    key,
                    clashes,
                    raw,
                    targets,
                }
            })
            .collect();
        let mut out = Vec::new();
        for s in settled {
            for (r, target) in s.targets {
                if index.paths.get(r.as_str()) != target.as_ref() {
                    dirty.insert(Fact::LinkPath(sym(&r)));
                    dirty.insert(Fact::LinkIds(sym(&r)));
                    match target {
                        Some(t) => index.paths.insert(r, t),
                        None => index.paths.remove(r.as_str()),
                    };
                }
            }
            if s.raw.is_empty() {
                self.raw.remove(&s.key);
            } else {
                self.raw.insert(s.key.clone(), s.raw);
            }
            self.note_clashes(s.key, s.clashes, &mut out);
        }
        self.settle_groups(page, &mut out);
        out
    }

    /// The clashes in the groups whose claimants changed, added to `out` under keys no
    /// path has (they start with a NUL).
    fn settle_groups(&mut self, page: &PageOf<'_>, out: &mut Vec<(String, Vec<Diagnostic>)>) {
        let mut groups: Vec<String> = self.dirty_groups.drain().collect();
        groups.sort_unstable();
        for g in groups {
            let claimants: Vec<&Claimant> = self.groups.get(&g).into_iter().flatten().collect();
            let clashes = clashes(&claimants, page);
            self.note_clashes(format!("\0{g}"), clashes, out);
        }
    }

    /// Keep whether `key` clashes now, and hand its clashes to `out` when it does or did
    /// (so that problems it had are replaced).
    fn note_clashes(
        &mut self,
        key: String,
        clashes: Vec<Diagnostic>,
        out: &mut Vec<(String, Vec<Diagnostic>)>,
    ) {
        let clashed = self.clashing.remove(&key);
        if !clashes.is_empty() {
            self.clashing.insert(key.clone());
        }
        if clashed || !clashes.is_empty() {
            out.push((key, clashes));
        }
    }
}

/// A page by id, for messages.
pub(super) type PageOf<'a> = dyn Fn(PageId) -> Option<Arc<Page>> + Sync + 'a;
/// The index of the statute page at a site path.
pub(super) type LawPageOf<'a> = dyn Fn(&str) -> Option<usize> + Sync + 'a;

/// One key looked at again: its clashes, its claimants' site paths, and what each site path
/// it had or has now leads to.
struct Settled {
    key: String,
    clashes: Vec<Diagnostic>,
    raw: Vec<String>,
    targets: Vec<(String, Option<Target>)>,
}

/// What site path `raw` leads to: the last page (in source order) written there, else the
/// statute page there, else whatever else claims it.
fn target_of(
    raw: &str,
    claimants: &[&Claimant],
    page: &PageOf<'_>,
    law_page: &LawPageOf<'_>,
) -> Option<Target> {
    let pages = claimants.iter().rev().find_map(|c| match c {
        Claimant::Page(_, id, p) if p == raw => page(*id),
        _ => None,
    });
    if let Some(p) = pages {
        return Some(Target::Page(Arc::from(p.body.ids.clone())));
    }
    if !claimants.iter().any(|c| c.site_path() == raw) {
        return None;
    }
    Some(law_page(raw).map_or(Target::Other, Target::Law))
}

/// An error for every claimant after the first of one output path.
fn clashes(claimants: &[&Claimant], page: &PageOf<'_>) -> Vec<Diagnostic> {
    let Some((first, rest)) = claimants.split_first() else {
        return Vec::new();
    };
    rest.iter().map(|new| clash(first, new, page)).collect()
}

/// Where a page's URL comes from: its `slug:` line, or the file name (line 1).
fn slug_line(p: &Page) -> Option<(usize, usize)> {
    crate::yaml::key_position(p.quotes.head(), 1, "slug")
}

fn describe(c: &Claimant) -> String {
    match c {
        Claimant::List(p) => format!("自动生成的列表页 /{p}"),
        Claimant::Other(_, _, d) => d.clone(),
        Claimant::Page(s, _, _) => s.to_string(),
        Claimant::Asset(_, src) | Claimant::Variants(_, src) => format!("附件 {src}"),
        Claimant::Alias(s, _, _) => format!("{s} 的旧网址（aliases）"),
    }
}

/// The error for the old address `new` (`aliases:`) of a page, which another claims.
fn alias_clash(old: &Claimant, new: &Claimant, page: &PageOf<'_>) -> Diagnostic {
    let (Claimant::Alias(src, id, path), Some(p)) = (new, page_of_claim(new, page)) else {
        return Diagnostic::error(format!("旧网址 /{} 被占用了两次", new.site_path()));
    };
    let (line, col) = crate::yaml::key_position(p.quotes.head(), 1, "aliases").unwrap_or((1, 0));
    let own = matches!(old, Claimant::Page(s, i, _) if s == src && i == id);
    let msg = match old {
        _ if own => format!("旧网址 /{path} 就是这个页面现在的网址"),
        Claimant::Page(s, _, _) => format!("旧网址 /{path} 已经是 {s} 的网址"),
        _ => format!("旧网址 /{path} 已经是{}", describe(old)),
    };
    Diagnostic::error(msg)
        .in_file(&**src)
        .at(line, col)
        .quoting(p.quotes.line(line), 0)
        .with_hint("aliases 只写已经不用的旧网址；现在还有页面的网址不能做旧网址。删掉这一项，或改成真正的旧网址。")
}

fn page_of_claim(c: &Claimant, page: &PageOf<'_>) -> Option<Arc<Page>> {
    match c {
        Claimant::Page(_, id, _) | Claimant::Alias(_, id, _) => page(*id),
        _ => None,
    }
}

/// The error for `new`, which wants the path `old` has.
fn clash(old: &Claimant, new: &Claimant, page: &PageOf<'_>) -> Diagnostic {
    if matches!(new, Claimant::Alias(..)) {
        return alias_clash(old, new, page);
    }
    // Of an image's variants against a file with one of their names, that name.
    let shown = match (old, new) {
        (Claimant::Other(..) | Claimant::Asset(..), Claimant::Variants(..)) => old.site_path(),
        _ => new.site_path(),
    };
    let shown = format!("/{shown}");
    let (new_page, old_page) = (page_of_claim(new, page), page_of_claim(old, page));
    // Point at the page whose explicit slug caused the clash, if one has it.
    let (here, there) = match (&new_page, &old_page) {
        (Some(n), Some(o)) if slug_line(n).is_none() && slug_line(o).is_some() => {
            (old_page.clone(), new_page.clone())
        }
        _ => (new_page.clone(), old_page.clone()),
    };
    let file = match new {
        Claimant::Page(s, _, _) => Some(s.to_string()),
        Claimant::Asset(_, src) | Claimant::Variants(_, src) => Some(src.clone()),
        Claimant::Other(_, _, d) => d.strip_prefix("文件 ").map(str::to_string),
        Claimant::List(_) | Claimant::Alias(..) => None,
    };
    let d = match (&here, file) {
        (Some(p), _) => {
            let (line, col) = slug_line(p).unwrap_or((1, 0));
            let msg = if there.is_some() {
                format!("两个页面的网址相同：{shown}")
            } else {
                format!("这个页面的网址 {shown} 和{}重复了", describe(old))
            };
            Diagnostic::error(msg)
                .in_file(&p.source)
                .at(line, col)
                .quoting(p.quotes.line(line), 0)
        }
        (None, Some(f)) => {
            Diagnostic::error(format!("文件会写到 {shown}，但那里已经有{}", describe(old)))
                .in_file(f)
        }
        (None, None) => Diagnostic::error(format!("网址 {shown} 被占用了两次")),
    };
    // A slug only moves a page; two files are told apart by their names.
    let pages = here.is_some() || there.is_some();
    let other = match there {
        Some(p) => p.source.clone(),
        None => describe(old),
    };
    let slug = match pages {
        true => "，或在元数据里写不同的 slug",
        false => "",
    };
    d.with_hint(format!("另一个是 {other}。请修改其中一个的文件名{slug}。"))
}
