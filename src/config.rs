//! Site configuration: `config.yaml`, its defaults and its checks.
//!
//! Owns the [`Config`] every later stage reads: title, `base_url` (which may carry a sub-path
//! such as `/hlz/`; [`Config::url`] and [`Config::permalink`] are the only places URLs are
//! made), the publishing organisation shown in every footer, taxonomies, and which content kind
//! each section holds. Unknown keys are errors, reported with file, line and column.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostics::{Diagnostic, Error, Result, io_diagnostic};
use crate::yaml;

/// The four kinds of content pufa knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// 法治政府建设年度报告
    Report,
    /// 普法项目
    Project,
    /// 典型案例
    Case,
    /// A free page (about, contact, 无障碍说明).
    Page,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Report => "report",
            Kind::Project => "project",
            Kind::Case => "case",
            Kind::Page => "page",
        }
    }

    /// The Chinese name readers see.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Report => "年度报告",
            Kind::Project => "普法项目",
            Kind::Case => "典型案例",
            Kind::Page => "页面",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "report" => Some(Kind::Report),
            "project" => Some(Kind::Project),
            "case" => Some(Kind::Case),
            "page" => Some(Kind::Page),
            _ => None,
        }
    }
}

/// One taxonomy (主题, 部门 ...).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyConfig {
    /// The key used in front matter and in URLs, e.g. `topics`.
    pub name: String,
    /// The title readers see, e.g. 主题.
    pub title: String,
    /// Items per term page; 0 means no pagination.
    #[serde(default)]
    pub paginate_by: Option<usize>,
}

/// The publishing organisation (主办单位) and the registrations inspections check.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// 主办单位
    #[serde(default)]
    pub name: String,
    /// 承办单位 (optional)
    #[serde(default)]
    pub organizer: Option<String>,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    /// 网站标识码
    #[serde(default)]
    pub site_code: String,
    /// ICP备案号
    #[serde(default)]
    pub icp: String,
    /// 公安机关备案号, e.g. 粤公网安备44200002000123号
    #[serde(default)]
    pub police_record: String,
    /// Path (under static/) of the organisation's emblem or logo, shown in the header beside
    /// its name.
    #[serde(default)]
    pub logo: Option<String>,
    /// Path (under static/) of the 党政机关网站标识 image, when the site has one.
    #[serde(default)]
    pub emblem_image: Option<String>,
    /// Where the 党政机关网站标识 links to.
    #[serde(default)]
    pub emblem_url: Option<String>,
    /// The “我为政府网站找错” link.
    #[serde(default)]
    pub error_report_url: String,
}

/// A navigation entry; `url` is either `@/path.md`, a site path (`/years/`) or absolute.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NavItem {
    pub title: String,
    pub url: String,
}

/// Search settings.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    #[serde(default = "yes")]
    pub enabled: bool,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig { enabled: true }
    }
}

fn yes() -> bool {
    true
}

/// The `check:` block: what `pufa check` and the personal-data rule read.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CheckConfig {
    /// Deliberate wordings: a wording finding inside one of these texts is not reported.
    #[serde(default)]
    pub allow: Vec<String>,
    /// More canonical terms (the organisation and publishers are added by themselves).
    #[serde(default)]
    pub terms: Vec<String>,
    /// A file of canonical terms, relative to the site folder [default: terms.txt when it exists].
    #[serde(default)]
    pub terms_file: Option<String>,
    /// Phone numbers that may be published (hotlines, office numbers), in any spelling.
    #[serde(default)]
    pub public_numbers: Vec<String>,
    /// External URLs not to fetch: `*` matches anything; without `*` a pattern is a prefix.
    #[serde(default)]
    pub skip_urls: Vec<String>,
    /// How many external links are fetched at once (default 8).
    #[serde(default)]
    pub external_concurrency: Option<usize>,
    /// At most this many at once from one host (default 2).
    #[serde(default)]
    pub external_per_host: Option<usize>,
    /// How long one request may take, e.g. `10s` (the default).
    #[serde(default)]
    pub external_timeout: Option<String>,
    /// How long a result is kept in `.pufa-cache/`, e.g. `24h` (the default), `30m`, `0s`.
    #[serde(default)]
    pub external_cache: Option<String>,
}

impl CheckConfig {
    /// Whether `digits` (a number's digits only) is listed in `public_numbers`.
    pub fn is_public_number(&self, digits: &str) -> bool {
        self.public_numbers.iter().any(|n| {
            let listed: String = n.chars().filter(char::is_ascii_digit).collect();
            !listed.is_empty() && listed == digits
        })
    }
}

