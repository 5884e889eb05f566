//! Search, how pair shards are published: each pair's postings Rice-coded instead of as
//! varints, and the file not gzipped. Postings are numbers that gzip barely shortens; coded
//! with a parameter fitted to each list they take 18.2 MB on the 10,000-page corpus, against
//! 20.6 MB as gzipped varints, and building them costs no compression. (Term shards, which
//! hold no positions, stay gzipped varints: there gzip does better.)
//!
//! An entry of a published pair shard: the token's length and UTF-8 bytes, and the length of
//! the rest (varints); the document count (varint); four Rice parameters, a byte each, for
//! document gaps, `packed`, first positions and position gaps; then bits, most significant
//! first: per document its gap from the previous one minus one (the first: its number) and
//! `(count - 1) << 2 | in heading << 1 | in title`; then per document its positions, the
//! first and then each gap minus one. A value `v` with parameter `k` is `v >> k` zeros, a
//! one and the low `k` bits of `v`; a quotient of [`ESCAPE`] or more is [`ESCAPE`] zeros
//! and `v` in [`RAW`] bits. The bits end with zeros to a whole byte. The browser's reader is
//! `readPostings` in the default theme's `src/search.js`.

use super::build::push_doc;
use super::index::{push_varint, read_key, read_varint};

/// Zeros that say "the value follows in [`RAW`] bits".
pub const ESCAPE: u64 = 24;
/// Bits of an escaped value (document numbers and positions are far below 2^40).
pub const RAW: u32 = 40;

/// Bits written most significant first.
#[derive(Default)]
struct BitWriter {
    out: Vec<u8>,
    /// The last `n` bits written and not yet in `out` (fewer than 8 after each flush).
    acc: u64,
    n: u32,
}

impl BitWriter {
    fn put(&mut self, v: u64, bits: u32) {
        while self.n >= 8 {
            self.n -= 8;
            self.out.push((self.acc >> self.n) as u8);
        }
        self.acc = (self.acc & ((1 << self.n) - 1)) << bits | v;
        self.n += bits;
    }

    fn rice(&mut self, v: u64, k: u32) {
        let q = v >> k;
        if q >= ESCAPE {
            self.put(0, ESCAPE as u32);
            self.put(v & ((1 << RAW) - 1), RAW);
        } else {
            self.put(1, q as u32 + 1);
            self.put(v & ((1 << k) - 1), k);
        }
    }

    fn finish(mut self) -> Vec<u8> {
        let pad = (8 - self.n % 8) % 8;
        self.put(0, pad);
        self.put(0, 0);
        self.out
    }
}

/// Bits read most significant first.
struct BitReader<'a> {
    data: &'a [u8],
    at: usize,
}

impl BitReader<'_> {
    fn bit(&mut self) -> Option<u64> {
        let byte = *self.data.get(self.at / 8)?;
        let b = byte >> (7 - self.at % 8) & 1;
        self.at += 1;
        Some(u64::from(b))
    }

    fn bits(&mut self, n: u32) -> Option<u64> {
        (0..n).try_fold(0, |v, _| Some(v << 1 | self.bit()?))
    }

    fn rice(&mut self, k: u32) -> Option<u64> {
        if k > RAW {
            return None; // not written by pufa (at most 30)
        }
        let mut q = 0;
        while self.bit()? == 0 {
            q += 1;
            if q == ESCAPE {
                return self.bits(RAW);
            }
        }
        Some(q << k | self.bits(k)?)
    }
}

/// What coding `values` with parameter `k` takes, in bits.
fn cost(values: &[u64], k: u32) -> u64 {
    let each = |v: &u64| match v >> k {
        q if q >= ESCAPE => ESCAPE + u64::from(RAW),
        q => q + 1 + u64::from(k),
    };
    values.iter().map(each).sum()
}

/// The parameter that codes `values` in the fewest bits: from the bit length of their mean
/// downhill (the cost falls, then rises, as the parameter grows).
fn best_k(values: &[u64]) -> u32 {
    let Some(mean) = values.iter().sum::<u64>().checked_div(values.len() as u64) else {
        return 0;
    };
    let mut k = (64 - mean.leading_zeros()).min(30);
    let mut here = cost(values, k);
    while k > 0 {
        let lower = cost(values, k - 1);
        if lower > here {
            break;
        }
        (k, here) = (k - 1, lower);
    }
    while k < 30 {
        let higher = cost(values, k + 1);
        if higher >= here {
            break;
        }
        (k, here) = (k + 1, higher);
    }
    k
}

/// One entry's numbers, in the order they are coded.
#[derive(Default)]
struct Lists {
    gaps: Vec<u64>,
    packed: Vec<u64>,
    /// Each document's number of positions.
    counts: Vec<u64>,
    firsts: Vec<u64>,
    rests: Vec<u64>,
}

