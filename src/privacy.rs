//! Detection of personal data in page text, so the site generator can warn the author: resident
//! ID card numbers (身份证号), mainland mobile numbers (手机号) and bank card numbers (银行卡号).
//!
//! 以案释法 case stories and 公示 lists are where these slip in, pasted from a case file or a
//! roster, and a published ID or phone number reveals a real resident. A page silences one kind in
//! its front matter ([`PersonalKind::key`]). The rules are strict to keep false alarms rare: an ID
//! number is one contiguous 18-character run with a plausible birth date and a valid GB 11643 check
//! character; a mobile number is 11 digits `1[3-9]…` (after an optional +86); a bank card is 16–19
//! digits from 3–6 or 9 that pass the Luhn check. Phone and card digits may be grouped by a single
//! space or hyphen; full-width digits count. Numbers glued to a letter or digit, fixed lines, dates
//! and masked numbers (`138****0000`) are ignored. One pass over the bytes; only findings allocate.

/// A kind of personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonalKind {
    IdCard,
    Mobile,
    BankCard,
}

/// A number found in a text: `start..end` are byte offsets, `text` is the number as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: PersonalKind,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

impl PersonalKind {
    /// Chinese name for messages: 身份证号 / 手机号 / 银行卡号
    pub fn name(self) -> &'static str {
        ["身份证号", "手机号", "银行卡号"][self as usize]
    }

    /// The front-matter word that silences this kind on a page: `id_card` / `mobile` / `bank_card`
    pub fn key(self) -> &'static str {
        ["id_card", "mobile", "bank_card"][self as usize]
    }

    /// A hint for a non-programmer on how to mask the number.
    pub fn hint(self) -> &'static str {
        match self {
            PersonalKind::IdCard => "只留前六位和后四位，中间用 * 代替，或者不写",
            PersonalKind::Mobile => "写成 138****0000 这样只留前三位和后四位",
            PersonalKind::BankCard => "只留后四位，前面用 * 代替，或者不写",
        }
    }

    /// `text` masked for messages: `138****0000`, `110105********1234`, `************1234`.
    pub fn mask(self, text: &str) -> String {
        let mut digits: Vec<char> = text.chars().filter_map(mask_char).collect();
        if self == PersonalKind::Mobile && digits.len() > 11 {
            digits.drain(..digits.len() - 11); // a +86 prefix
        }
        let (n, (head, tail)) = (digits.len(), [(6, 4), (3, 4), (0, 4)][self as usize]);
        let keep = |k: usize| n > head + tail && (k < head || k >= n - tail);
        let masked = |(k, &c): (usize, &char)| if keep(k) { c } else { '*' };
        digits.iter().enumerate().map(masked).collect()
    }
}

/// GB 11643: weights of the first 17 characters; check value by weighted sum mod 11 (10 is X).
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: [u8; 11] = [1, 0, 10, 9, 8, 7, 6, 5, 4, 3, 2];
/// Values of the check character X and of any other letter, see [`alnum_at`].
const X: u8 = 10;
const LETTER: u8 = 11;
/// The longest number of interest (a 19-digit bank card).
const MAX_DIGITS: usize = 19;

/// Contiguous digits (with a check character X only after exactly 17). `blocked`: a letter or digit
/// touches its end; `next`: the following group's start when a single space or hyphen is between.
#[derive(Clone, Copy)]
struct Group {
    start: usize,
    end: usize,
    digits: usize,
    has_x: bool,
    blocked: bool,
    next: Option<usize>,
}

/// Every finding in `text`, in order of position, non-overlapping.
pub fn find_personal_data(text: &str) -> Vec<Finding> {
    let (bytes, mut found, mut i) = (text.as_bytes(), Vec::new(), 0);
    while i < bytes.len() {
        i = next_candidate(bytes, i);
        if i >= bytes.len() {
            break;
        }
        if !(bytes[i].is_ascii_digit() || bytes[i] == 0xEF) || digit_at(bytes, i).is_none() {
            i += 1;
            continue;
        }
        // Digits glued to a letter (ASCII or full-width) on the left cannot start a number.
        let mut glued = (i >= 1 && bytes[i - 1].is_ascii_alphanumeric())
            || (i >= 3 && alnum_at(bytes, i - 3).is_some_and(|(_, len)| len == 3));
        let mut group = parse_group(bytes, i);
        loop {
            let tail = match match_at(bytes, group).filter(|_| !glued) {
                Some((kind, start, last)) => {
                    found.push(Finding {
                        kind,
                        start,
                        end: last.end,
                        text: text[start..last.end].to_string(),
                    });
                    last
                }
                None => group,
            };
            (glued, i) = (false, tail.end);
            let Some(next) = tail.next else { break };
            group = parse_group(bytes, next);
        }
    }
    found
}

