//! `pufa build` as a library call: the [`Pipeline`] rendered into an output folder through
//! an [`output::Writer`].
//!
//! Order matters for memory and safety: the output folder is opened (and checked) first, so
//! the page bodies can wait in a file in its staging folder while the site loads; outputs are
//! then rendered in parallel and written as they come, the search index built from the page
//! outputs as they stream by; static files are copied; the writer commits last.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::content::bodies::BodySpill;
use crate::diagnostics::{Diagnostic, Error};
use crate::output::{Changes, Writer};
use crate::pipeline::{Pipeline, SiteSpec, load_config, strict_errors};
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
    let spill =
        BodySpill::create_in(writer.work_dir()).map_err(|e| Error::io(writer.work_dir(), &e, "创建临时文件"))?;
    let pipeline = Pipeline::from_config(&opts.spec, config, Some(Arc::new(spill)))?;
    laps.lap("load + assemble + values");
    let warnings = pipeline.warnings();
    if opts.strict {
        let errs = strict_errors(&warnings);
        if !errs.is_empty() {
            return Err(Error::many(errs));
        }
    }
    let keys = pipeline.outputs();
    let copies = pipeline.static_files(&pipeline.paths(&keys))?;
    let pb = progress_bar(opts.progress, keys.len() + copies.len());
    let mut indexer = pipeline.config().search.enabled.then(Indexer::default);
    let binding = pipeline.bind(false);
    pipeline.render(&binding, &keys, indexer.as_mut(), pb.as_ref(), |_, rel, out| {
        writer.put(&rel, out.bytes)
    })?;
    drop(binding);
    laps.lap("render + write");
    copy_files(&writer, &copies, pb.as_ref())?;
    laps.lap("copy");
    let search_files = match indexer {
        Some(ix) => write_search_index(&writer, ix)?,
        None => 0,
    };
    if let Some(pb) = pb {
        pb.finish_and_clear();
    }
    laps.lap("search");
    let changes = writer.commit()?;
    laps.lap("commit");
    let report = BuildReport {
        pages: pipeline.site.pages.len(),
        sections: pipeline.site.sections.len(),
        files: keys.len() + copies.len() + search_files,
        search_files,
        output_dir: out_dir,
        warnings,
        changes,
        elapsed: start.elapsed(),
    };
    Ok((report, pipeline))
}

fn copy_files(
    writer: &Writer,
    copies: &[crate::pipeline::CopiedFile],
    pb: Option<&indicatif::ProgressBar>,
) -> Result<(), Error> {
    let errors: Vec<Diagnostic> = copies
        .par_iter()
        .filter_map(|c| {
            let r = match &c.src {
                Source::Path(p) => writer.copy(p, &c.rel).err(),
                Source::Embedded(b) => writer.put(&c.rel, b.to_vec()).err(),
            };
            if let Some(pb) = pb {
                pb.inc(1);
            }
            r
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::many(errors))
    }
}

fn write_search_index(writer: &Writer, indexer: Indexer) -> Result<usize, Error> {
    let (files, _) = indexer.finish();
    let n = files.len();
    for (rel, bytes) in files {
        writer.put(&rel, bytes)?;
    }
    Ok(n)
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
    })
}
