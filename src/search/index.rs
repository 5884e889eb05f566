//! Search, the index: postings of every document's tokens (see [`super::tokens`]), cut into
//! shards by a hash of the token so that a query fetches only the shards of its own tokens
//! (built by [`super::build`]).
//!
//! - **Pair shards** hold, per pair or gap pair, the documents containing it with the
//!   positions where it occurs; a query of two or more units matches a document where its
//!   pairs and gap pairs are at the distances they have in the query.
//! - **Split tokens** (`法律>援`) hold the occurrences of a common pair followed by one unit,
//!   so that a phrase need not read the common pair's whole list (see [`super::split`]).
//! - **Term shards** hold, per term (a Han character or a word), the documents containing it;
//!   they answer one-unit queries.
//!
//! A shard is a run of entries sorted by token: the token's length and UTF-8 bytes, its
//! document count, then per document the gap from the previous document number with the
//! occurrence count and whether it is in the title and the heading
//! ([`super::build::push_doc`]) and, in a pair shard, the gaps between positions, every
//! number an unsigned LEB128 varint. That is the form an [`Index`] holds; pair shards are
//! published Rice-coded (see [`super::rice`]). A
//! token's shard is `fnv1a(UTF-16 code units of the token) % count`, the hash the browser
//! computes with `charCodeAt`; a token whose entry is large has a file of its own, listed
//! by token in `meta.json`. The reader's side is [`Index::search`]; the browser's is in
//! `js/search.js`, written to the same format.

use rayon::prelude::*;

use super::build::Doc;
use super::tokens::{Unit, pair_tokens, push_pair, units};

/// Which shard list a token is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ShardKind {
    Pairs,
    Terms,
}

/// One list of shards: `count` shards by hash (those that hold anything), and the big
/// tokens' own files, sorted by token.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shards {
    pub count: u32,
    pub shards: Vec<(u32, Vec<u8>)>,
    pub big: Vec<(String, Vec<u8>)>,
    /// The pairs that are split by the unit after them (see [`super::split`]), sorted.
    pub split: Vec<String>,
}

/// A built index (uncompressed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Index {
    pub docs: u32,
    pub pairs: Shards,
    pub terms: Shards,
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

pub(super) fn push_varint(out: &mut Vec<u8>, mut n: u64) {
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

pub(super) fn read_varint(data: &[u8], at: &mut usize) -> Option<u64> {
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

impl ShardKind {
    /// The folder of this kind's files under the index's folder.
    pub fn folder(self) -> &'static str {
        match self {
            ShardKind::Pairs => "p",
            ShardKind::Terms => "t",
        }
    }

    /// The extension of this kind's files: pair shards are Rice-coded (see
    /// [`super::rice`]), term shards gzipped.
    pub fn extension(self) -> &'static str {
        match self {
            ShardKind::Pairs => "bin",
            ShardKind::Terms => "gz",
        }
    }
}

impl Index {
    fn list(&self, kind: ShardKind) -> &Shards {
        match kind {
            ShardKind::Pairs => &self.pairs,
            ShardKind::Terms => &self.terms,
        }
    }

    /// The index as files under its folder (`search/`): `meta.json`, each pair shard
    /// Rice-coded at `p/N.bin` and each big pair's file at `p/bI.bin` (see
    /// [`super::rice`]), each term shard gzipped at `t/N.gz`, each big term's at `t/bI.gz`.
    ///
    /// `meta.json` is what the reader needs before its first shard: format version,
    /// document count, and per kind the shard count, the big tokens (whose file is `bI` for
    /// the `I`th), each big token's file size and a shard's mean size (KB as published,
    /// rounded up: the reader fetches the cheapest tokens that cover a query, see `cover`
    /// in the default theme's `src/search.js`), and the split pairs (see [`super::split`]).
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        self.clone().into_files()
    }

    /// [`Index::files`], letting go of each shard's bytes as soon as it is published.
    pub fn into_files(self) -> Vec<(String, Vec<u8>)> {
        let mut meta = serde_json::json!({ "version": 6, "docs": self.docs });
        // Every shard of both kinds, published in one parallel pass; then the sizes of each
        // kind's files for meta.json.
        let mut plain: Vec<(String, ShardKind, Vec<u8>)> = Vec::new();
        let mut lists = Vec::new();
        for (kind, list) in [
            (ShardKind::Pairs, self.pairs),
            (ShardKind::Terms, self.terms),
        ] {
            let (folder, ext) = (kind.folder(), kind.extension());
            let Shards {
                count,
                shards,
                big,
                split,
            } = list;
            let names: Vec<String> = big.iter().map(|(t, _)| t.clone()).collect();
            lists.push((kind, count, shards.len(), names, split));
            for (n, data) in shards {
                plain.push((format!("{folder}/{n}.{ext}"), kind, data));
            }
            for (i, (_, data)) in big.into_iter().enumerate() {
                plain.push((format!("{folder}/b{i}.{ext}"), kind, data));
            }
        }
        let published: Vec<(String, Vec<u8>)> = plain
            .into_par_iter()
            .map(|(path, kind, data)| (path, publish(kind, data)))
            .collect();
        let mut rest = published.as_slice();
        for (kind, count, small, names, split) in lists {
            let (shards, tail) = rest.split_at(small);
            let (big, tail) = tail.split_at(names.len());
            rest = tail;
            let kb: Vec<usize> = big.iter().map(|(_, d)| d.len().div_ceil(1024)).collect();
            let mean = mean_kb(shards.iter().map(|(_, d)| d.len()));
            meta[kind.folder()] = serde_json::json!({
                "n": count, "big": names, "kb": kb, "shard_kb": mean, "split": split,
            });
        }
        let mut out = vec![("meta.json".to_string(), meta.to_string().into_bytes())];
        out.extend(published);
        out
    }
}