/// The first position at or after `from` that may start a digit: an ASCII digit, or the
/// first byte of a full-width digit (EF BC 90–99). Most text has none for long stretches, so
/// blocks of 32 bytes are tested at once, without a branch per byte (the compiler turns the
/// block test into vector instructions); this scan is most of what the check costs a build.
fn next_candidate(b: &[u8], from: usize) -> usize {
    const BLOCK: usize = 32;
    let mut i = from;
    while i + BLOCK + 2 <= b.len() {
        let (x, y, z) = (
            &b[i..i + BLOCK],
            &b[i + 1..i + BLOCK + 1],
            &b[i + 2..i + BLOCK + 2],
        );
        let mut hit = 0u8;
        for k in 0..BLOCK {
            let digit = x[k].wrapping_sub(b'0') < 10;
            let wide = (x[k] == 0xEF) & (y[k] == 0xBC) & (z[k].wrapping_sub(0x90) < 10);
            hit |= u8::from(digit | wide);
        }
        if hit != 0 {
            break;
        }
        i += BLOCK;
    }
    while i < b.len() && !(b[i].is_ascii_digit() || b[i] == 0xEF) {
        i += 1;
    }
    i
}

/// The number starting at `group`, if any: its kind, start byte and last group. A whole group may
/// be an ID number or a mobile number with a glued `86`; mobile and card numbers may span groups.
fn match_at(bytes: &[u8], group: Group) -> Option<(PersonalKind, usize, Group)> {
    if !group.blocked
        && matches!(group.digits, 13 | 18)
        && let Some((buf, n)) = collect(bytes, group.start, group.end)
    {
        let d = &buf[..n];
        if id_like(d) && id_check(&d[..17]) == d[17] {
            return Some((PersonalKind::IdCard, group.start, group));
        }
        if n == 13 && d[..2] == [8, 6] && valid_mobile(&d[2..]) {
            let skip = |i: usize| i + digit_at(bytes, i).map_or(1, |(_, len)| len);
            return Some((PersonalKind::Mobile, skip(skip(group.start)), group));
        }
    }
    let (first, mut cur, mut total, mut all_ge3, mut all_ge4) = (group, group, 0, true, true);
    let (mut mobile, mut bank) = (None, None);
    while !cur.has_x && total + cur.digits <= MAX_DIGITS {
        total += cur.digits;
        // Only the longest span of at most 19 digits may be a card (so a wrong 19-digit number is
        // not reported through its 16-digit prefix); all its groups but the last have 4+ digits.
        bank = (total >= 16 && all_ge4 && !cur.blocked).then_some(cur);
        all_ge4 &= cur.digits >= 4;
        all_ge3 &= cur.digits >= 3;
        mobile = mobile.or((total == 11 && all_ge3 && !cur.blocked).then_some(cur));
        let Some(next) = cur.next else { break };
        cur = parse_group(bytes, next);
    }
    let valid = |last: &Group, check: fn(&[u8]) -> bool| {
        collect(bytes, first.start, last.end).is_some_and(|(buf, n)| check(&buf[..n]))
    };
    if let Some(last) = bank.filter(|last| valid(last, valid_bank)) {
        return Some((PersonalKind::BankCard, first.start, last));
    }
    let last = mobile.filter(|last| valid(last, valid_mobile))?;
    Some((PersonalKind::Mobile, first.start, last))
}

/// The group of digits starting at `start` (which holds a digit).
fn parse_group(bytes: &[u8], start: usize) -> Group {
    let (mut end, mut digits) = (start, 0);
    while let Some((_, len)) = digit_at(bytes, end) {
        (end, digits) = (end + len, digits + 1);
    }
    let x = alnum_at(bytes, end).filter(|&(value, _)| value == X && digits == 17);
    let x_len = x.map_or(0, |(_, len)| len);
    let joined = matches!(bytes.get(end), Some(b' ' | b'-')) && digit_at(bytes, end + 1).is_some();
    Group {
        start,
        end: end + x_len,
        digits: digits + x_len.min(1),
        has_x: x_len > 0,
        blocked: alnum_at(bytes, end + x_len).is_some(),
        next: (joined && x_len == 0).then_some(end + 1),
    }
}

/// The digit values (X as 10) between two byte offsets, if there are at most 19.
fn collect(bytes: &[u8], start: usize, end: usize) -> Option<([u8; MAX_DIGITS], usize)> {
    let (mut buf, mut n, mut i) = ([0; MAX_DIGITS], 0, start);
    while i < end {
        let (value, len) = alnum_at(bytes, i).unwrap_or((LETTER, 1)); // or a one-byte separator
        if value <= X {
            (*buf.get_mut(n)?, n) = (value, n + 1);
        }
        i += len;
    }
    Some((buf, n))
}

