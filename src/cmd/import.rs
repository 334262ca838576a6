//! `pufa import FILE`: turn a report as it arrives (plain text in UTF-8, UTF-16 or GBK,
//! Word .docx, or Markdown) into a content page; see `crate::import`.

use std::path::PathBuf;

use clap::Args;

use super::{ItemKind, SiteArgs};
use crate::config::{DEFAULT_SECTIONS, Kind};
use crate::diagnostics::{Diagnostic, Error};
use crate::import::decode::Input;
use crate::import::{Options, check_page, convert, decode, report};

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// 要导入的文件：.txt（UTF-8、UTF-16 或 GBK）、.docx、.pdf（有文字的 PDF）或 .md
    pub file: PathBuf,
    /// 这是什么：report（年度报告）、project（普法项目）、case（典型案例）[默认：report]
    #[arg(long, hide_possible_values = true)]
    pub kind: Option<ItemKind>,
    /// 报告所属年度（正文里没有写明时）
    #[arg(long)]
    pub year: Option<i32>,
    /// 发布机构（正文里没有写明时）
    #[arg(long)]
    pub publisher: Option<String>,
    /// 写到哪个文件夹 [默认：ROOT/content/对应栏目]
    #[arg(long)]
    pub into: Option<PathBuf>,
    /// 只显示会写什么，不写文件
    #[arg(long)]
    pub dry_run: bool,
    /// 覆盖已存在的文件
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub site: SiteArgs,
}

const EXISTS_HINT: &str = "确认要替换时加上 --force，或用 --into 指定别的文件夹。";

pub fn run(args: ImportArgs) -> Result<(), Error> {
    let bytes = std::fs::read(&args.file).map_err(|e| Error::io(&args.file, &e, "读取文件"))?;
    let input = decode::decode(&args.file, &bytes)?;
    let spec = args.site.spec();
    // Outside a site (with --into) there is no config: the page is written unchecked.
    let config = crate::pipeline::load_config(&spec).ok();
    let kind = args.kind.map(Kind::from).unwrap_or(Kind::Report);
    let section = config
        .as_ref()
        .and_then(|c| c.section_for(kind))
        .or_else(|| DEFAULT_SECTIONS.iter().find(|(_, k)| *k == kind).map(|(s, _)| *s))
        .unwrap_or("reports")
        .to_string();
    let into: PathBuf = args
        .into
        .clone()
        .unwrap_or_else(|| spec.root.join("content").join(&section));

    if let Input::Markdown(text) = input {
        // Markdown passes through, its front matter checked.
        let name = args
            .file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "page.md".into());
        let target = into.join(&name);
        if let Some(c) = &config {
            // Errors name the file being imported: that is the one to fix.
            check_page(
                c,
                &format!("{section}/{name}"),
                &args.file.display().to_string(),
                &section,
                &text,
            )?;
        }
        if args.dry_run {
            super::refuse_existing(&target, args.force, EXISTS_HINT)?;
        } else {
            super::write_new_file(&target, &text, args.force, EXISTS_HINT)?;
        }
        let done = if args.dry_run {
            "将写入（试运行）"
        } else {
            "已写入"
        };
        println!("{done} {}", target.display());
        return Ok(());
    }

    let opts = Options {
        kind: Some(kind),
        year: args.year,
        publisher: args.publisher.clone(),
    };
    let im = convert(input, &opts)?;
    let stem = match (kind, im.year) {
        (Kind::Report, Some(y)) => y.to_string(),
        // A project or case is named by its title, as `pufa new` names it.
        _ if !im.title.trim().is_empty() => {
            crate::content::page::sanitize_slug(&im.title.chars().take(40).collect::<String>())
        }
        _ => crate::content::page::sanitize_slug(
            &args
                .file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "imported".into()),
        ),
    };
    let target = into.join(format!("{stem}.md"));
    if let Some(e) = missing_facts(kind, &im, &args) {
        return Err(e);
    }
    if let Some(c) = &config {
        let rel = format!("{section}/{stem}.md");
        check_page(c, &rel, &format!("content/{rel}"), &section, &im.page).map_err(|e| {
            let mut d = Diagnostic::new(
                "import/invalid",
                "导入生成的页面没有通过检查（这是 pufa 的问题，请报告）",
            )
            .with_hint(e.to_string());
            d.file = Some(args.file.display().to_string());
            Error::one(d)
        })?;
    }
    if args.dry_run {
        super::refuse_existing(&target, args.force, EXISTS_HINT)?;
    } else {
        super::write_new_file(&target, &im.page, args.force, EXISTS_HINT)?;
    }
    print!("{}", report(&im, &target, !args.dry_run));
    Ok(())
}

/// A report needs its year and publisher; when the text names neither, the editor is asked
/// for the option that gives it (the page would not pass the build's checks without it).
fn missing_facts(kind: Kind, im: &crate::import::Imported, args: &ImportArgs) -> Option<Error> {
    if kind != Kind::Report {
        return None;
    }
    let file = args.file.display().to_string();
    let (what, example) = match (im.year, &im.publisher) {
        (None, None) => ("所属年度和发布机构", "--year 2024 --publisher 示例镇人民政府"),
        (None, Some(_)) => ("所属年度", "--year 2024"),
        (Some(_), None) => ("发布机构", "--publisher 示例镇人民政府"),
        (Some(_), Some(_)) => return None,
    };
    Some(Error::one(
        Diagnostic::new("import/missing", format!("报告里没有找到{what}"))
            .in_file(file.clone())
            .with_hint(format!(
                "标题或第一段里写明年度（如“2024年”）和发布机构的报告会自动识别；否则请在命令里指定，例如：pufa import {file} {example}"
            )),
    ))
}
