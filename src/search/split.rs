//! Search, split pairs: the postings of the most common pairs once more, cut by the unit
//! that follows each occurrence, as tokens of their own (`法律>援`: 法律 followed by 援).
//!
//! A query reads the cheapest tokens that fix all its units (`cover` in the default theme's
//! `src/search.js`, and [`super::index::Index::search`]). Without these, 法律援助 must read
//! all of 法律 (86 KB published on the 10,000-page corpus, its positions in some 6,000
//! documents) to fix the unit 法 before 律援; with them it reads `法律>援`, 31 KB, which
//! fixes 法, 律 and 援 at once. A pair's full list stays, for a query that ends with it (法律
//! alone, or …的法律).
//!
//! A split token's postings are found from the index itself, not from a second pass over
//! the documents: `T>c` is at `p` in a document exactly where `T` is at `p` and the pair of
//! `T`'s last unit and `c` is at `p + units(T) - 1`. Its flags (in the title, in the
//! heading) are those both lists have, as when a reader joins the two lists itself.

use rayon::prelude::*;

use super::build::{Acc, entry_len};
use super::index::{Postings, ShardKind, read_docs};
use crate::fingerprint::{FastMap, FastSet};

/// What stands between a split pair and the unit after it in a split token's name (never
/// in a unit, which is a Han character or a run of letters and digits).
pub const NEXT: char = '>';

/// A pair's text as its first and second unit (`离婚`, `第 1043`); `None` for a gap pair
/// (`典|第`) and a split token.
fn halves(token: &str) -> Option<(&str, &str)> {
    if token.contains(['|', NEXT]) {
        return None;
    }
    if let Some(halves) = token.split_once(' ') {
        return Some(halves);
    }
    let second = token.char_indices().nth(1)?.0;
    Some(token.split_at(second))
}

/// A pair or gap pair's last unit, and how many units it holds (3 for a gap pair, whose
/// middle unit is a separator).
fn last_unit(token: &str) -> (&str, u32) {
    if let Some((_, last)) = token.split_once('|') {
        return (last, 3);
    }
    match halves(token) {
        Some((_, last)) => (last, 2),
        None => (token, 2),
    }
}

