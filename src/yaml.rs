//! The one place that talks to the YAML library.
//!
//! pufa reads YAML through `yaml_serde` (the YAML organisation's maintained drop-in for the
//! archived `serde_yaml`); everything else calls [`from_str`] and gets a [`YamlError`] with a
//! 1-based line and column, the key path (e.g. `metrics[2].value`) and a message in plain
//! Chinese. Swapping the YAML crate means changing this file only. It also writes scalars
//! ([`scalar`], [`flow_scalar`], [`block_scalar`], [`quoted`]) that read back as the same
//! text, for the editor's forms and the importer.

use std::fmt::Write as _;

use serde::de::DeserializeOwned;

/// A YAML document tree, for free-form maps such as `extra`.
pub type Value = yaml_serde::Value;

/// A YAML problem, located in the YAML text that was parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// 1-based line within the YAML text (0 when unknown).
    pub line: usize,
    /// 1-based column within the YAML text (0 when unknown).
    pub col: usize,
    /// Where in the document, as `key`, `list[2].key`; empty at the top level.
    pub path: String,
    /// The offending key when the problem is about one key (unknown or missing).
    pub key: Option<String>,
    /// Plain-language message.
    pub message: String,
    /// A short code: `yaml/syntax`, `yaml/unknown-key`, `yaml/missing-key`, `yaml/duplicate-key`,
    /// `yaml/type`, `yaml/value`.
    pub code: &'static str,
    /// What to do about it, when that can be said.
    pub hint: Option<String>,
}

/// Parses `text` into `T`, reporting the first problem with its location.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    let de = yaml_serde::Deserializer::from_str(text);
    match serde_path_to_error::deserialize::<_, T>(de) {
        Ok(v) => Ok(v),
        Err(e) => {
            let path = clean_path(&e.path().to_string());
            let inner = e.into_inner();
            // A full-width colon or space is what a Chinese keyboard types; the parser would
            // blame a later line in English terms, so it gets its own message at its line.
            if let Some(e) = full_width(text) {
                return Err(e);
            }
            let mut err = translate(&inner, path, text);
            relocate(&mut err, text);
            if err.code == "yaml/syntax"
                && let Some(open) = unclosed_quote(text, err.line)
            {
                return Err(open);
            }
            Err(err)
        }
    }
}

/// Serialises a value as YAML (used by `pufa new` and `pufa import`).
pub fn to_string<T: serde::Serialize>(value: &T) -> Result<String, String> {
    yaml_serde::to_string(value).map_err(|e| e.to_string())
}

const FULL_WIDTH_SPACE: char = '\u{3000}';

/// The last line up to `before` whose value opens a quote it does not close
/// (`location: "示例村`), as an error at that quote: the parser only notices lines later,
/// where the next key or the end of the front matter stands.
fn unclosed_quote(text: &str, before: usize) -> Option<YamlError> {
    let lines: Vec<(usize, &str)> = text
        .split_inclusive('\n')
        .scan(0, |at, l| {
            let start = *at;
            *at += l.len();
            Some((start, l.trim_end_matches(['\n', '\r'])))
        })
        .take(before.max(1))
        .collect();
    // Up to the end of the error's line: a quoted value may go on over several lines.
    let end = lines.last().map_or(0, |(start, l)| start + l.len());
    let mut found = None;
    for (i, (start, l)) in lines.iter().enumerate() {
        if l.trim_start().starts_with('#') {
            continue;
        }
        let after = match (l.trim_start().strip_prefix("- "), l.find(": ")) {
            (Some(rest), _) => l.len() - rest.len(),
            (None, Some(colon)) => colon + 2,
            (None, None) => continue,
        };
        let value = l[after..].trim_start();
        let Some(q) = value.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        let quote_at = start + l.len() - value.len();
        if !closes(&text[quote_at + 1..end], q) {
            let col = l[..l.len() - value.len()].chars().count() + 1;
            found = Some((i + 1, col, q));
        }
    }
    let (line, col, q) = found?;
    Some(YamlError {
        line,
        col,
        path: String::new(),
        key: None,
        message: "YAML 格式错误：引号没有闭合".to_string(),
        code: "yaml/syntax",
        hint: Some(format!(
            "这一行的值以 {q} 开头，却没有结束的 {q}：请在值的末尾补上 {q}，或去掉开头的 {q}。"
        )),
    })
}