/// `config.yaml` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    title: String,
    #[serde(default)]
    description: String,
    base_url: String,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    theme: Option<String>,
    #[serde(default)]
    output_dir: Option<String>,
    #[serde(default)]
    taxonomies: Option<Vec<TaxonomyConfig>>,
    #[serde(default)]
    organisation: Option<Organisation>,
    #[serde(default)]
    government_site: Option<bool>,
    #[serde(default)]
    sections: Option<BTreeMap<String, Kind>>,
    #[serde(default)]
    paginate_by: Option<usize>,
    #[serde(default)]
    feed_limit: Option<usize>,
    #[serde(default)]
    search: Option<SearchConfig>,
    #[serde(default)]
    nav: Option<Vec<NavItem>>,
    #[serde(default)]
    keywords: Option<Vec<String>>,
    #[serde(default)]
    extra: Option<yaml::Value>,
    #[serde(default)]
    check: Option<CheckConfig>,
}

/// The loaded, checked configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The site folder (holding `content/`, `templates/`, `static/`).
    pub root: PathBuf,
    /// The config file it was read from.
    pub file: PathBuf,
    pub title: String,
    pub description: String,
    /// Always ends with `/`.
    pub base_url: String,
    /// `https://www.zs.gov.cn` (scheme and host, no trailing slash).
    pub origin: String,
    /// The host (SiteDomain), e.g. `www.zs.gov.cn`.
    pub host: String,
    /// The path every URL starts with, `/` or e.g. `/hlz/`.
    pub base_path: String,
    pub language: String,
    pub theme: String,
    pub output_dir: PathBuf,
    pub taxonomies: Vec<TaxonomyConfig>,
    pub organisation: Organisation,
    /// Whether the government-website rules apply (footer registrations, 索引号 checks ...).
    pub government_site: bool,
    /// Top-level section folder → the kind of content it holds.
    pub sections: BTreeMap<String, Kind>,
    pub paginate_by: usize,
    pub feed_limit: usize,
    pub search: SearchConfig,
    pub nav: Option<Vec<NavItem>>,
    pub keywords: Vec<String>,
    pub extra: yaml::Value,
    pub check: CheckConfig,
}

impl Config {
    /// Reads and checks `file`; `root` is the site folder.
    pub fn load(root: &Path, file: &Path) -> Result<Config> {
        let bytes = std::fs::read(file).map_err(|e| {
            Error::one(
                io_diagnostic(file, &e, "读取配置文件")
                    .with_hint("用 --root 指定站点文件夹，或用 --config 指定配置文件。"),
            )
        })?;
        let shown = file.display().to_string();
        let text = String::from_utf8(bytes).map_err(|e| {
            let off = e.utf8_error().valid_up_to();
            let ok = String::from_utf8_lossy(&e.into_bytes()).into_owned();
            Error::one(
                Diagnostic::new("encoding", "配置文件不是 UTF-8 编码")
                    .in_file(&shown)
                    .at_offset(&ok, off, 1)
                    .with_hint("请用文本编辑器把文件另存为 UTF-8 编码。"),
            )
        })?;
        Self::parse(root, file, &text)
    }

