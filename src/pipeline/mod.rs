//! The one pipeline `pufa build`, `pufa check` and `pufa serve` run:
//! config → [`Site`] → [`Values`] → [`Renderer`] → outputs.
//!
//! [`Pipeline::load`] reads the config and the content and assembles everything a render
//! needs; [`Pipeline::render`] renders a list of outputs in parallel and hands each one to a
//! sink (a build writes it, check inspects it, serve keeps it in memory), building the search
//! index from the page outputs as they stream by when asked. What is copied rather than
//! rendered comes from [`Pipeline::static_files`]. Serve mode owns a `Pipeline` and updates its
//! parts in place between renders.

pub mod cache;
pub mod fingerprint;
pub mod incremental;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::content::bodies::BodySpill;
use crate::content::loader::LoadOptions;
use crate::content::reuse::ParseCache;
use crate::content::{self, Site};
use crate::diagnostics::{Diagnostic, Error, Severity, display_path};
use crate::render::search::{self, DocInfo, DocTokens, Indexer};
use crate::render::{self, Binding, OutputKey, RenderData, RenderedOutput, Renderer, Values};
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
    /// Publish pages whose `date` is after the publishing day too (`--future`; serve always
    /// shows them, with a 未发布 banner).
    pub future: bool,
    /// The publishing day; `None`: today in Beijing time.
    pub today: Option<crate::content::Date>,
}

