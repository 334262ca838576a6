//! `pufa build`: renders the site into the output folder and prints one summary line.

use std::path::PathBuf;

use clap::Args;

use super::{SiteArgs, color, print_warnings};
use crate::build::{BuildOptions, build_keeping_model};
use crate::output::Changes;

#[derive(Debug, Clone, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// 输出文件夹 [默认：config.yaml 的 output_dir，未设置时为 ROOT/public]
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// 把检查提醒（报告发布晚、报告缺少部分、当事人真实姓名）当作错误
    #[arg(long)]
    pub strict: bool,
    /// 列出与上次生成相比新增、修改、删除的文件（上传清单）
    #[arg(long)]
    pub changes: bool,
    /// 全部重新生成，不读也不更新生成缓存（.pufa-cache/）
    #[arg(long)]
    pub no_cache: bool,
}

pub fn run(args: BuildArgs) -> Result<(), crate::Error> {
    let opts = BuildOptions {
        spec: args.site.spec(),
        output: args.output,
        strict: args.strict,
        progress: true,
        cache: !args.no_cache,
    };
    let (report, model) = build_keeping_model(&opts)?;
    // The process ends after printing: the operating system frees the model faster.
    std::mem::forget(model);
    print_warnings(&report.warnings, 20);
    if args.changes {
        print_changes(&report.changes);
    }
    let out = normalize(&report.output_dir).display().to_string();
    let c = &report.changes;
    let line = format!(
        "✔ 已生成 {} 个页面、{} 个栏目，共 {} 个文件（含搜索索引 {} 个）：新增 {}、更新 {}、删除 {}、未变 {}，用时 {:.2} 秒 → {}",
        report.pages,
        report.sections,
        report.files,
        report.search_files,
        c.added.len(),
        c.changed.len(),
        c.removed.len(),
        c.unchanged,
        report.elapsed.as_secs_f64(),
        out
    );
    let warn = if report.warnings.is_empty() {
        String::new()
    } else {
        format!("（{} 条警告）", report.warnings.len())
    };
    if color() || console::Term::stdout().is_term() {
        println!(
            "{}{}",
            console::style(line).green().bold(),
            console::style(warn).yellow()
        );
    } else {
        println!("{line}{warn}");
    }
    Ok(())
}

/// The upload list: one line per file, `+` added, `~` changed, `-` removed (to delete on the
/// server), paths relative to the output folder.
fn print_changes(c: &Changes) {
    if c.added.is_empty() && c.changed.is_empty() && c.removed.is_empty() {
        println!("（与上次生成相比没有变化，没有需要上传的文件）");
    }
    for (mark, list) in [("+", &c.added), ("~", &c.changed), ("-", &c.removed)] {
        for p in list {
            println!("{mark} {p}");
        }
    }
}

/// `site/../public` → `public` (for display; the path is not resolved on disk).
fn normalize(p: &std::path::Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir
                if out
                    .components()
                    .next_back()
                    .is_some_and(|l| matches!(l, std::path::Component::Normal(_))) =>
            {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}
