//! Multi-year content: metric series, SVG charts, 同比, open data, project timelines, terms
//! grouped by year, and the publisher checks (late report, missing parts, personal data)
//! as warnings, errors with --strict and in `pufa check --strict`.

use crate::common::*;

fn built() -> Fixture {
    let f = Fixture::new(&[]);
    let o = f.build(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    f
}

/// The HTML between `start` and the end of the element it opens (no nesting of `tag`).
fn element<'a>(html: &'a str, start: &str, tag: &str) -> &'a str {
    let from = html.find(start).unwrap_or_else(|| panic!("no {start} in {html}"));
    let close = format!("</{tag}>");
    let to = html[from..].find(&close).map(|i| from + i + close.len()).unwrap();
    &html[from..to]
}

#[test]
fn metric_pages_chart_every_year_accessibly() {
    let f = built();
    let page = f.read("metrics/dispute_resolution_rate/index.html");
    let chart = &page[page.find("<div class=\"chart chart-bars\"").unwrap()..page.find("<figcaption>").unwrap()];
    assert!(
        chart.contains(
            "role=\"img\" aria-label=\"矛盾纠纷化解率（%）：示例镇人民政府，2022—2024年。2022年 90%；2023年 92.5%；2024年 93.33%\""
        ),
        "{chart}"
    );
    assert!(
        chart.contains("<span class=\"chart-axis\">年度</span>"),
        "the year axis is named"
    );
    assert!(
        chart.contains(">数值（单位：%）</span>"),
        "the value axis names the unit"
    );
    for (value, year) in [("90", "2022"), ("92.5", "2023"), ("93.33", "2024")] {
        assert!(
            chart.contains(&format!("<span class=\"chart-value\">{value}%</span>")),
            "value {value} printed"
        );
        assert!(
            chart.contains(&format!("<span class=\"chart-year\">{year}年</span>")),
            "year {year} labelled"
        );
    }
    assert_eq!(chart.matches("class=\"chart-bar\"").count(), 3);
    assert!(
        chart.contains("style=\"width:100.0%\""),
        "the largest value fills the track"
    );
    assert!(chart.contains("style=\"width:96.4%\""), "90 of 93.33");
    // The data table beside the chart links each value to its report.
    assert!(page.contains("<caption>示例镇人民政府：矛盾纠纷化解率历年数值</caption>"));
    assert!(
        page.contains(
            "<td class=\"num\" data-label=\"数值\">92.5%</td><td data-label=\"来源报告\"><a href=\"/reports/2023/\">"
        ),
        "{page}"
    );
    let index = f.read("metrics/index.html");
    assert!(
        index.contains("93.33%</a><wbr><span class=\"nowrap\">（2024年）</span>"),
        "latest value"
    );
    assert!(index.contains("+0.83个百分点"), "change of a rate in percentage points");
    assert!(index.contains("href=\"/metrics.csv\"") && index.contains("href=\"/metrics.json\""));
}

#[test]
fn a_metric_of_one_year_is_a_value_card_not_a_bar() {
    let f = Fixture::new(&[]);
    let p = f.site().join("content/reports/2024.md");
    let t = std::fs::read_to_string(&p).unwrap().replace(
        "  - { key: joint_inspections,",
        "  - { key: hearings, label: 组织听证会, value: 15, unit: 次 }\n  - { key: joint_inspections,",
    );
    std::fs::write(&p, t).unwrap();
    assert!(f.build(&[]).status.success());
    let page = f.read("metrics/hearings/index.html");
    let card = element(&page, "<div class=\"chart chart-single\"", "div");
    assert!(
        card.contains("aria-label=\"组织听证会（次）：示例镇人民政府，2024年。2024年 15次\""),
        "one year, not 2024—2024: {card}"
    );
    assert!(
        card.contains("<span class=\"chart-single-value\">15<small>次</small></span>"),
        "{card}"
    );
    assert!(!page.contains("chart-bar"), "no single bar");
}

