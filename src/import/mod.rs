//! `pufa import`: a report as it arrives (plain text, Word `.docx`, GBK, UTF-16) turned into a
//! content page that builds as it is, with a short report of what was found and what the
//! editor should check.
//!
//! `decode` reads the bytes; `docx` reads Word documents; `structure` recognises title,
//! addressee, numbered headings and the signature; `punct` makes half-width punctuation in
//! Chinese text full-width; `extract` finds the year, publisher, figures and awards;
//! [`check_page`] checks the page with the parser `pufa build` uses. Writing the file is the
//! command's job (`cmd/import.rs`). The same input always gives the same bytes.

pub mod decode;
pub mod docx;
pub mod extract;
pub mod pdf;
pub mod punct;
pub mod structure;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::config::Kind;
use crate::content::Date;
use crate::diagnostics::{Diagnostic, Error};
use decode::Input;
use extract::{Figure, FoundAward};
use structure::{Document, Out};

/// Everything an import found.
#[derive(Debug, Clone)]
pub struct Imported {
    pub title: String,
    pub title_from: &'static str,
    pub year: Option<i32>,
    pub year_from: &'static str,
    pub publisher: Option<String>,
    pub publisher_from: &'static str,
    pub written: Option<String>,
    pub encoding: &'static str,
    /// The document as recognised; once the page is made its body keeps only the headings
    /// (the report lists them), not the paragraphs' text.
    pub doc: Document,
    /// The figures kept: the first [`MAX_METRICS`] confident ones (written as `metrics`) and
    /// the first [`MAX_DOUBTS`] to confirm. `found` counts them all.
    pub figures: Vec<Figure>,
    pub found: Found,
    pub awards: Vec<FoundAward>,
    /// The page, front matter and body.
    pub page: String,
}

/// How many figures were found; beyond the caps only counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Found {
    pub confident: usize,
    pub doubted: usize,
}

/// The most figures one page gets as `metrics`. A report has a few dozen (the 2024 report this
/// project started from has 40); every metric key is a page and a series across the years, so
/// a compilation with thousands would add thousands of pages no one compares. The rest stay
/// in the text, and the report says how many.
pub const MAX_METRICS: usize = 300;
/// The most figures to confirm listed by the report (the count covers all of them).
pub const MAX_DOUBTS: usize = 100;

impl Imported {
    /// Headings per level (2..=5).
    pub fn heading_counts(&self) -> BTreeMap<u8, usize> {
        let mut m = BTreeMap::new();
        for (l, _) in self.doc.headings() {
            *m.entry(l).or_insert(0) += 1;
        }
        m
    }

    pub fn metrics(&self) -> impl Iterator<Item = &Figure> {
        self.figures.iter().filter(|f| f.doubt.is_none())
    }
}

/// Options of an import (what the command line can set).
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub kind: Option<Kind>,
    pub year: Option<i32>,
    pub publisher: Option<String>,
}

fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// Escapes the characters that would start inline Markdown (emphasis, code, links, HTML).
fn md_inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        if matches!(c, '*' | '`' | '<' | '[' | ']' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Text of a paragraph or list item: inline escapes, and a start that must not read as a
/// heading, quote, list or rule. A list marker is escaped at its `.`/`)`, because a
/// backslash before a digit is not an escape in CommonMark.
fn md_text(s: &str) -> String {
    let mut out = md_inline(s);
    let lead = out.len() - out.trim_start().len();
    let trimmed = &out[lead..];
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && (trimmed[digits..].starts_with(". ") || trimmed[digits..].starts_with(") ")) {
        out.insert(lead + digits, '\\');
    } else if trimmed.starts_with(['#', '>', '-', '+', '=']) {
        out.insert(lead, '\\');
    }
    out
}

/// Text of an ATX heading: inline escapes, and a trailing `#` that would be read as a
/// closing sequence.
fn md_heading(s: &str) -> String {
    let mut out = md_inline(s);
    if out.ends_with('#') {
        let at = out.trim_end_matches('#').len();
        out.insert(at, '\\');
    }
    out
}

fn table_md(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0).max(1);
    let cell = |s: &str| md_inline(&punct::fix(s)).replace('|', "\\|").replace('\n', " ");
    let mut out = String::new();
    for (i, r) in rows.iter().enumerate() {
        let cells: Vec<String> = (0..cols)
            .map(|c| r.get(c).map(|s| cell(s)).unwrap_or_default())
            .collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
        if i == 0 {
            let _ = writeln!(out, "|{}", " --- |".repeat(cols));
        }
    }
    out
}

