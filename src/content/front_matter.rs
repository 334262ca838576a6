//! Front matter: the YAML between the `---` lines at the top of a content file.
//!
//! Owns splitting a file into front matter and body ([`split`]), the typed keys of pages
//! ([`PageFront`]) and sections ([`SectionFront`]), and the per-kind rules: which keys a report,
//! project, case or plain page may carry and which it must carry. Every problem becomes a
//! [`Diagnostic`] with the file's line and column.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::date::Date;
use super::schema;
use crate::config::Kind;
use crate::diagnostics::Diagnostic;
use crate::yaml;

/// A file split at its front matter.
#[derive(Debug, Clone, Copy)]
pub struct Split<'a> {
    /// The YAML text (without the `---` lines); empty when the file has none.
    pub yaml: &'a str,
    /// 1-based line of the first YAML line in the file.
    pub yaml_line: usize,
    /// The Markdown body.
    pub body: &'a str,
    /// Byte offset of the body in the file.
    pub body_offset: usize,
    /// Whether the file had a front matter block at all.
    pub has_front_matter: bool,
}

/// Splits `text` (already without a BOM) at its `---` front matter.
pub fn split<'a>(text: &'a str, file: &str) -> Result<Split<'a>, Diagnostic> {
    let first_line_end = text.find('\n').map(|i| i + 1).unwrap_or(text.len());
    let first = text[..first_line_end].trim_end();
    if first != "---" {
        return Ok(Split {
            yaml: "",
            yaml_line: 1,
            body: text,
            body_offset: 0,
            has_front_matter: false,
        });
    }
    let yaml_start = first_line_end;
    let mut pos = yaml_start;
    while pos < text.len() {
        let end = text[pos..].find('\n').map(|i| pos + i + 1).unwrap_or(text.len());
        let line = text[pos..end].trim_end();
        if line == "---" || line == "..." {
            return Ok(Split {
                yaml: &text[yaml_start..pos],
                yaml_line: 2,
                body: &text[end..],
                body_offset: end,
                has_front_matter: true,
            });
        }
        pos = end;
    }
    Err(
        Diagnostic::new("front-matter/unclosed", "front matter 没有结束：缺少第二行 `---`")
            .in_file(file)
            .at_line_col(text, 1, 1, 3)
            .with_hint("front matter 要用两行 `---` 包起来，第二行 `---` 之后才是正文。"),
    )
}

/// A list that may also be written as a single string.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct StrList(pub Vec<String>);

impl<'de> Deserialize<'de> for StrList {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Numbers and booleans in a list of words (`[法治, 2024]`) are words too.
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Scalar {
            S(String),
            I(i64),
            F(f64),
            B(bool),
        }
        impl Scalar {
            fn text(self) -> String {
                match self {
                    Scalar::S(s) => s,
                    Scalar::I(i) => i.to_string(),
                    Scalar::F(f) => f.to_string(),
                    Scalar::B(b) => b.to_string(),
                }
            }
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum OneOrMany {
            One(Scalar),
            Many(Vec<Scalar>),
        }
        match OneOrMany::deserialize(d) {
            Ok(OneOrMany::One(s)) => Ok(StrList(vec![s.text()])),
            Ok(OneOrMany::Many(v)) => Ok(StrList(v.into_iter().map(Scalar::text).collect())),
            Err(_) => Err(serde::de::Error::custom("pufa: 应为文字或文字列表")),
        }
    }
}

/// One figure of a report, e.g. 矛盾纠纷化解率 93.19 %.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Metric {
    /// A stable key shared across years, e.g. `dispute_resolution_rate`.
    pub key: String,
    /// What readers see, e.g. 矛盾纠纷化解率.
    pub label: String,
    pub value: f64,
    #[serde(default)]
    pub unit: String,
}

/// An award (获评/表彰).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Award {
    pub name: String,
    #[serde(default)]
    pub by: Option<String>,
    #[serde(default)]
    pub level: Option<String>,
    #[serde(default)]
    pub year: Option<i32>,
}

