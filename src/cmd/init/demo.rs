//! The files of `pufa init --demo`: three years (2022–2024) of 岚溪镇, a town that does not
//! exist, so that metric charts, 同比, year archives and project timelines have something to
//! show. Every page carries a 示例数据 banner (`extra.notice`). The output depends on nothing
//! but this file: the same files, byte for byte, on every run.

/// The metrics every demo report lists, in the order the reports give them.
const METRICS: [(&str, &str, &str); 8] = [
    ("disputes_screened", "矛盾纠纷排查", "宗"),
    ("disputes_resolved", "矛盾纠纷化解", "宗"),
    ("dispute_resolution_rate", "矛盾纠纷化解率", "%"),
    ("mediation_amount", "调解涉及金额", "万元"),
    ("law_lectures", "举办普法讲座", "场"),
    ("legal_consultations", "提供法律咨询", "人次"),
    ("joint_inspections", "开展“综合查一次”", "次"),
    ("administrative_lawsuits", "行政诉讼案件", "件"),
];

/// One year of the town: its figures (in [`METRICS`] order) and what its report says.
struct Year {
    year: i32,
    published: &'static str,
    written: &'static str,
    figures: [&'static str; 8],
    focus: &'static str,
    service: &'static str,
    shortfall: &'static str,
    plan: &'static str,
    projects: &'static [&'static str],
    awards: &'static [(&'static str, &'static str, &'static str)],
}

const YEARS: [Year; 3] = [
    Year {
        year: 2022,
        published: "2023-03-20",
        written: "2023-03-14",
        figures: ["1186", "1094", "92.24", "356.5", "48", "2310", "18", "9"],
        focus: "镇综治中心完成改造，把信访接待、人民调解和法律援助放进同一个大厅，群众反映的事情“只进一扇门”。",
        service: "12个村（社区）都配了法律顾问，每月至少驻村一天，为村里的合同、章程把关。",
        shortfall: "村级调解员年龄偏大，熟悉新法的人少；部分执法人员对行政裁量基准掌握不够。",
        plan: "举办调解员轮训班，年内把镇村两级调解员轮训一遍；推行执法全过程记录。",
        projects: &["hepan-changlang"],
        awards: &[],
    },
    Year {
        year: 2023,
        published: "2024-03-18",
        written: "2024-03-12",
        figures: ["1342", "1251", "93.22", "402.8", "56", "2685", "26", "7"],
        focus: "调解员轮训班办了6期，新招募的年轻调解员跟着老调解员“结对学”，调解协议的履行情况逐一回访。",
        service: "村（社区）法律顾问的驻村时间表在公告栏和微信群公开，群众可以按表预约。",
        shortfall: "面向老年人的普法仍以发资料为主，讲得多、问得少；“综合查一次”覆盖的行业还不多。",
        plan: "开设面向老年人的学法课堂，把“综合查一次”扩展到餐饮、出租屋和小作坊。",
        projects: &["hepan-changlang", "yinfa-ketang"],
        awards: &[("岚溪县优秀普法项目（岚溪河畔法治长廊）", "岚溪县普法办（虚构）", "县级")],
    },
    Year {
        year: 2024,
        published: "2025-03-21",
        written: "2025-03-15",
        figures: ["1475", "1392", "94.37", "468.2", "63", "3012", "31", "5"],
        focus: "“综合查一次”扩展到餐饮、出租屋和小作坊，多个部门一次上门、一次查完，企业少跑腿、少被打扰。",
        service: "银发学法课堂走进12个村（社区），用身边的例子讲防诈骗、赡养和遗嘱。",
        shortfall: "线上普法的互动还不够；个别村的调解室使用率不高。",
        plan: "办好“小岚普法直播间”，每月一期；对使用率低的调解室逐个分析原因、调整开放时间。",
        projects: &["hepan-changlang", "yinfa-ketang", "zhibojian"],
        awards: &[("市级平安建设先进集体（岚溪镇综治中心）", "示例市平安办（虚构）", "市级")],
    },
];