/// Whether `rest` (a quoted value after its opening quote `q`) holds the closing quote:
/// `\"` does not close a double-quoted value, `''` does not close a single-quoted one.
fn closes(rest: &str, q: char) -> bool {
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        match (q, c) {
            ('"', '\\') => {
                chars.next();
            }
            ('\'', '\'') if chars.peek() == Some(&'\'') => {
                chars.next();
            }
            _ if c == q => return true,
            _ => {}
        }
    }
    false
}

/// The first line where a full-width colon stands for the key's colon (`location：示例镇`),
/// or a full-width space stands where YAML needs a plain one (indentation, after the colon).
fn full_width(text: &str) -> Option<YamlError> {
    for (i, line) in text.lines().enumerate() {
        let indent_end = line.len() - line.trim_start_matches([' ', FULL_WIDTH_SPACE]).len();
        let indent = &line[..indent_end];
        if let Some(b) = indent.find(FULL_WIDTH_SPACE) {
            return Some(full_width_space(i + 1, indent[..b].chars().count() + 1));
        }
        let rest = &line[indent_end..];
        if rest.starts_with('#') {
            continue;
        }
        let item = rest.strip_prefix("- ").unwrap_or(rest);
        let start = indent_end + (rest.len() - item.len());
        let key_end = item.find([':', '：']);
        let Some(k) = key_end else { continue };
        let key = &item[..k];
        let key_like = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !key_like {
            continue;
        }
        let col = line[..start + k].chars().count() + 1;
        if item[k..].starts_with('：') {
            return Some(YamlError {
                line: i + 1,
                col,
                path: key.to_string(),
                key: Some(key.to_string()),
                message: format!("字段 `{key}` 后面是全角冒号：请把全角冒号“：”改成半角冒号“:”"),
                code: "yaml/full-width",
                hint: Some(format!(
                    "YAML 只认半角冒号（英文输入法下输入），冒号后面再加一个半角空格，例如 `{key}: 内容`。"
                )),
            });
        }
        if item[k + 1..].starts_with(FULL_WIDTH_SPACE) {
            return Some(full_width_space(i + 1, col + 1));
        }
    }
    None
}

fn full_width_space(line: usize, col: usize) -> YamlError {
    YamlError {
        line,
        col,
        path: String::new(),
        key: None,
        message: "这一行有全角空格：请把全角空格“　”改成半角空格".to_string(),
        code: "yaml/full-width",
        hint: Some("缩进和冒号后面的空格都要用半角空格（英文输入法下按空格键）。".to_string()),
    }
}

/// Some errors (from untagged or custom types) are reported at the start of the enclosing
/// mapping; point them at the key the path names instead.
fn relocate(err: &mut YamlError, text: &str) {
    if matches!(err.code, "yaml/syntax" | "yaml/missing-key" | "yaml/duplicate-key") || err.path.is_empty() {
        return;
    }
    let last = err.path.rsplit('.').next().unwrap_or("");
    let key = last.split('[').next().unwrap_or(last);
    if key.is_empty() {
        return;
    }
    let current = text.lines().nth(err.line.saturating_sub(1)).unwrap_or("");
    if current.contains(key) {
        return;
    }
    if let Some((l, c)) = find_key(text, key, err.line) {
        err.line = l;
        err.col = c;
    }
}

fn clean_path(p: &str) -> String {
    if p == "." || p == "?" {
        String::new()
    } else {
        p.to_string()
    }
}

