//! Template values, built once per page and section and shared by every output.
//!
//! A page has two values: `summary` (what lists show: title, URL, dates, kind fields, summary)
//! and `full` (the summary plus content and table of contents). Values are `tera::Value`s,
//! which are reference-counted, so putting a page in a section list, a term page, a year
//! archive and the feed costs a pointer copy each, never a re-serialisation (Zola spent half
//! its render time re-serialising pages: its issue #420). Each value carries a hash of what
//! it was built from, so serve mode can tell which outputs an edit changes.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use rayon::prelude::*;
use tera::Value;

use super::reads::{Input, record};
use crate::config::{Config, Kind};
use crate::content::front_matter::{Award, StrList};
use crate::content::metrics::format_value;
use crate::content::{Page, Section, Site};
use crate::diagnostics::Diagnostic;
use crate::markdown::TocEntry;
use crate::markdown::slug::slugify;
use crate::util::hash_of;
use crate::yaml;

/// Builds a `tera::Value` map with keys in insertion order.
#[derive(Default)]
pub struct MapBuilder(tera::Map);

impl MapBuilder {
    /// A map that grows as keys are set (most template maps hold a handful of keys).
    pub fn new() -> Self {
        MapBuilder(tera::Map::new())
    }

    /// A map with room for `n` keys (for the large ones: a page's summary).
    pub fn with_capacity(n: usize) -> Self {
        MapBuilder(tera::Map::with_capacity(n))
    }

    pub fn set(&mut self, key: &'static str, v: impl Into<Value>) -> &mut Self {
        self.0.insert(key.into(), v.into());
        self
    }

    pub fn build(self) -> Value {
        Value::from(self.0)
    }
}

