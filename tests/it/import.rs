//! `pufa import` on fixtures written for the project: a plain-text report in the style of a
//! township report (half-width punctuation, plain heading lines), the same text in GBK, a
//! .docx built here from XML (heading styles, a table), a skipped ordinal, a binary file and
//! an empty file. The imported page must build, and importing twice gives the same bytes.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::common::*;
use pufa::import::decode::decode;
use pufa::import::punct::figures;
use pufa::import::{Options, convert};

fn fixture(name: &str) -> PathBuf {
    fixtures().join("import").join(name)
}

/// A new site (pufa init) in a temp folder, for imports that must build.
fn new_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let o = pufa(dir.path(), &["init", "site"]);
    assert!(o.status.success(), "{}", stderr(&o));
    dir
}

fn import_text(name: &str) -> pufa::import::Imported {
    let p = fixture(name);
    let input = decode(&p, &std::fs::read(&p).unwrap()).unwrap();
    convert(input, &Options::default()).unwrap()
}

#[test]
fn a_text_report_becomes_a_structured_page() {
    let im = import_text("report.txt");
    assert_eq!(im.year, Some(2023));
    assert_eq!(im.publisher.as_deref(), Some("示例镇人民政府"));
    assert_eq!(im.title, "示例镇2023年法治政府建设情况的报告");
    assert_eq!(im.written.as_deref(), Some("2024-01-15"));
    assert_eq!(im.doc.addressee.as_ref().unwrap().0, "中共示例县委、示例县人民政府");
    let counts = im.heading_counts();
    assert_eq!((counts[&2], counts[&3], counts[&4]), (3, 5, 4), "{counts:?}");
    let page = &im.page;
    assert!(page.contains("\n## 一、主要举措和成效\n"), "{page}");
    assert!(page.contains("\n### （二）优化政务服务，提升依法行政水平\n"), "{page}");
    assert!(
        page.contains("\n#### 1. 推进“一网通办”\n\n梳理高频事项28个，"),
        "{page}"
    );
    assert!(
        page.contains("\n### （一）提升执法规范化水平\n\n加强执法人员培训，推行执法全过程记录。"),
        "{page}"
    );
    // The addressee and signature are not body text.
    assert!(!page.contains("中共示例县委") && !page.contains("\n示例镇人民政府\n"));
}

#[test]
fn punctuation_is_made_full_width_without_touching_figures() {
    let im = import_text("report.txt");
    let page = &im.page;
    assert!(
        page.contains("2023年，示例镇坚持依法行政，全面推进法治政府建设"),
        "{page}"
    );
    assert!(page.contains("具体情况报告如下："));
    assert!(page.contains("村（社区）法律服务供给不足"));
    assert!(page.contains("化解率96.31%；人民调解委员会"));
    assert!(!page.contains(",示例") && !page.contains("(社区)"));
    // Every run of digits in the source body (lines 3–17: after the addressee, before the
    // signature) survives, in order.
    let src = std::fs::read_to_string(fixture("report.txt")).unwrap();
    let body_src: String = src.lines().skip(2).take(15).collect::<Vec<_>>().join("\n");
    let body_out = &page[page.find("\n---\n").unwrap()..];
    assert_eq!(figures(body_out), figures(&body_src));
}

