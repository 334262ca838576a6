//! `pufa check`: the government-site inspection (《政府网站与政务新媒体检查指标》), run before
//! the inspector does. Nothing is written except the external-link cache and, when asked, the
//! HTML report.
//!
//! [`run`] loads the site and collects [`Finding`]s, one file per concern: `wording` (严重表述错误
//! and 错别字, from the word lists in `terms`), `links` (every link of every output, rendered in
//! memory, read with the tag scanner `markdown::html`), `external` (`--external`: HTTP
//! checks with a cache), `sections` (空白栏目, 栏目不更新), `placeholders` (example values left in
//! config.yaml), and the build's own diagnostics
//! (personal data, accessibility, report rules). `report` prints them for people (grouped by
//! inspection item and file), as JSON and as a printable HTML page; `finding` is the type.

pub mod external;
pub mod finding;
pub mod links;
pub mod placeholders;
pub mod report;
pub mod sections;
pub mod terms;
pub mod wording;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use rayon::prelude::*;

pub use finding::{Finding, Item};

use crate::config::{Config, Kind};
use crate::content::date::Date;
use crate::diagnostics::{Diagnostic, Error, Severity};
use crate::pipeline::{Pipeline, SiteSpec, load_config};
use wording::{Detector, HitKind};

/// What to check.
#[derive(Debug, Clone)]
pub struct Options {
    /// The date sections are measured against.
    pub today: Date,
    /// Also fetch external links.
    pub external: bool,
}

/// Everything `pufa check` found, and what it looked at.
#[derive(Debug, Clone)]
pub struct Report {
    pub site_title: String,
    pub today: Date,
    pub findings: Vec<Finding>,
    pub pages: usize,
    pub sections: usize,
    pub outputs: usize,
    pub links: usize,
    pub files_scanned: usize,
    /// Whether the site loaded (when it did not, only the file checks ran).
    pub loaded: bool,
    pub external: Option<external::Summary>,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.findings.iter().filter(|f| f.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.findings.len() - self.errors()
    }
}

/// Runs every check on the site of `spec`. Fails only when the config cannot be read.
pub fn run(spec: &SiteSpec, opts: &Options) -> Result<Report, Error> {
    let config = load_config(spec)?;
    let mut report = Report {
        site_title: config.title.clone(),
        today: opts.today,
        findings: Vec::new(),
        pages: 0,
        sections: 0,
        outputs: 0,
        links: 0,
        files_scanned: 0,
        loaded: false,
        external: None,
    };
    report
        .findings
        .extend(placeholders::check(&config).into_iter().map(Finding::new));
    let how = crate::pipeline::Bodies {
        render_once: true,
        ..Default::default()
    };
    let pipeline = match Pipeline::from_config(spec, config.clone(), how) {
        Ok(p) => p,
        Err(e) => {
            report.findings.extend(e.diagnostics.into_iter().map(Finding::new));
            let files = with_config(&config, content_files(&config));
            scan_wording(&config, &[], &files, &mut report)?;
            finding::sort(&mut report.findings);
            return Ok(report);
        }
    };
    report.loaded = true;
    let site = &pipeline.site;
    report.pages = site.pages.len();
    report.sections = site.sections.len();
    report
        .findings
        .extend(pipeline.warnings().into_iter().map(Finding::new));
    report.findings.extend(sections::check(site, opts.today));
    let publishers: Vec<String> = site
        .pages
        .values()
        .filter(|p| p.kind == Kind::Report)
        .filter_map(|p| p.front.publisher.clone())
        .collect();
    let content: Vec<String> = site
        .pages
        .values()
        .map(|p| p.shown.clone())
        .chain(
            site.sections
                .values()
                .filter(|s| !s.rel.is_empty())
                .map(|s| s.shown.clone()),
        )
        .collect();
    let mut files = with_config(&config, content);
    // Templates' own text is published too.
    for src in pipeline.renderer.templates.sources.values() {
        if !src.path.as_os_str().is_empty() {
            files.push((src.shown.clone(), src.path.clone()));
        }
    }
    scan_wording(&config, &publishers, &files, &mut report)?;
    check_links(&pipeline, opts.external, &mut report);
    finding::sort(&mut report.findings);
    Ok(report)
}

