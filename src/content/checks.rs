//! Content checks that go beyond syntax: the rules a government publisher is held to.
//!
//! Per file ([`check_page`], run when a file is parsed): a report's 成文日期 may not be after its
//! 发布日期 (an error); a report should be published before 1 April of the next year, fill in
//! the 政府信息公开 fields (索引号, 主题分类, 成文日期, 发布日期) and contain the parts the
//! 《法治政府建设与责任落实督察工作规定》 requires; no page may show an ID number or a mobile
//! number (an error in every command, unless masked as `138****5678` or listed in
//! `check.public_numbers`), and a case should not name its parties (a warning).
//! Across files ([`cross_checks`]):
//! a 索引号 used twice, two reports of one publisher for one year. Checks other than hard
//! errors are warnings with code `check/...`; `pufa build --strict` and `pufa check` make
//! them errors. Every message names the file and line and says what to do.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

use regex::Regex;

use super::page::Page;
use super::site::Site;
use crate::config::{Config, Kind, RESERVED};
use crate::diagnostics::{Diagnostic, Severity};
use crate::markdown::slug::slugify;

/// The four parts a report must have: (what, heading words that count as it).
pub const REPORT_PARTS: &[(&str, &[&str])] = &[
    (
        "主要举措和成效（当年推进法治政府建设的主要举措、成效）",
        &[
            "主要做法",
            "主要举措",
            "主要成效",
            "工作成效",
            "主要工作",
            "做法及成效",
            "举措和成效",
            "举措及成效",
            "做法和成效",
            "工作开展情况",
            "主要进展",
            "工作情况",
            "取得的成效",
            "主要措施",
        ],
    ),
    (
        "存在的不足和原因",
        &[
            "存在问题",
            "存在的问题",
            "问题和不足",
            "问题与不足",
            "不足",
            "短板",
            "困难和问题",
            "薄弱环节",
            "差距",
        ],
    ),
    (
        "党政主要负责人履行推进法治建设第一责任人职责的情况",
        &["第一责任人", "主要负责人履行", "主要负责人职责", "党政主要负责人"],
    ),
    (
        "下一年度推进法治政府建设的主要安排",
        &[
            "下一步",
            "工作计划",
            "工作安排",
            "工作打算",
            "工作思路",
            "下一年度",
            "明年",
            "下阶段",
            "下年度",
            "主要安排",
        ],
    ),
];

