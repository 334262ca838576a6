//! Model → output: the Tera environment, the list of outputs and how each is rendered.
//!
//! [`Renderer`] loads the theme's templates (overridden file by file by the site's own
//! `templates/`) and registers pufa's functions and filters. [`Renderer::bind`] gives the
//! template functions a [`RenderData`] (the site and its [`values::Values`]) for as long as the
//! returned [`Binding`] lives; through it one [`OutputKey`] is rendered at a time, from any
//! number of threads. When asked, every piece of the model an output reads is recorded as an
//! [`Input`] (see `reads`); serve mode keeps these to re-render only what an edit touches.
//! Output families live in their own files: `pages` (HTML), `feeds` (Atom, sitemap, robots),
//! `metrics` (metric pages, HTML charts, CSV and JSON), `search` (the search index).

pub mod aliases;
pub mod attachments;
pub mod data;
pub mod feeds;
pub mod functions;
pub mod images;
pub mod metrics;
pub mod pages;
pub mod reads;
pub mod search;
pub mod shortcodes;
pub mod values;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use tera::{Context, Tera};

use crate::config::Config;
use crate::content::Site;
use crate::diagnostics::{Diagnostic, Error, display_path};
pub use reads::{Input, Recording, record};
pub use values::Values;

/// One file pufa renders (static files and assets are copied, not rendered).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum OutputKey {
    Page(String),
    /// A section list; `pager` counts from 1.
    Section {
        key: String,
        pager: usize,
    },
    TaxonomyList(String),
    Term {
        taxonomy: String,
        slug: String,
        pager: usize,
    },
    Years,
    Year(i32),
    Metrics,
    Metric(String),
    MetricsCsv,
    MetricsJson,
    Search,
    /// `/sitemap/`, the site map for people (`sitemap.xml` is for crawlers).
    SitemapPage,
    NotFound,
    Feed,
    /// `rss.xml`: the same items as `atom.xml`, as RSS 2.0.
    Rss,
    /// `TAXONOMY/SLUG/atom.xml`: the feed of one term.
    TermFeed {
        taxonomy: String,
        slug: String,
    },
    Sitemap,
    Robots,
    /// The redirect page of an alias path (`old/path/`, `2019/report.html`).
    Alias(String),
}

/// Everything a render reads: the site and its values.
pub struct RenderData {
    pub site: Arc<Site>,
    pub values: Arc<Values>,
}

impl RenderData {
    pub fn new(site: Arc<Site>) -> RenderData {
        let values = Arc::new(Values::build(&site));
        RenderData { site, values }
    }

    /// What lists show of a page (recorded as read; built on first use).
    pub fn summary(&self, rel: &str) -> tera::Value {
        self.values.page_summary(&self.site, rel)
    }

    /// All of a page, built now (see [`values::page_full`]).
    pub fn page_full(&self, rel: &str, content: Option<&str>) -> Result<tera::Value, Diagnostic> {
        values::page_full(&self.site, &self.values, rel, content)
    }
}

/// One rendered output.
pub struct RenderedOutput {
    pub bytes: Vec<u8>,
    pub inputs: Vec<Input>,
}

/// A template source and where it came from.
#[derive(Debug, Clone)]
pub struct TemplateSource {
    pub path: PathBuf,
    /// As shown in messages: `themes/default/templates/page.html`.
    pub shown: String,
    pub text: String,
}

/// All templates: the theme's, overridden by the site's.
#[derive(Debug, Clone, Default)]
pub struct Templates {
    pub sources: BTreeMap<String, TemplateSource>,
    /// Template → the templates it extends or includes (direct).
    pub uses: HashMap<String, BTreeSet<String>>,
    /// Templates that define components (every template may use them).
    pub component_files: BTreeSet<String>,
    pub dirs: Vec<PathBuf>,
}

