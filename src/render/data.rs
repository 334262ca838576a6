//! `load_data(path=…)`: CSV, JSON and YAML files read by templates (and the `data_table`
//! shortcode). Paths are relative to the site folder (`static/data/人口.csv`), or `@/…` in
//! content/; they may not leave the site folder. A CSV gives `{headers, records}` (the first
//! row, then the others, as text); JSON and YAML give their value. The file is recorded as an
//! input, so serve and the build cache render again when it changes.

use tera::Value;

use super::{Input, record};
use crate::config::Config;

/// Reads the data file `path` (as a template wrote it).
pub fn load(config: &Config, path: &str) -> Result<Value, String> {
    let rel = match path.strip_prefix("@/") {
        Some(r) => format!("content/{r}"),
        None => path.trim_start_matches('/').to_string(),
    };
    if !crate::util::stays_inside(&rel) {
        return Err(format!("load_data: 路径“{path}”不能离开站点文件夹"));
    }
    let full = config.root.join(&rel);
    record(Input::File(rel.clone()));
    let bytes = std::fs::read(&full).map_err(|e| format!("load_data: 读取 {rel} 失败：{e}"))?;
    let text = String::from_utf8(bytes).map_err(|_| format!("load_data: {rel} 不是 UTF-8 编码，请另存为 UTF-8"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let ext = rel
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "csv" => Ok(csv_value(&parse_csv(text))),
        "json" => serde_json::from_str::<serde_json::Value>(text)
            .map(|v| Value::from_serializable(&v))
            .map_err(|e| format!("load_data: {rel} 不是有效的 JSON：{e}")),
        "yaml" | "yml" => crate::yaml::from_str::<serde_json::Value>(text)
            .map(|v| Value::from_serializable(&v))
            .map_err(|e| format!("load_data: {rel} 第 {} 行：{}", e.line, e.message)),
        _ => Err(format!("load_data: 只能读 .csv、.json、.yaml 文件，{rel} 不是")),
    }
}

fn csv_value(rows: &[Vec<String>]) -> Value {
    let mut m = super::values::MapBuilder::new();
    let headers = rows.first().cloned().unwrap_or_default();
    let records: Vec<Value> = rows.iter().skip(1).map(|r| Value::from(r.clone())).collect();
    m.set("headers", Value::from(headers))
        .set("records", Value::from(records));
    m.build()
}

/// RFC 4180 CSV: quoted fields (with `""` for a quote, commas and line breaks inside),
/// CRLF or LF; blank lines are skipped.
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                if !(row.len() == 1 && row[0].is_empty()) {
                    rows.push(std::mem::take(&mut row));
                }
                row.clear();
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_quotes_commas_and_blank_lines() {
        let rows = parse_csv("村,人数\r\n\"东村,西村\",12\n\n\"说\"\"法\"\"\",3");
        assert_eq!(
            rows,
            vec![
                vec!["村".to_string(), "人数".into()],
                vec!["东村,西村".into(), "12".into()],
                vec!["说\"法\"".into(), "3".into()],
            ]
        );
    }
}
