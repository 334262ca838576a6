//! The staging folder beside an output folder, and the journal that makes a commit finish.
//!
//! A build writes the files that changed into `.<name>.pufa-staging-<pid>/tree/` next to the
//! output folder (on the same file system, so moving them in is a rename) and holds a lock on
//! `lock` in it while it runs. To commit, it writes the list of moves and removals to
//! `journal.json` (written whole, then renamed into place: that rename is the commit point),
//! then applies it. A build that is killed before the commit point leaves the output as it
//! was; one killed after it leaves a journal that the next build (any pufa command that
//! opens the output) applies before anything else. A staging folder whose lock nobody holds
//! is a dead build's: [`Staging::create`] finishes or removes it.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::manifest::{FILE_NAME, Manifest};
use crate::diagnostics::{Diagnostic, Error};
use crate::util::fs_path;

const JOURNAL: &str = "journal.json";

/// What a commit does to the output folder.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Journal {
    /// The output folder did not exist: `tree/` becomes it, with one rename.
    pub fresh: bool,
    /// Files to move from `tree/` into the output folder.
    pub moves: Vec<String>,
    /// Files of the previous build to delete.
    pub removes: Vec<String>,
    /// The new manifest.
    pub manifest: Manifest,
}

/// A build's staging folder, locked while the build runs.
#[derive(Debug)]
pub struct Staging {
    pub dir: PathBuf,
    lock: File,
}

fn prefix(target: &Path) -> String {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    format!(".{name}.pufa-staging-")
}

fn parent_of(target: &Path) -> &Path {
    target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

impl Staging {
    /// Finishes or removes the staging folders dead builds left beside `target`, then creates
    /// this build's. Fails when another build is writing to `target` now.
    pub fn create(target: &Path) -> Result<Staging, Error> {
        let parent = parent_of(target);
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, &e, "创建输出文件夹"))?;
        sweep(target)?;
        let dir = parent.join(format!("{}{}", prefix(target), std::process::id()));
        if dir.exists() {
            let _ = std::fs::remove_dir_all(&dir);
        }
        std::fs::create_dir_all(dir.join("tree")).map_err(|e| Error::io(&dir, &e, "创建临时输出文件夹"))?;
        let lock = File::create(dir.join("lock")).map_err(|e| Error::io(&dir, &e, "创建临时输出文件夹"))?;
        lock.lock().map_err(|e| Error::io(&dir, &e, "锁定临时输出文件夹"))?;
        Ok(Staging { dir, lock })
    }

    /// Where a file of the output is staged.
    pub fn path(&self, rel: &str) -> PathBuf {
        fs_path(&self.dir.join("tree"), rel)
    }

    /// Applies `journal` to `target`, then removes the staging folder.
    pub fn commit(&self, target: &Path, journal: &Journal) -> Result<(), Error> {
        let fail = |e: std::io::Error| Error::io(target, &e, "更新输出文件夹");
        if journal.fresh {
            std::fs::write(self.path(FILE_NAME), journal.manifest.to_bytes()).map_err(fail)?;
        }
        let tmp = self.dir.join("journal.json.tmp");
        let bytes = serde_json::to_vec(journal).map_err(|e| fail(std::io::Error::other(e)))?;
        write_synced(&tmp, &bytes).map_err(fail)?;
        std::fs::rename(&tmp, self.dir.join(JOURNAL)).map_err(fail)?;
        apply(&self.dir, target, journal).map_err(fail)?;
        let _ = self.lock.unlock();
        let _ = std::fs::remove_dir_all(&self.dir);
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // A commit already removed it; otherwise the build failed and nothing is kept.
        if self.dir.exists() && !self.dir.join(JOURNAL).exists() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = File::create(path)?;
    std::io::Write::write_all(&mut f, bytes)?;
    f.sync_all()
}

/// Carries out a journal; safe to run again on a journal that was partly carried out.
fn apply(staging: &Path, target: &Path, journal: &Journal) -> std::io::Result<()> {
    let tree = staging.join("tree");
    if journal.fresh {
        if tree.exists() && !target.exists() {
            std::fs::rename(&tree, target)?;
        }
        return Ok(());
    }
    for rel in &journal.removes {
        let p = fs_path(target, rel);
        match std::fs::remove_file(&p) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => prune_empty_parents(&p, target),
        }
    }
    for rel in &journal.moves {
        let from = fs_path(&tree, rel);
        if !from.exists() {
            continue; // moved before an interruption
        }
        let to = fs_path(target, rel);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::rename(&from, &to)?;
    }
    let manifest = staging.join("manifest.json");
    write_synced(&manifest, &journal.manifest.to_bytes())?;
    std::fs::rename(&manifest, target.join(FILE_NAME))
}

