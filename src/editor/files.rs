//! Where the editor may write, and how: content-relative paths checked before they touch the
//! disk (no `..`, no absolute paths, no hidden names, no symlink anywhere on the way, the
//! result inside `content/`), atomic writes (a temporary file beside the target, synced, then
//! renamed over it), file versions for conflict checks, and upload names.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::diagnostics::Diagnostic;

/// Why a path was refused, in plain words.
fn refused(what: &str, rel: &str) -> Diagnostic {
    Diagnostic::new("editor/path", format!("不能使用这个路径：{rel}（{what}）"))
        .with_hint("文件只能放在站点的 content/ 文件夹里，路径里不能有 ..、开头的 / 或以 . 开头的名字。")
}

/// Checks a content-relative, `/`-separated path and returns it under `content`. Refuses
/// anything that could land outside `content` or go through a symlink.
pub fn content_path(content: &Path, rel: &str) -> Result<PathBuf, Diagnostic> {
    if rel.is_empty() {
        return Err(refused("路径是空的", rel));
    }
    if rel.contains(['\\', '\0', ':']) || rel.starts_with('/') {
        return Err(refused("不是 content/ 里的相对路径", rel));
    }
    for seg in rel.split('/') {
        if seg.is_empty() || seg == "." || seg == ".." {
            return Err(refused("含有空的、. 或 .. 的一段", rel));
        }
        if crate::util::is_ignored_name(seg) {
            return Err(refused("含有隐藏或临时文件的名字", rel));
        }
    }
    let path = content.join(rel);
    if !crate::util::stays_inside(rel) {
        return Err(refused("不是 content/ 里的相对路径", rel));
    }
    no_symlinks(content, &path).map_err(|what| match what.contains("符号链接") || what.contains("以外") {
        true => refused(what, rel).with_hint(
            "这个位置经过符号链接（快捷方式）。为了不改到别处的文件，编辑器不通过符号链接打开或写入；请用文本编辑器直接修改它指向的原文件。",
        ),
        false => refused(what, rel),
    })?;
    Ok(path)
}

/// Refuses a path when `content` or any existing part below it is a symlink, or when the
/// nearest existing folder does not resolve to a place inside `content`.
fn no_symlinks(content: &Path, path: &Path) -> Result<(), &'static str> {
    let base = content.canonicalize().map_err(|_| "content/ 文件夹不存在")?;
    let mut at = content.to_path_buf();
    let rest = path.strip_prefix(content).map_err(|_| "不在 content/ 里")?;
    if std::fs::symlink_metadata(content).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err("content/ 是符号链接");
    }
    for c in rest.components() {
        at.push(c);
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => return Err("经过符号链接"),
            Ok(_) => {
                let real = at.canonicalize().map_err(|_| "无法读取")?;
                if !real.starts_with(&base) {
                    return Err("指向 content/ 以外");
                }
            }
            Err(_) => break,
        }
    }
    Ok(())
}

/// A file's version: the SHA-256 of its bytes, in hex.
pub fn version(bytes: &[u8]) -> String {
    crate::util::hex(&Sha256::digest(bytes))
}

