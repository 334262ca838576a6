//! Text-based PDF reports: the text of every page read with `pdf-extract` (which maps glyphs
//! back to characters through the fonts' ToUnicode tables, as Chinese PDFs need), lines that
//! a page's width broke joined back into paragraphs, and a clear refusal for a PDF without
//! text (a scan) or one that cannot be read.

use std::path::Path;

use crate::diagnostics::{Diagnostic, Error};

fn refuse(file: &Path, message: &str, hint: &str) -> Error {
    Error::one(
        Diagnostic::new("import/pdf", message.to_string())
            .in_file(file.display().to_string())
            .with_hint(hint),
    )
}

/// The text of a PDF, one paragraph per line.
pub fn read(file: &Path, bytes: &[u8]) -> Result<String, Error> {
    // The PDF parser may panic on a damaged file: that is a refusal, not a crash.
    let extracted = quietly(|| pdf_extract::extract_text_from_mem(bytes));
    let text = match extracted {
        Ok(Ok(t)) => t,
        Ok(Err(_)) | Err(_) => {
            return Err(refuse(
                file,
                "无法读取这个 PDF 文件（文件损坏或加了密码）",
                "请找到报告的 Word 原文（.docx）导入；或用 PDF 阅读器打开，复制正文粘贴到记事本保存为 .txt 再导入。",
            ));
        }
    };
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    if lines.iter().all(|l| l.chars().all(|c| !c.is_alphanumeric())) {
        return Err(refuse(
            file,
            "这个 PDF 里没有文字，可能是扫描件（图片）",
            "扫描件需要先用文字识别（OCR）转成文字；最好找到报告的 Word 原文（.docx）导入。",
        ));
    }
    Ok(join_wrapped(&lines))
}

/// Runs `f`, a call into the PDF parser, catching its panic (a damaged file) without the
/// panic's English message and source path reaching the terminal: the caller reports it in
/// Chinese. Other threads' panics, and this thread's outside `f`, print as always.
fn quietly<T>(f: impl FnOnce() -> T + std::panic::UnwindSafe) -> std::thread::Result<T> {
    use std::cell::Cell;
    thread_local!(static QUIET: Cell<bool> = const { Cell::new(false) });
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                default(info);
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    let result = std::panic::catch_unwind(f);
    QUIET.with(|q| q.set(false));
    result
}

/// Joins lines a page broke: a line about as long as the page's longest that does not end a
/// sentence continues on the next, unless the next starts a numbered heading.
fn join_wrapped(lines: &[&str]) -> String {
    let widest = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        out.push_str(l);
        let full = l.chars().count() * 10 >= widest * 8 && widest >= 20;
        let ends = l.ends_with(['。', '：', ':', '；', '！', '？', '”']);
        let next_numbered = lines
            .get(i + 1)
            .is_some_and(|n| super::structure::ordinal(n).is_some() || super::structure::part(n).is_some());
        if !(full && !ends && !next_numbered) {
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_a_page_broke_are_joined_and_headings_are_not() {
        let lines = [
            "示例镇2024年法治政府建设情况的报告",
            "2024年，示例镇坚持以习近平新时代中国特色社会主义思想为指导，全面推进",
            "依法行政，具体情况报告如下：",
            "一、主要做法",
            "（一）加强学习。镇党委组织学习宪法和民法典，全年开展集中学法十二次，",
            "覆盖全体干部。",
        ];
        let text = join_wrapped(&lines);
        let got: Vec<&str> = text.lines().collect();
        assert_eq!(got[0], "示例镇2024年法治政府建设情况的报告");
        assert_eq!(
            got[1],
            "2024年，示例镇坚持以习近平新时代中国特色社会主义思想为指导，全面推进依法行政，具体情况报告如下："
        );
        assert_eq!(got[2], "一、主要做法");
        assert_eq!(
            got[3],
            "（一）加强学习。镇党委组织学习宪法和民法典，全年开展集中学法十二次，覆盖全体干部。"
        );
    }

    #[test]
    fn a_damaged_pdf_is_refused_not_a_crash() {
        let e = read(Path::new("a.pdf"), b"%PDF-1.4\nnot really\n").unwrap_err();
        assert_eq!(e.diagnostics[0].code, "import/pdf");
    }
}