/// Checks one parsed page. Errors are returned; warnings are added to `page.warnings`.
/// `headings` are the page's structural lines (see `page::locate_body`): (level, text, line).
pub fn check_page(
    config: &Config,
    page: &mut Page,
    headings: &[(u8, String, usize)],
    body_offset: usize,
    text: &str,
) -> Result<(), Vec<Diagnostic>> {
    let mut errors = Vec::new();
    if page.kind == Kind::Report {
        if let (Some(w), Some(d)) = (page.front.written, page.front.date)
            && (w.year, w.month, w.day) > (d.year, d.month, d.day)
        {
            errors.push(
                page.at_key(
                    "report/written-after-published",
                    "written",
                    format!("成文日期 {} 晚于发布日期 {}", w.ymd_string(), d.ymd_string()),
                )
                .with_hint("成文日期（written）应在发布日期（date）当天或之前，请核对两个日期。"),
            );
        }
        if let (Some(year), Some(d)) = (page.year, page.front.date)
            && (d.year, d.month, d.day) > (year + 1, 3, 31)
        {
            let mut w = page
                    .at_key("check/late", "date", format!("{year}年度报告的发布日期 {} 晚于 {}年3月31日", d.ymd_string(), year + 1))
                    .with_hint(format!(
                        "《法治政府建设与责任落实督察工作规定》第二十四条要求每年4月1日之前公开上一年度的法治政府建设年度报告。请核对发布日期，或尽快发布{year}年度报告。"
                    ));
            w.severity = Severity::Warning;
            page.warnings.push(w);
        }
        if let Some(w) = missing_public_info(page) {
            page.warnings.push(w);
        }
        for (part, words) in REPORT_PARTS {
            let found = headings
                .iter()
                .any(|(_, title, _)| words.iter().any(|w| title.contains(w)));
            if !found {
                let mut w = Diagnostic::warning("check/missing-part", format!("报告缺少必备的部分：{part}"))
                    .in_file(&page.shown)
                    .with_hint(format!(
                        "《法治政府建设与责任落实督察工作规定》要求年度报告包括这一部分。请加一个标题（如“{}”），第一责任人的情况可以是小节。",
                        words[0]
                    ));
                w = match headings.last() {
                    Some((_, _, line)) => w.at_line_col(text, *line, 1, 1),
                    None => w.at_offset(text, body_offset, 1),
                };
                page.warnings.push(w);
            }
        }
    }
    // Front matter and body both count: titles, summaries and outcomes are published too.
    for found in personal_data(text, page.kind == Kind::Case) {
        if found.kind != Personal::Name && config.check.is_public_number(&found.digits()) {
            continue;
        }
        let d = Diagnostic::new(found.kind.code(), format!("页面中有个人信息：{}", found.what))
            .in_file(&page.shown)
            .at_offset(text, found.start, found.len)
            .with_hint(found.hint);
        if found.kind == Personal::Name {
            page.warnings.push(Diagnostic {
                severity: Severity::Warning,
                ..d
            });
        } else {
            errors.push(d);
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

/// The 政府信息公开 fields a report leaves out, as one warning (the published information
/// table shows only what is filled in): without a 发布日期 it is `check/missing-date` at the
/// `year` line (the date also decides whether the report was on time), naming the other
/// missing fields too; otherwise `check/missing-public-info` at the `publisher` line.
fn missing_public_info(page: &Page) -> Option<Diagnostic> {
    let f = &page.front;
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
    let missing: Vec<&str> = [
        ("索引号（index_no）", blank(&f.index_no)),
        ("主题分类（subject）", blank(&f.subject)),
        ("成文日期（written）", f.written.is_none()),
    ]
    .into_iter()
    .filter_map(|(what, gone)| gone.then_some(what))
    .collect();
    let fill = "政府信息公开信息表只显示已填写的项目，检查时会发现缺项。请在 front matter 中补上，如 `index_no: \"007xxxxxx/2025-00012\"`、`subject: 综合政务`、`written: 2025-03-20`。";
    let mut w = if f.date.is_none() {
        let also = match missing.is_empty() {
            true => String::new(),
            false => format!("；政府信息公开信息还缺少：{}", missing.join("、")),
        };
        page.at_key(
            "check/missing-date",
            "year",
            format!("报告没有填写发布日期（date），无法核对是否按时公开{also}"),
        )
        .with_hint(format!("政府信息公开信息表和 PubDate 元数据需要发布日期。请在 front matter 中加上 `date: YYYY-MM-DD`（报告的实际发布日期）。{}", if missing.is_empty() { "" } else { fill }))
    } else if missing.is_empty() {
        return None;
    } else {
        page.at_key(
            "check/missing-public-info",
            "publisher",
            format!("报告的政府信息公开信息不全，缺少：{}", missing.join("、")),
        )
        .with_hint(fill)
    };
    w.severity = Severity::Warning;
    Some(w)
}

fn id_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]")
            .expect("valid regex")
    })
}

fn mobile_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"1[3-9]\d(?:[- ]?\d{4}){2}").expect("valid regex"))
}

fn name_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(concat!(
            r"(?:当事人|申请人|被申请人|申诉人|信访人|原告|被告|第三人|村民|居民|员工|职工|工人|业主|租户|承租人|出租人|债权人|债务人|店主|司机|车主)",
            r"([\p{Han}]{2,3})"
        ))
        .expect("valid regex")
    })
}

/// Common surnames: a name-like word after a party role starting with one is flagged
/// unless it is a 某 pseudonym or marked 化名.
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";

/// What kind of personal data a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Personal {
    IdNumber,
    Mobile,
    Name,
}

impl Personal {
    /// The diagnostic code: ID and mobile numbers are errors everywhere; a name is a warning
    /// (a `check/` one, so `--strict` makes it an error).
    pub fn code(self) -> &'static str {
        match self {
            Personal::IdNumber => "privacy/id-number",
            Personal::Mobile => "privacy/mobile",
            Personal::Name => "check/personal-name",
        }
    }
}

/// One piece of personal data found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonalFound {
    pub kind: Personal,
    /// Byte offset and length in the text.
    pub start: usize,
    pub len: usize,
    /// The text found, as it was written.
    pub text: String,
    /// What it is, masked, for the message.
    pub what: String,
    /// What to do.
    pub hint: String,
}

impl PersonalFound {
    /// The number's digits (for the `public_numbers` comparison).
    pub fn digits(&self) -> String {
        self.text.chars().filter(char::is_ascii_digit).collect()
    }
}

