//! One finding of `pufa check`: a [`Diagnostic`] with the inspection item it belongs to and,
//! where it applies, the text found and what was expected.

use serde::Serialize;

use crate::diagnostics::{Diagnostic, Severity};

/// The inspection items of 《政府网站与政务新媒体检查指标》 that findings are grouped under,
/// in the order the report lists them (the 单项否决 items first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Item {
    /// 严重表述错误
    SeriousWording,
    /// 不可用链接
    BrokenLinks,
    /// 空白栏目
    EmptySections,
    /// 栏目不更新
    StaleSections,
    /// 个人信息泄露
    PersonalData,
    /// 错别字
    Typos,
    /// 年度报告规范
    Reports,
    /// 无障碍
    Accessibility,
    /// 网站基本信息 (主办单位, 联系方式, 标识码, 备案号)
    SiteInfo,
    /// 内容与模板（生成时的其他问题）
    Site,
}

impl Item {
    /// The item of a diagnostic code.
    pub fn of_code(code: &str) -> Item {
        let group = code.split('/').next().unwrap_or("");
        match (group, code) {
            (_, "wording/serious" | "wording/known-wrong") => Item::SeriousWording,
            (_, "wording/typo") => Item::Typos,
            ("link", _) => Item::BrokenLinks,
            (_, "section/empty") => Item::EmptySections,
            (_, "section/stale") => Item::StaleSections,
            ("privacy", _) | (_, "check/personal-name") => Item::PersonalData,
            ("a11y", _) => Item::Accessibility,
            (_, "site/placeholder") => Item::SiteInfo,
            (_, "check/late" | "check/missing-date" | "check/missing-part") => Item::Reports,
            _ => Item::Site,
        }
    }

    /// The name the report shows.
    pub fn label(self) -> &'static str {
        match self {
            Item::SeriousWording => "严重表述错误（单项否决）",
            Item::BrokenLinks => "不可用链接（单项否决）",
            Item::EmptySections => "空白栏目（单项否决）",
            Item::StaleSections => "栏目不更新（单项否决）",
            Item::PersonalData => "泄露个人信息（单项否决）",
            Item::Typos => "错别字",
            Item::Reports => "年度报告规范",
            Item::Accessibility => "无障碍",
            Item::SiteInfo => "网站基本信息",
            Item::Site => "内容与模板",
        }
    }

    /// The key used in JSON.
    pub fn key(self) -> &'static str {
        match self {
            Item::SeriousWording => "serious-wording",
            Item::BrokenLinks => "broken-links",
            Item::EmptySections => "empty-sections",
            Item::StaleSections => "stale-sections",
            Item::PersonalData => "personal-data",
            Item::Typos => "typos",
            Item::Reports => "reports",
            Item::Accessibility => "accessibility",
            Item::SiteInfo => "site-info",
            Item::Site => "site",
        }
    }
}

/// A problem `pufa check` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub diag: Diagnostic,
    pub item: Item,
    /// The text or URL found.
    pub found: Option<String>,
    /// What it should be.
    pub expected: Option<String>,
}

impl Finding {
    pub fn new(diag: Diagnostic) -> Finding {
        Finding {
            item: Item::of_code(diag.code),
            diag,
            found: None,
            expected: None,
        }
    }

    pub fn with_found(mut self, found: impl Into<String>, expected: Option<String>) -> Finding {
        self.found = Some(found.into());
        self.expected = expected;
        self
    }

    pub fn is_error(&self) -> bool {
        self.diag.severity == Severity::Error
    }
}

/// Sorts findings by item, file, line and column.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (a.item, &a.diag.file, a.diag.line, a.diag.col, &a.diag.message).cmp(&(
            b.item,
            &b.diag.file,
            b.diag.line,
            b.diag.col,
            &b.diag.message,
        ))
    });
}