impl Templates {
    /// Loads the theme's templates, then the site's `templates/` (site files win); themes
    /// without feed, sitemap or robots templates get the built-in ones.
    pub fn load(config: &Config) -> Result<Templates, Error> {
        let theme = crate::theme::resolve(config)?;
        let base = config.root.parent().unwrap_or(&config.root).to_path_buf();
        let site_dir = config.root.join("templates");
        let mut t = Templates {
            dirs: Vec::new(),
            ..Default::default()
        };
        if let crate::theme::Theme::Dir(d) = &theme {
            t.dirs.push(d.join("templates"));
        }
        t.dirs.push(site_dir.clone());
        let theme_files = crate::theme::files(&theme, "templates");
        let site_files = crate::theme::dir_files(&site_dir);
        for (name, src) in theme_files.into_iter().chain(site_files) {
            // As content files are shown: from the site folder (a theme beside it, from
            // the folder holding both).
            let shown = match &src {
                crate::theme::Source::Path(p) if p.starts_with(&config.root) => display_path(p, &config.root),
                crate::theme::Source::Path(p) => display_path(p, &base),
                crate::theme::Source::Embedded(_) => format!("（内置默认主题）templates/{name}"),
            };
            let bytes = src.read().map_err(|e| Error::io(Path::new(&shown), &e, "读取模板"))?;
            let text = String::from_utf8(bytes).map_err(|_| {
                Error::one(Diagnostic::new("encoding", "模板文件不是 UTF-8 编码").in_file(shown.clone()))
            })?;
            let path = match src {
                crate::theme::Source::Path(p) => p,
                crate::theme::Source::Embedded(_) => PathBuf::new(),
            };
            t.sources.insert(name, TemplateSource { path, shown, text });
        }
        for name in crate::theme::FALLBACK_TEMPLATES {
            if !t.sources.contains_key(*name)
                && let Some(text) = crate::theme::builtin_template(name)
            {
                t.sources.insert(
                    name.to_string(),
                    TemplateSource {
                        path: PathBuf::new(),
                        shown: format!("（内置默认主题）templates/{name}"),
                        text: text.to_string(),
                    },
                );
            }
        }
        t.scan();
        Ok(t)
    }

    fn scan(&mut self) {
        self.uses.clear();
        self.component_files.clear();
        for (name, src) in &self.sources {
            let mut uses = BTreeSet::new();
            for kw in ["extends", "include"] {
                let mut rest = src.text.as_str();
                while let Some(p) = rest.find(kw) {
                    let after = rest[p + kw.len()..].trim_start();
                    if let Some(q) = after.chars().next().filter(|c| *c == '"' || *c == '\'')
                        && let Some(end) = after[1..].find(q)
                    {
                        uses.insert(after[1..1 + end].to_string());
                    }
                    rest = &rest[p + kw.len()..];
                }
            }
            if src.text.contains("{% component ") || src.text.contains("{%- component ") {
                self.component_files.insert(name.clone());
            }
            self.uses.insert(name.clone(), uses);
        }
    }

    /// A template and everything it needs, transitively.
    pub fn closure(&self, name: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut stack = vec![name.to_string()];
        stack.extend(self.component_files.iter().cloned());
        while let Some(n) = stack.pop() {
            if out.insert(n.clone())
                && let Some(u) = self.uses.get(&n)
            {
                stack.extend(u.iter().cloned());
            }
        }
        out
    }

    pub fn contains(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }
}

/// What the template functions read: the data of the current [`Binding`], if any.
type DataSlot = Arc<RwLock<Option<Arc<RenderData>>>>;

/// The Tera environment and the templates it was built from.
pub struct Renderer {
    tera: Tera,
    pub templates: Templates,
    slot: DataSlot,
}

impl Renderer {
    /// Loads the templates and builds the environment.
    pub fn new(config: &Config) -> Result<Renderer, Error> {
        let templates = Templates::load(config)?;
        Self::with_templates(templates)
    }

    pub fn with_templates(templates: Templates) -> Result<Renderer, Error> {
        let slot: DataSlot = Arc::new(RwLock::new(None));
        let mut tera = Tera::new();
        functions::register(&mut tera, Arc::clone(&slot));
        tera.add_raw_templates(templates.sources.iter().map(|(n, s)| (n.as_str(), s.text.as_str())))
            .map_err(|e| Error::one(tera_error(&e, &templates)))?;
        Ok(Renderer { tera, templates, slot })
    }

    /// Makes `data` what this renderer's outputs and template functions read until the
    /// returned binding is dropped; `record` says whether each output's reads are recorded.
    /// One binding at a time: binding again replaces the data of the earlier one.
    pub fn bind(self: &Arc<Self>, data: Arc<RenderData>, record: bool) -> Binding {
        if let Ok(mut d) = self.slot.write() {
            *d = Some(Arc::clone(&data));
        }
        Binding {
            renderer: Arc::clone(self),
            data,
            record,
        }
    }

