//! Form values ↔ front matter: reading a content file into the values the editor's form shows,
//! and writing the values back as stable, human-readable YAML.
//!
//! Writing follows [`schema::PAGE_FIELDS`]: keys in that fixed order, empty values left out,
//! strings quoted only when YAML would read them as something else, short lists in `[a, b]`
//! form, figures and awards one `{ … }` per line (as `pufa import` writes them), several lines
//! as a `|-` block. Values are not checked here: a year typed as 二〇二四 is written as the
//! text it is, and the loader's own check reports it beside its field. Keys the schema does
//! not know are kept and written after the known ones, so saving never drops them.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::config::Kind;
use crate::content::front_matter;
use crate::content::schema::{self, FieldType};
use crate::diagnostics::Diagnostic;
use crate::yaml::{block_scalar, flow_scalar, quoted, scalar};

/// Form values by key.
pub type Values = Map<String, Value>;

/// A content file read for the form.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Read {
    /// Values of the keys the schema knows.
    pub values: Values,
    /// Keys it does not know, kept as they were.
    pub unknown: Values,
    /// The Markdown body (without the blank line after the front matter).
    pub body: String,
}

/// Reads a content file; an error when its front matter cannot be read as YAML at all (the
/// editor then offers the file's text as it is).
pub fn read(text: &str, shown: &str) -> Result<Read, Diagnostic> {
    let text = crate::content::page::strip_bom(text);
    let split = front_matter::split(text, shown)?;
    let body = split.body.strip_prefix('\n').unwrap_or(split.body).to_string();
    let parsed: Value = if split.yaml.trim().is_empty() {
        Value::Null
    } else {
        let loc = front_matter::FmLocator {
            file: shown,
            text,
            split,
        };
        crate::yaml::from_str(split.yaml).map_err(|e| loc.yaml_error(e))?
    };
    let mut read = Read {
        body,
        ..Default::default()
    };
    let Value::Object(map) = parsed else {
        return Ok(read);
    };
    for (k, v) in map {
        match schema::field(&k) {
            Some(f) => {
                read.values.insert(k, for_form(f.ty, v));
            }
            None => {
                read.unknown.insert(k, v);
            }
        }
    }
    Ok(read)
}

/// A value as the form shows it: a word list may be written as one word.
fn for_form(ty: FieldType, v: Value) -> Value {
    match (ty, v) {
        (FieldType::List | FieldType::YearList, Value::Array(a)) => Value::Array(a),
        (FieldType::List | FieldType::YearList, Value::Null) => Value::Array(Vec::new()),
        (FieldType::List | FieldType::YearList, one) => Value::Array(vec![one]),
        (_, v) => v,
    }
}

/// Front matter written from form values, with where each key landed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Written {
    /// The YAML between the `---` lines.
    pub yaml: String,
    /// (key, first line, last line) in the file, 1-based (the file's line 1 is `---`).
    pub lines: Vec<(String, usize, usize)>,
}

impl Written {
    /// The whole file: front matter and body.
    pub fn file(&self, body: &str) -> String {
        let body = body.replace("\r\n", "\n");
        let body = body.trim_start_matches('\n');
        if body.trim().is_empty() {
            return format!("---\n{}---\n", self.yaml);
        }
        let end = if body.ends_with('\n') { "" } else { "\n" };
        format!("---\n{}---\n\n{body}{end}", self.yaml)
    }

    /// The key a file line belongs to.
    pub fn key_at(&self, line: usize) -> Option<&str> {
        self.lines
            .iter()
            .find(|(_, a, b)| (*a..=*b).contains(&line))
            .map(|(k, _, _)| k.as_str())
    }

    /// The last line of the front matter (the closing `---`).
    pub fn end_line(&self) -> usize {
        self.yaml.lines().count() + 2
    }
}

