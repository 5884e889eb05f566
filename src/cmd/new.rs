//! `pufa new KIND TITLE`: write a new content file (a draft) with the front matter its kind
//! needs, so authors start from a file that builds.

use std::path::{Path, PathBuf};

use jiff::ZonedDateTime;
use jiff::tz::TimeZone;
use serde::Deserialize;

use super::{EXIT_OK, EXIT_SITE_ERRORS, EXIT_USAGE};
use crate::cli::NewArgs;
use crate::config::{Overrides, parse_config};
use crate::content::front_matter::split;
use crate::dates::{DATE_FORMS, parse_datetime};
use crate::scaffold::{self, KINDS_HELP, NewKind};
use crate::yaml::{YamlSource, parse_yaml};

pub fn run(root: &Path, args: &NewArgs) -> u8 {
    match create(root, args) {
        Ok(lines) => {
            for l in lines {
                println!("{l}");
            }
            EXIT_OK
        }
        Err((code, message)) => {
            eprintln!("错误: {message}");
            code
        }
    }
}

type Failure = (u8, String);

fn usage(message: impl Into<String>) -> Failure {
    (EXIT_USAGE, message.into())
}

/// Write the file; the lines to print on success.
fn create(root: &Path, args: &NewArgs) -> Result<Vec<String>, Failure> {
    // A column of the site (`pufa new gonggao "…"`) takes article-like pages.
    let column = column_folder(root, &args.kind);
    let kind = match &column {
        Some(_) => NewKind::Article,
        None => NewKind::parse(&args.kind).ok_or_else(|| {
            let columns = site_columns(root);
            let also = if columns.is_empty() {
                String::new()
            } else {
                format!("，或本站的栏目 {}", columns.join("、"))
            };
            usage(format!(
                "不认识的类型“{}”。\n提示: 可以写 {KINDS_HELP}{also}，例如 pufa new article \"国家宪法日普法活动走进校园\"",
                args.kind
            ))
        })?,
    };
    let title = args.title.trim();
    if title.is_empty() {
        return Err(usage("标题不能是空的。"));
    }
    let tz = site_time_zone(root)?;
    let now: ZonedDateTime = match &args.now {
        Some(s) => parse_datetime(s, &tz).map_err(|why| {
            usage(format!(
                "--now 的值写得不对：{why}\n提示: 写法：{DATE_FORMS}"
            ))
        })?,
        None => jiff::Timestamp::now().to_zoned_datetime(tz.clone()),
    };
    let draft = Draft {
        title,
        stem: file_stem(title, args.slug.as_deref())?,
        now,
    };
    let mut notes = Vec::new();
    let (rel, text) = match kind {
        NewKind::Article => (
            format!(
                "content/{}/{}.md",
                column.as_deref().unwrap_or("articles"),
                draft.stem
            ),
            scaffold::article(title, &draft.now),
        ),
        NewKind::Page => (format!("content/{}.md", draft.stem), scaffold::page(title)),
        NewKind::Event => event_file(&draft, args, &tz)?,
        NewKind::Lesson => lesson_file(&draft, root, args, &mut notes)?,
    };
    // The site's own starting point for this kind or column, when it has one.
    // The lesson's number, as the built-in starting point has it.
    let order = text
        .lines()
        .find_map(|l| l.strip_prefix("order: "))
        .map(str::to_string);
    let filled = Filled {
        args,
        order: order.as_deref(),
    };
    let archetype = archetype_of(root, column.as_deref(), kind, &draft, &filled)?;
    let text = archetype.unwrap_or(text);
    write_new(root, &rel, &text)?;
    let mut lines = vec![format!("已创建 {rel}")];
    lines.extend(notes);
    if kind != NewKind::Page {
        lines.push(
            "这是草稿：写好后删掉 draft: true 那一行才会发布。预览草稿用 pufa serve --drafts"
                .into(),
        );
    }
    Ok(lines)
}

/// The columns (栏目) of the site at `root`, as folders under `content/`.
fn site_columns(root: &Path) -> Vec<String> {
    let content = root.join("content");
    let rels: Vec<String> = walkdir::WalkDir::new(&content)
        .max_depth(3)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "_index.md" || e.file_name() == "index.md")
        .filter_map(|e| {
            let rel = e.path().strip_prefix(root).ok()?;
            Some(rel.to_string_lossy().replace('\\', "/"))
        })
        .collect();
    let taxonomies: Vec<String> = std::fs::read_to_string(root.join(crate::config::CONFIG_FILE))
        .ok()
        .and_then(|t| parse_config(&t, &Overrides::default()).ok())
        .map_or(vec![crate::taxonomy::TAGS.into()], |c| {
            c.taxonomies.into_iter().map(|t| t.key).collect()
        });
    let keys: Vec<&str> = taxonomies.iter().map(String::as_str).collect();
    crate::content::columns::Columns::find(rels.iter().map(String::as_str), &keys)
        .dirs()
        .map(str::to_string)
        .collect()
}