    pub fn has_template(&self, name: &str) -> bool {
        self.templates.contains(name)
    }

    /// Renders a template with a context, recording it as an input.
    pub(crate) fn render_template(&self, name: &str, ctx: &Context) -> Result<Vec<u8>, Diagnostic> {
        if !self.templates.contains(name) {
            return Err(
                Diagnostic::new("template/missing", format!("找不到模板 `{name}`")).with_hint(format!(
                    "模板应放在 {} 中（站点的同名模板优先）。",
                    self.templates
                        .dirs
                        .iter()
                        .map(|d| d.display().to_string())
                        .collect::<Vec<_>>()
                        .join(" 或 ")
                )),
            );
        }
        record(Input::Template(name.to_string()));
        let mut out = Vec::with_capacity(32 * 1024);
        self.tera
            .render_to(name, ctx, &mut out)
            .map_err(|e| tera_error(&e, &self.templates))?;
        Ok(out)
    }
}

/// A renderer bound to the data it renders (see [`Renderer::bind`]).
pub struct Binding {
    renderer: Arc<Renderer>,
    data: Arc<RenderData>,
    record: bool,
}

impl Binding {
    pub fn data(&self) -> &Arc<RenderData> {
        &self.data
    }

    pub fn renderer(&self) -> &Arc<Renderer> {
        &self.renderer
    }

    /// Renders one output, with what it read when this binding records.
    pub fn render(&self, key: &OutputKey) -> Result<RenderedOutput, Diagnostic> {
        let recording = Recording::start(self.record);
        record(Input::Config);
        let (r, d) = (self.renderer.as_ref(), self.data.as_ref());
        let res = match key {
            OutputKey::MetricsCsv | OutputKey::MetricsJson => metrics::render_data_file(key, d),
            OutputKey::Metrics | OutputKey::Metric(_) => metrics::render_page(r, key, d),
            OutputKey::Feed | OutputKey::Rss | OutputKey::TermFeed { .. } | OutputKey::Sitemap | OutputKey::Robots => {
                feeds::render(r, key, d)
            }
            OutputKey::Alias(path) => aliases::render(d, path),
            _ => pages::render(r, key, d),
        };
        let inputs = recording.finish();
        res.map(|bytes| RenderedOutput { bytes, inputs })
    }

    /// Renders the output of page `rel` whose body HTML the caller has read already.
    pub fn render_page(&self, rel: &str, content: &str) -> Result<RenderedOutput, Diagnostic> {
        let recording = Recording::start(self.record);
        record(Input::Config);
        let res = pages::page(&self.renderer, rel, &self.data, Some(content));
        let inputs = recording.finish();
        res.map(|bytes| RenderedOutput { bytes, inputs })
    }
}

impl Drop for Binding {
    fn drop(&mut self) {
        // Leave the slot empty only when it still holds this binding's data.
        if let Ok(mut d) = self.renderer.slot.write()
            && d.as_ref().is_some_and(|cur| Arc::ptr_eq(cur, &self.data))
        {
            *d = None;
        }
    }
}

/// Every output the site has, in a stable order.
pub fn outputs(site: &Site) -> Vec<OutputKey> {
    let config = &site.config;
    let mut out = Vec::with_capacity(site.pages.len() + 64);
    for rel in site.pages.keys() {
        out.push(OutputKey::Page(rel.clone()));
    }
    for (key, s) in &site.sections {
        let n = site.index.section_pages.get(key).map_or(0, Vec::len);
        let per = s.front.paginate_by.unwrap_or(0);
        for pager in 1..=pager_count(n, per) {
            out.push(OutputKey::Section {
                key: key.clone(),
                pager,
            });
        }
    }
    for t in &site.index.taxonomies {
        out.push(OutputKey::TaxonomyList(t.name.clone()));
        let per = config
            .taxonomy(&t.name)
            .and_then(|c| c.paginate_by)
            .unwrap_or(config.paginate_by);
        for term in t.terms.values() {
            out.push(OutputKey::TermFeed {
                taxonomy: t.name.clone(),
                slug: term.slug.clone(),
            });
            for pager in 1..=pager_count(term.pages.len(), per) {
                out.push(OutputKey::Term {
                    taxonomy: t.name.clone(),
                    slug: term.slug.clone(),
                    pager,
                });
            }
        }
    }
    if !site.index.years.is_empty() {
        out.push(OutputKey::Years);
        for y in site.index.years.keys() {
            out.push(OutputKey::Year(*y));
        }
    }
    if !site.index.metrics.series.is_empty() {
        out.push(OutputKey::Metrics);
        for k in site.index.metrics.series.keys() {
            out.push(OutputKey::Metric(k.clone()));
        }
        out.push(OutputKey::MetricsCsv);
        out.push(OutputKey::MetricsJson);
    }
    if config.search.enabled {
        out.push(OutputKey::Search);
    }
    out.extend([
        OutputKey::SitemapPage,
        OutputKey::NotFound,
        OutputKey::Feed,
        OutputKey::Rss,
        OutputKey::Sitemap,
        OutputKey::Robots,
    ]);
    out.extend(site.index.aliases.keys().map(|a| OutputKey::Alias(a.clone())));
    out
}