/// The letter or digit (ASCII or full-width) at `i`: its value (digit 0–9, X for `X` or `x`,
/// LETTER for other letters) and byte length.
fn alnum_at(bytes: &[u8], i: usize) -> Option<(u8, usize)> {
    let (value, len) = match bytes.get(i..)? {
        [b @ b'0'..=b'9', ..] => (b - b'0', 1),
        [b'X' | b'x', ..] => (X, 1),
        [b, ..] if b.is_ascii_alphabetic() => (LETTER, 1),
        [0xEF, 0xBC, b @ 0x90..=0x99, ..] => (b - 0x90, 3),
        [0xEF, 0xBC, 0xB8, ..] | [0xEF, 0xBD, 0x98, ..] => (X, 3),
        [0xEF, 0xBC, 0xA1..=0xBA, ..] | [0xEF, 0xBD, 0x81..=0x9A, ..] => (LETTER, 3),
        _ => return None,
    };
    Some((value, len))
}

/// An ASCII or full-width digit at `i`: its value and byte length.
fn digit_at(bytes: &[u8], i: usize) -> Option<(u8, usize)> {
    alnum_at(bytes, i).filter(|&(value, _)| value <= 9)
}

/// A digit or X as an ASCII char (full-width folded), for masking.
fn mask_char(c: char) -> Option<char> {
    let c = match c {
        '！'..='～' => char::from_u32(c as u32 - 0xFEE0)?,
        _ => c,
    };
    (c.is_ascii_digit() || c == 'X' || c == 'x').then(|| c.to_ascii_uppercase())
}

/// The GB 11643 check value (10 for X) of the first 17 digits of an ID number.
fn id_check(first17: &[u8]) -> u8 {
    let sum: u32 = (0..17).map(|k| u32::from(first17[k]) * ID_WEIGHTS[k]).sum();
    ID_CHECK[(sum % 11) as usize]
}

/// Shaped like an ID number, whatever the check character: 18 characters, first digit 1–9 and a
/// plausible birth date (1900–2099, month 1–12, day 1–31). Only the 18th value can be an X.
fn id_like(d: &[u8]) -> bool {
    let num = |at: usize, len: usize| d[at..][..len].iter().fold(0, |n, &v| n * 10 + u32::from(v));
    d.len() == 18
        && d[0] != 0
        && (1900..=2099).contains(&num(6, 4))
        && (1..=12).contains(&num(10, 2))
        && (1..=31).contains(&num(12, 2))
}

/// A mainland mobile number: 11 digits (never an X), `1` then 3–9.
fn valid_mobile(d: &[u8]) -> bool {
    d.len() == 11 && d[0] == 1 && (3..=9).contains(&d[1])
}

/// Whether the digits pass the Luhn check (every second digit from the right doubled, digit sum).
fn luhn(d: &[u8]) -> bool {
    const DOUBLED: [u8; 10] = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9];
    let value = |(i, &v): (usize, &u8)| u32::from([v, DOUBLED[usize::from(v)]][i % 2]);
    d.iter().rev().enumerate().map(value).sum::<u32>() % 10 == 0
}

