//! The shape of an official document: title line, addressee (`中共××县委、××县人民政府：`),
//! preamble, numbered headings (`一、` → h2, `（一）` → h3, `1.` → h4, `（1）` → h5), body
//! paragraphs, tables and lists, and the signature block and date at the end. Ordinal
//! sequences are checked: a jump or a repeat is reported with its line.

use super::docx::{Block, Para};
use crate::markdown::cjk::halfwidth;

/// A paragraph of the input with its line number and what the source says about it.
#[derive(Debug, Clone, Default)]
pub struct Line {
    pub text: String,
    pub line: usize,
    /// Heading level from a Word style (1 = "heading 1").
    pub heading: Option<u8>,
    pub title: bool,
    pub list: bool,
    pub bold_prefix: usize,
}

/// A block of the output page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Out {
    Heading { level: u8, text: String, line: usize },
    Para { text: String, line: usize },
    List(Vec<String>),
    Table(Vec<Vec<String>>),
}

/// The document as recognised.
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub title: Option<(String, usize)>,
    pub addressee: Option<(String, usize)>,
    pub body: Vec<Out>,
    /// The signing organisation and date at the end, when present.
    pub signature: Option<(String, usize)>,
    pub signed: Option<(String, usize)>,
    /// What the editor should look at: (line, message).
    pub notes: Vec<(usize, String)>,
}

impl Document {
    pub fn headings(&self) -> impl Iterator<Item = (u8, &str)> {
        self.body.iter().filter_map(|b| match b {
            Out::Heading { level, text, .. } => Some((*level, text.as_str())),
            _ => None,
        })
    }
}

const CN_DIGITS: &str = "〇零一二三四五六七八九";

/// 一 → 1, 十二 → 12, 二十 → 20, 二十三 → 23.
pub fn chinese_number(s: &str) -> Option<u32> {
    let digit = |c: char| {
        CN_DIGITS
            .chars()
            .position(|d| d == c)
            .map(|p| if p <= 1 { 0 } else { p as u32 - 1 })
    };
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [] => None,
        ['十'] => Some(10),
        ['十', d] => Some(10 + digit(*d)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', d] => Some(digit(*t)? * 10 + digit(*d)?),
        [d] => digit(*d).filter(|v| *v > 0),
        _ => None,
    }
}

/// A year in Chinese numerals, digit by digit: 二〇二四 → 2024.
pub fn chinese_year(s: &str) -> Option<i32> {
    if s.chars().count() != 4 {
        return None;
    }
    s.chars()
        .map(|c| match c {
            '〇' | '零' => Some('0'),
            c => chinese_number(c.encode_utf8(&mut [0; 4])).and_then(|d| char::from_digit(d, 10)),
        })
        .collect::<Option<String>>()?
        .parse()
        .ok()
}

/// The ordinal a paragraph starts with: (level, number, byte length of the marker).
pub fn ordinal(text: &str) -> Option<(u8, u32, usize)> {
    let t = text;
    // 一、
    let cn: String = t.chars().take_while(|c| "一二三四五六七八九十".contains(*c)).collect();
    if !cn.is_empty() {
        let rest = &t[cn.len()..];
        if let Some(n) = chinese_number(&cn)
            && rest.starts_with('、')
        {
            return Some((2, n, cn.len() + '、'.len_utf8()));
        }
        return None;
    }
    // （一） and （1）
    for (open, close) in [('（', '）'), ('(', ')')] {
        if let Some(rest) = t.strip_prefix(open)
            && let Some(end) = rest.find(close)
        {
            let inner = &rest[..end];
            let len = open.len_utf8() + end + close.len_utf8();
            if let Some(n) = chinese_number(inner) {
                return Some((3, n, len));
            }
            if let Some(n) = ascii_number(inner.trim()) {
                return Some((5, n, len));
            }
        }
    }
    // 1. / 1． / 1、 (digits half- or full-width: １．)
    let digits: usize = t
        .chars()
        .take_while(|c| halfwidth(*c).is_ascii_digit())
        .map(char::len_utf8)
        .sum();
    if let Some(n) = ascii_number(&t[..digits]) {
        let rest = &t[digits..];
        for sep in ['.', '．', '、'] {
            if let Some(after) = rest.strip_prefix(sep)
                && !after.starts_with(|c: char| halfwidth(c).is_ascii_digit())
            {
                return Some((4, n, digits + sep.len_utf8()));
            }
        }
    }
    None
}

