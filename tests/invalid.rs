//! Every user error has a fixture under `tests/fixtures/invalid/<case>/`. Building it must
//! exit with status 1, name the file and the right line, print the whole message exactly as
//! pinned in `expected.txt` (regenerate with `UPDATE_SNAPSHOTS=1 cargo test`), and leave a
//! previously built `public/` byte-identical.

mod common;

use std::path::Path;

use common::*;

/// (fixture, the location the message must point at)
const CASES: &[(&str, &str)] = &[
    ("unterminated_front_matter", "content/articles/broken.md:1"),
    ("yaml_syntax_error", "content/articles/broken.md:4"),
    ("unknown_key", "content/articles/typo.md:4:1"),
    ("missing_title", "content/articles/notitle.md:1"),
    ("bad_date", "content/articles/baddate.md:3:7"),
    ("event_end_before_start", "content/events/backwards.md:5"),
    ("unknown_event_status", "content/events/maybe.md:5"),
    (
        "duplicate_lesson_order",
        "content/lessons/minfadian/02-b.md:4",
    ),
    ("duplicate_url", "content/articles/xianfa-2.md:4"),
    ("broken_link", "content/articles/links.md:8"),
    (
        "quiz_answer_out_of_range",
        "content/lessons/tiaojie/01.md:11",
    ),
    ("non_utf8_file", "content/articles/gbk.md:6"),
    (
        "template_syntax_error",
        "themes/mine/templates/article.html:3",
    ),
    (
        "template_undefined_variable",
        "themes/mine/templates/article.html:3",
    ),
    ("unknown_statute_article", "content/articles/cite.md:8"),
    ("errors_of_every_phase", "content/articles/three.md:6"),
    ("corrupt_image", "content/articles/broken.jpg"),
    ("heic_photo", "content/articles/IMG_0001.HEIC"),
    ("image_too_many_pixels", "content/articles/quanjing.png"),
    ("image_extension_lies", "content/articles/biaozhi.jpg"),
    ("image_missing_alt", "content/articles/photo.md:8:1"),
    ("unknown_snippet", "content/articles/rexian.md:8:1"),
    ("snippet_bad_argument", "content/articles/tongji.md:8:1"),
];

fn fixture(case: &str) -> std::path::PathBuf {
    repo().join("tests/fixtures/invalid").join(case)
}

fn check_case(case: &str, location: &str) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_dir(&fixture(case), &site);
    let _ = std::fs::remove_file(site.join("expected.txt"));
    // A previous good build that must survive the failed one untouched.
    let public = site.join("public");
    std::fs::create_dir_all(public.join("articles/old")).unwrap();
    std::fs::write(public.join("index.html"), "<p>上一次成功生成的网站</p>").unwrap();
    std::fs::write(public.join("articles/old/index.html"), "旧文章").unwrap();
    std::fs::write(public.join(".pufa-output"), "").unwrap();
    let before = tree(&public);

    let o = run(&site, &["build", "--now", NOW]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{case}: exit status\n{err}");
    assert!(
        err.contains(&format!("--> {location}")),
        "{case}: expected {location} in\n{err}"
    );
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{case}: {err}"
    );
    assert_eq!(tree(&public), before, "{case}: public/ changed");
    let leftovers: Vec<_> = std::fs::read_dir(&site)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".public"))
        .collect();
    assert!(leftovers.is_empty(), "{case}: staging folder left behind");

    assert_pinned(&fixture(case).join("expected.txt"), &err, case);
}

#[test]
fn every_invalid_fixture_fails_with_a_located_message() {
    let on_disk: Vec<String> = std::fs::read_dir(repo().join("tests/fixtures/invalid"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for d in &on_disk {
        assert!(
            CASES.iter().any(|(c, _)| c == d),
            "fixture {d} has no test case"
        );
    }
    for (case, location) in CASES {
        check_case(case, location);
    }
}

#[test]
fn all_errors_of_a_build_are_reported_together_and_sorted() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    for case in ["bad_date", "missing_title", "unknown_key", "broken_link"] {
        copy_dir(&fixture(case), &site);
    }
    let _ = std::fs::remove_file(site.join("expected.txt"));
    let o = run(&site, &["check", "--now", NOW]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1));
    let order: Vec<usize> = [
        "content/articles/baddate.md",
        "content/articles/links.md",
        "content/articles/notitle.md",
        "content/articles/typo.md",
    ]
    .iter()
    .map(|f| {
        err.find(f)
            .unwrap_or_else(|| panic!("{f} missing in\n{err}"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "not sorted:\n{err}");
    assert!(err.contains("4 个错误"), "{err}");
}

/// Issue 11: a citation error and a `javascript:` link (found while parsing) do not hide
/// the same file's broken link (found while linking): one build reports all three, in order.
#[test]
fn one_file_s_errors_of_every_phase_come_in_one_build() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_dir(&fixture("errors_of_every_phase"), &site);
    let _ = std::fs::remove_file(site.join("expected.txt"));
    let o = run(&site, &["build", "--now", NOW]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let at: Vec<usize> = [":6:", ":8:", ":10:"]
        .iter()
        .map(|l| {
            let place = format!("content/articles/three.md{l}");
            err.find(&place)
                .unwrap_or_else(|| panic!("{place} missing in\n{err}"))
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "not by line:\n{err}");
    assert!(err.contains("3 个错误"), "{err}");
}

#[test]
fn unknown_law_only_warns_and_the_site_builds() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    std::fs::write(
        site.join("site.yaml"),
        "title: 测试\nbase_url: https://example.org/\n",
    )
    .unwrap();
    std::fs::create_dir_all(site.join("content/articles")).unwrap();
    std::fs::write(
        site.join("content/articles/a.md"),
        "---\ntitle: 劳动法\ndate: 2024-01-01\n---\n\n依照《劳动合同法》第十条，应当订立书面劳动合同；《劳动合同法》第十一条也有规定。\n",
    )
    .unwrap();
    let o = run(site, &["build", "--now", NOW]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert_eq!(err.matches("警告: 《劳动合同法》").count(), 1, "{err}");
    let html = std::fs::read_to_string(site.join("public/articles/a/index.html")).unwrap();
    assert!(!html.contains("pf-cite"));
}

#[test]
fn usage_problems_exit_with_2() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(dir.path(), &["build"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("site.yaml"));
    let o = run(&repo(), &["build", "--now", "明天"]);
    assert_eq!(o.status.code(), Some(2));
    let o = pufa()
        .arg("build")
        .arg("--no-such-flag")
        .output_within(60, "pufa build --no-such-flag");
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_site_without_a_themes_folder_uses_the_built_in_theme() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    std::fs::write(
        site.join("site.yaml"),
        "title: 最小站点\nbase_url: https://example.org/x/\n",
    )
    .unwrap();
    std::fs::create_dir_all(site.join("content")).unwrap();
    std::fs::write(
        site.join("content/about.md"),
        "---\ntitle: 关于\n---\n\n你好。\n",
    )
    .unwrap();
    let o = run(site, &["build", "--now", NOW]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = site.join("public");
    assert!(Path::new(&out.join("css/site.css")).is_file());
    let (problems, _) = check_links(&out, "/x/");
    assert!(problems.is_empty(), "{problems:?}");
}