/// A bank card: 16–19 digits (never an X) starting with 3–6 or 9, Luhn-valid and not shaped like
/// an ID number (an ID number with a wrong check digit is a typo, not a card).
fn valid_bank(d: &[u8]) -> bool {
    (16..=19).contains(&d.len()) && matches!(d[0], 3..=6 | 9) && luhn(d) && !id_like(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use PersonalKind::{BankCard, IdCard, Mobile};

    fn values(s: &str) -> Vec<u8> {
        s.bytes().map(|b| b - b'0').collect()
    }

    fn with_check(first17: &str) -> String {
        let check = id_check(&values(first17));
        let c = char::from_digit(u32::from(check), 10).unwrap_or('X');
        format!("{first17}{c}")
    }

    fn with_luhn(prefix: &str) -> String {
        let mut candidates = (0..=9).map(|d| format!("{prefix}{d}"));
        candidates.find(|s| luhn(&values(s))).unwrap()
    }

    fn wide(s: &str) -> String {
        let wide = |c| char::from_u32(c as u32 + 0xFEE0).unwrap();
        s.chars().map(wide).collect()
    }

    /// The single finding in `text`.
    fn one(text: &str) -> (PersonalKind, String) {
        let found = find_personal_data(text);
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        assert_eq!(found[0].text, text[found[0].start..found[0].end]);
        (found[0].kind, found[0].text.clone())
    }

    /// No finding in any of the `|`-separated texts.
    fn none(texts: &str) {
        for text in texts.split('|') {
            assert_eq!(find_personal_data(text), [], "{text}");
        }
    }

    #[test]
    fn id_numbers() {
        for first17 in "44030419900101123|11010519491231001|51010720051130456".split('|') {
            let id = with_check(first17);
            assert_eq!(one(&format!("身份证号{id}。")), (IdCard, id.clone()));
            for c in ('0'..='9').chain(['X']).filter(|&c| !id.ends_with(c)) {
                none(&format!("号码{first17}{c}。"));
            }
        }
        assert_eq!(with_check("11010519491231002"), "11010519491231002X");
        assert_eq!(one("11010519491231002x").0, IdCard);
        // Wrong check digit, glued letter, implausible birth date.
        none("110105194912310021|11010519491231002XY|11010518001301002X");
        none(&with_check("11010518001301002"));
    }

    #[test]
    fn mobile_numbers() {
        for m in "13800138000|138 0013 8000|138-0013-8000|138 00138000".split('|') {
            assert_eq!(one(&format!("电话{m}。")), (Mobile, m.to_string()));
        }
        for m in "+86 13800138000|+86-138-0013-8000|86 138 0013 8000|+8613800138000".split('|') {
            let (kind, text) = one(m);
            assert!(
                kind == Mobile && text.starts_with("138") && m.ends_with(&text),
                "{m}"
            );
        }
        assert_eq!(find_personal_data("13800138000 13900139000").len(), 2);
    }

    #[test]
    fn bank_cards() {
        let (c16, c19) = (
            with_luhn("622202123456789"),
            with_luhn("622202123456789012"),
        );
        let spaced = format!(
            "{} {} {} {}",
            &c19[..4],
            &c19[4..8],
            &c19[8..16],
            &c19[16..]
        );
        for card in [c16, c19, spaced.replace(' ', "-"), spaced] {
            assert_eq!(one(&format!("卡号{card}")), (BankCard, card.clone()));
            let last = card.as_bytes()[card.len() - 1] - b'0';
            none(&format!("{}{}", &card[..card.len() - 1], (last + 1) % 10));
        }
        // Luhn-valid but starting with 1 or 0.
        none(&with_luhn("122202123456789"));
        none(&with_luhn("022202123456789"));
    }

    #[test]
    fn not_personal_data() {
        // Too long, not 1[3-9], too short, fixed lines.
        none("138001380001|12345678901|23800138000|1380013800|010-12345678|0000-0000000");
        none("电话：0755-12345678|021 12345678|0086 10 12345678");
        // A mobile-like run inside an 18-digit number that is not an ID; dates, years, articles.
        none("113800138000123456|2023年10月1日施行|第12条|2021-12-31|20231001");
        none("2019 2020 2021 2022|2019-2020-2021-2022");
        // Masked numbers.
        none("138****0000|110105********1234|************1234|6222 **** **** 1234");
        // Glued to letters or digits, ASCII or full-width.
        let w = wide("13800138000");
        none(&format!(
            "ABC13800138000|13800138000abc|x13800138000|Ａ{w}|{w}ｂ|1{w}"
        ));
        assert_eq!(one("ABC 13800138000").0, Mobile);
        assert_eq!(one("(13800138000).").0, Mobile);
    }

    #[test]
    fn full_width_and_offsets() {
        let (id, mobile) = (wide("11010519491231002X"), wide("13800138000"));
        let text = format!("身份证号：{id}，电话：{mobile}");
        let found = find_personal_data(&text);
        let spans: Vec<_> = found
            .iter()
            .map(|f| (f.kind, &text[f.start..f.end]))
            .collect();
        assert_eq!(spans, [(IdCard, &*id), (Mobile, &*mobile)]);
        let found = find_personal_data("联系电话：13800138000。");
        assert_eq!((found[0].start, found[0].end, found.len()), (15, 26, 1));
    }

    #[test]
    fn kind_texts_and_masks() {
        for (kind, text, masked) in [
            (Mobile, "13800138000", "138****8000"),
            (Mobile, "+86 138 0013-8000", "138****8000"),
            (IdCard, "11010519491231002x", "110105********002X"),
            (IdCard, &wide("110105194912311234"), "110105********1234"),
            (BankCard, "6222 0212 3456 7890", "************7890"),
            (BankCard, "6222021234567890123", "***************0123"),
            (Mobile, "123", "***"),
        ] {
            assert_eq!(kind.mask(text), masked, "{text}");
        }
        let names = [IdCard, Mobile, BankCard].map(|k| format!("{}={}", k.name(), k.key()));
        assert_eq!(
            names.join(" "),
            "身份证号=id_card 手机号=mobile 银行卡号=bank_card"
        );
        assert!(Mobile.hint().contains("138****0000"));
    }
}