impl SiteSpec {
    pub fn new(root: impl Into<PathBuf>) -> SiteSpec {
        SiteSpec {
            root: root.into(),
            config_file: None,
            base_url: None,
            drafts: false,
            future: false,
            today: None,
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

/// A file copied into the output: source and output path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CopiedFile {
    pub src: Source,
    pub rel: String,
}

/// Where a load keeps page bodies and what it may reuse.
#[derive(Default)]
pub struct Bodies {
    /// Page bodies go to this file instead of memory.
    pub spill: Option<Arc<BodySpill>>,
    /// An earlier load's results, for unchanged files (their bodies are in `spill`).
    pub previous: Option<Arc<ParseCache>>,
    /// Every output is rendered once and the site is not updated (a build, a check): the page
    /// summaries the lists built are let go before the pages render. Serve keeps them.
    pub render_once: bool,
}

/// A loaded site, ready to render.
pub struct Pipeline {
    pub spec: SiteSpec,
    pub site: Arc<Site>,
    pub values: Arc<Values>,
    pub renderer: Arc<Renderer>,
    /// See [`Bodies::render_once`].
    render_once: bool,
}

impl Pipeline {
    /// Loads the config, the content and the templates, and builds the shared values. With
    /// `spill`, page bodies wait in that file instead of in memory (a build).
    pub fn load(spec: &SiteSpec, spill: Option<Arc<BodySpill>>) -> Result<Pipeline, Error> {
        let how = Bodies {
            spill,
            ..Default::default()
        };
        Self::from_config(spec, load_config(spec)?, how)
    }

    /// Like [`Pipeline::load`], with the config already read and the bodies kept as `how` says.
    pub fn from_config(spec: &SiteSpec, config: Config, how: Bodies) -> Result<Pipeline, Error> {
        let config = Arc::new(config);
        let opts = LoadOptions {
            drafts: spec.drafts,
            future: spec.future,
            today: spec.today,
            spill: how.spill,
            previous: how.previous,
        };
        let render_once = how.render_once;
        let site = content::load_site(Arc::clone(&config), &opts)?;
        let renderer = Renderer::new(&config)?;
        let values = Values::build(&site);
        Ok(Pipeline {
            spec: spec.clone(),
            site: Arc::new(site),
            values: Arc::new(values),
            renderer: Arc::new(renderer),
            render_once,
        })
    }

    pub fn config(&self) -> &Arc<Config> {
        &self.site.config
    }

    /// The site and its values, as renders read them.
    pub fn data(&self) -> Arc<RenderData> {
        Arc::new(RenderData {
            site: Arc::clone(&self.site),
            values: Arc::clone(&self.values),
        })
    }

    /// The renderer bound to the current site (see [`Renderer::bind`]).
    pub fn bind(&self, record: bool) -> Binding {
        self.renderer.bind(self.data(), record)
    }

    /// Every output the site has, in a stable order.
    pub fn outputs(&self) -> Vec<OutputKey> {
        render::outputs(&self.site)
    }

    /// Output path → output, for `keys`.
    pub fn paths(&self, keys: &[OutputKey]) -> HashMap<String, OutputKey> {
        keys.iter()
            .map(|k| (render::output_path(k, &self.site), k.clone()))
            .collect()
    }

    /// All warnings of the site: per file and site-wide, sorted.
    pub fn warnings(&self) -> Vec<Diagnostic> {
        warnings(&self.site)
    }

    /// A warning for each root-relative link or image a content file writes that is neither
    /// a rendered output nor a copied file (see [`missing_site_paths`]).
    pub fn missing_site_paths(&self, rendered: &HashMap<String, OutputKey>, copies: &[CopiedFile]) -> Vec<Diagnostic> {
        missing_site_paths(&self.site, rendered, copies)
    }

    /// Body images that name no published file (see [`missing_images`]).
    pub fn missing_images(&self, rendered: &HashMap<String, OutputKey>, copies: &[CopiedFile]) -> Vec<Diagnostic> {
        missing_images(&self.site, rendered, copies)
    }

    /// What is copied rather than rendered (see [`static_files`]).
    pub fn static_files(&self, rendered: &HashMap<String, OutputKey>) -> Result<Vec<CopiedFile>, Error> {
        static_files(&self.site, rendered)
    }

    /// Renders `keys` in parallel with `binding`, handing each output and its output path to
    /// `sink`. With `index`, the search index is built from the page outputs as they are
    /// rendered (pages go a chunk at a time, in order, so document ids are stable). Every
    /// error is collected; the same template error hit by many outputs is reported once.
    pub fn render<F>(
        &self,
        binding: &Binding,
        keys: &[OutputKey],
        mut index: Option<&mut Indexer>,
        progress: Option<&indicatif::ProgressBar>,
        sink: F,
    ) -> Result<(), Error>
    where
        F: Fn(&OutputKey, String, RenderedOutput) -> Result<(), Diagnostic> + Sync,
    {
        let site = &binding.data().site;
        let one = |key: &OutputKey| {
            let res = binding
                .render(key)
                .and_then(|out| sink(key, render::output_path(key, site), out));
            if let Some(pb) = progress {
                pb.inc(1);
            }
            res
        };
        let (pages, others): (Vec<&OutputKey>, Vec<&OutputKey>) =
            keys.iter().partition(|k| matches!(k, OutputKey::Page(_)));
        let mut errors: Vec<Diagnostic> = Vec::new();
        let indexing = index.is_some();
        let page = |key: &OutputKey| {
            let res = render_page(binding, key, indexing, &sink);
            if let Some(pb) = progress {
                pb.inc(1);
            }
            res
        };
        // Lists first, while every summary they build is kept; after them, in a build or a
        // check, a summary is read only by its own page, so none is kept and the page outputs
        // stream in bounded memory. Serve keeps them for the next edit's lists.
        let mut list_errors: Vec<Diagnostic> = others.par_iter().filter_map(|k| one(k).err()).collect();
        if self.render_once {
            binding.data().values.release_summaries();
        }
        for chunk in pages.chunks(256) {
            let done: Vec<Result<Option<(DocInfo, DocTokens)>, Diagnostic>> =
                chunk.par_iter().map(|key| page(key)).collect();
            for d in done {
                match (d, index.as_deref_mut()) {
                    (Ok(Some((info, tokens))), Some(ix)) => ix.add(info, tokens),
                    (Ok(_), _) => {}
                    (Err(e), _) => errors.push(e),
                }
            }
        }
        errors.append(&mut list_errors);
        // The attachments' documents follow the pages' (see `search::docs`).
        if let Some(ix) = index {
            let pages: Vec<&content::Page> = pages
                .iter()
                .filter_map(|k| match k {
                    OutputKey::Page(rel) => site.pages.get(rel).map(|p| p.as_ref()),
                    _ => None,
                })
                .filter(|p| search::is_indexed(p))
                .collect();
            for doc in search::attachment_docs(site, &pages) {
                match search::document(site, &doc, None) {
                    Ok((info, tokens)) => ix.add(info, tokens),
                    Err(e) => errors.push(e),
                }
            }
        }
        if errors.is_empty() {
            return Ok(());
        }
        Err(Error::many(dedupe(errors)))
    }
}

/// Renders a page output into `sink`, reading its body once for the output and, when
/// `indexing`, for its search document.
fn render_page<F>(
    binding: &Binding,
    key: &OutputKey,
    indexing: bool,
    sink: &F,
) -> Result<Option<(DocInfo, DocTokens)>, Diagnostic>
where
    F: Fn(&OutputKey, String, RenderedOutput) -> Result<(), Diagnostic> + Sync,
{
    let site = &binding.data().site;
    let page = match key {
        OutputKey::Page(rel) => site.pages.get(rel),
        _ => None,
    };
    let Some(p) = page else {
        return Err(Diagnostic::new("internal", format!("{key:?} is not a page")));
    };
    let body = site.page_html(p)?;
    let out = binding.render_page(&p.rel, &body)?;
    sink(key, render::output_path(key, site), out)?;
    if !indexing || !search::is_indexed(p) {
        return Ok(None);
    }
    let doc = search::Doc {
        page: p,
        attachment: None,
    };
    search::document(site, &doc, Some(&body)).map(Some)
}

/// Everything copied rather than rendered: theme static, site static (wins over the theme's),
/// loose content files and page-bundle assets. A copied file may not take the place of a
/// rendered output.
pub fn static_files(site: &Site, rendered: &HashMap<String, OutputKey>) -> Result<Vec<CopiedFile>, Error> {
    let config = &site.config;
    let theme = crate::theme::resolve(config)?;
    let mut files: BTreeMap<String, Source> = BTreeMap::new();
    for (rel, src) in crate::theme::files(&theme, "static") {
        files.insert(rel, src);
    }
    // The site's static/ is walked as content/ is: symlinks inside the site are followed.
    let static_dir = config.root.join("static");
    let (site_static, mut errors) = crate::walk::site_files(config, &static_dir);
    for path in site_static {
        files.insert(display_path(&path, &static_dir), Source::Path(path));
    }
    strip_static_images(config, &mut files, &mut errors);
    let assets: Vec<&content::Asset> = site
        .assets
        .iter()
        .chain(site.pages.values().flat_map(|p| p.assets.iter()))
        .collect();
    // Images are published re-encoded (no metadata, oriented) at a few widths.
    let processed: Vec<Result<Option<render::images::Processed>, Diagnostic>> = assets
        .par_iter()
        .map(|a| {
            if !render::images::is_image(&a.out) {
                return Ok(None);
            }
            render::images::process(config, &a.src).map(Some).map_err(|e| {
                let used = used_at(site, &a.out).map_or(String::new(), |(f, l)| format!("（{f}:{l} 用到了它）"));
                Diagnostic::new("image/unreadable", format!("{e}{used}"))
                    .in_file(display_path(&a.src, &config.root))
                    .with_hint("请用看图软件打开并另存为 JPEG 或 PNG；pufa 发布图片前要去掉其中的位置等信息，读不了的图片不能发布。")
            })
        })
        .collect();
    for (a, p) in assets.iter().zip(processed) {
        let src = match p {
            Err(d) => {
                errors.push(d);
                continue;
            }
            Ok(None) => a.src.clone(),
            Ok(Some(p)) => {
                for (w, name) in &p.variants {
                    let out = p.variant_out(&a.out, *w);
                    if out != a.out {
                        files.insert(out, Source::Path(p.dir.join(name)));
                    }
                }
                p.variants.last().map_or_else(|| a.src.clone(), |(_, n)| p.dir.join(n))
            }
        };
        if let Some(prev) = files.insert(a.out.clone(), Source::Path(src)) {
            errors.push(
                Diagnostic::new("path/duplicate", format!("两个文件会复制到同一个位置：{}", a.out))
                    .in_file(display_path(&a.src, &config.root))
                    .with_hint(format!("另一个是 {}。", prev.shown(&config.root))),
            );
        }
    }
    for (rel, src) in &files {
        let Some(key) = rendered.get(rel) else { continue };
        let mut d = Diagnostic::new("path/duplicate", format!("文件 {rel} 与 pufa 生成的页面同名"))
            .in_file(src.shown(&config.root))
            .with_hint("请改名或删除这个文件，生成的页面不能被覆盖。");
        // A redirect page: say which page's `aliases` asked for it, and where.
        let owner = match key {
            OutputKey::Alias(path) => site
                .index
                .aliases
                .get(path)
                .and_then(|r| site.pages.get(r))
                .zip(Some(path)),
            _ => None,
        };
        if let Some((p, path)) = owner {
            let at = p.at_text("path/duplicate", path.trim_end_matches('/'), String::new());
            d = d.with_hint(format!(
                "它是 {}:{} 的 aliases 里写的旧地址 /{path} 的跳转页：请改名或删除这个文件，或从 aliases 里去掉这个地址。",
                p.shown, at.line
            ));
        }
        errors.push(d);
    }
    if !errors.is_empty() {
        return Err(Error::many(errors));
    }
    Ok(files.into_iter().map(|(rel, src)| CopiedFile { src, rel }).collect())
}

/// The images `resize_image` made while outputs rendered, as files to copy (each made again
/// when the image cache lost it). One may not take the place of a copied file.
pub fn made_files<'a>(
    config: &Config,
    made: impl IntoIterator<Item = &'a render::images::Derived>,
    copies: &[CopiedFile],
) -> Result<Vec<CopiedFile>, Error> {
    let mut by_out: BTreeMap<&str, &render::images::Derived> = BTreeMap::new();
    for d in made {
        by_out.insert(&d.out, d);
    }
    let list: Vec<&render::images::Derived> = by_out.into_values().collect();
    let files: Vec<Result<CopiedFile, Diagnostic>> = list
        .par_iter()
        .map(|d| {
            let shown = display_path(&d.src, &config.root);
            if copies.binary_search_by(|c| c.rel.as_str().cmp(&d.out)).is_ok() {
                return Err(Diagnostic::new(
                    "path/duplicate",
                    format!("resize_image 生成的图片 {} 与一个要复制的文件同名", d.out),
                )
                .in_file(shown)
                .with_hint("请给那个文件改名（pufa 生成的缩放图片以“-宽x高”结尾）。"));
            }
            let src =
                render::images::make(config, d).map_err(|e| Diagnostic::new("image/unreadable", e).in_file(shown))?;
            Ok(CopiedFile {
                src: Source::Path(src),
                rel: d.out.clone(),
            })
        })
        .collect();
    let (ok, errors): (Vec<_>, Vec<_>) = files.into_iter().partition(Result::is_ok);
    if !errors.is_empty() {
        return Err(Error::many(errors.into_iter().filter_map(Result::err).collect()));
    }
    Ok(ok.into_iter().filter_map(Result::ok).collect())
}

/// The images an output's recorded reads say it made.
pub fn made_by(inputs: &[render::Input]) -> impl Iterator<Item = &render::images::Derived> {
    inputs.iter().filter_map(|i| match i {
        render::Input::Image(d) => Some(d),
        _ => None,
    })
}

/// The site's own `static/` JPEGs and PNGs are published re-encoded too (no metadata, turned
/// upright, at most [`render::images::MAX_WIDTH`] wide), but at one size: nothing links to
/// other widths of them. One that cannot be decoded is copied as it is when it has no EXIF.
fn strip_static_images(config: &Config, files: &mut BTreeMap<String, Source>, errors: &mut Vec<Diagnostic>) {
    let static_dir = config.root.join("static");
    let images: Vec<(String, std::path::PathBuf)> = files
        .iter()
        .filter_map(|(rel, src)| match src {
            Source::Path(p) if p.starts_with(&static_dir) && render::images::is_image(rel) => {
                Some((rel.clone(), p.clone()))
            }
            _ => None,
        })
        .collect();
    let done: Vec<_> = images
        .par_iter()
        .map(|(rel, p)| (rel, p, render::images::process(config, p)))
        .collect();
    for (rel, p, res) in done {
        match res {
            Ok(img) => {
                if let Some((_, name)) = img.variants.last() {
                    files.insert(rel.clone(), Source::Path(img.dir.join(name)));
                }
            }
            // A file named like an image that is none (a placeholder) stays as it is, unless
            // it carries EXIF: then it could reveal a position and may not be published.
            Err(_) if !render::images::has_exif(p) => {}
            Err(e) => errors.push(
                Diagnostic::new("image/unreadable", e)
                    .in_file(display_path(p, &config.root))
                    .with_hint("请用看图软件打开并另存为 JPEG 或 PNG；pufa 发布图片前要去掉其中的位置等信息，读不了的图片不能发布。"),
            ),
        }
    }
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
    w.extend(large_images(site));
    crate::diagnostics::sort_diagnostics(&mut w);
    w
}

/// Root-relative links and images in content files (`/images/a.png`, `/cases/`) that name no
/// output and no copied file: a warning at the file's line, so `pufa build` says what
/// `pufa check` would fail (an `@/` link to a missing page is an error already).
pub fn missing_site_paths(
    site: &Site,
    rendered: &HashMap<String, OutputKey>,
    copies: &[CopiedFile],
) -> Vec<Diagnostic> {
    let copied: std::collections::HashSet<&str> = copies.iter().map(|c| c.rel.as_str()).collect();
    let exists = |path: &str| rendered.contains_key(path) || copied.contains(path);
    let found = |target: &str| {
        let path = target.split(['?', '#']).next().unwrap_or(target);
        render::output_file(path.trim_start_matches('/'), exists).is_ok()
    };
    let files = site
        .pages
        .values()
        .map(|p| (p.shown.as_str(), &p.links, &p.images))
        .chain(site.sections.values().map(|s| (s.shown.as_str(), &s.links, &s.images)));
    let mut warnings = Vec::new();
    for (shown, links, images) in files {
        // A missing image is an error of its own ([`missing_images`]).
        let image_at = |l: &content::page::LinkRef| images.iter().any(|i| (i.line, i.col) == (l.line, l.col));
        for l in links
            .iter()
            .filter(|l| l.target.starts_with('/') && !image_at(l) && !found(&l.target))
        {
            let mut d = l.diagnostic(
                shown,
                "link/missing-file",
                format!("链接指向的网址在本站不存在：{}", l.target),
            );
            d.severity = Severity::Warning;
            warnings.push(d.with_hint(
                "以 / 开头的链接指向本站的文件或页面：图片等文件放在 static/ 里（static/images/a.png 写成 /images/a.png）；链接本站页面最好写成 `@/栏目/文件名.md`，改名时 pufa 会帮你检查。",
            ));
        }
    }
    warnings
}

/// Images in bodies (`![照片](现场.jpg)`, `/images/a.png`) that name no file the site
/// publishes: an error at the image, since the page would show a broken picture.
pub fn missing_images(site: &Site, rendered: &HashMap<String, OutputKey>, copies: &[CopiedFile]) -> Vec<Diagnostic> {
    let copied: std::collections::HashSet<&str> = copies.iter().map(|c| c.rel.as_str()).collect();
    let mut errors = Vec::new();
    for (shown, images) in body_images(site) {
        for (i, path) in images {
            if path
                .as_deref()
                .is_some_and(|p| copied.contains(p) || rendered.contains_key(p))
            {
                continue;
            }
            errors.push(
                i.diagnostic(shown, "image/missing", format!("找不到图片“{}”", i.target))
                    .with_hint("图片放在本页的文件夹里（页面包：cases/名称/index.md 旁边）时直接写文件名，如 ![现场照片](现场.jpg)；放在 static/ 里的写成 /images/名称.jpg。文件名要和图片文件完全一样（包括 .jpg 或 .png）。"),
            );
        }
    }
    errors
}

/// The first body image or cover that shows the file published at `out`: (file, line).
fn used_at<'a>(site: &'a Site, out: &str) -> Option<(&'a str, usize)> {
    let in_body = body_images(site).find_map(|(shown, mut images)| {
        images.find_map(|(i, path)| (path.as_deref() == Some(out)).then_some((shown, i.line)))
    });
    // Or a page's `cover:` (a file beside the page).
    in_body.or_else(|| {
        site.pages.values().find_map(|p| {
            let cover = p.front.cover.as_deref()?;
            let here = output_relative(&p.path, cover)?;
            let line = p
                .key_lines()
                .find(|(key, _, _)| *key == "cover")
                .map_or(p.front_line, |l| l.1);
            (here == out).then_some((p.shown.as_str(), line))
        })
    })
}

