//! Parse step: front matter. Splits a Markdown file into its YAML block and body; the YAML
//! is read by [`crate::yaml`].

use crate::diag::Diagnostic;

/// Front matter larger than this is refused (a runaway block is a mistake, not data).
pub const MAX_FRONT_MATTER: usize = 64 * 1024;

/// A Markdown file cut into its front matter and body.
#[derive(Debug, Clone, Copy)]
pub struct Split<'a> {
    /// The YAML between the `---` lines.
    pub yaml: &'a str,
    /// 1-based file line of the first YAML line.
    pub yaml_line: usize,
    /// The Markdown after the closing `---`.
    pub body: &'a str,
    /// 1-based file line of the first body line.
    pub body_line: usize,
}

/// Cut `text` (already BOM-stripped, `\n` line ends) into front matter and body.
pub fn split<'a>(text: &'a str, file: &str) -> Result<Split<'a>, Diagnostic> {
    let first = text.lines().next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(Diagnostic::error("文件开头缺少元数据块（以 --- 开始的一段）")
            .in_file(file)
            .at(1, 1)
            .with_source_line(text, first.chars().count())
            .with_hint(
                "每篇内容的第一行必须是 ---，接着写 title: 标题 等信息，再用一行 --- 结束，然后才是正文。",
            ));
    }
    let yaml_start = first.len() + 1;
    let mut pos = yaml_start.min(text.len());
    let mut line_no = 2;
    while pos < text.len() {
        let end = text[pos..]
            .find('\n')
            .map(|i| pos + i)
            .unwrap_or(text.len());
        let line = text[pos..end].trim_end();
        if line == "---" || line == "..." {
            let yaml = &text[yaml_start..pos];
            if yaml.len() > MAX_FRONT_MATTER {
                return Err(Diagnostic::error("元数据块太长（超过 64 KB）")
                    .in_file(file)
                    .at(1, 1)
                    .with_hint("元数据只放标题、日期等简短信息，长段文字请写在正文里。"));
            }
            let body_start = (end + 1).min(text.len());
            return Ok(Split {
                yaml,
                yaml_line: 2,
                body: &text[body_start..],
                body_line: line_no + 1,
            });
        }
        pos = end + 1;
        line_no += 1;
    }
    Err(Diagnostic::error("元数据块没有结束：找不到结尾的 --- 行")
        .in_file(file)
        .at(1, 1)
        .with_source_line(text, 3)
        .with_hint("在标题、日期等信息写完后，单独加一行 ---，再开始写正文。"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        title: String,
        #[serde(default)]
        draft: bool,
        #[serde(default)]
        tags: Vec<String>,
    }

    fn src<'a>(text: &'a str, yaml: &'a str) -> YamlSource<'a> {
        YamlSource {
            file: "content/a.md",
            file_text: text,
            yaml,
            first_line: 2,
            keys: &["title", "draft", "tags"],
        }
    }

    #[test]
    fn splits_front_matter() {
        let t = "---\ntitle: a\n---\n\nbody\n";
        let s = split(t, "a.md").unwrap();
        assert_eq!(s.yaml, "title: a\n");
        assert_eq!(s.body, "\nbody\n");
        assert_eq!(s.body_line, 4);
        let e = split("---\ntitle: a\nbody\n", "a.md").unwrap_err();
        assert!(e.message.contains("没有结束"));
        assert!(split("title: a\n", "a.md").is_err());
    }

    #[test]
    fn unknown_key_is_located_in_the_file_with_a_suggestion() {
        let t = "---\ntitle: a\ntitel: b\n---\n";
        let s = split(t, "a.md").unwrap();
        let e = parse_yaml::<T>(&src(t, s.yaml)).unwrap_err();
        assert_eq!((e.line, e.col), (Some(3), Some(1)));
        assert!(e.message.contains("titel"), "{e}");
        assert!(e.hint.as_deref().unwrap().contains("“title”"), "{e}");
    }

    #[test]
    fn type_and_syntax_errors() {
        let t = "---\ntitle: a\ndraft: yes\n---\n";
        let s = split(t, "a.md").unwrap();
        let e = parse_yaml::<T>(&src(t, s.yaml)).unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        assert!(e.message.contains("draft"), "{e}");
        let t = "---\ntitle: a\ntags: [a, b\n---\n";
        let s = split(t, "a.md").unwrap();
        let e = parse_yaml::<T>(&src(t, s.yaml)).unwrap_err();
        assert!(e.message.contains("YAML"), "{e}");
        assert!(e.line.unwrap() >= 3, "{e}");
        let t = "---\ndraft: true\n---\n";
        let s = split(t, "a.md").unwrap();
        let e = parse_yaml::<T>(&src(t, s.yaml)).unwrap_err();
        assert!(e.message.contains("缺少必填字段 “title”"), "{e}");
    }

    #[test]
    fn positions_of_keys_and_items() {
        let y = "title: a\nquiz:\n  - question: q\n    answer: 1\n  - question: r\n    answer: 9\nlaws: [x]\n";
        assert_eq!(key_position(y, 2, "title"), Some((2, 8)));
        assert_eq!(key_position(y, 2, "laws"), Some((8, 7)));
        assert_eq!(item_position(y, 2, "quiz", 1, Some("answer")), Some((7, 5)));
        assert_eq!(item_position(y, 2, "quiz", 1, None), Some((6, 5)));
        assert_eq!(item_position(y, 2, "laws", 0, None), Some((8, 1)));
    }
}
