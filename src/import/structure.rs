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
    /// 发文字号 (`阳司〔2024〕5号`), above or below the title.
    pub doc_no: Option<(String, usize)>,
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

/// A long numbered line that is a heading all the same: one sentence (commas allowed, no
/// full stop before its end), at most 80 characters, and the next numbered line is one level
/// below it (a 一、 line followed by （一） lines).
fn long_heading(text: &str, kind: u8, next: Option<u8>) -> bool {
    let body = text.trim_end_matches('。');
    next == Some(kind + 1) && !body.contains(['。', '；', '！', '？']) && body.chars().count() <= 80
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

/// Whether a line may be (part of) a title: short, not numbered, not ending a sentence or
/// introducing something.
fn title_like(t: &str, max: usize) -> bool {
    ordinal(t).is_none() && part(t).is_none() && t.chars().count() <= max && !t.ends_with(['。', '：', ':', '；'])
}

fn names_report(t: &str) -> bool {
    t.contains("报告") || t.contains("情况")
}

/// The title at the top: (text, line, lines used). A title broken over two lines (the first
/// not yet naming the report, the second finishing it) is joined.
fn title_lines(lines: &[Line]) -> Option<(String, usize, usize)> {
    let first = lines.first()?;
    let t = &first.text;
    if let Some(second) = lines.get(1)
        && !first.title
        && title_like(t, 40)
        && !t.ends_with("报告")
        && title_like(&second.text, 30)
        && (second.text.ends_with("报告") || second.text.ends_with("情况"))
        && !names_report(t.trim_end_matches("情况"))
    {
        return Some((format!("{t}{}", second.text), first.line, 2));
    }
    if first.title || (title_like(t, 60) && (names_report(t) || first.heading.is_some())) {
        return Some((t.clone(), first.line, 1));
    }
    None
}

/// A `第一部分` heading: (number, byte length of the marker with the separator after it).
pub fn part(text: &str) -> Option<(u32, usize)> {
    let rest = text.strip_prefix('第')?;
    let (num, after) = rest.split_once("部分")?;
    let n = chinese_number(num).or_else(|| ascii_number(num))?;
    let mut len = text.len() - after.len();
    if let Some(sep) = after.chars().next().filter(|c| "、：: 　".contains(*c)) {
        len += sep.len_utf8();
    }
    Some((n, len))
}

/// A numbered line's ordinal kind (2 for 一、 … 5 for （1）, 1 for 第一部分), number and
/// marker length.
fn numbered(text: &str) -> Option<(u8, u32, usize)> {
    part(text).map(|(n, len)| (1, n, len)).or_else(|| ordinal(text))
}

/// Recognises the structure of a document's lines (tables are placed by line number).
/// Moves a 发文字号 line at the top of `lines` into `doc` (once).
fn take_doc_no(lines: &mut Vec<Line>, doc: &mut Document) {
    if doc.doc_no.is_some() {
        return;
    }
    if let Some(no) = lines.first().and_then(|l| doc_number(&l.text)) {
        doc.doc_no = Some((no, lines[0].line));
        lines.remove(0);
    }
}

/// A document number as official documents write it, `机关代字〔年份〕序号号` (阳司〔2024〕5号),
/// with 〔〕 however the brackets were typed ([], ［］, 【】, ()).
pub fn doc_number(line: &str) -> Option<String> {
    let t = line.trim();
    let open = t.find(['〔', '[', '［', '【', '(', '（'])?;
    let agency = &t[..open];
    let rest = &t[open..];
    let rest = &rest[rest.chars().next()?.len_utf8()..];
    let year: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let rest = &rest[year.len()..];
    let close = rest.chars().next()?;
    let rest = &rest[close.len_utf8()..];
    let serial = rest.strip_suffix('号')?;
    let agency_ok =
        (1..=12).contains(&agency.chars().count()) && agency.chars().all(|c| c.is_alphabetic() && !c.is_whitespace());
    let ok = agency_ok
        && year.len() == 4
        && "〕]］】)）".contains(close)
        && (1..=5).contains(&serial.len())
        && serial.chars().all(|c| c.is_ascii_digit());
    ok.then(|| format!("{agency}〔{year}〕{serial}号"))
}

pub fn recognise(mut lines: Vec<Line>, tables: Vec<PlacedTable>) -> Document {
    let mut doc = Document::default();
    take_doc_no(&mut lines, &mut doc);
    // Title: a styled title, or a short first line without a full stop that names a report,
    // possibly broken over two lines.
    if let Some((title, line, used)) = title_lines(&lines) {
        doc.title = Some((title, line));
        lines.drain(..used);
    }
    take_doc_no(&mut lines, &mut doc);
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
    // With 第一部分-style parts, the parts are the top headings and every level moves down.
    let shift = u8::from(lines.iter().any(|l| part(&l.text).is_some()));
    // For each line, the kind of the next numbered line (a long 一、 line is still a heading
    // when （一） lines follow it).
    let mut next_kind: Vec<Option<u8>> = vec![None; lines.len()];
    let mut seen = None;
    for (i, l) in lines.iter().enumerate().rev() {
        next_kind[i] = seen;
        if let Some((k, _, _)) = numbered(&l.text) {
            seen = Some(k);
        }
    }
    for (i, l) in lines.into_iter().enumerate() {
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
        if l.list && numbered(&text).is_none() {
            list.push(text);
            continue;
        }
        flush_list(&mut list, &mut doc.body);
        if let Some((kind, n, marker_len)) = numbered(&text) {
            let level = if kind == 1 { 2 } else { (kind + shift).min(6) };
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
            // The match is on the kind of number (1 = 第一部分, 2 = 一、 … 5 = （1））.
            let kind = kind.max(2);
            let max_title = if kind <= 3 { 40 } else { 30 };
            let heading = match (kind, split_title(&text, max_title)) {
                (2 | 3, Some(split)) => Some(split),
                (4 | 5, Some((title, rest))) if !rest.is_empty() || text.chars().count() <= max_title => {
                    // "1.标题。正文" reads best as a small heading over its paragraph; keep the
                    // number: 1、/1． become "1. "; （1） stays as it is.
                    let num = &text[..marker_len];
                    let title = title[marker_len..].trim();
                    let title = if kind == 4 {
                        format!("{}. {title}", num.trim_end_matches(['.', '．', '、']))
                    } else {
                        format!("{num}{title}")
                    };
                    Some((title, rest))
                }
                (2 | 3, None) if long_heading(&text, kind, next_kind[i]) => {
                    Some((text.trim_end_matches('。').to_string(), String::new()))
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
    fn a_document_number_above_or_below_the_title_is_taken() {
        assert_eq!(doc_number("阳司〔2024〕5号").as_deref(), Some("阳司〔2024〕5号"));
        assert_eq!(doc_number("横府[2025]12号").as_deref(), Some("横府〔2025〕12号"));
        assert_eq!(doc_number("（2024）年度报告"), None);
        assert_eq!(doc_number("共调处纠纷（2024年）5号"), None);
        for text in [
            "阳司〔2024〕5号\n阳山县司法局关于2023年度法治政府建设工作情况的报告\n县委、县政府：\n一、主要做法\n正文。\n",
            "阳山县司法局关于2023年度法治政府建设工作情况的报告\n阳司〔2024〕5号\n县委、县政府：\n一、主要做法\n正文。\n",
        ] {
            let doc = recognise(lines_of_text(text), vec![]);
            assert_eq!(doc.doc_no.as_ref().unwrap().0, "阳司〔2024〕5号");
            assert_eq!(
                doc.title.as_ref().unwrap().0,
                "阳山县司法局关于2023年度法治政府建设工作情况的报告"
            );
            assert_eq!(doc.addressee.as_ref().unwrap().0, "县委、县政府");
        }
    }

    #[test]
    fn a_title_broken_over_two_lines_is_joined() {
        let text = "示例镇人民政府关于2024年法治政府\n建设工作情况的报告\n中共示例县委:\n一、主要做法\n正文。\n";
        let doc = recognise(lines_of_text(text), vec![]);
        assert_eq!(
            doc.title.as_ref().unwrap().0,
            "示例镇人民政府关于2024年法治政府建设工作情况的报告"
        );
        assert_eq!(doc.addressee.as_ref().unwrap().0, "中共示例县委");
        // A one-line title followed by a short line stays one line.
        let doc = recognise(
            lines_of_text("示例镇2024年法治政府建设情况的报告\n2025年1月\n正文。\n"),
            vec![],
        );
        assert_eq!(doc.title.as_ref().unwrap().0, "示例镇2024年法治政府建设情况的报告");
    }

    #[test]
    fn parts_are_the_top_headings_and_the_rest_move_down() {
        assert_eq!(part("第一部分 2024年工作情况"), Some((1, "第一部分 ".len())));
        assert_eq!(part("第十二部分：其他"), Some((12, "第十二部分：".len())));
        assert_eq!(part("第一次会议"), None);
        let text = "示例镇法治政府建设情况报告\n第一部分 2024年工作情况\n一、加强学习\n(一)组织学法\n正文。\n第二部分 2025年工作计划\n一、继续推进\n正文。\n";
        let doc = recognise(lines_of_text(text), vec![]);
        let hs: Vec<(u8, &str)> = doc.headings().collect();
        assert_eq!(
            hs,
            vec![
                (2, "第一部分 2024年工作情况"),
                (3, "一、加强学习"),
                (4, "(一)组织学法"),
                (2, "第二部分 2025年工作计划"),
                (3, "一、继续推进"),
            ]
        );
        assert!(doc.notes.is_empty(), "一、 restarts under each part: {:?}", doc.notes);
    }

    #[test]
    fn a_long_top_heading_with_commas_is_a_heading_when_sub_headings_follow() {
        let long =
            "一、坚持党的全面领导，统筹推进法治政府建设各项任务，全面提升依法行政能力和水平，切实保障群众合法权益";
        assert!(long.chars().count() > 40);
        let doc = recognise(lines_of_text(&format!("报告\n{long}\n(一)加强学习\n正文。\n")), vec![]);
        let hs: Vec<(u8, &str)> = doc.headings().collect();
        assert_eq!(hs, vec![(2, long), (3, "(一)加强学习")]);
        // Without sub-headings after it, it stays a paragraph and is noted.
        let doc = recognise(lines_of_text(&format!("报告\n{long}\n正文。\n")), vec![]);
        assert_eq!(doc.headings().count(), 0);
        assert_eq!(doc.notes.len(), 1);
        // Two sentences are a paragraph, sub-headings or not.
        let two =
            "一、坚持党的全面领导，统筹推进法治政府建设。全面提升依法行政能力和水平，切实保障群众合法权益和各项工作";
        let doc = recognise(lines_of_text(&format!("报告\n{two}\n(一)加强学习\n")), vec![]);
        assert_eq!(
            doc.headings().next(),
            Some((2, "一、坚持党的全面领导，统筹推进法治政府建设"))
        );
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
