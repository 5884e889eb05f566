//! Render step: QR codes as inline SVG, generated at build time (no image files, nothing
//! loaded from outside), error correction level Q so a poster still scans when a corner is
//! torn or dirty.
//!
//! The `qrcode` crate encodes the data, computes the error correction and draws the symbol;
//! choosing and applying the mask is done here. The crate's own mask search scores each of
//! the eight candidates through a boxed closure per module and took over half the build
//! time of a 10,000-page site with 3,000 print views. Here each candidate is a few bit
//! operations per row: what every mask inverts and what it leaves fixed is worked out once
//! per QR version (from the crate's own drawing), and the ISO/IEC 18004 penalty is scored
//! on 64-bit rows and columns.

use qrcode::canvas::{Canvas, MaskPattern, Module};
use qrcode::{EcLevel, bits, ec};

const MASKS: [MaskPattern; 8] = [
    MaskPattern::Checkerboard,
    MaskPattern::HorizontalLines,
    MaskPattern::VerticalLines,
    MaskPattern::DiagonalLines,
    MaskPattern::LargeCheckerboard,
    MaskPattern::Fields,
    MaskPattern::Diamonds,
    MaskPattern::Meadow,
];

/// The modules of a QR code.
// One short-lived value per code: boxing the rows would only add an allocation.
#[allow(clippy::large_enum_variant)]
enum Symbol {
    /// Up to 64 modules wide (versions 1–11): a row per `u64`, bit `x` = module `x`, 1 = dark.
    Rows([u64; 64], usize),
    /// Wider: row by row, `true` = dark.
    Modules(Vec<bool>, usize),
}

impl Symbol {
    fn width(&self) -> usize {
        match self {
            Symbol::Rows(_, w) | Symbol::Modules(_, w) => *w,
        }
    }

    /// Call `f(start, length)` for each run of dark modules of row `y`, left to right.
    fn dark_runs(&self, y: usize, mut f: impl FnMut(usize, usize)) {
        match self {
            Symbol::Rows(rows, _) => {
                let mut bits = rows[y];
                let mut x = 0;
                while bits != 0 {
                    let gap = bits.trailing_zeros() as usize;
                    bits >>= gap;
                    x += gap;
                    // At most 64, when every module of a 64-wide row is dark.
                    let run = (!bits).trailing_zeros() as usize;
                    f(x, run);
                    bits = bits.checked_shr(run as u32).unwrap_or(0);
                    x += run;
                }
            }
            Symbol::Modules(dark, w) => {
                let row = &dark[y * w..(y + 1) * w];
                let mut x = 0;
                while x < *w {
                    if row[x] {
                        let start = x;
                        while x < *w && row[x] {
                            x += 1;
                        }
                        f(start, x - start);
                    } else {
                        x += 1;
                    }
                }
            }
        }
    }
}

/// The modules of the QR code of `data` (row by row, `true` = dark) and its width.
#[cfg(test)]
fn encode(data: &[u8]) -> Option<(Vec<bool>, usize)> {
    match encode_symbol(data)? {
        Symbol::Rows(rows, w) => {
            let dark = (0..w * w).map(|i| rows[i / w] >> (i % w) & 1 == 1);
            Some((dark.collect(), w))
        }
        Symbol::Modules(dark, w) => Some((dark, w)),
    }
}

