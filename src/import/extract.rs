//! Facts taken from a report's text: the year reported on, the publisher, the figures with
//! their units and labels (`排查各类矛盾纠纷22895宗` → 矛盾纠纷排查, 22895, 宗) and awards
//! (`获评…`, `获…表彰`, `被评为…`). A figure is only ever copied, digit for digit; figures that
//! are approximate (`1179余万元`, `超过800家次`) or whose label cannot be told are listed for
//! the editor instead of being written to the front matter.

use std::sync::OnceLock;

use regex::Regex;

use super::structure::chinese_year;
use crate::markdown::cjk::halfwidth;

/// A figure found in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub line: usize,
    /// The digits exactly as written.
    pub value: String,
    pub unit: String,
    pub label: String,
    pub key: String,
    /// The text around it, for the report.
    pub context: String,
    /// Why the editor should confirm it (approximate, unclear label); `None` = confident.
    pub doubt: Option<String>,
}

impl Figure {
    /// The value as a YAML number: full-width digits (１２) read as the same ASCII digits and
    /// thousands separators (1,235) left out (the body keeps them as written).
    pub fn yaml_number(&self) -> String {
        self.value.chars().filter(|c| *c != ',').map(halfwidth).collect()
    }
}

/// An award found in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundAward {
    pub line: usize,
    pub name: String,
    pub by: Option<String>,
    pub level: Option<String>,
    pub winner: String,
}

const UNITS: &str = "个百分点|万人次|万元|亿元|人次|家次|场次|批次|户次|件次|个|次|宗|件|家|批|条|亩|台|单|名|人|项|份|场|起|户|所|类|篇|期|张|册|处|座|支|套|辆|%";

fn figure_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(&format!(
            r"(?P<q>超过|超|近|约|逾|达到|达)?(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<yu>余|多)?(?P<unit>{UNITS})"
        ))
        .expect("valid regex")
    })
}

/// Words that start a clause without being part of what is counted.
const LEADING: &[&str] = &[
    "其中",
    "今年以来",
    "今年来",
    "年内",
    "今年",
    "全年",
    "同时",
    "累计",
    "共计",
    "合计",
    "总计",
    "共",
    "已",
    "先后",
    "认真",
    "积极",
    "全镇",
    "全市",
    "全区",
    "全县",
    "镇村两级",
    "带动",
    "推动",
    "督促",
    "指导",
    "协助",
    "成功",
    "完成",
    "实现",
    "组织",
    "开展",
    "召开",
    "举办",
    "办好",
    "办理",
    "落实",
    "新增",
    "作出",
    "做出",
    "在",
    "对",
    "向",
    "为",
    "并",
    "及",
    "和",
    "与",
    "有",
    "了",
];
/// Words that end a label without being part of it.
const TRAILING: &[&str] = &[
    "共计",
    "合计",
    "累计",
    "增加至",
    "增至",
    "达到",
    "达",
    "共",
    "为",
    "约",
    "计",
    "每月",
    "每年",
    "全年",
    "超过",
    "超",
    "近",
    "逾",
    "已",
    "了",
];
/// Verbs whose object reads better first: 排查各类矛盾纠纷 → 矛盾纠纷排查.
const REORDER: &[&str] = &["排查", "化解", "调处", "受理", "接待", "审核", "走访"];
const QUANTIFIERS: &[&str] = &["各类", "各种", "各项", "所有", "全部", "各"];

/// Verbs after which a long label is cut.
const VERBS: &[&str] = &[
    "落实", "开展", "召开", "办理", "接待", "接访", "调处", "达成", "追回", "投放", "进驻", "减少", "涉及", "审议",
    "组织", "讲", "整改", "排查", "化解", "享受", "申报", "参加", "作出",
];

/// `2024年我镇有…` → `我镇有…`
fn strip_year_prefix(s: &str) -> &str {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 4 && s[4..].starts_with('年') {
        let rest = &s[4 + '年'.len_utf8()..];
        return rest
            .trim_start_matches(['，', ','])
            .trim_start_matches("我镇")
            .trim_start_matches("本镇")
            .trim_start_matches("全镇");
    }
    s
}

