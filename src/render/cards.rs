//! Render step, cards: the view model lists show of each page, made once per build and
//! reused between rebuilds while the page and what the link step decided about it hold.
//! Lists depend on what a card shows, so an edit that does not change it (most of a body)
//! re-renders no list.

use minijinja::value::{Serde, Value};
use rayon::prelude::*;

use super::context::card_vm;
use crate::fingerprint::{self, FastMap, FastSet};
use crate::site::Site;

/// A page's card, with the fingerprint of its inputs and of what it shows.
pub(super) struct Card {
    input: u64,
    content: u64,
    value: Value,
}

/// Fingerprint of the card of page `i`: its file, what the link step decided about it,
/// everything shared (`global`: the configuration, which makes its links, and the statute
/// library, which gives a lesson its cited articles) and, for a lesson, the files of the
/// lessons before and after it, whose titles and links it shows.
pub(super) fn card_fp(site: &Site, i: usize, global: u64) -> u64 {
    let p = &site.pages[i];
    let status = site.event_status.get(&i).map_or(0, |s| *s as u64 + 1);
    let (series, pos, total, series_title, neighbours) = match site.lesson_pos.get(&i) {
        Some(&(si, pos)) => {
            let lessons = &site.series[si].lessons;
            let fp_at = |k: Option<usize>| {
                k.and_then(|k| lessons.get(k))
                    .map_or(0, |&n| site.pages[n].fp)
            };
            (
                si as u64 + 1,
                pos as u64,
                lessons.len() as u64,
                fingerprint::of(&site.series[si].title),
                fingerprint::combine(&[fp_at(pos.checked_sub(1)), fp_at(Some(pos + 1))]),
            )
        }
        None => (0, 0, 0, 0, 0),
    };
    fingerprint::combine(&[
        global,
        p.fp,
        status,
        series,
        pos,
        total,
        series_title,
        neighbours,
        fingerprint::of(&site.covers[i]),
    ])
}

/// The cards of one build.
pub(super) struct Cards {
    /// Fingerprint of each card's inputs.
    inputs: Vec<u64>,
    /// Cards made in this build (the others were reused).
    fresh: Vec<Option<(u64, Value)>>,
    /// Fingerprint of what each card shows.
    pub fps: Vec<u64>,
    pub values: Vec<Value>,
    /// What a tag page shows of each page: title, kind and date.
    pub compact: Vec<u64>,
}

impl Cards {
    /// The cards of `site`, reusing those in `old` whose inputs are unchanged.
    pub fn new(site: &Site, old: &FastMap<String, Card>, keep: bool, global: u64) -> Cards {
        // One parallel pass: (input, shown, value, made in this build).
        type One = (u64, u64, Value, bool);
        let all: Vec<One> = (0..site.pages.len())
            .into_par_iter()
            .map(|i| {
                let input = card_fp(site, i, global);
                if let Some(c) = old.get(&site.pages[i].source)
                    && c.input == input
                {
                    return (input, c.content, c.value.clone(), false);
                }
                let vm = card_vm(site, i);
                // Only rebuilds compare cards by what they show.
                let content = if keep {
                    fingerprint::of(&serde_json::to_string(&vm).unwrap_or_default())
                } else {
                    input
                };
                (input, content, Value::from(Serde(vm)), true)
            })
            .collect();
        let mut cards = Cards {
            inputs: Vec::with_capacity(all.len()),
            fresh: Vec::with_capacity(all.len()),
            fps: Vec::with_capacity(all.len()),
            values: Vec::with_capacity(all.len()),
            compact: Vec::new(),
        };
        for (input, content, value, made) in all {
            cards.inputs.push(input);
            cards.fresh.push(made.then(|| (content, value.clone())));
            cards.fps.push(content);
            cards.values.push(value);
        }
        // What a tag page shows of each page: title, kind and date.
        cards.compact = site
            .pages
            .par_iter()
            .map(|p| {
                fingerprint::of(&(
                    &p.title,
                    &p.path,
                    p.kind,
                    p.date.as_ref().map(|d| d.timestamp().as_second()),
                ))
            })
            .collect();
        cards
    }

    /// Keep the cards made in this build for the next one; drop those of pages that are gone.
    pub fn remember(self, site: &Site, memo: &mut FastMap<String, Card>, keep: bool) {
        for (i, f) in self.fresh.into_iter().enumerate().filter(|_| keep) {
            if let Some((content, value)) = f {
                memo.insert(
                    site.pages[i].source.clone(),
                    Card {
                        input: self.inputs[i],
                        content,
                        value,
                    },
                );
            }
        }
        if memo.len() != site.pages.len() {
            let live: FastSet<&str> = site.pages.iter().map(|p| p.source.as_str()).collect();
            memo.retain(|k, _| live.contains(k.as_str()));
        }
    }
}
