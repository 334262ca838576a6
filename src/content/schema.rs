//! The one description of every front-matter key a page may carry: its name, Chinese label,
//! type, which kinds may use it, which kinds must fill it in, and a line of help.
//!
//! The loader's checks ([`super::front_matter::parse_page`]: which kind may use which key,
//! which keys are required) and the browser editor's forms (`crate::editor`) both read
//! [`PAGE_FIELDS`] and [`REQUIRED`], so what the form offers and what the build accepts cannot
//! drift apart. The order of [`PAGE_FIELDS`] is also the order the editor writes keys in.

use serde::Serialize;

use crate::config::Kind;

/// What a key holds, and so which input the editor shows for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// One line of text.
    Text,
    /// Several lines of text.
    LongText,
    /// `YYYY-MM-DD` (or RFC 3339).
    Date,
    /// A year, e.g. 2024.
    Year,
    /// A whole number.
    Int,
    Bool,
    /// A list of words or short texts.
    List,
    /// A list of years.
    YearList,
    /// A report's figures: key, label, value, unit.
    Metrics,
    /// Awards: name, by, level, year.
    Awards,
    /// Attachments: title, file.
    Attachments,
    /// Terms per configured taxonomy.
    Taxonomies,
    /// Free settings for themes (any YAML).
    Extra,
}

/// One front-matter key.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    #[serde(rename = "type")]
    pub ty: FieldType,
    /// The kinds that may use it; empty: every kind.
    pub kinds: &'static [Kind],
    pub help: &'static str,
    /// Rarely needed: the editor folds it away under 高级.
    pub advanced: bool,
}

impl Field {
    /// Whether a page of `kind` may carry this key.
    pub fn allowed_for(&self, kind: Kind) -> bool {
        self.kinds.is_empty() || self.kinds.contains(&kind)
    }
}

/// A kind's required value: at least one of `any_of` must be filled in.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Required {
    pub kind: Kind,
    /// The keys that satisfy the rule; the first is the one named in the message.
    pub any_of: &'static [&'static str],
    /// What it is, for the message: 报告所属年度，如 2024.
    pub what: &'static str,
}

const R: &[Kind] = &[Kind::Report];
const P: &[Kind] = &[Kind::Project];
const C: &[Kind] = &[Kind::Case];
const RP: &[Kind] = &[Kind::Report, Kind::Project];
const RC: &[Kind] = &[Kind::Report, Kind::Case];
const PC: &[Kind] = &[Kind::Project, Kind::Case];
const ALL: &[Kind] = &[];

const fn f(
    name: &'static str,
    label: &'static str,
    ty: FieldType,
    kinds: &'static [Kind],
    help: &'static str,
) -> Field {
    Field {
        name,
        label,
        ty,
        kinds,
        help,
        advanced: false,
    }
}

const fn adv(name: &'static str, label: &'static str, ty: FieldType, help: &'static str) -> Field {
    Field {
        name,
        label,
        ty,
        kinds: ALL,
        help,
        advanced: true,
    }
}

use FieldType as T;

