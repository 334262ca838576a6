//! Moved pages and dates that mean something: `aliases:` redirect pages, pages dated later
//! held back (or shown with 未发布 under `--future`), `status`/`expiry` banners and labels,
//! feeds and sitemaps without future dates, and a cached build on a later day.

use std::path::Path;

use crate::common::*;
use pufa::content::Date;
use pufa::pipeline::SiteSpec;

const FUTURE_CASE: &str =
    "---\ntitle: 明年发布的案例\ndate: 2099-03-01\nyear: 2099\ncase_type: 人民调解\n---\n\n还没到发布的时候。\n";

#[test]
fn an_alias_writes_a_redirect_page_to_the_new_url() {
    let f = Fixture::new(&[]);
    f.write(
        "content/about.md",
        "---\ntitle: 关于本站\naliases: [/old/about/, /2019/关于.html]\n---\n\n本站介绍。\n",
    );
    let o = f.build(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    for file in ["old/about/index.html", "2019/关于.html"] {
        let html = f.read(file);
        assert!(html.contains("http-equiv=\"refresh\""), "{file}: {html}");
        assert!(html.contains("url=/about/\""), "{file}: {html}");
        assert!(
            html.contains("<link rel=\"canonical\" href=\"https://"),
            "{file}: {html}"
        );
        assert!(html.contains("<a href=\"/about/\">关于本站</a>"), "{file}: {html}");
        assert!(!html.contains("<script"), "{file}: no JavaScript");
    }
    assert!(!f.read("sitemap.xml").contains("old/about"));
}

#[test]
fn a_future_page_is_held_back_unless_future() {
    let f = Fixture::new(&[]);
    f.write("content/cases/future.md", FUTURE_CASE);
    let o = f.build(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!f.out().join("cases/future/index.html").exists());
    assert!(!f.read("cases/index.html").contains("明年发布的案例"));

    let o = f.build(&["--future"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = f.read("cases/future/index.html");
    assert!(page.contains("<strong>未发布</strong>"), "{page}");
    assert!(page.contains("2099年3月1日"), "{page}");
    // Lists say so too, in words; feeds and sitemaps never carry the date to come.
    let list = f.read("cases/index.html") + &f.read("cases/page/2/index.html");
    assert!(list.contains("badge-unpublished\">未发布"), "{list}");
    for file in ["atom.xml", "sitemap.xml"] {
        let xml = f.read(file);
        assert!(!xml.contains("2099-03-01"), "{file}: {xml}");
        assert!(!xml.contains("cases/future/"), "{file}: {xml}");
    }
}

#[test]
fn a_future_updated_date_never_reaches_feeds_or_sitemaps() {
    let f = Fixture::new(&[]);
    let report = std::fs::read_to_string(f.site().join("content/reports/2023.md")).unwrap();
    f.write(
        "content/reports/2023.md",
        &report.replacen("---\n", "---\nupdated: 2098-05-05\n", 1),
    );
    let o = f.build(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    for file in ["atom.xml", "rss.xml", "sitemap.xml", "reports/2023/index.html"] {
        let text = f.read(file);
        assert!(!text.contains("2098"), "{file}: {text}");
    }
    assert!(f.read("sitemap.xml").contains("/reports/2023/</loc>"));
}

#[test]
fn a_feed_of_undated_pages_says_when_the_site_was_last_updated() {
    let f = Fixture::new(&[]);
    f.write(
        "content/cases/nodate.md",
        "---\ntitle: 没有日期的案例\nyear: 2024\ncase_type: 人民调解\ntaxonomies:\n  topics: [无日期专题]\n---\n\n正文。\n",
    );
    let o = f.build(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let term = f.read("topics/无日期专题/atom.xml");
    assert!(!term.contains("1970"), "{term}");
    let site = f.read("atom.xml");
    let updated = |xml: &str| {
        xml.split("<updated>")
            .nth(1)
            .and_then(|r| r.split('<').next())
            .map(str::to_string)
    };
    assert_eq!(updated(&term), updated(&site), "{term}");
}

#[test]
fn a_link_to_a_future_page_says_why_it_is_missing() {
    let f = Fixture::new(&[]);
    f.write("content/cases/future.md", FUTURE_CASE);
    f.write(
        "content/about.md",
        "---\ntitle: 关于\n---\n\n见[案例](@/cases/future.md)。\n",
    );
    let o = f.build(&[]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("content/about.md:5:"), "{e}");
    assert!(e.contains("2099-03-01") && e.contains("--future"), "{e}");
}

#[test]
fn status_and_expiry_show_a_banner_a_label_and_the_public_information_row() {
    let f = Fixture::new(&[]);
    let report = std::fs::read_to_string(f.site().join("content/reports/2023.md")).unwrap();
    f.write(
        "content/reports/2023.md",
        &report.replacen("---\n", "---\nstatus: 现行有效\nexpiry: 2024-06-30\n", 1),
    );
    f.write(
        "content/about.md",
        "---\ntitle: 关于\nstatus: 已废止\n---\n\n旧的介绍。\n",
    );
    let o = f.build(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = f.read("reports/2023/index.html");
    assert!(
        page.contains("<strong>已失效</strong>：本文件自2024年6月30日起失效"),
        "{page}"
    );
    assert!(
        page.contains("<dt>有效性</dt><dd>已失效（自2024年6月30日起失效）</dd>"),
        "{page}"
    );
    let list = f.read("reports/index.html");
    assert!(list.contains("badge-validity\">已失效"), "{list}");
    assert!(f.read("about/index.html").contains("<strong>已废止</strong>"));
}

#[test]
fn a_wrong_status_names_its_line_and_the_choices() {
    let f = Fixture::new(&[]);
    f.write("content/about.md", "---\ntitle: 关于\nstatus: 有效\n---\n");
    let o = f.build(&[]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("content/about.md:3:"), "{e}");
    assert!(e.contains("现行有效") && e.contains("已废止"), "{e}");
}

fn build_on(site: &Path, out: &Path, today: &str, cache: bool) -> Result<(), String> {
    let spec = SiteSpec {
        today: Some(Date::parse(today).unwrap()),
        ..SiteSpec::new(site)
    };
    build_spec(spec, out, cache).map(|_| ())
}

#[test]
fn a_cached_build_on_a_later_day_publishes_what_came_due() {
    let f = Fixture::new(&[]);
    f.write(
        "content/cases/due.md",
        "---\ntitle: 到期发布的案例\ndate: 2030-01-02\nyear: 2030\ncase_type: 人民调解\nexpiry: 2030-01-03\n---\n\n正文。\n",
    );
    let out = f.out();
    build_on(&f.site(), &out, "2030-01-01", true).unwrap();
    assert!(!out.join("cases/due/index.html").exists());
    for (day, expired) in [("2030-01-02", false), ("2030-01-03", true)] {
        build_on(&f.site(), &out, day, true).unwrap();
        let clean = tempfile::tempdir().unwrap();
        build_on(&f.site(), clean.path(), day, false).unwrap();
        let (got, want) = (snapshot(&out), snapshot(clean.path()));
        let differ: Vec<_> = want.keys().filter(|k| got.get(*k) != want.get(*k)).collect();
        assert!(differ.is_empty(), "{day}: the cached build differs in {differ:?}");
        let page = std::fs::read_to_string(out.join("cases/due/index.html")).unwrap();
        assert_eq!(page.contains("<strong>已失效</strong>"), expired, "{day}");
        assert!(
            std::fs::read_to_string(out.join("atom.xml"))
                .unwrap()
                .contains("到期发布的案例")
        );
    }
}

#[test]
fn serve_shows_a_future_page_with_its_banner_but_not_in_the_feed() {
    let f = Fixture::new(&[]);
    f.write("content/cases/future.md", FUTURE_CASE);
    let spec = SiteSpec {
        future: true,
        ..SiteSpec::new(f.site())
    };
    let engine = pufa::serve::engine::Engine::load(spec).unwrap();
    let files = engine.snapshot();
    let page = String::from_utf8(files["cases/future/index.html"].clone()).unwrap();
    assert!(page.contains("<strong>未发布</strong>"), "{page}");
    let feed = String::from_utf8(files["atom.xml"].clone()).unwrap();
    assert!(!feed.contains("cases/future/"), "{feed}");
}

#[test]
fn rss_and_term_feeds_sit_beside_atom_and_leave_out_future_pages() {
    let f = Fixture::new(&[]);
    f.write(
        "content/cases/future.md",
        &FUTURE_CASE.replace(
            "case_type: 人民调解\n",
            "case_type: 人民调解\ntaxonomies:\n  topics: [物业纠纷]\n",
        ),
    );
    let o = f.build(&["--future"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rss = f.read("rss.xml");
    assert!(rss.contains("<rss version=\"2.0\""), "{rss}");
    assert!(
        rss.contains("<pubDate>Thu, 01 Jun 2023 00:00:00 +0800</pubDate>"),
        "{rss}"
    );
    assert!(
        rss.contains("<link>https://www.example.gov.cn/cases/wuye/</link>"),
        "{rss}"
    );
    assert!(!rss.contains("cases/future/"), "{rss}");
    let term = f.read("topics/物业纠纷/atom.xml");
    assert!(
        term.contains("<title>主题：物业纠纷 - 示例镇法治政府建设</title>"),
        "{term}"
    );
    assert!(term.contains("https://www.example.gov.cn/cases/wuye/"), "{term}");
    assert!(!term.contains("cases/future/"), "{term}");
    assert!(
        f.read("topics/物业纠纷/index.html")
            .contains("atom.xml\">订阅“物业纠纷”的更新</a>")
    );
}
