//! The site index: everything derived from the pages and sections that lists, feeds and
//! lookups read. [`SiteIndex::build`] makes it in one pass per part (output paths, section
//! lists, taxonomies, years, recent, back-links, projects, metrics); the rules a part must
//! hold (unique output paths, usable taxonomy terms, existing project references) are in
//! [`super::checks`], so this file only builds. It depends only on the pages' index facts
//! ([`super::Page::index_hash`]), which lets a body edit reuse it as it is.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use super::checks;
use super::front_matter::SortBy;
use super::metrics::MetricsIndex;
use super::page::{Page, Section};
use super::site::{Site, section_owner};
use crate::config::Kind;
use crate::diagnostics::Diagnostic;

/// One taxonomy term and the pages filed under it (newest first).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Term {
    pub name: String,
    pub slug: String,
    pub pages: Vec<String>,
}

/// One taxonomy with its terms, by slug.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TaxonomyIndex {
    pub name: String,
    pub title: String,
    pub terms: BTreeMap<String, Term>,
}

/// Everything derived from the pages and sections.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct SiteIndex {
    /// Section key → its pages in order, including those of transparent subsections.
    pub section_pages: HashMap<String, Vec<String>>,
    /// Section key → subsection keys, by weight then title.
    pub subsections: HashMap<String, Vec<String>>,
    /// Page → (the page before it, the page after it) in its own section's order.
    pub neighbours: HashMap<String, (Option<String>, Option<String>)>,
    pub taxonomies: Vec<TaxonomyIndex>,
    /// Year → items filed under it (reports, projects, cases), newest first.
    pub years: BTreeMap<i32, Vec<String>>,
    /// Target page rel or section key → pages/sections whose `@/` links point at it.
    pub backlinks: HashMap<String, BTreeSet<String>>,
    /// Project slug → project page rel.
    pub projects_by_slug: HashMap<String, String>,
    /// Project rel → reports and cases that name it in `projects:`, by date.
    pub project_refs: HashMap<String, Vec<String>>,
    /// Publisher → its reports, by year.
    pub reports_by_publisher: HashMap<String, Vec<String>>,
    /// Pages of each kind, newest first.
    pub by_kind: HashMap<Kind, Vec<String>>,
    /// All pages, newest first.
    pub recent: Vec<String>,
    /// Output path → who produces it (for the duplicate check and lookups).
    pub paths: HashMap<String, String>,
    /// Alias path (`old/path/`, `2019/report.html`) → the page it redirects to.
    pub aliases: BTreeMap<String, String>,
    pub metrics: MetricsIndex,
}

impl SiteIndex {
    /// The index of one taxonomy, by its config name.
    pub fn taxonomy(&self, name: &str) -> Option<&TaxonomyIndex> {
        self.taxonomies.iter().find(|t| t.name == name)
    }
}

impl SiteIndex {
    /// Builds the index of `site`; what breaks a rule goes to `errors` (see [`super::checks`]).
    pub fn build(site: &Site, errors: &mut Vec<Diagnostic>) -> SiteIndex {
        let laps = crate::util::Laps::start("    index/");
        let paths = checks::unique_paths(site, errors);
        let mut idx = SiteIndex {
            aliases: checks::alias_paths(site, &paths, errors),
            paths,
            ..SiteIndex::default()
        };
        laps.lap("paths");
        idx.add_sections(site);
        laps.lap("sections");
        idx.taxonomies = site
            .config
            .taxonomies
            .iter()
            .map(|t| taxonomy(site, &t.name, &t.title, errors))
            .collect();
        laps.lap("taxonomies");
        idx.add_years(site);
        laps.lap("years");
        idx.add_recent(site);
        laps.lap("recent");
        idx.add_backlinks(site);
        laps.lap("backlinks");
        idx.add_projects(site, errors);
        laps.lap("projects");
        idx.metrics = MetricsIndex::build(site, errors);
        laps.lap("metrics");
        idx
    }

