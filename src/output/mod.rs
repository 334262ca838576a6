//! Writing `public/`: only what changed, all or nothing, and only where pufa may.
//!
//! A [`Writer`] is opened on an output folder before a build renders anything:
//! `place` checks the folder may take the output (it is empty, new, or holds pufa's
//! `manifest`; it is not the site or inside what pufa reads; a symlinked folder is written
//! through). Every output then goes through [`Writer::put`] or [`Writer::copy`]: a file whose
//! bytes are what the manifest says is there is left alone (its modification time too, so
//! rsync, FTP clients and a portal's CMS upload only what changed); anything new or changed is
//! written into the `staging` folder beside the output. [`Writer::commit`] then moves the
//! staged files in, deletes the files of the previous build that are gone, and writes the new
//! manifest; files pufa did not write are never replaced or deleted. Until the commit point
//! the output folder is untouched: a failed or killed build leaves the previous site whole.
//!
//! Files are created by one thread of the writer's own, fed by the rendering threads: two
//! threads creating entries in one folder contend for its lock in the kernel, which cost a
//! first build on ext4 more system time than all of its rendering.

pub mod manifest;
mod place;
mod staging;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use manifest::{Entry, Manifest};
use sha2::{Digest, Sha256};
use staging::{Journal, Staging};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Error, io_diagnostic};
use crate::util::fs_path;

pub use place::real_dir;

/// What a commit changed, by output path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub removed: Vec<String>,
    /// Files left as they were.
    pub unchanged: usize,
}

/// One output file of this build, and whether it had to be written.
struct Put {
    rel: String,
    entry: Entry,
    written: bool,
}

/// Writes one build into an output folder (see the module documentation).
pub struct Writer {
    /// The real folder (symlinks followed).
    target: PathBuf,
    /// The folder as the user named it, for messages.
    shown: PathBuf,
    /// The previous build's files; empty when there was none.
    old: Manifest,
    /// The folder does not exist yet.
    fresh: bool,
    staging: Staging,
    puts: Mutex<Vec<Put>>,
    files: Option<FileThread>,
}

/// The file thread's queue and handle; the thread returns the first error it met.
type FileThread = (SyncSender<FileJob>, JoinHandle<Result<(), Diagnostic>>);

/// A file for the file thread to create in the staging folder.
enum FileJob {
    Bytes(PathBuf, Vec<u8>),
    Copy(PathBuf, PathBuf),
}

impl FileJob {
    fn run(self) -> Result<(), Diagnostic> {
        match self {
            FileJob::Bytes(to, bytes) => {
                create_parent(&to)?;
                std::fs::write(&to, bytes).map_err(|e| io_diagnostic(&to, &e, "写入文件"))
            }
            FileJob::Copy(from, to) => {
                create_parent(&to)?;
                std::fs::copy(&from, &to)
                    .map(|_| ())
                    .map_err(|e| io_diagnostic(&from, &e, "复制文件"))
            }
        }
    }
}

/// Runs file jobs until the queue closes; keeps going after an error to drain the queue.
fn file_thread(rx: Receiver<FileJob>) -> Result<(), Diagnostic> {
    let mut first = Ok(());
    for job in rx {
        if let Err(e) = job.run()
            && first.is_ok()
        {
            first = Err(e);
        }
    }
    first
}

impl Writer {
    /// Opens `out` for a build of the site `config` describes: checks the place, finishes or
    /// removes what dead builds left, and creates this build's staging folder.
    pub fn open(out: &Path, config: &Config) -> Result<Writer, Error> {
        let target = real_dir(out);
        place::check(&target, out, config)?;
        let staging = Staging::create(&target)?;
        // Read again: finishing a dead build's commit may have changed the folder.
        let old = place::check(&target, out, config)?;
        let fresh = !target.exists();
        let (tx, rx) = sync_channel(256);
        let thread = std::thread::Builder::new()
            .name("pufa-files".into())
            .spawn(move || file_thread(rx))
            .map_err(|e| Error::io(out, &e, "启动写文件线程"))?;
        Ok(Writer {
            target,
            shown: out.to_path_buf(),
            old: old.unwrap_or_else(Manifest::new),
            fresh,
            staging,
            puts: Mutex::new(Vec::new()),
            files: Some((tx, thread)),
        })
    }

    /// The real output folder (symlinks followed).
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Whether the output folder did not exist before this build.
    pub fn is_fresh(&self) -> bool {
        self.fresh
    }

    /// Keeps a file of the previous build as it is, when the folder still holds it as the
    /// manifest records (its size; its bytes are what the caller knows it rendered before).
    /// Returns false when it must be written again.
    pub fn keep(&self, rel: &str) -> Result<bool, Diagnostic> {
        match self.keepable(rel) {
            Some(old) => self.record(rel, old.clone(), false).map(|_| true),
            None => Ok(false),
        }
    }

    /// Whether [`Writer::keep`] would keep `rel` (without keeping it): the previous build
    /// wrote it and it is still there at the size the manifest records.
    pub fn can_keep(&self, rel: &str) -> bool {
        self.keepable(rel).is_some()
    }

    fn keepable(&self, rel: &str) -> Option<&Entry> {
        let old = self.old.files.get(rel).filter(|_| !self.fresh)?;
        std::fs::symlink_metadata(fs_path(&self.target, rel))
            .is_ok_and(|m| m.is_file() && m.len() == old.size)
            .then_some(old)
    }