/// `kind` names a column of the site (`gonggao`, `articles/anli`)?
fn column_folder(root: &Path, kind: &str) -> Option<String> {
    let wanted = kind.trim().trim_matches('/');
    let wanted = wanted.strip_prefix("content/").unwrap_or(wanted);
    site_columns(root).into_iter().find(|c| c == wanted)
}

/// The site's archetype for a new file, filled in: `archetypes/<column>.md` (a column's
/// folder name, `/` written as `-`), else `archetypes/<kind>.md` (article, event, lesson,
/// page). A template: `{{ title }}`, `{{ date }}` and `{{ slug }}` are filled in.
fn archetype_of(
    root: &Path,
    column: Option<&str>,
    kind: NewKind,
    draft: &Draft<'_>,
    filled: &Filled<'_>,
) -> Result<Option<String>, Failure> {
    let mut names: Vec<String> = column.map(|c| c.replace('/', "-")).into_iter().collect();
    names.push(kind.english().to_string());
    let Some((name, source)) = names.iter().find_map(|n| {
        let rel = format!("archetypes/{n}.md");
        std::fs::read_to_string(root.join(&rel))
            .ok()
            .map(|s| (rel, s))
    }) else {
        return Ok(None);
    };
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    let ctx = minijinja::context! {
        title => scaffold::yaml_string(draft.title),
        date => crate::dates::date_and_time(&draft.now),
        slug => draft.stem.clone(),
        start => filled.args.start.as_deref().map(scaffold::yaml_string),
        location => filled.args.location.as_deref().map(scaffold::yaml_string),
        series => filled.args.series.clone(),
        order => filled.order,
    };
    // minijinja drops the template's last line end; a text file keeps it.
    let keep_end = |mut t: String| {
        if source.ends_with('\n') && !t.ends_with('\n') {
            t.push('\n');
        }
        Some(t)
    };
    env.render_str(&source, ctx).map(keep_end).map_err(|e| {
        (
            EXIT_SITE_ERRORS,
            format!(
                "模板 {name} 出错：{}\n提示: 模板里可以用 {{{{ title }}}}、{{{{ date }}}}、{{{{ slug }}}}，活动还有 {{{{ start }}}}、{{{{ location }}}}，课程还有 {{{{ series }}}}、{{{{ order }}}}。",
                e.detail().unwrap_or("")
            ),
        )
    })
}

/// What an archetype can use besides the title, date and slug: the command line's `--start`,
/// `--location`, `--series`, and a lesson's number.
struct Filled<'a> {
    args: &'a NewArgs,
    order: Option<&'a str>,
}

/// What every new file is made from: its title, the stem of its file name and the time it
/// is written at.
struct Draft<'a> {
    title: &'a str,
    stem: String,
    now: ZonedDateTime,
}

/// The site's time zone, to read dates in (Asia/Shanghai when site.yaml has errors); a
/// folder without site.yaml is no site.
fn site_time_zone(root: &Path) -> Result<TimeZone, Failure> {
    let config_text = std::fs::read_to_string(root.join("site.yaml")).map_err(|_| {
        (
            EXIT_SITE_ERRORS,
            format!(
                "{} 不是 pufa 站点（找不到 site.yaml）。\n提示: 在站点文件夹里运行，或用 --root 指定它；还没有站点就先运行 pufa init。",
                root.display()
            ),
        )
    })?;
    Ok(parse_config(&config_text, &Overrides::default())
        .map(|c| c.timezone)
        .unwrap_or_else(|_| TimeZone::get("Asia/Shanghai").unwrap_or(TimeZone::UTC)))
}

/// The file name stem: `--slug` if given, else made from the title.
fn file_stem(title: &str, slug: Option<&str>) -> Result<String, Failure> {
    match slug {
        Some(s) => check_slug(s),
        None => {
            let s = scaffold::stem_from_title(title);
            if s.is_empty() {
                return Err(usage(
                    "无法从标题生成文件名（标题里没有文字或数字）。\n提示: 用 --slug 指定文件名，例如 --slug xianfa-ri",
                ));
            }
            Ok(s)
        }
    }
}