fn translate(err: &yaml_serde::Error, path: String, text: &str) -> YamlError {
    let (mut line, mut col) = err.location().map(|l| (l.line(), l.column())).unwrap_or((0, 0));
    let raw = err.to_string();
    // Drop the "path: " prefix and " at line L column C" suffix yaml_serde adds.
    let mut msg = raw.as_str();
    if let Some(i) = msg.find(" at line ") {
        msg = &msg[..i];
    }
    if !path.is_empty()
        && let Some(rest) = msg.strip_prefix(&format!("{path}: "))
    {
        msg = rest;
    }
    let field = path.rsplit('.').next().unwrap_or("").to_string();
    let shown = if path.is_empty() {
        String::new()
    } else {
        format!("`{path}` ")
    };

    if let Some(rest) = msg.strip_prefix("unknown field `") {
        let key = rest.split('`').next().unwrap_or("").to_string();
        let expected = expected_list(rest);
        // Point at the key itself rather than at its value.
        if let Some((l, c)) = find_key(text, &key, line) {
            line = l;
            col = c;
        }
        let hint = match suggest(&key, &expected) {
            Some(s) => format!("是不是想写 `{s}`？可用的字段有：{}", expected.join("、")),
            None if expected.is_empty() => "请删除这个字段。".to_string(),
            None => format!("可用的字段有：{}。请删除或改正这个字段。", expected.join("、")),
        };
        let parent = path.rsplit_once('.').map(|(p, _)| p).unwrap_or("");
        let place = if parent.is_empty() {
            String::new()
        } else {
            format!("（在 `{parent}` 中）")
        };
        return YamlError {
            line,
            col,
            key: Some(key.clone()),
            path,
            message: format!("不认识的字段 `{key}`{place}"),
            code: "yaml/unknown-key",
            hint: Some(hint),
        };
    }
    if let Some(rest) = msg.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or("").to_string();
        let full = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        return YamlError {
            line,
            col,
            key: Some(key.clone()),
            path,
            message: format!("缺少必填字段 `{full}`"),
            code: "yaml/missing-key",
            hint: Some(format!("请加上一行 `{key}: ...`。")),
        };
    }
    // An integer where an integer is wanted, but too big or small for it: `invalid value:
    // integer `70000`, expected u16`, or `invalid type: integer `9…9` as u128, expected u16`.
    let out_of_range = msg
        .strip_prefix("invalid value: ")
        .or_else(|| msg.strip_prefix("invalid type: "))
        .and_then(|rest| rest.split_once(", expected "))
        .filter(|(found, expected)| found.starts_with("integer") && expected.trim().starts_with(['u', 'i']));
    if let Some((found, _)) = out_of_range {
        return YamlError {
            line,
            col,
            key: (!field.is_empty()).then(|| field.clone()),
            path,
            message: format!("字段 {shown}的数字太大或太小：{}", describe_found(found)),
            code: "yaml/value",
            hint: Some("请核对这个数字，例如年份写成 `year: 2024`。".to_string()),
        };
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return YamlError {
            line,
            col,
            key: (!field.is_empty()).then(|| field.clone()),
            path,
            message: format!(
                "字段 {shown}的值类型不对：应为{}，实际是{}",
                describe_expected(expected),
                describe_found(found)
            ),
            code: "yaml/type",
            hint: type_hint(expected),
        };
    }
    if let Some(rest) = msg.strip_prefix("invalid value: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return YamlError {
            line,
            col,
            key: (!field.is_empty()).then(|| field.clone()),
            path,
            message: format!(
                "字段 {shown}的值不对：应为{}，实际是{}",
                describe_expected(expected),
                describe_found(found)
            ),
            code: "yaml/value",
            hint: type_hint(expected),
        };
    }
    if let Some(rest) = msg.strip_prefix("unknown variant `") {
        let val = rest.split('`').next().unwrap_or("");
        let expected = expected_list(rest);
        return YamlError {
            line,
            col,
            key: (!field.is_empty()).then(|| field.clone()),
            path,
            message: format!("字段 {shown}的值 `{val}` 不在可选范围内"),
            code: "yaml/value",
            hint: Some(format!("可选的值：{}", expected.join("、"))),
        };
    }
    if msg.starts_with("invalid length") {
        return YamlError {
            line,
            col,
            key: (!field.is_empty()).then(|| field.clone()),
            path,
            message: format!("字段 {shown}的项数不对（{msg}）"),
            code: "yaml/value",
            hint: None,
        };
    }
    if let Some(rest) = msg.strip_prefix("pufa: ") {
        // A message produced by one of pufa's own Deserialize impls: already in plain words.
        return YamlError {
            line,
            col,
            key: (!field.is_empty()).then(|| field.clone()),
            path,
            message: format!("字段 {shown}{rest}"),
            code: "yaml/value",
            hint: None,
        };
    }
    if let Some(named) = duplicate_named(msg) {
        return duplicate_key(text, named.as_deref(), (line, col), path);
    }
    // Anything else is a syntax problem reported by the YAML parser.
    YamlError {
        line,
        col,
        key: None,
        path,
        message: format!("YAML 格式错误：{}", syntax_words(msg)),
        code: "yaml/syntax",
        hint: Some("检查这一行及上一行：冒号后要有空格，缩进要对齐，含冒号或引号的文字请整体加上引号。".to_string()),
    }
}

