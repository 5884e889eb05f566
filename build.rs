//! Embeds the default theme (`themes/default/`) in the binary, so a site without a `themes/`
//! folder still builds, and the statute library of the demo site (`content/laws/`), which
//! `pufa init` gives every new site. Writes `$OUT_DIR/embedded_theme.rs` and
//! `$OUT_DIR/embedded_laws.rs`: sorted lists of (path inside the folder, bytes) pairs, one
//! `include_bytes!` per file.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, base: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") {
            continue;
        }
        if path.is_dir() {
            // A theme's `src/` holds the sources of files it publishes made (the minified
            // search script, scripts/minify_js.sh): not part of the theme itself.
            if dir == base && name == "src" {
                continue;
            }
            collect(&path, base, out);
        } else if let Ok(rel) = path.strip_prefix(base) {
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            out.push((rel, path));
        }
    }
}

fn embed(folder: &[&str], out_name: &str) {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let dir = folder.iter().fold(manifest, |p, c| p.join(c));
    println!("cargo:rerun-if-changed={}", folder.join("/"));
    let mut files = Vec::new();
    collect(&dir, &dir, &mut files);
    for (_, p) in &files {
        println!("cargo:rerun-if-changed={}", p.display());
    }
    let mut code = String::from("pub static FILES: &[(&str, &[u8])] = &[\n");
    for (rel, path) in &files {
        let _ = writeln!(
            code,
            "    ({rel:?}, include_bytes!({:?})),",
            path.display().to_string()
        );
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join(out_name);
    if let Err(e) = std::fs::write(&out, code) {
        panic!("cannot write {}: {e}", out.display());
    }
}

fn main() {
    embed(&["themes", "default"], "embedded_theme.rs");
    embed(&["content", "laws"], "embedded_laws.rs");
}
