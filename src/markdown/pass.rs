//! Parse step, Markdown: the one pass over pulldown-cmark's events — headings (ids and
//! the table of contents), paragraphs (the first one kept for summaries), text (counted, and
//! offered to the citation hook) — handing links, images and raw HTML to `refs.rs`.

use std::collections::HashSet;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};

use super::{BodySource, Rendered, TOKEN_CLOSE, TOKEN_OPEN, TextHook, TokenKind};
use crate::diag::Diagnostic;
use crate::text::{count_chars, escape_html, heading_id};

pub(super) struct Pass<'s, 'a> {
    pub(super) src: &'s BodySource<'s>,
    /// Byte offset where each line of the file starts.
    pub(super) line_starts: Vec<usize>,
    pub(super) out: Rendered,
    pub(super) diags: Vec<Diagnostic>,
    pub(super) events: Vec<Event<'a>>,
    /// Events of the heading being read, with its level, given id, classes, attrs.
    pub(super) heading: Option<HeadingBuf<'a>>,
    pub(super) used_ids: HashSet<String>,
    pub(super) flat_toc: Vec<(u8, String, String)>,
    /// For each open link: `Some(index)` when tokenised.
    pub(super) link_stack: Vec<Option<usize>>,
    /// Image being read: (link index, alt text so far).
    pub(super) image: Option<(usize, String)>,
    pub(super) paragraph_depth: usize,
    pub(super) first_para_done: bool,
    pub(super) in_first_para: bool,
    pub(super) in_code_block: bool,
    /// `markdown.unsafe_html`: raw HTML is kept as written.
    pub(super) unsafe_html: bool,
    pub(super) hook: Option<&'s dyn TextHook>,
    /// Works out snippets (`{{< name … >}}`), when the body may have them.
    pub(super) snippets: Option<&'s dyn super::snippets::SnippetHook>,
    /// While a snippet's HTML is checked: the snippet's place, which every problem in it
    /// is located at.
    pub(super) fixed_pos: Option<usize>,
    /// The paragraph being read holds a block snippet alone.
    pub(super) block_snippet: bool,
    /// The table being read, if any (its cells' alignments).
    pub(super) table: Option<super::table::Cells>,
}

pub(super) struct HeadingBuf<'a> {
    level: HeadingLevel,
    id: Option<CowStr<'a>>,
    classes: Vec<CowStr<'a>>,
    attrs: Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
    events: Vec<Event<'a>>,
    text: String,
}