/// Adds keys to a map value (a shallow copy: the entries are shared).
pub fn extend_map(base: &Value, extra: impl IntoIterator<Item = (&'static str, Value)>) -> Value {
    let mut m = base.as_map().cloned().unwrap_or_default();
    for (k, v) in extra {
        m.insert(k.into(), v);
    }
    Value::from(m)
}

/// HTML that must not be escaped again.
pub fn safe(s: &str) -> Value {
    Value::safe_string(s)
}

/// Fingerprints of a page, and what lists show of it (built on first use: an incremental
/// build renders few lists and needs few summaries).
#[derive(Clone)]
pub struct PageValues {
    /// Changes when anything a list shows changes.
    pub meta_hash: u64,
    /// Changes when anything of the page changes.
    pub full_hash: u64,
    summary: SummarySlot,
}

/// A page's summary value once built, kept while [`Values`] keeps summaries.
#[derive(Default)]
struct SummarySlot(Mutex<Option<Value>>);

impl Clone for SummarySlot {
    fn clone(&self) -> Self {
        SummarySlot(Mutex::new(self.lock().clone()))
    }
}

impl SummarySlot {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Value>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The stored value, or `build`'s (stored when `keep`). The lock is held while building,
    /// so two threads never build the same summary.
    fn get_or_build(&self, keep: bool, build: impl FnOnce() -> Value) -> Value {
        let mut slot = self.lock();
        if let Some(v) = slot.as_ref() {
            return v.clone();
        }
        let v = build();
        if keep {
            *slot = Some(v.clone());
        }
        v
    }

    fn clear(&self) {
        *self.lock() = None;
    }
}

/// A switch shared by threads that clones as its current value.
struct Flag(AtomicBool);

impl Clone for Flag {
    fn clone(&self) -> Self {
        Flag(AtomicBool::new(self.get()))
    }
}

impl Flag {
    fn get(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// The template values every output shares: config, navigation, and what lists show of each
/// page and section. A page's full value (its content and table of contents) is not kept: it
/// is built when that page is rendered ([`page_full`]), so a build holds no page body longer
/// than it takes to write it.
#[derive(Clone)]
pub struct Values {
    pub config: Value,
    pub nav: Value,
    pub pages: HashMap<String, PageValues>,
    /// Section key → (value without its pages, fingerprint).
    pub sections: HashMap<String, (Value, u64)>,
    /// Every term a page names, as its summary shows it (`{name, url}`), built once and
    /// shared by the summaries (a term is named by thousands of pages).
    terms: TermLinks,
    /// Whether a summary, once built, is kept (see [`Values::release_summaries`]).
    keep_summaries: Flag,
}

/// Taxonomy → term name → `{name, url}`.
type TermLinks = HashMap<String, HashMap<String, Value>>;

/// The term names of a page, by taxonomy, as summaries show them (trimmed).
fn page_terms<'a>(config: &'a Config, p: &'a Page) -> impl Iterator<Item = (&'a str, Vec<&'a str>)> + 'a {
    config.taxonomies.iter().map(move |t| {
        let names = p
            .front
            .taxonomies
            .get(&t.name)
            .map(|l| l.0.iter().map(|s| s.trim()).collect())
            .unwrap_or_default();
        (t.name.as_str(), names)
    })
}

/// Adds the terms `pages` name to `links`.
fn add_term_links<'a>(links: &mut TermLinks, config: &Config, pages: impl Iterator<Item = &'a Page>) {
    for p in pages {
        for (taxonomy, names) in page_terms(config, p) {
            let known = links.entry(taxonomy.to_string()).or_default();
            for n in names {
                if !known.contains_key(n) {
                    known.insert(n.to_string(), term_link(config, taxonomy, n));
                }
            }
        }
    }
}

fn term_link(config: &Config, taxonomy: &str, name: &str) -> Value {
    let mut tm = MapBuilder::new();
    tm.set("name", name).set("url", term_url(config, taxonomy, name));
    tm.build()
}

impl Values {
    /// The values of a site: every page's fingerprints (summaries are built when first read),
    /// the sections, the navigation and the config.
    pub fn build(site: &Site) -> Values {
        let pages: HashMap<String, PageValues> = site
            .pages
            .par_iter()
            .map(|(rel, p)| (rel.clone(), page_values(site, p)))
            .collect();
        let mut terms = TermLinks::new();
        add_term_links(&mut terms, &site.config, site.pages.values().map(|p| p.as_ref()));
        let mut v = Values {
            config: config_value(&site.config),
            nav: Value::none(),
            pages,
            sections: HashMap::new(),
            terms,
            keep_summaries: Flag(AtomicBool::new(true)),
        };
        v.refresh_sections(site);
        v
    }

    /// Rebuilds the values of the given pages (and drops those no longer in the site), then
    /// every section value (cheap: there are few sections).
    pub fn update(&mut self, site: &Site, pages: &[String]) {
        let fresh: Vec<(String, PageValues)> = pages
            .par_iter()
            .filter_map(|rel| site.pages.get(rel).map(|p| (rel.clone(), page_values(site, p))))
            .collect();
        for rel in pages {
            if !site.pages.contains_key(rel) {
                self.pages.remove(rel);
            }
        }
        self.pages.extend(fresh);
        let updated = pages.iter().filter_map(|rel| site.pages.get(rel)).map(|p| p.as_ref());
        add_term_links(&mut self.terms, &site.config, updated);
        self.refresh_sections(site);
    }

    fn refresh_sections(&mut self, site: &Site) {
        self.sections = site
            .sections
            .iter()
            .map(|(k, s)| (k.clone(), section_value(site, s)))
            .collect();
        self.nav = nav_value(site);
    }

    /// Drops every summary built so far and keeps none built from now on: once a full build
    /// has rendered its lists, a summary is read again only by its own page's render.
    pub fn release_summaries(&self) {
        self.keep_summaries.0.store(false, Ordering::Relaxed);
        self.pages.par_iter().for_each(|(_, v)| v.summary.clear());
    }

    /// What lists show of a page (recorded as read).
    pub fn page_summary(&self, site: &Site, rel: &str) -> Value {
        record(Input::PageMeta(rel.to_string()));
        match (self.pages.get(rel), site.pages.get(rel)) {
            (Some(v), Some(p)) => self.summary_of(site, p, v),
            _ => Value::none(),
        }
    }

    fn summary_of(&self, site: &Site, p: &Page, v: &PageValues) -> Value {
        v.summary
            .get_or_build(self.keep_summaries.get(), || summary_value(site, p, &self.terms))
    }

    /// A section's value without its pages (recorded as read).
    pub fn section(&self, key: &str) -> Value {
        record(Input::Section(key.to_string()));
        self.sections.get(key).map(|s| s.0.clone()).unwrap_or_else(Value::none)
    }
}

/// All of a page: its summary value plus content, table of contents, word count and assets
/// (recorded as read). Built when the page is rendered and dropped with its output. `content`
/// is the page's body HTML when the caller has read it already.
pub fn page_full(site: &Site, values: &Values, rel: &str, content: Option<&str>) -> Result<Value, Diagnostic> {
    record(Input::PageFull(rel.to_string()));
    let (Some(p), Some(v)) = (site.pages.get(rel), values.pages.get(rel)) else {
        return Ok(Value::none());
    };
    let summary = values.summary_of(site, p, v);
    let config = &site.config;
    let assets: Vec<Value> = p.assets.iter().map(|a| Value::from(config.url(&a.out))).collect();
    Ok(extend_map(
        &summary,
        [
            (
                "content",
                match content {
                    Some(c) => safe(c),
                    None => safe(&site.page_html(p)?),
                },
            ),
            ("toc", toc_value(&p.body.toc)),
            ("word_count", Value::from(p.body.word_count)),
            ("reading_time", Value::from(p.body.word_count.div_ceil(400).max(1))),
            ("assets", Value::from(assets)),
            ("has_tables", Value::from(p.body.has_tables)),
        ],
    ))
}

/// `yaml::Value` → `tera::Value`, keeping map order.
pub fn yaml_to_value(v: &yaml::Value) -> Value {
    match v {
        yaml::Value::Null => Value::none(),
        yaml::Value::Bool(b) => Value::from(*b),
        yaml::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                Value::from(n.as_f64().unwrap_or(0.0))
            }
        }
        yaml::Value::String(s) => Value::from(s.as_str()),
        yaml::Value::Sequence(seq) => Value::from(seq.iter().map(yaml_to_value).collect::<Vec<_>>()),
        yaml::Value::Mapping(m) => {
            let mut out = tera::Map::with_capacity(m.len());
            for (k, v) in m {
                let key = match k {
                    yaml::Value::String(s) => s.clone(),
                    other => yaml::to_string(other).unwrap_or_default().trim().to_string(),
                };
                out.insert(key.into(), yaml_to_value(v));
            }
            Value::from(out)
        }
        yaml::Value::Tagged(t) => yaml_to_value(&t.value),
    }
}

