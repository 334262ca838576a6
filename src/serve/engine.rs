//! The in-memory build serve mode keeps up to date: the same pipeline as `pufa build`, run
//! once, then updated in place as files change.
//!
//! The [`Engine`] holds the site model, its template values, the rendered outputs and, for
//! every output, the inputs it read (recorded by the renderer). An edit re-parses only the
//! changed files, re-assembles the model (indexes are cheap to rebuild; links are re-resolved
//! only for the items an edit can affect), refreshes the values of changed pages, compares
//! input fingerprints before and after, and re-renders just the outputs that read a changed
//! input. Template edits re-render the outputs whose template uses the edited file (through
//! extends and includes); static edits re-read that file; a config edit rebuilds everything.
//! A failed update leaves the last good site in place and is retried with the next change.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::build::{SiteSpec, load_config, static_files};
use crate::config::Config;
use crate::content::loader::{self, FileUpdate};
use crate::content::site::{Resolved, SiteIndex, section_owner};
use crate::content::{Asset, Page, Section, Site, load_site};
use crate::diagnostics::{Diagnostic, Error};
use crate::render::{self, Input, OutputKey, RenderData, Renderer, Values, output_path};
use crate::theme::Source;
use crate::util::{FxMap, abs, hash_of};

/// A file the server can send.
#[derive(Debug, Clone)]
pub enum Entry {
    Bytes(Arc<[u8]>),
    File(Source),
}

impl Entry {
    pub fn bytes(&self) -> std::io::Result<Arc<[u8]>> {
        match self {
            Entry::Bytes(b) => Ok(Arc::clone(b)),
            Entry::File(s) => s.read().map(Arc::from),
        }
    }
}

/// What an update changed, for the browser.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changed {
    /// Output paths whose bytes changed, were added or removed.
    pub paths: Vec<String>,
    /// Only stylesheets changed (the browser can swap them without a reload).
    pub css_only: bool,
    /// Outputs rendered for this update.
    pub rendered: usize,
}

struct Output {
    path: String,
    bytes: Arc<[u8]>,
    inputs: Vec<Input>,
}

impl Changed {
    fn new(paths: Vec<String>, rendered: usize) -> Changed {
        let css_only = !paths.is_empty() && paths.iter().all(|p| p.ends_with(".css"));
        Changed {
            paths,
            css_only,
            rendered,
        }
    }
}

/// The live site.
pub struct Engine {
    pub spec: SiteSpec,
    site: Arc<Site>,
    values: Arc<Values>,
    renderer: Renderer,
    outputs: HashMap<OutputKey, Output>,
    by_path: HashMap<String, OutputKey>,
    reverse: FxMap<Input, HashSet<OutputKey>>,
    fingerprints: FxMap<Input, u64>,
    statics: BTreeMap<String, Source>,
    search: BTreeMap<String, Arc<[u8]>>,
    search_version: u64,
    /// Changes not yet applied because the last attempt failed.
    pending: BTreeSet<PathBuf>,
    /// Whether a full reload is owed (config, structure or template set changed).
    pending_full: bool,
    /// The error of the last attempt, when it failed.
    pub error: Option<Error>,
    /// Bumped on every successful update.
    pub generation: u64,
}

impl Engine {
    /// Loads and renders the whole site in memory.
    pub fn load(spec: SiteSpec) -> Result<Engine, Error> {
        let (site, values, renderer) = Self::load_parts(&spec)?;
        let mut e = Engine {
            spec,
            site,
            values,
            renderer,
            outputs: HashMap::new(),
            by_path: HashMap::new(),
            reverse: FxMap::default(),
            fingerprints: FxMap::default(),
            statics: BTreeMap::new(),
            search: BTreeMap::new(),
            search_version: 0,
            pending: BTreeSet::new(),
            pending_full: false,
            error: None,
            generation: 1,
        };
        e.render_all()?;
        Ok(e)
    }

    fn load_parts(spec: &SiteSpec) -> Result<(Arc<Site>, Arc<Values>, Renderer), Error> {
        let config = Arc::new(load_config(spec)?);
        let site = load_site(Arc::clone(&config), spec.drafts)?;
        let renderer = Renderer::new(&config)?;
        let values = Values::build(&site);
        Ok((Arc::new(site), Arc::new(values), renderer))
    }

