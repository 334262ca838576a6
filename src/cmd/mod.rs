//! The command line: one file per subcommand, all sharing the site options here.
//!
//! Commands print for people: a one-line coloured summary, warnings and errors with the
//! offending source line. They return [`crate::Error`]; `main` prints it and exits non-zero.

pub mod build;
pub mod check;
pub mod import;
pub mod init;
pub mod new;
pub mod serve;

use std::path::{Path, PathBuf};

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::config::Kind;
use crate::diagnostics::{Diagnostic, Error};
use crate::pipeline::SiteSpec;

/// pufa（普法）：生成法治政府建设年度报告、普法项目和典型案例网站的工具
#[derive(Debug, Parser)]
#[command(name = "pufa", version, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 生成网站到输出文件夹（默认 public/）
    Build(build::BuildArgs),
    /// 在本机预览网站，并在浏览器里编辑；保存后页面自动刷新
    Serve(serve::ServeArgs),
    /// 政府网站检查：规范表述、链接、栏目、个人信息、无障碍（不写任何文件）
    Check(check::CheckArgs),
    /// 新建一个站点（马上就能生成）
    Init(init::InitArgs),
    /// 新建一篇年度报告、普法项目或典型案例
    New(new::NewArgs),
    /// 把收到的报告（Word .docx、文本 .txt、PDF）转成网站页面
    Import(import::ImportArgs),
}

/// The kinds of item `pufa new` and `pufa import` make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ItemKind {
    Report,
    Project,
    Case,
}

impl From<ItemKind> for Kind {
    fn from(k: ItemKind) -> Kind {
        match k {
            ItemKind::Report => Kind::Report,
            ItemKind::Project => Kind::Project,
            ItemKind::Case => Kind::Case,
        }
    }
}

/// Writes a content file that must not replace an existing one unless `force`; `hint` says
/// what to do instead. Creates the folder.
pub fn write_new_file(path: &Path, text: &str, force: bool, hint: &str) -> Result<(), Error> {
    refuse_existing(path, force, hint)?;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, &e, "创建文件夹"))?;
    }
    std::fs::write(path, text).map_err(|e| Error::io(path, &e, "写入文件"))
}

/// The error for a file that exists, unless `force`: what [`write_new_file`] refuses, so a
/// dry run can say so too.
pub fn refuse_existing(path: &Path, force: bool, hint: &str) -> Result<(), Error> {
    if path.exists() && !force {
        return Err(Error::one(
            Diagnostic::new("content/exists", format!("{} 已存在，不会覆盖", path.display())).with_hint(hint),
        ));
    }
    Ok(())
}

/// Options every command that reads a site shares.
#[derive(Debug, Clone, Args)]
pub struct SiteArgs {
    /// 站点文件夹（包含 config.yaml 和 content/）[默认：当前文件夹有 config.yaml 时用当前文件夹，否则用 ./site]
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// 配置文件 [默认：ROOT/config.yaml]
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// 临时替换 config.yaml 的 base_url（可以带子路径，如 https://www.zs.gov.cn/hlz/）
    #[arg(long)]
    pub base_url: Option<String>,
    /// 包括标为草稿（draft: true）的页面
    #[arg(long)]
    pub drafts: bool,
    /// 也发布发布日期（date）在今天之后的页面（pufa serve 总是显示它们，并标出“未发布”）
    #[arg(long)]
    pub future: bool,
}

impl SiteArgs {
    pub fn spec(&self) -> SiteSpec {
        SiteSpec {
            root: self.root.clone().unwrap_or_else(default_root),
            config_file: self.config.clone(),
            base_url: self.base_url.clone(),
            drafts: self.drafts,
            future: self.future,
            today: None,
        }
    }
}

/// The site folder when `--root` is not given: the current folder when it is a site (what
/// `pufa init NAME && cd NAME` leaves you in), else `site/` (the example in pufa's repository).
fn default_root() -> PathBuf {
    if Path::new("config.yaml").is_file() || !Path::new("site").is_dir() {
        PathBuf::from(".")
    } else {
        PathBuf::from("site")
    }
}

/// Whether stderr is a colour terminal.
pub fn color() -> bool {
    console::Term::stderr().is_term() && console::colors_enabled_stderr()
}