    /// Parses config text (used by `load` and tests).
    pub fn parse(root: &Path, file: &Path, text: &str) -> Result<Config> {
        let shown = file.display().to_string();
        let raw: ConfigFile = yaml::from_str(text).map_err(|e| {
            let mut d = Diagnostic::new(e.code, format!("配置文件：{}", e.message)).in_file(&shown);
            if e.line > 0 {
                d = d.at_line_col(text, e.line, e.col, e.key.as_ref().map_or(1, |k| k.chars().count()));
            }
            if let Some(h) = e.hint {
                d = d.with_hint(h);
            }
            Error::one(d)
        })?;
        let locate = |key: &str, msg: String, hint: &str| {
            let mut d = Diagnostic::new("config/value", msg).in_file(&shown).with_hint(hint);
            if let Some((l, c)) = yaml::find_key(text, key, 0) {
                d = d.at_line_col(text, l, c, key.chars().count());
            }
            Error::one(d)
        };

        let (origin, host, base_path) = split_base_url(&raw.base_url).ok_or_else(|| {
            locate(
                "base_url",
                format!("`base_url` 不是有效的网址：{}", raw.base_url),
                "请写完整的网址，如 https://www.zs.gov.cn/hlz/",
            )
        })?;
        let base_url = format!("{origin}{base_path}");

        let taxonomies = raw.taxonomies.unwrap_or_else(|| {
            vec![
                TaxonomyConfig {
                    name: "topics".into(),
                    title: "主题".into(),
                    paginate_by: None,
                },
                TaxonomyConfig {
                    name: "departments".into(),
                    title: "部门".into(),
                    paginate_by: None,
                },
            ]
        });
        let mut seen = std::collections::BTreeSet::new();
        for t in &taxonomies {
            if !is_simple_name(&t.name) || !seen.insert(t.name.clone()) {
                return Err(locate(
                    "taxonomies",
                    format!("分类名 `{}` 无效或重复", t.name),
                    "分类名只能用小写英文字母、数字和 -，且不能重复。",
                ));
            }
            if RESERVED.contains(&t.name.as_str()) {
                return Err(locate(
                    "taxonomies",
                    format!("分类名 `{}` 与内置页面的网址冲突", t.name),
                    "请换一个分类名。",
                ));
            }
        }
        let sections = raw.sections.unwrap_or_else(|| {
            DEFAULT_SECTIONS
                .iter()
                .map(|(dir, kind)| (dir.to_string(), *kind))
                .collect()
        });
        let paginate_by = raw.paginate_by.unwrap_or(20);
        let output_dir = match raw.output_dir {
            Some(o) => root.join(o),
            None => root.join("public"),
        };
        let government_site = raw.government_site.unwrap_or(true);
        let organisation = raw.organisation.unwrap_or_default();
        if government_site {
            let org = &organisation;
            let missing: Vec<&str> = [
                ("name", org.name.as_str()),
                ("address", org.address.as_str()),
                ("phone", org.phone.as_str()),
                ("email", org.email.as_str()),
                ("site_code", org.site_code.as_str()),
                ("icp", org.icp.as_str()),
                ("police_record", org.police_record.as_str()),
                ("error_report_url", org.error_report_url.as_str()),
            ]
            .into_iter()
            .filter(|(_, v)| v.trim().is_empty())
            .map(|(k, _)| k)
            .collect();
            if !missing.is_empty() {
                return Err(locate(
                    "organisation",
                    format!(
                        "政府网站必须填写主办单位信息，缺少：organisation.{}",
                        missing.join("、organisation.")
                    ),
                    "政府网站页脚须有主办单位、联系方式、网站标识码、ICP备案号、公安机关备案号和“我为政府网站找错”链接。不是政府网站时，可设置 `government_site: false`。",
                ));
            }
            if !org.police_record.chars().any(|c| c.is_ascii_digit()) {
                return Err(locate(
                    "police_record",
                    "公安机关备案号里没有数字".to_string(),
                    "应形如：粤公网安备44200002000123号",
                ));
            }
        }
        let language = raw.language.unwrap_or_else(|| "zh-CN".to_string());
        Ok(Config {
            root: root.to_path_buf(),
            file: file.to_path_buf(),
            title: raw.title,
            description: raw.description,
            base_url,
            origin,
            host,
            base_path,
            language,
            theme: raw.theme.unwrap_or_else(|| "default".to_string()),
            output_dir,
            taxonomies,
            organisation,
            government_site,
            sections,
            paginate_by,
            feed_limit: raw.feed_limit.unwrap_or(20),
            search: raw.search.unwrap_or_default(),
            nav: raw.nav,
            keywords: raw.keywords.unwrap_or_default(),
            extra: raw.extra.unwrap_or(yaml::Value::Mapping(Default::default())),
            check: raw.check.unwrap_or_default(),
        })
    }

    /// Replaces `base_url` (the `--base-url` flag).
    pub fn set_base_url(&mut self, url: &str) -> Result<()> {
        let (origin, host, base_path) = split_base_url(url).ok_or_else(|| {
            Error::one(
                Diagnostic::new("config/value", format!("--base-url 不是有效的网址：{url}"))
                    .with_hint("请写完整的网址，如 https://example.gov.cn/hlz/"),
            )
        })?;
        self.base_url = format!("{origin}{base_path}");
        self.origin = origin;
        self.host = host;
        self.base_path = base_path;
        Ok(())
    }

    /// The root-relative URL of a site path: `url("cases/a/")` → `/hlz/cases/a/`.
    pub fn url(&self, path: &str) -> String {
        let p = path.trim_start_matches('/');
        format!("{}{}", self.base_path, encode_path(p))
    }

