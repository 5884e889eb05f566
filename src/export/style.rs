//! Export, the inline styles of a 公众号 fragment: the editor keeps only `style=""`, so every
//! element gets its declarations from this map when it is written (as wechat-format does; no
//! CSS engine). Colours are the default theme's, written as literals (the editor resolves no
//! CSS variables); text colour is set on every text block because the editor resets it, and
//! stays dark-on-light so WeChat's dark mode can invert it. Only the properties of
//! [`ALLOWED`] are used: kept short, because WeChat counts the styles against its limit.

/// The properties a style may use (checked by the tests on every exported fragment).
pub const ALLOWED: &[&str] = &[
    "color",
    "background-color",
    "font-size",
    "font-weight",
    "font-style",
    "line-height",
    "text-align",
    "text-decoration",
    "margin",
    "padding",
    "border",
    "border-left",
    "border-bottom",
    "border-collapse",
    "border-radius",
    "max-width",
    "width",
    "height",
    "display",
    "word-break",
    "letter-spacing",
    "vertical-align",
];

/// The colours of the map by the name a theme sets them with, and the value each is written
/// as here (see [`crate::render::theme::WECHAT_COLOURS`]).
pub use crate::render::theme::WECHAT_COLOURS as COLOURS;

/// `html` with the colours of its `style` attributes set to a theme's `colours` (by name;
/// those it does not set stay the default theme's).
pub fn recolour(html: &str, colours: &std::collections::BTreeMap<String, String>) -> String {
    if colours.is_empty() {
        return html.to_string();
    }
    let swap = |hex: &str| {
        COLOURS
            .iter()
            .find(|(_, v)| v.eq_ignore_ascii_case(hex))
            .and_then(|(k, _)| colours.get(*k))
    };
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(" style=\"") {
        let start = i + 8;
        let end = rest[start..].find('"').map_or(rest.len(), |k| start + k);
        out.push_str(&rest[..start]);
        let mut style = &rest[start..end];
        while let Some(h) = style.find('#') {
            out.push_str(&style[..h]);
            let run = style[h + 1..]
                .find(|c: char| !c.is_ascii_hexdigit())
                .map_or(style.len(), |k| h + 1 + k);
            let hex = &style[h..run];
            out.push_str(swap(hex).map_or(hex, String::as_str));
            style = &style[run..];
        }
        out.push_str(style);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The style of element `tag` in the fragment (`""`: none).
pub fn of(tag: &str) -> &'static str {
    match tag {
        "section" => {
            "margin:0;padding:0;color:#1b1b1b;font-size:16px;line-height:1.75;letter-spacing:0.5px;word-break:break-all"
        }
        "p" => "margin:0 0 16px;color:#1b1b1b;font-size:16px;line-height:1.75",
        "h2" => {
            "margin:28px 0 12px;padding:0 0 4px 10px;border-left:4px solid #9f1d20;color:#9f1d20;font-size:18px;font-weight:bold;line-height:1.5"
        }
        "h3" => "margin:24px 0 10px;color:#1b1b1b;font-size:17px;font-weight:bold;line-height:1.5",
        "h4" | "h5" | "h6" => "margin:20px 0 8px;color:#1b1b1b;font-size:16px;font-weight:bold",
        "strong" | "b" => "font-weight:bold;color:#1b1b1b",
        "em" | "i" => "font-style:italic",
        "del" | "s" => "text-decoration:line-through;color:#555",
        "code" => {
            "padding:1px 4px;border-radius:3px;background-color:#f6f3ee;color:#9f1d20;font-size:14px"
        }
        "blockquote" => {
            "margin:0 0 16px;padding:10px 14px;border-left:4px solid #d9d4cc;background-color:#f6f3ee;color:#555"
        }
        "hr" => "margin:24px 0;border:0;border-bottom:1px solid #d9d4cc;height:0",
        "table" => "margin:0 0 16px;border-collapse:collapse;width:100%;font-size:14px",
        "th" => {
            "padding:6px 8px;border:1px solid #d9d4cc;background-color:#f6f3ee;color:#1b1b1b;font-weight:bold"
        }
        "td" => "padding:6px 8px;border:1px solid #d9d4cc;color:#1b1b1b",
        "caption" => "padding:0 0 6px;color:#555;font-size:14px",
        "img" => "display:block;max-width:100%;margin:0 auto",
        "figcaption" => "margin:6px 0 16px;color:#555;font-size:14px;text-align:center",
        "sup" => "color:#9f1d20;font-size:12px;vertical-align:super",
        "pre" => {
            "margin:0 0 16px;padding:10px;background-color:#f6f3ee;color:#1b1b1b;font-size:14px;line-height:1.6"
        }
        "span" => "",
        _ => "",
    }
}

/// A list's item drawn as a paragraph (the editor resets list margins and flattens nesting):
/// `depth` 0 for the outer list.
pub fn list_item(depth: usize) -> String {
    format!(
        "margin:0 0 8px;padding:0 0 0 {}px;color:#1b1b1b;font-size:16px;line-height:1.75",
        16 + 20 * depth
    )
}

/// A box (the site's hotline box, the 活动信息 block): a washed panel.
pub const BOX: &str = "margin:0 0 16px;padding:12px 14px;border:1px solid #d9d4cc;border-radius:6px;background-color:#f6f3ee";

/// A section heading the export adds (法条原文, 参考资料, 活动信息…).
pub const ADDED_HEADING: &str = "margin:28px 0 12px;padding:0 0 4px 10px;border-left:4px solid #9f1d20;color:#9f1d20;font-size:18px;font-weight:bold";

/// Small print: references, sources, the QR code's caption.
pub const SMALL: &str = "margin:0 0 8px;color:#555;font-size:14px;line-height:1.6";

/// The QR code image: white around it, so dark mode leaves it readable.
pub const QR: &str =
    "display:block;width:160px;max-width:100%;margin:8px auto;padding:8px;background-color:#fff";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_theme_recolours_styles_only() {
        let mut c = std::collections::BTreeMap::new();
        c.insert("accent".to_string(), "#174a7c".to_string());
        c.insert("muted".to_string(), "#9f1d20".to_string());
        let html = r#"<h2 style="border-left:4px solid #9f1d20;color:#9F1D20">#9f1d20</h2><p style="color:#555;border:1px solid #d9d4cc">x</p>"#;
        assert_eq!(
            recolour(html, &c),
            r#"<h2 style="border-left:4px solid #174a7c;color:#174a7c">#9f1d20</h2><p style="color:#9f1d20;border:1px solid #d9d4cc">x</p>"#
        );
    }

    /// Every property in the map is on the allow-list.
    #[test]
    fn the_map_uses_allowed_properties_only() {
        let tags = [
            "section",
            "p",
            "h2",
            "h3",
            "h4",
            "strong",
            "em",
            "del",
            "code",
            "blockquote",
            "hr",
            "table",
            "th",
            "td",
            "caption",
            "img",
            "figcaption",
            "sup",
            "pre",
        ];
        let mut all: Vec<String> = tags.iter().map(|t| of(t).to_string()).collect();
        all.extend([
            list_item(2),
            BOX.into(),
            ADDED_HEADING.into(),
            SMALL.into(),
            QR.into(),
        ]);
        for style in all {
            for decl in style.split(';').filter(|d| !d.is_empty()) {
                let prop = decl.split(':').next().unwrap();
                assert!(ALLOWED.contains(&prop), "{prop} in {style}");
            }
        }
    }
}
