//! What the default theme shows residents and inspectors, on fixture sites built into temp
//! folders: breadcrumbs on every page, the site map page, the organisation in the header,
//! column metadata on articles, and a 政府信息公开 list without blanks.

use crate::common::*;

fn built() -> Fixture {
    let f = Fixture::new(&[]);
    let o = f.build(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    f
}

/// Every HTML file of a built site: (site path, text).
fn html_pages(f: &Fixture) -> Vec<(String, String)> {
    files(&f.out())
        .into_iter()
        .filter(|p| p.ends_with(".html"))
        .map(|p| {
            let text = f.read(&p);
            (p, text)
        })
        .collect()
}

/// The breadcrumb `<nav>` of a page, when it has one.
fn breadcrumbs(html: &str) -> Option<&str> {
    let start = html.find("<nav class=\"breadcrumbs")?;
    let end = html[start..].find("</nav>")? + start;
    Some(&html[start..end])
}

#[test]
fn every_page_but_the_home_page_has_breadcrumbs_ending_in_the_current_page() {
    let f = built();
    let pages = html_pages(&f);
    assert!(pages.len() > 20, "{}", pages.len());
    for (path, html) in &pages {
        let crumbs = breadcrumbs(html);
        if path == "index.html" {
            assert!(crumbs.is_none(), "the home page needs no trail");
            continue;
        }
        let crumbs = crumbs.unwrap_or_else(|| panic!("{path} has no breadcrumbs"));
        assert!(crumbs.contains("<a href=\"/\">首页</a>"), "{path}: {crumbs}");
        assert_eq!(crumbs.matches("aria-current=\"page\"").count(), 1, "{path}: {crumbs}");
        let last = &crumbs[crumbs.rfind("<li>").unwrap()..];
        assert!(
            last.contains("aria-current=\"page\""),
            "{path}: the last crumb is the page: {crumbs}"
        );
    }
    let metric = f.read("metrics/dispute_resolution_rate/index.html");
    let crumbs = breadcrumbs(&metric).unwrap();
    assert!(
        crumbs.contains("<a href=\"/metrics/\">数据指标</a>")
            && crumbs.contains("aria-current=\"page\">矛盾纠纷化解率</a>"),
        "{crumbs}"
    );
    let case = f.read("cases/wuye/index.html");
    let crumbs = breadcrumbs(&case).unwrap();
    assert!(
        crumbs.contains("<a href=\"/cases/\">典型案例</a>") && crumbs.contains("aria-current=\"page\">正文</a>"),
        "{crumbs}"
    );
    let not_found = breadcrumbs(&f.read("404.html")).unwrap().to_string();
    assert!(
        not_found.contains("<span aria-current=\"page\">页面未找到</span>"),
        "the 404 page has no address of its own: {not_found}"
    );
}

#[test]
fn the_site_map_page_lists_every_column_by_year_and_the_footer_links_to_it() {
    let f = built();
    let map = f.read("sitemap/index.html");
    let cases = map
        .find("<a href=\"/cases/\">典型案例</a>")
        .expect("the 典型案例 column");
    let y2024 = map[cases..].find("<h3>2024年</h3>").map(|i| i + cases).unwrap();
    let y2023 = map[cases..].find("<h3>2023年</h3>").map(|i| i + cases).unwrap();
    assert!(y2024 < y2023, "newest year first: {map}");
    assert!(
        map[y2023..].contains("张某与某物业公司物业费纠纷调解案"),
        "a 2023 case under 2023"
    );
    assert!(map.contains("<a href=\"/reports/2022/\">"), "every report");
    assert!(map.contains("<a href=\"/about/\">"), "pages outside the columns");
    assert!(map.contains("href=\"/years/2023/\">2023年</a>") && map.contains("href=\"/metrics/\""));
    assert!(!map.contains("draft"), "no drafts");
    assert!(
        f.read("index.html").contains("<a href=\"/sitemap/\">网站地图</a>"),
        "the footer links the page"
    );
    assert!(
        f.read("sitemap.xml")
            .contains("<loc>https://www.example.gov.cn/sitemap/</loc>"),
        "crawlers keep sitemap.xml, which lists the page too"
    );
}

#[test]
fn the_header_names_the_organisation_and_shows_its_logo() {
    let f = Fixture::new(&[]);
    let config = std::fs::read_to_string(f.site().join("config.yaml")).unwrap();
    f.write(
        "config.yaml",
        &config.replace(
            "  name: 示例镇人民政府\n",
            "  name: 示例镇人民政府\n  logo: img/logo.svg\n",
        ),
    );
    f.write("static/img/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    let o = f.build(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let home = f.read("index.html");
    let header = &home[home.find("<header class=\"site-header\">").unwrap()..home.find("</header>").unwrap()];
    assert!(
        header.contains("<img class=\"brand-logo\" src=\"/img/logo.svg\" alt=\"\""),
        "{header}"
    );
    assert!(
        header.contains("<span class=\"brand-org\">示例镇人民政府</span>"),
        "{header}"
    );
    assert!(!home.contains("<div class=\"emblem\"></div>"), "no empty emblem box");
    // Under a sub-path the logo follows the base path.
    let o = f.build(&["--base-url", "https://www.example.gov.cn/sl/"]);
    assert!(o.status.success());
    assert!(f.read("index.html").contains("src=\"/sl/img/logo.svg\""));
}

#[test]
fn the_menu_folds_into_a_details_button_and_script_controls_start_hidden() {
    let f = built();
    let home = f.read("reports/2024/index.html");
    assert!(home.contains("<details class=\"nav-menu\">") && home.contains("菜单</summary>"));
    assert!(home.contains("<div class=\"a11y-tools\" role=\"group\" aria-label=\"阅读辅助\" hidden>"));
    assert!(home.contains("<div class=\"read-aloud\" role=\"group\" aria-label=\"朗读本文\" hidden>"));
    assert!(
        f.read("css/site.css")
            .contains("[hidden] { display: none !important; }")
    );
}

#[test]
fn articles_carry_column_metadata_like_lists() {
    let f = built();
    let case = f.read("cases/wuye/index.html");
    assert!(
        case.contains("<meta name=\"ColumnName\" content=\"典型案例\">"),
        "{case}"
    );
    assert!(case.contains("<meta name=\"ColumnType\" content=\"典型案例\">"));
    let report = f.read("reports/2024/index.html");
    assert!(report.contains("<meta name=\"ColumnName\" content=\"年度报告\">"));
    assert!(report.contains("<meta name=\"ArticleTitle\" content=\"示例镇2024年法治政府建设年度报告\">"));
}

#[test]
fn missing_public_information_is_left_out_of_the_page_and_warned_about() {
    let f = Fixture::new(&[]);
    let p = f.site().join("content/reports/2024.md");
    let text = std::fs::read_to_string(&p).unwrap();
    let text = text
        .replace("written: 2025-02-10\n", "")
        .replace("index_no: \"EX-2025-0001\"\n", "");
    std::fs::write(&p, text).unwrap();
    let o = f.build(&[]);
    assert!(o.status.success(), "a warning, not an error: {}", stderr(&o));
    let warn = stderr(&o);
    assert!(
        warn.contains("警告")
            && warn.contains("content/reports/2024.md:4:1")
            && warn.contains("索引号（index_no）、成文日期（written）")
            && !warn.contains("主题分类（subject）"),
        "names the report's line and what is missing: {warn}"
    );
    let html = f.read("reports/2024/index.html");
    assert!(!html.contains("未填写"), "no blanks on a published page");
    assert!(!html.contains("<dt>索引号</dt>") && html.contains("<dt>主题分类</dt><dd>综合政务</dd>"));
    let check = pufa(f.dir.path(), &["check", "--root", "site", "--strict"]);
    let report = format!("{}{}", stdout(&check), stderr(&check));
    assert!(
        !check.status.success() && report.contains("索引号（index_no）"),
        "pufa check --strict fails on it: {report}"
    );
}

#[test]
fn a_report_puts_its_text_before_its_data_table() {
    let f = built();
    let html = f.read("reports/2024/index.html");
    let text = html.find("<div class=\"content\">").unwrap();
    let data = html.find("<h2 id=\"metrics-title\">主要数据</h2>").unwrap();
    assert!(text < data, "the report text comes first");
    let toc = &html[html.find("<nav class=\"toc\"").unwrap()..];
    assert!(toc.contains("<ol class=\"toc-sub\">"), "sub-entries are nested");
}