/// An event's path and text; it needs `--start` (a valid date) and `--location`.
fn event_file(
    draft: &Draft<'_>,
    args: &NewArgs,
    tz: &TimeZone,
) -> Result<(String, String), Failure> {
    let example = "--start \"2026-12-04 09:00\" --location \"镇文化广场\"";
    let start = args.start.as_deref().map(str::trim).unwrap_or("");
    let location = args.location.as_deref().map(str::trim).unwrap_or("");
    if start.is_empty() || location.is_empty() {
        return Err(usage(format!(
            "活动需要开始时间和地点。\n提示: 加上 {example}"
        )));
    }
    parse_datetime(start, tz).map_err(|why| {
        usage(format!(
            "--start 的值写得不对：{why}\n提示: 写法：{DATE_FORMS}"
        ))
    })?;
    Ok((
        format!("content/events/{}.md", draft.stem),
        scaffold::event(draft.title, &draft.now, start, location),
    ))
}

/// A lesson's path and text, numbered after the last lesson of its `--series`; a new series
/// folder gets its `_index.md` first (noted in `notes`).
fn lesson_file(
    draft: &Draft<'_>,
    root: &Path,
    args: &NewArgs,
    notes: &mut Vec<String>,
) -> Result<(String, String), Failure> {
    let series = match args.series.as_deref().map(str::trim) {
        Some(s) if !s.is_empty() => check_slug(s)?,
        _ => {
            return Err(usage(format!(
                "课程要放进一个系列（content/lessons/ 下的一个文件夹）。\n提示: 加上 --series 文件夹名{}",
                existing_series(root)
            )));
        }
    };
    let dir = root.join("content/lessons").join(&series);
    if !dir.is_dir() {
        let index = format!("content/lessons/{series}/_index.md");
        write_new(
            root,
            &index,
            &format!(
                "---\ntitle: {}\n---\n\n在这里写这个系列的介绍。\n",
                scaffold::yaml_string(&series)
            ),
        )?;
        notes.push(format!(
            "新系列：已创建 {index}（系列的标题和介绍写在这里）"
        ));
    }
    let order = next_order(&dir)?;
    Ok((
        format!("content/lessons/{series}/{order:02}-{}.md", draft.stem),
        scaffold::lesson(draft.title, &draft.now, order),
    ))
}

/// A file name given with `--slug` (or a series folder): one path segment, not hidden, not
/// a section index.
fn check_slug(s: &str) -> Result<String, Failure> {
    let s = s.trim().trim_end_matches(".md");
    let bad = s.is_empty()
        || s.starts_with('.')
        || s.starts_with('_')
        || s.chars().any(|c| {
            matches!(
                c,
                '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' | '#' | '%'
            ) || c.is_control()
                || c.is_whitespace()
        });
    if bad {
        return Err(usage(format!(
            "“{s}”不能用作文件名。\n提示: 用字母、数字、汉字和连字符，不要空格和 / ? # % 等符号，例如 xianfa-ri"
        )));
    }
    Ok(s.to_string())
}

/// Create `rel` under `root` with `text`; never overwrite.
fn write_new(root: &Path, rel: &str, text: &str) -> Result<PathBuf, Failure> {
    let path = root.join(rel);
    if path.exists() {
        return Err((
            EXIT_SITE_ERRORS,
            format!(
                "{rel} 已经存在，没有覆盖它。\n提示: 换一个标题，或用 --slug 指定另一个文件名。"
            ),
        ));
    }
    let io = |e: std::io::Error| (EXIT_USAGE, format!("无法写入 {rel}：{e}"));
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()))
        .map_err(io)?;
    Ok(path)
}

/// The next `order` in a series folder: one more than the largest there.
fn next_order(dir: &Path) -> Result<u32, Failure> {
    #[derive(Deserialize)]
    struct Order {
        order: Option<i64>,
    }
    let mut max = 0;
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(1);
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".md") || name.starts_with('_') {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(e.path()) else {
            continue;
        };
        let text = text.replace("\r\n", "\n");
        // A lesson whose front matter is broken is reported by the build, not here.
        let Ok(fm) = split(text.trim_start_matches('\u{feff}'), &name) else {
            continue;
        };
        let src = YamlSource {
            file: &name,
            file_text: &text,
            yaml: fm.yaml,
            first_line: fm.yaml_line,
            keys: &[],
        };
        if let Ok(Order { order: Some(n) }) = parse_yaml::<Order>(&src) {
            max = max.max(n);
        }
    }
    u32::try_from(max + 1).map_err(|_| usage("这个系列里的课程序号太大了。"))
}

/// "，现有的系列：a、b" (or nothing).
fn existing_series(root: &Path) -> String {
    let mut names: Vec<String> = std::fs::read_dir(root.join("content/lessons"))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    if names.is_empty() {
        "（新名字会新建一个系列）".into()
    } else {
        format!("。现有的系列：{}；写新名字会新建一个系列", names.join("、"))
    }
}
