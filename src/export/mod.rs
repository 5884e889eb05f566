//! Export (新媒体): a page of the built site as a 微信公众号 article (`pufa export wechat`).
//! Made from what the build made (the page's final body, its card, the statute library,
//! the processed images in the output), so it says what the site says. Per page a folder:
//! `article.html` (one fragment with inline styles only, see [`fragment`]), `images/` with
//! every picture as a JPEG or PNG under 1 MB and the page's QR code, `images.tsv` (file,
//! alt text, place, bytes: the editor needs them uploaded), `meta.json` (title, digest,
//! author, cover, the address for 阅读原文) and `qr.svg`. The editor's limits are checked
//! with warnings naming the page. Nothing here touches the disk.

mod blocks;
pub mod fragment;
pub mod preview;
pub mod refs;
pub mod style;
pub mod text;

use crate::content::Kind;
use crate::diag::Diagnostic;
use crate::output::OutputSet;
use crate::render::context::card_vm;
use crate::render::theme::Theme;
use crate::site::{EventStatus, PageId, Site};
use crate::statute::numerals::ArticleNo;

/// The editor's limits (WeChat's 图文消息 API): the fragment's characters and bytes, the
/// title's, author's and digest's characters, and an image's bytes.
pub const MAX_CHARS: usize = 20_000;
pub const MAX_BYTES: usize = 1_000_000;
pub const MAX_TITLE: usize = 32;
pub const MAX_AUTHOR: usize = 16;
pub const MAX_DIGEST: usize = 128;
pub const MAX_IMAGE: usize = 1024 * 1024;

/// One page's export: the folder it goes in (named after the page's address), its files
/// (paths inside that folder), and the warnings about it.
#[derive(Debug)]
pub struct Export {
    pub folder: String,
    pub files: Vec<(String, Vec<u8>)>,
    pub diagnostics: Vec<Diagnostic>,
}

/// An image of the article: its file in `images/`, bytes, alt text and place.
struct Image {
    file: String,
    bytes: Vec<u8>,
    alt: String,
    place: String,
}

/// The folder of page `id`'s export: its address with `-` for `/` (`articles-a`).
pub fn folder_of(site: &Site, id: PageId) -> String {
    site.path(id).trim_matches('/').replace('/', "-")
}

/// The statute article a link's address leads to (`/hgz/laws/民法典/婚姻家庭编/#art-1043`,
/// a paragraph's `#art-1043-2`, an article 之一's `#art-10-1`), if it leads to one.
fn cite_of(site: &Site, href: &str) -> Option<(usize, ArticleNo)> {
    let c = site.config();
    let rest = href.strip_prefix(c.base_path.as_str())?;
    let decoded = crate::text::decode_percent(rest);
    let (path, anchor) = decoded.split_once('#')?;
    let lib = site.library();
    let file = lib.file_paths.iter().position(|p| p == path)?;
    let law = lib.laws.iter().position(|l| l.files.contains(&file))?;
    let mut numbers = anchor.strip_prefix("art-")?.split('-');
    let main: u32 = numbers.next()?.parse().ok()?;
    let second: Option<u32> = numbers.next().and_then(|n| n.parse().ok());
    let articles = &lib.laws[law].articles;
    // `art-10-1` is article 10之1 where there is one, else paragraph 1 of article 10.
    let sub = second.filter(|&s| articles.contains_key(&ArticleNo { main, sub: s }));
    let no = ArticleNo {
        main,
        sub: sub.unwrap_or(0),
    };
    articles.contains_key(&no).then_some((law, no))
}

/// Bytes of the first of `paths` (site paths) that the editor takes: a JPEG or PNG of the
/// output under 1 MB.
fn uploadable(output: &OutputSet, paths: &[String]) -> Option<(String, Vec<u8>)> {
    paths.iter().find_map(|p| {
        let ext = p.rsplit('.').next()?.to_ascii_lowercase();
        let ext = match ext.as_str() {
            "jpg" | "jpeg" => "jpg",
            "png" => "png",
            _ => return None,
        };
        let b = output.get(p)?;
        (b.len() < MAX_IMAGE).then(|| (ext.to_string(), b.to_vec()))
    })
}