/// A pair shard as built (varints, see [`super::index`]) in its published form; `None` when
/// it is not a pair shard.
pub fn recode(shard: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(shard.len());
    let mut at = 0;
    let mut l = Lists::default();
    while at < shard.len() {
        let key = read_key(shard, &mut at)?;
        let count = read_varint(shard, &mut at)?;
        for list in [
            &mut l.gaps,
            &mut l.packed,
            &mut l.counts,
            &mut l.firsts,
            &mut l.rests,
        ] {
            list.clear();
        }
        for i in 0..count {
            let gap = read_varint(shard, &mut at)?;
            let packed = if gap & 1 == 1 {
                read_varint(shard, &mut at)?
            } else {
                4
            };
            l.gaps.push(if i == 0 {
                gap >> 1
            } else {
                (gap >> 1).checked_sub(1)?
            });
            let n = packed >> 2;
            l.packed.push((n.checked_sub(1)?) << 2 | packed & 3);
            l.counts.push(n);
            l.firsts.push(read_varint(shard, &mut at)?);
            for _ in 1..n {
                l.rests.push(read_varint(shard, &mut at)?.checked_sub(1)?);
            }
        }
        let k = [&l.gaps, &l.packed, &l.firsts, &l.rests].map(|v| best_k(v));
        let mut bits = BitWriter::default();
        for (g, p) in l.gaps.iter().zip(&l.packed) {
            bits.rice(*g, k[0]);
            bits.rice(*p, k[1]);
        }
        let mut rests = l.rests.iter();
        for (first, n) in l.firsts.iter().zip(&l.counts) {
            bits.rice(*first, k[2]);
            for r in rests.by_ref().take(*n as usize - 1) {
                bits.rice(*r, k[3]);
            }
        }
        let mut body = Vec::new();
        push_varint(&mut body, count);
        body.extend(k.map(|k| k as u8));
        body.extend(bits.finish());
        push_varint(&mut out, key.len() as u64);
        out.extend_from_slice(key);
        push_varint(&mut out, body.len() as u64);
        out.extend(body);
    }
    Some(out)
}

/// A published pair shard back as built: the inverse of [`recode`] (for tests and tools);
/// `None` when the bytes are not a published pair shard.
pub fn decode(published: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(published.len() * 2);
    let mut at = 0;
    while at < published.len() {
        let key = read_key(published, &mut at)?;
        let body_len = read_varint(published, &mut at)? as usize;
        let body = published.get(at..at + body_len)?;
        at += body_len;
        let mut b = 0;
        let count = read_varint(body, &mut b)?;
        let k: Vec<u32> = body.get(b..b + 4)?.iter().map(|&k| u32::from(k)).collect();
        let mut bits = BitReader {
            data: &body[b + 4..],
            at: 0,
        };
        let mut docs = Vec::new();
        for i in 0..count {
            let gap = bits.rice(k[0])? + u64::from(i > 0);
            docs.push((gap, bits.rice(k[1])?));
        }
        push_varint(&mut out, key.len() as u64);
        out.extend_from_slice(key);
        push_varint(&mut out, count);
        for (gap, p) in docs {
            let n = (p >> 2) + 1;
            push_doc(
                &mut out,
                u32::try_from(gap).ok()?,
                u32::try_from(n).ok()?,
                p & 2 != 0,
                p & 1 != 0,
            );
            push_varint(&mut out, bits.rice(k[2])?);
            for _ in 1..n {
                push_varint(&mut out, bits.rice(k[3])? + 1);
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shard_comes_back_byte_for_byte() {
        let mut shard = Vec::new();
        // Two tokens: 法律 in documents 0, 3 and 4000 (positions; one in the title, twice),
        // 律援 in document 7 only, at a far position (escaped with a small parameter).
        for (key, docs) in [
            (
                "法律",
                vec![
                    (0u32, vec![1u32, 2, 40]),
                    (3, vec![5]),
                    (4000, vec![0, 1_000_000]),
                ],
            ),
            ("律援", vec![(7, vec![3_000_000])]),
        ] {
            push_varint(&mut shard, key.len() as u64);
            shard.extend_from_slice(key.as_bytes());
            push_varint(&mut shard, docs.len() as u64);
            let mut last = 0;
            for (doc, pos) in docs {
                super::super::build::push_doc(
                    &mut shard,
                    doc - last,
                    pos.len() as u32,
                    false,
                    doc == 3,
                );
                last = doc;
                let mut p = 0;
                for q in pos {
                    push_varint(&mut shard, u64::from(q - p));
                    p = q;
                }
            }
        }
        let published = recode(&shard).unwrap();
        assert_eq!(decode(&published).unwrap(), shard);
        assert!(recode(&[5, b'x']).is_none(), "cut short");
        let odd_parameter = [2, b'a', b'b', 6, 1, 200, 0, 0, 0, 0x80];
        assert!(
            decode(&odd_parameter).is_none(),
            "a parameter pufa never writes"
        );
    }

    #[test]
    fn the_parameter_is_the_cheapest() {
        for values in [
            vec![],
            vec![0, 0, 1],
            vec![3, 9, 12, 7],
            vec![1000, 30, 5000],
            vec![1 << 35],
        ] {
            let k = best_k(&values);
            for other in 0..31 {
                assert!(
                    cost(&values, k) <= cost(&values, other),
                    "{values:?}: {k} against {other}"
                );
            }
        }
    }

    #[test]
    fn bits_are_written_most_significant_first_and_padded() {
        let mut w = BitWriter::default();
        w.rice(5, 1); // 5 >> 1 = 2: two zeros, a one, then 1
        w.rice(0, 0); // a one
        assert_eq!(w.finish(), vec![0b0011_1000]);
    }
}
