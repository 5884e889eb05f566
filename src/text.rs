//! Chinese-aware text helpers used by the parse and link steps: character counts and reading
//! time, summaries cut at sentence ends, slugs and heading ids that keep Chinese, and URL
//! percent-encoding. All pure functions on strings.

/// Characters per minute for silent reading of Chinese (about 400; sources cited in
/// getzola/zola#3145 give 439).
pub const CHARS_PER_MINUTE: usize = 400;

/// Is `c` a CJK character that a reader reads one at a time (Han, kana, hangul, CJK and
/// full-width punctuation)?
pub fn is_cjk(c: char) -> bool {
    let c = c as u32;
    // Most characters of a Chinese text are Han (U+4E00–U+9FFF): one test for them.
    if c.wrapping_sub(0x4E00) <= 0x9FFF - 0x4E00 {
        return true;
    }
    c >= 0x3000
        && matches!(c,
            0x3000..=0x303F | 0x3040..=0x30FF | 0x3400..=0x4DBF | 0xAC00..=0xD7AF
            | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x3134F)
}

/// Length of a text as a Chinese reader counts it: every CJK character counts one, and every
/// run of other letters or digits (an English word, a number) counts one.
pub fn count_chars(text: &str) -> usize {
    let b = text.as_bytes();
    let mut n = 0;
    let mut in_word = false;
    let mut i = 0;
    while let Some(&lead) = b.get(i) {
        if lead < 0x80 {
            // Most of a Chinese text's ASCII is punctuation, digits and spaces.
            if lead.is_ascii_alphanumeric() {
                n += usize::from(!in_word);
                in_word = true;
            } else {
                in_word = false;
            }
            i += 1;
        } else if lead_is_cjk(lead, b.get(i + 1).copied().unwrap_or(0)) {
            // Most characters of a Chinese text, counted without decoding them.
            n += 1;
            in_word = false;
            i += 3;
        } else {
            let Some(c) = text.get(i..).and_then(|t| t.chars().next()) else {
                break;
            };
            count_char(c, &mut n, &mut in_word);
            i += c.len_utf8();
        }
    }
    n
}

/// The counting rule for one character: a CJK character counts one; a letter or digit
/// counts one when it starts a word.
fn count_char(c: char, n: &mut usize, in_word: &mut bool) {
    if is_cjk(c) {
        *n += 1;
        *in_word = false;
    } else if c.is_alphanumeric() {
        *n += usize::from(!*in_word);
        *in_word = true;
    } else {
        *in_word = false;
    }
}

/// Does a three-byte character starting with `lead`, `second` lie in a range [`is_cjk`]
/// counts whole: U+4E00–U+9FFF (Han), U+3000–U+30FF (CJK punctuation, kana),
/// U+FF00–U+FFBF (full-width forms).
fn lead_is_cjk(lead: u8, second: u8) -> bool {
    match lead {
        0xE5..=0xE9 => true,
        0xE4 => second >= 0xB8,
        0xE3 => (0x80..=0x83).contains(&second),
        0xEF => (0xBC..=0xBE).contains(&second),
        _ => false,
    }
}

/// Minutes to read `chars` characters, at least one.
pub fn reading_minutes(chars: usize) -> usize {
    chars.div_ceil(CHARS_PER_MINUTE).max(1)
}

/// Cut a plain-text paragraph to about `max` characters, preferring a sentence end
/// (。！？；) in the second half, and mark the cut with “……”.
pub fn truncate_summary(text: &str, max: usize) -> String {
    let text = text.trim();
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= max {
        return text.to_string();
    }
    let window = &chars[..max];
    let cut = window
        .iter()
        .rposition(|c| matches!(c, '。' | '！' | '？' | '；' | '.' | '!' | '?'))
        .filter(|&i| i >= max / 2);
    match cut {
        Some(i) => window[..=i].iter().collect(),
        None => {
            let mut s: String = window.iter().collect();
            s = s
                .trim_end_matches(|c: char| c.is_whitespace() || "，、,：:".contains(c))
                .to_string();
            s.push_str("……");
            s
        }
    }
}

/// Normalise whitespace: any run of whitespace becomes one space, ends trimmed.
pub fn squash_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Characters a slug may not contain (they have a meaning in URLs or file systems).
const SLUG_FORBIDDEN: &[char] = &[
    '/', '\\', '?', '#', '%', '"', '\'', '<', '>', '|', '*', ':', '&', '[', ']', '{', '}', '^', '`',
];

