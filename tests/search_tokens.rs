//! Issue 13: the search tokeniser is the same in Rust (the index) and in the browser (the
//! query, the default theme's `js/search.js`): the shared vectors hold in headless Chromium,
//! and the two give the same tokens on 10,000 random strings cut from the statute library,
//! with CJK extension B characters, full-width forms, Latin words, digits, punctuation,
//! emoji and combining marks mixed in.

mod common;

use std::path::Path;

use common::browser::Browser;
use common::repo;
use serde_json::{Value, json};

/// A small seeded generator (xorshift64*), so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The text of every statute file in the demo site.
fn statute_chars() -> Vec<char> {
    let mut text = String::new();
    for e in walkdir::WalkDir::new(repo().join("content/laws")) {
        let e = e.unwrap();
        if e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md") {
            text.push_str(&std::fs::read_to_string(e.path()).unwrap());
        }
    }
    assert!(
        text.chars().count() > 100_000,
        "the statute library is there"
    );
    text.chars().collect()
}

/// Characters mixed into the cut text: what readers type and what the corpus holds.
fn extra(rng: &mut Rng) -> char {
    let pick = |rng: &mut Rng, lo: u32, hi: u32| {
        char::from_u32(lo + (rng.next() % u64::from(hi - lo + 1)) as u32).unwrap()
    };
    match rng.below(10) {
        0 => pick(rng, 0x20000, 0x2A6DF), // CJK extension B
        1 => pick(rng, 0xFF01, 0xFF5E),   // full-width ASCII
        2 => ['\u{3000}', ' ', '\t', '\n', '　'][rng.below(5)],
        3 => pick(rng, 0x41, 0x5A), // A–Z
        4 => pick(rng, 0x61, 0x7A), // a–z
        5 => pick(rng, 0x30, 0x39), // 0–9
        6 => ['，', '。', '；', '：', '、', '《', '》', '-', '.', '/'][rng.below(10)],
        7 => pick(rng, 0x1F600, 0x1F64F), // emoji
        8 => ['\u{301}', '\u{308}', 'é', 'ß', 'İ', 'Σ', 'ｶ', 'ﾞ', '①', 'Ⅻ'][rng.below(10)],
        _ => pick(rng, 0x3040, 0x30FF), // kana
    }
}

/// `count` strings: pieces of 1–40 characters of the statutes with extra characters mixed in.
fn random_strings(count: usize, seed: u64) -> Vec<String> {
    let corpus = statute_chars();
    let mut rng = Rng(seed);
    (0..count)
        .map(|_| {
            let len = 1 + rng.below(40);
            let start = rng.below(corpus.len() - len);
            let mut s: Vec<char> = corpus[start..start + len].to_vec();
            for _ in 0..rng.below(6) {
                let at = rng.below(s.len() + 1);
                s.insert(at, extra(&mut rng));
            }
            s.into_iter().collect()
        })
        .collect()
}

fn load_tokeniser(b: &mut Browser) {
    b.open("data:text/html,<meta charset=utf-8><title>search tokens</title>");
    let source =
        std::fs::read_to_string(repo().join("themes/default/static/js/search.js")).unwrap();
    b.eval(&source);
    assert_eq!(
        b.eval("typeof window.pufaSearch.tokens"),
        json!("function"),
        "js/search.js defines pufaSearch.tokens"
    );
}

/// Tokens of each string in the browser, as JSON values `{terms, pairs}`.
fn browser_tokens(b: &mut Browser, texts: &[String]) -> Vec<Value> {
    let arg = serde_json::to_string(texts).unwrap();
    let got = b.eval(&format!(
        "JSON.stringify({arg}.map(t => window.pufaSearch.tokens(t)))"
    ));
    serde_json::from_str(got.as_str().expect("a JSON string from the page")).unwrap()
}

fn rust_tokens(text: &str) -> Value {
    let t = pufa::search::tokens::tokens(text);
    json!({ "terms": t.terms, "pairs": t.pairs })
}

