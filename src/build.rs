//! `pufa build` as a library call: the [`Pipeline`] rendered into an output folder through
//! an [`output::Writer`].
//!
//! Order matters for memory and safety: the output folder is opened (and checked) first, so
//! the page bodies can wait in a file in its staging folder while the site loads; outputs are
//! then rendered in parallel and written as they come, the search index built from the page
//! outputs as they stream by; static files are copied; the writer commits last.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::content::bodies::BodySpill;
use crate::content::reuse::Stamp;
use crate::diagnostics::{Diagnostic, Error};
use crate::output::{Changes, Writer};
use crate::pipeline::cache::{BuildCache, SearchState, State, StoredSearch};
use crate::pipeline::incremental::{self, Plan, Rendered};
use crate::pipeline::{Bodies, Pipeline, SiteSpec, load_config, strict_errors};
use crate::render::OutputKey;
use crate::render::search::Indexer;
use crate::theme::Source;

/// Options of a build to disk.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub spec: SiteSpec,
    /// Overrides the config's `output_dir`.
    pub output: Option<PathBuf>,
    /// Treat check warnings as errors.
    pub strict: bool,
    /// Show a progress bar.
    pub progress: bool,
    /// Use and update the build cache (see `pipeline::cache`).
    pub cache: bool,
}

/// What a build did.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub pages: usize,
    pub sections: usize,
    /// Files of the site (rendered + copied + search index).
    pub files: usize,
    pub search_files: usize,
    pub output_dir: PathBuf,
    pub warnings: Vec<Diagnostic>,
    /// What changed in the output folder.
    pub changes: Changes,
    pub elapsed: Duration,
}

/// Builds the site to disk.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Error> {
    build_keeping_model(opts).map(|(report, _)| report)
}