/// Turns decoded input into a page.
pub fn convert(input: Input, opts: &Options) -> Result<Imported, Error> {
    let (lines, tables, encoding) = match input {
        Input::Text { text, encoding } => (structure::lines_of_text(&text), Vec::new(), encoding),
        Input::Docx(blocks) => {
            let (l, t) = structure::lines_of_docx(blocks);
            (l, t, "Word .docx")
        }
        Input::Markdown(_) => {
            return Err(Error::one(
                Diagnostic::new("import/markdown", "这是 Markdown 文件，不需要转换")
                    .with_hint("用 pufa import 导入时它会原样复制并检查 front matter。"),
            ));
        }
    };
    let mut doc = structure::recognise(lines, tables);
    let kind = opts.kind.unwrap_or(Kind::Report);
    // Only a report has a `doc_no` field: for other kinds the 文号 line stays in the text.
    if kind != Kind::Report
        && let Some((text, line)) = doc.doc_no.take()
    {
        doc.body.insert(0, Out::Para { text, line });
    }

    let first_para = doc.body.iter().find_map(|b| match b {
        Out::Para { text, .. } => Some(text.as_str()),
        _ => None,
    });
    let title_text = doc.title.as_ref().map(|t| t.0.as_str());
    let (year, year_from) = match (opts.year, extract::year(title_text, first_para)) {
        (Some(y), _) => (Some(y), "命令行 --year"),
        (None, Some((y, from))) => (Some(y), from),
        (None, None) => (None, "未找到"),
    };
    let (publisher, publisher_from) = match (
        &opts.publisher,
        extract::publisher(doc.signature.as_ref().map(|s| s.0.as_str()), title_text, first_para),
    ) {
        (Some(p), _) => (Some(p.clone()), "命令行 --publisher"),
        (None, Some((p, from))) => (Some(p), from),
        (None, None) => (None, "未找到"),
    };
    let (title, title_from) = match &doc.title {
        Some((t, _)) => (punct::fix(t), "标题行"),
        None => (
            format!(
                "{}{}年法治政府建设年度报告",
                publisher.clone().unwrap_or_default(),
                year.map(|y| y.to_string()).unwrap_or_default()
            ),
            "未找到标题行，按发布机构和年度生成",
        ),
    };
    let written = doc
        .signed
        .as_ref()
        .and_then(|(d, _)| parse_cn_date(d))
        .map(|d| d.ymd_string());

    // Figures and awards, from paragraphs (not headings).
    let mut figures: Vec<Figure> = Vec::new();
    let mut found = Found::default();
    let mut awards: Vec<FoundAward> = Vec::new();
    for b in &doc.body {
        if let Out::Para { text, line } = b {
            for f in extract::figures(text, *line) {
                let (n, cap) = match f.doubt {
                    None => (&mut found.confident, MAX_METRICS),
                    Some(_) => (&mut found.doubted, MAX_DOUBTS),
                };
                *n += 1;
                if *n <= cap {
                    figures.push(f);
                }
            }
            awards.extend(extract::awards(text, *line));
        }
    }
    // Keys must be unique within a page: a repeated label is numbered.
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for f in figures.iter_mut().filter(|f| f.doubt.is_none()) {
        let n = seen.entry(f.key.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            f.key = format!("{}-{}", f.key, n);
        }
    }

    // Front matter.
    let mut fm = String::from("---\n");
    let _ = writeln!(fm, "title: {}", q(&title));
    match kind {
        Kind::Report => {
            if let Some(y) = year {
                let _ = writeln!(fm, "year: {y}");
            }
            if let Some(p) = &publisher {
                let _ = writeln!(fm, "publisher: {}", q(p));
            }
            if let Some(w) = &written {
                let _ = writeln!(fm, "written: {w}");
            }
            if let Some((no, _)) = &doc.doc_no {
                let _ = writeln!(fm, "doc_no: {}", q(no));
            }
            let _ = writeln!(fm, "genre: \"工作报告\"");
        }
        Kind::Project => {
            if let Some(y) = year {
                let _ = writeln!(fm, "years: [{y}]");
            }
        }
        Kind::Case => {
            if let Some(y) = year {
                let _ = writeln!(fm, "year: {y}");
            }
            let _ = writeln!(fm, "case_type: \"待分类\"");
        }
        Kind::Page => {}
    }
    if kind == Kind::Report {
        fm.push_str("taxonomies:\n  topics: [法治政府建设]\n");
        let metrics: Vec<&Figure> = figures.iter().filter(|f| f.doubt.is_none()).collect();
        if !metrics.is_empty() {
            fm.push_str("metrics:\n");
            for f in metrics {
                let _ = writeln!(
                    fm,
                    "  - {{ key: {}, label: {}, value: {}, unit: {} }}",
                    crate::yaml::flow_scalar(&f.key),
                    q(&punct::fix(&f.label)),
                    f.yaml_number(),
                    q(&f.unit)
                );
            }
        }
    }
    if matches!(kind, Kind::Report | Kind::Project) && !awards.is_empty() {
        fm.push_str("awards:\n");
        for a in &awards {
            let mut fields = vec![format!("name: {}", q(&punct::fix(&a.name)))];
            if let Some(b) = &a.by {
                fields.push(format!("by: {}", q(b)));
            }
            if let Some(l) = &a.level {
                fields.push(format!("level: {}", q(l)));
            }
            if let Some(y) = year {
                fields.push(format!("year: {y}"));
            }
            let _ = writeln!(fm, "  - {{ {} }}", fields.join(", "));
        }
    }
    fm.push_str("---\n");

    // Body.
    let mut body = String::new();
    for b in &doc.body {
        match b {
            Out::Heading { level, text, .. } => {
                let _ = writeln!(
                    body,
                    "\n{} {}",
                    "#".repeat(*level as usize),
                    md_heading(&punct::fix(text))
                );
            }
            Out::Para { text, .. } => {
                let _ = writeln!(body, "\n{}", md_text(&punct::fix(text)));
            }
            Out::List(items) => {
                body.push('\n');
                for i in items {
                    let _ = writeln!(body, "- {}", md_text(&punct::fix(i)));
                }
            }
            Out::Table(rows) => {
                let _ = write!(body, "\n{}", table_md(rows));
            }
        }
    }
    keep_only_headings(&mut doc);
    let page = format!("{fm}{body}");
    Ok(Imported {
        title,
        title_from,
        year,
        year_from,
        publisher,
        publisher_from,
        written,
        encoding,
        doc,
        figures,
        found,
        awards,
        page,
    })
}