/// A demo project: slug, title, years, lead units, audience, laws, what it is.
struct Project {
    slug: &'static str,
    title: &'static str,
    years: &'static str,
    lead: &'static str,
    audience: &'static str,
    laws: &'static str,
    award: &'static str,
    body: &'static str,
}

const PROJECTS: [Project; 3] = [
    Project {
        slug: "hepan-changlang",
        title: "岚溪河畔法治长廊",
        years: "[2022, 2023, 2024]",
        lead: "[镇普法办, 镇司法所]",
        audience: "[辖区群众, 游客]",
        laws: "[宪法, 民法典]",
        award: "\nawards:\n  - { name: \"岚溪县优秀普法项目\", by: \"岚溪县普法办（虚构）\", level: 县级, year: 2023 }",
        body: "沿岚溪河的步道边立起一排普法展板，每块展板讲一个身边的法律问题：邻里之间的排水、宅基地的边界、借钱要不要写借条。展板每季度换一次内容，扫码可以听语音讲解。\n\n周末有志愿者在长廊值守，现场解答问题，需要调解的当场登记，转给村调委会。",
    },
    Project {
        slug: "yinfa-ketang",
        title: "银发学法课堂",
        years: "[2023, 2024]",
        lead: "[镇司法所, 镇老年人协会]",
        audience: "[老年人]",
        laws: "[民法典, 老年人权益保障法]",
        award: "",
        body: "课堂放在村（社区）的长者饭堂和活动室，每次半小时，字大、话慢、多举例。讲过的题目有：保健品推销里的陷阱、子女赡养义务、怎样立一份有效的遗嘱。\n\n课后留出时间让老人提问，个人问题由法律顾问单独解答。",
    },
    Project {
        slug: "zhibojian",
        title: "小岚普法直播间",
        years: "[2024]",
        lead: "[镇普法办]",
        audience: "[辖区群众, 青年]",
        laws: "[民法典, 劳动合同法]",
        award: "",
        body: "每月一期的线上直播，由镇司法所工作人员和法律顾问一起主讲，围绕租房、打工、网购等话题答疑。直播回放放在镇政府公众号，方便错过的群众补看。",
    },
];

/// A demo case: slug, title, year, date, type, topic, what happened, basis, result, project.
struct Case {
    slug: &'static str,
    title: &'static str,
    year: i32,
    date: &'static str,
    case_type: &'static str,
    topic: &'static str,
    summary: &'static str,
    basis: &'static str,
    outcome: &'static str,
    project: &'static str,
    body: &'static str,
}