/// Well-known figures get the keys other reports (and the benchmark corpus) use.
const KNOWN: &[(&str, &str)] = &[
    ("矛盾纠纷化解率", "dispute_resolution_rate"),
    ("化解率", "dispute_resolution_rate"),
    ("矛盾纠纷排查", "disputes_screened"),
    ("矛盾纠纷化解", "disputes_resolved"),
    ("调解协议", "mediation_agreements"),
    ("综合查一次", "joint_inspections"),
    ("普法宣传活动", "law_events"),
    ("行政复议案件", "admin_reconsiderations"),
    ("不予处罚决定", "no_penalty_decisions"),
];

fn strip_leading(mut s: &str) -> &str {
    loop {
        let before = s;
        for w in LEADING {
            if let Some(r) = s.strip_prefix(w)
                && r.chars().count() >= 2
            {
                s = r;
            }
        }
        s = s.trim_start_matches(['“', '"', ' ']).trim_start();
        if s == before {
            return s;
        }
    }
}

fn strip_trailing(mut s: &str) -> &str {
    loop {
        let before = s;
        for w in TRAILING {
            if let Some(r) = s.strip_suffix(w) {
                s = r;
            }
        }
        if s == before {
            return s;
        }
    }
}

/// Balances quotes a label was cut through: `粤智助”业务量` → `“粤智助”业务量`.
fn balance_quotes(s: &str) -> String {
    let opens = s.matches('“').count();
    let closes = s.matches('”').count();
    if closes > opens {
        format!("“{s}")
    } else if opens > closes {
        format!("{s}”")
    } else {
        s.to_string()
    }
}

/// A stable key for a label: the well-known ones by name, others the label itself as a
/// slug (`第一议题学习`: the same label gives the same key in every year's report, and the
/// clerk reads it in the front matter and in the address `/metrics/第一议题学习/`); a label
/// with no letters at all, from a hash.
pub fn key_for(label: &str) -> String {
    let bare: String = label.chars().filter(|c| !matches!(c, '“' | '”' | '"')).collect();
    if let Some((_, k)) = KNOWN.iter().find(|(name, _)| bare.contains(name)) {
        return (*k).to_string();
    }
    let slug = crate::markdown::slug::slugify(&bare);
    if !slug.is_empty() && slug.len() <= 120 {
        return slug;
    }
    format!("m-{:08x}", crate::util::fnv1a32(bare.as_bytes()))
}

