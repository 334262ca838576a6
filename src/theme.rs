//! Themes: a folder of `templates/` and `static/`, or the default theme built into pufa.
//!
//! The default theme is embedded in the binary, so a site made with `pufa init` builds
//! anywhere; a `themes/default` folder next to the site (as in this repository) takes
//! precedence and is watched by `pufa serve`. Themes that lack the feed, sitemap or robots
//! templates get the built-in ones.

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Error, display_path};

/// The default theme, as it was when pufa was compiled.
pub static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Templates every theme gets from the built-in one when it has none of its own.
pub const FALLBACK_TEMPLATES: &[&str] = &["atom.xml", "rss.xml", "sitemap.xml", "robots.txt"];

/// Where a theme's files come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Theme {
    Dir(PathBuf),
    Builtin,
}

/// A file's contents: on disk or embedded.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    Path(PathBuf),
    Embedded(&'static [u8]),
}

impl Source {
    pub fn read(&self) -> std::io::Result<Vec<u8>> {
        match self {
            Source::Path(p) => std::fs::read(p),
            Source::Embedded(b) => Ok(b.to_vec()),
        }
    }

    pub fn shown(&self, base: &Path) -> String {
        match self {
            Source::Path(p) => display_path(p, base),
            Source::Embedded(_) => "（内置默认主题）".to_string(),
        }
    }
}

/// Finds the configured theme.
pub fn resolve(config: &Config) -> Result<Theme, Error> {
    let dir = config.theme_dir();
    if dir.is_dir() {
        return Ok(Theme::Dir(dir));
    }
    if config.theme == "default" {
        return Ok(Theme::Builtin);
    }
    Err(Error::one(
        Diagnostic::new("theme/missing", format!("找不到主题 `{}`", config.theme))
            .in_file(display_path(&config.file, &config.root))
            .with_hint(format!("主题应在 {} 。检查 config.yaml 的 theme 设置。", dir.display())),
    ))
}

fn embedded_files(sub: &str) -> Vec<(String, &'static [u8])> {
    fn walk(d: &'static Dir<'static>, out: &mut Vec<(String, &'static [u8])>) {
        for f in d.files() {
            out.push((f.path().to_string_lossy().replace('\\', "/"), f.contents()));
        }
        for sub in d.dirs() {
            walk(sub, out);
        }
    }
    let mut out = Vec::new();
    if let Some(d) = BUILTIN.get_dir(sub) {
        walk(d, &mut out);
    }
    let prefix = format!("{sub}/");
    let mut out: Vec<(String, &'static [u8])> = out
        .into_iter()
        .map(|(p, b)| (p.strip_prefix(&prefix).unwrap_or(&p).to_string(), b))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Files of a theme's sub-folder (`templates` or `static`): (path inside it, source).
pub fn files(theme: &Theme, sub: &str) -> Vec<(String, Source)> {
    match theme {
        Theme::Builtin => embedded_files(sub)
            .into_iter()
            .map(|(p, b)| (p, Source::Embedded(b)))
            .collect(),
        Theme::Dir(dir) => dir_files(&dir.join(sub)),
    }
}

/// Every file below `dir` (skipping editor leftovers), by path.
pub fn dir_files(dir: &Path) -> Vec<(String, Source)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (display_path(e.path(), dir), e.into_path()))
        .filter(|(rel, _)| !rel.split('/').any(crate::util::is_ignored_name))
        .map(|(rel, p)| (rel, Source::Path(p)))
        .collect()
}

/// The built-in version of a template.
pub fn builtin_template(name: &str) -> Option<&'static str> {
    BUILTIN
        .get_file(format!("templates/{name}"))
        .and_then(|f| f.contents_utf8())
}
