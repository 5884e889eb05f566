//! Link step: resolve the links of one Markdown body against the site graph and swap the
//! body's tokens for final markup. Relative `.md` paths, relative files (images, PDFs) and
//! site-absolute paths are checked; a link to nothing is an error with file and line; a link
//! to a withdrawn (draft or expired) page is a warning and loses its link.
//!
//! Every lookup in the index notes the [`Fact`] it depends on (the site path, source path,
//! anchors or content file asked about — misses included), so that a page's links are
//! resolved again exactly when something they asked about changed.

use crate::fingerprint::{FastMap, FastSet};

use std::sync::Arc;

use crate::images::ImageInfo;

use crate::content::page::Page;
use crate::content::quotes::Quotes;
use crate::diag::Diagnostic;
use crate::markdown::{LinkRef, Rendered, TOKEN_CLOSE, TOKEN_OPEN, TokenKind, is_external};
use crate::reads::{Fact, read, sym};
use crate::text::{decode_percent, escape_html};

/// What a site path leads to.
#[derive(Debug, Clone)]
pub enum Target {
    /// A content page, with the ids (anchors) it defines.
    Page(Arc<[String]>),
    /// A page of the statute library (index into [`LinkIndex::law_ids`]).
    Law(usize),
    /// A generated page or file whose ids we do not check (lists, feeds, static files).
    Other,
}

impl PartialEq for Target {
    /// The same for links: the same kind and, for pages, the same ids.
    fn eq(&self, other: &Target) -> bool {
        match (self, other) {
            (Target::Page(a), Target::Page(b)) => a == b,
            (Target::Law(a), Target::Law(b)) => a == b,
            (Target::Other, Target::Other) => true,
            _ => false,
        }
    }
}

/// Everything link resolution needs to know about the site.
#[derive(Debug, Default)]
pub struct LinkIndex {
    /// The site's base path (`/hgz/`), put before every site path.
    pub base_path: String,
    /// Site path (decoded, no leading slash; pages end in `/`) → target.
    pub paths: FastMap<String, Target>,
    /// Source path (`content/articles/a.md`) → site path, for `.md` links.
    pub sources: FastMap<String, String>,
    /// Source paths of pages that exist but are not published (drafts, expired).
    pub withdrawn: FastMap<String, &'static str>,
    /// Site paths those withdrawn pages would have (with how many pages have each).
    pub withdrawn_paths: FastMap<String, usize>,
    /// Source paths of files that have errors of their own (already reported).
    pub failed: FastSet<String>,
    /// Statute pages with the ids they define.
    pub law_ids: Arc<Vec<(String, FastSet<String>)>>,
    /// Content asset (`content/articles/a.jpg`) → where a link from a given page should
    /// point.
    pub assets: FastMap<String, AssetPlacement>,
    /// The site publishes images' originals (`images.publish_originals`).
    pub publish_originals: bool,
}

/// Where copies of one content asset are written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssetPlacement {
    /// Page path → site path of the copy beside that page.
    pub beside: FastMap<String, String>,
    /// Site path used by everyone else.
    pub main: String,
    /// Size of the source file.
    pub len: u64,
    /// A processed image: its variants sit beside that path instead of the file.
    pub image: Option<Arc<ImageInfo>>,
    /// Width and height of an SVG image.
    pub size: Option<(u32, u32)>,
}

/// A link to a content file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FileLink {
    /// Its address: for an image, of its largest JPEG or PNG variant (or of the original,
    /// when the site publishes originals).
    pub href: String,
    /// Size of the source file in bytes (0 when not known: a static file).
    pub len: u64,
    pub image: Option<ImageLink>,
    /// Captions of a video: the address of the `.vtt` file of the same name beside it.
    pub captions: Option<String>,
    /// Width and height of an image that is not processed (SVG), when it says.
    pub size: Option<(u32, u32)>,
}