const CASES: [Case; 6] = [
    Case {
        slug: "paishui-jiufen",
        title: "两户邻居排水纠纷调解",
        year: 2022,
        date: "2022-06-15",
        case_type: "人民调解",
        topic: "矛盾纠纷化解",
        summary: "一户加高院墙后雨水排到邻家门前，两家多次争吵",
        basis: "[《中华人民共和国民法典》第二百九十条]",
        outcome: "双方商定共修一条排水沟，费用各半",
        project: "hepan-changlang",
        body: "村调委会先到两家门前看了排水的走向，再请双方坐下来谈。调解员讲了民法典关于相邻关系的规定：不动产权利人应当为相邻权利人用水、排水提供必要的便利。\n\n双方最后商定共修一条排水沟，费用各出一半，并签了调解协议。三个月后回访，排水正常，两家关系也缓和了。",
    },
    Case {
        slug: "zhaijidi-bianjie",
        title: "宅基地边界争议就地化解",
        year: 2022,
        date: "2022-10-09",
        case_type: "矛盾纠纷化解",
        topic: "矛盾纠纷化解",
        summary: "两户对宅基地分界有不同说法，建房工程停了下来",
        basis: "[《中华人民共和国土地管理法》]",
        outcome: "依据原始登记资料重新放线，双方确认",
        project: "",
        body: "镇综治中心调出两户的原始登记资料，请自然资源部门到现场重新放线。放线结果当场给双方看，并讲清楚依据。\n\n双方在放线记录上签字确认，建房工程恢复施工。",
    },
    Case {
        slug: "gongzi-tuoqian",
        title: "一宗拖欠工资的快速处理",
        year: 2023,
        date: "2023-05-22",
        case_type: "劳动争议",
        topic: "劳动保障",
        summary: "装修工程完工后，十余名工人的工资迟迟未付",
        basis: "[《保障农民工工资支付条例》]",
        outcome: "七日内全部结清",
        project: "",
        body: "工人到镇综治中心反映后，劳动保障、司法所和村委会当天一起约谈了承包方，核对考勤和工资表。\n\n承包方承认欠薪事实，承诺分两次付清。镇里跟踪到账情况，七日内工资全部结清。",
    },
    Case {
        slug: "chongdian-jiancha",
        title: "出租屋电动车充电隐患联合检查",
        year: 2023,
        date: "2023-09-12",
        case_type: "行政执法",
        topic: "行政执法",
        summary: "多个部门一次上门，检查出租屋的电动车充电和消防通道",
        basis: "[《中华人民共和国消防法》]",
        outcome: "当场整改，并为两栋楼加装集中充电桩",
        project: "",
        body: "以往消防、住建、村委会分头上门，房东一个月要接待好几次检查。这次按“综合查一次”的做法，各部门列出清单，一次查完。\n\n发现的楼道充电问题当场整改；对问题较多的两栋楼，镇里协调加装了集中充电桩。",
    },
    Case {
        slug: "baojianpin-tuikuan",
        title: "老人购买保健品退款纠纷",
        year: 2024,
        date: "2024-04-18",
        case_type: "消费维权",
        topic: "消费维权",
        summary: "一位老人在“免费讲座”上买下高价保健品，家属要求退款",
        basis: "[《中华人民共和国消费者权益保护法》]",
        outcome: "商家全额退款，并撤下夸大宣传的材料",
        project: "yinfa-ketang",
        body: "调解员和市场监管人员一起查看了宣传单和收据，宣传单上写着“包治百病”，属于夸大宣传。\n\n经调解，商家全额退款并撤下宣传材料。银发学法课堂随后把这个案例讲给各村老人听。",
    },
    Case {
        slug: "shouwei-bufa",
        title: "小店首次违规不予处罚",
        year: 2024,
        date: "2024-08-06",
        case_type: "行政执法",
        topic: "营商环境",
        summary: "一家新开的小吃店未按规定公示证照，属首次轻微违法",
        basis: "[《中华人民共和国行政处罚法》第三十三条]",
        outcome: "不予处罚，责令当场改正并开展法治教育",
        project: "",
        body: "执法人员检查时发现店内没有公示营业执照。店主是第一次开店，违法情节轻微，也没有造成危害后果。\n\n依照行政处罚法，执法人员作出不予处罚决定，指导店主当场公示证照，并讲解了食品经营的相关规定。",
    },
];

/// Every file of the demo site: (path in the site folder, contents).
pub fn files() -> Vec<(String, String)> {
    let mut out = vec![
        ("config.yaml".to_string(), CONFIG.to_string()),
        ("content/_index.md".to_string(), HOME.to_string()),
        ("content/about.md".to_string(), ABOUT.to_string()),
        ("content/reports/_index.md".to_string(), REPORTS.to_string()),
        ("content/projects/_index.md".to_string(), PROJECTS_INDEX.to_string()),
        ("content/cases/_index.md".to_string(), CASES_INDEX.to_string()),
        ("static/img/logo.svg".to_string(), LOGO.to_string()),
    ];
    for (i, y) in YEARS.iter().enumerate() {
        let previous = i.checked_sub(1).map(|p| &YEARS[p]);
        out.push((format!("content/reports/{}.md", y.year), report(y, previous)));
    }
    out.extend(
        PROJECTS
            .iter()
            .map(|p| (format!("content/projects/{}.md", p.slug), project(p))),
    );
    out.extend(CASES.iter().map(|c| (format!("content/cases/{}.md", c.slug), case(c))));
    out
}

