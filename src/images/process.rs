//! Images, the work: decode a raster file (its header first, so a decompression bomb is
//! refused before any pixel is allocated), turn it upright by its EXIF orientation, convert
//! its colour profile to sRGB, and encode every variant the settings ask for. Nothing of
//! the source's metadata survives: each variant is encoded from pixels alone.
//! Pure: bytes in, bytes out. Counting decodes lets tests prove a warm cache decodes nothing.

use std::io::Cursor;
use std::sync::atomic::{AtomicUsize, Ordering};

use fast_image_resize as fr;
use image::{DynamicImage, ImageDecoder, ImageReader};

use super::sniff::Kind;
use super::{Format, ImageSettings, Problem, Variant};

/// How many images were decoded in this process (for tests of the cache).
static DECODES: AtomicUsize = AtomicUsize::new(0);

/// How many images this process decoded so far.
pub fn decode_count() -> usize {
    DECODES.load(Ordering::Relaxed)
}

/// Every variant of one image, with its bytes.
pub struct Made {
    /// Upright size of the source.
    pub width: u32,
    pub height: u32,
    pub variants: Vec<(Variant, Vec<u8>)>,
}

/// Upright pixels, 8 bits per channel, alpha only where some pixel is not opaque.
struct Pixels {
    width: u32,
    height: u32,
    alpha: bool,
    data: Vec<u8>,
}

/// Decode `bytes` (of format `kind`) and make every variant.
pub fn process(bytes: &[u8], kind: Kind, s: &ImageSettings) -> Result<Made, Problem> {
    if kind == Kind::Gif
        && let Some(made) = super::animated::process(bytes, s)?
    {
        return Ok(made);
    }
    let pixels = decode(bytes, kind, s)?;
    let fallback = if pixels.alpha || (kind != Kind::Jpeg && few_colours(&pixels)) {
        Format::Png
    } else {
        Format::Jpeg
    };
    let mut variants = Vec::new();
    for (width, thumb) in s.widths_for(pixels.width) {
        let height = scaled_height(pixels.width, pixels.height, width);
        // JPEG sizes are 16-bit and WebP's 14-bit: a very tall image (a scrolling screenshot)
        // gets no WebP where it is too tall for one, and loses a size too tall for JPEG.
        if height > u32::from(u16::MAX) {
            continue;
        }
        let small = resize(&pixels, width, height)?;
        let formats: &[Format] = if height > 16_383 {
            &[fallback]
        } else {
            &[Format::WebP, fallback]
        };
        for &format in formats {
            // Lossless WebP for images kept as PNG (sharp edges, few colours).
            let bytes = encode(&small, format, fallback == Format::Png, s)?;
            let v = Variant {
                width,
                height,
                format,
                thumb,
                len: bytes.len() as u64,
            };
            variants.push((v, bytes));
        }
    }
    if variants.is_empty() {
        return Err(Problem::TooManyPixels(
            pixels.width,
            pixels.height,
            s.max_pixels,
        ));
    }
    Ok(Made {
        width: pixels.width,
        height: pixels.height,
        variants,
    })
}

/// The height of a variant `width` wide, rounded, at least one pixel.
pub fn scaled_height(w: u32, h: u32, width: u32) -> u32 {
    let scaled = (u64::from(h) * u64::from(width) + u64::from(w) / 2) / u64::from(w.max(1));
    scaled.max(1) as u32
}

fn image_format(kind: Kind) -> Option<image::ImageFormat> {
    Some(match kind {
        Kind::Jpeg => image::ImageFormat::Jpeg,
        Kind::Png => image::ImageFormat::Png,
        Kind::Gif => image::ImageFormat::Gif,
        Kind::WebP => image::ImageFormat::WebP,
        _ => return None,
    })
}

fn decoder(bytes: &[u8], kind: Kind, max_pixels: u64) -> Result<impl ImageDecoder + '_, Problem> {
    let format = image_format(kind).ok_or(Problem::Unsupported(kind))?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    // Eight bytes a pixel (16-bit RGBA) and room for the decoder's own buffers.
    limits.max_alloc = Some(max_pixels.saturating_mul(8).saturating_add(64 << 20));
    reader.limits(limits);
    reader
        .into_decoder()
        .map_err(|e| Problem::Corrupt(e.to_string()))
}

fn decode(bytes: &[u8], kind: Kind, s: &ImageSettings) -> Result<Pixels, Problem> {
    if kind == Kind::Jpeg && !super::metadata::jpeg_is_complete(bytes) {
        return Err(Problem::Corrupt("truncated".into()));
    }
    let mut decoder = decoder(bytes, kind, s.max_pixels)?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > s.max_pixels {
        return Err(Problem::TooManyPixels(w, h, s.max_pixels));
    }
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let icc = decoder.icc_profile().ok().flatten();
    DECODES.fetch_add(1, Ordering::Relaxed);
    let mut img =
        DynamicImage::from_decoder(decoder).map_err(|e| Problem::Corrupt(e.to_string()))?;
    img.apply_orientation(orientation);
    let alpha = img.color().has_alpha() && !img.to_rgba8().pixels().all(|p| p.0[3] == 255);
    let (width, height) = (img.width(), img.height());
    let mut data = if alpha {
        img.into_rgba8().into_raw()
    } else {
        img.into_rgb8().into_raw()
    };
    if let Some(icc) = icc {
        to_srgb(&icc, alpha, &mut data);
    }
    Ok(Pixels {
        width,
        height,
        alpha,
        data,
    })
}

