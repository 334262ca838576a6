//! Metrics across years: `/metrics/`, `/metrics/<key>/`, SVG charts drawn at build time,
//! 同比 figures for report pages, project timelines, and the open data files
//! `/metrics.csv` (UTF-8 with BOM, for Excel) and `/metrics.json`.
//!
//! Charts are HTML drawn at build time (no script): one row per year with its bar and value
//! under labelled axes, or a value card when there is one year. Their text is page text, so
//! it follows 大字号 and stays readable on a phone; colours come from the page's CSS
//! variables (high contrast, print). Each chart's accessible name carries every value, and a
//! data table always sits beside it. Metrics are listed in the order the reports give them.

use std::fmt::Write as _;

use serde::Serialize;
use tera::{Context, Value};

use super::values::MapBuilder;
use super::{Input, OutputKey, RenderData, Renderer, record};
use crate::content::Page;
use crate::content::metrics::{MetricPoint, MetricSeries, format_value};
use crate::diagnostics::Diagnostic;
use crate::markdown::escape;

/// Decimal places a figure was written with.
fn decimals(v: f64) -> usize {
    let s = format_value(v);
    s.split_once('.').map_or(0, |(_, f)| f.len())
}

/// Change from `prev` to `cur`: (absolute text, percent text, direction).
pub fn change(cur: f64, prev: f64, unit: &str) -> (String, Option<String>, &'static str) {
    let places = decimals(cur).max(decimals(prev));
    let diff = cur - prev;
    let factor = 10f64.powi(places as i32);
    let rounded = (diff * factor).round() / factor;
    let dir = if rounded > 0.0 {
        "up"
    } else if rounded < 0.0 {
        "down"
    } else {
        "same"
    };
    let abs = format!("{}{:.*}", sign(rounded), places, rounded.abs());
    let abs = if unit == "%" {
        format!("{abs}个百分点")
    } else {
        format!("{abs}{unit}")
    };
    let pct = (prev != 0.0 && unit != "%").then(|| {
        let p = diff / prev.abs() * 100.0;
        let p = (p * 10.0).round() / 10.0;
        format!("{}{:.1}%", sign(p), p.abs())
    });
    (abs, pct, dir)
}

/// `+` or `−` (a minus sign, not a hyphen) before a change; nothing for none.
fn sign(x: f64) -> &'static str {
    if x > 0.0 {
        "+"
    } else if x < 0.0 {
        "−"
    } else {
        ""
    }
}

/// Sets `previous`, `change`, `change_pct` and `direction` on a metric's map: the change
/// from `previous` (its value, and what templates show of it) to `cur`, or all none.
fn set_change(m: &mut MapBuilder, cur: f64, unit: &str, previous: Option<(f64, Value)>) {
    match previous {
        Some((prev, shown)) => {
            let (abs, pct, dir) = change(cur, prev, unit);
            m.set("previous", shown)
                .set("change", abs)
                .set("change_pct", pct.map(Value::from).unwrap_or_else(Value::none))
                .set("direction", dir);
        }
        None => {
            m.set("previous", Value::none())
                .set("change", Value::none())
                .set("change_pct", Value::none())
                .set("direction", Value::none());
        }
    }
}

/// 同比 for every metric of a report: the previous year's report of the same publisher.
pub fn changes_for(d: &RenderData, p: &Page) -> Value {
    let site = &d.site;
    let (Some(year), Some(ms)) = (p.year, &p.front.metrics) else {
        return Value::from(Vec::<Value>::new());
    };
    let publisher = p.front.publisher.clone().unwrap_or_default();
    let out: Vec<Value> = ms
        .iter()
        .map(|m| {
            let mut v = MapBuilder::new();
            v.set("key", m.key.as_str())
                .set("label", m.label.as_str())
                .set("value_text", format_value(m.value))
                .set("unit", m.unit.as_str())
                .set("url", site.config.url(&format!("metrics/{}/", m.key)));
            let previous = site.index.metrics.previous(&m.key, &publisher, year).map(|prev| {
                let prev_url = site
                    .pages
                    .get(&prev.page)
                    .map(|q| site.config.url(&q.path))
                    .unwrap_or_default();
                let mut pm = MapBuilder::new();
                pm.set("year", prev.year)
                    .set("value_text", format_value(prev.value))
                    .set("url", prev_url);
                (prev.value, pm.build())
            });
            set_change(&mut v, m.value, &m.unit, previous);
            v.build()
        })
        .collect();
    Value::from(out)
}

