//! Word `.docx`: the zip's `word/document.xml` read as paragraphs (with their heading
//! style or outline level, list membership and bold runs) and tables, with heading style
//! names from `word/styles.xml` ("heading 1", "标题 1", "Title" ...).

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use quick_xml::events::{BytesStart, Event};

use crate::diagnostics::{Diagnostic, Error};

/// One block of a Word document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Para(Para),
    Table(Vec<Vec<String>>),
}

/// A paragraph and what Word says about it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Para {
    pub text: String,
    /// Heading level from the style or outline level (1 = "heading 1").
    pub heading: Option<u8>,
    /// Styled as the document title.
    pub title: bool,
    /// A numbered or bulleted list item.
    pub list: bool,
    /// Characters at the start of the paragraph that are bold (all of it when equal to its length).
    pub bold_prefix: usize,
}

fn fail(file: &Path, what: &str) -> Error {
    Error::one(
        Diagnostic::new("import/docx", format!("无法读取 Word 文档：{what}"))
            .in_file(file.display().to_string())
            .with_hint("文件可能已损坏。请用 Word 或 WPS 打开后重新“另存为” .docx，或复制正文保存为 .txt 再导入。"),
    )
}

fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.try_get_attribute(name).ok().flatten().and_then(|a| {
        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .ok()
            .map(|v| v.into_owned())
    })
}

/// Heading level and title flag by style id, from styles.xml.
fn styles(xml: &str) -> HashMap<String, (Option<u8>, bool)> {
    let mut out = HashMap::new();
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut current: Option<String> = None;
    let mut name = String::new();
    let mut outline: Option<u8> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.name().as_ref() {
                "w:style" => {
                    current = attr(&e, "w:styleId");
                    name.clear();
                    outline = None;
                }
                "w:name" if current.is_some() => name = attr(&e, "w:val").unwrap_or_default().to_lowercase(),
                "w:outlineLvl" if current.is_some() => {
                    outline = attr(&e, "w:val").and_then(|v| v.parse::<u8>().ok()).map(|l| l + 1)
                }
                _ => {}
            },
            Ok(Event::End(e)) if e.name().as_ref() == "w:style" => {
                if let Some(id) = current.take() {
                    let level = heading_level(&name).or(outline);
                    let title = name == "title" || name == "标题";
                    out.insert(id, (level, title));
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

/// "heading 2", "标题 2" → 2.
fn heading_level(style_name: &str) -> Option<u8> {
    let n = style_name.trim();
    let rest = n.strip_prefix("heading").or_else(|| n.strip_prefix("标题"))?;
    rest.trim().parse::<u8>().ok().filter(|l| (1..=9).contains(l))
}

/// The most `word/document.xml` may unpack to: a 100-page report is a few MB of XML, and a
/// zip that unpacks to far more (a "zip bomb") must not take the machine's memory.
pub const MAX_DOCUMENT_XML: u64 = 32 << 20;
/// The most `word/styles.xml` may unpack to.
pub const MAX_STYLES_XML: u64 = 4 << 20;

/// Reads a .docx file's blocks.
pub fn read(file: &Path, bytes: &[u8]) -> Result<Vec<Block>, Error> {
    // The zip library's own words ("invalid Zip archive: Could not find EOCD") mean nothing
    // to a clerk: say what they mean.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| {
        fail(
            file,
            "文件不完整或不是真正的 .docx（.docx 是一个压缩包，这个文件打不开）",
        )
    })?;
    let document = read_part(&mut zip, file, "word/document.xml", MAX_DOCUMENT_XML)?
        .ok_or_else(|| fail(file, "缺少 word/document.xml（这不是 Word 文档？）"))?;
    let styles = read_part(&mut zip, file, "word/styles.xml", MAX_STYLES_XML)?
        .map(|s| styles(&s))
        .unwrap_or_default();
    parse_document(&document, &styles).map_err(|e| fail(file, &e))
}

/// One part of the zip as text, `None` when it is not there; never more than `limit` bytes
/// are unpacked, whatever the zip's directory claims.
pub(crate) fn read_part<R: std::io::Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    file: &Path,
    name: &str,
    limit: u64,
) -> Result<Option<String>, Error> {
    let part = match zip.by_name(name) {
        Ok(p) => p,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(fail(file, &format!("{name}：{e}"))),
    };
    if part.size() > limit {
        return Err(too_big(file, name, limit));
    }
    let mut buf = Vec::with_capacity(part.size() as usize);
    part.take(limit + 1)
        .read_to_end(&mut buf)
        .map_err(|e| fail(file, &format!("{name}：{e}")))?;
    if buf.len() as u64 > limit {
        return Err(too_big(file, name, limit));
    }
    String::from_utf8(buf)
        .map(Some)
        .map_err(|_| fail(file, &format!("{name} 不是 UTF-8 编码的 XML")))
}

fn too_big(file: &Path, name: &str, limit: u64) -> Error {
    Error::one(
        Diagnostic::new(
            "import/docx-too-big",
            format!("Word 文档解压后太大：{name} 超过 {} MB，pufa 不读取", limit >> 20),
        )
        .in_file(file.display().to_string())
        .with_hint(
            "正常的年度报告解压后只有几 MB，这个文件可能已损坏或是“压缩炸弹”。请用 Word 或 WPS 打开后重新“另存为” .docx，或复制正文保存为 .txt 再导入。",
        ),
    )
}