/// A shard of `kind` as published: a pair shard Rice-coded, a term shard gzipped.
fn publish(kind: ShardKind, data: Vec<u8>) -> Vec<u8> {
    match kind {
        // (None only for bytes search::build does not write; an empty file would read as
        // no postings, which the tests against a full scan would catch.)
        ShardKind::Pairs => super::rice::recode(&data).unwrap_or_default(),
        ShardKind::Terms => gzip(&data),
    }
}

/// `data` gzipped by zlib-rs at level 2 (postings are mostly varints that compress little:
/// on the 10,000-page corpus its level 1, which uses fixed Huffman codes only, made the
/// index 40.4 MB, level 2 32.2 MB; miniz_oxide's level 1 made 33.3 MB and took longer; the
/// header carries no time or name, so the bytes are the same on every build).
///
/// Each thread keeps one compressor and resets it between files: a new one allocates and
/// zeroes some 300 KB of tables, which for the tens of thousands of small files of an index
/// took longer than compressing them.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    use flate2::{Compress, Compression, Crc, FlushCompress, Status};
    thread_local! {
        static DEFLATE: std::cell::RefCell<Compress> =
            std::cell::RefCell::new(Compress::new(Compression::new(2), false));
    }
    // The header flate2's own encoder writes at level 2: no name, no time, no flags for
    // the level (0), operating system unknown (255).
    let mut out = Vec::with_capacity(data.len() / 2 + 64);
    out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);
    DEFLATE.with(|d| {
        let mut d = d.borrow_mut();
        d.reset();
        let start = d.total_in();
        loop {
            out.reserve(data.len() / 4 + 64);
            let read = (d.total_in() - start) as usize;
            match d.compress_vec(&data[read..], &mut out, FlushCompress::Finish) {
                Ok(Status::StreamEnd) | Err(_) => break,
                Ok(_) => {}
            }
        }
    });
    let mut crc = Crc::new();
    crc.update(data);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

/// Postings of one token: documents, each with `count << 2 | in heading << 1 | in title`
/// and positions (none for a term).
pub type Postings = Vec<(u32, u64, Vec<u32>)>;

impl Index {
    /// The postings of `token` in the shard list `kind` (empty when it is not there).
    pub fn postings(&self, kind: ShardKind, token: &str) -> Postings {
        let list = self.list(kind);
        let data = match list.big.binary_search_by(|(t, _)| t.as_str().cmp(token)) {
            Ok(i) => &list.big[i].1,
            Err(_) => {
                let n = token_hash(token) % list.count.max(1);
                match list.shards.binary_search_by_key(&n, |(k, _)| *k) {
                    Ok(i) => &list.shards[i].1,
                    Err(_) => return Vec::new(),
                }
            }
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
                .map(|(d, _, _)| d)
                .collect(),
            _ => {
                let tokens = self.candidates(u);
                let shard = mean_kb(self.pairs.shards.iter().map(|(_, d)| d.len()));
                let spans: Vec<(u32, u32, usize)> = tokens
                    .iter()
                    .map(|(key, at, n)| (*at, *n, self.cost(key, shard)))
                    .collect();
                let chosen = cover(&spans);
                let lists: Vec<Postings> = chosen
                    .iter()
                    .map(|&i| self.postings(ShardKind::Pairs, &tokens[i].0))
                    .collect();
                let at: Vec<u32> = chosen.iter().map(|&i| tokens[i].1).collect();
                consecutive(&lists, &at)
            }
        }
    }

