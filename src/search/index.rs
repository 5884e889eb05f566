//! Search, the index: postings of every document's tokens (see [`super::tokens`]), cut into
//! shards by a hash of the token so that a query fetches only the shards of its own tokens.
//!
//! - **Pair shards** hold, per pair token, the documents containing it with the positions
//!   where it occurs; a query of two or more units matches a document where its pairs follow
//!   one another at consecutive positions.
//! - **Term shards** hold, per term (a Han character or a word), the documents containing it;
//!   they answer one-unit queries.
//!
//! A shard is a run of entries sorted by token: the token's length and UTF-8 bytes, its
//! document count, then per document the gap from the previous document number and, in a
//! pair shard, the occurrence count and the gaps between positions, every number an unsigned
//! LEB128 varint. A token's shard is `fnv1a(UTF-16 code units of the token) % shards`, the
//! hash the browser computes with `charCodeAt`. The reader's side is [`Index::search`]; the
//! browser's is in `js/search.js`, written to the same format.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::tokens::{Unit, pair, push_pair, units};
use crate::fingerprint::FastMap;

/// Which shard list a token is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ShardKind {
    Pairs,
    Terms,
}

/// A built index: its shards (uncompressed) by kind and number.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Index {
    pub shards: u32,
    pub files: BTreeMap<(ShardKind, u32), Vec<u8>>,
    pub docs: u32,
}

/// FNV-1a (32 bit) over the UTF-16 code units of `token`.
pub fn token_hash(token: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    let mut buf = [0u16; 2];
    for c in token.chars() {
        for unit in c.encode_utf16(&mut buf) {
            h ^= u32::from(*unit);
            h = h.wrapping_mul(0x0100_0193);
        }
    }
    h
}

/// A number of shards for `tokens` distinct tokens: a power of two with about
/// `per_shard` tokens in each, from 1 to 65,536.
pub fn shard_count(tokens: usize, per_shard: usize) -> u32 {
    let want = tokens.div_ceil(per_shard.max(1)).max(1);
    (want.next_power_of_two() as u32).min(1 << 16)
}

fn push_varint(out: &mut Vec<u8>, mut n: u64) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn read_varint(data: &[u8], at: &mut usize) -> Option<u64> {
    let mut n: u64 = 0;
    for shift in (0..64).step_by(7) {
        let b = *data.get(*at)?;
        *at += 1;
        n |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(n);
        }
    }
    None
}

/// Build the index of `texts` (document `i` is `texts[i]`), with about `per_shard` tokens
/// per shard. Documents are tokenised in parallel; each shard's entries are sorted by token,
/// so the same texts always give the same bytes.
pub fn build(texts: &[&str], per_shard: usize) -> Index {
    let per_doc: Vec<Vec<Unit>> = texts.par_iter().map(|t| units(t)).collect();
    // token → [(doc, positions)], documents in order. Keys are written into one buffer and
    // looked up by it: a token's string is made once, when it is first seen.
    let mut pairs: FastMap<String, Vec<(u32, Vec<u32>)>> = FastMap::default();
    let mut terms: FastMap<String, Vec<u32>> = FastMap::default();
    let mut key = String::new();
    for (doc, units) in per_doc.iter().enumerate() {
        let doc = doc as u32;
        for u in units {
            key.clear();
            match u {
                Unit::Sep => continue,
                Unit::Han(c) => key.push(*c),
                Unit::Word(w) => key.push_str(w),
            }
            match terms.get_mut(key.as_str()) {
                Some(list) if list.last() == Some(&doc) => {}
                Some(list) => list.push(doc),
                None => {
                    terms.insert(key.clone(), vec![doc]);
                }
            }
        }
        for (pos, w) in units.windows(2).enumerate() {
            key.clear();
            push_pair(&mut key, &w[0], &w[1]);
            let pos = pos as u32;
            match pairs.get_mut(key.as_str()) {
                Some(list) => match list.last_mut() {
                    Some((d, positions)) if *d == doc => positions.push(pos),
                    _ => list.push((doc, vec![pos])),
                },
                None => {
                    pairs.insert(key.clone(), vec![(doc, vec![pos])]);
                }
            }
        }
    }
    let shards = shard_count(pairs.len().max(terms.len()), per_shard);
    let mut files: BTreeMap<(ShardKind, u32), Vec<u8>> = BTreeMap::new();
    encode_all(ShardKind::Pairs, &pairs, shards, &mut files);
    encode_all(ShardKind::Terms, &terms, shards, &mut files);
    Index {
        shards,
        files,
        docs: texts.len() as u32,
    }
}

/// Postings a shard can hold: a term's documents, or a pair's documents with positions.
trait Posted: Sync {
    /// How many documents.
    fn count(&self) -> usize;
    fn write(&self, out: &mut Vec<u8>);
}

impl Posted for Vec<u32> {
    fn count(&self) -> usize {
        self.len()
    }

    fn write(&self, out: &mut Vec<u8>) {
        let mut last = 0;
        for doc in self {
            push_varint(out, u64::from(doc - last));
            last = *doc;
        }
    }
}

