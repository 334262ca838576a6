//! The pipeline driver: load → model → render → write, used by `pufa build` and `pufa check`
//! (to disk) and, piece by piece, by `pufa serve` (in memory).
//!
//! [`load`] reads the config and the content into an `Arc<Site>`; [`static_files`] lists what
//! is copied (theme `static/`, site `static/`, content assets); [`build`] renders every output
//! in parallel into a staging folder, adds the search index and swaps the folder in.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{self, Site};
use crate::diagnostics::{Diagnostic, Error, Severity, display_path};
use crate::output::{self, Staging};
use crate::render::{self, OutputKey, RenderData, Renderer};
use crate::theme::Source;

/// Which site to load, and how.
#[derive(Debug, Clone)]
pub struct SiteSpec {
    /// The site folder (holding config.yaml and content/).
    pub root: PathBuf,
    /// The config file; defaults to ROOT/config.yaml.
    pub config_file: Option<PathBuf>,
    /// Overrides the config's `base_url`.
    pub base_url: Option<String>,
    pub drafts: bool,
}

impl SiteSpec {
    pub fn new(root: impl Into<PathBuf>) -> SiteSpec {
        SiteSpec {
            root: root.into(),
            config_file: None,
            base_url: None,
            drafts: false,
        }
    }

    pub fn config_path(&self) -> PathBuf {
        self.config_file
            .clone()
            .unwrap_or_else(|| self.root.join("config.yaml"))
    }
}

/// Reads the configuration.
pub fn load_config(spec: &SiteSpec) -> Result<Config, Error> {
    if !spec.root.is_dir() {
        return Err(Error::one(
            Diagnostic::new("site/missing", format!("找不到站点文件夹 {}", spec.root.display())).with_hint(
                "用 --root 指定站点文件夹（里面有 config.yaml 和 content/），或先用 `pufa init 文件夹` 新建一个站点。",
            ),
        ));
    }
    let mut config = Config::load(&spec.root, &spec.config_path())?;
    if let Some(u) = &spec.base_url {
        config.set_base_url(u)?;
    }
    Ok(config)
}

/// Loads the config and the content.
pub fn load(spec: &SiteSpec) -> Result<Arc<Site>, Error> {
    let config = Arc::new(load_config(spec)?);
    Ok(Arc::new(content::load_site(config, spec.drafts)?))
}

/// A file copied into the output: source and output path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CopiedFile {
    pub src: Source,
    pub rel: String,
}

/// Everything copied rather than rendered: theme static, site static (wins over the theme's),
/// loose content files and page-bundle assets. A copied file may not take the place of a
/// rendered output.
pub fn static_files(site: &Site, rendered: &HashMap<String, OutputKey>) -> Result<Vec<CopiedFile>, Error> {
    let config = &site.config;
    let theme = crate::theme::resolve(config)?;
    let mut files: BTreeMap<String, Source> = BTreeMap::new();
    for (rel, src) in crate::theme::files(&theme, "static")
        .into_iter()
        .chain(crate::theme::dir_files(&config.root.join("static")))
    {
        files.insert(rel, src);
    }
    let mut errors = Vec::new();
    for a in site
        .assets
        .iter()
        .chain(site.pages.values().flat_map(|p| p.assets.iter()))
    {
        if let Some(prev) = files.insert(a.out.clone(), Source::Path(a.src.clone())) {
            errors.push(
                Diagnostic::new("path/duplicate", format!("两个文件会复制到同一个位置：{}", a.out))
                    .in_file(display_path(&a.src, &config.root))
                    .with_hint(format!("另一个是 {}。", prev.shown(&config.root))),
            );
        }
    }
    for (rel, src) in &files {
        if rendered.contains_key(rel) {
            errors.push(
                Diagnostic::new("path/duplicate", format!("文件 {rel} 与 pufa 生成的页面同名"))
                    .in_file(src.shown(&config.root))
                    .with_hint("请改名或删除这个文件，生成的页面不能被覆盖。"),
            );
        }
    }
    if !errors.is_empty() {
        return Err(Error::many(errors));
    }
    Ok(files.into_iter().map(|(rel, src)| CopiedFile { src, rel }).collect())
}

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
    /// Files written (rendered + copied + search index).
    pub files: usize,
    pub search_files: usize,
    pub output_dir: PathBuf,
    pub warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
}

/// Turns check warnings into errors (for `--strict` and `pufa check`).
pub fn strict_errors(warnings: &[Diagnostic]) -> Vec<Diagnostic> {
    warnings
        .iter()
        .filter(|w| w.code.starts_with("check/"))
        .map(|w| Diagnostic {
            severity: Severity::Error,
            ..w.clone()
        })
        .collect()
}