/// Renders every output in memory and checks its links (external ones too with `external`).
fn check_links(pipeline: &Pipeline, external: bool, report: &mut Report) {
    let keys = pipeline.outputs();
    let outputs = pipeline.paths(&keys);
    report.outputs = keys.len();
    let mut files: HashSet<String> = outputs.keys().cloned().collect();
    let copied = match pipeline.static_files(&outputs) {
        Ok(copied) => copied,
        Err(e) => {
            report.findings.extend(e.diagnostics.into_iter().map(Finding::new));
            Vec::new()
        }
    };
    files.extend(copied.iter().map(|c| c.rel.clone()));
    let checker = links::LinkChecker::new(pipeline.config(), files);
    // Style sheets are copied, not rendered, and may link to fonts and images.
    let root = &pipeline.config().root;
    let mut sheets: HashMap<String, String> = HashMap::new();
    for c in copied.iter().filter(|c| c.rel.ends_with(".css")) {
        if let Ok(bytes) = c.src.read() {
            checker.scan(&c.rel, &bytes);
            sheets.insert(c.rel.clone(), c.src.shown(root));
        }
    }
    let binding = pipeline.bind(false);
    let rendered = pipeline.render(&binding, &keys, None, None, |_, rel, out| {
        checker.made(crate::pipeline::made_by(&out.inputs).map(|d| d.out.clone()));
        checker.scan(&rel, &out.bytes);
        Ok(())
    });
    drop(binding);
    if let Err(e) = rendered {
        report.findings.extend(e.diagnostics.into_iter().map(Finding::new));
    }
    let ctx = links::Context {
        site: &pipeline.site,
        outputs: &outputs,
        templates: &pipeline.renderer.templates,
        pipeline,
        copied: &sheets,
    };
    let (findings, found, count) = checker.finish(&ctx);
    report.links = count;
    report.findings.extend(findings);
    if !external {
        report.external = Some(external::Summary::unchecked(found));
        return;
    }
    let (broken, summary) = external::check(pipeline.config(), &found);
    for b in broken {
        let mut message = format!("外部链接 {} 无法打开：{}", b.url, b.reason);
        if b.count > 1 {
            message.push_str(&format!("（共 {} 处）", b.count));
        }
        let d = Diagnostic::new("link/external-broken", message).with_hint(
            "请核对网址，改为可以打开的地址或删除链接；确实只是暂时打不开、或对方拒绝自动检查的网址，可写进 config.yaml 的 check.skip_urls。",
        );
        let raw = crate::markdown::escape(&b.url);
        report
            .findings
            .push(Finding::new(links::locate(d, &b.output, &raw, &ctx)).with_found(b.url, None));
    }
    report.external = Some(summary);
}

/// Every `.md` file under content/, as shown in messages (when the site did not load).
fn content_files(config: &Config) -> Vec<String> {
    walkdir::WalkDir::new(config.content_dir())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| crate::diagnostics::display_path(e.path(), &config.root))
        .collect()
}

/// Content files (shown relative to the site folder) with where they are, and config.yaml.
fn with_config(config: &Config, content: Vec<String>) -> Vec<(String, PathBuf)> {
    let mut files: Vec<(String, PathBuf)> = content.into_iter().map(|s| (s.clone(), config.root.join(s))).collect();
    files.push((
        crate::diagnostics::display_path(&config.file, &config.root),
        config.file.clone(),
    ));
    files
}

/// The wording findings of `files`: (as shown in messages, where it is).
fn scan_wording(
    config: &Config,
    publishers: &[String],
    files: &[(String, PathBuf)],
    report: &mut Report,
) -> Result<(), Error> {
    let lists = match terms::WordLists::for_site(config, publishers) {
        Ok(l) => l,
        Err(e) => {
            report.findings.extend(e.diagnostics.into_iter().map(Finding::new));
            terms::WordLists::bundled()
        }
    };
    let detector = Detector::new(lists).map_err(Error::one)?;
    let found: Vec<Finding> = files
        .par_iter()
        .flat_map_iter(|(shown, path)| {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            detector
                .scan(&text)
                .into_iter()
                .map(|h| wording_finding(shown, &text, &h))
                .collect::<Vec<_>>()
        })
        .collect();
    report.files_scanned = files.len();
    report.findings.extend(found);
    Ok(())
}

fn wording_finding(shown: &str, text: &str, h: &wording::Hit) -> Finding {
    let (code, message, hint) = match h.kind {
        HitKind::NearMiss(edit) => {
            let how = match edit {
                wording::Edit::Substituted => "有一个字写错",
                wording::Edit::Missing => "漏了一个字",
                wording::Edit::Extra => "多了一个字",
                wording::Edit::Swapped => "有两个字颠倒",
            };
            (
                "wording/serious",
                format!("“{}”{how}，应为“{}”（{}）", h.found, h.expected, h.category),
                "规范名称写错是严重表述错误，检查时按单项否决处理。请改为规范写法；确是有意这样写的，请把这段文字加到 config.yaml 的 check.allow 中。",
            )
        }
        HitKind::KnownWrong => (
            "wording/known-wrong",
            format!("“{}”是错误写法，应为“{}”（{}）", h.found, h.expected, h.category),
            "这是严重表述错误，检查时按单项否决处理。请改为规范写法。",
        ),
        HitKind::Typo => (
            "wording/typo",
            format!("“{}”是错别字，应为“{}”", h.found, h.expected),
            "请改正；确是有意这样写的，请把这段文字加到 config.yaml 的 check.allow 中。",
        ),
    };
    let mut d = Diagnostic::new(code, message)
        .in_file(shown)
        .at_offset(text, h.start, h.end - h.start)
        .with_hint(hint);
    if !h.is_serious() {
        d.severity = Severity::Warning;
    }
    Finding::new(d).with_found(h.found.clone(), Some(h.expected.clone()))
}