/// Prints warnings to stderr, at most `limit` in full.
pub fn print_warnings(warnings: &[Diagnostic], limit: usize) {
    if warnings.is_empty() {
        return;
    }
    for w in warnings.iter().take(limit) {
        eprintln!("{}\n", w.render(color()));
    }
    if warnings.len() > limit {
        eprintln!(
            "……另有 {} 条警告未显示。用 `pufa check` 查看全部。\n",
            warnings.len() - limit
        );
    }
}

/// Parses the command line, with help and mistakes in Chinese: clap's own headings and
/// flags are replaced by Chinese ones on every subcommand, and a wrong command line is
/// explained in Chinese (exit code 2). `pufa help build` is `pufa build --help`.
pub fn parse() -> Cli {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "help") {
        args.remove(1);
        args.push("--help".into());
    }
    let parsed = localize(Cli::command())
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m));
    match parsed {
        Ok(cli) => cli,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => e.exit(),
        Err(e) => {
            eprintln!("错误：{}\n{}", usage_mistake(&e), usage_hint(&e));
            std::process::exit(2);
        }
    }
}

/// What is wrong with the command line, in Chinese.
fn usage_mistake(e: &clap::Error) -> String {
    let ctx = |k: ContextKind| match e.get(k) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join("、"),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let arg = ctx(ContextKind::InvalidArg);
    match e.kind() {
        ErrorKind::InvalidSubcommand => format!("没有“{}”这个命令", ctx(ContextKind::InvalidSubcommand)),
        ErrorKind::UnknownArgument => format!("不认识选项“{arg}”"),
        ErrorKind::InvalidValue => format!(
            "{arg} 的值“{}”无效，可以是：{}",
            ctx(ContextKind::InvalidValue),
            ctx(ContextKind::ValidValue)
        ),
        ErrorKind::MissingRequiredArgument => format!("缺少 {arg}"),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "缺少命令（build、serve、check、init、new 或 import）".to_string()
        }
        ErrorKind::ArgumentConflict => format!("{arg} 不能和 {} 一起用", ctx(ContextKind::PriorArg)),
        ErrorKind::NoEquals | ErrorKind::InvalidUtf8 | ErrorKind::ValueValidation => {
            format!("{arg} 的值无效")
        }
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("{arg} 的值个数不对")
        }
        _ => format!("命令行有误（{}）", e.kind()),
    }
}

/// The suggestion clap found (a similar command or option), and where to read the usage.
fn usage_hint(e: &clap::Error) -> String {
    let suggested = [ContextKind::SuggestedSubcommand, ContextKind::SuggestedArg]
        .into_iter()
        .find_map(|k| match e.get(k) {
            Some(ContextValue::String(s)) => Some(s.clone()),
            Some(ContextValue::Strings(v)) => v.first().cloned(),
            _ => None,
        });
    let usage = match e.get(ContextKind::Usage) {
        Some(ContextValue::StyledStr(u)) => u.to_string().replace("Usage: ", "用法：").trim().to_string(),
        _ => String::new(),
    };
    let mut hint = String::new();
    if let Some(s) = suggested {
        hint.push_str(&format!("提示：是不是“{s}”？\n"));
    }
    if !usage.is_empty() {
        hint.push_str(&format!("{usage}\n"));
    }
    hint.push_str("用 pufa --help（或 pufa 命令 --help，如 pufa build --help）查看全部用法。");
    hint
}

/// A command with Chinese headings and help and version flags, and its subcommands too.
fn localize(cmd: clap::Command) -> clap::Command {
    let has_version = cmd.get_version().is_some();
    let mut cmd = cmd
        .help_template("{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}")
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("显示这份帮助"),
        );
    if has_version {
        cmd = cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("显示版本号"),
        );
    }
    cmd.mut_args(|a| {
        let heading = if a.is_positional() { "参数" } else { "选项" };
        let defaults: Vec<String> = a
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect();
        let enumerated = a.get_action().takes_values() && !a.get_possible_values().is_empty();
        let a = a.help_heading(heading).hide_possible_values(enumerated);
        if defaults.is_empty() {
            return a;
        }
        let help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
        a.hide_default_value(true)
            .help(format!("{help} [默认：{}]", defaults.join(", ")))
    })
    .mut_subcommands(localize)
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<(), crate::Error> {
    match cli.command {
        Command::Build(a) => build::run(a),
        Command::Serve(a) => serve::run(a),
        Command::Check(a) => check::run(a),
        Command::Init(a) => init::run(a),
        Command::New(a) => new::run(a),
        Command::Import(a) => import::run(a),
    }
}
