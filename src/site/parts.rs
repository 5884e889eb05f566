//! Link step, what a page puts into the graph: its parts (see `update.rs`), and putting
//! each in or taking it out, noting the keys it touches.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use jiff::Timestamp;

use super::claims::{Claimant, Claims};
use super::columns::{columns_of, in_articles};
use super::files::Use;
use super::groups::date_key;
use super::links::relative_targets;
use super::state::{DateKey, PageState, Site};
use super::update::Work;
use crate::content::Kind;
use crate::content::page::Page;
use crate::reads::PageId;
use crate::statute::numerals::ArticleNo;

/// One entry a page puts into the graph (see the module doc). Each carries everything the
/// values made from it read of the page, so two equal parts make the same graph.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Part {
    /// An instant at which the page's state or status changes.
    Boundary(Timestamp),
    /// The file has errors of its own.
    Broken,
    /// Withdrawn (why), with the site path it would have.
    Withdrawn(&'static str, String),
    /// A content file it links to, and how.
    Use(String, Use),
    /// The folder of a withdrawn page bundle.
    Bundle(String),
    /// Published at a site path, with the ids (anchors) it defines.
    Published(String, Vec<String>),
    /// An old address (`aliases:`) that leads to the page.
    Alias(String),
    Date(Timestamp),
    Article(DateKey),
    /// A place in a column (by folder).
    Column(String, super::columns::ColumnKey),
    Event(Timestamp),
    Feed(usize, DateKey),
    /// A term of a taxonomy (a tag): its key (`tags/<slug>`), place, and the spellings of it
    /// the page uses (in its order).
    Tag(String, DateKey, Vec<String>),
    /// A lesson: series folder, order, the series name it gives, its date.
    Series(String, i64, Option<String>, Option<Timestamp>),
    /// A statute article it cites, with the page's title (the "cited by" order).
    Cited((usize, ArticleNo), Arc<str>),
}

/// What one file takes out of the graph (`false`) and puts in (`true`): its source path,
/// its page's id and the parts.
pub(super) type Diff<'a> = (Arc<str>, PageId, Vec<(&'a Part, bool)>);

/// Everything a page in `state` puts into the graph, sorted.
pub(super) fn parts(p: &Page, state: PageState, src: &Arc<str>, id: PageId) -> Vec<Part> {
    // The instants its state may change at: it expires; it goes live on its date.
    let mut v: Vec<Part> = p
        .expires
        .iter()
        .chain(p.date.iter())
        .map(|e| Part::Boundary(e.timestamp()))
        .collect();
    match state {
        PageState::Broken => v.push(Part::Broken),
        PageState::Withdrawn(why) => {
            v.push(Part::Withdrawn(why, p.path.clone()));
            v.extend(relative_targets(p).map(|t| Part::Use(t, Use::Withdrawn)));
            if p.source.ends_with("/index.md") {
                v.push(Part::Bundle(format!(
                    "{}/",
                    super::links::folder_of(&p.source)
                )));
            }
        }
        PageState::Published => published_parts(p, src, id, &mut v),
    }
    v.sort();
    v.dedup();
    v
}

/// What a published page puts into the graph.
fn published_parts(p: &Page, src: &Arc<str>, id: PageId, v: &mut Vec<Part>) {
    v.push(Part::Published(p.path.clone(), p.body.ids.clone()));
    v.extend(p.aliases.iter().map(|a| Part::Alias(a.clone())));
    let key = date_key(p, src, id);
    // One shared copy of the title for its columns and all the articles it cites.
    let title: Arc<str> = Arc::from(p.title.as_str());
    let article = p.kind == Kind::Article && in_articles(p.column.as_deref());
    if let Some(d) = &p.date {
        v.push(Part::Date(d.timestamp()));
        if p.kind != Kind::Page {
            v.push(Part::Feed(0, key.clone()));
        }
        if p.kind != Kind::Page && (p.kind != Kind::Article || article) {
            v.push(Part::Feed(feed_of(p.kind), key.clone()));
        }
    }
    if article {
        v.push(Part::Article(key.clone()));
    }
    v.extend(
        columns_of(p)
            .into_iter()
            .map(|dir| Part::Column(dir, (key.clone(), p.order, title.clone()))),
    );
    if let Some(ev) = &p.event {
        v.push(Part::Event(ev.start.timestamp()));
        v.push(Part::Boundary(ev.start.timestamp()));
        v.extend(super::event_end(p).map(|e| Part::Boundary(e.timestamp())));
        // The day it drops out of the site's calendar file.
        let year = jiff::SignedDuration::from_hours(super::collections::CALENDAR_HOURS);
        v.push(Part::Boundary(ev.start.timestamp() + year));
    }
    for term in super::groups::term_keys_of(p) {
        let spellings: Vec<String> = p
            .all_terms()
            .filter(|(t, _, s)| crate::taxonomy::split_key(&term) == (*t, *s))
            .map(|(_, n, _)| n.to_string())
            .collect();
        v.push(Part::Tag(term, key.clone(), spellings));
    }
    if let Some(l) = &p.lesson {
        let date = p.date.as_ref().map(|d| d.timestamp());
        v.push(Part::Series(
            l.series_dir.clone(),
            l.order,
            l.series_name.clone(),
            date,
        ));
    }
    v.extend(
        p.citations
            .iter()
            .map(|c| Part::Cited((c.law, c.article), title.clone())),
    );
    let folder = super::links::folder_of(&p.source);
    v.extend(relative_targets(p).map(|t| {
        let beside = (super::links::folder_of(&t) == folder).then(|| p.path.clone());
        Part::Use(t, Use::Published(beside))
    }));
}

fn feed_of(kind: Kind) -> usize {
    match kind {
        Kind::Article => 1,
        Kind::Event => 2,
        _ => 3,
    }
}