/// Each page's and section's file as shown, with its body images and the output path each
/// names (see [`output_relative`]).
fn body_images(
    site: &Site,
) -> impl Iterator<Item = (&str, impl Iterator<Item = (&content::page::LinkRef, Option<String>)>)> {
    let pages = site
        .pages
        .values()
        .map(|p| (p.shown.as_str(), p.path.as_str(), &p.images));
    let sections = site
        .sections
        .values()
        .map(|s| (s.shown.as_str(), s.path.as_str(), &s.images));
    pages.chain(sections).map(|(shown, dir, images)| {
        let resolved = images.iter().map(move |i| (i, output_relative(dir, &i.target)));
        (shown, resolved)
    })
}

/// The output path a link `target` in a page published at `dir` (`cases/x/`) names, as
/// [`render::output_file`] reads it (percent-decoded, normalized): `现场.jpg` →
/// `cases/x/现场.jpg`, `../a.png` → `cases/a.png`, `/images/a.png` → `images/a.png`; `None`
/// when it climbs above the site.
fn output_relative(dir: &str, target: &str) -> Option<String> {
    let joined = match target.strip_prefix('/') {
        Some(rest) => rest.to_string(),
        None => format!("{dir}{target}"),
    };
    render::output_file(&joined, |_| true).ok()
}

