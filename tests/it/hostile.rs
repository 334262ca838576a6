//! Hostile input. Generated front matter, Markdown (with `@/` links and shortcode-like
//! `{{ x() }}` text) and import files never make the library panic (proptest, a few dozen
//! cases each so the suite stays fast); and each input class, made huge, deep or explosive,
//! ends the `pufa` binary with an exit code under a memory cap (`ulimit -v`) instead of an
//! abort or the machine's memory.

use std::io::Write;
use std::path::Path;

use proptest::prelude::*;

use crate::common::*;
use pufa::config::Config;
use pufa::content::page::parse_page;
use pufa::import::decode::decode;
use pufa::import::{Options, convert};

/// The cap the binary runs under: several times what a normal build of the fixture needs.
const CAP: u64 = 768 << 20;

fn config() -> Config {
    Config::parse(
        Path::new("/s"),
        Path::new("/s/config.yaml"),
        "title: T\nbase_url: https://a.gov.cn/hlz/\ngovernment_site: false\n",
    )
    .unwrap()
}

/// Pieces YAML front matter is made of, good and broken.
fn yaml_piece() -> impl Strategy<Value = String> {
    let keys = prop::sample::select(vec![
        "title",
        "year",
        "date",
        "updated",
        "slug",
        "draft",
        "weight",
        "case_type",
        "publisher",
        "taxonomies",
        "topics",
        "metrics",
        "key",
        "value",
        "extra",
        "years",
        "awards",
        "title：",
        "- key",
        "\"title\"",
    ]);
    let values = prop::sample::select(vec![
        "",
        "示例",
        "2024",
        "2023-02-30",
        "2024-01-01T08:00:00+08:00",
        "[a, b",
        "{x: 1}",
        "[法治, 普法]",
        "&a x",
        "*a",
        "!!binary aGVsbG8=",
        "|",
        ">-",
        "\u{3000}x",
        "- 1",
        "true",
        "1e999",
        "-0",
        "~",
        "'",
        "\"",
        "{{ x() }}",
        "@/reports/2024.md",
        "： 全角",
    ]);
    (0usize..4, keys, values, "\\PC{0,6}")
        .prop_map(|(indent, k, v, junk)| format!("{}{k}: {v}{junk}", "  ".repeat(indent)))
}

fn front_matter() -> impl Strategy<Value = String> {
    prop::collection::vec(yaml_piece(), 0..12).prop_map(|lines| lines.join("\n"))
}

/// Markdown fragments: links of every kind, shortcode-like text, nesting and raw HTML.
fn markdown() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "[链接](@/reports/2024.md#一主要做法)",
        "[x](@/",
        "[y](@/cases/)",
        "](@/a.md)",
        "[z](/metrics/)",
        "{{ x() }}",
        "{{ get_url(path=\"@/a.md\") }}",
        "{% if %}",
        "{{<",
        "}}",
        "**",
        "*",
        "_",
        "`",
        "```",
        "\n# 标题\n",
        "\n## 一、主要做法\n",
        "\n|a|b|\n|-|-|\n|1|2|\n",
        "<a href=\"@/x.md\">",
        "<img src=/x>",
        "[^1]",
        "\n[^1]: 注\n",
        "> ",
        "\n- ",
        "\n1. ",
        "\\",
        "![](",
        "![图](a.jpg)",
        "{#id}",
        "\n---\n",
        "&#0;",
        "依据**《民法典》**的规定",
        "\n\n",
        "<!--",
        "-->",
        "<script>",
        "\u{3000}",
        "\u{feff}",
    ]);
    let piece = prop_oneof![4 => pieces.prop_map(str::to_string), 1 => "\\PC{0,12}"];
    prop::collection::vec(piece, 0..40).prop_map(|p| p.concat())
}