/// Where the variants of a linked image are.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImageLink {
    pub info: Arc<ImageInfo>,
    /// Address of the folder the variants are in (ends in `/`).
    pub folder: String,
    /// The source's file name (the variants are named after it).
    pub name: String,
}

impl ImageLink {
    /// Address of one variant.
    pub fn href(&self, v: &crate::images::Variant) -> String {
        // The end of a variant's name (`-800.1a2b3c4d.webp`) needs no encoding.
        let stem = crate::images::without_extension(&self.name);
        let mut out = String::with_capacity(self.folder.len() + stem.len() * 3 + 24);
        out.push_str(&self.folder);
        crate::text::push_encoded_path(&mut out, stem);
        self.info.name_end(v, &mut out);
        out
    }

    /// The address of every variant (in the order of `info.variants`).
    pub fn hrefs(&self) -> Vec<String> {
        self.info.variants.iter().map(|v| self.href(v)).collect()
    }
}

/// The document whose links are being resolved.
#[derive(Debug, Clone, Copy)]
pub struct Doc<'a> {
    pub source: &'a str,
    /// Site path of the document itself (for `#fragment` links and asset placement).
    pub path: &'a str,
    pub own_ids: &'a [String],
}

/// A resolved link: final href, or a withdrawn target (rendered as plain text).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Resolved {
    Href(String),
    /// A content file (an image, a video, a PDF…).
    File(Arc<FileLink>),
    Withdrawn,
    /// The target file has errors of its own (already reported): no second message.
    Failed,
}

pub use crate::text::{folder_of, join_relative};

/// The link targets of a page: content-relative paths of its links, cover and recording.
pub fn relative_targets(p: &Page) -> impl Iterator<Item = String> + '_ {
    let folder = folder_of(&p.source);
    p.body
        .links
        .iter()
        .chain(p.cover.iter())
        .chain(p.audio.iter())
        .filter(|l| {
            let d = l.dest.trim();
            !is_external(d) && !d.starts_with('/') && !d.starts_with('#')
        })
        .filter_map(move |l| {
            let dec = decode_percent(l.dest.trim().split(['#', '?']).next().unwrap_or(""));
            join_relative(folder, &dec)
        })
        .flat_map(|t| {
            // A video's captions go where the video goes.
            let vtt = match super::media::media_of(&t) {
                super::media::Media::Video(_) => {
                    t.rsplit_once('.').map(|(s, _)| format!("{s}.vtt"))
                }
                _ => None,
            };
            std::iter::once(t).chain(vtt)
        })
}

impl LinkIndex {
    /// Does site path `p` lead somewhere?
    pub fn has_path(&self, p: &str) -> bool {
        read(Fact::LinkPath(sym(p)));
        self.paths.contains_key(p)
    }

    fn is_withdrawn_path(&self, p: &str) -> bool {
        read(Fact::LinkPath(sym(p)));
        self.withdrawn_paths.contains_key(p)
    }

    fn source(&self, s: &str) -> (Option<&String>, bool) {
        read(Fact::LinkSource(sym(s)));
        let gone = self.withdrawn.contains_key(s) || self.failed.contains(s);
        (self.sources.get(s), gone)
    }

    fn is_failed(&self, s: &str) -> bool {
        read(Fact::LinkSource(sym(s)));
        self.failed.contains(s)
    }

    /// Does the page at site path `p` define id `f`? (`None`: not a page whose ids we know.)
    fn has_id(&self, p: &str, f: &str) -> Option<bool> {
        read(Fact::LinkPath(sym(p)));
        read(Fact::LinkIds(sym(p)));
        match self.paths.get(p)? {
            Target::Page(ids) => Some(ids.iter().any(|x| x == f)),
            Target::Law(k) => Some(self.law_ids.get(*k).is_some_and(|(_, s)| s.contains(f))),
            Target::Other => None,
        }
    }