/// Every key a page may carry, for every kind; [`check_kind`] enforces which kind may use which.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PageFront {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub date: Option<Date>,
    #[serde(default)]
    pub updated: Option<Date>,
    #[serde(default)]
    pub year: Option<i32>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub weight: Option<i64>,
    #[serde(default)]
    pub taxonomies: BTreeMap<String, StrList>,
    #[serde(default)]
    pub extra: Option<yaml::Value>,
    #[serde(default)]
    pub template: Option<String>,
    #[serde(default)]
    pub keywords: Option<StrList>,
    /// 来源 (ContentSource); defaults to the publisher or the organisation.
    #[serde(default)]
    pub source: Option<String>,
    /// Old addresses of the page (`/old/path/`, `/2019/report.html`): each gets a redirect page.
    #[serde(default)]
    pub aliases: Option<StrList>,
    /// The page's picture (封面图片), shown above the text at phone sizes.
    #[serde(default)]
    pub cover: Option<String>,
    /// Files offered for download below the text (附件), with the text of PDF, Word and
    /// Excel files in the site search.
    #[serde(default)]
    pub attachments: Option<Vec<AttachmentRef>>,
    /// 有效性: whether a document is still in force.
    #[serde(default)]
    pub status: Option<Status>,
    /// 失效日期: from this day on the page says it is no longer in force.
    #[serde(default)]
    pub expiry: Option<Date>,

    // report
    #[serde(default)]
    pub publisher: Option<String>,
    #[serde(default)]
    pub written: Option<Date>,
    #[serde(default)]
    pub index_no: Option<String>,
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub genre: Option<String>,
    #[serde(default)]
    pub doc_no: Option<String>,
    #[serde(default)]
    pub metrics: Option<Vec<Metric>>,
    // report, project
    #[serde(default)]
    pub awards: Option<Vec<Award>>,
    // report, case
    #[serde(default)]
    pub projects: Option<StrList>,

    // project
    #[serde(default)]
    pub years: Option<Vec<i32>>,
    #[serde(default)]
    pub lead_units: Option<StrList>,
    #[serde(default)]
    pub audience: Option<StrList>,
    #[serde(default)]
    pub laws: Option<StrList>,
    // project, case
    #[serde(default)]
    pub location: Option<String>,

    // case
    #[serde(default)]
    pub case_type: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub legal_basis: Option<StrList>,
    #[serde(default)]
    pub outcome: Option<String>,
}

/// One attachment (附件): what readers see and the file (in the page bundle, beside the page,
/// `/…` in static/ or content/).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AttachmentRef {
    pub title: String,
    pub file: String,
}

/// 有效性 of a document (`status:`), as 政府信息公开 names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
pub enum Status {
    #[serde(rename = "现行有效")]
    InForce,
    #[serde(rename = "已修改")]
    Amended,
    #[serde(rename = "已废止")]
    Repealed,
}

impl Status {
    /// The Chinese word, as written in front matter.
    pub fn label(self) -> &'static str {
        match self {
            Status::InForce => "现行有效",
            Status::Amended => "已修改",
            Status::Repealed => "已废止",
        }
    }

    /// The stable key templates and CSS classes use: `in_force`, `amended`, `repealed`.
    pub fn key(self) -> &'static str {
        match self {
            Status::InForce => "in_force",
            Status::Amended => "amended",
            Status::Repealed => "repealed",
        }
    }
}

/// Section (`_index.md`) keys.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SectionFront {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub sort_by: Option<SortBy>,
    #[serde(default)]
    pub paginate_by: Option<usize>,
    #[serde(default)]
    pub transparent: bool,
    #[serde(default)]
    pub weight: Option<i64>,
    #[serde(default)]
    pub template: Option<String>,
    #[serde(default)]
    pub page_template: Option<String>,
    /// ColumnKeywords
    #[serde(default)]
    pub keywords: Option<StrList>,
    /// ColumnType, e.g. 信息公开, 工作动态.
    #[serde(default)]
    pub column_type: Option<String>,
    /// Hide the section from the main navigation.
    #[serde(default)]
    pub in_nav: Option<bool>,
    /// How often the section must get a new page (`14d`, `2w`, `3m`, `1y`): `pufa check`
    /// warns when its newest page is older.
    #[serde(default)]
    pub update_every: Option<UpdateEvery>,
    #[serde(default)]
    pub extra: Option<yaml::Value>,
}

