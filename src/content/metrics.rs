//! Metrics across years: each report's `metrics` become series keyed by metric key and
//! publisher, so pages can show a figure's change over time and 同比 against the previous
//! year's report of the same publisher. Series keep the order the reports list them in
//! (the newest report first), not the order of their keys.

use std::collections::BTreeMap;

use super::site::Site;
use crate::config::Kind;
use crate::diagnostics::Diagnostic;

/// One value of one metric in one report.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MetricPoint {
    pub year: i32,
    pub value: f64,
    pub label: String,
    pub unit: String,
    /// The report it came from (content-relative path).
    pub page: String,
    pub publisher: String,
}

/// One metric key across publishers and years.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MetricSeries {
    pub key: String,
    /// The label of the latest report that uses the key.
    pub label: String,
    pub unit: String,
    /// Publisher → points in year order.
    pub by_publisher: BTreeMap<String, Vec<MetricPoint>>,
}

impl MetricSeries {
    /// The newest point of each publisher, with the one before it.
    pub fn latest(&self) -> impl Iterator<Item = (&MetricPoint, Option<&MetricPoint>)> {
        self.by_publisher.values().filter_map(|pts| {
            let last = pts.last()?;
            Some((last, pts.len().checked_sub(2).map(|i| &pts[i])))
        })
    }

    /// Every year with a value, ascending.
    pub fn years(&self) -> Vec<i32> {
        let mut ys: Vec<i32> = self.by_publisher.values().flatten().map(|p| p.year).collect();
        ys.sort_unstable();
        ys.dedup();
        ys
    }
}

/// All series, by metric key.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MetricsIndex {
    pub series: BTreeMap<String, MetricSeries>,
    /// Metric keys in report order: the newest report's list, then keys only older ones use.
    pub order: Vec<String>,
}

impl MetricsIndex {
    /// Collects every report's metrics. The same key with two units is an error at the second
    /// report (by year, then path), naming the first.
    pub fn build(site: &Site, errors: &mut Vec<Diagnostic>) -> MetricsIndex {
        let mut reports: Vec<_> = site
            .pages
            .values()
            .filter(|p| p.kind == Kind::Report && p.front.metrics.is_some())
            .collect();
        reports.sort_by(|a, b| a.year.cmp(&b.year).then_with(|| a.rel.cmp(&b.rel)));
        let reports_newest_first: Vec<Vec<String>> = reports
            .iter()
            .rev()
            .map(|p| p.front.metrics.iter().flatten().map(|m| m.key.clone()).collect())
            .collect();
        let mut series: BTreeMap<String, MetricSeries> = BTreeMap::new();
        let mut first_unit: BTreeMap<String, (String, String)> = BTreeMap::new();
        for p in reports {
            let (Some(year), Some(ms)) = (p.year, &p.front.metrics) else {
                continue;
            };
            let publisher = p.front.publisher.clone().unwrap_or_default();
            for m in ms {
                if let Some((unit, file)) = first_unit.get(&m.key) {
                    if unit != &m.unit {
                        errors.push(
                            p.at_text("metric/unit", &m.key.to_string(), format!("指标 `{}` 的单位是“{}”，与以前报告中的“{}”不同", m.key, m.unit, unit))
                                .with_hint(format!("同一个指标 key 在各年报告中必须用同一单位（{file} 用的是“{unit}”）；单位不同请换一个 key。")),
                        );
                        continue;
                    }
                } else {
                    first_unit.insert(m.key.clone(), (m.unit.clone(), p.shown.clone()));
                }
                let s = series.entry(m.key.clone()).or_insert_with(|| MetricSeries {
                    key: m.key.clone(),
                    label: m.label.clone(),
                    unit: m.unit.clone(),
                    by_publisher: BTreeMap::new(),
                });
                s.label = m.label.clone();
                s.by_publisher.entry(publisher.clone()).or_default().push(MetricPoint {
                    year,
                    value: m.value,
                    label: m.label.clone(),
                    unit: m.unit.clone(),
                    page: p.rel.clone(),
                    publisher: publisher.clone(),
                });
            }
        }
        for s in series.values_mut() {
            for pts in s.by_publisher.values_mut() {
                pts.sort_by(|a, b| a.year.cmp(&b.year).then_with(|| a.page.cmp(&b.page)));
            }
        }
        let order = report_order(&reports_newest_first, &series);
        MetricsIndex { series, order }
    }

    /// Every series in report order (see [`MetricsIndex::order`]).
    pub fn in_order(&self) -> impl Iterator<Item = &MetricSeries> {
        self.order.iter().filter_map(|k| self.series.get(k))
    }

    /// The point of `key` for `publisher` in the year before `year`, when there is one.
    pub fn previous(&self, key: &str, publisher: &str, year: i32) -> Option<&MetricPoint> {
        let pts = self.series.get(key)?.by_publisher.get(publisher)?;
        pts.iter()
            .filter(|p| p.year < year)
            .max_by_key(|p| p.year)
            .filter(|p| p.year == year - 1)
    }
}

/// Keys as the reports list them, newest report first; each key once, only keys with a series.
fn report_order(key_lists: &[Vec<String>], series: &BTreeMap<String, MetricSeries>) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    key_lists
        .iter()
        .flatten()
        .filter(|k| series.contains_key(*k) && seen.insert(k.as_str()))
        .cloned()
        .collect()
}

/// Formats a figure as written: integers without a decimal point, others as short as exact.
pub fn format_value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v}");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_follows_the_newest_report_then_older_ones() {
        let point = MetricSeries {
            key: String::new(),
            label: String::new(),
            unit: String::new(),
            by_publisher: BTreeMap::new(),
        };
        let series: BTreeMap<String, MetricSeries> = ["a", "b", "c", "z"]
            .iter()
            .map(|k| (k.to_string(), point.clone()))
            .collect();
        let lists = vec![
            vec!["z".to_string(), "b".to_string()],
            vec!["b".to_string(), "gone".to_string(), "a".to_string(), "z".to_string()],
        ];
        assert_eq!(report_order(&lists, &series), ["z", "b", "a"]);
    }

    #[test]
    fn values_print_as_written() {
        assert_eq!(format_value(22895.0), "22895");
        assert_eq!(format_value(93.19), "93.19");
        assert_eq!(format_value(16.8), "16.8");
    }
}