/// The QR code of `data`, with the best of the eight masks applied.
fn encode_symbol(data: &[u8]) -> Option<Symbol> {
    let bits = bits::encode_auto(data, EcLevel::Q).ok()?;
    let version = bits.version();
    let (codewords, ec) = ec::construct_codewords(&bits.into_bytes(), version, EcLevel::Q).ok()?;
    let width = usize::try_from(version.width()).ok()?;
    if width > 64 {
        let mut canvas = Canvas::new(version, EcLevel::Q);
        canvas.draw_all_functional_patterns();
        canvas.draw_data(&codewords, &ec);
        return Some(Symbol::Modules(best_mask_plain(&canvas, width), width));
    }
    let tables = mask_tables(version, width)?;
    // The data modules, unmasked, a row per `u64`: the bits of the data and then the error
    // correction codewords, most significant first, in the standard's placement order
    // (modules left over after the last codeword stay light).
    let mut data_rows = [0u64; 64];
    let mut order = tables.order.iter();
    'place: for &b in codewords.iter().chain(&ec) {
        for j in (0..8).rev() {
            let Some(&(x, y)) = order.next() else {
                break 'place;
            };
            data_rows[usize::from(y)] |= u64::from(b >> j & 1) << x;
        }
    }
    let masked = |m: usize| -> [u64; 64] {
        let mut rows = [0u64; 64];
        for y in 0..width {
            rows[y] = tables.fixed[m][y] | (data_rows[y] ^ tables.flip[m][y]);
        }
        rows
    };
    // The first of equal scores, as the standard's mask order would pick.
    let best = (0..MASKS.len()).min_by_key(|&m| penalty_rows(&masked(m)[..width], width))?;
    Some(Symbol::Rows(masked(best), width))
}

/// What masking does to a symbol of one version, for each of the eight masks: the modules
/// it inverts (`flip`: the mask pattern on data modules) and the dark modules it does not
/// touch (`fixed`: finder, timing and alignment patterns, version information, and the
/// format information, which names the mask). A masked symbol is `fixed | (data ^ flip)`.
struct MaskTables {
    flip: [[u64; 64]; 8],
    fixed: [[u64; 64]; 8],
    /// The data modules (x, y) in the order codeword bits are placed in: two columns at a
    /// time from the right, upwards then downwards, skipping the timing column.
    order: Vec<(u8, u8)>,
}

/// The [`MaskTables`] of `version` (at most 64 modules wide), made once per process from
/// the `qrcode` crate's own drawing, so they agree with it by construction.
fn mask_tables(version: qrcode::Version, width: usize) -> Option<std::sync::Arc<MaskTables>> {
    use std::sync::{Arc, Mutex};
    static TABLES: Mutex<Vec<(qrcode::Version, Arc<MaskTables>)>> = Mutex::new(Vec::new());
    if let Some((_, t)) = TABLES.lock().ok()?.iter().find(|(v, _)| *v == version) {
        return Some(t.clone());
    }
    let mut functional = Canvas::new(version, EcLevel::Q);
    functional.draw_all_functional_patterns();
    let mut tables = MaskTables {
        flip: [[0; 64]; 8],
        fixed: [[0; 64]; 8],
        order: placement_order(width)
            .filter(|&(x, y)| functional.get(i16::from(x), i16::from(y)) == Module::Empty)
            .collect(),
    };
    for (m, &mask) in MASKS.iter().enumerate() {
        let mut masked = functional.clone();
        masked.apply_mask(mask);
        for y in 0..width {
            for x in 0..width {
                let (xi, yi) = (x as i16, y as i16);
                let dark = u64::from(masked.get(xi, yi).is_dark()) << x;
                if functional.get(xi, yi) == Module::Empty {
                    // A data module: an empty one is light, so masking made it dark
                    // exactly where the pattern inverts.
                    tables.flip[m][y] |= dark;
                } else {
                    tables.fixed[m][y] |= dark;
                }
            }
        }
    }
    let tables = Arc::new(tables);
    TABLES.lock().ok()?.push((version, tables.clone()));
    Some(tables)
}

/// Every module of a symbol `width` wide in the order of ISO/IEC 18004 §7.7.3: pairs of
/// columns from the right, the right module of a pair first, going up the first pair, down
/// the next, and so on; column 6 (the vertical timing pattern) is skipped.
fn placement_order(width: usize) -> impl Iterator<Item = (u8, u8)> {
    let w = width as i32;
    let mut pairs = Vec::new();
    let mut right = w - 1;
    while right > 0 {
        if right == 6 {
            right -= 1;
        }
        pairs.push(right);
        right -= 2;
    }
    pairs.into_iter().enumerate().flat_map(move |(k, right)| {
        let upwards = k % 2 == 0;
        (0..w).flat_map(move |step| {
            let y = if upwards { w - 1 - step } else { step };
            [right, right - 1].map(|x| (x as u8, y as u8))
        })
    })
}