/// All warnings of a site: per file and site-wide, sorted.
pub fn warnings(site: &Site) -> Vec<Diagnostic> {
    let mut w: Vec<Diagnostic> = site.warnings.clone();
    for p in site.pages.values() {
        w.extend(p.warnings.iter().cloned());
    }
    for s in site.sections.values() {
        w.extend(s.warnings.iter().cloned());
    }
    crate::diagnostics::sort_diagnostics(&mut w);
    w
}

/// Renders outputs in parallel, handing each result to `sink`; errors are collected and the
/// same template error hit by many outputs is reported once.
pub fn render_outputs<F>(
    renderer: &Renderer,
    data: &RenderData,
    keys: &[OutputKey],
    progress: Option<&indicatif::ProgressBar>,
    sink: F,
) -> Result<(), Error>
where
    F: Fn(&OutputKey, String, render::RenderedOutput) -> Result<(), Diagnostic> + Sync,
{
    let errors: Vec<Diagnostic> = keys
        .par_iter()
        .filter_map(|key| {
            let res = renderer
                .render(key, data)
                .and_then(|out| sink(key, render::output_path(key, &data.site), out));
            if let Some(pb) = progress {
                pb.inc(1);
            }
            res.err()
        })
        .collect();
    if errors.is_empty() {
        return Ok(());
    }
    Err(Error::many(dedupe(errors)))
}

/// Keeps one diagnostic per (file, line, col, message), noting how often it occurred.
pub fn dedupe(errors: Vec<Diagnostic>) -> Vec<Diagnostic> {
    type Place = (Option<String>, usize, usize, String);
    let mut seen: BTreeMap<Place, (Diagnostic, usize)> = BTreeMap::new();
    for e in errors {
        let k = (e.file.clone(), e.line, e.col, e.message.clone());
        seen.entry(k).and_modify(|(_, n)| *n += 1).or_insert((e, 1));
    }
    seen.into_values()
        .map(|(mut d, n)| {
            if n > 1 {
                d.message = format!("{}（共 {n} 个页面出现同样的错误）", d.message);
            }
            d
        })
        .collect()
}

/// Builds the site to disk.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Error> {
    let start = Instant::now();
    let laps = crate::util::Laps::start("");
    let site = load(&opts.spec)?;
    laps.lap("load + assemble");
    let config = Arc::clone(&site.config);
    let out_dir = opts.output.clone().unwrap_or_else(|| config.output_dir.clone());
    let warnings = warnings(&site);
    if opts.strict {
        let errs = strict_errors(&warnings);
        if !errs.is_empty() {
            return Err(Error::many(errs));
        }
    }
    let renderer = Renderer::new(&config)?;
    // Values hold each page's content from here on; release the site's copy.
    let mut owned = Arc::try_unwrap(site).unwrap_or_else(|shared| (*shared).clone());
    let values = render::Values::build_releasing(&mut owned);
    let site = Arc::new(owned);
    let data = Arc::new(RenderData {
        site: Arc::clone(&site),
        values: Arc::new(values),
    });
    renderer.set_data(Arc::clone(&data));
    laps.lap("templates + values");

    let keys = render::outputs(&site);
    let by_path: HashMap<String, OutputKey> = keys
        .iter()
        .map(|k| (render::output_path(k, &site), k.clone()))
        .collect();
    let copies = static_files(&site, &by_path)?;

    output::check_output_dir(&out_dir, &config.root)?;
    let staging = Staging::new(&out_dir)?;
    let pb = progress_bar(opts.progress, keys.len() + copies.len());
    render_outputs(&renderer, &data, &keys, pb.as_ref(), |_, rel, out| {
        staging.write(&rel, &out.bytes)
    })?;
    laps.lap("render + write");
    let copy_errors: Vec<Diagnostic> = copies
        .par_iter()
        .filter_map(|c| {
            let r = match &c.src {
                Source::Path(p) => staging.copy(p, &c.rel).err(),
                Source::Embedded(b) => staging.write(&c.rel, b).err(),
            };
            if let Some(pb) = &pb {
                pb.inc(1);
            }
            r
        })
        .collect();
    if !copy_errors.is_empty() {
        return Err(Error::many(copy_errors));
    }
    laps.lap("copy");
    let mut search_files = 0;
    if config.search.enabled {
        if let Some(pb) = &pb {
            pb.set_message("搜索索引");
        }
        let docs = render::search::documents(&site, &data.values);
        let (files, _) = render::search::build_index(&docs);
        search_files = files.len();
        for (rel, bytes) in files {
            staging.write(&rel, &bytes)?;
        }
    }
    if let Some(pb) = pb {
        pb.finish_and_clear();
    }
    laps.lap("search");
    staging.commit()?;
    laps.lap("commit");
    Ok(BuildReport {
        pages: site.pages.len(),
        sections: site.sections.len(),
        files: keys.len() + copies.len() + search_files,
        search_files,
        output_dir: out_dir,
        warnings,
        elapsed: start.elapsed(),
    })
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