#[test]
fn metrics_keep_the_order_of_the_report() {
    let f = built();
    // The report lists disputes_screened, disputes_resolved, dispute_resolution_rate,
    // joint_inspections; by key they would start with dispute_resolution_rate.
    let index = f.read("metrics/index.html");
    let at = |s: &str| index.find(s).unwrap_or_else(|| panic!("{s} in {index}"));
    assert!(at("/metrics/disputes_screened/") < at("/metrics/disputes_resolved/"));
    assert!(at("/metrics/disputes_resolved/") < at("/metrics/dispute_resolution_rate/"));
    assert!(at("/metrics/dispute_resolution_rate/") < at("/metrics/joint_inspections/"));
    let csv = f.read("metrics.csv");
    let keys: Vec<&str> = csv.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    let mut firsts = keys.clone();
    firsts.dedup();
    assert_eq!(
        firsts,
        [
            "disputes_screened",
            "disputes_resolved",
            "dispute_resolution_rate",
            "joint_inspections"
        ]
    );
}

#[test]
fn the_metrics_table_leaves_out_columns_that_say_nothing() {
    let f = built();
    let index = f.read("metrics/index.html");
    assert!(
        !index.contains(">发布机构</th>"),
        "one publisher: no column repeating it"
    );
    assert!(index.contains("发布机构为示例镇人民政府"), "named once instead");
    assert!(
        index.contains(">上年</th>") && index.contains(">同比</th>"),
        "earlier years exist"
    );
    assert!(index.contains("table-stack"), "a wide table stacks on phones");
    // With only the first year there is nothing to compare: no 上年 or 同比.
    for year in ["2023", "2024"] {
        let p = f.site().join(format!("content/reports/{year}.md"));
        let kept: Vec<String> = std::fs::read_to_string(&p)
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with("metrics:") && !l.starts_with("  - { key:"))
            .map(|l| format!("{l}\n"))
            .collect();
        std::fs::write(&p, kept.concat()).unwrap();
    }
    let o = f.build(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let index = f.read("metrics/index.html");
    assert!(
        !index.contains(">上年</th>") && !index.contains(">同比</th>"),
        "{index}"
    );
    assert!(!index.contains("—</td>"), "no column of dashes");
    // A second publisher brings the column back.
    f.write(
        "content/reports/county.md",
        "---\ntitle: 示例县2022年法治政府建设年度报告\nyear: 2022\npublisher: 示例县人民政府\nmetrics:\n  - { key: disputes_screened, label: 矛盾纠纷排查, value: 9000, unit: 宗 }\n---\n\n## 一、主要做法及成效\n\n## 二、存在的不足\n\n## 三、党政主要负责人履行推进法治建设第一责任人职责情况\n\n## 四、下一年度工作计划\n",
    );
    assert!(f.build(&[]).status.success());
    let index = f.read("metrics/index.html");
    assert!(
        index.contains(">发布机构</th>") && index.contains("data-label=\"发布机构\">示例县人民政府</td>"),
        "{index}"
    );
}

#[test]
fn report_pages_show_year_on_year_changes_and_other_years() {
    let f = built();
    let html = f.read("reports/2024/index.html");
    assert!(html.contains("1500宗"));
    assert!(
        html.contains("<a href=\"/reports/2023/\">1200宗</a>（2023年）"),
        "the earlier value, linked"
    );
    assert!(html.contains("+300宗（+25.0%）"), "absolute and percent change");
    assert!(html.contains("−5次（−10.0%）"), "a decrease");
    assert!(html.contains("+0.83个百分点"));
    assert!(
        html.contains("<a href=\"/reports/2022/\">2022年</a>")
            && html.contains("<span aria-current=\"page\">2024年</span>"),
        "other years of the publisher"
    );
    // The first year has nothing to compare with.
    let first = f.read("reports/2022/index.html");
    assert!(!first.contains("同比变化"), "no 同比 column without a previous report");
}