/// The key a duplicate-key message names (`duplicate field `x``, `duplicate entry with key "x"`);
/// `Some(None)` for a duplicate whose key is not named, `None` for other messages.
fn duplicate_named(msg: &str) -> Option<Option<String>> {
    if let Some(rest) = msg.strip_prefix("duplicate field `") {
        return Some(rest.split('`').next().map(str::to_string));
    }
    let rest = msg.split_once("duplicate entry with key ").map(|(_, r)| r);
    if let Some(rest) = rest {
        let key = rest.trim_matches(|c| c == '"' || c == '\'' || c == '`');
        return Some((!key.is_empty()).then(|| key.to_string()));
    }
    msg.contains("duplicate key").then_some(None)
}

/// A duplicate key, placed at its second occurrence (the parser places it at the mapping).
fn duplicate_key(text: &str, named: Option<&str>, at: (usize, usize), path: String) -> YamlError {
    let found = first_duplicate_key(text, named).or_else(|| first_duplicate_key(text, None));
    let (line, col, key) = match found {
        Some((l, c, k)) => (l, c, Some(k)),
        None => (at.0, at.1, named.map(str::to_string)),
    };
    let message = match &key {
        Some(k) => format!("字段 `{k}` 写了两次"),
        None => "同一个字段写了两次".to_string(),
    };
    let hint = match &key {
        Some(k) => format!("每个字段只能出现一次：前面已经写过 `{k}`，请删除或合并重复的这一行。"),
        None => "每个字段只能出现一次，请删除或合并重复的那一行。".to_string(),
    };
    YamlError {
        line,
        col,
        key,
        path,
        message,
        code: "yaml/duplicate-key",
        hint: Some(hint),
    }
}

/// The first key written twice in one block mapping, as (1-based line, column, key); `want`
/// restricts it to that key. List items start new mappings; block scalars (`|`, `>`) are
/// passed over, so text that looks like keys inside them does not count.
pub fn first_duplicate_key(text: &str, want: Option<&str>) -> Option<(usize, usize, String)> {
    let mut frames: Vec<(usize, std::collections::HashSet<String>)> = Vec::new();
    let mut in_scalar: Option<usize> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start_matches(' ');
        let mut indent = line.len() - trimmed.len();
        if trimmed.is_empty() || trimmed.starts_with('#') || in_scalar.is_some_and(|k| indent > k) {
            continue;
        }
        in_scalar = None;
        let (rest, item) = match trimmed.strip_prefix("- ") {
            Some(r) => {
                let r2 = r.trim_start_matches(' ');
                indent += 2 + (r.len() - r2.len());
                (r2, true)
            }
            None => (trimmed, false),
        };
        frames.retain(|(d, _)| *d < indent || (*d == indent && !item));
        let Some((key, value)) = block_key(rest) else {
            continue;
        };
        if frames.last().map(|f| f.0) != Some(indent) {
            frames.push((indent, Default::default()));
        }
        if let Some((_, keys)) = frames.last_mut()
            && !keys.insert(key.to_string())
            && want.is_none_or(|w| w == key)
        {
            return Some((i + 1, indent + 1, key.to_string()));
        }
        if value.trim_start().starts_with(['|', '>']) {
            in_scalar = Some(indent);
        }
    }
    None
}

/// The key and the rest of a block mapping line (`key: value`, `"key": value`).
fn block_key(rest: &str) -> Option<(&str, &str)> {
    if let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let end = rest[1..].find(q)? + 1;
        let after = rest[end + 1..].trim_start_matches(' ');
        let value = after.strip_prefix(':')?;
        return (value.is_empty() || value.starts_with([' ', '\t'])).then_some((&rest[1..end], value));
    }
    if rest.starts_with(['{', '[', '#', '&', '*', '!', '|', '>']) {
        return None;
    }
    let end = rest
        .match_indices(':')
        .map(|(i, _)| i)
        .find(|&i| rest[i + 1..].is_empty() || rest[i + 1..].starts_with([' ', '\t']))?;
    let key = rest[..end].trim_end();
    (!key.is_empty() && !key.contains(" #")).then_some((key, &rest[end + 1..]))
}

