//! Reading a file as it arrives: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030/GBK
//! (detected from the bytes, not guessed from the name), Word `.docx`, a
//! text-based PDF (see `pdf`); and a clear message for what cannot be read (a `.doc` from
//! Word 97, a scanned PDF, an image, a binary, an empty file).

use std::path::Path;

use crate::diagnostics::{Diagnostic, Error};

/// What the importer reads.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// Plain text (line endings normalised to `\n`), with the encoding it was found in.
    Text { text: String, encoding: &'static str },
    /// A Word document, as paragraphs and tables.
    Docx(Vec<super::docx::Block>),
    /// A Markdown page (passed through, its front matter checked).
    Markdown(String),
}

fn refuse(file: &Path, message: &str, hint: &str) -> Error {
    Error::one(
        Diagnostic::new("import/format", message.to_string())
            .in_file(file.display().to_string())
            .with_hint(hint),
    )
}

fn binary(file: &Path) -> Error {
    refuse(
        file,
        "文件里有二进制内容，不是文本文件",
        "请导入报告的 Word 文档（.docx）或纯文本（.txt）。",
    )
}

/// Detects the format and encoding of `bytes` read from `file`.
pub fn decode(file: &Path, bytes: &[u8]) -> Result<Input, Error> {
    let ext = file
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(refuse(file, "文件是空的", "请确认选对了文件，或重新导出一次。"));
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Err(refuse(
            file,
            "这是旧版 Word（.doc）或其他 Office 97-2003 格式的文件，无法直接读取",
            "请用 Word 或 WPS 打开它，“另存为” Word 文档（.docx）后再导入；也可以全选复制正文，粘贴到记事本保存为 .txt。",
        ));
    }
    if bytes.starts_with(b"%PDF") {
        let text = super::pdf::read(file, bytes)?;
        return Ok(Input::Text { text, encoding: "PDF" });
    }
    for (magic, what) in [
        (&b"\x89PNG"[..], "PNG 图片"),
        (&b"\xFF\xD8\xFF"[..], "JPEG 图片"),
        (&b"GIF8"[..], "GIF 图片"),
        (&b"Rar!"[..], "RAR 压缩包"),
        (&b"\x1F\x8B"[..], "gzip 压缩包"),
        (&b"7z\xBC\xAF"[..], "7z 压缩包"),
    ] {
        if bytes.starts_with(magic) {
            return Err(refuse(
                file,
                &format!("这是{what}，不是报告正文"),
                "请导入报告的 Word 文档（.docx）或纯文本（.txt）。扫描件需要先识别成文字。",
            ));
        }
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return super::docx::read(file, bytes).map(Input::Docx);
    }
    if bytes.starts_with(b"{\\rtf") {
        return Err(refuse(
            file,
            "这是 RTF 文件",
            "请用 Word 或 WPS 打开后“另存为” Word 文档（.docx）再导入。",
        ));
    }
    // UTF-16 with a BOM.
    for (bom, enc, name) in [
        (&[0xFF, 0xFE][..], encoding_rs::UTF_16LE, "UTF-16LE"),
        (&[0xFE, 0xFF][..], encoding_rs::UTF_16BE, "UTF-16BE"),
    ] {
        if bytes.starts_with(bom) {
            let (text, _, bad) = enc.decode(bytes);
            if bad {
                return Err(refuse(
                    file,
                    &format!("文件标明是 {name} 编码，但内容有损坏"),
                    "请用记事本打开后另存为 UTF-8。",
                ));
            }
            return Ok(text_input(&ext, text.into_owned(), name));
        }
    }
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(body) {
        if text.contains('\0') {
            return Err(binary(file));
        }
        return Ok(text_input(
            &ext,
            text.to_string(),
            if body.len() < bytes.len() {
                "UTF-8（带 BOM）"
            } else {
                "UTF-8"
            },
        ));
    }
    if bytes.iter().filter(|b| **b == 0).count() > bytes.len() / 100 {
        return Err(binary(file));
    }
    // Not UTF-8: let the detector decide (GB18030/GBK is what Chinese Windows writes).
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    let enc = det.guess(Some(b"cn"), chardetng::Utf8Detection::Allow);
    // GB18030 is a superset of GBK: decode with it whichever the detector names.
    let enc = if enc == encoding_rs::GBK {
        encoding_rs::GB18030
    } else {
        enc
    };
    let (text, _, bad) = enc.decode(bytes);
    if bad {
        return Err(refuse(
            file,
            "无法识别文件的编码",
            "请用记事本打开文件，“另存为”时编码选 UTF-8，再导入。",
        ));
    }
    let name = if enc == encoding_rs::GB18030 {
        "GB18030/GBK"
    } else {
        enc.name()
    };
    Ok(text_input(&ext, text.into_owned(), name))
}

fn text_input(ext: &str, text: String, encoding: &'static str) -> Input {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    if ext == "md" || ext == "markdown" {
        Input::Markdown(text)
    } else {
        Input::Text { text, encoding }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("report.txt")
    }

    #[test]
    fn utf8_gbk_and_utf16_are_read() {
        let s = "2024年,横栏镇坚持依法行政。\r\n一、主要做法及成效\r\n";
        let want = s.replace("\r\n", "\n");
        assert!(matches!(decode(p(), s.as_bytes()).unwrap(), Input::Text { text, encoding: "UTF-8" } if text == want));
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(s.as_bytes());
        assert!(matches!(decode(p(), &bom).unwrap(), Input::Text { text, .. } if text == want));
        let (gbk, _, _) = encoding_rs::GBK.encode(s);
        assert!(matches!(decode(p(), &gbk).unwrap(), Input::Text { text, encoding: "GB18030/GBK" } if text == want));
        let mut u16 = vec![0xFF, 0xFE];
        for c in s.encode_utf16() {
            u16.extend_from_slice(&c.to_le_bytes());
        }
        assert!(matches!(decode(p(), &u16).unwrap(), Input::Text { text, encoding: "UTF-16LE" } if text == want));
    }

    #[test]
    fn unreadable_files_are_explained() {
        let msg = |b: &[u8]| decode(p(), b).unwrap_err().diagnostics[0].clone();
        assert!(msg(b"").message.contains("空"));
        assert!(msg(b"  \n ").message.contains("空"));
        assert!(
            msg(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0])
                .hint
                .unwrap()
                .contains(".docx")
        );
        assert!(msg(b"%PDF-1.7\n").message.contains("PDF"));
        assert!(msg(b"\x89PNG\r\n\x1a\n").message.contains("图片"));
        assert!(
            msg(&[0u8, 1, 2, 3, 0, 0, 5, 0xFF, 0xFE, 0, 0, 0])
                .message
                .contains("二进制")
        );
    }
}
