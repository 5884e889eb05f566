//! Search, building the index: documents are tokenised in batches (in parallel), and each
//! token's postings are written at once into the bytes they take in a shard, in one of
//! [`PARTS`] partitions by the token's hash (filled in parallel). Memory is the encoded
//! postings plus one batch of documents, never every document's tokens at once. When all
//! documents are in, the shard count is chosen from the bytes (see [`Settings`]) and each
//! shard's entries are sorted by token, so the same documents always give the same files.

use rayon::prelude::*;

use super::index::{Index, Shards, push_varint, token_hash};
use super::tokens::{Unit, pair_tokens, push_pair, units};
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
    /// A pair whose entry is larger than this is split by the unit that follows it (see
    /// [`super::split`]).
    pub split_bytes: usize,
}

impl Default for Settings {
    fn default() -> Self {
        // Measured on the 10,000-page corpus: shards of ~2 KB raw are ~1 KB gzipped (4 KB
        // shards made a query's median 31.6 KB, these 29.8 KB, for 0.35 MB and 7,000 files
        // more on disk), and a token over 24 KB raw (~12 KB gzipped) would make its shard
        // one of the largest.
        Settings {
            shard_bytes: 2 * 1024,
            big_bytes: 24 * 1024,
            split_bytes: SPLIT_BYTES,
        }
    }
}

/// Pairs over this many bytes (as built: varints) are split; measured on the 10,000-page
/// corpus (see the README's search figures).
const SPLIT_BYTES: usize = 48 * 1024;

/// Partitions of the tokens (by a hash of their code), filled in parallel.
const PARTS: u32 = 64;
/// Documents tokenised at a time.
const BATCH: usize = 512;

/// A token's postings so far, encoded.
#[derive(Default)]
pub(super) struct Acc {
    /// The last document added (the next is written as the gap from it).
    pub(super) last: u32,
    /// Documents added.
    pub(super) df: u32,
    pub(super) bytes: Vec<u8>,
}

impl Acc {
    /// Add document `doc` (after any added so far) with `count` occurrences, whether one is
    /// in the heading and the title, and, for a pair, the positions of each (in order).
    pub(super) fn add(
        &mut self,
        doc: u32,
        count: u32,
        heading: bool,
        title: bool,
        positions: impl IntoIterator<Item = u32>,
    ) {
        push_doc(&mut self.bytes, doc - self.last, count, heading, title);
        let mut prev = 0;
        for p in positions {
            push_varint(&mut self.bytes, u64::from(p - prev));
            prev = p;
        }
        self.last = doc;
        self.df += 1;
    }
}

/// Tokens of one partition by code, and the names of the codes that are hashes.
#[derive(Default)]
struct Part {
    pairs: FastMap<u64, Acc>,
    terms: FastMap<u64, Acc>,
    names: FastMap<u64, Box<str>>,
    /// Two names gave one hash: the build is made again with another seed.
    collided: bool,
}

/// A token as a number below 2^58: a Han character is its code point, a pair of Han
/// characters the two side by side (below 2^42), a gap pair of two the same with [`GAP`]
/// set; any other token is a hash of its text with bit 57 set, its text kept beside (see
/// [`Part::names`]). No text is compared while postings are added, and a partition and a
/// code sort as one number.
fn han_code(a: char, b: Option<char>) -> u64 {
    match b {
        Some(b) => (a as u64) << 21 | b as u64,
        None => a as u64,
    }
}

/// The bit that marks a pair's code as a gap pair's (two Han characters with a separator
/// between them).
const GAP: u64 = 1 << 42;
/// A character's bits in a code.
const CHAR: u64 = 0x1f_ffff;
/// The bits of a code.
const CODE: u64 = (1 << 58) - 1;

fn text_code(text: &str, seed: u64) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::hash::BuildHasherDefault::<crate::fingerprint::Fx>::default().build_hasher();
    h.write_u64(seed);
    h.write(text.as_bytes());
    h.finish() >> 7 | HASHED
}

/// The bit that marks a code as a hash.
const HASHED: u64 = 1 << 57;