/// A warning for each image under content/ over 5 MB (published smaller, but slow to build
/// and a sign the camera's original was used).
fn large_images(site: &Site) -> Vec<Diagnostic> {
    let root = &site.config.root;
    site.assets
        .iter()
        .chain(site.pages.values().flat_map(|p| p.assets.iter()))
        .filter(|a| render::images::is_image(&a.out))
        .filter_map(|a| {
            let len = std::fs::metadata(&a.src).ok()?.len();
            (len > render::images::LARGE).then(|| {
                Diagnostic::warning(
                    "image/large",
                    format!("图片有 {}，超过 5 MB", render::shortcodes::size_text(len)),
                )
                .in_file(display_path(&a.src, root))
                .with_hint("网站会发布缩小后的图片，但原图太大会让生成变慢。可以先用手机或电脑把照片缩小到 3 MB 以内再放进来。")
            })
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_paths_resolve_against_the_page_folder_like_a_browser() {
        assert_eq!(
            output_relative("cases/x/", "现场.jpg").as_deref(),
            Some("cases/x/现场.jpg")
        );
        assert_eq!(
            output_relative("cases/x/", "./a/b.png").as_deref(),
            Some("cases/x/a/b.png")
        );
        assert_eq!(output_relative("cases/x/", "../a.png").as_deref(), Some("cases/a.png"));
        assert_eq!(
            output_relative("cases/x/", "/images/a.png").as_deref(),
            Some("images/a.png")
        );
        assert_eq!(output_relative("cases/", "../../a.png"), None);
    }
}