/// A project's years with the reports and cases that name it and its awards.
pub fn project_timeline(d: &RenderData, p: &Page) -> Value {
    let site = &d.site;
    let refs = site.index.project_refs.get(&p.rel).cloned().unwrap_or_default();
    let mut years: Vec<i32> = p.years.clone();
    for r in &refs {
        if let Some(y) = site.pages.get(r).and_then(|q| q.year) {
            years.push(y);
        }
    }
    for a in p.front.awards.iter().flatten() {
        if let Some(y) = a.year {
            years.push(y);
        }
    }
    years.sort_unstable();
    years.dedup();
    let out: Vec<Value> = years
        .iter()
        .map(|y| {
            let items: Vec<Value> = refs
                .iter()
                .filter(|r| site.pages.get(*r).and_then(|q| q.year) == Some(*y))
                .map(|r| d.summary(r))
                .collect();
            let awards: Vec<Value> = p
                .front
                .awards
                .iter()
                .flatten()
                .filter(|a| a.year == Some(*y))
                .map(crate::render::values::award)
                .collect();
            let mut m = MapBuilder::new();
            m.set("year", *y)
                .set("active", p.years.contains(y))
                .set("items", Value::from(items))
                .set("awards", Value::from(awards));
            m.build()
        })
        .collect();
    Value::from(out)
}

/// What a chart says to screen readers: metric, unit, publisher and years, then each value.
fn chart_label(series: &MetricSeries, publisher: &str, points: &[MetricPoint]) -> String {
    let unit = if series.unit.is_empty() {
        "数值"
    } else {
        series.unit.as_str()
    };
    let years = match (points.first(), points.last()) {
        (Some(a), Some(b)) if a.year != b.year => format!("{}—{}年", a.year, b.year),
        (Some(a), _) => format!("{}年", a.year),
        _ => String::new(),
    };
    let values: Vec<String> = points
        .iter()
        .map(|p| format!("{}年 {}{}", p.year, format_value(p.value), series.unit))
        .collect();
    format!(
        "{}（{unit}）：{publisher}，{years}。{}",
        series.label,
        values.join("；")
    )
}

/// A chart of one publisher's values across years, in HTML so its text follows the page's
/// text size (大字号 included) and never shrinks with the screen: one row per year (year,
/// bar, value) under a header naming both axes. A single year is shown as a value card,
/// since one bar compares nothing.
pub fn chart_html(series: &MetricSeries, publisher: &str, points: &[MetricPoint]) -> String {
    let label = escape(&chart_label(series, publisher, points));
    let unit = escape(&series.unit);
    if let [only] = points {
        return format!(
            "<div class=\"chart chart-single\" role=\"img\" aria-label=\"{label}\">\
<span class=\"chart-single-year\">{}年</span><span class=\"chart-single-value\">{}<small>{unit}</small></span>\
<span class=\"chart-single-note\">只有一个年度的数据，暂无历年对比</span></div>",
            only.year,
            escape(&format_value(only.value)),
        );
    }
    let largest = points.iter().map(|p| p.value.abs()).fold(0.0_f64, f64::max);
    let axis = if series.unit.is_empty() {
        "数值".to_string()
    } else {
        format!("数值（单位：{unit}）")
    };
    let mut s = String::with_capacity(256 + points.len() * 200);
    let _ = write!(
        s,
        "<div class=\"chart chart-bars\" role=\"img\" aria-label=\"{label}\">\
<span class=\"chart-axis\">年度</span><span class=\"chart-axis chart-axis-value\">{axis}</span>"
    );
    for p in points {
        let share = if largest > 0.0 {
            p.value.abs() / largest * 100.0
        } else {
            0.0
        };
        let _ = write!(
            s,
            "<span class=\"chart-year\">{}年</span><span class=\"chart-track\"><span class=\"chart-bar\" style=\"width:{share:.1}%\"></span></span><span class=\"chart-value\">{}{unit}</span>",
            p.year,
            escape(&format_value(p.value)),
        );
    }
    s.push_str("</div>");
    s
}