/// The text of a token's code (`names` holds those that are hashes).
fn code_text(code: u64, names: &FastMap<u64, Box<str>>) -> String {
    let c = |n: u64| char::from_u32(n as u32).unwrap_or('\u{fffd}');
    match (code >> 21 & CHAR, code & CHAR) {
        _ if code & HASHED != 0 => names.get(&code).map(|n| n.to_string()).unwrap_or_default(),
        (0, b) => c(b).to_string(),
        (a, b) if code & GAP != 0 => format!("{}|{}", c(a), c(b)),
        (a, b) => [c(a), c(b)].into_iter().collect(),
    }
}

fn part_of(code: u64) -> u32 {
    (code.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 58) as u32 % PARTS
}

/// A code with its partition above it: sorting these sorts by partition, then code.
fn sort_key(code: u64) -> u64 {
    u64::from(part_of(code)) << 58 | code
}

/// Where each partition's occurrences start in a sorted list, and where the last ends.
type Starts = [u32; PARTS as usize + 1];

fn starts(occs: &[Occ]) -> Starts {
    let mut out = [0; PARTS as usize + 1];
    for o in occs {
        out[(o.key >> 58) as usize + 1] += 1;
    }
    for k in 1..out.len() {
        out[k] += out[k - 1];
    }
    out
}

/// `occs` (in order of position) sorted by partition, code and position, and where each
/// partition starts: placed by partition in one pass, then each partition's few sorted by
/// code (a stable sort, so positions stay in order).
fn by_partition(occs: &[Occ]) -> (Vec<Occ>, Starts) {
    let starts = starts(occs);
    let mut next = starts;
    let mut out = vec![Occ { key: 0, pos: 0 }; occs.len()];
    for o in occs {
        let p = (o.key >> 58) as usize;
        out[next[p] as usize] = *o;
        next[p] += 1;
    }
    for w in starts.windows(2) {
        out[w[0] as usize..w[1] as usize].sort_by_key(|o| o.key);
    }
    (out, starts)
}

/// One occurrence of a token in a document: its code under its partition
/// ([`sort_key`]), and its position.
#[derive(Clone, Copy)]
struct Occ {
    key: u64,
    pos: u32,
}

impl Occ {
    fn new(code: u64, pos: usize) -> Occ {
        Occ {
            key: sort_key(code),
            pos: pos as u32,
        }
    }

    fn code(&self) -> u64 {
        self.key & CODE
    }
}

/// A document's tokens, sorted by partition, code and position, with where each
/// partition's start.
struct Prepared {
    pairs: Vec<Occ>,
    terms: Vec<Occ>,
    pair_starts: Starts,
    term_starts: Starts,
    /// The texts of the codes that are hashes.
    names: Vec<(u64, String)>,
    /// Positions before this are the title's.
    title_end: u32,
    /// Positions in `title_end..heading_end` are the heading's (with the line break).
    heading_end: u32,
}

/// What is stored with each document of a posting: the gap from the previous document,
/// doubled, plus one when the occurrence count and the title and heading flags follow as
/// one number (`count << 2 | heading << 1 | title`); without it, the token occurs once, in
/// the body.
pub fn push_doc(out: &mut Vec<u8>, gap: u32, count: u32, heading: bool, title: bool) {
    if count == 1 && !heading && !title {
        push_varint(out, u64::from(gap) << 1);
    } else {
        push_varint(out, u64::from(gap) << 1 | 1);
        push_varint(
            out,
            u64::from(count) << 2 | u64::from(heading) << 1 | u64::from(title),
        );
    }
}

fn prepare(doc: &Doc, seed: u64) -> Prepared {
    let u = units(&doc.text());
    let title_end = units(doc.title).len() as u32;
    let heading = units(doc.heading).len() as u32;
    let heading_end = title_end + u32::from(title_end > 0) + heading;
    let mut names: Vec<(u64, String)> = Vec::new();
    let mut key = String::new();
    let mut named = |key: &str| {
        let code = text_code(key, seed);
        names.push((code, key.to_string()));
        code
    };
    let mut terms = Vec::with_capacity(u.len());
    for (pos, unit) in u.iter().enumerate() {
        let code = match unit {
            Unit::Sep => continue,
            Unit::Han(c) => han_code(*c, None),
            Unit::Word(w) => named(w),
        };
        terms.push(Occ::new(code, pos));
    }
    let mut pairs = Vec::with_capacity(u.len());
    for (a, b, pos, gap) in pair_tokens(&u) {
        let code = match (a, b) {
            (Unit::Han(a), Unit::Han(b)) if gap => GAP | han_code(*a, Some(*b)),
            (Unit::Han(a), Unit::Han(b)) => han_code(*a, Some(*b)),
            (a, b) => {
                key.clear();
                push_pair(&mut key, a, b, gap);
                named(&key)
            }
        };
        pairs.push(Occ::new(code, pos as usize));
    }
    names.sort_unstable();
    names.dedup();
    let (pairs, pair_starts) = by_partition(&pairs);
    let (terms, term_starts) = by_partition(&terms);
    Prepared {
        pair_starts,
        term_starts,
        pairs,
        terms,
        names,
        title_end,
        heading_end,
    }
}