    pub fn config(&self) -> &Arc<Config> {
        &self.site.config
    }

    pub fn site(&self) -> &Site {
        &self.site
    }

    pub fn warnings(&self) -> Vec<Diagnostic> {
        crate::build::warnings(&self.site)
    }

    fn data(&self) -> Arc<RenderData> {
        Arc::new(RenderData {
            site: Arc::clone(&self.site),
            values: Arc::clone(&self.values),
        })
    }

    /// Renders every output and lists the static files.
    fn render_all(&mut self) -> Result<(), Error> {
        let data = self.data();
        self.renderer.set_data(Arc::clone(&data));
        let keys = render::outputs(&self.site);
        let rendered = render_keys(&self.renderer, &data, &keys)?;
        self.outputs.clear();
        self.by_path.clear();
        self.reverse.clear();
        for (key, out) in rendered {
            self.insert_output(key, out);
        }
        self.refresh_statics()?;
        self.fingerprints = fingerprints(&self.site, &self.values, &self.reverse, None);
        if !self.site.config.search.enabled {
            // Turned off in the config: the old index must not be served any more.
            self.search.clear();
        }
        Ok(())
    }

    fn insert_output(&mut self, key: OutputKey, out: Output) {
        self.remove_output(&key);
        for i in &out.inputs {
            self.reverse.entry(i.clone()).or_default().insert(key.clone());
        }
        self.by_path.insert(out.path.clone(), key.clone());
        self.outputs.insert(key, out);
    }

    fn remove_output(&mut self, key: &OutputKey) -> Option<String> {
        let old = self.outputs.remove(key)?;
        for i in &old.inputs {
            if let Some(set) = self.reverse.get_mut(i) {
                set.remove(key);
            }
        }
        self.by_path.remove(&old.path);
        Some(old.path)
    }

    /// Re-lists the copied files; returns the output paths that appeared, went, changed
    /// source, or whose source file is among `changed` (absolute or content-relative paths).
    fn refresh_statics_diff(&mut self, changed: &[String]) -> Result<Vec<String>, Error> {
        let before = self.statics.clone();
        self.refresh_statics()?;
        let content = abs(&self.site.config.content_dir());
        let touched: HashSet<PathBuf> = changed
            .iter()
            .map(|c| {
                let p = PathBuf::from(c);
                if p.is_absolute() {
                    abs(&p)
                } else {
                    abs(&crate::render::to_fs_path(&content, c))
                }
            })
            .collect();
        let source_path = |s: &Source| match s {
            Source::Path(p) => Some(abs(p)),
            Source::Embedded(_) => None,
        };
        let mut out: BTreeSet<String> = BTreeSet::new();
        for (k, v) in &self.statics {
            if before.get(k) != Some(v) || source_path(v).is_some_and(|p| touched.contains(&p)) {
                out.insert(k.clone());
            }
        }
        for k in before.keys() {
            if !self.statics.contains_key(k) {
                out.insert(k.clone());
            }
        }
        Ok(out.into_iter().collect())
    }

    fn refresh_statics(&mut self) -> Result<(), Error> {
        let rendered: HashMap<String, OutputKey> = self.by_path.clone();
        self.statics = static_files(&self.site, &rendered)?
            .into_iter()
            .map(|c| (c.rel, c.src))
            .collect();
        Ok(())
    }

    /// The file served at an output path (`cases/a/index.html`), if any.
    pub fn get(&self, path: &str) -> Option<Entry> {
        if let Some(k) = self.by_path.get(path) {
            return self.outputs.get(k).map(|o| Entry::Bytes(Arc::clone(&o.bytes)));
        }
        if let Some(s) = self.statics.get(path) {
            return Some(Entry::File(s.clone()));
        }
        self.search.get(path).map(|b| Entry::Bytes(Arc::clone(b)))
    }

