//! Parse step: a CSV (or tab-separated) file exported from a spreadsheet, as an accessible
//! HTML table — a caption, header cells with `scope`, the first column as row headers,
//! numbers right-aligned.

use crate::text::escape_html;

/// The rows of a CSV text (RFC 4180: quoted fields may hold separators, line breaks and
/// doubled quotes), or why it cannot be read.
pub fn rows(text: &str, sep: char) -> Result<Vec<Vec<String>>, String> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut rows = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut quote_line = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.trim().is_empty() => {
                field.clear();
                quoted = true;
                quote_line = line;
            }
            '\r' => {}
            '\n' => {
                line += 1;
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            c if c == sep => row.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    if quoted {
        return Err(format!("第 {quote_line} 行有一个引号没有配对"));
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows.retain(|r| r.iter().any(|f| !f.trim().is_empty()));
    if rows.is_empty() {
        return Err("文件是空的".to_string());
    }
    Ok(rows)
}

/// Does the cell hold a number (`1,234`, `-5`, `12.5%`, `３`)?
fn is_number(cell: &str) -> bool {
    let s = cell.trim().trim_end_matches(['%', '％']);
    let s = s.strip_prefix(['-', '+', '−']).unwrap_or(s);
    !s.is_empty()
        && s.chars()
            .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
        && s.chars()
            .all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c) || ",.，．".contains(c))
}

/// The table: the first row as column headers, the first column as row headers (when
/// `row_headers`), numeric columns right-aligned (`pf-num`).
pub fn html(rows: &[Vec<String>], caption: &str, row_headers: bool) -> String {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let cell = |r: &[String], k: usize| r.get(k).map_or("", |s| s.trim()).to_string();
    let body = &rows[1.min(rows.len())..];
    // A column is numeric when every filled cell below the header is a number.
    let numeric: Vec<bool> = (0..width)
        .map(|k| {
            let filled: Vec<String> = body
                .iter()
                .map(|r| cell(r, k))
                .filter(|c| !c.is_empty())
                .collect();
            !filled.is_empty() && filled.iter().all(|c| is_number(c))
        })
        .collect();
    let class = |k: usize| if numeric[k] { " class=\"pf-num\"" } else { "" };
    let mut out = String::from("<table class=\"pf-data-table\">");
    out.push_str(&format!(
        "<caption>{}</caption><thead><tr>",
        escape_html(caption)
    ));
    for k in 0..width {
        let text = escape_html(&cell(&rows[0], k));
        out.push_str(&format!("<th scope=\"col\"{}>{text}</th>", class(k)));
    }
    out.push_str("</tr></thead><tbody>");
    for r in body {
        out.push_str("<tr>");
        for k in 0..width {
            let text = escape_html(&cell(r, k)).replace('\n', "<br>");
            if k == 0 && row_headers {
                out.push_str(&format!("<th scope=\"row\"{}>{text}</th>", class(k)));
            } else {
                out.push_str(&format!("<td{}>{text}</td>", class(k)));
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_hold_separators_breaks_and_quotes() {
        let r = rows(
            "\u{FEFF}村,案件数,说明\r\n沙枣林村,12,\"含\"\"邻里\"\"纠纷, 赡养\"\r\n\"新\n村\",3,\n\n",
            ',',
        )
        .unwrap();
        assert_eq!(r.len(), 3);
        assert_eq!(r[1], ["沙枣林村", "12", "含\"邻里\"纠纷, 赡养"]);
        assert_eq!(r[2], ["新\n村", "3", ""]);
        assert!(rows("a,\"b\nc", ',').unwrap_err().contains("第 1 行"));
        assert!(rows("\n \n", ',').is_err());
    }

    #[test]
    fn numbers_are_right_aligned_and_rows_have_headers() {
        let r = rows(
            "村,案件数,调解成功率\n甲村,1,234,\n乙村,\"1,234\",98.5%\n",
            ',',
        )
        .unwrap();
        let h = html(&r, "各村调解", true);
        assert!(h.contains("<caption>各村调解</caption>"), "{h}");
        assert!(
            h.contains("<th scope=\"col\" class=\"pf-num\">案件数</th>"),
            "{h}"
        );
        assert!(
            h.contains("<th scope=\"row\">乙村</th><td class=\"pf-num\">1,234</td>"),
            "{h}"
        );
        assert!(is_number("１２") && is_number("-3.5%") && !is_number("3号") && !is_number(""));
    }
}
