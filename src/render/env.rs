//! Render step, the template environment: minijinja with HTML autoescape (templates are
//! `.html`/`.xml`), semi-strict undefined handling (printing an undefined variable is an
//! error; testing it in `{% if %}` is allowed), debug info on, every template compiled up
//! front so all syntax errors are reported together; and template errors turned into located
//! diagnostics that name the page being rendered.

use minijinja::{Environment, ErrorKind, UndefinedBehavior};

use super::theme::Theme;
use crate::config::Config;
use crate::diag::Diagnostic;

/// Turn a minijinja error into a located diagnostic naming the page being rendered.
pub fn template_diag(err: &minijinja::Error, theme: &Theme, rendering: Option<&str>) -> Diagnostic {
    let name = err.name().unwrap_or("");
    let file = theme
        .templates
        .get(name)
        .map(|t| t.origin.clone())
        .unwrap_or_else(|| name.to_string());
    let source = theme.templates.get(name).map(|t| t.source.clone());
    let expr = match (err.range(), &source) {
        (Some(r), Some(s)) => s.get(r).map(str::to_string),
        _ => None,
    };
    let (message, hint) = explain(err, theme, name, expr.as_deref());
    let hint = match rendering {
        Some(r) => format!("{hint}（出错时正在生成 {r}）"),
        None => hint,
    };
    let mut d = Diagnostic::error(message).in_file(file).with_hint(hint);
    if let Some(line) = err.line() {
        let col = match (err.range(), &source) {
            (Some(r), Some(s)) => crate::diag::line_col(s, r.start).1,
            _ => 0,
        };
        d = d.at(line, col);
        if let Some(s) = &source {
            let len = expr.as_deref().map_or(0, |e| e.chars().count());
            d = d.with_source_line(s, len);
        }
    }
    d
}

/// The message and hint for a template error.
fn explain(
    err: &minijinja::Error,
    theme: &Theme,
    name: &str,
    expr: Option<&str>,
) -> (String, String) {
    let detail = err.detail().unwrap_or("").to_string();
    match err.kind() {
        ErrorKind::SyntaxError => (
            format!("模板语法错误：{detail}"),
            "检查 {{ }} 和 {% %} 是否成对，{% if %}/{% for %}/{% block %} 是否都有对应的 end。"
                .to_string(),
        ),
        ErrorKind::UndefinedError => (
            match expr {
                Some(e) => format!("模板用了不存在的变量 “{e}”"),
                None => "模板用了不存在的变量".to_string(),
            },
            if is_cached_fragment(theme, name) {
                "这个模板是用 include_cached 引入的，只能用 site 和传给它的参数；要用别的变量，把它作为参数传进来，例如 include_cached(\"footer.html\", column=page.column)。".to_string()
            } else {
                "检查变量名的拼写；可用的变量见 README 的“模板变量”一节。可能不存在的值请先用 {% if … %} 判断。".to_string()
            },
        ),
        ErrorKind::TemplateNotFound => (
            format!("找不到模板：{detail}"),
            "模板放在 themes/主题名/templates/ 下；检查 extends/include 里的文件名。".to_string(),
        ),
        _ => (
            format!(
                "模板出错：{}{}",
                kind_zh(err.kind()),
                if detail.is_empty() {
                    String::new()
                } else {
                    format!("：{detail}")
                }
            ),
            "检查这一行模板的写法。".to_string(),
        ),
    }
}

/// Is template `name` rendered by `include_cached` somewhere in the theme?
fn is_cached_fragment(theme: &Theme, name: &str) -> bool {
    let calls = [
        format!("include_cached(\"{name}\""),
        format!("include_cached('{name}'"),
    ];
    theme
        .templates
        .values()
        .any(|t| calls.iter().any(|c| t.source.contains(c.as_str())))
}

fn kind_zh(k: ErrorKind) -> &'static str {
    match k {
        ErrorKind::InvalidOperation => "不能这样运算",
        ErrorKind::UnknownFilter => "不认识的过滤器",
        ErrorKind::UnknownFunction => "不认识的函数",
        ErrorKind::UnknownMethod => "不认识的方法",
        ErrorKind::MissingArgument => "缺少参数",
        ErrorKind::TooManyArguments => "参数太多",
        ErrorKind::BadEscape => "转义写法有误",
        ErrorKind::NonKey => "不能用作键",
        ErrorKind::NonPrimitive => "不是简单值",
        _ => "执行出错",
    }
}

/// Build the template environment from the theme; every template is compiled now, so all
/// syntax errors come back together.
pub fn environment(
    config: &Config,
    theme: &Theme,
) -> Result<Environment<'static>, Vec<Diagnostic>> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    env.set_debug(true);
    if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .build()
    {
        env.set_syntax(syntax);
    }
    super::filters::register(&mut env, config, theme);
    // minijinja's HTML escaping also escapes `/` (as `&#x2f;`), which bloats every link;
    // escaping the five HTML metacharacters is enough inside text and quoted attributes.
    env.set_formatter(|out, state, value| {
        if matches!(state.auto_escape(), minijinja::AutoEscape::Html)
            && !value.is_safe()
            && !value.is_undefined()
            && let Some(s) = value.as_str()
        {
            return crate::text::escape_html_into(out, s)
                .map_err(|_| minijinja::Error::new(ErrorKind::WriteFailure, "写入失败"));
        }
        minijinja::escape_formatter(out, state, value)
    });
    let mut errors = Vec::new();
    for (name, t) in &theme.templates {
        if let Err(e) = env.add_template_owned(name.clone(), t.source.to_string()) {
            errors.push(template_diag(&e, theme, None));
        }
    }
    if errors.is_empty() {
        Ok(env)
    } else {
        Err(errors)
    }
}
