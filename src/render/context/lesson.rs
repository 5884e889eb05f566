//! Render step: the view model of a lesson — its place in the series, the articles it
//! cites with their text, and its self-check quiz.

use serde::Serialize;

use super::LinkVm;
use crate::content::page::Page;
use crate::site::{PageId, Site};

/// A lesson's place in its series and its learning material.
#[derive(Debug, Clone, Serialize)]
pub struct LessonVm {
    pub series: LinkVm,
    pub order: i64,
    /// 1-based position in the series, and the number of lessons.
    pub number: usize,
    pub total: usize,
    pub duration: Option<String>,
    pub key_points: Vec<String>,
    /// `laws:` as written.
    pub laws: Vec<String>,
    /// The cited articles with their full text and a link.
    pub cited: Vec<CitedVm>,
    pub quiz: Vec<QuizVm>,
    pub prev: Option<LinkVm>,
    pub next: Option<LinkVm>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CitedVm {
    pub written: String,
    pub law: String,
    pub label: String,
    pub url: String,
    pub paragraphs: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuizVm {
    pub number: usize,
    pub question: String,
    pub options: Vec<OptionVm>,
    pub answer_letter: String,
    pub answer_text: String,
    pub explanation: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct OptionVm {
    pub letter: String,
    pub text: String,
    pub correct: bool,
}

const LETTERS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

fn letter(i: usize) -> String {
    LETTERS
        .chars()
        .nth(i)
        .map_or_else(|| (i + 1).to_string(), String::from)
}

/// The lesson part of page `i`'s card: none for pages that are no lesson.
#[inline]
pub(super) fn lesson_vm(site: &Site, i: PageId, p: &Page) -> Option<LessonVm> {
    let l = p.lesson.as_ref()?;
    let place = site.lesson(i)?;
    let (s, pos) = (place.series, place.pos);
    let c = site.config();
    let nav = |j: Option<&PageId>| {
        j.map(|&j| LinkVm {
            title: site.title(j).to_string(),
            url: c.link(site.path(j)),
        })
    };
    Some(LessonVm {
        series: LinkVm {
            title: s.title.clone(),
            url: c.link(&s.path),
        },
        order: l.order,
        number: pos + 1,
        total: s.lessons.len(),
        duration: l.duration.clone(),
        key_points: l.key_points.clone(),
        laws: l.laws.iter().map(|(t, _)| t.clone()).collect(),
        cited: l
            .cited
            .iter()
            .map(|a| CitedVm {
                written: a.written.clone(),
                law: a.law_short.clone(),
                label: a.label.clone(),
                url: format!("{}#{}", c.link(&a.path), a.anchor),
                paragraphs: a.paragraphs.clone(),
            })
            .collect(),
        quiz: l
            .quiz
            .iter()
            .enumerate()
            .map(|(n, q)| QuizVm {
                number: n + 1,
                question: q.question.clone(),
                options: q
                    .options
                    .iter()
                    .enumerate()
                    .map(|(k, o)| OptionVm {
                        letter: letter(k),
                        text: o.clone(),
                        correct: k == q.answer,
                    })
                    .collect(),
                answer_letter: letter(q.answer),
                answer_text: q.options.get(q.answer).cloned().unwrap_or_default(),
                explanation: q.explanation.clone(),
            })
            .collect(),
        prev: if pos > 0 {
            nav(s.lessons.get(pos - 1))
        } else {
            None
        },
        next: nav(s.lessons.get(pos + 1)),
    })
}