impl Prepared {
    /// Add this document's tokens of partition `part` to `map` (`pairs`: its pairs with their
    /// positions, else its terms).
    fn add_to(&self, doc: u32, part: u32, pairs: bool, map: &mut FastMap<u64, Acc>) {
        let (occs, starts) = match pairs {
            true => (&self.pairs, &self.pair_starts),
            false => (&self.terms, &self.term_starts),
        };
        let part = part as usize;
        let mut rest = &occs[starts[part] as usize..starts[part + 1] as usize];
        while let Some(first) = rest.first() {
            let n = rest.iter().take_while(|o| o.key == first.key).count();
            let (group, tail) = rest.split_at(n);
            rest = tail;
            let title = group.iter().any(|o| o.pos < self.title_end);
            let heading = group
                .iter()
                .any(|o| (self.title_end..self.heading_end).contains(&o.pos));
            let positions = group.iter().filter(|_| pairs).map(|o| o.pos);
            let acc = map.entry(first.code()).or_default();
            acc.add(doc, n as u32, heading, title, positions);
        }
    }

    fn name_into(&self, part: u32, names: &mut FastMap<u64, Box<str>>) -> bool {
        let mut collided = false;
        for (code, name) in self.names.iter().filter(|(c, _)| part_of(*c) == part) {
            match names.get(code) {
                Some(known) => collided |= **known != **name,
                None => {
                    names.insert(*code, name.as_str().into());
                }
            }
        }
        collided
    }
}

/// Build the index of `docs` (document `i` is `docs[i]`).
pub fn build(docs: &[Doc], settings: Settings) -> Index {
    let mut seed = 0;
    loop {
        if let Some(index) = build_with(docs, settings, seed) {
            return index;
        }
        seed += 1;
    }
}

/// [`build`] with the hash seed `seed`; `None` when two tokens' texts gave one hash.
fn build_with(docs: &[Doc], settings: Settings, seed: u64) -> Option<Index> {
    let mut clock = crate::timings::Phase::start();
    let mut parts: Vec<Part> = (0..PARTS).map(|_| Part::default()).collect();
    for (b, batch) in docs.chunks(BATCH).enumerate() {
        let prepared: Vec<Prepared> = batch.par_iter().map(|d| prepare(d, seed)).collect();
        let first = (b * BATCH) as u32;
        parts.par_iter_mut().enumerate().for_each(|(n, part)| {
            let n = n as u32;
            for (i, p) in prepared.iter().enumerate() {
                let doc = first + i as u32;
                p.add_to(doc, n, true, &mut part.pairs);
                p.add_to(doc, n, false, &mut part.terms);
                part.collided |= p.name_into(n, &mut part.names);
            }
        });
    }
    clock.done("    postings");
    if parts.iter().any(|p| p.collided) {
        return None;
    }
    let names: FastMap<u64, Box<str>> = parts
        .iter_mut()
        .flat_map(|p| std::mem::take(&mut p.names))
        .collect();
    let (pairs, terms): (Vec<_>, Vec<_>) = parts.into_iter().map(|p| (p.pairs, p.terms)).unzip();
    let mut pairs = named(pairs, &names);
    let split = super::split::split(&mut pairs, settings.split_bytes);
    clock.done("    split pairs");
    let index = Index {
        docs: docs.len() as u32,
        pairs: Shards {
            split,
            ..cut(pairs, settings)
        },
        terms: cut(named(terms, &names), settings),
    };
    clock.done("    shards");
    Some(index)
}

