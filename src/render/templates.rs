//! Render step, which templates a template uses: the names its `extends`, `include`,
//! `import`, `from … import` and `include_cached(…)` give, followed through. An output
//! rendered with a template depends on the source of every template it uses, so editing one
//! template renders again only the outputs that use it. A template that names another
//! with anything but a plain string (a variable, a list) is taken to use every template.

use std::collections::{BTreeMap, BTreeSet};

use crate::reads::{Sym, sym};

/// What a template names directly.
enum Uses {
    Names(BTreeSet<String>),
    /// It names templates in a way that cannot be read without running it.
    Any,
}

/// The first string literal at the start of `s` (after spaces), if it starts with one.
fn literal(s: &str) -> Option<&str> {
    let s = s.trim_start();
    let q = s.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let rest = &s[1..];
    let end = rest.find(q)?;
    Some(&rest[..end])
}

/// The templates `source` names.
fn uses(source: &str) -> Uses {
    let mut names = BTreeSet::new();
    let mut rest = source;
    while let Some(i) = rest.find("{%") {
        let tag = &rest[i + 2..];
        let end = tag.find("%}").unwrap_or(tag.len());
        let body = tag[..end].trim_start_matches(['-', '+']).trim_start();
        let word_end = body
            .find(|c: char| !c.is_alphanumeric() && c != '_')
            .unwrap_or(body.len());
        let (word, args) = body.split_at(word_end);
        if matches!(word, "extends" | "include" | "import" | "from") {
            match literal(args) {
                Some(n) => {
                    names.insert(n.to_string());
                }
                None => return Uses::Any,
            }
        }
        rest = &tag[end..];
    }
    let mut rest = source;
    while let Some(i) = rest.find("include_cached(") {
        let args = &rest[i + "include_cached(".len()..];
        match literal(args) {
            Some(n) => {
                names.insert(n.to_string());
            }
            None => return Uses::Any,
        }
        rest = args;
    }
    Uses::Names(names)
}

/// For each template of a theme, the templates it uses (itself included), followed
/// through, as facts' keys.
#[derive(Debug, Default)]
pub struct Closures {
    of: BTreeMap<String, Vec<Sym>>,
    all: Vec<Sym>,
}

impl Closures {
    /// Work out the closures of `templates` (name → source).
    pub fn new<'a>(templates: impl Iterator<Item = (&'a String, &'a str)>) -> Closures {
        let direct: BTreeMap<&String, Uses> = templates.map(|(n, s)| (n, uses(s))).collect();
        let all: Vec<Sym> = direct.keys().map(|n| sym(n)).collect();
        let mut of = BTreeMap::new();
        for name in direct.keys() {
            let mut seen: BTreeSet<String> = BTreeSet::new();
            let mut todo = vec![(*name).clone()];
            let mut any = false;
            while let Some(n) = todo.pop() {
                if !seen.insert(n.clone()) {
                    continue;
                }
                match direct.get(&n) {
                    Some(Uses::Names(used)) => todo.extend(used.iter().cloned()),
                    Some(Uses::Any) => any = true,
                    None => {}
                }
            }
            let mut syms: Vec<Sym> = if any {
                all.clone()
            } else {
                seen.iter().map(|n| sym(n)).collect()
            };
            // Names that do not exist count too: a template added later under one of them
            // changes what renders.
            syms.extend(seen.iter().map(|n| sym(n)));
            syms.sort_unstable();
            syms.dedup();
            of.insert((*name).clone(), syms);
        }
        Closures { of, all }
    }

    /// The templates `name` uses (just its own name when there is no such template).
    pub fn of(&self, name: &str) -> Vec<Sym> {
        self.of
            .get(name)
            .cloned()
            .unwrap_or_else(|| vec![sym(name)])
    }

    /// Every template's key.
    pub fn all(&self) -> &[Sym] {
        &self.all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_extends_includes_and_imports() {
        let t = [
            (
                "a.html".to_string(),
                r#"{% extends "base.html" %}{% import 'm.html' as m %}"#,
            ),
            (
                "base.html".to_string(),
                r#"{{ include_cached("header.html", x=1) }}{%- include "foot.html" -%}"#,
            ),
            ("header.html".to_string(), "h"),
            ("foot.html".to_string(), "{% from \"m.html\" import x %}"),
            ("m.html".to_string(), "{% macro x() %}{% endmacro %}"),
            ("lone.html".to_string(), "x"),
            ("dyn.html".to_string(), "{% include page.extra.t %}"),
        ];
        let c = Closures::new(t.iter().map(|(n, s)| (n, *s)));
        let names = |v: &[&str]| {
            let mut s: Vec<Sym> = v.iter().map(|n| sym(n)).collect();
            s.sort_unstable();
            s
        };
        assert_eq!(
            c.of("a.html"),
            names(&["a.html", "base.html", "m.html", "header.html", "foot.html"])
        );
        assert_eq!(c.of("lone.html"), names(&["lone.html"]));
        assert_eq!(c.of("dyn.html").len(), t.len());
        assert_eq!(c.of("missing.html"), names(&["missing.html"]));
    }
}