fn parse_document(xml: &str, styles: &HashMap<String, (Option<u8>, bool)>) -> Result<Vec<Block>, String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut blocks = Vec::new();
    let mut para: Option<Para> = None;
    let mut para_bold_done = false;
    let mut in_t = false;
    let mut run_bold = false;
    let mut in_rpr = false;
    let mut table_depth = 0usize;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut cell: Option<String> = None;
    loop {
        let ev = reader.read_event().map_err(|e| e.to_string())?;
        match ev {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                "w:tbl" => {
                    table_depth += 1;
                    if table_depth == 1 {
                        rows.clear();
                    }
                }
                "w:tr" if table_depth == 1 => rows.push(Vec::new()),
                "w:tc" if table_depth == 1 => cell = Some(String::new()),
                "w:p" => {
                    para = Some(Para::default());
                    para_bold_done = false;
                }
                "w:pStyle" => {
                    if let (Some(p), Some(id)) = (para.as_mut(), attr(&e, "w:val")) {
                        let (level, title) = styles
                            .get(&id)
                            .copied()
                            .unwrap_or((heading_level(&id.to_lowercase()), id.eq_ignore_ascii_case("title")));
                        p.heading = level;
                        p.title = title;
                    }
                }
                "w:outlineLvl" => {
                    if let (Some(p), Some(l)) = (para.as_mut(), attr(&e, "w:val").and_then(|v| v.parse::<u8>().ok()))
                        && l < 9
                    {
                        p.heading = Some(l + 1);
                    }
                }
                "w:numPr" => {
                    if let Some(p) = para.as_mut() {
                        p.list = true;
                    }
                }
                "w:r" => run_bold = false,
                "w:rPr" => in_rpr = true,
                "w:b" if in_rpr => run_bold = !matches!(attr(&e, "w:val").as_deref(), Some("0") | Some("false")),
                "w:t" => in_t = true,
                "w:tab" => push_text(&mut para, &mut para_bold_done, run_bold, "\t"),
                "w:br" | "w:cr" => push_text(&mut para, &mut para_bold_done, run_bold, "\n"),
                _ => {}
            },
            Event::Text(t) if in_t => {
                let s = t.xml10_content().into_owned();
                push_text(&mut para, &mut para_bold_done, run_bold, &s);
            }
            Event::GeneralRef(r) if in_t => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    push_text(&mut para, &mut para_bold_done, run_bold, c.encode_utf8(&mut [0; 4]));
                } else if let Some(s) = quick_xml::escape::resolve_predefined_entity(&r) {
                    push_text(&mut para, &mut para_bold_done, run_bold, s);
                }
            }
            Event::End(e) => match e.name().as_ref() {
                "w:t" => in_t = false,
                "w:rPr" => in_rpr = false,
                "w:p" => {
                    if let Some(p) = para.take() {
                        if let Some(c) = cell.as_mut() {
                            if !c.is_empty() && !p.text.trim().is_empty() {
                                c.push(' ');
                            }
                            c.push_str(p.text.trim());
                        } else if table_depth == 0 {
                            blocks.push(Block::Para(p));
                        }
                    }
                }
                "w:tc" if table_depth == 1 => {
                    if let (Some(c), Some(row)) = (cell.take(), rows.last_mut()) {
                        row.push(c);
                    }
                }
                "w:tbl" => {
                    table_depth = table_depth.saturating_sub(1);
                    if table_depth == 0 && !rows.is_empty() {
                        blocks.push(Block::Table(std::mem::take(&mut rows)));
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(blocks)
}

fn push_text(para: &mut Option<Para>, bold_done: &mut bool, bold: bool, s: &str) {
    let Some(p) = para.as_mut() else { return };
    if !*bold_done {
        if bold {
            p.bold_prefix += s.chars().count();
        } else if !s.trim().is_empty() {
            *bold_done = true;
        }
    }
    p.text.push_str(s);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_styles_bold_and_tables() {
        let styles_xml = r#"<w:styles xmlns:w="x"><w:style w:styleId="2"><w:name w:val="heading 1"/></w:style><w:style w:styleId="T"><w:name w:val="Title"/></w:style></w:styles>"#;
        let st = styles(styles_xml);
        let doc = r#"<w:document xmlns:w="x"><w:body>
<w:p><w:pPr><w:pStyle w:val="T"/></w:pPr><w:r><w:t>示例镇报告</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="2"/></w:pPr><w:r><w:t>一、主要做法</w:t></w:r></w:p>
<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>1.加强学习。</w:t></w:r><w:r><w:t>正文&amp;内容</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>指标</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>数值</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:p><w:r><w:t>化解率</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>93.19%</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
</w:body></w:document>"#;
        let blocks = parse_document(doc, &st).unwrap();
        assert_eq!(blocks.len(), 4);
        let Block::Para(t) = &blocks[0] else { panic!() };
        assert!(t.title);
        let Block::Para(h) = &blocks[1] else { panic!() };
        assert_eq!(h.heading, Some(1));
        let Block::Para(p) = &blocks[2] else { panic!() };
        assert_eq!(p.text, "1.加强学习。正文&内容");
        assert_eq!(p.bold_prefix, 7);
        assert_eq!(
            blocks[3],
            Block::Table(vec![
                vec!["指标".into(), "数值".into()],
                vec!["化解率".into(), "93.19%".into()]
            ])
        );
    }
}