/// Like [`build`], also handing back the loaded site: a command that exits right after the
/// build can leave it to the operating system instead of freeing it piece by piece (for
/// 10,000 pages that takes a tenth of a second).
pub fn build_keeping_model(opts: &BuildOptions) -> Result<(BuildReport, Pipeline), Error> {
    let start = Instant::now();
    let laps = crate::util::Laps::start("");
    let config = load_config(&opts.spec)?;
    let out_dir = opts.output.clone().unwrap_or_else(|| config.output_dir.clone());
    let writer = Writer::open(&out_dir, &config)?;
    let (cache, mut previous) = open_cache(opts, &config, &writer);
    laps.lap("open output + cache");
    let parsed = previous.as_mut().map(|s| Arc::new(std::mem::take(&mut s.parsed)));
    let spill = match &cache {
        Some(c) => c.bodies(previous.is_some()),
        None => BodySpill::create_in(writer.work_dir()),
    }
    .map_err(|e| Error::io(writer.work_dir(), &e, "创建临时文件"))?;
    let how = Bodies {
        spill: Some(Arc::new(spill)),
        previous: parsed.clone(),
        render_once: true,
    };
    let pipeline = Pipeline::from_config(&opts.spec, config, how)?;
    laps.lap("load + assemble + values");
    let mut warnings = pipeline.warnings();
    if opts.strict {
        let errs = strict_errors(&warnings);
        if !errs.is_empty() {
            return Err(Error::many(errs));
        }
    }
    let keys = pipeline.outputs();
    let paths = pipeline.paths(&keys);
    let copies = pipeline.static_files(&paths)?;
    let missing = pipeline.missing_images(&paths, &copies);
    if !missing.is_empty() {
        return Err(Error::many(missing));
    }
    warnings.extend(pipeline.missing_site_paths(&paths, &copies));
    drop(paths);
    crate::diagnostics::sort_diagnostics(&mut warnings);
    let plan = match &previous {
        Some(state) => incremental::plan(state, &pipeline, &keys, &writer)?,
        None => Plan {
            render: keys.clone(),
            kept: Vec::new(),
            fingerprints: Default::default(),
        },
    };
    laps.lap(&format!("plan: {} to render", plan.render.len()));
    let pb = progress_bar(opts.progress, plan.render.len() + copies.len());
    let search_on = pipeline.config().search.enabled;
    let mut streamed = (search_on && previous.is_none()).then(Indexer::default);
    let (rendered, made) = render(
        &pipeline,
        &writer,
        &plan.render,
        cache.is_some(),
        streamed.as_mut(),
        pb.as_ref(),
    )?;
    laps.lap("render + write");
    let made = made_files(&pipeline, previous.as_ref(), &plan.kept, made, &copies)?;
    let old_copies = previous.as_ref().map(|s| &s.copies);
    let mut copied = copy_files(&writer, &copies, old_copies, pb.as_ref())?;
    copied.extend(copy_files(&writer, &made, old_copies, None)?);
    laps.lap("copy");
    let (search, search_files) = match (search_on, streamed) {
        (false, _) => (None, 0),
        (true, Some(indexer)) => {
            let docs = incremental::indexed_docs(&pipeline.site, &pipeline.values);
            let files = write_search_index(&writer, &indexer)?;
            let n = files.len();
            (Some((SearchState { docs, indexer }, files)), n)
        }
        (true, None) => match kept_search(previous.as_ref(), &pipeline, &writer)? {
            Some(n) => (None, n),
            None => {
                let stored = previous.as_ref().and_then(|s| s.stored.search.as_ref());
                let prev = stored.zip(cache.as_ref()).and_then(|(s, c)| c.load_search(s));
                let earlier = parsed.as_deref().map(incremental::Earlier::Parsed);
                let state = incremental::search_index(prev, earlier, &pipeline.site, &pipeline.values)?;
                let files = write_search_index(&writer, &state.indexer)?;
                let n = files.len();
                (Some((state, files)), n)
            }
        },
    };
    if let Some(pb) = pb {
        pb.finish_and_clear();
    }
    // A new index goes into the cache now and out of memory: nothing after this reads it.
    let stored_search = match (&cache, search) {
        (Some(c), Some((state, files))) => Some(c.store_search(&state, files)),
        _ => None,
    };
    laps.lap("search");
    let changes = writer.commit()?;
    laps.lap("commit");
    if let Some(c) = &cache {
        let mut state = incremental::next_state(
            &pipeline,
            previous.as_ref(),
            plan.kept,
            rendered,
            plan.fingerprints,
            copied,
        );
        let saved = match stored_search {
            Some(Err(_)) => Err(()),
            Some(Ok(stored)) => {
                state.stored.search = Some(stored);
                c.save(&state, parsed.as_deref()).map_err(|_| ())
            }
            None => c.save(&state, parsed.as_deref()).map_err(|_| ()),
        };
        if saved.is_err() {
            c.clear();
        }
        laps.lap("save cache");
    }
    let report = BuildReport {
        pages: pipeline.site.pages.len(),
        sections: pipeline.site.sections.len(),
        files: keys.len() + copies.len() + made.len() + search_files,
        search_files,
        output_dir: out_dir,
        warnings,
        changes,
        elapsed: start.elapsed(),
    };
    Ok((report, pipeline))
}

/// The build cache for this site and output, and its state when this build can use it (an
/// output folder that is new cannot: nothing in it can be kept). A site folder where the
/// cache cannot be written builds without one.
fn open_cache(
    opts: &BuildOptions,
    config: &crate::config::Config,
    writer: &Writer,
) -> (Option<BuildCache>, Option<State>) {
    if !opts.cache {
        return (None, None);
    }
    let Ok(cache) = BuildCache::open(config, opts.spec.drafts, writer.target()) else {
        return (None, None);
    };
    let state = if writer.is_fresh() { None } else { cache.load() };
    (Some(cache), state)
}

/// The images made by `resize_image` at render time: those of the outputs rendered now and
/// those the previous build recorded for the outputs kept, as files to copy.
fn made_files(
    p: &Pipeline,
    previous: Option<&State>,
    kept: &[crate::pipeline::cache::OutputRecord],
    mut made: Made,
    copies: &[crate::pipeline::CopiedFile],
) -> Result<Vec<crate::pipeline::CopiedFile>, Error> {
    if let Some(state) = previous {
        for r in kept {
            let inputs = r.inputs.iter().filter_map(|i| state.inputs.get(*i as usize));
            for (input, _) in inputs {
                if let crate::render::Input::Image(d) = input {
                    made.insert(d.out.clone(), d.clone());
                }
            }
        }
    }
    crate::pipeline::made_files(p.config(), made.values(), copies)
}

/// Images made at render time, by output path.
type Made = BTreeMap<String, crate::render::images::Derived>;