    /// Resolve one link of `doc`.
    pub fn resolve(&self, doc: &Doc<'_>, link: &LinkRef) -> Result<Resolved, Diagnostic> {
        let raw = link.dest.trim();
        if raw.is_empty() {
            return Err(Diagnostic::error("链接的地址是空的")
                .with_hint("在圆括号里写上要链接的文件，例如 [通知](../events/xianfa-ri.md)"));
        }
        if is_external(raw) {
            return Ok(Resolved::Href(raw.to_string()));
        }
        let (path_part, fragment) = match raw.find('#') {
            Some(i) => (&raw[..i], Some(&raw[i + 1..])),
            None => (raw, None),
        };
        let path_part = path_part.split('?').next().unwrap_or("");
        let path_dec = decode_percent(path_part);
        let frag_dec = fragment.map(decode_percent);

        if path_dec.is_empty() {
            return same_page(doc, fragment, frag_dec);
        }

        let site_path = if let Some(abs) = path_dec.strip_prefix('/') {
            self.site_absolute(abs)?
        } else {
            self.relative(doc, &path_dec)?
        };
        let Some(site_path) = site_path else {
            let target = join_relative(folder_of(doc.source), &path_dec).unwrap_or_default();
            return Ok(if self.is_failed(&target) {
                Resolved::Failed
            } else {
                Resolved::Withdrawn
            });
        };
        if let Some(f) = &frag_dec
            && !f.is_empty()
            && self.has_id(&site_path, f) == Some(false)
        {
            return Err(Diagnostic::error(format!(
                "链接的页面 /{site_path} 里没有 “#{f}” 这个位置"
            ))
            .with_hint("检查 # 后面的名字是否和那个页面的某个标题一致。"));
        }
        let mut href = format!(
            "{}{}",
            self.base_path,
            crate::text::encode_path(site_path.trim_start_matches('/'))
        );
        if !path_dec.starts_with('/')
            && let Some(joined) = join_relative(folder_of(doc.source), &path_dec)
            && let Some(place) = self.assets.get(&joined)
        {
            let mut file = self.file_link(place, &site_path, href);
            // `报告.pdf#page=3` keeps its fragment (a processed image has none to keep).
            if let (Some(f), None) = (fragment, &file.image) {
                file.href.push('#');
                file.href
                    .push_str(&crate::text::encode_path(&decode_percent(f)));
            }
            if let super::media::Media::Video(_) = super::media::media_of(&joined) {
                file.captions = self.captions(doc, &joined);
            }
            return Ok(Resolved::File(Arc::new(file)));
        }
        if let Some(f) = fragment {
            href.push('#');
            href.push_str(&crate::text::encode_path(&decode_percent(f)));
        }
        Ok(Resolved::Href(href))
    }

    /// The address of the captions (`a.vtt`) of the video `joined` (`a.mp4`), if any.
    fn captions(&self, doc: &Doc<'_>, joined: &str) -> Option<String> {
        let stem = joined.rsplit_once('.').map_or(joined, |(s, _)| s);
        let vtt = format!("{stem}.vtt");
        read(Fact::LinkAsset(sym(&vtt)));
        let place = self.assets.get(&vtt)?;
        let p = place.beside.get(doc.path).unwrap_or(&place.main);
        Some(format!(
            "{}{}",
            self.base_path,
            crate::text::encode_path(p.trim_start_matches('/'))
        ))
    }

    /// The link to a content file placed at `site_path` (whose address is `href`).
    fn file_link(&self, place: &AssetPlacement, site_path: &str, href: String) -> FileLink {
        let Some(info) = &place.image else {
            return FileLink {
                href,
                len: place.len,
                image: None,
                captions: None,
                size: place.size,
            };
        };
        let (folder, name) = site_path.rsplit_once('/').unwrap_or(("", site_path));
        let folder = match folder {
            "" => self.base_path.clone(),
            f => format!("{}{}/", self.base_path, crate::text::encode_path(f)),
        };
        let image = ImageLink {
            info: info.clone(),
            folder,
            name: name.to_string(),
        };
        let href = match image.info.largest() {
            Some(v) if !self.publish_originals => image.href(v),
            _ => href,
        };
        FileLink {
            href,
            len: place.len,
            image: Some(image),
            captions: None,
            size: None,
        }
    }

