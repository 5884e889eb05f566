//! The pipeline's problems, kept by where they come from (a file's reading or parsing, a
//! page's links, a tag, an output path, the templates…), so a rebuild replaces those of the
//! origins it looked at again and keeps the rest — sorted, without repeats, without sorting
//! them all again.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::diag::Diagnostic;
use crate::fingerprint::FastMap;

/// Where problems come from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Origin {
    /// Reading a file (not UTF-8, control characters).
    Read(String),
    /// site.yaml.
    Config,
    /// `--now`.
    Now,
    /// The theme chain.
    Theme,
    /// The statute library.
    Laws,
    /// Parsing a content file.
    Parse(String),
    /// Processing an image (content), or looking at one (`static/`).
    Image(String),
    /// The link step (kind, key; see `site/update.rs`).
    Link(u8, String),
    /// Compiling the templates.
    Templates,
    /// Running templates.
    Render,
}

impl Origin {
    /// The stage of the pipeline that reports it: a build that stops at a stage reports
    /// what that stage and the ones before it found (as a one-off build would).
    pub fn stage(&self) -> Stage {
        match self {
            Origin::Read(_) => Stage::Read,
            Origin::Config | Origin::Now => Stage::Config,
            Origin::Theme => Stage::Theme,
            Origin::Laws | Origin::Parse(_) | Origin::Image(_) => Stage::Parse,
            Origin::Link(..) => Stage::Link,
            Origin::Templates | Origin::Render => Stage::Render,
        }
    }
}

/// The stages of a build, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Read,
    Config,
    Theme,
    Parse,
    Link,
    Render,
}

/// A diagnostic ordered by file, line, column, severity and message — the order users see
/// — and then by everything else, so that the order is total.
#[derive(Debug, Clone)]
struct Total(Diagnostic);

impl Total {
    fn key(&self) -> impl Ord + '_ {
        (
            self.0.sort_key(),
            self.0.hint.as_deref(),
            self.0.source_line.as_deref(),
            self.0.span_len,
        )
    }
}

impl PartialEq for Total {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Total {}

impl PartialOrd for Total {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Total {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

/// Every problem of the site, by origin, and all of them in order.
#[derive(Debug, Default)]
pub struct DiagStore {
    by_origin: FastMap<Origin, Vec<Diagnostic>>,
    /// Each distinct problem with the origins reporting it, by their stage.
    sorted: BTreeMap<Total, [u32; 6]>,
    /// Errors found by each stage.
    errors: [usize; 6],
    /// The last list handed out, by the stage it was made for, while nothing changed.
    made: std::sync::Mutex<Option<(Stage, std::sync::Arc<[Diagnostic]>)>>,
}

impl DiagStore {
    /// The problems of `origin` are now `diags` (none: it has none left).
    pub fn set(&mut self, origin: Origin, diags: Vec<Diagnostic>) {
        let same = match self.by_origin.get(&origin) {
            Some(old) => *old == diags,
            None => diags.is_empty(),
        };
        if same {
            return;
        }
        if let Ok(mut m) = self.made.lock() {
            *m = None;
        }
        let stage = origin.stage() as usize;
        if let Some(old) = self.by_origin.remove(&origin) {
            for d in old {
                let key = Total(d);
                if let Some(n) = self.sorted.get_mut(&key) {
                    n[stage] -= 1;
                    if n[stage] == 0 && key.0.is_error() {
                        self.errors[stage] -= 1;
                    }
                    if n.iter().all(|x| *x == 0) {
                        self.sorted.remove(&key);
                    }
                }
            }
        }
        if diags.is_empty() {
            return;
        }
        for d in &diags {
            let n = self.sorted.entry(Total(d.clone())).or_insert([0; 6]);
            if n[stage] == 0 && d.is_error() {
                self.errors[stage] += 1;
            }
            n[stage] += 1;
        }
        self.by_origin.insert(origin, diags);
    }

    /// Set the problems of many origins at once. A big batch (a first build's) is cheaper
    /// all sorted together than one by one.
    pub fn set_all(&mut self, batch: Vec<(Origin, Vec<Diagnostic>)>) {
        if batch.len() < 1000 || batch.len() < self.by_origin.len() {
            for (o, d) in batch {
                self.set(o, d);
            }
            return;
        }
        if let Ok(mut m) = self.made.lock() {
            *m = None;
        }
        for (o, d) in batch {
            if d.is_empty() {
                self.by_origin.remove(&o);
            } else {
                self.by_origin.insert(o, d);
            }
        }
        let mut all: Vec<(Total, usize)> = self
            .by_origin
            .iter()
            .flat_map(|(o, ds)| {
                ds.iter()
                    .map(move |d| (Total(d.clone()), o.stage() as usize))
            })
            .collect();
        rayon::slice::ParallelSliceMut::par_sort_unstable_by(&mut all[..], |a, b| a.0.cmp(&b.0));
        let mut merged: Vec<(Total, [u32; 6])> = Vec::with_capacity(all.len());
        self.errors = [0; 6];
        for (t, stage) in all {
            match merged.last_mut() {
                Some((last, n)) if *last == t => n[stage] += 1,
                _ => {
                    let mut n = [0; 6];
                    n[stage] = 1;
                    merged.push((t, n));
                }
            }
        }
        for (t, n) in &merged {
            if t.0.is_error() {
                for (stage, k) in n.iter().enumerate() {
                    if *k > 0 {
                        self.errors[stage] += 1;
                    }
                }
            }
        }
        self.sorted = merged.into_iter().collect();
    }