/// Lets the paragraphs' text go once the page holds it: a long input is then not held twice
/// while the page is checked.
fn keep_only_headings(doc: &mut Document) {
    doc.body.retain(|b| matches!(b, Out::Heading { .. }));
    doc.body.shrink_to_fit();
}

/// `2025年1月20日` or `二〇二五年一月二十日` as a date.
pub fn parse_cn_date(s: &str) -> Option<Date> {
    let s = s.trim();
    let (y, rest) = s.split_once('年')?;
    let (m, rest) = rest.split_once('月')?;
    let d = rest.strip_suffix('日')?;
    let num = |t: &str| -> Option<u32> {
        if t.bytes().all(|b| b.is_ascii_digit()) && !t.is_empty() {
            return t.parse().ok();
        }
        structure::chinese_number(t)
    };
    let year: i32 = if y.bytes().all(|b| b.is_ascii_digit()) {
        y.parse().ok()?
    } else {
        structure::chinese_year(y)?
    };
    Date::ymd(year, num(m)? as u8, num(d)? as u8)
}

/// The short report printed for the editor.
pub fn report(im: &Imported, target: &Path, written: bool) -> String {
    let mut r = String::new();
    let _ = writeln!(r, "读取：{}", im.encoding);
    let _ = writeln!(r, "标题：{}（{}）", im.title, im.title_from);
    let _ = writeln!(
        r,
        "年度：{}（{}）",
        im.year
            .map(|y| y.to_string())
            .unwrap_or_else(|| "未找到，请用 --year 指定".into()),
        im.year_from
    );
    let _ = writeln!(
        r,
        "发布机构：{}（{}）",
        im.publisher
            .clone()
            .unwrap_or_else(|| "未找到，请用 --publisher 指定".into()),
        im.publisher_from
    );
    if let Some(w) = &im.written {
        let _ = writeln!(r, "成文日期：{w}（落款）");
    }
    if let Some((no, l)) = &im.doc.doc_no {
        let _ = writeln!(r, "文号：{no}（第 {l} 行，写入 doc_no，未放入正文）");
    }
    if let Some((a, l)) = &im.doc.addressee {
        let _ = writeln!(r, "主送机关：{a}（第 {l} 行，未放入正文）");
    }
    let counts = im.heading_counts();
    let levels: Vec<String> = counts
        .iter()
        .map(|(l, n)| {
            format!(
                "{}级 {n} 个",
                ["", "", "二", "三", "四", "五", "六"].get(*l as usize).unwrap_or(&"")
            )
        })
        .collect();
    let _ = writeln!(
        r,
        "标题层级：{}",
        if levels.is_empty() {
            "没有找到编号标题".to_string()
        } else {
            levels.join("，")
        }
    );
    for (level, text) in im.doc.headings().filter(|(l, _)| *l <= 3) {
        let _ = writeln!(r, "  {}{}", "  ".repeat(level as usize - 2), punct::fix(text));
    }
    let doubted: Vec<&Figure> = im.figures.iter().filter(|f| f.doubt.is_some()).collect();
    let Found {
        confident,
        doubted: unsure_n,
    } = im.found;
    let _ = writeln!(
        r,
        "数字：找到 {} 个带单位的数字，{} 个写入 metrics，{} 个需要确认",
        confident + unsure_n,
        confident.min(MAX_METRICS),
        unsure_n
    );
    for f in im.metrics() {
        let _ = writeln!(r, "  {}：{}{}", f.label, f.value, f.unit);
    }
    if confident > MAX_METRICS {
        let _ = writeln!(
            r,
            "  另有 {} 个数字没有写入 metrics：一个页面最多写入 {MAX_METRICS} 个指标，其余的留在正文里。请在 metrics 里只留下要逐年对比的主要指标。",
            confident - MAX_METRICS
        );
    }
    let _ = writeln!(r, "荣誉：{} 项", im.awards.len());
    for a in &im.awards {
        let _ = writeln!(r, "  {}：{}", a.winner, a.name);
    }
    let mut unsure: Vec<(usize, String)> = im.doc.notes.clone();
    for f in doubted {
        unsure.push((
            f.line,
            format!("{}（…{}…）", f.doubt.clone().unwrap_or_default(), f.context),
        ));
    }
    if im.year.is_none() {
        unsure.push((0, "没有找到报告所属年度".into()));
    }
    unsure.sort();
    if !unsure.is_empty() || unsure_n > MAX_DOUBTS {
        let _ = writeln!(r, "需要确认：");
        for (l, m) in unsure {
            if l > 0 {
                let _ = writeln!(r, "  第 {l} 行：{m}");
            } else {
                let _ = writeln!(r, "  {m}");
            }
        }
    }
    if unsure_n > MAX_DOUBTS {
        let _ = writeln!(
            r,
            "  另有 {} 个需要确认的数字没有列出（只列出前 {MAX_DOUBTS} 个）",
            unsure_n - MAX_DOUBTS
        );
    }
    let _ = writeln!(
        r,
        "{} {}",
        if written {
            "已写入"
        } else {
            "将写入（试运行，未写文件）"
        },
        target.display()
    );
    r
}