/// Finds personal data in a page's text: ID and mobile numbers anywhere, and with `names`
/// (cases) the real names of parties. A masked number (`138****5678`) is not one.
pub fn personal_data(text: &str, names: bool) -> Vec<PersonalFound> {
    let mut out = Vec::new();
    let digit_at = |i: usize| text.as_bytes().get(i).is_some_and(u8::is_ascii_digit);
    let numbers = [
        (
            id_re(),
            Personal::IdNumber,
            "18 位身份证号",
            "公开的内容不得出现身份证号。请删除，或只留前 4 位和后 4 位、中间用 * 代替（如 4401**********1234）。",
        ),
        (
            mobile_re(),
            Personal::Mobile,
            "手机号码",
            "公开的内容不得出现个人手机号码。请删除或打码（如 138****5678）；确是对外公开的办公电话或热线，请把它写进 config.yaml 的 check.public_numbers。",
        ),
    ];
    for (re, kind, label, hint) in numbers {
        for m in re.find_iter(text) {
            if (m.start() > 0 && digit_at(m.start() - 1)) || digit_at(m.end()) {
                continue;
            }
            out.push(PersonalFound {
                kind,
                start: m.start(),
                len: m.len(),
                text: m.as_str().to_string(),
                what: format!("{label} {}", mask(&m.as_str().replace(['-', ' '], ""))),
                hint: hint.to_string(),
            });
        }
    }
    if names {
        out.extend(party_names(text));
        out.extend(paired_names(text));
    }
    out.sort_by_key(|o| o.start);
    out.dedup_by_key(|o| o.start);
    out
}

/// Real names after a party role (当事人, 申请人 ...), unless a 某 pseudonym or marked 化名.
fn party_names(text: &str) -> Vec<PersonalFound> {
    let mut out = Vec::new();
    for c in name_re().captures_iter(text) {
        let Some(m) = c.get(1) else { continue };
        // A name ends where a sentence goes on: punctuation or a joining word follows it.
        // Try the three-character reading first, then two.
        let chars: Vec<(usize, char)> = m.as_str().char_indices().collect();
        // Byte length of the first `len` characters of the match.
        let end_of = |len: usize| chars.get(len).map_or(m.as_str().len(), |(i, _)| *i);
        let boundary = |after: &str| {
            after.chars().next().is_none_or(|ch| {
                "，。、；：！？）)（(“”\"与和及等因在向称说对将把被的于要认表同已曾未也均都".contains(ch)
            })
        };
        let Some(end) = [3usize, 2]
            .into_iter()
            .filter(|l| *l <= chars.len())
            .map(end_of)
            .find(|end| boundary(&text[m.start() + end..]))
        else {
            continue;
        };
        let n = &text[m.start()..m.start() + end];
        let first = n.chars().next().unwrap_or(' ');
        if !SURNAMES.contains(first) || n.contains('某') || POLITE.iter().any(|w| n[first.len_utf8()..].starts_with(w))
        {
            continue;
        }
        // A pseudonym marked as such: 张三（化名）
        let after = &text[m.start() + end..];
        if after.starts_with("（化名") || after.starts_with("(化名") || after.starts_with('某') {
            continue;
        }
        // Words that merely start with a surname character (e.g. 村民代表, 员工工资) are not names.
        if NOT_NAMES.iter().any(|w| n.starts_with(w)) {
            continue;
        }
        out.push(name_found(m.start(), n));
    }
    out
}

/// What joins the two parties of a dispute: 张三诉李四, 张三与李四, 张三、李四.
const PAIR_JOINS: &[char] = &['诉', '与', '和', '、'];

/// What follows the second party of a pair: the start of what the dispute is about.
const AFTER_PAIR: &[&str] = &[
    "纠纷",
    "买卖",
    "借款",
    "借贷",
    "民间",
    "离婚",
    "婚姻",
    "侵权",
    "劳动",
    "劳务",
    "宅基地",
    "相邻",
    "继承",
    "赡养",
    "抚养",
    "合同",
    "房屋",
    "土地",
    "租赁",
    "损害",
    "因",
    "等",
    "的",
    "之间",
    "发生",
    "一案",
    "案",
    "达成",
    "签订",
];

/// Words before a first party that leave it a name (关于张三与李四……).
const BEFORE_PAIR: &[&str] = &[
    "关于",
    "对",
    "因",
    "原告",
    "被告",
    "申请人",
    "当事人",
    "村民",
    "居民",
    "调解",
];

/// Last characters of place and organisation names that begin with a surname (黄圃镇, 石岐区).
const PLACE_ENDS: &str = "镇区村市县乡省街道所局委会司厂店组队站院校馆场园路港湾";