    /// Every file the site has now (rendered, copied and search index), for serving.
    pub fn entries(&self) -> Vec<(String, Entry)> {
        let mut out: Vec<(String, Entry)> =
            Vec::with_capacity(self.outputs.len() + self.statics.len() + self.search.len());
        for o in self.outputs.values() {
            out.push((o.path.clone(), Entry::Bytes(Arc::clone(&o.bytes))));
        }
        for (rel, src) in &self.statics {
            out.push((rel.clone(), Entry::File(src.clone())));
        }
        for (rel, b) in &self.search {
            out.push((rel.clone(), Entry::Bytes(Arc::clone(b))));
        }
        out
    }

    /// Every file the site has now, with its bytes (for tests: compare with `pufa build`).
    pub fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        let mut out: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        for o in self.outputs.values() {
            out.insert(o.path.clone(), o.bytes.to_vec());
        }
        for (rel, src) in &self.statics {
            out.insert(rel.clone(), src.read().unwrap_or_default());
        }
        for (rel, b) in &self.search {
            out.insert(rel.clone(), b.to_vec());
        }
        out
    }

    /// A search-index build of the current site, to run on another thread.
    pub fn search_job(&self) -> Option<SearchJob> {
        self.search_stale().then(|| SearchJob {
            site: Arc::clone(&self.site),
            values: Arc::clone(&self.values),
            generation: self.generation,
        })
    }

    /// Installs the result of a [`SearchJob`] unless the site changed since; returns whether it did.
    pub fn install_search(&mut self, generation: u64, files: Vec<(String, Vec<u8>)>) -> bool {
        if generation != self.generation {
            return false;
        }
        self.search = files.into_iter().map(|(p, b)| (p, Arc::from(b))).collect();
        self.search_version = generation;
        true
    }

    /// Paths of the current search index files.
    pub fn search_paths(&self) -> Vec<String> {
        self.search.keys().cloned().collect()
    }

    /// Builds the search index on this thread when it is stale (serve mode runs a
    /// [`SearchJob`] in the background instead). Returns whether anything changed.
    pub fn rebuild_search(&mut self) -> bool {
        let Some(job) = self.search_job() else { return false };
        let (generation, files) = job.run();
        self.install_search(generation, files)
    }

    /// Whether the search index is older than the site.
    pub fn search_stale(&self) -> bool {
        self.site.config.search.enabled && self.search_version != self.generation
    }

    /// Applies a batch of changed paths (anywhere). On failure the last good site stays and
    /// the paths are kept to be retried with the next batch.
    pub fn apply(&mut self, paths: &[PathBuf]) -> Result<Changed, Error> {
        self.pending.extend(paths.iter().cloned());
        let batch: Vec<PathBuf> = self.pending.iter().cloned().collect();
        let res = self.apply_batch(&batch);
        match &res {
            Ok(_) => {
                self.pending.clear();
                self.pending_full = false;
                self.error = None;
            }
            Err(e) => self.error = Some(e.clone()),
        }
        res
    }

    /// A hash of every file the site has now.
    fn file_hashes(&self) -> HashMap<String, u64> {
        self.snapshot()
            .into_iter()
            .map(|(p, b)| (p, crate::util::hash_bytes(&b)))
            .collect()
    }

    fn full_reload(&mut self) -> Result<Changed, Error> {
        let before = self.file_hashes();
        let (site, values, renderer) = Self::load_parts(&self.spec)?;
        let old = (
            std::mem::replace(&mut self.site, site),
            std::mem::replace(&mut self.values, values),
            std::mem::replace(&mut self.renderer, renderer),
        );
        if let Err(e) = self.render_all() {
            (self.site, self.values, self.renderer) = old;
            self.renderer.set_data(self.data());
            return Err(e);
        }
        self.generation += 1;
        let after = self.file_hashes();
        let mut paths: Vec<String> = after
            .iter()
            .filter(|(p, h)| before.get(*p) != Some(h))
            .map(|(p, _)| p.clone())
            .collect();
        paths.extend(before.keys().filter(|p| !after.contains_key(*p)).cloned());
        paths.sort();
        Ok(Changed::new(paths, self.outputs.len()))
    }

    fn apply_batch(&mut self, paths: &[PathBuf]) -> Result<Changed, Error> {
        let laps = crate::util::Laps::start("");
        let config = Arc::clone(&self.site.config);
        let root = abs(&config.root);
        let config_file = abs(&config.file);
        let content = abs(&config.content_dir());
        let site_templates = root.join("templates");
        let theme = match crate::theme::resolve(&config)? {
            crate::theme::Theme::Dir(d) => Some(abs(&d)),
            crate::theme::Theme::Builtin => None,
        };
        let output_dir = abs(&config.output_dir);

        let mut content_rels: BTreeSet<String> = BTreeSet::new();
        let mut template_changed = false;
        let mut statics_changed: Vec<String> = Vec::new();
        let mut full = self.pending_full;
        for p in paths {
            let p = abs(p);
            if p.starts_with(&output_dir) && !content.starts_with(&output_dir) {
                continue;
            }
            if p.file_name()
                .is_some_and(|n| loader::is_ignored_name(&n.to_string_lossy()))
            {
                continue;
            }
            if p == config_file {
                full = true;
            } else if let Ok(rel) = p.strip_prefix(&content) {
                let rel = rel.to_string_lossy().replace('\\', "/");
                if rel.is_empty() {
                    full = true;
                } else {
                    content_rels.insert(rel);
                }
            } else if p.starts_with(&site_templates)
                || theme.as_ref().is_some_and(|t| p.starts_with(t.join("templates")))
            {
                template_changed = true;
                if p.is_dir() || !p.exists() || self.renderer.templates.sources.values().all(|s| s.path != p) {
                    // A template appeared or went: which template renders what may change.
                    full = true;
                }
            } else if p.starts_with(root.join("static"))
                || theme.as_ref().is_some_and(|t| p.starts_with(t.join("static")))
            {
                statics_changed.push(p.to_string_lossy().into_owned());
            } else if p == root || theme.as_ref().is_some_and(|t| &p == t) {
                full = true;
            }
        }
        if full {
            self.pending_full = true;
            return self.full_reload();
        }

        if content_rels.is_empty() && !template_changed {
            if statics_changed.is_empty() {
                return Ok(Changed::default());
            }
            let paths = self.refresh_statics_diff(&statics_changed)?;
            self.generation += 1;
            return Ok(Changed::new(paths, 0));
        }

        // New renderer when templates changed (a syntax error stops here, nothing changed).
        let mut template_dirty: BTreeSet<String> = BTreeSet::new();
        let new_renderer = if template_changed {
            let r = Renderer::new(&config)?;
            for (name, src) in &r.templates.sources {
                if self
                    .renderer
                    .templates
                    .sources
                    .get(name)
                    .is_none_or(|old| old.text != src.text)
                {
                    template_dirty.insert(name.clone());
                }
            }
            Some(r)
        } else {
            None
        };

        // Content: re-parse the changed files; nothing changes until all of them parsed.
        let known: BTreeSet<String> = self.site.sections.keys().cloned().collect();
        let mut ops: Vec<Op> = Vec::new();
        let mut errors: Vec<Diagnostic> = Vec::new();
        for rel in &content_rels {
            match loader::reload_file(&config, rel, self.spec.drafts, &known) {
                Ok(FileUpdate::Page(p)) => ops.push(Op::Page(rel.clone(), Some(Arc::new(*p)), false)),
                Ok(FileUpdate::Section(s)) => ops.push(Op::Section(Arc::new(*s))),
                Ok(FileUpdate::Draft(r)) => ops.push(Op::Page(r, None, true)),
                Ok(FileUpdate::Removed(r)) => ops.push(Op::Page(r, None, false)),
                Ok(FileUpdate::Asset(r, a)) => {
                    statics_changed.push(r.clone());
                    ops.push(Op::Asset(r, a));
                }
                Ok(FileUpdate::Bundle(bundle)) => {
                    match loader::reload_file(&config, &bundle, self.spec.drafts, &known) {
                        Ok(FileUpdate::Page(p)) => ops.push(Op::Page(bundle.clone(), Some(Arc::new(*p)), false)),
                        Ok(_) => {
                            self.pending_full = true;
                            return self.full_reload();
                        }
                        Err(ds) => errors.extend(ds),
                    }
                    statics_changed.push(bundle);
                }
                Ok(FileUpdate::Structure) => {
                    self.pending_full = true;
                    return self.full_reload();
                }
                Ok(FileUpdate::Ignored) => {}
                Err(ds) => errors.extend(ds),
            }
        }
        if !errors.is_empty() {
            return Err(Error::many(errors));
        }
        laps.lap("parse");

        // Update the model in place, remembering how to undo it if anything fails.
        self.renderer.clear_data();
        let mut undo = SiteUndo::default();
        let (resolve, keep_index) = {
            let site = Arc::make_mut(&mut self.site);
            let mut touched: BTreeSet<String> = BTreeSet::new(); // page rels / section owners
            let mut index_same = true;
            undo.sections = Some(site.sections.clone());
            for op in ops {
                match op {
                    Op::Page(rel, page, draft) => {
                        let old = match page {
                            Some(p) => site.pages.insert(rel.clone(), p),
                            None => site.pages.remove(&rel),
                        };
                        index_same &= match (&old, site.pages.get(&rel)) {
                            (Some(a), Some(b)) => a.index_hash == b.index_hash,
                            _ => false,
                        };
                        undo.pages.push((rel.clone(), old));
                        undo.drafts.get_or_insert_with(|| site.drafts.clone());
                        if draft {
                            site.drafts.insert(rel.clone());
                        } else {
                            site.drafts.remove(&rel);
                        }
                        touched.insert(rel);
                    }
                    Op::Section(s) => {
                        index_same = false;
                        touched.insert(section_owner(&s.key));
                        site.sections.insert(s.key.clone(), s);
                    }
                    Op::Asset(r, a) => {
                        undo.assets.get_or_insert_with(|| site.assets.clone());
                        site.assets.retain(|x| x.out != r);
                        if let Some(a) = a {
                            site.assets.push(a);
                            site.assets.sort();
                        }
                    }
                }
            }
            // Re-resolve links of changed items and of items linking to them: an untouched
            // page's links are what they were, so the current back-links name every such page
            // (touched pages are re-resolved themselves). Links written `x.md` to a bundle
            // `x/index.md` are registered under `x.md`, covered by the same lookup.
            let mut resolve: BTreeSet<String> = touched.clone();
            for t in &touched {
                resolve.extend(site.linking_to(t).cloned());
                if let Some(stem) = t.strip_suffix("/index.md") {
                    resolve.extend(site.linking_to(&format!("{stem}.md")).cloned());
                }
            }
            // A body edit (same front matter, path and link targets) cannot change the index.
            let keep_index = !touched.is_empty() && index_same;
            undo.resolved = resolve
                .iter()
                .map(|r| (r.clone(), site.resolved.get(r).cloned()))
                .collect();
            undo.resolved_sections = Some(site.resolved_sections.clone());
            undo.index = Some(Arc::clone(&site.index));
            undo.warnings = Some(site.warnings.clone());
            if let Err(e) = site.assemble_with(Some(&resolve), keep_index) {
                undo.restore(site);
                self.renderer.set_data(self.data());
                return Err(e);
            }
            (resolve, keep_index)
        };
        laps.lap("assemble");

        let pages: Vec<String> = resolve
            .iter()
            .filter(|r| !r.ends_with("_index.md") || self.site.pages.contains_key(*r))
            .cloned()
            .collect();
        let values_undo = {
            let values = Arc::make_mut(&mut self.values);
            let undo = ValuesUndo {
                pages: pages
                    .iter()
                    .map(|r| (r.clone(), values.pages.get(r).cloned()))
                    .collect(),
                sections: values.sections.clone(),
                nav: values.nav.clone(),
            };
            values.update(&self.site, &pages);
            undo
        };
        laps.lap("values");
        let data = self.data();
        let renderer = new_renderer.as_ref().unwrap_or(&self.renderer);
        renderer.set_data(Arc::clone(&data));

        // Which outputs to render: new ones, and those reading a changed input. With the index
        // kept, the set of outputs is the same.
        let keys: Vec<OutputKey> = if keep_index {
            Vec::new()
        } else {
            render::outputs(&self.site)
        };
        let key_set: HashSet<&OutputKey> = keys.iter().collect();
        let live = |k: &OutputKey| keep_index || key_set.contains(k);
        let scope = Scope {
            pages: &pages,
            lists: !keep_index,
        };
        let new_fp: Vec<(Input, u64)> = fingerprints(&self.site, &self.values, &self.reverse, Some(scope))
            .into_iter()
            .filter(|(input, fp)| self.fingerprints.get(input) != Some(fp))
            .collect();
        let mut dirty: HashSet<OutputKey> = keys
            .iter()
            .filter(|k| !self.outputs.contains_key(*k))
            .cloned()
            .collect();
        for (input, _) in &new_fp {
            if let Some(outs) = self.reverse.get(input) {
                dirty.extend(outs.iter().filter(|k| live(k)).cloned());
            }
        }
        if !template_dirty.is_empty() {
            let users: BTreeSet<String> = renderer
                .templates
                .sources
                .keys()
                .filter(|t| renderer.templates.closure(t).iter().any(|u| template_dirty.contains(u)))
                .cloned()
                .collect();
            for t in users {
                if let Some(outs) = self.reverse.get(&Input::Template(t)) {
                    dirty.extend(outs.iter().filter(|k| live(k)).cloned());
                }
            }
        }
        let mut dirty: Vec<OutputKey> = dirty.into_iter().collect();
        dirty.sort();
        laps.lap(&format!("fingerprints, {} dirty", dirty.len()));
        let rendered = render_keys(renderer, &data, &dirty);
        renderer.clear_data();
        drop(data);
        let rendered = match rendered {
            Ok(r) => r,
            Err(e) => {
                values_undo.restore(Arc::make_mut(&mut self.values));
                undo.restore(Arc::make_mut(&mut self.site));
                self.renderer.set_data(self.data());
                return Err(e);
            }
        };
        laps.lap("render");

        // Commit.
        if let Some(r) = new_renderer {
            self.renderer = r;
        }
        let removed: Vec<OutputKey> = if keep_index {
            Vec::new()
        } else {
            self.outputs.keys().filter(|k| !key_set.contains(k)).cloned().collect()
        };
        drop(keys);
        let mut paths: Vec<String> = Vec::new();
        for k in removed {
            if let Some(p) = self.remove_output(&k) {
                paths.push(p);
            }
        }
        let rendered_count = rendered.len();
        for (key, out) in rendered {
            let same = self
                .outputs
                .get(&key)
                .is_some_and(|o| o.bytes == out.bytes && o.path == out.path);
            if !same {
                paths.push(out.path.clone());
            }
            self.insert_output(key, out);
        }
        for (k, v) in new_fp {
            self.fingerprints.insert(k, v);
        }
        if !statics_changed.is_empty() {
            paths.extend(self.refresh_statics_diff(&statics_changed)?);
        }
        paths.sort();
        paths.dedup();
        let changed = Changed::new(paths, rendered_count);
        self.generation += 1;
        laps.lap("commit");
        Ok(changed)
    }
}

