//! Link step, the markup of linked files: images as `<picture>` (see
//! [`crate::images::markup`]), local video and audio as players with a download link and
//! their size (never an outside player), and links to documents with their type and size
//! (`PDF，1.2 MB`), so a reader on mobile data knows what a tap costs.

use super::links::FileLink;
use crate::images::markup;
use crate::text::escape_html;

pub use crate::content::media_kind::{Media, media_of};

/// The file name in an address, without its `#fragment` or `?query`.
fn name_of(href: &str) -> &str {
    let path = href.split(['#', '?']).next().unwrap_or(href);
    path.rsplit('/').next().unwrap_or(path)
}

/// A size as a reader reads it: `860 KB`, `1.2 MB`.
pub fn human_size(len: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    if len < MB {
        format!("{} KB", len.div_ceil(KB).max(1))
    } else {
        let tenths = (len * 10 + MB / 2) / MB;
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

/// The type and size after a link to a file (`（PDF，1.2 MB）`), if it has a known type.
pub fn file_note(file: &FileLink) -> Option<String> {
    let name = name_of(&file.href);
    let kind = match media_of(name) {
        Media::Video(_) => "视频",
        Media::Audio(_) => "音频",
        Media::Document(d) => d,
        Media::Other => return None,
    };
    match file.len {
        0 => Some(format!("（{kind}）")),
        n => Some(format!("（{kind}，{}）", human_size(n))),
    }
}

/// The markup of an embedded file (`![说明](file)`): a picture, a player, or an image.
pub fn embed(file: &FileLink, alt: &str, title: &str, eager: bool, out: &mut String) {
    if let Some(img) = &file.image {
        let hrefs = img.hrefs();
        let large = img.info.largest().map(|v| img.href(v));
        let u = markup::Use {
            info: &img.info,
            hrefs: &hrefs,
            alt,
            title,
            eager,
            large: large.as_deref(),
        };
        markup::picture(&u, out);
        return;
    }
    let name = name_of(&file.href);
    let (tag, mime) = match media_of(name) {
        Media::Video(m) => ("video", m),
        Media::Audio(m) => ("audio", m),
        _ => {
            plain_img(file, alt, title, out);
            return;
        }
    };
    let href = escape_html(&file.href);
    out.push_str(&format!(
        "<span class=\"pf-media\"><{tag} controls preload=\"none\" title=\"{}\"><source src=\"{href}\" type=\"{mime}\">",
        escape_html(alt)
    ));
    if let Some(vtt) = &file.captions {
        out.push_str(&format!(
            "<track kind=\"captions\" src=\"{}\" srclang=\"zh\" label=\"中文字幕\" default>",
            escape_html(vtt)
        ));
    }
    out.push_str(&format!(
        "</{tag}><a class=\"pf-download\" href=\"{href}\" download>"
    ));
    let what = if tag == "video" { "视频" } else { "音频" };
    out.push_str(&format!("下载{what}：{}", escape_html(alt)));
    if file.len > 0 {
        out.push_str(&format!("（{}）", human_size(file.len)));
    }
    out.push_str("</a></span>");
}

/// The `src` of an `<img>` in raw HTML, in its `quote`: the address of the size near 800
/// pixels, then (for a processed image) `srcset`, `sizes`, `width` and `height` in the
/// fallback format — the raw element cannot become a `<picture>`, so no WebP is offered.
pub fn img_src(file: &FileLink, quote: Option<char>, out: &mut String) {
    let Some(img) = &file.image else {
        out.push_str(&escape_html(&file.href));
        return;
    };
    let hrefs = img.hrefs();
    let fallback = img.info.fallback();
    let (Some((k, _)), Some(large)) = (
        markup::default_variant(&img.info, fallback),
        img.info.largest(),
    ) else {
        out.push_str(&escape_html(&file.href));
        return;
    };
    let srcset = escape_html(&markup::srcset(&img.info, &hrefs, fallback));
    let (w, h) = (large.width, large.height);
    out.push_str(&escape_html(&hrefs[k]));
    let sizes = markup::BODY_SIZES;
    match quote {
        Some(q) => out.push_str(&format!(
            "{q} srcset={q}{srcset}{q} sizes={q}{sizes}{q} width={q}{w}{q} height={q}{h}"
        )),
        None => out.push_str(&format!(
            " srcset=\"{srcset}\" sizes=\"{sizes}\" width=\"{w}\" height={h}"
        )),
    }
}

fn plain_img(file: &FileLink, alt: &str, title: &str, out: &mut String) {
    out.push_str("<img src=\"");
    out.push_str(&escape_html(&file.href));
    if let Some((w, h)) = file.size {
        out.push_str(&format!("\" width=\"{w}\" height=\"{h}"));
    }
    out.push_str("\" alt=\"");
    out.push_str(&escape_html(alt));
    out.push('"');
    if !title.is_empty() {
        out.push_str(" title=\"");
        out.push_str(&escape_html(title));
        out.push('"');
    }
    out.push_str(" loading=\"lazy\">");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_types_read_as_a_reader_reads_them() {
        assert_eq!(human_size(1), "1 KB");
        assert_eq!(human_size(880_000), "860 KB");
        assert_eq!(human_size(1_258_291), "1.2 MB");
        assert_eq!(media_of("a.PDF"), Media::Document("PDF"));
        assert_eq!(media_of("a.mp4"), Media::Video("video/mp4"));
        let f = FileLink {
            href: "/x/通知.pdf".into(),
            len: 1_258_291,
            image: None,
            captions: None,
            size: None,
        };
        assert_eq!(file_note(&f).as_deref(), Some("（PDF，1.2 MB）"));
    }

    #[test]
    fn a_raw_img_src_gets_its_sizes_in_the_author_s_quotes() {
        use crate::images::{Format, ImageInfo, Variant};
        let v = |width, format| Variant {
            width,
            height: width / 2,
            format,
            thumb: false,
            len: 1,
        };
        let info = ImageInfo {
            hash: "0011223344556677".into(),
            width: 1200,
            height: 600,
            variants: vec![
                v(800, Format::WebP),
                v(800, Format::Jpeg),
                v(1200, Format::Jpeg),
            ],
        };
        let f = FileLink {
            href: "/a/p-1200.00112233.jpg".into(),
            len: 9,
            image: Some(super::super::links::ImageLink {
                info: std::sync::Arc::new(info),
                folder: "/a/".into(),
                name: "p.jpg".into(),
            }),
            captions: None,
            size: None,
        };
        let mut out = String::new();
        img_src(&f, Some('\''), &mut out);
        assert_eq!(
            format!("<img src='{out}'>"),
            "<img src='/a/p-800.00112233.jpg' srcset='/a/p-800.00112233.jpg 800w, \
             /a/p-1200.00112233.jpg 1200w' sizes='(max-width: 48rem) calc(100vw - 2rem), 46rem' \
             width='1200' height='600'>"
        );
        out.clear();
        img_src(&f, None, &mut out);
        assert!(out.ends_with(" width=\"1200\" height=600"), "{out}");
    }
}
