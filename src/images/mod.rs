//! Images: every raster image that content uses is made into a few sizes of WebP and JPEG
//! (PNG for transparency or few colours), upright, in sRGB and with no metadata, and each
//! use is written as `<picture>` with `srcset`. The work sits between the read and the link
//! steps: [`cache`] (the one module here that touches the disk) keeps processed variants
//! in the site's `.pufa-cache/images/`, keyed by the source's bytes and the settings, so a
//! photo is processed once; [`process`] is the pure work; [`markup`] the HTML.

mod animated;
pub mod cache;
pub mod markup;
pub mod metadata;
pub mod process;
pub mod sniff;

use serde::{Deserialize, Serialize};

use crate::diag::Diagnostic;
use sniff::Kind;

/// Encoded format of a variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Format {
    WebP,
    Jpeg,
    Png,
    /// Animated GIFs stay animated GIFs (resized, re-encoded frame by frame).
    Gif,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::WebP, Format::Jpeg, Format::Png, Format::Gif];

    pub fn ext(self) -> &'static str {
        match self {
            Format::WebP => "webp",
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::Gif => "gif",
        }
    }
}

/// One processed size of an image (in the image cache's manifest, a list of its fields).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(
    from = "(u32, u32, Format, bool, u64)",
    into = "(u32, u32, Format, bool, u64)"
)]
pub struct Variant {
    pub width: u32,
    pub height: u32,
    pub format: Format,
    /// The thumbnail size (list cards), not offered in a page's `srcset`.
    pub thumb: bool,
    pub len: u64,
}

impl From<(u32, u32, Format, bool, u64)> for Variant {
    fn from((width, height, format, thumb, len): (u32, u32, Format, bool, u64)) -> Variant {
        Variant {
            width,
            height,
            format,
            thumb,
            len,
        }
    }
}

impl From<Variant> for (u32, u32, Format, bool, u64) {
    fn from(v: Variant) -> Self {
        (v.width, v.height, v.format, v.thumb, v.len)
    }
}

/// What the link and render steps know of a processed image.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ImageInfo {
    /// Fingerprint of the source's bytes (in the variants' names, so a changed photo gets
    /// new addresses and no browser shows the old one from its cache).
    pub hash: String,
    /// Upright size of the source.
    pub width: u32,
    pub height: u32,
    /// Page-sized variants first by width, then the thumbnail.
    pub variants: Vec<Variant>,
}

impl ImageInfo {
    /// The end of every output name of variant `v`, whatever the content file's name
    /// (`-800.1a2b3c4d.webp`), pushed onto `out`: a variant of `photo.jpg` is
    /// [`without_extension`] of it and this (`photo-800.1a2b3c4d.webp`).
    pub fn name_end(&self, v: &Variant, out: &mut String) {
        let short = &self.hash[..self.hash.len().min(SHORT_HASH)];
        out.push('-');
        crate::text::push_decimal(out, v.width, 1);
        out.push('.');
        out.push_str(short);
        out.push('.');
        out.push_str(v.format.ext());
    }

    /// The largest page-sized variant in the fallback format (its size is the image's
    /// `width` and `height` in markup, its address the "查看大图" link).
    pub fn largest(&self) -> Option<&Variant> {
        let f = self.fallback();
        self.variants
            .iter()
            .filter(|v| v.format == f && !v.thumb)
            .max_by_key(|v| v.width)
    }

    /// The fallback (JPEG or PNG) format of this image.
    pub fn fallback(&self) -> Format {
        self.variants
            .iter()
            .map(|v| v.format)
            .find(|f| *f != Format::WebP)
            .unwrap_or(Format::Jpeg)
    }
}

/// Hex digits of an image's fingerprint in its variants' names.
const SHORT_HASH: usize = 8;

/// The group of a name made by [`ImageInfo::name_end`] (`a/photo-800.1a2b3c4d.webp` →
/// `a/photo-*.1a2b3c4d`): every variant of one image has the same, and only another image
/// with the same name and fingerprint, or a file that looks like a variant, shares it.
/// `None` for a path that is not shaped like a variant's name.
pub fn variant_group(path: &str) -> Option<String> {
    let (rest, ext) = path.rsplit_once('.')?;
    if !Format::ALL.iter().any(|f| f.ext() == ext) {
        return None;
    }
    let (rest, hash) = rest.rsplit_once('.')?;
    let (stem, width) = rest.rsplit_once('-')?;
    let hex = |c: u8| c.is_ascii_digit() || (b'a'..=b'f').contains(&c);
    let looks = hash.len() == SHORT_HASH
        && hash.bytes().all(hex)
        && !width.is_empty()
        && width.bytes().all(|c| c.is_ascii_digit());
    looks.then(|| format!("{stem}-*.{hash}"))
}

/// `path` without the extension of its last part (`a.b/photo.jpg` → `a.b/photo`,
/// `a.b/photo` as it is): where the variants' names start.
pub fn without_extension(path: &str) -> &str {
    let name_at = path.rfind('/').map_or(0, |i| i + 1);
    match path[name_at..].rfind('.') {
        Some(dot) => &path[..name_at + dot],
        None => path,
    }
}

