//! Images, metadata without decoding: the segments of a JPEG and the chunks of a PNG, to
//! tell whether a file carries GPS coordinates (a `static/` image is copied as it is, so its
//! owner is warned) and to remove every metadata segment from an original that a site
//! chooses to publish (`images.publish_originals`), without re-encoding its pixels.
//! Colour profiles (ICC) and Adobe's colour-transform marker stay: they are not about the
//! photographer and the pixels mean nothing without them.

use super::sniff::{Kind, sniff};

/// The metadata a file carries, as far as its container says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Found {
    pub exif: bool,
    pub gps: bool,
    pub xmp: bool,
    pub iptc: bool,
}

/// What metadata the file carries (JPEG and PNG; other formats report nothing).
pub fn found(bytes: &[u8]) -> Found {
    let mut f = Found::default();
    match sniff(bytes) {
        Kind::Jpeg => {
            for seg in jpeg_segments(bytes).0 {
                match classify(seg.marker, seg.body) {
                    Keep::Exif => {
                        f.exif = true;
                        f.gps |= exif_has_gps(&seg.body[6..]);
                    }
                    Keep::Xmp => f.xmp = true,
                    Keep::Iptc => f.iptc = true,
                    _ => {}
                }
            }
        }
        Kind::Png => {
            for (kind, data) in png_chunks(bytes).0 {
                match &kind {
                    b"eXIf" => {
                        f.exif = true;
                        f.gps |= exif_has_gps(data);
                    }
                    b"iTXt" if data.starts_with(b"XML:com.adobe.xmp") => f.xmp = true,
                    b"zTXt" | b"tEXt" if data.starts_with(b"Raw profile type iptc") => {
                        f.iptc = true
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
    f
}

/// One marker segment of a JPEG before its image data.
struct Segment<'a> {
    marker: u8,
    /// The whole segment, marker and length included.
    whole: &'a [u8],
    /// The payload after the length.
    body: &'a [u8],
}

/// What a segment is, for stripping.
#[derive(Debug, PartialEq, Eq)]
enum Keep {
    Yes,
    Exif,
    Xmp,
    Iptc,
    /// Comments, maker data, embedded previews and thumbnails.
    Other,
}

fn classify(marker: u8, body: &[u8]) -> Keep {
    match marker {
        0xE1 if body.starts_with(b"Exif\0") && body.len() >= 6 => Keep::Exif,
        0xE1 if body.starts_with(b"http://ns.adobe.com/xap/1.0/") => Keep::Xmp,
        0xE1 => Keep::Other,
        0xED => Keep::Iptc,
        // JFIF (but not its thumbnail extension JFXX), the ICC profile, Adobe's marker.
        0xE0 if body.starts_with(b"JFIF\0") => Keep::Yes,
        0xE2 if body.starts_with(b"ICC_PROFILE\0") => Keep::Yes,
        0xEE if body.starts_with(b"Adobe") => Keep::Yes,
        0xE0..=0xEF | 0xFE => Keep::Other,
        _ => Keep::Yes,
    }
}

/// The segments before the first scan, and where the first scan starts (`None` when the
/// file ends or breaks first).
fn jpeg_segments(bytes: &[u8]) -> (Vec<Segment<'_>>, Option<usize>) {
    let mut out = Vec::new();
    let mut i = 2;
    loop {
        while bytes.get(i) == Some(&0xFF) && bytes.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        let (Some(0xFF), Some(&marker)) = (bytes.get(i), bytes.get(i + 1)) else {
            return (out, None);
        };
        if marker == 0xDA {
            return (out, Some(i));
        }
        if marker == 0xD9 || (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            return (out, None);
        }
        let Some(len) = bytes.get(i + 2..i + 4) else {
            return (out, None);
        };
        let end = i + 2 + usize::from(u16::from_be_bytes([len[0], len[1]]));
        let Some(whole) = bytes.get(i..end).filter(|_| end >= i + 4) else {
            return (out, None);
        };
        out.push(Segment {
            marker,
            whole,
            body: &whole[4..],
        });
        i = end;
    }
}

/// Does this JPEG end as a JPEG must (an end-of-image marker after its first scan)? A
/// truncated upload would otherwise decode with its lower part grey.
pub fn jpeg_is_complete(bytes: &[u8]) -> bool {
    jpeg_segments(bytes)
        .1
        .is_some_and(|scan| end_of_image(bytes, scan).is_some())
}

/// The file without its metadata segments, the image data unchanged; anything after the
/// end of the first image (phones append previews and depth maps there) is dropped.
/// `None` when the file is not a JPEG or PNG this can read.
pub fn strip(bytes: &[u8]) -> Option<Vec<u8>> {
    match sniff(bytes) {
        Kind::Jpeg => strip_jpeg(bytes),
        Kind::Png => strip_png(bytes),
        _ => None,
    }
}

fn strip_jpeg(bytes: &[u8]) -> Option<Vec<u8>> {
    let (segments, scan) = jpeg_segments(bytes);
    let scan = scan?;
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..2]);
    let mut orientation = None;
    for s in &segments {
        match classify(s.marker, s.body) {
            Keep::Yes => out.extend_from_slice(s.whole),
            Keep::Exif => orientation = orientation.or(exif_orientation(&s.body[6..])),
            _ => {}
        }
    }
    // A photo taken on its side stands up by its orientation alone: that one tag stays.
    if let Some(o) = orientation.filter(|o| *o != 1) {
        out.extend(orientation_only(o));
    }
    let end = end_of_image(bytes, scan)?;
    out.extend_from_slice(&bytes[scan..end]);
    Some(out)
}

/// Just past the end-of-image marker of the image whose first scan starts at `scan`.
/// Between scans (progressive files) tables may come; metadata there is not expected and
/// is dropped too.
fn end_of_image(bytes: &[u8], scan: usize) -> Option<usize> {
    // Inside image data a 0xFF byte is always followed by 0x00 or a marker, so the first
    // 0xFF 0xD9 is the end.
    memchr::memmem::find(&bytes[scan..], &[0xFF, 0xD9]).map(|i| scan + i + 2)
}

/// The chunks of a PNG (type, data) and whether the file is whole.
type Chunk<'a> = ([u8; 4], &'a [u8]);

fn png_chunks(bytes: &[u8]) -> (Vec<Chunk<'_>>, bool) {
    let mut out = Vec::new();
    let mut i = 8;
    while let Some(head) = bytes.get(i..i + 8) {
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let kind = [head[4], head[5], head[6], head[7]];
        // The data and its checksum must all be there.
        let Some(end) = len.checked_add(i + 12).filter(|e| *e <= bytes.len()) else {
            return (out, false);
        };
        let data = &bytes[i + 8..end - 4];
        out.push((kind, data));
        i += 12 + len;
        if &kind == b"IEND" {
            return (out, true);
        }
    }
    (out, false)
}

fn strip_png(bytes: &[u8]) -> Option<Vec<u8>> {
    let (_, whole) = png_chunks(bytes);
    if !whole {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..8]);
    let mut i = 8;
    while let Some(head) = bytes.get(i..i + 8) {
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let kind = &head[4..8];
        let end = len.checked_add(i + 12)?;
        if !matches!(kind, b"eXIf" | b"tEXt" | b"zTXt" | b"iTXt" | b"tIME") {
            out.extend_from_slice(bytes.get(i..end)?);
        }
        i = end;
        if kind == b"IEND" {
            break;
        }
    }
    Some(out)
}