#[test]
fn open_data_has_every_value_with_unit_year_publisher_and_source() {
    let f = built();
    let csv = std::fs::read(f.out().join("metrics.csv")).unwrap();
    assert!(csv.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 BOM for Excel");
    let csv = String::from_utf8(csv[3..].to_vec()).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "指标代码,指标,数值,单位,年度,发布机构,报告,报告网址");
    assert_eq!(lines.len(), 1 + 4 * 3, "4 metrics × 3 years");
    assert!(lines.contains(&"joint_inspections,综合查一次,45,次,2024,示例镇人民政府,示例镇2024年法治政府建设年度报告,https://www.example.gov.cn/reports/2024/"));
    assert!(csv.contains("\r\n"), "CRLF rows");
    let json: serde_json::Value = serde_json::from_str(&f.read("metrics.json")).unwrap();
    let metrics = json["metrics"].as_array().unwrap();
    assert_eq!(metrics.len(), 4);
    let rate = metrics.iter().find(|m| m["key"] == "dispute_resolution_rate").unwrap();
    assert_eq!(rate["unit"], "%");
    let v2023 = rate["values"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["year"] == 2023)
        .unwrap();
    assert_eq!(v2023["value"], 92.5);
    assert_eq!(v2023["publisher"], "示例镇人民政府");
    assert_eq!(v2023["url"], "https://www.example.gov.cn/reports/2023/");
    let screened = metrics.iter().find(|m| m["key"] == "disputes_screened").unwrap();
    assert_eq!(
        screened["values"][0]["value"],
        serde_json::json!(1000),
        "integers stay integers"
    );
}

#[test]
fn project_timeline_lists_mentions_and_awards_by_year() {
    let f = built();
    let html = f.read("projects/xuefa/index.html");
    let tl = &html[html.find("项目历程").unwrap()..];
    let y22 = tl.find("<h3>2022年").unwrap();
    let y23 = tl.find("<h3>2023年").unwrap();
    let y24 = tl.find("<h3>2024年").unwrap();
    assert!(y22 < y23 && y23 < y24);
    let in_2023 = &tl[y23..y24];
    assert!(
        in_2023.contains("示例镇2023年法治政府建设年度报告"),
        "the 2023 report names the project"
    );
    assert!(
        in_2023.contains("张某与某物业公司物业费纠纷调解案"),
        "a 2023 case names it"
    );
    assert!(in_2023.contains("获评：优秀普法项目（示例市司法局）"), "its 2023 award");
    assert!(tl[y24..].contains("示例镇2024年法治政府建设年度报告"));
    // Referring pages link back to the project.
    assert!(
        f.read("cases/wuye/index.html")
            .contains("<a href=\"/projects/xuefa/\">示例学法游</a>")
    );
}

#[test]
fn a_reference_to_a_missing_project_is_an_error() {
    let f = Fixture::new(&[]);
    f.write(
        "content/cases/ref.md",
        "---\ntitle: 引用\nyear: 2024\ncase_type: 信访\nprojects: [xuefaa]\n---\n",
    );
    let o = f.build(&[]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("content/cases/ref.md:5:") && e.contains("`xuefaa`") && e.contains("`xuefa`"),
        "{e}"
    );
}

#[test]
fn the_same_metric_with_two_units_is_an_error() {
    let f = Fixture::new(&[]);
    let p = f.site().join("content/reports/2024.md");
    let t = std::fs::read_to_string(&p)
        .unwrap()
        .replace("value: 45, unit: 次", "value: 45, unit: 场次");
    std::fs::write(&p, t).unwrap();
    let o = f.build(&[]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("content/reports/2024.md:") && e.contains("joint_inspections") && e.contains("场次"),
        "{e}"
    );
    // And a value that is not a number names its line.
    let t = std::fs::read_to_string(&p)
        .unwrap()
        .replace("unit: 场次", "unit: 次")
        .replace("value: 45,", "value: 四十五,");
    std::fs::write(&p, t).unwrap();
    let e = stderr(&f.build(&[]));
    assert!(
        e.contains("content/reports/2024.md:17:52") && e.contains("metrics[3].value") && e.contains("数字"),
        "{e}"
    );
}

#[test]
fn terms_group_their_items_by_year() {
    let f = built();
    let html = f.read("topics/矛盾纠纷化解/index.html");
    let a = html.find("<h2 id=\"y-2024\">2024年</h2>").unwrap();
    let b = html.find("<h2 id=\"y-2023\">2023年</h2>").unwrap();
    assert!(a < b, "newest year first");
    assert!(html[a..b].contains("李某某等人劳动报酬纠纷案"));
}

fn check_output(overlay: &str) -> (bool, String, bool, String, bool, String) {
    let f = Fixture::new(&[overlay]);
    let build = f.build(&[]);
    let strict = f.build(&["--strict"]);
    let check = pufa(f.dir.path(), &["check", "--root", "site", "--strict"]);
    (
        build.status.success(),
        stderr(&build),
        strict.status.success(),
        stderr(&strict),
        check.status.success(),
        stdout(&check),
    )
}

