//! Shortcodes in Zola's syntax: the built-ins (figure, notice, video, attachment,
//! data_table), a site's own and its overrides, code that stays text, errors at file:line:col,
//! and files read by shortcodes as build-cache inputs.

use std::path::Path;

use crate::common::*;

const PAGE: &str = r#"---
title: 普法宣传活动
year: 2024
case_type: 人民调解
---

活动现场照片：

{{ figure(src="现场.jpg", alt="村民在广场上听普法讲座", caption="普法讲座现场") }}

{% notice(kind="注意") %}
请携带**身份证**。
{% end %}

下载{{ attachment(file="材料.pdf", title="活动材料") }}。

{{ data_table(file="/data/参加人数.csv", caption="各村参加人数") }}

{{ video(src="讲座.mp4", title="讲座录像", captions="讲座.vtt") }}

代码里照写：`{{ figure(src="x") }}`，转义写法 {{/* figure(src="y") */}}。

```
{% notice() %}不展开{% end %}
```
"#;

fn site() -> Fixture {
    let f = Fixture::new(&[]);
    f.write("content/cases/huodong/index.md", PAGE);
    image::RgbImage::from_pixel(64, 48, image::Rgb([200, 180, 90]))
        .save(f.site().join("content/cases/huodong/现场.jpg"))
        .unwrap();
    f.write("content/cases/huodong/讲座.mp4", "mp4 bytes");
    f.write("content/cases/huodong/讲座.vtt", "WEBVTT\n");
    std::fs::write(f.site().join("content/cases/huodong/材料.pdf"), text_pdf(&["活动材料"])).unwrap();
    f.write("static/data/参加人数.csv", "村,人数\n东村,120\n西村,95\n");
    f
}

