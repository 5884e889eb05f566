//! Search, tokens: the one tokenisation the index (here, in Rust) and the query (the default
//! theme's `js/search.js`, written to the same steps) both use, so that a query finds a text
//! exactly when the text contains it. `tests/fixtures/search/tokens.json` pins both.
//!
//! 1. **Normalise**: NFKC (full-width letters, digits and punctuation become half-width, the
//!    ideographic space a space), then lower case.
//! 2. **Units**: every Han character is a unit of its own; a run of other letters and digits
//!    (Latin, Cyrillic, kana…) is one unit, a word; a run of anything else (spaces,
//!    punctuation, symbols) is one separator. Separators at either end are dropped.
//! 3. **Tokens**: every unit that is not a separator is a *term* (a single character or a
//!    word, for one-unit queries); every two neighbouring units that are not separators make
//!    a *pair* at the position of the first (written `离婚` for two Han characters, else the
//!    two joined by a space: `第 1043`), and every two units with a separator between them
//!    a *gap pair* at the position of the first (written with `|` between them: `典|第`,
//!    `2|5`). A separator keeps its position, so a gap pair holds three units.
//!
//! A query of two or more units matches a text where its pairs and gap pairs are at the
//! same distances from one another as in the query, which is exactly where the text's units
//! contain the query's units in a row: substring search on Chinese, whole words on Latin
//! letters and digits (`1043` does not match `10430`), and a phrase crosses punctuation only
//! where the query has punctuation too. (A query never starts or ends with a separator, so
//! every unit of it is in one of its pairs or gap pairs.)

use unicode_normalization::UnicodeNormalization;

/// One unit of normalised text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    Han(char),
    Word(String),
    Sep,
}

impl Unit {
    /// How the unit is written in a token (a separator as nothing).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Unit::Han(c) => c.to_string().into(),
            Unit::Word(w) => w.as_str().into(),
            Unit::Sep => "".into(),
        }
    }
}

/// The tokens of a text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tokens {
    /// Each unit that is not a separator, in order.
    pub terms: Vec<String>,
    /// Each pair and gap pair with the position of its first unit.
    pub pairs: Vec<(String, u32)>,
}

/// Code point ranges counted as Han (the same table is in `js/search.js`): iteration and
/// ideographic marks (々 〇 〡–〩 〸–〻), the unified ideographs with extension A, the
/// compatibility ideographs, and the supplementary ideographic planes (extensions B to I).
const HAN: [(u32, u32); 8] = [
    (0x3005, 0x3005),
    (0x3007, 0x3007),
    (0x3021, 0x3029),
    (0x3038, 0x303B),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x323AF),
];

pub fn is_han(c: char) -> bool {
    let c = c as u32;
    // The common case first: the unified ideographs.
    (0x4E00..=0x9FFF).contains(&c)
        || (c >= 0x3005 && HAN.iter().any(|&(a, b)| (a..=b).contains(&c)))
}

/// Step 1: NFKC, then lower case.
pub fn normalise(text: &str) -> String {
    if let Some(quick) = quick_normalise(text) {
        return quick;
    }
    let composed: String = text.nfkc().collect();
    composed.to_lowercase()
}

/// [`normalise`] for text made only of characters whose NFKC and lower case are known
/// without tables (most Chinese text): ASCII (lower-cased), the unified ideographs with
/// extension A and common Chinese punctuation (unchanged: none of them compose or
/// decompose), the full-width forms of ASCII (U+FF01 to U+FF5E, whose NFKC is the
/// ASCII character U+FEE0 below), the ideographic and typographic spaces (a space) and the
/// ellipsis (`...`). `None` for any other text.
fn quick_normalise(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let n = c as u32;
        match n {
            0..=0x7f => out.push(c.to_ascii_lowercase()),
            0xff01..=0xff5e => out.push(char::from((n - 0xfee0) as u8).to_ascii_lowercase()),
            // The ideographic space and the typographic spaces are a space; the ellipsis
            // three full stops.
            0x3000 | 0x2000..=0x200a => out.push(' '),
            0x2026 => out.push_str("..."),
            0x3400..=0x4dbf
            | 0x4e00..=0x9fff
            | 0x3001
            | 0x3002
            | 0x3008..=0x3011
            | 0x3014..=0x301f
            | 0x2013
            | 0x2014
            | 0x2018
            | 0x2019
            | 0x201c
            | 0x201d
            | 0xb7 => out.push(c),
            _ => return None,
        }
    }
    Some(out)
}

/// Step 2: the units of `text` (normalised here): each Han character; each run of other
/// letters and digits (Unicode Alphabetic or Numeric: `\p{Alphabetic}` or `\p{N}` in
/// JavaScript) as one word; each run of anything else as one separator, none at the ends.
pub fn units(text: &str) -> Vec<Unit> {
    let text = normalise(text);
    let mut out: Vec<Unit> = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        let han = is_han(c);
        if !han && c.is_alphanumeric() {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            out.push(Unit::Word(std::mem::take(&mut word)));
        }
        if han {
            out.push(Unit::Han(c));
        } else if !matches!(out.last(), Some(Unit::Sep) | None) {
            out.push(Unit::Sep);
        }
    }
    if !word.is_empty() {
        out.push(Unit::Word(word));
    }
    if out.last() == Some(&Unit::Sep) {
        out.pop();
    }
    out
}