    /// A folder for this build's temporary files (beside the output, never inside it).
    pub fn work_dir(&self) -> &Path {
        &self.staging.dir
    }

    /// Writes one output file (`cases/a/index.html`), unless it is already there as it is.
    /// Errors writing it may surface at [`Writer::commit`].
    pub fn put(&self, rel: &str, bytes: Vec<u8>) -> Result<(), Diagnostic> {
        let entry = Entry::of(&bytes);
        if self.unchanged(rel, &entry)? {
            return self.record(rel, entry, false);
        }
        self.send(FileJob::Bytes(self.staging.path(rel), bytes))?;
        self.record(rel, entry, true)
    }

    /// Copies a file into the output, unless it is already there as it is.
    pub fn copy(&self, src: &Path, rel: &str) -> Result<(), Diagnostic> {
        let entry = hash_file(src).map_err(|e| io_diagnostic(src, &e, "读取文件"))?;
        if self.unchanged(rel, &entry)? {
            return self.record(rel, entry, false);
        }
        self.send(FileJob::Copy(src.to_path_buf(), self.staging.path(rel)))?;
        self.record(rel, entry, true)
    }

    fn send(&self, job: FileJob) -> Result<(), Diagnostic> {
        let sent = self.files.as_ref().is_some_and(|(tx, _)| tx.send(job).is_ok());
        if sent {
            return Ok(());
        }
        Err(Diagnostic::new("output/thread", "写文件的线程已停止")
            .with_hint("前面应该还有一条写入失败的错误；请处理后重试。"))
    }

    /// Waits for the file thread to finish what it was given.
    fn finish_files(&mut self) -> Result<(), Error> {
        match self.files.take() {
            Some((tx, thread)) => {
                drop(tx);
                thread
                    .join()
                    .unwrap_or_else(|_| Err(Diagnostic::new("output/thread", "写文件的线程意外退出")))
                    .map_err(Error::one)
            }
            None => Ok(()),
        }
    }

    /// Whether `rel` is in the output already with these bytes. A file there that the previous
    /// build did not write is an error: pufa never replaces what it did not make.
    fn unchanged(&self, rel: &str, entry: &Entry) -> Result<bool, Diagnostic> {
        if self.fresh {
            return Ok(false);
        }
        let on_disk = std::fs::symlink_metadata(fs_path(&self.target, rel)).ok();
        match (self.old.files.get(rel), on_disk) {
            (Some(old), Some(m)) => Ok(old == entry && m.is_file() && m.len() == entry.size),
            (Some(_), None) | (None, None) => Ok(false),
            (None, Some(_)) => Err(Diagnostic::new(
                "output/foreign",
                format!(
                    "{} 不是 pufa 生成的，pufa 不会覆盖它",
                    fs_path(&self.shown, rel).display()
                ),
            )
            .with_hint(
                "站点现在要生成同名的文件。如果要发布的是这个文件，请把它放进站点的 static/ 文件夹；否则请把它移走。",
            )),
        }
    }

    fn record(&self, rel: &str, entry: Entry, written: bool) -> Result<(), Diagnostic> {
        let mut puts = self
            .puts
            .lock()
            .map_err(|_| Diagnostic::new("internal", "output lock poisoned"))?;
        puts.push(Put {
            rel: rel.to_string(),
            entry,
            written,
        });
        Ok(())
    }

    /// Makes this build the output: moves in what was written, deletes what the previous
    /// build wrote and this one did not, writes the manifest.
    pub fn commit(mut self) -> Result<Changes, Error> {
        self.finish_files()?;
        let puts = std::mem::take(
            &mut *self
                .puts
                .lock()
                .map_err(|_| Error::one(Diagnostic::new("internal", "output lock poisoned")))?,
        );
        let mut journal = Journal {
            fresh: self.fresh,
            manifest: Manifest::new(),
            ..Default::default()
        };
        let mut changes = Changes::default();
        for p in puts {
            if p.written {
                journal.moves.push(p.rel.clone());
                match self.old.files.contains_key(&p.rel) {
                    true => changes.changed.push(p.rel.clone()),
                    false => changes.added.push(p.rel.clone()),
                }
            } else {
                changes.unchanged += 1;
            }
            journal.manifest.files.insert(p.rel, p.entry);
        }
        for rel in self.old.files.keys() {
            if !journal.manifest.files.contains_key(rel) {
                journal.removes.push(rel.clone());
                changes.removed.push(rel.clone());
            }
        }
        for list in [&mut journal.moves, &mut changes.added, &mut changes.changed] {
            list.sort();
        }
        let same = journal.moves.is_empty() && journal.removes.is_empty() && journal.manifest.files == self.old.files;
        if !same || self.fresh {
            self.staging.commit(&self.target, &journal)?;
        }
        Ok(changes)
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // A failed build: let the file thread finish before the staging folder goes.
        let _ = self.finish_files();
    }
}

fn create_parent(p: &Path) -> Result<(), Diagnostic> {
    match p.parent() {
        Some(parent) => std::fs::create_dir_all(parent).map_err(|e| io_diagnostic(parent, &e, "创建文件夹")),
        None => Ok(()),
    }
}

fn hash_file(src: &Path) -> std::io::Result<Entry> {
    let mut f = std::fs::File::open(src)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok(Entry {
        size,
        sha256: crate::util::hex(&hasher.finalize()),
    })
}