/// One or two digits, half- or full-width (１２) → 12.
fn ascii_number(s: &str) -> Option<u32> {
    let digits: String = s.chars().map(halfwidth).collect();
    if !(1..=2).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Splits "标题。正文……" into a short title and the rest (None when the first sentence is long).
fn split_title(text: &str, max: usize) -> Option<(String, String)> {
    let end = text
        .char_indices()
        .find(|(_, c)| matches!(c, '。' | '：' | ':' | '；'))
        .map(|(i, c)| (i, c.len_utf8()));
    match end {
        Some((i, l)) if text[..i].chars().count() <= max => {
            let title = text[..i].trim().to_string();
            let rest = text[i + l..].trim().to_string();
            (!title.is_empty()).then_some((title, rest))
        }
        None if text.chars().count() <= max => Some((text.trim().to_string(), String::new())),
        _ => None,
    }
}

fn is_date_line(t: &str) -> bool {
    let t = t.trim();

    t.ends_with('日')
        && t.contains('年')
        && t.contains('月')
        && t.chars().count() <= 14
        && t.chars()
            .all(|c| c.is_ascii_digit() || "年月日〇零一二三四五六七八九十 ".contains(c))
}

/// Lines of a plain-text file (one paragraph per non-empty line).
pub fn lines_of_text(text: &str) -> Vec<Line> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| Line {
            text: l.trim().replace('\u{3000}', " ").trim().to_string(),
            line: i + 1,
            ..Default::default()
        })
        .collect()
}

/// A table's rows of cell texts, and the block number it stands at.
pub type PlacedTable = (usize, Vec<Vec<String>>);

/// Paragraphs and tables of a Word document; "lines" count paragraphs.
pub fn lines_of_docx(blocks: Vec<Block>) -> (Vec<Line>, Vec<PlacedTable>) {
    let mut lines = Vec::new();
    let mut tables = Vec::new();
    let mut n = 0;
    for b in blocks {
        n += 1;
        match b {
            Block::Para(Para {
                text,
                heading,
                title,
                list,
                bold_prefix,
            }) => {
                if text.trim().is_empty() {
                    continue;
                }
                lines.push(Line {
                    text: text.trim().to_string(),
                    line: n,
                    heading,
                    title,
                    list,
                    bold_prefix,
                });
            }
            Block::Table(rows) => tables.push((n, rows)),
        }
    }
    (lines, tables)
}