/// A year's report: front matter with its metrics, then the four parts a report must have.
fn report(y: &Year, previous: Option<&Year>) -> String {
    let f = &y.figures;
    let metrics: String = METRICS
        .iter()
        .zip(f)
        .map(|((key, label, unit), value)| {
            format!("  - {{ key: {key}, label: \"{label}\", value: {value}, unit: \"{unit}\" }}\n")
        })
        .collect();
    let awards: String = y
        .awards
        .iter()
        .map(|(name, by, level)| {
            format!(
                "  - {{ name: \"{name}\", by: \"{by}\", level: {level}, year: {} }}\n",
                y.year
            )
        })
        .collect();
    let awards = if awards.is_empty() {
        String::new()
    } else {
        format!("awards:\n{awards}")
    };
    let compared = match previous {
        Some(p) => format!(
            "，排查数比上年的{}宗有所增加，化解率由{}%提高到{}%",
            p.figures[0], p.figures[2], f[2]
        ),
        None => String::new(),
    };
    format!(
        r#"---
title: "岚溪镇{year}年法治政府建设年度报告"
description: "岚溪镇（虚构）{year}年推进法治政府建设的做法、不足和下一年度安排（示例数据）"
year: {year}
publisher: 岚溪镇人民政府
date: {published}
written: {written}
index_no: "LX-{next}-0001"
subject: 综合政务
keywords: [法治政府建设, 年度报告, 示例数据]
taxonomies:
  topics: [法治政府建设, 矛盾纠纷化解, 行政执法]
  departments: [镇人民政府, 镇司法所, 镇综治中心]
projects: [{projects}]
{awards}metrics:
{metrics}---

{year}年，岚溪镇围绕法治政府建设的年度任务依法履职。本报告的数字均为示例数据，岚溪镇是为演示 pufa 虚构的乡镇。现将主要情况报告如下。

<!-- more -->

## 一、主要举措和成效

### （一）矛盾纠纷化解

全年排查矛盾纠纷**{s}宗**，化解**{r}宗**，化解率**{rate}%**{compared}。通过调解履行的金额共{amount}万元。{focus}

### （二）普法和公共法律服务

全年举办普法讲座{lectures}场，提供法律咨询{consult}人次。{service}

### （三）依法行政

开展“综合查一次”联合检查{joint}次。本年度以镇政府为被告的行政诉讼案件{suits}件。

## 二、存在的不足和原因

{shortfall}

## 三、党政主要负责人履行推进法治建设第一责任人职责情况

镇党委书记、镇长把法治建设列入年度工作要点，全年主持专题研究法治工作，带头参加学法活动，对重大决策事项坚持合法性审查。

## 四、下一年度工作安排

{plan}
"#,
        year = y.year,
        published = y.published,
        written = y.written,
        next = y.year + 1,
        projects = y.projects.join(", "),
        s = f[0],
        r = f[1],
        rate = f[2],
        amount = f[3],
        lectures = f[4],
        consult = f[5],
        joint = f[6],
        suits = f[7],
        focus = y.focus,
        service = y.service,
        shortfall = y.shortfall,
        plan = y.plan,
    )
}

fn project(p: &Project) -> String {
    format!(
        "---\ntitle: \"{title}\"\ndescription: \"{title}（示例数据）\"\nyears: {years}\nlead_units: {lead}\nlocation: 岚溪镇\naudience: {audience}\nlaws: {laws}\ntaxonomies:\n  topics: [普法宣传]\n  departments: [镇普法办]{award}\n---\n\n{body}\n",
        title = p.title,
        years = p.years,
        lead = p.lead,
        audience = p.audience,
        laws = p.laws,
        award = p.award,
        body = p.body,
    )
}

fn case(c: &Case) -> String {
    let projects = if c.project.is_empty() {
        String::new()
    } else {
        format!("projects: [{}]\n", c.project)
    };
    format!(
        "---\ntitle: \"{title}\"\ndescription: \"{summary}（示例数据）\"\ndate: {date}\nyear: {year}\ncase_type: {case_type}\nlocation: 岚溪镇\nsummary: \"{summary}\"\nlegal_basis: {basis}\noutcome: \"{outcome}\"\n{projects}taxonomies:\n  topics: [{topic}]\n  departments: [镇综治中心]\n---\n\n{body}\n",
        title = c.title,
        summary = c.summary,
        date = c.date,
        year = c.year,
        case_type = c.case_type,
        basis = c.basis,
        outcome = c.outcome,
        topic = c.topic,
        body = c.body,
    )
}