/// Whether `n` reads as a real full name: 2-3 Han characters, a common surname first, not a
/// 某 pseudonym, a polite form, a word listed as no name, or a place.
fn looks_like_name(n: &str) -> bool {
    let chars: Vec<char> = n.chars().collect();
    let (Some(first), Some(last)) = (chars.first(), chars.last()) else {
        return false;
    };
    (2..=3).contains(&chars.len())
        && chars.iter().all(|c| is_han(*c))
        && SURNAMES.contains(*first)
        && !n.contains('某')
        && !POLITE.iter().any(|w| n[first.len_utf8()..].starts_with(w))
        && !NOT_NAMES.iter().any(|w| n.starts_with(w))
        && !PLACE_ENDS.contains(*last)
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// Real names as the two parties of a dispute, with no role word before them, as case
/// titles name them: 张建国诉李长江买卖合同纠纷案, 王建国与李长江宅基地纠纷, 陈大明、黄小红婚姻纠纷.
fn paired_names(text: &str) -> Vec<PersonalFound> {
    let mut out = Vec::new();
    for (j, join) in text.char_indices().filter(|(_, c)| PAIR_JOINS.contains(c)) {
        let before = &text[..j];
        let after = &text[j + join.len_utf8()..];
        let first = [3usize, 2].into_iter().find_map(|len| {
            let start = before.char_indices().rev().nth(len - 1)?.0;
            let n = &before[start..];
            let left = &before[..start];
            let bounded =
                left.chars().next_back().is_none_or(|c| !is_han(c)) || BEFORE_PAIR.iter().any(|w| left.ends_with(w));
            (bounded && looks_like_name(n)).then_some((start, n))
        });
        let second = [3usize, 2].into_iter().find_map(|len| {
            let end = after.char_indices().nth(len).map_or(after.len(), |(i, _)| i);
            let n = &after[..end];
            let rest = &after[end..];
            let bounded = rest.chars().next().is_none_or(|c| !is_han(c))
                || AFTER_PAIR.iter().any(|w| rest.starts_with(w))
                || rest.starts_with(PAIR_JOINS);
            (n.chars().count() == len && bounded && looks_like_name(n)).then_some((j + join.len_utf8(), n))
        });
        // Marked as pseudonyms after the second: 李长江（化名）, 黄小红（均为化名）.
        let marked = second.is_some_and(|(start, n)| {
            let rest = text[start + n.len()..].trim_start_matches(['（', '(']);
            rest.starts_with("化名") || rest.starts_with("均为化名") || rest.starts_with("均系化名")
        });
        if let (Some(a), Some(b), false) = (first, second, marked) {
            for (start, n) in [a, b] {
                out.push(name_found(start, n));
            }
        }
    }
    out
}

fn name_found(start: usize, n: &str) -> PersonalFound {
    let first = n.chars().next().unwrap_or('某');
    PersonalFound {
        kind: Personal::Name,
        start,
        len: n.len(),
        text: n.to_string(),
        what: format!("当事人姓名“{n}”"),
        hint: format!("当事人请用“{first}某”“{first}某某”等化名；确是化名的，请在后面注明“（化名）”。"),
    }
}

/// 张先生, 李女士 ... do not reveal a full name.
const POLITE: &[&str] = &[
    "先生", "女士", "师傅", "阿姨", "大爷", "大妈", "伯", "叔", "姨", "老", "姓", "氏", "家",
];

/// Two-character words after a role word that begin with a surname character but are not names.
const NOT_NAMES: &[&str] = &[
    "代表", "工资", "方面", "何时", "高度", "同意", "于是", "于当", "万元", "钱款", "程序", "金额", "江门", "江边",
    "石头", "龙头", "白天", "周边", "黄金", "马上", "林地", "田地", "严重", "向其", "向对", "向法", "向镇", "向村",
    "汤某", "杜绝", "任何", "常住", "余额", "许可", "孙子", "孙女", "孙辈", "曾孙", "外孙", "包括", "何况",
];

fn mask(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 7 {
        return s.to_string();
    }
    let keep = 3;
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < keep || i >= chars.len() - 4 { *c } else { '*' })
        .collect()
}

