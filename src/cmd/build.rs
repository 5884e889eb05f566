//! `pufa build`: the full pipeline, written to the output folder by staging + rename; with
//! `--watch`, again after every change (a failed rebuild leaves the output as it was).

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::{EXIT_OK, EXIT_SITE_ERRORS, EXIT_USAGE, report, settings};
use crate::cli::BuildArgs;
use crate::content::source::{SOURCE_DIRS, SiteSources, read_site};
use crate::output::{Staging, check_replaceable, remove_stale_staging};
use crate::pipeline::Now;
use crate::pipeline::Session;
use crate::published::Record;
use crate::serve::watch::Watcher;
use crate::serve::{absolute_root, watch_loop};

pub fn run(root: &Path, args: &BuildArgs) -> u8 {
    let settings = match settings(&args.common) {
        Ok(s) => s,
        Err(m) => {
            eprintln!("错误: {m}");
            return EXIT_USAGE;
        }
    };
    let root = absolute_root(root);
    let dest = match safe_destination(&root, &output_folder(&root, args)) {
        Ok(d) => d,
        Err(m) => {
            eprintln!("错误: {m}");
            return EXIT_USAGE;
        }
    };
    // With --watch, watch first, then read: nothing changed in between is lost.
    let watcher = match start_watching(&root, args) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("错误: 无法监视文件的变化：{e}");
            return EXIT_USAGE;
        }
    };
    use std::io::IsTerminal;
    if std::io::stderr().is_terminal() && std::env::var_os("CI").is_none() {
        crate::progress::enable();
    }
    let mut clock = crate::timings::Phase::start();
    let mut sources = match read_site(&root) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("错误: {e}");
            return EXIT_USAGE;
        }
    };
    clock.done("read");
    remove_stale_staging(&dest);
    let Some(watcher) = watcher else {
        return build_one_off(&root, &dest, args, sources, &settings);
    };
    // A watch keeps results from one build to the next.
    let mut session = Session::new();
    let status = build_once(&root, &dest, args.common.verbose, |sink| {
        session_build(&mut session, &sources, &settings, sink)
    });
    if status == EXIT_USAGE {
        return status;
    }
    eprintln!(
        "正在监视 content/、themes/、static/ 和 site.yaml，每次修改后重新生成；按 Ctrl+C 停止。"
    );
    let fixed_now = args.common.now.is_some();
    let result = watch_loop(
        watcher,
        &mut sources,
        |sources: &SiteSources, changed: &[String]| {
            let mut settings = settings.clone();
            if !fixed_now {
                settings.now = Now::At(jiff::Timestamp::now());
            }
            eprintln!("检测到修改：{}", changed.join("，"));
            build_once(&root, &dest, args.common.verbose, |sink| {
                session_build(&mut session, sources, &settings, sink)
            });
        },
    );
    match result {
        Ok(()) => EXIT_OK,
        Err(e) => {
            eprintln!("错误: 无法监视文件的变化：{e}");
            EXIT_USAGE
        }
    }
}

/// A one-off build, which hands the sources over so that their text is freed early. It
/// warns of remembered addresses it no longer makes (`published.txt`), and a build of the
/// Under a sub-path (`https://example.gov.cn/hgz/`), where `robots.txt` must go: crawlers
/// read it at the host's root only.
fn robots_line(build: &crate::pipeline::Build, shown: &str) -> Option<String> {
    let (path, url) = (build.base_path.as_deref()?, build.base_url.as_deref()?);
    if path == "/" {
        return None;
    }
    let root = url
        .strip_suffix(path.trim_start_matches('/'))
        .unwrap_or(url);
    let shown = shown.trim_end_matches('/');
    Some(format!(
        "提示: 网站地址带有路径 {path}，而搜索引擎只在网站根目录读 robots.txt（{root}robots.txt）。\n      {shown}/robots.txt 是为本站写好的一份：请网站管理员把它放到根目录；根目录已有 robots.txt 的，把其中的 Sitemap 一行加进去。"
    ))
}

/// site's own `public/` (not a preview elsewhere, nor one with drafts or waiting pages)
/// remembers the new.
fn build_one_off(
    root: &Path,
    dest: &Path,
    args: &BuildArgs,
    sources: SiteSources,
    settings: &crate::pipeline::Settings,
) -> u8 {
    let record = Record::read(root);
    let remember = args.output.is_none() && !settings.drafts && !settings.future;
    let mut update = None;
    let status = build_once(root, dest, args.common.verbose, |sink| {
        let mut build = crate::pipeline::build_owned(sources, settings, sink);
        // The warnings name lines of the file as it will be after this build.
        let merged = remember.then(|| record.merged(&build.addresses)).flatten();
        let dropped = merged.as_ref().unwrap_or(&record).dropped(&build.addresses);
        super::add_warnings(&mut build, dropped);
        update = merged;
        build
    });
    if status == EXIT_OK
        && let Some(merged) = update
        && let Err(e) = std::fs::write(root.join(crate::published::FILE), merged.text())
    {
        eprintln!(
            "警告: 无法更新 {}：{e}。网站已经生成好了，只是这次发布的网址没有记下来。",
            crate::published::FILE
        );
    }
    status
}

