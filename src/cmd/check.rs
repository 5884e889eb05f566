//! `pufa check`: the full pipeline, nothing written.

use std::path::Path;

use super::{EXIT_OK, EXIT_SITE_ERRORS, EXIT_USAGE, report, settings};
use crate::cli::CommonArgs;
use crate::content::source::read_site;
use crate::output::NullSink;

pub fn run(root: &Path, args: &CommonArgs) -> u8 {
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
    report(&build.diagnostics, args.verbose);
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