/// Checks across files: 索引号 used twice; two reports of one publisher for one year.
pub fn cross_checks(site: &Site, errors: &mut Vec<Diagnostic>, warnings: &mut Vec<Diagnostic>) {
    let mut reports: Vec<&Page> = site
        .pages
        .values()
        .filter(|p| p.kind == Kind::Report)
        .map(|p| p.as_ref())
        .collect();
    reports.sort_by(|a, b| a.rel.cmp(&b.rel));
    let mut index_nos: HashMap<&str, &Page> = HashMap::new();
    let mut per_year: HashMap<(&str, i32), &Page> = HashMap::new();
    for p in reports {
        if let Some(no) = p.front.index_no.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            if let Some(first) = index_nos.get(no) {
                errors.push(
                    p.at_key(
                        "report/duplicate-index-no",
                        "index_no",
                        format!("索引号“{no}”已被 {} 使用", first.shown),
                    )
                    .with_hint("索引号在整个网站中必须唯一，请核对并改正。"),
                );
            } else {
                index_nos.insert(no, p);
            }
        }
        if let (Some(publisher), Some(year)) = (p.front.publisher.as_deref(), p.year) {
            if let Some(first) = per_year.get(&(publisher, year)) {
                errors.push(
                    p.at_key(
                        "report/duplicate-year",
                        "year",
                        format!("{publisher}的{year}年度报告已有一份：{}", first.shown),
                    )
                    .with_hint("每个发布机构每年只有一份年度报告；请核对 year 和 publisher。"),
                );
            } else {
                per_year.insert((publisher, year), p);
            }
        }
    }
    let _ = warnings;
}

/// Output paths, each claimed once (path → the file that makes it). Two files making one URL
/// is an error at the file whose `slug:` caused it when only one has one; a path pufa makes
/// itself (years/, search/, a taxonomy ...) is an error too.
pub fn unique_paths(site: &Site, errors: &mut Vec<Diagnostic>) -> HashMap<String, String> {
    let config = &site.config;
    let reserved = reserved_paths(config);
    let mut paths: HashMap<String, String> = HashMap::new();
    for s in site.sections.values() {
        if let Some(prev) = paths.insert(s.path.clone(), s.shown.clone()) {
            errors.push(dup_path(&s.shown, &prev, &s.path, config));
        }
        if reserved.contains(&s.path) {
            errors.push(reserved_path(&s.shown, &s.path, config));
        }
    }
    let mut owner: HashMap<&str, &Page> = HashMap::new();
    for p in site.pages.values() {
        if let Some(prev) = paths.insert(p.path.clone(), p.shown.clone()) {
            let (at, other) = match owner.get(p.path.as_str()) {
                Some(first) if first.front.slug.is_some() && p.front.slug.is_none() => (*first, p.shown.clone()),
                _ => (p.as_ref(), prev),
            };
            let full = dup_path(&at.shown, &other, &at.path, config);
            let mut d = at.at_key("path/duplicate", "slug", String::new());
            (d.message, d.hint) = (full.message, full.hint);
            errors.push(d);
        }
        owner.insert(&p.path, p);
        let top = format!("{}/", p.path.split('/').next().unwrap_or(""));
        if reserved.contains(&p.path) || (p.section.is_empty() && reserved.contains(&top)) {
            errors.push(reserved_path(&p.shown, &p.path, config));
        }
    }
    paths
}

/// The folders pufa's own pages live in (years/, search/, metrics/, sitemap/, each taxonomy).
fn reserved_paths(config: &Config) -> BTreeSet<String> {
    let mut reserved: BTreeSet<String> = RESERVED.iter().map(|r| format!("{r}/")).collect();
    reserved.extend(config.taxonomies.iter().map(|t| format!("{}/", t.name)));
    reserved
}

/// Files pufa writes at the top of the output, which an alias may not replace.
const GENERATED_FILES: &[&str] = &[
    "404.html",
    "atom.xml",
    "rss.xml",
    "sitemap.xml",
    "robots.txt",
    "metrics.csv",
    "metrics.json",
    "index.html",
];

