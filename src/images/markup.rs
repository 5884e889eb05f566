//! Images, the markup: a `<picture>` with a WebP `<source>` and a JPEG or PNG `<img>`,
//! both with `srcset` and `sizes`, the image's `width` and `height` (the browser reserves
//! its place: no layout shift), lazy loading for all but the first image of a page, and a
//! "查看大图" link to the largest size. Pure: strings in, a string out.

use super::{Format, ImageInfo, Variant};
use crate::text::escape_html;

/// How wide an image is shown, for the browser's choice from `srcset`: the article column
/// is at most 46rem (736 px) and has 1rem of margin each side on a phone.
pub const BODY_SIZES: &str = "(max-width: 48rem) calc(100vw - 2rem), 46rem";

/// One use of an image.
pub struct Use<'a> {
    pub info: &'a ImageInfo,
    /// Address of each variant (same order as `info.variants`).
    pub hrefs: &'a [String],
    pub alt: &'a str,
    pub title: &'a str,
    /// The first image of its page: loaded at once.
    pub eager: bool,
    /// Address of the largest size, for the "查看大图" link (when it is larger than shown).
    pub large: Option<&'a str>,
}

/// `srcset` of the page-sized variants of `format`.
pub fn srcset(info: &ImageInfo, hrefs: &[String], format: Format) -> String {
    let mut out = String::new();
    for (v, h) in info.variants.iter().zip(hrefs) {
        if v.format == format && !v.thumb {
            if !out.is_empty() {
                out.push_str(", ");
            }
            out.push_str(h);
            out.push(' ');
            crate::text::push_decimal(&mut out, v.width, 1);
            out.push('w');
        }
    }
    out
}

/// The variant a browser without `srcset` shows: the page size nearest 800 pixels wide.
pub fn default_variant(info: &ImageInfo, format: Format) -> Option<(usize, &Variant)> {
    info.variants
        .iter()
        .enumerate()
        .filter(|(_, v)| v.format == format && !v.thumb)
        .min_by_key(|(_, v)| v.width.abs_diff(800))
}

/// The `<picture>` of one image in a page's body.
pub fn picture(u: &Use<'_>, out: &mut String) {
    let fallback = u.info.fallback();
    let Some((k, v)) = default_variant(u.info, fallback) else {
        return;
    };
    // width/height give the aspect ratio; CSS scales the image to its column.
    let largest = u.info.largest().unwrap_or(v);
    out.push_str("<picture class=\"pf-picture\">");
    let webp = srcset(u.info, u.hrefs, Format::WebP);
    if !webp.is_empty() {
        out.push_str("<source type=\"image/webp\" srcset=\"");
        out.push_str(&escape_html(&webp));
        out.push_str("\" sizes=\"");
        out.push_str(BODY_SIZES);
        out.push_str("\">");
    }
    out.push_str("<img src=\"");
    out.push_str(&escape_html(&u.hrefs[k]));
    out.push_str("\" srcset=\"");
    out.push_str(&escape_html(&srcset(u.info, u.hrefs, fallback)));
    out.push_str("\" sizes=\"");
    out.push_str(BODY_SIZES);
    out.push_str(&format!(
        "\" width=\"{}\" height=\"{}\" alt=\"",
        largest.width, largest.height
    ));
    out.push_str(&escape_html(u.alt));
    out.push('"');
    if !u.title.is_empty() {
        out.push_str(" title=\"");
        out.push_str(&escape_html(u.title));
        out.push('"');
    }
    if !u.eager {
        out.push_str(" loading=\"lazy\" decoding=\"async\"");
    }
    out.push_str("></picture>");
    if let Some(large) = u.large.filter(|_| largest.width > 800) {
        out.push_str("<a class=\"pf-zoom\" href=\"");
        out.push_str(&escape_html(large));
        out.push_str("\">查看大图</a>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info() -> ImageInfo {
        let v = |width, format, thumb| Variant {
            width,
            height: width * 3 / 4,
            format,
            thumb,
            len: 1,
        };
        ImageInfo {
            hash: "0123456789abcdef".into(),
            width: 4000,
            height: 3000,
            variants: vec![
                v(480, Format::WebP, false),
                v(480, Format::Jpeg, false),
                v(1600, Format::WebP, false),
                v(1600, Format::Jpeg, false),
                v(360, Format::WebP, true),
                v(360, Format::Jpeg, true),
            ],
        }
    }

    #[test]
    fn a_picture_offers_webp_and_jpeg_with_sizes_and_dimensions() {
        let info = info();
        let hrefs: Vec<String> = (0..6).map(|k| format!("/v{k}")).collect();
        let mut out = String::new();
        let u = Use {
            info: &info,
            hrefs: &hrefs,
            alt: "调解 \"现场\"",
            title: "",
            eager: false,
            large: Some("/v3"),
        };
        picture(&u, &mut out);
        assert_eq!(
            out,
            "<picture class=\"pf-picture\"><source type=\"image/webp\" srcset=\"/v0 480w, /v2 1600w\" \
             sizes=\"(max-width: 48rem) calc(100vw - 2rem), 46rem\"><img src=\"/v1\" \
             srcset=\"/v1 480w, /v3 1600w\" sizes=\"(max-width: 48rem) calc(100vw - 2rem), 46rem\" \
             width=\"1600\" height=\"1200\" alt=\"调解 &quot;现场&quot;\" loading=\"lazy\" \
             decoding=\"async\"></picture><a class=\"pf-zoom\" href=\"/v3\">查看大图</a>"
        );
    }
}