impl<'a> Pass<'_, 'a> {
    pub(super) fn pos(&self, offset: usize) -> (usize, usize) {
        let offset = self.fixed_pos.unwrap_or(offset);
        let text = self.src.file_text;
        let at = crate::diag::floor_char_boundary(text, self.src.body_offset + offset);
        let line = self.line_starts.partition_point(|&s| s <= at);
        let start = self
            .line_starts
            .get(line.wrapping_sub(1))
            .copied()
            .unwrap_or(0);
        (line.max(1), text[start..at].chars().count() + 1)
    }

    pub(super) fn boundary(&self) {
        if let Some(h) = self.hook {
            h.boundary();
        }
    }

    pub(super) fn emit(&mut self, e: Event<'a>) {
        match &mut self.heading {
            Some(h) => h.events.push(e),
            None => self.events.push(e),
        }
    }

    pub(super) fn token(&mut self, kind: TokenKind) -> String {
        let n = self.out.tokens.len();
        self.out.tokens.push(kind);
        format!("{TOKEN_OPEN}{n}{TOKEN_CLOSE}")
    }

    pub(super) fn plain_text(&mut self, t: &str) {
        self.out.char_count += count_chars(t);
        if let Some(h) = &mut self.heading {
            h.text.push_str(t);
        }
        if self.in_first_para {
            self.out.first_paragraph.push_str(t);
        }
        if let Some((_, alt)) = &mut self.image {
            alt.push_str(t);
        }
    }

    /// Take one event of the body, at byte `offset` of it.
    pub(super) fn event(&mut self, event: Event<'a>, offset: usize) {
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                self.heading = Some(HeadingBuf {
                    level,
                    id,
                    classes,
                    attrs,
                    events: Vec::new(),
                    text: String::new(),
                });
            }
            Event::End(TagEnd::Heading(_)) => {
                self.boundary();
                self.finish_heading();
            }
            Event::Start(Tag::Paragraph) => self.start_paragraph(),
            Event::End(TagEnd::Paragraph) => self.end_paragraph(),
            Event::Start(Tag::CodeBlock(k)) => {
                self.in_code_block = true;
                self.emit(Event::Start(Tag::CodeBlock(k)));
            }
            Event::End(TagEnd::CodeBlock) => {
                self.in_code_block = false;
                self.emit(Event::End(TagEnd::CodeBlock));
            }
            Event::Text(t) => self.text(t, offset),
            Event::Code(t) => {
                self.plain_text(&t);
                if self.image.is_none() {
                    self.emit(Event::Code(t));
                }
            }
            Event::Html(h) | Event::InlineHtml(h) if self.image.is_none() => {
                self.out.had_raw_html = true;
                let h = self.raw_html(h, offset);
                self.emit(Event::InlineHtml(h));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => self.start_link(link_type, dest_url, title, id, offset),
            Event::End(TagEnd::Link) => self.end_link(),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => self.start_image(link_type, dest_url, title, id, offset),
            Event::End(TagEnd::Image) => self.end_image(),
            Event::FootnoteReference(name) => self.emit(Event::FootnoteReference(name)),
            Event::Start(Tag::FootnoteDefinition(name)) => {
                self.out.ids.push(name.to_string());
                self.emit(Event::Start(Tag::FootnoteDefinition(name)));
            }
            other => self.other(other),
        }
    }

    fn start_paragraph(&mut self) {
        self.paragraph_depth += 1;
        if !self.first_para_done && self.heading.is_none() {
            self.in_first_para = true;
        }
        self.emit(Event::Start(Tag::Paragraph));
    }

    fn end_paragraph(&mut self) {
        self.boundary();
        self.paragraph_depth = self.paragraph_depth.saturating_sub(1);
        if self.in_first_para {
            self.in_first_para = false;
            self.first_para_done = !self.out.first_paragraph.trim().is_empty();
        }
        if !self.end_block_snippet() {
            self.emit(Event::End(TagEnd::Paragraph));
        }
    }

    /// Text: counted, kept for the heading, the summary or an image's alt text, and offered
    /// to the hook (citations) when it is in no link or heading.
    fn text(&mut self, t: CowStr<'a>, offset: usize) {
        if !self.in_code_block
            && self.image.is_none()
            && self.heading.is_none()
            && self.link_stack.is_empty()
            && t.contains("{{<")
            && self.text_with_snippets(&t, offset)
        {
            return;
        }
        self.text_plain(t, offset);
    }

    /// Text without snippets (see [`Pass::text`]).
    pub(super) fn text_plain(&mut self, t: CowStr<'a>, offset: usize) {
        if self.in_code_block {
            self.emit(Event::Text(t));
            return;
        }
        self.plain_text(&t);
        if self.image.is_some() {
            return;
        }
        if self.link_stack.is_empty()
            && self.heading.is_none()
            && let Some(hook) = self.hook
            && let Some(html) = hook.transform(&t, &|| self.pos(offset))
        {
            self.emit(Event::InlineHtml(html.into()));
            return;
        }
        self.emit(Event::Text(t));
    }

    /// Any other event: kept as it is (unless inside an image, whose alt text it is part
    /// of); the end of a list item, table cell, quote or footnote closes a block.
    fn other(&mut self, other: Event<'a>) {
        if self.image.is_none() && self.table_event(&other) {
            return;
        }
        if matches!(
            other,
            Event::End(
                TagEnd::Item
                    | TagEnd::TableCell
                    | TagEnd::BlockQuote(_)
                    | TagEnd::FootnoteDefinition
            )
        ) {
            self.boundary();
        }
        if self.image.is_none() {
            self.emit(other);
        }
    }

    fn finish_heading(&mut self) {
        let Some(h) = self.heading.take() else {
            return;
        };
        let title = crate::text::squash_whitespace(&h.text);
        let base = match &h.id {
            Some(id) if !id.trim().is_empty() => id.trim().to_string(),
            _ => heading_id(&title),
        };
        // Ids starting with pf- belong to the theme (pf-main, pf-toc-title…).
        let base = if base.starts_with("pf-") {
            format!("h-{base}")
        } else {
            base
        };
        let mut id = base.clone();
        let mut n = 1;
        while !self.used_ids.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        self.out.ids.push(id.clone());
        let level = h.level as u8;
        self.flat_toc.push((level, id.clone(), title.clone()));
        self.events.push(Event::Start(Tag::Heading {
            level: h.level,
            id: Some(id.clone().into()),
            classes: h.classes,
            attrs: h.attrs,
        }));
        self.events.extend(h.events);
        self.events.push(Event::InlineHtml(
            format!(
                " <a class=\"pf-anchor\" data-noindex href=\"#{}\" aria-label=\"本节链接：{}\">#</a>",
                escape_html(&id),
                escape_html(&title)
            )
            .into(),
        ));
        self.events.push(Event::End(TagEnd::Heading(h.level)));
    }
}
