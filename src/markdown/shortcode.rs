//! Shortcodes in Zola's syntax, found in a Markdown body before it is rendered.
//!
//! Inline `{{ name(arg=value, …) }}` and block `{% name(…) %}body{% end %}` are cut out of
//! the body and replaced by a placeholder element (`<pufa-sc n="0"></pufa-sc>`; a block one
//! on lines of its own) that survives Markdown; `render::shortcodes` later replaces each
//! placeholder with its template's output. Inside code spans and fenced or indented code they
//! stay text, and `{{/* name() */}}` writes `{{ name() }}` literally. A call that starts like
//! a shortcode but cannot be read is an error at its place.

use std::ops::Range;

use serde::{Deserialize, Serialize};

/// One argument value: a string, a number or a boolean.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Arg {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

/// One shortcode call in a body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Call {
    pub name: String,
    pub args: Vec<(String, Arg)>,
    /// The text between a block shortcode's tags (`None` for an inline one).
    pub body: Option<String>,
    /// Where `body` starts in the page body (bytes).
    #[serde(default)]
    pub body_at: usize,
    /// `body` rendered as Markdown, its links placeholders numbered in the page's link list
    /// (filled in by [`crate::markdown::render_with_shortcodes`]).
    #[serde(default)]
    pub body_html: Option<String>,
    /// Where the call is in the body (bytes).
    pub range: Range<usize>,
    /// Filled in by the page: file line, column and the line's text, for messages.
    pub line: usize,
    pub col: usize,
    /// The line around the call (see [`crate::diagnostics::excerpt`]), and how many
    /// characters of it were left out in front.
    pub source_line: String,
    pub source_skip: usize,
}

/// A shortcode that cannot be read, at `offset` in the body.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub offset: usize,
    pub len: usize,
    pub message: String,
}

/// A body with its shortcodes cut out.
#[derive(Debug, Default)]
pub struct Cut {
    /// The body with placeholders (or the body itself when it has no shortcode).
    pub text: String,
    pub calls: Vec<Call>,
    /// (start in `text`, length in `text`, start in the body, length in the body) of every
    /// replaced piece, in order, to map ranges in `text` back to the body.
    pub edits: Vec<(usize, usize, usize, usize)>,
}

/// The placeholder of call `n` (what the rendered HTML holds until expansion).
pub fn placeholder(n: usize) -> String {
    format!("<pufa-sc n=\"{n}\"></pufa-sc>")
}

