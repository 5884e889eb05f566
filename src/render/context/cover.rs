//! Render step, view models: a page's cover image — for the page itself a `srcset` in
//! WebP and JPEG (or PNG), for list cards a small thumbnail, for share cards (Open Graph,
//! JSON-LD) a JPEG about 1200 pixels wide.

use serde::Serialize;

use crate::config::Config;
use crate::images::markup::{self, BODY_SIZES};
use crate::images::{Format, ImageInfo};
use crate::site::links::{FileLink, ImageLink};

/// A cover image.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CoverVm {
    /// The address to show (for an image, a size near 800 pixels wide).
    pub url: String,
    /// Absolute address of the share image (for Open Graph).
    pub permalink: String,
    pub alt: String,
    /// A bitmap (JPEG, PNG, WebP, GIF): WeChat and most apps show no SVG in a share card.
    pub raster: bool,
    /// Processed images: width and height of the largest size (for the aspect ratio).
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// `srcset` in the fallback format (JPEG or PNG) and in WebP, and the `sizes` to use.
    pub srcset: Option<String>,
    pub srcset_webp: Option<String>,
    pub sizes: &'static str,
    /// The list cards' thumbnail (fallback format and WebP) and its size.
    pub thumb: Option<String>,
    pub thumb_webp: Option<String>,
    pub thumb_width: Option<u32>,
    pub thumb_height: Option<u32>,
}

impl CoverVm {
    pub fn new(file: &FileLink, alt: &str, c: &Config) -> CoverVm {
        let ext = file
            .href
            .rsplit('.')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let mut vm = CoverVm {
            url: file.href.clone(),
            permalink: format!("{}{}", c.origin(), file.href),
            alt: alt.to_string(),
            raster: matches!(ext.as_str(), "jpg" | "jpeg" | "png" | "webp" | "gif"),
            width: None,
            height: None,
            srcset: None,
            srcset_webp: None,
            sizes: BODY_SIZES,
            thumb: None,
            thumb_webp: None,
            thumb_width: None,
            thumb_height: None,
        };
        if let Some((w, h)) = file.size {
            (vm.width, vm.height) = (Some(w), Some(h));
        }
        if let Some(img) = &file.image {
            vm.add_image(img, &c.images.share_width, c);
        }
        vm
    }

    fn add_image(&mut self, img: &ImageLink, share_width: &u32, c: &Config) {
        let info: &ImageInfo = &img.info;
        let hrefs = img.hrefs();
        let fallback = info.fallback();
        if let Some((k, _)) = markup::default_variant(info, fallback) {
            self.url = hrefs[k].clone();
        }
        if let Some(v) = img.info.largest() {
            self.width = Some(v.width);
            self.height = Some(v.height);
        }
        self.srcset = Some(markup::srcset(info, &hrefs, fallback));
        self.srcset_webp =
            Some(markup::srcset(info, &hrefs, Format::WebP)).filter(|s| !s.is_empty());
        // The share image: the widest JPEG (or PNG) not wider than the share width.
        let share = info
            .variants
            .iter()
            .zip(&hrefs)
            .filter(|(v, _)| v.format == fallback && !v.thumb && v.width <= *share_width)
            .max_by_key(|(v, _)| v.width)
            .or_else(|| {
                info.variants
                    .iter()
                    .zip(&hrefs)
                    .find(|(v, _)| v.format == fallback)
            });
        if let Some((_, h)) = share {
            self.permalink = format!("{}{h}", c.origin());
        }
        // The thumbnail: the smallest size (the thumbnail, or a small image itself).
        let smallest = |f: Format| {
            info.variants
                .iter()
                .zip(&hrefs)
                .filter(|(v, _)| v.format == f)
                .min_by_key(|(v, _)| v.width)
        };
        if let Some((v, h)) = smallest(fallback) {
            self.thumb = Some(h.clone());
            self.thumb_width = Some(v.width);
            self.thumb_height = Some(v.height);
        }
        self.thumb_webp = smallest(Format::WebP).map(|(_, h)| h.clone());
    }
}