#[test]
fn figures_and_awards_go_to_front_matter() {
    let im = import_text("report.txt");
    let got: Vec<(String, String, String)> = im
        .metrics()
        .map(|f| (f.label.clone(), f.value.clone(), f.unit.clone()))
        .collect();
    let want = [
        ("党委会专题研究法治建设", "6", "次"),
        ("领导干部法治讲座", "4", "场次"),
        ("参考率", "100", "%"),
        ("培训执法人员", "120", "人次"),
        ("梳理高频事项", "28", "个"),
        ("政务服务事项", "15630", "件"),
        ("群众满意率", "99.2", "%"),
        ("联合检查", "36", "次"),
        ("涉及经营主体", "158", "家"),
        ("不予处罚决定", "9", "宗"),
        ("减少检查次数", "41", "次"),
        ("矛盾纠纷排查", "3120", "宗"),
        ("矛盾纠纷化解", "3005", "宗"),
        ("化解率", "96.31", "%"),
        ("纠纷调处", "412", "宗"),
    ];
    assert_eq!(got.len(), want.len(), "{got:?}");
    for (l, v, u) in want {
        assert!(
            got.contains(&(l.to_string(), v.to_string(), u.to_string())),
            "missing {l} {v}{u}: {got:?}"
        );
    }
    // Well-known figures get the shared keys; an approximate one waits for the editor.
    assert!(
        im.page
            .contains("{ key: disputes_screened, label: \"矛盾纠纷排查\", value: 3120, unit: \"宗\" }"),
        "{}",
        im.page
    );
    assert!(
        im.page
            .contains("{ key: dispute_resolution_rate, label: \"化解率\", value: 96.31, unit: \"%\" }")
    );
    let doubted: Vec<&str> = im.figures.iter().filter_map(|f| f.doubt.as_deref()).collect();
    assert_eq!(doubted.len(), 1);
    assert!(
        doubted[0].contains("560万元") && doubted[0].contains("约"),
        "{doubted:?}"
    );
    assert!(!im.page.contains("value: 560"));
    assert_eq!(im.awards.len(), 2);
    assert!(
        im.page
            .contains("{ name: \"示例市“人民满意司法所”\", level: \"市级\", year: 2023 }"),
        "{}",
        im.page
    );
    assert!(im.page.contains("{ name: \"优秀普法项目\", year: 2023 }"));
}

#[test]
fn gbk_and_utf16_give_the_same_page() {
    let utf8 = std::fs::read_to_string(fixture("report.txt")).unwrap();
    let (gbk, _, _) = encoding_rs::GBK.encode(&utf8);
    let p = PathBuf::from("report-gbk.txt");
    let from_gbk = convert(decode(&p, &gbk).unwrap(), &Options::default()).unwrap();
    assert_eq!(from_gbk.encoding, "GB18030/GBK");
    assert_eq!(from_gbk.page, import_text("report.txt").page);
    let mut u16 = vec![0xFF, 0xFE];
    for c in utf8.replace('\n', "\r\n").encode_utf16() {
        u16.extend_from_slice(&c.to_le_bytes());
    }
    let from_u16 = convert(decode(&p, &u16).unwrap(), &Options::default()).unwrap();
    assert_eq!(from_u16.page, import_text("report.txt").page);
}

