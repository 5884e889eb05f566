//! Search, building the index: documents are tokenised in batches (in parallel), and each
//! token's postings are written at once into the bytes they take in a shard, in one of
//! [`PARTS`] partitions by the token's hash (filled in parallel). Memory is the encoded
//! postings plus one batch of documents, never every document's tokens at once. When all
//! documents are in, the shard count is chosen from the bytes (see [`Settings`]) and each
//! shard's entries are sorted by token, so the same documents always give the same files.

use rayon::prelude::*;

use super::index::{Index, Shards, push_varint, token_hash};
use super::tokens::{Unit, push_pair, units};
use crate::fingerprint::FastMap;

/// One document: a section of a page, or one 条 of a law.
#[derive(Debug, Clone, Copy)]
pub struct Doc<'a> {
    pub title: &'a str,
    pub heading: &'a str,
    pub body: &'a str,
}

impl Doc<'_> {
    /// The text the index holds for the document: title, heading and body, a line each.
    pub fn text(&self) -> String {
        format!("{}\n{}\n{}", self.title, self.heading, self.body)
    }
}

/// How the index is cut into files.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Uncompressed bytes per shard, about (the shard count is the power of two that gives
    /// at most this much on average).
    pub shard_bytes: usize,
    /// A token whose entry is larger than this has a file of its own.
    pub big_bytes: usize,
}

impl Default for Settings {
    fn default() -> Self {
        // Measured on the 10,000-page corpus: shards of ~4 KB raw are ~2 KB gzipped, and
        // a token over 24 KB raw (~12 KB gzipped) would make its shard one of the largest.
        Settings {
            shard_bytes: 4 * 1024,
            big_bytes: 24 * 1024,
        }
    }
}

/// Partitions of the tokens (by the low bits of their hash), filled in parallel.
const PARTS: usize = 64;
/// Documents tokenised at a time.
const BATCH: usize = 512;

/// A token's postings so far, encoded.
#[derive(Default)]
struct Acc {
    /// The last document added (the next is written as the gap from it).
    last: u32,
    /// Documents added.
    df: u32,
    bytes: Vec<u8>,
}

#[derive(Default)]
struct Part {
    pairs: FastMap<Box<str>, Acc>,
    terms: FastMap<Box<str>, Acc>,
}

/// One occurrence of a token in a document: its key is `keys[start..start + len]`.
#[derive(Clone, Copy)]
struct Occ {
    hash: u32,
    start: u32,
    len: u32,
    pos: u32,
}

/// A document's tokens, sorted by partition, token and position.
struct Prepared {
    keys: String,
    pairs: Vec<Occ>,
    terms: Vec<Occ>,
    /// Positions before this are the title's.
    title_end: u32,
    /// Positions in `title_end..heading_end` are the heading's (with the line break).
    heading_end: u32,
    /// `log2` of the length in units over 16, at most 7.
    length: u32,
}

/// What is stored with each document of a posting besides positions: the occurrence count,
/// the document's length class and whether the token is in its title and in its heading:
/// `count << 5 | length << 2 | heading << 1 | title`.
pub fn packed(count: u32, length: u32, heading: bool, title: bool) -> u64 {
    u64::from(count) << 5 | u64::from(length) << 2 | u64::from(heading) << 1 | u64::from(title)
}

fn length_class(units: usize) -> u32 {
    let mut class = 0;
    let mut n = units / 16;
    while n > 1 && class < 7 {
        n /= 2;
        class += 1;
    }
    class
}

fn prepare(doc: &Doc) -> Prepared {
    let u = units(&doc.text());
    let title_end = units(doc.title).len() as u32;
    let heading = units(doc.heading).len() as u32;
    let heading_end = title_end + u32::from(title_end > 0) + heading;
    let mut keys = String::new();
    let occ = |keys: &String, start: usize, pos: usize| Occ {
        hash: token_hash(&keys[start..]),
        start: start as u32,
        len: (keys.len() - start) as u32,
        pos: pos as u32,
    };
    let mut terms = Vec::with_capacity(u.len());
    for (pos, unit) in u.iter().enumerate() {
        let start = keys.len();
        match unit {
            Unit::Sep => continue,
            Unit::Han(c) => keys.push(*c),
            Unit::Word(w) => keys.push_str(w),
        }
        terms.push(occ(&keys, start, pos));
    }
    let mut pairs = Vec::with_capacity(u.len());
    for (pos, w) in u.windows(2).enumerate() {
        let start = keys.len();
        push_pair(&mut keys, &w[0], &w[1]);
        pairs.push(occ(&keys, start, pos));
    }
    let key = |o: &Occ| &keys.as_bytes()[o.start as usize..(o.start + o.len) as usize];
    let order = |a: &Occ, b: &Occ| {
        (a.hash as usize % PARTS)
            .cmp(&(b.hash as usize % PARTS))
            .then_with(|| key(a).cmp(key(b)))
            .then(a.pos.cmp(&b.pos))
    };
    pairs.sort_unstable_by(order);
    terms.sort_unstable_by(order);
    Prepared {
        title_end,
        heading_end,
        length: length_class(u.len()),
        keys,
        pairs,
        terms,
    }
}

impl Prepared {
    fn key(&self, o: &Occ) -> &str {
        &self.keys[o.start as usize..(o.start + o.len) as usize]
    }

