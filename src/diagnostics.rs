//! Diagnostics: every problem pufa reports about a user's files.
//!
//! A [`Diagnostic`] names the file, the 1-based line and column, the offending source line
//! and a plain-language message (in Chinese, for the clerks who write the content) with an
//! optional hint saying what to do. The same value is printed in the terminal
//! ([`Diagnostic::render`]) and sent to the browser overlay in serve mode (it is `Serialize`).
//! [`Error`] is the library's error type: one or more diagnostics.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, located in a file when it has a location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file, as shown to the user (relative to the site root when possible).
    pub file: Option<String>,
    /// 1-based line; 0 when unknown.
    pub line: usize,
    /// 1-based column in characters; 0 when unknown.
    pub col: usize,
    /// What is wrong, in plain words.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
    /// The source line the location points into, without its line ending; of a very long
    /// line, only the part around the column (see [`excerpt`]).
    pub source_line: Option<String>,
    /// How many characters of the line were left out before `source_line`.
    pub source_skip: usize,
    /// How many characters to underline from `col` (at least 1 when there is a location).
    pub span_chars: usize,
    /// A short machine-readable code, e.g. `front-matter/unknown-key`, for tests and tools.
    pub code: &'static str,
}

/// A diagnostic as read back from the build cache.
#[derive(Deserialize)]
struct Stored {
    severity: Severity,
    file: Option<String>,
    line: usize,
    col: usize,
    message: String,
    hint: Option<String>,
    source_line: Option<String>,
    #[serde(default)]
    source_skip: usize,
    span_chars: usize,
    code: String,
}

impl<'de> Deserialize<'de> for Diagnostic {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Stored::deserialize(d).map(Diagnostic::from)
    }
}

impl From<Stored> for Diagnostic {
    fn from(s: Stored) -> Diagnostic {
        Diagnostic {
            severity: s.severity,
            file: s.file,
            line: s.line,
            col: s.col,
            message: s.message,
            hint: s.hint,
            source_line: s.source_line,
            source_skip: s.source_skip,
            span_chars: s.span_chars,
            code: interned(s.code),
        }
    }
}

/// Codes read back from the build cache: each distinct code is allocated once per process and
/// kept (there are a few dozen), so `code` stays a `&'static str` that matches like a literal.
pub fn interned(code: String) -> &'static str {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    static CODES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let Ok(mut codes) = CODES.get_or_init(Default::default).lock() else {
        return "cached";
    };
    if let Some(c) = codes.get(code.as_str()) {
        return c;
    }
    let leaked: &'static str = Box::leak(code.into_boxed_str());
    codes.insert(leaked);
    leaked
}

impl Diagnostic {
    /// A diagnostic with no location (yet).
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: None,
            line: 0,
            col: 0,
            message: message.into(),
            hint: None,
            source_line: None,
            source_skip: 0,
            span_chars: 0,
            code,
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::new(code, message)
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// Locates the diagnostic at a 1-based line and column of `source`, remembering the line.
    pub fn at_line_col(mut self, source: &str, line: usize, col: usize, span_chars: usize) -> Self {
        self.line = line;
        self.col = col.max(1);
        self.span_chars = span_chars.max(1);
        match source.split('\n').nth(line.saturating_sub(1)) {
            Some(l) => self.with_source(l.trim_end_matches('\r'), 0),
            None => self,
        }
    }

    /// Remembers the source line the location points into (`skip` characters of it already
    /// left out), keeping only the part around the column of a very long one.
    pub fn with_source(mut self, line: &str, skip: usize) -> Self {
        let (text, more) = excerpt(line, self.col.saturating_sub(skip));
        self.source_line = Some(text);
        self.source_skip = skip + more;
        self
    }