/// Convert pixels described by an ICC profile to sRGB (in place). A profile that cannot be
/// read, or is not an RGB one (a CMYK JPEG's pixels are already RGB here), is left alone:
/// the pixels are then taken as sRGB, as browsers do.
fn to_srgb(icc: &[u8], alpha: bool, data: &mut [u8]) {
    let Ok(profile) = moxcms::ColorProfile::new_from_slice(icc) else {
        return;
    };
    if profile.color_space != moxcms::DataColorSpace::Rgb {
        return;
    }
    let layout = if alpha {
        moxcms::Layout::Rgba
    } else {
        moxcms::Layout::Rgb
    };
    let srgb = moxcms::ColorProfile::new_srgb();
    let Ok(t) = profile.create_transform_8bit(layout, &srgb, layout, Default::default()) else {
        return;
    };
    let mut out = vec![0u8; data.len()];
    if t.transform(data, &mut out).is_ok() {
        data.copy_from_slice(&out);
    }
}

/// At most 256 colours: a diagram, a logo, a screenshot — kept sharp as PNG.
fn few_colours(p: &Pixels) -> bool {
    let mut seen = std::collections::HashSet::new();
    let step = if p.alpha { 4 } else { 3 };
    for px in p.data.chunks_exact(step) {
        seen.insert([px[0], px[1], px[2], *px.get(3).unwrap_or(&255)]);
        if seen.len() > 256 {
            return false;
        }
    }
    true
}

/// Resize RGBA pixels (`w`×`h`) to `width`×`height`.
pub fn resize_rgba(
    data: Vec<u8>,
    (w, h): (u32, u32),
    (width, height): (u32, u32),
) -> Result<Vec<u8>, Problem> {
    let p = Pixels {
        width: w,
        height: h,
        alpha: true,
        data,
    };
    Ok(resize(&p, width, height)?.data)
}

/// Count a decode (for tests of the cache).
pub fn count_decode() {
    DECODES.fetch_add(1, Ordering::Relaxed);
}

fn resize(p: &Pixels, width: u32, height: u32) -> Result<Pixels, Problem> {
    if width == p.width && height == p.height {
        return Ok(Pixels {
            data: p.data.clone(),
            ..*p
        });
    }
    let kind = if p.alpha {
        fr::PixelType::U8x4
    } else {
        fr::PixelType::U8x3
    };
    let fail = |e: &dyn std::fmt::Display| Problem::Corrupt(e.to_string());
    let src = fr::images::ImageRef::new(p.width, p.height, &p.data, kind).map_err(|e| fail(&e))?;
    let mut dst = fr::images::Image::new(width, height, kind);
    let options =
        fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3));
    fr::Resizer::new()
        .resize(&src, &mut dst, &options)
        .map_err(|e| fail(&e))?;
    Ok(Pixels {
        width,
        height,
        alpha: p.alpha,
        data: dst.into_vec(),
    })
}

