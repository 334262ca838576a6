//! What `pufa check` prints: for people in the terminal (grouped by inspection item, then by
//! file, in Chinese), as JSON for scripts (`--format json`, schema version 1, documented in the
//! README) and as one self-contained HTML page an office can print and file (`--report`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{Value, json};

use super::{Finding, Item, Report};
use crate::markdown::escape;

/// Findings grouped by item, then by file (findings without a file under "").
fn grouped(report: &Report) -> BTreeMap<Item, BTreeMap<String, Vec<&Finding>>> {
    let mut g: BTreeMap<Item, BTreeMap<String, Vec<&Finding>>> = BTreeMap::new();
    for f in &report.findings {
        g.entry(f.item)
            .or_default()
            .entry(f.diag.file.clone().unwrap_or_default())
            .or_default()
            .push(f);
    }
    g
}

fn counts(list: &[&Finding]) -> String {
    let e = list.iter().filter(|f| f.is_error()).count();
    let w = list.len() - e;
    match (e, w) {
        (0, w) => format!("{w} 处警告"),
        (e, 0) => format!("{e} 处错误"),
        (e, w) => format!("{e} 处错误、{w} 处警告"),
    }
}

/// The terminal report.
pub fn text(report: &Report, color: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "pufa 检查：{}（按 {} 核对）\n",
        report.site_title,
        report.today.ymd_string()
    );
    for (item, files) in grouped(report) {
        let all: Vec<&Finding> = files.values().flatten().copied().collect();
        let _ = writeln!(out, "【{}】{}", item.label(), counts(&all));
        for (file, list) in files {
            let shown = if file.is_empty() {
                "（整个站点）"
            } else {
                file.as_str()
            };
            let _ = writeln!(out, "\n■ {shown}（{}）\n", counts(&list));
            for f in list {
                let _ = writeln!(out, "{}\n", f.diag.render(color));
            }
        }
    }
    if let Some(x) = &report.external {
        let others: Vec<&str> = x
            .domains
            .iter()
            .filter(|d| !d.government)
            .map(|d| d.domain.as_str())
            .collect();
        if !others.is_empty() {
            let _ = writeln!(
                out,
                "【外部链接】链接到 {} 个非政府网站域名，请逐一确认内容合适（检查时要求审核外链）：{}\n",
                others.len(),
                others.join("、")
            );
        }
        if !x.checked && x.urls > 0 {
            let _ = writeln!(
                out,
                "提示：共有 {} 个外部链接没有检查，加上 --external 可以逐个打开核对。\n",
                x.urls
            );
        }
    }
    out.push_str(&summary_line(report));
    out.push('\n');
    out
}

/// The closing line: what was checked and what was found.
pub fn summary_line(report: &Report) -> String {
    let scope = if report.loaded {
        format!(
            "{} 个页面、{} 个栏目、{} 个输出文件、{} 个链接",
            report.pages, report.sections, report.outputs, report.links
        )
    } else {
        format!(
            "{} 个内容文件（站点有错误无法生成，链接和栏目未检查）",
            report.files_scanned
        )
    };
    if report.findings.is_empty() {
        return format!("✔ 检查通过：{scope}，没有发现问题。");
    }
    format!(
        "检查了 {scope}：共 {} 处错误、{} 处警告。",
        report.errors(),
        report.warnings()
    )
}

/// The JSON report.
pub fn json(report: &Report) -> Value {
    let findings: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            json!({
                "code": f.diag.code,
                "item": f.item.key(),
                "severity": f.diag.severity,
                "file": f.diag.file,
                "line": f.diag.line,
                "col": f.diag.col,
                "message": f.diag.message,
                "hint": f.diag.hint,
                "found": f.found,
                "expected": f.expected,
            })
        })
        .collect();
    let mut by_item = serde_json::Map::new();
    for f in &report.findings {
        let n = by_item.entry(f.item.key()).or_insert(json!(0));
        *n = json!(n.as_u64().unwrap_or(0) + 1);
    }
    json!({
        "version": 1,
        "findings": findings,
        "summary": {
            "site": report.site_title,
            "today": report.today.ymd_string(),
            "errors": report.errors(),
            "warnings": report.warnings(),
            "by_item": by_item,
            "loaded": report.loaded,
            "pages": report.pages,
            "sections": report.sections,
            "outputs": report.outputs,
            "links": report.links,
            "external": report.external,
        }
    })
}