impl Site {
    /// Put in (`insert`) or take out one part a page puts into the graph, noting the keys
    /// touched.
    pub(super) fn apply(
        &mut self,
        part: &Part,
        src: &Arc<str>,
        id: PageId,
        insert: bool,
        work: &mut Work,
    ) {
        match part {
            Part::Boundary(b) => toggle(&mut self.boundaries, (*b, id), insert),
            Part::Broken => toggle_failed(self, src, insert),
            Part::Withdrawn(why, path) => self.apply_withdrawn(path, src, why, insert),
            Part::Use(target, u) => {
                if let Some(uses) = entry(&mut self.files_state.uses, target) {
                    if insert {
                        uses.insert(src.clone(), u.clone());
                    } else {
                        uses.remove(src);
                    }
                }
                note(&mut self.files_state.dirty, target);
            }
            Part::Bundle(b) => {
                toggle(&mut self.files_state.bundles, b.clone(), insert);
                self.files_state.touch_folder(b);
            }
            // Its claim on the output path is put in by `claim_paths`.
            Part::Alias(_) => {}
            Part::Published(path, _) => {
                toggle_map(&mut self.published_set, src.clone(), id, insert);
                work.orders.published = true;
                if insert {
                    self.index.sources.insert(src.to_string(), path.clone());
                } else {
                    self.index.sources.remove(&**src);
                }
            }
            Part::Date(d) => {
                toggle(&mut self.all_dates, (*d, id), insert);
                work.orders.dates = true;
            }
            Part::Article(key) => {
                toggle(&mut self.article_set, key.clone(), insert);
                work.orders.articles = true;
            }
            Part::Column(dir, key) => {
                if let Some(set) = entry(&mut self.column_members, dir) {
                    toggle(set, key.clone(), insert);
                }
                note(&mut work.columns, dir);
            }
            Part::Event(start) => {
                toggle(&mut self.event_set, (*start, src.clone(), id), insert);
                work.orders.events = true;
            }
            Part::Feed(f, key) => {
                toggle(&mut self.dated[*f], key.clone(), insert);
                work.orders.feeds[*f] = true;
            }
            Part::Tag(slug, key, spellings) => {
                self.apply_tag(slug, key, spellings, insert);
                note(&mut work.tags, slug);
            }
            Part::Series(dir, order, _, _) => {
                if let Some(set) = entry(&mut self.series_members, dir) {
                    toggle(set, (*order, src.clone(), id), insert);
                }
                note(&mut work.series, dir);
            }
            Part::Cited(k, title) => {
                let set = self.cited_members.entry(*k).or_default();
                toggle(set, (title.clone(), src.clone(), id), insert);
                work.cited.insert(*k);
            }
        }
    }

    /// A page's place among a tag's pages, and the spellings of the tag it uses.
    fn apply_tag(&mut self, slug: &str, key: &DateKey, spellings: &[String], insert: bool) {
        if let Some(members) = entry(&mut self.tag_members, slug) {
            toggle(members, key.clone(), insert);
        }
        let Some(counts) = entry(&mut self.tag_spellings, slug) else {
            return;
        };
        for t in spellings {
            let Some(n) = entry(counts, t) else {
                continue;
            };
            if insert {
                *n += 1;
            } else {
                *n = n.saturating_sub(1);
            }
            if *n == 0 {
                counts.remove(t);
            }
        }
    }

    fn apply_withdrawn(&mut self, path: &str, src: &Arc<str>, why: &'static str, insert: bool) {
        if insert {
            self.index.withdrawn.insert(src.to_string(), why);
            *self
                .index
                .withdrawn_paths
                .entry(path.to_string())
                .or_default() += 1;
        } else {
            self.index.withdrawn.remove(&**src);
            if let Some(n) = self.index.withdrawn_paths.get_mut(path) {
                *n -= 1;
                if *n == 0 {
                    self.index.withdrawn_paths.remove(path);
                }
            }
        }
    }
}

/// Put in or take out the claims on output paths that `diffs` (what each file takes out
/// and puts in, in source order) make: a published page claims its site path and its old
/// addresses.
pub(super) fn claim_paths(claims: &mut Claims, diffs: &[Diff<'_>]) {
    for (src, id, ops) in diffs {
        for (part, insert) in ops {
            let claim = match part {
                Part::Published(path, _) => Claimant::Page(src.clone(), *id, path.clone()),
                Part::Alias(path) => Claimant::Alias(src.clone(), *id, path.clone()),
                _ => continue,
            };
            if *insert {
                claims.add(claim);
            } else {
                claims.remove(&claim);
            }
        }
    }
}

/// The value at `key`, made (default) if there is none: the key is copied only then.
fn entry<'a, V: Default>(map: &'a mut BTreeMap<String, V>, key: &str) -> Option<&'a mut V> {
    if !map.contains_key(key) {
        map.insert(key.to_string(), V::default());
    }
    map.get_mut(key)
}

/// Note `key` in `set` (copied only when new).
fn note(set: &mut BTreeSet<String>, key: &str) {
    if !set.contains(key) {
        set.insert(key.to_string());
    }
}

fn toggle<T: Ord>(set: &mut BTreeSet<T>, v: T, insert: bool) {
    if insert {
        set.insert(v);
    } else {
        set.remove(&v);
    }
}

fn toggle_map<K: Ord, V>(map: &mut BTreeMap<K, V>, k: K, v: V, insert: bool) {
    if insert {
        map.insert(k, v);
    } else {
        map.remove(&k);
    }
}

fn toggle_failed(site: &mut Site, src: &Arc<str>, insert: bool) {
    if insert {
        site.index.failed.insert(src.to_string());
    } else {
        site.index.failed.remove(&**src);
    }
}
