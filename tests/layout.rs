//! House rules of the source layout (`../shared/DESIGN.md`): no top-level module (a file
//! or folder under `src/`) imports from a module that imports from it, directly or through
//! others; files hold at most 600 lines of code and functions at most 80 lines. Test
//! modules are left out of both: they may reach anywhere and be as long as they need.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The top-level modules of `src/` (files and folders), without `lib` and `main`.
fn top_modules(src: &Path) -> BTreeSet<String> {
    std::fs::read_dir(src)
        .unwrap()
        .filter_map(|e| {
            let e = e.ok()?;
            let name = e.file_name().to_string_lossy().into_owned();
            if e.path().is_dir() {
                Some(name)
            } else {
                name.strip_suffix(".rs").map(str::to_string)
            }
        })
        .filter(|m| m != "lib" && m != "main")
        .collect()
}

fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect()
}

/// The modules named by `crate::NAME` paths in `code`, including those inside a grouped
/// `use crate::{a, b::c}`.
fn crate_paths(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            for part in group.split(',') {
                found.insert(ident(part.trim()));
            }
        } else {
            found.insert(ident(rest));
        }
    }
    found
}

/// Which top-level module each file's code (test modules removed) imports from.
fn imports(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let tops = top_modules(src);
    let files = rust_files(src);
    let mut deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files {
        let rel = f.strip_prefix(src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let top = first.trim_end_matches(".rs").to_string();
        if !tops.contains(&top) {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap();
        let entry = deps.entry(top.clone()).or_default();
        for m in crate_paths(code) {
            if m != top && tops.contains(&m) {
                entry.insert(m);
            }
        }
    }
    deps
}

/// A cycle through `deps`, as the list of modules on it, if there is one.
fn find_cycle(deps: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        m: &str,
        deps: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == m) {
            let mut cycle = path[at..].to_vec();
            cycle.push(m.to_string());
            return Some(cycle);
        }
        if done.contains(m) {
            return None;
        }
        path.push(m.to_string());
        for next in deps.get(m).into_iter().flatten() {
            if let Some(c) = visit(next, deps, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(m.to_string());
        None
    }
    let mut done = BTreeSet::new();
    deps.keys()
        .find_map(|m| visit(m, deps, &mut Vec::new(), &mut done))
}

#[test]
fn no_folder_imports_from_a_folder_that_imports_from_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let deps = imports(&src);
    // The pipeline's stages depend on the leaves, never the other way round.
    assert!(deps["pipeline"].contains("site") && deps["pipeline"].contains("render"));
    assert!(!deps.get("reads").is_some_and(|d| d.contains("pipeline")));
    if let Some(cycle) = find_cycle(&deps) {
        panic!(
            "import cycle between top-level modules: {}",
            cycle.join(" → ")
        );
    }
}

#[test]
fn the_cycle_check_finds_a_cycle() {
    let deps: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a", "d"]),
        ("d", vec![]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(find_cycle(&deps).unwrap(), ["a", "b", "c", "a"]);
    assert_eq!(
        crate_paths("use crate::{diag::D, text};\nlet x = crate::yaml::f();"),
        ["diag", "text", "yaml"].map(String::from).into()
    );
}

/// `text` with comments and the insides of string and character literals blanked (line
/// breaks kept), so that braces and words in them count for nothing.
fn strip(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    // Keep only the line breaks of `b[from..to]`.
    let breaks = |out: &mut String, from: usize, to: usize| {
        for _ in b[from..to.min(b.len())].iter().filter(|c| **c == b'\n') {
            out.push('\n');
        }
    };
    while i < b.len() {
        let rest = &text[i..];
        let word_before = i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
        if rest.starts_with("//") {
            i += rest.find('\n').unwrap_or(rest.len());
        } else if let Some(inner) = rest.strip_prefix("/*") {
            let end = inner.find("*/").map_or(b.len(), |j| i + 2 + j + 2);
            breaks(&mut out, i, end);
            i = end;
        } else if !word_before
            && (rest.starts_with("r\"") || rest.starts_with("r#") || rest.starts_with("br"))
        {
            let start = if rest.starts_with('b') { 1 } else { 0 };
            let hashes = rest[start + 1..].bytes().take_while(|c| *c == b'#').count();
            if rest.as_bytes().get(start + 1 + hashes) != Some(&b'"') {
                out.push(b[i] as char);
                i += 1;
                continue;
            }
            let close = format!("\"{}", "#".repeat(hashes));
            let body = i + start + 2 + hashes;
            let end = text[body..]
                .find(&close)
                .map_or(b.len(), |j| body + j + close.len());
            breaks(&mut out, i, end);
            i = end;
        } else if b[i] == b'"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            breaks(&mut out, i, j + 1);
            i = j + 1;
        } else if b[i] == b'\'' && char_literal_len(rest) > 0 {
            i += char_literal_len(rest);
        } else {
            let c = rest.chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// The length of the character literal `rest` starts with ('x', '\n', '\u{..}'), or 0
/// when it starts with a lifetime.
fn char_literal_len(rest: &str) -> usize {
    let mut chars = rest.char_indices().skip(1);
    match chars.next() {
        Some((_, '\\')) => rest[2..].find('\'').map_or(0, |j| j + 3),
        Some((_, c)) if c != '\'' => match chars.next() {
            Some((j, '\'')) => j + 1,
            _ => 0,
        },
        _ => 0,
    }
}

/// Files over 600 code lines and functions over 80 lines (from `fn` to the closing brace),
/// test modules left out.
fn oversized(src: &Path) -> Vec<String> {
    let files = rust_files(src);
    let mut bad = Vec::new();
    for f in files {
        let rel = f.strip_prefix(src).unwrap().display().to_string();
        let stripped = strip(&std::fs::read_to_string(&f).unwrap());
        let lines: Vec<&str> = stripped.lines().collect();
        let end = lines
            .windows(2)
            .position(|w| w[0].trim() == "#[cfg(test)]" && w[1].trim_start().starts_with("mod "))
            .unwrap_or(lines.len());
        let code = &lines[..end];
        let n = code.iter().filter(|l| !l.trim().is_empty()).count();
        if n > 600 {
            bad.push(format!("{rel}: {n} code lines"));
        }
        for (k, line) in code.iter().enumerate() {
            let Some(at) = line.find("fn ") else { continue };
            let head = line[..at].trim();
            let words_ok = head.split_whitespace().all(|w| {
                ["pub", "const", "async", "unsafe", "extern"].contains(&w) || w.starts_with("pub(")
            });
            if !words_ok || (at > 0 && !line.as_bytes()[at - 1].is_ascii_whitespace()) {
                continue;
            }
            // Its body: from the first `{` to the brace that closes it (a signature that
            // ends in `;` first has none).
            let (mut depth, mut opened, mut len) = (0i32, false, None);
            for (j, l) in code[k..].iter().enumerate() {
                for ch in l.chars() {
                    match ch {
                        '{' => {
                            depth += 1;
                            opened = true;
                        }
                        '}' => depth -= 1,
                        _ => {}
                    }
                }
                if !opened && l.trim_end().ends_with(';') {
                    break;
                }
                if opened && depth <= 0 {
                    len = Some(j);
                    break;
                }
            }
            let Some(len) = len else { continue };
            if len + 1 > 80 {
                bad.push(format!(
                    "{rel}:{} {}: {} lines",
                    k + 1,
                    line.trim(),
                    len + 1
                ));
            }
        }
    }
    bad
}

#[test]
fn files_and_functions_stay_small() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let bad = oversized(&src);
    assert!(
        bad.is_empty(),
        "over the size limits (600 code lines a file, 80 lines a function); split them along \
         their seams:\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_size_check_sees_code_not_strings_or_comments() {
    let code = "fn a() {\n    let s = \"{ not a brace\";\n    // } nor this\n    let c = '}';\n    let r = r#\"}\n\"#;\n}\nfn b<'x>(v: &'x str) {}\n";
    let stripped = strip(code);
    assert_eq!(stripped.matches('{').count(), 2, "{stripped}");
    assert_eq!(stripped.matches('}').count(), 2, "{stripped}");
    assert_eq!(stripped.lines().count(), code.lines().count());
    assert!(stripped.contains("fn b<'x>(v: &'x str)"));
    let dir = tempfile::tempdir().unwrap();
    let body = "    x();\n".repeat(79);
    std::fs::write(
        dir.path().join("long.rs"),
        format!("pub fn long() {{\n{body}}}\n"),
    )
    .unwrap();
    assert_eq!(oversized(dir.path()).len(), 1, "81 lines");
    let body = "    x();\n".repeat(78);
    std::fs::write(
        dir.path().join("long.rs"),
        format!("pub fn long() {{\n{body}}}\n"),
    )
    .unwrap();
    assert!(oversized(dir.path()).is_empty(), "80 lines");
}
