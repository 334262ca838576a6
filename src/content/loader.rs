//! The walk: finds every file under `content/`, classifies it and parses it.
//!
//! `_index.md` makes a section, `name.md` a page, `name/index.md` a page bundle whose other
//! files are its assets; any other file is copied to the same place in the output. Files are
//! parsed in parallel. Editor temp, swap and backup files and hidden files are skipped
//! ([`is_ignored_name`], shared with the watcher). Reading a file that is not UTF-8 is an error
//! naming the line of the first bad byte; a file name that is not UTF-8 is an error naming it.
//! Symlinks are followed to files and folders inside the site (a linked page is published at
//! the link's path); a loop, a link leaving the site and a link to nothing are errors naming
//! the link and where it points.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use std::sync::Arc;

use super::bodies::BodySpill;
use super::page::{self, Asset, Page, Section};
use super::reuse::{ParseCache, Parsed, Stamp};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Error, display_path, io_diagnostic, line_col};
use crate::util::is_ignored_name;

/// Everything found under content/.
#[derive(Debug, Default)]
pub struct Loaded {
    pub pages: Vec<Arc<Page>>,
    pub sections: Vec<Arc<Section>>,
    /// Files outside page bundles, copied as they are.
    pub assets: Vec<Asset>,
    /// Drafts that were left out (content-relative paths).
    pub drafts: BTreeSet<String>,
    pub warnings: Vec<Diagnostic>,
    /// Where the pages' bodies went, when they were moved out of memory.
    pub bodies: Option<Arc<BodySpill>>,
    /// The stamp of every page, section and draft file as it was read.
    pub stamps: HashMap<String, Stamp>,
    /// How many files were taken from [`LoadOptions::previous`] instead of parsed.
    pub reused: usize,
}

/// How to load: with or without drafts, page bodies kept in memory or spilled to a file, and
/// an earlier load's results to reuse for unchanged files (their bodies are in `spill`).
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub drafts: bool,
    /// Keep pages whose `date` is after [`LoadOptions::today`] (`--future`, and serve).
    pub future: bool,
    /// The day a build publishes on; `None`: today in Beijing time.
    pub today: Option<super::Date>,
    pub spill: Option<Arc<BodySpill>>,
    pub previous: Option<Arc<ParseCache>>,
}

/// How a file under content/ is treated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileRole {
    Section {
        key: String,
    },
    Page {
        section: String,
    },
    /// A file of the page bundle whose `index.md` is `bundle` (content-relative).
    BundleAsset {
        bundle: String,
    },
    Asset,
    Ignored,
}

/// One file's text, or a diagnostic when it cannot be read as UTF-8.
pub fn read_text(path: &Path, shown: &str) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| io_diagnostic(path, &e, "读取文件").in_file(shown))?;
    String::from_utf8(bytes).map_err(|e| {
        let off = e.utf8_error().valid_up_to();
        let (line, _) = line_col(&String::from_utf8_lossy(&e.as_bytes()[..off]), off);
        let gbk = encoding_rs::GBK.decode_without_bom_handling_and_without_replacement(e.as_bytes());
        let looks_gbk = gbk.is_some();
        // Show the line as the editor sees it: decoded as GBK when the file is GBK.
        let lossy = gbk
            .map(|t| t.into_owned())
            .unwrap_or_else(|| String::from_utf8_lossy(e.as_bytes()).into_owned());
        let hint = if looks_gbk {
            "文件看起来是 GBK/GB18030 编码。请用编辑器“另存为 UTF-8”，或用 `pufa import 文件` 自动转换。"
        } else {
            "请用文本编辑器把文件另存为 UTF-8 编码。"
        };
        Diagnostic::new("encoding", "文件不是 UTF-8 编码，无法读取")
            .in_file(shown)
            .at_line_col(&lossy, line, 1, 1)
            .with_hint(hint)
    })
}