/// A list of strings; absent is an empty list (templates loop over it without a test).
fn strs(v: &Option<StrList>) -> Value {
    Value::from(v.as_ref().map(|l| l.0.clone()).unwrap_or_default())
}

fn opt_str(v: &Option<String>) -> Value {
    v.as_deref().map(Value::from).unwrap_or_else(Value::none)
}

fn awards(list: &Option<Vec<Award>>) -> Value {
    Value::from(list.iter().flatten().map(award).collect::<Vec<_>>())
}

/// One award: name, by, level, year.
pub fn award(a: &Award) -> Value {
    let mut m = MapBuilder::new();
    m.set("name", a.name.as_str())
        .set("by", opt_str(&a.by))
        .set("level", opt_str(&a.level))
        .set("year", a.year.map(Value::from).unwrap_or_else(Value::none));
    m.build()
}

fn date_values(m: &mut MapBuilder, prefix: &'static str, d: Option<crate::content::Date>) {
    let (plain, cn, iso, hm, rss) = match d {
        Some(d) => (
            Value::from(d.ymd_string()),
            Value::from(d.chinese()),
            Value::from(d.rfc3339()),
            Value::from(d.ymd_hm()),
            Value::from(d.rfc2822()),
        ),
        None => (
            Value::none(),
            Value::none(),
            Value::none(),
            Value::none(),
            Value::none(),
        ),
    };
    match prefix {
        "date" => m
            .set("date", plain)
            .set("date_cn", cn)
            .set("date_iso", iso)
            .set("date_hm", hm)
            .set("date_rfc2822", rss),
        "updated" => m.set("updated", plain).set("updated_cn", cn).set("updated_iso", iso),
        _ => m.set("written", plain).set("written_cn", cn),
    };
}