/// Recognises the structure of a document's lines (tables are placed by line number).
pub fn recognise(mut lines: Vec<Line>, tables: Vec<PlacedTable>) -> Document {
    let mut doc = Document::default();
    // Title: a styled title, or a short first line without a full stop that names a report.
    if let Some(first) = lines.first() {
        let t = &first.text;
        let n = t.chars().count();
        if first.title
            || (ordinal(t).is_none()
                && n <= 60
                && !t.ends_with('。')
                && !t.ends_with('：')
                && !t.ends_with(':')
                && (t.contains("报告") || t.contains("情况") || first.heading.is_some()))
        {
            doc.title = Some((t.clone(), first.line));
            lines.remove(0);
        }
    }
    // Addressee: a short line ending in a colon, naming bodies.
    if let Some(first) = lines.first() {
        let t = &first.text;
        if (t.ends_with('：') || t.ends_with(':'))
            && t.chars().count() <= 40
            && ["委", "政府", "人大", "局", "办", "党组", "领导"]
                .iter()
                .any(|w| t.contains(w))
            && ordinal(t).is_none()
        {
            doc.addressee = Some((t.trim_end_matches([':', '：']).to_string(), first.line));
            lines.remove(0);
        }
    }
    // Signature block: a date line at the end, and the organisation just before it.
    if let Some(last) = lines.last()
        && is_date_line(&last.text)
    {
        doc.signed = Some((last.text.trim().to_string(), last.line));
        lines.pop();
        if let Some(org) = lines.last() {
            let t = org.text.trim();
            if t.chars().count() <= 30 && ordinal(t).is_none() && !t.chars().any(|c| "。，；,;".contains(c)) {
                doc.signature = Some((t.to_string(), org.line));
                lines.pop();
            }
        }
    }

    let mut counters = [0u32; 8];
    let mut list: Vec<String> = Vec::new();
    let mut pending_tables = tables.into_iter().peekable();
    let flush_list = |list: &mut Vec<String>, body: &mut Vec<Out>| {
        if !list.is_empty() {
            body.push(Out::List(std::mem::take(list)));
        }
    };
    for l in lines {
        while let Some((at, _)) = pending_tables.peek() {
            if *at < l.line {
                let (_, rows) = pending_tables.next().unwrap_or_default();
                flush_list(&mut list, &mut doc.body);
                doc.body.push(Out::Table(rows));
            } else {
                break;
            }
        }
        let text = l.text;
        if l.list && ordinal(&text).is_none() {
            list.push(text);
            continue;
        }
        flush_list(&mut list, &mut doc.body);
        if let Some((level, n, marker_len)) = ordinal(&text) {
            // Check the sequence: a level restarts after a higher one.
            let expected = counters[level as usize] + 1;
            if n != expected {
                let what = if n <= counters[level as usize] {
                    "重复"
                } else {
                    "跳号"
                };
                doc.notes.push((
                    l.line,
                    format!(
                        "序号{what}：这里是“{}”，前面一个同级标题之后应为第 {expected} 个",
                        &text[..marker_len]
                    ),
                ));
            }
            counters[level as usize] = n;
            for c in counters.iter_mut().skip(level as usize + 1) {
                *c = 0;
            }
            let max_title = if level <= 3 { 40 } else { 30 };
            let heading = match (level, split_title(&text, max_title)) {
                (2 | 3, Some(split)) => Some(split),
                (4 | 5, Some((title, rest))) if !rest.is_empty() || text.chars().count() <= max_title => {
                    // "1.标题。正文" reads best as a small heading over its paragraph; keep the
                    // number: 1、/1． become "1. "; （1） stays as it is.
                    let num = &text[..marker_len];
                    let title = title[marker_len..].trim();
                    let title = if level == 4 {
                        format!("{}. {title}", num.trim_end_matches(['.', '．', '、']))
                    } else {
                        format!("{num}{title}")
                    };
                    Some((title, rest))
                }
                (2 | 3, None) => {
                    doc.notes
                        .push((l.line, "以序号开头，但第一句太长，没有作为标题：请确认".to_string()));
                    None
                }
                _ => None,
            };
            match heading {
                Some((title, rest)) => {
                    doc.body.push(Out::Heading {
                        level,
                        text: title,
                        line: l.line,
                    });
                    if !rest.is_empty() {
                        doc.body.push(Out::Para {
                            text: rest,
                            line: l.line,
                        });
                    }
                }
                None => doc.body.push(Out::Para { text, line: l.line }),
            }
            continue;
        }
        if let Some(h) = l.heading {
            // A Word heading without a number: heading 1 → h2, and so on.
            doc.body.push(Out::Heading {
                level: (h + 1).min(6),
                text,
                line: l.line,
            });
            continue;
        }
        doc.body.push(Out::Para { text, line: l.line });
    }
    flush_list(&mut list, &mut doc.body);
    for (_, rows) in pending_tables {
        doc.body.push(Out::Table(rows));
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_of_every_level() {
        assert_eq!(ordinal("一、主要做法"), Some((2, 1, 6)));
        assert_eq!(ordinal("十二、其他"), Some((2, 12, 9)));
        assert_eq!(ordinal("(一)坚守"), Some((3, 1, 5)));
        assert_eq!(ordinal("（三）规范"), Some((3, 3, 9)));
        assert_eq!(ordinal("1.深入学习"), Some((4, 1, 2)));
        assert_eq!(ordinal("2．严格"), Some((4, 2, 4)));
        assert_eq!(ordinal("(1)细项"), Some((5, 1, 3)));
        assert_eq!(ordinal("１．全角数字"), Some((4, 1, 6)));
        assert_eq!(ordinal("１２、全角"), Some((4, 12, 9)));
        assert_eq!(ordinal("（２）全角"), Some((5, 2, 9)));
        assert_eq!(ordinal("1.5亿元"), None);
        assert_eq!(ordinal("2024年,横栏镇"), None);
        assert_eq!(ordinal("93.19%"), None);
        assert_eq!(ordinal("一是加强"), None);
    }

    #[test]
    fn headings_titles_and_jumps() {
        let text = "示例镇2024年法治政府建设情况的报告\n中共示例县委、示例县人民政府:\n2024年,示例镇依法履职。具体情况报告如下:\n一、主要做法\n(一)加强学习\n1.深入学习。镇党委组织学习。\n三、下一步计划\n示例镇人民政府\n2025年1月20日\n";
        let doc = recognise(lines_of_text(text), vec![]);
        assert_eq!(doc.title.as_ref().unwrap().0, "示例镇2024年法治政府建设情况的报告");
        assert_eq!(doc.addressee.as_ref().unwrap().0, "中共示例县委、示例县人民政府");
        assert_eq!(doc.signature.as_ref().unwrap().0, "示例镇人民政府");
        assert_eq!(doc.signed.as_ref().unwrap().0, "2025年1月20日");
        let hs: Vec<(u8, &str)> = doc.headings().collect();
        assert_eq!(
            hs,
            vec![
                (2, "一、主要做法"),
                (3, "(一)加强学习"),
                (4, "1. 深入学习"),
                (2, "三、下一步计划")
            ]
        );
        assert_eq!(doc.notes.len(), 1);
        assert_eq!(doc.notes[0].0, 7);
        assert!(doc.notes[0].1.contains("跳号"));
    }
}
