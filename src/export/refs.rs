//! Export, numbered references: links cannot leave WeChat, so each link outside
//! `mp.weixin.qq.com` and each cited statute article gets a number `[n]` in the text, one
//! sequence for both, and the fragment ends with 法条原文 (the articles quoted in full) and
//! 参考资料 (titles and addresses as plain text). A target cited twice keeps its number.

use std::collections::HashMap;

use crate::statute::numerals::ArticleNo;

/// What a number refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A page of the site or of another site, a file: its title and address.
    Link { title: String, url: String },
    /// A statute article (law index, number).
    Statute(usize, ArticleNo),
}

/// The references of one fragment, numbered from 1 in the order they first appear.
#[derive(Debug, Default)]
pub struct Refs {
    list: Vec<Target>,
    numbers: HashMap<String, usize>,
}

impl Refs {
    /// The number of the link to `url` (titled `title` if it is new).
    pub fn link(&mut self, title: &str, url: &str) -> usize {
        self.number(format!("u {url}"), || Target::Link {
            title: title.to_string(),
            url: url.to_string(),
        })
    }

    /// The number of article `no` of law `law`.
    pub fn statute(&mut self, law: usize, no: ArticleNo) -> usize {
        self.number(format!("s {law} {}", no.anchor()), || {
            Target::Statute(law, no)
        })
    }

    fn number(&mut self, key: String, make: impl FnOnce() -> Target) -> usize {
        if let Some(&n) = self.numbers.get(&key) {
            return n;
        }
        self.list.push(make());
        let n = self.list.len();
        self.numbers.insert(key, n);
        n
    }

    /// Every reference with its number, in order.
    pub fn all(&self) -> impl Iterator<Item = (usize, &Target)> {
        self.list.iter().enumerate().map(|(i, t)| (i + 1, t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_sequence_and_one_number_per_target() {
        let mut r = Refs::default();
        assert_eq!(r.link("甲", "https://a.example/"), 1);
        assert_eq!(r.statute(0, ArticleNo::new(1043)), 2);
        assert_eq!(r.link("甲又一次", "https://a.example/"), 1);
        assert_eq!(r.statute(0, ArticleNo::new(1043)), 2);
        assert_eq!(r.statute(1, ArticleNo::new(1043)), 3);
        let titles: Vec<usize> = r.all().map(|(n, _)| n).collect();
        assert_eq!(titles, [1, 2, 3]);
    }
}
