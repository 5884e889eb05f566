//! A page's recording (`audio:` in its front matter): a sound file beside the page is
//! published and offered as a player in place of 朗读 (no 朗读 control, no speech script);
//! a file that is not sound, a file on another site or a missing file is an error that
//! names the file and the line.

mod common;

use std::path::Path;

use common::*;

fn site_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("site.yaml"),
        "title: 测试站点\nbase_url: https://example.org/hgz/\n",
    );
    for (path, bytes) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    dir
}

fn article(audio: &str) -> String {
    format!(
        "---\ntitle: 赡养老人\ndate: 2024-12-04\naudio: {audio}\n---\n\n子女有赡养父母的义务。\n"
    )
}

fn build(site: &Path) -> (i32, String) {
    let o = run(site, &["build", "--now", NOW]);
    (o.status.code().unwrap_or(-1), stderr(&o))
}

#[test]
fn a_recording_beside_the_page_is_offered_instead_of_read_aloud() {
    // Bytes of an MP3 frame header are enough: pufa publishes the file as it is.
    let mp3: &[u8] = &[0xff, 0xfb, 0x90, 0x64, 0, 0, 0, 0];
    let text = article("luyin.mp3");
    let site = site_with(&[
        ("content/articles/shanyang/index.md", text.as_bytes()),
        ("content/articles/shanyang/luyin.mp3", mp3),
        (
            "content/articles/other.md",
            b"---\ntitle: other\ndate: 2024-12-03\n---\n\ntext\n",
        ),
    ]);
    let (code, err) = build(site.path());
    assert_eq!(code, 0, "{err}");
    let out = site.path().join("public");
    let doc = read_html(&out.join("articles/shanyang/index.html"));
    let source = doc
        .select(&sel(".pf-listen audio[controls][preload=none] source"))
        .next()
        .expect("a player for the recording");
    let src = source.value().attr("src").unwrap();
    assert_eq!(source.value().attr("type"), Some("audio/mpeg"));
    let file = target_file(&out, "/hgz/", src).expect("the recording's address is on the site");
    assert_eq!(std::fs::read(file).unwrap(), mp3, "published as it is");
    assert!(
        doc.select(&sel("[data-pf-speak]")).next().is_none(),
        "no 朗读 beside a recording"
    );
    let scripts: Vec<&str> = doc
        .select(&sel("script[src]"))
        .filter_map(|s| s.value().attr("src"))
        .collect();
    assert!(
        !scripts.iter().any(|s| s.contains("speak.js")),
        "{scripts:?}"
    );
    // A page without a recording keeps 朗读.
    let other = read_html(&out.join("articles/other/index.html"));
    assert!(other.select(&sel("[data-pf-speak]")).next().is_some());
    assert!(other.select(&sel(".pf-listen")).next().is_none());
}

#[test]
fn a_recording_that_is_not_a_sound_file_here_is_an_error_with_its_line() {
    let cases = [
        ("tupian.jpg", "要是声音文件"),
        ("https://example.com/a.mp3", "不能用其他网站的文件"),
        ("meiyou.mp3", "meiyou.mp3"),
    ];
    for (audio, says) in cases {
        let text = article(audio);
        let site = site_with(&[
            ("content/articles/a.md", text.as_bytes()),
            ("content/articles/tupian.jpg", &tiny_jpeg(8, 8)),
        ]);
        let (code, err) = build(site.path());
        assert_eq!(code, 1, "{audio}: {err}");
        assert!(err.contains(says), "{audio}: {err}");
        assert!(
            err.contains("content/articles/a.md:4"),
            "{audio}: names the file and the line of audio: {err}"
        );
        assert!(
            !site.path().join("public").exists(),
            "{audio}: nothing written"
        );
    }
}