/// Report text: ordinals of every level, figures, dates, signatures and noise.
fn report() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "一、",
        "（一）",
        "(二)",
        "1.",
        "（1）",
        "十一、",
        "2023年",
        "二〇二四年一月二日",
        "示例镇人民政府",
        "报告",
        "开展联合检查36次",
        "约560万元",
        "化解率96.31%",
        "获评",
        "“人民满意司法所”",
        "，",
        ",",
        "：",
        ";",
        "\n",
        "\n\n",
        "\r\n",
        "\t",
        "第",
        "条",
        "·",
        "0",
        "99999999999999999999",
        "-",
        "#",
        "|",
        "*",
    ]);
    let piece = prop_oneof![4 => pieces.prop_map(str::to_string), 1 => "\\PC{0,10}"];
    prop::collection::vec(piece, 0..60).prop_map(|p| p.concat())
}

/// A .docx whose document.xml is `xml` (not necessarily well-formed).
fn docx_bytes(xml: &str) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    z.start_file("word/document.xml", opts).unwrap();
    z.write_all(xml.as_bytes()).unwrap();
    z.finish().unwrap().into_inner()
}

fn docx_xml() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "<w:p>",
        "</w:p>",
        "<w:r>",
        "</w:r>",
        "<w:t>",
        "</w:t>",
        "<w:tbl>",
        "</w:tbl>",
        "<w:tr>",
        "<w:tc>",
        "</w:tc>",
        "<w:b/>",
        "<w:rPr>",
        "</w:rPr>",
        "<w:pStyle w:val=\"1\"/>",
        "<w:outlineLvl w:val=\"99\"/>",
        "<w:numPr/>",
        "<w:br/>",
        "&amp;",
        "&#xFFFF;",
        "&bogus;",
        "一、主要做法",
        "2023年",
        "36次",
        "<",
        ">",
    ]);
    prop::collection::vec(pieces, 0..50)
        .prop_map(|p| format!("<w:document><w:body>{}</w:body></w:document>", p.concat()))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn front_matter_never_panics(yaml in front_matter(), section in prop::sample::select(vec!["", "cases", "reports"])) {
        let text = format!("---\n{yaml}\n---\n正文\n");
        let rel = if section.is_empty() { "x.md".to_string() } else { format!("{section}/x.md") };
        let _ = parse_page(&config(), &rel, &format!("content/{rel}"), &text, section, Vec::new());
        let _ = pufa::yaml::from_str::<pufa::yaml::Value>(&yaml);
    }

    #[test]
    fn markdown_never_panics(body in markdown()) {
        let text = format!("---\ntitle: 页面\n---\n{body}");
        let _ = parse_page(&config(), "about.md", "content/about.md", &text, "", Vec::new());
    }

    #[test]
    fn the_importer_never_panics(text in report(), noise in prop::collection::vec(any::<u8>(), 0..64)) {
        for (name, bytes) in [("r.txt", text.as_bytes().to_vec()), ("r.txt", noise.clone()), ("r.docx", noise)] {
            if let Ok(input) = decode(Path::new(name), &bytes) {
                let _ = convert(input, &Options::default());
            }
        }
    }

    #[test]
    fn the_pdf_reader_never_panics(
        noise in prop::collection::vec(any::<u8>(), 0..64),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        // Random bytes, and a real text PDF with a few bytes changed (a damaged download).
        let mut damaged = text_pdf(&["一、主要做法", "全年开展普法活动36次。"]);
        for (at, byte) in flips {
            let i = at.index(damaged.len());
            damaged[i] = byte;
        }
        for bytes in [noise, damaged] {
            if let Ok(input) = decode(Path::new("r.pdf"), &bytes) {
                let _ = convert(input, &Options::default());
            }
        }
    }

    #[test]
    fn the_docx_reader_never_panics(xml in docx_xml()) {
        if let Ok(input) = decode(Path::new("r.docx"), &docx_bytes(&xml)) {
            let _ = convert(input, &Options::default());
        }
    }
}