/// Writes the front matter of a page of `kind`. Keys `kind` may not carry are written too
/// when they have a value (the loader then says so beside them), never silently dropped.
pub fn write(values: &Values, unknown: &Values) -> Written {
    let mut w = Written::default();
    for field in schema::PAGE_FIELDS {
        let Some(v) = values.get(field.name) else { continue };
        let Some(text) = entry(field.name, field.ty, v) else {
            continue;
        };
        push(&mut w, field.name, &text);
    }
    for (k, v) in unknown {
        let Ok(text) = crate::yaml::to_string(&Map::from_iter([(k.clone(), v.clone())])) else {
            continue;
        };
        push(&mut w, k, &text);
    }
    w
}

/// The values a new page of `kind` starts with: its title, today's date and the year.
pub fn defaults(kind: Kind, title: &str, today: &str, year: i32, publisher: &str) -> Values {
    let mut v = Values::new();
    v.insert("title".into(), Value::String(title.into()));
    v.insert("date".into(), Value::String(today.into()));
    match kind {
        Kind::Report => {
            v.insert("year".into(), Value::from(year - 1));
            v.insert("publisher".into(), Value::String(publisher.into()));
        }
        Kind::Project => {
            v.insert("years".into(), Value::Array(vec![Value::from(year)]));
        }
        Kind::Case => {
            v.insert("year".into(), Value::from(year));
        }
        Kind::Page => {}
    }
    v
}

fn push(w: &mut Written, key: &str, text: &str) {
    let first = w.yaml.lines().count() + 2;
    w.yaml.push_str(text);
    if !text.ends_with('\n') {
        w.yaml.push('\n');
    }
    let last = w.yaml.lines().count() + 1;
    w.lines.push((key.to_string(), first, last));
}

/// The YAML of one key (`key: value` and any following lines), or `None` when it is empty.
fn entry(key: &str, ty: FieldType, v: &Value) -> Option<String> {
    match ty {
        FieldType::Text | FieldType::Date => {
            let s = text_of(v)?;
            let s = s.trim();
            (!s.is_empty()).then(|| format!("{key}: {}", if ty == FieldType::Date { date(s) } else { scalar(s) }))
        }
        FieldType::LongText => {
            let s = text_of(v)?.replace("\r\n", "\n");
            let s = s.trim_end().trim_start_matches('\n');
            (!s.trim().is_empty()).then(|| format!("{key}: {}", block_scalar(s)))
        }
        FieldType::Year | FieldType::Int => {
            let s = text_of(v)?;
            let s = s.trim();
            (!s.is_empty()).then(|| format!("{key}: {}", integer(s)))
        }
        FieldType::Bool => {
            let on = match v {
                Value::Bool(b) => *b,
                Value::String(s) => s == "true",
                _ => false,
            };
            on.then(|| format!("{key}: true"))
        }
        FieldType::List => list(key, &words(v)),
        FieldType::YearList => {
            let years: Vec<String> = words(v).iter().map(|y| integer(y)).collect();
            (!years.is_empty()).then(|| format!("{key}: [{}]", years.join(", ")))
        }
        FieldType::Metrics => rows(
            key,
            v,
            &[
                ("key", Cell::Text),
                ("label", Cell::Text),
                ("value", Cell::Number),
                ("unit", Cell::Text),
            ],
        ),
        FieldType::Awards => rows(
            key,
            v,
            &[
                ("name", Cell::Text),
                ("by", Cell::Text),
                ("level", Cell::Text),
                ("year", Cell::Integer),
            ],
        ),
        FieldType::Attachments => rows(key, v, &[("title", Cell::Text), ("file", Cell::Text)]),
        FieldType::Taxonomies => taxonomies(key, v),
        FieldType::Extra => match v {
            Value::Null => None,
            Value::Object(m) if m.is_empty() => None,
            other => crate::yaml::to_string(&Map::from_iter([(key.to_string(), other.clone())])).ok(),
        },
    }
}

