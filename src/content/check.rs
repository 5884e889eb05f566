//! Parse step: [`Checker`] collects the problems of one file, located at its front matter
//! keys.

use jiff::ZonedDateTime;

use crate::dates::{DATE_FORMS, parse_datetime};
use crate::diag::Diagnostic;
use crate::yaml::key_position;

/// Collects the problems of one file.
pub(super) struct Checker<'a> {
    pub file: &'a str,
    pub text: &'a str,
    pub yaml: &'a str,
    pub yaml_line: usize,
    pub diags: Vec<Diagnostic>,
}

impl Checker<'_> {
    pub fn at_key(&self, key: &str) -> (usize, usize) {
        key_position(self.yaml, self.yaml_line, key).unwrap_or((self.yaml_line - 1, 0))
    }

    pub fn error_at(
        &mut self,
        key: &str,
        msg: impl Into<String>,
        hint: impl Into<std::borrow::Cow<'static, str>>,
    ) {
        let (line, col) = self.at_key(key);
        self.diags.push(
            Diagnostic::error(msg)
                .in_file(self.file)
                .at(line, col)
                .with_source_line(self.text, 0)
                .with_hint(hint),
        );
    }

    pub fn error_at_pos(
        &mut self,
        pos: (usize, usize),
        msg: impl Into<String>,
        hint: impl Into<std::borrow::Cow<'static, str>>,
    ) {
        self.diags.push(
            Diagnostic::error(msg)
                .in_file(self.file)
                .at(pos.0, pos.1)
                .with_source_line(self.text, 0)
                .with_hint(hint),
        );
    }

    pub fn missing(&mut self, key: &str, what: &str, example: &str) {
        self.diags.push(
            Diagnostic::error(format!("缺少必填字段 “{key}”（{what}）"))
                .in_file(self.file)
                .at(1, 0)
                .with_source_line(self.text, 3)
                .with_hint(format!("在开头的两行 --- 之间加一行，例如：{example}")),
        );
    }

    pub fn date(
        &mut self,
        key: &str,
        raw: &Option<String>,
        tz: &jiff::tz::TimeZone,
    ) -> Option<ZonedDateTime> {
        let raw = raw.as_deref()?;
        match parse_datetime(raw, tz) {
            Ok(z) => Some(z),
            Err(why) => {
                let (line, col) = self.at_key(key);
                self.diags.push(
                    Diagnostic::error(format!("字段 “{key}” 的日期写得不对：{why}"))
                        .in_file(self.file)
                        .at(line, col)
                        .with_source_line(self.text, raw.chars().count())
                        .with_hint(format!("日期的写法：{DATE_FORMS}。月份和日期要真实存在。")),
                );
                None
            }
        }
    }
}