    /// Locates the diagnostic at a byte offset of `source` (clamped to the text).
    /// (Placing many offsets of one text: build a [`LineIndex`] once and use its `place`.)
    pub fn at_offset(self, source: &str, offset: usize, span_bytes: usize) -> Self {
        LineIndex::new(source).place(self, offset, span_bytes)
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col` (or as much of it as is known).
    pub fn location(&self) -> String {
        match (&self.file, self.line) {
            (Some(f), 0) => f.clone(),
            (Some(f), l) => format!("{f}:{l}:{}", self.col.max(1)),
            (None, _) => String::new(),
        }
    }

    /// The multi-line, rustc-style rendering used in the terminal and in tests.
    pub fn render(&self, color: bool) -> String {
        let paint = |s: &str, style: console::Style| -> String {
            if color {
                style.apply_to(s).to_string()
            } else {
                s.to_string()
            }
        };
        let (label, style) = match self.severity {
            Severity::Error => ("错误", console::Style::new().red().bold()),
            Severity::Warning => ("警告", console::Style::new().yellow().bold()),
        };
        let mut out = format!(
            "{}: {}",
            paint(label, style.clone()),
            paint(&self.message, console::Style::new().bold())
        );
        let loc = self.location();
        let gutter = if self.line > 0 { self.line.to_string().len() } else { 1 };
        let pad = " ".repeat(gutter);
        if !loc.is_empty() {
            out.push_str(&format!("\n{pad}{} {loc}", paint("-->", console::Style::new().blue())));
        }
        if let (Some(src), true) = (&self.source_line, self.line > 0) {
            let bar = paint("|", console::Style::new().blue());
            let col = self.col.saturating_sub(self.source_skip);
            let lead = if self.source_skip > 0 { "…" } else { "" };
            let prefix: String = lead.chars().chain(src.chars().take(col.saturating_sub(1))).collect();
            let marked: String = src
                .chars()
                .skip(col.saturating_sub(1))
                .take(self.span_chars.max(1))
                .collect();
            let underline = format!(
                "{}{}",
                " ".repeat(display_width(&prefix)),
                "^".repeat(display_width(&marked).max(1))
            );
            out.push_str(&format!(
                "\n{pad} {bar}\n{} {bar} {lead}{}\n{pad} {bar} {}",
                paint(&self.line.to_string(), console::Style::new().blue()),
                src.replace('\t', " "),
                paint(&underline, style)
            ));
        }
        if let Some(h) = &self.hint {
            out.push_str(&format!(
                "\n{pad} {} 提示：{h}",
                paint("=", console::Style::new().blue())
            ));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// The library's error: one or more diagnostics (never empty).
#[derive(Debug, Clone, thiserror::Error)]
pub struct Error {
    pub diagnostics: Vec<Diagnostic>,
}

impl Error {
    pub fn one(d: Diagnostic) -> Self {
        Error { diagnostics: vec![d] }
    }

    pub fn many(mut diagnostics: Vec<Diagnostic>) -> Self {
        sort_diagnostics(&mut diagnostics);
        Error { diagnostics }
    }

    /// An I/O problem with a path, in plain words.
    pub fn io(path: &Path, err: &std::io::Error, what: &str) -> Self {
        Error::one(io_diagnostic(path, err, what))
    }

    pub fn render(&self, color: bool) -> String {
        let mut parts: Vec<String> = self.diagnostics.iter().map(|d| d.render(color)).collect();
        let n = self.diagnostics.iter().filter(|d| d.is_error()).count();
        if n > 1 {
            parts.push(format!("共 {n} 处错误。"));
        }
        parts.join("\n\n")
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Self {
        Error::one(d)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An I/O failure described in plain words.
pub fn io_diagnostic(path: &Path, err: &std::io::Error, what: &str) -> Diagnostic {
    let reason = match err.kind() {
        std::io::ErrorKind::NotFound => "找不到该文件或文件夹".to_string(),
        std::io::ErrorKind::PermissionDenied => "没有读写权限".to_string(),
        _ => err.to_string(),
    };
    Diagnostic::new("io", format!("{what}失败：{reason}")).in_file(path.display().to_string())
}

/// Errors first, then by file, line and column, so output is stable.
pub fn sort_diagnostics(ds: &mut [Diagnostic]) {
    ds.sort_by(|a, b| {
        (a.severity, &a.file, a.line, a.col, &a.message).cmp(&(b.severity, &b.file, b.line, b.col, &b.message))
    });
}

/// 1-based (line, column in characters) of a byte offset.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(source, offset.min(source.len()));
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let col = source[line_start..offset].chars().count() + 1;
    (line, col)
}

/// Where each line of a text starts, to place many offsets in it without rescanning it from
/// the start for each (a page with thousands of links).
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    /// The last offset placed and its column: offsets placed in order along one long line
    /// count characters from there, not from the line's start each time.
    last: std::cell::Cell<(usize, usize)>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex {
            text,
            starts,
            last: std::cell::Cell::new((0, 1)),
        }
    }

    /// The text this indexes.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// 1-based line and column (in characters) of a byte offset, as [`line_col`] gives them.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let (from, col) = match self.last.get() {
            (at, col) if (start..=offset).contains(&at) => (at, col),
            _ => (start, 1),
        };
        let col = col + self.text[from..offset].chars().count();
        self.last.set((offset, col));
        (line, col)
    }

    /// The excerpt of the line around a byte offset, as [`excerpt`] makes it from the line
    /// and the column, without walking the line up to the offset.
    pub fn excerpt_at(&self, offset: usize) -> (String, usize) {
        let (line, col) = self.line_col(offset);
        let text = self.line(line);
        if text.len() <= EXCERPT_MAX || text.chars().nth(EXCERPT_MAX).is_none() {
            return (text.to_string(), 0);
        }
        let offset = floor_char_boundary(self.text, offset.min(self.text.len())) - self.starts[line - 1];
        let before: usize = text[..offset.min(text.len())]
            .char_indices()
            .rev()
            .take(EXCERPT_BEFORE)
            .last()
            .map_or(offset.min(text.len()), |(i, _)| i);
        let skip = col - 1 - text[before..offset.min(text.len())].chars().count();
        (text[before..].chars().take(EXCERPT_MAX).collect(), skip)
    }

    /// The text of a 1-based line, without its line break.
    pub fn line(&self, line: usize) -> &'a str {
        let Some(&start) = self.starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = self.starts.get(line).map_or(self.text.len(), |&e| e - 1);
        self.text[start..end].trim_end_matches('\r')
    }

    /// `d` placed at a byte offset, spanning `span_bytes` (on its first line), as
    /// [`Diagnostic::at_offset`] places it.
    pub fn place(&self, mut d: Diagnostic, offset: usize, span_bytes: usize) -> Diagnostic {
        let (line, col) = self.line_col(offset);
        let start = floor_char_boundary(self.text, offset.min(self.text.len()));
        let end = floor_char_boundary(self.text, (offset + span_bytes).min(self.text.len()));
        let span = self.text[start..end]
            .split('\n')
            .next()
            .map_or(1, |s| s.chars().count());
        d.line = line;
        d.col = col.max(1);
        d.span_chars = span.max(1);
        let (source, skip) = self.excerpt_at(offset);
        (d.source_line, d.source_skip) = (Some(source), skip);
        d
    }
}

/// Of a source line, what a message shows around 1-based column `col`: the whole line when
/// it is short, else at most 240 characters from 80 before the column; with how many
/// characters were left out in front. A 200 KB line of a hostile file must not be copied into
/// every message about it.
pub fn excerpt(line: &str, col: usize) -> (String, usize) {
    if line.len() <= EXCERPT_MAX || line.chars().nth(EXCERPT_MAX).is_none() {
        return (line.to_string(), 0);
    }
    let skip = col.saturating_sub(1).saturating_sub(EXCERPT_BEFORE);
    (line.chars().skip(skip).take(EXCERPT_MAX).collect(), skip)
}

/// How many characters of a long line a message keeps, and how many of them before the column.
const EXCERPT_MAX: usize = 240;
const EXCERPT_BEFORE: usize = 80;

/// The largest char boundary not above `i`.
pub fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A path shown relative to `base` when it lies below it, with `/` separators.
pub fn display_path(path: &Path, base: &Path) -> String {
    let rel: PathBuf = path
        .strip_prefix(base)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf());
    rel.to_string_lossy().replace('\\', "/")
}

/// Terminal columns taken by `s`: East Asian wide characters count two.
pub fn display_width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_long_line_is_shown_around_its_column_with_the_caret_in_place() {
        let line = format!("{}[坏链接](@/x.md){}", "字".repeat(5_000), "尾".repeat(5_000));
        let d = Diagnostic::new("link/missing", "链接的目标不存在")
            .in_file("content/a.md")
            .at_line_col(&line, 1, 5_001, 5);
        assert_eq!(d.col, 5_001, "the column stays the file's");
        assert!(d.source_line.as_ref().unwrap().chars().count() <= 240);
        let shown = d.render(false);
        assert!(shown.contains("content/a.md:1:5001"), "{shown}");
        let lines: Vec<&str> = shown.lines().collect();
        let src = lines.iter().find(|l| l.contains("[坏链接]")).unwrap();
        let caret = lines.iter().find(|l| l.contains('^')).unwrap();
        let at = |l: &str, pat: &str| display_width(&l[..l.find(pat).unwrap()]);
        assert_eq!(at(src, "[坏链接]"), at(caret, "^"), "{shown}");
        assert_eq!(excerpt("短行", 1), ("短行".to_string(), 0));
        let text = format!("标题\n{line}\n");
        let index = LineIndex::new(&text);
        let offset = text.find("[坏链接]").unwrap();
        assert_eq!(index.excerpt_at(offset), excerpt(&line, 5_001));
        assert_eq!(index.line_col(offset), line_col(&text, offset));
    }

    use super::*;

    #[test]
    fn the_line_index_agrees_with_line_col() {
        let text = "一\r\n二三\n\nabc\n末";
        let index = LineIndex::new(text);
        for offset in 0..=text.len() + 2 {
            assert_eq!(index.line_col(offset), line_col(text, offset), "{offset}");
        }
        assert_eq!(
            (index.line(1), index.line(2), index.line(3), index.line(5)),
            ("一", "二三", "", "末")
        );
        assert_eq!((index.line(0), index.line(6)), ("", ""));
        let a = Diagnostic::new("x", "m").at_offset(text, 9, 4);
        let b = index.place(Diagnostic::new("x", "m"), 9, 4);
        assert_eq!(
            (a.line, a.col, a.span_chars, a.source_line),
            (b.line, b.col, b.span_chars, b.source_line)
        );
    }

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let src = "---\ntitle: 案例\nyear: 二〇二四\n";
        let off = src.find("二").unwrap();
        assert_eq!(line_col(src, off), (3, 7));
    }

    #[test]
    fn render_points_under_the_offending_text() {
        let src = "title: x\nauther: 张三\n";
        let d = Diagnostic::new("t", "未知字段 `auther`")
            .in_file("content/a.md")
            .at_offset(src, src.find("auther").unwrap(), 6)
            .with_hint("删除它");
        let text = d.render(false);
        assert!(text.contains("--> content/a.md:2:1"), "{text}");
        assert!(text.contains("2 | auther: 张三"), "{text}");
        assert!(text.contains("  | ^^^^^^\n"), "{text}");
        assert!(text.contains("提示：删除它"), "{text}");
    }

    #[test]
    fn underline_accounts_for_wide_characters() {
        let src = "依据**《民法典》**的规定";
        let d = Diagnostic::new("t", "m").at_offset(src, src.find("**").unwrap(), 2);
        let text = d.render(false);
        // "依据" is 4 columns wide
        assert!(text.contains("|     ^^"), "{text}");
    }
}