/// How many list pages `n` items make with `per` a page (0 = no pagination).
pub fn pager_count(n: usize, per: usize) -> usize {
    if per == 0 { 1 } else { n.div_ceil(per).max(1) }
}

/// The site path of pager `pager` of a list whose first page is at `base` (`cases/`).
pub fn pager_path(base: &str, pager: usize) -> String {
    if pager <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{pager}/")
    }
}

/// The output file that `path` (relative to the output root, as a URL writes it) names:
/// percent-decoded and normalized, `cases/` and `` as their `index.html`, and `cases` as
/// `cases/index.html` when only that `exists`. `Err` holds the file it would be when none
/// exists (or the path, when it climbs above the root). The link check and the build's
/// missing-link warning both ask this.
pub fn output_file(path: &str, exists: impl Fn(&str) -> bool) -> Result<String, String> {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let Some(norm) = normalize(&decoded) else {
        return Err(decoded.into_owned());
    };
    let file = if norm.is_empty() || norm.ends_with('/') {
        format!("{norm}index.html")
    } else {
        norm.clone()
    };
    if exists(&file) {
        return Ok(file);
    }
    let dir_index = format!("{norm}/index.html");
    if exists(&dir_index) {
        return Ok(dir_index);
    }
    Err(file)
}

/// `a/./b/../c` → `a/c`; `None` when it climbs above the root.
fn normalize(p: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    let trailing = p.ends_with('/') || p.ends_with("/.") || p.ends_with("/..");
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut s = parts.join("/");
    if trailing && !s.is_empty() {
        s.push('/');
    }
    Some(s)
}

/// Where an output is written, relative to the output folder.
pub fn output_path(key: &OutputKey, site: &Site) -> String {
    let file = |dir: String| format!("{dir}index.html");
    match key {
        OutputKey::Page(rel) => site.pages.get(rel).map(|p| file(p.path.clone())).unwrap_or_default(),
        OutputKey::Section { key, pager } => site
            .sections
            .get(key)
            .map(|s| file(pager_path(&s.path, *pager)))
            .unwrap_or_default(),
        OutputKey::TaxonomyList(t) => file(format!("{t}/")),
        OutputKey::Term { taxonomy, slug, pager } => file(pager_path(&format!("{taxonomy}/{slug}/"), *pager)),
        OutputKey::Years => file("years/".into()),
        OutputKey::Year(y) => file(format!("years/{y}/")),
        OutputKey::Metrics => file("metrics/".into()),
        OutputKey::Metric(k) => file(format!("metrics/{k}/")),
        OutputKey::MetricsCsv => "metrics.csv".into(),
        OutputKey::MetricsJson => "metrics.json".into(),
        OutputKey::Search => file("search/".into()),
        OutputKey::SitemapPage => file("sitemap/".into()),
        OutputKey::NotFound => "404.html".into(),
        OutputKey::Feed => "atom.xml".into(),
        OutputKey::Rss => "rss.xml".into(),
        OutputKey::TermFeed { taxonomy, slug } => format!("{taxonomy}/{slug}/atom.xml"),
        OutputKey::Sitemap => "sitemap.xml".into(),
        OutputKey::Robots => "robots.txt".into(),
        OutputKey::Alias(path) => crate::content::aliases::output_file(path),
    }
}

