//! Images, animated GIFs: they stay animated. Each frame is resized to the page widths (the
//! thumbnail too) and the whole is encoded again as a GIF that loops as the source did not
//! say otherwise — forever — with each frame's delay kept. Nothing else of the source (its
//! comments and application extensions, where XMP would hide) survives. No WebP is made: an
//! animated WebP would need libwebp's animation encoder for little gain on the short clips a
//! township site shows.

use std::io::Cursor;

use image::codecs::gif::{GifDecoder, GifEncoder, Repeat};
use image::{AnimationDecoder, Frame, RgbaImage};

use super::process::{Made, count_decode, resize_rgba, scaled_height};
use super::{Format, ImageSettings, Problem, Variant};

/// The variants of an animated GIF; `None` when it has a single frame (then it is an image
/// like any other).
pub fn process(bytes: &[u8], s: &ImageSettings) -> Result<Option<Made>, Problem> {
    let fail = |e: image::ImageError| Problem::Corrupt(e.to_string());
    let decoder = GifDecoder::new(Cursor::new(bytes)).map_err(fail)?;
    let (w, h) = image::ImageDecoder::dimensions(&decoder);
    if u64::from(w) * u64::from(h) > s.max_pixels {
        return Err(Problem::TooManyPixels(w, h, s.max_pixels));
    }
    count_decode();
    let mut frames = Vec::new();
    for f in decoder.into_frames() {
        frames.push(f.map_err(fail)?);
        // Every frame is held whole: the frames together count against the pixel limit.
        if frames.len() as u64 * u64::from(w) * u64::from(h) > s.max_pixels {
            return Err(Problem::TooManyPixels(w, h, s.max_pixels));
        }
    }
    if frames.len() < 2 {
        return Ok(None);
    }
    let mut variants = Vec::new();
    for (width, thumb) in s.widths_for(w) {
        let height = scaled_height(w, h, width);
        let bytes = encode(&frames, (w, h), (width, height))?;
        let v = Variant {
            width,
            height,
            format: Format::Gif,
            thumb,
            len: bytes.len() as u64,
        };
        variants.push((v, bytes));
    }
    Ok(Some(Made {
        width: w,
        height: h,
        variants,
    }))
}

fn encode(frames: &[Frame], from: (u32, u32), to: (u32, u32)) -> Result<Vec<u8>, Problem> {
    let fail = |e: image::ImageError| Problem::Corrupt(e.to_string());
    let mut out = Vec::new();
    {
        let mut enc = GifEncoder::new_with_speed(&mut out, 10);
        enc.set_repeat(Repeat::Infinite).map_err(fail)?;
        for f in frames {
            let data = resize_rgba(f.buffer().as_raw().clone(), from, to)?;
            let buffer = RgbaImage::from_raw(to.0, to.1, data)
                .ok_or_else(|| Problem::Corrupt("frame size".into()))?;
            enc.encode_frame(Frame::from_parts(buffer, 0, 0, f.delay()))
                .map_err(fail)?;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn animation(w: u32, h: u32, n: u8) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut enc = GifEncoder::new(&mut out);
            enc.set_repeat(Repeat::Infinite).unwrap();
            for k in 0..n {
                let img = RgbaImage::from_fn(w, h, |x, _| {
                    image::Rgba([if x < w / 2 { 250 } else { k * 60 }, 20, 20, 255])
                });
                let delay = image::Delay::from_numer_denom_ms(200, 1);
                enc.encode_frame(Frame::from_parts(img, 0, 0, delay))
                    .unwrap();
            }
        }
        out
    }

    #[test]
    fn an_animated_gif_stays_animated_at_every_size() {
        let s = ImageSettings::default();
        let made = process(&animation(1000, 500, 3), &s).unwrap().unwrap();
        let widths: Vec<u32> = made.variants.iter().map(|(v, _)| v.width).collect();
        assert_eq!(widths, [480, 800, 1000, 360]);
        for (v, bytes) in &made.variants {
            assert_eq!(v.format, Format::Gif);
            let d = GifDecoder::new(Cursor::new(bytes)).unwrap();
            assert_eq!(image::ImageDecoder::dimensions(&d), (v.width, v.height));
            let frames: Vec<Frame> = d.into_frames().collect::<Result<_, _>>().unwrap();
            assert_eq!(frames.len(), 3);
            assert_eq!(frames[1].delay().numer_denom_ms(), (200, 1));
        }
        assert!(process(&animation(40, 20, 1), &s).unwrap().is_none());
    }
}