/// `html` with every placeholder replaced by `fill(n)`, in one pass. With `paragraphs`, a
/// placeholder alone in a paragraph (`<p>…</p>`) replaces the paragraph too (a figure or a
/// table may not sit inside a `<p>`). A page may hold thousands of calls, so this never
/// searches the text once per call.
pub fn fill_placeholders(html: &str, paragraphs: bool, mut fill: impl FnMut(usize) -> String) -> String {
    const OPEN: &str = "<pufa-sc n=\"";
    const CLOSE: &str = "\"></pufa-sc>";
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(OPEN) {
        let after = &rest[at + OPEN.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let (Ok(n), true) = (after[..digits].parse::<usize>(), after[digits..].starts_with(CLOSE)) else {
            out.push_str(&rest[..at + OPEN.len()]);
            rest = after;
            continue;
        };
        let mut before = &rest[..at];
        let mut tail = &after[digits + CLOSE.len()..];
        if paragraphs && before.ends_with("<p>") && tail.starts_with("</p>") {
            before = &before[..before.len() - 3];
            tail = &tail[4..];
        }
        out.push_str(before);
        out.push_str(&fill(n));
        rest = tail;
    }
    out.push_str(rest);
    out
}

impl Cut {
    /// A byte offset in [`Cut::text`] as an offset in the original body.
    /// A binary search over the edits (a page may hold thousands of calls, each of whose
    /// links and warnings is mapped back).
    pub fn original(&self, at: usize) -> usize {
        let k = self.edits.partition_point(|e| e.0 <= at);
        let Some(&(new_start, new_len, old_start, old_len)) = k.checked_sub(1).map(|k| &self.edits[k]) else {
            return at;
        };
        if at < new_start + new_len {
            return old_start;
        }
        at - (new_start + new_len) + old_start + old_len
    }
}

/// Finds the shortcodes of `body`. Bodies without `{{` or `{%` cost one scan.
pub fn cut(body: &str) -> Result<Cut, SyntaxError> {
    if !body.contains("{{") && !body.contains("{%") {
        return Ok(Cut {
            text: body.to_string(),
            ..Default::default()
        });
    }
    let code = code_ranges(body);
    let mut out = Cut::default();
    let mut last = 0;
    let mut i = 0;
    let bytes = body.as_bytes();
    let mut next_code = 0; // the code ranges are in order: the first that may hold `i`
    while i + 1 < bytes.len() {
        while code.get(next_code).is_some_and(|r| r.end <= i) {
            next_code += 1;
        }
        if let Some(r) = code.get(next_code).filter(|r| r.contains(&i)) {
            i = r.end;
            continue;
        }
        let two = &bytes[i..i + 2];
        if two != b"{{" && two != b"{%" {
            i += 1;
            continue;
        }
        let Some(found) = read_call(body, i)? else {
            i += 2;
            continue;
        };
        out.text.push_str(&body[last..i]);
        let new_start = out.text.len();
        match found {
            Found::Literal(text, end) => {
                out.text.push_str(&text);
                out.edits.push((new_start, text.len(), i, end - i));
                last = end;
                i = end;
            }
            Found::Call(mut call) => {
                let n = out.calls.len();
                let end = call.range.end;
                let ph = if call.body.is_some() {
                    format!("\n\n{}\n\n", placeholder(n))
                } else {
                    placeholder(n)
                };
                out.text.push_str(&ph);
                out.edits.push((new_start, ph.len(), i, end - i));
                call.range = i..end;
                out.calls.push(call);
                last = end;
                i = end;
            }
        }
    }
    out.text.push_str(&body[last..]);
    Ok(out)
}

enum Found {
    Call(Call),
    /// `{{/* … */}}`: the text to write instead, and where the escape ends.
    Literal(String, usize),
}

/// Reads a call starting at `at` (`{{` or `{%`); `None` when it is not a shortcode at all.
fn read_call(body: &str, at: usize) -> Result<Option<Found>, SyntaxError> {
    let block = body[at..].starts_with("{%");
    let (open, close) = if block { ("{%", "%}") } else { ("{{", "}}") };
    let inner = &body[at + 2..];
    if let Some(rest) = inner.strip_prefix("/*") {
        let Some(end) = rest.find(&format!("*/{close}")) else {
            return Ok(None);
        };
        let literal = format!("{open}{}{close}", &rest[..end]);
        return Ok(Some(Found::Literal(literal, at + 2 + 2 + end + 4)));
    }
    let mut p = Parser { s: body, i: at + 2 };
    p.spaces();
    let name_at = p.i;
    let name = p.ident();
    if name.is_empty() || !p.eat("(") {
        return Ok(None);
    }
    if block && name == "end" {
        return Ok(None);
    }
    let args = p.args().map_err(|(offset, message)| SyntaxError {
        offset,
        len: 1,
        message,
    })?;
    p.spaces();
    if !p.eat(close) {
        return Err(SyntaxError {
            offset: p.i.min(body.len()),
            len: 1,
            message: format!("shortcode `{name}` 缺少结尾的 `{close}`"),
        });
    }
    let mut end = p.i;
    let mut inner_body = None;
    let mut body_at = 0;
    if block {
        let Some((text, after)) = block_body(body, end) else {
            return Err(SyntaxError {
                offset: name_at,
                len: name.chars().count(),
                message: format!("shortcode `{name}` 缺少结尾的 `{{% end %}}`"),
            });
        };
        let trimmed = text.trim_matches('\n');
        body_at = end + (text.len() - text.trim_start_matches('\n').len());
        inner_body = Some(trimmed.to_string());
        end = after;
    }
    Ok(Some(Found::Call(Call {
        name: name.to_string(),
        args,
        body: inner_body,
        body_at,
        body_html: None,
        range: at..end,
        line: 0,
        col: 0,
        source_line: String::new(),
        source_skip: 0,
    })))
}

/// The body of a block shortcode from `from` to its `{% end %}`, and the offset after it.
fn block_body(body: &str, from: usize) -> Option<(&str, usize)> {
    let mut i = from;
    while let Some(p) = body[i..].find("{%") {
        let start = i + p;
        let rest = body[start + 2..].trim_start_matches([' ', '\t', '-']);
        if let Some(after) = rest.strip_prefix("end") {
            let after = after.trim_start_matches([' ', '\t', '-']);
            if let Some(tail) = after.strip_prefix("%}") {
                let end = body.len() - tail.len();
                return Some((&body[from..start], end));
            }
        }
        i = start + 2;
    }
    None
}

struct Parser<'a> {
    s: &'a str,
    i: usize,
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.i..]
    }

    fn spaces(&mut self) {
        let r = self.rest();
        self.i += r.len() - r.trim_start().len();
    }

    fn eat(&mut self, t: &str) -> bool {
        if self.rest().starts_with(t) {
            self.i += t.len();
            true
        } else {
            false
        }
    }

    fn ident(&mut self) -> &'a str {
        let r = self.rest();
        let n = r
            .char_indices()
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_'))
            .map_or(r.len(), |(i, _)| i);
        self.i += n;
        &r[..n]
    }

    /// `k=v, k2=v2)` after the opening parenthesis.
    fn args(&mut self) -> Result<Vec<(String, Arg)>, (usize, String)> {
        let mut args = Vec::new();
        loop {
            self.spaces();
            if self.eat(")") {
                return Ok(args);
            }
            let at = self.i;
            let key = self.ident().to_string();
            if key.is_empty() {
                return Err((at, "shortcode 的参数要写成 名称=值，如 src=\"photo.jpg\"".into()));
            }
            self.spaces();
            if !self.eat("=") {
                return Err((self.i, format!("参数 `{key}` 后面缺少 `=` 和值")));
            }
            self.spaces();
            let value = self.value().map_err(|m| (self.i, m))?;
            args.push((key, value));
            self.spaces();
            if !self.eat(",") {
                self.spaces();
                if self.eat(")") {
                    return Ok(args);
                }
                return Err((self.i, "参数之间要用英文逗号 `,` 分开，最后用 `)` 结束".into()));
            }
        }
    }

    fn value(&mut self) -> Result<Arg, String> {
        let r = self.rest();
        if let Some(q) = r.chars().next().filter(|c| matches!(c, '"' | '\'' | '“' | '”')) {
            if q == '“' || q == '”' {
                return Err("字符串要用英文引号 \" 括起来，不能用中文引号“”".into());
            }
            let mut out = String::new();
            let mut chars = r[1..].char_indices();
            while let Some((j, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, n)) = chars.next() {
                            out.push(n);
                        }
                    }
                    c if c == q => {
                        self.i += 1 + j + 1;
                        return Ok(Arg::Str(out));
                    }
                    c => out.push(c),
                }
            }
            return Err("字符串缺少结尾的引号".into());
        }
        let n = r
            .char_indices()
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '_')))
            .map_or(r.len(), |(i, _)| i);
        let word = &r[..n];
        let v = match word {
            "true" => Arg::Bool(true),
            "false" => Arg::Bool(false),
            _ => {
                if let Ok(i) = word.parse::<i64>() {
                    Arg::Int(i)
                } else if let Ok(f) = word.parse::<f64>() {
                    Arg::Float(f)
                } else {
                    return Err(format!("参数值“{word}”看不懂：文字要用英文引号括起来，如 \"{word}\""));
                }
            }
        };
        self.i += n;
        Ok(v)
    }
}

