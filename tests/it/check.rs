//! `pufa check`, the government-site inspection: one negative fixture per class of finding
//! (broken links from content and templates, serious wording and typos, empty and overdue
//! 栏目, personal data, accessibility), each asserting its code, file and line through the
//! JSON output; the terminal, JSON and HTML reports; exit codes; and the external-link check
//! against a loopback server (200, 404, 500, a redirect loop, a slow answer, a closed port).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::*;

/// Runs `pufa check --root site --format json ARGS`: (exit code, the parsed report).
fn check_json(f: &Fixture, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["check", "--root", "site", "--format", "json"];
    if !args.contains(&"--today") {
        all.extend(["--today", "2025-06-01"]);
    }
    all.extend_from_slice(args);
    let o = pufa(f.dir.path(), &all);
    let json = serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(&o), stderr(&o)));
    (o.status.code().unwrap_or(-1), json)
}

fn findings<'a>(report: &'a Value, code: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == code)
        .collect()
}

/// The one finding with `code`, asserting its file, line and severity.
fn the<'a>(report: &'a Value, code: &str, file: &str, line: u64, severity: &str) -> &'a Value {
    let found = findings(report, code);
    assert_eq!(found.len(), 1, "one {code} expected in {report:#}");
    let f = found[0];
    assert_eq!(f["file"], file, "{f:#}");
    assert_eq!(f["line"], line, "{f:#}");
    assert_eq!(f["severity"], severity, "{f:#}");
    f
}

/// The codes found, leaving out `site/placeholder`: the fixtures' organisation details are
/// example values, which that finding names (see `example_values_in_config_are_named_at_their_lines`).
fn codes(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .filter(|c| c != "site/placeholder")
        .collect()
}

#[test]
fn example_values_in_config_are_named_at_their_lines() {
    let f = Fixture::new(&[]);
    let (code, r) = check_json(&f, &[]);
    assert_eq!(code, 0, "example values are warnings: {r:#}");
    let lines: Vec<u64> = findings(&r, "site/placeholder")
        .iter()
        .map(|f| {
            assert_eq!(f["file"], "config.yaml");
            assert_eq!(f["severity"], "warning");
            f["line"].as_u64().unwrap()
        })
        .collect();
    // title, base_url and every organisation field but the error-report link.
    assert_eq!(lines, [1, 3, 10, 11, 12, 13, 14, 15, 16], "{r:#}");
    f.use_real_details();
    let (_, r) = check_json(&f, &[]);
    assert!(findings(&r, "site/placeholder").is_empty(), "{r:#}");
}

#[test]
fn the_basic_fixture_has_no_findings() {
    let f = Fixture::new(&[]);
    let (code, r) = check_json(&f, &[]);
    assert_eq!(code, 0);
    assert_eq!(r["version"], 1);
    assert_eq!(codes(&r), Vec::<String>::new(), "{r:#}");
    assert!(
        r["summary"]["links"].as_u64().unwrap() > 100,
        "links were checked: {r:#}"
    );
    assert!(
        !f.dir.path().join("site/.pufa-cache").exists(),
        "no --external, no cache"
    );
    assert!(!f.out().exists(), "pufa check writes no output");
}

#[test]
fn broken_content_links_name_file_line_and_col() {
    let f = Fixture::new(&[]);
    f.write(
        "content/cases/bundle-case/index.md",
        "---\ntitle: 带图片的案例\nyear: 2022\ndate: 2022-09-09\ncase_type: 行政执法\n---\n\n![执法现场](photo.svg)\n\n附件：[调解协议](agreement-2022.txt)\n\n<img src=\"/img/none.png\" alt=\"横栏镇综治中心\">\n\n<a href=\"#nowhere\">跳到结尾</a>\n",
    );
    let (code, r) = check_json(&f, &[]);
    assert_eq!(code, 1);
    let broken = findings(&r, "link/broken");
    assert_eq!(broken.len(), 2, "{r:#}");
    let at = |line: u64| {
        broken
            .iter()
            .find(|b| b["line"] == line)
            .unwrap_or_else(|| panic!("line {line}: {r:#}"))
    };
    assert_eq!(at(10)["file"], "content/cases/bundle-case/index.md");
    assert_eq!(at(10)["col"], 11, "points at the link destination");
    assert_eq!(at(10)["found"], "agreement-2022.txt");
    assert_eq!(at(12)["found"], "/img/none.png");
    let anchor = the(&r, "link/anchor", "content/cases/bundle-case/index.md", 14, "error");
    assert!(anchor["message"].as_str().unwrap().contains("#nowhere"), "{anchor:#}");
}