fn point_value(d: &RenderData, p: &MetricPoint) -> Value {
    let site = &d.site;
    let mut m = MapBuilder::new();
    let (url, title) = site
        .pages
        .get(&p.page)
        .map(|q| (site.config.url(&q.path), q.front.title.clone()))
        .unwrap_or_default();
    m.set("year", p.year)
        .set("value", p.value)
        .set("value_text", format_value(p.value))
        .set("unit", p.unit.as_str())
        .set("label", p.label.as_str())
        .set("report_url", url)
        .set("report_title", title);
    m.build()
}

fn latest_value(d: &RenderData, s: &MetricSeries) -> Vec<Value> {
    s.latest()
        .map(|(last, prev)| {
            let mut m = MapBuilder::new();
            m.set("publisher", last.publisher.as_str())
                .set("latest", point_value(d, last));
            let previous = prev
                .filter(|p| p.year == last.year - 1)
                .map(|p| (p.value, point_value(d, p)));
            set_change(&mut m, last.value, &s.unit, previous);
            m.build()
        })
        .collect()
}

/// `/metrics/` and `/metrics/<key>/`.
pub fn render_page(r: &Renderer, key: &OutputKey, d: &RenderData) -> Result<Vec<u8>, Diagnostic> {
    record(Input::Metrics);
    record(Input::SectionTree);
    let config = &d.site.config;
    let path = match key {
        OutputKey::Metrics => "metrics/".to_string(),
        OutputKey::Metric(k) => format!("metrics/{k}/"),
        _ => return Err(Diagnostic::new("internal", format!("{key:?} is not a metrics page"))),
    };
    let mut ctx = Context::new();
    ctx.insert_value("config", d.values.config.clone());
    ctx.insert_value("nav", d.values.nav.clone());
    ctx.insert("lang", &config.language);
    ctx.insert("current_path", &config.url(&path));
    ctx.insert("current_url", &config.permalink(&path));
    match key {
        OutputKey::Metric(k) => metric_page(r, d, ctx, k, &path),
        _ => metrics_list(r, d, ctx),
    }
}

/// `/metrics/`: each metric's latest value (and 同比). The 发布机构 column is only worth
/// showing when there is more than one publisher, 上年 and 同比 only when some metric has a
/// value for the year before.
fn metrics_list(r: &Renderer, d: &RenderData, mut ctx: Context) -> Result<Vec<u8>, Diagnostic> {
    let site = &d.site;
    let config = &site.config;
    let mut publishers = std::collections::BTreeSet::new();
    let mut has_previous = false;
    let list: Vec<Value> = site
        .index
        .metrics
        .in_order()
        .map(|s| {
            publishers.extend(s.by_publisher.keys());
            let latest = latest_value(d, s);
            has_previous |= latest.iter().any(|l| has_key(l, "previous"));
            let mut m = MapBuilder::new();
            m.set("key", s.key.as_str())
                .set("label", s.label.as_str())
                .set("unit", s.unit.as_str())
                .set("url", config.url(&format!("metrics/{}/", s.key)))
                .set("years", Value::from(s.years()))
                .set("latest", Value::from(latest));
            m.build()
        })
        .collect();
    ctx.insert_value("metrics", Value::from(list));
    ctx.insert("many_publishers", &(publishers.len() > 1));
    ctx.insert("has_previous", &has_previous);
    ctx.insert_value("breadcrumbs", super::pages::trail(d, &[], "数据指标", Some("metrics/")));
    r.render_template("metrics.html", &ctx)
}

/// Whether a map value has `key` set to something other than none.
pub fn has_key(v: &Value, key: &'static str) -> bool {
    v.as_map()
        .and_then(|m| m.get(&tera::value::Key::from(key)))
        .is_some_and(|v| !v.is_none())
}

/// `/metrics/<key>/`: per publisher, a chart and the table of every year.
fn metric_page(r: &Renderer, d: &RenderData, mut ctx: Context, k: &str, path: &str) -> Result<Vec<u8>, Diagnostic> {
    let config = &d.site.config;
    let Some(s) = d.site.index.metrics.series.get(k) else {
        return Err(Diagnostic::new("internal", format!("no metric {k}")));
    };
    let publishers: Vec<Value> = s
        .by_publisher
        .iter()
        .map(|(name, pts)| {
            let mut m = MapBuilder::new();
            let values: Vec<Value> = pts.iter().map(|p| point_value(d, p)).collect();
            m.set("name", name.as_str())
                .set("points", Value::from(values))
                .set("chart", Value::safe_string(&chart_html(s, name, pts)));
            m.build()
        })
        .collect();
    let mut m = MapBuilder::new();
    m.set("key", s.key.as_str())
        .set("label", s.label.as_str())
        .set("unit", s.unit.as_str())
        .set("url", config.url(path))
        .set("years", Value::from(s.years()))
        .set("publishers", Value::from(publishers))
        .set("latest", Value::from(latest_value(d, s)));
    ctx.insert_value("metric", m.build());
    let above = [("数据指标".to_string(), "metrics/".to_string())];
    ctx.insert_value("breadcrumbs", super::pages::trail(d, &above, &s.label, Some(path)));
    r.render_template("metric.html", &ctx)
}