/// Every page's `aliases:` (alias path → the page it redirects to); an alias taking the
/// address of a page or section (`paths`), a built-in page or another alias is an error
/// naming both files.
pub fn alias_paths(
    site: &Site,
    paths: &HashMap<String, String>,
    errors: &mut Vec<Diagnostic>,
) -> BTreeMap<String, String> {
    let config = &site.config;
    let reserved = reserved_paths(config);
    let builtin = |path: &str| {
        reserved.contains(path)
            || reserved.contains(&format!("{}/", path.split('/').next().unwrap_or("")))
            || GENERATED_FILES.contains(&path)
    };
    let mut aliases: BTreeMap<String, String> = BTreeMap::new();
    let mut owners: HashMap<String, &Page> = HashMap::new();
    for p in site.pages.values() {
        for raw in p.front.aliases.iter().flat_map(|l| &l.0) {
            let Ok(path) = super::aliases::normalize(raw) else {
                continue;
            };
            let at = |message: String, hint: String| p.at_text("path/alias", raw, message).with_hint(hint);
            let url = config.url(&path);
            if let Some(other) = paths.get(&path) {
                errors.push(at(
                    format!("旧网址 {url} 与另一个页面的网址相同，不能再用作跳转"),
                    format!("{other} 生成的就是这个网址。请删掉这个旧网址，或给那个文件换个网址。"),
                ));
            } else if let Some(first) = owners.get(&path) {
                errors.push(at(
                    format!("旧网址 {url} 在两个页面的 aliases 里都出现了"),
                    format!(
                        "另一个是 {}。一个旧网址只能跳转到一个页面，请删掉其中一个。",
                        first.shown
                    ),
                ));
            } else if builtin(&path) {
                errors.push(at(
                    format!("旧网址 {url} 在 pufa 的内置页面下面，不能用作跳转"),
                    "years、search、metrics 和分类名是内置页面的网址。".to_string(),
                ));
            } else {
                owners.insert(path.clone(), p);
                aliases.insert(path, p.rel.clone());
            }
        }
    }
    aliases
}

fn dup_path(shown: &str, prev: &str, path: &str, config: &Config) -> Diagnostic {
    Diagnostic::new(
        "path/duplicate",
        format!("两个文件会生成同一个网址：{}", config.url(path)),
    )
    .in_file(shown)
    .with_hint(format!(
        "另一个文件是 {prev}。请改文件名，或在 front matter 中用 `slug:` 指定不同的网址。"
    ))
}

fn reserved_path(shown: &str, path: &str, config: &Config) -> Diagnostic {
    Diagnostic::new(
        "path/reserved",
        format!("网址 {} 已被 pufa 的内置页面占用", config.url(path)),
    )
    .in_file(shown)
    .with_hint("years、search、metrics、sitemap 和分类名是内置页面的网址，请给这个文件换个名字。")
}

/// The URL slugs of one taxonomy's terms: a term must have one (not only punctuation), and
/// two spellings may not share one (`法治宣传` and `法治 宣传`).
pub struct TermSlugs<'a> {
    taxonomy: &'a str,
    /// Slug → (the first spelling, the file it is in).
    first: HashMap<String, (String, String)>,
}

impl<'a> TermSlugs<'a> {
    /// Slugs of the taxonomy named `taxonomy`, none seen yet.
    pub fn new(taxonomy: &'a str) -> Self {
        TermSlugs {
            taxonomy,
            first: HashMap::new(),
        }
    }

    /// The slug of `term` on page `p`, or `None` after pushing why it cannot have one.
    pub fn slug(&mut self, p: &Page, term: &str, errors: &mut Vec<Diagnostic>) -> Option<String> {
        let slug = slugify(term);
        if slug.is_empty() {
            errors.push(p.at_text(
                "front-matter/value",
                term,
                format!("分类词“{term}”不能用作网址（只有标点）"),
            ));
            return None;
        }
        match self.first.get(&slug) {
            Some((other, file)) if other != term => {
                let url = format!("/{}/{slug}/", self.taxonomy);
                errors.push(
                    p.at_text(
                        "taxonomy/clash",
                        term,
                        format!("分类词“{term}”和“{other}”的网址相同（{url}）"),
                    )
                    .with_hint(format!("请统一写法；另一种写法出现在 {file}。")),
                );
                None
            }
            Some(_) => Some(slug),
            None => {
                self.first.insert(slug.clone(), (term.to_string(), p.shown.clone()));
                Some(slug)
            }
        }
    }
}

/// Project pages by slug; two projects with one slug is an error (reports and cases name
/// projects by slug).
pub fn project_slugs(site: &Site, errors: &mut Vec<Diagnostic>) -> HashMap<String, String> {
    let mut by_slug: HashMap<String, String> = HashMap::new();
    for p in site.pages.values().filter(|p| p.kind == Kind::Project) {
        if let Some(prev) = by_slug.insert(p.slug.clone(), p.rel.clone()) {
            let message = format!("有两个普法项目的 slug 都是 `{}`", p.slug);
            errors.push(p.at_key("project/duplicate-slug", "title", message).with_hint(format!(
                "另一个是 content/{prev}；报告和案例用 slug 引用项目，请改掉其中一个的文件名或 slug。"
            )));
        }
    }
    by_slug
}

