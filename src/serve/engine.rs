//! The in-memory build serve mode keeps up to date: the [`Pipeline`] `pufa build` runs,
//! rendered once, then updated in place as files change.
//!
//! The [`Engine`] holds the pipeline, the rendered outputs and, for every output, the inputs
//! it read. [`Engine::apply`] takes a batch of changed paths through five steps:
//! [`classify`](Engine::classify) (content, templates, static files, or a full reload),
//! [`reparse`](Engine::reparse) the changed content files into [`Op`]s, `Site::apply` them
//! (links re-resolved only for the items an edit can affect, the index kept for body edits),
//! [`invalidate`](Engine::invalidate) the outputs that read a changed input (see
//! `invalidate`), render those, and [`commit`](Engine::commit). A failed update leaves the
//! last good site in place and is retried with the next change.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::config::Config;
use crate::content::Site;
use crate::content::loader::{self, FileUpdate};

use crate::content::update::{Applied, Op};
use crate::diagnostics::{Diagnostic, Error};
use crate::pipeline::cache::{BuildCache, SearchState, State};
use crate::pipeline::fingerprint::{Scope, fingerprints};
use crate::pipeline::incremental::{Earlier, search_index};
use crate::pipeline::{Bodies, Pipeline, SiteSpec};
use crate::render::{Binding, Input, OutputKey, Renderer, Values, values::PageValues};
use crate::theme::Source;
use crate::util::{FxMap, FxSet, abs};

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

/// Whether `raw` is (or was) a symlink under `content` (not resolved: the link itself).
fn is_content_link(raw: &Path, content: &Path) -> bool {
    let lexical = std::path::absolute(raw).unwrap_or_else(|_| raw.to_path_buf());
    let content = std::path::absolute(content).unwrap_or_else(|_| content.to_path_buf());
    lexical.starts_with(&content) && std::fs::symlink_metadata(&lexical).is_ok_and(|m| m.file_type().is_symlink())
}

/// One rendered output and what it read.
struct Output {
    path: String,
    bytes: Arc<[u8]>,
    inputs: Vec<Input>,
}

/// A batch of changed paths, sorted by what they mean.
#[derive(Default)]
struct Batch {
    /// Config, structure or the template set changed: everything is loaded again.
    full: bool,
    /// Content files (content-relative).
    content: BTreeSet<String>,
    templates: bool,
    /// Static files (absolute) and content assets (content-relative).
    statics: Vec<String>,
}

impl Batch {
    /// Whether any path of it is part of the site (not the output folder, the cache or an
    /// editor's temporary file).
    fn matters(&self) -> bool {
        self.full || self.templates || !self.content.is_empty() || !self.statics.is_empty()
    }
}

/// The live site.
pub struct Engine {
    pipeline: Pipeline,
    outputs: HashMap<OutputKey, Output>,
    by_path: HashMap<String, OutputKey>,
    reverse: FxMap<Input, FxSet<OutputKey>>,
    fingerprints: FxMap<Input, u64>,
    statics: BTreeMap<String, Source>,
    search: BTreeMap<String, Arc<[u8]>>,
    search_version: u64,
    /// The site the search index was last built from, and the index in its editable form.
    search_index: Option<(Arc<Site>, SearchState)>,
    /// Changes not yet applied because the last attempt failed.
    pending: BTreeSet<PathBuf>,
    /// Whether a full reload is owed (config, structure or template set changed).
    pending_full: bool,
    /// The error of the last attempt, when it failed.
    pub error: Option<Error>,
    /// Bumped on every successful update.
    pub generation: u64,
    /// The symlinks under content/: (canonical target, the link's content path), so a change
    /// to a linked file or folder re-reads the page published through the link.
    content_links: Vec<(PathBuf, String)>,
}

impl Engine {
    /// Loads and renders the whole site in memory.
    pub fn load(spec: SiteSpec) -> Result<Engine, Error> {
        let mut e = Self::from_pipeline(Pipeline::load(&spec, None)?);
        e.render_all()?;
        Ok(e)
    }