/// How much of an imported body one parse checks at a time.
const CHECK_CHUNK: usize = 256 * 1024;

/// Parses a page as `pufa build` would; `shown` is the path its errors name. A long body is
/// checked a stretch at a time, each after the front matter (its errors' lines moved to the
/// page's): its blocks (headings, paragraphs, lists, tables) stand alone, and a whole
/// report's Markdown at once took about 15 times its size.
pub fn check_page(
    config: &crate::config::Config,
    rel: &str,
    shown: &str,
    section: &str,
    page: &str,
) -> Result<(), Error> {
    let parse = |text: &str| {
        crate::content::page::parse_page(config, rel, shown, text, section, Vec::new())
            .map(|_| ())
            .map_err(Error::many)
    };
    let split = crate::content::front_matter::split(page, shown).map_err(Error::one)?;
    if split.body.len() <= CHECK_CHUNK {
        return parse(page);
    }
    let front = &page[..split.body_offset];
    let front_lines = front.matches('\n').count();
    let mut skipped = 0;
    for chunk in chunks(split.body, CHECK_CHUNK) {
        parse(&format!("{front}{chunk}")).map_err(|mut e| {
            for d in e.diagnostics.iter_mut().filter(|d| d.line > front_lines) {
                d.line += skipped;
            }
            e
        })?;
        skipped += chunk.matches('\n').count();
    }
    Ok(())
}