    /// Section lists (pages of transparent subsections passed up, recursively), neighbours
    /// within a section, and subsections by weight then title.
    fn add_sections(&mut self, site: &Site) {
        let mut own: HashMap<&str, Vec<&Arc<Page>>> = HashMap::new();
        for p in site.pages.values() {
            own.entry(p.section.as_str()).or_default().push(p);
        }
        let mut children: HashMap<&str, Vec<&Arc<Section>>> = HashMap::new();
        for s in site.sections.values() {
            if let Some(parent) = &s.parent {
                children.entry(parent.as_str()).or_default().push(s);
            }
        }
        let of = |key: &str| own.get(key).cloned().unwrap_or_default();
        let kids = |key: &str| children.get(key).cloned().unwrap_or_default();
        for (key, s) in &site.sections {
            let mut list = of(key);
            let mut stack = kids(key);
            while let Some(c) = stack.pop() {
                if c.front.transparent {
                    list.extend(of(&c.key));
                    stack.extend(kids(&c.key));
                }
            }
            sort_pages(&mut list, s.sort_by());
            self.section_pages.insert(key.clone(), rels(&list));
            self.add_neighbours(of(key), s.sort_by());
            let mut subs = kids(key);
            subs.sort_by(|a, b| {
                weight(a.front.weight)
                    .cmp(&weight(b.front.weight))
                    .then_with(|| a.title.cmp(&b.title))
                    .then_with(|| a.key.cmp(&b.key))
            });
            self.subsections
                .insert(key.clone(), subs.iter().map(|s| s.key.clone()).collect());
        }
    }

    /// The page before and after each page in its own section's order.
    fn add_neighbours(&mut self, mut own: Vec<&Arc<Page>>, by: SortBy) {
        sort_pages(&mut own, by);
        for (i, p) in own.iter().enumerate() {
            let before = i.checked_sub(1).map(|j| own[j].rel.clone());
            let after = own.get(i + 1).map(|q| q.rel.clone());
            self.neighbours.insert(p.rel.clone(), (before, after));
        }
    }

    /// Items by year (by kind, then newest first), and reports by publisher (by year).
    fn add_years(&mut self, site: &Site) {
        let mut years: BTreeMap<i32, Vec<&Arc<Page>>> = BTreeMap::new();
        let mut by_publisher: HashMap<&str, Vec<&Arc<Page>>> = HashMap::new();
        for p in site.pages.values() {
            for y in &p.years {
                years.entry(*y).or_default().push(p);
            }
            if p.kind == Kind::Report {
                let publisher = p.front.publisher.as_deref().unwrap_or("");
                by_publisher.entry(publisher).or_default().push(p);
            }
        }
        for (y, mut list) in years {
            list.sort_by(|a, b| a.kind.cmp(&b.kind).then_with(|| newest_first(a, b)));
            self.years.insert(y, rels(&list));
        }
        for (publisher, mut list) in by_publisher {
            list.sort_by(|a, b| a.year.cmp(&b.year).then_with(|| a.rel.cmp(&b.rel)));
            self.reports_by_publisher.insert(publisher.to_string(), rels(&list));
        }
    }

    /// All pages newest first, overall and per kind. The feed reads `recent`: a page dated
    /// after the publishing day (kept by `--future` or serve) never goes into it.
    fn add_recent(&mut self, site: &Site) {
        let mut all: Vec<&Arc<Page>> = site.pages.values().collect();
        all.sort_by(|a, b| newest_first(a, b));
        for p in &all {
            self.by_kind.entry(p.kind).or_default().push(p.rel.clone());
        }
        all.retain(|p| !super::is_future(p, site.today));
        self.recent = rels(&all);
    }

    /// Back-links, for serve mode: who must be re-resolved when a target changes. A target
    /// that does not exist (yet) is kept under its own name, so creating it finds its linkers.
    fn add_backlinks(&mut self, site: &Site) {
        let linkers = site
            .pages
            .values()
            .map(|p| (&p.links, p.rel.clone()))
            .chain(site.sections.values().map(|s| (&s.links, section_owner(&s.key))));
        for (links, owner) in linkers {
            for l in links {
                let key = site
                    .lookup(&l.target)
                    .map(|(o, _)| o)
                    .unwrap_or_else(|| l.target.trim_start_matches('/').to_string());
                self.backlinks.entry(key).or_default().insert(owner.clone());
            }
        }
    }

