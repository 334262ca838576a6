//! `pufa init --demo`: the three-year site of a fictional town, made twice into temp folders,
//! checked and built, with assertions on what it shows.

use crate::common::*;

/// Makes the demo site in `dir/demo` and builds it into `dir/demo/public`.
fn demo(dir: &std::path::Path) -> std::path::PathBuf {
    let o = pufa(dir, &["init", "--demo", "demo"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("示例数据"), "{}", stdout(&o));
    dir.join("demo")
}

#[test]
fn the_demo_is_the_same_every_time_and_passes_every_check() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let (site_a, site_b) = (demo(a.path()), demo(b.path()));
    assert_eq!(snapshot(&site_a), snapshot(&site_b), "deterministic");
    let check = pufa(&site_a, &["check"]);
    assert!(check.status.success(), "{}", stderr(&check));
    assert!(!stderr(&check).contains("警告"), "{}", stderr(&check));
    let again = pufa(a.path(), &["init", "--demo", "demo"]);
    assert!(!again.status.success(), "never writes into a site that exists");
}

#[test]
fn the_demo_shows_three_years_of_metrics_archives_and_timelines_labelled_as_sample_data() {
    let dir = tempfile::tempdir().unwrap();
    let site = demo(dir.path());
    let o = pufa(&site, &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = site.join("public");
    let read = |rel: &str| std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let html: Vec<String> = files(&out).into_iter().filter(|p| p.ends_with(".html")).collect();
    assert!(html.len() > 30, "{html:?}");
    for p in &html {
        assert!(
            read(p).contains("<p class=\"site-notice\">示例数据："),
            "{p} is labelled"
        );
    }
    for y in 2022..=2024 {
        assert!(out.join(format!("years/{y}/index.html")).exists(), "year archive {y}");
    }
    let rate = read("metrics/dispute_resolution_rate/index.html");
    assert_eq!(
        rate.matches("<span class=\"chart-year\">").count(),
        3,
        "a bar a year: {rate}"
    );
    assert!(rate.contains("2022—2024年"));
    let report = read("reports/2024/index.html");
    assert!(
        report.contains(">上年</th>") && report.contains("+1.15个百分点"),
        "同比 on the report"
    );
    assert!(report.contains("−2件（−28.6%）"), "a decrease");
    let metrics = read("metrics/index.html");
    assert!(metrics.find("disputes_screened").unwrap() < metrics.find("administrative_lawsuits").unwrap());
    let project = read("projects/hepan-changlang/index.html");
    for y in 2022..=2024 {
        assert!(project.contains(&format!("<h3>{y}年")), "timeline year {y}");
    }
    assert!(project.contains("获评：岚溪县优秀普法项目"), "its award");
    let home = read("index.html");
    assert!(
        home.contains("<img class=\"brand-logo\" src=\"/img/logo.svg\""),
        "the demo's logo"
    );
    assert!(out.join("img/logo.svg").exists());
}