/// Finds the figures of one paragraph (`line` is its line in the source).
pub fn figures(text: &str, line: usize) -> Vec<Figure> {
    let mut out: Vec<Figure> = Vec::new();
    let mut clause_start = 0usize;
    let mut last_end = 0usize;
    let mut prev_object: Option<String> = None;
    for m in figure_re().captures_iter(text) {
        let whole = m.get(0).expect("match");
        let num = m.name("num").expect("num");
        let unit = m.name("unit").expect("unit").as_str();
        // Not figures: years and dates (2024年), ranks (第2), parts of longer numbers.
        let mut before = text[..whole.start()].chars().rev();
        let before_char = before.next();
        if before_char.is_some_and(|c| {
            c.is_ascii_digit() || c == '.' || c == '第' || c == '-' || c == '+' || c.is_ascii_alphabetic()
        }) {
            continue;
        }
        // The tail of a number whose separators are not in threes (12,3456).
        if before_char == Some(',') && before.next().is_some_and(|c| c.is_ascii_digit()) {
            continue;
        }
        let after = &text[whole.end()..];
        if unit == "个" && after.starts_with("百分点") {
            continue;
        }
        // Where the clause of this figure starts.
        let head = &text[..whole.start()];
        let cut = head
            .char_indices()
            .filter(|(_, c)| "，。；：！？,;:!?（）()、".contains(*c))
            .map(|(i, c)| i + c.len_utf8())
            .next_back()
            .unwrap_or(0);
        if cut > clause_start {
            clause_start = cut;
            // A new sentence forgets the object of the last one.
            if head[..cut].ends_with(['。', '；', ';', '！', '？']) {
                prev_object = None;
            }
        }
        let from = clause_start.max(last_end);
        let raw = text[from..whole.start()].trim();
        let follows_figure = last_end > 0 && from == last_end && raw.is_empty();
        let raw = strip_year_prefix(raw);
        let mut label = strip_trailing(strip_leading(raw)).trim().to_string();
        if matches!(label.as_str(), "有" | "了" | "共" | "达" | "为" | "约") {
            label.clear();
        }
        // A long label keeps what follows its last verb: 各基层党组织落实“三会一课” → 落实“三会一课”.
        if label.chars().count() > 10
            && let Some(i) = VERBS.iter().filter_map(|v| label.rfind(v)).max()
            && i > 0
            && label[i..].chars().count() >= 3
        {
            label = label[i..].to_string();
        }
        // Verb first, object after: 排查各类矛盾纠纷 → 矛盾纠纷排查.
        let mut object: Option<String> = None;
        for v in REORDER {
            if let Some(rest) = label.strip_prefix(v) {
                if rest.starts_with(['并', '和', '及', '与', '或']) {
                    break;
                }
                let mut obj = rest;
                for q in QUANTIFIERS {
                    obj = obj.strip_prefix(q).unwrap_or(obj);
                }
                if obj.chars().count() >= 2 {
                    object = Some(obj.to_string());
                    label = format!("{obj}{v}");
                } else if obj.is_empty() {
                    // A bare verb: take the object of the figure before it (化解21335宗).
                    if let Some(o) = &prev_object {
                        label = format!("{o}{v}");
                    }
                }
                break;
            }
        }
        if let Some(o) = object {
            prev_object = Some(o);
        }
        // A second figure right after the first counts the same thing in another unit:
        // 接待群众11批次18人次 → 接待群众人次.
        if follows_figure && let Some(prev) = out.last() {
            let base = prev.label.trim_end_matches(prev.unit.as_str()).to_string();
            label = format!("{base}{}", if unit.ends_with('次') { unit } else { "" });
        }
        // "…单位等11类场景": the count is of what follows.
        let lists_before = label.ends_with('等');
        // A count of something named after it: 梳理15个事项 → 梳理事项.
        if lists_before {
            label.clear();
        }
        if label.chars().count() <= 2 && !follows_figure {
            let mut noun_after: String = after
                .chars()
                .take_while(|c| !"，。；：！？,;:!?（）()、 ".contains(*c) && !c.is_ascii_digit())
                .take(10)
                .collect();
            for stop in ["形成", "上榜", "参与", "实施", "开展", "进驻", "涉及", "申报", "参加"] {
                if let Some(i) = noun_after.find(stop) {
                    noun_after.truncate(i);
                }
            }
            if !noun_after.is_empty() {
                label = format!("{label}{noun_after}");
            } else if unit.ends_with('次') && !label.is_empty() {
                // 服务7265人次 → 服务人次
                label = format!("{label}{unit}");
            }
        }
        let label = balance_quotes(label.trim());
        let qualifier = m.name("q").map(|q| q.as_str()).or(m.name("yu").map(|y| y.as_str()));
        let doubt = if let Some(q) = qualifier {
            Some(format!(
                "“{}”是约数（{q}），没有写入 metrics",
                whole.as_str().trim_start_matches(|c: char| !c.is_ascii_digit())
            ))
        } else if label.chars().count() < 2 || label.chars().all(|c| c.is_ascii_digit()) {
            Some("看不出这个数字统计的是什么，没有写入 metrics".to_string())
        } else {
            None
        };
        let ctx_start = crate::diagnostics::floor_char_boundary(text, whole.start().saturating_sub(24));
        let ctx_end = crate::diagnostics::floor_char_boundary(text, (whole.end() + 12).min(text.len()));
        let context = text[ctx_start..ctx_end].to_string();
        let unit_text = format!("{}{unit}", m.name("yu").map_or("", |y| y.as_str()));
        out.push(Figure {
            line,
            value: num.as_str().to_string(),
            unit: unit_text,
            key: key_for(&label),
            label,
            context,
            doubt,
        });
        last_end = whole.end();
    }
    out
}

fn award_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(?P<who>[^，。；,;]{2,30}?)(?:被评为|荣获|获评|获得|被授予|获(?P<by>[^，。；,;获]{2,20}?)(?:认定为|授予|评为|表彰为))(?P<name>[^，。；,;]{2,60})").expect("valid regex")
    })
}

