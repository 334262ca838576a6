//! Metrics across years: `/metrics/`, `/metrics/<key>/`, SVG charts drawn at build time,
//! 同比 figures for report pages, project timelines, and the open data files
//! `/metrics.csv` (UTF-8 with BOM, for Excel) and `/metrics.json`.
//!
//! Charts are plain SVG with a title and description (their accessible name), values printed
//! on the bars, Chinese axis labels, and colours taken from the page's CSS variables so they
//! follow the large-text, high-contrast and print styles. A data table always sits beside them.

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

/// An accessible bar chart of one publisher's values across years.
pub fn chart_svg(id: &str, series: &MetricSeries, publisher: &str, points: &[MetricPoint]) -> String {
    let (w, h) = (560.0_f64, 280.0_f64);
    let (left, right, top, bottom) = (16.0, 16.0, 40.0, 44.0);
    let unit = &series.unit;
    let max = points.iter().map(|p| p.value).fold(0.0_f64, f64::max);
    let min = points.iter().map(|p| p.value).fold(0.0_f64, f64::min);
    let span = if max - min > 0.0 { max - min } else { 1.0 };
    let n = points.len().max(1) as f64;
    let slot = (w - left - right) / n;
    let bar = (slot * 0.6).min(56.0);
    let plot_h = h - top - bottom;
    let zero_y = top + plot_h * (max / span);
    let first = points.first().map(|p| p.year).unwrap_or_default();
    let last = points.last().map(|p| p.year).unwrap_or_default();
    let title = format!(
        "{}（{}）：{}，{}—{}年",
        series.label,
        if unit.is_empty() { "数值" } else { unit },
        publisher,
        first,
        last
    );
    let desc: Vec<String> = points
        .iter()
        .map(|p| format!("{}年 {}{}", p.year, format_value(p.value), unit))
        .collect();
    let mut s = String::with_capacity(2048);
    let _ = write!(
        s,
        "<svg class=\"chart\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" xmlns=\"http://www.w3.org/2000/svg\" preserveAspectRatio=\"xMidYMid meet\">\
<title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        escape(&title),
        escape(&desc.join("；"))
    );
    let _ = write!(
        s,
        "<text class=\"chart-label\" x=\"{left}\" y=\"20\">{}</text>",
        escape(&format!("单位：{}", if unit.is_empty() { "—" } else { unit }))
    );
    let _ = write!(
        s,
        "<line class=\"chart-axis\" x1=\"{left}\" y1=\"{zero_y:.1}\" x2=\"{:.1}\" y2=\"{zero_y:.1}\"/>",
        w - right
    );
    for (i, p) in points.iter().enumerate() {
        let cx = left + slot * (i as f64 + 0.5);
        let bh = plot_h * (p.value.abs() / span);
        let y = if p.value >= 0.0 { zero_y - bh } else { zero_y };
        let _ = write!(
            s,
            "<rect class=\"chart-bar\" x=\"{:.1}\" y=\"{y:.1}\" width=\"{bar:.1}\" height=\"{:.1}\"/>",
            cx - bar / 2.0,
            bh.max(1.0)
        );
        let vy = if p.value >= 0.0 { y - 6.0 } else { y + bh + 16.0 };
        let _ = write!(
            s,
            "<text class=\"chart-value\" x=\"{cx:.1}\" y=\"{vy:.1}\" text-anchor=\"middle\">{}</text>",
            escape(&format_value(p.value))
        );
        let _ = write!(
            s,
            "<text class=\"chart-label\" x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}年</text>",
            h - bottom + 22.0,
            p.year
        );
    }
    s.push_str("</svg>");
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
    let site = &d.site;
    let config = &site.config;
    let mut ctx = Context::new();
    ctx.insert_value("config", d.values.config.clone());
    ctx.insert_value("nav", d.values.nav.clone());
    ctx.insert("lang", &config.language);
    match key {
        OutputKey::Metrics => {
            ctx.insert("current_path", &config.url("metrics/"));
            ctx.insert("current_url", &config.permalink("metrics/"));
            let list: Vec<Value> = site
                .index
                .metrics
                .series
                .values()
                .map(|s| {
                    let mut m = MapBuilder::new();
                    m.set("key", s.key.as_str())
                        .set("label", s.label.as_str())
                        .set("unit", s.unit.as_str())
                        .set("url", config.url(&format!("metrics/{}/", s.key)))
                        .set("years", Value::from(s.years()))
                        .set("latest", Value::from(latest_value(d, s)));
                    m.build()
                })
                .collect();
            ctx.insert_value("metrics", Value::from(list));
            r.render_template("metrics.html", &ctx)
        }
        OutputKey::Metric(k) => {
            let Some(s) = site.index.metrics.series.get(k) else {
                return Err(Diagnostic::new("internal", format!("no metric {k}")));
            };
            let path = format!("metrics/{k}/");
            ctx.insert("current_path", &config.url(&path));
            ctx.insert("current_url", &config.permalink(&path));
            let publishers: Vec<Value> = s
                .by_publisher
                .iter()
                .enumerate()
                .map(|(i, (name, pts))| {
                    let mut m = MapBuilder::new();
                    let values: Vec<Value> = pts.iter().map(|p| point_value(d, p)).collect();
                    let chart = chart_svg(&format!("chart-{i}"), s, name, pts);
                    m.set("name", name.as_str())
                        .set("points", Value::from(values))
                        .set("chart", Value::safe_string(&chart));
                    m.build()
                })
                .collect();
            let mut m = MapBuilder::new();
            m.set("key", s.key.as_str())
                .set("label", s.label.as_str())
                .set("unit", s.unit.as_str())
                .set("url", config.url(&path))
                .set("years", Value::from(s.years()))
                .set("publishers", Value::from(publishers))
                .set("latest", Value::from(latest_value(d, s)));
            ctx.insert_value("metric", m.build());
            r.render_template("metric.html", &ctx)
        }
        _ => Err(Diagnostic::new("internal", format!("{key:?} is not a metrics page"))),
    }
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
            for s in site.index.metrics.series.values() {
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
                .series
                .values()
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