/// The best-masked modules of `canvas` (data drawn, not masked), trying each mask on a
/// copy: for symbols wider than 64 modules, and to check [`encode`] against.
fn best_mask_plain(canvas: &Canvas, width: usize) -> Vec<bool> {
    let mut best: Option<(u32, Vec<bool>)> = None;
    for &mask in &MASKS {
        let mut masked = canvas.clone();
        masked.apply_mask(mask);
        let dark: Vec<bool> = masked
            .into_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect();
        let score = penalty(&dark, width);
        if best.as_ref().is_none_or(|(b, _)| score < *b) {
            best = Some((score, dark));
        }
    }
    best.map(|(_, d)| d).unwrap_or_default()
}

/// The ISO/IEC 18004 §7.8.3 penalty of a masked symbol: runs of five or more same-coloured
/// modules in a line (N1), 2×2 blocks of one colour (N2), finder-like 1:1:3:1:1 patterns
/// with four light modules on a side (N3; the area outside the symbol counts as light, a
/// pattern with light on both sides counts twice), and the deviation of the dark share from
/// 50 % (N4).
fn penalty(dark: &[bool], w: usize) -> u32 {
    if w <= 64 {
        penalty_bits(dark, w)
    } else {
        penalty_scalar(dark, w)
    }
}

/// [`penalty`] for symbols up to 64 modules wide (versions 1–11, web addresses up to about
/// 200 bytes), a line per `u64`, 64 modules at a time.
fn penalty_bits(dark: &[bool], w: usize) -> u32 {
    let mut rows = [0u64; 64];
    for (y, row) in dark.chunks_exact(w).enumerate() {
        for (x, &d) in row.iter().enumerate() {
            rows[y] |= u64::from(d) << x;
        }
    }
    penalty_rows(&rows[..w], w)
}

/// [`penalty`] of a symbol given as `w` rows, bit `x` of row `y` = module (x, y). Rows
/// are scored one at a time; columns all at once, a row of bits at a time going down.
fn penalty_rows(rows: &[u64], w: usize) -> u32 {
    let full = u64::MAX >> (64 - w);
    let mut score = column_penalty(rows, w);
    for &line in rows {
        score += line_penalty_bits(line, w);
    }
    // N2: a block at x when a[x] = a[x+1], b[x] = b[x+1] and a[x] = b[x].
    let pairs = full >> 1;
    for (&a, &b) in rows.iter().zip(&rows[1..]) {
        let block = !(a ^ (a >> 1)) & !(b ^ (b >> 1)) & !(a ^ b) & pairs;
        score += 3 * block.count_ones();
    }
    let dark_count: u32 = rows.iter().map(|r| r.count_ones()).sum();
    let percent = dark_count as usize * 100 / (w * w);
    score + (percent.abs_diff(50) / 5) as u32 * 10
}

/// N1 and N3 of every column of a symbol of `w` rows (bit `x` of row `y` = module (x, y)),
/// the `w` columns side by side in the bits of a `u64`.
fn column_penalty(rows: &[u64], w: usize) -> u32 {
    let full = u64::MAX >> (64 - w);
    let mut score = 0;
    // N1. Bit x of `same[k]`: module (x, y − k) has the colour of the module above it, for
    // the row y being looked at; a column's run through (x, y) is at least 5 (6) long when
    // `same` holds for the 4 (5) rows up to y.
    let mut same = [0u64; 5];
    for y in 1..w {
        same.rotate_right(1);
        same[0] = !(rows[y] ^ rows[y - 1]) & full;
        let five = same[0] & same[1] & same[2] & same[3];
        let six = five & same[4];
        score += 3 * five.count_ones() - 2 * six.count_ones();
    }
    // N3 on the columns with four light rows added above and below: row q of `dark` is
    // row q − 4 of the symbol. A finder-like 1011101 starts at row q of a column where
    // `core` has its bit.
    let mut dark = [0u64; 72];
    dark[4..w + 4].copy_from_slice(rows);
    let light = |q: usize| if q < w + 8 { !dark[q] & full } else { 0 };
    let light4 = |q: usize| light(q) & light(q + 1) & light(q + 2) & light(q + 3);
    for q in 4..w.saturating_sub(2) {
        let core = dark[q]
            & light(q + 1)
            & dark[q + 2]
            & dark[q + 3]
            & dark[q + 4]
            & light(q + 5)
            & dark[q + 6];
        if core != 0 {
            let before = core & light4(q - 4);
            let after = core & light4(q + 7);
            score += 40 * (before.count_ones() + after.count_ones());
        }
    }
    score
}