impl Posted for Vec<(u32, Vec<u32>)> {
    fn count(&self) -> usize {
        self.len()
    }

    fn write(&self, out: &mut Vec<u8>) {
        let mut last = 0;
        for (doc, positions) in self {
            push_varint(out, u64::from(doc - last));
            last = *doc;
            push_varint(out, positions.len() as u64);
            let mut prev = 0;
            for p in positions {
                push_varint(out, u64::from(p - prev));
                prev = *p;
            }
        }
    }
}

/// The entries of `map` by shard number, each shard's sorted by token.
fn by_shard<T: Posted>(map: &FastMap<String, T>, shards: u32) -> Vec<(u32, Vec<(&str, &T)>)> {
    let mut out: BTreeMap<u32, Vec<(&str, &T)>> = BTreeMap::new();
    for (token, list) in map {
        out.entry(token_hash(token) % shards)
            .or_default()
            .push((token.as_str(), list));
    }
    let mut out: Vec<(u32, Vec<(&str, &T)>)> = out.into_iter().collect();
    for (_, list) in &mut out {
        list.sort_unstable_by_key(|(t, _)| *t);
    }
    out
}

/// Encode the shards of `map` (in parallel) into `files`.
fn encode_all<T: Posted>(
    kind: ShardKind,
    map: &FastMap<String, T>,
    shards: u32,
    files: &mut BTreeMap<(ShardKind, u32), Vec<u8>>,
) {
    let encoded: Vec<(u32, Vec<u8>)> = by_shard(map, shards)
        .into_par_iter()
        .map(|(n, list)| (n, encode(&list)))
        .collect();
    files.extend(encoded.into_iter().map(|(n, b)| ((kind, n), b)));
}

fn encode<T: Posted>(list: &[(&str, &T)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (token, postings) in list {
        push_key(&mut out, token, postings.count());
        postings.write(&mut out);
    }
    out
}

fn push_key(out: &mut Vec<u8>, token: &str, docs: usize) {
    push_varint(out, token.len() as u64);
    out.extend_from_slice(token.as_bytes());
    push_varint(out, docs as u64);
}

impl ShardKind {
    /// The folder of this kind's shards under the index's folder.
    pub fn folder(self) -> &'static str {
        match self {
            ShardKind::Pairs => "p",
            ShardKind::Terms => "t",
        }
    }
}

impl Index {
    /// The index as files under its folder (`search/`): `meta.json` (format version, shard
    /// count, document count) and each shard gzipped at `p/N.gz` or `t/N.gz`.
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        use std::io::Write;
        let meta = format!(
            "{{\"version\":1,\"shards\":{},\"docs\":{}}}",
            self.shards, self.docs
        );
        let mut out = vec![("meta.json".to_string(), meta.into_bytes())];
        let shards: Vec<(&(ShardKind, u32), &Vec<u8>)> = self.files.iter().collect();
        let zipped: Vec<(String, Vec<u8>)> = shards
            .into_par_iter()
            .map(|((kind, n), data)| {
                let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
                // Writing to memory cannot fail.
                let _ = gz.write_all(data);
                let bytes = gz.finish().unwrap_or_default();
                (format!("{}/{n}.gz", kind.folder()), bytes)
            })
            .collect();
        out.extend(zipped);
        out
    }
}

/// Postings of one token: documents, each with its positions (empty for a term).
type Postings = Vec<(u32, Vec<u32>)>;

impl Index {
    /// The postings of `token` in the shard list `kind` (empty when it is not there).
    pub fn postings(&self, kind: ShardKind, token: &str) -> Postings {
        let Some(data) = self.files.get(&(kind, token_hash(token) % self.shards)) else {
            return Vec::new();
        };
        read_postings(data, kind, token).unwrap_or_default()
    }

    /// The documents containing every space-separated part of `query`, in order.
    pub fn search(&self, query: &str) -> Vec<u32> {
        let mut result: Option<Vec<u32>> = None;
        for part in super::tokens::normalise(query).split_whitespace() {
            let u = units(part);
            if u.is_empty() {
                continue;
            }
            let docs = self.phrase(&u);
            result = Some(match result {
                None => docs,
                Some(r) => r
                    .into_iter()
                    .filter(|d| docs.binary_search(d).is_ok())
                    .collect(),
            });
        }
        result.unwrap_or_default()
    }

    /// The documents whose units contain the units `u` in a row.
    fn phrase(&self, u: &[Unit]) -> Vec<u32> {
        match u {
            [] => Vec::new(),
            [one] => self
                .postings(ShardKind::Terms, &one.text())
                .into_iter()
                .map(|(d, _)| d)
                .collect(),
            _ => {
                let lists: Vec<Postings> = u
                    .windows(2)
                    .map(|w| self.postings(ShardKind::Pairs, &pair(&w[0], &w[1])))
                    .collect();
                consecutive(&lists)
            }
        }
    }
}

