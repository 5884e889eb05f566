//! Parse step: Chinese numerals as statutes write them (一千零四十三, 一百一十, 十, 两百, 〇)
//! ↔ integers, and article numbers with 之一 suffixes.

const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

fn digit(c: char) -> Option<u32> {
    match c {
        '零' | '〇' => Some(0),
        '一' | '壹' => Some(1),
        '二' | '两' | '贰' => Some(2),
        '三' | '叁' => Some(3),
        '四' | '肆' => Some(4),
        '五' | '伍' => Some(5),
        '六' | '陆' => Some(6),
        '七' | '柒' => Some(7),
        '八' | '捌' => Some(8),
        '九' | '玖' => Some(9),
        _ => None,
    }
}

fn unit(c: char) -> Option<u32> {
    match c {
        '十' | '拾' => Some(10),
        '百' | '佰' => Some(100),
        '千' | '仟' => Some(1000),
        '万' => Some(10000),
        _ => None,
    }
}

/// Is `c` a character of a Chinese numeral?
pub fn is_numeral_char(c: char) -> bool {
    digit(c).is_some() || unit(c).is_some()
}

/// Parse a Chinese numeral (or ASCII/full-width digits) into a number.
/// `十` → 10, `一百一十` → 110, `一千零四十三` → 1043, `两百` → 200, `二〇二四`
/// (digit by digit) → 2024. `None` for anything malformed.
pub fn parse_number(s: &str) -> Option<u32> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    // Arabic digits, half or full width: 1043, １０４３.
    let arabic = |c: char| match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    };
    if s.chars().all(|c| arabic(c).is_some()) {
        return s
            .chars()
            .try_fold(0u32, |acc, c| acc.checked_mul(10)?.checked_add(arabic(c)?))
            .filter(|&n| n > 0);
    }
    // Digit-by-digit form without units (二〇二四).
    let count = s.chars().count();
    if (count >= 4 || s.contains('〇')) && count > 1 && s.chars().all(|c| digit(c).is_some()) {
        return s
            .chars()
            .try_fold(0u32, |acc, c| acc.checked_mul(10)?.checked_add(digit(c)?));
    }
    let mut total: u32 = 0;
    let mut section: u32 = 0; // below 万
    let mut pending: Option<u32> = None; // a digit waiting for its unit
    let mut last_unit: u32 = u32::MAX;
    let mut zero_seen = false;
    for c in s.chars() {
        if let Some(d) = digit(c) {
            if pending.is_some() {
                return None; // two digits in a row (一二)
            }
            if d == 0 {
                zero_seen = true;
                continue;
            }
            pending = Some(d);
        } else if let Some(u) = unit(c) {
            if u == 10000 {
                section += pending.take().unwrap_or(0);
                if section == 0 {
                    return None;
                }
                total = total.checked_add(section.checked_mul(10000)?)?;
                section = 0;
                last_unit = u32::MAX;
                zero_seen = false;
                continue;
            }
            if u >= last_unit {
                return None; // units must fall (千 then 百 then 十)
            }
            let d = match pending.take() {
                Some(d) => d,
                // A bare 十 at the start (十, 十五) means 一十.
                None if u == 10 && section == 0 && total == 0 && !zero_seen => 1,
                None if u == 10 && zero_seen => 1, // 一百零十 is unusual but readable
                None => return None,
            };
            section += d * u;
            last_unit = u;
            zero_seen = false;
        } else {
            return None;
        }
    }
    if let Some(d) = pending {
        // A trailing digit after a unit with a 零 gap (一千零四) or directly (一百一 = 110
        // is colloquial; statutes write 一百一十, so accept only the plain reading).
        if last_unit != u32::MAX && !zero_seen && last_unit > 10 {
            // 一百一 → 一百一十 (colloquial); be strict: refuse.
            return None;
        }
        section += d;
    }
    let n = total + section;
    (n > 0).then_some(n)
}

/// Write a number the way statutes do: 10 → 十, 110 → 一百一十, 1043 → 一千零四十三,
/// 1000 → 一千, 1010 → 一千零一十, 200 → 二百.
pub fn to_chinese(n: u32) -> String {
    if n == 0 {
        return "零".into();
    }
    if n >= 10000 {
        let high = n / 10000;
        let low = n % 10000;
        let mut s = to_chinese(high);
        s.push('万');
        if low > 0 {
            if low < 1000 {
                s.push('零');
            }
            s.push_str(&below_10000(low, true));
        }
        return s;
    }
    below_10000(n, false)
}

