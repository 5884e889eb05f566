//! Link step, output files: where content files (images, PDFs) go — beside the pages of
//! their folder that use them, else mirrored — and every output path claimed once, a clash
//! being an error that names the user's file.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::ListPage;
use super::links::{AssetPlacement, folder_of, join_relative};
use crate::content::page::Page;
use crate::content::source::BinaryFile;
use crate::diag::Diagnostic;
use crate::fingerprint::{FastMap, FastSet};
use crate::markdown::LinkRef;

/// Where the content files go.
pub(super) struct Placed {
    /// Content file → where it is written.
    pub placements: FastMap<String, AssetPlacement>,
    /// Site path → bytes.
    pub out_assets: BTreeMap<String, Arc<[u8]>>,
    /// Site path → content file.
    pub asset_sources: BTreeMap<String, String>,
}

/// Files that only withdrawn pages use are withdrawn with them.
pub(super) fn place_files(
    pages: &[Arc<Page>],
    withdrawn_pages: &[Arc<Page>],
    assets: &[BinaryFile],
) -> Placed {
    let asset_set: FastMap<&str, &BinaryFile> =
        assets.iter().map(|a| (a.rel.as_str(), a)).collect();
    let mut placements: FastMap<String, AssetPlacement> = FastMap::default();
    let mut refs_of = |source: &str, path: &str, link: &LinkRef| {
        let dest = link.dest.trim();
        if crate::markdown::is_external(dest) || dest.starts_with('/') || dest.starts_with('#') {
            return;
        }
        let dec = crate::text::decode_percent(dest.split(['#', '?']).next().unwrap_or(""));
        let folder = folder_of(source);
        if let Some(j) = join_relative(folder, &dec)
            && asset_set.contains_key(j.as_str())
            && folder_of(&j) == folder
        {
            let name = j.rsplit('/').next().unwrap_or(&j).to_string();
            placements
                .entry(j.clone())
                .or_default()
                .beside
                .insert(path.to_string(), format!("{path}{name}"));
        }
    };
    for p in pages {
        for l in p.body.links.iter().chain(p.cover.iter()) {
            refs_of(&p.source, &p.path, l);
        }
    }
    // Files that only a withdrawn page uses (or that sit in a withdrawn page's own folder)
    // are withdrawn with it — unless a published page links them too.
    let refs_from = |p: &Arc<Page>| -> Vec<String> {
        let folder = folder_of(&p.source);
        p.body
            .links
            .iter()
            .chain(p.cover.iter())
            .filter(|l| {
                let d = l.dest.trim();
                !crate::markdown::is_external(d) && !d.starts_with('/') && !d.starts_with('#')
            })
            .filter_map(|l| {
                let dec = crate::text::decode_percent(
                    l.dest.trim().split(['#', '?']).next().unwrap_or(""),
                );
                join_relative(folder, &dec)
            })
            .collect()
    };
    let published_refs: FastSet<String> = pages.iter().flat_map(refs_from).collect();
    let withdrawn_refs: FastSet<String> = withdrawn_pages.iter().flat_map(refs_from).collect();
    let withdrawn_bundles: Vec<String> = withdrawn_pages
        .iter()
        .filter(|p| p.source.ends_with("/index.md"))
        .map(|p| format!("{}/", folder_of(&p.source)))
        .collect();
    let mut out_assets: BTreeMap<String, Arc<[u8]>> = BTreeMap::new();
    let mut asset_sources: BTreeMap<String, String> = BTreeMap::new();
    for a in assets {
        let only_withdrawn = !published_refs.contains(&a.rel)
            && (withdrawn_refs.contains(&a.rel)
                || withdrawn_bundles
                    .iter()
                    .any(|b| a.rel.starts_with(b.as_str())));
        if only_withdrawn {
            continue;
        }
        let mirrored = a.rel.strip_prefix("content/").unwrap_or(&a.rel).to_string();
        let place = placements.entry(a.rel.clone()).or_default();
        let mut beside: Vec<&String> = place.beside.values().collect();
        beside.sort();
        place.main = beside.first().map_or(mirrored, |s| (*s).clone());
        for p in place.beside.values().chain(std::iter::once(&place.main)) {
            out_assets.insert(p.clone(), a.bytes.clone());
            asset_sources.insert(p.clone(), a.rel.clone());
        }
    }

    Placed {
        placements,
        out_assets,
        asset_sources,
    }
}

