//! Writing `public/`: all or nothing.
//!
//! A build writes into a staging folder next to the output folder and swaps it in only when
//! every file was written; a failed build leaves the previous `public/` untouched and removes
//! its staging folder. pufa refuses to replace a folder it did not create (one without the
//! `404.html` and `sitemap.xml` every pufa build writes) or one that holds the site itself.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Error, io_diagnostic};

/// A staging folder that becomes the output folder on [`Staging::commit`].
#[derive(Debug)]
pub struct Staging {
    pub target: PathBuf,
    pub dir: PathBuf,
    committed: bool,
}

/// Checks that `out` may be replaced by a build of the site in `root`.
pub fn check_output_dir(out: &Path, root: &Path) -> Result<(), Error> {
    let (out_abs, root_abs) = (crate::util::abs(out), crate::util::abs(root));
    if root_abs.starts_with(&out_abs) {
        return Err(Error::one(
            Diagnostic::new(
                "output/unsafe",
                format!("输出文件夹 {} 包含站点本身，生成时会把它清空", out.display()),
            )
            .with_hint("请用 --output 指定一个单独的文件夹，例如 public。"),
        ));
    }
    if out.exists() {
        if !out.is_dir() {
            return Err(Error::one(Diagnostic::new(
                "output/unsafe",
                format!("输出位置 {} 是一个文件，不是文件夹", out.display()),
            )));
        }
        let empty = std::fs::read_dir(out).map(|mut d| d.next().is_none()).unwrap_or(false);
        let ours = out.join("404.html").is_file() && out.join("sitemap.xml").is_file();
        if !empty && !ours {
            return Err(Error::one(
                Diagnostic::new(
                    "output/unsafe",
                    format!("输出文件夹 {} 里有其他文件，pufa 不会覆盖它", out.display()),
                )
                .with_hint("请换一个输出文件夹（--output），或先把这个文件夹里的文件移走。"),
            ));
        }
    }
    Ok(())
}

impl Staging {
    /// Creates an empty staging folder beside `target`.
    pub fn new(target: &Path) -> Result<Staging, Error> {
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, &e, "创建输出文件夹"))?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let dir = parent.join(format!(".{name}.pufa-staging-{}", std::process::id()));
        if dir.exists() {
            let _ = std::fs::remove_dir_all(&dir);
        }
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, &e, "创建临时输出文件夹"))?;
        Ok(Staging {
            target: target.to_path_buf(),
            dir,
            committed: false,
        })
    }

    /// The staging path of an output path (`cases/a/index.html`).
    pub fn path(&self, rel: &str) -> PathBuf {
        crate::render::to_fs_path(&self.dir, rel)
    }

    /// Writes one file (creating its folders).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io_diagnostic(parent, &e, "创建文件夹"))?;
        }
        std::fs::write(&p, bytes).map_err(|e| io_diagnostic(&p, &e, "写入文件"))
    }

    /// Copies a file into the output.
    pub fn copy(&self, src: &Path, rel: &str) -> Result<(), Diagnostic> {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io_diagnostic(parent, &e, "创建文件夹"))?;
        }
        std::fs::copy(src, &p)
            .map(|_| ())
            .map_err(|e| io_diagnostic(src, &e, "复制文件"))
    }

    /// Swaps the staging folder in as the output folder.
    pub fn commit(mut self) -> Result<(), Error> {
        let old = self.dir.with_extension("old");
        if self.target.exists() {
            std::fs::rename(&self.target, &old).map_err(|e| Error::io(&self.target, &e, "替换输出文件夹"))?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.target) {
            // Put the previous output back.
            if old.exists() {
                let _ = std::fs::rename(&old, &self.target);
            }
            return Err(Error::io(&self.target, &e, "替换输出文件夹"));
        }
        self.committed = true;
        if old.exists() {
            let _ = std::fs::remove_dir_all(&old);
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dropped_staging_leaves_the_old_output() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("public");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("index.html"), "old").unwrap();
        {
            let s = Staging::new(&out).unwrap();
            s.write("index.html", b"new").unwrap();
        }
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "old");
        assert_eq!(std::fs::read_dir(t.path()).unwrap().count(), 1);
        let s = Staging::new(&out).unwrap();
        s.write("a/b/index.html", b"new").unwrap();
        s.commit().unwrap();
        assert!(out.join("a/b/index.html").is_file());
        assert!(!out.join("index.html").exists());
    }

    #[test]
    fn refuses_to_replace_foreign_or_enclosing_folders() {
        let t = tempfile::tempdir().unwrap();
        let site = t.path().join("site");
        std::fs::create_dir_all(&site).unwrap();
        assert!(check_output_dir(t.path(), &site).is_err());
        let other = t.path().join("docs");
        std::fs::create_dir_all(&other).unwrap();
        std::fs::write(other.join("thesis.docx"), "x").unwrap();
        assert!(check_output_dir(&other, &site).is_err());
        assert!(check_output_dir(&t.path().join("public"), &site).is_ok());
    }
}