fn encode(
    p: &Pixels,
    format: Format,
    lossless: bool,
    s: &ImageSettings,
) -> Result<Vec<u8>, Problem> {
    let fail = |e: &dyn std::fmt::Display| Problem::Corrupt(e.to_string());
    match format {
        Format::WebP => {
            let layout = if p.alpha {
                webp::PixelLayout::Rgba
            } else {
                webp::PixelLayout::Rgb
            };
            let enc = webp::Encoder::new(&p.data, layout, p.width, p.height);
            let mem = enc
                .encode_simple(lossless, f32::from(s.webp_quality))
                .map_err(|e| fail(&format!("{e:?}")))?;
            Ok(mem.to_vec())
        }
        Format::Jpeg => {
            let mut out = Vec::new();
            let mut enc = jpeg_encoder::Encoder::new(&mut out, s.jpeg_quality);
            enc.set_progressive(true);
            enc.set_optimized_huffman_tables(true);
            let (w, h) = (p.width as u16, p.height as u16);
            enc.encode(&p.data, w, h, jpeg_encoder::ColorType::Rgb)
                .map_err(|e| fail(&e))?;
            Ok(out)
        }
        // Animated GIFs are encoded frame by frame (see `animated.rs`).
        Format::Gif => Err(Problem::Corrupt(
            "a still image is not encoded as GIF".into(),
        )),
        Format::Png => {
            use image::ImageEncoder;
            let mut out = Vec::new();
            let color = if p.alpha {
                image::ExtendedColorType::Rgba8
            } else {
                image::ExtendedColorType::Rgb8
            };
            image::codecs::png::PngEncoder::new_with_quality(
                &mut out,
                image::codecs::png::CompressionType::Best,
                image::codecs::png::FilterType::Adaptive,
            )
            .write_image(&p.data, p.width, p.height, color)
            .map_err(|e| fail(&e))?;
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> ImageSettings {
        ImageSettings {
            widths: vec![32, 64],
            thumb_width: 16,
            ..ImageSettings::default()
        }
    }

    fn decoded(bytes: &[u8]) -> image::DynamicImage {
        image::load_from_memory(bytes).unwrap()
    }

    #[test]
    fn a_cmyk_jpeg_becomes_rgb_variants() {
        // A CMYK JPEG (as print shops send them) of red ink: little cyan and black, much
        // magenta and yellow.
        let mut src = Vec::new();
        let enc = jpeg_encoder::Encoder::new(&mut src, 90);
        let px: Vec<u8> = (0..80 * 60).flat_map(|_| [10, 230, 220, 0]).collect();
        enc.encode(&px, 80, 60, jpeg_encoder::ColorType::Cmyk)
            .unwrap();
        let made = process(&src, Kind::Jpeg, &settings()).unwrap();
        assert_eq!((made.width, made.height), (80, 60));
        let jpeg = made
            .variants
            .iter()
            .find(|(v, _)| v.format == Format::Jpeg)
            .unwrap();
        let img = decoded(&jpeg.1).to_rgb8();
        assert_eq!(img.width(), jpeg.0.width);
        let [r, g, b] = img.get_pixel(10, 10).0;
        assert!(r > 150 && g < 120 && b < 120, "{r} {g} {b}");
    }

    #[test]
    fn sixteen_bit_and_palette_pngs_are_converted() {
        let deep = image::ImageBuffer::<image::Rgb<u16>, _>::from_fn(70, 50, |x, _| {
            image::Rgb([if x < 35 { 65535 } else { 0 }, 30000, 1000])
        });
        let mut src = std::io::Cursor::new(Vec::new());
        deep.write_to(&mut src, image::ImageFormat::Png).unwrap();
        let made = process(src.get_ref(), Kind::Png, &settings()).unwrap();
        // Two colours: kept sharp as PNG, next to a lossless WebP.
        assert!(made.variants.iter().any(|(v, _)| v.format == Format::Png));
        for (v, bytes) in &made.variants {
            let img = decoded(bytes);
            assert_eq!((img.width(), img.height()), (v.width, v.height));
            assert_eq!(img.color(), image::ColorType::Rgb8, "{v:?}");
        }

        let mut pal = Vec::new();
        {
            let mut e = png::Encoder::new(&mut pal, 40, 40);
            e.set_color(png::ColorType::Indexed);
            e.set_depth(png::BitDepth::Eight);
            e.set_palette(vec![200, 30, 30, 250, 250, 250]);
            e.set_trns(vec![255, 0]);
            let mut w = e.write_header().unwrap();
            let data: Vec<u8> = (0..1600).map(|i| u8::from(i % 40 >= 20)).collect();
            w.write_image_data(&data).unwrap();
        }
        let made = process(&pal, Kind::Png, &settings()).unwrap();
        let png = made
            .variants
            .iter()
            .find(|(v, _)| v.format == Format::Png)
            .unwrap();
        let img = decoded(&png.1).to_rgba8();
        // The transparent half stays transparent.
        assert_eq!(img.get_pixel(img.width() - 1, 0).0[3], 0);
        assert_eq!(img.get_pixel(0, 0).0, [200, 30, 30, 255]);
    }

    #[test]
    fn a_very_tall_image_gets_no_webp_where_webp_cannot_hold_it() {
        let tall =
            image::RgbImage::from_fn(150, 20_000, |_, y| image::Rgb([(y % 251) as u8, 9, 9]));
        let mut src = std::io::Cursor::new(Vec::new());
        tall.write_to(&mut src, image::ImageFormat::Png).unwrap();
        let s = ImageSettings {
            widths: vec![40, 150],
            thumb_width: 20,
            ..ImageSettings::default()
        };
        let made = process(src.get_ref(), Kind::Png, &s).unwrap();
        let at = |w: u32| -> Vec<Format> {
            made.variants
                .iter()
                .filter(|(v, _)| v.width == w)
                .map(|(v, _)| v.format)
                .collect()
        };
        // 20,000 pixels tall: the fallback only (PNG here: few colours), no WebP.
        assert_eq!(at(150), [Format::Png]);
        assert_eq!(at(40), [Format::WebP, Format::Png]);
    }

    #[test]
    fn sizes_are_never_larger_than_the_source() {
        let s = ImageSettings::default();
        assert_eq!(
            s.widths_for(4032),
            [
                (480, false),
                (800, false),
                (1200, false),
                (1600, false),
                (360, true)
            ]
        );
        assert_eq!(
            s.widths_for(1000),
            [(480, false), (800, false), (1000, false), (360, true)]
        );
        assert_eq!(s.widths_for(300), [(300, false)]);
        assert_eq!(scaled_height(4032, 3024, 800), 600);
        assert_eq!(scaled_height(3000, 1, 480), 1);
    }
}
