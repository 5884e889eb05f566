//! A rebuild, as `pufa serve` and `pufa build --watch` make it, must be byte for byte the
//! output of a fresh build of the same files, with the same messages in the same order.
//!
//! A seeded, deterministic sequence of changes is made on disk to a copy of
//! `tests/fixtures/rebuild_site` (a small site with every kind of input, and a theme, `probe`,
//! whose templates print every documented template variable, so that any value that changes
//! changes the output bytes). After each change one long-lived [`Session`] rebuilds from
//! sources brought up to date with the paths the change touched (as the file watcher reports
//! them), and the folder is read and built again from scratch; both must agree. While the site
//! is broken (some changes break it on purpose and a later one mends it), the session must
//! keep serving the output of the last good build.
//!
//! `PUFA_EQUIV_SEED` picks the sequence (the default is fixed), `PUFA_EQUIV_CHANGES` its length
//! (default 500). A failure names the step, the change and the seed; run it again with
//! `PUFA_EQUIV_SEED=… cargo test --test rebuild_equivalence -- --nocapture`. With
//! `--nocapture` the test prints, for each kind of change, how often it was made and how often
//! it changed the output (a change that alters nothing proves nothing); `PUFA_EQUIV_VERBOSE=1`
//! prints every change as it is made.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use pufa::config::Overrides;
use pufa::content::source::{SiteSources, read_site};
use pufa::diag::Diagnostic;
use pufa::output::{MemorySink, OutputSet};
use pufa::pipeline::{Build, Now, Session, Settings, build};

const FIXTURE: &str = "tests/fixtures/rebuild_site";
/// "Now" of the first build; `Kind::Now` changes move it on.
const START: &str = "2026-12-01T00:00:00+08:00";
const DEFAULT_SEED: u64 = 20_261_204;
const DEFAULT_CHANGES: u64 = 500;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v} is not a number")),
        Err(_) => default,
    }
}

// ---------------------------------------------------------------------------------------------
// The tests

#[test]
fn every_rebuild_equals_a_fresh_build() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    copy_tree(&repo().join(FIXTURE), &root);
    let seed = env_number("PUFA_EQUIV_SEED", DEFAULT_SEED);
    let changes = env_number("PUFA_EQUIV_CHANGES", DEFAULT_CHANGES) as usize;
    let mut h = Harness::new(root, &FIXTURE_PROFILE, seed, changes);
    h.run();
    eprintln!("{}", h.report());
    h.assert_no_unplanned_errors();
    h.assert_every_kind_mattered();
}

#[test]
fn the_demo_site_survives_50_random_changes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::copy(repo().join("site.yaml"), root.join("site.yaml")).unwrap();
    for d in ["content", "themes", "static"] {
        if repo().join(d).is_dir() {
            copy_tree(&repo().join(d), &root.join(d));
        }
    }
    let seed = env_number("PUFA_EQUIV_SEED", DEFAULT_SEED);
    let mut h = Harness::new(root, &DEMO_PROFILE, seed, 50);
    h.run();
    eprintln!("{}", h.report());
    h.assert_no_unplanned_errors();
}

/// Issue 11: after a tag's spelling changed only in case (`PUFA` → `Pufa`), the served tag
/// page kept the old spelling.
#[test]
fn tag_case_change_is_served() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let write = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write(
        "site.yaml",
        "title: 标签测试站\nbase_url: https://example.org/t/\n",
    );
    let article = |tag: &str| {
        format!("---\ntitle: 文章甲\ndate: 2026-11-01\ntags: [{tag}]\n---\n\n文章甲的正文。\n")
    };
    write("content/articles/a.md", &article("PUFA"));
    write(
        "content/articles/b.md",
        "---\ntitle: 文章乙\ndate: 2026-11-02\ntags: [普法]\n---\n\n文章乙的正文。\n",
    );
    let settings = settings_at(START);
    let mut sources = read_site(&root).unwrap();
    let mut session = Session::new();
    let first = session.build(&sources, &settings);
    assert!(first.succeeded(), "{}", messages(&first.diagnostics));
    assert_eq!(tag_heading(session.output()), "标签：PUFA");

    write("content/articles/a.md", &article("Pufa"));
    sources
        .apply_changes(&[root.join("content/articles/a.md")])
        .unwrap();
    let second = session.build(&sources, &settings);
    assert!(second.succeeded(), "{}", messages(&second.diagnostics));
    assert_eq!(tag_heading(session.output()), "标签：Pufa");
    let (fresh, out) = fresh_build(&root, &settings);
    assert!(fresh.succeeded());
    assert_eq!(tag_heading(&out), "标签：Pufa");
}

/// The `<h1>` of the tag page (the default theme's tag.html prints `list.title` there).
fn tag_heading(out: &OutputSet) -> String {
    let bytes = out
        .get("tags/pufa/index.html")
        .expect("tags/pufa/index.html is made");
    let doc = scraper::Html::parse_document(&String::from_utf8_lossy(bytes));
    let h1 = scraper::Selector::parse("main h1").unwrap();
    let text: String = doc
        .select(&h1)
        .next()
        .expect("the tag page has an h1")
        .text()
        .collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ---------------------------------------------------------------------------------------------
// What each site allows

/// What the harness may do on one site.
struct Profile {
    /// Kinds of change and their weights (how many cards of each are in the deck).
    weights: &'static [(Kind, u32)],
    /// The starting site builds without a single message.
    clean: bool,
    /// A statute file to edit.
    law_file: &'static str,
    /// Citations that resolve, for bodies.
    citations: &'static [&'static str],
    /// Citations that resolve, for lessons' `laws:`.
    lesson_laws: &'static [&'static str],
    /// A citation of an article that does not exist (an error).
    bad_citation: &'static str,
    /// Tags to add to pages.
    tags: &'static [&'static str],
    /// Categories (the site's second taxonomy, `categories:`) to add to pages.
    categories: &'static [&'static str],
    /// The site.yaml keys to change, in turn.
    site_keys: &'static [&'static str],
    /// The site's own theme folder and its name in site.yaml, if it has one to edit.
    theme: Option<(&'static str, &'static str)>,
}

const FIXTURE_PROFILE: Profile = Profile {
    weights: &[
        (Kind::ArticleMeta, 8),
        (Kind::EventMeta, 7),
        (Kind::LessonMeta, 7),
        (Kind::Body, 7),
        (Kind::TagCase, 4),
        (Kind::SeriesIndex, 4),
        (Kind::SectionIndex, 4),
        (Kind::ColumnIndex, 5),
        (Kind::SiteYaml, 8),
        (Kind::Template, 5),
        (Kind::Stylesheet, 4),
        (Kind::StaticFile, 4),
        (Kind::LawText, 4),
        (Kind::Asset, 5),
        (Kind::Create, 6),
        (Kind::Delete, 5),
        (Kind::Rename, 5),
        (Kind::Break, 5),
        (Kind::Now, 4),
    ],
    clean: true,
    law_file: "content/laws/示例法律/示例法(2020-05-01).md",
    citations: &[
        "《示例法》第三条",
        "《示例》第一条",
        "《中华人民共和国示例法》第十二条",
        "《示例法》第二条至第四条",
        "《示例法》第五条第二款",
    ],
    lesson_laws: &[
        "《示例法》第一条",
        "《示例法》第四条",
        "《示例法》第八条",
        "《示例法》第十四条",
    ],
    bad_citation: "《示例法》第九十九条",
    tags: &[
        "普法",
        "宪法",
        "调解",
        "Pufa",
        "防诈骗",
        "法律援助",
        "民法典",
    ],
    categories: &["依法行政", "矛盾调解", "婚姻家庭", "Shequ"],
    site_keys: &[
        "title",
        "description",
        "base_url",
        "language",
        "timezone",
        "theme",
        "menu",
        "page_size",
        "site_id_code",
        "content_source",
        "contact",
        "footer",
        "markdown",
        "laws",
        "taxonomies",
        "extra",
    ],
    theme: Some(("themes/probe", "probe")),
};

const DEMO_PROFILE: Profile = Profile {
    weights: &[
        (Kind::ArticleMeta, 4),
        (Kind::EventMeta, 3),
        (Kind::LessonMeta, 3),
        (Kind::Body, 3),
        (Kind::TagCase, 2),
        (Kind::SiteYaml, 2),
        (Kind::Create, 2),
        (Kind::Delete, 2),
        (Kind::Rename, 2),
        (Kind::LawText, 2),
        (Kind::Now, 2),
    ],
    clean: false,
    law_file: "content/laws/诉讼与非诉讼程序法/人民调解法(2010-08-28).md",
    citations: &[
        "《民法典》第一千零四十三条",
        "《中华人民共和国人民调解法》第四条",
        "《民法典》第一千零四十一条至第一千零四十三条",
    ],
    lesson_laws: &["《民法典》第一千零四十三条", "《人民调解法》第三条"],
    bad_citation: "《民法典》第九千条",
    tags: &["普法", "民法典", "人民调解", "Pufa"],
    categories: &["依法行政", "婚姻家庭", "矛盾调解"],
    site_keys: &["title", "footer"],
    theme: None,
};

/// The kinds of change, as counted in the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    ArticleMeta,
    EventMeta,
    LessonMeta,
    Body,
    TagCase,
    SeriesIndex,
    SectionIndex,
    ColumnIndex,
    SiteYaml,
    Template,
    Stylesheet,
    StaticFile,
    LawText,
    Asset,
    Create,
    Delete,
    Rename,
    Break,
    Mend,
    Now,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::ArticleMeta => "article meta",
            Kind::EventMeta => "event meta",
            Kind::LessonMeta => "lesson meta",
            Kind::Body => "body",
            Kind::TagCase => "tag case",
            Kind::SeriesIndex => "series index",
            Kind::SectionIndex => "section index",
            Kind::ColumnIndex => "column index",
            Kind::SiteYaml => "site.yaml",
            Kind::Template => "template",
            Kind::Stylesheet => "stylesheet",
            Kind::StaticFile => "static file",
            Kind::LawText => "law text",
            Kind::Asset => "image/attach.",
            Kind::Create => "create",
            Kind::Delete => "delete",
            Kind::Rename => "rename",
            Kind::Break => "break",
            Kind::Mend => "mend",
            Kind::Now => "now",
        }
    }
}

/// Kinds that may leave the output as it was every single time, and why. None so far: every
/// kind must change some output at least once in a run (`Break` and `Mend` must change the
/// messages instead, as a broken site has no output).
const MAY_ALTER_NOTHING: &[(Kind, &str)] = &[];

