//! Commands: each a short function from options to `pipeline::build` (or a `pipeline::Session`) to a sink to a report.
//! This layer owns the clock and the terminal.

pub mod build;
pub mod check;
pub mod export;
pub mod init;
pub mod new;
pub mod serve;

use std::io::Write as _;

use crate::cli::{Cli, Command, CommonArgs};
use crate::config::Overrides;
use crate::dates::parse_datetime;
use crate::diag::{Diagnostic, summary};
use crate::pipeline::{Now, Settings};

/// Exit codes.
pub const EXIT_OK: u8 = 0;
pub const EXIT_SITE_ERRORS: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

pub fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Build(args) => build::run(&cli.root, &args),
        Command::Check(args) => check::run(&cli.root, &args),
        Command::Serve(args) => serve::run(&cli.root, &args),
        Command::New(args) => new::run(&cli.root, &args),
        Command::Init(args) => init::run(&cli.root, &args),
        Command::Export(args) => export::run(&cli.root, &args),
    }
}

/// Turn command-line options into build settings; a malformed `--now` is a usage error.
pub fn settings(args: &CommonArgs) -> Result<Settings, String> {
    let now = match &args.now {
        None => Now::At(jiff::Timestamp::now()),
        Some(s) => {
            // Check the form now (any zone will do); the site's zone is applied in the build.
            parse_datetime(s, &jiff::tz::TimeZone::UTC).map_err(|why| {
                format!(
                    "--now 的值写得不对：{why}\n提示: 写法：{}",
                    crate::dates::DATE_FORMS
                )
            })?;
            Now::Written(s.clone())
        }
    };
    Ok(Settings {
        drafts: args.drafts,
        future: args.future,
        now,
        overrides: Overrides {
            base_url: args.base_url.clone(),
            origin: None,
        },
    })
}

/// Warnings shown before the rest are summarised (unless `--verbose`).
pub const WARNINGS_SHOWN: usize = 30;

/// Print diagnostics to stderr (errors all, warnings condensed unless `verbose`), then a
/// summary line.
pub fn report(diags: &[Diagnostic], verbose: bool) {
    let stderr = std::io::stderr();
    let mut err = std::io::BufWriter::new(stderr.lock());
    let shown = if verbose {
        diags.to_vec()
    } else {
        crate::diag::condense(diags)
    };
    let mut warnings = 0;
    let mut hidden = 0;
    for d in &shown {
        if !d.is_error() {
            warnings += 1;
            if !verbose && warnings > WARNINGS_SHOWN {
                hidden += 1;
                continue;
            }
        }
        let _ = writeln!(err, "{d}");
    }
    if hidden > 0 {
        let _ = writeln!(
            err,
            "……另有 {hidden} 类警告没有显示，加上 --verbose 可以看到全部。"
        );
    }
    if !diags.is_empty() {
        let _ = writeln!(err, "{}", summary(diags));
    }
}

/// Add the warnings a command found after the pipeline (remembered addresses a build no
/// longer makes) to `build`'s, in their order.
fn add_warnings(build: &mut crate::pipeline::Build, extra: Vec<Diagnostic>) {
    if extra.is_empty() {
        return;
    }
    let mut all = build.diagnostics.to_vec();
    all.extend(extra);
    crate::diag::sort_and_dedup(&mut all);
    build.diagnostics = all.into();
}

/// The line that says how many pages wait for their date (`date` after now), if any.
fn waiting_line(build: &crate::pipeline::Build) -> Option<String> {
    let (n, first) = &build.waiting;
    if *n == 0 {
        return None;
    }
    let when = first
        .as_ref()
        .map(|d| format!("，最早的一个 {d} 发布"))
        .unwrap_or_default();
    Some(format!(
        "另有 {n} 个页面定时发布，还没到发布时间（date 在现在之后）{when}。到时再生成一次就会发布；想先看看用 --future。"
    ))
}