fn below_10000(n: u32, inner: bool) -> String {
    let parts = [
        (n / 1000, '千'),
        ((n / 100) % 10, '百'),
        ((n / 10) % 10, '十'),
    ];
    let ones = n % 10;
    let mut s = String::new();
    let mut zero_pending = false;
    let mut started = false;
    for (d, u) in parts {
        if d == 0 {
            if started {
                zero_pending = true;
            }
            continue;
        }
        if zero_pending {
            s.push('零');
            zero_pending = false;
        }
        // 十 alone at the start: 十, 十五 (but 一百一十, and 一十 inside larger numbers).
        let bare_ten = u == '十' && d == 1 && !started && !inner;
        if !bare_ten {
            s.push(DIGITS[d as usize]);
        }
        s.push(u);
        started = true;
    }
    if ones > 0 {
        if zero_pending {
            s.push('零');
        }
        s.push(DIGITS[ones as usize]);
    }
    s
}

/// An article number: 第十条之一 is `{ main: 10, sub: 1 }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ArticleNo {
    pub main: u32,
    pub sub: u32,
}

impl ArticleNo {
    pub fn new(main: u32) -> Self {
        ArticleNo { main, sub: 0 }
    }

    /// Anchor id: `art-1043`, `art-10-1`.
    pub fn anchor(self) -> String {
        let mut out = String::with_capacity(16);
        self.push_anchor(&mut out);
        out
    }

    /// [`ArticleNo::anchor`] appended to `out`, with `-{paragraph}` when one is given
    /// (`art-1043-2`); anchors are made for every article of every law page.
    pub fn push_anchor(self, out: &mut String) {
        out.push_str("art-");
        push_decimal(out, self.main);
        if self.sub != 0 {
            out.push('-');
            push_decimal(out, self.sub);
        }
    }

    /// The label as statutes write it: 第一千零四十三条, 第十条之一.
    pub fn label(self) -> String {
        if self.sub == 0 {
            format!("第{}条", to_chinese(self.main))
        } else {
            format!("第{}条之{}", to_chinese(self.main), to_chinese(self.sub))
        }
    }
}

/// Append `n` in decimal.
pub fn push_decimal(out: &mut String, n: u32) {
    crate::text::push_decimal(out, n, 0);
}

impl std::fmt::Display for ArticleNo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_article_number_round_trips() {
        for n in 1..=1260 {
            let cn = to_chinese(n);
            assert_eq!(parse_number(&cn), Some(n), "{n} → {cn}");
        }
        for n in [1261, 2000, 2024, 9999, 10000, 10001, 10010, 10100, 12345] {
            assert_eq!(parse_number(&to_chinese(n)), Some(n), "{n}");
        }
    }

    #[test]
    fn statute_forms() {
        assert_eq!(to_chinese(10), "十");
        assert_eq!(to_chinese(15), "十五");
        assert_eq!(to_chinese(110), "一百一十");
        assert_eq!(to_chinese(1043), "一千零四十三");
        assert_eq!(to_chinese(1010), "一千零一十");
        assert_eq!(to_chinese(1000), "一千");
        assert_eq!(to_chinese(1100), "一千一百");
        assert_eq!(to_chinese(1001), "一千零一");
        assert_eq!(to_chinese(200), "二百");
        assert_eq!(to_chinese(1260), "一千二百六十");
    }

    #[test]
    fn other_spellings() {
        assert_eq!(parse_number("两百"), Some(200));
        assert_eq!(parse_number("一十"), Some(10));
        assert_eq!(parse_number("二〇二四"), Some(2024));
        assert_eq!(parse_number("1043"), Some(1043));
        assert_eq!(parse_number("１０４３"), Some(1043));
        assert_eq!(parse_number("一千〇四十三"), Some(1043));
        assert_eq!(parse_number("贰佰"), Some(200));
    }

    #[test]
    fn malformed() {
        for s in ["", "百", "千百", "十十", "一二", "条", "十百", "0"] {
            assert_eq!(parse_number(s), None, "{s}");
        }
    }

    #[test]
    fn article_numbers() {
        let a = ArticleNo { main: 10, sub: 1 };
        assert_eq!(a.anchor(), "art-10-1");
        assert_eq!(a.label(), "第十条之一");
        assert_eq!(ArticleNo::new(1043).anchor(), "art-1043");
    }
}
