//! Images, first look: what a file really is (by its first bytes, whatever its name says)
//! and what its name says it is. Pure functions of bytes and names.

/// What a file's bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Kind {
    Jpeg,
    Png,
    Gif,
    WebP,
    /// HEIC/HEIF (iPhone photos): not decodable here.
    Heic,
    Avif,
    Bmp,
    Tiff,
    /// Anything else (text, PDF, video…).
    Other,
}

impl Kind {
    /// Raster formats pufa processes.
    pub fn is_processed(self) -> bool {
        matches!(self, Kind::Jpeg | Kind::Png | Kind::Gif | Kind::WebP)
    }

    /// The name a reader knows the format by.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Jpeg => "JPEG",
            Kind::Png => "PNG",
            Kind::Gif => "GIF",
            Kind::WebP => "WebP",
            Kind::Heic => "HEIC",
            Kind::Avif => "AVIF",
            Kind::Bmp => "BMP",
            Kind::Tiff => "TIFF",
            Kind::Other => "非图片",
        }
    }
}

/// What the first bytes of a file say it is (twelve bytes are enough).
pub fn sniff(head: &[u8]) -> Kind {
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Kind::Jpeg
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Kind::Png
    } else if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        Kind::Gif
    } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        Kind::WebP
    } else if head.len() >= 12 && &head[4..8] == b"ftyp" {
        match &head[8..12] {
            b"avif" | b"avis" => Kind::Avif,
            b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"hevm" | b"hevs"
            | b"mif1" | b"msf1" => Kind::Heic,
            _ => Kind::Other,
        }
    } else if head.starts_with(b"BM") && head.len() >= 14 {
        Kind::Bmp
    } else if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") {
        Kind::Tiff
    } else {
        Kind::Other
    }
}

/// What a file's name says it is (by its extension, any case).
pub fn by_name(name: &str) -> Kind {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("jpg" | "jpeg" | "jpe" | "jfif") => Kind::Jpeg,
        Some("png") => Kind::Png,
        Some("gif") => Kind::Gif,
        Some("webp") => Kind::WebP,
        Some("heic" | "heif" | "hif") => Kind::Heic,
        Some("avif") => Kind::Avif,
        Some("bmp") => Kind::Bmp,
        Some("tif" | "tiff") => Kind::Tiff,
        _ => Kind::Other,
    }
}

/// Is this content file one the image step looks at (by name)?
pub fn is_image_name(name: &str) -> bool {
    by_name(name) != Kind::Other
}

/// The size an SVG file declares (its `width` and `height` in pixels, else its
/// `viewBox`), so its `<img>` can reserve its place.
pub fn svg_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let text = std::str::from_utf8(bytes.get(..bytes.len().min(4096))?).ok()?;
    let start = text.find("<svg")?;
    let tag = &text[start..start + text[start..].find('>')?];
    let attr = |name: &str| -> Option<&str> {
        let at = tag.find(&format!(" {name}="))? + name.len() + 2;
        let quote = tag[at..].chars().next()?;
        let rest = &tag[at + 1..];
        Some(&rest[..rest.find(quote)?])
    };
    let px = |v: &str| -> Option<u32> {
        let n: f64 = v.trim().trim_end_matches("px").parse().ok()?;
        (n >= 1.0).then(|| n.round() as u32)
    };
    if let (Some(w), Some(h)) = (attr("width").and_then(px), attr("height").and_then(px)) {
        return Some((w, h));
    }
    let vb: Vec<f64> = attr("viewBox")?
        .split([' ', ','])
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    match vb[..] {
        [_, _, w, h] if w >= 1.0 && h >= 1.0 => Some((w.round() as u32, h.round() as u32)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_formats_by_their_bytes_not_their_names() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE1, 0, 0]), Kind::Jpeg);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Kind::Png);
        assert_eq!(sniff(b"GIF89a\x01\0"), Kind::Gif);
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Kind::WebP);
        assert_eq!(sniff(b"\0\0\0\x18ftypheic\0\0\0\0"), Kind::Heic);
        assert_eq!(sniff(b"\0\0\0\x18ftypmif1\0\0\0\0"), Kind::Heic);
        assert_eq!(sniff(b"\0\0\0\x18ftypavif\0\0\0\0"), Kind::Avif);
        assert_eq!(sniff(b"\0\0\0\x18ftypisom\0\0\0\0"), Kind::Other);
        assert_eq!(sniff(b"<svg xmlns="), Kind::Other);
        assert_eq!(sniff(b""), Kind::Other);
        assert_eq!(by_name("a/IMG_0001.HEIC"), Kind::Heic);
        assert_eq!(by_name("x.JPeG"), Kind::Jpeg);
        assert_eq!(by_name("x.svg"), Kind::Other);
        assert!(!is_image_name("readme"));
        let svg = |s: &str| svg_size(s.as_bytes());
        assert_eq!(
            svg("<svg viewBox=\"0 0 320 180\" width=\"320\" height=\"180\">"),
            Some((320, 180))
        );
        assert_eq!(
            svg("<?xml?><svg xmlns='x' viewBox='0,0,64.4,32'>"),
            Some((64, 32))
        );
        assert_eq!(svg("<svg width=\"100%\">"), None);
    }
}
