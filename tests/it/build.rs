//! `pufa build` end to end: fixture sites built into temp folders, assertions on the HTML.

use crate::common::*;

#[test]
fn builds_every_kind_of_output() {
    let f = Fixture::new(&[]);
    let o = f.build(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary = stdout(&o);
    assert!(summary.contains("个页面"), "{summary}");

    let out = files(&f.out());
    for expected in [
        "index.html",
        "404.html",
        "robots.txt",
        "sitemap.xml",
        "atom.xml",
        "reports/index.html",
        "reports/2024/index.html",
        "projects/xuefa/index.html",
        "cases/index.html",
        "cases/page/2/index.html",
        "cases/欠薪/index.html",
        "cases/bundle-case/index.html",
        "cases/bundle-case/photo.svg",
        "cases/bundle-case/agreement.txt",
        "topics/index.html",
        "topics/矛盾纠纷化解/index.html",
        "departments/人民调解委员会/index.html",
        "years/index.html",
        "years/2022/index.html",
        "years/2024/index.html",
        "metrics/index.html",
        "metrics/dispute_resolution_rate/index.html",
        "metrics.csv",
        "metrics.json",
        "search/index.html",
        "css/site.css",
        "js/a11y.js",
        "favicon.svg",
        "search/index/meta.json",
        "search/index/docs.bin",
        "search/index/d/0.json",
        "about/index.html",
    ] {
        assert!(out.contains(expected), "missing {expected}; have {out:?}");
    }
    // Drafts are left out.
    assert!(!out.contains("cases/draft/index.html"));
}

#[test]
fn pages_have_chinese_anchors_toc_footnotes_and_resolved_links() {
    let f = Fixture::new(&[]);
    assert!(f.build(&[]).status.success());
    let html = f.read("reports/2024/index.html");
    assert!(html.contains("<h1>示例镇2024年法治政府建设年度报告</h1>"));
    assert_eq!(html.matches("<h1").count(), 1, "one h1");
    assert!(
        html.contains("<h2 id=\"一主要做法及成效\">一、主要做法及成效</h2>"),
        "{html}"
    );
    assert!(html.contains("href=\"#一主要做法及成效\""), "toc links to the heading");
    // The soft break between two Chinese characters is gone; emphasis next to 《》 works.
    assert!(html.contains("开展学法活动，群众参与踊跃"), "{html}");
    assert!(
        html.contains("依据<strong>《中华人民共和国民法典》</strong>的规定"),
        "{html}"
    );
    // Footnotes do not clash with headings and link back.
    assert!(html.contains("id=\"fn-duty\""));
    assert!(html.contains("href=\"#fnref-duty\""));
    // @/ link with anchor resolved to a URL.
    assert!(html.contains("href=\"/reports/2022/#一主要做法及成效\""), "{html}");
    // Government information table.
    assert!(html.contains("<h2 id=\"info-title\" class=\"info-title\">政府信息公开</h2>"));
    assert!(html.contains("<dt>索引号</dt><dd>EX-2025-0001</dd>"), "{html}");
    assert!(html.contains("<meta name=\"PubDate\" content=\"2025-02-15 00:00\">"));
    assert!(html.contains("<meta name=\"SiteIDCode\" content=\"1234567890\">"));
    // Bundle assets are linked relatively and copied.
    let bundle = f.read("cases/bundle-case/index.html");
    assert!(bundle.contains("<img src=\"photo.svg\" alt=\"执法现场\""), "{bundle}");
    // Site paths written in content get the base path.
    let about = f.read("about/index.html");
    assert!(about.contains("href=\"/metrics/\""), "{about}");
}

#[test]
fn lists_paginate_and_group() {
    let f = Fixture::new(&[]);
    assert!(f.build(&[]).status.success());
    let cases = f.read("cases/index.html");
    assert!(cases.contains("第 1 页，共 2 页"), "{cases}");
    assert!(cases.contains("href=\"/cases/page/2/\""));
    // Newest first: the 2024 case comes before the 2023 one.
    let a = cases.find("李某某等人劳动报酬纠纷案").unwrap();
    let b = cases.find("张某与某物业公司物业费纠纷调解案").unwrap();
    assert!(a < b);
    let year = f.read("years/2024/index.html");
    assert!(
        year.contains("示例镇2024年法治政府建设年度报告") && year.contains("示例学法游") && year.contains("调解工作室")
    );
    // A project running 2022-2024 is in each year's archive.
    assert!(f.read("years/2022/index.html").contains("示例学法游"));
    let term = f.read("topics/矛盾纠纷化解/index.html");
    assert!(term.contains("<h2 id=\"y-2024\">2024年</h2>"), "{term}");
}

#[test]
fn feeds_and_sitemap_carry_absolute_urls() {
    let f = Fixture::new(&[]);
    assert!(f.build(&[]).status.success());
    let sitemap = f.read("sitemap.xml");
    assert!(sitemap.contains("<loc>https://www.example.gov.cn/reports/2024/</loc>"));
    assert!(sitemap.contains("<lastmod>2025-02-15</lastmod>"));
    let feed = f.read("atom.xml");
    assert!(feed.contains("<updated>2025-02-15T00:00:00+08:00</updated>"), "{feed}");
    assert!(feed.contains("<id>https://www.example.gov.cn/reports/2024/</id>"));
    assert!(
        f.read("robots.txt")
            .contains("Sitemap: https://www.example.gov.cn/sitemap.xml")
    );
}

#[test]
fn every_link_resolves_at_the_root_and_under_a_sub_path() {
    let f = Fixture::new(&[]);
    assert!(f.build(&[]).status.success());
    let broken = broken_links(&f.out(), "/", "https://www.example.gov.cn");
    assert!(broken.is_empty(), "{broken:#?}");

    let o = f.build(&["--base-url", "https://example.gov.cn/hlz/"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let home = f.read("index.html");
    assert!(home.contains("href=\"/hlz/css/site.css\""), "{home}");
    assert!(!home.contains("href=\"/css/"));
    let broken = broken_links(&f.out(), "/hlz/", "https://example.gov.cn");
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let f = Fixture::new(&[]);
    assert!(f.build(&[]).status.success());
    let first = snapshot(&f.out());
    assert!(f.build(&[]).status.success());
    let second = snapshot(&f.out());
    assert_eq!(first.len(), second.len());
    for (k, v) in &first {
        assert!(second.get(k) == Some(v), "{k} differs between two builds");
    }
}

#[test]
fn drafts_are_built_with_the_flag() {
    let f = Fixture::new(&[]);
    assert!(f.build(&["--drafts"]).status.success());
    assert!(f.read("cases/draft/index.html").contains("草稿案例"));
}

#[test]
fn the_bundled_example_builds_with_every_link_resolving() {
    let dir = tempfile::tempdir().unwrap();
    let root = manifest_dir().join("site");
    for (base, origin, path) in [
        (None, "https://hlz.example.gov.cn", "/"),
        (Some("https://example.gov.cn/hlz/"), "https://example.gov.cn", "/hlz/"),
    ] {
        let out = dir.path().join(if base.is_some() { "sub" } else { "root" });
        let out_s = out.to_string_lossy().into_owned();
        let root_s = root.to_string_lossy().into_owned();
        let mut args = vec!["build", "--root", root_s.as_str(), "--output", out_s.as_str()];
        if let Some(b) = base {
            args.extend(["--base-url", b]);
        }
        let o = pufa(dir.path(), &args);
        assert!(o.status.success(), "{}", stderr(&o));
        let broken = broken_links(&out, path, origin);
        assert!(broken.is_empty(), "{broken:#?}");
        let report = std::fs::read_to_string(out.join("reports/2024/index.html")).unwrap();
        for figure in ["22895", "21335", "93.19", "13882", "7265", "291", "198", "670", "1179"] {
            assert!(report.contains(figure), "report page lacks {figure}");
        }
        let files = files(&out);
        let count = |prefix: &str| {
            files
                .iter()
                .filter(|f| f.starts_with(prefix) && f.ends_with("/index.html") && f.matches('/').count() == 2)
                .count()
        };
        assert!(count("projects/") >= 3, "at least 3 projects");
        assert!(count("cases/") >= 5, "at least 5 cases");
    }
}

#[test]
fn init_makes_a_site_that_builds_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let o = pufa(dir.path(), &["init", "newsite"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = pufa(dir.path(), &["build", "--root", "newsite"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.path().join("newsite/public/index.html").is_file());
    // Inside the new site, no --root is needed (the current folder holds config.yaml)...
    std::fs::remove_dir_all(dir.path().join("newsite/public")).unwrap();
    let o = pufa(&dir.path().join("newsite"), &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.path().join("newsite/public/index.html").is_file());
    // ...and above it, ./site is the default (as in pufa's own repository).
    std::fs::rename(dir.path().join("newsite"), dir.path().join("site")).unwrap();
    std::fs::remove_dir_all(dir.path().join("site/public")).unwrap();
    let o = pufa(dir.path(), &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.path().join("site/public/index.html").is_file());
    // init refuses to overwrite.
    assert!(!pufa(dir.path(), &["init", "site"]).status.success());
}

#[test]
fn new_writes_a_filled_in_template_that_builds() {
    let f = Fixture::new(&[]);
    for (kind, name) in [("report", "2025"), ("project", "新项目"), ("case", "新案例")] {
        let o = pufa(f.dir.path(), &["new", kind, name, "--root", "site"]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let report = std::fs::read_to_string(f.site().join("content/reports/2025.md")).unwrap();
    assert!(
        report.contains("year: 2025") && report.contains("publisher: \"示例镇人民政府\""),
        "{report}"
    );
    assert!(report.contains("draft: true"), "a new page starts as a draft: {report}");
    let o = f.build(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        !files(&f.out()).contains("cases/新案例/index.html"),
        "a draft is not published"
    );
    let o = f.build(&["--drafts"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(files(&f.out()).contains("cases/新案例/index.html"));
    // Never overwrites.
    assert!(
        !pufa(f.dir.path(), &["new", "case", "新案例", "--root", "site"])
            .status
            .success()
    );
}

/// A file and a folder symlinked into static/ from elsewhere in the site are published at the
/// links' paths, as content/'s are.
#[cfg(unix)]
#[test]
fn symlinked_static_files_inside_the_site_are_published() {
    let f = Fixture::new(&[]);
    let site = f.site();
    std::fs::create_dir_all(site.join("shared/docs")).unwrap();
    std::fs::create_dir_all(site.join("static")).unwrap();
    std::fs::write(site.join("shared/公告.txt"), "公告正文").unwrap();
    std::fs::write(site.join("shared/docs/指南.txt"), "办事指南").unwrap();
    std::os::unix::fs::symlink("../shared/公告.txt", site.join("static/公告.txt")).unwrap();
    std::os::unix::fs::symlink("../shared/docs", site.join("static/docs")).unwrap();
    let o = f.build(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(f.read("公告.txt"), "公告正文");
    assert_eq!(f.read("docs/指南.txt"), "办事指南");
    assert!(
        !f.out().join("公告.txt").is_symlink(),
        "published as a file, not as a link"
    );
}

/// A page and a folder symlinked into content/ from elsewhere in the site are published at
/// the links' paths, and the build cache sees an edit to the linked file.
#[cfg(unix)]
#[test]
fn symlinked_pages_and_folders_inside_the_site_are_published() {
    let f = Fixture::new(&[]);
    let site = f.site();
    std::fs::create_dir_all(site.join("shared/more")).unwrap();
    let page = "---\ntitle: 共享页面\nyear: 2023\ncase_type: 人民调解\n---\n\n第一版\n";
    std::fs::write(site.join("shared/page.md"), page).unwrap();
    std::fs::write(site.join("shared/more/other.md"), "---\ntitle: 另一页\n---\n\n正文\n").unwrap();
    std::os::unix::fs::symlink("../../shared/page.md", site.join("content/cases/linked.md")).unwrap();
    std::os::unix::fs::symlink("../shared/more", site.join("content/more")).unwrap();
    let o = f.build(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(f.read("cases/linked/index.html").contains("第一版"));
    assert!(f.read("more/other/index.html").contains("另一页"));
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(site.join("shared/page.md"), page.replace("第一版", "第二版")).unwrap();
    let o = f.build(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        f.read("cases/linked/index.html").contains("第二版"),
        "the cache kept the old page"
    );
}

/// A root-relative link to nothing on the site is a warning at its line when building
/// (check fails it as a dead link); an image to nothing is an error, since the page would
/// show a broken picture. Ones that exist, and outside sites, are neither.
#[test]
fn a_root_relative_link_to_nothing_is_a_warning_at_its_line() {
    let f = Fixture::new(&[]);
    std::fs::create_dir_all(f.site().join("static/images")).unwrap();
    std::fs::write(f.site().join("static/images/有.png"), b"not really a png").unwrap();
    let page = "---\ntitle: 关于\n---\n\n见[案例](/cases/)和[旧栏目](/jiu/lanmu/)。\n\n![图](/images/%E6%9C%89.png)\n";
    f.write("content/about.md", page);
    let o = f.build(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("content/about.md:5:") && e.contains("/jiu/lanmu/"), "{e}");
    assert!(!e.contains("/cases/）") && !e.contains("%E6%9C%89"), "{e}");

    f.write("content/about.md", &format!("{page}\n![没有的图](/images/没有.png)\n"));
    let o = f.build(&[]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("content/about.md:9:") && e.contains("找不到图片“/images/没有.png”"),
        "{e}"
    );
    assert!(!e.contains("链接指向的网址在本站不存在：/images/没有.png"), "{e}");
}