// ---------------------------------------------------------------------------------------------
// A tiny deterministic PRNG (xorshift64*)

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<T: Clone>(&mut self, items: &[T]) -> Option<T> {
        if items.is_empty() {
            None
        } else {
            Some(items[self.below(items.len())].clone())
        }
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Dates (days counted from 2026-12-01, the starting "now") and Chinese numerals

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

fn base_day() -> i64 {
    days_from_civil(2026, 12, 1)
}

/// `2026-12-04` for day 3.
fn day_string(day: i64) -> String {
    let (y, m, d) = civil_from_days(base_day() + day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `2026-12-04 09:30` for a number of minutes after the start.
fn datetime_string(minutes: i64) -> String {
    let m = minutes.rem_euclid(1440);
    format!(
        "{} {:02}:{:02}",
        day_string(minutes.div_euclid(1440)),
        m / 60,
        m % 60
    )
}

/// The `--now` form of a number of minutes after the start.
fn instant_string(minutes: i64) -> String {
    datetime_string(minutes).replace(' ', "T") + ":00+08:00"
}

/// A date as front matter writes it, as (day, optional (hour, minute)).
fn parse_when(s: &str) -> Option<(i64, Option<(i64, i64)>)> {
    let s = s.trim();
    let (date, time) = match s.find([' ', 'T']) {
        Some(i) => (&s[..i], Some(s[i + 1..].trim())),
        None => (s, None),
    };
    let mut parts = date.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    let time = match time {
        None => None,
        Some(t) => Some((t.get(0..2)?.parse().ok()?, t.get(3..5)?.parse().ok()?)),
    };
    Some((days_from_civil(y, m, d) - base_day(), time))
}

const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

/// 15 → 十五, 103 → 一百零三, 1043 → 一千零四十三.
fn cn_number(n: usize) -> String {
    if n < 10 {
        return DIGITS[n].to_string();
    }
    if n < 20 {
        return format!(
            "十{}",
            if !n.is_multiple_of(10) {
                DIGITS[n % 10]
            } else {
                ""
            }
        );
    }
    let digits = [n / 1000 % 10, n / 100 % 10, n / 10 % 10, n % 10];
    let units = ["千", "百", "十", ""];
    let (mut out, mut zero) = (String::new(), false);
    for (d, unit) in digits.into_iter().zip(units) {
        if d == 0 {
            zero = !out.is_empty();
            continue;
        }
        if zero {
            out.push('零');
            zero = false;
        }
        out.push_str(DIGITS[d]);
        out.push_str(unit);
    }
    out
}

fn parse_cn_number(s: &str) -> Option<usize> {
    let (mut total, mut cur) = (0, 0);
    for c in s.chars() {
        match c {
            '零' => {}
            '十' => {
                total += cur.max(1) * 10;
                cur = 0;
            }
            '百' => {
                total += cur * 100;
                cur = 0;
            }
            '千' => {
                total += cur * 1000;
                cur = 0;
            }
            _ => cur = DIGITS.iter().position(|d| d.starts_with(c))?,
        }
    }
    Some(total + cur)
}

/// The number of the article a statute line starts (`第十五条 …` → 15).
fn article_no(line: &str) -> Option<usize> {
    let rest = line.strip_prefix('第')?;
    let end = rest.find('条')?;
    let after = &rest[end + '条'.len_utf8()..];
    if !(after.starts_with(' ') || after.starts_with('\u{3000}')) {
        return None;
    }
    parse_cn_number(&rest[..end])
}

// ---------------------------------------------------------------------------------------------
// Files

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Files under `root/dir`, as `/`-separated paths relative to `root`, sorted (hidden ones
/// left out).
fn files_under(root: &Path, dir: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_string()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(root.join(&d)) else {
            continue;
        };
        for e in entries {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let rel = format!("{d}/{name}");
            if e.file_type().unwrap().is_dir() {
                stack.push(rel);
            } else {
                out.push(rel);
            }
        }
    }
    out.sort();
    out
}

fn parent_dir(rel: &str) -> &str {
    rel.rfind('/').map_or("", |i| &rel[..i])
}

fn file_name(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel)
}

/// The name a page's address comes from: the file's stem, or the folder of an `index.md`.
fn stem_of(rel: &str) -> String {
    let name = file_name(rel);
    if name == "index.md" {
        file_name(parent_dir(rel)).to_string()
    } else {
        name.trim_end_matches(".md").to_string()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    Articles,
    Events,
    Lessons,
    Pages,
}

const SECTIONS: [Section; 4] = [
    Section::Articles,
    Section::Events,
    Section::Lessons,
    Section::Pages,
];

/// Folders of `content/` with lists of their own (not plain-page bundles).
const SECTION_DIRS: &[&str] = &["articles", "events", "lessons", "laws"];

/// The content files of one kind of page.
fn pages_of(root: &Path, section: Section) -> Vec<String> {
    let is_page = |r: &String| r.ends_with(".md") && !r.ends_with("/_index.md");
    match section {
        Section::Articles => {
            let mut v = files_under(root, "content/articles");
            v.extend(files_under(root, "content/gonggao"));
            v
        }
        Section::Events => files_under(root, "content/events"),
        Section::Lessons => files_under(root, "content/lessons")
            .into_iter()
            .filter(|r| r.split('/').count() == 4)
            .collect(),
        Section::Pages => files_under(root, "content")
            .into_iter()
            .filter(|r| {
                let parts: Vec<&str> = r.split('/').collect();
                parts.len() == 2
                    || (parts.len() == 3
                        && parts[2] == "index.md"
                        && !SECTION_DIRS.contains(&parts[1]))
            })
            .collect(),
    }
    .into_iter()
    .filter(is_page)
    .collect()
}

/// The lesson files of the series folder `dir` (`content/lessons/xianfa`).
fn lessons_in(root: &Path, dir: &str) -> Vec<String> {
    files_under(root, dir)
        .into_iter()
        .filter(|r| r.ends_with(".md") && !r.ends_with("/_index.md") && parent_dir(r) == dir)
        .collect()
}

/// What a change did to the files: the paths to report, and how to put them back.
#[derive(Default)]
struct Edit {
    paths: Vec<PathBuf>,
    /// Each touched file with its bytes before the change (`None`: it did not exist).
    undo: Vec<(PathBuf, Option<Vec<u8>>)>,
}

impl Edit {
    fn touch(&mut self, path: &Path) {
        if !self.undo.iter().any(|(p, _)| p == path) {
            self.undo
                .push((path.to_path_buf(), std::fs::read(path).ok()));
        }
        self.report(path);
    }

    /// Report a path without remembering it (a folder).
    fn report(&mut self, path: &Path) {
        if !self.paths.iter().any(|p| p == path) {
            self.paths.push(path.to_path_buf());
        }
    }

    fn write(&mut self, path: &Path, bytes: impl AsRef<[u8]>) {
        self.touch(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    fn remove(&mut self, path: &Path) {
        self.touch(path);
        std::fs::remove_file(path).unwrap();
    }

    /// A rename reports both paths.
    fn rename(&mut self, from: &Path, to: &Path) {
        self.touch(from);
        self.touch(to);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::rename(from, to).unwrap();
    }

    /// A folder moved at once: reported as the two folder paths, as a watcher does.
    fn rename_dir(&mut self, root: &Path, from: &str, to: &str) {
        for rel in files_under(root, from) {
            let bytes = std::fs::read(root.join(&rel)).unwrap();
            self.undo.push((root.join(&rel), Some(bytes)));
            self.undo
                .push((root.join(format!("{to}{}", &rel[from.len()..])), None));
        }
        self.report(&root.join(from));
        self.report(&root.join(to));
        std::fs::rename(root.join(from), root.join(to)).unwrap();
    }
}

/// Put back what `undo` remembers (the mend of a breaking change).
fn revert(undo: &[(PathBuf, Option<Vec<u8>>)]) -> Edit {
    let mut edit = Edit::default();
    for (path, old) in undo.iter().rev() {
        match old {
            Some(bytes) => edit.write(path, bytes),
            None if path.is_file() => edit.remove(path),
            None => edit.report(path),
        }
    }
    edit
}

/// A small PNG (real: content images are decoded and processed).
fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(8, 6, |x, y| image::Rgb([x as u8 * 30, y as u8 * 40, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn svg_image(step: usize) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"20\" height=\"20\"><rect width=\"20\" height=\"20\" fill=\"#{:06x}\"/></svg>\n",
        step * 7919 % 0xff_ffff
    )
}

fn pdf_bytes(step: usize) -> Vec<u8> {
    format!("%PDF-1.4\n% attachment of step {step}\ntrailer <<>>\n%%EOF\n").into_bytes()
}

// ---------------------------------------------------------------------------------------------
// Front matter and site.yaml, edited as lines (top-level keys with their indented blocks)

fn key_range(lines: &[String], key: &str) -> Option<std::ops::Range<usize>> {
    let start = lines
        .iter()
        .position(|l| l.strip_prefix(key).is_some_and(|r| r.starts_with(':')))?;
    let mut end = start + 1;
    while end < lines.len() && (lines[end].starts_with(' ') || lines[end].starts_with('-')) {
        end += 1;
    }
    Some(start..end)
}

fn key_block(lines: &[String], key: &str) -> Option<Vec<String>> {
    key_range(lines, key).map(|r| lines[r].to_vec())
}

fn unquote(v: &str) -> String {
    let v = v.trim();
    if v.len() >= 2 && v.starts_with('"') && v.ends_with('"') {
        v[1..v.len() - 1]
            .replace("\\\"", "\"")
            .replace("\\\\", "\\")
    } else if v.len() >= 2 && v.starts_with('\'') && v.ends_with('\'') {
        v[1..v.len() - 1].replace("''", "'")
    } else {
        v.to_string()
    }
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The value written on the key's own line, unquoted (empty for a block).
fn get_value(lines: &[String], key: &str) -> Option<String> {
    let r = key_range(lines, key)?;
    Some(unquote(&lines[r.start][key.len() + 1..]))
}

fn set_lines(lines: &mut Vec<String>, key: &str, new: Vec<String>) {
    match key_range(lines, key) {
        Some(r) => {
            lines.splice(r, new);
        }
        None => lines.extend(new),
    }
}

fn remove_key(lines: &mut Vec<String>, key: &str) -> bool {
    match key_range(lines, key) {
        Some(r) => {
            lines.drain(r);
            true
        }
        None => false,
    }
}

/// A list written inline (`[a, b]`) or as `- a` lines.
fn get_list(lines: &[String], key: &str) -> Vec<String> {
    let Some(r) = key_range(lines, key) else {
        return Vec::new();
    };
    let inline = lines[r.start][key.len() + 1..].trim().to_string();
    if let Some(inner) = inline.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
        return inner
            .split(',')
            .map(unquote)
            .filter(|s| !s.is_empty())
            .collect();
    }
    lines[r.start + 1..r.end]
        .iter()
        .filter_map(|l| l.trim_start().strip_prefix("- "))
        .map(unquote)
        .collect()
}

/// A Markdown file: front matter lines and body.
struct Doc {
    fm: Vec<String>,
    body: String,
}

impl Doc {
    fn parse(text: &str) -> Option<Doc> {
        let rest = text.strip_prefix("---\n")?;
        let (yaml, body) = match rest.strip_prefix("---\n") {
            Some(body) => ("", body),
            None => {
                let i = rest.find("\n---\n")?;
                (&rest[..i], &rest[i + 5..])
            }
        };
        Some(Doc {
            fm: yaml.lines().map(str::to_string).collect(),
            body: body.to_string(),
        })
    }

    fn text(&self) -> String {
        let mut s = String::from("---\n");
        for l in &self.fm {
            s.push_str(l);
            s.push('\n');
        }
        s.push_str("---\n");
        s.push_str(&self.body);
        s
    }

    fn get(&self, key: &str) -> Option<String> {
        get_value(&self.fm, key)
    }

    fn has(&self, key: &str) -> bool {
        key_range(&self.fm, key).is_some()
    }

    fn set(&mut self, key: &str, value: &str) {
        set_lines(&mut self.fm, key, vec![format!("{key}: {value}")]);
    }

    fn remove(&mut self, key: &str) -> bool {
        remove_key(&mut self.fm, key)
    }

    fn list(&self, key: &str) -> Vec<String> {
        get_list(&self.fm, key)
    }

    fn set_tags(&mut self, tags: &[String]) {
        if tags.is_empty() {
            self.remove("tags");
        } else {
            self.set("tags", &format!("[{}]", tags.join(", ")));
        }
    }

    /// Neither a draft nor with an expiry date: on the site whatever "now" is.
    fn published(&self) -> bool {
        !self.has("draft") && !self.has("expires")
    }

    fn append(&mut self, paragraph: &str) {
        if !self.body.ends_with('\n') {
            self.body.push('\n');
        }
        if !self.body.ends_with("\n\n") {
            self.body.push('\n');
        }
        self.body.push_str(paragraph);
        self.body.push('\n');
    }

    /// Remove the first body line starting with `prefix`; returns it.
    fn remove_line(&mut self, prefix: &str) -> Option<String> {
        let mut lines: Vec<&str> = self.body.lines().collect();
        let i = lines.iter().position(|l| l.starts_with(prefix))?;
        let removed = lines.remove(i).to_string();
        if i > 0 && lines[i - 1].is_empty() && lines.get(i).is_none_or(|l| l.is_empty()) {
            lines.remove(i - 1);
        }
        self.body = lines.join("\n") + "\n";
        Some(removed)
    }
}

/// `title` with a mark of this step (the previous mark replaced).
fn retitle(lines: &mut Vec<String>, step: usize) -> String {
    let old = get_value(lines, "title").unwrap_or_default();
    let base = old.split("（第").next().unwrap_or("").trim().to_string();
    let title = format!("{base}（第{step}步）");
    set_lines(lines, "title", vec![format!("title: {}", quote(&title))]);
    format!("title → {title}")
}

/// Remove the key (half of the times it is there) or set it.
fn toggle(rng: &mut Rng, lines: &mut Vec<String>, key: &str, value: String) -> String {
    if key_range(lines, key).is_some() && rng.chance(50) {
        remove_key(lines, key);
        format!("{key} removed")
    } else {
        set_lines(lines, key, vec![format!("{key}: {value}")]);
        format!("{key} → {value}")
    }
}

fn same_tag(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// The relative link from content file `from` to content file `to`.
fn relative_link(from: &str, to: &str) -> String {
    let from_parts: Vec<&str> = from.split('/').collect();
    let from_dir = &from_parts[..from_parts.len() - 1];
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&to_parts[..to_parts.len() - 1])
        .take_while(|(a, b)| a == b)
        .count();
    "../".repeat(from_dir.len() - common) + &to_parts[common..].join("/")
}

/// Where a relative link of content file `from` leads (`None` for other links).
fn resolve_link(from: &str, dest: &str) -> Option<String> {
    let dest = dest.split(['#', '?']).next()?;
    if dest.is_empty() || dest.contains(':') || dest.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in dest.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// The destinations of Markdown links and `href`s in a text.
fn link_destinations(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (marker, end) in [("](", ')'), ("href=\"", '"')] {
        let mut rest = text;
        while let Some(i) = rest.find(marker) {
            rest = &rest[i + marker.len()..];
            let stop = rest.find([end, ' ', '\n']).unwrap_or(rest.len());
            out.push(rest[..stop].to_string());
            rest = &rest[stop..];
        }
    }
    out
}

/// Files that something links to (they are never deleted or renamed, so no link breaks but
/// on purpose), and every plain page (menus and site-absolute links point at them).
fn protected_files(root: &Path) -> BTreeSet<String> {
    let mut set: BTreeSet<String> = pages_of(root, Section::Pages).into_iter().collect();
    for rel in files_under(root, "content") {
        if !rel.ends_with(".md") {
            continue;
        }
        let text = std::fs::read_to_string(root.join(&rel)).unwrap();
        for dest in link_destinations(&text) {
            if let Some(target) = resolve_link(&rel, &dest) {
                set.insert(target);
            } else if let Some(path) = dest.strip_prefix('/') {
                let path = path
                    .split(['#', '?'])
                    .next()
                    .unwrap_or("")
                    .trim_end_matches('/');
                if !path.is_empty() {
                    set.insert(format!("content/{path}.md"));
                    set.insert(format!("content/{path}/index.md"));
                }
            }
        }
    }
    set
}

/// Ids of the headings of a Markdown file that a link may safely point at: headings of
/// letters and digits (and a few punctuation marks, which ids leave out), each id once.
fn heading_anchors(text: &str) -> Vec<String> {
    let body = Doc::parse(text).map(|d| d.body).unwrap_or_default();
    let mut ids: Vec<String> = Vec::new();
    let mut in_code = false;
    for line in body.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
        }
        let heading = line
            .strip_prefix("## ")
            .or_else(|| line.strip_prefix("### "));
        let Some(title) = heading.filter(|_| !in_code).map(str::trim) else {
            continue;
        };
        if title
            .chars()
            .all(|c| c.is_alphanumeric() || "、，。：".contains(c))
        {
            ids.push(
                title
                    .chars()
                    .filter(|c| c.is_alphanumeric())
                    .flat_map(char::to_lowercase)
                    .collect(),
            );
        }
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for id in &ids {
        *counts.entry(id.as_str()).or_default() += 1;
    }
    ids.iter()
        .filter(|id| counts[id.as_str()] == 1 && !id.is_empty())
        .cloned()
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Builds and their comparison

fn settings_at(now: &str) -> Settings {
    Settings {
        drafts: false,
        future: false,
        now: Now::Written(now.to_string()),
        overrides: Overrides::default(),
    }
}

/// Read the folder again (nothing shared with the session) and build it once.
fn fresh_build(root: &Path, settings: &Settings) -> (Build, OutputSet) {
    let sources = read_site(root).unwrap_or_else(|e| panic!("reading the site again: {e}"));
    let sink = MemorySink::default();
    let b = build(&sources, settings, &sink);
    (b, sink.into_output())
}

fn messages(diags: &[Diagnostic]) -> String {
    let mut s = String::new();
    for (i, d) in diags.iter().enumerate() {
        let _ = writeln!(s, "[{i}] {d}");
    }
    if s.is_empty() {
        s.push_str("(none)\n");
    }
    s
}

/// A short piece of both versions of a file around their first difference.
fn excerpt(a: &[u8], b: &[u8]) -> String {
    let first = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let piece = |bytes: &[u8]| {
        let start = first.saturating_sub(80);
        let end = (first + 160).min(bytes.len());
        String::from_utf8_lossy(&bytes[start.min(end)..end]).into_owned()
    };
    format!(
        "first difference at byte {first} (sizes {} and {})\n    rebuild: …{}…\n    fresh:   …{}…",
        a.len(),
        b.len(),
        piece(a),
        piece(b)
    )
}

/// The first few paths where two outputs differ, with excerpts (one merge pass).
fn output_differences(actual: &OutputSet, expected: &OutputSet) -> Vec<String> {
    let mut out = Vec::new();
    let mut a = actual.iter().peekable();
    let mut e = expected.iter().peekable();
    while out.len() < 5 {
        match (a.peek(), e.peek()) {
            (None, None) => break,
            (Some((pa, ba)), Some((pe, be))) if pa == pe => {
                if ba != be {
                    out.push(format!("{pa}: {}", excerpt(ba, be)));
                }
                a.next();
                e.next();
            }
            (Some((pa, _)), Some((pe, _))) if pa < pe => {
                out.push(format!("{pa}: only in the rebuild"));
                a.next();
            }
            (Some((pa, _)), None) => {
                out.push(format!("{pa}: only in the rebuild"));
                a.next();
            }
            (_, Some((pe, _))) => {
                out.push(format!("{pe}: missing from the rebuild"));
                e.next();
            }
        }
    }
    out
}

fn assert_same_messages(
    actual: &[Diagnostic],
    expected: &[Diagnostic],
    context: impl Fn() -> String,
) {
    if actual != expected {
        panic!(
            "{}\nthe rebuild's messages differ from a fresh build's\n--- rebuild:\n{}--- fresh build:\n{}",
            context(),
            messages(actual),
            messages(expected)
        );
    }
}

fn assert_same_output(actual: &OutputSet, expected: &OutputSet, context: impl Fn() -> String) {
    if actual != expected {
        panic!(
            "{}\nthe rebuild's output differs from a fresh build's ({} and {} files); first differences:\n  {}",
            context(),
            actual.len(),
            expected.len(),
            output_differences(actual, expected).join("\n  ")
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The harness

/// One change made on disk.
struct Change {
    kind: Kind,
    what: String,
    edit: Edit,
    /// A change that makes the site invalid on purpose: the files to leave alone until it is
    /// mended.
    breaks: Option<Vec<String>>,
}

impl Change {
    fn new(kind: Kind, what: String, edit: Edit) -> Change {
        Change {
            kind,
            what,
            edit,
            breaks: None,
        }
    }
}

/// A breakage waiting to be mended.
struct Pending {
    due: usize,
    undo: Vec<(PathBuf, Option<Vec<u8>>)>,
    locks: Vec<String>,
    what: String,
}

#[derive(Clone, Copy, Default)]
struct Tally {
    applied: usize,
    output_changed: usize,
    messages_changed: usize,
}

struct Harness {
    root: PathBuf,
    profile: &'static Profile,
    seed: u64,
    rng: Rng,
    step: usize,
    total: usize,
    /// "Now", in minutes after [`START`].
    minutes: i64,
    settings: Settings,
    sources: SiteSources,
    session: Session,
    /// The output of the last build that succeeded.
    last_good: OutputSet,
    /// The last fresh build: its output (if it succeeded) and messages.
    last: (Option<OutputSet>, Vec<Diagnostic>),
    pending: Vec<Pending>,
    /// Files no change may touch until their breakage is mended.
    locked: BTreeSet<String>,
    protected: BTreeSet<String>,
    /// site.yaml and the theme as they were at the start.
    original: BTreeMap<String, Vec<u8>>,
    cycles: BTreeMap<&'static str, usize>,
    deck: Vec<Kind>,
    tally: BTreeMap<Kind, Tally>,
    unplanned: Vec<String>,
}

impl Harness {
    fn new(root: PathBuf, profile: &'static Profile, seed: u64, total: usize) -> Harness {
        let settings = settings_at(START);
        let sources = read_site(&root).unwrap_or_else(|e| panic!("reading the site: {e}"));
        let mut session = Session::new();
        let first = session.build(&sources, &settings);
        let (fresh, out) = fresh_build(&root, &settings);
        assert!(
            fresh.succeeded(),
            "the starting site must build:\n{}",
            messages(&fresh.diagnostics)
        );
        assert!(
            !profile.clean || fresh.diagnostics.is_empty(),
            "the fixture must build without messages:\n{}",
            messages(&fresh.diagnostics)
        );
        assert_same_messages(&first.diagnostics, &fresh.diagnostics, || {
            "the first build".to_string()
        });
        assert_same_output(session.output(), &out, || "the first build".to_string());
        let mut original = BTreeMap::new();
        for rel in std::iter::once("site.yaml".to_string()).chain(files_under(&root, "themes")) {
            original.insert(rel.clone(), std::fs::read(root.join(&rel)).unwrap());
        }
        Harness {
            protected: protected_files(&root),
            root,
            profile,
            seed,
            rng: Rng::new(seed),
            step: 0,
            total,
            minutes: 0,
            settings,
            sources,
            session,
            last_good: out.clone(),
            last: (Some(out), fresh.diagnostics.to_vec()),
            pending: Vec::new(),
            locked: BTreeSet::new(),
            original,
            cycles: BTreeMap::new(),
            deck: Vec::new(),
            tally: BTreeMap::new(),
            unplanned: Vec::new(),
        }
    }

    fn run(&mut self) {
        while self.step < self.total || !self.pending.is_empty() {
            self.step += 1;
            let change = self.next_change();
            self.apply(change);
        }
    }

    /// Apply a change made on disk: rebuild, build afresh, compare, keep count.
    fn apply(&mut self, change: Change) {
        self.sources
            .apply_changes(&change.edit.paths)
            .unwrap_or_else(|e| panic!("{}: apply_changes: {e}", self.context(&change)));
        let rebuilt = self.session.build(&self.sources, &self.settings);
        let (fresh, out) = fresh_build(&self.root, &self.settings);
        self.compare(&change, &rebuilt, &fresh, &out);
        let before = std::mem::take(&mut self.last.1);
        self.record(&change, &fresh, out, &before);
        self.follow_up(change, &fresh, &before);
    }

    fn context(&self, change: &Change) -> String {
        format!(
            "step {} of {} (PUFA_EQUIV_SEED={}), change “{}”: {}",
            self.step,
            self.total,
            self.seed,
            change.kind.name(),
            change.what
        )
    }

    fn compare(&self, change: &Change, rebuilt: &Build, fresh: &Build, out: &OutputSet) {
        let context = || self.context(change);
        assert_same_messages(&rebuilt.diagnostics, &fresh.diagnostics, context);
        assert_eq!(rebuilt.has_errors(), fresh.has_errors(), "{}", context());
        if fresh.succeeded() {
            assert!(
                rebuilt.succeeded(),
                "{}: the fresh build succeeded, the rebuild did not",
                context()
            );
            assert_same_output(self.session.output(), out, context);
        } else {
            assert_same_output(self.session.output(), &self.last_good, || {
                format!(
                    "{} (the build failed: the session must keep the last good output)",
                    context()
                )
            });
        }
    }

    /// Count the change, and whether it changed the output or the messages.
    fn record(&mut self, change: &Change, fresh: &Build, out: OutputSet, before: &[Diagnostic]) {
        let output = fresh.succeeded().then_some(out);
        let output_changed = matches!((&output, &self.last.0), (Some(a), Some(b)) if a != b);
        let messages_changed = *fresh.diagnostics != *before;
        let t = self.tally.entry(change.kind).or_default();
        t.applied += 1;
        t.output_changed += usize::from(output_changed);
        t.messages_changed += usize::from(messages_changed);
        if std::env::var_os("PUFA_EQUIV_VERBOSE").is_some() {
            eprintln!(
                "{:>4} {:<14} {}{}{}",
                self.step,
                change.kind.name(),
                change.what,
                if output_changed {
                    "  [output changed]"
                } else {
                    ""
                },
                if messages_changed {
                    "  [messages changed]"
                } else {
                    ""
                }
            );
        }
        if let Some(o) = &output {
            self.last_good = o.clone();
        }
        self.last = (output, fresh.diagnostics.to_vec());
    }

    /// Remember a breakage to mend; notice errors nobody meant (and take their change back).
    /// `before` are the messages of the build before this change.
    fn follow_up(&mut self, change: Change, fresh: &Build, before: &[Diagnostic]) {
        let context = self.context(&change);
        let Change {
            kind,
            what,
            edit,
            breaks,
        } = change;
        if let Some(locks) = breaks {
            assert!(
                fresh.has_errors(),
                "{context}: meant to make the site invalid, but it still builds"
            );
            self.expect_mend(what, edit, locks, fresh);
            return;
        }
        let unexpected = self.unexpected_errors(fresh, before);
        if !unexpected.is_empty() {
            self.unplanned
                .push(format!("{context}\n{}", unexpected.join("\n")));
            if kind != Kind::Mend {
                let locks: Vec<String> = edit.paths.iter().map(|p| self.rel(p)).collect();
                self.locked.extend(locks.iter().cloned());
                self.pending.push(Pending {
                    due: self.step + 1,
                    undo: edit.undo,
                    locks,
                    what: format!("taking back “{what}”"),
                });
            }
        } else if self.pending.is_empty() && fresh.has_errors() {
            self.unplanned.push(format!(
                "{context}\nthe site still has errors, though no breakage is waiting to be mended:\n{}",
                messages(&fresh.diagnostics)
            ));
        }
    }

    /// Lock the files a breakage changed, and those its errors are reported in (a link to
    /// the page whose address is now taken twice), until it is mended a few steps later.
    fn expect_mend(&mut self, what: String, edit: Edit, mut locks: Vec<String>, fresh: &Build) {
        for d in fresh.diagnostics.iter().filter(|d| d.is_error()) {
            if let Some(f) = &d.file
                && !locks.contains(f)
            {
                locks.push(f.clone());
            }
        }
        self.locked.extend(locks.iter().cloned());
        let due = self.step + 1 + self.rng.below(3);
        self.pending.push(Pending {
            due,
            undo: edit.undo,
            locks,
            what,
        });
    }

    /// Errors that are new since the last build and not in a file a breakage locked.
    fn unexpected_errors(&self, fresh: &Build, before: &[Diagnostic]) -> Vec<String> {
        let known: BTreeSet<(Option<&str>, &str)> = before
            .iter()
            .filter(|d| d.is_error())
            .map(|d| (d.file.as_deref(), d.message.as_str()))
            .collect();
        fresh
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .filter(|d| !d.file.as_ref().is_some_and(|f| self.locked.contains(f)))
            .filter(|d| !known.contains(&(d.file.as_deref(), d.message.as_str())))
            .map(|d| d.to_string())
            .collect()
    }

    fn next_change(&mut self) -> Change {
        let left = self.total.saturating_sub(self.step);
        let due = self.pending.iter().position(|p| p.due <= self.step);
        if let Some(i) = due.or((self.pending.len() > left).then_some(0)) {
            return self.mend(i);
        }
        loop {
            let kind = self.draw();
            if kind == Kind::Break && (left < 4 || self.pending.len() >= 2) {
                continue;
            }
            if let Some(change) = self.generate(kind) {
                return change;
            }
        }
    }

    fn draw(&mut self) -> Kind {
        if self.deck.is_empty() {
            for &(kind, weight) in self.profile.weights {
                self.deck.extend(std::iter::repeat_n(kind, weight as usize));
            }
            self.rng.shuffle(&mut self.deck);
        }
        self.deck.pop().unwrap()
    }

    fn generate(&mut self, kind: Kind) -> Option<Change> {
        match kind {
            Kind::ArticleMeta => meta_change(self, Section::Articles),
            Kind::EventMeta => meta_change(self, Section::Events),
            Kind::LessonMeta => meta_change(self, Section::Lessons),
            Kind::Body => body_change(self),
            Kind::TagCase => tag_case_change(self),
            Kind::SeriesIndex => series_index_change(self),
            Kind::SectionIndex => section_index_change(self),
            Kind::ColumnIndex => column_index_change(self),
            Kind::SiteYaml => site_yaml_change(self),
            Kind::Template => template_change(self),
            Kind::Stylesheet => stylesheet_change(self),
            Kind::StaticFile => static_file_change(self),
            Kind::LawText => law_change(self),
            Kind::Asset => asset_change(self),
            Kind::Create => create_change(self),
            Kind::Delete => delete_change(self),
            Kind::Rename => rename_change(self),
            Kind::Break => break_change(self),
            Kind::Now => now_change(self),
            Kind::Mend => None,
        }
    }

    fn mend(&mut self, i: usize) -> Change {
        let p = self.pending.remove(i);
        self.locked = self
            .pending
            .iter()
            .flat_map(|p| p.locks.iter().cloned())
            .collect();
        Change::new(Kind::Mend, format!("mends {}", p.what), revert(&p.undo))
    }

    // Small helpers for the change generators.

    fn abs(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    fn rel(&self, path: &Path) -> String {
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/")
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.abs(rel)).unwrap_or_default()
    }

    fn doc(&self, rel: &str) -> Option<Doc> {
        Doc::parse(&self.read(rel))
    }

    fn free(&self, rels: Vec<String>) -> Vec<String> {
        rels.into_iter()
            .filter(|r| !self.locked.contains(r))
            .collect()
    }

    fn pick_page(&mut self, section: Section) -> Option<String> {
        let pages = self.free(pages_of(&self.root, section));
        self.pick_mostly_published(pages)
    }

    /// One of `pages`, most of the time one that is on the site (a draft's changes show
    /// nowhere).
    fn pick_mostly_published(&mut self, pages: Vec<String>) -> Option<String> {
        let published: Vec<String> = pages
            .iter()
            .filter(|r| self.doc(r).is_some_and(|d| d.published()))
            .cloned()
            .collect();
        if !published.is_empty() && self.rng.chance(85) {
            self.rng.pick(&published)
        } else {
            self.rng.pick(&pages)
        }
    }

    /// Pages that may go away: nothing links to them, and a series keeps two lessons.
    fn removable(&self) -> Vec<String> {
        let mut out = Vec::new();
        for section in SECTIONS {
            for rel in self.free(pages_of(&self.root, section)) {
                let lesson_kept = section == Section::Lessons
                    && lessons_in(&self.root, parent_dir(&rel)).len() <= 2;
                if !self.protected.contains(&rel) && !lesson_kept {
                    out.push(rel);
                }
            }
        }
        out
    }

    /// The next of `n` variants of a change family, in turn.
    fn cycle(&mut self, family: &'static str) -> usize {
        let c = self.cycles.entry(family).or_default();
        *c += 1;
        *c - 1
    }

    fn date_before_now(&mut self) -> String {
        let day = -1 - self.rng.below(900) as i64;
        if self.rng.chance(30) {
            format!(
                "{} {:02}:{:02}",
                day_string(day),
                8 + self.rng.below(10),
                15 * self.rng.below(4)
            )
        } else {
            day_string(day)
        }
    }

    /// A start and maybe an end some weeks around "now": past, ongoing or coming.
    fn event_time(&mut self) -> (String, Option<String>) {
        let day = self.rng.below(150) as i64 - 60;
        let hour = 8 + self.rng.below(8);
        match self.rng.below(3) {
            0 => (format!("{} {hour:02}:00", day_string(day)), None),
            1 => (
                format!("{} {hour:02}:00", day_string(day)),
                Some(format!("{} {:02}:30", day_string(day), hour + 2)),
            ),
            _ => (
                day_string(day),
                Some(day_string(day + 1 + self.rng.below(4) as i64)),
            ),
        }
    }

    fn citation(&mut self) -> String {
        self.rng.pick(self.profile.citations).unwrap().to_string()
    }

    /// A relative link from `rel` to a page that is never deleted, maybe to one of its headings.
    fn link_from(&mut self, rel: &str) -> Option<String> {
        let targets: Vec<String> = self
            .protected
            .iter()
            .filter(|t| t.ends_with(".md") && !t.ends_with("_index.md") && t.as_str() != rel)
            .filter(|t| !self.locked.contains(*t) && self.abs(t).is_file())
            .cloned()
            .collect();
        let target = self.rng.pick(&targets)?;
        let link = relative_link(rel, &target);
        let anchors = heading_anchors(&self.read(&target));
        match self.rng.pick(&anchors) {
            Some(a) if self.rng.chance(50) => Some(format!("{link}#{a}")),
            _ => Some(link),
        }
    }

    /// The site uses the theme the profile may edit.
    fn theme_in_use(&self) -> Option<&'static str> {
        let (dir, name) = self.profile.theme?;
        let lines: Vec<String> = self.read("site.yaml").lines().map(String::from).collect();
        (get_value(&lines, "theme").as_deref() == Some(name)).then_some(dir)
    }

    fn report(&self) -> String {
        let mut s = format!(
            "rebuild equivalence: {} steps, PUFA_EQUIV_SEED={}\n{:<14} {:>7} {:>8} {:>10}\n",
            self.step, self.seed, "change", "applied", "output≠", "messages≠"
        );
        for kind in self.kinds() {
            let t = self.tally.get(&kind).copied().unwrap_or_default();
            let _ = writeln!(
                s,
                "{:<14} {:>7} {:>8} {:>10}",
                kind.name(),
                t.applied,
                t.output_changed,
                t.messages_changed
            );
        }
        let _ = writeln!(s, "unplanned errors: {}", self.unplanned.len());
        s
    }

    fn kinds(&self) -> Vec<Kind> {
        let mut kinds: Vec<Kind> = self.profile.weights.iter().map(|&(k, _)| k).collect();
        if kinds.contains(&Kind::Break) {
            kinds.push(Kind::Mend);
        }
        kinds.sort();
        kinds
    }

    fn assert_no_unplanned_errors(&self) {
        assert!(
            self.unplanned.is_empty(),
            "changes meant to keep the site valid made errors (the harness took them back):\n{}",
            self.unplanned.join("\n\n")
        );
    }

    fn assert_every_kind_mattered(&self) {
        let min = self.total * 15 / 500;
        for kind in self.kinds() {
            let t = self.tally.get(&kind).copied().unwrap_or_default();
            assert!(
                t.applied >= min,
                "“{}” was made {} times, fewer than {min}\n{}",
                kind.name(),
                t.applied,
                self.report()
            );
            let mattered = match kind {
                Kind::Break | Kind::Mend => t.messages_changed,
                _ => t.output_changed,
            };
            let excused = MAY_ALTER_NOTHING.iter().any(|(k, _)| *k == kind);
            assert!(
                excused || mattered > 0,
                "no “{}” change altered anything: it proves nothing\n{}",
                kind.name(),
                self.report()
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Changes: front matter of articles, events and lessons

const COMMON_KEYS: &[&str] = &[
    "title",
    "date",
    "summary",
    "tags",
    "categories",
    "author",
    "cover",
    "draft",
    "expires",
    "slug",
    "updated",
    "extra",
];
const EVENT_KEYS: &[&str] = &[
    "start",
    "end",
    "location",
    "organizer",
    "status",
    "audience",
    "contact",
    "registration",
];
const LESSON_KEYS: &[&str] = &["order", "duration", "key_points", "quiz", "laws"];

fn meta_change(h: &mut Harness, section: Section) -> Option<Change> {
    let (kind, own) = match section {
        Section::Articles => (Kind::ArticleMeta, &[][..]),
        Section::Events => (Kind::EventMeta, EVENT_KEYS),
        _ => (Kind::LessonMeta, LESSON_KEYS),
    };
    let keys: Vec<&str> = own.iter().chain(COMMON_KEYS).copied().collect();
    let key = keys[h.cycle(kind.name()) % keys.len()];
    let rel = h.pick_page(section)?;
    let mut edit = Edit::default();
    let what = if EVENT_KEYS.contains(&key) {
        event_key(h, &rel, key, &mut edit)?
    } else if key == "order" {
        order_edit(h, &rel, &mut edit)?
    } else if LESSON_KEYS.contains(&key) {
        lesson_key(h, &rel, key, &mut edit)?
    } else if key == "cover" {
        cover_edit(h, &rel, &mut edit)?
    } else {
        common_key(h, &rel, key, &mut edit)?
    };
    Some(Change::new(kind, format!("{rel}: {what}"), edit))
}

fn common_key(h: &mut Harness, rel: &str, key: &str, edit: &mut Edit) -> Option<String> {
    let mut doc = h.doc(rel)?;
    let step = h.step;
    let what = match key {
        "title" => retitle(&mut doc.fm, step),
        "date" => {
            // Now and then a date to come: the page waits for it (and a later `now` step
            // may pass it).
            let d = if h.rng.chance(15) {
                day_string(1 + h.rng.below(20) as i64)
            } else {
                h.date_before_now()
            };
            doc.set("date", &d);
            format!("date → {d}")
        }
        "summary" => toggle(
            &mut h.rng,
            &mut doc.fm,
            "summary",
            quote(&format!("第{step}步写的摘要，说一说这一页讲什么。")),
        ),
        "tags" => tags_edit(h, &mut doc),
        "categories" => categories_edit(h, &mut doc),
        "author" => toggle(&mut h.rng, &mut doc.fm, "author", format!("示例作者{step}")),
        "draft" if doc.remove("draft") => "draft removed".to_string(),
        "draft" => {
            doc.set("draft", "true");
            "draft: true".to_string()
        }
        "expires" => expires_edit(h, &mut doc),
        "slug" if doc.remove("slug") => "slug removed".to_string(),
        "slug" => {
            let slug = format!("{}-s{step}", stem_of(rel));
            doc.set("slug", &slug);
            format!("slug → {slug}")
        }
        "updated" => {
            let d = h.date_before_now();
            toggle(&mut h.rng, &mut doc.fm, "updated", d)
        }
        // An old address of its own (never another page's).
        "aliases" => toggle(
            &mut h.rng,
            &mut doc.fm,
            "aliases",
            format!("[/old/s{step}/]"),
        ),
        _ => extra_edit(&mut doc, step),
    };
    edit.write(&h.abs(rel), doc.text());
    Some(what)
}

fn extra_edit(doc: &mut Doc, step: usize) -> String {
    if doc.remove("extra") {
        return "extra removed".to_string();
    }
    let lines = vec![
        "extra:".to_string(),
        format!("  note: \"第{step}步\""),
        format!("  level: {}", step % 7),
    ];
    set_lines(&mut doc.fm, "extra", lines);
    format!("extra.note → 第{step}步")
}

/// One term added to `list` (one of `choices` it lacks, or a new one named `fresh` and the
/// step) or one taken away: what was done, for the report (`label` names the kind).
fn term_change(
    h: &mut Harness,
    list: &mut Vec<String>,
    choices: &[&str],
    (label, fresh): (&str, &str),
) -> String {
    if list.is_empty() || h.rng.chance(50) {
        let candidates: Vec<&str> = choices
            .iter()
            .copied()
            .filter(|t| !list.iter().any(|x| same_tag(x, t)))
            .collect();
        let term = h
            .rng
            .pick(&candidates)
            .map_or_else(|| format!("{fresh}{}", h.step), str::to_string);
        list.push(term.clone());
        format!("{label} {term} added")
    } else {
        let term = list.remove(h.rng.below(list.len()));
        format!("{label} {term} removed")
    }
}

fn tags_edit(h: &mut Harness, doc: &mut Doc) -> String {
    let mut tags = doc.list("tags");
    let what = term_change(h, &mut tags, h.profile.tags, ("tag", "新标签"));
    doc.set_tags(&tags);
    what
}

/// A category added (one of the profile's, or new) or one taken away; a page's list given
/// now as a flow list, now as a block.
fn categories_edit(h: &mut Harness, doc: &mut Doc) -> String {
    let mut cats = doc.list("categories");
    let choices = h.profile.categories;
    let what = term_change(h, &mut cats, choices, ("category", "新分类"));
    if cats.is_empty() {
        doc.remove("categories");
    } else if h.rng.chance(30) {
        let mut lines = vec!["categories:".to_string()];
        lines.extend(cats.iter().map(|c| format!("  - {c}")));
        set_lines(&mut doc.fm, "categories", lines);
    } else {
        doc.set("categories", &format!("[{}]", cats.join(", ")));
    }
    what
}

fn expires_edit(h: &mut Harness, doc: &mut Doc) -> String {
    if doc.has("expires") && h.rng.chance(50) {
        doc.remove("expires");
        return "expires removed".to_string();
    }
    let value = if h.rng.chance(40) {
        day_string(-120 - h.rng.below(300) as i64)
    } else {
        // Soon after "now": a later `now` change may pass it.
        datetime_string(h.minutes + 60 * (6 + h.rng.below(24 * 8)) as i64)
    };
    doc.set("expires", &value);
    format!("expires → {value}")
}

/// Add a cover beside the page (an image made for it, SVG or PNG), or take it away.
fn cover_edit(h: &mut Harness, rel: &str, edit: &mut Edit) -> Option<String> {
    let mut doc = h.doc(rel)?;
    let dir = parent_dir(rel).to_string();
    let what = if let Some(old) = doc.get("cover") {
        doc.remove("cover");
        doc.remove("cover_alt");
        let file = h.abs(&format!("{dir}/{old}"));
        if old.starts_with("cover-") && file.is_file() {
            edit.remove(&file);
        }
        format!("cover {old} removed")
    } else {
        let svg = h.rng.chance(50);
        let name = format!("cover-{}.{}", h.step, if svg { "svg" } else { "png" });
        let bytes = if svg {
            svg_image(h.step).into_bytes()
        } else {
            png()
        };
        edit.write(&h.abs(&format!("{dir}/{name}")), bytes);
        doc.set("cover", &name);
        doc.set("cover_alt", &format!("第{}步加的封面图", h.step));
        format!("cover → {name}")
    };
    edit.write(&h.abs(rel), doc.text());
    Some(what)
}

fn event_key(h: &mut Harness, rel: &str, key: &str, edit: &mut Edit) -> Option<String> {
    let mut doc = h.doc(rel)?;
    let step = h.step;
    let what = match key {
        "start" => {
            let (start, end) = h.event_time();
            doc.set("start", &start);
            match &end {
                Some(e) => doc.set("end", e),
                None => {
                    doc.remove("end");
                }
            }
            format!(
                "start → {start}, end → {}",
                end.as_deref().unwrap_or("none")
            )
        }
        "end" => end_edit(h, &mut doc)?,
        "location" => {
            doc.set("location", &format!("第{step}步改的活动地点"));
            "location changed".to_string()
        }
        "status" => {
            let next = match doc.get("status").as_deref() {
                None => Some("取消"),
                Some("取消") => Some("延期"),
                Some(_) => None,
            };
            match next {
                Some(s) => doc.set("status", s),
                None => {
                    doc.remove("status");
                }
            }
            format!("status → {}", next.unwrap_or("none"))
        }
        other => toggle(&mut h.rng, &mut doc.fm, other, format!("{other}第{step}步")),
    };
    edit.write(&h.abs(rel), doc.text());
    Some(what)
}

/// A new end after the event's start (or none).
fn end_edit(h: &mut Harness, doc: &mut Doc) -> Option<String> {
    let (day, time) = parse_when(&doc.get("start")?)?;
    if doc.has("end") && h.rng.chance(25) {
        doc.remove("end");
        return Some("end removed".to_string());
    }
    let end = match time {
        Some((hour, minute)) if hour < 22 => {
            let end_hour = (hour + 1 + h.rng.below(2) as i64).min(23);
            format!("{} {end_hour:02}:{minute:02}", day_string(day))
        }
        _ => day_string(day + 1 + h.rng.below(4) as i64),
    };
    doc.set("end", &end);
    Some(format!("end → {end}"))
}

fn lesson_key(h: &mut Harness, rel: &str, key: &str, edit: &mut Edit) -> Option<String> {
    let mut doc = h.doc(rel)?;
    let step = h.step;
    let drop = doc.has(key) && h.rng.chance(35);
    let what = if drop {
        doc.remove(key);
        format!("{key} removed")
    } else {
        let lines: Vec<String> = match key {
            "duration" if step.is_multiple_of(2) => vec![format!("duration: {}", 10 + step % 20)],
            "duration" => vec!["duration: 半小时".to_string()],
            "key_points" => std::iter::once("key_points:".to_string())
                .chain((1..=1 + step % 3).map(|k| format!("  - 第{step}步写的第{k}个要点")))
                .collect(),
            "quiz" => quiz_lines(step),
            _ => {
                let mut laws = h.profile.lesson_laws.to_vec();
                h.rng.shuffle(&mut laws);
                std::iter::once("laws:".to_string())
                    .chain(laws.iter().take(1 + step % 2).map(|l| format!("  - {l}")))
                    .collect()
            }
        };
        set_lines(&mut doc.fm, key, lines);
        format!("{key} set")
    };
    edit.write(&h.abs(rel), doc.text());
    Some(what)
}

/// A valid quiz, the answer written as a number, a letter or the option's text.
fn quiz_lines(step: usize) -> Vec<String> {
    let answer = ["2", "B", "选项乙"][step % 3];
    let mut lines = vec![
        "quiz:".to_string(),
        format!("  - question: 第{step}步出的题：哪一项是对的？"),
        "    options:".to_string(),
    ];
    lines.extend(["选项甲", "选项乙", "选项丙"].map(|o| format!("      - {o}")));
    lines.push(format!("    answer: {answer}"));
    lines.push(format!("    explanation: 第{step}步写的解析。"));
    lines
}

/// Swap the order of two lessons of a series, or move one to the end.
fn order_edit(h: &mut Harness, rel: &str, edit: &mut Edit) -> Option<String> {
    let series = parent_dir(rel).to_string();
    let others: Vec<String> = h
        .free(lessons_in(&h.root, &series))
        .into_iter()
        .filter(|r| r != rel)
        .collect();
    let mut doc = h.doc(rel)?;
    let mine = doc.get("order")?;
    if let Some(other) = h.rng.pick(&others).filter(|_| h.rng.chance(60)) {
        let mut theirs_doc = h.doc(&other)?;
        let theirs = theirs_doc.get("order")?;
        doc.set("order", &theirs);
        theirs_doc.set("order", &mine);
        edit.write(&h.abs(rel), doc.text());
        edit.write(&h.abs(&other), theirs_doc.text());
        return Some(format!("order {mine} ⇄ {theirs} of {other}"));
    }
    let next = max_order(h, &series) + 1;
    doc.set("order", &next.to_string());
    edit.write(&h.abs(rel), doc.text());
    Some(format!("order {mine} → {next}"))
}

fn max_order(h: &Harness, series: &str) -> i64 {
    lessons_in(&h.root, series)
        .iter()
        .filter_map(|r| h.doc(r)?.get("order")?.parse::<i64>().ok())
        .max()
        .unwrap_or(0)
}

// ---------------------------------------------------------------------------------------------
// Changes: bodies, tags, section and series indexes

fn body_change(h: &mut Harness) -> Option<Change> {
    let section = SECTIONS[h.rng.below(SECTIONS.len())];
    let rel = h.pick_page(section)?;
    let mut doc = h.doc(&rel)?;
    let step = h.step;
    let what = match h.cycle("body") % 5 {
        0 => {
            doc.append(&format!(
                "第{step}步补充的一段话：乡亲们有问题可以随时来问。"
            ));
            "paragraph appended".to_string()
        }
        1 => {
            doc.append(&format!("## 补充说明{step}"));
            doc.append("补充说明的内容。");
            format!("heading 补充说明{step} added")
        }
        3 if doc.remove_line("相关链接").is_some() => "link removed".to_string(),
        2 | 3 => {
            let link = h.link_from(&rel)?;
            doc.append(&format!("相关链接{step}：[相关页面]({link})。"));
            format!("link to {link} added")
        }
        _ => {
            let c = h.citation();
            doc.append(&format!("第{step}步补充：依照{c}的规定办理。"));
            format!("citation {c} added")
        }
    };
    let mut edit = Edit::default();
    edit.write(&h.abs(&rel), doc.text());
    Some(Change::new(Kind::Body, format!("{rel}: {what}"), edit))
}

fn has_letters(tag: &str) -> bool {
    tag.chars().any(|c| c.is_ascii_alphabetic())
}

/// `pufa` → `PUFA` → `Pufa` → `pufa`.
fn next_case(tag: &str) -> String {
    if tag == tag.to_uppercase() {
        let mut chars = tag.chars();
        chars.next().map_or_else(String::new, |c| {
            c.to_uppercase()
                .chain(chars.flat_map(char::to_lowercase))
                .collect()
        })
    } else if tag == tag.to_lowercase() {
        tag.to_uppercase()
    } else {
        tag.to_lowercase()
    }
}

/// Change only the case of one page's tag (a page gets such a tag first if none has one).
fn tag_case_change(h: &mut Harness) -> Option<Change> {
    let mut candidates = Vec::new();
    for section in SECTIONS {
        for rel in h.free(pages_of(&h.root, section)) {
            if h.doc(&rel)
                .is_some_and(|d| d.list("tags").iter().any(|t| has_letters(t)))
            {
                candidates.push(rel);
            }
        }
    }
    let mut edit = Edit::default();
    let Some(rel) = h.rng.pick(&candidates) else {
        let rel = h.pick_page(Section::Articles)?;
        let mut doc = h.doc(&rel)?;
        let mut tags = doc.list("tags");
        tags.push("Pufa".to_string());
        doc.set_tags(&tags);
        edit.write(&h.abs(&rel), doc.text());
        return Some(Change::new(
            Kind::TagCase,
            format!("{rel}: tag Pufa added"),
            edit,
        ));
    };
    let mut doc = h.doc(&rel)?;
    let mut tags = doc.list("tags");
    let i = tags.iter().position(|t| has_letters(t))?;
    let new = next_case(&tags[i]);
    let old = std::mem::replace(&mut tags[i], new);
    doc.set_tags(&tags);
    edit.write(&h.abs(&rel), doc.text());
    let what = format!("{rel}: tag {old} → {}", tags[i]);
    Some(Change::new(Kind::TagCase, what, edit))
}

/// A series' `_index.md`: title, description, order or introduction.
fn series_index_change(h: &mut Harness) -> Option<Change> {
    let indexes: Vec<String> = files_under(&h.root, "content/lessons")
        .into_iter()
        .filter(|r| r.ends_with("/_index.md") && r.split('/').count() == 4)
        .collect();
    let indexes = h.free(indexes);
    let rel = h.rng.pick(&indexes)?;
    let mut doc = h.doc(&rel)?;
    let step = h.step;
    let what = match h.cycle("series") % 4 {
        0 => retitle(&mut doc.fm, step),
        1 => toggle(
            &mut h.rng,
            &mut doc.fm,
            "description",
            quote(&format!("第{step}步改的系列简介。")),
        ),
        2 => {
            let order = 1 + h.rng.below(5);
            doc.set("order", &order.to_string());
            format!("order → {order}")
        }
        _ => {
            doc.append(&format!("第{step}步补充的系列介绍。"));
            "introduction appended".to_string()
        }
    };
    let mut edit = Edit::default();
    edit.write(&h.abs(&rel), doc.text());
    Some(Change::new(
        Kind::SeriesIndex,
        format!("{rel}: {what}"),
        edit,
    ))
}

/// The `_index.md` of the home page or a section: title, description or introduction.
fn section_index_change(h: &mut Harness) -> Option<Change> {
    let indexes: Vec<String> = [
        "",
        "articles/",
        "events/",
        "lessons/",
        "laws/",
        "gonggao/",
        "articles/anli/",
    ]
    .iter()
    .map(|d| format!("content/{d}_index.md"))
    .filter(|r| h.abs(r).is_file())
    .collect();
    let indexes = h.free(indexes);
    let rel = h.rng.pick(&indexes)?;
    let mut doc = h.doc(&rel)?;
    let step = h.step;
    let what = match h.cycle("section") % 3 {
        0 => retitle(&mut doc.fm, step),
        1 => toggle(
            &mut h.rng,
            &mut doc.fm,
            "description",
            quote(&format!("第{step}步改的栏目简介。")),
        ),
        _ => {
            doc.append(&format!("第{step}步补充的栏目介绍。"));
            "introduction appended".to_string()
        }
    };
    let mut edit = Edit::default();
    edit.write(&h.abs(&rel), doc.text());
    Some(Change::new(
        Kind::SectionIndex,
        format!("{rel}: {what}"),
        edit,
    ))
}

/// The columns' `_index.md` files (栏目).
const COLUMN_INDEXES: [&str; 2] = [
    "content/gonggao/_index.md",
    "content/articles/anli/_index.md",
];

/// A column's `_index.md`: its order of pages, page size, menu entry, home block, place in
/// the site's feed, its order among columns, its title — or the file taken away and put back,
/// so that its folder stops and starts being a column.
fn column_index_change(h: &mut Harness) -> Option<Change> {
    let indexes = h.free(COLUMN_INDEXES.iter().map(|s| s.to_string()).collect());
    let rel = h.rng.pick(&indexes)?;
    let path = h.abs(&rel);
    let step = h.step;
    let mut edit = Edit::default();
    if !path.is_file() {
        edit.write(&path, format!("---\ntitle: 栏目{step}\nmenu: true\n---\n"));
        let what = format!("{rel}: made again");
        return Some(Change::new(Kind::ColumnIndex, what, edit));
    }
    let mut doc = h.doc(&rel)?;
    let flag = |rng: &mut Rng| if rng.chance(50) { "true" } else { "false" }.to_string();
    let what = match h.cycle("column") % 8 {
        0 => {
            let sort = ["date", "order", "title"][h.rng.below(3)];
            doc.set("sort", sort);
            format!("sort → {sort}")
        }
        1 => {
            let n = (1 + h.rng.below(3)).to_string();
            toggle(&mut h.rng, &mut doc.fm, "page_size", n)
        }
        2 => {
            let v = flag(&mut h.rng);
            toggle(&mut h.rng, &mut doc.fm, "menu", v)
        }
        3 => {
            let v = flag(&mut h.rng);
            toggle(&mut h.rng, &mut doc.fm, "home", v)
        }
        4 => {
            let v = flag(&mut h.rng);
            toggle(&mut h.rng, &mut doc.fm, "feed", v)
        }
        5 => {
            let n = (1 + h.rng.below(3)).to_string();
            toggle(&mut h.rng, &mut doc.fm, "order", n)
        }
        6 => retitle(&mut doc.fm, step),
        _ => {
            edit.remove(&path);
            return Some(Change::new(
                Kind::ColumnIndex,
                format!("{rel}: removed"),
                edit,
            ));
        }
    };
    edit.write(&path, doc.text());
    Some(Change::new(
        Kind::ColumnIndex,
        format!("{rel}: {what}"),
        edit,
    ))
}

// ---------------------------------------------------------------------------------------------
// Changes: site.yaml, one key at a time

fn site_lines(text: &str) -> Vec<String> {
    text.lines().map(str::to_string).collect()
}

fn site_yaml_change(h: &mut Harness) -> Option<Change> {
    if h.locked.contains("site.yaml") {
        return None;
    }
    let mut lines = site_lines(&h.read("site.yaml"));
    let original = site_lines(&String::from_utf8_lossy(&h.original["site.yaml"]));
    // Another theme is put back at once, or the theme's own changes would alter nothing for
    // many steps.
    let other_theme = key_block(&lines, "theme") != key_block(&original, "theme");
    let keys = h.profile.site_keys;
    let key = if other_theme && keys.contains(&"theme") {
        "theme"
    } else {
        keys[h.cycle("site.yaml") % keys.len()]
    };
    let was = key_block(&original, key);
    let now = key_block(&lines, key);
    let block = if now != was && (key == "theme" || h.rng.chance(40)) {
        was
    } else {
        site_variant(h, key, &lines, &original)
    };
    let what = match &block {
        Some(b) if Some(b) == now.as_ref() => return None,
        Some(b) => {
            let what = format!("{key} → {}", b.join(" ").trim());
            set_lines(&mut lines, key, b.clone());
            what
        }
        None if now.is_none() => return None,
        None => {
            remove_key(&mut lines, key);
            format!("{key} removed")
        }
    };
    let mut edit = Edit::default();
    edit.write(&h.abs("site.yaml"), lines.join("\n") + "\n");
    Some(Change::new(Kind::SiteYaml, what, edit))
}

/// The site's taxonomies: categories with or without feeds, tags renamed and given feeds,
/// or none (pages that name categories then fail, until it comes back).
fn taxonomies_variant(h: &mut Harness) -> Option<Vec<String>> {
    let cats = |feed: bool| {
        vec![
            "  - key: categories".to_string(),
            "    name: 分类".to_string(),
            format!("    feed: {feed}"),
        ]
    };
    let mut v = vec!["taxonomies:".to_string()];
    match h.rng.below(4) {
        0 => v.extend(cats(true)),
        1 => v.extend(cats(false)),
        2 => {
            v.extend(cats(true));
            v.extend([
                "  - key: tags".into(),
                "    name: 关键词".into(),
                "    feed: true".into(),
            ]);
        }
        _ => return None,
    }
    Some(v)
}

/// Another value for a site.yaml key (`None`: leave the key out).
fn site_variant(
    h: &mut Harness,
    key: &str,
    lines: &[String],
    original: &[String],
) -> Option<Vec<String>> {
    let step = h.step;
    let cur = get_value(lines, key);
    let one = |v: String| Some(vec![format!("{key}: {v}")]);
    let drop = cur.is_some() && h.rng.chance(30);
    match key {
        "title" => {
            let base = cur.unwrap_or_default();
            one(quote(&format!(
                "{}·{step}",
                base.split('·').next().unwrap_or("")
            )))
        }
        "description" if drop => None,
        "description" => one(quote(&format!("第{step}步改的网站简介。"))),
        "base_url" => one(other_of(
            h,
            &[
                "https://example.gov.cn/hgz/",
                "https://example.gov.cn/",
                "http://pufa.example.org/xin/zhan/",
            ],
            cur,
        )),
        "language" => one(other_of(h, &["zh-CN", "zh-Hans-CN", "zh"], cur)),
        "timezone" => one(other_of(
            h,
            &["Asia/Shanghai", "Asia/Urumqi"],
            cur.or(Some("Asia/Shanghai".into())),
        )),
        "theme" => {
            let name = h.profile.theme.map_or("default", |t| t.1);
            one(other_of(
                h,
                &[name, "default"],
                cur.or(Some("default".into())),
            ))
        }
        "menu" => menu_variant(h, lines, original),
        "page_size" => one(other_of(h, &["2", "3", "5", "10"], cur)),
        "site_id_code" if drop => None,
        "site_id_code" => one(quote(&format!("{:010}", step * 7919))),
        "content_source" if drop => None,
        "content_source" => one(format!("示例来源{step}")),
        "contact" => Some(contact_variant(h, lines)),
        "footer" if drop => None,
        "footer" => one(quote(&format!("第{step}步改的页脚：主办单位、备案号"))),
        "markdown" => {
            let on = lines.iter().any(|l| l.trim() == "unsafe_html: true");
            Some(vec!["markdown:".into(), format!("  unsafe_html: {}", !on)])
        }
        "laws" => laws_variant(lines, original, step),
        "taxonomies" => taxonomies_variant(h),
        _ => Some(vec![
            "extra:".into(),
            format!("  hotline: \"1234{step}\""),
            format!("  banner: 第{step}步的横幅"),
        ]),
    }
}

/// One of `options` other than `cur`.
fn other_of(h: &mut Harness, options: &[&str], cur: Option<String>) -> String {
    let rest: Vec<&str> = options
        .iter()
        .copied()
        .filter(|o| cur.as_deref() != Some(*o))
        .collect();
    h.rng.pick(&rest).unwrap_or(options[0]).to_string()
}

/// The menu with one more item, with its first item renamed, or left out (the default menu).
fn menu_variant(h: &mut Harness, lines: &[String], original: &[String]) -> Option<Vec<String>> {
    let now = key_block(lines, "menu");
    let mut block = now
        .clone()
        .or_else(|| key_block(original, "menu"))
        .unwrap_or_else(|| vec!["menu:".into(), "  - name: 首页".into(), "    url: /".into()]);
    let step = h.step;
    let first = block
        .iter()
        .position(|l| l.trim_start().starts_with("- name:"));
    match (h.rng.below(3), first) {
        (1, Some(i)) => block[i] = format!("  - name: 首页{step}"),
        (2, _) if now.is_some() => return None,
        _ => {
            block.push(format!("  - name: 标签{step}"));
            block.push("    url: /tags/".into());
        }
    }
    Some(block)
}

/// The contact block with one of its entries changed, in turn.
fn contact_variant(h: &mut Harness, lines: &[String]) -> Vec<String> {
    let mut block = key_block(lines, "contact").unwrap_or_else(|| vec!["contact:".into()]);
    let step = h.step;
    let subs = ["address", "phone", "email", "hours", "complaint", "survey"];
    let sub = subs[h.cycle("contact") % subs.len()];
    let new: Vec<String> = match sub {
        "complaint" | "survey" => {
            let mut v = vec![format!("  {sub}:"), format!("    text: {sub}第{step}号")];
            if step.is_multiple_of(2) {
                v.push(format!("    url: https://example.gov.cn/{sub}/{step}/"));
            }
            v
        }
        "phone" => vec![format!("  phone: 0000-{step:07}")],
        "email" => vec![format!("  email: box{step}@example.gov.cn")],
        other => vec![format!("  {other}: 第{step}步改的{other}")],
    };
    let prefix = format!("  {sub}:");
    match block.iter().position(|l| l.starts_with(&prefix)) {
        Some(i) => {
            let end = (i + 1..block.len())
                .find(|&j| !block[j].starts_with("    "))
                .unwrap_or(block.len());
            block.splice(i..end, new);
        }
        None => block.extend(new),
    }
    block
}

/// The law aliases taken away (short names written with them are no longer known), or back
/// with one more.
fn laws_variant(lines: &[String], original: &[String], step: usize) -> Option<Vec<String>> {
    if key_block(lines, "laws").is_some() {
        return None;
    }
    let mut block =
        key_block(original, "laws").unwrap_or_else(|| vec!["laws:".into(), "  aliases:".into()]);
    block.push(format!("    示范{step}: 中华人民共和国示例法"));
    Some(block)
}

// ---------------------------------------------------------------------------------------------
// Changes: theme, stylesheet, static files, statutes, images and attachments

fn theme_templates(h: &Harness) -> Option<String> {
    h.profile.theme.map(|(dir, _)| format!("{dir}/templates"))
}

/// Insert a visible mark into a template where it reaches the output.
fn mark_template(name: &str, text: &str, step: usize) -> String {
    let before_last = |marker: &str, insert: &str| -> String {
        let i = text.rfind(marker).unwrap();
        format!("{}{insert}{}", &text[..i], &text[i..])
    };
    if name.ends_with(".txt") {
        return format!("{text}# 模板改动{step}\n");
    }
    if name.ends_with(".xml") {
        let close = if text.contains("</feed>") {
            "</feed>"
        } else {
            "</urlset>"
        };
        return before_last(close, &format!("<!-- 模板改动{step} -->\n"));
    }
    let html = format!("<p class=\"probe-edit\">模板改动{step}</p>\n");
    for marker in ["</body>", "{% endblock %}", "{% endmacro %}"] {
        if text.contains(marker) {
            return before_last(marker, &html);
        }
    }
    format!("{text}{html}")
}

/// Edit a template of the site's theme, delete an override (the default theme's template is
/// used instead), or bring a deleted one back.
fn template_change(h: &mut Harness) -> Option<Change> {
    let dir = theme_templates(h)?;
    let on_disk = h.free(files_under(&h.root, &dir));
    let missing: Vec<String> = h
        .original
        .keys()
        .filter(|k| k.starts_with(&dir) && !h.abs(k).is_file() && !h.locked.contains(*k))
        .cloned()
        .collect();
    let mut edit = Edit::default();
    let variant = h.cycle("template") % 4;
    let what = if variant == 3 && !missing.is_empty() {
        let rel = h.rng.pick(&missing)?;
        edit.write(&h.abs(&rel), &h.original[&rel]);
        format!("{rel} restored")
    } else if variant == 1 && missing.len() < 3 {
        // Only templates that differ from the default theme's (they print the probes).
        let modified: Vec<String> = on_disk
            .iter()
            .filter(|r| h.read(r).contains("probe"))
            .cloned()
            .collect();
        let rel = h.rng.pick(&modified)?;
        edit.remove(&h.abs(&rel));
        format!("{rel} deleted (the default theme's is used)")
    } else {
        // law_overview.html renders only laws split over several files; the fixture has none.
        let shown: Vec<String> = on_disk
            .into_iter()
            .filter(|r| !r.ends_with("/law_overview.html"))
            .collect();
        let rel = h.rng.pick(&shown)?;
        let text = mark_template(file_name(&rel), &h.read(&rel), h.step);
        edit.write(&h.abs(&rel), text);
        format!("{rel}: text inserted")
    };
    Some(Change::new(Kind::Template, what, edit))
}

fn stylesheet_change(h: &mut Harness) -> Option<Change> {
    let (dir, _) = h.profile.theme?;
    let rel = format!("{dir}/static/css/probe.css");
    if h.locked.contains(&rel) {
        return None;
    }
    let text = h.read(&rel);
    let original = String::from_utf8_lossy(h.original.get(&rel)?).into_owned();
    let (new, what) = if text != original && h.rng.chance(25) {
        (original, "restored".to_string())
    } else {
        let rule = format!(
            ".probe-{} {{ color: #{:06x}; }}\n",
            h.step,
            h.step * 4099 % 0xff_ffff
        );
        (
            format!("{text}{rule}"),
            format!("rule .probe-{} added", h.step),
        )
    };
    let mut edit = Edit::default();
    edit.write(&h.abs(&rel), new);
    Some(Change::new(
        Kind::Stylesheet,
        format!("{rel}: {what}"),
        edit,
    ))
}

/// Edit `static/notice.txt`, add a file under `static/added/`, or remove one added before.
fn static_file_change(h: &mut Harness) -> Option<Change> {
    let step = h.step;
    let added = h.free(files_under(&h.root, "static/added"));
    let mut edit = Edit::default();
    let what = match h.cycle("static") % 3 {
        0 => {
            let rel = "static/notice.txt";
            let text = h.read(rel) + &format!("第{step}步补充的一行。\n");
            edit.write(&h.abs(rel), text);
            format!("{rel} edited")
        }
        2 if !added.is_empty() => {
            let rel = h.rng.pick(&added)?;
            edit.remove(&h.abs(&rel));
            format!("{rel} removed")
        }
        _ if step.is_multiple_of(2) => {
            let rel = format!("static/added/s{step}.txt");
            edit.write(&h.abs(&rel), format!("第{step}步加的文件。\n"));
            format!("{rel} added")
        }
        _ => {
            let rel = format!("static/added/img/s{step}.png");
            edit.write(&h.abs(&rel), png());
            format!("{rel} added")
        }
    };
    Some(Change::new(Kind::StaticFile, what, edit))
}

/// Change an article's text, add an article at the end, or take the last added one away.
fn law_change(h: &mut Harness) -> Option<Change> {
    let rel = h.profile.law_file;
    if h.locked.contains(rel) {
        return None;
    }
    let mut lines = site_lines(&h.read(rel));
    let articles: Vec<(usize, usize)> = lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| article_no(l).map(|n| (i, n)))
        .collect();
    let &(last_line, last) = articles.last()?;
    let step = h.step;
    let what = match h.cycle("law") % 3 {
        2 if lines[last_line].contains("新增的条文") => {
            lines.truncate(last_line);
            while lines.last().is_some_and(|l| l.is_empty()) {
                lines.pop();
            }
            format!("第{}条 removed", cn_number(last))
        }
        1 | 2 => {
            lines.push(String::new());
            lines.push(format!(
                "第{}条 第{step}步新增的条文，用于测试。",
                cn_number(last + 1)
            ));
            format!("第{}条 added", cn_number(last + 1))
        }
        _ => {
            let (i, n) = articles[h.rng.below(articles.len())];
            lines[i].push_str(&format!("（第{step}步修改）"));
            format!("第{}条 changed", cn_number(n))
        }
    };
    let mut edit = Edit::default();
    edit.write(&h.abs(rel), lines.join("\n") + "\n");
    Some(Change::new(Kind::LawText, format!("{rel}: {what}"), edit))
}

fn is_asset_line(line: &str) -> bool {
    (line.starts_with("附图") || line.starts_with("附件")) && line.contains("](")
}

/// An image or attachment put beside a page and linked from it, or unlinked and removed.
fn asset_change(h: &mut Harness) -> Option<Change> {
    if h.cycle("asset") % 2 == 1
        && let Some(change) = remove_asset(h)
    {
        return Some(change);
    }
    add_asset(h)
}

fn add_asset(h: &mut Harness) -> Option<Change> {
    let section = SECTIONS[h.rng.below(SECTIONS.len())];
    let rel = h.pick_page(section)?;
    let mut doc = h.doc(&rel)?;
    let dir = parent_dir(&rel).to_string();
    let step = h.step;
    let mut edit = Edit::default();
    let name = if h.rng.chance(50) {
        let name = format!("tu-{step}.svg");
        edit.write(&h.abs(&format!("{dir}/{name}")), svg_image(step));
        doc.append(&format!("附图{step}：![第{step}步加的示意图]({name})"));
        name
    } else {
        let name = format!("fujian-{step}.pdf");
        edit.write(&h.abs(&format!("{dir}/{name}")), pdf_bytes(step));
        doc.append(&format!("附件{step}：[下载第{step}步加的附件]({name})"));
        name
    };
    edit.write(&h.abs(&rel), doc.text());
    Some(Change::new(
        Kind::Asset,
        format!("{rel}: {name} added and linked"),
        edit,
    ))
}

fn remove_asset(h: &mut Harness) -> Option<Change> {
    let mut found = Vec::new();
    for section in SECTIONS {
        for rel in h.free(pages_of(&h.root, section)) {
            if h.read(&rel).lines().any(is_asset_line) {
                found.push(rel);
            }
        }
    }
    let rel = h.rng.pick(&found)?;
    let mut doc = h.doc(&rel)?;
    let line = doc.body.lines().find(|l| is_asset_line(l))?.to_string();
    let name = line.split("](").nth(1)?.trim_end_matches(')').to_string();
    doc.remove_line(&line);
    let mut edit = Edit::default();
    edit.write(&h.abs(&rel), doc.text());
    let file = h.abs(&format!("{}/{name}", parent_dir(&rel)));
    if file.is_file() {
        edit.remove(&file);
    }
    Some(Change::new(
        Kind::Asset,
        format!("{rel}: {name} unlinked and removed"),
        edit,
    ))
}

// ---------------------------------------------------------------------------------------------
// Changes: files created, deleted and renamed

fn create_change(h: &mut Harness) -> Option<Change> {
    let step = h.step;
    let mut edit = Edit::default();
    let (rel, what) = match h.cycle("create") % 5 {
        0 => {
            let name = if step.is_multiple_of(3) {
                format!("新文章{step}")
            } else {
                format!("n{step}")
            };
            let rel = format!("content/articles/{name}.md");
            let text = new_page_text(h, &rel, "文章", "");
            (rel, text)
        }
        1 => {
            let rel = format!("content/events/n{step}.md");
            let (start, end) = h.event_time();
            let mut extra = format!("start: {start}\nlocation: 第{step}步新建活动的地点\n");
            if let Some(e) = end {
                extra.push_str(&format!("end: {e}\n"));
            }
            let text = new_page_text(h, &rel, "活动", &extra);
            (rel, text)
        }
        2 => {
            let series: Vec<String> = files_under(&h.root, "content/lessons")
                .iter()
                .filter(|r| r.split('/').count() == 4)
                .map(|r| parent_dir(r).to_string())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let dir = h.rng.pick(&series)?;
            let rel = format!("{dir}/n{step}.md");
            let extra = format!("order: {}\nduration: 12\n", max_order(h, &dir) + 1);
            let text = new_page_text(h, &rel, "课程", &extra);
            (rel, text)
        }
        3 => {
            let rel = format!("content/n{step}.md");
            let text = new_page_text(h, &rel, "页面", "");
            (rel, text)
        }
        _ => {
            let rel = format!("content/b{step}/index.md");
            edit.write(&h.abs(&format!("content/b{step}/tu.svg")), svg_image(step));
            let text = new_page_text(h, &rel, "页面", "") + "\n![页面旁边的示意图](tu.svg)\n";
            (rel, text)
        }
    };
    edit.write(&h.abs(&rel), &what);
    Some(Change::new(Kind::Create, format!("{rel} created"), edit))
}

/// A new content file: front matter (plus `extra` lines), a paragraph, maybe a link and a
/// citation.
fn new_page_text(h: &mut Harness, rel: &str, label: &str, extra: &str) -> String {
    let step = h.step;
    let date = h.date_before_now();
    let tag = h.rng.pick(h.profile.tags).unwrap();
    let mut text = format!(
        "---\ntitle: 第{step}步新建的{label}\ndate: {date}\ntags: [{tag}]\n{extra}---\n\n第{step}步新建的{label}，正文第一段。\n"
    );
    if h.rng.chance(50)
        && let Some(link) = h.link_from(rel)
    {
        text.push_str(&format!("\n相关链接{step}：[相关页面]({link})。\n"));
    }
    if h.rng.chance(50) {
        text.push_str(&format!("\n依照{}的规定。\n", h.citation()));
    }
    text
}

fn delete_change(h: &mut Harness) -> Option<Change> {
    let candidates = h.removable();
    let rel = h.pick_mostly_published(candidates)?;
    let mut edit = Edit::default();
    if file_name(&rel) == "index.md" {
        // A page bundle: the folder goes with its files.
        let dir = parent_dir(&rel).to_string();
        for f in files_under(&h.root, &dir) {
            edit.remove(&h.abs(&f));
        }
        std::fs::remove_dir_all(h.abs(&dir)).unwrap();
        edit.report(&h.abs(&dir));
    } else {
        edit.remove(&h.abs(&rel));
    }
    Some(Change::new(Kind::Delete, format!("{rel} deleted"), edit))
}

fn rename_change(h: &mut Harness) -> Option<Change> {
    let candidates = h.removable();
    let rel = h.pick_mostly_published(candidates)?;
    let step = h.step;
    let dir = parent_dir(&rel).to_string();
    let mut edit = Edit::default();
    let to = if file_name(&rel) == "index.md" {
        let to = format!("{}/r{step}-{}", parent_dir(&dir), file_name(&dir));
        edit.rename_dir(&h.root, &dir, &to);
        to
    } else {
        // An article without links, images or cover may move into a subfolder too.
        let text = h.read(&rel);
        let movable = rel.starts_with("content/articles/")
            && !text.contains("](")
            && !text.contains("href=")
            && !text.contains("src=")
            && !text.contains("\ncover:");
        let sub = if movable && h.rng.chance(30) {
            "/guidang"
        } else {
            ""
        };
        let to = format!("{dir}{sub}/r{step}-{}", file_name(&rel));
        edit.rename(&h.abs(&rel), &h.abs(&to));
        to
    };
    Some(Change::new(Kind::Rename, format!("{rel} → {to}"), edit))
}

// ---------------------------------------------------------------------------------------------
// Changes that break the site on purpose (a later step mends them), and "now"

const BREAKS: [&str; 10] = [
    "broken front matter",
    "broken site.yaml",
    "link to a missing page",
    "citation of a missing article",
    "duplicate slug",
    "lesson order clash",
    "template syntax error",
    "undefined template variable",
    "event ends before it starts",
    "unknown front matter key",
];

fn break_change(h: &mut Harness) -> Option<Change> {
    let start = h.cycle("break");
    for k in 0..BREAKS.len() {
        let name = BREAKS[(start + k) % BREAKS.len()];
        let mut edit = Edit::default();
        if let Some((what, locks)) = break_variant(h, name, &mut edit) {
            return Some(Change {
                kind: Kind::Break,
                what: format!("{name}: {what}"),
                edit,
                breaks: Some(locks),
            });
        }
    }
    None
}

/// A published page (any kind) nothing else is busy with.
fn published_page(h: &mut Harness, section: Option<Section>) -> Option<(String, Doc)> {
    let sections = section.map_or(SECTIONS.to_vec(), |s| vec![s]);
    let mut pages = Vec::new();
    for s in sections {
        pages.extend(h.free(pages_of(&h.root, s)));
    }
    pages.retain(|r| h.doc(r).is_some_and(|d| d.published()));
    let rel = h.rng.pick(&pages)?;
    let doc = h.doc(&rel)?;
    Some((rel, doc))
}

/// Write a page a breakage changed; it is locked until mended.
fn broken_page(
    h: &Harness,
    rel: String,
    doc: &Doc,
    edit: &mut Edit,
) -> Option<(String, Vec<String>)> {
    edit.write(&h.abs(&rel), doc.text());
    Some((rel.clone(), vec![rel]))
}

fn break_variant(h: &mut Harness, name: &str, edit: &mut Edit) -> Option<(String, Vec<String>)> {
    let step = h.step;
    match name {
        "broken front matter" => {
            let (rel, mut doc) = published_page(h, None)?;
            doc.set("title", "[没有闭合的标题");
            broken_page(h, rel, &doc, edit)
        }
        "broken site.yaml" => break_site_yaml(h, edit),
        "link to a missing page" => {
            let (rel, mut doc) = published_page(h, None)?;
            doc.append(&format!("坏链接{step}：[不存在的页面](meiyou-{step}.md)。"));
            broken_page(h, rel, &doc, edit)
        }
        "citation of a missing article" => {
            let (rel, mut doc) = published_page(h, None)?;
            doc.append(&format!(
                "坏引用{step}：依照{}的规定。",
                h.profile.bad_citation
            ));
            broken_page(h, rel, &doc, edit)
        }
        "duplicate slug" => duplicate_slug(h, edit),
        "lesson order clash" => lesson_order_clash(h, edit),
        "template syntax error" | "undefined template variable" => break_template(h, name, edit),
        "event ends before it starts" => {
            let (rel, mut doc) = published_page(h, Some(Section::Events))?;
            let (day, _) = parse_when(&doc.get("start")?)?;
            doc.set("end", &day_string(day - 2));
            broken_page(h, rel, &doc, edit)
        }
        _ => {
            let (rel, mut doc) = published_page(h, None)?;
            doc.fm.push("sumary: 拼错了的键".to_string());
            broken_page(h, rel, &doc, edit)
        }
    }
}

fn break_site_yaml(h: &mut Harness, edit: &mut Edit) -> Option<(String, Vec<String>)> {
    if h.locked.contains("site.yaml") {
        return None;
    }
    let mut lines = site_lines(&h.read("site.yaml"));
    let what = match h.step % 3 {
        0 => {
            set_lines(&mut lines, "page_size", vec!["page_size: 0".into()]);
            "page_size: 0"
        }
        1 => {
            set_lines(&mut lines, "timezone", vec!["timezone: Mars/Base".into()]);
            "timezone: Mars/Base"
        }
        _ => {
            lines.push("titel: 拼错了的键".into());
            "unknown key titel"
        }
    };
    edit.write(&h.abs("site.yaml"), lines.join("\n") + "\n");
    Some((what.to_string(), vec!["site.yaml".to_string()]))
}

/// Two published articles of the same folder; the first gets the other's address.
fn duplicate_slug(h: &mut Harness, edit: &mut Edit) -> Option<(String, Vec<String>)> {
    let articles: Vec<String> = h
        .free(pages_of(&h.root, Section::Articles))
        .into_iter()
        .filter(|r| parent_dir(r) == "content/articles")
        .filter(|r| h.doc(r).is_some_and(|d| d.published()))
        .collect();
    let a = h.rng.pick(&articles)?;
    let others: Vec<String> = articles.iter().filter(|b| **b != a).cloned().collect();
    let b = h.rng.pick(&others)?;
    let mut doc = h.doc(&a)?;
    let slug = h.doc(&b)?.get("slug").unwrap_or_else(|| stem_of(&b));
    doc.set("slug", &slug);
    edit.write(&h.abs(&a), doc.text());
    Some((format!("{a} gets the slug {slug} of {b}"), vec![a, b]))
}

/// Two published lessons of one series with the same `order`.
fn lesson_order_clash(h: &mut Harness, edit: &mut Edit) -> Option<(String, Vec<String>)> {
    let lessons: Vec<String> = h
        .free(pages_of(&h.root, Section::Lessons))
        .into_iter()
        .filter(|r| h.doc(r).is_some_and(|d| d.published()))
        .collect();
    let a = h.rng.pick(&lessons)?;
    let partners: Vec<String> = lessons
        .iter()
        .filter(|r| **r != a && parent_dir(r) == parent_dir(&a))
        .cloned()
        .collect();
    let b = h.rng.pick(&partners)?;
    let order = h.doc(&b)?.get("order")?;
    let mut doc = h.doc(&a)?;
    doc.set("order", &order);
    edit.write(&h.abs(&a), doc.text());
    Some((format!("{a} gets order {order} of {b}"), vec![a, b]))
}

fn break_template(h: &mut Harness, name: &str, edit: &mut Edit) -> Option<(String, Vec<String>)> {
    let dir = h.theme_in_use()?;
    let (rel, insert) = if name == "template syntax error" {
        let templates = h.free(files_under(&h.root, &format!("{dir}/templates")));
        (h.rng.pick(&templates)?, "{% if %}\n")
    } else {
        (
            format!("{dir}/templates/base.html"),
            "{{ site.no_such_value }}\n",
        )
    };
    let text = h.read(&rel);
    if h.locked.contains(&rel) || text.is_empty() {
        return None;
    }
    let text = match text.rfind("</body>") {
        Some(i) => format!("{}{insert}{}", &text[..i], &text[i..]),
        None => format!("{text}{insert}"),
    };
    edit.write(&h.abs(&rel), text);
    Some((format!("{rel}: {}", insert.trim()), vec![rel]))
}

/// Move "now" on by some hours or days (event status, expiry, the calendar's today).
fn now_change(h: &mut Harness) -> Option<Change> {
    let minutes = if h.rng.chance(40) {
        1440 * (1 + h.rng.below(5))
    } else {
        60 * (1 + h.rng.below(12))
    };
    h.minutes += minutes as i64;
    let at = instant_string(h.minutes);
    h.settings.now = Now::Written(at.clone());
    // Now and then `--future` comes or goes: pages dated later are published, marked 待发布.
    if h.rng.chance(25) {
        h.settings.future = !h.settings.future;
    }
    let future = if h.settings.future { " (--future)" } else { "" };
    Some(Change::new(
        Kind::Now,
        format!("now → {at}{future}"),
        Edit::default(),
    ))
}