/// Documents where list `k`'s token occurs at position `p + k` for some `p`, for every `k`.
fn consecutive(lists: &[Postings]) -> Vec<u32> {
    let Some((first, rest)) = lists.split_first() else {
        return Vec::new();
    };
    first
        .iter()
        .filter(|(doc, starts)| {
            let others: Option<Vec<&Vec<u32>>> = rest
                .iter()
                .map(|l| {
                    l.binary_search_by_key(doc, |(d, _)| *d)
                        .ok()
                        .map(|i| &l[i].1)
                })
                .collect();
            others.is_some_and(|others| {
                starts.iter().any(|s| {
                    others
                        .iter()
                        .enumerate()
                        .all(|(k, ps)| ps.binary_search(&(s + k as u32 + 1)).is_ok())
                })
            })
        })
        .map(|(d, _)| *d)
        .collect()
}

fn read_postings(data: &[u8], kind: ShardKind, token: &str) -> Option<Postings> {
    let mut at = 0;
    while at < data.len() {
        let len = read_varint(data, &mut at)? as usize;
        let key = data.get(at..at + len)?;
        at += len;
        let count = read_varint(data, &mut at)? as usize;
        let wanted = key == token.as_bytes();
        let mut out = Vec::with_capacity(if wanted { count } else { 0 });
        let mut doc = 0u32;
        for _ in 0..count {
            doc += read_varint(data, &mut at)? as u32;
            let mut positions = Vec::new();
            if kind == ShardKind::Pairs {
                let n = read_varint(data, &mut at)?;
                let mut p = 0u32;
                for _ in 0..n {
                    p += read_varint(data, &mut at)? as u32;
                    if wanted {
                        positions.push(p);
                    }
                }
            }
            if wanted {
                out.push((doc, positions));
            }
        }
        if wanted {
            return Some(out);
        }
    }
    Some(Vec::new())
}

/// The documents a brute-force scan finds: those whose units contain each part's units in a
/// row (for tests and benchmarks: the truth the index must equal).
pub fn scan(texts: &[&str], query: &str) -> Vec<u32> {
    let parts: Vec<Vec<Unit>> = super::tokens::normalise(query)
        .split_whitespace()
        .map(units)
        .filter(|u| !u.is_empty())
        .collect();
    if parts.is_empty() {
        return Vec::new();
    }
    (0..texts.len() as u32)
        .filter(|&d| {
            let u = units(texts[d as usize]);
            parts
                .iter()
                .all(|p| u.windows(p.len()).any(|w| w == p.as_slice()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCS: [&str; 6] = [
        "第一千零四十三条 家庭应当树立优良家风，弘扬家庭美德，重视家庭文明建设。",
        "夫妻应当互相忠实，互相尊重，互相关爱。",
        "《民法典》第1043条规定了家风。",
        "第10430条不存在。PM2.5 超标",
        "彩礼不是买卖婚姻；借婚姻索取财物是禁止的。",
        "家庭",
    ];

    #[test]
    fn the_index_finds_what_a_scan_finds() {
        for per_shard in [1, 3, 1000] {
            let index = build(&DOCS, per_shard);
            for q in [
                "家庭",
                "家风",
                "家庭美德",
                "第1043条",
                "1043",
                "第10430条",
                "互相尊重",
                "忠实，互相",
                "忠实互相",
                "彩礼 婚姻",
                "婚姻 彩礼 禁止",
                "民法典》第",
                "pm2.5",
                "ＰＭ２．５",
                "2.5",
                "庭",
                "家",
                "冷静期",
                "",
                "，",
                "第 1043",
                "条",
                "彩礼 ，",
            ] {
                assert_eq!(
                    index.search(q),
                    scan(&DOCS, q),
                    "{q:?} with {per_shard} per shard"
                );
            }
        }
    }

    #[test]
    fn a_few_answers_by_hand() {
        let index = build(&DOCS, 4);
        assert_eq!(index.search("家庭"), vec![0, 5]);
        assert_eq!(index.search("第1043条"), vec![2]);
        assert_eq!(index.search("忠实，互相"), vec![1]);
        assert_eq!(
            index.search("忠实互相"),
            Vec::<u32>::new(),
            "not across punctuation"
        );
        assert_eq!(index.search("婚姻 彩礼"), vec![4]);
        assert!(index.shards.is_power_of_two());
    }

    #[test]
    fn hashes_are_those_of_utf16() {
        // FNV-1a of the UTF-16 code units: "a" is 0x0061.
        assert_eq!(token_hash(""), 0x811c_9dc5);
        assert_eq!(token_hash("a"), 0xe40c_292c);
        // A supplementary character counts as its two surrogates.
        let mut h: u32 = 0x811c_9dc5;
        for u in [0xD840u32, 0xDC00] {
            h ^= u;
            h = h.wrapping_mul(0x0100_0193);
        }
        assert_eq!(token_hash("𠀀"), h);
    }

    #[test]
    fn varints_round_trip() {
        let mut out = Vec::new();
        for n in [0u64, 1, 127, 128, 300, 1 << 35] {
            push_varint(&mut out, n);
        }
        let mut at = 0;
        for n in [0u64, 1, 127, 128, 300, 1 << 35] {
            assert_eq!(read_varint(&out, &mut at), Some(n));
        }
        assert_eq!(at, out.len());
    }
}