/// Turn a file stem or a `slug:` value into a URL segment. Chinese stays Chinese; runs of
/// whitespace become `-`. Returns the offending character when the slug cannot be used.
pub fn make_slug(raw: &str) -> Result<String, SlugError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(SlugError::Empty);
    }
    if let Some(c) = s
        .chars()
        .find(|c| SLUG_FORBIDDEN.contains(c) || c.is_control())
    {
        return Err(SlugError::Forbidden(c));
    }
    if s.starts_with('.') {
        return Err(SlugError::Forbidden('.'));
    }
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    for c in s.chars() {
        if c.is_whitespace() || c == '\u{3000}' {
            if !dash && !out.is_empty() {
                out.push('-');
            }
            dash = true;
        } else {
            out.push(c);
            dash = false;
        }
    }
    Ok(out.trim_end_matches('-').to_string())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SlugError {
    Empty,
    Forbidden(char),
}

/// The URL segment of a tag: trimmed, ASCII lower-cased, whitespace to `-`, characters with a
/// meaning in URLs removed. Chinese tags stay Chinese (never transliterated), so 公示 and 公式
/// stay two tags.
pub fn tag_slug(tag: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in tag.trim().chars() {
        if c.is_whitespace() || c == '\u{3000}' || c == '-' || c == '_' {
            if !dash && !out.is_empty() {
                out.push('-');
            }
            dash = true;
        } else if SLUG_FORBIDDEN.contains(&c) || c.is_control() || c == '.' {
            continue;
        } else {
            out.extend(c.to_lowercase());
            dash = false;
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() { "tag".into() } else { out }
}

/// A heading id that keeps Chinese: letters, digits and CJK characters kept (ASCII lower-cased),
/// whitespace and `-`/`_` become one `-`, punctuation dropped. `第一章 总则` → `第一章-总则`.
pub fn heading_id(text: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
            dash = false;
        } else if (c.is_whitespace() || c == '-' || c == '_' || c == '\u{3000}')
            && !dash
            && !out.is_empty()
        {
            out.push('-');
            dash = true;
        }
    }
    let out = out.trim_end_matches('-').to_string();
    // Ids the theme uses start with `pf-`; keep headings out of that space.
    if out.is_empty() {
        "section".into()
    } else if out.starts_with("pf-") {
        format!("h-{out}")
    } else {
        out
    }
}

/// Percent-encode a URL path (or a fragment): bytes outside the unreserved set and `/`,
/// `-`, `.`, `_`, `~`, `:`, `@`, `!`, `$`, `&`, `'`, `(`, `)`, `*`, `+`, `,`, `;`, `=`
/// are encoded (`#` and `?` too, so a name can never cut a URL short), so `articles/民法典/`
/// becomes `articles/%E6%B0%91…/`.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    push_encoded_path(&mut out, path);
    out
}

