//! YAML for every file that has it (front matter, `site.yaml`, `theme.yaml`): typed values
//! with errors located in the *file* (not the block) and explained in plain words. This is
//! the only module that uses `serde_yaml`, so the YAML crate can be swapped here alone.
//! [`plain`] reads the plain `key: value` form most front matter has without the YAML parser.

pub mod plain;

use serde::de::DeserializeOwned;

use crate::diag::{Diagnostic, did_you_mean};

/// Where a YAML text sits, for locating its errors.
#[derive(Debug, Clone, Copy)]
pub struct YamlSource<'a> {
    /// Path of the file, relative to the site root.
    pub file: &'a str,
    /// The whole file (to show the offending line).
    pub file_text: &'a str,
    /// The YAML itself.
    pub yaml: &'a str,
    /// 1-based file line where the YAML starts.
    pub first_line: usize,
    /// Top-level keys that are allowed, for "did you mean" hints.
    pub keys: &'a [&'a str],
}

/// Deserialize `src.yaml` into `T`, turning any error into a located, plain-words diagnostic.
pub fn parse_yaml<T: DeserializeOwned>(src: &YamlSource<'_>) -> Result<T, Diagnostic> {
    // Most front matter is plain `key: value` lines, read here at a twentieth of the cost;
    // anything else, and anything that does not fit `T`, goes to the YAML parser, which
    // also words the errors.
    if let Some(map) = plain::parse(src.yaml)
        && let Ok(v) = serde_json::from_value::<T>(serde_json::Value::Object(map))
    {
        return Ok(v);
    }
    if src.yaml.trim().is_empty() {
        return serde_yaml::from_str::<T>("{}").map_err(|e| explain(src, &e));
    }
    serde_yaml::from_str::<T>(src.yaml).map_err(|e| explain(src, &e))
}

/// Parse `src.yaml` as a generic value (used for `extra`), errors located like [`parse_yaml`].
pub fn parse_value(src: &YamlSource<'_>) -> Result<serde_json::Value, Diagnostic> {
    parse_yaml(src)
}

/// A YAML error in plain words, located in the file, with a hint.
fn explain(src: &YamlSource<'_>, err: &serde_yaml::Error) -> Diagnostic {
    let full = err.to_string();
    let (line, col, file_line) = error_location(src, err, &full);
    let msg = full.split(" at line ").next().unwrap_or(&full).to_string();
    // serde_yaml prefixes the path of the failing value: `quiz[0].answer: invalid type ...`.
    let (path, detail) = match msg.split_once(": ") {
        Some((p, d)) if !p.contains(' ') && !p.is_empty() => (Some(p.to_string()), d.to_string()),
        _ => (None, msg.clone()),
    };
    let base = Diagnostic::error("").in_file(src.file).at(file_line, col);
    let d = if let Some(field) = between(&detail, "unknown field `", "`") {
        base.with_message(format!("不认识的字段 “{field}”{}", path_note(&path)))
            .with_source_line(src.file_text, field.chars().count())
            .with_hint(unknown_field_hint(src, field, &path, &detail))
    } else if let Some(field) = between(&detail, "missing field `", "`") {
        let at_line = if line > 0 { file_line } else { 1 };
        base.with_message(format!("缺少必填字段 “{field}”{}", path_note(&path)))
            .at(at_line, 0)
            .with_hint(format!(
                "在元数据里加一行 {field}: …（冒号后面有一个空格）。"
            ))
    } else if let Some(rest) = detail.strip_prefix("invalid type: ") {
        wrong_value(base, src.file_text, &path, rest, "值类型不对")
    } else if let Some(rest) = detail.strip_prefix("invalid value: ") {
        wrong_value(base, src.file_text, &path, rest, "值不对")
    } else if detail.starts_with("duplicate field") || detail.contains("duplicate entry") {
        let field = between(&detail, "`", "`")
            .or_else(|| between(&detail, "key ", " ").map(|s| s.trim_matches('"')))
            .unwrap_or("");
        base.with_message(format!("字段 “{field}” 写了两次"))
            .with_source_line(src.file_text, field.chars().count())
            .with_hint("每个字段只能写一次，请删掉多余的一行。")
    } else {
        base.with_message(format!("元数据（YAML）格式有误：{}", yaml_problem(&detail)))
        .with_source_line(src.file_text, 1)
        .with_hint(
            "检查这一行和上一行：冒号后面要有一个空格；文字里有冒号、# 号、[ 或 { 时，请用英文双引号把整段文字括起来；缩进只能用空格，不能用 Tab。",
        )
    };
    if d.line.is_none() {
        d.at(src.first_line, 0)
    } else {
        d
    }
}