/// The body of page `id` as a fragment: its images go to `images` (those the editor would
/// refuse to `refused`), its references to `refs`.
fn body(
    site: &Site,
    output: &OutputSet,
    id: PageId,
    refs: &mut refs::Refs,
    images: &mut Vec<Image>,
    refused: &mut Vec<String>,
) -> String {
    let c = site.config();
    let cite = |href: &str| cite_of(site, href);
    let mut image = |paths: &[String], alt: &str| {
        let Some((ext, bytes)) = uploadable(output, paths) else {
            refused.push(paths.last().cloned().unwrap_or_default());
            return None;
        };
        let file = format!("{:02}.{ext}", images.len() + 1);
        images.push(Image {
            file: file.clone(),
            bytes,
            alt: alt.to_string(),
            place: format!("正文第 {} 张图", images.len() + 1),
        });
        Some(file)
    };
    let mut env = fragment::Env {
        base_path: &c.base_path,
        base_url: &c.public_url,
        cite: &cite,
        image: &mut image,
    };
    fragment::body(site.html(id), &mut env, refs)
}

/// What scanning the QR code at the end does, by kind of page.
fn qr_caption(kind: Kind) -> &'static str {
    match kind {
        Kind::Event => "扫码查看活动详情",
        Kind::Lesson => "扫码在线答题",
        _ => "扫码阅读原文",
    }
}

/// The whole fragment: the blocks of its kind around `body`, the references, the footer.
/// `footer`: the source named, the page's published address, and whether there is a QR
/// code to show.
fn fragment_of(
    site: &Site,
    id: PageId,
    body: &str,
    refs: &mut refs::Refs,
    footer: (&str, &str, bool),
) -> String {
    let p = site.page(id);
    let card = card_vm(site, id);
    let mut html = format!("<section style=\"{}\">", style::of("section"));
    if let (Some(ev), Some(info)) = (&card.event, &p.event) {
        blocks::event_info(&mut html, ev, info);
    }
    if let Some(l) = &p.lesson {
        blocks::key_points(&mut html, l);
        if !l.cited.is_empty() {
            let cited: Vec<String> = l
                .cited
                .iter()
                .map(|a| {
                    let n = refs.statute(a.citation.law, a.citation.article);
                    format!("《{}》{}[{n}]", a.law_short, a.label)
                })
                .collect();
            html.push_str(&format!(
                "<p style=\"{}\">本课涉及的法条：{}</p>",
                style::SMALL,
                fragment::escape_text(&cited.join("、"))
            ));
        }
    }
    html.push_str(body);
    if let Some(l) = &p.lesson {
        blocks::quiz(&mut html, l);
    }
    blocks::references(&mut html, refs, site.library());
    if let Some(l) = &p.lesson {
        blocks::answers(&mut html, l);
    }
    let qr = footer.2.then(|| qr_caption(p.kind));
    blocks::footer(&mut html, footer.0, footer.1, qr);
    html.push_str("</section>\n");
    html
}

/// The 公众号 export of page `id`.
pub fn wechat(site: &Site, output: &OutputSet, id: PageId, theme: &Theme) -> Export {
    let c = site.config();
    let p = site.page(id);
    let permalink = c.public_permalink(site.path(id));
    let mut diags = Vec::new();
    let (mut images, mut refused) = (Vec::new(), Vec::new());
    let mut refs = refs::Refs::default();
    // A lesson's cited articles are listed before its body: their numbers come first.
    for a in p.lesson.iter().flat_map(|l| &l.cited) {
        refs.statute(a.citation.law, a.citation.article);
    }
    let body = body(site, output, id, &mut refs, &mut images, &mut refused);
    let source = p.author.clone().unwrap_or_else(|| c.content_source.clone());
    let caption = qr_caption(p.kind);
    let qr = crate::render::qr::qr_png(&permalink, 8);
    let footer = (source.as_str(), permalink.as_str(), qr.is_some());
    let html = fragment_of(site, id, &body, &mut refs, footer);
    let html = style::recolour(&html, &theme.wechat_colours);
    let mut files = Vec::new();
    if let Some(png) = qr {
        images.push(Image {
            file: "qr.png".into(),
            bytes: png,
            alt: caption.into(),
            place: "文末二维码".into(),
        });
    }
    if let Some(svg) = crate::render::qr::qr_svg(&permalink, caption) {
        files.push(("qr.svg".to_string(), svg.into_bytes()));
    }
    let cover = site.cover(id).and_then(|f| {
        let path = f.href.strip_prefix(c.base_path.as_str())?;
        let (ext, bytes) = uploadable(output, &[crate::text::decode_percent(path)])?;
        let file = format!("cover.{ext}");
        images.push(Image {
            file: file.clone(),
            bytes,
            alt: p.cover_alt.clone(),
            place: "封面".into(),
        });
        Some(file)
    });
    let meta = serde_json::json!({
        "title": p.title,
        "digest": p.summary,
        "author": source,
        "cover": cover.map(|f| format!("images/{f}")),
        "content_source_url": permalink,
        "kind": p.kind,
        "date": p.date.as_ref().map(crate::dates::rfc3339),
    });
    check_limits(site, id, &html, &source, &refused, &mut diags);
    files.push(("article.html".into(), html.into_bytes()));
    files.push(("images.tsv".into(), images_tsv(&images).into_bytes()));
    let meta = serde_json::to_vec_pretty(&meta).unwrap_or_default();
    files.push(("meta.json".into(), meta));
    files.extend(
        images
            .into_iter()
            .map(|i| (format!("images/{}", i.file), i.bytes)),
    );
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Export {
        folder: folder_of(site, id),
        files,
        diagnostics: diags,
    }
}