    /// The tokens a phrase of units `u` may be read from, in order of position: each pair
    /// and gap pair, and after a split pair the split token of it and the unit after it
    /// (see [`super::split`]); each with its position and the units it holds.
    fn candidates(&self, u: &[Unit]) -> Vec<(String, u32, u32)> {
        let mut out = Vec::new();
        for (a, b, at, gap) in pair_tokens(u) {
            let mut key = String::new();
            push_pair(&mut key, a, b, gap);
            let n = if gap { 3 } else { 2 };
            let next = u.get((at + n) as usize).filter(|x| **x != Unit::Sep);
            let split = next.filter(|_| self.pairs.split.binary_search(&key).is_ok());
            let split = split.map(|x| format!("{key}{}{}", super::split::NEXT, x.text()));
            out.push((key, at, n));
            if let Some(s) = split {
                out.push((s, at, n + 1));
            }
        }
        out
    }

    /// What reading pair `token`'s postings costs, in KB: its own file's size for a big
    /// token, else `shard`, a shard's mean size (uncompressed: the browser weighs the
    /// published sizes, so the two may choose different tokens, with the same result).
    fn cost(&self, token: &str, shard: usize) -> usize {
        let big = &self.pairs.big;
        match big.binary_search_by(|(t, _)| t.as_str().cmp(token)) {
            Ok(i) => big[i].1.len().div_ceil(1024),
            Err(_) => shard,
        }
    }
}

/// The mean of file sizes `sizes`, in KB, rounded up (0 for none).
fn mean_kb(sizes: impl ExactSizeIterator<Item = usize>) -> usize {
    let n = sizes.len().max(1);
    sizes.sum::<usize>().div_ceil(1024 * n)
}

/// The cheapest tokens that fix every unit of a phrase, given each token's first unit, the
/// units it holds and its cost, in order of first unit: the indices of the chosen tokens (as
/// `cover` in the default theme's `src/search.js`). A text holds the phrase at `p` exactly
/// when each chosen token is at `p` plus its position, since together they fix every unit.
fn cover(spans: &[(u32, u32, usize)]) -> Vec<usize> {
    // best[e]: the cheapest choice found that fixes units 0 to e - 1, as (cost, indices).
    let mut best: Vec<Option<(usize, Vec<usize>)>> = vec![Some((0, Vec::new()))];
    for (i, &(start, n, cost)) in spans.iter().enumerate() {
        let end = (start + n) as usize;
        if best.len() <= end {
            best.resize(end + 1, None);
        }
        for e in start as usize..end {
            let Some((c, chosen)) = &best[e] else {
                continue;
            };
            let c = c + cost;
            if best[end].as_ref().is_none_or(|(b, _)| c < *b) {
                let mut chosen = chosen.clone();
                chosen.push(i);
                best[end] = Some((c, chosen));
            }
        }
    }
    best.pop().flatten().map(|(_, c)| c).unwrap_or_default()
}

/// Documents where list `k`'s token occurs at position `p + at[k]` for some `p`, for every
/// `k` (`at[0]` is 0: a phrase starts with a unit that is not a separator).
fn consecutive(lists: &[Postings], at: &[u32]) -> Vec<u32> {
    let Some((first, rest)) = lists.split_first() else {
        return Vec::new();
    };
    first
        .iter()
        .filter(|(doc, _, starts)| {
            let others: Option<Vec<&Vec<u32>>> = rest
                .iter()
                .map(|l| {
                    l.binary_search_by_key(doc, |(d, _, _)| *d)
                        .ok()
                        .map(|i| &l[i].2)
                })
                .collect();
            others.is_some_and(|others| {
                starts.iter().any(|s| {
                    others
                        .iter()
                        .enumerate()
                        .all(|(k, ps)| ps.binary_search(&(s + at[k + 1])).is_ok())
                })
            })
        })
        .map(|(d, _, _)| *d)
        .collect()
}

/// The token of the shard entry at `at` (its length, then its UTF-8 bytes), moving past it.
pub(super) fn read_key<'a>(data: &'a [u8], at: &mut usize) -> Option<&'a [u8]> {
    let len = read_varint(data, at)? as usize;
    let key = data.get(*at..*at + len)?;
    *at += len;
    Some(key)
}