/// Awards in one paragraph.
pub fn awards(text: &str, line: usize) -> Vec<FoundAward> {
    let mut out = Vec::new();
    for c in award_re().captures_iter(text) {
        let mut name = c["name"].trim().trim_end_matches(['。', '”']).to_string();
        if name.matches('“').count() > name.matches('”').count() {
            name.push('”');
        }
        // "获…肯定/支持" is praise, not an award.
        if ["肯定", "好评", "支持", "认可"].iter().any(|w| name.starts_with(w)) || name.chars().count() < 3 {
            continue;
        }
        let by = c.name("by").map(|b| b.as_str().trim().to_string());
        let all = format!("{}{}", by.clone().unwrap_or_default(), name);
        let level = if all.contains("全国") || all.contains("国家") || all.contains("中央") {
            Some("国家级")
        } else if all.contains("省") {
            Some("省级")
        } else if all.contains("市") {
            Some("市级")
        } else if all.contains("县") || all.contains("区") {
            Some("县级")
        } else {
            None
        };
        let winner = balance_quotes(c["who"].trim().trim_start_matches(['“', '，', ',', '；', ';']));
        out.push(FoundAward {
            line,
            name,
            by,
            level: level.map(str::to_string),
            winner,
        });
    }
    out
}

/// The year a report is about: `2024年` in the title, else at the start of the first sentence.
/// Chinese numerals (`二〇二四年`) are read too.
pub fn year(title: Option<&str>, first: Option<&str>) -> Option<(i32, &'static str)> {
    static YEAR: OnceLock<Regex> = OnceLock::new();
    let find = |s: &str| -> Option<i32> {
        let re = YEAR.get_or_init(|| Regex::new(r"(\d{4})年").expect("valid regex"));
        if let Some(c) = re.captures(s) {
            return c[1].parse().ok();
        }
        let cn: String = s.chars().skip_while(|c| !"〇零一二".contains(*c)).take(5).collect();
        if let Some(y) = cn.strip_suffix('年') {
            return chinese_year(y);
        }
        None
    };
    if let Some(y) = title.and_then(find).filter(|y| (1990..=2200).contains(y)) {
        return Some((y, "标题"));
    }
    let first = first?;
    let head: String = first.chars().take(12).collect();
    find(&head)
        .filter(|y| (1990..=2200).contains(y))
        .map(|y| (y, "正文第一句"))
}

const ORG_SUFFIX: &str = "人民政府|街道办事处|政府|街道|镇|乡|县|区|市|局|委员会|办公室|司法所";

/// The shortest organisation name a sentence starts with (横栏镇坚持… → 横栏镇).
fn org_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(&format!(r"^(?P<org>[\p{{Han}}（）()]{{2,24}}?(?:{ORG_SUFFIX}))")).expect("valid regex")
    })
}

/// The longest organisation name a title starts with (中山市横栏镇人民政府关于… → all of it).
fn org_title_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(&format!(r"^(?P<org>[\p{{Han}}（）()]{{2,24}}(?:{ORG_SUFFIX}))")).expect("valid regex"))
}