    /// `/articles/a/` style paths (relative to the site root, not the server root).
    fn site_absolute(&self, abs: &str) -> Result<Option<String>, Diagnostic> {
        if self.has_path(abs) {
            return Ok(Some(abs.to_string()));
        }
        let candidates = [
            abs.to_string(),
            format!("{}/", abs.trim_end_matches('/')),
            abs.trim_end_matches("index.html").to_string(),
        ];
        for c in &candidates {
            let c = if c == "/" { String::new() } else { c.clone() };
            if self.has_path(&c) {
                return Ok(Some(c));
            }
            if self.is_withdrawn_path(&c) {
                return Ok(None);
            }
        }
        Err(Diagnostic::error(format!("链接指向的页面 /{abs} 不存在"))
            .with_hint(
                "本站内的链接最好写成相对于文件的路径，例如 [通知](../events/xianfa-ri.md)，pufa 会检查它并算出网址。",
            ))
    }

    /// `../events/a.md`, `photo.jpg`, `../about/`.
    fn relative(&self, doc: &Doc<'_>, rel: &str) -> Result<Option<String>, Diagnostic> {
        let folder = folder_of(doc.source);
        let Some(joined) = join_relative(folder, rel) else {
            return Err(
                Diagnostic::error(format!("链接 “{rel}” 指到了站点文件夹外面"))
                    .with_hint("只能链接 content/ 里的文件。"),
            );
        };
        if joined.ends_with(".md") {
            return match self.source(&joined) {
                (Some(p), _) => Ok(Some(p.clone())),
                (None, true) => Ok(None),
                (None, false) => Err(Diagnostic::error(format!("链接的文件 {joined} 不存在"))
                    .with_hint(format!(
                        "检查文件名和路径（从 {folder}/ 出发计算）。{}",
                        self.suggest_source(&joined)
                    ))),
            };
        }
        read(Fact::LinkAsset(sym(&joined)));
        if let Some(place) = self.assets.get(&joined) {
            let p = place
                .beside
                .get(doc.path)
                .cloned()
                .unwrap_or_else(|| place.main.clone());
            return Ok(Some(p));
        }
        if self.failed.contains(&joined) {
            // An image the image step could not process (already reported).
            return Ok(None);
        }
        // A relative URL written against the page's address (`../about/`).
        if let Some(by_url) = join_relative(doc.path.trim_end_matches('/'), rel) {
            let by_url_dir = format!("{}/", by_url.trim_end_matches('/'));
            for c in [by_url.clone(), by_url_dir] {
                if self.has_path(&c) {
                    return Ok(Some(c));
                }
            }
        }
        Err(Diagnostic::error(format!("链接的文件 {joined} 不存在"))
            .with_hint("图片和附件要放在 content/ 里（最好就在文章旁边），链接写文件名，例如 ![说明](photo.jpg)。"))
    }

    fn suggest_source(&self, wanted: &str) -> String {
        read(Fact::LinkAllSources);
        let name = wanted.rsplit('/').next().unwrap_or(wanted);
        let mut hits: Vec<&String> = self
            .sources
            .keys()
            .filter(|s| s.rsplit('/').next() == Some(name))
            .collect();
        hits.sort();
        match hits.first() {
            Some(h) => format!("同名文件在 {h}。"),
            None => String::new(),
        }
    }