fn read_postings(data: &[u8], kind: ShardKind, token: &str) -> Option<Postings> {
    let mut at = 0;
    while at < data.len() {
        let key = read_key(data, &mut at)?;
        let count = read_varint(data, &mut at)? as usize;
        let wanted = key == token.as_bytes();
        let out = read_docs(data, &mut at, count, kind, wanted)?;
        if wanted {
            return Some(out);
        }
    }
    Some(Vec::new())
}

/// The `count` documents of an entry's postings at `at` (after its token and count), moving
/// past them; kept only when `keep` (else they are passed over and none are returned).
pub(super) fn read_docs(
    data: &[u8],
    at: &mut usize,
    count: usize,
    kind: ShardKind,
    keep: bool,
) -> Option<Postings> {
    let mut out = Vec::with_capacity(if keep { count } else { 0 });
    let mut doc = 0u32;
    for _ in 0..count {
        let gap = read_varint(data, at)?;
        doc += (gap >> 1) as u32;
        let packed = match gap & 1 {
            1 => read_varint(data, at)?,
            _ => 1 << 2,
        };
        let mut positions = Vec::new();
        if kind == ShardKind::Pairs {
            let mut p = 0u32;
            for _ in 0..packed >> 2 {
                p += read_varint(data, at)? as u32;
                if keep {
                    positions.push(p);
                }
            }
        }
        if keep {
            out.push((doc, packed, positions));
        }
    }
    Some(out)
}

/// The documents a brute-force scan finds: those whose units contain each part's units in a
/// row (for tests and benchmarks: the truth the index must equal).
pub fn scan(docs: &[Doc], query: &str) -> Vec<u32> {
    let parts: Vec<Vec<Unit>> = super::tokens::normalise(query)
        .split_whitespace()
        .map(units)
        .filter(|u| !u.is_empty())
        .collect();
    if parts.is_empty() {
        return Vec::new();
    }
    (0..docs.len() as u32)
        .filter(|&d| {
            let u = units(&docs[d as usize].text());
            parts
                .iter()
                .all(|p| u.windows(p.len()).any(|w| w == p.as_slice()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::build::{Settings, build};
    use super::*;

    fn docs() -> Vec<Doc<'static>> {
        DOCS.iter()
            .enumerate()
            .map(|(i, body)| Doc {
                title: if i == 1 { "夫妻" } else { "" },
                heading: "",
                body,
            })
            .collect()
    }

    fn settings(shard_bytes: usize, big_bytes: usize) -> Settings {
        Settings {
            shard_bytes,
            big_bytes,
            split_bytes: usize::MAX,
        }
    }

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
        let docs = docs();
        for (shard, big, split) in [
            (1, 1000, usize::MAX),
            (16, 1000, 20),
            (100_000, 1_000_000, 0),
            (64, 12, 12),
        ] {
            let index = build(
                &docs,
                Settings {
                    split_bytes: split,
                    ..settings(shard, big)
                },
            );
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
                    scan(&docs, q),
                    "{q:?} with shards of {shard} bytes, big from {big}, split from {split}"
                );
            }
        }
    }

    #[test]
    fn a_few_answers_by_hand() {
        let index = build(&docs(), settings(4, 1000));
        assert_eq!(index.search("家庭"), vec![0, 5]);
        assert_eq!(index.search("第1043条"), vec![2]);
        assert_eq!(index.search("忠实，互相"), vec![1]);
        assert_eq!(
            index.search("忠实互相"),
            Vec::<u32>::new(),
            "not across punctuation"
        );
        assert_eq!(index.search("婚姻 彩礼"), vec![4]);
        assert!(index.pairs.count.is_power_of_two());
        let index = build(&docs(), settings(64, 12));
        assert!(!index.pairs.big.is_empty() && !index.terms.big.is_empty());
        assert_eq!(index.search("家庭"), vec![0, 5]);
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
    fn gzip_gives_the_bytes_of_flate2s_encoder_and_reuses_its_compressor() {
        use std::io::{Read, Write};
        let text: Vec<u8> = "家庭应当树立优良家风，弘扬家庭美德。"
            .repeat(5000)
            .into_bytes();
        for data in [&b""[..], b"a", &text, &text[..100], &text[7..]] {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(2));
            e.write_all(data).unwrap();
            let expected = e.finish().unwrap();
            assert_eq!(gzip(data), expected, "{} bytes", data.len());
            let mut back = Vec::new();
            flate2::read::GzDecoder::new(&gzip(data)[..])
                .read_to_end(&mut back)
                .unwrap();
            assert_eq!(back, data);
        }
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