/// A section's update period: a count of days, weeks, months or years.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UpdateEvery {
    pub count: u32,
    pub unit: PeriodUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeriodUnit {
    Day,
    Week,
    Month,
    Year,
}

impl UpdateEvery {
    /// Parses `14d`, `2w`, `3m`, `1y` (also with 天/周/个月/月/年).
    pub fn parse(s: &str) -> Option<UpdateEvery> {
        let s = s.trim();
        let digits = s.chars().take_while(char::is_ascii_digit).count();
        let count: u32 = s[..digits].parse().ok().filter(|n| *n > 0)?;
        let unit = match s[digits..].trim() {
            "d" | "天" => PeriodUnit::Day,
            "w" | "周" => PeriodUnit::Week,
            "m" | "月" | "个月" => PeriodUnit::Month,
            "y" | "年" => PeriodUnit::Year,
            _ => return None,
        };
        Some(UpdateEvery { count, unit })
    }

    /// In words: 14天, 3个月.
    pub fn label(&self) -> String {
        let unit = match self.unit {
            PeriodUnit::Day => "天",
            PeriodUnit::Week => "周",
            PeriodUnit::Month => "个月",
            PeriodUnit::Year => "年",
        };
        format!("{}{unit}", self.count)
    }

    /// The date one period after `d` (the last day of a shorter month when the day does not exist).
    pub fn after(&self, d: Date) -> Date {
        let (y, m, day) = (d.year, d.month, d.day);
        let days = |n: i64| Date::from_days(d.days() + n);
        match self.unit {
            PeriodUnit::Day => days(i64::from(self.count)),
            PeriodUnit::Week => days(7 * i64::from(self.count)),
            PeriodUnit::Month | PeriodUnit::Year => {
                let months = if self.unit == PeriodUnit::Year {
                    12 * self.count
                } else {
                    self.count
                };
                let total = i64::from(y) * 12 + i64::from(m - 1) + i64::from(months);
                let (ny, nm) = (total.div_euclid(12) as i32, (total.rem_euclid(12) + 1) as u8);
                let nd = day.min(super::date::days_in_month(ny, nm));
                Date::ymd(ny, nm, nd).unwrap_or(d)
            }
        }
    }
}

impl Serialize for UpdateEvery {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let unit = match self.unit {
            PeriodUnit::Day => "d",
            PeriodUnit::Week => "w",
            PeriodUnit::Month => "m",
            PeriodUnit::Year => "y",
        };
        s.serialize_str(&format!("{}{unit}", self.count))
    }
}

impl<'de> Deserialize<'de> for UpdateEvery {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        UpdateEvery::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "pufa: 更新周期“{s}”无法识别，应写成数字加单位：14d（天）、2w（周）、3m（月）或 1y（年）"
            ))
        })
    }
}

/// How a section orders its pages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    /// Newest first.
    #[default]
    Date,
    /// Most recent year first, then newest.
    Year,
    /// Lowest weight first.
    Weight,
    /// By title.
    Title,
    /// As on disk (by file name).
    None,
}

impl PageFront {
    /// Whether the key `key` has a value (an empty list of years counts as none).
    fn has(&self, key: &str) -> bool {
        match key {
            "year" => self.year.is_some(),
            "date" => self.date.is_some(),
            "years" => self.years.as_ref().is_some_and(|y| !y.is_empty()),
            "publisher" => self.publisher.is_some(),
            "written" => self.written.is_some(),
            "index_no" => self.index_no.is_some(),
            "subject" => self.subject.is_some(),
            "genre" => self.genre.is_some(),
            "doc_no" => self.doc_no.is_some(),
            "metrics" => self.metrics.is_some(),
            "awards" => self.awards.is_some(),
            "projects" => self.projects.is_some(),
            "lead_units" => self.lead_units.is_some(),
            "audience" => self.audience.is_some(),
            "laws" => self.laws.is_some(),
            "location" => self.location.is_some(),
            "case_type" => self.case_type.is_some(),
            "summary" => self.summary.is_some(),
            "legal_basis" => self.legal_basis.is_some(),
            "outcome" => self.outcome.is_some(),
            "aliases" => self.aliases.is_some(),
            "attachments" => self.attachments.is_some(),
            "cover" => self.cover.is_some(),
            "status" => self.status.is_some(),
            "expiry" => self.expiry.is_some(),
            _ => false,
        }
    }
}