/// `body` cut into stretches of about `size` bytes, each ending at a blank line (between
/// blocks), or at the end.
fn chunks(body: &str, size: usize) -> impl Iterator<Item = &str> {
    let mut rest = body;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut end = rest.len();
        if rest.len() > size {
            let mut at = size;
            while !rest.is_char_boundary(at) {
                at -= 1;
            }
            end = match rest[..at]
                .rfind("\n\n")
                .or_else(|| rest[at..].find("\n\n").map(|i| at + i))
            {
                Some(i) => i + 1,
                None => rest.len(),
            };
        }
        let (chunk, tail) = rest.split_at(end);
        rest = tail;
        Some(chunk)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_body_is_cut_between_blocks() {
        let body = "## 一\n\n甲乙丙\n\n## 二\n\n丁戊\n- 项\n- 项\n\n末";
        let parts: Vec<&str> = chunks(body, 12).collect();
        assert_eq!(parts.concat(), body);
        assert!(parts.len() > 2, "{parts:?}");
        for p in &parts[..parts.len() - 1] {
            assert!(p.ends_with("\n\n") || p.ends_with('\n'), "{p:?}");
        }
        assert!(parts.iter().all(|p| !p.starts_with("- 项\n- 项") || p.contains("丁戊")));
        assert_eq!(chunks("短", 12).collect::<Vec<_>>(), vec!["短"]);
    }

    #[test]
    fn chinese_dates_in_signatures() {
        assert_eq!(parse_cn_date("2025年1月20日").unwrap().ymd_string(), "2025-01-20");
        assert_eq!(
            parse_cn_date("二〇二五年一月二十日").unwrap().ymd_string(),
            "2025-01-20"
        );
        assert!(parse_cn_date("2025年13月1日").is_none());
    }

    #[test]
    fn markdown_specials_are_escaped() {
        assert_eq!(md_text("#1 号"), "\\#1 号");
        assert_eq!(md_text("1. 不是列表"), "1\\. 不是列表");
        assert_eq!(md_heading("1. 是标题"), "1. 是标题");
        assert_eq!(md_heading("第 #"), "第 \\#");
        assert_eq!(md_text("a*b"), "a\\*b");
        assert_eq!(md_text("1.深入学习"), "1.深入学习");
    }
}