#[test]
fn raw_html_site_paths_get_the_base_path_and_pass() {
    let f = Fixture::new(&[]);
    f.write(
        "content/about.md",
        "---\ntitle: 关于\n---\n\n<p><a href=\"/metrics/\">数据指标</a>，<a href=\"@/projects/xuefa.md\">学法游</a></p>\n",
    );
    let (code, r) = check_json(&f, &["--base-url", "https://www.zs.gov.cn/hlz/"]);
    assert_eq!(codes(&r), Vec::<String>::new(), "{r:#}");
    assert_eq!(code, 0);
    assert!(f.build(&["--base-url", "https://www.zs.gov.cn/hlz/"]).status.success());
    let html = f.read("about/index.html");
    assert!(
        html.contains("<a href=\"/hlz/metrics/\">") && html.contains("<a href=\"/hlz/projects/xuefa/\">"),
        "{html}"
    );
}

#[test]
fn a_broken_template_link_names_the_template() {
    let f = Fixture::new(&[]);
    let theme404 = std::fs::read_to_string(manifest_dir().join("themes/default/templates/404.html")).unwrap();
    f.write(
        "templates/404.html",
        &theme404.replace(
            "<h2>按栏目浏览</h2>",
            "<h2>按栏目浏览</h2>\n<p><a href=\"{{ get_url(path='guide/old.pdf') }}\">办事指南</a></p>",
        ),
    );
    let (code, r) = check_json(&f, &[]);
    assert_eq!(code, 1);
    let b = the(&r, "link/broken", "templates/404.html", 8, "error");
    assert_eq!(b["found"], "/guide/old.pdf");
    // Outside the base path on a sub-path host.
    let (_, r) = check_json(&f, &["--base-url", "https://www.zs.gov.cn/hlz/"]);
    assert_eq!(findings(&r, "link/broken").len(), 1, "{r:#}");
}

#[test]
fn serious_wording_errors_and_typos() {
    let f = Fixture::new(&[]);
    f.write(
        "content/about.md",
        "---\ntitle: 关于\n---\n\n本镇深入学习贯彻习近平新时代中国特色社会主义思想。\n\n贯彻党的二十届三中金会精神，宣传《中华人民共合国宪法》。\n\n向人民攻府反映，我们再接再励，按装路灯。\n",
    );
    let (code, r) = check_json(&f, &[]);
    assert_eq!(code, 1);
    let near = findings(&r, "wording/serious");
    assert_eq!(near.len(), 2, "{r:#}");
    assert_eq!(near[0]["file"], "content/about.md");
    assert_eq!(near[0]["line"], 7);
    assert_eq!(near[0]["col"], 3);
    assert_eq!(near[0]["found"], "党的二十届三中金会");
    assert_eq!(near[0]["expected"], "党的二十届三中全会");
    assert_eq!(near[0]["item"], "serious-wording");
    assert_eq!(near[1]["expected"], "中华人民共和国");
    let wrong = the(&r, "wording/known-wrong", "content/about.md", 9, "error");
    assert_eq!(wrong["found"], "攻府");
    assert_eq!(wrong["expected"], "政府");
    let typos = findings(&r, "wording/typo");
    assert_eq!(typos.len(), 2, "{r:#}");
    assert!(typos.iter().all(|t| t["severity"] == "warning" && t["line"] == 9));
    // Deliberate uses are allowed in config.yaml; a site's own terms file adds terms.
    let config = std::fs::read_to_string(f.site().join("config.yaml")).unwrap();
    f.write(
        "config.yaml",
        &format!("{config}check:\n  allow: [党的二十届三中金会, 中华人民共合国宪法, 人民攻府, 再接再励, 按装路灯]\n"),
    );
    f.write("terms.txt", "# 本镇的规范名称\n示例镇综治中心\n");
    f.write(
        "content/cases/more.md",
        "---\ntitle: 综治\nyear: 2024\ncase_type: 信访\n---\n\n示例镇综冶中心受理。\n",
    );
    let (_, r) = check_json(&f, &[]);
    assert_eq!(codes(&r), vec!["wording/serious"], "{r:#}");
    the(&r, "wording/serious", "content/cases/more.md", 7, "error");
}