/// Image settings (`images:` in site.yaml; every key optional).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImageSettings {
    /// Widths of the page-sized variants (never larger than the source).
    pub widths: Vec<u32>,
    /// Width of the list cards' thumbnail.
    pub thumb_width: u32,
    /// Width of the share card's (Open Graph) image.
    pub share_width: u32,
    /// Qualities chosen by measurement (`scripts/measure_quality.py`, figures in the
    /// README): JPEG 70 is the lowest at which every test photo keeps an SSIM of 0.95 at
    /// 800 and 1200 pixels; WebP 60 matches its SSIM at about half the size.
    pub jpeg_quality: u8,
    pub webp_quality: u8,
    /// Larger images are refused before decoding (decompression bombs).
    pub max_pixels: u64,
    /// Larger source files get a warning.
    pub warn_bytes: u64,
    /// Publish the original too (its metadata segments removed, not re-encoded).
    pub publish_originals: bool,
}

impl Default for ImageSettings {
    fn default() -> Self {
        ImageSettings {
            widths: vec![480, 800, 1200, 1600],
            thumb_width: 360,
            share_width: 1200,
            jpeg_quality: 70,
            webp_quality: 60,
            max_pixels: 50_000_000,
            warn_bytes: 8 << 20,
            publish_originals: false,
        }
    }
}

/// Bumped when processing changes, so the cache remakes every variant.
const PROCESS_VERSION: u32 = 1;

impl ImageSettings {
    /// Fingerprint of everything that changes the variants' bytes.
    pub fn fingerprint(&self) -> u64 {
        crate::fingerprint::of(&(PROCESS_VERSION, self))
    }

    /// The widths to make of a source `w` pixels wide: each configured width below it, and
    /// the source's own width when it is smaller than the largest; then the thumbnail
    /// (`true`), unless a page size is already that small.
    pub fn widths_for(&self, w: u32) -> Vec<(u32, bool)> {
        let mut out: Vec<u32> = self.widths.iter().copied().filter(|x| *x < w).collect();
        let largest = self.widths.iter().copied().max().unwrap_or(w);
        if w <= largest || out.is_empty() {
            out.push(w.min(largest.max(1)));
        }
        out.sort_unstable();
        out.dedup();
        let mut all: Vec<(u32, bool)> = out.iter().map(|x| (*x, false)).collect();
        let thumb = self.thumb_width.min(w);
        if !out.contains(&thumb) {
            all.push((thumb, true));
        }
        all
    }
}

/// Something wrong with an image file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Cannot be read as the image it is (truncated, damaged, not an image at all).
    Corrupt(String),
    /// A format pufa does not publish (HEIC, AVIF, BMP, TIFF).
    Unsupported(Kind),
    /// Width, height and the limit.
    TooManyPixels(u32, u32, u64),
    /// The file could not be read or the cache not written.
    Io(String),
}

impl Problem {
    /// The problem as a message about `file`.
    pub fn diagnostic(&self, file: &str) -> Diagnostic {
        let d = match self {
            // (The decoder's own words are English and technical: not shown.)
            Problem::Corrupt(_) => Diagnostic::error("图片文件已损坏或不完整，读不出来")
            .with_hint("用手机或电脑重新导出这张照片（另存为 JPEG），再放到这里。"),
            Problem::Unsupported(Kind::Heic) => Diagnostic::error(
                "这是苹果手机的 HEIC 照片，网站不能直接使用",
            )
            .with_hint(
                "在电脑上打开它，选“文件 → 导出”存为 JPEG；或在 iPhone 的“设置 → 相机 → 格式”里选“兼容性最佳”后重新拍摄、发送。",
            ),
            Problem::Unsupported(Kind::Other) => Diagnostic::error(
                "文件名像是图片，内容却不是图片（或者是认不出的格式）",
            )
            .with_hint("用看图软件打开它看看；如果打不开，请重新导出这张图片（另存为 JPEG 或 PNG）。"),
            Problem::Unsupported(k) => {
                Diagnostic::error(format!("网站不使用 {} 格式的图片", k.name()))
                    .with_hint("用看图或画图软件把它另存为 JPEG（照片）或 PNG（图表、标志）。")
            }
            Problem::TooManyPixels(w, h, max) => Diagnostic::error(format!(
                "图片有 {w}×{h} 像素，超过了上限 {} 万像素",
                max / 10_000
            ))
            .with_hint("把图片缩小（例如宽 4000 像素以内）后再放进来；这么大的图片网页用不上。"),
            Problem::Io(why) => Diagnostic::error(format!("读写图片时出错：{why}"))
                .with_hint("检查文件是否还在、磁盘是否已满。"),
        };
        d.in_file(file)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_the_last_part_loses_its_extension() {
        use super::without_extension as w;
        assert_eq!(w("articles/a/photo.jpg"), "articles/a/photo");
        assert_eq!(w("a.b/photo"), "a.b/photo");
        assert_eq!(w("a.b/photo.v2.png"), "a.b/photo.v2");
        assert_eq!(w("photo.jpg"), "photo");
        assert_eq!(w("no-extension"), "no-extension");
    }

    #[test]
    fn every_variant_name_of_an_image_falls_in_one_group() {
        use super::{Format, ImageInfo, Variant, variant_group};
        let info = ImageInfo {
            hash: "1a2b3c4d5e6f".into(),
            width: 1600,
            height: 1200,
            variants: Format::ALL
                .iter()
                .map(|&f| Variant::from((800, 600, f, false, 1)))
                .collect(),
        };
        for v in &info.variants {
            let mut name = "articles/a/photo".to_string();
            info.name_end(v, &mut name);
            let group = variant_group(&name);
            assert_eq!(
                group.as_deref(),
                Some("articles/a/photo-*.1a2b3c4d"),
                "{name}"
            );
        }
        for other in [
            "a/photo.jpg",
            "a/photo-800.1a2b3c4.webp",
            "a/photo-x.1a2b3c4d.jpg",
        ] {
            assert_eq!(variant_group(other), None, "{other}");
        }
    }
}
