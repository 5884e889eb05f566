//! Parse step, Markdown: the cells of tables. A column's alignment (`| ---: |`) becomes a
//! class (`pf-align-right`) rather than the `style` attribute pulldown-cmark writes, so
//! that pages satisfy a Content-Security-Policy without inline styles.

use pulldown_cmark::{Alignment, Event, Tag, TagEnd};

use super::pass::Pass;

/// Where the pass is in a table: the columns' alignments, the head or the body, the cell.
#[derive(Debug, Default)]
pub(super) struct Cells {
    aligns: Vec<Alignment>,
    head: bool,
    cell: usize,
}

impl<'a> Pass<'_, 'a> {
    /// Take a table's event; `false` when `e` is none (or the table cell is inside an image).
    pub(super) fn table_event(&mut self, e: &Event<'a>) -> bool {
        match e {
            Event::Start(Tag::Table(aligns)) => {
                self.table = Some(Cells {
                    aligns: aligns.clone(),
                    ..Default::default()
                });
                // The table's own start: no alignments left for the writer to put in style.
                self.emit(Event::Start(Tag::Table(vec![
                    Alignment::None;
                    aligns.len()
                ])));
            }
            Event::End(TagEnd::Table) => {
                self.table = None;
                self.emit(Event::End(TagEnd::Table));
            }
            Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => {
                if let Some(t) = &mut self.table {
                    t.head = matches!(e, Event::Start(Tag::TableHead));
                    t.cell = 0;
                }
                self.emit(e.clone());
            }
            Event::Start(Tag::TableCell) => {
                let Some(t) = &mut self.table else {
                    return false;
                };
                let tag = if t.head { "th" } else { "td" };
                let class = match t.aligns.get(t.cell) {
                    Some(Alignment::Left) => " class=\"pf-align-left\"",
                    Some(Alignment::Center) => " class=\"pf-align-center\"",
                    Some(Alignment::Right) => " class=\"pf-align-right\"",
                    _ => "",
                };
                t.cell += 1;
                self.emit(Event::InlineHtml(format!("<{tag}{class}>").into()));
            }
            Event::End(TagEnd::TableCell) => {
                let Some(t) = &self.table else {
                    return false;
                };
                let tag = if t.head { "th" } else { "td" };
                self.boundary();
                self.emit(Event::InlineHtml(format!("</{tag}>").into()));
            }
            _ => return false,
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use crate::markdown::{BodySource, MarkdownOptions, render};

    #[test]
    fn aligned_columns_get_classes_not_styles() {
        let body = "| 村 | 人数 | 说明 |\n| :--- | ---: | :---: |\n| 沙枣林村 | 3 | 好 |\n";
        let src = BodySource {
            file: "a.md",
            file_text: body,
            body,
            body_offset: 0,
        };
        let (out, diags) = render(&src, MarkdownOptions::default(), None);
        assert!(diags.is_empty(), "{diags:?}");
        let h = out.html;
        assert!(!h.contains("style"), "{h}");
        assert!(h.contains("<th class=\"pf-align-left\">村</th>"), "{h}");
        assert!(h.contains("<th class=\"pf-align-right\">人数</th>"), "{h}");
        assert!(h.contains("<td class=\"pf-align-center\">好</td>"), "{h}");
        assert!(h.contains("</thead><tbody>"), "{h}");
    }
}