#[test]
fn a_wrong_organisation_name_is_serious() {
    let f = Fixture::new(&[]);
    f.write("content/about.md", "---\ntitle: 关于\n---\n\n主办：示例镇人民正府。\n");
    let (_, r) = check_json(&f, &[]);
    let w = the(&r, "wording/serious", "content/about.md", 5, "error");
    assert_eq!(w["expected"], "示例镇人民政府");
}

#[test]
fn empty_and_overdue_sections() {
    let f = Fixture::new(&[]);
    f.write("content/notices/_index.md", "---\ntitle: 通知公告\n---\n");
    f.write(
        "content/notices/old.md",
        "---\ntitle: 旧通知\ndraft: true\n---\n\n草稿不算发布。\n",
    );
    f.write(
        "content/projects/_index.md",
        "---\ntitle: 普法项目\nupdate_every: 3m\n---\n",
    );
    f.write(
        "content/projects/new.md",
        "---\ntitle: 新项目\nyears: [2025]\ndate: 2025-01-10\n---\n\n新的普法项目。\n",
    );
    let (code, r) = check_json(&f, &[]);
    assert_eq!(code, 1);
    let empty = the(&r, "section/empty", "content/notices/_index.md", 1, "error");
    assert!(empty["message"].as_str().unwrap().contains("通知公告"));
    let stale = the(&r, "section/stale", "content/projects/_index.md", 3, "warning");
    let msg = stale["message"].as_str().unwrap();
    assert!(
        msg.contains("3个月") && msg.contains("2025-01-10") && msg.contains("2025-06-01"),
        "{stale:#}"
    );
    // Measured against --today: three months after the newest page it is not overdue yet.
    let (_, r) = check_json(&f, &["--today", "2025-04-10"]);
    assert!(findings(&r, "section/stale").is_empty(), "{r:#}");
    // A bad period is an error at its line.
    f.write(
        "content/projects/_index.md",
        "---\ntitle: 普法项目\nupdate_every: 每季度\n---\n",
    );
    let o = f.build(&[]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("content/projects/_index.md:3:") && stderr(&o).contains("14d"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn personal_data_and_accessibility_are_reported_by_item() {
    let f = Fixture::new(&[]);
    f.write(
        "content/about.md",
        "---\ntitle: 关于\n---\n\n![](banner.png)\n\n联系人手机：13912345678。\n",
    );
    let (code, r) = check_json(&f, &[]);
    assert_eq!(code, 1);
    let p = the(&r, "privacy/mobile", "content/about.md", 7, "error");
    assert_eq!(p["item"], "personal-data");
    f.write(
        "content/about.md",
        "---\ntitle: 关于\n---\n\n![](/banner.png)\n\n| | |\n|---|---|\n| 1 | 2 |\n",
    );
    f.write("static/banner.png", "png");
    let (code, r) = check_json(&f, &[]);
    assert_eq!(code, 0, "accessibility findings are warnings: {r:#}");
    let a = the(&r, "a11y/img-alt", "content/about.md", 5, "warning");
    assert_eq!(a["item"], "accessibility");
    the(&r, "a11y/table-header", "content/about.md", 7, "warning");
    let (code, _) = check_json(&f, &["--strict"]);
    assert_eq!(code, 1, "--strict fails on warnings");
}

#[test]
fn terminal_and_html_reports_group_by_item() {
    let f = Fixture::new(&[]);
    f.write(
        "content/about.md",
        "---\ntitle: 关于\n---\n\n中华人民共合国。[失效](missing.html)\n",
    );
    let report = f.dir.path().join("自查报告.html");
    let o = pufa(
        f.dir.path(),
        &["check", "--root", "site", "--report", report.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    let wording = text
        .find("【严重表述错误（单项否决）】1 处错误")
        .unwrap_or_else(|| panic!("{text}"));
    let links = text
        .find("【不可用链接（单项否决）】1 处错误")
        .unwrap_or_else(|| panic!("{text}"));
    assert!(wording < links, "the 单项否决 items in order: {text}");
    assert!(
        text.contains("■ content/about.md") && text.contains("--> content/about.md:5:1"),
        "{text}"
    );
    // The fixture's example organisation details are the warnings.
    assert!(text.contains("共 2 处错误、9 处警告"), "{text}");
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.starts_with("<!doctype html>") && html.contains("严重表述错误") && html.contains("第 5 行第 1 列"));
    assert!(
        !html.contains("<script") && !html.contains("http://") && !html.contains("<link"),
        "self-contained"
    );
}

/// A loopback HTTP server: /ok 200, /missing 404, /error 500, /loop ↔ /loop2 redirects,
/// /moved → /ok, /slow answers after 3 s, /nohead refuses HEAD. Counts requests; stops by
/// itself after 60 s.
fn serve(hits: Arc<AtomicUsize>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            let Ok((stream, _)) = listener.accept() else {
                std::thread::sleep(Duration::from_millis(5));
                continue;
            };
            let hits = Arc::clone(&hits);
            std::thread::spawn(move || answer(stream, &hits));
        }
    });
    port
}

fn answer(mut stream: std::net::TcpStream, hits: &AtomicUsize) {
    let _ = stream.set_nonblocking(false);
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).map_or(true, |n| n == 0) || h == "\r\n" {
            break;
        }
    }
    hits.fetch_add(1, Ordering::SeqCst);
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("");
    let path = parts.next().unwrap_or("");
    let (status, extra) = match path {
        "/ok" => ("200 OK", String::new()),
        "/missing" => ("404 Not Found", String::new()),
        "/error" => ("500 Internal Server Error", String::new()),
        "/loop" => ("302 Found", "Location: /loop2\r\n".to_string()),
        "/loop2" => ("302 Found", "Location: /loop\r\n".to_string()),
        "/moved" => ("301 Moved Permanently", "Location: /ok\r\n".to_string()),
        "/nohead" if method == "HEAD" => ("405 Method Not Allowed", String::new()),
        "/nohead" => ("200 OK", String::new()),
        "/slow" => {
            std::thread::sleep(Duration::from_secs(3));
            ("200 OK", String::new())
        }
        _ => ("404 Not Found", String::new()),
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\n{extra}Content-Length: 0\r\nConnection: close\r\n\r\n"
    );
}