/// Who publishes the report: the signature, else the title before its year, else the
/// subject of the first sentence (`2024年,横栏镇坚持…` → 横栏镇).
pub fn publisher(signature: Option<&str>, title: Option<&str>, first: Option<&str>) -> Option<(String, &'static str)> {
    if let Some(s) = signature {
        return Some((s.to_string(), "落款"));
    }
    if let Some(t) = title {
        let before = t
            .split(|c: char| c.is_ascii_digit())
            .next()
            .unwrap_or("")
            .trim_end_matches(['关', '于'])
            .trim();
        if let Some(m) = org_title_re().captures(before) {
            return Some((m["org"].to_string(), "标题"));
        }
    }
    let first = first?;
    static YEAR_PREFIX: OnceLock<Regex> = OnceLock::new();
    let after_year = YEAR_PREFIX
        .get_or_init(|| Regex::new(r"^\s*(?:\d{4}|[〇零一二三四五六七八九]{4})年[，,、\s]*").expect("valid regex"))
        .replace(first, "");
    org_re()
        .captures(&after_year)
        .map(|m| (m["org"].to_string(), "正文第一句"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(text: &str) -> Vec<(String, String, String, bool)> {
        figures(text, 1)
            .into_iter()
            .map(|f| (f.label, f.value, f.unit, f.doubt.is_none()))
            .collect()
    }

    #[test]
    fn figures_keep_their_digits_and_get_labels() {
        let got = labels("全镇累计排查各类矛盾纠纷22895宗,化解21335宗,化解率93.19%。");
        assert_eq!(
            got,
            vec![
                ("矛盾纠纷排查".into(), "22895".into(), "宗".into(), true),
                ("矛盾纠纷化解".into(), "21335".into(), "宗".into(), true),
                ("化解率".into(), "93.19".into(), "%".into(), true),
            ]
        );
        let got = labels("开展第一议题学习35次、理论学习中心组研讨13次");
        assert_eq!(got[0].0, "第一议题学习");
        assert_eq!(got[1].0, "理论学习中心组研讨");
        // Full-width digits are kept as written, and read as a number for front matter.
        let f = figures("召开专题会议６次，化解纠纷１２宗。", 1);
        assert_eq!((f[1].value.as_str(), f[1].yaml_number().as_str()), ("１２", "12"));
        let f = figures("共调处矛盾纠纷1,235宗，调解成功1,198宗，涉及金额12,345.5万元。", 1);
        let got: Vec<(&str, String)> = f.iter().map(|f| (f.label.as_str(), f.yaml_number())).collect();
        assert_eq!(got[0].1, "1235", "{got:?}");
        assert_eq!(got[1].1, "1198", "{got:?}");
        assert_eq!(got[2].1, "12345.5", "{got:?}");
        assert!(f.iter().all(|f| f.doubt.is_none()), "{f:?}");
        let got = labels("今年“粤智助”业务总量共13882单,服务7265人次。");
        assert_eq!(got[0].0, "“粤智助”业务总量");
        assert_eq!(got[1].1, "7265");
    }

    #[test]
    fn approximate_figures_are_doubted_and_years_are_not_figures() {
        let got = labels("涉案履行金额1179余万元;组织超过800家次企业参展;2024年,共作出不予处罚决定42宗;全市排名第2。");
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(
            (got[0].1.as_str(), got[0].2.as_str(), got[0].3),
            ("1179", "余万元", false)
        );
        assert_eq!((got[1].1.as_str(), got[1].3), ("800", false));
        assert_eq!(got[2].0, "不予处罚决定");
    }

    #[test]
    fn known_labels_have_stable_keys() {
        assert_eq!(key_for("矛盾纠纷排查"), "disputes_screened");
        assert_eq!(key_for("化解率"), "dispute_resolution_rate");
        assert_eq!(key_for("第一议题学习"), key_for("第一议题学习"));
        assert_eq!(key_for("“粤智助”业务总量"), "粤智助业务总量");
        assert!(key_for("（）").starts_with("m-"));
    }

    #[test]
    fn awards_are_found() {
        let a = awards(
            "横栏镇综治中心获评广东省“1+6+N”基层社会治理工作体系建设先进典型;“西江花海学法游”获评创新创先优秀普法项目。",
            1,
        );
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].name, "广东省“1+6+N”基层社会治理工作体系建设先进典型");
        assert_eq!(a[0].level.as_deref(), Some("省级"));
        assert_eq!(a[1].name, "创新创先优秀普法项目");
        let b = awards(
            "产业基地获广东省商务厅认定为2024年“省级外贸转型升级基地”,推动获市委肯定。",
            2,
        );
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].by.as_deref(), Some("广东省商务厅"));
        assert_eq!(b[0].name, "2024年“省级外贸转型升级基地”");
    }

    #[test]
    fn year_and_publisher() {
        assert_eq!(
            year(None, Some("2024年,横栏镇坚持以习近平…")),
            Some((2024, "正文第一句"))
        );
        assert_eq!(
            year(Some("示例县二〇二三年法治政府建设年度报告"), None),
            Some((2023, "标题"))
        );
        assert_eq!(
            publisher(None, None, Some("2024年,横栏镇坚持以习近平…")).unwrap().0,
            "横栏镇"
        );
        assert_eq!(
            publisher(None, Some("中山市横栏镇人民政府关于2024年法治政府建设情况的报告"), None)
                .unwrap()
                .0,
            "中山市横栏镇人民政府"
        );
        assert_eq!(
            publisher(Some("示例镇人民政府"), Some("x"), None).unwrap().0,
            "示例镇人民政府"
        );
    }
}