/// A search-index build over a snapshot of the site.
pub struct SearchJob {
    site: Arc<Site>,
    values: Arc<Values>,
    generation: u64,
}

impl SearchJob {
    pub fn run(self) -> (u64, Vec<(String, Vec<u8>)>) {
        let docs = render::search::documents(&self.site, &self.values);
        let (files, _) = render::search::build_index(&docs);
        (self.generation, files)
    }
}

/// One change to the model, prepared before anything is changed.
enum Op {
    /// Put (`Some`) or remove (`None`) a page; `true` when it became a draft.
    Page(String, Option<Arc<Page>>, bool),
    Section(Arc<Section>),
    Asset(String, Option<Asset>),
}

/// What an in-place update replaced, to put back if the update fails.
#[derive(Default)]
struct SiteUndo {
    pages: Vec<(String, Option<Arc<Page>>)>,
    sections: Option<BTreeMap<String, Arc<Section>>>,
    drafts: Option<BTreeSet<String>>,
    assets: Option<Vec<Asset>>,
    resolved: Vec<(String, Option<Resolved>)>,
    resolved_sections: Option<HashMap<String, Resolved>>,
    index: Option<Arc<SiteIndex>>,
    warnings: Option<Vec<Diagnostic>>,
}

/// A map keyed by relative path whose entries an undo log can put back.
trait UndoMap<V> {
    /// Sets the entry, or removes it for `None` (the key was new).
    fn put(&mut self, key: String, old: Option<V>);