#[test]
fn built_in_shortcodes_render_and_code_stays_text() {
    let f = site();
    let o = f.build(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = f.read("cases/huodong/index.html");
    // Chinese file names are percent-encoded in URLs.
    let base = "/cases/huodong/";
    for want in [
        format!(
            "<figure class=\"figure\"><img src=\"{base}%E7%8E%B0%E5%9C%BA.jpg\" alt=\"村民在广场上听普法讲座\" decoding=\"async\""
        ),
        "<figcaption>普法讲座现场</figcaption>".to_string(),
        "<aside class=\"notice notice-warning\" aria-label=\"注意\">".to_string(),
        "<strong>身份证</strong>".to_string(),
        format!(
            "<a class=\"attachment\" href=\"{base}%E6%9D%90%E6%96%99.pdf\" download>活动材料</a><span class=\"attachment-meta\">（PDF，"
        ),
        "<caption>各村参加人数</caption>".to_string(),
        "<th scope=\"col\">人数</th>".to_string(),
        "<th scope=\"row\">东村</th><td data-label=\"人数\">120</td>".to_string(),
        format!(
            "<track kind=\"captions\" srclang=\"zh-CN\" label=\"中文字幕\" src=\"{base}%E8%AE%B2%E5%BA%A7.vtt\" default>"
        ),
        "<code>{{ figure(src=\"x\") }}</code>".to_string(),
        "转义写法 {{ figure(src=\"y\") }}".to_string(),
        "{% notice() %}不展开{% end %}".to_string(),
    ] {
        assert!(html.contains(&want), "missing {want}\nin {html}");
    }
    assert!(!html.contains("pufa-sc"), "{html}");
    assert!(!html.contains("<p><figure"), "a figure alone is not inside a paragraph");
    // Lists show the summary without placeholders.
    assert!(!f.read("cases/index.html").contains("pufa-sc"));
}

#[test]
fn the_site_overrides_a_built_in_and_adds_its_own() {
    let f = site();
    f.write(
        "templates/shortcodes/notice.html",
        "<div class=\"my-notice\">{{ body_html | safe }}</div>",
    );
    f.write(
        "templates/shortcodes/hotline.html",
        "{#- args: number -#}<a href=\"tel:{{ number }}\">{{ number }}</a>",
    );
    f.write(
        "content/about.md",
        "---\ntitle: 关于\n---\n\n法律援助热线 {{ hotline(number=\"12348\") }}。\n",
    );
    let o = f.build(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(f.read("cases/huodong/index.html").contains("<div class=\"my-notice\">"));
    assert!(f.read("about/index.html").contains("<a href=\"tel:12348\">12348</a>"));
}

fn fails_with(page: &str, needles: &[&str]) {
    let f = site();
    f.write("content/about.md", page);
    let o = f.build(&[]);
    assert!(!o.status.success(), "the build should fail");
    let e = stderr(&o);
    for n in needles {
        assert!(e.contains(n), "expected {n:?} in:\n{e}");
    }
}

#[test]
fn an_unknown_shortcode_is_an_error_at_its_place() {
    fails_with(
        "---\ntitle: 关于\n---\n\n第一段。\n\n见 {{ figur(src=\"a.jpg\") }}\n",
        &["content/about.md:7:3", "`figur`", "figure"],
    );
}

#[test]
fn a_wrong_or_missing_argument_is_an_error() {
    fails_with(
        "---\ntitle: 关于\n---\n\n{{ attachment(file=\"/data/参加人数.csv\", name=\"x\") }}\n",
        &["content/about.md:5:1", "没有参数 `name`", "file"],
    );
    fails_with(
        "---\ntitle: 关于\n---\n\n{{ figure(src=\"/data/参加人数.csv\") }}\n",
        &["content/about.md:5:1", "缺少参数 `alt`"],
    );
}

#[test]
fn a_missing_file_and_a_broken_call_are_errors() {
    fails_with(
        "---\ntitle: 关于\n---\n\n{{ figure(src=\"没有.jpg\", alt=\"照片\") }}\n",
        &["content/about.md:5:1", "没有.jpg", "找不到"],
    );
    fails_with(
        "---\ntitle: 关于\n---\n\n{% notice() %}\n没有结尾\n",
        &["content/about.md:5:4", "{% end %}"],
    );
}

#[test]
fn links_inside_a_block_shortcode_are_resolved_and_checked() {
    let f = site();
    f.write(
        "content/about.md",
        "---\ntitle: 关于\n---\n\n{% notice() %}\n办事指南见[普法活动](@/cases/huodong/index.md)。\n{% end %}\n",
    );
    let o = f.build(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = f.read("about/index.html");
    assert!(html.contains("<a href=\"/cases/huodong/\">普法活动</a>"), "{html}");
    assert!(!html.contains('\u{1}'), "no link placeholder is published");
    fails_with(
        "---\ntitle: 关于\n---\n\n{% notice() %}\n\n见[旧页](@/cases/没有.md)。\n{% end %}\n",
        &["content/about.md:7:", "cases/没有.md"],
    );
}

#[test]
fn shortcodes_in_a_section_index_are_expanded_and_checked() {
    let f = site();
    f.write(
        "content/cases/_index.md",
        "---\ntitle: 典型案例\n---\n\n栏目说明。\n\n{{ figure(src=\"栏目.jpg\", alt=\"调解室\", caption=\"调解室一角\") }}\n\n{% notice(kind=\"提示\") %}\n案例见[普法活动](@/cases/huodong/index.md)。\n{% end %}\n",
    );
    image::RgbImage::from_pixel(40, 30, image::Rgb([90, 120, 200]))
        .save(f.site().join("content/cases/栏目.jpg"))
        .unwrap();
    f.write(
        "content/_index.md",
        "---\ntitle: 首页\n---\n\n{% notice(kind=\"注意\") %}\n首页提示\n{% end %}\n",
    );
    let o = f.build(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("不会展开"), "{}", stderr(&o));
    let list = f.read("cases/index.html");
    assert!(list.contains("<figure") && list.contains("调解室一角"), "{list}");
    let home = f.read("index.html");
    assert!(home.contains("notice-warning") && home.contains("首页提示"), "{home}");
    assert!(list.contains("<a href=\"/cases/huodong/\">普法活动</a>"), "{list}");
    assert!(!list.contains("{{ figure") && !list.contains("{% notice"), "{list}");
    for html in [&list, &home, &f.read("cases/huodong/index.html")] {
        assert!(!html.contains("pufa-sc"), "no placeholder is published: {html}");
    }
    f.write(
        "content/cases/_index.md",
        "---\ntitle: 典型案例\n---\n\n栏目说明。\n\n{{ figure(src=\"没有.jpg\", alt=\"x\") }}\n",
    );
    let o = f.build(&[]);
    assert!(!o.status.success(), "a missing file in a section is an error");
    let e = stderr(&o);
    assert!(
        e.contains("content/cases/_index.md:7:1") && e.contains("没有.jpg"),
        "{e}"
    );
}

#[test]
fn a_file_outside_the_site_is_never_published() {
    for path in [
        "../../../../../../etc/hostname",
        "/../../../../etc/hostname",
        "@/../config.yaml",
    ] {
        fails_with(
            &format!("---\ntitle: 关于\n---\n\n{{{{ attachment(file=\"{path}\") }}}}\n"),
            &["content/about.md:5:1", "找不到"],
        );
    }
}

fn cached(site: &Path, out: &Path) {
    cached_build(site, out).unwrap();
}

#[test]
fn a_cached_build_sees_a_changed_data_file_and_shortcode_template() {
    let f = site();
    cached(&f.site(), &f.out());
    assert!(f.read("cases/huodong/index.html").contains(">120<"));
    // Same size, so only the modification time says it changed.
    std::thread::sleep(std::time::Duration::from_millis(20));
    f.write("static/data/参加人数.csv", "村,人数\n东村,121\n西村,95\n");
    cached(&f.site(), &f.out());
    assert!(f.read("cases/huodong/index.html").contains(">121<"));
    f.write(
        "templates/shortcodes/figure.html",
        "{#- args: src, alt, caption? -#}<img class=\"mine\" src=\"{{ src_url }}\" alt=\"{{ alt }}\">",
    );
    cached(&f.site(), &f.out());
    assert!(f.read("cases/huodong/index.html").contains("<img class=\"mine\""));
}

#[test]
fn serve_renders_again_what_read_an_edited_static_file_and_only_then() {
    let f = site();
    let mut engine = pufa::serve::engine::Engine::load(pufa::pipeline::SiteSpec::new(f.site())).unwrap();
    let page =
        |e: &pufa::serve::engine::Engine| String::from_utf8(e.snapshot()["cases/huodong/index.html"].clone()).unwrap();
    assert!(page(&engine).contains("120"));
    // A stylesheet nobody's shortcode read: served anew, the page as it was.
    std::fs::create_dir_all(f.site().join("static/css")).unwrap();
    let css = f.site().join("static/css/extra.css");
    std::fs::write(&css, "p { color: black }").unwrap();
    let changed = engine.apply(std::slice::from_ref(&css)).unwrap();
    assert_eq!(engine.snapshot()["css/extra.css"], b"p { color: black }");
    assert_eq!(changed.rendered, 0, "nothing rendered again: {:?}", changed.paths);
    // The data file the page's data_table read.
    let csv = f.site().join("static/data/参加人数.csv");
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&csv, "村,人数\n东村,7654\n西村,95\n").unwrap();
    engine.apply(&[csv]).unwrap();
    assert!(page(&engine).contains("7654"));
}
