//! The command line speaks Chinese: help pages and every kind of mistake, with exit status 2
//! and a hint, never clap's English boilerplate.

mod common;

use common::*;

fn out(args: &[&str]) -> (Option<i32>, String, String) {
    let o = pufa()
        .args(args)
        .output_within(60, &format!("pufa {}", args.join(" ")));
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

const ENGLISH: &[&str] = &[
    "Usage:",
    "Options:",
    "Commands:",
    "Print help",
    "Print version",
    "error:",
    "For more information",
    "[default:",
];

#[test]
fn help_pages_are_in_chinese() {
    for args in [
        vec!["--help"],
        vec!["-h"],
        vec!["build", "--help"],
        vec!["check", "--help"],
        vec!["serve", "--help"],
        vec!["new", "--help"],
        vec!["init", "--help"],
        vec!["export", "wechat", "--help"],
        vec!["export", "text", "--help"],
    ] {
        let (code, stdout, _) = out(&args);
        assert_eq!(code, Some(0), "{args:?}");
        assert!(stdout.contains("用法：pufa"), "{args:?}: {stdout}");
        assert!(stdout.contains("显示帮助"), "{args:?}: {stdout}");
        for e in ENGLISH {
            assert!(!stdout.contains(e), "{args:?} shows {e:?}: {stdout}");
        }
    }
    // An export always takes pages dated later (it warns about them): no `--future`.
    for to in ["wechat", "text"] {
        let (_, stdout, _) = out(&["export", to, "--help"]);
        assert!(stdout.contains("--since"), "{stdout}");
        assert!(!stdout.contains("--future"), "{stdout}");
    }
    let (code, stdout, _) = out(&["--version"]);
    assert_eq!(code, Some(0));
    assert!(stdout.starts_with("pufa "));
}

#[test]
fn mistakes_are_explained_in_chinese_with_a_hint() {
    for (args, words) in [
        (vec!["biuld"], "是不是想写 “build”"),
        (vec!["publish"], "不认识的命令 “publish”"),
        (vec!["build", "--bogus"], "不认识的选项或参数 “--bogus”"),
        (
            vec!["serve", "--port", "abc"],
            "端口是 1 到 65535 之间的整数",
        ),
        (vec!["build", "--poll"], "--watch"),
        (vec!["new", "article"], "缺少必须写的参数"),
    ] {
        let (code, _, stderr) = out(&args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(stderr.starts_with("错误: "), "{args:?}: {stderr}");
        assert!(stderr.contains("提示: "), "{args:?}: {stderr}");
        assert!(stderr.contains(words), "{args:?}: {stderr}");
        for e in ENGLISH {
            assert!(!stderr.contains(e), "{args:?} shows {e:?}: {stderr}");
        }
    }
    // No command at all: the help page, and a usage error.
    let (code, _, stderr) = out(&[]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("用法：pufa"), "{stderr}");
}

/// Issue 12: a long build shows a progress line (phase, done/total, rate) on a terminal —
/// `script` gives the build one; the threshold is lowered from two seconds to none — and
/// never when its output is piped or `CI` is set.
#[test]
fn progress_shows_on_a_terminal_only() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let pufa = env!("CARGO_BIN_EXE_pufa");
    let command = format!(
        "{pufa} --root {} build --now {NOW} --output {}",
        repo().display(),
        out.display()
    );
    let on_terminal = |ci: bool| {
        let mut c = std::process::Command::new("script");
        c.args(["-qec", &command, "/dev/null"])
            .env("PUFA_PROGRESS_AFTER_MS", "0")
            .env_remove("CI");
        if ci {
            c.env("CI", "true");
        }
        let o = c.output_within(120, "a build under script");
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let shown = on_terminal(false);
    assert!(
        shown.contains("生成页面") && shown.contains("已生成"),
        "{shown}"
    );
    assert!(!on_terminal(true).contains("生成页面"));
    let mut piped = std::process::Command::new(pufa);
    piped
        .args([
            "--root",
            repo().to_str().unwrap(),
            "build",
            "--now",
            NOW,
            "--output",
        ])
        .arg(&out)
        .env("PUFA_PROGRESS_AFTER_MS", "0")
        .env_remove("CI");
    let o = piped.output_within(120, "a piped build");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success() && !err.contains("生成页面"), "{err}");
}
