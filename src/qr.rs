//! Render step: QR codes as inline SVG, generated at build time (no image files, nothing
//! loaded from outside), error correction level Q so a poster still scans when a corner is
//! torn or dirty.

use qrcode::{EcLevel, QrCode};

/// An `<svg>` element drawing the QR code of `data`, with a 4-module quiet zone, scaled by
/// its container. `label` is its accessible name. `None` if the data is too long for a QR
/// code (over ~1,600 bytes at level Q).
pub fn qr_svg(data: &str, label: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::Q).ok()?;
    let w = code.width();
    let quiet = 4;
    let size = w + 2 * quiet;
    let dark: Vec<bool> = code
        .to_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect();
    let mut d = String::with_capacity(w * w * 4);
    for y in 0..w {
        let mut x = 0;
        while x < w {
            if dark[y * w + x] {
                // One horizontal run of dark modules per path segment.
                let start = x;
                while x < w && dark[y * w + x] {
                    x += 1;
                }
                d.push_str(&format!(
                    "M{},{}h{}v1h-{}z",
                    start + quiet,
                    y + quiet,
                    x - start,
                    x - start
                ));
            } else {
                x += 1;
            }
        }
    }
    Some(format!(
        r##"<svg class="pf-qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" role="img" aria-label="{}" shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/><path fill="#000" d="{d}"/></svg>"##,
        crate::text::escape_html(label)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_a_square_code_with_a_quiet_zone() {
        let svg = qr_svg(
            "https://example.gov.cn/hgz/events/xianfa-ri-2026/",
            "二维码",
        )
        .unwrap();
        assert!(svg.starts_with("<svg class=\"pf-qr\""));
        assert!(svg.contains("viewBox=\"0 0 "));
        assert!(svg.contains("aria-label=\"二维码\""));
        assert!(!svg.contains("http://www.w3.org/2000/svg\" href"));
        assert!(qr_svg(&"x".repeat(5000), "太长").is_none());
    }
}