/// A minimal .docx: styles with two heading levels, a title, bold lead-in and a table.
fn make_docx(path: &Path) {
    let f = std::fs::File::create(path).unwrap();
    let mut z = zip::ZipWriter::new(f);
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let part = |z: &mut zip::ZipWriter<std::fs::File>, name: &str, body: &str| {
        z.start_file(name, opts).unwrap();
        z.write_all(body.as_bytes()).unwrap();
    };
    part(
        &mut z,
        "[Content_Types].xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#,
    );
    part(
        &mut z,
        "word/styles.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:style w:styleId="Title"><w:name w:val="Title"/></w:style>
<w:style w:styleId="1"><w:name w:val="heading 1"/></w:style>
<w:style w:styleId="2"><w:name w:val="heading 2"/></w:style></w:styles>"#,
    );
    let p = |style: &str, text: &str| {
        format!(r#"<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#)
    };
    let plain = |text: &str| format!(r#"<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#);
    let cell = |t: &str| format!(r#"<w:tc><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:tc>"#);
    let body = [
        p("Title", "示例镇2023年法治政府建设年度报告"),
        plain("2023年,示例镇依法履职,法治政府建设取得新成效。"),
        p("1", "一、主要举措和成效"),
        p("2", "(一)规范行政执法"),
        r#"<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>1.推进联合检查。</w:t></w:r><w:r><w:t>开展联合检查36次,涉及经营主体158家。</w:t></w:r></w:p>"#.to_string(),
        format!("<w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}</w:tr></w:tbl>", cell("指标"), cell("2023年"), cell("联合检查(次)"), cell("36")),
        p("1", "二、存在的不足和原因"),
        plain("基层执法力量不足。"),
        p("1", "三、2024年工作计划"),
        plain("继续推进联合检查。"),
    ]
    .join("");
    part(
        &mut z,
        "word/document.xml",
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
        ),
    );
    z.finish().unwrap();
}

#[test]
fn a_docx_report_with_heading_styles_and_a_table() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("报告.docx");
    make_docx(&path);
    let im = convert(
        decode(&path, &std::fs::read(&path).unwrap()).unwrap(),
        &Options::default(),
    )
    .unwrap();
    assert_eq!(im.title, "示例镇2023年法治政府建设年度报告");
    assert_eq!(im.year, Some(2023));
    let counts = im.heading_counts();
    assert_eq!((counts[&2], counts[&3], counts[&4]), (3, 1, 1), "{counts:?}");
    assert!(im.page.contains("\n## 一、主要举措和成效\n"));
    assert!(im.page.contains("\n### （一）规范行政执法\n"));
    assert!(
        im.page
            .contains("\n#### 1. 推进联合检查\n\n开展联合检查36次，涉及经营主体158家。"),
        "{}",
        im.page
    );
    assert!(
        im.page
            .contains("| 指标 | 2023年 |\n| --- | --- |\n| 联合检查（次） | 36 |"),
        "{}",
        im.page
    );
    assert!(
        im.metrics()
            .any(|f| f.label == "联合检查" && f.value == "36" && f.unit == "次")
    );
}

#[test]
fn skipped_and_repeated_ordinals_are_reported() {
    let im = import_text("skipped.txt");
    let notes: Vec<String> = im.doc.notes.iter().map(|(l, m)| format!("{l}: {m}")).collect();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(notes[0].starts_with("4:") && notes[0].contains("跳号"), "{notes:?}");
    assert!(notes[1].starts_with("6:") && notes[1].contains("重复"), "{notes:?}");
}

#[test]
fn unreadable_files_get_a_clear_message_and_a_non_zero_exit() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("old.doc"),
        [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0],
    )
    .unwrap();
    for (file, words) in [
        (fixture("binary.dat"), "二进制"),
        (fixture("empty.txt"), "空"),
        (dir.path().join("old.doc"), ".docx"),
    ] {
        let f = file.to_string_lossy().into_owned();
        let o = pufa(dir.path(), &["import", &f, "--dry-run"]);
        assert!(!o.status.success(), "{f}");
        assert!(stderr(&o).contains(words), "{f}: {}", stderr(&o));
    }
}

