//! The rebuild-equivalence check catches a stale key: with the reads of tags left out of
//! every recording (as a fingerprint written apart from its template's context would leave
//! them out), respelling a tag's case leaves its page stale in a session — the very bug of
//! issue 11 — and comparing with a fresh build finds it. Its own test binary, because the
//! planted fault is global to the process.

use std::path::Path;

use pufa::config::Overrides;
use pufa::content::source::read_site;
use pufa::output::MemorySink;
use pufa::pipeline::{Now, Session, Settings, build};

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn article(tag: &str) -> String {
    format!("---\ntitle: 文章甲\ndate: 2026-11-01\ntags: [{tag}]\n---\n\n正文。\n")
}

#[test]
fn a_forgotten_input_makes_the_session_differ_from_a_fresh_build() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    write(
        &root,
        "site.yaml",
        "title: 标签测试站\nbase_url: https://example.org/\n",
    );
    write(&root, "content/articles/a.md", &article("PUFA"));
    let settings = Settings {
        drafts: false,
        future: false,
        now: Now::Written("2026-12-01T00:00:00+08:00".into()),
        overrides: Overrides::default(),
    };
    pufa::reads::FORGET.store(
        pufa::reads::FORGET_TAGS,
        std::sync::atomic::Ordering::Relaxed,
    );
    let mut sources = read_site(&root).unwrap();
    let mut session = Session::new();
    assert!(session.build(&sources, &settings).succeeded());
    write(&root, "content/articles/a.md", &article("Pufa"));
    sources
        .apply_changes(&[root.join("content/articles/a.md")])
        .unwrap();
    assert!(session.build(&sources, &settings).succeeded());
    let sink = MemorySink::default();
    assert!(build(&read_site(&root).unwrap(), &settings, &sink).succeeded());
    let fresh = sink.into_output();
    let page = "tags/pufa/index.html";
    let text = |b: Option<&std::sync::Arc<[u8]>>| String::from_utf8_lossy(b.unwrap()).into_owned();
    assert!(text(fresh.get(page)).contains("标签：Pufa"));
    assert!(
        text(session.output().get(page)).contains("标签：PUFA"),
        "with the tag's reads forgotten, the tag page should have gone stale"
    );
    assert_ne!(
        session.output(),
        &fresh,
        "the equivalence check sees the stale page"
    );
}