fn expected_list(rest: &str) -> Vec<String> {
    let Some(i) = rest.find("expected ") else {
        return Vec::new();
    };
    rest[i..]
        .split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| s.to_string())
        .collect()
}

/// The candidate closest to `key` by edit distance, when it is close enough to be a typo.
pub fn suggest<'a>(key: &str, candidates: &'a [String]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (edit_distance(key, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4) && *d < c.len())
        .min()
        .map(|(_, c)| c.as_str())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Finds `key:` at the start of a line (after indentation), preferring the line nearest `near`.
pub fn find_key(text: &str, key: &str, near: usize) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    for (i, l) in text.lines().enumerate() {
        let trimmed = l.trim_start();
        let trimmed = trimmed.strip_prefix("- ").unwrap_or(trimmed);
        let indent = l.len() - trimmed.len();
        let bare = trimmed.strip_prefix('{').unwrap_or(trimmed);
        let hit = bare.starts_with(key) && bare[key.len()..].trim_start().starts_with(':')
            || trimmed.starts_with(&format!("\"{key}\""))
            || trimmed.starts_with(&format!("'{key}'"));
        if hit {
            let line = i + 1;
            let col = l[..indent].chars().count() + 1;
            let better = match best {
                None => true,
                Some((bl, _)) => line.abs_diff(near) < bl.abs_diff(near),
            };
            if better {
                best = Some((line, col));
            }
        } else if let Some(pos) = l.find(&format!("{key}:")) {
            // flow mappings: `{key: 1, other: 2}`
            let before = &l[..pos];
            if before.ends_with(['{', ' ', ',']) && best.is_none() {
                best = Some((i + 1, before.chars().count() + 1));
            }
        }
    }
    best
}

fn describe_expected(e: &str) -> String {
    let e = e.trim();
    match e {
        "u8" | "u16" | "u32" | "u64" | "i8" | "i16" | "i32" | "i64" | "usize" | "isize" => {
            "整数（阿拉伯数字，如 2024）".to_string()
        }
        "f32" | "f64" => "数字（如 93.19）".to_string(),
        "a boolean" => "true 或 false".to_string(),
        "a string" => "文字".to_string(),
        "a sequence" => "列表（如 [甲, 乙] 或逐行写 `- 甲`）".to_string(),
        "a map" => "由“字段: 值”组成的映射".to_string(),
        _ if e.starts_with("struct ") => "由“字段: 值”组成的映射".to_string(),
        _ if e.starts_with("a date") => "日期（YYYY-MM-DD，如 2025-01-20）".to_string(),
        _ if e.contains("number") => "数字（如 93.19）".to_string(),
        _ => e.to_string(),
    }
}

fn describe_found(f: &str) -> String {
    let f = f.trim();
    if let Some(s) = f.strip_prefix("string ") {
        return format!("文字 {s}");
    }
    if let Some(s) = f.strip_prefix("integer `") {
        // `integer `5`` or, for a number too big for any integer, `integer `9…9` as u128`.
        return format!("整数 {}", s.split('`').next().unwrap_or(s));
    }
    if let Some(s) = f.strip_prefix("floating point `") {
        return format!("数字 {}", s.trim_end_matches('`'));
    }
    match f {
        "sequence" => "列表".to_string(),
        "map" => "映射".to_string(),
        "unit value" => "空值".to_string(),
        _ if f.starts_with("boolean") => f.replace("boolean", "布尔值"),
        _ => f.to_string(),
    }
}

fn type_hint(expected: &str) -> Option<String> {
    let e = expected.trim();
    if e.starts_with('u') || e.starts_with('i') {
        Some("年份和数量请用阿拉伯数字书写，例如 `year: 2024`，不要写成“二〇二四”。".to_string())
    } else if e == "a sequence" {
        Some("列表可以写成 `[甲, 乙]`，也可以每项一行、以 `- ` 开头。".to_string())
    } else {
        None
    }
}