/// A figure as JSON: integers without a fraction (22895, not 22895.0).
fn json_number(v: f64) -> serde_json::Value {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        serde_json::Value::from(v as i64)
    } else {
        serde_json::Value::from(v)
    }
}

#[derive(Serialize)]
struct JsonValue<'a> {
    year: i32,
    value: serde_json::Value,
    unit: &'a str,
    label: &'a str,
    publisher: &'a str,
    report: String,
    url: String,
}

#[derive(Serialize)]
struct JsonMetric<'a> {
    key: &'a str,
    label: &'a str,
    unit: &'a str,
    values: Vec<JsonValue<'a>>,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    site: &'a str,
    source: String,
    metrics: Vec<JsonMetric<'a>>,
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// `/metrics.csv` and `/metrics.json`: every value with unit, year, publisher and source URL.
pub fn render_data_file(key: &OutputKey, d: &RenderData) -> Result<Vec<u8>, Diagnostic> {
    record(Input::Metrics);
    let site = &d.site;
    let config = &site.config;
    let report = |p: &MetricPoint| {
        site.pages
            .get(&p.page)
            .map(|q| (q.front.title.clone(), config.permalink(&q.path)))
            .unwrap_or_default()
    };
    match key {
        OutputKey::MetricsCsv => {
            let mut out = String::from("\u{feff}指标代码,指标,数值,单位,年度,发布机构,报告,报告网址\r\n");
            for s in site.index.metrics.in_order() {
                for pts in s.by_publisher.values() {
                    for p in pts {
                        let (title, url) = report(p);
                        let row = [
                            s.key.clone(),
                            p.label.clone(),
                            format_value(p.value),
                            p.unit.clone(),
                            p.year.to_string(),
                            p.publisher.clone(),
                            title,
                            url,
                        ];
                        out.push_str(&row.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
                        out.push_str("\r\n");
                    }
                }
            }
            Ok(out.into_bytes())
        }
        OutputKey::MetricsJson => {
            let metrics = site
                .index
                .metrics
                .in_order()
                .map(|s| JsonMetric {
                    key: &s.key,
                    label: &s.label,
                    unit: &s.unit,
                    values: s
                        .by_publisher
                        .values()
                        .flatten()
                        .map(|p| {
                            let (title, url) = report(p);
                            JsonValue {
                                year: p.year,
                                value: json_number(p.value),
                                unit: &p.unit,
                                label: &p.label,
                                publisher: &p.publisher,
                                report: title,
                                url,
                            }
                        })
                        .collect(),
                })
                .collect();
            let file = JsonFile {
                site: &config.title,
                source: config.permalink(""),
                metrics,
            };
            let mut s = serde_json::to_string_pretty(&file).map_err(|e| Diagnostic::new("internal", e.to_string()))?;
            s.push('\n');
            Ok(s.into_bytes())
        }
        _ => Err(Diagnostic::new("internal", format!("{key:?} is not a data file"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_keep_the_figures_precision() {
        assert_eq!(change(93.19, 92.01, "%"), ("+1.18个百分点".to_string(), None, "up"));
        let (abs, pct, dir) = change(21335.0, 20000.0, "宗");
        assert_eq!((abs.as_str(), pct.as_deref(), dir), ("+1335宗", Some("+6.7%"), "up"));
        assert_eq!(change(5.0, 5.0, "次").2, "same");
        assert_eq!(change(4.0, 5.0, "次").0, "−1次");
    }

    #[test]
    fn csv_quotes_when_needed() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("说\"好\""), "\"说\"\"好\"\"\"");
        assert_eq!(csv_field("横栏镇"), "横栏镇");
    }
}
