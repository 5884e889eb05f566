//! Parse step, Markdown: the sanitiser for raw HTML in bodies (ammonia).

/// Clean author HTML: no scripts, no event handlers, no `javascript:` URLs, no embedded
/// frames or forms. Classes, ids, and the markup our own pass produces are kept. Local
/// `<video>` and `<audio>` stay, always with controls and loading nothing until played
/// (their addresses are checked like any other: media from other sites are refused).
pub fn sanitize(html: &str) -> String {
    let mut b = ammonia::Builder::default();
    b.add_generic_attributes([
        "class",
        "id",
        "title",
        "lang",
        "dir",
        "aria-label",
        "aria-hidden",
        "role",
    ])
    .add_tag_attributes("input", ["type", "checked", "disabled"])
    .add_tag_attributes("ol", ["start"])
    .add_tag_attributes("details", ["open"])
    .add_tag_attributes("td", ["align"])
    .add_tag_attributes("th", ["align"])
    .add_tags([
        "input",
        "details",
        "summary",
        "figure",
        "figcaption",
        "mark",
        "section",
        "video",
        "audio",
        "source",
        "track",
    ])
    .add_tag_attributes(
        "video",
        ["src", "poster", "width", "height", "muted", "loop"],
    )
    .add_tag_attributes("audio", ["src", "loop"])
    .add_tag_attributes("source", ["src", "type"])
    .add_tag_attributes("track", ["src", "kind", "srclang", "label", "default"])
    .set_tag_attribute_value("video", "controls", "")
    .set_tag_attribute_value("video", "preload", "none")
    .set_tag_attribute_value("audio", "controls", "")
    .set_tag_attribute_value("audio", "preload", "none")
    .url_schemes(
        ["http", "https", "mailto", "tel", "sms", "data"]
            .into_iter()
            .collect(),
    )
    .link_rel(None)
    .id_prefix(None)
    .strip_comments(true);
    b.clean(html).to_string()
}
