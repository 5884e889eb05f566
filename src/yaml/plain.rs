//! Parse step: the plain kind of front matter most files have, read without the YAML
//! parser. A block of `key: value` lines whose values are double-quoted strings without
//! escapes, lists of such strings in brackets, dates, whole numbers, `true`/`false`, or
//! unquoted text with a Chinese character in it (which YAML can only read as text) is turned
//! straight into a map. Anything else — indentation, block lists, single quotes,
//! backslashes, comments after a value, `yes`/`no`, an empty value, a repeated key — gives
//! `None`, and the caller hands the block to the YAML parser, which also words every error.
//! On what it accepts, the result equals the YAML parser's (a test compares the two on
//! thousands of generated blocks). On the benchmark corpus, libyaml and serde spend about
//! 200 instructions on each byte of front matter; this path, about 45.

use serde_json::{Map, Value};

/// The block as a map, when every line is in the plain form described above.
pub fn parse(yaml: &str) -> Option<Map<String, Value>> {
    let mut map = Map::new();
    for line in yaml.split('\n') {
        let line = line.trim_end_matches([' ', '\r']);
        if line.is_empty() {
            continue;
        }
        if line.starts_with('#') {
            // A comment, unless it holds a character that ends a line for YAML (LS, PS)
            // or that YAML refuses: then it is YAML's to read.
            if !line.chars().all(is_plain_char) {
                return None;
            }
            continue;
        }
        let (key, value) = line.split_once(':')?;
        if !is_key(key) {
            return None;
        }
        // `key: value`: at least one space after the colon.
        let value = value.strip_prefix(' ')?.trim_start_matches(' ');
        let value = parse_value(value)?;
        if map.insert(key.to_string(), value).is_some() {
            // A repeated key is an error for the YAML parser to explain.
            return None;
        }
    }
    // A block of comments is not a map to YAML.
    (!map.is_empty()).then_some(map)
}

/// `title`, `cover_alt`, `key_points`… but not a word YAML 1.1 reads as a boolean or null.
fn is_key(k: &str) -> bool {
    let mut bytes = k.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b == b'_')
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !matches!(
            k,
            "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null"
        )
}

fn parse_value(v: &str) -> Option<Value> {
    match v.as_bytes().first()? {
        b'"' => {
            let (s, rest) = quoted(v)?;
            rest.is_empty().then(|| Value::String(s.to_string()))
        }
        b'[' => list(v),
        _ => scalar(v),
    }
}

/// A double-quoted string without escapes at the start of `v`, and what follows it.
fn quoted(v: &str) -> Option<(&str, &str)> {
    let inner = v.strip_prefix('"')?;
    let end = inner.find(['"', '\\'])?;
    if inner.as_bytes()[end] != b'"' {
        return None;
    }
    let s = &inner[..end];
    s.chars()
        .all(is_plain_char)
        .then_some((s, &inner[end + 1..]))
}

/// `["a", "b"]`: double-quoted strings only.
fn list(v: &str) -> Option<Value> {
    let mut rest = v.strip_prefix('[')?.trim_start_matches(' ');
    let mut items = Vec::new();
    if let Some(after) = rest.strip_prefix(']') {
        return after.is_empty().then_some(Value::Array(items));
    }
    loop {
        let (s, after) = quoted(rest)?;
        items.push(Value::String(s.to_string()));
        let after = after.trim_start_matches(' ');
        if let Some(after) = after.strip_prefix(',') {
            rest = after.trim_start_matches(' ');
        } else {
            let after = after.strip_prefix(']')?;
            return after.is_empty().then_some(Value::Array(items));
        }
    }
}

/// An unquoted value: a date or date and time, a whole number, `true`/`false`, or text with
/// a character outside ASCII and none of YAML's punctuation.
fn scalar(v: &str) -> Option<Value> {
    match v {
        "true" => return Some(Value::Bool(true)),
        "false" => return Some(Value::Bool(false)),
        _ => {}
    }
    let b = v.as_bytes();
    if b.iter().all(u8::is_ascii_digit) {
        // No leading zeros (YAML 1.1 reads 017 as octal) and nothing that could overflow.
        if b.len() > 18 || (b.len() > 1 && b[0] == b'0') {
            return None;
        }
        return v.parse::<u64>().ok().map(Value::from);
    }
    if is_date(b) {
        return Some(Value::String(v.to_string()));
    }
    // Text. A character outside ASCII means YAML cannot read it as a number, a boolean or
    // null; ASCII punctuation could be syntax (`#`, `: `, `&`, `*`, `!`, `|`…), so any is
    // left to the YAML parser, as are a leading `-`, `?`, `.`, `~`, `<` and `=`.
    let first = b[0];
    if v.is_ascii()
        || matches!(first, b'-' | b'?' | b'.' | b'~' | b'<' | b'=' | b'+')
        || b.iter().any(|&c| {
            c.is_ascii_punctuation() && !matches!(c, b'-' | b'.' | b'/' | b'(' | b')' | b'_')
        })
        || !v.chars().all(is_plain_char)
    {
        return None;
    }
    Some(Value::String(v.to_string()))
}