/// 未发布, 有效性 and 失效日期: `unpublished` (dated after the publishing day), `status`
/// (`in_force`, `amended`, `repealed` or none), `status_label` (现行有效 …), `expiry`,
/// `expiry_cn`, `expired` (the expiry has come) and `validity`, the one word lists and the
/// 政府信息公开 table show (已失效 wins over the status; none when neither is set).
fn validity_values(m: &mut MapBuilder, site: &Site, p: &Page) {
    let status = p.front.status;
    let expired = crate::content::is_expired(p, site.today);
    let validity = if expired {
        Some("已失效")
    } else {
        status.map(|s| s.label())
    };
    let expiry = p.front.expiry;
    m.set("unpublished", crate::content::is_future(p, site.today))
        .set(
            "status",
            status.map(|s| Value::from(s.key())).unwrap_or_else(Value::none),
        )
        .set(
            "status_label",
            status.map(|s| Value::from(s.label())).unwrap_or_else(Value::none),
        )
        .set(
            "expiry",
            expiry.map(|d| Value::from(d.ymd_string())).unwrap_or_else(Value::none),
        )
        .set(
            "expiry_cn",
            expiry.map(|d| Value::from(d.chinese())).unwrap_or_else(Value::none),
        )
        .set("expired", expired)
        .set("validity", validity.map(Value::from).unwrap_or_else(Value::none));
}

/// Turns a term name into its URL.
pub fn term_url(config: &Config, taxonomy: &str, name: &str) -> String {
    config.url(&format!("{taxonomy}/{}/", slugify(name)))
}

/// A taxonomy term as templates see it: name, slug, url, count (callers may add its pages).
pub fn term_map(config: &Config, taxonomy: &str, term: &crate::content::index::Term) -> MapBuilder {
    let mut m = MapBuilder::new();
    m.set("name", term.name.as_str())
        .set("slug", term.slug.as_str())
        .set("url", config.url(&format!("{taxonomy}/{}/", term.slug)))
        .set("count", term.pages.len());
    m
}

/// A taxonomy as templates see it: name, title, url.
pub fn taxonomy_map(config: &Config, name: &str, title: &str) -> MapBuilder {
    let mut m = MapBuilder::new();
    m.set("name", name)
        .set("title", title)
        .set("url", config.url(&format!("{name}/")));
    m
}

/// How many keys a page's summary value has.
const SUMMARY_KEYS: usize = 40;