/// N1 and N3 of one line of `w` modules, bit `i` = module `i`.
fn line_penalty_bits(line: u64, w: usize) -> u32 {
    let full = u64::MAX >> (64 - w);
    // Bit i: module i has the colour of module i - 1.
    let same = !(line ^ (line << 1)) & full & !1;
    // Bit i: the run through module i is at least 5 (6) long. A run of L ≥ 5 scores
    // 3 + (L − 5): 3 where it reaches 5, 1 for every module after.
    let five = same & (same << 1) & (same << 2) & (same << 3);
    let six = five & (same << 4);
    let score = 3 * five.count_ones() - 2 * six.count_ones();
    // N3 on the line with four light modules added at each end, in 64 bits when they fit
    // (up to 56 modules wide, versions 1–10).
    if w + 8 <= 64 {
        score + finder_like_u64(line, w)
    } else {
        score + finder_like_u128(line, w)
    }
}

/// N3 of one line of `w` modules: 40 for each finder-like 1011101 with four light modules
/// before or after it, on the line widened by four light modules at each end, held in a
/// `$t` (`u64` when `w + 8 ≤ 64`, else `u128`). Bit i of `core`: the pattern starts at
/// module i of the widened line. Such patterns are rare, so the rest of the counting is
/// skipped on most lines.
macro_rules! finder_like {
    ($name:ident, $t:ty) => {
        fn $name(line: u64, w: usize) -> u32 {
            let wide = w + 8;
            let dark = <$t>::from(line) << 4;
            let light = !dark & (<$t>::MAX >> (<$t>::BITS as usize - wide));
            let core = dark
                & (light >> 1)
                & (dark >> 2)
                & (dark >> 3)
                & (dark >> 4)
                & (light >> 5)
                & (dark >> 6);
            if core == 0 {
                return 0;
            }
            // Bit i: modules i to i + 3 are light.
            let light4 = light & (light >> 1) & (light >> 2) & (light >> 3);
            let before = core & (light4 << 4);
            let after = core & (light4 >> 7);
            40 * (before.count_ones() + after.count_ones())
        }
    };
}
finder_like!(finder_like_u64, u64);
finder_like!(finder_like_u128, u128);

/// [`penalty`] one module at a time, for any width.
fn penalty_scalar(dark: &[bool], w: usize) -> u32 {
    let mut columns = vec![false; dark.len()];
    for y in 0..w {
        for x in 0..w {
            columns[x * w + y] = dark[y * w + x];
        }
    }
    let mut score = 0;
    for line in dark.chunks_exact(w).chain(columns.chunks_exact(w)) {
        score += line_penalty(line);
    }
    for (row, next) in dark.chunks_exact(w).zip(dark.chunks_exact(w).skip(1)) {
        // Branch-free: on QR data every comparison is a coin toss.
        for x in 0..w - 1 {
            let c = row[x];
            let block = (row[x + 1] == c) & (next[x] == c) & (next[x + 1] == c);
            score += 3 * u32::from(block);
        }
    }
    let dark_count = dark.iter().filter(|&&d| d).count();
    let percent = dark_count * 100 / dark.len();
    score + (percent.abs_diff(50) / 5) as u32 * 10
}

