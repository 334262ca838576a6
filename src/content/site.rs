//! The in-memory site: every page and section, and the indexes derived from them.
//!
//! [`Site`] owns the parsed items (as `Arc`s, so serve mode can swap one without copying the
//! rest) and the [`SiteIndex`] rebuilt from them (see [`super::index`]).
//! [`Site::assemble`] builds the index, resolves `@/` links into URLs and runs the cross-file
//! checks of [`super::checks`] (duplicate output paths, broken links and anchors, unknown
//! project references, duplicate 索引号 ...). Renderers only read a `Site`; serve mode replaces items and calls
//! `assemble` again, which costs milliseconds even for ten thousand pages.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use rayon::prelude::*;

use super::bodies::BodySpill;
use super::index::SiteIndex;
use super::loader::Loaded;
use super::page::{Asset, LinkRef, Page, Section};
use crate::config::{Config, Kind};
use crate::diagnostics::{Diagnostic, Error, Severity};
use crate::markdown::resolve_links;

/// The URLs a body's `@/` links resolve to, and its summary with them filled in. The full
/// HTML is resolved on demand ([`Site::page_html`]), so a build never holds two copies of
/// every page body.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Resolved {
    pub urls: Vec<String>,
    pub summary: Arc<str>,
}

impl Resolved {
    /// `html` (a body with placeholders) with the links filled in.
    pub fn fill<'a>(&self, html: &'a str) -> std::borrow::Cow<'a, str> {
        match resolve_links(html, |i| self.urls.get(i).cloned().unwrap_or_default()) {
            Some(h) => std::borrow::Cow::Owned(h),
            None => std::borrow::Cow::Borrowed(html),
        }
    }
}

/// The whole site model.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: Arc<Config>,
    pub pages: BTreeMap<String, Arc<Page>>,
    /// By section key (`` for the root).
    pub sections: BTreeMap<String, Arc<Section>>,
    pub assets: Vec<Asset>,
    pub drafts: BTreeSet<String>,
    /// Shared, so an update that cannot change it (a body edit) reuses it as it is.
    pub index: Arc<SiteIndex>,
    /// Page rel → resolved body.
    pub resolved: HashMap<String, Resolved>,
    /// Section key → resolved body.
    pub resolved_sections: HashMap<String, Resolved>,
    /// Warnings from loading and checks (errors stop the build instead).
    pub warnings: Vec<Diagnostic>,
    /// Where page bodies are when a build moved them out of memory.
    pub bodies: Option<Arc<BodySpill>>,
    /// The stamps of the content files as they were loaded (for the build cache).
    pub stamps: HashMap<String, super::reuse::Stamp>,
    /// The day this site is published on: pages dated later are held back or marked 未发布,
    /// pages whose `expiry` has come are marked 已失效 (see [`Publishing`]).
    pub today: super::Date,
    /// Pages held back because their `date` is after [`Site::today`] (without `--future`).
    pub scheduled: BTreeMap<String, Arc<Page>>,
}

/// The publishing day and the pages held back until a later one.
#[derive(Debug, Clone)]
pub struct Publishing {
    pub today: super::Date,
    pub scheduled: BTreeMap<String, Arc<Page>>,
}

impl Site {
    /// Builds the site from what the loader found; `known` is an earlier load's index with its
    /// [`Site::index_key`], reused when the key is the same (no page's index facts changed).
    pub fn from_loaded(
        config: Arc<Config>,
        loaded: Loaded,
        known: Option<(u64, Arc<SiteIndex>)>,
        publishing: Publishing,
    ) -> Result<Site, Error> {
        let mut site = Site {
            config,
            pages: loaded.pages.into_iter().map(|p| (p.rel.clone(), p)).collect(),
            sections: loaded.sections.into_iter().map(|s| (s.key.clone(), s)).collect(),
            assets: loaded.assets,
            drafts: loaded.drafts,
            index: Arc::new(SiteIndex::default()),
            resolved: HashMap::new(),
            resolved_sections: HashMap::new(),
            warnings: loaded.warnings,
            bodies: loaded.bodies,
            stamps: loaded.stamps,
            today: publishing.today,
            scheduled: publishing.scheduled,
        };
        match known {
            Some((key, index)) if key == site.index_key() => {
                site.fix_section_parents();
                site.index = index;
                site.assemble_with(None, true)?;
            }
            _ => site.assemble(None)?,
        }
        Ok(site)
    }