    /// Puts back the old entries; a key changed twice was recorded twice, so newest first.
    fn put_back(&mut self, entries: Vec<(String, Option<V>)>) {
        for (key, old) in entries.into_iter().rev() {
            self.put(key, old);
        }
    }
}

impl<V> UndoMap<V> for BTreeMap<String, V> {
    fn put(&mut self, key: String, old: Option<V>) {
        match old {
            Some(v) => self.insert(key, v),
            None => self.remove(&key),
        };
    }
}

impl<V, S: std::hash::BuildHasher> UndoMap<V> for HashMap<String, V, S> {
    fn put(&mut self, key: String, old: Option<V>) {
        match old {
            Some(v) => self.insert(key, v),
            None => self.remove(&key),
        };
    }
}

impl SiteUndo {
    fn restore(self, site: &mut Site) {
        site.pages.put_back(self.pages);
        if let Some(s) = self.sections {
            site.sections = s;
        }
        if let Some(d) = self.drafts {
            site.drafts = d;
        }
        if let Some(a) = self.assets {
            site.assets = a;
        }
        site.resolved.put_back(self.resolved);
        if let Some(r) = self.resolved_sections {
            site.resolved_sections = r;
        }
        if let Some(i) = self.index {
            site.index = i;
        }
        if let Some(w) = self.warnings {
            site.warnings = w;
        }
    }
}