const STYLE: &str = "body{font-family:'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei',sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#111;line-height:1.6}\
h1{font-size:1.6rem}h2{font-size:1.25rem;border-bottom:2px solid #333;margin-top:2rem}h3{font-size:1rem;margin:1rem 0 .3rem}\
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #999;padding:.3rem .5rem;text-align:left;vertical-align:top}\
th{background:#eee}.nw{white-space:nowrap}.error{color:#a00;font-weight:bold}.warning{color:#850}.ok{color:#060;font-weight:bold}code{font-family:monospace}\
@media print{body{margin:0;max-width:none}h2{break-after:avoid}tr{break-inside:avoid}}";

/// The printable HTML report: no scripts, no external resources.
pub fn html(report: &Report) -> String {
    let mut h = String::new();
    let title = format!("{} 网站自查报告", report.site_title);
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>\n<h1>{}</h1>\n<p>检查日期：{}　工具：pufa check　依据：《政府网站与政务新媒体检查指标》</p>\n",
        escape(&title),
        escape(&title),
        report.today.ymd_string()
    );
    let class = if report.findings.is_empty() { "ok" } else { "error" };
    let _ = writeln!(h, "<p class=\"{class}\">{}</p>", escape(&summary_line(report)));
    h.push_str("<h2>汇总</h2>\n<table><thead><tr><th scope=\"col\">检查项</th><th scope=\"col\">错误</th><th scope=\"col\">警告</th></tr></thead><tbody>\n");
    let groups = grouped(report);
    for (item, files) in &groups {
        let all: Vec<&Finding> = files.values().flatten().copied().collect();
        let e = all.iter().filter(|f| f.is_error()).count();
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\">{}</th><td>{e}</td><td>{}</td></tr>",
            escape(item.label()),
            all.len() - e
        );
    }
    h.push_str("</tbody></table>\n");
    for (item, files) in &groups {
        let _ = writeln!(h, "<h2>{}</h2>", escape(item.label()));
        for (file, list) in files {
            let shown = if file.is_empty() {
                "（整个站点）"
            } else {
                file.as_str()
            };
            let _ = writeln!(h, "<h3>{}</h3>", escape(shown));
            h.push_str("<table><thead><tr><th scope=\"col\" class=\"nw\">位置</th><th scope=\"col\" class=\"nw\">级别</th><th scope=\"col\">问题</th><th scope=\"col\">怎么改</th></tr></thead><tbody>\n");
            for f in list {
                let (cls, label) = if f.is_error() {
                    ("error", "错误")
                } else {
                    ("warning", "警告")
                };
                let at = if f.diag.line > 0 {
                    format!("第 {} 行第 {} 列", f.diag.line, f.diag.col)
                } else {
                    String::new()
                };
                let _ = writeln!(
                    h,
                    "<tr><td class=\"nw\">{}</td><td class=\"{cls} nw\">{label}</td><td>{}</td><td>{}</td></tr>",
                    escape(&at),
                    escape(&f.diag.message),
                    escape(f.diag.hint.as_deref().unwrap_or(""))
                );
            }
            h.push_str("</tbody></table>\n");
        }
    }
    if let Some(x) = report.external.as_ref().filter(|x| !x.domains.is_empty()) {
        h.push_str("<h2>外部链接（按域名）</h2>\n<table><thead><tr><th scope=\"col\">域名</th><th scope=\"col\">政府网站</th><th scope=\"col\">链接数</th><th scope=\"col\">打不开</th></tr></thead><tbody>\n");
        for d in &x.domains {
            let gov = if d.government { "是" } else { "否，请审核" };
            let broken = if x.checked {
                d.broken.to_string()
            } else {
                "未检查".to_string()
            };
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{gov}</td><td>{}</td><td>{broken}</td></tr>",
                escape(&d.domain),
                d.links
            );
        }
        h.push_str("</tbody></table>\n");
    }
    h.push_str("<p>检查人：__________　　审核人：__________　　日期：__________</p>\n</body></html>\n");
    h
}
