//! Issue 12: the processed-image cache. A second build with the cache warm decodes no image
//! (counted through the library) and writes the same bytes; a change of the image settings
//! makes every variant again; a damaged cache file is noticed and made again, but one the
//! output folder holds (hard-linked) is trusted as the manifest has it. One test in
//! its own binary, so no other test's decoding is counted.

mod common;

use std::path::Path;

use pufa::config::Overrides;
use pufa::content::source::read_site;
use pufa::output::{MemorySink, OutputSet};
use pufa::pipeline::{Now, Settings, build, decode_count};

use common::{NOW, tiny_jpeg, tiny_png, write};

fn settings() -> Settings {
    Settings {
        drafts: false,
        future: false,
        now: Now::Written(NOW.into()),
        overrides: Overrides::default(),
    }
}

/// Build the site at `root` in memory: its output and how many images were decoded.
fn built(root: &Path) -> (OutputSet, usize) {
    let before = decode_count();
    let sources = read_site(root).unwrap();
    let sink = MemorySink::default();
    let b = build(&sources, &settings(), &sink);
    assert!(b.succeeded(), "{:?}", b.diagnostics);
    (sink.into_output(), decode_count() - before)
}

fn images_of(out: &OutputSet) -> Vec<String> {
    out.paths()
        .filter(|p| p.ends_with(".jpg") || p.ends_with(".webp") || p.ends_with(".png"))
        .filter(|p| !p.starts_with("img/"))
        .cloned()
        .collect()
}

#[test]
fn a_warm_cache_decodes_nothing_settings_remake_everything_damage_is_repaired() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        &root.join("site.yaml"),
        "title: 缓存测试\nbase_url: https://example.org/\n",
    );
    write(
        &root.join("content/articles/a.md"),
        "---\ntitle: 两张照片\ndate: 2026-11-01\ncover: a.jpg\ncover_alt: 甲\n---\n\n![乙](b.png)\n",
    );
    std::fs::write(root.join("content/articles/a.jpg"), tiny_jpeg(900, 600)).unwrap();
    std::fs::write(root.join("content/articles/b.png"), tiny_png(500, 300)).unwrap();

    let (first, decoded) = built(root);
    assert_eq!(decoded, 2, "a cold cache decodes each image once");
    let variants = images_of(&first);
    assert!(variants.len() >= 8, "{variants:?}");
    let cache = root.join(".pufa-cache/images");
    assert!(cache.join("manifest.json").is_file());

    let (second, decoded) = built(root);
    assert_eq!(decoded, 0, "a warm cache decodes nothing");
    assert_eq!(second, first, "the same bytes from the cache");

    // A damaged cache file (same size, other bytes; then one cut short) is made again.
    let victim = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "webp"))
        .unwrap();
    let len = std::fs::metadata(&victim).unwrap().len() as usize;
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&victim, vec![b'x'; len]).unwrap();
    let (third, decoded) = built(root);
    assert_eq!(decoded, 1, "only the damaged image is made again");
    assert_eq!(third, first);
    std::fs::write(&victim, b"cut").unwrap();
    let (fourth, decoded) = built(root);
    assert_eq!(decoded, 1);
    assert_eq!(fourth, first);
    // A damaged manifest counts as an empty cache.
    std::fs::write(cache.join("manifest.json"), "{not json").unwrap();
    let (fifth, decoded) = built(root);
    assert_eq!(decoded, 2);
    assert_eq!(fifth, first);

    // Other settings make every variant again, and different bytes.
    write(
        &root.join("site.yaml"),
        "title: 缓存测试\nbase_url: https://example.org/\nimages:\n  jpeg_quality: 60\n  webp_quality: 50\n",
    );
    let (other, decoded) = built(root);
    assert_eq!(decoded, 2, "a settings change remakes every variant");
    let changed = images_of(&other)
        .iter()
        .filter(|p| other.get(p) != first.get(p))
        .count();
    assert!(
        changed >= variants.len() / 2,
        "{changed} of {} differ",
        variants.len()
    );
    let (again, decoded) = built(root);
    assert_eq!((decoded, &again), (0, &other));

    // Built into public/: a variant the output holds (the same file, hard-linked) is trusted
    // as the manifest has it, so a lost cache file is not noticed while public/ holds it…
    let dest = root.join("public");
    let (published, decoded) = built_into(root, &dest);
    assert_eq!(decoded, 0);
    let lost = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "jpg"))
        .unwrap();
    std::fs::remove_file(&lost).unwrap();
    let (trusted, decoded) = built_into(root, &dest);
    assert_eq!(decoded, 0, "the output holds it: no look at the cache file");
    assert_eq!(trusted, published);
    // …and is made again once the output no longer holds it.
    std::fs::remove_dir_all(&dest).unwrap();
    let (remade, decoded) = built_into(root, &dest);
    assert_eq!(decoded, 1, "only the image whose file was lost");
    assert_eq!(remade, published);
    assert!(lost.is_file());
}

/// Build the site at `root` into the folder `dest` as `pufa build` does: every file there
/// (path and bytes), and how many images were decoded.
fn built_into(root: &Path, dest: &Path) -> (Vec<(String, Vec<u8>)>, usize) {
    let before = decode_count();
    let sources = read_site(root).unwrap();
    let staging = pufa::output::Staging::new(dest).unwrap();
    let b = build(&sources, &settings(), &staging);
    assert!(b.succeeded(), "{:?}", b.diagnostics);
    staging.commit().unwrap();
    let decoded = decode_count() - before;
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dest)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dest).unwrap();
            (
                rel.to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    (files, decoded)
}