/// Where a YAML error is: its line in the YAML (0 when unknown), its column, and its line
/// in the file.
fn error_location(
    src: &YamlSource<'_>,
    err: &serde_yaml::Error,
    full: &str,
) -> (usize, usize, usize) {
    let (line, col) = err
        .location()
        .map(|l| (l.line(), l.column()))
        .unwrap_or((0, 0));
    let yaml_lines = src.yaml.lines().count().max(1);
    let mut line = line;
    // A syntax error found only at the end of the block (an unclosed bracket or quote) is
    // reported where the unfinished construct started: libyaml's "while parsing … at line N".
    if line > yaml_lines
        && let Some(ctx) = full.split(", while ").nth(1)
        && let Some(n) = ctx
            .split(" at line ")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .and_then(|n| n.parse::<usize>().ok())
    {
        line = n;
    }
    let col = if line > yaml_lines { 0 } else { col };
    let file_line = if line > 0 {
        src.first_line + line.min(yaml_lines) - 1
    } else {
        src.first_line.saturating_sub(1).max(1)
    };
    (line, col, file_line)
}

/// The hint for an unknown `field`: the allowed key it is closest to, or the keys allowed
/// (at the top level, from `src.keys`; inside `path`, from serde's list in `detail`).
fn unknown_field_hint(
    src: &YamlSource<'_>,
    field: &str,
    path: &Option<String>,
    detail: &str,
) -> String {
    match did_you_mean(field, src.keys) {
        Some(k) if path.is_none() => {
            format!("是不是想写 “{k}”？自定义的数据请写在 extra: 下面。")
        }
        _ if path.is_none() => format!(
            "这里可以用的字段有：{}。自定义的数据请写在 extra: 下面。",
            src.keys.join("、")
        ),
        _ => {
            let expected = expected_list(detail);
            match did_you_mean(
                field,
                &expected.iter().map(String::as_str).collect::<Vec<_>>(),
            ) {
                Some(k) => format!("是不是想写 “{k}”？"),
                None => format!("这里可以用的字段有：{}。", expected.join("、")),
            }
        }
    }
}

/// A value of the wrong type or form (`problem`), with what the field needs and what was
/// written (`rest`: serde's "found, expected …").
fn wrong_value(
    base: Diagnostic,
    file_text: &str,
    path: &Option<String>,
    rest: &str,
    problem: &str,
) -> Diagnostic {
    let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, "?"));
    let field = path.clone().unwrap_or_default();
    base.with_message(format!(
        "字段 “{field}” 的{problem}：这里需要{}，写的却是{}",
        describe_expected(expected),
        describe_found(found)
    ))
    .with_source_line(file_text, 0)
    .with_hint(type_hint(expected))
}

fn path_note(path: &Option<String>) -> String {
    match path {
        Some(p) => format!("（在 {p} 里）"),
        None => String::new(),
    }
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = s.find(start)? + start.len();
    let j = s[i..].find(end)? + i;
    Some(&s[i..j])
}