/// `2024-12-04`, optionally with ` 09:00`, `T09:00:00`, and `Z` or `+08:00`.
fn is_date(b: &[u8]) -> bool {
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    if b.len() < 10
        || !(digits(&b[0..4])
            && at(4, b'-')
            && digits(&b[5..7])
            && at(7, b'-')
            && digits(&b[8..10]))
    {
        return false;
    }
    let mut rest = &b[10..];
    if rest.is_empty() {
        return true;
    }
    // Time: [ T]hh:mm(:ss)?
    if !(rest[0] == b' ' || rest[0] == b'T') || rest.len() < 6 {
        return false;
    }
    let t = &rest[1..];
    if !(digits(&t[0..2]) && t[2] == b':' && digits(&t[3..5])) {
        return false;
    }
    rest = &t[5..];
    if rest.len() >= 3 && rest[0] == b':' && digits(&rest[1..3]) {
        rest = &rest[3..];
    }
    match rest {
        [] | [b'Z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit()),
        _ => false,
    }
}

/// A character YAML keeps as it is inside a one-line scalar: no control characters (YAML
/// rejects some and treats NEL, LS and PS as line breaks), no byte order mark, no tab, no
/// non-characters.
fn is_plain_char(c: char) -> bool {
    !(c.is_control()
        || matches!(
            c,
            '\u{FEFF}' | '\u{2028}' | '\u{2029}' | '\u{FFFE}' | '\u{FFFF}'
        ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Option<Value> {
        serde_yaml::from_str::<Value>(text).ok()
    }

    #[test]
    fn reads_the_plain_form() {
        let m = parse(
            "title: \"第二课　电信治理\"\ndate: 2022-12-15\ntags: [\"反电信诈骗\", \"行政处罚\"]\norder: 2\ndraft: false\nseries: 反诈防骗小课堂\nstart: 2020-08-22T08:00:00+08:00\nend: 2024-12-04 09:30\n\n# a comment\nlaws: []\n",
        )
        .unwrap();
        assert_eq!(m["title"], "第二课　电信治理");
        assert_eq!(m["date"], "2022-12-15");
        assert_eq!(m["tags"], serde_json::json!(["反电信诈骗", "行政处罚"]));
        assert_eq!(m["order"], 2);
        assert_eq!(m["draft"], false);
        assert_eq!(m["series"], "反诈防骗小课堂");
        assert_eq!(m["end"], "2024-12-04 09:30");
        assert_eq!(m["laws"], serde_json::json!([]));
    }

    #[test]
    fn leaves_everything_else_to_the_yaml_parser() {
        for text in [
            "title: 'single'",
            "title: \"a\\\"b\"",
            "title: \"unclosed",
            "title: \"a\" # comment",
            "title:",
            "title:x",
            "draft: yes",
            "draft: True",
            "order: 007",
            "order: 1e3",
            "order: 0x1F",
            "order: -3",
            "time: 12:30",
            "title: 普法 #1",
            "title: 民法典: 总则",
            "title: - 列表",
            "title: ~",
            "title: null",
            "tags:\n  - a\n  - b",
            "extra:\n  key: 1",
            "  title: \"indented\"",
            "title: \"a\"\ntitle: \"b\"",
            "Title: \"upper\"",
            "tags: [a, b]",
            "tags: [\"a\", b]",
            "tags: [\"a\",]",
            "title: \"tab\there\"",
            "title: 中文\u{85}换行",
            "date: 2024-12-04 9:00",
            "on: \"key\"",
            "# only a comment",
            "title: \"\u{FFFE}\"",
            "# 注释\u{2028}draft: true\ntitle: \"x\"",
            "# a\u{FFFE}\ntitle: \"x\"",
        ] {
            assert!(parse(text).is_none(), "{text:?} should be left to YAML");
        }
    }

    /// Whatever this reads, the YAML parser reads the same: generated blocks of lines made
    /// from tricky pieces.
    #[test]
    fn agrees_with_the_yaml_parser() {
        let keys = ["title", "tags", "order", "draft", "date", "a_b", "x1"];
        let values = [
            "\"普法\"",
            "\"\"",
            "\"a: b # c\"",
            "\"'single' inside\"",
            "\"[not a list]\"",
            "\"  spaced  \"",
            "[\"甲\", \"乙\"]",
            "[ \"甲\" ,\"乙\" ]",
            "[]",
            "[ ]",
            "2024-12-04",
            "2024-12-04 09:00",
            "2024-12-04T09:00:00+08:00",
            "2024-12-04T09:00:00Z",
            "2024-13-45",
            "2024-12-04T09:00:00+0800",
            "0",
            "7",
            "42",
            "123456789012345678",
            "1234567890123456789",
            "true",
            "false",
            "TRUE",
            "no",
            "null",
            "~",
            "民法典进农家",
            "第一课 宪法（一）",
            "法治-课堂/2024",
            "1.5",
            "-1",
            "+1",
            ".inf",
            "中文 # 注释",
            "中文: 冒号",
            "中文：全角冒号",
            "&锚",
            "*别名",
            "!标签 中文",
            "|",
            ">",
            "'中文'",
            "\"中文\" 尾巴",
            "中文\t制表",
            "中文\\反斜杠",
            "%中文",
            "@中文",
            "`中文`",
            "{中文}",
            "中文,逗号",
        ];
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let mut accepted = 0;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..1 + next(4) {
                let key = keys[next(keys.len())];
                let value = values[next(values.len())];
                let sep = [": ", ":  ", ": ", ":"][next(4)];
                let end = ["", " ", "\n"][next(3)];
                text.push_str(&format!("{key}{sep}{value}{end}\n"));
            }
            if let Some(map) = parse(&text) {
                accepted += 1;
                assert_eq!(
                    Some(Value::Object(map)),
                    yaml(&text),
                    "the YAML parser reads {text:?} differently"
                );
            }
        }
        assert!(accepted > 1000, "only {accepted} accepted");
    }
}