    /// Add this document's tokens of partition `part` to `map` (`positions`: pair tokens).
    fn add_to(
        &self,
        doc: u32,
        part: usize,
        occs: &[Occ],
        positions: bool,
        map: &mut FastMap<Box<str>, Acc>,
    ) {
        let from = occs.partition_point(|o| (o.hash as usize % PARTS) < part);
        let to = occs.partition_point(|o| (o.hash as usize % PARTS) <= part);
        let mut rest = &occs[from..to];
        while let Some(first) = rest.first() {
            let key = self.key(first);
            let n = rest.iter().take_while(|o| self.key(o) == key).count();
            let (group, tail) = rest.split_at(n);
            rest = tail;
            let title = group.iter().any(|o| o.pos < self.title_end);
            let heading = group
                .iter()
                .any(|o| (self.title_end..self.heading_end).contains(&o.pos));
            let acc = match map.get_mut(key) {
                Some(acc) => acc,
                None => map.entry(key.into()).or_default(),
            };
            push_varint(&mut acc.bytes, u64::from(doc - acc.last));
            acc.last = doc;
            acc.df += 1;
            push_varint(
                &mut acc.bytes,
                packed(n as u32, self.length, heading, title),
            );
            if positions {
                let mut prev = 0;
                for o in group {
                    push_varint(&mut acc.bytes, u64::from(o.pos - prev));
                    prev = o.pos;
                }
            }
        }
    }
}

/// Build the index of `docs` (document `i` is `docs[i]`).
pub fn build(docs: &[Doc], settings: Settings) -> Index {
    let mut parts: Vec<Part> = (0..PARTS).map(|_| Part::default()).collect();
    for (b, batch) in docs.chunks(BATCH).enumerate() {
        let prepared: Vec<Prepared> = batch.par_iter().map(prepare).collect();
        let first = (b * BATCH) as u32;
        parts.par_iter_mut().enumerate().for_each(|(n, part)| {
            for (i, p) in prepared.iter().enumerate() {
                let doc = first + i as u32;
                p.add_to(doc, n, &p.pairs, true, &mut part.pairs);
                p.add_to(doc, n, &p.terms, false, &mut part.terms);
            }
        });
    }
    let (pairs, terms): (Vec<_>, Vec<_>) = parts.into_iter().map(|p| (p.pairs, p.terms)).unzip();
    Index {
        docs: docs.len() as u32,
        pairs: cut(pairs, settings),
        terms: cut(terms, settings),
    }
}

/// The bytes of one token's entry: its key, document count, then the postings.
fn push_entry(out: &mut Vec<u8>, token: &str, acc: &Acc) {
    push_varint(out, token.len() as u64);
    out.extend_from_slice(token.as_bytes());
    push_varint(out, u64::from(acc.df));
    out.extend_from_slice(&acc.bytes);
}

fn entry_len(token: &str, acc: &Acc) -> usize {
    token.len() + acc.bytes.len() + 10
}

/// Cut the tokens of `maps` into shards and big tokens' own files.
fn cut(maps: Vec<FastMap<Box<str>, Acc>>, settings: Settings) -> Shards {
    let mut small: Vec<(u32, &str, &Acc)> = Vec::new();
    let mut big: Vec<(&str, &Acc)> = Vec::new();
    let mut small_bytes = 0;
    for (token, acc) in maps.iter().flatten() {
        let len = entry_len(token, acc);
        if len > settings.big_bytes {
            big.push((token, acc));
        } else {
            small_bytes += len;
            small.push((token_hash(token), token, acc));
        }
    }
    let want = small_bytes.div_ceil(settings.shard_bytes.max(1)).max(1);
    let count = (want.next_power_of_two() as u32).min(1 << 16);
    small.par_iter_mut().for_each(|e| e.0 %= count);
    small.par_sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let runs: Vec<&[(u32, &str, &Acc)]> = small.chunk_by(|a, b| a.0 == b.0).collect();
    let shards = runs
        .into_par_iter()
        .map(|run| {
            let mut out = Vec::new();
            for (_, token, acc) in run {
                push_entry(&mut out, token, acc);
            }
            (run[0].0, out)
        })
        .collect();
    big.sort_unstable_by_key(|(t, _)| *t);
    let big = big
        .into_par_iter()
        .map(|(token, acc)| {
            let mut out = Vec::new();
            push_entry(&mut out, token, acc);
            (token.to_string(), out)
        })
        .collect();
    Shards { count, shards, big }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_classes() {
        assert_eq!(length_class(0), 0);
        assert_eq!(length_class(31), 0);
        assert_eq!(length_class(32), 1);
        assert_eq!(length_class(64), 2);
        assert_eq!(length_class(2047), 6);
        assert_eq!(length_class(1 << 20), 7);
    }

    #[test]
    fn title_and_heading_are_marked() {
        let doc = Doc {
            title: "婚姻家庭",
            heading: "彩礼",
            body: "彩礼不是买卖婚姻",
        };
        let p = prepare(&doc);
        assert_eq!((p.title_end, p.heading_end), (4, 7));
        let index = build(&[doc], Settings::default());
        let got = index.postings(super::super::index::ShardKind::Pairs, "彩礼");
        assert_eq!(got.len(), 1);
        let (doc, packed_value, positions) = &got[0];
        assert_eq!(*doc, 0);
        assert_eq!(positions, &vec![5, 8]);
        assert_eq!(*packed_value, packed(2, 0, true, false));
        let got = index.postings(super::super::index::ShardKind::Terms, "婚");
        assert_eq!(got[0].1, packed(2, 0, false, true));
    }
}