/// Where a problem in the front matter is, to turn it into a diagnostic.
pub struct FmLocator<'a> {
    pub file: &'a str,
    pub text: &'a str,
    pub split: Split<'a>,
}

impl FmLocator<'_> {
    /// A diagnostic at `key:` in the front matter (or at its first line).
    pub fn at_key(&self, code: &'static str, key: &str, message: String) -> Diagnostic {
        let d = Diagnostic::new(code, message).in_file(self.file);
        match yaml::find_key(self.split.yaml, key, 0) {
            Some((l, c)) => d.at_line_col(self.text, l + self.split.yaml_line - 1, c, key.chars().count()),
            None => d.at_line_col(self.text, 1, 1, 3),
        }
    }

    /// How many characters to underline at (`line`, `col`) of the YAML: the key when the
    /// place is the key, else the value written there (`2026-13-40`, up to a comment).
    fn span_at(&self, line: usize, col: usize, key: Option<&str>) -> usize {
        let rest: String = self
            .split
            .yaml
            .lines()
            .nth(line.saturating_sub(1))
            .map(|l| l.chars().skip(col.saturating_sub(1)).collect())
            .unwrap_or_default();
        match key {
            Some(k) if rest.starts_with(k) => k.chars().count(),
            _ => {
                let value = rest.split(" #").next().unwrap_or("").trim_end();
                value.chars().count().max(1)
            }
        }
    }

    /// Turns a YAML error (lines relative to the YAML) into a diagnostic (lines of the file).
    pub fn yaml_error(&self, e: yaml::YamlError) -> Diagnostic {
        let mut d = Diagnostic::new(e.code, e.message).in_file(self.file);
        d = if e.line > 0 {
            let span = self.span_at(e.line, e.col, e.key.as_deref());
            d.at_line_col(self.text, e.line + self.split.yaml_line - 1, e.col, span)
        } else {
            d.at_line_col(self.text, 1, 1, 3)
        };
        if let Some(h) = e.hint {
            d = d.with_hint(h);
        }
        d
    }
}

/// Parses page front matter and applies the rules of `kind`.
pub fn parse_page(loc: &FmLocator, kind: Kind) -> Result<PageFront, Vec<Diagnostic>> {
    if !loc.split.has_front_matter {
        return Err(vec![
            Diagnostic::new(
                "front-matter/missing",
                "文件开头缺少 front matter（至少要有标题 title）",
            )
            .in_file(loc.file)
            .at_line_col(loc.text, 1, 1, 1)
            .with_hint("在文件最前面加上：\n---\ntitle: 标题\n---"),
        ]);
    }
    let fm: PageFront = loc.read_all()?;
    let mut errors = Vec::new();
    for field in schema::PAGE_FIELDS.iter().filter(|f| !f.kinds.is_empty()) {
        let key = field.name;
        let present = if key == "years" {
            fm.years.is_some()
        } else {
            fm.has(key)
        };
        if present && !field.allowed_for(kind) {
            let allowed: Vec<&str> = field.kinds.iter().map(|k| k.label()).collect();
            errors.push(
                loc.at_key(
                    "front-matter/unknown-key",
                    key,
                    format!("字段 `{key}` 不能用于{}，只能用于{}", kind.label(), allowed.join("、")),
                )
                .with_hint("请删除这一行，或把文件放到对应的栏目里。"),
            );
        }
    }
    if fm.title.trim().is_empty() {
        errors.push(loc.at_key("front-matter/missing-key", "title", "标题 `title` 不能为空".into()));
    }
    for rule in schema::required_for(kind) {
        if !rule.any_of.iter().any(|k| fm.has(k)) {
            let key = rule.any_of.first().copied().unwrap_or("");
            errors.push(
                Diagnostic::new(
                    "front-matter/missing-key",
                    format!("{}缺少必填字段 `{key}`（{}）", kind.label(), rule.what),
                )
                .in_file(loc.file)
                .at_line_col(loc.text, 1, 1, 3)
                .with_hint(format!("请在 front matter 里加上一行 `{key}: ...`。")),
            );
        }
    }
    if let Some(slug) = &fm.slug
        && (slug.trim().is_empty() || slug.contains(['/', '\\', '?', '#']) || slug == "." || slug == "..")
    {
        errors.push(loc.at_key("front-matter/value", "slug", format!("`slug` 的值“{slug}”不能用作网址")));
    }
    if let Some(metrics) = &fm.metrics {
        let mut seen = BTreeMap::new();
        for m in metrics {
            // The key is a folder of the output (`metrics/KEY/`): letters of any script,
            // digits, `_` and `-`, as in a taxonomy term's slug.
            if m.key.is_empty() || !m.key.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-') {
                errors.push(loc.at_key(
                    "front-matter/value",
                    "key",
                    format!(
                        "指标 key “{}” 只能用汉字、英文字母、数字、_ 和 -（不能有空格和标点）",
                        m.key
                    ),
                ));
            }
            if !m.value.is_finite() {
                errors.push(loc.at_key("front-matter/value", "value", format!("指标 `{}` 的值不是数字", m.key)));
            }
            if seen.insert(m.key.clone(), ()).is_some() {
                errors.push(loc.at_key(
                    "front-matter/value",
                    "key",
                    format!("指标 key `{}` 在同一份报告里出现了两次", m.key),
                ));
            }
        }
    }
    for a in fm.aliases.iter().flat_map(|l| &l.0) {
        if let Err(why) = super::aliases::normalize(a) {
            errors.push(
                loc.at_key("front-matter/value", "aliases", format!("旧网址“{a}”不能用：{why}"))
                    .with_hint("旧网址写成网站里的路径，如 /old/path/ 或 /2019/report.html。"),
            );
        }
    }
    if let (Some(year), true) = (fm.year, kind != Kind::Page)
        && !(1949..=2200).contains(&year)
    {
        errors.push(loc.at_key("front-matter/value", "year", format!("年份 {year} 不合理")));
    }
    if errors.is_empty() { Ok(fm) } else { Err(errors) }
}