/// The entries over `over` bytes (pairs and gap pairs, as they are in a shard) are split:
/// their split tokens are added to `entries`, and their names returned, sorted.
pub(super) fn split(entries: &mut Vec<(String, Acc)>, over: usize) -> Vec<String> {
    let mut split: Vec<usize> = (0..entries.len())
        .filter(|&i| !entries[i].0.contains(NEXT) && entry_len(&entries[i].0, &entries[i].1) > over)
        .collect();
    split.sort_by(|&a, &b| entries[a].0.cmp(&entries[b].0));
    if split.is_empty() {
        return Vec::new();
    }
    let wanted: FastSet<&str> = split.iter().map(|&i| last_unit(&entries[i].0).0).collect();
    // The pairs that start with a split pair's last unit, by that unit.
    let mut starting: FastMap<&str, Vec<(usize, &str)>> = FastMap::default();
    for (i, (token, _)) in entries.iter().enumerate() {
        if let Some((a, b)) = halves(token)
            && wanted.contains(a)
        {
            starting.entry(a).or_default().push((i, b));
        }
    }
    let all: &[(String, Acc)] = entries;
    let made: Vec<(String, Acc)> = split
        .par_iter()
        .flat_map_iter(|&t| {
            let (token, acc) = &all[t];
            let (last, units) = last_unit(token);
            let list = postings(acc);
            let next = starting.get(last).map(Vec::as_slice).unwrap_or_default();
            next.iter()
                .filter_map(|&(i, c)| {
                    let joined = join(&list, &postings(&all[i].1), units - 1)?;
                    Some((format!("{token}{NEXT}{c}"), joined))
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let names = split.iter().map(|&i| entries[i].0.clone()).collect();
    entries.extend(made);
    names
}

fn postings(acc: &Acc) -> Postings {
    let read = read_docs(&acc.bytes, &mut 0, acc.df as usize, ShardKind::Pairs, true);
    // (The bytes are the builder's own: they always read.)
    debug_assert!(read.is_some(), "postings as built that do not read");
    read.unwrap_or_default()
}

/// The occurrences of `first` at `p` where `then` is at `p + shift`, as postings; `None`
/// when there are none.
fn join(first: &Postings, then: &Postings, shift: u32) -> Option<Acc> {
    let mut acc = Acc::default();
    let mut kept = Vec::new();
    for (doc, packed, at) in then {
        let Ok(i) = first.binary_search_by_key(doc, |(d, _, _)| *d) else {
            continue;
        };
        let (_, first_packed, starts) = &first[i];
        kept.clear();
        kept.extend(
            starts
                .iter()
                .filter(|&&p| at.binary_search(&(p + shift)).is_ok()),
        );
        if kept.is_empty() {
            continue;
        }
        let flags = packed & first_packed;
        let (heading, title) = (flags & 2 != 0, flags & 1 != 0);
        acc.add(
            *doc,
            kept.len() as u32,
            heading,
            title,
            kept.iter().copied(),
        );
    }
    (acc.df > 0).then_some(acc)
}

#[cfg(test)]
mod tests {
    use super::super::build::{Doc, Settings, build};
    use super::super::index::{ShardKind, read_key, read_varint};
    use super::super::tokens::{Unit, push_pair, units};
    use super::*;

    #[test]
    fn units_of_pairs() {
        assert_eq!(halves("离婚"), Some(("离", "婚")));
        assert_eq!(halves("第 1043"), Some(("第", "1043")));
        assert_eq!(halves("𠀀礼"), Some(("𠀀", "礼")));
        assert_eq!(halves("典|第"), None);
        assert_eq!(halves("法律>援"), None);
        assert_eq!(last_unit("离婚"), ("婚", 2));
        assert_eq!(last_unit("法|1043"), ("1043", 3));
        assert_eq!(last_unit("pm 2"), ("2", 2));
    }

    /// Every split token's postings are the occurrences of its pair followed by its unit,
    /// found by reading each document's units.
    #[test]
    fn split_tokens_hold_what_the_texts_hold() {
        let texts = [
            "家庭应当树立优良家风，弘扬家庭美德，重视家庭文明建设。",
            "《家庭》第1043条：家庭成员应当敬老爱幼。",
            "婚姻家庭受国家保护。家庭，家庭1043。",
            "家",
        ];
        let docs: Vec<Doc> = texts
            .iter()
            .enumerate()
            .map(|(i, body)| Doc {
                title: if i == 2 { "家庭成员" } else { "" },
                heading: "",
                body,
            })
            .collect();
        let settings = Settings {
            split_bytes: 0,
            ..Settings::default()
        };
        let index = build(&docs, settings);
        assert!(index.pairs.split.iter().any(|t| t == "家庭"));
        assert!(index.pairs.split.iter().any(|t| t == "庭|第"));
        assert!(index.pairs.split.windows(2).all(|w| w[0] < w[1]));
        let all: Vec<Vec<Unit>> = docs.iter().map(|d| units(&d.text())).collect();
        let mut checked = Vec::new();
        for token in &index.pairs.split {
            let (_, n) = last_unit(token);
            // Each unit that follows the pair somewhere, and where.
            let mut want: std::collections::BTreeMap<String, Vec<(u32, Vec<u32>)>> =
                Default::default();
            for (d, u) in all.iter().enumerate() {
                let mut by_next: std::collections::BTreeMap<String, Vec<u32>> = Default::default();
                for p in 0..u.len() {
                    let Some(next) = u.get(p + n as usize).filter(|x| **x != Unit::Sep) else {
                        continue;
                    };
                    let mut key = String::new();
                    match &u[p..p + n as usize] {
                        [a, b] if *a != Unit::Sep && *b != Unit::Sep => {
                            push_pair(&mut key, a, b, false)
                        }
                        [a, Unit::Sep, b] if *a != Unit::Sep => push_pair(&mut key, a, b, true),
                        _ => continue,
                    }
                    if key == *token {
                        by_next
                            .entry(next.text().into_owned())
                            .or_default()
                            .push(p as u32);
                    }
                }
                for (next, at) in by_next {
                    want.entry(next).or_default().push((d as u32, at));
                }
            }
            for (next, docs) in want {
                let got: Vec<(u32, Vec<u32>)> = index
                    .postings(ShardKind::Pairs, &format!("{token}{NEXT}{next}"))
                    .into_iter()
                    .map(|(d, _, p)| (d, p))
                    .collect();
                assert_eq!(got, docs, "{token}{NEXT}{next}");
                checked.push(format!("{token}{NEXT}{next}"));
            }
        }
        assert!(checked.len() >= 20, "{} split tokens", checked.len());
        // And the index holds no other split token.
        let mut held: Vec<String> = Vec::new();
        let files = index.pairs.shards.iter().map(|(_, d)| d);
        for data in files.chain(index.pairs.big.iter().map(|(_, d)| d)) {
            let mut at = 0;
            while at < data.len() {
                let key = read_key(data, &mut at).unwrap();
                let count = read_varint(data, &mut at).unwrap() as usize;
                read_docs(data, &mut at, count, ShardKind::Pairs, false).unwrap();
                held.extend(
                    Some(String::from_utf8_lossy(key).into_owned()).filter(|k| k.contains(NEXT)),
                );
            }
        }
        held.sort();
        checked.sort();
        assert_eq!(held, checked);
        let in_title = index.postings(ShardKind::Pairs, "家庭>成");
        assert_eq!(
            in_title.iter().map(|x| x.1 & 1).collect::<Vec<_>>(),
            vec![0, 1]
        );
    }
}
