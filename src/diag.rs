//! Diagnostics: the one shape every user-facing problem takes, whatever layer found it.
//!
//! A [`Diagnostic`] carries a severity, the file (relative to the site root), line and column,
//! a message in plain words, the offending source line and a hint. Layers build them with
//! [`Diagnostic::error`] / [`Diagnostic::warning`] and attach locations by wrapping
//! ([`Diagnostic::at`], [`Diagnostic::with_source_line`]); they are rendered for the terminal
//! here and for the browser overlay by `serve`.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt::{self, Write as _};
use std::sync::Arc;

/// How bad a problem is: errors stop the build, warnings are printed and the build goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

/// A problem found in the user's site, located as precisely as we can. Shared (cheap to
/// clone), since a rebuild re-reports the problems of files it did not parse again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic(Arc<DiagnosticData>);

/// The fields of a [`Diagnostic`] (read them through the diagnostic).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagnosticData {
    pub severity: Severity,
    /// Path relative to the site root with `/` separators, e.g. `content/articles/a.md`.
    pub file: Option<String>,
    /// 1-based line in `file`.
    pub line: Option<usize>,
    /// 1-based column, counted in characters.
    pub col: Option<usize>,
    pub message: String,
    /// The text of the offending line, shown under the location.
    pub source_line: Option<String>,
    /// Width of the underline under the offending text, in characters.
    pub span_len: usize,
    /// A hint in plain words (most are fixed texts, shared rather than copied).
    pub hint: Option<Cow<'static, str>>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic::new(Severity::Error, message)
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic::new(Severity::Warning, message)
    }

    fn new(severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic(Arc::new(DiagnosticData {
            severity,
            file: None,
            line: None,
            col: None,
            message: message.into(),
            source_line: None,
            span_len: 0,
            hint: None,
        }))
    }

    /// The fields, for changing them.
    pub fn data_mut(&mut self) -> &mut DiagnosticData {
        Arc::make_mut(&mut self.0)
    }

    /// Replace the message.
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.data_mut().message = message.into();
        self
    }

    /// Attach the file (relative to the site root).
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.data_mut().file = Some(file.into());
        self
    }

    /// Attach a line and column (both 1-based; column 0 means "whole line").
    pub fn at(mut self, line: usize, col: usize) -> Self {
        let d = self.data_mut();
        d.line = Some(line.max(1));
        d.col = if col == 0 { None } else { Some(col) };
        self
    }

    /// Attach the offending line of text, taken from the whole file `text` at `self.line`,
    /// and underline `span_len` characters from the column.
    pub fn with_source_line(self, text: &str, span_len: usize) -> Self {
        let line = self.line.and_then(|n| text.lines().nth(n - 1));
        self.quoting(line, span_len)
    }

    /// Attach `line`, the text of the offending line (`self.line`) when it is known, and
    /// underline `span_len` characters from the column.
    pub fn quoting(mut self, line: Option<&str>, span_len: usize) -> Self {
        if let (Some(_), Some(l)) = (self.line, line) {
            let d = self.data_mut();
            d.source_line = Some(l.trim_end_matches('\r').to_string());
            d.span_len = span_len;
        }
        self
    }

    pub fn with_hint(mut self, hint: impl Into<Cow<'static, str>>) -> Self {
        self.data_mut().hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col`, as far as known.
    pub fn location(&self) -> Option<String> {
        let file = self.file.as_ref()?;
        let mut s = file.clone();
        if let Some(line) = self.line {
            let _ = write!(s, ":{line}");
            if let Some(col) = self.col {
                let _ = write!(s, ":{col}");
            }
        }
        Some(s)
    }

    /// Order used for reports: by file, then line, then column, errors before warnings.
    pub fn sort_key(&self) -> (Option<&str>, usize, usize, Severity, &str) {
        (
            self.file.as_deref(),
            self.line.unwrap_or(0),
            self.col.unwrap_or(0),
            self.severity,
            &self.message,
        )
    }
}

impl std::ops::Deref for Diagnostic {
    type Target = DiagnosticData;
    fn deref(&self) -> &DiagnosticData {
        &self.0
    }
}

impl PartialOrd for Diagnostic {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Diagnostic {
    fn cmp(&self, other: &Self) -> Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}

/// Display width of a string in a terminal: CJK and full-width characters take two cells.
pub fn display_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

fn char_width(c: char) -> usize {
    let cp = c as u32;
    let wide = matches!(cp,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x1F300..=0x1F64F | 0x1F900..=0x1F9FF | 0x20000..=0x3FFFD);
    if c == '\t' {
        4
    } else if wide {
        2
    } else {
        1
    }
}

impl fmt::Display for Diagnostic {
    /// The terminal rendering: a header, the location, the offending line with an underline,
    /// and the hint.
    ///
    /// ```text
    /// 错误: 不认识的字段 “titel”
    ///   --> content/articles/a.md:3:1
    ///    |
    ///  3 | titel: 宪法宣传周
    ///    | ^^^^^
    ///    = 提示: 是不是想写 “title”？
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        };
        writeln!(f, "{label}: {}", self.message)?;
        let gutter = self.line.map(|l| l.to_string().len()).unwrap_or(1);
        let pad = " ".repeat(gutter);
        if let Some(loc) = self.location() {
            writeln!(f, "{pad}--> {loc}")?;
        }
        if let (Some(line), Some(src)) = (self.line, &self.source_line) {
            let shown: String = src.replace('\t', "    ");
            writeln!(f, "{pad} |")?;
            writeln!(f, "{line} | {shown}")?;
            if let Some(col) = self.col {
                let before: String = src.chars().take(col.saturating_sub(1)).collect();
                let marked: String = src
                    .chars()
                    .skip(col.saturating_sub(1))
                    .take(self.span_len.max(1))
                    .collect();
                let carets = display_width(&marked).max(1);
                writeln!(
                    f,
                    "{pad} | {}{}",
                    " ".repeat(display_width(&before)),
                    "^".repeat(carets)
                )?;
            }
        }
        if let Some(hint) = &self.hint {
            writeln!(f, "{pad} = 提示: {hint}")?;
        }
        Ok(())
    }
}

