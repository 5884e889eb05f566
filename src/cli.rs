//! Command-line definitions (clap) → typed commands and options.

use std::path::PathBuf;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{ArgAction, Args, Parser, Subcommand};

/// Help pages in Chinese: clap's headings ("Usage", "Options") replaced.
const HELP: &str = "{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

/// pufa（普法）：把 Markdown 写成的普法文章、活动通知、法治小课堂和法律法规库生成静态网站。
#[derive(Debug, Parser)]
#[command(
    name = "pufa",
    version,
    help_template = HELP,
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    subcommand_help_heading = "命令",
    subcommand_value_name = "命令",
    next_help_heading = "选项",
    after_help = "每个命令的选项：pufa 命令 --help，例如 pufa build --help"
)]
pub struct Cli {
    /// 站点文件夹（含 site.yaml），默认为当前文件夹
    #[arg(
        long,
        global = true,
        value_name = "DIR",
        default_value = ".",
        hide_default_value = true
    )]
    pub root: PathBuf,

    /// 显示帮助
    #[arg(short = 'h', long = "help", action = ArgAction::Help, global = true)]
    help: Option<bool>,

    /// 显示版本号
    #[arg(short = 'V', long = "version", action = ArgAction::Version)]
    version: Option<bool>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 生成整个网站，写入 public/（失败时 public/ 保持原样）
    #[command(help_template = HELP, next_help_heading = "选项", disable_help_flag = true)]
    Build(BuildArgs),
    /// 检查整个网站（元数据、链接、法条引用、模板），不写任何文件
    #[command(help_template = HELP, next_help_heading = "选项", disable_help_flag = true)]
    Check(CheckArgs),
    /// 本地预览：在内存中生成网站并启动服务器，修改文件后自动重新生成并刷新浏览器
    #[command(help_template = HELP, next_help_heading = "选项", disable_help_flag = true)]
    Serve(ServeArgs),
    /// 新建一篇内容（文章、活动、课程或页面），先作为草稿：pufa new article "标题"
    #[command(help_template = HELP, next_help_heading = "选项", disable_help_flag = true)]
    New(NewArgs),
    /// 创建新站点（设置、示例内容和常用法律全文）：pufa init 文件夹
    #[command(help_template = HELP, next_help_heading = "选项", disable_help_flag = true)]
    Init(InitArgs),
    /// 导出到新媒体：pufa export wechat content/articles/文章.md（公众号文章、图片和二维码）
    #[command(
        help_template = HELP,
        next_help_heading = "选项",
        disable_help_flag = true,
        subcommand_help_heading = "导出到",
        subcommand_value_name = "平台"
    )]
    Export(ExportArgs),
}

#[derive(Debug, Args, Clone)]
pub struct ExportArgs {
    #[command(subcommand)]
    pub to: ExportTo,
}

#[derive(Debug, Subcommand, Clone)]
pub enum ExportTo {
    /// 微信公众号：每页一个文件夹，含 article.html（可直接粘贴的正文）、images/、meta.json
    // An export always takes pages dated later (with a warning): `--future` is not shown.
    #[command(help_template = HELP, next_help_heading = "选项", disable_help_flag = true)]
    #[command(mut_arg("future", |a| a.hide(true)))]
    Wechat(ExportPageArgs),
    /// 纯文本（给只收文字的平台）：每页一个文件夹，含 article.txt、images/（默认写到 dist-text/）
    #[command(help_template = HELP, next_help_heading = "选项", disable_help_flag = true)]
    #[command(mut_arg("future", |a| a.hide(true)))]
    Text(ExportPageArgs),
}

#[derive(Debug, Args, Clone)]
pub struct ExportPageArgs {
    #[command(flatten)]
    pub common: CommonArgs,

    /// 要导出的页面：内容文件（content/articles/文章.md）或网址（/articles/文章/、完整网址也行）
    #[arg(value_name = "PAGE")]
    pub pages: Vec<String>,

    /// 导出所有在这一天或之后发布或更新的文章、活动和课程，例如 2026-12-01
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,

    /// 导出到哪个文件夹，默认为站点文件夹下的 dist-wechat/（纯文本：dist-text/；相对路径从站点文件夹算起）
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args, Clone)]
pub struct NewArgs {
    /// 类型：article（文章）、event（活动）、lesson（课程）、page（页面），也可以写中文
    #[arg(value_name = "类型")]
    pub kind: String,

    /// 标题
    #[arg(value_name = "标题")]
    pub title: String,

    /// 文件名（也是网址的最后一段），默认由标题生成
    #[arg(long, value_name = "NAME")]
    pub slug: Option<String>,

    /// 活动的开始时间，例如 "2026-12-04 09:00"（新建活动时必填）
    #[arg(long, value_name = "TIME")]
    pub start: Option<String>,

    /// 活动地点（新建活动时必填）
    #[arg(long, value_name = "PLACE")]
    pub location: Option<String>,

    /// 课程所属系列：content/lessons/ 下的文件夹名，新名字会新建系列（新建课程时必填）
    #[arg(long, value_name = "FOLDER")]
    pub series: Option<String>,

    /// 把“现在”固定为这个时间（写进 date），例如 2026-11-27 10:00
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
}

#[derive(Debug, Args, Clone)]
pub struct InitArgs {
    /// 新站点的文件夹（不存在或是空的），默认为 --root（当前文件夹）
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// 网站名称，例如 "皇宫镇普法网"
    #[arg(long)]
    pub title: Option<String>,