/// The plain-text export of page `id` (`pufa export text`): `article.txt` with the same
/// references and quoted articles, the images and `images.tsv`, `meta.json`.
pub fn plain_text(site: &Site, output: &OutputSet, id: PageId, theme: &Theme) -> Export {
    let mut e = wechat(site, output, id, theme);
    let mut files = Vec::new();
    for (path, bytes) in std::mem::take(&mut e.files) {
        match path.as_str() {
            "article.html" => files.push((
                "article.txt".to_string(),
                text::from_fragment(&String::from_utf8_lossy(&bytes)).into_bytes(),
            )),
            "qr.svg" => {}
            _ => files.push((path, bytes)),
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    e.files = files;
    // The editor's limits are the 公众号's; a text platform has its own.
    e.diagnostics
        .retain(|d| !d.message.contains("公众号最多") && !d.message.starts_with("导出的正文有"));
    e
}

/// `images.tsv`: file, alt text, place, bytes of each image.
fn images_tsv(images: &[Image]) -> String {
    let mut tsv = String::from("file\talt\tplace\tbytes\n");
    for i in images {
        tsv.push_str(&format!(
            "images/{}\t{}\t{}\t{}\n",
            i.file,
            i.alt.replace(['\t', '\n'], " "),
            i.place,
            i.bytes.len()
        ));
    }
    tsv
}

/// Warnings for what the editor will refuse or cut, and for pages not meant for readers yet.
fn check_limits(
    site: &Site,
    id: PageId,
    html: &str,
    author: &str,
    refused: &[String],
    diags: &mut Vec<Diagnostic>,
) {
    let p = site.page(id);
    let warn = |msg: String, hint: &str| {
        Diagnostic::warning(msg)
            .in_file(&p.source)
            .with_hint(hint.to_string())
    };
    let chars = html.chars().count();
    if chars > MAX_CHARS || html.len() > MAX_BYTES {
        diags.push(warn(
            format!("导出的正文有 {chars} 个字符（含排版），超过公众号的 2 万字符上限"),
            "公众号按 HTML（连同样式）计数：把文章拆成上下两篇，或删减引用的法条原文。",
        ));
    }
    for (what, value, max) in [
        ("标题", p.title.as_str(), MAX_TITLE),
        ("作者", author, MAX_AUTHOR),
        ("摘要", p.summary.as_str(), MAX_DIGEST),
    ] {
        let n = value.chars().count();
        if n > max {
            diags.push(warn(
                format!("{what}有 {n} 个字，公众号最多 {max} 个字"),
                "在公众号后台改短，或在元数据里写一个更短的（摘要写 summary:）。",
            ));
        }
    }
    for r in refused {
        diags.push(warn(
            format!(
                "图片 {r} 不能上传到公众号（只收 JPEG、PNG，且小于 1 MB），文中留了“[图片：…]”"
            ),
            "换成 JPEG 或 PNG 照片再导出，或在公众号后台另配一张图。",
        ));
    }
    if p.draft {
        diags.push(warn(
            "这是草稿（draft: true），还没有在网站上发布".into(),
            "确认内容定稿后再发公众号。",
        ));
    }
    if site.scheduled(id)
        || p.date
            .as_ref()
            .is_some_and(|d| d.timestamp() > site.now().timestamp())
    {
        diags.push(warn(
            "这篇的发布日期还没到，网站上还看不到它，“阅读原文”会打不开".into(),
            "等网站发布后再发公众号，或把 date 改成今天。",
        ));
    }
    if p.kind == Kind::Event && site.status(id) == EventStatus::Past {
        diags.push(warn(
            "这个活动已经结束了".into(),
            "活动结束后发的推送宜改写成活动回顾（写成一篇文章）。",
        ));
    }
}
