//! Link step, groups: lessons into series (checking their order), pages into tags (one per
//! slug, different spellings merged with a warning), and the pages citing each statute
//! article. Each group is made again from its members only when a member changed.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::state::{DateKey, Site};
use super::{Series, Tag};
use crate::content::page::{Page, SectionIndex};
use crate::diag::Diagnostic;
use crate::reads::{Fact, PageId, sym};
use crate::statute::numerals::ArticleNo;

/// Group kinds, for the origins of their problems.
pub(super) const TAG_PROBLEMS: u8 = 1;
pub(super) const SERIES_PROBLEMS: u8 = 2;

impl Site {
    /// Make the term (tag) with key `slug` (`tags/<slug>`) again from its members: its name
    /// is the spelling on its newest page, and every other spelling is a warning on the
    /// page that has it.
    pub(super) fn settle_tag(&mut self, slug: &str) -> Vec<Diagnostic> {
        let members: Vec<PageId> = self
            .tag_members
            .get(slug)
            .map(|m| m.iter().map(|k| k.2).collect())
            .unwrap_or_default();
        let mut name: Option<String> = None;
        let mut diags = Vec::new();
        // With one spelling among all its pages (the usual case), the tag is named by it
        // and nothing is to be said; else every page is looked at.
        let spellings = self.tag_spellings.get(slug).map_or(0, |m| m.len());
        let read_all = spellings > 1;
        if !read_all {
            name = self
                .tag_spellings
                .get(slug)
                .and_then(|m| m.keys().next().cloned());
        }
        let (taxonomy, term_slug) = crate::taxonomy::split_key(slug);
        let tax_name = self
            .config
            .taxonomy(taxonomy)
            .map_or("标签", |t| t.name.as_str());
        for &id in members.iter().filter(|_| read_all) {
            let p = &self.slot(id).page;
            for (_, t, _) in p
                .all_terms()
                .filter(|(x, _, s)| (*x, *s) == (taxonomy, term_slug))
            {
                match &name {
                    None => name = Some(t.to_string()),
                    Some(n) if n != t => {
                        diags.push(spelling_warning(p, (taxonomy, tax_name), t, n));
                    }
                    Some(_) => {}
                }
            }
        }
        let tag = name.map(|name| Tag {
            taxonomy: taxonomy.to_string(),
            name,
            slug: term_slug.to_string(),
            pages: members,
        });
        let fact = Fact::Tag(sym(slug));
        match tag {
            Some(t) => {
                if self.tags.get(slug) != Some(&t) {
                    if !self.tags.contains_key(slug) {
                        self.touch(Fact::Tags);
                    }
                    self.tags.insert(slug.to_string(), t);
                    self.touch(fact);
                }
            }
            None => {
                if self.tags.remove(slug).is_some() {
                    self.touch(Fact::Tags);
                    self.touch(fact);
                }
            }
        }
        diags
    }

    /// Make series `dir` again from its lessons (by `order`; a repeated order is an
    /// error) and its `_index.md`. Returns its problems; the series order is settled by
    /// [`Site::settle_series_order`].
    pub(super) fn settle_series(&mut self, dir: &str) -> Vec<Diagnostic> {
        let members: Vec<(i64, PageId)> = self
            .series_members
            .get(dir)
            .map(|m| m.iter().map(|(o, _, id)| (*o, *id)).collect())
            .unwrap_or_default();
        let mut diags = Vec::new();
        for w in members.windows(2) {
            if w[0].0 == w[1].0 {
                diags.push(order_clash(
                    &self.slot(w[0].1).page,
                    &self.slot(w[1].1).page,
                ));
            }
        }
        let fact = Fact::Series(sym(dir));
        if members.is_empty() {
            if self.series.remove(dir).is_some() {
                self.touch(fact);
            }
            return diags;
        }
        let idx: Option<Arc<SectionIndex>> =
            self.section_files.get(&format!("lessons/{dir}")).cloned();
        let first_name = members
            .iter()
            .find_map(|&(_, id)| self.slot(id).page.lesson.as_ref()?.series_name.clone());
        let title = idx
            .as_ref()
            .map(|s| s.title.clone())
            .filter(|t| !t.is_empty())
            .or(first_name)
            .unwrap_or_else(|| dir.to_string());
        let intro = self
            .series
            .get(dir)
            .map(|s| s.intro_html.clone())
            .unwrap_or_default();
        let newest = members
            .iter()
            .filter_map(|&(_, id)| self.slot(id).page.date.clone())
            .max_by_key(|d| d.timestamp());
        let series = Series {
            newest,
            path: format!("lessons/{dir}/"),
            dir: dir.to_string(),
            title,
            description: idx.as_ref().and_then(|s| s.description.clone()),
            intro_html: intro,
            order: idx.as_ref().and_then(|s| s.order),
            lessons: members.iter().map(|m| m.1).collect(),
        };
        let shared: Arc<str> = Arc::from(dir);
        for (pos, &(_, id)) in members.iter().enumerate() {
            let place = Some((shared.clone(), pos));
            if let Some(slot) = self.slot_mut(id)
                && slot.lesson != place
            {
                slot.lesson = place;
                self.dirty.insert(Fact::Lesson(id));
            }
        }
        if self.series.get(dir) != Some(&series) {
            self.series.insert(dir.to_string(), series);
            self.touch(fact);
        }
        diags
    }