    /// Projects by slug, and the reports and cases that name each one (by year and date).
    fn add_projects(&mut self, site: &Site, errors: &mut Vec<Diagnostic>) {
        self.projects_by_slug = checks::project_slugs(site, errors);
        for p in site.pages.values() {
            let Some(refs) = &p.front.projects else { continue };
            for slug in &refs.0 {
                match self.projects_by_slug.get(slug.trim()) {
                    Some(rel) => self.project_refs.entry(rel.clone()).or_default().push(p.rel.clone()),
                    None => errors.push(checks::missing_project(p, slug, &self.projects_by_slug)),
                }
            }
        }
        for list in self.project_refs.values_mut() {
            list.sort_by(|a, b| {
                let (pa, pb) = (&site.pages[a], &site.pages[b]);
                pa.year
                    .cmp(&pb.year)
                    .then(pa.front.date.cmp(&pb.front.date))
                    .then_with(|| pa.rel.cmp(&pb.rel))
            });
            list.dedup();
        }
    }
}

/// One taxonomy's terms: Chinese names kept, URLs by slug; each term's pages newest first.
fn taxonomy(site: &Site, name: &str, title: &str, errors: &mut Vec<Diagnostic>) -> TaxonomyIndex {
    let mut members: BTreeMap<String, Vec<&Arc<Page>>> = BTreeMap::new();
    let mut terms: BTreeMap<String, Term> = BTreeMap::new();
    let mut seen = checks::TermSlugs::new(name);
    for p in site.pages.values() {
        let Some(list) = p.front.taxonomies.get(name) else {
            continue;
        };
        for term in &list.0 {
            let term = term.trim();
            let Some(slug) = seen.slug(p, term, errors) else {
                continue;
            };
            terms.entry(slug.clone()).or_insert_with(|| Term {
                name: term.to_string(),
                slug: slug.clone(),
                pages: Vec::new(),
            });
            members.entry(slug).or_default().push(p);
        }
    }
    for (slug, mut list) in members {
        list.sort_by(|a, b| newest_first(a, b));
        if let Some(term) = terms.get_mut(&slug) {
            term.pages = rels(&list);
        }
    }
    TaxonomyIndex {
        name: name.to_string(),
        title: title.to_string(),
        terms,
    }
}

/// The pages' content-relative paths, in order.
fn rels(pages: &[&Arc<Page>]) -> Vec<String> {
    pages.iter().map(|p| p.rel.clone()).collect()
}

/// A `weight:` for sorting: none sorts last.
fn weight(w: Option<i64>) -> i64 {
    w.unwrap_or(i64::MAX)
}

/// Newest first: by date, then year, then title, then path.
pub fn newest_first(a: &Page, b: &Page) -> std::cmp::Ordering {
    b.front
        .date
        .cmp(&a.front.date)
        .then(b.year.cmp(&a.year))
        .then_with(|| a.front.title.cmp(&b.front.title))
        .then_with(|| a.rel.cmp(&b.rel))
}

/// Sorts a section's pages by its `sort_by`; ties by path, so the order is deterministic.
fn sort_pages(pages: &mut [&Arc<Page>], by: SortBy) {
    match by {
        SortBy::Date => pages.sort_by(|a, b| newest_first(a, b)),
        SortBy::Year => pages.sort_by(|a, b| b.year.cmp(&a.year).then_with(|| newest_first(a, b))),
        SortBy::Weight => pages.sort_by(|a, b| {
            weight(a.front.weight)
                .cmp(&weight(b.front.weight))
                .then_with(|| a.front.title.cmp(&b.front.title))
                .then_with(|| a.rel.cmp(&b.rel))
        }),
        SortBy::Title => pages.sort_by(|a, b| a.front.title.cmp(&b.front.title).then_with(|| a.rel.cmp(&b.rel))),
        SortBy::None => pages.sort_by(|a, b| a.rel.cmp(&b.rel)),
    }
}