/// Turns a Tera error into a diagnostic pointing into the template file.
pub fn tera_error(e: &tera::Error, templates: &Templates) -> Diagnostic {
    use tera::ErrorKind;
    let shown = |name: &str| {
        templates
            .sources
            .get(name)
            .map(|s| s.shown.clone())
            .unwrap_or_else(|| name.to_string())
    };
    let source = |name: &str| templates.sources.get(name).map(|s| s.text.clone()).unwrap_or_default();
    match e.kind() {
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => {
            let span = r.span();
            let text = source(r.filename());
            let code = if matches!(e.kind(), ErrorKind::SyntaxError(_)) {
                "template/syntax"
            } else {
                "template/render"
            };
            let width = if span.end_line == span.start_line {
                span.end_col.saturating_sub(span.start_col)
            } else {
                1
            };
            let written = written_at(&text, span.start_line, span.start_col + width);
            // A template's own `throw(message=...)` already says what is wrong, in its words.
            let thrown = text
                .lines()
                .nth(span.start_line.saturating_sub(1))
                .is_some_and(|l| l.chars().skip(span.start_col).collect::<String>().starts_with("throw("));
            let words = match thrown {
                true => r.message().to_string(),
                false => template_words(r.message(), written.as_deref()),
            };
            let mut d = Diagnostic::new(code, format!("模板错误：{words}"))
                .in_file(shown(r.filename()))
                .at_line_col(&text, span.start_line.max(1), span.start_col + 1, width.max(1));
            let full = e.to_string();
            if let Some(note) = full.split("note: called from ").nth(1) {
                let at = note.lines().next().unwrap_or("").trim();
                d = d.with_hint(format!("由 {at} 调用"));
            }
            d
        }
        ErrorKind::TemplateNotFound(name) => Diagnostic::new("template/missing", format!("找不到模板 `{name}`")),
        ErrorKind::MissingParent { current, parent } => {
            let text = source(current);
            let mut d = Diagnostic::new(
                "template/missing",
                format!("模板 `{current}` 继承的模板 `{parent}` 不存在"),
            )
            .in_file(shown(current));
            if let Some(off) = text.find(parent.as_str()) {
                d = d.at_offset(&text, off, parent.len());
            }
            d
        }
        ErrorKind::CircularExtend { tpl, inheritance_chain } => Diagnostic::new(
            "template/cycle",
            format!("模板 `{tpl}` 循环继承：{}", inheritance_chain.join(" → ")),
        )
        .in_file(shown(tpl)),
        ErrorKind::CircularInclude { tpl, include_chain } => Diagnostic::new(
            "template/cycle",
            format!("模板 `{tpl}` 循环包含：{}", include_chain.join(" → ")),
        )
        .in_file(shown(tpl)),
        _ => {
            // Validation errors arrive as text reports: "error: …\n --> name:line:col".
            let text = e.to_string();
            let first = text
                .lines()
                .next()
                .unwrap_or("")
                .trim_start_matches("error: ")
                .to_string();
            let mut d = Diagnostic::new("template/syntax", format!("模板错误：{}", template_words(&first, None)));
            if let Some(loc) = text.lines().find_map(|l| l.trim().strip_prefix("--> ")) {
                let mut parts = loc.rsplitn(3, ':');
                let col: usize = parts.next().and_then(|c| c.parse().ok()).unwrap_or(1);
                let line: usize = parts.next().and_then(|c| c.parse().ok()).unwrap_or(1);
                let name = parts.next().unwrap_or("");
                let src = source(name);
                d = d.in_file(shown(name)).at_line_col(&src, line, col, 1);
            }
            d
        }
    }
}

