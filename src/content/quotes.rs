//! Parse step: the lines of a content file that later messages may quote — its front matter
//! and each line of the body that holds a link — so that a page does not keep the whole
//! text of its file. The link step's problems (a broken link, a clashing `slug:`, two
//! spellings of a tag) are all on one of these lines.

/// The quotable lines of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Quotes {
    /// The file from its start to where the body starts (the front matter and its fences).
    head: Box<str>,
    /// The number of lines `head` covers.
    head_lines: usize,
    /// Body lines that hold a link: (1-based line in the file, its text), by line.
    lines: Vec<(usize, Box<str>)>,
}

impl Quotes {
    /// The quotable lines of `text`, whose body starts at byte `body_offset`, with the body
    /// lines `wanted` (1-based lines of the file, in any order).
    pub fn new(text: &str, body_offset: usize, wanted: impl IntoIterator<Item = usize>) -> Quotes {
        let head = text.get(..body_offset).unwrap_or(text);
        let head_lines = head.lines().count();
        let mut wanted: Vec<usize> = wanted.into_iter().filter(|n| *n > head_lines).collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut lines = Vec::with_capacity(wanted.len());
        let mut want = wanted.into_iter().peekable();
        for (i, l) in text.lines().enumerate() {
            let Some(&n) = want.peek() else { break };
            if i + 1 == n {
                lines.push((n, Box::from(l)));
                want.next();
            }
        }
        Quotes {
            head: Box::from(head),
            head_lines,
            lines,
        }
    }

    /// The front matter with its fences, as written (lines from 1).
    pub fn head(&self) -> &str {
        &self.head
    }

    /// The text of 1-based line `n` of the file, if it is one of the quotable lines.
    pub fn line(&self, n: usize) -> Option<&str> {
        if n == 0 {
            return None;
        }
        if n <= self.head_lines {
            return self.head.lines().nth(n - 1);
        }
        let k = self.lines.binary_search_by_key(&n, |(m, _)| *m).ok()?;
        self.lines.get(k).map(|(_, l)| &**l)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_the_head_and_the_wanted_lines_as_the_file_has_them() {
        let text = "---\ntitle: 甲\nslug: a\n---\n\n第一段\r\n[链接](b.md)\n\n末行 [x](c.md)";
        let body = text.find("\n\n第一段").map(|i| i + 1).unwrap_or(0);
        let q = Quotes::new(text, body, [9, 7, 7, 2]);
        for n in 1..=9 {
            let want = [2, 3, 4, 1, 7, 9]
                .contains(&n)
                .then(|| text.lines().nth(n - 1));
            assert_eq!(q.line(n), want.flatten(), "line {n}");
        }
        assert_eq!(q.line(6), None);
        assert_eq!(q.line(0), None);
        assert_eq!(q.line(10), None);
        assert!(q.head().ends_with("---\n"));
    }
}
