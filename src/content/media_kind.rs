//! What a linked file is to a reader (a video, a sound, a document…), by its name alone:
//! the parse step checks `audio:` with it, the link step makes players and download links.

/// What a file is to a reader, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    Video(&'static str),
    Audio(&'static str),
    /// A document or other download, with the name of its type.
    Document(&'static str),
    Other,
}

/// What the file named `name` is.
pub fn media_of(name: &str) -> Media {
    // Asked for every link of every page: no allocation.
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    let mut lower = [0u8; 4];
    if ext.len() > lower.len() {
        return Media::Other;
    }
    for (l, c) in lower.iter_mut().zip(ext.bytes()) {
        *l = c.to_ascii_lowercase();
    }
    match std::str::from_utf8(&lower[..ext.len()]).unwrap_or("") {
        "mp4" | "m4v" => Media::Video("video/mp4"),
        "webm" => Media::Video("video/webm"),
        "mp3" => Media::Audio("audio/mpeg"),
        "m4a" => Media::Audio("audio/mp4"),
        "ogg" | "oga" => Media::Audio("audio/ogg"),
        "wav" => Media::Audio("audio/wav"),
        "pdf" => Media::Document("PDF"),
        "doc" | "docx" => Media::Document("Word 文档"),
        "xls" | "xlsx" => Media::Document("Excel 表格"),
        "ppt" | "pptx" => Media::Document("PPT 演示文稿"),
        "wps" => Media::Document("WPS 文档"),
        "et" => Media::Document("WPS 表格"),
        "zip" | "rar" | "7z" => Media::Document("压缩包"),
        "txt" => Media::Document("文本"),
        "csv" => Media::Document("CSV 表格"),
        _ => Media::Other,
    }
}