/// Claim every output path once: lists and generated files first, then pages, then content
/// files. Returns the site path of each output.
pub(super) fn claim_outputs<'a>(
    pages: &'a [Arc<Page>],
    lists: &'a [ListPage],
    other_paths: &'a [(String, String)],
    asset_sources: &'a BTreeMap<String, String>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<&'a str> {
    enum What<'a> {
        List,
        Other(&'a str),
        Page(usize),
        Asset(&'a str),
    }
    struct Owner<'a> {
        site_path: &'a str,
        what: What<'a>,
    }
    let describe = |o: &Owner<'_>| -> String {
        match &o.what {
            What::List => format!("自动生成的列表页 /{}", o.site_path),
            What::Other(d) => (*d).to_string(),
            What::Page(i) => pages[*i].source.clone(),
            What::Asset(src) => format!("附件 {src}"),
        }
    };
    // A page `about/` and a file `about/index.html` are the same output file.
    let key_of = |p: &str| -> String {
        match p.strip_suffix("index.html") {
            Some(dir) if dir.is_empty() || dir.ends_with('/') => dir.to_string(),
            _ => p.to_string(),
        }
    };
    let mut owners: FastMap<String, Owner<'_>> = FastMap::with_capacity_and_hasher(
        pages.len() + lists.len() + other_paths.len(),
        Default::default(),
    );
    // Where a page's URL comes from: its `slug:` line, or the file name (line 1).
    let slug_line = |i: usize| crate::yaml::key_position(&pages[i].text, 1, "slug");
    let mut claims: Vec<Owner<'_>> = Vec::with_capacity(owners.capacity());
    claims.extend(lists.iter().map(|l| Owner {
        site_path: &l.path,
        what: What::List,
    }));
    claims.extend(other_paths.iter().map(|(path, origin)| Owner {
        site_path: path,
        what: What::Other(origin),
    }));
    claims.extend(pages.iter().enumerate().map(|(i, p)| Owner {
        site_path: &p.path,
        what: What::Page(i),
    }));
    claims.extend(asset_sources.iter().map(|(path, source)| Owner {
        site_path: path,
        what: What::Asset(source),
    }));
    for new in claims {
        let key = key_of(new.site_path);
        let Some(old) = owners.get(&key) else {
            owners.insert(key, new);
            continue;
        };
        let shown = format!("/{}", new.site_path);
        let page_of = |o: &Owner<'_>| match o.what {
            What::Page(i) => Some(i),
            _ => None,
        };
        // Point at the page whose explicit slug caused the clash, if one has it.
        let (here, there) = match (page_of(&new), page_of(old)) {
            (Some(i), Some(j)) if slug_line(i).is_none() && slug_line(j).is_some() => {
                (Some(j), Some(i))
            }
            other => other,
        };
        let file = match &new.what {
            What::Page(i) => Some(pages[*i].source.as_str()),
            What::Asset(src) => Some(*src),
            What::Other(d) => d.strip_prefix("文件 "),
            What::List => None,
        };
        let d = match (here, file) {
            (Some(i), _) => {
                let (line, col) = slug_line(i).unwrap_or((1, 0));
                let msg = if there.is_some() {
                    format!("两个页面的网址相同：{shown}")
                } else {
                    format!("这个页面的网址 {shown} 和{}重复了", describe(old))
                };
                Diagnostic::error(msg)
                    .in_file(&pages[i].source)
                    .at(line, col)
                    .with_source_line(&pages[i].text, 0)
            }
            (None, Some(f)) => {
                Diagnostic::error(format!("文件会写到 {shown}，但那里已经有{}", describe(old)))
                    .in_file(f)
            }
            (None, None) => Diagnostic::error(format!("网址 {shown} 被占用了两次")),
        };
        let other = match there {
            Some(j) => pages[j].source.clone(),
            None => describe(old),
        };
        diags.push(d.with_hint(format!(
            "另一个是 {other}。请修改其中一个的文件名，或在元数据里写不同的 slug。"
        )));
    }

    owners.into_values().map(|o| o.site_path).collect()
}