/// What lists show of a page.
fn summary_value(site: &Site, p: &Page, links: &TermLinks) -> Value {
    let config = &site.config;
    let summary_html: &str = site.resolved.get(&p.rel).map(|r| r.summary.as_ref()).unwrap_or("");
    let description = p
        .front
        .description
        .clone()
        .unwrap_or_else(|| truncate_chars(&p.body.summary_text, 120));

    let mut m = MapBuilder::with_capacity(SUMMARY_KEYS);
    m.set("title", p.front.title.as_str())
        .set("description", description.as_str())
        .set("kind", p.kind.as_str())
        .set("kind_label", p.kind.label())
        .set("url", config.url(&p.path))
        .set("permalink", config.permalink(&p.path))
        .set("path", p.rel.as_str())
        .set("output_path", p.path.as_str())
        .set("slug", p.slug.as_str())
        .set("section", p.section.as_str());
    date_values(&mut m, "date", p.front.date);
    date_values(&mut m, "updated", crate::content::updated_on(p, site.today));
    m.set("year", p.year.map(Value::from).unwrap_or_else(Value::none))
        .set("years", Value::from(p.years.clone()))
        .set("weight", p.front.weight.map(Value::from).unwrap_or_else(Value::none))
        .set("draft", p.front.draft)
        .set("summary", safe(summary_html))
        .set("aliases", Value::from(super::aliases::urls(config, p)));
    validity_values(&mut m, site, p);
    m.set("keywords", strs(&p.front.keywords))
        .set("source", opt_str(&p.front.source))
        .set(
            "extra",
            p.front
                .extra
                .as_ref()
                .map(yaml_to_value)
                .unwrap_or_else(|| Value::from(tera::Map::new())),
        );

    // Taxonomies: names (as in Zola) and names with URLs.
    let mut names = tera::Map::new();
    let mut terms = tera::Map::new();
    for (taxonomy, list) in page_terms(config, p) {
        let linked: Vec<Value> = list
            .iter()
            .map(|n| match links.get(taxonomy).and_then(|t| t.get(*n)) {
                Some(v) => v.clone(),
                None => term_link(config, taxonomy, n),
            })
            .collect();
        terms.insert(taxonomy.to_string().into(), Value::from(linked));
        names.insert(taxonomy.to_string().into(), Value::from(list));
    }
    m.set("taxonomies", Value::from(names)).set("terms", Value::from(terms));

    let f = &p.front;
    let kind_map = match p.kind {
        Kind::Report => {
            let mut r = MapBuilder::new();
            r.set("publisher", opt_str(&f.publisher))
                .set("index_no", opt_str(&f.index_no))
                .set("subject", opt_str(&f.subject))
                .set("genre", f.genre.as_deref().unwrap_or("工作报告"))
                .set("doc_no", opt_str(&f.doc_no));
            date_values(&mut r, "written", f.written);
            let metrics: Vec<Value> = f
                .metrics
                .iter()
                .flatten()
                .map(|mt| {
                    let mut mm = MapBuilder::new();
                    mm.set("key", mt.key.as_str())
                        .set("label", mt.label.as_str())
                        .set("value", mt.value)
                        .set("value_text", format_value(mt.value))
                        .set("unit", mt.unit.as_str())
                        .set("url", config.url(&format!("metrics/{}/", mt.key)));
                    mm.build()
                })
                .collect();
            r.set("metrics", Value::from(metrics))
                .set("awards", awards(&f.awards))
                .set("projects", strs(&f.projects));
            Some(("report", r.build()))
        }
        Kind::Project => {
            let mut r = MapBuilder::new();
            r.set("years", Value::from(p.years.clone()))
                .set("lead_units", strs(&f.lead_units))
                .set("location", opt_str(&f.location))
                .set("audience", strs(&f.audience))
                .set("laws", strs(&f.laws))
                .set("awards", awards(&f.awards));
            Some(("project", r.build()))
        }
        Kind::Case => {
            let mut r = MapBuilder::new();
            r.set("case_type", opt_str(&f.case_type))
                .set("location", opt_str(&f.location))
                .set("summary", opt_str(&f.summary))
                .set("legal_basis", strs(&f.legal_basis))
                .set("outcome", opt_str(&f.outcome))
                .set("projects", strs(&f.projects));
            Some(("case", r.build()))
        }
        Kind::Page => None,
    };
    for k in ["report", "project", "case"] {
        let v = match &kind_map {
            Some((name, v)) if *name == k => v.clone(),
            _ => Value::none(),
        };
        m.set(k, v);
    }

    m.build()
}

