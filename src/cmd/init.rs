//! `pufa init DIR`: a new site skeleton that builds at once, using the built-in default theme;
//! `pufa init --demo DIR`: a three-year example site of a fictional town (see [`demo`]).

mod demo;

use std::path::{Path, PathBuf};

use clap::Args;

use crate::diagnostics::{Diagnostic, Error};

#[derive(Debug, Clone, Args)]
pub struct InitArgs {
    /// 要新建的站点文件夹（不能已存在，或必须是空的）
    pub dir: PathBuf,
    /// 网站标题
    #[arg(long, default_value = "示例镇法治政府建设")]
    pub title: String,
    /// 生成一个虚构乡镇三年内容的演示站点（示例数据），而不是空站点
    #[arg(long, conflicts_with = "title")]
    pub demo: bool,
}

/// The files of a new site: (path, contents).
pub fn skeleton(title: &str, year: i32) -> Vec<(&'static str, String)> {
    let prev = year - 1;
    vec![
        (
            ".gitignore",
            "# pufa 生成的网站和构建缓存，不需要纳入版本管理\npublic/\n.pufa-cache/\n".to_string(),
        ),
        (
            "config.yaml",
            format!(
                r#"# pufa 站点配置。字段说明见 README；写错的字段名会报错。
title: "{title}"
description: "法治政府建设年度报告、普法项目和典型案例"
# 发布地址，可以带子路径，如 https://www.zs.gov.cn/hlz/
base_url: "https://www.example.gov.cn/"
language: zh-CN
theme: default
output_dir: public

taxonomies:
  - {{ name: topics, title: 主题 }}
  - {{ name: departments, title: 部门 }}

# 政府网站必填的主办单位信息（以下为示例值，发布前请替换为真实信息）
government_site: true
organisation:
  name: "示例镇人民政府"
  # 页头显示的徽标或标志图片（放在 static/ 下），如 logo: img/logo.svg
  address: "示例省示例市示例镇示例路1号"
  phone: "0000-00000000"
  email: "example@example.gov.cn"
  site_code: "0000000000"
  icp: "示ICP备00000000号"
  police_record: "示公网安备00000000000000号"
  error_report_url: "https://zfwzzc.www.gov.cn/"
"#
            ),
        ),
        (
            "content/_index.md",
            format!("---\ntitle: \"{title}\"\ndescription: \"本站公开法治政府建设年度报告、普法项目和典型案例。\"\n---\n\n本站公开本镇法治政府建设年度报告、普法项目和典型案例。\n"),
        ),
        ("content/reports/_index.md", "---\ntitle: 年度报告\ndescription: 法治政府建设年度报告\nsort_by: year\ncolumn_type: 信息公开\nweight: 1\n---\n".to_string()),
        ("content/projects/_index.md", "---\ntitle: 普法项目\ndescription: 法治宣传教育和普法依法治理项目\nweight: 2\n---\n".to_string()),
        ("content/cases/_index.md", "---\ntitle: 典型案例\ndescription: 矛盾纠纷化解和行政执法典型案例\npaginate_by: 20\nweight: 3\n---\n".to_string()),
        (
            "content/reports/example.md",
            format!(
                r#"---
title: "示例镇{prev}年法治政府建设年度报告（示例）"
year: {prev}
publisher: 示例镇人民政府
date: {year}-01-20
written: {year}-01-15
index_no: "000000000/{year}-00001"
subject: 综合政务
draft: true
taxonomies:
  topics: [法治政府建设]
  departments: [镇人民政府]
metrics:
  - {{ key: disputes_screened, label: 矛盾纠纷排查, value: 100, unit: 宗 }}
---

这是一份示例报告（`draft: true`，发布时不会生成；用 `pufa serve --drafts` 预览）。用 `pufa new report {year}` 新建真实的报告。

## 一、主要举措和成效

## 二、存在的不足和原因

## 三、党政主要负责人履行推进法治建设第一责任人职责情况

## 四、下一年度工作计划
"#
            ),
        ),
        ("content/about.md", "---\ntitle: 关于本站\n---\n\n本站由示例镇人民政府主办。\n".to_string()),
        ("static/.keep", String::new()),
        ("templates/.keep", String::new()),
    ]
}

pub fn run(args: InitArgs) -> Result<(), Error> {
    if args.demo {
        create_demo(&args.dir)?;
        println!(
            "✔ 已新建示例站点 {}（岚溪镇是虚构的，数字均为示例数据）",
            args.dir.display()
        );
    } else {
        create(&args.dir, &args.title)?;
        println!("✔ 已新建站点 {}", args.dir.display());
    }
    println!("  进入站点文件夹：cd {}", args.dir.display());
    println!("  预览：pufa serve");
    println!("  生成：pufa build");
    if !args.demo {
        // The skeleton's report is a draft: until something is published, the inspection
        // check finds the columns empty, and the newcomer should know that is expected.
        println!(
            "  发布前检查：pufa check（新站点的栏目还没有已发布的页面，会先报“空白栏目”；每个栏目都有已发布的页面后就不再报）"
        );
        println!(
            "  发布前还要把 config.yaml 里的示例值（主办单位、电话、网站标识码、备案号等）改为真实信息，pufa check 会逐项指出"
        );
    }
    println!("  站点使用内置的默认主题；要修改某个模板，把它复制到 templates/ 下同名文件即可。");
    Ok(())
}

/// Writes the skeleton into `dir` (which must be missing or empty).
pub fn create(dir: &Path, title: &str) -> Result<(), Error> {
    let year = crate::content::Date::today().year;
    let files: Vec<(String, String)> = skeleton(title, year)
        .into_iter()
        .map(|(rel, text)| (rel.to_string(), text))
        .collect();
    write_site(dir, &files)
}

/// Writes the demo site into `dir` (which must be missing or empty).
pub fn create_demo(dir: &Path) -> Result<(), Error> {
    write_site(dir, &demo::files())
}

fn write_site(dir: &Path, files: &[(String, String)]) -> Result<(), Error> {
    if dir.exists() && std::fs::read_dir(dir).map(|mut d| d.next().is_some()).unwrap_or(true) {
        return Err(Error::one(
            Diagnostic::new("init/exists", format!("文件夹 {} 已存在且不是空的", dir.display()))
                .with_hint("请换一个新文件夹名，pufa 不会覆盖已有的文件。"),
        ));
    }
    for (rel, text) in files {
        let p = dir.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, &e, "创建文件夹"))?;
        }
        std::fs::write(&p, text).map_err(|e| Error::io(&p, &e, "写入文件"))?;
    }
    Ok(())
}