/// A scalar as text (numbers and booleans as written).
fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The non-empty items of a list value (a single value is a list of one).
fn words(v: &Value) -> Vec<String> {
    let items: Vec<String> = match v {
        Value::Array(a) => a.iter().filter_map(text_of).collect(),
        other => text_of(other).into_iter().collect(),
    };
    items
        .into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// `key: [a, b]` when that is short and plain, else one `- item` per line.
fn list(key: &str, items: &[String]) -> Option<String> {
    if items.is_empty() {
        return None;
    }
    let flow: Vec<String> = items.iter().map(|s| flow_scalar(s)).collect();
    let one_line = format!("{key}: [{}]", flow.join(", "));
    if one_line.chars().count() <= 72 && !one_line.contains('\n') {
        return Some(one_line);
    }
    let mut out = format!("{key}:");
    for s in items {
        let _ = write!(out, "\n  - {}", scalar(s));
    }
    Some(out)
}

fn taxonomies(key: &str, v: &Value) -> Option<String> {
    let Value::Object(m) = v else { return None };
    let lines: Vec<String> = m
        .iter()
        .filter_map(|(name, terms)| list(&flow_scalar(name), &words(terms)))
        .collect();
    if lines.is_empty() {
        return None;
    }
    let mut out = format!("{key}:");
    for l in lines {
        for part in l.lines() {
            let _ = write!(out, "\n  {part}");
        }
    }
    Some(out)
}

#[derive(Clone, Copy)]
enum Cell {
    Text,
    Number,
    Integer,
}

/// A table (figures, awards): one `{ … }` per non-empty row, empty cells left out.
fn rows(key: &str, v: &Value, cols: &[(&str, Cell)]) -> Option<String> {
    let Value::Array(rows) = v else { return None };
    let mut out = format!("{key}:");
    let mut any = false;
    for row in rows {
        let Value::Object(cells) = row else { continue };
        let parts: Vec<String> = cols
            .iter()
            .filter_map(|(name, cell)| {
                let s = cells.get(*name).and_then(text_of)?;
                let s = s.trim();
                if s.is_empty() {
                    return None;
                }
                let shown = match cell {
                    Cell::Text => flow_scalar(s),
                    Cell::Number => number(s),
                    Cell::Integer => integer(s),
                };
                Some(format!("{name}: {shown}"))
            })
            .collect();
        if parts.is_empty() {
            continue;
        }
        any = true;
        let _ = write!(out, "\n  - {{ {} }}", parts.join(", "));
    }
    any.then_some(out)
}

/// A whole number as YAML reads it, or the text quoted (the loader then says it is no number).
fn integer(s: &str) -> String {
    match s.parse::<i64>() {
        Ok(n) => n.to_string(),
        Err(_) => quoted(s),
    }
}

/// A number as YAML reads it (`93.19`, `1200`), or the text quoted.
fn number(s: &str) -> String {
    match s.parse::<f64>() {
        Ok(n) if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", n as i64),
        Ok(n) if n.is_finite() => format!("{n}"),
        _ => quoted(s),
    }
}

/// A date written plainly when it looks like one, else quoted (the loader checks it).
fn date(s: &str) -> String {
    let plain = s.len() >= 10
        && s.bytes().all(|b| b.is_ascii_digit() || b"-:T+.Z ".contains(&b))
        && s.as_bytes()[4] == b'-'
        && !s.ends_with(' ');
    if plain { s.to_string() } else { quoted(s) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::front_matter::{PageFront, parse_test_page, split};

    fn parse(text: &str, kind: Kind) -> Result<PageFront, Vec<Diagnostic>> {
        parse_test_page(text, kind)
    }

    fn values(json: serde_json::Value) -> Values {
        json.as_object().cloned().unwrap()
    }

    const TRICKY: &[&str] = &[
        "示例镇",
        "关于：物业纠纷",
        "a: b",
        "a #b",
        "#开头",
        "- 列表",
        "[方括号]",
        "{花括号}",
        "\"引号\"",
        "'单引号'",
        "true",
        "No",
        "null",
        "~",
        "2024",
        "2024-01-20",
        "93.19",
        "0x1F",
        ".inf",
        "-1",
        "1e5",
        "逗号,在中间",
        "冒号:在中间",
        "结尾冒号:",
        " 前导空格",
        "尾随空格 ",
        "反斜杠\\n不是换行",
        "制表\t符",
        "%百分号",
        "@at",
        "`反引号`",
        "!感叹号",
        "&锚",
        "*别名",
        "|竖线",
        ">大于",
        "？全角问号",
        "《中华人民共和国民法典》第九百四十四条",
        "\u{3000}全角空格开头",
        "行\u{2028}分隔",
        "=",
        "<<",
    ];

    #[test]
    fn tricky_text_reads_back_as_itself_everywhere_it_can_stand() {
        for s in TRICKY {
            let v = values(serde_json::json!({
                "title": s,
                "location": s,
                "case_type": "人民调解",
                "year": "2024",
                "legal_basis": [s, "第二条"],
                "summary": s,
                "taxonomies": { "topics": [s] },
            }));
            let text = write(&v, &Values::new()).file("正文");
            let fm = parse(&text, Kind::Case).unwrap_or_else(|e| panic!("{s:?}\n{text}\n{e:?}"));
            let want = s.trim();
            assert_eq!(fm.title, want, "{text}");
            assert_eq!(fm.location.as_deref(), Some(want), "{text}");
            assert_eq!(fm.summary.as_deref(), Some(s.trim_end()), "{text}");
            assert_eq!(
                fm.legal_basis.unwrap().0,
                vec![want.to_string(), "第二条".into()],
                "{text}"
            );
            assert_eq!(fm.taxonomies["topics"].0, vec![want.to_string()], "{text}");
        }
    }

    #[test]
    fn tables_read_back_with_their_numbers() {
        for s in TRICKY {
            let v = values(serde_json::json!({
                "title": "报告",
                "year": 2024,
                "publisher": "示例镇人民政府",
                "metrics": [
                    { "key": "rate", "label": s, "value": "93.19", "unit": "%" },
                    { "key": "count", "label": "件数", "value": 1200, "unit": "" },
                    { "key": "", "label": "", "value": "", "unit": "" },
                ],
                "awards": [{ "name": s, "by": "省司法厅", "level": "省级", "year": "2024" }],
            }));
            let text = write(&v, &Values::new()).file("");
            let fm = parse(&text, Kind::Report).unwrap_or_else(|e| panic!("{s:?}\n{text}\n{e:?}"));
            let m = fm.metrics.unwrap();
            assert_eq!(m.len(), 2, "{text}");
            assert_eq!(m[0].label, s.trim());
            assert_eq!((m[0].value, m[0].unit.as_str()), (93.19, "%"));
            assert_eq!((m[1].value, m[1].unit.as_str()), (1200.0, ""));
            let a = &fm.awards.unwrap()[0];
            assert_eq!(a.name, s.trim());
            assert_eq!(a.year, Some(2024));
        }
    }

    #[test]
    fn several_lines_read_back_exactly() {
        for s in [
            "第一行\n第二行",
            "第一行\n\n第三行",
            "第一行\n  缩进的行",
            "a: b\n# 不是注释",
            " 空格开头\n第二行",
            "制表\t\n第二行",
            "第一行\n   \n第三行",
        ] {
            let v = values(serde_json::json!({ "title": "甲", "description": s }));
            let text = write(&v, &Values::new()).file("");
            let fm = parse(&text, Kind::Page).unwrap_or_else(|e| panic!("{s:?}\n{text}\n{e:?}"));
            assert_eq!(fm.description.as_deref(), Some(s), "{text}");
        }
        let v = values(serde_json::json!({ "title": "甲", "description": "第一行\n第二行" }));
        assert!(
            write(&v, &Values::new())
                .yaml
                .contains("description: |-\n  第一行\n  第二行\n")
        );
    }

    #[test]
    fn keys_come_in_schema_order_plain_when_they_can_be() {
        let v = values(serde_json::json!({
            "taxonomies": { "topics": ["矛盾纠纷化解", "物业纠纷"], "departments": [] },
            "case_type": "人民调解",
            "year": "2023",
            "title": "张某与某物业公司物业费纠纷调解案",
            "date": "2023-06-01",
            "draft": false,
            "description": "",
            "legal_basis": ["《中华人民共和国民法典》第九百四十四条"],
        }));
        let w = write(&v, &Values::new());
        assert_eq!(
            w.yaml,
            "title: 张某与某物业公司物业费纠纷调解案\ndate: 2023-06-01\nyear: 2023\ncase_type: 人民调解\n\
             legal_basis: [《中华人民共和国民法典》第九百四十四条]\ntaxonomies:\n  topics: [矛盾纠纷化解, 物业纠纷]\n"
        );
        assert_eq!(w.key_at(2), Some("title"));
        assert_eq!(w.key_at(7), Some("taxonomies"));
        assert_eq!(w.key_at(8), Some("taxonomies"));
        assert_eq!(w.end_line(), 9);
    }

    #[test]
    fn what_the_form_cannot_hold_is_written_for_the_loader_to_report() {
        let v = values(serde_json::json!({ "title": "报告", "year": "二〇二四", "publisher": "镇政府" }));
        let w = write(&v, &Values::new());
        let text = w.file("");
        let e = parse(&text, Kind::Report).unwrap_err();
        assert_eq!(w.key_at(e[0].line), Some("year"), "{e:?}");
        let v =
            values(serde_json::json!({ "title": "案例", "case_type": "调解", "year": 2024, "publisher": "镇政府" }));
        let w = write(&v, &Values::new());
        let e = parse(&w.file(""), Kind::Case).unwrap_err();
        assert_eq!(w.key_at(e[0].line), Some("publisher"), "{e:?}");
    }

    #[test]
    fn every_fixture_page_survives_a_trip_through_the_form() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic/content");
        let mut n = 0;
        for e in walkdir::WalkDir::new(&root).into_iter().filter_map(Result::ok) {
            let p = e.path();
            if p.extension().is_none_or(|x| x != "md") || p.file_name().is_some_and(|f| f == "_index.md") {
                continue;
            }
            let rel = p.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
            let kind = match rel.split('/').next().unwrap() {
                "reports" => Kind::Report,
                "projects" => Kind::Project,
                "cases" => Kind::Case,
                _ => Kind::Page,
            };
            let text = std::fs::read_to_string(p).unwrap();
            let before = parse(&text, kind).unwrap();
            let r = read(&text, &rel).unwrap();
            let again = write(&r.values, &r.unknown).file(&r.body);
            let after = parse(&again, kind).unwrap_or_else(|e| panic!("{rel}\n{again}\n{e:?}"));
            assert_eq!(before, after, "{rel}\n{again}");
            assert_eq!(
                split(&again, "a").unwrap().body.trim(),
                split(&text, "a").unwrap().body.trim()
            );
            // Writing what was read is stable.
            let r2 = read(&again, &rel).unwrap();
            assert_eq!(write(&r2.values, &r2.unknown).file(&r2.body), again, "{rel}");
            n += 1;
        }
        assert!(n >= 8, "{n}");
    }

    #[test]
    fn unknown_keys_are_kept() {
        let r = read("---\ntitle: 甲\nauther: 张某\n---\n正文\n", "a.md").unwrap();
        assert_eq!(r.unknown["auther"], "张某");
        let text = write(&r.values, &r.unknown).file(&r.body);
        assert!(text.contains("auther: 张某\n"), "{text}");
        assert!(parse(&text, Kind::Page).is_err());
    }

    #[test]
    fn unreadable_front_matter_is_an_error_with_its_line() {
        let e = read("---\ntitle: 甲\n- 坏了\n---\n", "a.md").unwrap_err();
        assert_eq!(e.line, 3);
    }
}