/// A page's fingerprints; its summary is built when first read.
fn page_values(site: &Site, p: &Page) -> PageValues {
    let resolved = site.resolved.get(&p.rel);
    let summary_html: &str = resolved.map(|r| r.summary.as_ref()).unwrap_or("");
    // What the publishing day decides (未发布, 已失效) is part of what lists show.
    let dated = (
        crate::content::is_future(p, site.today),
        crate::content::is_expired(p, site.today),
        crate::content::updated_on(p, site.today),
    );
    let meta_hash = hash_of(&(&p.rel, &p.path, p.front_hash, summary_html, &p.body.summary_text, dated));
    // The content is a function of the file's text and where its links point.
    // … and of the attachment files, which the page lists and the search index reads.
    let full_hash = hash_of(&(
        meta_hash,
        p.hash,
        resolved.map(|r| &r.urls),
        &p.assets,
        super::attachments::stamp(site, p),
    ));
    PageValues {
        meta_hash,
        full_hash,
        summary: SummarySlot::default(),
    }
}

fn toc_value(toc: &[TocEntry]) -> Value {
    Value::from(
        toc.iter()
            .map(|e| {
                let mut m = MapBuilder::new();
                m.set("level", e.level)
                    .set("id", e.id.as_str())
                    .set("title", e.title.as_str())
                    .set("permalink", format!("#{}", e.id))
                    .set("children", toc_value(&e.children));
                m.build()
            })
            .collect::<Vec<_>>(),
    )
}

fn section_value(site: &Site, s: &Arc<Section>) -> (Value, u64) {
    let config = &site.config;
    let mut content_cow = site.section_html(s);
    if !s.body.shortcodes.is_empty() {
        // Expanded only where the section itself is rendered (a template, so a render);
        // anywhere else its value is read the calls are left out.
        let bare = crate::markdown::shortcode::fill_placeholders(&content_cow, true, |_| String::new());
        content_cow = std::borrow::Cow::Owned(bare);
    }
    let content: &str = &content_cow;
    let subs: Vec<(String, String, String)> = site
        .index
        .subsections
        .get(&s.key)
        .into_iter()
        .flatten()
        .filter_map(|k| site.sections.get(k))
        .map(|c| (c.key.clone(), c.title.clone(), config.url(&c.path)))
        .collect();
    let mut m = MapBuilder::new();
    m.set("title", s.title.as_str())
        .set("description", s.front.description.as_deref().unwrap_or(""))
        .set("key", s.key.as_str())
        .set("path", s.rel.as_str())
        .set("url", config.url(&s.path))
        .set("permalink", config.permalink(&s.path))
        .set("kind", s.kind.as_str())
        .set("kind_label", s.kind.label())
        .set("content", safe(content))
        .set("keywords", strs(&s.front.keywords))
        .set("column_type", s.front.column_type.as_deref().unwrap_or(""))
        .set("page_count", site.index.section_pages.get(&s.key).map_or(0, Vec::len))
        .set("is_root", s.key.is_empty())
        .set(
            "extra",
            s.front
                .extra
                .as_ref()
                .map(yaml_to_value)
                .unwrap_or_else(|| Value::from(tera::Map::new())),
        )
        .set(
            "subsections",
            Value::from(
                subs.iter()
                    .map(|(k, t, u)| {
                        let mut sm = MapBuilder::new();
                        sm.set("key", k.as_str())
                            .set("title", t.as_str())
                            .set("url", u.as_str());
                        sm.build()
                    })
                    .collect::<Vec<_>>(),
            ),
        );
    let hash = hash_of(&(
        s.hash,
        content,
        &subs,
        site.index.section_pages.get(&s.key).map_or(0, Vec::len),
    ));
    (m.build(), hash)
}

/// The main navigation: `nav` from the config, else the top-level sections, years, metrics
/// and search.
pub fn nav_items(site: &Site) -> Vec<(String, String)> {
    let config = &site.config;
    if let Some(nav) = &config.nav {
        return nav
            .iter()
            .map(|n| {
                let url = if let Some(t) = n.url.strip_prefix("@/") {
                    site.lookup(t)
                        .map(|(_, p)| config.url(&p))
                        .unwrap_or_else(|| config.url(""))
                } else if n.url.contains("://") {
                    n.url.clone()
                } else {
                    config.url(&n.url)
                };
                (n.title.clone(), url)
            })
            .collect();
    }
    let mut items = vec![("首页".to_string(), config.url(""))];
    for k in site.index.subsections.get("").into_iter().flatten() {
        if let Some(s) = site.sections.get(k)
            && s.front.in_nav != Some(false)
        {
            items.push((s.title.clone(), config.url(&s.path)));
        }
    }
    if !site.index.years.is_empty() {
        items.push(("年度归档".to_string(), config.url("years/")));
    }
    if !site.index.metrics.series.is_empty() {
        items.push(("数据指标".to_string(), config.url("metrics/")));
    }
    if config.search.enabled {
        items.push(("搜索".to_string(), config.url("search/")));
    }
    items
}

