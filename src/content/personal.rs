//! Parse step: personal data in a page's text. What looks like a resident identity card,
//! mobile or bank card number (see [`crate::privacy`]) anywhere in a content file, front
//! matter included, is a warning with file, line and a hint to mask it — 以案释法 stories
//! and 公示 lists are where they slip in. A page allows a kind with `personal_data:
//! [mobile]`; the site's own contact numbers (site.yaml's `contact`) are never warned about.

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::privacy::{PersonalKind, find_personal_data};

/// Warnings for what looks like a resident's identity card, mobile or bank card number
/// anywhere in the file (front matter included), except the kinds the page allows
/// (`personal_data: [mobile]`) and the site's own contact numbers.
pub fn warnings(file: &str, text: &str, config: &Config, allowed: &[String]) -> Vec<Diagnostic> {
    let found = find_personal_data(text);
    let mut out = Vec::new();
    if found.is_empty() {
        return out;
    }
    let own = own_numbers(config);
    for f in found {
        let digits: String = f.text.chars().filter(char::is_ascii_digit).collect();
        if allowed.iter().any(|a| a == f.kind.key()) || own.iter().any(|o| o.ends_with(&digits)) {
            continue;
        }
        let before = &text[..f.start];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        let kind: PersonalKind = f.kind;
        out.push(
            Diagnostic::warning(format!(
                "这里像是一个{}（{}），发布后任何人都能看到",
                kind.name(),
                kind.mask(&f.text)
            ))
            .in_file(file)
            .at(line, col)
            .with_source_line(text, f.text.chars().count())
            .with_hint(format!(
                "为保护当事人，{}。如果这个号码本来就要公开（例如单位的办事电话），在文件开头加一行 personal_data: [{}]。",
                kind.hint(),
                kind.key()
            )),
        );
    }
    out
}

/// The digits of the site's own contact numbers (site.yaml's `contact`).
fn own_numbers(config: &Config) -> Vec<String> {
    let c = &config.contact;
    let texts = [
        c.phone.as_deref(),
        c.complaint.as_ref().map(|l| l.text.as_str()),
        c.complaint.as_ref().and_then(|l| l.url.as_deref()),
        c.survey.as_ref().map(|l| l.text.as_str()),
        c.survey.as_ref().and_then(|l| l.url.as_deref()),
    ];
    texts
        .into_iter()
        .flatten()
        .map(|t| t.chars().filter(char::is_ascii_digit).collect::<String>())
        .filter(|d| d.len() >= 7)
        .collect()
}