/// Walks content/ and parses everything. Errors from all files are reported together.
pub fn load(config: &Config, opts: &LoadOptions) -> Result<Loaded, Error> {
    let content = config.content_dir();
    if !content.is_dir() {
        return Err(Error::one(
            Diagnostic::new("content/missing", "找不到内容文件夹 content/")
                .in_file(display_path(&content, &config.root))
                .with_hint(
                    "站点文件夹里要有 content/ 文件夹，用来存放报告、项目和案例。可以用 `pufa init 文件夹` 新建站点。",
                ),
        ));
    }
    let (files, mut errors) = crate::walk::site_files(config, &config.content_dir());
    let rels: Vec<String> = files.iter().map(|f| display_path(f, &content)).collect();
    let set: BTreeSet<&str> = rels.iter().map(String::as_str).collect();
    let section_dirs: BTreeSet<String> = rels
        .iter()
        .filter_map(|r| r.strip_suffix("_index.md").map(|d| d.trim_end_matches('/').to_string()))
        .collect();
    let bundles: BTreeSet<String> = rels
        .iter()
        .filter(|r| r.ends_with("/index.md") || r.as_str() == "index.md")
        .filter(|r| {
            let dir = r.strip_suffix("index.md").unwrap_or("").trim_end_matches('/');
            !dir.is_empty() && !set.contains(format!("{dir}/_index.md").as_str())
        })
        .cloned()
        .collect();

    let roles: Vec<FileRole> = rels.iter().map(|r| classify(r, &section_dirs, &bundles)).collect();

    // Bundle assets, grouped by bundle.
    let mut bundle_assets: BTreeMap<&str, Vec<Asset>> = BTreeMap::new();
    let mut loose: Vec<Asset> = Vec::new();
    let mut warnings = Vec::new();
    for ((rel, path), role) in rels.iter().zip(&files).zip(&roles) {
        match role {
            FileRole::BundleAsset { bundle } => {
                let dir = bundle.strip_suffix("index.md").unwrap_or(bundle);
                let inner = rel.strip_prefix(dir).unwrap_or(rel).to_string();
                if inner.ends_with(".md") {
                    warnings.push(
                        Diagnostic::warning(
                            "content/ignored",
                            "页面包（index.md 所在文件夹）里的其他 .md 文件不会生成页面",
                        )
                        .in_file(format!("content/{rel}"))
                        .with_hint("把它移到栏目文件夹里，或改成附件。"),
                    );
                    continue;
                }
                let bundle_key = bundles.get(bundle.as_str()).map(String::as_str).unwrap_or("");
                bundle_assets.entry(bundle_key).or_default().push(Asset {
                    src: path.clone(),
                    out: inner,
                });
            }
            FileRole::Asset => loose.push(Asset {
                src: path.clone(),
                out: rel.clone(),
            }),
            _ => {}
        }
    }

    let results: Vec<ItemResult> = rels
        .par_iter()
        .zip(files.par_iter())
        .zip(roles.par_iter())
        .map(|((rel, path), role)| {
            let assets = bundle_assets.get(rel.as_str()).map(Vec::as_slice).unwrap_or(&[]);
            read_item(config, rel, path, role, assets, opts)
        })
        .collect();

    let mut loaded = Loaded {
        assets: loose,
        warnings,
        bodies: opts.spill.clone(),
        ..Default::default()
    };
    for r in results {
        let (item, stamp, reused) = match r {
            Ok(Some(x)) => x,
            Ok(None) => continue,
            Err(ds) => {
                errors.extend(ds);
                continue;
            }
        };
        let rel = match &item {
            Item::Page(p) => p.rel.clone(),
            Item::Section(s) => s.rel.clone(),
            Item::Draft(rel) => rel.clone(),
        };
        if let Some(s) = stamp {
            loaded.stamps.insert(rel, s);
        }
        loaded.reused += usize::from(reused);
        match item {
            Item::Page(p) => loaded.pages.push(p),
            Item::Section(s) => loaded.sections.push(s),
            Item::Draft(rel) => {
                loaded.drafts.insert(rel);
            }
        }
    }
    if !errors.is_empty() {
        return Err(Error::many(errors));
    }
    if !loaded.sections.iter().any(|s| s.key.is_empty()) {
        loaded.sections.push(Arc::new(Section::implicit_root(config)));
    }
    Ok(loaded)
}

