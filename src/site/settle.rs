//! Link step, settling an update: every key the changed pages touched is made again (series,
//! orders, tags, citations, list pages, content files, output paths), then the links that
//! need it are resolved again — sections' intros, pages' bodies and covers, the menu.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rayon::prelude::*;

use super::groups::{SERIES_PROBLEMS, TAG_PROBLEMS};
use super::links::{Doc, FileLink, Resolved};
use super::state::{LinkReader, PageState, Site, Slot};
use super::update::{CLAIM_PROBLEMS, MENU_PROBLEMS, PAGE_PROBLEMS, SECTION_PROBLEMS, Work};
use super::{SectionInfo, menu};
use crate::content::page::SectionIndex;
use crate::diag::Diagnostic;
use crate::fingerprint::FastSet;
use crate::reads::{Fact, PageId, record_if, sym};

impl Site {
    /// Make every touched key again, then resolve the links that need it.
    pub(super) fn settle(&mut self, work: &mut Work, reset: bool) {
        let mut clock = crate::timings::Phase::start();
        for dir in std::mem::take(&mut work.series) {
            let d = self.settle_series(&dir);
            work.problems.push(((SERIES_PROBLEMS, dir.clone()), d));
            work.lists.series |= self.dirty.contains(&Fact::Series(sym(&dir)));
            if self.section_files.contains_key(&format!("lessons/{dir}")) {
                work.sections.insert(format!("lessons/{dir}"));
            }
        }
        self.settle_series_order();
        work.lists.series |= self.dirty.contains(&Fact::SeriesList);
        clock.done("  series");
        for dir in std::mem::take(&mut work.columns) {
            self.settle_column(&dir, work);
            work.lists.columns |= self.dirty.contains(&Fact::Column(sym(&dir)));
        }
        self.settle_column_order();
        work.lists.columns |= self.dirty.contains(&Fact::Columns);
        self.settle_orders(&work.orders);
        clock.done("  orders");
        work.lists.articles = self.dirty.contains(&Fact::Articles);
        work.lists.events = [Fact::EventsCurrent, Fact::EventsPast, Fact::EventYears]
            .iter()
            .any(|f| self.dirty.contains(f));
        for slug in std::mem::take(&mut work.tags) {
            let d = self.settle_tag(&slug);
            if self.dirty.contains(&Fact::Tag(sym(&slug))) {
                work.lists.tags.insert(slug.clone());
            }
            work.problems.push(((TAG_PROBLEMS, slug), d));
        }
        work.lists.tag_set = self.dirty.contains(&Fact::Tags);
        clock.done("  tags");
        for key in std::mem::take(&mut work.cited) {
            self.settle_cited(key);
        }
        clock.done("  cited by");
        self.settle_lists(&work.lists, reset);
        clock.done("  lists");
        let (out, claims, index, dirty) = (
            &mut self.out_assets,
            &mut self.claims,
            &mut self.index,
            &mut self.dirty,
        );
        self.files_state.settle(out, claims, index, dirty);
        clock.done("  files");
        self.settle_claims(work);
        clock.done("  claims");
        self.settle_links(work, reset);
        clock.done("  links");
    }

    fn settle_claims(&mut self, work: &mut Work) {
        let slots = &self.slots;
        let page = |id: PageId| slots.get(id as usize)?.as_ref().map(|s| s.page.clone());
        let laws = &self.law_pages;
        let law = |p: &str| laws.get(p).copied();
        let clashes = self
            .claims
            .settle(&mut self.index, &mut self.dirty, &page, &law);
        for (key, d) in clashes {
            work.problems.push(((CLAIM_PROBLEMS, key), d));
        }
    }

    /// Sections, pages' links and the menu, again and again while resolving them changed
    /// something another one asked about (a section's `_index.md` becoming a link target).
    fn settle_links(&mut self, work: &mut Work, reset: bool) {
        let mut seen: FastSet<Fact> = FastSet::default();
        let mut menu = reset || work.menu;
        for _ in 0..8 {
            let fresh: Vec<Fact> = self
                .dirty
                .iter()
                .filter(|f| is_link_fact(f) && !seen.contains(f))
                .copied()
                .collect();
            seen.extend(fresh.iter().copied());
            for r in self.link_deps.readers_of(&fresh) {
                match r {
                    LinkReader::Page(id) => {
                        work.finish.insert(id);
                    }
                    LinkReader::Section(s) => {
                        if let Some(d) = self.section_dirs.get(&s) {
                            work.sections.insert(d.clone());
                        }
                    }
                    LinkReader::Menu => menu = true,
                }
            }
            if work.sections.is_empty() && work.finish.is_empty() && !menu {
                return;
            }
            let sections = std::mem::take(&mut work.sections);
            for dir in sections {
                self.settle_section(&dir, work);
            }
            let pages = std::mem::take(&mut work.finish);
            self.finish_pages(pages, work);
            if std::mem::take(&mut menu) {
                self.settle_menu(work);
            }
        }
    }