#[test]
fn external_links_against_a_loopback_server_with_a_cache() {
    let hits = Arc::new(AtomicUsize::new(0));
    let port = serve(Arc::clone(&hits));
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let f = Fixture::new(&[]);
    let base = format!("http://127.0.0.1:{port}");
    let body: String = ["ok", "missing", "error", "loop", "moved", "nohead", "slow", "skipped"]
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{}. [链接{i}]({base}/{p})\n", i + 1))
        .collect();
    f.write(
        "content/about.md",
        &format!("---\ntitle: 关于\n---\n\n{body}9. [关闭的端口](http://127.0.0.1:{closed}/closed)\n"),
    );
    let config = std::fs::read_to_string(f.site().join("config.yaml")).unwrap();
    f.write(
        "config.yaml",
        &format!("{config}check:\n  external_timeout: 1s\n  skip_urls: [\"{base}/skip*\", \"https://*\"]\n"),
    );
    let started = Instant::now();
    let (code, r) = check_json(&f, &["--external"]);
    assert_eq!(code, 1);
    let broken = findings(&r, "link/external-broken");
    let line_of = |p: &str| {
        broken
            .iter()
            .find(|b| b["found"].as_str().unwrap().ends_with(p))
            .map(|b| {
                (
                    b["file"].as_str().unwrap().to_string(),
                    b["line"].as_u64().unwrap(),
                    b["message"].as_str().unwrap().to_string(),
                )
            })
    };
    let (file, line, msg) = line_of("/missing").expect("404 is broken");
    assert_eq!((file.as_str(), line), ("content/about.md", 6));
    assert!(msg.contains("404"), "{msg}");
    assert!(line_of("/error").unwrap().2.contains("500"));
    assert!(line_of("/loop").unwrap().2.contains("重定向循环"));
    assert!(line_of("/slow").unwrap().2.contains("超时"));
    let closed_port = broken.iter().find(|b| b["line"] == 13).expect("the closed port");
    assert!(closed_port["message"].as_str().unwrap().contains("无法打开"));
    for good in ["/ok", "/moved", "/nohead", "/skipped"] {
        assert!(line_of(good).is_none(), "{good} is fine: {r:#}");
    }
    assert_eq!(broken.len(), 5, "{r:#}");
    let ext = &r["summary"]["external"];
    assert!(
        ext["skipped"].as_u64().unwrap() >= 1,
        "the theme's footer links are skipped too"
    );
    assert_eq!(ext["domains"][0]["domain"], "127.0.0.1");
    assert_eq!(ext["domains"][0]["government"], false);
    assert!(started.elapsed() < Duration::from_secs(30));
    // The rerun answers from the cache: no request reaches the server.
    assert!(f.site().join(".pufa-cache/.gitignore").is_file());
    let before = hits.load(Ordering::SeqCst);
    let t0 = Instant::now();
    let (code2, r2) = check_json(&f, &["--external"]);
    assert_eq!(code2, 1);
    assert_eq!(hits.load(Ordering::SeqCst), before, "served from the cache");
    assert_eq!(findings(&r2, "link/external-broken").len(), 5);
    assert_eq!(r2["summary"]["external"]["from_cache"], 8);
    assert!(t0.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_site_that_cannot_load_still_gets_the_file_checks() {
    let f = Fixture::new(&["checks/personal_data"]);
    f.write("content/about.md", "---\ntitle: 关于\n---\n\n中华人民共合国。\n");
    let (code, r) = check_json(&f, &[]);
    assert_eq!(code, 1);
    assert_eq!(r["summary"]["loaded"], false);
    the(&r, "privacy/id-number", "content/cases/wuye.md", 7, "error");
    the(&r, "wording/serious", "content/about.md", 5, "error");
}

#[test]
fn the_example_site_has_only_its_documented_finding() {
    let o = pufa(
        &manifest_dir(),
        &["check", "--root", "site", "--format", "json", "--today", "2025-06-01"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(codes(&r), vec!["check/missing-date"], "{r:#}");
    assert_eq!(r["findings"][0]["file"], "content/reports/2024.md");
    assert!(r["summary"]["links"].as_u64().unwrap() > 1000);
}

#[test]
fn a_broken_footer_link_from_config_names_config_yaml() {
    let f = Fixture::new(&[]);
    let config = std::fs::read_to_string(f.site().join("config.yaml")).unwrap();
    f.write(
        "config.yaml",
        &config.replace(
            "error_report_url: https://zfwzzc.www.gov.cn/",
            "error_report_url: /zhaocuo/",
        ),
    );
    let (code, r) = check_json(&f, &[]);
    assert_eq!(code, 1);
    let b = the(&r, "link/broken", "config.yaml", 17, "error");
    assert!(
        b["message"].as_str().unwrap().contains("共 "),
        "every page has the footer: {b:#}"
    );
}

#[test]
fn a_built_template_link_names_the_templates_used() {
    let f = Fixture::new(&[]);
    let theme404 = std::fs::read_to_string(manifest_dir().join("themes/default/templates/404.html")).unwrap();
    f.write(
        "templates/404.html",
        &theme404.replace(
            "<h2>按栏目浏览</h2>",
            "<h2>按栏目浏览</h2>\n<p><a href=\"{{ get_url(path='guide/' ~ 'old.pdf') }}\">办事指南</a></p>",
        ),
    );
    let (_, r) = check_json(&f, &[]);
    let b = &findings(&r, "link/broken")[0];
    assert_eq!(b["file"], "templates/404.html", "{b:#}");
    assert!(b["hint"].as_str().unwrap().contains("404.html"), "{b:#}");
}

#[test]
fn wording_in_config_and_templates_and_across_wrapped_lines() {
    let f = Fixture::new(&[]);
    let config = std::fs::read_to_string(f.site().join("config.yaml")).unwrap();
    f.write(
        "config.yaml",
        &config.replace("description: 测试用的虚构站点", "description: 再接再励的虚构站点"),
    );
    let theme404 = std::fs::read_to_string(manifest_dir().join("themes/default/templates/404.html")).unwrap();
    f.write(
        "templates/404.html",
        &theme404.replace("<h2>按栏目浏览</h2>", "<h2>按栏目浏览</h2>\n<p>中华人民共合国</p>"),
    );
    f.write(
        "content/about.md",
        "---\ntitle: 关于\n---\n\n坚持以习近平\n新时代中国特色社会主义思想为指导，\n学习中华人民共\n和国宪法。\n",
    );
    let (_, r) = check_json(&f, &[]);
    the(&r, "wording/typo", "config.yaml", 2, "warning");
    the(&r, "wording/serious", "templates/404.html", 8, "error");
    assert!(
        findings(&r, "wording/serious").len() == 1 && findings(&r, "wording/known-wrong").is_empty(),
        "a wrapped line is read joined: {r:#}"
    );
}

#[test]
fn a_style_sheet_reference_is_checked_in_its_file() {
    let f = Fixture::new(&[]);
    f.write(
        "static/css/extra.css",
        "body {\n  background: url(\"../img/bg.png\");\n}\n@import \"base.css\";\n",
    );
    f.write("static/img/bg.png", "png");
    let (code, r) = check_json(&f, &[]);
    assert_eq!(code, 1);
    let b = the(&r, "link/broken", "static/css/extra.css", 4, "error");
    assert_eq!(b["found"], "base.css");
}