/// N1 and N3 for one row or column.
fn line_penalty(line: &[bool]) -> u32 {
    let mut score = 0;
    // N1 counted as it grows: 3 when a run reaches five, 1 for each module after that.
    // Branch-free, since on QR data whether a module repeats its neighbour is a coin toss.
    let mut run = 0u32;
    let mut previous = None;
    // The last eleven modules seen, newest in the lowest bit; starts as the light area
    // before the line and runs on for four light modules after it.
    let mut window: u16 = 0;
    for i in 0..line.len() + 4 {
        let module = line.get(i).copied();
        let same = u32::from(module == previous);
        run = run * same + 1;
        score += 3 * u32::from(run == 5) + u32::from(run > 5);
        previous = module;
        window = ((window << 1) | u16::from(module == Some(true))) & 0x7ff;
        // 1011101 then four light modules, or four light modules then 1011101.
        if window == 0b101_1101_0000 || window == 0b000_0101_1101 {
            score += 40;
        }
    }
    score
}

/// An `<svg>` element drawing the QR code of `data`, with a 4-module quiet zone, scaled by
/// its container. `label` is its accessible name. `None` if the data is too long for a QR
/// code (over ~1,600 bytes at level Q).
pub fn qr_svg(data: &str, label: &str) -> Option<String> {
    let symbol = encode_symbol(data.as_bytes())?;
    let w = symbol.width();
    let quiet = 4;
    let size = w + 2 * quiet;
    // Each run of dark modules in a row is a horizontal stroke one module thick through
    // the middle of the row (as node-qrcode draws them): the first of a row `M{x} {y}.5h{n}`,
    // the next ones `m{gap} 0h{n}` from where the previous ended. Half the bytes of a
    // filled rectangle per run, for every print view.
    let mut svg = format!(
        r##"<svg class="pf-qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" role="img" aria-label="{}" shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/><path fill="none" stroke="#000" stroke-width="1" d=""##,
        crate::text::escape_html(label)
    )
    .into_bytes();
    svg.reserve(w * w * 2);
    for y in 0..w {
        let mut end = None;
        symbol.dark_runs(y, |start, run| {
            match end {
                None => {
                    svg.push(b'M');
                    push_number(&mut svg, start + quiet);
                    svg.push(b' ');
                    push_number(&mut svg, y + quiet);
                    svg.extend_from_slice(b".5h");
                }
                Some(e) => {
                    svg.push(b'm');
                    push_number(&mut svg, start - e);
                    svg.extend_from_slice(b" 0h");
                }
            }
            push_number(&mut svg, run);
            end = Some(start + run);
        });
    }
    svg.extend_from_slice(b"\"/></svg>");
    // Only ASCII was added to the escaped label.
    String::from_utf8(svg).ok()
}

/// The QR code of `data` as a PNG (black on white, `scale` pixels a module, the quiet zone
/// of four modules), for uploading where SVG is not taken (the 公众号 editor).
pub fn qr_png(data: &str, scale: u32) -> Option<Vec<u8>> {
    let symbol = encode_symbol(data.as_bytes())?;
    let quiet = 4;
    let size = (symbol.width() + 2 * quiet) as u32 * scale;
    let mut img = image::GrayImage::from_pixel(size, size, image::Luma([255]));
    for y in 0..symbol.width() {
        symbol.dark_runs(y, |start, run| {
            for x in start..start + run {
                let (px, py) = ((x + quiet) as u32 * scale, (y + quiet) as u32 * scale);
                for dy in 0..scale {
                    for dx in 0..scale {
                        img.put_pixel(px + dx, py + dy, image::Luma([0]));
                    }
                }
            }
        });
    }
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).ok()?;
    Some(out.into_inner())
}