/// Parses section front matter (an `_index.md` may have none).
pub fn parse_section(loc: &FmLocator) -> Result<SectionFront, Vec<Diagnostic>> {
    if !loc.split.has_front_matter {
        return Ok(SectionFront::default());
    }
    loc.read_all()
}

/// At most this many front-matter mistakes are reported for one file.
const MAX_FRONT_ERRORS: usize = 20;

impl FmLocator<'_> {
    /// Reads the front matter as `T`, reporting every key that cannot be read, not only the
    /// first: after an unknown key, a wrong type or value, or a duplicate, the top-level key
    /// that holds the mistake is blanked out (lines keep their numbers) and the rest is read
    /// again. A syntax error, or a key found missing once others were blanked, ends it.
    fn read_all<T: serde::de::DeserializeOwned>(&self) -> Result<T, Vec<Diagnostic>> {
        let mut text = std::borrow::Cow::Borrowed(self.split.yaml);
        let mut errors = Vec::new();
        loop {
            let e = match yaml::from_str::<T>(&text) {
                Ok(v) if errors.is_empty() => return Ok(v),
                Ok(_) => return Err(errors),
                Err(e) => e,
            };
            if e.code == "yaml/missing-key" && !errors.is_empty() {
                return Err(errors);
            }
            let (code, line) = (e.code, e.line);
            errors.push(self.yaml_error(e));
            let goes_on = matches!(
                code,
                "yaml/unknown-key" | "yaml/type" | "yaml/value" | "yaml/duplicate-key"
            );
            let next = (goes_on && errors.len() < MAX_FRONT_ERRORS)
                .then(|| blank_top_level_key(&text, line))
                .flatten();
            match next {
                Some(next) => text = std::borrow::Cow::Owned(next),
                None => return Err(errors),
            }
        }
    }
}

/// Whether a front-matter line starts a top-level key (`title: …`), not a nested value, a
/// list item or a comment.
pub fn starts_top_level_key(l: &str) -> bool {
    !l.starts_with([' ', '\t', '-', '#']) && l.contains(':')
}