fn syntax_words(msg: &str) -> String {
    let m = msg.trim();
    if m.contains("mapping values are not allowed") {
        "这一行多了一个冒号（值里有冒号时，请把整个值加上引号）".to_string()
    } else if m.contains("did not find expected key") || m.contains("did not find expected") {
        "缩进或格式不对，找不到预期的字段".to_string()
    } else if m.contains("found character that cannot start any token") {
        "出现了不能作为开头的字符（如制表符 Tab 或 @、`）".to_string()
    } else if m.contains("found unexpected end of stream") || m.contains("unexpected end") {
        "内容不完整（引号或括号没有闭合？）".to_string()
    } else if m.contains("found a tab character") {
        "缩进里有制表符 Tab，请改用空格".to_string()
    } else {
        m.to_string()
    }
}

// Writing scalars: what pufa writes into front matter (the editor's forms, the importer)
// reads back as the same text.

/// Characters that must never stand unescaped in a YAML scalar.
fn unsafe_char(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}')
}

/// Whether `s` reads back as itself when written without quotes (`flow`: inside `[ ]`/`{ }`).
fn plain_ok(s: &str, flow: bool) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s != s.trim_matches([' ', '\t']) || "-?:,[]{}#&*!|>'\"%@`".contains(first) || s.chars().any(unsafe_char) {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') {
        return false;
    }
    if flow && s.contains([',', '[', ']', '{', '}', ':', '#']) {
        return false;
    }
    !looks_special(s)
}

/// Whether YAML would read `s` as a number, boolean, null or date rather than text.
fn looks_special(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    if matches!(
        l.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "~" | "=" | "<<"
    ) {
        return true;
    }
    let signless = l.trim_start_matches(['+', '-']);
    if matches!(signless, ".inf" | ".nan") {
        return true;
    }
    let starts_numeric = l.starts_with(|c: char| c.is_ascii_digit() || "+-.".contains(c));
    starts_numeric && l.chars().all(|c| c.is_ascii_hexdigit() || "+-._:xob ".contains(c))
}

/// A block-context scalar: plain, or double-quoted.
pub fn scalar(s: &str) -> String {
    if plain_ok(s, false) { s.to_string() } else { quoted(s) }
}

/// A scalar inside `[ ]` or `{ }`.
pub fn flow_scalar(s: &str) -> String {
    if plain_ok(s, true) { s.to_string() } else { quoted(s) }
}

/// Several lines as a `|-` block when that reads back exactly, else a quoted string.
pub fn block_scalar(s: &str) -> String {
    if !s.contains('\n') {
        return scalar(s);
    }
    let literal_ok = !s.starts_with([' ', '\n'])
        && !s.ends_with('\n')
        && !s.chars().any(|c| c != '\n' && (unsafe_char(c) || c == '\t'))
        && !s.lines().any(|l| !l.is_empty() && l.trim().is_empty());
    if !literal_ok {
        return quoted(s);
    }
    let mut out = String::from("|-");
    for l in s.split('\n') {
        if l.is_empty() {
            out.push('\n');
        } else {
            let _ = write!(out, "\n  {l}");
        }
    }
    out
}