/// Append `n` (below 1,000: a QR code is at most 177 modules wide) in decimal.
fn push_number(out: &mut Vec<u8>, n: usize) {
    if n >= 100 {
        out.push(b'0' + (n / 100 % 10) as u8);
    }
    if n >= 10 {
        out.push(b'0' + (n / 10 % 10) as u8);
    }
    out.push(b'0' + (n % 10) as u8);
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
        for n in [0, 7, 10, 99, 100, 185, 999] {
            let mut s = Vec::new();
            push_number(&mut s, n);
            assert_eq!(s, n.to_string().as_bytes());
        }
    }

    /// The modules the SVG's path draws: each `M x y.5h n` / `m gap 0h n` is a stroke over
    /// `n` modules of row `y` (minus the quiet zone).
    fn number(s: &str) -> (usize, &str) {
        let n = s.bytes().take_while(u8::is_ascii_digit).count();
        (s[..n].parse().unwrap(), &s[n..])
    }

    fn modules_drawn(svg: &str) -> (Vec<bool>, usize) {
        let size: usize = svg
            .split("viewBox=\"0 0 ")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .unwrap()
            .parse()
            .unwrap();
        let w = size - 8;
        let d = svg
            .split(" d=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let mut dark = vec![false; w * w];
        let (mut x, mut y) = (0usize, 0usize);
        let mut rest = d;
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix('M') {
                let (nx, r) = number(r);
                let (ny, r) = number(r.strip_prefix(' ').unwrap());
                x = nx;
                y = ny;
                rest = r.strip_prefix(".5").unwrap();
            } else if let Some(r) = rest.strip_prefix('m') {
                let (gap, r) = number(r);
                x += gap;
                rest = r.strip_prefix(" 0").unwrap();
            } else if let Some(r) = rest.strip_prefix('h') {
                let (n, r) = number(r);
                for k in x..x + n {
                    dark[(y - 4) * w + (k - 4)] = true;
                }
                x += n;
                rest = r;
            } else {
                panic!("unexpected path data at {rest:?}");
            }
        }
        (dark, w)
    }

    #[test]
    fn the_svg_draws_exactly_the_modules_of_the_code() {
        for url in [
            "https://x.cn/",
            "https://example.gov.cn/hgz/events/xianfa-ri-2026/",
            &format!("https://example.gov.cn/{}/", "%E6%B0%91".repeat(60)),
        ] {
            let svg = qr_svg(url, "码").unwrap();
            assert_eq!(
                modules_drawn(&svg),
                encode(url.as_bytes()).unwrap(),
                "{url}"
            );
        }
    }

    /// Decode the modules with an independent decoder (rqrr), 8 pixels per module.
    fn decode(dark: &[bool], w: usize) -> String {
        let scale = 8;
        let size = (w + 8) * scale;
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(size, size, |x, y| {
            let (mx, my) = ((x / scale) as isize - 4, (y / scale) as isize - 4);
            let inside = (0..w as isize).contains(&mx) && (0..w as isize).contains(&my);
            if inside && dark[my as usize * w + mx as usize] {
                0
            } else {
                255
            }
        });
        let grids = img.detect_grids();
        assert_eq!(grids.len(), 1);
        grids[0].decode().unwrap().1
    }

    #[test]
    fn codes_of_every_size_we_use_decode_to_their_data() {
        let long = format!(
            "https://example.gov.cn/hgz/lessons/{}/",
            "%E6%B0%91".repeat(40)
        );
        for url in [
            "https://x.cn/",
            "https://example.gov.cn/hgz/events/xianfa-ri-2026/",
            "https://example.gov.cn/hgz/lessons/%E6%B0%91%E6%B3%95%E5%85%B8/%E7%AC%AC%E4%B8%80%E8%AF%BE/",
            long.as_str(),
        ] {
            let (dark, w) = encode(url.as_bytes()).unwrap();
            assert_eq!(dark.len(), w * w);
            assert_eq!(decode(&dark, w), url);
        }
    }

    #[test]
    fn masks_applied_on_bit_rows_equal_the_crates_own_drawing() {
        // Every version the fast path takes (1–11 at level Q), several codes each.
        for len in (1..=190).step_by(3) {
            for variant in 0..3 {
                let url: String = format!("https://example.gov.cn/{variant}/")
                    .chars()
                    .chain((0..len).map(|i| char::from(b'a' + ((i * 7 + variant) % 26) as u8)))
                    .collect();
                let bits = bits::encode_auto(url.as_bytes(), EcLevel::Q).unwrap();
                let version = bits.version();
                let (codewords, ec) =
                    ec::construct_codewords(&bits.into_bytes(), version, EcLevel::Q).unwrap();
                let mut canvas = Canvas::new(version, EcLevel::Q);
                canvas.draw_all_functional_patterns();
                canvas.draw_data(&codewords, &ec);
                let w = version.width() as usize;
                let (dark, width) = encode(url.as_bytes()).unwrap();
                assert_eq!(width, w);
                assert_eq!(dark, best_mask_plain(&canvas, w), "{url}");
            }
        }
    }

    #[test]
    fn penalty_rules_follow_the_standard() {
        // N1: a run of 7 scores 3 + 2; N3: a finder-like pattern with light space after it.
        let row = |s: &str| s.chars().map(|c| c == '#').collect::<Vec<bool>>();
        let line = |v: &Vec<bool>| line_penalty(v);
        assert_eq!(line(&row("#######.#.#.")), 5);
        assert_eq!(line(&row("#.#.#.#.#.#.")), 0);
        // Light on both sides (outside the symbol is light): counted from each side.
        assert_eq!(line(&row("#.###.#....#")), 80);
        // Light outside the symbol counts: the pattern at the very start scores.
        assert_eq!(line(&row("#.###.##.#.#")), 40);
        assert_eq!(line(&row("#.#.#.###.#....")), 40);
        // Dark modules on both sides within four: no score.
        assert_eq!(line(&row(".#.#.#.###.#.#")), 0);
        // N4: 100 % dark is ten 5 % steps from half → 100 points; N2 counts 2×2 blocks.
        let all_dark = vec![true; 25];
        // 5 rows and 5 columns with a run of 5 (3 each) + 16 blocks (3 each) + 100.
        assert_eq!(penalty(&all_dark, 5), 10 * 3 + 16 * 3 + 100);
        assert_eq!(penalty_bits(&all_dark, 5), 10 * 3 + 16 * 3 + 100);
    }

    #[test]
    fn dark_runs_of_bit_rows_equal_those_of_modules() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for w in [2, 21, 33, 63, 64] {
            let mut rows = [0u64; 64];
            for (y, r) in rows.iter_mut().enumerate().take(w) {
                let full = u64::MAX >> (64 - w);
                *r = match y % 4 {
                    0 => next() & full,
                    1 => full,
                    2 => 0,
                    _ => (next() & next()) & full,
                };
            }
            let dark: Vec<bool> = (0..w * w)
                .map(|i| rows[i / w] >> (i % w) & 1 == 1)
                .collect();
            let runs = |s: &Symbol| {
                let mut all = Vec::new();
                for y in 0..w {
                    s.dark_runs(y, |x, n| all.push((y, x, n)));
                }
                all
            };
            let bits = runs(&Symbol::Rows(rows, w));
            assert_eq!(bits, runs(&Symbol::Modules(dark, w)), "width {w}");
            assert!(bits.contains(&(1, 0, w)), "a fully dark row is one run");
        }
    }

    #[test]
    fn the_fast_penalty_equals_the_plain_one() {
        // Random symbols of every width the fast path takes, with a share of dark modules
        // from sparse to dense, plus lines with runs and finder-like patterns.
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for w in 5..=64 {
            for density in [1u64, 2, 4, 6, 7] {
                let dark: Vec<bool> = (0..w * w).map(|_| next() % 8 < density).collect();
                assert_eq!(
                    penalty_bits(&dark, w),
                    penalty_scalar(&dark, w),
                    "width {w}"
                );
            }
            let finders: Vec<bool> = (0..w * w)
                .map(|i| {
                    [
                        true, false, true, true, true, false, true, false, false, false, false,
                    ][i % 11]
                })
                .collect();
            assert_eq!(
                penalty_bits(&finders, w),
                penalty_scalar(&finders, w),
                "width {w}"
            );
        }
    }
}