fn nav_value(site: &Site) -> Value {
    Value::from(
        nav_items(site)
            .into_iter()
            .map(|(t, u)| {
                let mut m = MapBuilder::new();
                m.set("title", t).set("url", u);
                m.build()
            })
            .collect::<Vec<_>>(),
    )
}

fn config_value(c: &Config) -> Value {
    let o = &c.organisation;
    let police_code: String = o.police_record.chars().filter(|ch| ch.is_ascii_digit()).collect();
    let mut org = MapBuilder::new();
    org.set("name", o.name.as_str())
        .set("organizer", opt_str(&o.organizer))
        .set("address", o.address.as_str())
        .set("phone", o.phone.as_str())
        .set("email", o.email.as_str())
        .set("site_code", o.site_code.as_str())
        .set("icp", o.icp.as_str())
        .set("icp_url", "https://beian.miit.gov.cn/")
        .set("police_record", o.police_record.as_str())
        .set("police_code", police_code.as_str())
        .set(
            "police_url",
            format!("https://beian.mps.gov.cn/#/query/webSearch?code={police_code}"),
        )
        .set(
            "logo",
            o.logo
                .as_deref()
                .map(|p| Value::from(c.url(p)))
                .unwrap_or_else(Value::none),
        )
        .set(
            "emblem_image",
            o.emblem_image
                .as_deref()
                .map(|p| Value::from(c.url(p)))
                .unwrap_or_else(Value::none),
        )
        .set("emblem_url", opt_str(&o.emblem_url))
        .set("error_report_url", o.error_report_url.as_str());
    let taxonomies: Vec<Value> = c
        .taxonomies
        .iter()
        .map(|t| {
            let mut m = MapBuilder::new();
            m.set("name", t.name.as_str())
                .set("title", t.title.as_str())
                .set("url", c.url(&format!("{}/", t.name)));
            m.build()
        })
        .collect();
    let mut m = MapBuilder::new();
    m.set("title", c.title.as_str())
        .set("description", c.description.as_str())
        .set("base_url", c.base_url.as_str())
        .set("base_path", c.base_path.as_str())
        .set("origin", c.origin.as_str())
        .set("host", c.host.as_str())
        .set("language", c.language.as_str())
        .set("organisation", org.build())
        .set("government_site", c.government_site)
        .set("taxonomies", Value::from(taxonomies))
        .set("keywords", Value::from(c.keywords.clone()))
        .set("search_enabled", c.search.enabled)
        .set("feed_url", c.url("atom.xml"))
        .set("generator", concat!("pufa ", env!("CARGO_PKG_VERSION")))
        .set("extra", yaml_to_value(&c.extra));
    m.build()
}

pub use crate::markdown::truncate_chars;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_slot_keeps_what_it_built_only_while_asked_to() {
        let slot = SummarySlot::default();
        let mut builds = 0;
        let mut get = |keep: bool| {
            slot.get_or_build(keep, || {
                builds += 1;
                Value::from(builds)
            })
        };
        assert_eq!(get(false), Value::from(1));
        assert_eq!(get(false), Value::from(2), "not kept: built again");
        assert_eq!(get(true), Value::from(3));
        assert_eq!(get(false), Value::from(3), "kept: read back");
        slot.clear();
        assert_eq!(slot.get_or_build(true, || Value::from(9)), Value::from(9));
    }
}
