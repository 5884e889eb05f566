//! `pufa init [DIR]`: a new site that builds at once: settings, sample content of every
//! kind, and the statute library (the laws are built into pufa).

use std::path::Path;

use jiff::tz::TimeZone;

use super::{EXIT_OK, EXIT_USAGE};
use crate::cli::InitArgs;
use crate::dates::{DATE_FORMS, parse_datetime};
use crate::scaffold;

mod laws {
    include!(concat!(env!("OUT_DIR"), "/embedded_laws.rs"));
}

pub fn run(root: &Path, args: &InitArgs) -> u8 {
    let dir = args.dir.clone().unwrap_or_else(|| root.to_path_buf());
    if let Err(m) = usable(&dir) {
        eprintln!("错误: {m}");
        return EXIT_USAGE;
    }
    let tz = TimeZone::get("Asia/Shanghai").unwrap_or(TimeZone::UTC);
    let now = match &args.now {
        Some(s) => match parse_datetime(s, &tz) {
            Ok(t) => t,
            Err(why) => {
                eprintln!("错误: --now 的值写得不对：{why}\n提示: 写法：{DATE_FORMS}");
                return EXIT_USAGE;
            }
        },
        None => jiff::Timestamp::now().to_zoned_datetime(tz),
    };
    let title = args.title.clone().unwrap_or_else(|| "普法网".to_string());
    let mut files: Vec<(String, Vec<u8>)> = scaffold::site_files(&title, &args.base_url, &now)
        .into_iter()
        .map(|(p, t)| (p, t.into_bytes()))
        .collect();
    files.extend(
        laws::FILES
            .iter()
            .map(|(p, b)| (format!("content/laws/{p}"), b.to_vec())),
    );
    for (rel, bytes) in &files {
        let path = dir.join(rel);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, bytes));
        if let Err(e) = written {
            eprintln!("错误: 无法写入 {}：{e}", path.display());
            return EXIT_USAGE;
        }
    }
    let shown = dir.display();
    println!(
        "已在 {shown} 创建新站点：{} 个文件，其中 {} 部法律的全文。",
        files.len(),
        law_count()
    );
    println!("下一步：");
    println!("  1. 打开 {shown}/site.yaml，改好网站名称、地址和联系方式；");
    println!("  2. 运行 pufa --root {shown} serve，在浏览器里预览，边改边看；");
    println!("  3. 用 pufa --root {shown} new article \"标题\" 写第一篇文章；");
    println!("  4. 运行 pufa --root {shown} build，把 public/ 文件夹上传到网站服务器。");
    EXIT_OK
}

/// Laws in the built-in library (a law split over several files counts once).
fn law_count() -> usize {
    let files = laws::FILES
        .iter()
        .filter(|(p, _)| p.ends_with(".md") && !p.ends_with("_index.md"))
        .filter_map(|(p, bytes)| {
            let text = std::str::from_utf8(bytes).ok()?;
            crate::statute::parse::parse_law_file(&format!("content/laws/{p}"), text).0
        })
        .collect();
    crate::statute::LawLibrary::new(files, &Default::default())
        .0
        .laws
        .len()
}

/// A new site goes into a folder that does not exist or holds nothing but hidden files
/// (a fresh `git init`).
fn usable(dir: &Path) -> Result<(), String> {
    if !dir.exists() {
        return Ok(());
    }
    if !dir.is_dir() {
        return Err(format!("{} 是一个文件，不是文件夹。", dir.display()));
    }
    let entries = std::fs::read_dir(dir).map_err(|e| format!("无法读取 {}：{e}", dir.display()))?;
    let visible: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    if visible.is_empty() {
        return Ok(());
    }
    Err(format!(
        "{} 里已经有文件（{}），为了不覆盖它们，没有创建新站点。\n提示: 换一个新文件夹，例如 pufa init 我的普法网",
        dir.display(),
        visible
            .iter()
            .take(3)
            .cloned()
            .collect::<Vec<_>>()
            .join("、")
    ))
}