/// Renders `keys` into `writer`; with `record`, returns each output with what it read. Also
/// returns the images `resize_image` made for them.
fn render(
    p: &Pipeline,
    writer: &Writer,
    keys: &[OutputKey],
    record: bool,
    index: Option<&mut Indexer>,
    pb: Option<&indicatif::ProgressBar>,
) -> Result<(Rendered, Made), Error> {
    let binding = p.bind(record);
    let records: Mutex<Rendered> = Mutex::new(Rendered::default());
    let made: Mutex<Made> = Mutex::new(Made::new());
    p.render(&binding, keys, index, pb, |key, rel, out| {
        let images: Vec<_> = crate::pipeline::made_by(&out.inputs).cloned().collect();
        if !images.is_empty()
            && let Ok(mut m) = made.lock()
        {
            m.extend(images.into_iter().map(|d| (d.out.clone(), d)));
        }
        if record && let Ok(mut r) = records.lock() {
            r.add(key.clone(), rel.clone(), out.inputs);
        }
        writer.put(&rel, out.bytes)
    })?;
    Ok((
        records.into_inner().unwrap_or_default(),
        made.into_inner().unwrap_or_default(),
    ))
}

/// A copied file's source and its stamp.
type CopyStamp = (PathBuf, Stamp);

/// Copies the static files; a file whose source has the stamp it had in the previous build
/// and is still in the output is kept without reading it. Returns every source's stamp.
fn copy_files(
    writer: &Writer,
    copies: &[crate::pipeline::CopiedFile],
    before: Option<&HashMap<String, (PathBuf, Stamp)>>,
    pb: Option<&indicatif::ProgressBar>,
) -> Result<HashMap<String, (PathBuf, Stamp)>, Error> {
    let results: Vec<Result<Option<(String, CopyStamp)>, Diagnostic>> = copies
        .par_iter()
        .map(|c| {
            if let Some(pb) = pb {
                pb.inc(1);
            }
            let src = match &c.src {
                Source::Embedded(b) => return writer.put(&c.rel, b.to_vec()).map(|_| None),
                Source::Path(src) => src,
            };
            let stamp = Stamp::of(src);
            let same =
                stamp.is_some() && before.and_then(|b| b.get(&c.rel)) == stamp.map(|s| (src.clone(), s)).as_ref();
            if !(same && writer.keep(&c.rel)?) {
                writer.copy(src, &c.rel)?;
            }
            Ok(stamp.map(|s| (c.rel.clone(), (src.clone(), s))))
        })
        .collect();
    let mut stamps = HashMap::new();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(Some((rel, v))) => {
                stamps.insert(rel, v);
            }
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(stamps)
    } else {
        Err(Error::many(errors))
    }
}

/// Writes the search index's files; returns their output paths.
fn write_search_index(writer: &Writer, indexer: &Indexer) -> Result<Vec<String>, Error> {
    let (files, _) = indexer.finish();
    let mut names = Vec::with_capacity(files.len());
    for (rel, bytes) in files {
        writer.put(&rel, bytes)?;
        names.push(rel);
    }
    Ok(names)
}

/// When the indexed documents are the ones the stored search index was built from and its
/// files are still in the output, keeps them without reading the index: returns how many.
fn kept_search(previous: Option<&State>, p: &Pipeline, writer: &Writer) -> Result<Option<usize>, Error> {
    let Some(stored) = previous.and_then(|s| s.stored.search.as_ref()) else {
        return Ok(None);
    };
    let docs = incremental::indexed_docs(&p.site, &p.values);
    if StoredSearch::docs_print(&docs) != stored.docs {
        return Ok(None);
    }
    if !stored.files.iter().all(|f| writer.can_keep(f)) {
        return Ok(None);
    }
    for f in &stored.files {
        writer.keep(f)?;
    }
    Ok(Some(stored.files.len()))
}

fn progress_bar(enabled: bool, total: usize) -> Option<indicatif::ProgressBar> {
    if !enabled || total < 200 || !console::Term::stdout().is_term() {
        return None;
    }
    let pb = indicatif::ProgressBar::new(total as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} 生成中 [{bar:30}] {pos}/{len} {msg}") {
        pb.set_style(style.progress_chars("=> "));
    }
    Some(pb)
}

/// For tests and tools: a build into `out` of the site at `root`.
pub fn build_to(root: &Path, out: &Path) -> Result<BuildReport, Error> {
    build(&BuildOptions {
        spec: SiteSpec::new(root),
        output: Some(out.to_path_buf()),
        strict: false,
        progress: false,
        cache: false,
    })
}