/// An APP1 segment with an EXIF block that holds the orientation and nothing else.
fn orientation_only(o: u16) -> Vec<u8> {
    let mut t = b"Exif\0\0II*\0\x08\0\0\0\x01\0".to_vec();
    t.extend_from_slice(&0x0112u16.to_le_bytes());
    t.extend_from_slice(&3u16.to_le_bytes()); // SHORT
    t.extend_from_slice(&1u32.to_le_bytes());
    t.extend_from_slice(&u32::from(o).to_le_bytes());
    t.extend_from_slice(&0u32.to_le_bytes());
    let mut seg = vec![0xFF, 0xE1];
    seg.extend_from_slice(&((t.len() + 2) as u16).to_be_bytes());
    seg.extend(t);
    seg
}

/// The orientation (tag 0x0112 of IFD0) of this EXIF block.
fn exif_orientation(tiff: &[u8]) -> Option<u16> {
    ifd0_entry(tiff, 0x0112).map(|(v, _)| v)
}

/// Does this EXIF block (a TIFF structure) point at GPS data with any entries?
fn exif_has_gps(tiff: &[u8]) -> bool {
    ifd0_entry(tiff, 0x8825).is_some_and(|(_, has)| has)
}

/// The value of IFD0's entry `tag` as a SHORT, and, read as an offset, whether the IFD it
/// points at has entries.
fn ifd0_entry(tiff: &[u8], tag: u16) -> Option<(u16, bool)> {
    let le = match tiff.get(..2)? {
        b"II" => true,
        b"MM" => false,
        _ => return None,
    };
    let u16_at = |o: usize| {
        tiff.get(o..o + 2).map(|b| {
            if le {
                u16::from_le_bytes([b[0], b[1]])
            } else {
                u16::from_be_bytes([b[0], b[1]])
            }
        })
    };
    let u32_at = |o: usize| {
        tiff.get(o..o + 4).map(|b| {
            let a = [b[0], b[1], b[2], b[3]];
            if le {
                u32::from_le_bytes(a)
            } else {
                u32::from_be_bytes(a)
            }
        })
    };
    let ifd0 = u32_at(4)? as usize;
    let n = u16_at(ifd0)?;
    for k in 0..usize::from(n) {
        let e = ifd0 + 2 + 12 * k;
        if u16_at(e) == Some(tag) {
            let short = u16_at(e + 8).unwrap_or(0);
            let pointed = u32_at(e + 8)
                .and_then(|o| u16_at(o as usize))
                .is_some_and(|count| count > 0);
            return Some((short, pointed));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A TIFF block with a GPS pointer to an IFD of one entry (little-endian).
    pub(crate) fn exif_with_gps() -> Vec<u8> {
        let mut t = b"II*\0\x08\0\0\0".to_vec();
        t.extend_from_slice(&1u16.to_le_bytes()); // one entry in IFD0
        t.extend_from_slice(&0x8825u16.to_le_bytes());
        t.extend_from_slice(&4u16.to_le_bytes()); // LONG
        t.extend_from_slice(&1u32.to_le_bytes());
        t.extend_from_slice(&26u32.to_le_bytes()); // GPS IFD at 26
        t.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
        t.extend_from_slice(&1u16.to_le_bytes()); // GPS IFD: one entry
        t.extend_from_slice(&1u16.to_le_bytes()); // GPSLatitudeRef
        t.extend_from_slice(&2u16.to_le_bytes()); // ASCII
        t.extend_from_slice(&2u32.to_le_bytes());
        t.extend_from_slice(b"N\0\0\0");
        t.extend_from_slice(&0u32.to_le_bytes());
        t
    }

    fn segment(marker: u8, body: &[u8]) -> Vec<u8> {
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
        s.extend_from_slice(body);
        s
    }

    fn jpeg(extra: &[Vec<u8>]) -> Vec<u8> {
        let mut j = vec![0xFF, 0xD8];
        j.extend(segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
        for e in extra {
            j.extend_from_slice(e);
        }
        j.extend(segment(0xDB, &[0; 65]));
        j.extend(segment(0xDA, &[1, 1, 0, 0, 63, 0]));
        j.extend_from_slice(&[0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0xFF, 0xD9]);
        j
    }

    #[test]
    fn finds_gps_and_strips_every_metadata_segment() {
        let mut exif = b"Exif\0\0".to_vec();
        exif.extend(exif_with_gps());
        let with = jpeg(&[
            segment(0xE1, &exif),
            segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0<x/>"),
            segment(0xED, b"Photoshop 3.0\0"),
            segment(0xE2, b"ICC_PROFILE\0\x01\x01abc"),
            segment(0xFE, b"a comment"),
        ]);
        let mut with_trailer = with.clone();
        with_trailer.extend_from_slice(&[0xFF, 0xD8, 0xFF, 0xD9]);
        let f = found(&with_trailer);
        assert_eq!(
            f,
            Found {
                exif: true,
                gps: true,
                xmp: true,
                iptc: true
            }
        );
        let stripped = strip(&with_trailer).unwrap();
        assert_eq!(found(&stripped), Found::default());
        assert_eq!(
            stripped,
            jpeg(&[segment(0xE2, b"ICC_PROFILE\0\x01\x01abc")])
        );
    }

    #[test]
    fn a_photo_on_its_side_keeps_its_orientation_and_nothing_else() {
        let mut exif = b"Exif\0\0".to_vec();
        let mut tiff = exif_with_gps();
        // A second IFD0 entry: Orientation = 6 (the GPS pointer stays first).
        tiff[8] = 2;
        let entry = [0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0];
        tiff.splice(22..22, entry);
        tiff[18] += 12; // the GPS IFD moved by one entry
        exif.extend(tiff);
        let with = jpeg(&[segment(0xE1, &exif)]);
        assert!(found(&with).gps);
        assert_eq!(exif_orientation(&exif[6..]), Some(6));
        let stripped = strip(&with).unwrap();
        let f = found(&stripped);
        assert!(f.exif && !f.gps && !f.xmp && !f.iptc, "{f:?}");
        let (segments, _) = jpeg_segments(&stripped);
        let app1 = segments.iter().find(|s| s.marker == 0xE1).unwrap();
        assert_eq!(exif_orientation(&app1.body[6..]), Some(6));
    }

    #[test]
    fn exif_without_gps_is_not_gps() {
        let mut exif = b"Exif\0\0".to_vec();
        exif.extend_from_slice(b"II*\0\x08\0\0\0\0\0\0\0\0\0");
        let f = found(&jpeg(&[segment(0xE1, &exif)]));
        assert!(f.exif && !f.gps);
    }

    #[test]
    fn png_text_and_exif_chunks_go() {
        let chunk = |kind: &[u8], data: &[u8]| {
            let mut c = (data.len() as u32).to_be_bytes().to_vec();
            c.extend_from_slice(kind);
            c.extend_from_slice(data);
            c.extend_from_slice(&[0; 4]);
            c
        };
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(chunk(b"IHDR", &[0; 13]));
        png.extend(chunk(b"eXIf", &exif_with_gps()));
        png.extend(chunk(b"tEXt", b"Comment\0hi"));
        png.extend(chunk(b"IDAT", &[1, 2, 3]));
        png.extend(chunk(b"IEND", &[]));
        assert!(found(&png).gps);
        let s = strip(&png).unwrap();
        assert_eq!(found(&s), Found::default());
        assert_eq!(png_chunks(&s).0.len(), 3);
        assert!(strip(&png[..png.len() - 5]).is_none());
        // Cut inside the last checksum: not whole, and no panic.
        assert!(strip(&png[..png.len() - 2]).is_none());
    }
}