    /// A fingerprint of everything the index is built from: every page's index facts and every
    /// section's file (see [`Page::index_hash`]), and the publishing day (feeds leave out
    /// pages dated after it).
    pub fn index_key(&self) -> u64 {
        crate::util::hash_of(&(
            self.today.days(),
            self.pages.iter().map(|(r, p)| (r, p.index_hash)).collect::<Vec<_>>(),
            self.sections.iter().map(|(k, s)| (k, s.hash)).collect::<Vec<_>>(),
        ))
    }

    /// Rebuilds the index, resolves links and runs the cross-file checks.
    ///
    /// With `only = Some(set)`, links are resolved again only for the pages/sections in the set
    /// (and kept from before for the rest); serve mode passes the items an edit can affect.
    pub fn assemble(&mut self, only: Option<&BTreeSet<String>>) -> Result<(), Error> {
        self.assemble_with(only, false)
    }

    /// Like [`Site::assemble`]; with `keep_index`, the current index is kept (the caller knows
    /// no page's index-relevant facts changed: see [`Page::index_hash`]).
    pub fn assemble_with(&mut self, only: Option<&BTreeSet<String>>, keep_index: bool) -> Result<(), Error> {
        let laps = crate::util::Laps::start("  assemble/");
        let mut errors = Vec::new();
        if !keep_index {
            self.fix_section_parents();
            self.index = Arc::new(SiteIndex::build(self, &mut errors));
            laps.lap("index");
        }
        self.resolve(only, &mut errors);
        laps.lap("resolve");
        let mut warnings: Vec<Diagnostic> = Vec::new();
        super::checks::cross_checks(self, &mut errors, &mut warnings);
        laps.lap("checks");
        let (errs, warns): (Vec<_>, Vec<_>) = errors
            .into_iter()
            .partition(|d: &Diagnostic| d.severity == Severity::Error);
        self.warnings
            .retain(|w| w.code != "check" && !w.code.starts_with("check/"));
        self.warnings.extend(warns);
        self.warnings.extend(warnings);
        if !errs.is_empty() {
            return Err(Error::many(errs));
        }
        Ok(())
    }

    /// Sections whose parent folder has no `_index.md` hang off the nearest one that does.
    fn fix_section_parents(&mut self) {
        let keys: BTreeSet<String> = self.sections.keys().cloned().collect();
        let mut fixes = Vec::new();
        for (k, s) in &self.sections {
            if k.is_empty() {
                continue;
            }
            let mut p = k.rsplit_once('/').map(|(p, _)| p.to_string()).unwrap_or_default();
            while !p.is_empty() && !keys.contains(&p) {
                p = p.rsplit_once('/').map(|(q, _)| q.to_string()).unwrap_or_default();
            }
            if s.parent.as_deref() != Some(p.as_str()) {
                fixes.push((k.clone(), p));
            }
        }
        for (k, p) in fixes {
            if let Some(s) = self.sections.get_mut(&k) {
                Arc::make_mut(s).parent = Some(p);
            }
        }
    }