/// Sets the uncompressed size in every local and central zip header of `zip` to `size`;
/// returns how many headers it changed.
fn understate(zip: &mut [u8], size: u32) -> usize {
    let mut changed = 0;
    for i in 0..zip.len().saturating_sub(30) {
        let at = match &zip[i..i + 4] {
            [0x50, 0x4b, 0x03, 0x04] => i + 22,
            [0x50, 0x4b, 0x01, 0x02] => i + 24,
            _ => continue,
        };
        zip[at..at + 4].copy_from_slice(&size.to_le_bytes());
        changed += 1;
    }
    changed
}

/// A .docx whose headers say its document.xml is 1 KB while it unpacks to 36 MB: the reader
/// never holds more than its 32 MB limit, whatever the headers claim.
#[test]
fn a_docx_that_understates_its_size_is_read_no_further_than_its_limit() {
    let xml = format!(
        "<w:document><w:body><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:body></w:document>",
        "法".repeat(12 << 20)
    );
    let mut bytes = docx_bytes(&xml);
    assert!(bytes.len() < 1 << 20, "deflated: {} bytes", bytes.len());
    assert_eq!(understate(&mut bytes, 1024), 2, "one local and one central header");
    match decode(Path::new("r.docx"), &bytes) {
        Err(e) => assert!(e.to_string().contains("r.docx"), "{e}"),
        Ok(pufa::import::decode::Input::Docx(blocks)) => {
            let text = format!("{blocks:?}");
            assert!(
                text.len() < 32 << 20,
                "read {} bytes past the headers' size",
                text.len()
            );
        }
        Ok(other) => panic!("not read as Word: {other:?}"),
    }
}

/// Builds the fixture with `rel` written as `text`, under the memory cap: pufa must end with
/// an exit code (0 or 1), not be killed; returns the output.
fn build_capped(rel: &str, text: &str) -> std::process::Output {
    let f = Fixture::new(&[]);
    f.write(rel, text);
    let o = pufa_capped(f.dir.path(), &["build", "--root", "site", "--output", "public"], CAP);
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{rel}: pufa was killed or aborted ({:?}):\n{}",
        o.status,
        stderr(&o)
    );
    o
}

#[test]
fn yaml_alias_bombs_are_refused_under_a_memory_cap() {
    // Nine levels of nine aliases: 9^9 strings if expanded.
    let mut yaml = String::from("title: 炸弹\nextra:\n  a0: &a0 [\"哈哈哈哈哈哈哈哈\"]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        yaml.push_str(&format!("  a{i}: &a{i} [{refs}]\n"));
    }
    let o = build_capped("content/bomb.md", &format!("---\n{yaml}---\n正文\n"));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("content/bomb.md"), "{}", stderr(&o));
}

#[test]
fn deeply_nested_markdown_builds_under_a_memory_cap() {
    let deep = format!(
        "{}\n\n{}x{}\n\n{}\n",
        ">".repeat(50_000),
        "[".repeat(50_000),
        "](@/about.md)".repeat(2_000),
        "{{ x() }}".repeat(20_000)
    );
    build_capped("content/deep.md", &format!("---\ntitle: 深\n---\n{deep}"));
}

#[test]
fn a_huge_page_builds_under_a_memory_cap() {
    let para = "示例镇开展联合检查36次，涉及经营主体158家，依据**《民法典》**的规定。[链接](@/about.md)\n\n";
    let o = build_capped(
        "content/big.md",
        &format!("---\ntitle: 大\n---\n{}", para.repeat(40_000)),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn a_big_text_import_finishes_under_a_memory_cap() {
    let dir = tempfile::tempdir().unwrap();
    let line = "1.规范行政执法。开展联合检查36次，涉及经营主体158家，作出不予处罚决定9宗。\n";
    let text = format!(
        "示例镇2024年法治政府建设年度报告\n一、主要做法\n{}示例镇人民政府\n",
        line.repeat(12_000)
    );
    let path = dir.path().join("大报告.txt");
    std::fs::write(&path, text).unwrap();
    let p = path.to_string_lossy().into_owned();
    let o = pufa_capped(dir.path(), &["import", &p, "--dry-run", "--into", "out"], CAP);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
}
