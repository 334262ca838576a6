//! Where an output folder may be: never the site itself or a folder around it, never inside
//! the folders pufa reads (content/, static/, templates/, the theme), and, when it exists,
//! only an empty folder or one holding pufa's manifest.
//!
//! A symlinked output (`public -> /var/www/hlz`, common on web servers) is written through:
//! [`real_dir`] follows the link, the link itself stays as it is.

use std::path::{Path, PathBuf};

use super::manifest::Manifest;
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Error};
use crate::util::abs;

/// The folder `out` names, with symlinks followed (also when the link's target does not exist
/// yet: then the path it points to).
pub fn real_dir(out: &Path) -> PathBuf {
    let mut p = out.to_path_buf();
    for _ in 0..32 {
        match std::fs::read_link(&p) {
            Ok(target) => {
                p = match p.parent() {
                    Some(parent) if target.is_relative() => parent.join(target),
                    _ => target,
                }
            }
            Err(_) => break,
        }
    }
    abs(&p)
}

/// Checks that the real folder `dir` (shown to people as `shown`) may take the output of the
/// site `config` describes. Returns the folder's manifest when it has one.
pub fn check(dir: &Path, shown: &Path, config: &Config) -> Result<Option<Manifest>, Error> {
    let unsafe_place = |msg: String, hint: &str| Err(Error::one(Diagnostic::new("output/unsafe", msg).with_hint(hint)));
    if abs(&config.root).starts_with(dir) {
        return unsafe_place(
            format!("输出文件夹 {} 包含站点本身", shown.display()),
            "请用 --output 指定站点之外的一个单独文件夹，例如 public。",
        );
    }
    let read = [
        (config.content_dir(), "content/"),
        (config.root.join("static"), "static/"),
        (config.root.join("templates"), "templates/"),
        (config.theme_dir(), "主题文件夹"),
    ];
    for (folder, name) in read {
        if dir.starts_with(abs(&folder)) {
            return unsafe_place(
                format!("输出文件夹 {} 在站点的 {name} 里面", shown.display()),
                "pufa 会读取这个文件夹，输出放在里面会被当成内容再次发布。请把输出放到别处，例如站点旁边的 public。",
            );
        }
    }
    match std::fs::metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(shown, &e, "读取输出文件夹")),
        Ok(m) if !m.is_dir() => {
            return unsafe_place(
                format!("输出位置 {} 是一个文件，不是文件夹", shown.display()),
                "请用 --output 指定一个文件夹。",
            );
        }
        Ok(_) => {}
    }
    let manifest = Manifest::read(dir).map_err(|e| {
        Error::one(
            Diagnostic::new(
                "output/manifest",
                format!(
                    "输出文件夹 {} 里的清单文件 {} 无法读取：{e}",
                    shown.display(),
                    super::manifest::FILE_NAME
                ),
            )
            .with_hint("这个文件记录 pufa 生成过哪些文件。请删除整个输出文件夹后重新生成。"),
        )
    })?;
    if manifest.is_none() && !is_empty(dir) {
        return unsafe_place(
            format!(
                "输出文件夹 {} 里有不是 pufa 生成的文件，pufa 不会写入它",
                shown.display()
            ),
            "pufa 只写入空文件夹或它自己生成过的文件夹（里面有 .pufa-manifest.json）。请换一个输出文件夹（--output），或先把这个文件夹里的文件移走；旧版 pufa 生成的文件夹请删除后重新生成。",
        );
    }
    Ok(manifest)
}

fn is_empty(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none())
}