    /// Did a stage up to `stage` find an error?
    pub fn has_errors(&self, stage: Stage) -> bool {
        self.errors[..=stage as usize].iter().any(|n| *n > 0)
    }

    /// Every problem the stages up to `stage` found, sorted by file and line, without
    /// repeats.
    pub fn upto(&self, stage: Stage) -> std::sync::Arc<[Diagnostic]> {
        if let Ok(m) = self.made.lock()
            && let Some((s, list)) = &*m
            && *s == stage
        {
            return list.clone();
        }
        let last = stage as usize;
        let list: std::sync::Arc<[Diagnostic]> = self
            .sorted
            .iter()
            .filter(|(_, n)| n[..=last].iter().any(|x| *x > 0))
            .map(|(k, _)| k.0.clone())
            .collect();
        if let Ok(mut m) = self.made.lock() {
            *m = Some((stage, list.clone()));
        }
        list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_replaced_and_shared_problems_kept_once() {
        let d = |m: &str, line| Diagnostic::error(m).in_file("a.md").at(line, 1);
        let w = Diagnostic::warning("w").in_file("b.md");
        let mut s = DiagStore::default();
        s.set(Origin::Parse("a".into()), vec![d("x", 3), w.clone()]);
        s.set(Origin::Parse("b".into()), vec![w.clone(), d("y", 1)]);
        s.set(Origin::Render, vec![d("r", 9)]);
        let all = s.upto(Stage::Link);
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].message, "y");
        assert!(s.has_errors(Stage::Parse));
        assert!(!s.has_errors(Stage::Config));
        assert_eq!(s.upto(Stage::Render).len(), 4);
        s.set(Origin::Parse("a".into()), vec![]);
        assert_eq!(s.upto(Stage::Link).len(), 2);
        s.set(Origin::Parse("b".into()), vec![w]);
        assert!(!s.has_errors(Stage::Link));
        s.set_all(vec![
            (Origin::Parse("b".into()), vec![]),
            (Origin::Render, vec![]),
        ]);
        assert!(s.upto(Stage::Render).is_empty());
        assert!(s.sorted.is_empty(), "nothing kept of problems that went");
    }

    /// 1,500 origins of every stage; some problems reported by several origins, some by
    /// origins of two stages; errors and warnings.
    fn batch(round: usize) -> Vec<(Origin, Vec<Diagnostic>)> {
        (0..1500)
            .map(|i| {
                let origin = match i % 5 {
                    0 => Origin::Parse(format!("p{i}")),
                    1 => Origin::Link(1, format!("l{i}")),
                    2 => Origin::Read(format!("r{i}")),
                    3 => Origin::Render,
                    _ => Origin::Laws,
                };
                let shared = i % 7;
                let mut ds = vec![
                    Diagnostic::warning(format!("共有的提醒 {shared}")).in_file("s.md"),
                    Diagnostic::error(format!("错误 {}", i / 3))
                        .in_file(format!("f{}.md", i % 11))
                        .at(i, 1),
                ];
                if (i + round).is_multiple_of(4) {
                    ds.pop();
                }
                if (i + round).is_multiple_of(9) {
                    ds.clear();
                }
                (origin, ds)
            })
            .collect()
    }

    const STAGES: [Stage; 6] = [
        Stage::Read,
        Stage::Config,
        Stage::Theme,
        Stage::Parse,
        Stage::Link,
        Stage::Render,
    ];

    fn assert_same(a: &DiagStore, b: &DiagStore, when: &str) {
        for stage in STAGES {
            assert_eq!(
                a.has_errors(stage),
                b.has_errors(stage),
                "{when}: errors up to {stage:?}"
            );
            assert_eq!(a.errors, b.errors, "{when}: errors per stage");
            let (x, y) = (a.upto(stage), b.upto(stage));
            assert_eq!(x.len(), y.len(), "{when}: problems up to {stage:?}");
            assert!(
                x.iter().zip(y.iter()).all(|(d, e)| d == e),
                "{when}: {stage:?}"
            );
        }
    }

    #[test]
    fn a_batch_set_at_once_equals_one_origin_at_a_time() {
        let (mut bulk, mut one) = (DiagStore::default(), DiagStore::default());
        for round in 0..3 {
            bulk.set_all(batch(round));
            for (o, d) in batch(round) {
                one.set(o, d);
            }
            assert_same(&bulk, &one, &format!("round {round}"));
        }
        let parse_only: Vec<_> = batch(0)
            .into_iter()
            .filter(|(o, _)| matches!(o, Origin::Parse(_)))
            .map(|(o, _)| (o, Vec::new()))
            .collect();
        bulk.set_all(parse_only.clone());
        for (o, d) in parse_only {
            one.set(o, d);
        }
        assert_same(&bulk, &one, "parse problems gone");
        assert!(bulk.has_errors(Stage::Read) && !bulk.upto(Stage::Read).is_empty());
        // Errors of the last stage only: none up to the one before.
        let mut late = DiagStore::default();
        late.set_all(
            (0..1200)
                .map(|i| {
                    (
                        Origin::Link(0, i.to_string()),
                        vec![Diagnostic::error("链接错误").in_file("a.md")],
                    )
                })
                .collect(),
        );
        assert!(!late.has_errors(Stage::Parse) && late.has_errors(Stage::Link));
        assert_eq!(late.errors[Stage::Link as usize], 1);
        assert_eq!(late.upto(Stage::Link).len(), 1);
    }
}