fn expected_list(detail: &str) -> Vec<String> {
    let Some(i) = detail.find("expected ") else {
        return vec![];
    };
    detail[i..]
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

fn describe_expected(e: &str) -> String {
    let e = e.trim();
    if e.contains("string") {
        "一段文字".into()
    } else if e.contains("sequence") {
        "一个列表（每项一行，以 - 开头）".into()
    } else if e.contains("bool") {
        "true 或 false".into()
    } else if e.contains("u32")
        || e.contains("u64")
        || e.contains("i64")
        || e.contains("i32")
        || e.contains("usize")
        || e.contains("integer")
    {
        "一个整数".into()
    } else if e.contains("map") || e.contains("struct") {
        "若干 “名称: 值” 行（缩进写在下面）".into()
    } else {
        e.to_string()
    }
}

fn describe_found(f: &str) -> String {
    let f = f.trim();
    if f.starts_with("sequence") {
        "一个列表".into()
    } else if f.starts_with("map") {
        "若干 “名称: 值” 行".into()
    } else if let Some(v) = f.strip_prefix("string ") {
        format!("文字 {v}")
    } else if let Some(v) = f.strip_prefix("integer ") {
        format!("数字 {}", v.trim_matches('`'))
    } else if let Some(v) = f.strip_prefix("floating point ") {
        format!("数字 {}", v.trim_matches('`'))
    } else if let Some(v) = f.strip_prefix("boolean ") {
        v.trim_matches('`').to_string()
    } else if f.starts_with("unit") || f.contains("null") {
        "空值".into()
    } else {
        f.to_string()
    }
}

fn type_hint(expected: &str) -> String {
    if expected.contains("bool") {
        "写 true（是）或 false（否），不要加引号。".into()
    } else if expected.contains("sequence") {
        "列表的写法：在字段名下面每行写一项，行首是两个空格加 “- ”，或者写成 [甲, 乙]。".into()
    } else if expected.contains("string") {
        "如果这是一段文字，请用英文双引号把它括起来。".into()
    } else if expected.contains("u32") || expected.contains("i64") || expected.contains("integer") {
        "只写数字，例如 order: 3。".into()
    } else {
        "请对照说明文档检查这个字段的写法。".into()
    }
}

fn yaml_problem(detail: &str) -> String {
    let d = detail.split(", while ").next().unwrap_or(detail);
    let zh = if d.contains("mapping values are not allowed") {
        "这一行里有多余的冒号"
    } else if d.contains("did not find expected key") {
        "缩进或格式不一致"
    } else if d.contains("did not find expected ','") || d.contains("did not find expected ']'") {
        "方括号列表没有正确结束"
    } else if d.contains("found unexpected end of stream") {
        "引号或括号没有配对"
    } else if d.contains("found character that cannot start any token") {
        "有不能出现在开头的字符（如 Tab、@ 或 `）"
    } else if d.contains("found a tab character") {
        "使用了 Tab 缩进"
    } else if d.contains("could not find expected ':'") {
        "缺少冒号"
    } else if d.contains("block sequence entries are not allowed") {
        "列表项的位置不对"
    } else {
        ""
    };
    if zh.is_empty() {
        d.to_string()
    } else {
        format!("{zh}（{d}）")
    }
}

/// Position (1-based file line, 1-based column of the value) of top-level `key:` in the YAML.
pub fn key_position(yaml: &str, first_line: usize, key: &str) -> Option<(usize, usize)> {
    for (i, line) in yaml.lines().enumerate() {
        if let Some(rest) = line.strip_prefix(key) {
            let rest_trim = rest.trim_start();
            if rest_trim.starts_with(':') && rest.len() - rest_trim.len() <= 1 {
                let after_colon = &rest_trim[1..];
                let value_col = key.chars().count()
                    + (rest.len() - rest_trim.len())
                    + 1
                    + (after_colon.len() - after_colon.trim_start().len())
                    + 1;
                return Some((first_line + i, value_col));
            }
        }
    }
    None
}

/// Position of the `index`-th list item (0-based) under top-level `key:` — or, when
/// `sub_key` is given, of `sub_key:` inside that item (for `quiz[1].answer`). Falls back to
/// the key itself.
pub fn item_position(
    yaml: &str,
    first_line: usize,
    key: &str,
    index: usize,
    sub_key: Option<&str>,
) -> Option<(usize, usize)> {
    let (key_line, _) = key_position(yaml, first_line, key)?;
    let lines: Vec<&str> = yaml.lines().collect();
    let start = key_line - first_line;
    // Flow list on the same line: point at the key.
    if lines
        .get(start)
        .is_some_and(|l| l.contains('[') && !l.trim_end().ends_with(':'))
    {
        return Some((key_line, 1));
    }
    let mut item: Option<usize> = None;
    let mut item_indent = None;
    for (off, line) in lines.iter().enumerate().skip(start + 1) {
        if !line.starts_with(' ') && !line.starts_with('-') && !line.trim().is_empty() {
            break; // next top-level key
        }
        let indent = line.len() - line.trim_start().len();
        let trimmed = line.trim_start();
        if trimmed.starts_with("- ") || trimmed == "-" {
            if item_indent.is_none() {
                item_indent = Some(indent);
            }
            if Some(indent) == item_indent {
                item = Some(item.map_or(0, |n| n + 1));
                if item == Some(index) && sub_key.is_none() {
                    return Some((first_line + off, indent + 3));
                }
            }
        }
        if item == Some(index)
            && let Some(sk) = sub_key
        {
            let body = trimmed.trim_start_matches("- ").trim_start();
            if body.starts_with(sk) && body[sk.len()..].trim_start().starts_with(':') {
                let col = line.find(sk).map(|b| line[..b].chars().count() + 1);
                return Some((first_line + off, col.unwrap_or(1)));
            }
        }
        if item.is_some_and(|n| n > index) {
            break;
        }
    }
    Some((key_line, 1))
}