/// The version of the file at `path` now; `None` when it does not exist.
pub fn version_on_disk(path: &Path) -> std::io::Result<Option<(String, Vec<u8>)>> {
    match std::fs::read(path) {
        Ok(b) => Ok(Some((version(&b), b))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Writes `bytes` to `path` all at once: a temporary file in the same folder (hidden, so the
/// site ignores it), synced, then renamed over `path`. With `create_new`, an existing `path`
/// is never replaced. Creates the folder.
pub fn write_atomic(path: &Path, bytes: &[u8], create_new: bool) -> std::io::Result<()> {
    let dir = path.parent().ok_or_else(|| std::io::Error::other("no folder"))?;
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".pufa-save-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    if create_new {
        tmp.persist_noclobber(path).map_err(|e| e.error)?;
    } else {
        tmp.persist(path).map_err(|e| e.error)?;
    }
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// File types the editor accepts as uploads: images shown in pages and the attachments a
/// government page offers. Nothing a browser would run (HTML, scripts) is accepted.
pub const UPLOAD_TYPES: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "webp", "svg", "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "wps", "et", "ofd",
    "txt", "csv", "zip", "rar", "7z",
];

/// Whether an upload's extension names an image.
pub fn is_image(name: &str) -> bool {
    matches!(ext(name).as_str(), "png" | "jpg" | "jpeg" | "gif" | "webp" | "svg")
}

fn ext(name: &str) -> String {
    name.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

/// Checks an upload's file name (one name, no folders; Chinese kept) and its type.
pub fn upload_name(name: &str) -> Result<String, Diagnostic> {
    let bad = |what: &str| {
        Diagnostic::new("editor/upload-name", format!("文件名“{name}”不能使用：{what}"))
            .with_hint("请把文件改成一个普通的名字再上传，例如 现场照片.jpg。")
    };
    let n = name.trim();
    if n.is_empty() || n.chars().count() > 120 {
        return Err(bad("名字是空的或太长"));
    }
    if n.contains(['/', '\\', '\0', ':']) || n == "." || n == ".." || n.contains("..") {
        return Err(bad("名字里不能有 /、\\、: 或 .."));
    }
    if crate::util::is_ignored_name(n) || n.chars().any(char::is_control) {
        return Err(bad("以 . 开头或是临时文件的名字"));
    }
    if !UPLOAD_TYPES.contains(&ext(n).as_str()) {
        return Err(Diagnostic::new("editor/upload-type", format!("不能上传这种文件：{n}"))
            .with_hint(format!("可以上传的文件类型：{}。", UPLOAD_TYPES.join("、"))));
    }
    Ok(n.to_string())
}

/// `name`, or `name-2`, `name-3` … when a file of that name is already in `dir`.
pub fn free_name(dir: &Path, name: &str) -> String {
    if !dir.join(name).exists() {
        return name.to_string();
    }
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    (2..)
        .map(|i| {
            if ext.is_empty() {
                format!("{stem}-{i}")
            } else {
                format!("{stem}-{i}.{ext}")
            }
        })
        .find(|n| !dir.join(n).exists())
        .unwrap_or_else(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_could_leave_content_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir_all(content.join("cases")).unwrap();
        for bad in [
            "",
            "../config.yaml",
            "cases/../../x.md",
            "/etc/passwd",
            "cases//a.md",
            "cases/./a.md",
            "cases\\a.md",
            "C:/x.md",
            ".git/config",
            "cases/.hidden.md",
            "a\0b.md",
        ] {
            assert!(content_path(&content, bad).is_err(), "{bad}");
        }
        assert_eq!(
            content_path(&content, "cases/金尊府.md").unwrap(),
            content.join("cases/金尊府.md")
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_on_the_way_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir_all(&content).unwrap();
        let outside = dir.path().join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        std::os::unix::fs::symlink(&outside, content.join("cases")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("x"), content.join("link.md")).unwrap();
        assert!(content_path(&content, "cases/a.md").is_err());
        assert!(content_path(&content, "link.md").is_err());
    }

    #[test]
    fn atomic_writes_replace_whole_files_and_leave_no_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a/b.md");
        write_atomic(&p, "一".as_bytes(), true).unwrap();
        assert!(write_atomic(&p, b"two", true).is_err(), "create_new must not replace");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "一");
        write_atomic(&p, b"two", false).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "two");
        let names: Vec<String> = std::fs::read_dir(dir.path().join("a"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec!["b.md".to_string()]);
        assert_eq!(version(b"two"), version_on_disk(&p).unwrap().unwrap().0);
        assert!(version_on_disk(&dir.path().join("none")).unwrap().is_none());
    }

    #[test]
    fn upload_names_are_one_plain_name_of_an_allowed_type() {
        for bad in [
            "../x.png",
            "a/b.png",
            "..png",
            ".htaccess",
            "x.html",
            "x.js",
            "x.md",
            "",
            "C:x.png",
            "a\\b.png",
        ] {
            assert!(upload_name(bad).is_err(), "{bad}");
        }
        assert_eq!(upload_name("现场照片.JPG").unwrap(), "现场照片.JPG");
        assert!(is_image("现场照片.JPG"));
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.png"), b"x").unwrap();
        std::fs::write(dir.path().join("a-2.png"), b"x").unwrap();
        assert_eq!(free_name(dir.path(), "a.png"), "a-3.png");
        assert_eq!(free_name(dir.path(), "b.png"), "b.png");
    }
}
