//! `pufa check`: the government-site inspection (see [`crate::check`]). Prints the findings
//! grouped by inspection item and file, or JSON; writes an HTML report when asked. Exits 1 on
//! any error, and on any warning with `--strict`. Nothing else is written (the external-link
//! cache lives in `.pufa-cache/`).

use std::io::Write as _;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{SiteArgs, color};
use crate::check::{self, Options, report};
use crate::content::date::Date;
use crate::diagnostics::{Diagnostic, Error};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// 也逐个打开所有外部链接（联网；结果在 ROOT/.pufa-cache/ 缓存 24 小时）
    #[arg(long)]
    pub external: bool,
    /// 有警告也算不通过（退出码 1）
    #[arg(long)]
    pub strict: bool,
    /// 按哪一天计算栏目更新周期 [默认：今天]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
    /// 结果的格式：text（文字）或 json
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// 另外把可打印的检查报告（单个 HTML 文件）写到 FILE
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

pub fn run(args: CheckArgs) -> Result<(), Error> {
    let today = match &args.today {
        Some(t) => Date::parse(t).map_err(|e| {
            Error::one(
                Diagnostic::new("cli/value", format!("--today 的日期“{t}”无效：{e}"))
                    .with_hint("请写成 YYYY-MM-DD，如 --today 2025-03-31。"),
            )
        })?,
        None => Date::today(),
    };
    let opts = Options {
        today,
        external: args.external,
    };
    let report = check::run(&args.site.spec(), &opts)?;
    if let Some(path) = &args.report {
        std::fs::write(path, report::html(&report)).map_err(|e| Error::io(path, &e, "写入检查报告"))?;
    }
    match args.format {
        Format::Json => {
            let text = serde_json::to_string_pretty(&report::json(&report)).unwrap_or_default();
            println!("{text}");
        }
        Format::Text => print!("{}", report::text(&report, color())),
    }
    let _ = std::io::stdout().flush();
    if report.errors() > 0 || (args.strict && report.warnings() > 0) {
        std::process::exit(1);
    }
    Ok(())
}
