//! Walking a folder of the site (content/, static/): symlinks are followed to files and
//! folders inside the site (a linked file is published at the link's path); a loop, a link
//! leaving the site, a link to nothing and a file name that is not UTF-8 are errors naming the
//! link or file and where it points. One walker, so content/ and static/ keep the same rules.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, display_path};
use crate::util::is_ignored_name;

/// Every file under `dir` (a folder of the site: content/ or static/; symlinks followed), in
/// name order, and what could not be walked: a name that is not UTF-8, a symlink loop, a link
/// leaving the site or to nothing. Hidden, editor temp and backup files are passed over.
pub fn site_files(config: &Config, dir: &Path) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    if !dir.is_dir() {
        return (Vec::new(), Vec::new());
    }
    let site = crate::util::abs(&config.root);
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    while let Some(entry) = walker.next() {
        let e = match entry {
            Ok(e) => e,
            Err(e) => {
                errors.push(walk_error(config, dir, &e));
                continue;
            }
        };
        let problem = match e.depth() {
            0 => None,
            _ => bad_name(config, e.path()).or_else(|| link_outside(config, &site, &e)),
        };
        if let Some(d) = problem {
            errors.push(d);
            if e.file_type().is_dir() {
                walker.skip_current_dir();
            }
        } else if e.file_type().is_file() {
            files.push(e.into_path());
        }
    }
    (files, errors)
}

/// A file or folder name that is not UTF-8 (GBK names from a Windows zip): its URL would be
/// garbage, so it is an error naming it as well as it can be shown.
fn bad_name(config: &Config, path: &Path) -> Option<Diagnostic> {
    let name = path.file_name()?;
    name.to_str().is_none().then(|| {
        Diagnostic::new(
            "path/file-name",
            format!("文件名不是 UTF-8 编码：{}", name.to_string_lossy()),
        )
        .in_file(display_path(path, &config.root))
        .with_hint(
            "这个名字多半来自 Windows 上压缩的 zip（GBK 编码），网址会变成乱码。请把它重命名（例如在文件管理器里重新输入中文名），或用 `unzip -O GBK` 重新解压。",
        )
    })
}

/// A symlink whose target is outside the site folder: pufa reads only the site's own files.
fn link_outside(config: &Config, site: &Path, e: &walkdir::DirEntry) -> Option<Diagnostic> {
    if !e.path_is_symlink() {
        return None;
    }
    let target = std::fs::canonicalize(e.path()).ok()?;
    (!target.starts_with(site)).then(|| {
        Diagnostic::new(
            "path/symlink-outside",
            format!(
                "符号链接指向站点文件夹以外：{} → {}",
                display_path(e.path(), &config.root),
                target.display()
            ),
        )
        .in_file(display_path(e.path(), &config.root))
        .with_hint("pufa 只发布站点文件夹里的文件。请把要发布的文件复制到站点文件夹里，或删除这个链接。")
    })
}

/// A walk error in plain words: a symlink loop or a link to nothing names the link and where
/// it points.
fn walk_error(config: &Config, dir: &Path, e: &walkdir::Error) -> Diagnostic {
    let path = e.path().map(Path::to_path_buf).unwrap_or_else(|| dir.to_path_buf());
    let shown = display_path(&path, &config.root);
    let points = std::fs::read_link(&path)
        .map(|t| t.display().to_string())
        .unwrap_or_default();
    let d = if let Some(ancestor) = e.loop_ancestor() {
        Diagnostic::new(
            "path/symlink-loop",
            format!(
                "符号链接形成了循环：{shown} → {points}（指回它上面的文件夹 {}）",
                display_path(ancestor, &config.root)
            ),
        )
        .with_hint("跟着这个链接会无穷无尽地进入同一个文件夹。请删除它，或让它指向站点里的另一个文件夹。")
    } else if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) && !path.exists() {
        Diagnostic::new(
            "path/symlink-broken",
            format!("符号链接指向的文件不存在：{shown} → {points}"),
        )
        .with_hint("请删除这个链接，或让它指向存在的文件。")
    } else {
        Diagnostic::new("io", format!("读取文件夹失败：{e}"))
    };
    d.in_file(shown)
}