/// Every page key, in the order the editor writes them.
pub const PAGE_FIELDS: &[Field] = &[
    f("title", "标题", T::Text, ALL, "页面的标题，显示在页面顶部和列表里。"),
    f(
        "description",
        "简介",
        T::LongText,
        ALL,
        "一两句话，显示在列表和搜索结果里；不填时用正文开头。",
    ),
    f("date", "发布日期", T::Date, ALL, "在网站上发布的日期。"),
    f(
        "updated",
        "更新日期",
        T::Date,
        ALL,
        "内容最后一次修改的日期（可不填）。",
    ),
    f("year", "年度", T::Year, ALL, "所属年份，如 2024。"),
    f("years", "开展年份", T::YearList, P, "项目开展的每一年，如 2023、2024。"),
    f(
        "draft",
        "草稿（暂不发布）",
        T::Bool,
        ALL,
        "勾选后正式网站不显示这一页。",
    ),
    f("case_type", "案例类型", T::Text, C, "如 人民调解、行政执法、法律援助。"),
    f(
        "publisher",
        "发布机构",
        T::Text,
        R,
        "发布报告的单位，如 示例镇人民政府。",
    ),
    f("written", "成文日期", T::Date, R, "报告落款的日期。"),
    f("index_no", "索引号", T::Text, R, "政府信息公开的索引号。"),
    f(
        "subject",
        "主题分类",
        T::Text,
        R,
        "政府信息公开的主题分类，如 综合政务。",
    ),
    f("genre", "体裁分类", T::Text, R, "如 工作报告（不填时就是工作报告）。"),
    f("doc_no", "文号", T::Text, R, "如 示府〔2025〕1号。"),
    f("location", "地点", T::Text, PC, "发生或开展的地点，如 示例镇。"),
    f(
        "summary",
        "案情摘要",
        T::LongText,
        C,
        "用一两句话说明案情和结果。当事人请用化名。",
    ),
    f(
        "legal_basis",
        "法律依据",
        T::List,
        C,
        "每条一项，如《中华人民共和国民法典》第九百四十四条。",
    ),
    f("outcome", "处理结果", T::Text, C, "如 达成调解协议。"),
    f("lead_units", "牵头单位", T::List, P, "每个单位一项。"),
    f("audience", "面向对象", T::List, P, "如 辖区群众、青少年。"),
    f("laws", "宣传的法律法规", T::List, P, "每部法律一项。"),
    f(
        "projects",
        "相关普法项目",
        T::List,
        RC,
        "填普法项目的网址名（文件名），如 xuefa。",
    ),
    f(
        "metrics",
        "数据指标",
        T::Metrics,
        R,
        "报告里的主要数字：名称、数值、单位；代码用英文，跨年份保持一致。",
    ),
    f(
        "awards",
        "荣誉",
        T::Awards,
        RP,
        "获得的表彰：名称、授予单位、级别、年份。",
    ),
    f(
        "taxonomies",
        "分类",
        T::Taxonomies,
        ALL,
        "主题、部门等分类，可以选已有的，也可以新填。",
    ),
    f("keywords", "关键词", T::List, ALL, "供搜索引擎使用的关键词。"),
    f("source", "来源", T::Text, ALL, "信息来源；不填时为发布机构或主办单位。"),
    f(
        "cover",
        "封面图片",
        T::Text,
        ALL,
        "显示在正文上方的图片文件名（放在本页的文件夹里）；发布时自动缩小并去掉拍摄位置等信息。",
    ),
    f(
        "attachments",
        "附件",
        T::Attachments,
        ALL,
        "供下载的文件：名称和文件名（放在本页的文件夹里，或以 / 开头从 static/ 找）；PDF、Word、Excel 的文字能被站内搜索找到。",
    ),
    f(
        "status",
        "有效性",
        T::Text,
        ALL,
        "文件是否仍然有效：现行有效、已修改或已废止；页面顶部和列表里会标出。",
    ),
    f(
        "expiry",
        "失效日期",
        T::Date,
        ALL,
        "从这一天起文件失效；到期后页面顶部会注明“已失效”。",
    ),
    adv(
        "aliases",
        "旧网址",
        T::List,
        "这一页以前的网址，如 /old/path/ 或 /2019/report.html；旧网址会自动跳转到这一页。",
    ),
    adv("slug", "网址名", T::Text, "网址里的名字；不填时用文件名。"),
    adv(
        "weight",
        "排序权重",
        T::Int,
        "数字小的排在前面（按权重排序的栏目才用）。",
    ),
    adv("template", "模板", T::Text, "用哪个模板显示这一页；一般不填。"),
    adv("extra", "其他设置", T::Extra, "给网站主题用的其他设置；一般不填。"),
];

/// What each kind must fill in.
pub const REQUIRED: &[Required] = &[
    Required {
        kind: Kind::Report,
        any_of: &["year"],
        what: "报告所属年度，如 2024",
    },
    Required {
        kind: Kind::Report,
        any_of: &["publisher"],
        what: "发布机构",
    },
    Required {
        kind: Kind::Case,
        any_of: &["case_type"],
        what: "案例类型，如 人民调解",
    },
    Required {
        kind: Kind::Case,
        any_of: &["year", "date"],
        what: "案例年份，或写发布日期 date",
    },
    Required {
        kind: Kind::Project,
        any_of: &["years", "year", "date"],
        what: "项目开展的年份列表，如 [2023, 2024]",
    },
];

/// The field named `name`.
pub fn field(name: &str) -> Option<&'static Field> {
    PAGE_FIELDS.iter().find(|f| f.name == name)
}

/// The rules `kind` must satisfy.
pub fn required_for(kind: Kind) -> impl Iterator<Item = &'static Required> {
    REQUIRED.iter().filter(move |r| r.kind == kind)
}

/// Whether `name` is the key a form marks as required for `kind` (the title always is).
pub fn is_required(kind: Kind, name: &str) -> bool {
    name == "title" || required_for(kind).any(|r| r.any_of.first() == Some(&name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::front_matter::PageFront;

    #[test]
    fn the_schema_names_every_key_the_loader_reads_and_no_other() {
        let value = serde_json::to_value(PageFront::default()).unwrap();
        let mut loader_keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
        loader_keys.sort();
        let mut schema_keys: Vec<String> = PAGE_FIELDS.iter().map(|f| f.name.to_string()).collect();
        schema_keys.sort();
        assert_eq!(schema_keys, loader_keys);
    }

    #[test]
    fn required_keys_are_keys_the_kind_may_use() {
        for r in REQUIRED {
            for k in r.any_of {
                assert!(field(k).is_some_and(|f| f.allowed_for(r.kind)), "{k} for {:?}", r.kind);
            }
        }
        assert!(is_required(Kind::Case, "case_type"));
        assert!(is_required(Kind::Case, "year"));
        assert!(!is_required(Kind::Case, "date"));
        assert!(!is_required(Kind::Page, "year"));
    }
}