    /// The absolute URL of a site path: `https://www.zs.gov.cn/hlz/cases/a/`.
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.origin, self.url(path))
    }

    /// The section folder that holds items of `kind` (the first, when several do).
    pub fn section_for(&self, kind: Kind) -> Option<&str> {
        self.sections.iter().find(|(_, k)| **k == kind).map(|(s, _)| s.as_str())
    }

    /// The kind of content a section folder (relative to content/) holds.
    pub fn kind_of_section(&self, section_dir: &str) -> Kind {
        let top = section_dir.split('/').next().unwrap_or("");
        self.sections.get(top).copied().unwrap_or(Kind::Page)
    }

    pub fn content_dir(&self) -> PathBuf {
        self.root.join("content")
    }

    /// `.pufa-cache/` in the site: the build cache, processed images, attachment texts and
    /// the external-link results (git-ignored; anything in it can be deleted).
    pub fn cache_dir(&self) -> PathBuf {
        self.root.join(".pufa-cache")
    }

    pub fn theme_dir(&self) -> PathBuf {
        theme_dir(&self.root, &self.theme)
    }

    pub fn taxonomy(&self, name: &str) -> Option<&TaxonomyConfig> {
        self.taxonomies.iter().find(|t| t.name == name)
    }
}

/// URL segments pufa itself generates at the top level.
/// Which top-level section holds which kind when the config does not say.
pub const DEFAULT_SECTIONS: [(&str, Kind); 3] = [
    ("reports", Kind::Report),
    ("projects", Kind::Project),
    ("cases", Kind::Case),
];

pub const RESERVED: &[&str] = &["years", "search", "metrics", "sitemap", "__pufa"];

/// Where a theme lives: `ROOT/themes/NAME`, else the `themes/NAME` folder next to the site
/// (the bundled example keeps its theme at the repository's top level).
pub fn theme_dir(root: &Path, theme: &str) -> PathBuf {
    let local = root.join("themes").join(theme);
    if local.is_dir() {
        return local;
    }
    if let Some(parent) = root.parent() {
        let sibling = parent.join("themes").join(theme);
        if sibling.is_dir() {
            return sibling;
        }
    }
    local
}

fn is_simple_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// Splits `https://host[:port]/path` into (origin, host, base path ending in `/`).
fn split_base_url(url: &str) -> Option<(String, String, String)> {
    let url = url.trim();
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    if authority.is_empty() || authority.contains(['?', '#', ' ', '@']) || path.contains(['?', '#', ' ']) {
        return None;
    }
    let host = authority.split(':').next().unwrap_or(authority).to_string();
    let mut base_path = path.to_string();
    if !base_path.ends_with('/') {
        base_path.push('/');
    }
    while base_path.contains("//") {
        base_path = base_path.replace("//", "/");
    }
    Some((format!("{scheme}://{authority}"), host, base_path))
}

/// Percent-encodes a URL path for HTML attributes: non-ASCII is encoded as UTF-8 bytes, as
/// servers expect on the wire; `/` is kept. Chinese slugs stay Chinese in file names and in
/// the address bar, which decodes them for display.
pub fn encode_path(p: &str) -> String {
    use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
    const PATH: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'`')
        .add(b'{')
        .add(b'}')
        .add(b'\\')
        .add(b'^')
        .add(b'|');
    utf8_percent_encode(p, PATH).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config> {
        Config::parse(Path::new("/s"), Path::new("/s/config.yaml"), text)
    }

    const MIN: &str = "title: T\nbase_url: https://www.zs.gov.cn/hlz\ngovernment_site: false\n";

    #[test]
    fn base_url_sub_path_is_kept_and_normalised() {
        let c = parse(MIN).unwrap();
        assert_eq!(c.base_url, "https://www.zs.gov.cn/hlz/");
        assert_eq!(c.base_path, "/hlz/");
        assert_eq!(c.host, "www.zs.gov.cn");
        assert_eq!(c.url("cases/a/"), "/hlz/cases/a/");
        assert_eq!(c.permalink(""), "https://www.zs.gov.cn/hlz/");
        assert_eq!(c.url("cases/金尊府/"), "/hlz/cases/%E9%87%91%E5%B0%8A%E5%BA%9C/");
    }

    #[test]
    fn unknown_key_is_an_error_with_line() {
        let e = parse(&format!("{MIN}titel: x\n")).unwrap_err();
        let d = &e.diagnostics[0];
        assert_eq!(d.line, 4);
        assert!(d.message.contains("titel"), "{}", d.message);
        assert_eq!(d.file.as_deref(), Some("/s/config.yaml"));
    }

    #[test]
    fn government_sites_need_the_registrations() {
        let e = parse("title: T\nbase_url: https://a.gov.cn/\norganisation:\n  name: 横栏镇人民政府\n").unwrap_err();
        assert!(
            e.diagnostics[0].message.contains("organisation.icp"),
            "{}",
            e.diagnostics[0].message
        );
        assert_eq!(e.diagnostics[0].line, 3);
    }

    #[test]
    fn bad_base_url_is_reported() {
        assert!(parse("title: T\nbase_url: zs.gov.cn\ngovernment_site: false\n").is_err());
    }
}