#[test]
fn a_good_site_passes_every_check() {
    let f = Fixture::new(&[]);
    f.use_real_details();
    let check = pufa(f.dir.path(), &["check", "--root", "site"]);
    assert!(check.status.success(), "{}", stderr(&check));
    assert!(stdout(&check).contains("检查通过"));
    let build = f.build(&["--strict"]);
    assert!(build.status.success(), "{}", stderr(&build));
    assert!(!stderr(&build).contains("警告"), "{}", stderr(&build));
}

#[test]
fn a_late_report_is_a_warning_then_an_error_with_strict() {
    let (ok, warn, strict_ok, strict, check_ok, check) = check_output("checks/late_report");
    assert!(ok, "a warning does not stop the build: {warn}");
    assert!(
        warn.contains("警告") && warn.contains("content/reports/2024.md:5:1") && warn.contains("2025年3月31日"),
        "{warn}"
    );
    assert!(warn.contains("第二十四条"), "says which rule and what to do: {warn}");
    assert!(
        !strict_ok && strict.contains("错误") && strict.contains("2025-05-06"),
        "{strict}"
    );
    assert!(!check_ok && check.contains("content/reports/2024.md:5:1"), "{check}");
}

#[test]
fn missing_report_parts_are_named() {
    let (ok, warn, strict_ok, _, check_ok, _) = check_output("checks/missing_parts");
    assert!(ok && !strict_ok && !check_ok);
    assert!(
        warn.contains("content/reports/2024.md:") && warn.contains("存在的不足和原因"),
        "{warn}"
    );
    assert!(warn.contains("第一责任人职责"), "{warn}");
    assert!(
        !warn.contains("缺少必备的部分：主要举措和成效"),
        "the parts it has are not reported: {warn}"
    );
    assert!(!warn.contains("缺少必备的部分：下一年度"), "{warn}");
}

#[test]
fn personal_data_stops_every_command_but_pseudonyms_pass() {
    let (ok, err, strict_ok, _, check_ok, check) = check_output("checks/personal_data");
    assert!(
        !ok && !strict_ok && !check_ok,
        "an ID or mobile number is an error: {err}"
    );
    assert!(
        err.contains("错误") && err.contains("content/cases/wuye.md:7:") && err.contains("身份证号 440***********4312"),
        "{err}"
    );
    assert!(err.contains("手机号码 139****5678"), "{err}");
    assert!(check.contains("content/cases/wuye.md:7:"), "{check}");
    assert!(
        !err.contains("李某某") && !err.contains("“张某”"),
        "pseudonyms pass: {err}"
    );
}

#[test]
fn masked_numbers_pass_and_a_real_name_is_a_warning() {
    let f = Fixture::new(&["checks/personal_data"]);
    f.write(
        "content/cases/wuye.md",
        "---\ntitle: 物业费纠纷调解案\nyear: 2023\ncase_type: 人民调解\n---\n\n申请人王建国（身份证号4401**********4312，电话139****5678）与物业公司发生纠纷。\n",
    );
    let build = f.build(&[]);
    let warn = stderr(&build);
    assert!(build.status.success(), "{warn}");
    assert!(
        warn.contains("警告")
            && warn.contains("content/cases/wuye.md:7:")
            && warn.contains("当事人姓名“王建国”")
            && warn.contains("王某"),
        "{warn}"
    );
    assert!(
        !f.build(&["--strict"]).status.success(),
        "a name is an error with --strict"
    );
}

#[test]
fn a_listed_public_number_may_be_published() {
    let f = Fixture::new(&[]);
    f.write(
        "content/about.md",
        "---\ntitle: 关于\n---\n\n村委会值班电话：139-1234-5678。\n\n另一个：13912340000。\n",
    );
    let o = f.build(&[]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("content/about.md:5:") && e.contains("139****5678"), "{e}");
    assert!(e.contains("content/about.md:7:") && e.contains("139****0000"), "{e}");
    let config = std::fs::read_to_string(f.site().join("config.yaml")).unwrap();
    f.write(
        "config.yaml",
        &format!("{config}check:\n  public_numbers: [\"139 1234 0000\", \"13912345678\"]\n"),
    );
    let o = f.build(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
}
