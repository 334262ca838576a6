//! `pufa new report|project|case NAME`: a content file with a filled-in front-matter template.

use std::path::PathBuf;

use clap::Args;

use super::{ItemKind, SiteArgs};
use crate::config::Kind;
use crate::content::Date;
use crate::diagnostics::{Diagnostic, Error};
use crate::pipeline::load_config;

#[derive(Debug, Clone, Args)]
pub struct NewArgs {
    /// 要新建什么：report（年度报告）、project（普法项目）、case（典型案例）
    #[arg(hide_possible_values = true)]
    pub kind: ItemKind,
    /// 文件名，不带 .md（也是网址里的名字，可以用中文），如 2025 或 金尊府保交房
    pub name: String,
    #[command(flatten)]
    pub site: SiteArgs,
}

/// The front matter and skeleton body of a new item.
pub fn template(kind: ItemKind, name: &str, publisher: &str, today: Date) -> String {
    let this_year = today.year;
    match kind {
        ItemKind::Report => {
            let year: i32 = name
                .parse()
                .ok()
                .filter(|y| (1949..=2200).contains(y))
                .unwrap_or(this_year - 1);
            format!(
                r#"---
title: "{publisher}{year}年法治政府建设年度报告"
description: ""
draft: true  # 写好后删掉这一行（或在编辑器里取消勾选“草稿”），才会发布
year: {year}
publisher: "{publisher}"
date: {today}
written: {today}
index_no: ""
subject: "综合政务"
genre: "工作报告"
doc_no: ""
taxonomies:
  topics: [法治政府建设]
  departments: []
metrics: []
awards: []
projects: []
---

{year}年，……具体情况报告如下：

## 一、主要举措和成效

## 二、存在的不足和原因

## 三、党政主要负责人履行推进法治建设第一责任人职责情况

## 四、{next}年工作计划
"#,
                today = today.ymd_string(),
                next = year + 1
            )
        }
        ItemKind::Project => format!(
            r#"---
title: "{name}"
description: ""
draft: true  # 写好后删掉这一行（或在编辑器里取消勾选“草稿”），才会发布
date: {today}
years: [{this_year}]
lead_units: []
location: ""
audience: []
laws: []
awards: []
taxonomies:
  topics: [普法宣传]
  departments: []
---

## 一、项目背景

## 二、主要做法

## 三、工作成效
"#,
            today = today.ymd_string()
        ),
        ItemKind::Case => format!(
            r#"---
title: "{name}"
description: ""
draft: true  # 写好后删掉这一行（或在编辑器里取消勾选“草稿”），才会发布
date: {today}
year: {this_year}
case_type: "人民调解"
location: ""
summary: ""
legal_basis: []
outcome: ""
projects: []
taxonomies:
  topics: [矛盾纠纷化解]
  departments: []
---

<!-- 当事人一律用“张某”“李某某”等化名，不要写身份证号、手机号。 -->

## 一、基本案情

## 二、调处过程

## 三、处理结果

## 四、典型意义
"#,
            today = today.ymd_string()
        ),
    }
}

pub fn run(args: NewArgs) -> Result<(), Error> {
    let config = load_config(&args.site.spec())?;
    let want = Kind::from(args.kind);
    let section = config.section_for(want).ok_or_else(|| {
        Error::one(Diagnostic::new(
            "new/section",
            format!("config.yaml 的 sections 里没有存放{}的栏目", want.label()),
        ))
    })?;
    let name = crate::content::page::sanitize_slug(args.name.trim_end_matches(".md"));
    if name.is_empty() {
        return Err(Error::one(Diagnostic::new("new/name", "文件名不能为空")));
    }
    let path: PathBuf = config.content_dir().join(section).join(format!("{name}.md"));
    let text = template(args.kind, &name, &config.organisation.name, Date::today());
    super::write_new_file(&path, &text, false, "请换一个文件名。")?;
    print!(
        "{}",
        next_steps(
            &args,
            &path,
            &format!("{section}/{name}.md"),
            &format!("{}{section}/{name}/", config.base_path.trim_start_matches('/'))
        )
    );
    Ok(())
}

/// What `pufa new` says after writing: where the file is, and how to fill it in and preview it.
fn next_steps(args: &NewArgs, path: &std::path::Path, rel: &str, url_path: &str) -> String {
    let root = match &args.site.root {
        Some(r) => format!(" --root {}", r.display()),
        None => String::new(),
    };
    format!(
        "✔ 已新建 {}（草稿，还不会发布）\n\n下一步：\n  1. 运行 pufa serve{root} --drafts 启动预览（保持窗口开着）。\n  2. 在浏览器里打开编辑器填写内容，不用手写 YAML：\n       http://127.0.0.1:1111/__pufa/edit/#/edit/{rel}\n     也可以用记事本等文本编辑器直接修改这个文件。\n  3. 保存后在这里看效果：http://127.0.0.1:1111/{url_path}\n  4. 写好后取消勾选“草稿”（或删掉 draft: true 这一行），pufa build 才会发布它。\n",
        path.display()
    )
}
