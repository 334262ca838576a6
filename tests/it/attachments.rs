//! Attachments (附件): the list with type and size, Chinese file names in URLs, a missing
//! file as an error at its line, and the text of PDF, Word and Excel attachments in the
//! search index (made by the test: a text PDF, a minimal .docx and .xlsx).

use std::io::Write as _;
use std::path::Path;

use crate::common::*;

fn zip_file(path: &Path, parts: &[(&str, String)]) {
    let f = std::fs::File::create(path).unwrap();
    let mut z = zip::ZipWriter::new(f);
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, body) in parts {
        z.start_file(*name, opts).unwrap();
        z.write_all(body.as_bytes()).unwrap();
    }
    z.finish().unwrap();
}

fn docx(path: &Path, text: &str) {
    let doc = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"#
    );
    zip_file(path, &[("word/document.xml", doc)]);
}

fn xlsx(path: &Path, cells: &[&str]) {
    let si: String = cells.iter().map(|c| format!("<si><t>{c}</t></si>")).collect();
    let shared = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{si}</sst>"#
    );
    zip_file(path, &[("xl/sharedStrings.xml", shared)]);
}

const CASE: &str = "---\ntitle: 宅基地纠纷调解案\nyear: 2024\ncase_type: 人民调解\nattachments:\n  - { title: 调解协议书, file: 调解协议.pdf }\n  - { title: 调查笔录, file: 笔录.docx }\n  - { title: 走访统计, file: /files/统计.xlsx }\n---\n\n案情见附件。\n";

fn site() -> Fixture {
    let f = Fixture::new(&[]);
    let dir = f.site().join("content/cases/zhaijidi");
    std::fs::create_dir_all(&dir).unwrap();
    f.write("content/cases/zhaijidi/index.md", CASE);
    std::fs::write(dir.join("调解协议.pdf"), text_pdf(&["双方约定鳌鲸岭界桩位置"])).unwrap();
    docx(&dir.join("笔录.docx"), "证人称麒麟沟旧址无争议");
    std::fs::create_dir_all(f.site().join("static/files")).unwrap();
    xlsx(&f.site().join("static/files/统计.xlsx"), &["貔貅村", "走访户数"]);
    f
}

/// Every token text in the built search index's shards.
fn index_bytes(out: &Path) -> Vec<u8> {
    let mut all = Vec::new();
    for e in std::fs::read_dir(out.join("search/index/p")).unwrap() {
        all.extend(std::fs::read(e.unwrap().path()).unwrap());
    }
    all
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn attachments_are_listed_with_type_and_size_and_searchable() {
    let f = site();
    let o = f.build(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = f.read("cases/zhaijidi/index.html");
    assert!(html.contains("<h2 id=\"attachments-title\">附件</h2>"), "{html}");
    // 调解协议 percent-encoded, with the page's path.
    assert!(
        html.contains("<a href=\"/cases/zhaijidi/%E8%B0%83%E8%A7%A3%E5%8D%8F%E8%AE%AE.pdf\" download>调解协议书</a><span class=\"attachment-meta\">（PDF，"),
        "{html}"
    );
    assert!(
        html.contains(">调查笔录</a><span class=\"attachment-meta\">（Word 文档，"),
        "{html}"
    );
    assert!(html.contains(
        "/files/%E7%BB%9F%E8%AE%A1.xlsx\" download>走访统计</a><span class=\"attachment-meta\">（Excel 表格，"
    ));
    assert!(f.out().join("cases/zhaijidi/调解协议.pdf").is_file());
    let index = index_bytes(&f.out());
    for bigram in ["鳌鲸", "麒麟", "貔貅"] {
        assert!(contains(&index, bigram), "{bigram} is not in the search index");
    }
    let docs = std::fs::read_to_string(f.out().join("search/index/d/0.json")).unwrap();
    // A hit in an attachment is its own result: the page, naming the attachment, with the
    // start of its text; it leads to the page's 附件 list.
    assert!(
        docs.contains("附件《调解协议书》（PDF）：双方约定鳌鲸岭界桩位置"),
        "{docs}"
    );
    assert!(
        docs.contains("附件《调查笔录》（Word 文档）：证人称麒麟沟旧址无争议"),
        "{docs}"
    );
    assert!(docs.contains("附件《走访统计》（Excel 表格）："), "{docs}");
    assert!(docs.contains("/cases/zhaijidi/#attachments-title"), "{docs}");
    assert_eq!(docs.matches("宅基地纠纷调解案").count(), 4, "{docs}");
    // The texts are kept for the next build.
    assert!(f.site().join(".pufa-cache/attachments").read_dir().unwrap().count() >= 3);
}

#[test]
fn a_changed_attachment_is_searched_in_a_cached_build() {
    let f = site();
    let build = |site: &Path, out: &Path| {
        cached_build(site, out).unwrap();
    };
    build(&f.site(), &f.out());
    std::thread::sleep(std::time::Duration::from_millis(20));
    docx(
        &f.site().join("content/cases/zhaijidi/笔录.docx"),
        "证人称饕餮石旧址无争议",
    );
    build(&f.site(), &f.out());
    let index = index_bytes(&f.out());
    assert!(contains(&index, "饕餮"));
    assert!(!contains(&index, "麒麟"));
}

#[test]
fn a_missing_attachment_is_an_error_at_its_line() {
    let f = site();
    std::fs::remove_file(f.site().join("content/cases/zhaijidi/笔录.docx")).unwrap();
    let o = f.build(&[]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("content/cases/zhaijidi/index.md:7:"), "{e}");
    assert!(e.contains("笔录.docx"), "{e}");
}