/// Byte ranges of code in `body`: fenced blocks, indented blocks and code spans.
fn code_ranges(body: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut fence: Option<(char, usize, usize)> = None;
    let mut pos = 0;
    let mut prev_blank = true;
    for line in body.split_inclusive('\n') {
        let t = line.trim_start();
        let indent = line.len() - t.len();
        let marker = t.chars().next().filter(|c| *c == '`' || *c == '~');
        let run = marker.map_or(0, |m| t.chars().take_while(|c| *c == m).count());
        match fence {
            Some((m, n, start)) if marker == Some(m) && run >= n && t[run..].trim().is_empty() => {
                out.push(start..pos + line.len());
                fence = None;
            }
            Some(_) => {}
            None if run >= 3 && indent < 4 => fence = Some((marker.unwrap_or('`'), run, pos)),
            None if indent >= 4 && prev_blank && !t.is_empty() => out.push(pos..pos + line.len()),
            None => {}
        }
        prev_blank = t.is_empty() || (prev_blank && indent >= 4);
        pos += line.len();
    }
    if let Some((_, _, start)) = fence {
        out.push(start..body.len());
    }
    // Code spans outside those blocks: a backtick run up to the next run of the same length.
    let bytes = body.as_bytes();
    let blocks = out.clone(); // in order, so one pointer finds the block that may hold `i`
    let mut next_block = 0;
    let mut i = 0;
    while i < bytes.len() {
        while blocks.get(next_block).is_some_and(|r| r.end <= i) {
            next_block += 1;
        }
        if let Some(r) = blocks.get(next_block).filter(|r| r.contains(&i)) {
            i = r.end;
            continue;
        }
        if bytes[i] != b'`' {
            i += 1;
            continue;
        }
        let n = bytes[i..].iter().take_while(|b| **b == b'`').count();
        let mut j = i + n;
        let mut closed = None;
        while j < bytes.len() {
            if bytes[j] == b'`' {
                let m = bytes[j..].iter().take_while(|b| **b == b'`').count();
                if m == n {
                    closed = Some(j + m);
                    break;
                }
                j += m;
            } else {
                j += 1;
            }
        }
        match closed {
            Some(end) => {
                out.push(i..end);
                i = end;
            }
            None => i += n,
        }
    }
    out.sort_by_key(|r| r.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_and_block_calls_become_placeholders() {
        let c = cut("前文{{ figure(src=\"a.jpg\", width=300, big=true) }}后文\n\n{% notice(type=\"注意\") %}\n小心**台风**。\n{% end %}\n").unwrap();
        assert_eq!(c.calls.len(), 2);
        assert_eq!(c.calls[0].name, "figure");
        assert_eq!(
            c.calls[0].args,
            vec![
                ("src".into(), Arg::Str("a.jpg".into())),
                ("width".into(), Arg::Int(300)),
                ("big".into(), Arg::Bool(true))
            ]
        );
        assert_eq!(c.calls[1].body.as_deref(), Some("小心**台风**。"));
        assert!(c.text.starts_with("前文<pufa-sc n=\"0\"></pufa-sc>后文"), "{}", c.text);
        assert!(c.text.contains("\n\n<pufa-sc n=\"1\"></pufa-sc>\n\n"));
        let after = c.text.find("后文").unwrap();
        assert_eq!(
            c.original(after),
            "前文{{ figure(src=\"a.jpg\", width=300, big=true) }}".len()
        );
    }

    #[test]
    fn code_and_escapes_stay_text() {
        let body = "`{{ figure() }}` 和\n\n```\n{{ figure() }}\n```\n\n{{/* figure() */}}\n";
        let c = cut(body).unwrap();
        assert!(c.calls.is_empty());
        assert!(c.text.contains("`{{ figure() }}`"));
        assert!(c.text.contains("```\n{{ figure() }}\n```"));
        assert!(c.text.contains("{{ figure() }}\n"), "{}", c.text);
        assert!(!c.text.contains("/*"));
    }

    #[test]
    fn braces_that_are_not_calls_stay_text() {
        let c = cut("模板写法 {{ 标题 }} 与 {% if %}").unwrap();
        assert!(c.calls.is_empty());
    }

    #[test]
    fn broken_calls_are_errors_at_their_place() {
        let e = cut("文字 {{ figure(src=a.jpg) }}").unwrap_err();
        assert!(e.message.contains("英文引号"), "{}", e.message);
        let e = cut("{% notice() %}没有结尾").unwrap_err();
        assert!(e.message.contains("end"), "{}", e.message);
        assert_eq!(e.offset, 3);
        let e = cut("{{ figure(src=\"a\") }").unwrap_err();
        assert!(e.message.contains("}}"), "{}", e.message);
    }
}