/// The error for `projects: [slug]` on `p` naming no project: suggests the nearest slug, or
/// lists the projects there are.
pub fn missing_project(p: &Page, slug: &str, projects: &HashMap<String, String>) -> Diagnostic {
    let mut known: Vec<String> = projects.keys().cloned().collect();
    known.sort();
    let hint = match crate::yaml::suggest(slug, &known) {
        Some(s) => format!("是不是 `{s}`？"),
        None if known.is_empty() => "现有项目：（无）".to_string(),
        None => format!("现有项目：{}", known.join("、")),
    };
    p.at_text("project/missing", slug, format!("`projects` 中的项目 `{slug}` 不存在"))
        .with_hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_id_numbers_and_mobiles_but_not_other_digits() {
        let found = personal_data(
            "身份证号440123199001011234，电话13800138000，金额12345678901234567890。",
            false,
        );
        let whats: Vec<&str> = found.iter().map(|f| f.what.as_str()).collect();
        assert_eq!(found.len(), 2, "{whats:?}");
        assert!(whats[0].contains("身份证"));
        assert!(whats[1].contains("手机"));
    }

    #[test]
    fn pseudonyms_pass_and_real_names_are_flagged() {
        let names = |t: &str| personal_data(t, true);
        assert!(names("申请人张某与被申请人李某某达成协议。").is_empty());
        assert!(names("当事人王小明（化名）表示满意。").is_empty());
        assert!(names("村民代表参加了会议。").is_empty());
        assert!(names("业主黄先生反映情况。").is_empty());
        assert!(names("调解员向双方详细解读了法律规定。").is_empty());
        assert!(names("村民陈大明与邻居发生纠纷。")[0].what.contains("陈大明"));
        let f = names("申请人张三丰要求赔偿。");
        assert_eq!(f.len(), 1);
        assert!(f[0].what.contains("张三丰"));
        assert!(
            personal_data("村民陈大明与邻居发生纠纷。", false).is_empty(),
            "names only in cases"
        );
    }

    #[test]
    fn the_two_parties_of_a_dispute_are_flagged_without_a_role_word() {
        let names = |t: &str| -> Vec<String> { personal_data(t, true).into_iter().map(|f| f.text).collect() };
        assert_eq!(names("张建国诉李长江买卖合同纠纷案"), ["张建国", "李长江"]);
        assert_eq!(names("title: 王建国与李长江宅基地纠纷调解案"), ["王建国", "李长江"]);
        assert_eq!(names("关于陈大明、黄小红婚姻家庭纠纷的调解"), ["陈大明", "黄小红"]);
        assert_eq!(names("刘德明与何小梅因借款发生争执。"), ["刘德明", "何小梅"]);
        // Pseudonyms, places and organisations are not names.
        assert!(names("张某诉李某某买卖合同纠纷案").is_empty());
        assert!(names("黄圃镇与石岐区签订协议。").is_empty());
        assert!(names("林地与田地之间的界线").is_empty());
        assert!(names("王先生与李女士达成和解。").is_empty());
        assert!(names("调解员与村民代表座谈。").is_empty());
        assert!(names("普法与依法治理").is_empty());
        assert!(names("张建国诉李长江（化名）买卖合同纠纷").is_empty());
        assert!(names("陈大明、黄小红（均为化名）婚姻家庭纠纷").is_empty());
        assert!(names("赡养老人的儿子、女儿、孙子、孙女等").is_empty());
    }

    #[test]
    fn masked_numbers_are_not_personal_data() {
        assert!(personal_data("电话138****5678，身份证号4401**********1234。", true).is_empty());
        let f = personal_data("电话13812345678", false);
        assert_eq!(f[0].kind, Personal::Mobile);
        assert_eq!(f[0].digits(), "13812345678");
    }

    /// A site assembled from `(content-relative path, text)` files, all pages of the root
    /// section unless their folder is a configured section.
    fn site_of(files: &[(&str, &str)]) -> Result<Site, Vec<Diagnostic>> {
        use super::super::loader::Loaded;
        use super::super::page::{Section, parse_page};
        use std::path::Path;
        use std::sync::Arc;
        let yaml = "title: T\nbase_url: https://a.gov.cn/hlz/\ngovernment_site: false\n\
                    taxonomies:\n  - {name: topics, title: 主题}\n";
        let config = Arc::new(Config::parse(Path::new("/s"), Path::new("/s/config.yaml"), yaml).unwrap());
        let mut pages = Vec::new();
        for (rel, text) in files {
            let section = rel.split_once('/').map_or("", |(s, _)| s);
            let shown = format!("content/{rel}");
            pages.push(Arc::new(parse_page(&config, rel, &shown, text, section, vec![])?));
        }
        let mut sections = vec![Arc::new(Section::implicit_root(&config))];
        for key in ["projects", "cases"] {
            let mut s = Section::implicit_root(&config);
            (s.key, s.path, s.parent) = (key.to_string(), format!("{key}/"), Some(String::new()));
            sections.push(Arc::new(s));
        }
        let loaded = Loaded {
            pages,
            sections,
            assets: vec![],
            drafts: Default::default(),
            warnings: vec![],
            bodies: None,
            stamps: Default::default(),
            reused: 0,
        };
        let publishing = super::super::site::Publishing {
            today: super::super::Date::parse("2026-01-01").unwrap(),
            scheduled: Default::default(),
        };
        Site::from_loaded(config, loaded, None, publishing).map_err(|e| e.diagnostics)
    }

    fn codes(r: Result<Site, Vec<Diagnostic>>) -> Vec<(&'static str, String, usize)> {
        let errors = r.expect_err("the site should not assemble");
        errors
            .iter()
            .map(|d| (d.code, d.file.clone().unwrap_or_default(), d.line))
            .collect()
    }

    #[test]
    fn two_files_for_one_url_are_reported_at_the_slug_that_caused_it() {
        let found = codes(site_of(&[
            (
                "cases/b.md",
                "---\ntitle: B\nyear: 2024\ncase_type: 调解\nslug: a\n---\n",
            ),
            ("cases/a.md", "---\ntitle: A\nyear: 2024\ncase_type: 调解\n---\n"),
        ]));
        assert_eq!(found, vec![("path/duplicate", "content/cases/b.md".to_string(), 5)]);
    }

    #[test]
    fn a_page_may_not_take_a_url_pufa_makes_itself() {
        let found = codes(site_of(&[("search.md", "---\ntitle: 搜索\n---\n")]));
        assert_eq!(found[0].0, "path/reserved");
        let found = codes(site_of(&[("topics.md", "---\ntitle: 主题\n---\n")]));
        assert_eq!(found[0].0, "path/reserved", "a taxonomy's URL is taken too");
    }

    #[test]
    fn two_spellings_of_one_term_slug_clash_at_the_second_ones_line() {
        let found = codes(site_of(&[
            ("a.md", "---\ntitle: A\ntaxonomies:\n  topics: [法治 宣传]\n---\n"),
            ("b.md", "---\ntitle: B\ntaxonomies:\n  topics: [法治-宣传]\n---\n"),
        ]));
        assert_eq!(found, vec![("taxonomy/clash", "content/b.md".to_string(), 4)]);
        let found = codes(site_of(&[(
            "a.md",
            "---\ntitle: A\ntaxonomies:\n  topics: [\"？！\"]\n---\n",
        )]));
        assert_eq!(found[0].0, "front-matter/value");
    }

    #[test]
    fn the_same_term_on_two_pages_is_one_term() {
        let site = site_of(&[
            ("a.md", "---\ntitle: A\ntaxonomies:\n  topics: [普法]\n---\n"),
            ("b.md", "---\ntitle: B\ntaxonomies:\n  topics: [普法]\n---\n"),
        ])
        .unwrap();
        let terms = &site.index.taxonomy("topics").unwrap().terms;
        assert_eq!(terms.len(), 1);
        assert_eq!(terms.values().next().unwrap().pages.len(), 2);
    }

    #[test]
    fn a_missing_project_suggests_the_nearest_slug() {
        let r = site_of(&[
            ("projects/xijiang.md", "---\ntitle: 西江花海学法游\nyear: 2024\n---\n"),
            (
                "cases/c.md",
                "---\ntitle: C\nyear: 2024\ncase_type: 调解\nprojects: [xijang]\n---\n",
            ),
        ]);
        let errors = r.err().unwrap();
        assert_eq!(errors[0].code, "project/missing");
        assert_eq!(
            (errors[0].file.as_deref(), errors[0].line),
            (Some("content/cases/c.md"), 5)
        );
        assert!(errors[0].hint.as_deref().unwrap_or("").contains("xijiang"));
    }

    #[test]
    fn two_projects_with_one_slug_are_an_error() {
        let found = codes(site_of(&[
            ("projects/a.md", "---\ntitle: A\nyear: 2024\nslug: x\n---\n"),
            ("projects/b.md", "---\ntitle: B\nyear: 2024\nslug: x\n---\n"),
        ]));
        assert!(found.iter().any(|f| f.0 == "project/duplicate-slug"), "{found:?}");
    }
}
