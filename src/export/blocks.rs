//! Export, the blocks a fragment adds around the body: an event's 活动信息, a lesson's key
//! points and its quiz (answers after a separator at the end), 法条原文 (each cited article
//! quoted in full from the statute library, with its version date), 参考资料, and the
//! closing lines (source, the page's address as text, its QR code).

use super::fragment::escape_text as esc;
use super::refs::{Refs, Target};
use super::style;
use crate::content::page::{EventInfo, LessonInfo};
use crate::render::context::EventVm;
use crate::statute::LawLibrary;

fn heading(out: &mut String, text: &str) {
    out.push_str(&format!(
        "<h2 style=\"{}\">{}</h2>",
        style::ADDED_HEADING,
        esc(text)
    ));
}

fn line(out: &mut String, label: &str, value: &str) {
    out.push_str(&format!(
        "<p style=\"margin:0 0 6px;color:#1b1b1b;font-size:15px\"><strong style=\"{}\">{label}：</strong>{}</p>",
        style::of("strong"),
        esc(value)
    ));
}

/// 活动信息: when, where (as the event's card says them), who, how to take part.
pub fn event_info(out: &mut String, ev: &EventVm, info: &EventInfo) {
    out.push_str(&format!("<section style=\"{}\">", style::BOX));
    out.push_str(&format!(
        "<p style=\"margin:0 0 8px;color:#9f1d20;font-size:17px;font-weight:bold\">活动信息（{}）</p>",
        esc(ev.status_label)
    ));
    line(out, "时间", &ev.when);
    line(out, "地点", &ev.location);
    for (label, v) in info.details() {
        if let Some(v) = v {
            line(out, label, v);
        }
    }
    out.push_str("</section>");
}

/// A lesson's key points (本课要点), before its body.
pub fn key_points(out: &mut String, l: &LessonInfo) {
    if l.key_points.is_empty() {
        return;
    }
    out.push_str(&format!("<section style=\"{}\">", style::BOX));
    out.push_str(
        "<p style=\"margin:0 0 8px;color:#9f1d20;font-size:17px;font-weight:bold\">本课要点</p>",
    );
    for (k, p) in l.key_points.iter().enumerate() {
        out.push_str(&format!(
            "<p style=\"{}\">{}. {}</p>",
            style::list_item(0),
            k + 1,
            esc(p)
        ));
    }
    out.push_str("</section>");
}

/// The quiz as numbered questions with lettered options (自测题), and the answers, which
/// [`answers`] writes after a separator at the end.
pub fn quiz(out: &mut String, l: &LessonInfo) {
    if l.quiz.is_empty() {
        return;
    }
    heading(out, "自测题");
    for (k, q) in l.quiz.iter().enumerate() {
        out.push_str(&format!(
            "<p style=\"{}\"><strong style=\"{}\">{}. {}</strong></p>",
            style::of("p"),
            style::of("strong"),
            k + 1,
            esc(&q.question)
        ));
        for (j, o) in q.options.iter().enumerate() {
            out.push_str(&format!(
                "<p style=\"{}\">{}. {}</p>",
                style::list_item(0),
                letter(j),
                esc(o)
            ));
        }
    }
}

fn letter(j: usize) -> char {
    char::from(b'A' + (j % 26) as u8)
}

/// 参考答案, after a separator.
pub fn answers(out: &mut String, l: &LessonInfo) {
    if l.quiz.is_empty() {
        return;
    }
    out.push_str(&format!("<hr style=\"{}\">", style::of("hr")));
    heading(out, "参考答案");
    for (k, q) in l.quiz.iter().enumerate() {
        let mut text = format!("{}. {}", k + 1, letter(q.answer));
        if !q.explanation.is_empty() {
            text.push('　');
            text.push_str(&q.explanation);
        }
        out.push_str(&format!(
            "<p style=\"{}\">{}</p>",
            style::of("p"),
            esc(&text)
        ));
    }
}

/// 法条原文 and 参考资料, each listing its numbers in order.
pub fn references(out: &mut String, refs: &Refs, lib: &LawLibrary) {
    let statutes: Vec<(usize, usize, crate::statute::numerals::ArticleNo)> = refs
        .all()
        .filter_map(|(n, t)| match t {
            Target::Statute(law, no) => Some((n, *law, *no)),
            Target::Link { .. } => None,
        })
        .collect();
    if !statutes.is_empty() {
        heading(out, "法条原文");
        for (n, law, no) in statutes {
            let Some((fi, a)) = lib.article(law, no) else {
                continue;
            };
            let version = lib.files[fi]
                .version_date
                .as_deref()
                .map(|d| format!("（{d} 版本）"))
                .unwrap_or_default();
            out.push_str(&format!(
                "<p style=\"{}\"><strong style=\"{}\">[{n}] {}</strong>{}</p>",
                style::of("p"),
                style::of("strong"),
                esc(&lib.article_label(law, no)),
                esc(&version)
            ));
            out.push_str(&format!(
                "<blockquote style=\"{}\">",
                style::of("blockquote")
            ));
            for p in &a.paragraphs {
                for text in std::iter::once(&p.text).chain(&p.items) {
                    out.push_str(&format!(
                        "<p style=\"margin:0 0 8px;color:#555;font-size:15px;line-height:1.7\">{}</p>",
                        esc(text)
                    ));
                }
            }
            out.push_str("</blockquote>");
        }
    }
    let links: Vec<(usize, &str, &str)> = refs
        .all()
        .filter_map(|(n, t)| match t {
            Target::Link { title, url } => Some((n, title.as_str(), url.as_str())),
            Target::Statute(..) => None,
        })
        .collect();
    if !links.is_empty() {
        heading(out, "参考资料");
        for (n, title, url) in links {
            out.push_str(&format!(
                "<p style=\"{}\">[{n}] {}：{}</p>",
                style::SMALL,
                esc(title),
                esc(url)
            ));
        }
    }
}

/// The closing lines: where the piece comes from, its address as text, its QR code with
/// what scanning it does.
pub fn footer(out: &mut String, source: &str, permalink: &str, qr_caption: Option<&str>) {
    out.push_str(&format!("<hr style=\"{}\">", style::of("hr")));
    out.push_str(&format!(
        "<p style=\"{}\">来源：{}</p><p style=\"{}\">原文地址：{}</p>",
        style::SMALL,
        esc(source),
        style::SMALL,
        esc(permalink)
    ));
    if let Some(caption) = qr_caption {
        out.push_str(&format!(
            "<img src=\"images/qr.png\" alt=\"{}\" style=\"{}\"><p style=\"{}\">{}</p>",
            esc(caption),
            style::QR,
            style::of("figcaption"),
            esc(caption)
        ));
    }
}
