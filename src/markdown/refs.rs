//! Parse step, Markdown: what a body points at — links, images and the addresses in raw
//! HTML. Those inside the site become tokens for the link step; those outside are checked
//! (allowed schemes, no resources from other sites).

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use super::pass::Pass;
use super::{ALLOWED_SCHEMES, LinkRef, TokenKind, is_external, scheme_of};
use crate::diag::Diagnostic;

impl<'a> Pass<'_, 'a> {
    pub(super) fn start_link(
        &mut self,
        link_type: LinkType,
        dest: CowStr<'a>,
        title: CowStr<'a>,
        id: CowStr<'a>,
        offset: usize,
    ) {
        let (line, col) = self.pos(offset);
        if matches!(link_type, LinkType::Email) || (is_external(&dest) && !dest.starts_with("//")) {
            if link_type != LinkType::Email && self.refuse_scheme(&dest, line, col) {
                self.link_stack.push(None);
                self.emit(Event::Start(Tag::Link {
                    link_type,
                    dest_url: CowStr::Borrowed("#"),
                    title,
                    id,
                }));
                return;
            }
            self.link_stack.push(None);
            self.emit(Event::Start(Tag::Link {
                link_type,
                dest_url: dest,
                title,
                id,
            }));
            return;
        }
        let link = self.out.links.len();
        self.out.links.push(LinkRef {
            dest: dest.to_string(),
            title: title.to_string(),
            alt: String::new(),
            is_image: false,
            line,
            col,
        });
        self.link_stack.push(Some(link));
        let t = self.token(TokenKind::LinkOpen { link });
        self.emit(Event::InlineHtml(t.into()));
    }

    /// A link to another site whose scheme is not allowed (`javascript:`…) is an error;
    /// returns whether it was refused.
    pub(super) fn refuse_scheme(&mut self, dest: &str, line: usize, col: usize) -> bool {
        let scheme = scheme_of(dest);
        if ALLOWED_SCHEMES.contains(&scheme.as_str()) {
            return false;
        }
        self.diags.push(
            Diagnostic::error(format!("不允许的链接类型 “{scheme}:”"))
                .in_file(self.src.file)
                .at(line, col)
                .with_source_line(self.src.file_text, 1)
                .with_hint("链接只能指向网址（http/https）、邮箱（mailto:）、电话（tel:）或本站的页面和文件。"),
        );
        true
    }

    /// A warning for each tag of raw HTML that the sanitiser will remove.
    fn point_out_stripped(&mut self, tags: &[String], offset: usize) {
        for tag in tags
            .iter()
            .filter(|t| crate::raw_html::STRIPPED_TAGS.contains(&t.as_str()))
        {
            let (line, col) = self.pos(offset);
            self.diags.push(
                Diagnostic::warning(format!("正文里的 <{tag}> 会被去掉"))
                    .in_file(self.src.file)
                    .at(line, col)
                    .with_source_line(self.src.file_text, 1)
                    .with_hint(
                        "为了安全，本站不运行正文里的脚本，也不嵌入其他网站的播放器、表单。视频、音频请放在文章旁边，写成 ![视频说明](视频文件名.mp4)。",
                    ),
            );
        }
    }

    /// Raw HTML: its ids count as anchors, its `href`/`src` addresses inside the site are
    /// checked and resolved like Markdown links, resources from other sites are refused,
    /// and tags the sanitiser will remove are pointed out.
    pub(super) fn raw_html(&mut self, h: CowStr<'a>, offset: usize) -> CowStr<'a> {
        let (tags, attrs) = crate::raw_html::scan(&h);
        if !self.unsafe_html {
            self.point_out_stripped(&tags, offset);
        }
        let mut out = String::new();
        let mut copied = 0;
        let sized = |e: usize| {
            attrs
                .iter()
                .any(|a| a.element == e && matches!(a.name.as_str(), "width" | "height" | "srcset"))
        };
        for a in &attrs {
            if a.name == "id" {
                let id = crate::raw_html::decode(&h[a.value.clone()]);
                if !id.is_empty() {
                    self.out.ids.push(id);
                }
                continue;
            }
            if !matches!(a.name.as_str(), "href" | "src" | "poster") {
                continue;
            }
            let dest = crate::raw_html::decode(h[a.value.clone()].trim());
            let (line, col) = self.pos(offset + a.value.start);
            let resource = a.name != "href";
            let stripped =
                !self.unsafe_html && crate::raw_html::STRIPPED_TAGS.contains(&a.tag.as_str());
            if is_external(&dest) && !resource && !dest.starts_with("//") {
                self.refuse_scheme(&dest, line, col);
                continue;
            }
            if is_external(&dest) {
                // A removed tag was pointed out above.
                if resource && !stripped && !dest.starts_with("data:") {
                    self.diags.push(
                        Diagnostic::error(format!("正文的 <{}> 引用了外部网站的内容", a.tag))
                            .in_file(self.src.file)
                            .at(line, col)
                            .with_source_line(self.src.file_text, 2)
                            .with_hint(
                                "本站的页面不从其他网站加载任何内容（内网和手机上也要能打开）。请把文件下载下来，放在文章旁边，再写它的文件名。",
                            ),
                    );
                }
                continue;
            }
            if dest.is_empty() {
                continue;
            }
            let link = self.out.links.len();
            self.out.links.push(LinkRef {
                dest,
                title: String::new(),
                alt: String::new(),
                is_image: resource,
                line,
                col,
            });
            let t = self.token(if a.tag == "img" && a.name == "src" {
                TokenKind::ImgSrc {
                    link,
                    // The sanitiser writes every attribute again in double quotes.
                    quote: if self.unsafe_html { a.quote } else { Some('"') },
                    sized: sized(a.element),
                }
            } else {
                TokenKind::Url { link }
            });
            out.push_str(&h[copied..a.value.start]);
            out.push_str(&t);
            copied = a.value.end;
        }
        if copied == 0 {
            return h;
        }
        out.push_str(&h[copied..]);
        out.into()
    }

    pub(super) fn start_image(
        &mut self,
        link_type: LinkType,
        dest: CowStr<'a>,
        title: CowStr<'a>,
        id: CowStr<'a>,
        offset: usize,
    ) {
        let (line, col) = self.pos(offset);
        if is_external(&dest) && !dest.starts_with("data:") {
            self.diags.push(
                Diagnostic::error("正文引用了外部网站的图片")
                    .in_file(self.src.file)
                    .at(line, col)
                    .with_source_line(self.src.file_text, 2)
                    .with_hint(
                        "本站的页面不从其他网站加载任何内容（内网和手机上也要能打开）。请把图片下载下来，放在文章旁边，再写 ![说明](图片文件名.jpg)。",
                    ),
            );
        }
        if is_external(&dest) {
            // Keep the element (data: images, or the error above stops the build anyway).
            self.emit(Event::Start(Tag::Image {
                link_type,
                dest_url: dest,
                title,
                id,
            }));
            return;
        }
        let link = self.out.links.len();
        self.out.links.push(LinkRef {
            dest: dest.to_string(),
            title: title.to_string(),
            alt: String::new(),
            is_image: true,
            line,
            col,
        });
        self.image = Some((link, String::new()));
    }

    /// The end of a link: the closing token of one that was tokenised.
    pub(super) fn end_link(&mut self) {
        match self.link_stack.pop().flatten() {
            Some(link) => {
                let t = self.token(TokenKind::LinkClose { link });
                self.emit(Event::InlineHtml(t.into()));
            }
            None => self.emit(Event::End(TagEnd::Link)),
        }
    }

    /// The end of an image: its alt text is known (a warning when there is none), and it
    /// becomes a token.
    pub(super) fn end_image(&mut self) {
        let Some((link, alt)) = self.image.take() else {
            self.emit(Event::End(TagEnd::Image));
            return;
        };
        let alt = alt.trim().to_string();
        if alt.is_empty() {
            let l = &self.out.links[link];
            let (line, col) = (l.line, l.col);
            self.diags.push(
                Diagnostic::error("图片缺少说明文字（alt）")
                    .in_file(self.src.file)
                    .at(line, col)
                    .with_source_line(self.src.file_text, 2)
                    .with_hint(
                        "在 ![ ] 的方括号里写一句图片的内容，例如 ![村民在法治长廊前听讲解](photo.jpg)，视障读者靠它了解图片。只起装饰作用的图片请写成 <img src=\"花边.png\" alt=\"\">。",
                    ),
            );
        }
        self.out.links[link].alt = alt;
        let t = self.token(TokenKind::Image { link });
        self.emit(Event::InlineHtml(t.into()));
    }
}