/// The symlinks under content/ that lead to files or folders in the site, as (where the link
/// leads, canonical; the link's content-relative path). Serve mode maps a change to a target
/// back to the content path that publishes it.
pub fn content_links(config: &Config) -> Vec<(PathBuf, String)> {
    let content = config.content_dir();
    walkdir::WalkDir::new(&content)
        .follow_links(true)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path_is_symlink())
        .filter_map(|e| {
            let target = std::fs::canonicalize(e.path()).ok()?;
            Some((target, display_path(e.path(), &content)))
        })
        .collect()
}

/// A file's item, its stamp and whether it was reused; `None` for files that are not content.
type ItemResult = Result<Option<(Item, Option<Stamp>, bool)>, Vec<Diagnostic>>;

/// One parsed content file.
enum Item {
    Page(Arc<Page>),
    Section(Arc<Section>),
    /// A page left out because it is a draft.
    Draft(String),
}

/// Reads one file of the given role, or takes it from the earlier load when it has not
/// changed: returns the item, the file's stamp and whether it was reused.
fn read_item(
    config: &Config,
    rel: &str,
    path: &Path,
    role: &FileRole,
    assets: &[Asset],
    opts: &LoadOptions,
) -> ItemResult {
    if !matches!(role, FileRole::Section { .. } | FileRole::Page { .. }) {
        return Ok(None);
    }
    let stamp = Stamp::of(path);
    if let Some(item) = reusable(rel, role, assets, stamp, opts) {
        return Ok(Some((item, stamp, true)));
    }
    let item = match role {
        FileRole::Section { key } => Item::Section(Arc::new(read_section(config, key, rel, path)?)),
        FileRole::Page { section } => match read_page(config, rel, path, section, assets.to_vec(), opts.drafts)? {
            Some(p) => Item::Page(Arc::new(spill_body(p, opts.spill.as_deref())?)),
            None => Item::Draft(rel.to_string()),
        },
        _ => return Ok(None),
    };
    Ok(Some((item, stamp, false)))
}

/// The earlier load's result for a file whose stamp, section and bundle files are the same.
fn reusable(rel: &str, role: &FileRole, assets: &[Asset], stamp: Option<Stamp>, opts: &LoadOptions) -> Option<Item> {
    let parsed = opts.previous.as_ref()?.get(rel, stamp)?;
    match (parsed, role) {
        (Parsed::Section(s), FileRole::Section { key }) if &s.key == key => Some(Item::Section(Arc::clone(s))),
        (Parsed::Page(p), FileRole::Page { section }) if &p.section == section && same_sources(&p.assets, assets) => {
            Some(Item::Page(Arc::clone(p)))
        }
        (Parsed::Draft, FileRole::Page { .. }) => Some(Item::Draft(rel.to_string())),
        _ => None,
    }
}

fn same_sources(a: &[Asset], b: &[Asset]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.src == y.src)
}

/// Decides a file's role from its content-relative path.
pub fn classify(rel: &str, section_dirs: &BTreeSet<String>, bundles: &BTreeSet<String>) -> FileRole {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if rel.split('/').any(is_ignored_name) {
        return FileRole::Ignored;
    }
    // Inside a bundle? (a folder above it holds a bundle's index.md)
    let mut dir = rel;
    while let Some((parent, _)) = dir.rsplit_once('/') {
        let bundle = format!("{parent}/index.md");
        if bundle != rel && bundles.contains(&bundle) {
            return FileRole::BundleAsset { bundle };
        }
        dir = parent;
    }
    let dir = rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    if name == "_index.md" {
        return FileRole::Section { key: dir.to_string() };
    }
    if name.ends_with(".md") {
        let page_dir = if bundles.contains(rel) {
            dir.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
        } else {
            dir
        };
        return FileRole::Page {
            section: nearest_section(page_dir, section_dirs),
        };
    }
    FileRole::Asset
}

