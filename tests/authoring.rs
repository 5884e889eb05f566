//! `pufa init` and `pufa new`: a new site builds at once with working citation links, and
//! every new file builds (as a draft) with the front matter its kind needs.

mod common;

use std::path::Path;

use common::*;

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// `pufa init DIR` with a fixed date; panics if it fails.
fn init(dir: &Path) {
    let o = pufa()
        .args(["init", dir.to_str().unwrap(), "--title", "测试镇普法网"])
        .args([
            "--base-url",
            "https://example.gov.cn/cs/",
            "--now",
            "2026-11-20 10:00",
        ])
        .output_within(60, "pufa init");
    assert!(o.status.success(), "init failed:\n{}", stderr(&o));
    assert!(stdout(&o).contains("创建新站点"), "{}", stdout(&o));
}

#[test]
fn a_new_site_builds_without_a_warning_and_links_its_citations() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("站点");
    init(&site);
    for f in [
        "site.yaml",
        "content/about.md",
        "content/laws/民法典/婚姻家庭编.md",
    ] {
        assert!(site.join(f).is_file(), "missing {f}");
    }
    let out = tmp.path().join("out");
    let o = build_into(&site, &out, &[]);
    let messages = stderr(&o);
    assert!(!messages.contains("警告"), "{messages}");
    // A page of every kind, the laws, and the sample event still to come.
    for page in [
        "index.html",
        "articles/wangzhan-shangxian/index.html",
        "events/pufa-jiangzuo/index.html",
        "events/pufa-jiangzuo/print/index.html",
        "lessons/minfadian/01-jiafeng/index.html",
        "about/index.html",
        "laws/index.html",
    ] {
        assert!(out.join(page).is_file(), "missing {page}");
    }
    let home = read_html(&out.join("index.html"));
    assert!(text_of(&home, "main").contains("民法典普法讲座"));
    let (broken, checked) = check_links(&out, "/cs/");
    assert!(broken.is_empty(), "{broken:#?}");
    assert!(checked > 50);
    let lesson = read_html(&out.join("lessons/minfadian/01-jiafeng/index.html"));
    let cites: Vec<String> = lesson
        .select(&sel(".pf-body a[href*='/laws/']"))
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .collect();
    assert!(cites.iter().any(|h| h.ends_with("#art-1043")), "{cites:?}");
    assert_eq!(
        text_of(&home, ".pf-brand-name"),
        "测试镇普法网",
        "the title given to init"
    );
}

#[test]
fn init_never_writes_into_a_folder_with_files() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("笔记.txt"), "别动我").unwrap();
    let before = tree(tmp.path());
    let o = pufa()
        .args(["init", tmp.path().to_str().unwrap()])
        .output_within(60, "pufa init");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("已经有文件"), "{}", stderr(&o));
    assert_eq!(tree(tmp.path()), before);
    // Hidden files (a fresh git repository) are fine.
    let fresh = tmp.path().join("新站");
    std::fs::create_dir_all(fresh.join(".git")).unwrap();
    init(&fresh);
}