#[test]
fn the_imported_page_builds_and_a_second_import_is_identical() {
    let dir = new_site();
    let src = fixture("report.txt").to_string_lossy().into_owned();
    let o = pufa(dir.path(), &["import", &src, "--root", "site"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("年度：2023") && out.contains("发布机构：示例镇人民政府") && out.contains("已写入"),
        "{out}"
    );
    let page = dir.path().join("site/content/reports/2023.md");
    let first = std::fs::read(&page).unwrap();
    // Never overwrites without --force; with it, the same bytes.
    let again = pufa(dir.path(), &["import", &src, "--root", "site"]);
    assert!(!again.status.success() && stderr(&again).contains("--force"));
    assert!(
        pufa(dir.path(), &["import", &src, "--root", "site", "--force"])
            .status
            .success()
    );
    assert_eq!(std::fs::read(&page).unwrap(), first);
    let b = pufa(dir.path(), &["build", "--root", "site"]);
    assert!(b.status.success(), "{}", stderr(&b));
    let html = std::fs::read_to_string(dir.path().join("site/public/reports/2023/index.html")).unwrap();
    assert!(
        html.contains("<h2 id=\"一主要举措和成效\">一、主要举措和成效</h2>"),
        "{html}"
    );
    assert!(html.contains("96.31%"));
}

#[test]
fn markdown_passes_through_with_its_front_matter_checked() {
    let dir = new_site();
    let good = "---\ntitle: 示例镇2022年法治政府建设年度报告\nyear: 2022\npublisher: 示例镇人民政府\n---\n\n正文。\n";
    let bad = "---\ntitle: 有错的页面\nyear: 2022\npublisher: 示例镇人民政府\nbogus: 1\n---\n\n正文。\n";
    std::fs::write(dir.path().join("2022.md"), good).unwrap();
    std::fs::write(dir.path().join("bad.md"), bad).unwrap();
    let o = pufa(dir.path(), &["import", "2022.md", "--root", "site"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("site/content/reports/2022.md")).unwrap(),
        good
    );
    // The error names the file being imported, at the line of the unknown key; nothing is written.
    let o = pufa(dir.path(), &["import", "bad.md", "--root", "site"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("bad.md:5:1") && stderr(&o).contains("bogus"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("site/content/reports/bad.md").exists());
}

#[test]
fn a_text_pdf_report_is_imported_and_builds() {
    let dir = new_site();
    let pdf = dir.path().join("report.pdf");
    std::fs::write(
        &pdf,
        text_pdf(&[
            "示例镇2024年法治政府建设情况的报告",
            "2024年，示例镇坚持依法行政，全面推进法治政府建设，矛盾纠纷化解率达到",
            "98.5%，具体情况报告如下：",
            "一、主要做法",
            "（一）加强学习。全年开展集中学法12次。",
            "二、存在的不足",
            "示例镇人民政府",
            "2025年1月20日",
        ]),
    )
    .unwrap();
    let o = pufa(dir.path(), &["import", "report.pdf", "--root", "site"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("读取：PDF"), "{out}");
    let page = std::fs::read_to_string(dir.path().join("site/content/reports/2024.md")).unwrap();
    assert!(page.contains("title: \"示例镇2024年法治政府建设情况的报告\""), "{page}");
    assert!(page.contains("publisher: \"示例镇人民政府\""), "{page}");
    assert!(
        page.contains("## 一、主要做法") && page.contains("### （一）加强学习"),
        "{page}"
    );
    assert!(
        page.contains("全面推进法治政府建设，矛盾纠纷化解率达到98.5%"),
        "a line the page broke is joined: {page}"
    );
    let b = pufa(dir.path(), &["build", "--root", "site"]);
    assert!(b.status.success(), "{}", stderr(&b));
}

#[test]
fn a_scanned_pdf_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("scan.pdf"), text_pdf(&[])).unwrap();
    let o = pufa(dir.path(), &["import", "scan.pdf", "--dry-run"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("没有文字") && stderr(&o).contains("扫描件"),
        "{}",
        stderr(&o)
    );
}

/// A damaged PDF makes the PDF parser panic inside: the clerk gets the Chinese refusal, not
/// the parser's English panic message and source path.
#[test]
fn a_damaged_pdf_is_refused_without_a_panic_message() {
    let dir = tempfile::tempdir().unwrap();
    let mut pdf = text_pdf(&["一、主要做法", "全年开展普法活动36次。"]);
    pdf[154] = b'0'; // inside the page tree: the parser panics on it
    std::fs::write(dir.path().join("坏.pdf"), pdf).unwrap();
    let o = pufa(dir.path(), &["import", "坏.pdf", "--dry-run"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("坏.pdf") && e.contains("无法读取这个 PDF"), "{e}");
    assert!(!e.contains("panicked") && !e.contains(".rs:"), "{e}");
}

#[test]
fn a_report_without_a_year_asks_for_year() {
    let dir = new_site();
    let src = dir.path().join("无年度.txt");
    std::fs::write(
        &src,
        "关于法治建设情况的报告\n一、主要做法\n示例镇人民政府全面推进依法行政，开展联合检查36次。\n",
    )
    .unwrap();
    let src = src.to_string_lossy().into_owned();
    let o = pufa(
        dir.path(),
        &["import", &src, "--root", "site", "--publisher", "示例镇人民政府"],
    );
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("没有找到所属年度") && e.contains("--year 2024"), "{e}");
    assert!(!e.contains("请报告"), "{e}");
    let o = pufa(
        dir.path(),
        &[
            "import",
            &src,
            "--root",
            "site",
            "--publisher",
            "示例镇人民政府",
            "--year",
            "2024",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

/// A .docx whose document.xml unpacks to `mib` MiB of one repeated paragraph (deflated to a
/// few hundred KB: a zip bomb).
fn make_docx_bomb(path: &Path, mib: usize) {
    let f = std::fs::File::create(path).unwrap();
    let mut z = zip::ZipWriter::new(f);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    z.start_file("word/document.xml", opts).unwrap();
    z.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="x"><w:body>"#)
        .unwrap();
    let para = "<w:p><w:r><w:t>示例镇开展联合检查36次，涉及经营主体158家。</w:t></w:r></w:p>".repeat(1000);
    let mut written = 0;
    while written < mib << 20 {
        z.write_all(para.as_bytes()).unwrap();
        written += para.len();
    }
    z.write_all(b"</w:body></w:document>").unwrap();
    z.finish().unwrap();
}

#[test]
fn a_docx_zip_bomb_is_refused_under_a_memory_cap() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("炸弹.docx");
    make_docx_bomb(&path, 48);
    assert!(std::fs::metadata(&path).unwrap().len() < 1 << 20);
    let f = path.to_string_lossy().into_owned();
    let o = pufa_capped(dir.path(), &["import", &f, "--dry-run"], 512 << 20);
    assert_eq!(o.status.code(), Some(1), "killed or wrong exit: {o:?}");
    let e = stderr(&o);
    assert!(e.contains("解压后太大") && e.contains("word/document.xml"), "{e}");
}

/// About `mb` MB of report text: sections in a township report's style, figures varied.
fn long_report(mb: usize) -> String {
    let mut t = String::from("示例镇2024年法治政府建设年度报告\n中共示例县委、示例县人民政府：\n");
    let mut i = 0;
    while t.len() < mb << 20 {
        i += 1;
        t.push_str(&format!(
            "{}、第{i}部分\n（一）规范行政执法\n开展联合检查{}次，涉及经营主体{}家，排查矛盾纠纷约{}宗。\n",
            ["一", "二", "三", "四", "五", "六", "七", "八", "九"][i % 9],
            i % 97 + 1,
            i % 500 + 100,
            i % 60 + 10
        ));
    }
    t.push_str("示例镇人民政府\n2025年1月15日\n");
    t
}

#[test]
fn a_long_compilation_gets_the_first_metrics_and_is_imported_under_a_memory_cap() {
    let dir = new_site();
    let src = dir.path().join("汇编.txt");
    std::fs::write(&src, long_report(8)).unwrap();
    let f = src.to_string_lossy().into_owned();
    // 8 MB of text has about 150,000 figures. Writing them all as metrics and checking the
    // whole page's Markdown at once took more than 512 MB of address space; the first 300
    // metrics and a check a stretch at a time fit in 224 MB (threads included).
    let o = pufa_capped(dir.path(), &["import", &f, "--root", "site", "--dry-run"], 224 << 20);
    assert!(o.status.success(), "{o:?}");
    let out = stdout(&o);
    let head: String = out.chars().take(600).collect();
    assert!(out.contains("个带单位的数字，300 个写入 metrics"), "{head}");
    assert!(out.contains("一个页面最多写入 300 个指标"), "{head}");
    assert!(out.contains("需要确认的数字没有列出（只列出前 100 个）"));

    let input = decode(&src, &std::fs::read(&src).unwrap()).unwrap();
    let im = convert(input, &Options::default()).unwrap();
    assert_eq!(im.metrics().count(), pufa::import::MAX_METRICS);
    assert_eq!(im.page.matches("\n  - { key: ").count(), pufa::import::MAX_METRICS);
    assert!(
        im.found.confident > 50_000 && im.found.doubted > 20_000,
        "{:?}",
        im.found
    );
    // The figures not written as metrics are still in the text.
    assert!(im.page.contains("开展联合检查97次，涉及经营主体"));
}

#[test]
fn a_long_page_is_checked_a_stretch_at_a_time_with_the_page_s_lines() {
    let dir = new_site();
    let root = dir.path().join("site");
    let config = pufa::config::Config::load(&root, &root.join("config.yaml")).unwrap();
    let mut page = String::from("---\ntitle: 长报告\nyear: 2024\npublisher: 示例镇人民政府\n---\n");
    for i in 0..20_000 {
        page.push_str(&format!("\n第{i}段，全年开展联合检查36次。\n"));
    }
    let line = page.matches('\n').count() + 2;
    page.push_str("\n这里写错了 {{ figure(src=) }}。\n");
    assert!(page.len() > 512 * 1024);
    let e = pufa::import::check_page(&config, "reports/2024.md", "content/reports/2024.md", "reports", &page)
        .unwrap_err()
        .to_string();
    assert!(e.contains(&format!("content/reports/2024.md:{line}:")), "{e}");
    let good = page.replace("{{ figure(src=) }}", "");
    assert!(pufa::import::check_page(&config, "reports/2024.md", "content/reports/2024.md", "reports", &good).is_ok());
}