/// How two neighbouring units (neither a separator) are written as one pair token (or, with
/// `gap`, two units with a separator between them as a gap pair), pushed onto `out`.
pub fn push_pair(out: &mut String, a: &Unit, b: &Unit, gap: bool) {
    let push = |out: &mut String, u: &Unit| match u {
        Unit::Han(c) => out.push(*c),
        Unit::Word(w) => out.push_str(w),
        Unit::Sep => {}
    };
    push(out, a);
    if gap {
        out.push('|');
    } else if !matches!((a, b), (Unit::Han(_), Unit::Han(_))) {
        out.push(' ');
    }
    push(out, b);
}

/// The pairs and gap pairs of `units`, each with the position of its first unit and
/// whether it is a gap pair, in order of position.
pub fn pair_tokens(units: &[Unit]) -> impl Iterator<Item = (&Unit, &Unit, u32, bool)> {
    units.iter().enumerate().filter_map(|(i, a)| {
        if *a == Unit::Sep {
            return None;
        }
        match (units.get(i + 1), units.get(i + 2)) {
            (Some(Unit::Sep), Some(b)) => Some((a, b, i as u32, true)),
            (Some(b), _) if *b != Unit::Sep => Some((a, b, i as u32, false)),
            _ => None,
        }
    })
}

/// Step 3: the terms and pairs (with gap pairs) of `text`.
pub fn tokens(text: &str) -> Tokens {
    let units = units(text);
    let terms = units
        .iter()
        .filter(|u| **u != Unit::Sep)
        .map(|u| u.text().into_owned())
        .collect();
    let pairs = pair_tokens(&units)
        .map(|(a, b, at, gap)| {
            let mut key = String::new();
            push_pair(&mut key, a, b, gap);
            (key, at)
        })
        .collect();
    Tokens { terms, pairs }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quick_normalisation_is_nfkc_and_lower_case() {
        let slow = |t: &str| t.nfkc().collect::<String>().to_lowercase();
        let mut known = 0;
        for n in (0..0x1_0000).chain(0x2_0000..0x2_0100) {
            let Some(c) = char::from_u32(n) else { continue };
            let t = format!("A{c}b");
            if let Some(q) = quick_normalise(&t) {
                assert_eq!(q, slow(&t), "U+{n:04X}");
                known += 1;
            }
        }
        assert!(known > 27_000, "{known}");
        let t = "《民法典》第１０４３条：ＰＭ２．５、“彩礼”——Ａｂ";
        assert_eq!(normalise(t), slow(t));
        assert_eq!(quick_normalise("é"), None);
        assert_eq!(normalise("Ｅ\u{301}"), "é");
    }

    /// The shared vectors: each text with its terms and pairs.
    #[test]
    fn the_shared_vectors_hold() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/search/tokens.json"
        );
        let text = std::fs::read_to_string(path).unwrap();
        let cases: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
        if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
            // Written again from this tokeniser (read the diff: the browser's is checked
            // against the file in tests/search_tokens.rs).
            #[derive(serde::Serialize)]
            struct Case<'a> {
                text: &'a str,
                terms: Vec<String>,
                pairs: Vec<(String, u32)>,
            }
            let cases: Vec<Case> = cases
                .iter()
                .map(|c| {
                    let text = c["text"].as_str().unwrap();
                    let got = tokens(text);
                    Case {
                        text,
                        terms: got.terms,
                        pairs: got.pairs,
                    }
                })
                .collect();
            let mut out = Vec::new();
            let fmt = serde_json::ser::PrettyFormatter::with_indent(b" ");
            let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
            serde::Serialize::serialize(&cases, &mut ser).unwrap();
            out.push(b'\n');
            std::fs::write(path, out).unwrap();
        }
        assert!(cases.len() >= 30, "{} vectors", cases.len());
        for case in cases {
            let input = case["text"].as_str().unwrap();
            let want_terms: Vec<String> = serde_json::from_value(case["terms"].clone()).unwrap();
            let want_pairs: Vec<(String, u32)> =
                serde_json::from_value(case["pairs"].clone()).unwrap();
            let got = tokens(input);
            assert_eq!(got.terms, want_terms, "terms of {input:?}");
            assert_eq!(got.pairs, want_pairs, "pairs of {input:?}");
        }
    }

    #[test]
    fn units_follow_the_rules() {
        use Unit::*;
        assert_eq!(
            units("《民法典》第1043条"),
            vec![
                Han('民'),
                Han('法'),
                Han('典'),
                Sep,
                Han('第'),
                Word("1043".into()),
                Han('条')
            ]
        );
        assert_eq!(units("ＡＢＣ１２３"), vec![Word("abc123".into())]);
        assert_eq!(units("，。  "), vec![]);
        assert_eq!(units("\u{3000}彩礼\u{3000}"), vec![Han('彩'), Han('礼')]);
        assert_eq!(units("𠀀𠀁"), vec![Han('𠀀'), Han('𠀁')], "extension B");
    }
}
