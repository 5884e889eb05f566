//! Parse step: the terms a page gives the site's own taxonomies (`categories: [婚姻家庭]`,
//! see [`crate::taxonomy`]). Their keys are the site's, so they are taken out of the front
//! matter before the fixed keys are read, each block's lines left blank in its place so
//! that every error keeps its line number.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::page::Terms;
use crate::config::Config;
use crate::diag::Diagnostic;
use crate::yaml::{YamlSource, parse_yaml};

/// Front matter split into the fixed keys and the blocks of `keys` (each a `key:` line at
/// the start of a line, with the indented or `- ` lines that follow): both texts have the
/// lines of the whole, the lines of the other blanked. `None` when no block is there.
pub fn split_out(yaml: &str, keys: &[&str]) -> Option<(String, String)> {
    let starts = |line: &str| {
        keys.iter().any(|k| {
            line.strip_prefix(k)
                .is_some_and(|r| r.trim_start_matches([' ', '\t']).starts_with(':'))
        })
    };
    if !yaml.lines().any(starts) {
        return None;
    }
    let (mut rest, mut blocks) = (String::new(), String::new());
    let mut inside = false;
    for line in yaml.lines() {
        let continues = line.starts_with([' ', '\t', '-']) || line.trim().is_empty();
        inside = starts(line) || (inside && continues);
        let (keep, blank) = if inside {
            (&mut blocks, &mut rest)
        } else {
            (&mut rest, &mut blocks)
        };
        keep.push_str(line);
        keep.push('\n');
        blank.push('\n');
    }
    Some((rest, blocks))
}

/// One value: a term alone or a list of them.
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// The terms in `blocks` (see [`split_out`]), in the site's order of taxonomies, each
/// taxonomy's names with whitespace squashed and without repeats.
pub fn read(src: &YamlSource<'_>, config: &Config) -> Result<Vec<Terms>, Diagnostic> {
    let map: BTreeMap<String, Option<OneOrMany>> = parse_yaml(src).map_err(|d| {
        let t = config.taxonomies[1..]
            .iter()
            .find(|t| src.yaml.lines().any(|l| l.starts_with(&format!("{}:", t.key))));
        let (key, name) = t.map_or(("categories", "分类"), |t| (t.key.as_str(), t.name.as_str()));
        let d = if d.message.contains("untagged enum") {
            d.with_message(format!("{key}（{name}）的值写得不对：要写一个词，或用 [ ] 括起来的一串词"))
        } else {
            d
        };
        d.with_hint(format!(
            "写法：{key}: [婚姻家庭, 邻里纠纷]，或在下面每个一行、以 - 开头；文字里有冒号时请用英文双引号括起来。"
        ))
    })?;
    let mut out = Vec::new();
    for t in config.taxonomies.iter().skip(1) {
        let names = match map.get(&t.key) {
            Some(Some(OneOrMany::One(s))) => vec![s.clone()],
            Some(Some(OneOrMany::Many(v))) => v.clone(),
            _ => continue,
        };
        let names = distinct(names);
        if names.is_empty() {
            continue;
        }
        out.push(Terms {
            taxonomy: t.key.clone(),
            slugs: names.iter().map(|n| crate::text::tag_slug(n)).collect(),
            names,
        });
    }
    Ok(out)
}

/// Names with whitespace squashed, empty ones and repeats left out.
pub fn distinct(names: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in names {
        let t = crate::text::squash_whitespace(&t);
        if !t.is_empty() && !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_taken_out_with_their_lines_kept() {
        let y = "title: a\ncategories:\n  - 婚姻家庭\n- 继承\ndate: 2024-01-01\nvillages: [东村]\n";
        let (rest, blocks) = split_out(y, &["categories", "villages"]).unwrap();
        assert_eq!(rest, "title: a\n\n\n\ndate: 2024-01-01\n\n");
        assert_eq!(
            blocks,
            "\ncategories:\n  - 婚姻家庭\n- 继承\n\nvillages: [东村]\n"
        );
        assert_eq!(rest.lines().count(), y.lines().count());
        assert!(split_out("title: a\ncategory_x: 1\n", &["categories"]).is_none());
        assert!(split_out("title: categories: x\n", &["categories"]).is_none());
    }

    #[test]
    fn names_are_squashed_and_distinct() {
        let v = distinct(vec![" 婚姻  家庭 ".into(), "婚姻 家庭".into(), "".into()]);
        assert_eq!(v, ["婚姻 家庭"]);
    }
}
