//! `pufa check`: the full pipeline, nothing written.

use std::path::Path;

use super::{EXIT_OK, EXIT_SITE_ERRORS, EXIT_USAGE, report, settings};
use crate::cli::CheckArgs;
use crate::content::source::read_site;
use crate::output::NullSink;

pub fn run(root: &Path, check: &CheckArgs) -> u8 {
    let args = &check.common;
    let settings = match settings(args) {
        Ok(s) => s,
        Err(m) => {
            eprintln!("错误: {m}");
            return EXIT_USAGE;
        }
    };
    let sources = match read_site(root) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("错误: {e}");
            return EXIT_USAGE;
        }
    };
    let mut build = crate::pipeline::build(&sources, &settings, &NullSink);
    let record = crate::published::Record::read(root);
    let dropped = record.dropped(&build.addresses);
    super::add_warnings(&mut build, dropped);
    let external = check.external.then(|| {
        eprintln!("正在检查外部链接（每个网站依次访问，可能要等一会儿）……");
        crate::linkcheck::check_external(root, &sources, &Default::default())
    });
    if let Some(r) = &external {
        super::add_warnings(&mut build, r.diagnostics.clone());
    }
    report(&build.diagnostics, args.verbose);
    if let Some(r) = &external {
        eprintln!(
            "外部链接：{} 个网址（{} 个一周内查过，直接采用）：{} 个打不开，{} 个无法确认，{} 个已跳转。",
            r.addresses, r.cached, r.dead, r.unsure, r.moved
        );
    }
    if build.has_errors() {
        eprintln!("检查未通过。");
        EXIT_SITE_ERRORS
    } else {
        eprintln!(
            "检查通过：{} 个页面，{} 个文件。",
            build.stats.pages, build.stats.files
        );
        if let Some(line) = super::waiting_line(&build) {
            eprintln!("{line}");
        }
        EXIT_OK
    }
}
