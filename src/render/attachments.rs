//! Attachments (附件, front matter `attachments: [{title, file}]`): the list a page shows,
//! with each file's type in words and its size (`PDF，1.2 MB`), a missing file as an error at
//! its front-matter line, and the text of PDF, Word (.docx) and Excel (.xlsx) files for the
//! site search.
//!
//! Text comes from the importer's readers (`import::pdf`, `import::docx`) and a small .xlsx
//! reader here (shared strings and inline strings: all of a sheet's words). Extracting a PDF
//! can take a second, so texts are kept in `SITE/.pufa-cache/attachments/HASH.txt`, keyed by
//! the file's bytes; a file pufa cannot read (a scan, a damaged file) gives no text.

use std::path::Path;

use tera::Value;

use super::shortcodes::{FoundFile, file_type, resolve_file, size_text};
use super::values::MapBuilder;
use crate::content::{Page, Site};
use crate::diagnostics::Diagnostic;

/// The page's attachments as templates see them: `title`, `file`, `url`, `type`, `size`;
/// a missing file is an error at its line.
pub fn values(site: &Site, p: &Page) -> Result<Value, Diagnostic> {
    let mut out = Vec::new();
    for a in p.front.attachments.iter().flatten() {
        let found = resolve_file(site, p, &a.file).ok_or_else(|| missing(p, &a.file))?;
        let mut m = MapBuilder::new();
        m.set("title", a.title.as_str())
            .set("file", a.file.as_str())
            .set("url", found.url.as_str())
            .set("type", file_type(&a.file))
            .set("size", found.size.map(size_text).unwrap_or_default());
        out.push(m.build());
    }
    Ok(Value::from(out))
}

fn missing(p: &Page, file: &str) -> Diagnostic {
    p.at_text("attachment/missing", file, format!("找不到附件文件“{file}”"))
        .with_hint("附件文件放在本页的文件夹里（页面包，如 cases/名称/index.md 旁边），或放在 static/ 里并以 / 开头写路径；检查文件名是否写错。")
}

/// The files of the page's attachments that exist (for fingerprints and search).
pub fn files(site: &Site, p: &Page) -> Vec<FoundFile> {
    p.front
        .attachments
        .iter()
        .flatten()
        .filter_map(|a| resolve_file(site, p, &a.file))
        .collect()
}

/// A fingerprint of the page's attachment files (size and modification time of each).
pub fn stamp(site: &Site, p: &Page) -> u64 {
    if p.front.attachments.is_none() {
        return 0;
    }
    crate::util::hash_of(
        &files(site, p)
            .iter()
            .filter_map(|f| f.disk.as_deref())
            .map(crate::content::reuse::file_hash)
            .collect::<Vec<_>>(),
    )
}

/// Whether pufa reads the text of a file of this name (PDF, Word .docx, Excel .xlsx).
pub fn has_text(name: &str) -> bool {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    matches!(ext.as_str(), "pdf" | "docx" | "xlsx")
}

/// The text of one attachment file, from the cache or extracted now.
pub fn text_of(site: &Site, path: &Path) -> String {
    if !has_text(&path.to_string_lossy()) {
        return String::new();
    }
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let Ok(bytes) = std::fs::read(path) else {
        return String::new();
    };
    let dir = site.config.cache_dir().join("attachments");
    let cached = dir.join(format!("{:016x}.txt", crate::util::hash_bytes(&bytes)));
    if let Ok(t) = std::fs::read_to_string(&cached) {
        return t;
    }
    let text = extract(path, &ext, &bytes);
    // A cache that cannot be written only costs the extraction next time.
    if std::fs::create_dir_all(&dir).is_ok() {
        let tmp = cached.with_extension("tmp");
        if std::fs::write(&tmp, &text).is_ok() {
            let _ = std::fs::rename(&tmp, &cached);
        }
    }
    text
}

fn extract(path: &Path, ext: &str, bytes: &[u8]) -> String {
    match ext {
        "pdf" => crate::import::pdf::read(path, bytes).unwrap_or_default(),
        "docx" => crate::import::docx::read(path, bytes)
            .map(|blocks| {
                blocks
                    .iter()
                    .map(|b| match b {
                        crate::import::docx::Block::Para(p) => p.text.clone(),
                        crate::import::docx::Block::Table(rows) => {
                            rows.iter().map(|r| r.join(" ")).collect::<Vec<_>>().join("\n")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default(),
        "xlsx" => xlsx_text(path, bytes).unwrap_or_default(),
        _ => String::new(),
    }
}

/// The words of an .xlsx workbook: its shared strings and every sheet's inline strings, each
/// part unpacked only up to the importer's limit for a document (a zip bomb gives no text).
pub fn xlsx_text(path: &Path, bytes: &[u8]) -> Option<String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let names: Vec<String> = zip
        .file_names()
        .filter_map(Result::ok)
        .map(|n| n.into_owned())
        .filter(|n| n == "xl/sharedStrings.xml" || (n.starts_with("xl/worksheets/") && n.ends_with(".xml")))
        .collect();
    let mut out = Vec::new();
    for n in names {
        let xml = crate::import::docx::read_part(&mut zip, path, &n, crate::import::docx::MAX_DOCUMENT_XML).ok()??;
        out.extend(texts_of(&xml));
    }
    Some(out.join("\n"))
}

/// The text of every `<t>` element of a SpreadsheetML part.
fn texts_of(xml: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    let mut in_t = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.name().as_ref() == "t" => in_t = true,
            Ok(Event::End(e)) if e.name().as_ref() == "t" => in_t = false,
            Ok(Event::Text(t)) if in_t => out.push(t.xml10_content().into_owned()),
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}