/// What a values update replaced.
struct ValuesUndo {
    pages: Vec<(String, Option<render::values::PageValues>)>,
    sections: HashMap<String, (tera::Value, u64)>,
    nav: tera::Value,
}

impl ValuesUndo {
    fn restore(self, values: &mut Values) {
        values.pages.put_back(self.pages);
        values.sections = self.sections;
        values.nav = self.nav;
    }
}

fn render_keys(renderer: &Renderer, data: &RenderData, keys: &[OutputKey]) -> Result<Vec<(OutputKey, Output)>, Error> {
    let results: Vec<Result<(OutputKey, Output), Diagnostic>> = keys
        .par_iter()
        .map(|k| {
            let out = renderer.render(k, data)?;
            let mut inputs = out.inputs;
            inputs.sort();
            inputs.dedup();
            Ok((
                k.clone(),
                Output {
                    path: output_path(k, &data.site),
                    bytes: Arc::from(out.bytes),
                    inputs,
                },
            ))
        })
        .collect();
    let mut ok = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(o) => ok.push(o),
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        Ok(ok)
    } else {
        Err(Error::many(crate::build::dedupe(errors)))
    }
}

/// Which inputs an update can have changed.
#[derive(Clone, Copy)]
struct Scope<'a> {
    /// Pages whose values were rebuilt.
    pages: &'a [String],
    /// Whether the site index was rebuilt (lists, terms, years ... may have changed).
    lists: bool,
}

