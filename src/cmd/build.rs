//! `pufa build`: the full pipeline, written to the output folder by staging + rename.

use std::path::Path;
use std::time::Instant;

use super::{EXIT_OK, EXIT_SITE_ERRORS, EXIT_USAGE, report, settings};
use crate::cli::BuildArgs;
use crate::content::source::read_site;
use crate::output::Staging;

pub fn run(root: &Path, args: &BuildArgs) -> u8 {
    let started = Instant::now();
    let settings = match settings(&args.common) {
        Ok(s) => s,
        Err(m) => {
            eprintln!("错误: {m}");
            return EXIT_USAGE;
        }
    };
    let (sources, read_diags) = match read_site(root) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("错误: {e}");
            return EXIT_USAGE;
        }
    };
    let dest = args.output.clone().unwrap_or_else(|| root.join("public"));
    // Show the output folder relative to the site when it is inside it.
    let shown = dest
        .strip_prefix(root)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| dest.display().to_string());
    let staging = match Staging::new(&dest) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("错误: 无法在 {} 旁边创建临时文件夹：{e}", dest.display());
            return EXIT_USAGE;
        }
    };
    let build = crate::site::build(&sources, &settings, read_diags, &staging);
    report(&build.diagnostics, args.common.verbose);
    if build.has_errors() {
        eprintln!("构建失败，{shown}/ 保持原样，没有改动任何文件。");
        return EXIT_SITE_ERRORS;
    }
    if let Some(e) = &build.io_error {
        eprintln!("错误: 写入输出文件失败：{e}。{shown}/ 保持原样。");
        return EXIT_USAGE;
    }
    if let Err(e) = staging.commit() {
        eprintln!("错误: 无法用新生成的网站替换 {}：{e}", dest.display());
        return EXIT_USAGE;
    }
    eprintln!(
        "已生成 {} 个页面，共 {} 个文件（{:.1} MB），用时 {:.2} 秒 → {}",
        build.stats.pages,
        build.stats.files,
        build.stats.bytes as f64 / 1_048_576.0,
        started.elapsed().as_secs_f64(),
        dest.display()
    );
    EXIT_OK
}
