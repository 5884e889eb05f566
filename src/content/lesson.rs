//! Parse step: what only lessons have — their series and order, cited laws, key points
//! and a self-check quiz whose answers must index an option.

use super::check::Checker;
use super::meta::{RawMeta, RawQuiz};
use super::page::{LessonInfo, Quiz};
use super::place::Place;
use crate::diag::Diagnostic;
use crate::yaml::item_position;

pub(super) fn parse_lesson(
    c: &mut Checker<'_>,
    raw: &RawMeta,
    place: &Place,
) -> Option<LessonInfo> {
    let series_dir = series_dir(c, place);
    let order = check_order(c, raw);
    let mut quiz = Vec::new();
    for (i, q) in raw.quiz.clone().unwrap_or_default().into_iter().enumerate() {
        if let Some(q) = check_quiz(c, i, q) {
            quiz.push(q);
        }
    }
    let laws = cited_laws(c, raw);
    let order_line = c.at_key("order").0;
    Some(LessonInfo {
        series_dir,
        series_name: raw.series.clone().filter(|s| !s.trim().is_empty()),
        order: order?,
        order_line,
        laws,
        cited: Vec::new(),
        duration: raw.duration.clone().map(|d| {
            let d = d.0.trim().to_string();
            if d.chars().all(|c| c.is_ascii_digit()) {
                format!("{d}分钟")
            } else {
                d
            }
        }),
        key_points: raw
            .key_points
            .clone()
            .unwrap_or_default()
            .into_iter()
            .map(|k| k.trim().to_string())
            .filter(|k| !k.is_empty())
            .collect(),
        quiz,
    })
}

/// The series folder a lesson is in (`lessons/minfadian/…` → `minfadian`); a lesson outside
/// any series is an error.
fn series_dir(c: &mut Checker<'_>, place: &Place) -> String {
    let series_dir = place
        .dir_slug
        .strip_prefix("lessons/")
        .and_then(|d| d.split('/').next())
        .unwrap_or("")
        .to_string();
    if series_dir.is_empty() {
        c.diags.push(
            Diagnostic::error("课程文件必须放在一个系列文件夹里")
                .in_file(c.file)
                .with_hint(
                    "例如 content/lessons/minfadian/01-hunyin.md：文件夹 minfadian 就是一个系列，可以在里面放 _index.md 写系列名称。",
                ),
        );
    }
    series_dir
}

/// `order:`, required and positive.
fn check_order(c: &mut Checker<'_>, raw: &RawMeta) -> Option<i64> {
    match raw.order {
        Some(o) if o >= 1 => Some(o),
        Some(o) => {
            c.error_at(
                "order",
                format!("课程序号 order 必须是正整数，现在是 {o}"),
                "第一课写 order: 1，第二课写 order: 2，依此类推。",
            );
            None
        }
        None => {
            c.missing("order", "课程在系列里的序号", "order: 1");
            None
        }
    }
}

/// The non-empty entries of `laws:`, trimmed, each with its line in the file.
fn cited_laws(c: &Checker<'_>, raw: &RawMeta) -> Vec<(String, usize)> {
    raw.laws
        .clone()
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            let line = item_position(c.yaml, c.yaml_line, "laws", i, None)
                .map(|p| p.0)
                .unwrap_or(1);
            (l.trim().to_string(), line)
        })
        .filter(|(l, _)| !l.is_empty())
        .collect()
}

fn check_quiz(c: &mut Checker<'_>, i: usize, q: RawQuiz) -> Option<Quiz> {
    let pos = |sub: Option<&str>| {
        item_position(c.yaml, c.yaml_line, "quiz", i, sub).unwrap_or((c.yaml_line, 0))
    };
    let n = i + 1;
    if q.options.len() < 2 {
        let p = pos(Some("options"));
        c.error_at_pos(
            p,
            format!("第 {n} 道自测题至少要有两个选项"),
            "options 下面每行写一个选项，以 “- ” 开头。",
        );
        return None;
    }
    let a = q.answer.trim();
    let letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    // The option's own text first (`answer: 对`), then its number, then its letter.
    let index = if let Some(i) = q.options.iter().position(|o| o.trim() == a) {
        Some(i)
    } else if let Ok(num) = a.parse::<i64>() {
        (num >= 1).then(|| (num - 1) as usize)
    } else if a.chars().count() == 1 {
        a.chars()
            .next()
            .and_then(|ch| letters.find(ch.to_ascii_uppercase()))
    } else {
        None
    };
    match index {
        Some(idx) if idx < q.options.len() => Some(Quiz {
            question: q.question.trim().to_string(),
            options: q.options.iter().map(|o| o.trim().to_string()).collect(),
            answer: idx,
            explanation: q.explanation.unwrap_or_default().trim().to_string(),
        }),
        _ => {
            let p = pos(Some("answer"));
            let count = q.options.len();
            c.error_at_pos(
                p,
                format!("第 {n} 道自测题的答案 “{a}” 不是任何一个选项（共 {count} 个选项）"),
                format!(
                    "answer 写正确选项的序号（1 到 {count}），或写字母 A 到 {}。",
                    letters.chars().nth(count - 1).unwrap_or('Z')
                ),
            );
            None
        }
    }
}