/// Fingerprints of the inputs outputs read. With a scope, per-page inputs are computed only
/// for the pages in it, and inputs derived from the index only when it was rebuilt; without
/// one, everything is.
fn fingerprints(
    site: &Site,
    values: &Values,
    reverse: &FxMap<Input, HashSet<OutputKey>>,
    scope: Option<Scope>,
) -> FxMap<Input, u64> {
    let only: Option<HashSet<&str>> = scope.map(|s| s.pages.iter().map(String::as_str).collect());
    let in_scope = |rel: &str| only.as_ref().is_none_or(|o| o.contains(rel));
    let lists = scope.is_none_or(|s| s.lists);
    let list_hash = |l: Option<&Vec<String>>| hash_of(&l.map(|v| v.as_slice()).unwrap_or(&[]));
    let inputs: Vec<&Input> = reverse.keys().collect();
    inputs
        .par_iter()
        .filter_map(|input| {
            let fp = match input {
                Input::PageMeta(r) if in_scope(r) => values.pages.get(r).map_or(0, |v| v.meta_hash),
                Input::PageFull(r) if in_scope(r) => values.pages.get(r).map_or(0, |v| v.full_hash),
                Input::PageMeta(_) | Input::PageFull(_) => return None,
                Input::Path(p) if !lists && !site.lookup(p).is_some_and(|(owner, _)| in_scope(&owner)) => return None,
                Input::Section(k) => values.sections.get(k).map_or(0, |s| s.1),
                _ if !lists && !matches!(input, Input::Path(_)) => return None,
                Input::Neighbours(r) => hash_of(&site.index.neighbours.get(r)),
                Input::Config | Input::Template(_) => return None,
                Input::SectionList(k) => list_hash(site.index.section_pages.get(k)),
                Input::SectionTree => hash_of(&(
                    site.sections
                        .iter()
                        .map(|(k, s)| (k, &s.title, &s.path, s.front.weight, s.front.in_nav))
                        .collect::<Vec<_>>(),
                    crate::render::values::nav_items(site),
                )),
                Input::Taxonomy(t) => hash_of(&site.index.taxonomy(t).map(|x| {
                    x.terms
                        .values()
                        .map(|term| (&term.name, term.pages.len()))
                        .collect::<Vec<_>>()
                })),
                Input::Term(t, slug) => hash_of(
                    &site
                        .index
                        .taxonomy(t)
                        .and_then(|x| x.terms.get(slug))
                        .map(|term| (&term.name, &term.pages)),
                ),
                Input::Years => hash_of(
                    &site
                        .index
                        .years
                        .iter()
                        .map(|(y, l)| {
                            (
                                y,
                                l.iter().map(|r| site.pages.get(r).map(|p| p.kind)).collect::<Vec<_>>(),
                            )
                        })
                        .collect::<Vec<_>>(),
                ),
                Input::Year(y) => list_hash(site.index.years.get(y)),
                Input::KindList(k) => {
                    let kind = crate::config::Kind::parse(k).unwrap_or(crate::config::Kind::Page);
                    list_hash(site.index.by_kind.get(&kind))
                }
                Input::Recent => hash_of(
                    &site
                        .index
                        .recent
                        .iter()
                        .map(|r| (r, site.pages.get(r).is_some_and(|p| p.front.date.is_some())))
                        .collect::<Vec<_>>(),
                ),
                Input::Publisher(p) => hash_of(&site.index.reports_by_publisher.get(p).map(|l| {
                    l.iter()
                        .filter_map(|r| site.pages.get(r))
                        .map(|q| {
                            (
                                &q.rel,
                                &q.path,
                                &q.front.title,
                                q.year,
                                q.front.metrics.as_ref().map(|m| {
                                    m.iter()
                                        .map(|x| (&x.key, x.value.to_bits(), &x.unit, &x.label))
                                        .collect::<Vec<_>>()
                                }),
                            )
                        })
                        .collect::<Vec<_>>()
                })),
                Input::ProjectRefs(r) => list_hash(site.index.project_refs.get(r)),
                Input::Metrics => hash_of(
                    &site
                        .index
                        .metrics
                        .series
                        .values()
                        .map(|s| {
                            (
                                &s.key,
                                &s.label,
                                &s.unit,
                                s.by_publisher
                                    .iter()
                                    .map(|(p, pts)| {
                                        (
                                            p,
                                            pts.iter()
                                                .map(|x| (x.year, x.value.to_bits(), &x.page))
                                                .collect::<Vec<_>>(),
                                        )
                                    })
                                    .collect::<Vec<_>>(),
                            )
                        })
                        .collect::<Vec<_>>(),
                ),
                Input::Path(p) => hash_of(&site.lookup(p).map(|(owner, path)| {
                    let full = site
                        .pages
                        .get(&owner)
                        .and_then(|_| values.pages.get(&owner))
                        .map_or(0, |v| v.full_hash);
                    (owner, path, full)
                })),
            };
            Some(((*input).clone(), fp))
        })
        .collect()
}