    /// Swap the tokens of `body` for final markup; problems come back located in `doc`.
    pub fn finish(
        &self,
        doc: &Doc<'_>,
        body: &Rendered,
        quotes: &Quotes,
    ) -> (String, Vec<Diagnostic>) {
        let (resolved, diags) = self.resolve_all(doc, body, quotes);
        (substitute(body, &resolved, true), diags)
    }

    /// Resolve every link of `body`; problems come back located in `doc`.
    pub fn resolve_all(
        &self,
        doc: &Doc<'_>,
        body: &Rendered,
        quotes: &Quotes,
    ) -> (Vec<Resolved>, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let resolved: Vec<Resolved> = body
            .links
            .iter()
            .map(|l| match self.resolve(doc, l) {
                Ok(r) => {
                    if r == Resolved::Withdrawn {
                        diags.push(withdrawn_warning(doc, l, quotes));
                    }
                    r
                }
                Err(d) => {
                    diags.push(
                        d.in_file(doc.source)
                            .at(l.line, l.col)
                            .quoting(quotes.line(l.line), 1),
                    );
                    Resolved::Withdrawn
                }
            })
            .collect();
        (resolved, diags)
    }
}

/// A `#fragment` link within the page itself.
fn same_page(
    doc: &Doc<'_>,
    fragment: Option<&str>,
    frag_dec: Option<String>,
) -> Result<Resolved, Diagnostic> {
    let f = frag_dec.unwrap_or_default();
    if !f.is_empty() && !doc.own_ids.contains(&f) {
        return Err(
            Diagnostic::error(format!("本页没有 “#{f}” 这个位置")).with_hint(format!(
                "页内链接要指向本页的一个标题。本页的位置有：{}",
                preview(doc.own_ids)
            )),
        );
    }
    Ok(Resolved::Href(format!("#{}", fragment.unwrap_or(""))))
}

fn withdrawn_warning(doc: &Doc<'_>, l: &LinkRef, quotes: &Quotes) -> Diagnostic {
    Diagnostic::warning(format!(
        "链接的页面 {} 是草稿、还没到发布时间或已过期，现在不发布，这里只显示文字",
        l.dest
    ))
    .in_file(doc.source)
    .at(l.line, l.col)
    .quoting(quotes.line(l.line), 1)
    .with_hint("页面发布后链接会自动恢复；如果它已经撤下，请删掉这个链接。")
}

/// Swap the tokens of `body` for final markup, given each link's resolution.
/// `first_image`: the body's first image is the first of its page (loaded at once).
pub fn substitute(body: &Rendered, resolved: &[Resolved], mut first_image: bool) -> String {
    if body.tokens.is_empty() {
        return body.html.clone();
    }
    let mut out = String::with_capacity(body.html.len() + body.links.len() * 40);
    let mut rest = body.html.as_str();
    // memmem looks for the token's rarest byte; `str::find` would stop at every 0x80, the
    // last byte of the token and of many Chinese characters.
    let open =
        memchr::memmem::Finder::new(TOKEN_OPEN.encode_utf8(&mut [0; 4]).as_bytes()).into_owned();
    while let Some(i) = open.find(rest.as_bytes()) {
        out.push_str(&rest[..i]);
        let after = &rest[i + TOKEN_OPEN.len_utf8()..];
        let Some(j) = after.find(TOKEN_CLOSE) else {
            out.push_str(&rest[i..]);
            rest = "";
            break;
        };
        let n: usize = after[..j].parse().unwrap_or(usize::MAX);
        rest = &after[j + TOKEN_CLOSE.len_utf8()..];
        if let Some(token) = body.tokens.get(n) {
            push_token(&mut out, body, token, resolved, &mut first_image);
        }
    }
    out.push_str(rest);
    out
}

