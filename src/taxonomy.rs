//! Parse step: the site's taxonomies (分类法) from `site.yaml`'s `taxonomies:`. Tags
//! (`tags`, 标签) are always one; a site adds others, for example
//!
//! ```yaml
//! taxonomies:
//!   - key: categories   # the front matter key and the address: /categories/<term>/
//!     name: 分类         # what readers see
//!     feed: true         # an Atom feed per term (default: true; tags: false)
//! ```
//!
//! A page then writes `categories: [婚姻家庭]` beside `tags:`. An entry with `key: tags`
//! renames tags or gives them feeds.

use serde::{Deserialize, Serialize};

/// The key of the built-in taxonomy.
pub const TAGS: &str = "tags";

/// Top-level addresses of the site a taxonomy's pages would collide with.
const ADDRESSES: &[&str] = &[
    "articles", "events", "lessons", "search", "page", "static", "images", "assets",
];

/// Keys a taxonomy cannot have: every front matter key but `tags` (a page could not say
/// which it means) and the site's own top-level addresses.
pub fn reserved(key: &str) -> bool {
    (key != TAGS && crate::meta_keys::ALL_KEYS.contains(&key)) || ADDRESSES.contains(&key)
}

/// One taxonomy: its key (front matter key and address), name and whether each term has a
/// feed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Taxonomy {
    pub key: String,
    pub name: String,
    pub feed: bool,
}

impl Taxonomy {
    /// Tags as a site has them when `site.yaml` does not say otherwise.
    pub fn tags() -> Taxonomy {
        Taxonomy {
            key: TAGS.into(),
            name: "标签".into(),
            feed: false,
        }
    }
}

/// One entry of `taxonomies:` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTaxonomy {
    key: String,
    name: Option<String>,
    feed: Option<bool>,
}

/// The taxonomies of a site: tags first, then those of `raw` in their order. Each problem
/// is a message and a hint (located at the `taxonomies:` key by the caller).
pub fn check(raw: &[RawTaxonomy]) -> (Vec<Taxonomy>, Vec<(String, &'static str)>) {
    let mut v = vec![Taxonomy::tags()];
    let mut problems = Vec::new();
    for r in raw {
        let key = r.key.trim();
        let well_formed = !key.is_empty()
            && key.starts_with(|c: char| c.is_ascii_lowercase())
            && key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
        if !well_formed {
            problems.push((
                format!("taxonomies 里的 key “{key}” 不能用作字段名和网址"),
                "key 用小写英文字母开头，只用小写字母、数字、- 和 _，例如 key: categories",
            ));
            continue;
        }
        if reserved(key) {
            problems.push((
                format!("taxonomies 里的 key “{key}” 已经另有用处"),
                "换一个名字，例如 categories、topics 或 villages",
            ));
            continue;
        }
        let name = r.name.as_deref().map(str::trim).unwrap_or("").to_string();
        if key == TAGS {
            let t = &mut v[0];
            if !name.is_empty() {
                t.name = name;
            }
            t.feed = r.feed.unwrap_or(t.feed);
            continue;
        }
        if v.iter().any(|t| t.key == key) {
            problems.push((
                format!("taxonomies 里的 key “{key}” 写了两次"),
                "每种分类只写一次，删掉多余的一项",
            ));
            continue;
        }
        if name.is_empty() {
            problems.push((
                format!("taxonomies 里的 “{key}” 缺少名称 name"),
                "写上读者看到的名称，例如 name: 分类",
            ));
            continue;
        }
        v.push(Taxonomy {
            key: key.to_string(),
            name,
            feed: r.feed.unwrap_or(true),
        });
    }
    (v, problems)
}

/// The URL segment of a term (its slug) and the key the link step knows it by:
/// `categories/婚姻家庭`.
pub fn term_key(taxonomy: &str, slug: &str) -> String {
    format!("{taxonomy}/{slug}")
}

/// A term key split into taxonomy and slug.
pub fn split_key(key: &str) -> (&str, &str) {
    key.split_once('/').unwrap_or((TAGS, key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(key: &str, name: Option<&str>, feed: Option<bool>) -> RawTaxonomy {
        RawTaxonomy {
            key: key.into(),
            name: name.map(Into::into),
            feed,
        }
    }

    #[test]
    fn tags_come_first_and_others_follow_in_order() {
        let (v, p) = check(&[
            raw("categories", Some("分类"), None),
            raw("villages", Some("村"), Some(false)),
        ]);
        assert!(p.is_empty(), "{p:?}");
        let keys: Vec<_> = v.iter().map(|t| (t.key.as_str(), t.feed)).collect();
        assert_eq!(
            keys,
            [("tags", false), ("categories", true), ("villages", false)]
        );
    }

    #[test]
    fn tags_can_be_renamed_and_given_feeds() {
        let (v, p) = check(&[raw("tags", Some("关键词"), Some(true))]);
        assert!(p.is_empty());
        assert_eq!(v.len(), 1);
        assert_eq!((v[0].name.as_str(), v[0].feed), ("关键词", true));
    }

    #[test]
    fn bad_keys_are_problems() {
        let (v, p) = check(&[
            raw("分类", Some("分类"), None),
            raw("date", Some("日期"), None),
            raw("articles", Some("x"), None),
            raw("topics", None, None),
            raw("cats", Some("a"), None),
            raw("cats", Some("b"), None),
        ]);
        assert_eq!(v.len(), 2);
        let msgs: Vec<&str> = p.iter().map(|(m, _)| m.as_str()).collect();
        assert_eq!(msgs.len(), 5, "{msgs:?}");
        assert!(msgs[0].contains("不能用作"));
        assert!(msgs[1].contains("另有用处") && msgs[2].contains("另有用处"));
        assert!(msgs[3].contains("缺少名称"));
        assert!(msgs[4].contains("写了两次"));
    }

    #[test]
    fn keys_split() {
        assert_eq!(term_key("categories", "婚姻"), "categories/婚姻");
        assert_eq!(split_key("categories/婚姻"), ("categories", "婚姻"));
    }
}