const CONFIG: &str = r#"# pufa init --demo 生成的示例站点。岚溪镇是虚构的乡镇，所有机构、案例和数字都是示例数据。
title: "岚溪镇法治政府建设"
description: "岚溪镇（虚构）的法治政府建设年度报告、普法项目和典型案例，pufa 的示例站点"
base_url: "https://lanxi.example.gov.cn/"
language: zh-CN
theme: default
output_dir: public
keywords: [法治政府建设, 普法, 示例数据]

taxonomies:
  - { name: topics, title: 主题 }
  - { name: departments, title: 部门 }

sections:
  reports: report
  projects: project
  cases: case

paginate_by: 20

government_site: true
organisation:
  name: "岚溪镇人民政府"
  logo: "img/logo.svg"
  address: "示例省岚溪县岚溪镇示例路1号（虚构）"
  phone: "0000-00000000（示例）"
  email: "demo@lanxi.example.gov.cn"
  site_code: "0000000000"
  icp: "示ICP备00000000号（示例）"
  police_record: "示公网安备00000000000000号（示例）"
  error_report_url: "https://zfwzzc.www.gov.cn/"

extra:
  # 默认主题在每个页面顶部显示这行提示。
  notice: "示例数据：岚溪镇是虚构的乡镇，本站的机构、案例和数字均为演示用的示例数据。"
"#;

const HOME: &str = "---\ntitle: \"岚溪镇法治政府建设\"\ndescription: \"岚溪镇（虚构）的法治政府建设年度报告、普法项目和典型案例\"\n---\n\n这是 pufa 的示例站点，展示三年的年度报告、普法项目和典型案例：数据指标有历年图表和同比，普法项目有历年历程。岚溪镇是虚构的，所有数字都是示例数据。\n";

const ABOUT: &str = "---\ntitle: 关于本站\n---\n\n本站由 `pufa init --demo` 生成，用来演示 pufa 的默认主题。岚溪镇、岚溪县以及其中的机构和人物都是虚构的，数字是示例数据，请勿引用。\n";

const REPORTS: &str = "---\ntitle: 年度报告\ndescription: 岚溪镇法治政府建设年度报告（示例数据）\nsort_by: year\ncolumn_type: 信息公开\nweight: 1\n---\n";

const PROJECTS_INDEX: &str = "---\ntitle: 普法项目\ndescription: 岚溪镇的普法项目（示例数据）\nweight: 2\n---\n";

const CASES_INDEX: &str =
    "---\ntitle: 典型案例\ndescription: 矛盾纠纷化解和行政执法典型案例（示例数据）\nweight: 3\n---\n";

/// A made-up emblem (a river under a hill in a ring), not any real government's.
const LOGO: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64"><circle cx="32" cy="32" r="30" fill="#ffffff" stroke="#d4a017" stroke-width="4"/><path d="M12 38 L26 20 L34 30 L40 24 L52 38 Z" fill="#a61b1b"/><path d="M12 44 Q22 39 32 44 T52 44" fill="none" stroke="#1f5fa8" stroke-width="4" stroke-linecap="round"/></svg>
"##;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_report_lists_every_metric_and_the_figures_agree() {
        for y in &YEARS {
            let text = report(y, None);
            for (key, _, _) in METRICS {
                assert_eq!(text.matches(&format!("key: {key},")).count(), 1, "{key} in {}", y.year);
            }
            let screened: f64 = y.figures[0].parse().unwrap();
            let resolved: f64 = y.figures[1].parse().unwrap();
            let rate: f64 = y.figures[2].parse().unwrap();
            assert!((resolved / screened * 100.0 - rate).abs() < 0.01, "{} rate", y.year);
        }
    }

    #[test]
    fn the_files_are_the_same_on_every_call() {
        assert_eq!(files(), files());
        assert!(files().iter().any(|(p, _)| p == "content/reports/2023.md"));
    }
}