/// The markup of one token.
fn push_token(
    out: &mut String,
    body: &Rendered,
    token: &TokenKind,
    resolved: &[Resolved],
    first_image: &mut bool,
) {
    let href = |link: usize| match &resolved[link] {
        Resolved::Href(h) => Some(h.as_str()),
        Resolved::File(f) => Some(f.href.as_str()),
        Resolved::Withdrawn | Resolved::Failed => None,
    };
    match token {
        TokenKind::LinkOpen { link } => match href(*link) {
            Some(h) => {
                out.push_str("<a href=\"");
                out.push_str(&escape_html(h));
                out.push('"');
                let t = &body.links[*link].title;
                if !t.is_empty() {
                    out.push_str(" title=\"");
                    out.push_str(&escape_html(t));
                    out.push('"');
                }
                out.push('>');
            }
            None => out.push_str("<span class=\"pf-unlinked\">"),
        },
        TokenKind::LinkClose { link } => match &resolved[*link] {
            Resolved::File(f) => {
                out.push_str("</a>");
                if let Some(note) = super::media::file_note(f) {
                    out.push_str("<span class=\"pf-file-info\">");
                    out.push_str(&escape_html(&note));
                    out.push_str("</span>");
                }
            }
            Resolved::Href(_) => out.push_str("</a>"),
            Resolved::Withdrawn | Resolved::Failed => out.push_str("</span>"),
        },
        TokenKind::Image { link } => {
            let l = &body.links[*link];
            let eager = std::mem::take(first_image);
            match &resolved[*link] {
                Resolved::File(f) => super::media::embed(f, &l.alt, &l.title, eager, out),
                other => {
                    let h = match other {
                        Resolved::Href(h) => h.as_str(),
                        _ => "",
                    };
                    let f = FileLink {
                        href: h.to_string(),
                        len: 0,
                        image: None,
                        captions: None,
                        size: None,
                    };
                    super::media::embed(&f, &l.alt, &l.title, eager, out);
                }
            }
        }
        TokenKind::ImgSrc { link, quote, sized } => match &resolved[*link] {
            Resolved::File(f) if !sized => super::media::img_src(f, *quote, out),
            _ => out.push_str(&escape_html(href(*link).unwrap_or("#"))),
        },
        TokenKind::Url { link } => match href(*link) {
            Some(h) => out.push_str(&escape_html(h)),
            // The raw element stays; its address leads nowhere rather than astray.
            None => out.push('#'),
        },
    }
}

fn preview(ids: &[String]) -> String {
    if ids.is_empty() {
        return "（本页没有标题）".into();
    }
    let mut v: Vec<String> = ids.iter().take(8).map(|i| format!("#{i}")).collect();
    if ids.len() > 8 {
        v.push("…".into());
    }
    v.join("、")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_relative_paths() {
        assert_eq!(
            join_relative("content/articles", "../events/a.md").as_deref(),
            Some("content/events/a.md")
        );
        assert_eq!(join_relative("content", "../../x"), None);
        assert_eq!(folder_of("content/articles/a.md"), "content/articles");
    }

    #[test]
    fn a_variant_address_is_the_encoded_file_name_in_its_folder() {
        use crate::images::{Format, ImageInfo, Variant};
        let v = Variant {
            width: 800,
            height: 600,
            format: Format::WebP,
            thumb: false,
            len: 1,
        };
        let info = ImageInfo {
            hash: "0123456789abcdef".into(),
            width: 1600,
            height: 1200,
            variants: vec![v.clone()],
        };
        for (name, variant) in [
            ("调解 现场#1.jpg", "调解 现场#1-800.01234567.webp"),
            ("photo.JPG", "photo-800.01234567.webp"),
            ("no-extension", "no-extension-800.01234567.webp"),
            ("a.b.c.png", "a.b.c-800.01234567.webp"),
        ] {
            let link = ImageLink {
                info: Arc::new(info.clone()),
                folder: "/hgz/articles/a/".into(),
                name: name.into(),
            };
            let whole = crate::text::encode_path(variant);
            assert_eq!(link.href(&v), format!("/hgz/articles/a/{whole}"), "{name}");
        }
    }
}