/// The nearest folder at or above `dir` that has an `_index.md` (the root otherwise).
pub fn nearest_section(dir: &str, section_dirs: &BTreeSet<String>) -> String {
    let mut d = dir;
    loop {
        if d.is_empty() {
            return String::new();
        }
        if section_dirs.contains(d) {
            return d.to_string();
        }
        d = d.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
    }
}

/// What one changed file under content/ means for the site (serve mode).
#[derive(Debug)]
pub enum FileUpdate {
    /// A page to add or replace.
    Page(Box<Page>),
    /// A section whose `_index.md` changed (it existed before and still does).
    Section(Box<Section>),
    /// A page that is (now) a draft and is left out.
    Draft(String),
    /// A page or section file that no longer exists.
    Removed(String),
    /// A loose file to copy, or one that is gone (`None`).
    Asset(String, Option<Asset>),
    /// A file of the page bundle whose `index.md` is given changed: re-read that page.
    Bundle(String),
    /// The folder structure changed (a section or bundle appeared or went): reload everything.
    Structure,
    Ignored,
}

/// Classifies and parses one content file after it changed (`rel` is content-relative).
pub fn reload_file(
    config: &Config,
    rel: &str,
    drafts: bool,
    known_sections: &BTreeSet<String>,
) -> Result<FileUpdate, Vec<Diagnostic>> {
    let content = config.content_dir();
    let path = crate::util::fs_path(&content, rel);
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if rel.split('/').any(is_ignored_name) {
        return Ok(FileUpdate::Ignored);
    }
    let exists = path.is_file();
    if path.is_dir() {
        // A folder appearing or disappearing changes sections or bundles.
        return Ok(FileUpdate::Structure);
    }
    let dir = rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    if name == "_index.md" {
        let known = known_sections.contains(dir);
        return match (exists, known) {
            (true, true) => read_section(config, dir, rel, &path).map(|s| FileUpdate::Section(Box::new(s))),
            (false, false) => Ok(FileUpdate::Ignored),
            _ => Ok(FileUpdate::Structure),
        };
    }
    // Inside a page bundle? (the nearest folder with an index.md and no _index.md)
    let mut d = dir;
    while !d.is_empty() {
        let folder = crate::util::fs_path(&content, d);
        if folder.join("index.md").is_file() && !folder.join("_index.md").is_file() {
            let bundle = format!("{d}/index.md");
            if rel == bundle {
                break;
            }
            if name.ends_with(".md") {
                return Ok(FileUpdate::Ignored);
            }
            return Ok(FileUpdate::Bundle(bundle));
        }
        d = d.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
    }
    if name == "index.md" && !dir.is_empty() {
        // A bundle page appearing or disappearing moves its folder's files between being
        // assets and being loose files.
        let folder = crate::util::fs_path(&content, dir);
        let has_others = std::fs::read_dir(&folder)
            .map(|rd| rd.filter_map(Result::ok).any(|e| e.file_name() != "index.md"))
            .unwrap_or(false);
        if has_others || !exists {
            return Ok(FileUpdate::Structure);
        }
    }
    if !name.ends_with(".md") {
        return Ok(FileUpdate::Asset(
            rel.to_string(),
            exists.then(|| Asset {
                src: path.clone(),
                out: rel.to_string(),
            }),
        ));
    }
    if !exists {
        return Ok(FileUpdate::Removed(rel.to_string()));
    }
    let page_dir = if name == "index.md" {
        dir.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
    } else {
        dir
    };
    let section = nearest_section(page_dir, known_sections);
    let assets = if name == "index.md" {
        bundle_assets(&crate::util::fs_path(&content, dir))
    } else {
        Vec::new()
    };
    Ok(match read_page(config, rel, &path, &section, assets, drafts)? {
        Some(p) => FileUpdate::Page(Box::new(p)),
        None => FileUpdate::Draft(rel.to_string()),
    })
}