/// The output folder as given: `--output` (a relative one is taken from the site folder,
/// like every other path of a site), or `public/`.
fn output_folder(root: &Path, args: &BuildArgs) -> PathBuf {
    match &args.output {
        Some(o) if o.is_relative() => root.join(o),
        Some(o) => o.clone(),
        None => root.join("public"),
    }
}

/// With `--watch` (and a site to watch), a watcher of the site's folders; none otherwise.
fn start_watching(root: &Path, args: &BuildArgs) -> Result<Option<Watcher>, String> {
    if args.watch && root.join(crate::config::CONFIG_FILE).is_file() {
        Watcher::new(root, args.poll).map(Some)
    } else {
        Ok(None)
    }
}

/// A session's build, its whole output handed to `sink` when it succeeded (the staging
/// folder writes only the files whose bytes differ from the output folder's).
fn session_build(
    session: &mut Session,
    sources: &SiteSources,
    settings: &crate::pipeline::Settings,
    sink: &Staging,
) -> crate::pipeline::Build {
    use crate::output::Sink as _;
    let mut build = session.build(sources, settings);
    if build.succeeded() {
        for (p, b) in session.output().iter() {
            if let Err(e) = sink.put(p, b.clone()) {
                build.io_error.get_or_insert(e);
            }
        }
    }
    build
}

/// The output folder is replaced as a whole, so it must not hold the site's own files, nor
/// files that pufa did not write. A symbolic link (say, to the web server's folder) is
/// followed, and its target replaced.
fn safe_destination(root: &Path, dest: &Path) -> Result<PathBuf, String> {
    let canon = |p: &Path| -> PathBuf {
        if let Ok(c) = std::fs::canonicalize(p) {
            return c;
        }
        match (p.parent(), p.file_name()) {
            (Some(parent), Some(name)) => {
                let parent = if parent.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    parent
                };
                std::fs::canonicalize(parent)
                    .map(|c| c.join(name))
                    .unwrap_or_else(|_| p.to_path_buf())
            }
            _ => p.to_path_buf(),
        }
    };
    let site = canon(root);
    let out = canon(dest);
    let inside_sources = SOURCE_DIRS.iter().any(|d| out.starts_with(site.join(d)));
    if site.starts_with(&out) || inside_sources {
        return Err(format!(
            "输出文件夹 {} 包含站点自己的文件（content/、site.yaml 等）。生成时会整个替换输出文件夹，这样会删掉你的文章。\n提示: 用默认的 public/，或另选一个空文件夹，例如 --output ../网站发布",
            dest.display()
        ));
    }
    check_replaceable(&out)?;
    Ok(out)
}

/// Build once (by `run`, given the staging sink) and, if it succeeded, swap the result in.
fn build_once(
    root: &Path,
    dest: &Path,
    verbose: bool,
    run: impl FnOnce(&Staging) -> crate::pipeline::Build,
) -> u8 {
    let started = Instant::now();
    // Show the output folder relative to the site when it is inside it.
    let shown = match dest.strip_prefix(root) {
        Ok(p) => format!("{}/", p.display()),
        Err(_) => dest.display().to_string(),
    };
    let mut clock = crate::timings::Phase::start();
    let staging = match Staging::new(dest) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("错误: 无法准备输出文件夹 {}：{e}", dest.display());
            return EXIT_USAGE;
        }
    };
    clock.done("list the output folder");
    let build = run(&staging);
    clock = crate::timings::Phase::start();
    report(&build.diagnostics, verbose);
    clock.done("report");
    if build.has_errors() {
        eprintln!("构建失败，{shown} 保持原样，没有改动任何文件。");
        return EXIT_SITE_ERRORS;
    }
    if let Some(e) = &build.io_error {
        eprintln!("错误: 写入输出文件失败：{e}。{shown} 保持原样。");
        return EXIT_USAGE;
    }
    if let Err(e) = staging.commit() {
        eprintln!(
            "错误: 把新生成的网站放进 {} 时出错：{e}。这个文件夹可能只更新了一部分（每个文件都是完整的），排除问题后再生成一次即可。",
            dest.display()
        );
        return EXIT_USAGE;
    }
    clock.done("swap in, remove old");
    eprintln!(
        "已生成 {} 个页面，共 {} 个文件（{:.1} MB），用时 {:.2} 秒 → {shown}",
        build.stats.pages,
        build.stats.files,
        build.stats.bytes as f64 / 1_048_576.0,
        started.elapsed().as_secs_f64(),
    );
    if let Some(line) = super::waiting_line(&build) {
        eprintln!("{line}");
    }
    if let Some(line) = robots_line(&build, &shown) {
        eprintln!("{line}");
    }
    EXIT_OK
}