/// Removes the folders above `file` that became empty, up to (not including) `root`.
fn prune_empty_parents(file: &Path, root: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == root || !d.starts_with(root) || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// Finishes the commits of dead builds and removes their staging folders.
fn sweep(target: &Path) -> Result<(), Error> {
    let parent = parent_of(target);
    let prefix = prefix(target);
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Ok(());
    };
    for e in entries.filter_map(Result::ok) {
        let name = e.file_name().to_string_lossy().into_owned();
        if !name.starts_with(&prefix) || !e.path().is_dir() {
            continue;
        }
        let dir = e.path();
        if let Ok(lock) = File::open(dir.join("lock")) {
            match lock.try_lock() {
                Err(TryLockError::WouldBlock) => {
                    return Err(Error::one(
                        Diagnostic::new(
                            "output/busy",
                            format!("另一个 pufa 正在生成到 {}（临时文件夹 {name}）", target.display()),
                        )
                        .with_hint("请等它完成后再试。"),
                    ));
                }
                Err(TryLockError::Error(err)) => return Err(Error::io(&dir, &err, "检查临时输出文件夹")),
                Ok(()) => {}
            }
        }
        if let Some(journal) = read_journal(&dir) {
            apply(&dir, target, &journal).map_err(|err| Error::io(target, &err, "完成上次中断的生成"))?;
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}

fn read_journal(dir: &Path) -> Option<Journal> {
    let bytes = std::fs::read(dir.join(JOURNAL)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::manifest::Entry;

    fn journal(moves: &[&str], removes: &[&str]) -> Journal {
        let mut manifest = Manifest::new();
        for m in moves {
            manifest.files.insert(m.to_string(), Entry::of(b"new"));
        }
        Journal {
            fresh: false,
            moves: moves.iter().map(|s| s.to_string()).collect(),
            removes: removes.iter().map(|s| s.to_string()).collect(),
            manifest,
        }
    }

    #[test]
    fn an_interrupted_commit_is_finished_by_the_next_build() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("public");
        std::fs::create_dir_all(out.join("old")).unwrap();
        std::fs::write(out.join("old/index.html"), "old").unwrap();
        std::fs::write(out.join("keep.html"), "keep").unwrap();
        // A dead build: journal written, one of two moves done, lock not held.
        let dead = t.path().join(".public.pufa-staging-1");
        std::fs::create_dir_all(dead.join("tree/a")).unwrap();
        std::fs::write(dead.join("tree/a/index.html"), "a").unwrap();
        std::fs::write(out.join("b.html"), "b").unwrap();
        let j = journal(&["a/index.html", "b.html"], &["old/index.html"]);
        std::fs::write(dead.join(JOURNAL), serde_json::to_vec(&j).unwrap()).unwrap();
        std::fs::write(dead.join("lock"), "").unwrap();
        let s = Staging::create(&out).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("a/index.html")).unwrap(), "a");
        assert!(!out.join("old").exists(), "emptied folders go");
        assert!(out.join("keep.html").exists(), "files not in the journal stay");
        assert!(Manifest::read(&out).unwrap().unwrap().files.contains_key("b.html"));
        assert!(!dead.exists());
        drop(s);
        assert_eq!(std::fs::read_dir(t.path()).unwrap().count(), 1, "only public/ is left");
    }

    #[test]
    fn a_killed_build_before_its_commit_leaves_nothing_behind() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("public");
        let dead = t.path().join(".public.pufa-staging-99999");
        std::fs::create_dir_all(dead.join("tree")).unwrap();
        std::fs::write(dead.join("tree/index.html"), "half").unwrap();
        let _s = Staging::create(&out).unwrap();
        assert!(!dead.exists());
        assert!(!out.exists(), "an uncommitted build never reaches the output");
    }

    #[test]
    fn a_running_build_is_not_disturbed() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("public");
        let first = Staging::create(&out).unwrap();
        // Another process holds the lock; a second handle in this process behaves the same.
        let err = sweep(&out).unwrap_err();
        assert!(err.to_string().contains("另一个 pufa"), "{err}");
        assert!(first.dir.exists());
    }
}