/// The bytes of one token's entry: its key, document count, then the postings.
fn push_entry(out: &mut Vec<u8>, token: &str, acc: &Acc) {
    push_varint(out, token.len() as u64);
    out.extend_from_slice(token.as_bytes());
    push_varint(out, u64::from(acc.df));
    out.extend_from_slice(&acc.bytes);
}

pub(super) fn entry_len(token: &str, acc: &Acc) -> usize {
    token.len() + acc.bytes.len() + 10
}

/// The tokens of `maps` with their texts.
fn named(maps: Vec<FastMap<u64, Acc>>, names: &FastMap<u64, Box<str>>) -> Vec<(String, Acc)> {
    maps.into_par_iter()
        .flat_map_iter(|m| {
            m.into_iter()
                .map(|(code, acc)| (code_text(code, names), acc))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Cut `entries` into shards and big tokens' own files. Each token's postings are let go
/// of as soon as they are copied into their shard, so the postings are held about once,
/// not twice.
fn cut(entries: Vec<(String, Acc)>, settings: Settings) -> Shards {
    let small_bytes: usize = entries
        .iter()
        .map(|(t, a)| entry_len(t, a))
        .filter(|&len| len <= settings.big_bytes)
        .sum();
    let want = small_bytes.div_ceil(settings.shard_bytes.max(1)).max(1);
    let count = (want.next_power_of_two() as u32).min(1 << 16);
    let (mut big, mut small): (Vec<_>, Vec<_>) = entries
        .into_iter()
        .map(|(token, acc)| (token_hash(&token) % count, token, acc))
        .partition(|(_, token, acc)| entry_len(token, acc) > settings.big_bytes);
    small.par_sort_unstable_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let mut runs: Vec<Vec<(u32, String, Acc)>> = Vec::new();
    for e in small {
        match runs.last_mut() {
            Some(run) if run[0].0 == e.0 => run.push(e),
            _ => runs.push(vec![e]),
        }
    }
    let shards = runs
        .into_par_iter()
        .map(|run| {
            let n = run[0].0;
            let mut out = Vec::new();
            for (_, token, acc) in run {
                push_entry(&mut out, &token, &acc);
            }
            (n, out)
        })
        .collect();
    big.sort_unstable_by(|a, b| a.1.cmp(&b.1));
    let big = big
        .into_par_iter()
        .map(|(_, token, acc)| {
            let mut out = Vec::new();
            push_entry(&mut out, &token, &acc);
            (token, out)
        })
        .collect();
    Shards {
        count,
        shards,
        big,
        split: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_give_back_their_text() {
        let mut names = FastMap::default();
        let code = text_code("pm2 5", 0);
        names.insert(code, "pm2 5".into());
        assert_eq!(code_text(code, &names), "pm2 5");
        assert_eq!(code_text(han_code('彩', Some('礼')), &names), "彩礼");
        assert_eq!(code_text(han_code('𠀀', Some('礼')), &names), "𠀀礼");
        assert_eq!(code_text(han_code('礼', None), &names), "礼");
        assert_eq!(code_text(GAP | han_code('典', Some('第')), &names), "典|第");
        assert_eq!(code_text(GAP | han_code('𠀀', Some('礼')), &names), "𠀀|礼");
        assert!(sort_key(text_code("pm2 5", 0)) & CODE == text_code("pm2 5", 0));
        assert_ne!(text_code("a", 0), text_code("a", 1));
    }

    #[test]
    fn title_and_heading_are_marked() {
        let doc = Doc {
            title: "婚姻家庭",
            heading: "彩礼",
            body: "彩礼不是买卖婚姻",
        };
        let p = prepare(&doc, 0);
        assert_eq!((p.title_end, p.heading_end), (4, 7));
        let index = build(&[doc], Settings::default());
        let got = index.postings(super::super::index::ShardKind::Pairs, "彩礼");
        assert_eq!(got.len(), 1);
        let (doc, packed_value, positions) = &got[0];
        assert_eq!(*doc, 0);
        assert_eq!(positions, &vec![5, 8]);
        assert_eq!(*packed_value, 2 << 2 | 0b10);
        let got = index.postings(super::super::index::ShardKind::Terms, "婚");
        assert_eq!(got[0].1, 2 << 2 | 0b01);
        let got = index.postings(super::super::index::ShardKind::Pairs, "买卖");
        assert_eq!(got, vec![(0, 1 << 2, vec![12])]);
    }
}