#[test]
fn the_browser_tokenises_as_pufa_does() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    load_tokeniser(&mut b);

    let vectors: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(Path::new(&repo()).join("tests/fixtures/search/tokens.json"))
            .unwrap(),
    )
    .unwrap();
    let texts: Vec<String> = vectors
        .iter()
        .map(|v| v["text"].as_str().unwrap().to_string())
        .collect();
    let got = browser_tokens(&mut b, &texts);
    for (v, g) in vectors.iter().zip(&got) {
        assert_eq!(
            g["terms"], v["terms"],
            "terms of {:?} in Chromium",
            v["text"]
        );
        assert_eq!(
            g["pairs"], v["pairs"],
            "pairs of {:?} in Chromium",
            v["text"]
        );
    }

    let texts = random_strings(10_000, 0x5eed_0013);
    let mut extension_b = 0;
    let mut full_width = 0;
    for t in &texts {
        extension_b += t.chars().any(|c| ('\u{20000}'..='\u{2A6DF}').contains(&c)) as usize;
        full_width += t.chars().any(|c| ('\u{FF01}'..='\u{FF5E}').contains(&c)) as usize;
    }
    assert!(
        extension_b > 500 && full_width > 500,
        "{extension_b} {full_width}"
    );
    let mut differ = Vec::new();
    for chunk in texts.chunks(2_000) {
        let got = browser_tokens(&mut b, chunk);
        for (t, g) in chunk.iter().zip(got) {
            if g != rust_tokens(t) {
                differ.push(t.clone());
            }
        }
    }
    assert!(
        differ.is_empty(),
        "{} of 10,000 strings tokenise differently, e.g. {:?}",
        differ.len(),
        &differ[..differ.len().min(5)]
    );
}

/// The reader's choice of pairs for a phrase (`cover` in `search.js`): for 2,000 random
/// phrases of 2 to 12 units, some of them separators, with random costs for their pairs and
/// gap pairs, the chosen pairs fix every unit (together they hold each unit of the phrase,
/// so that pairs at p plus their positions give every unit) and cost no more than the
/// cheapest such choice found by trying every subset.
#[test]
fn the_reader_reads_the_cheapest_pairs_that_fix_every_unit() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    load_tokeniser(&mut b);
    let mut rng = Rng(0x5eed_c0de);
    let weights = [1u64, 2, 3, 4, 20, 40, 64, 130];
    // Each phrase as its pairs: [first unit, units held, cost], and its unit count.
    let mut phrases: Vec<(Vec<[u64; 3]>, u64)> = Vec::new();
    while phrases.len() < 2000 {
        let n = 2 + rng.below(11);
        // A separator is never first, last or beside another.
        let mut sep = vec![false; n];
        for i in 1..n - 1 {
            sep[i] = !sep[i - 1] && rng.below(4) == 0;
        }
        let mut pairs = Vec::new();
        for i in 0..n - 1 {
            if sep[i] {
                continue;
            }
            let held = if sep[i + 1] { 3 } else { 2 };
            pairs.push([i as u64, held, weights[rng.below(weights.len())]]);
        }
        phrases.push((pairs, n as u64));
    }
    let arg = serde_json::to_string(&phrases.iter().map(|p| &p.0).collect::<Vec<_>>()).unwrap();
    let got = b.eval(&format!(
        "JSON.stringify({arg}.map(p => window.pufaSearch.cover(p)))"
    ));
    let chosen: Vec<Vec<usize>> = serde_json::from_str(got.as_str().unwrap()).unwrap();
    let fixes_every_unit = |pairs: &[[u64; 3]], pick: &[usize], n: u64| {
        let mut held = vec![false; n as usize];
        for &i in pick {
            let [at, len, _] = pairs[i];
            for u in at..at + len {
                held[u as usize] = true;
            }
        }
        pick.windows(2).all(|w| w[0] < w[1]) && held.iter().all(|&h| h)
    };
    for ((pairs, n), pick) in phrases.iter().zip(&chosen) {
        assert!(fixes_every_unit(pairs, pick, *n), "{pairs:?}: {pick:?}");
        let cost = |p: &[usize]| p.iter().map(|&i| pairs[i][2]).sum::<u64>();
        let m = pairs.len();
        let best = (1u32..1 << m)
            .map(|set| (0..m).filter(|i| set >> i & 1 == 1).collect::<Vec<_>>())
            .filter(|p| fixes_every_unit(pairs, p, *n))
            .map(|p| cost(&p))
            .min()
            .unwrap();
        assert_eq!(cost(pick), best, "{pairs:?}: {pick:?}");
    }
}