/// A double-quoted YAML string.
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if unsafe_char(c) => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Fm {
        #[allow(dead_code)]
        title: String,
        #[allow(dead_code)]
        year: Option<u16>,
        #[allow(dead_code)]
        tags: Option<Vec<String>>,
    }

    #[test]
    fn unknown_key_points_at_the_key_and_suggests() {
        let e = from_str::<Fm>("title: a\nyaer: 2024\n").unwrap_err();
        assert_eq!(e.code, "yaml/unknown-key");
        assert_eq!((e.line, e.col), (2, 1));
        assert_eq!(e.key.as_deref(), Some("yaer"));
        assert!(e.hint.unwrap().contains("`year`"));
    }

    #[test]
    fn wrong_type_names_the_key_and_line() {
        let e = from_str::<Fm>("title: a\nyear: 二〇二四\n").unwrap_err();
        assert_eq!(e.code, "yaml/type");
        assert_eq!(e.line, 2);
        assert!(e.message.contains("`year`"), "{}", e.message);
        assert!(e.message.contains("整数"), "{}", e.message);
    }

    #[test]
    fn a_number_out_of_range_says_so_without_rust_types() {
        for text in ["title: a\nyear: 99999999999999999999\n", "title: a\nyear: 70000\n"] {
            let e = from_str::<Fm>(text).unwrap_err();
            assert_eq!(e.line, 2, "{text}");
            assert!(e.message.contains("太大或太小"), "{}", e.message);
            assert!(
                !e.message.contains("u128") && !e.message.contains("u16"),
                "{}",
                e.message
            );
        }
    }

    #[test]
    fn missing_key_is_named() {
        let e = from_str::<Fm>("year: 2024\n").unwrap_err();
        assert_eq!(e.code, "yaml/missing-key");
        assert!(e.message.contains("`title`"));
    }

    #[test]
    fn a_full_width_colon_is_named_at_its_own_line() {
        let e = from_str::<Fm>("title: a\nyear: 2024\ntags：[x]\n").unwrap_err();
        assert_eq!(e.code, "yaml/full-width");
        assert_eq!((e.line, e.col), (3, 5));
        assert!(e.message.contains("把全角冒号“：”改成半角冒号“:”"), "{}", e.message);
        let e = from_str::<Fm>("title：\"a\"\n").unwrap_err();
        assert_eq!((e.code, e.line), ("yaml/full-width", 1));
    }

    #[test]
    fn a_full_width_space_is_named_at_its_own_line() {
        let e = from_str::<Fm>("title: a\ntags:\n\u{3000}\u{3000}- x\n").unwrap_err();
        assert_eq!((e.code, e.line, e.col), ("yaml/full-width", 3, 1));
        assert!(e.message.contains("全角空格"));
        let e = from_str::<Fm>("title:\u{3000}a\nyear: x\n").unwrap_err();
        assert_eq!((e.code, e.line, e.col), ("yaml/full-width", 1, 7));
    }

    #[test]
    fn full_width_colons_inside_values_are_fine() {
        #[derive(Debug, Deserialize)]
        struct T {
            title: String,
        }
        let t: T = from_str("title: 关于：物业纠纷\n").unwrap();
        assert_eq!(t.title, "关于：物业纠纷");
        // Another problem in a file with a value full-width colon is still reported as itself.
        let e = from_str::<Fm>("title: 关于：物业\nyear: 二〇二四\n").unwrap_err();
        assert_eq!(e.code, "yaml/type");
    }

    #[test]
    fn a_duplicate_key_is_reported_at_the_duplicate() {
        let e = from_str::<Fm>("title: a\nyear: 2024\ntags: [x]\ntitle: b\n").unwrap_err();
        assert_eq!((e.line, e.col), (4, 1), "{e:?}");
        assert_eq!(e.key.as_deref(), Some("title"));
        assert!(e.message.contains("`title`"), "{}", e.message);
        let e = from_str::<Value>("a:\n  x: 1\n  y: 2\nb:\n  x: 1\n  x: 2\n").unwrap_err();
        assert_eq!((e.line, e.col), (6, 3), "{e:?}");
    }

    #[test]
    fn the_duplicate_locator_keeps_list_items_apart() {
        let text = "m:\n  - { key: a }\n  - key: a\n    v: 1\n  - key: b\n    key: c\n";
        assert_eq!(first_duplicate_key(text, None), Some((6, 5, "key".to_string())));
        assert_eq!(first_duplicate_key("a: |\n  x: 1\n  x: 2\nb: 1\n", Some("b")), None);
    }

    #[test]
    fn an_unclosed_quote_is_named_at_its_own_line() {
        let e = from_str::<Fm>("title: 测试\ntags: \"示例镇示例村\nyear: 2024\n").unwrap_err();
        assert_eq!((e.line, e.col, e.code), (2, 7, "yaml/syntax"), "{e:?}");
        assert!(e.message.contains("引号没有闭合"), "{e:?}");
        // Closed quotes, escaped ones and '' inside single quotes are not taken for it.
        assert!(unclosed_quote("a: \"x \\\" y\"\nb: 'it''s'\nc: \"ok\"\n", 3).is_none());
        assert_eq!(unclosed_quote("a: 'it''s\nb: 1\n", 2).map(|e| e.line), Some(1));
        // A quoted value that goes on over two lines is closed.
        assert!(unclosed_quote("a: \"第一行\n  第二行\"\nb: : x\n", 3).is_none());
    }

    #[test]
    fn syntax_error_has_a_line() {
        let e = from_str::<Fm>("title: a\n- x\n").unwrap_err();
        assert_eq!(e.code, "yaml/syntax");
        assert!(e.line >= 2, "{e:?}");
    }
}