    /// A page's body with its links resolved (read back from the spill file when a build
    /// moved it there).
    pub fn page_html<'a>(&self, page: &'a Page) -> Result<Cow<'a, str>, Diagnostic> {
        let spilled = match (page.spilled, &self.bodies) {
            (Some(span), Some(spill)) => Some(spill.get(span).map_err(|e| {
                Diagnostic::new("io", format!("读取临时文件失败：{e}"))
                    .in_file(&page.shown)
                    .with_hint("pufa 在生成时把正文暂存在输出文件夹旁的临时文件里；请检查磁盘空间和权限后重试。")
            })?),
            _ => None,
        };
        let resolved = self.resolved.get(&page.rel);
        Ok(match (spilled, resolved) {
            (Some(html), Some(r)) => Cow::Owned(r.fill(&html).into_owned()),
            (Some(html), None) => Cow::Owned(html),
            (None, Some(r)) => r.fill(&page.body.html),
            (None, None) => Cow::Borrowed(&page.body.html),
        })
    }

    /// A section's body with its links resolved.
    pub fn section_html<'a>(&self, section: &'a Section) -> Cow<'a, str> {
        match self.resolved_sections.get(&section.key) {
            Some(r) => r.fill(&section.body.html),
            None => Cow::Borrowed(&section.body.html),
        }
    }

    pub fn page(&self, rel: &str) -> Option<&Arc<Page>> {
        self.pages.get(rel)
    }

    pub fn section(&self, key: &str) -> Option<&Arc<Section>> {
        self.sections.get(key)
    }

    /// The section of a page.
    pub fn section_of(&self, page: &Page) -> Option<&Arc<Section>> {
        self.sections.get(&page.section)
    }

    /// Resolves an `@/` target (`reports/2024.md`, `cases/_index.md`) to (owner key, path).
    /// Section owners are returned as `_index` keys: `cases/_index.md`.
    pub fn lookup(&self, target: &str) -> Option<(String, String)> {
        let t = target.trim_start_matches('/');
        if let Some(p) = self.pages.get(t) {
            return Some((p.rel.clone(), p.path.clone()));
        }
        if let Some(stem) = t.strip_suffix(".md") {
            let bundle = format!("{stem}/index.md");
            if let Some(p) = self.pages.get(&bundle) {
                return Some((p.rel.clone(), p.path.clone()));
            }
        }
        let key = t
            .strip_suffix("_index.md")
            .map(|k| k.trim_end_matches('/'))
            .or_else(|| (!t.ends_with(".md")).then(|| t.trim_end_matches('/')));
        if let Some(k) = key
            && let Some(s) = self.sections.get(k)
        {
            return Some((section_owner(&s.key), s.path.clone()));
        }
        None
    }

    /// The URL of a content file copied to the output (`@/cases/jzf/photo.jpg`).
    pub fn asset_url(&self, target: &str) -> Option<String> {
        let t = target.trim_start_matches('/');
        if t.ends_with(".md") {
            return None;
        }
        let found = self
            .assets
            .iter()
            .chain(self.pages.values().flat_map(|p| p.assets.iter()))
            .any(|a| a.out == t || a.src.ends_with(t));
        found.then(|| {
            let out = self
                .pages
                .values()
                .flat_map(|p| p.assets.iter())
                .chain(self.assets.iter())
                .find(|a| a.src.ends_with(t))
                .map(|a| a.out.clone())
                .unwrap_or_else(|| t.to_string());
            self.config.url(&out)
        })
    }

    /// Anchors of a lookup owner.
    pub fn anchors_of(&self, owner: &str) -> Option<&[String]> {
        if let Some(k) = owner.strip_suffix("_index.md") {
            let k = k.trim_end_matches('/');
            return self.sections.get(k).map(|s| s.body.anchors.as_slice());
        }
        self.pages.get(owner).map(|p| p.body.anchors.as_slice())
    }

    fn resolve(&mut self, only: Option<&BTreeSet<String>>, errors: &mut Vec<Diagnostic>) {
        // Which pages and sections to resolve: all, or those named in `only`.
        let (pages, sections): (Vec<String>, Vec<String>) = match only {
            None => (
                self.pages.keys().cloned().collect(),
                self.sections.keys().cloned().collect(),
            ),
            Some(o) => {
                for rel in o {
                    if !self.pages.contains_key(rel) {
                        self.resolved.remove(rel);
                    }
                }
                let secs: Vec<String> = self
                    .sections
                    .keys()
                    .filter(|k| o.contains(&section_owner(k)))
                    .cloned()
                    .collect();
                (
                    o.iter().filter(|r| self.pages.contains_key(*r)).cloned().collect(),
                    secs,
                )
            }
        };
        let results: Vec<(String, Result<Resolved, Vec<Diagnostic>>)> = pages
            .par_iter()
            .filter_map(|rel| {
                self.pages
                    .get(rel)
                    .map(|p| (rel.clone(), self.resolve_body(&p.shown, &p.body.summary_html, &p.links)))
            })
            .collect();
        store_resolved(&mut self.resolved, results, errors);
        if only.is_none() {
            self.resolved.retain(|rel, _| self.pages.contains_key(rel));
        }
        let secs: Vec<(String, Result<Resolved, Vec<Diagnostic>>)> = sections
            .iter()
            .filter_map(|k| {
                self.sections
                    .get(k)
                    .map(|s| (k.clone(), self.resolve_body(&s.shown, &s.body.summary_html, &s.links)))
            })
            .collect();
        store_resolved(&mut self.resolved_sections, secs, errors);
        self.resolved_sections.retain(|k, _| self.sections.contains_key(k));
    }

    /// Resolves one body's links (the editor's preview resolves a page that is not saved yet).
    pub fn resolve_body(
        &self,
        shown: &str,
        summary: &Arc<str>,
        links: &[LinkRef],
    ) -> Result<Resolved, Vec<Diagnostic>> {
        let mut errors = Vec::new();
        let mut urls = Vec::with_capacity(links.len());
        for l in links {
            if l.target.starts_with('/') {
                // A site path: add the base path; keep query and fragment as written.
                let (path, query) = l
                    .target
                    .split_once('?')
                    .map_or((l.target.as_str(), None), |(p, q)| (p, Some(q)));
                let mut url = self.config.url(path);
                if let Some(q) = query {
                    url.push('?');
                    url.push_str(q);
                }
                if let Some(a) = &l.anchor {
                    url.push('#');
                    url.push_str(a);
                }
                urls.push(url);
                continue;
            }
            if let Some(asset) = self.asset_url(&l.target) {
                urls.push(asset);
                continue;
            }
            match self.lookup(&l.target) {
                Some((owner, path)) => {
                    let mut url = self.config.url(&path);
                    if let Some(a) = &l.anchor {
                        let anchors = self.anchors_of(&owner).unwrap_or(&[]);
                        if !anchors.iter().any(|x| x == a) {
                            let near: Vec<String> = anchors.to_vec();
                            let hint = match crate::yaml::suggest(a, &near) {
                                Some(s) => format!("是不是 `#{s}`？锚点来自目标页面的标题。"),
                                None if anchors.is_empty() => "目标页面没有任何标题锚点。".to_string(),
                                None => format!(
                                    "目标页面的锚点有：{}",
                                    anchors
                                        .iter()
                                        .take(8)
                                        .map(|x| format!("#{x}"))
                                        .collect::<Vec<_>>()
                                        .join(" ")
                                ),
                            };
                            errors.push(
                                l.diagnostic(
                                    shown,
                                    "link/anchor",
                                    format!("链接的锚点 `#{a}` 在 {} 中不存在", l.target),
                                )
                                .with_hint(hint),
                            );
                        }
                        url.push('#');
                        url.push_str(a);
                    }
                    urls.push(url);
                }
                None => {
                    let target = l.target.trim_start_matches('/');
                    let hint = if self.drafts.contains(target) {
                        "目标页面是草稿（draft: true），发布时不会生成。去掉 draft，或用 --drafts 预览。".to_string()
                    } else if let Some(p) = self.scheduled.get(target) {
                        format!(
                            "目标页面的发布日期 {} 还没到，现在不会发布。等到那天再链接它，或用 --future 一起发布。",
                            p.front.date.map(|d| d.ymd_string()).unwrap_or_default()
                        )
                    } else {
                        "`@/` 后面写 content/ 下的文件路径，如 `@/reports/2024.md`；检查文件名是否写错、文件是否被删除或改名。".to_string()
                    };
                    errors.push(
                        l.diagnostic(shown, "link/missing", format!("链接指向的页面不存在：@/{}", l.target))
                            .with_hint(hint),
                    );
                    urls.push(String::new());
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        // Most summaries have no links: then the page's own copy is shared.
        let summary = match resolve_links(summary, |i| urls.get(i).cloned().unwrap_or_default()) {
            Some(filled) => Arc::from(filled),
            None => Arc::clone(summary),
        };
        Ok(Resolved { urls, summary })
    }

    /// The items whose links or references name `target` (a page rel or section owner).
    pub fn linking_to(&self, target: &str) -> impl Iterator<Item = &String> {
        self.index.backlinks.get(target).into_iter().flatten()
    }

    /// Pages of a kind, newest first (by date, then year).
    pub fn pages_of_kind(&self, kind: Kind) -> Vec<&Arc<Page>> {
        self.index
            .by_kind
            .get(&kind)
            .into_iter()
            .flatten()
            .filter_map(|r| self.pages.get(r))
            .collect()
    }
}

/// Keeps the bodies that resolved; the others' errors go to `errors`.
fn store_resolved(
    map: &mut HashMap<String, Resolved>,
    results: Vec<(String, Result<Resolved, Vec<Diagnostic>>)>,
    errors: &mut Vec<Diagnostic>,
) {
    for (key, r) in results {
        match r {
            Ok(res) => {
                map.insert(key, res);
            }
            Err(ds) => errors.extend(ds),
        }
    }
}

/// The owner key used for a section in back-links and lookups.
pub fn section_owner(key: &str) -> String {
    if key.is_empty() {
        "_index.md".to_string()
    } else {
        format!("{key}/_index.md")
    }
}