    /// 网站上线后的地址，可以带路径（默认 https://example.gov.cn/，以后可在 site.yaml 里改）
    #[arg(
        long,
        value_name = "URL",
        default_value = "https://example.gov.cn/",
        hide_default_value = true
    )]
    pub base_url: String,

    /// 把“现在”固定为这个时间（示例内容的日期由它算出）
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
}

#[derive(Debug, Args, Clone)]
pub struct ServeArgs {
    #[command(flatten)]
    pub common: CommonArgs,

    /// 端口，默认 1111（被占用时自动换下一个）
    #[arg(long, short, default_value_t = 1111, hide_default_value = true)]
    pub port: u16,

    /// 监听地址，默认 127.0.0.1（只有本机能访问）；写 0.0.0.0 可以让同一局域网的手机访问
    #[arg(long, default_value = "127.0.0.1", hide_default_value = true)]
    pub bind: String,

    /// 启动后用浏览器打开
    #[arg(long)]
    pub open: bool,

    /// 用轮询代替系统的文件通知（网络盘、WSL 上使用）
    #[arg(long)]
    pub poll: bool,
}

/// Options shared by every command that builds the site.
#[derive(Debug, Args, Clone, Default)]
pub struct CommonArgs {
    /// 同时生成草稿（draft: true）
    #[arg(long)]
    pub drafts: bool,

    /// 同时生成定时发布、还没到发布时间（date 在“现在”之后）的页面
    #[arg(long)]
    pub future: bool,

    /// 把“现在”固定为这个时间（判断活动是否已结束、通知是否过期），例如 2024-12-01T00:00:00+08:00
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,

    /// 覆盖 site.yaml 里的网站地址 base_url
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,

    /// 显示全部警告（默认相同的警告合并显示）
    #[arg(long, short)]
    pub verbose: bool,
}

#[derive(Debug, Args, Clone)]
pub struct CheckArgs {
    #[command(flatten)]
    pub common: CommonArgs,

    /// 同时检查外部链接（逐个访问其他网站的网址，需要联网；平时生成不会做）
    #[arg(long)]
    pub external: bool,
}

#[derive(Debug, Args, Clone)]
pub struct BuildArgs {
    #[command(flatten)]
    pub common: CommonArgs,

    /// 输出文件夹，默认为站点文件夹下的 public/（相对路径从站点文件夹算起）
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,

    /// 生成后继续监视文件，每次修改都重新生成并替换输出文件夹
    #[arg(long)]
    pub watch: bool,

    /// 与 --watch 一起用：用轮询代替系统的文件通知（网络盘、WSL 上使用）
    #[arg(long, requires = "watch")]
    pub poll: bool,
}

/// Parse the command line. Help and the version are printed (exit 0); a mistake is explained
/// in Chinese with a hint (exit 2).
pub fn parse() -> Result<Cli, u8> {
    let e = match Cli::try_parse() {
        Ok(cli) => return Ok(cli),
        Err(e) => e,
    };
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            Err(0)
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            Err(2)
        }
        _ => {
            eprintln!("{}", explain(&e));
            Err(2)
        }
    }
}

/// A command-line mistake in plain Chinese, with a hint.
pub fn explain(e: &clap::Error) -> String {
    let get = |kind: ContextKind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) if !v.is_empty() => Some(v.join("、")),
        _ => None,
    };
    let arg = get(ContextKind::InvalidArg).unwrap_or_default();
    let value = get(ContextKind::InvalidValue).unwrap_or_default();
    let commands = "build、check、serve、new、init";
    let mut hint =
        "运行 pufa --help 查看全部命令，pufa 命令 --help 查看某个命令的选项。".to_string();
    let message = match e.kind() {
        ErrorKind::UnknownArgument => {
            if let Some(s) = get(ContextKind::SuggestedArg) {
                hint = format!("是不是想写 “{s}”？{hint}");
            }
            format!("不认识的选项或参数 “{arg}”")
        }
        ErrorKind::InvalidSubcommand => {
            let wrong = get(ContextKind::InvalidSubcommand).unwrap_or_default();
            if let Some(s) = get(ContextKind::SuggestedSubcommand) {
                hint = format!("是不是想写 “{s}”？{hint}");
            }
            format!("不认识的命令 “{wrong}”，可用的命令：{commands}")
        }
        ErrorKind::MissingSubcommand => format!("缺少命令，可用的命令：{commands}"),
        ErrorKind::MissingRequiredArgument => format!("缺少必须写的参数：{arg}"),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            if let Some(valid) = get(ContextKind::ValidValue) {
                hint = format!("可以写：{valid}");
            } else if arg.starts_with("--port") {
                hint = "端口是 1 到 65535 之间的整数，例如 --port 8080".to_string();
            }
            format!("{arg} 的值 “{value}” 写得不对")
        }
        ErrorKind::ArgumentConflict => {
            let prior = get(ContextKind::PriorArg).unwrap_or_default();
            format!("{arg} 不能和 {prior} 一起用")
        }
        ErrorKind::NoEquals
        | ErrorKind::TooManyValues
        | ErrorKind::TooFewValues
        | ErrorKind::WrongNumberOfValues => format!("{arg} 后面的值写得不对"),
        ErrorKind::InvalidUtf8 => "命令行里有无法识别的字符（不是 UTF-8 编码）".to_string(),
        _ => "命令行参数写得不对".to_string(),
    };
    format!("错误: {message}\n提示: {hint}")
}