/// Moves a page's body HTML into the spill file, when there is one.
fn spill_body(mut page: Page, spill: Option<&BodySpill>) -> Result<Page, Vec<Diagnostic>> {
    if let Some(spill) = spill {
        let span = spill.put(&page.body.html).map_err(|e| {
            vec![
                Diagnostic::new("io", format!("写入临时文件失败：{e}"))
                    .in_file(&page.shown)
                    .with_hint("pufa 在生成时把正文暂存在输出文件夹旁的临时文件里；请检查磁盘空间。"),
            ]
        })?;
        page.spilled = Some(span);
        page.body.html = Arc::from("");
    }
    Ok(page)
}

/// Reads and parses a section's `_index.md`.
fn read_section(config: &Config, key: &str, rel: &str, path: &Path) -> Result<Section, Vec<Diagnostic>> {
    let shown = format!("content/{rel}");
    let text = read_text(path, &shown).map_err(|d| vec![d])?;
    page::parse_section(config, key, rel, &shown, &text)
}

/// Reads and parses a page, its bundle's `assets` placed below its URL; `None` for a draft
/// left out.
fn read_page(
    config: &Config,
    rel: &str,
    path: &Path,
    section: &str,
    assets: Vec<Asset>,
    drafts: bool,
) -> Result<Option<Page>, Vec<Diagnostic>> {
    let shown = format!("content/{rel}");
    let text = read_text(path, &shown).map_err(|d| vec![d])?;
    let mut page = page::parse_page(config, rel, &shown, &text, section, assets)?;
    if page.front.draft && !drafts {
        return Ok(None);
    }
    let base = page.path.clone();
    for a in &mut page.assets {
        a.out = format!("{base}{}", a.out);
    }
    Ok(Some(page))
}

/// The files of a bundle folder other than its index.md, with paths inside the folder.
fn bundle_assets(folder: &Path) -> Vec<Asset> {
    walkdir::WalkDir::new(folder)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (display_path(e.path(), folder), e.into_path()))
        .filter(|(inner, _)| inner != "index.md" && !inner.ends_with(".md"))
        .map(|(inner, src)| Asset { src, out: inner })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_sections_pages_bundles_and_assets() {
        let sections: BTreeSet<String> = ["cases".to_string()].into();
        let bundles: BTreeSet<String> = ["cases/jzf/index.md".to_string()].into();
        assert_eq!(
            classify("cases/_index.md", &sections, &bundles),
            FileRole::Section { key: "cases".into() }
        );
        assert_eq!(
            classify("cases/a.md", &sections, &bundles),
            FileRole::Page {
                section: "cases".into()
            }
        );
        assert_eq!(
            classify("cases/2024/a.md", &sections, &bundles),
            FileRole::Page {
                section: "cases".into()
            }
        );
        assert_eq!(
            classify("cases/jzf/index.md", &sections, &bundles),
            FileRole::Page {
                section: "cases".into()
            }
        );
        assert_eq!(
            classify("cases/jzf/photo.jpg", &sections, &bundles),
            FileRole::BundleAsset {
                bundle: "cases/jzf/index.md".into()
            }
        );
        assert_eq!(
            classify("about.md", &sections, &bundles),
            FileRole::Page { section: "".into() }
        );
        assert_eq!(classify("cases/a.pdf", &sections, &bundles), FileRole::Asset);
        assert_eq!(classify("cases/.a.md.swp", &sections, &bundles), FileRole::Ignored);
    }

    #[test]
    fn editor_leftovers_are_ignored() {
        for n in [
            ".a.md.swp",
            "a.md~",
            "#a.md#",
            "4913",
            ".DS_Store",
            "~$报告.docx",
            "a.md.tmp",
        ] {
            assert!(is_ignored_name(n), "{n}");
        }
        assert!(!is_ignored_name("a.md"));
    }
}