    /// Resolve the links of `ids` (in parallel) and keep the results.
    fn finish_pages(&mut self, ids: BTreeSet<PageId>, work: &mut Work) {
        let keep = self.keep;
        let index = &self.index;
        // Each page's links resolved and its new HTML put in place; what changed, its
        // problems and what it read come back.
        let finish = |id: PageId, slot: &mut Slot| -> (PageId, Finished) {
            let (f, reads) = record_if(keep, || finish_page(index, slot));
            let (html, cover, audio) = (f.html, f.cover, f.audio);
            let mut facts = Vec::new();
            if slot.state == PageState::Published {
                if *slot.html != *html {
                    slot.html = Arc::from(html);
                    facts.push(Fact::Html(id));
                }
                if slot.cover != cover || slot.audio != audio {
                    slot.cover = cover;
                    slot.audio = audio;
                    facts.push(Fact::Cover(id));
                }
            }
            // A one-off build needs the body with tokens no more.
            if !keep && let Some(p) = Arc::get_mut(&mut slot.page) {
                p.body.html = String::new();
            }
            let f = Finished {
                html: String::new(),
                cover: None,
                audio: None,
                diags: f.diags,
                reads,
                facts,
            };
            (id, f)
        };
        let done: Vec<(PageId, Finished)> = if ids.len() < 64 {
            let slots = &mut self.slots;
            ids.iter()
                .filter_map(|&id| Some(finish(id, slots.get_mut(id as usize)?.as_mut()?)))
                .collect()
        } else {
            self.slots
                .par_iter_mut()
                .enumerate()
                .filter(|(k, _)| ids.contains(&(*k as PageId)))
                .filter_map(|(k, s)| Some(finish(k as PageId, s.as_mut()?)))
                .collect()
        };
        for (id, f) in done {
            if self.keep {
                self.link_deps.set(LinkReader::Page(id), f.reads);
            }
            let source = self.slot(id).source.to_string();
            work.problems.push(((PAGE_PROBLEMS, source), f.diags));
            self.dirty.extend(f.facts);
        }
    }

    /// A section's title and intro: its default, overridden by its `_index.md` (whose
    /// links are resolved here).
    fn settle_section(&mut self, dir: &str, work: &mut Work) {
        let default = DEFAULT_SECTIONS
            .iter()
            .find(|(d, _)| *d == dir)
            .map(|(_, t)| {
                if dir.is_empty() {
                    self.config.title.clone()
                } else {
                    t.to_string()
                }
            });
        let file = self.section_files.get(dir).cloned();
        let path = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let keep = self.keep;
        let ((info, diags, listed), reads) = record_if(keep, || {
            let mut diags = Vec::new();
            let listed = self.index.has_path(&path);
            let info = match &file {
                Some(s) => {
                    let doc = Doc {
                        source: &s.source,
                        path: &path,
                        own_ids: &s.intro.ids,
                    };
                    let (html, d) = self.index.finish(&doc, &s.intro, &s.quotes);
                    diags.extend(d);
                    if !listed {
                        diags.push(no_list_page(&s.source));
                    }
                    Some(SectionInfo {
                        title: s.title.clone(),
                        description: s.description.clone(),
                        intro_html: html,
                    })
                }
                None => default.map(|title| SectionInfo {
                    title,
                    ..Default::default()
                }),
            };
            (info, diags, listed)
        });
        let key = sym(dir);
        self.section_dirs.insert(key, dir.to_string());
        if keep {
            self.link_deps.set(LinkReader::Section(key), reads);
        }
        work.problems
            .push(((SECTION_PROBLEMS, dir.to_string()), diags));
        self.map_section_source(file.as_deref(), &path, listed);
        if let Some(rest) = dir.strip_prefix("lessons/")
            && let Some(ser) = self.series.get_mut(rest)
        {
            let intro = info
                .as_ref()
                .map(|i| i.intro_html.clone())
                .unwrap_or_default();
            Site::set_if(
                &mut self.dirty,
                &mut ser.intro_html,
                intro,
                Fact::Series(sym(rest)),
            );
        }
        let fact = Fact::Section(key);
        match info {
            Some(i) if self.sections.get(dir) != Some(&i) => {
                self.sections.insert(dir.to_string(), i);
                self.touch(fact);
            }
            None if self.sections.remove(dir).is_some() => self.touch(fact),
            _ => {}
        }
    }

    /// A section's `_index.md` is a link target leading to its list page, when there is one.
    fn map_section_source(&mut self, file: Option<&SectionIndex>, path: &str, listed: bool) {
        let Some(s) = file else { return };
        let src = s.source.as_str();
        let is_page = self.published_set.contains_key(src);
        let want = (listed && !is_page).then(|| path.to_string());
        let have = if is_page {
            None
        } else {
            self.index.sources.get(src).cloned()
        };
        if want != have {
            match want {
                Some(p) => self.index.sources.insert(src.to_string(), p),
                None => self.index.sources.remove(src),
            };
            self.touch(Fact::LinkSource(sym(src)));
            self.touch(Fact::LinkAllSources);
        }
    }