    /// Series sorted by the `order` of their `_index.md`, then title, then folder.
    pub(super) fn settle_series_order(&mut self) {
        let mut order: Vec<&Series> = self.series.values().collect();
        order.sort_by(|a, b| {
            (a.order.is_none(), a.order, &a.title, &a.dir).cmp(&(
                b.order.is_none(),
                b.order,
                &b.title,
                &b.dir,
            ))
        });
        let order: Vec<String> = order.into_iter().map(|s| s.dir.clone()).collect();
        if order != self.series_order {
            self.series_order = order;
            self.touch(Fact::SeriesList);
        }
    }

    /// The pages citing one statute article, by title (then source path).
    pub(super) fn settle_cited(&mut self, key: (usize, ArticleNo)) {
        let pages: Vec<PageId> = self
            .cited_members
            .get(&key)
            .map(|m| m.iter().map(|x| x.2).collect())
            .unwrap_or_default();
        let fact = Fact::CitedBy(key.0 as u32, key.1.main, key.1.sub);
        let old = self.cited_by.get(&key).map_or(&[][..], Vec::as_slice);
        if old != pages.as_slice() {
            self.touch(fact);
            if pages.is_empty() {
                self.cited_by.remove(&key);
            } else {
                self.cited_by.insert(key, pages);
            }
        }
    }
}

/// The key a page has in tag member sets: newest first, undated last, ties by source.
pub(super) fn date_key(p: &Page, source: &Arc<str>, id: PageId) -> DateKey {
    (
        std::cmp::Reverse(p.date.as_ref().map(|d| d.timestamp())),
        source.clone(),
        id,
    )
}

/// Two spellings of one term (of taxonomy (key, name)) with the same address.
fn spelling_warning(p: &Page, taxonomy: (&str, &str), spelling: &str, name: &str) -> Diagnostic {
    let line = crate::yaml::key_position(p.quotes.head(), 1, taxonomy.0).map_or(1, |p| p.0);
    let what = taxonomy.1;
    Diagnostic::warning(format!(
        "{what} “{spelling}” 和 “{name}” 的网址相同，已合并为一个{what}"
    ))
    .in_file(&p.source)
    .at(line, 0)
    .with_hint(format!(
        "统一{what}的写法（大小写、空格），避免读者看到两个相似的{what}。"
    ))
}

fn order_clash(a: &Page, b: &Page) -> Diagnostic {
    let (la, lb) = (a.lesson.as_ref(), b.lesson.as_ref());
    let (order, line_b, line_a) = match (la, lb) {
        (Some(la), Some(lb)) => (lb.order, lb.order_line, la.order_line),
        _ => (0, 1, 1),
    };
    Diagnostic::error(format!("同一个系列里有两课的序号都是 order: {order}"))
        .in_file(&b.source)
        .at(line_b, 0)
        .quoting(b.quotes.line(line_b), 0)
        .with_hint(format!(
            "另一课是 {}（第 {line_a} 行）。每课的 order 要各不相同，按上课顺序写 1、2、3……",
            a.source
        ))
}

/// The distinct keys of a page's terms (`tags/<slug>`, `categories/<slug>`).
pub(super) fn term_keys_of(p: &Page) -> BTreeSet<String> {
    p.all_terms()
        .map(|(t, _, s)| crate::taxonomy::term_key(t, s))
        .collect()
}