/// Sort diagnostics for a report and drop exact duplicates. (Usually they arrive almost
/// sorted, file by file: checking first saves the sort.)
pub fn sort_and_dedup(diags: &mut Vec<Diagnostic>) {
    if !diags.windows(2).all(|w| w[0] <= w[1]) {
        diags.sort();
    }
    diags.dedup_by(|a, b| Arc::ptr_eq(&a.0, &b.0) || a == b);
}

/// One line summarising a set of diagnostics, e.g. `构建失败：2 个错误，1 个警告`.
pub fn summary(diags: &[Diagnostic]) -> String {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    match (errors, warnings) {
        (0, 0) => "没有发现问题".to_string(),
        (0, w) => format!("{w} 个警告"),
        (e, 0) => format!("{e} 个错误"),
        (e, w) => format!("{e} 个错误，{w} 个警告"),
    }
}

/// Shorten a report for the terminal: warnings with the same message (say, one unknown law
/// cited in 400 files) become one entry naming the first place and the count. Errors are
/// always kept one by one.
pub fn condense(diags: &[Diagnostic]) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::new();
    let mut groups: std::collections::HashMap<&str, (usize, usize)> = Default::default();
    for d in diags {
        if d.is_error() {
            out.push(d.clone());
            continue;
        }
        match groups.get_mut(d.message.as_str()) {
            Some((_, n)) => *n += 1,
            None => {
                groups.insert(&d.message, (out.len(), 1));
                out.push(d.clone());
            }
        }
    }
    for (_, (i, n)) in groups {
        if n > 1 {
            out[i]
                .data_mut()
                .message
                .push_str(&format!("（共 {n} 处，这里是第一处）"));
        }
    }
    out
}

/// Line (1-based) and column (1-based, in characters) of byte offset `pos` in `text`.
pub fn line_col(text: &str, pos: usize) -> (usize, usize) {
    let pos = floor_char_boundary(text, pos.min(text.len()));
    let before = &text[..pos];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let col = text[line_start..pos].chars().count() + 1;
    (line, col)
}

/// The largest char boundary not after `pos`.
pub fn floor_char_boundary(text: &str, mut pos: usize) -> usize {
    pos = pos.min(text.len());
    while pos > 0 && !text.is_char_boundary(pos) {
        pos -= 1;
    }
    pos
}

/// Edit distance over characters (insertions, deletions, substitutions and swaps of two
/// neighbours, so `titel` is one step from `title`); used for "did you mean" hints.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let lower = word.to_lowercase();
    candidates
        .iter()
        .map(|c| (edit_distance(&lower, c), *c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(1) + usize::from(c.len() > 6))
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_location_line_and_cjk_underline() {
        let text = "---\ntitle: 你好\ntitel: 宪法\n---\n";
        let d = Diagnostic::error("不认识的字段 “titel”")
            .in_file("content/a.md")
            .at(3, 1)
            .with_source_line(text, 5)
            .with_hint("是不是想写 “title”？");
        let s = d.to_string();
        assert!(s.contains("--> content/a.md:3:1"), "{s}");
        assert!(s.contains("3 | titel: 宪法"), "{s}");
        assert!(s.contains("  | ^^^^^\n"), "{s}");
        let d = Diagnostic::error("x")
            .in_file("a")
            .at(2, 8)
            .with_source_line(text, 2);
        // "title: " is 7 cells, then two wide characters = 4 carets.
        assert!(d.to_string().contains("|        ^^^^\n"), "{}", d);
    }

    #[test]
    fn line_col_counts_characters() {
        let t = "ab\n宪法x";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        assert_eq!(line_col(t, 9), (2, 3));
        assert_eq!(line_col(t, 100), (2, 4));
    }

    #[test]
    fn suggestions() {
        let keys = ["title", "date", "tags", "summary", "location"];
        assert_eq!(did_you_mean("titel", &keys), Some("title"));
        assert_eq!(did_you_mean("Tags", &keys), Some("tags"));
        assert_eq!(did_you_mean("locaton", &keys), Some("location"));
        assert_eq!(did_you_mean("zzzzzz", &keys), None);
    }

    #[test]
    fn sorted_by_file_then_line() {
        let mut v = vec![
            Diagnostic::error("b").in_file("b.md").at(1, 1),
            Diagnostic::error("a2").in_file("a.md").at(9, 1),
            Diagnostic::warning("a1").in_file("a.md").at(2, 1),
        ];
        sort_and_dedup(&mut v);
        let order: Vec<_> = v.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(order, ["a1", "a2", "b"]);
    }
}