#[test]
fn new_files_of_every_kind_build_as_drafts() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    init(&site);
    let new = |args: &[&str]| {
        let mut all = vec!["new"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--now", "2026-11-27 10:30"]);
        run(&site, &all)
    };
    let ok = |o: std::process::Output| {
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let said = ok(new(&["article", "国家宪法日：走进校园"]));
    assert!(
        said.contains("content/articles/国家宪法日走进校园.md"),
        "{said}"
    );
    ok(new(&[
        "活动",
        "法律咨询日",
        "--slug",
        "zixun-ri",
        "--start",
        "2026-12-10 09:00",
        "--location",
        "村委会：一楼",
    ]));
    // The next number of an existing series, and a new series with its _index.md.
    let said = ok(new(&["lesson", "第二课：继承", "--series", "minfadian"]));
    assert!(
        said.contains("content/lessons/minfadian/02-第二课继承.md"),
        "{said}"
    );
    let said = ok(new(&[
        "lesson",
        "第一课：防范电信诈骗",
        "--series",
        "fanzha",
    ]));
    assert!(said.contains("content/lessons/fanzha/_index.md"), "{said}");
    ok(new(&["page", "联系我们", "--slug", "contact"]));

    let article =
        std::fs::read_to_string(site.join("content/articles/国家宪法日走进校园.md")).unwrap();
    assert!(article.contains("title: \"国家宪法日：走进校园\""));
    assert!(article.contains("date: 2026-11-27 10:30"));
    assert!(article.contains("draft: true"));
    let event = std::fs::read_to_string(site.join("content/events/zixun-ri.md")).unwrap();
    assert!(event.contains("start: \"2026-12-10 09:00\""));
    assert!(event.contains("location: \"村委会：一楼\""));

    // Drafts are left out of a normal build and built with --drafts.
    let out = tmp.path().join("out");
    build_into(&site, &out, &[]);
    assert!(!out.join("events/zixun-ri/index.html").exists());
    assert!(out.join("contact/index.html").is_file());
    let o = build_into(&site, &out, &["--drafts"]);
    assert!(!stderr(&o).contains("警告"), "{}", stderr(&o));
    for page in [
        "articles/国家宪法日走进校园/index.html",
        "events/zixun-ri/index.html",
        "lessons/minfadian/02-第二课继承/index.html",
        "lessons/fanzha/01-第一课防范电信诈骗/index.html",
    ] {
        assert!(out.join(page).is_file(), "missing {page}");
    }
    let lesson = read_html(&out.join("lessons/minfadian/02-第二课继承/index.html"));
    assert!(text_of(&lesson, ".pf-byline").contains("第 2 课 / 共 2 课"));
    let event = read_html(&out.join("events/zixun-ri/index.html"));
    assert!(text_of(&event, "main").contains("村委会：一楼"));
}

#[test]
fn new_explains_what_is_missing_and_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    init(&site);
    let expect = |args: &[&str], code: i32, words: &str| {
        let mut all = vec!["new"];
        all.extend_from_slice(args);
        let o = run(&site, &all);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(words), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"));
    };
    expect(&["post", "标题"], 2, "不认识的类型");
    expect(&["event", "讲座"], 2, "开始时间和地点");
    expect(
        &["event", "讲座", "--start", "12月4日", "--location", "广场"],
        2,
        "--start 的值写得不对",
    );
    expect(&["lesson", "一课"], 2, "现有的系列：minfadian");
    expect(&["article", "？！"], 2, "--slug");
    expect(&["article", "标题", "--slug", "a/b"], 2, "不能用作文件名");
    let about = site.join("content/about.md");
    let before = std::fs::read(&about).unwrap();
    expect(&["page", "关于", "--slug", "about"], 1, "已经存在");
    assert_eq!(std::fs::read(&about).unwrap(), before);
    // Outside a site.
    let o = run(tmp.path(), &["new", "article", "标题"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("pufa init"), "{}", stderr(&o));
}

#[test]
fn new_knows_the_sites_columns_and_uses_its_archetypes() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    init(&site);
    write(
        &site.join("content/gonggao/_index.md"),
        "---\ntitle: 公示公告\n---\n",
    );
    write(
        &site.join("content/articles/anli/_index.md"),
        "---\ntitle: 以案释法\n---\n",
    );
    let new = |args: &[&str]| {
        let mut all = vec!["new"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--now", "2026-11-27 10:30"]);
        run(&site, &all)
    };
    // A column takes an article-like page in its folder.
    let o = new(&["gonggao", "村务公开第一期"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("content/gonggao/村务公开第一期.md"));
    let o = new(&["articles/anli", "彩礼纠纷"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(site.join("content/articles/anli/彩礼纠纷.md").is_file());
    // The site's archetype for the column, filled in.
    write(
        &site.join("archetypes/gonggao.md"),
        "---\ntitle: {{ title }}\ndate: {{ date }}\nauthor: 皇宫镇司法所\ndraft: true\n---\n\n公示期：七天。\n",
    );
    let o = new(&["gonggao", "第二期", "--slug", "di-er-qi"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(site.join("content/gonggao/di-er-qi.md")).unwrap();
    assert_eq!(
        text,
        "---\ntitle: \"第二期\"\ndate: 2026-11-27 10:30\nauthor: 皇宫镇司法所\ndraft: true\n---\n\n公示期：七天。\n"
    );
    // An unknown kind names the site's columns.
    let o = new(&["gonggoa", "x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("本站的栏目 articles/anli、gonggao"),
        "{}",
        stderr(&o)
    );
    // Everything builds (as drafts).
    let o = run(&site, &["build", "--drafts", "--now", "2026-11-28 00:00"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(site.join("public/gonggao/di-er-qi/index.html").is_file());
}