/// Tera's message in the words a clerk can act on: the common errors are said in Chinese
/// (with the closest available name for a misspelt field), anything else keeps Tera's text
/// after a Chinese lead.
fn template_words(msg: &str, written: Option<&str>) -> String {
    let quoted = |prefix: &str| msg.strip_prefix(prefix).and_then(|r| r.split('`').next());
    if let Some(name) = quoted("Field `").or_else(|| quoted("Variable `"))
        && msg.contains("is not defined")
    {
        // The hint names what the template wrote (`page.titel`), not only the field.
        let whole = written.filter(|w| w.ends_with(name)).unwrap_or(name);
        return undefined_words(name, whole, msg);
    }
    let known: [(&str, &str); 7] = [
        ("Unknown filter `", "没有名为 `{}` 的过滤器（filter）"),
        ("Filter `", "没有名为 `{}` 的过滤器（filter）"),
        ("Unknown function `", "没有名为 `{}` 的函数"),
        ("Unknown test `", "没有名为 `{}` 的测试（is 后面的词）"),
        ("Unknown template `", "要包含的模板 `{}` 不存在"),
        (
            "Iteration not possible on type `",
            "不能对 `{}` 类型的值做 for 循环（只能循环列表和映射）",
        ),
        ("Block `", "块 `{}` 在上级模板中没有定义"),
    ];
    for (prefix, words) in known {
        if let Some(name) = quoted(prefix) {
            return words.replace("{}", name);
        }
    }
    let plain: [(&str, &str); 7] = [
        (
            "This content would be ignored",
            "继承别的模板（extends）时，块（block）之外的内容不会显示：只能写 extends、block 和 component，请把这段内容移到某个块里",
        ),
        (
            "Tried to render a variable that is undefined",
            "要输出的变量没有值（未定义）；可用 `| default(value=\"\")` 给它一个默认值",
        ),
        ("Cannot index into an undefined value", "对一个未定义的值取下标或字段"),
        ("Cannot divide by 0", "除数为 0"),
        ("Math operations can only be done on numbers", "只能对数字做算术运算"),
        ("Cannot compare", "这两个值不能比较大小"),
        (
            "Tried to use super() in the top level block",
            "super() 只能用在继承来的块里",
        ),
    ];
    for (prefix, words) in plain {
        if msg.starts_with(prefix) {
            return format!("{words}（Tera：{msg}）");
        }
    }
    format!("模板出错（Tera 的原话：{msg}）")
}

/// A field or variable that is not there: its name, the names that are, and the closest.
fn undefined_words(name: &str, whole: &str, msg: &str) -> String {
    let available: Vec<String> = msg
        .split_once("Available fields: ")
        .or_else(|| msg.split_once("Available variables: "))
        .map(|(_, list)| {
            list.trim_end_matches('.')
                .split(", ")
                .map(|s| s.trim().to_string())
                .collect()
        })
        .unwrap_or_default();
    let mut out = format!("变量 `{name}` 未定义");
    if let Some(near) = crate::yaml::suggest(name, &available) {
        out.push_str(&format!("，是不是想写 `{near}`？"));
    } else {
        out.push('。');
    }
    if !available.is_empty() {
        out.push_str(&format!("可用的有：{}。", available.join("、")));
    }
    out.push_str(&format!(
        "确实可能没有值时，可用 `{whole} | default(value=\"\")` 或 `{{% if {whole} is defined %}}`"
    ));
    out
}

/// The dotted name (`page.titel`) that ends at 0-based character `end` of 1-based `line`.
fn written_at(text: &str, line: usize, end: usize) -> Option<String> {
    let l = text.lines().nth(line.checked_sub(1)?)?;
    let before: Vec<char> = l.chars().take(end).collect();
    let start = before
        .iter()
        .rposition(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '.'))
        .map_or(0, |i| i + 1);
    let name: String = before[start..].iter().collect();
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod words_tests {
    use super::{template_words, written_at};

    #[test]
    fn the_dotted_name_before_a_span_is_found() {
        let t = "<h1>{{ page.titel }}</h1>\n标题：{{ config.x }}";
        assert_eq!(written_at(t, 1, 17).as_deref(), Some("page.titel"));
        assert_eq!(written_at(t, 2, 14).as_deref(), Some("config.x"));
        assert_eq!(written_at(t, 9, 1), None);
    }

    #[test]
    fn tera_errors_are_said_in_chinese() {
        let w = template_words(
            "Field `titel` is not defined. Available fields: date, title, url",
            Some("page.titel"),
        );
        assert!(
            w.contains("变量 `titel` 未定义，是不是想写 `title`？可用的有：date、title、url。"),
            "{w}"
        );
        assert!(w.contains("`page.titel | default"), "{w}");
        assert!(!w.contains("Available"), "{w}");
        assert_eq!(
            template_words("Unknown filter `uper`", None),
            "没有名为 `uper` 的过滤器（filter）"
        );
        assert!(template_words("Iteration not possible on type `string`", None).contains("for 循环"));
        assert!(template_words("This content would be ignored: only `extends` …", None).starts_with("继承别的模板"));
        assert!(template_words("Something new", None).starts_with("模板出错（Tera 的原话：Something new"));
    }
}