    /// The menu and contact links of site.yaml, checked against the site's paths.
    fn settle_menu(&mut self, work: &mut Work) {
        let keep = self.keep;
        let raw = self.raw_config.clone();
        let ((menu, contact, diags), reads) = record_if(keep, || {
            let mut diags = Vec::new();
            let columns = self.menu_columns();
            let menu = menu::checked_menu(&raw, &columns, &self.index, &mut diags);
            let contact = menu::resolved_contact(&raw, &self.index, &mut diags);
            (menu, contact, diags)
        });
        if keep {
            self.link_deps.set(LinkReader::Menu, reads);
        }
        work.problems.push(((MENU_PROBLEMS, String::new()), diags));
        if menu != self.config.menu || contact != self.config.contact {
            let mut config = (*raw).clone();
            config.menu = menu;
            config.contact = contact;
            self.config = Arc::new(config);
            self.touch(Fact::Config);
        }
    }

    /// Free what only the link step needed — the indexes, the sets the orders are taken
    /// from, the bodies with tokens and the files' text — for a one-off build whose graph
    /// will not be updated again.
    pub fn release_sources(&mut self) {
        self.files = BTreeMap::new();
        self.index = super::links::LinkIndex::default();
        self.claims = super::claims::Claims::default();
        self.files_state = super::files::Files::default();
        self.link_deps = crate::reads::Deps::default();
        self.section_files = BTreeMap::new();
        self.boundaries = BTreeSet::new();
        self.all_dates = BTreeSet::new();
        self.published_set = BTreeMap::new();
        self.article_set = BTreeSet::new();
        self.event_set = BTreeSet::new();
        self.dated = Default::default();
        self.tag_members = BTreeMap::new();
        self.tag_spellings = BTreeMap::new();
        self.series_members = BTreeMap::new();
        self.column_members = BTreeMap::new();
        self.cited_members = Default::default();
        for slot in self.slots.iter_mut().flatten() {
            if let Some(p) = Arc::get_mut(&mut slot.page) {
                p.body.html = String::new();
            }
        }
    }
}

/// The sections every site has, with their default titles (the home page's is the site's).
/// (A taxonomy's index is titled by its `_index.md`, else by its name in `site.yaml`.)
pub(super) const DEFAULT_SECTIONS: [(&str, &str); 5] = [
    ("", ""),
    ("articles", "普法动态"),
    ("events", "活动通知"),
    ("lessons", "法治小课堂"),
    ("laws", "法律法规库"),
];

pub(super) fn note_section(work: &mut Work, dir: &str) {
    work.sections.insert(dir.to_string());
    work.columns.insert(dir.to_string());
    if let Some(rest) = dir.strip_prefix("lessons/") {
        work.series.insert(rest.to_string());
    }
}

fn no_list_page(source: &str) -> Diagnostic {
    Diagnostic::warning("这个文件夹没有自己的列表页，_index.md 的内容不会显示")
        .in_file(source)
        .with_hint("有列表页的是：首页、articles/、events/、lessons/、lessons/系列/、laws/ 和栏目（content/ 下带 _index.md 的文件夹，栏目里最多再分一层）。要写一个独立的页面，请把文件改名为 页面名.md。")
}

fn is_link_fact(f: &Fact) -> bool {
    matches!(
        f,
        Fact::LinkPath(_)
            | Fact::LinkSource(_)
            | Fact::LinkIds(_)
            | Fact::LinkAsset(_)
            | Fact::LinkAllSources
    )
}

/// A page's links resolved.
struct Finished {
    html: String,
    cover: Option<Arc<FileLink>>,
    audio: Option<Arc<FileLink>>,
    diags: Vec<Diagnostic>,
    reads: Vec<Fact>,
    /// Facts that changed with it.
    facts: Vec<Fact>,
}

/// Resolve the links, the cover and the recording of one page and make its final HTML.
fn finish_page(index: &super::links::LinkIndex, slot: &Slot) -> Finished {
    let p = &slot.page;
    let doc = Doc {
        source: &p.source,
        path: &p.path,
        own_ids: &p.body.ids,
    };
    let (resolved, mut diags) = index.resolve_all(&doc, &p.body, &p.quotes);
    let html = if slot.state == PageState::Published {
        super::links::substitute(&p.body, &resolved, p.cover.is_none())
    } else {
        String::new()
    };
    let mut file = |link: &crate::markdown::LinkRef| match index.resolve(&doc, link) {
        Ok(Resolved::Href(h)) => Some(Arc::new(FileLink {
            href: h,
            len: 0,
            image: None,
            captions: None,
            size: None,
        })),
        Ok(Resolved::File(f)) => Some(f),
        Ok(Resolved::Withdrawn | Resolved::Failed) => None,
        Err(e) => {
            diags.push(
                e.in_file(&p.source)
                    .at(link.line, link.col)
                    .quoting(p.quotes.line(link.line), 0),
            );
            None
        }
    };
    let cover = p.cover.as_ref().and_then(&mut file);
    let audio = p.audio.as_ref().and_then(&mut file);
    Finished {
        html,
        cover,
        audio,
        diags,
        reads: Vec::new(),
        facts: Vec::new(),
    }
}