/// `yaml` with the top-level key holding 1-based `line` (its line and every line of its value)
/// made blank; `None` when there is no such key or nothing would change.
fn blank_top_level_key(yaml: &str, line: usize) -> Option<String> {
    let lines: Vec<&str> = yaml.split('\n').collect();
    let at = line.checked_sub(1).filter(|i| *i < lines.len())?;
    let start = (0..=at).rev().find(|i| starts_top_level_key(lines[*i]))?;
    let continues = |l: &str| l.trim().is_empty() || l.starts_with([' ', '\t', '#', '-']);
    let end = (start + 1..lines.len())
        .find(|i| !continues(lines[*i]))
        .unwrap_or(lines.len());
    let out: Vec<&str> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| if (start..end).contains(&i) { "" } else { *l })
        .collect();
    let out = out.join("\n");
    (out != yaml).then_some(out)
}

/// Parses the front matter of `text` as a file named `a.md` (for unit tests here and in the
/// editor).
#[cfg(test)]
pub fn parse_test_page(text: &str, kind: Kind) -> Result<PageFront, Vec<Diagnostic>> {
    let split = split(text, "a.md").map_err(|d| vec![d])?;
    parse_page(
        &FmLocator {
            file: "a.md",
            text,
            split,
        },
        kind,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_unreadable_key_is_reported_at_its_own_line() {
        let text = "---\ntitle: 标题\ntags: [a, b]\nyear: 二〇二四\ncase_type: 人民调解\nauthor: 张某\nlegal_basis:\n  - 甲法\n  - {x: 1}\n---\n正文\n";
        let errors = parse_test_page(text, Kind::Case).unwrap_err();
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 4, 6, 7], "{errors:#?}");
        assert!(errors[0].message.contains("tags"), "{errors:#?}");
    }

    #[test]
    fn blanking_a_key_keeps_the_other_lines_and_their_numbers() {
        let yaml = "a: 1\nb:\n  - x\n  - y\n# note\nc: 3";
        assert_eq!(blank_top_level_key(yaml, 3).as_deref(), Some("a: 1\n\n\n\n\nc: 3"));
        assert_eq!(
            blank_top_level_key(yaml, 6).as_deref(),
            Some("a: 1\nb:\n  - x\n  - y\n# note\n")
        );
        assert_eq!(blank_top_level_key("", 1), None);
    }

    fn page(text: &str, kind: Kind) -> Result<PageFront, Vec<Diagnostic>> {
        parse_test_page(text, kind)
    }

    #[test]
    fn splits_front_matter_and_body() {
        let s = split("---\ntitle: 甲\n---\n正文\n", "a.md").unwrap();
        assert_eq!(s.yaml, "title: 甲\n");
        assert_eq!(s.body, "正文\n");
        assert!(s.has_front_matter);
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        assert_eq!(
            split("---\ntitle: 甲\n正文\n", "a.md").unwrap_err().code,
            "front-matter/unclosed"
        );
    }

    #[test]
    fn case_keys_are_rejected_on_reports_with_their_line() {
        let e = page(
            "---\ntitle: 报告\nyear: 2024\npublisher: 横栏镇\ndate: 2025-01-20\ncase_type: 人民调解\n---\n",
            Kind::Report,
        )
        .unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].line, 6);
        assert!(e[0].message.contains("case_type"));
    }

    #[test]
    fn report_requires_year_and_publisher() {
        let e = page("---\ntitle: 报告\ndate: 2025-01-20\n---\n", Kind::Report).unwrap_err();
        let msgs: Vec<_> = e.iter().map(|d| d.message.clone()).collect();
        assert!(msgs.iter().any(|m| m.contains("`year`")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("`publisher`")), "{msgs:?}");
    }

    #[test]
    fn invalid_date_names_line_and_key() {
        let e = page("---\ntitle: 案例\ncase_type: 信访\ndate: 2024-02-30\n---\n", Kind::Case).unwrap_err();
        assert_eq!(e[0].line, 4);
        assert!(e[0].message.contains("`date`"), "{}", e[0].message);
        assert!(e[0].message.contains("29天"), "{}", e[0].message);
    }

    #[test]
    fn audience_may_be_one_string() {
        let fm = page(
            "---\ntitle: 项目\nyears: [2024]\naudience: 辖区群众\n---\n",
            Kind::Project,
        )
        .unwrap();
        assert_eq!(fm.audience.unwrap().0, vec!["辖区群众".to_string()]);
    }
}