/// [`encode_path`] appended to `out`.
pub fn push_encoded_path(out: &mut String, path: &str) {
    // Bytes kept as they are: ASCII letters, digits and the characters below.
    const KEEP: [bool; 256] = {
        let mut keep = [false; 256];
        let mut b = 0;
        while b < 128 {
            keep[b] = (b as u8).is_ascii_alphanumeric();
            b += 1;
        }
        let extra = b"/-._~:@!$&'()*+,;=";
        let mut k = 0;
        while k < extra.len() {
            keep[extra[k] as usize] = true;
            k += 1;
        }
        keep
    };
    let mut plain = 0;
    for (i, b) in path.bytes().enumerate() {
        if !KEEP[b as usize] {
            // Kept bytes are ASCII, so a run of them starts at a character boundary.
            if plain < i {
                out.push_str(&path[plain..i]);
            }
            out.push('%');
            out.push(char::from(HEX[(b >> 4) as usize]));
            out.push(char::from(HEX[(b & 15) as usize]));
            plain = i + 1;
        }
    }
    // `plain` is always at a character boundary: it follows the last encoded byte, and
    // every byte of a multi-byte character is encoded.
    out.push_str(&path[plain..]);
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Decode `%XX` escapes; invalid escapes and invalid UTF-8 are kept as written.
pub fn decode_percent(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// Append `n` in decimal, with leading zeros up to `width` digits (dates, anchors, ids:
/// written for every page, and several times cheaper than `format!`).
pub fn push_decimal(out: &mut String, n: u32, width: usize) {
    let mut digits = [0u8; 10];
    let mut len = 0;
    let mut v = n;
    loop {
        digits[len] = b'0' + (v % 10) as u8;
        len += 1;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for _ in len..width {
        out.push('0');
    }
    for &d in digits[..len].iter().rev() {
        out.push(char::from(d));
    }
}

/// Escape text for HTML element content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 16);
    push_escaped(&mut out, s);
    out
}

/// [`escape_html`] appended to `out`.
pub fn push_escaped(out: &mut String, s: &str) {
    // Writing to a String never fails.
    let _ = pulldown_cmark_escape::escape_html(out, s);
}

/// [`escape_html`] written straight to `out` (a template's output), with no copy made.
/// The five characters `& < > " '` become entities, as pulldown-cmark escapes them (its
/// escaper, which finds them 16 bytes at a time).
pub fn escape_html_into<W: std::fmt::Write>(out: &mut W, s: &str) -> std::fmt::Result {
    pulldown_cmark_escape::escape_html(pulldown_cmark_escape::FmtWriter(out), s)
}

/// Folder of a content source path: `content/articles/a.md` → `content/articles`.
pub fn folder_of(source: &str) -> &str {
    source.rfind('/').map(|i| &source[..i]).unwrap_or("")
}

/// Join a relative path onto a folder, resolving `.` and `..`. `None` if it climbs out.
pub fn join_relative(folder: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = folder.split('/').filter(|s| !s.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_the_five_characters_and_keeps_the_rest() {
        assert_eq!(
            escape_html("《民法典》<b>“家风” & 'x'</b>"),
            "《民法典》&lt;b&gt;“家风” &amp; &#39;x&#39;&lt;/b&gt;"
        );
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("纯中文"), "纯中文");
        assert_eq!(escape_html("\"a\""), "&quot;a&quot;");
    }

    #[test]
    fn cjk_ranges() {
        for c in (0u32..0x11_0000).filter_map(char::from_u32) {
            let expected = matches!(c as u32,
                0x3000..=0x303F | 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
                | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x3134F);
            assert_eq!(is_cjk(c), expected, "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn counts_like_a_char_by_char_count() {
        // The rule applied to every character, without the byte-level shortcuts.
        let plain = |t: &str| {
            let (mut n, mut in_word) = (0, false);
            for c in t.chars() {
                count_char(c, &mut n, &mut in_word);
            }
            n
        };
        let sample =
            "《民法典》第1043条：家庭应当树立优良家风。Civil Code 2020 é ñ ß Ω 한국어 😀 𠀀𠀁 ½ ①";
        assert_eq!(count_chars(sample), plain(sample));
        let every: String = (0u32..0x11_0000)
            .step_by(7)
            .filter_map(char::from_u32)
            .collect();
        assert_eq!(count_chars(&every), plain(&every));
        // Every character on its own, between two letters and after a Han character.
        let mut buf = String::new();
        for c in (0u32..0x11_0000).filter_map(char::from_u32) {
            buf.clear();
            buf.push('a');
            buf.push(c);
            buf.push('b');
            buf.push('法');
            buf.push(c);
            assert_eq!(count_chars(&buf), plain(&buf), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn counts_cjk_characters_and_words() {
        assert_eq!(count_chars("民法典 is law 2024"), 6);
        assert_eq!(count_chars("家庭应当树立优良家风。"), 11);
        assert_eq!(reading_minutes(0), 1);
        assert_eq!(reading_minutes(401), 2);
    }

    #[test]
    fn summary_cuts_at_sentence_end() {
        let s = "第一句话写得很长很长很长。第二句话也不短不短不短不短不短。第三句";
        assert_eq!(truncate_summary(s, 20), "第一句话写得很长很长很长。");
        assert_eq!(truncate_summary("短", 20), "短");
        assert_eq!(
            truncate_summary("一二三四五六七八九十一二三", 5),
            "一二三四五……"
        );
    }

    #[test]
    fn slugs_keep_chinese() {
        assert_eq!(make_slug("民法典 相伴").as_deref(), Ok("民法典-相伴"));
        assert_eq!(make_slug("a/b"), Err(SlugError::Forbidden('/')));
        assert_eq!(make_slug("  "), Err(SlugError::Empty));
        assert_eq!(tag_slug("公示"), "公示");
        assert_ne!(tag_slug("公示"), tag_slug("公式"));
        assert_eq!(tag_slug(" Civil Code "), "civil-code");
    }

    #[test]
    fn heading_ids() {
        assert_eq!(heading_id("第一章 总则"), "第一章-总则");
        assert_eq!(heading_id("调解：怎么办？"), "调解怎么办");
        assert_eq!(heading_id("FAQ & Tips"), "faq-tips");
        assert_eq!(heading_id("！！"), "section");
    }

    #[test]
    fn percent_round_trip() {
        let p = "articles/民法典 相伴/";
        let e = encode_path(p);
        assert_eq!(
            e,
            "articles/%E6%B0%91%E6%B3%95%E5%85%B8%20%E7%9B%B8%E4%BC%B4/"
        );
        assert_eq!(decode_percent(&e), p);
        assert_eq!(decode_percent("100%"), "100%");
        assert_eq!(decode_percent("%zz"), "%zz");
    }
}