    /// Loads the site, reusing what the last `pufa serve` of it parsed (`.pufa-cache/`) and
    /// saving what it parsed now for the next start, in the background; renders nothing yet
    /// (see [`Engine::start_render`]). Static files can be served at once.
    pub fn open(spec: SiteSpec) -> Result<Engine, Error> {
        let config = crate::pipeline::load_config(&spec)?;
        let cache = BuildCache::open_for_serve(&config, spec.drafts).ok();
        let previous = cache.as_ref().and_then(BuildCache::load).map(|s| Arc::new(s.parsed));
        let spill = cache
            .as_ref()
            .and_then(|c| c.bodies(previous.is_some()).ok())
            .map(Arc::new);
        let how = Bodies {
            previous: spill.as_ref().and(previous),
            spill,
            render_once: false,
        };
        let mut e = Self::from_pipeline(Pipeline::from_config(&spec, config, how)?);
        e.refresh_statics()?;
        if let Some(cache) = cache {
            let site = Arc::clone(&e.pipeline.site);
            std::thread::spawn(move || {
                let state = State::of_load(&site);
                if cache.save(&state, None).is_err() {
                    cache.clear();
                }
            });
        }
        Ok(e)
    }

    fn from_pipeline(pipeline: Pipeline) -> Engine {
        let content_links = loader::content_links(pipeline.config());
        Engine {
            content_links,
            pipeline,
            outputs: HashMap::new(),
            by_path: HashMap::new(),
            reverse: FxMap::default(),
            fingerprints: FxMap::default(),
            statics: BTreeMap::new(),
            search: BTreeMap::new(),
            search_version: 0,
            search_index: None,
            pending: BTreeSet::new(),
            pending_full: false,
            error: None,
            generation: 1,
        }
    }

    /// The binding the first render of an [`Engine::open`]ed site uses, with the output path
    /// of every output: the server renders a page from it when a browser asks for one before
    /// [`Engine::finish_render`] has rendered everything.
    pub fn start_render(&self) -> (Arc<Binding>, HashMap<String, OutputKey>) {
        let keys = self.pipeline.outputs();
        (Arc::new(self.pipeline.bind(true)), self.pipeline.paths(&keys))
    }

    /// Renders every output with `binding` (from [`Engine::start_render`]).
    pub fn finish_render(&mut self, binding: &Binding) -> Result<(), Error> {
        let keys = self.pipeline.outputs();
        let res = render_with(&self.pipeline, binding, &keys).and_then(|r| self.install_all(r));
        // Nothing to update incrementally from: the next change loads everything again.
        self.pending_full |= res.is_err();
        res
    }

    pub fn spec(&self) -> &SiteSpec {
        &self.pipeline.spec
    }

    pub fn config(&self) -> &Arc<Config> {
        self.pipeline.config()
    }

    pub fn site(&self) -> &Site {
        &self.pipeline.site
    }

    /// The site's shared pointer (serve mode hands the editor a `Weak` to it).
    pub fn site_shared(&self) -> &Arc<Site> {
        &self.pipeline.site
    }

    pub fn warnings(&self) -> Vec<Diagnostic> {
        self.pipeline.warnings()
    }

    /// Renders every output and lists the static files.
    fn render_all(&mut self) -> Result<(), Error> {
        let keys = self.pipeline.outputs();
        let rendered = render_keys(&self.pipeline, &self.pipeline.renderer, &keys)?;
        self.install_all(rendered)
    }

    /// Makes `rendered` the site's outputs, with the static files and fingerprints.
    fn install_all(&mut self, rendered: Vec<(OutputKey, Output)>) -> Result<(), Error> {
        self.outputs.clear();
        self.by_path.clear();
        self.reverse.clear();
        for (key, out) in rendered {
            self.insert_output(key, out);
        }
        self.refresh_statics()?;
        let p = &self.pipeline;
        self.fingerprints = fingerprints(&p.site, &p.values, &p.renderer.templates, self.reverse.keys(), None);
        if !self.config().search.enabled {
            // Turned off in the config: the old index must not be served any more.
            self.search.clear();
        }
        Ok(())
    }

    fn insert_output(&mut self, key: OutputKey, out: Output) {
        // Rendered again with the same reads (a template edit): the reverse map holds already.
        if let Some(old) = self.outputs.get_mut(&key)
            && old.inputs == out.inputs
            && old.path == out.path
        {
            old.bytes = out.bytes;
            return;
        }
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
        let content = abs(&self.config().content_dir());
        let touched: HashSet<PathBuf> = changed
            .iter()
            .map(|c| {
                let p = PathBuf::from(c);
                if p.is_absolute() {
                    abs(&p)
                } else {
                    abs(&crate::util::fs_path(&content, c))
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
        out.extend(before.keys().filter(|k| !self.statics.contains_key(*k)).cloned());
        Ok(out.into_iter().collect())
    }

    fn refresh_statics(&mut self) -> Result<(), Error> {
        let rendered = self.pipeline.paths(&self.pipeline.outputs());
        self.statics = self
            .pipeline
            .static_files(&rendered)?
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
        if let Some(b) = self.search.get(path) {
            return Some(Entry::Bytes(Arc::clone(b)));
        }
        let made = self.outputs.values().flat_map(|o| crate::pipeline::made_by(&o.inputs));
        self.made_entry(made.into_iter().find(|d| d.out == path)?)
    }

    /// The images `resize_image` made for the outputs now, by output path.
    fn made(&self) -> BTreeMap<&str, &crate::render::images::Derived> {
        let outputs = self.outputs.values();
        outputs
            .flat_map(|o| crate::pipeline::made_by(&o.inputs))
            .map(|d| (d.out.as_str(), d))
            .collect()
    }

    fn made_entry(&self, d: &crate::render::images::Derived) -> Option<Entry> {
        let file = crate::render::images::make(self.config(), d).ok()?;
        Some(Entry::File(Source::Path(file)))
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
        for (rel, d) in self.made() {
            out.extend(self.made_entry(d).map(|e| (rel.to_string(), e)));
        }
        out
    }

    /// Every file the site has now, with its bytes (for tests: compare with `pufa build`).
    pub fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        self.entries()
            .into_iter()
            .map(|(p, e)| (p, e.bytes().map(|b| b.to_vec()).unwrap_or_default()))
            .collect()
    }

    /// A search-index build of the current site, to run on another thread; it updates the
    /// index of the last job (documents whose page changed are replaced), when there is one.
    pub fn search_job(&mut self) -> Option<SearchJob> {
        if !self.search_stale() {
            return None;
        }
        Some(SearchJob {
            site: Arc::clone(&self.pipeline.site),
            values: Arc::clone(&self.pipeline.values),
            generation: self.generation,
            previous: self.search_index.take(),
        })
    }

    /// Installs the result of a [`SearchJob`] unless the site changed since (its index is kept
    /// to update next time either way); returns whether it did.
    pub fn install_search(&mut self, done: SearchDone) -> bool {
        self.search_index = done.index;
        if done.generation != self.generation {
            return false;
        }
        self.search = done.files.into_iter().map(|(p, b)| (p, Arc::from(b))).collect();
        self.search_version = done.generation;
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
        self.install_search(job.run())
    }

    /// Whether the search index is older than the site.
    pub fn search_stale(&self) -> bool {
        self.config().search.enabled && self.search_version != self.generation
    }

    /// Applies a batch of changed paths (anywhere). On failure the last good site stays and
    /// the paths are kept to be retried with the next batch.
    pub fn apply(&mut self, paths: &[PathBuf]) -> Result<Changed, Error> {
        // While an error stands, only a change to the site can mend it: pufa's own writes to
        // the output folder or its cache leave it as it is (and do not print it again).
        if self.error.is_some() && !self.classify(paths)?.matters() {
            return Ok(Changed::default());
        }
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
        self.pending_full = true;
        let before = self.file_hashes();
        let fresh = Pipeline::load(&self.pipeline.spec, None)?;
        let old = std::mem::replace(&mut self.pipeline, fresh);
        if let Err(e) = self.render_all() {
            self.pipeline = old;
            return Err(e);
        }
        self.content_links = loader::content_links(self.config());
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
        let mut batch = self.classify(paths)?;
        if batch.full || self.pending_full {
            return self.full_reload();
        }
        if batch.content.is_empty() && !batch.templates {
            if batch.statics.is_empty() {
                return Ok(Changed::default());
            }
            // An output read one of these files (a shortcode's image or data file): render
            // again what read it.
            let root = abs(&self.config().root); // the batch's paths are absolute
            let read = |s: &String| {
                let rel = crate::diagnostics::display_path(Path::new(s), &root);
                self.reverse.contains_key(&crate::render::Input::File(rel))
            };
            if batch.statics.iter().any(read) {
                return self.full_reload();
            }
            let paths = self.refresh_statics_diff(&batch.statics)?;
            self.generation += 1;
            return Ok(Changed::new(paths, 0));
        }
        // A template syntax error stops here, before anything changed.
        let new_renderer = self.templates(batch.templates)?;
        let Some(ops) = self.reparse(&mut batch)? else {
            return self.full_reload();
        };
        laps.lap("parse");
        // No content op (a template edit): the site is not touched, so not copied either
        // (make_mut clones it while a render elsewhere holds it).
        let applied = match ops.is_empty() {
            true => crate::content::update::Applied::nothing(),
            false => Arc::make_mut(&mut self.pipeline.site).apply(ops)?,
        };
        laps.lap("assemble");
        let pages: Vec<String> = applied
            .resolved
            .iter()
            .filter(|r| self.pipeline.site.pages.contains_key(*r))
            .cloned()
            .collect();
        let values_undo = self.update_values(&pages);
        laps.lap("values");
        let renderer = new_renderer
            .clone()
            .unwrap_or_else(|| Arc::clone(&self.pipeline.renderer));
        let keys = (!applied.index_kept).then(|| self.pipeline.outputs());
        let scope = Scope {
            pages: &pages,
            lists: !applied.index_kept,
            templates: new_renderer.is_some(),
        };
        let (dirty, new_fp) = self.invalidate(keys.as_deref(), scope, &renderer);
        laps.lap(&format!("fingerprints, {} dirty", dirty.len()));
        let rendered = match render_keys(&self.pipeline, &renderer, &dirty) {
            Ok(r) => r,
            Err(e) => {
                self.roll_back(applied, values_undo);
                return Err(e);
            }
        };
        laps.lap("render");
        let changed = self.commit(new_renderer, keys, rendered, new_fp, &batch.statics)?;
        laps.lap("commit");
        Ok(changed)
    }

    /// Sorts changed paths into content, templates, static files and what needs a full reload.
    fn classify(&self, paths: &[PathBuf]) -> Result<Batch, Error> {
        let config = self.config();
        let root = abs(&config.root);
        let config_file = abs(&config.file);
        let content = abs(&config.content_dir());
        let theme = match crate::theme::resolve(config)? {
            crate::theme::Theme::Dir(d) => Some(abs(&d)),
            crate::theme::Theme::Builtin => None,
        };
        let in_theme = |p: &Path, sub: &str| theme.as_ref().is_some_and(|t| p.starts_with(t.join(sub)));
        let output_dir = abs(&config.output_dir);
        let mut batch = Batch::default();
        for raw in paths {
            if is_content_link(raw, &config.content_dir()) {
                // A link under content/ appeared, went or now points elsewhere.
                batch.full = true;
            }
            let p = abs(raw);
            batch.content.extend(self.linked_paths(&p));
            let ignored = p
                .file_name()
                .is_some_and(|n| crate::util::is_ignored_name(&n.to_string_lossy()));
            if ignored || (p.starts_with(&output_dir) && !content.starts_with(&output_dir)) {
                continue;
            }
            if p == config_file || p == root || theme.as_ref() == Some(&p) {
                batch.full = true;
            } else if let Ok(rel) = p.strip_prefix(&content) {
                let rel = rel.to_string_lossy().replace('\\', "/");
                if rel.is_empty() {
                    batch.full = true;
                } else {
                    batch.content.insert(rel);
                }
            } else if p.starts_with(root.join("templates")) || in_theme(&p, "templates") {
                let known = self
                    .pipeline
                    .renderer
                    .templates
                    .sources
                    .values()
                    .any(|s| abs(&s.path) == p);
                if !known && !p.exists() {
                    // An editor's temporary file, already gone: the templates are as they were.
                    continue;
                }
                batch.templates = true;
                if p.is_dir() || !p.exists() || !known {
                    // A template appeared or went: which template renders what may change.
                    batch.full = true;
                }
            } else if p.starts_with(root.join("static")) || in_theme(&p, "static") {
                batch.statics.push(p.to_string_lossy().into_owned());
            }
        }
        Ok(batch)
    }

    /// The content paths that publish `p` through a symlink (the link itself, or the file's
    /// place inside a linked folder).
    fn linked_paths(&self, p: &Path) -> Vec<String> {
        self.content_links
            .iter()
            .filter_map(|(target, rel)| {
                let inner = p.strip_prefix(target).ok()?;
                let inner = inner.to_string_lossy().replace('\\', "/");
                Some(if inner.is_empty() {
                    rel.clone()
                } else {
                    format!("{rel}/{inner}")
                })
            })
            .collect()
    }

    /// A new renderer when templates changed.
    fn templates(&self, changed: bool) -> Result<Option<Arc<Renderer>>, Error> {
        Ok(match changed {
            true => Some(Arc::new(Renderer::new(self.config())?)),
            false => None,
        })
    }

    /// Parses the changed content files into ops; `None` when the change needs a full reload
    /// (a section or bundle appeared or went). Nothing changes until all of them parsed.
    fn reparse(&self, batch: &mut Batch) -> Result<Option<Vec<Op>>, Error> {
        let config = self.config();
        let drafts = self.pipeline.spec.drafts;
        let known: BTreeSet<String> = self.site().sections.keys().cloned().collect();
        let mut ops: Vec<Op> = Vec::new();
        let mut errors: Vec<Diagnostic> = Vec::new();
        for rel in &batch.content {
            let update = match loader::reload_file(config, rel, drafts, &known) {
                Ok(FileUpdate::Bundle(bundle)) => {
                    batch.statics.push(bundle.clone());
                    match loader::reload_file(config, &bundle, drafts, &known) {
                        Ok(FileUpdate::Page(p)) => Ok(FileUpdate::Page(p)).map(|u| (bundle, u)),
                        Ok(_) => return Ok(None),
                        Err(ds) => Err(ds),
                    }
                }
                other => other.map(|u| (rel.clone(), u)),
            };
            match update {
                Ok((r, FileUpdate::Page(p))) => ops.push(Op::Page(r, Some(Arc::new(*p)), false)),
                Ok((_, FileUpdate::Section(s))) => ops.push(Op::Section(Arc::new(*s))),
                Ok((_, FileUpdate::Draft(r))) => ops.push(Op::Page(r, None, true)),
                Ok((_, FileUpdate::Removed(r))) => ops.push(Op::Page(r, None, false)),
                Ok((_, FileUpdate::Asset(r, a))) => {
                    batch.statics.push(r.clone());
                    ops.push(Op::Asset(r, a));
                }
                Ok((_, FileUpdate::Bundle(_) | FileUpdate::Structure)) => return Ok(None),
                Ok((_, FileUpdate::Ignored)) => {}
                Err(ds) => errors.extend(ds),
            }
        }
        if !errors.is_empty() {
            return Err(Error::many(errors));
        }
        Ok(Some(ops))
    }

    /// Rebuilds the values of `pages` and of every section; returns what they replaced.
    fn update_values(&mut self, pages: &[String]) -> ValuesUndo {
        let values = Arc::make_mut(&mut self.pipeline.values);
        let undo = ValuesUndo {
            pages: pages
                .iter()
                .map(|r| (r.clone(), values.pages.get(r).cloned()))
                .collect(),
            sections: values.sections.clone(),
            nav: values.nav.clone(),
        };
        values.update(&self.pipeline.site, pages);
        undo
    }

    /// The outputs to render again: new ones (when the set of outputs `keys` was recomputed)
    /// and those reading an input whose fingerprint changed (templates included). Returns them
    /// with the new fingerprints.
    fn invalidate(
        &self,
        keys: Option<&[OutputKey]>,
        scope: Scope,
        renderer: &Renderer,
    ) -> (Vec<OutputKey>, Vec<(Input, u64)>) {
        let (site, values) = (&self.pipeline.site, &self.pipeline.values);
        let inputs = self.reverse.keys();
        let new_fp: Vec<(Input, u64)> = fingerprints(site, values, &renderer.templates, inputs, Some(scope))
            .into_iter()
            .filter(|(input, fp)| self.fingerprints.get(input) != Some(fp))
            .collect();
        let key_set: Option<HashSet<&OutputKey>> = keys.map(|k| k.iter().collect());
        let live = |k: &OutputKey| key_set.as_ref().is_none_or(|s| s.contains(k));
        let mut dirty: HashSet<OutputKey> = keys
            .unwrap_or(&[])
            .iter()
            .filter(|k| !self.outputs.contains_key(*k))
            .cloned()
            .collect();
        for (input, _) in &new_fp {
            if let Some(outs) = self.reverse.get(input) {
                dirty.extend(outs.iter().filter(|k| live(k)).cloned());
            }
        }
        let mut dirty: Vec<OutputKey> = dirty.into_iter().collect();
        dirty.sort();
        (dirty, new_fp)
    }

    /// Puts the site and values back after a failed render.
    fn roll_back(&mut self, applied: Applied, values: ValuesUndo) {
        values.restore(Arc::make_mut(&mut self.pipeline.values));
        Arc::make_mut(&mut self.pipeline.site).undo(applied.undo);
    }

    /// Installs an update: the new renderer, the outputs that are gone (when the set of
    /// outputs was recomputed), the rendered ones, the new fingerprints and static files.
    fn commit(
        &mut self,
        new_renderer: Option<Arc<Renderer>>,
        keys: Option<Vec<OutputKey>>,
        rendered: Vec<(OutputKey, Output)>,
        new_fp: Vec<(Input, u64)>,
        statics: &[String],
    ) -> Result<Changed, Error> {
        if let Some(r) = new_renderer {
            self.pipeline.renderer = r;
        }
        let mut paths: Vec<String> = Vec::new();
        if let Some(keys) = keys {
            let key_set: HashSet<OutputKey> = keys.into_iter().collect();
            let gone: Vec<OutputKey> = self.outputs.keys().filter(|k| !key_set.contains(*k)).cloned().collect();
            paths.extend(gone.iter().filter_map(|k| self.remove_output(k)));
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
            // Images made before and now: gone, new, or made again from a changed original.
            if let Some(old) = self.outputs.get(&key) {
                paths.extend(crate::pipeline::made_by(&old.inputs).map(|d| d.out.clone()));
            }
            paths.extend(crate::pipeline::made_by(&out.inputs).map(|d| d.out.clone()));
            self.insert_output(key, out);
        }
        self.fingerprints.extend(new_fp);
        if !statics.is_empty() {
            paths.extend(self.refresh_statics_diff(statics)?);
        }
        paths.sort();
        paths.dedup();
        self.generation += 1;
        Ok(Changed::new(paths, rendered_count))
    }
}

/// A search-index build over a snapshot of the site.
pub struct SearchJob {
    site: Arc<Site>,
    values: Arc<Values>,
    generation: u64,
    /// The site the last index was built from, and that index.
    previous: Option<(Arc<Site>, SearchState)>,
}

/// What a [`SearchJob`] made.
pub struct SearchDone {
    generation: u64,
    files: Vec<(String, Vec<u8>)>,
    index: Option<(Arc<Site>, SearchState)>,
}

impl SearchDone {
    /// The output paths of the index files.
    pub fn paths(&self) -> impl Iterator<Item = &String> {
        self.files.iter().map(|(p, _)| p)
    }
}

impl SearchJob {
    /// Builds the index; an unreadable body gives an empty index (the error shows elsewhere).
    pub fn run(self) -> SearchDone {
        let (prev_site, prev) = match self.previous {
            Some((s, st)) => (Some(s), Some(st)),
            None => (None, None),
        };
        let earlier = prev_site.as_deref().map(Earlier::Site);
        match search_index(prev, earlier, &self.site, &self.values) {
            Ok(state) => SearchDone {
                generation: self.generation,
                files: state.indexer.finish().0,
                index: Some((self.site, state)),
            },
            Err(_) => SearchDone {
                generation: self.generation,
                files: Vec::new(),
                index: None,
            },
        }
    }
}

/// What a values update replaced.
struct ValuesUndo {
    pages: Vec<(String, Option<PageValues>)>,
    sections: HashMap<String, (tera::Value, u64)>,
    nav: tera::Value,
}

impl ValuesUndo {
    fn restore(self, values: &mut Values) {
        use crate::content::update::UndoMap;
        values.pages.put_back(self.pages);
        values.sections = self.sections;
        values.nav = self.nav;
    }
}

/// Renders `keys` with `renderer` over the pipeline's current site, recording what each read.
fn render_keys(
    pipeline: &Pipeline,
    renderer: &Arc<Renderer>,
    keys: &[OutputKey],
) -> Result<Vec<(OutputKey, Output)>, Error> {
    render_with(pipeline, &renderer.bind(pipeline.data(), true), keys)
}

/// Renders `keys` with a binding that records.
fn render_with(pipeline: &Pipeline, binding: &Binding, keys: &[OutputKey]) -> Result<Vec<(OutputKey, Output)>, Error> {
    let out: Mutex<Vec<(OutputKey, Output)>> = Mutex::new(Vec::with_capacity(keys.len()));
    pipeline.render(binding, keys, None, None, |key, path, r| {
        let o = Output {
            path,
            bytes: Arc::from(r.bytes),
            inputs: r.inputs,
        };
        if let Ok(mut v) = out.lock() {
            v.push((key.clone(), o));
        }
        Ok(())
    })?;
    Ok(out.into_inner().unwrap_or_default())
}
