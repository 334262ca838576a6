//! The build cache: what the previous build of a site into an output folder parsed, rendered
//! and indexed, so the next build redoes only what changed.
//!
//! It lives in the site folder, `.pufa-cache/build-<key>/` (git-ignore `.pufa-cache/`), one
//! folder per combination of config, drafts flag, output folder and pufa version (the key),
//! the few most recently used kept. It holds:
//! - `bodies`: the page bodies of the parse cache (see `content::bodies`); a build that
//!   reuses the cache appends new bodies, one that does not writes `bodies.new`, renamed over
//!   `bodies` when the state is saved;
//! - `state`: the head of a [`State`] (MessagePack): every output with the inputs it read
//!   and their fingerprints, the stamps of copied files, and the names of the part files
//!   holding the rest: the parse results with the file stamps they were made from (16
//!   parts), the site index, and the search index in its editable form. A part whose
//!   contents did not change is not written again, and the search index is read only when
//!   some indexed page changed.
//!
//! Nothing in it is trusted beyond what it can show: a file is reused only when its stamp is
//! unchanged, an output is skipped only when none of its inputs' fingerprints changed and its
//! file in the output folder is still the one the manifest records, and a state of another
//! format, version or key is ignored. A build that cannot use the cache builds everything and
//! writes a new one; `pufa build --no-cache` does the same without reading or writing it.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::content::bodies::BodySpill;
use crate::content::index::SiteIndex;
use crate::content::reuse::{Entry, ParseCache, Stamp};
use crate::render::search::Indexer;
use crate::render::{Input, OutputKey};
use crate::util::hash_str;

/// Bumped whenever [`State`] or anything in it changes shape.
const FORMAT: u32 = 10;
/// How many build folders (site configurations and output folders) are kept.
const KEEP: usize = 3;
const MAGIC: &[u8] = b"PUFA-BUILD-CACHE\n";

/// One output as the last build rendered it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutputRecord {
    pub key: OutputKey,
    pub path: String,
    /// Indices into [`State::inputs`].
    pub inputs: Vec<u32>,
}

/// The search index of the last build, with the documents it holds (content path and the
/// page's fingerprint, in document order).
#[derive(Default, Serialize, Deserialize)]
pub struct SearchState {
    pub docs: Vec<(String, u64)>,
    pub indexer: Indexer,
}

/// Everything the next build may reuse.
#[derive(Default)]
pub struct State {
    pub parsed: ParseCache,
    pub outputs: Vec<OutputRecord>,
    /// Every input some output read, with its fingerprint then.
    pub inputs: Vec<(Input, u64)>,
    /// Copied files: output path → (source, its stamp then).
    pub copies: HashMap<String, (PathBuf, Stamp)>,
    /// Bytes of `bodies` the parse cache still points at (the rest is garbage from edits).
    pub live_bodies: u64,
    /// The part files this state was read from (or will reuse).
    pub stored: Stored,
}

/// The part files of a saved state, so that a part whose contents did not change is neither
/// written again nor, for the search index, even read.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Stored {
    /// The parse results' parts, by part number.
    pub parts: Vec<String>,
    pub index: Option<String>,
    pub search: Option<StoredSearch>,
}

/// A saved search index: its part file, a fingerprint of the documents it was built from
/// (content path and page fingerprint, in order) and the output files it wrote.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredSearch {
    pub part: String,
    pub docs: u64,
    pub files: Vec<String>,
}

impl StoredSearch {
    /// The fingerprint of a document list (see [`crate::pipeline::incremental::indexed_docs`]).
    pub fn docs_print(docs: &[(String, u64)]) -> u64 {
        crate::util::hash_of(&docs)
    }
}

impl State {
    /// The state of a load: its parse results (see [`ParseCache::of`]) and the bytes of the
    /// body file they point at; no outputs, copies or search index.
    pub fn of_load(site: &crate::content::Site) -> State {
        State {
            parsed: ParseCache::of(site, &site.stamps),
            live_bodies: site.pages.values().filter_map(|p| p.spilled).map(|s| s.len()).sum(),
            ..Default::default()
        }
    }
}

/// How many parts the parse results are stored in.
const PARTS: usize = 16;

/// The `state` file as written: the small facts, and the names of the part files that hold
/// the rest. Parts are named after a hash of their bytes, so the `state` file's rename
/// commits a whole new set at once.
#[derive(Serialize)]
struct HeadOut<'a> {
    outputs: &'a [OutputRecord],
    inputs: &'a [(Input, u64)],
    copies: &'a HashMap<String, (PathBuf, Stamp)>,
    live_bodies: u64,
    stored: Stored,
}

/// The `state` file as read.
#[derive(Deserialize)]
struct HeadIn {
    outputs: Vec<OutputRecord>,
    inputs: Vec<(Input, u64)>,
    copies: HashMap<String, (PathBuf, Stamp)>,
    live_bodies: u64,
    stored: Stored,
}

/// The cache folder of one site configuration and output folder, locked while in use (a
/// second process building the same gets an error and builds without it).
pub struct BuildCache {
    dir: PathBuf,
    _lock: File,
}

impl BuildCache {
    /// The cache of a build of the site `config` describes, with `drafts`, into the (real)
    /// output folder `out`; creates its folder and removes the least recently used others.
    pub fn open(config: &Config, drafts: bool, out: &Path) -> std::io::Result<BuildCache> {
        Self::open_for(config, drafts, &out.display().to_string())
    }

    /// The cache `pufa serve` keeps for its next start (parse results only).
    pub fn open_for_serve(config: &Config, drafts: bool) -> std::io::Result<BuildCache> {
        Self::open_for(config, drafts, "\0serve")
    }

    fn open_for(config: &Config, drafts: bool, use_: &str) -> std::io::Result<BuildCache> {
        let key = hash_str(&format!(
            "{FORMAT}\n{}\n{config:?}\n{drafts}\n{use_}",
            env!("CARGO_PKG_VERSION")
        ));
        let root = config.cache_dir();
        let dir = root.join(format!("build-{key:016x}"));
        std::fs::create_dir_all(&dir)?;
        let lock = File::create(dir.join("lock"))?;
        lock.try_lock().map_err(|e| match e {
            std::fs::TryLockError::WouldBlock => std::io::Error::from(std::io::ErrorKind::WouldBlock),
            std::fs::TryLockError::Error(e) => e,
        })?;
        std::fs::write(dir.join("used"), b"")?;
        sweep(&root, &dir);
        Ok(BuildCache { dir, _lock: lock })
    }

    /// The state the last build saved, when it is of this format and its body file is there
    /// and not mostly garbage. Parts are read in parallel; the search index is not read
    /// (see [`BuildCache::load_search`]): a build whose documents did not change never needs it.
    pub fn load(&self) -> Option<State> {
        let head: HeadIn = self.read("state")?;
        let bodies = std::fs::metadata(self.dir.join("bodies")).ok()?.len();
        if bodies.saturating_sub(head.live_bodies) > head.live_bodies + (16 << 20) {
            return None;
        }
        let (parts, index) = rayon::join(
            || {
                head.stored
                    .parts
                    .par_iter()
                    .map(|n| self.read::<Vec<Entry>>(n))
                    .collect::<Option<Vec<_>>>()
            },
            || {
                head.stored
                    .index
                    .as_ref()
                    .map(|n| self.read::<(u64, Arc<SiteIndex>)>(n))
            },
        );
        let index = match index {
            Some(i) => Some(i?),
            None => None,
        };
        Some(State {
            parsed: ParseCache::from_parts(parts?, index),
            outputs: head.outputs,
            inputs: head.inputs,
            copies: head.copies,
            live_bodies: head.live_bodies,
            stored: head.stored,
        })
    }

    /// The saved search index `stored` names.
    pub fn load_search(&self, stored: &StoredSearch) -> Option<SearchState> {
        self.read(&stored.part)
    }

    /// One file of the cache: the magic line, then MessagePack. A part's bytes must hash to
    /// the hash in its name: a part cut short by a crash is never read as valid. Read as a
    /// stream (a big site's search index is hundreds of MB: it is never in memory twice).
    fn read<T: serde::de::DeserializeOwned>(&self, name: &str) -> Option<T> {
        let file = File::open(self.dir.join(name)).ok()?;
        let mut r = Hashing::new(std::io::BufReader::with_capacity(1 << 16, file));
        let mut magic = [0u8; MAGIC.len()];
        std::io::Read::read_exact(&mut r, &mut magic).ok()?;
        if magic != MAGIC {
            return None;
        }
        let value: T = rmp_serde::from_read(&mut r).ok()?;
        // Anything after the value counts too: the hash covers the whole file.
        std::io::copy(&mut r, &mut std::io::sink()).ok()?;
        if let Some((_, hash)) = name.rsplit_once('-')
            && hash != format!("{:016x}", r.finish())
        {
            return None;
        }
        Some(value)
    }

    /// The body file: the existing one to append to when `reuse`, else a new one.
    pub fn bodies(&self, reuse: bool) -> std::io::Result<BodySpill> {
        match reuse {
            true => BodySpill::open(&self.dir.join("bodies"), false),
            false => BodySpill::open(&self.dir.join("bodies.new"), true),
        }
    }

    /// Writes `value` as a part named `{kind}-{hash of its bytes}` (unless that part exists),
    /// streamed to a temporary file while hashing, so it is never in memory as bytes.
    fn write_part<T: Serialize + ?Sized>(&self, kind: &str, value: &T) -> std::io::Result<String> {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = self.dir.join(format!("{kind}.{n}.tmp"));
        let mut w = Hashing::new(BufWriter::with_capacity(1 << 16, File::create(&tmp)?));
        w.write_all(MAGIC)?;
        rmp_serde::encode::write(&mut w, value).map_err(std::io::Error::other)?;
        w.flush()?;
        let name = format!("{kind}-{:016x}", w.finish());
        let path = self.dir.join(&name);
        if path.exists() {
            std::fs::remove_file(&tmp)?;
        } else {
            std::fs::rename(&tmp, &path)?;
        }
        Ok(name)
    }

    /// Saves `state`: its parts, then the `state` file naming them (written whole, then
    /// renamed into place: the commit point), with the new body file when this build wrote
    /// one; parts no longer named are removed. A part that holds just what it held in
    /// `before` (the parse results the state was loaded with) keeps its file unwritten, as
    /// do an unchanged site index and a kept search index.
    pub fn save(&self, state: &State, before: Option<&ParseCache>) -> std::io::Result<()> {
        let parsed = state.parsed.parts(PARTS);
        let sizes = before.map(|b| b.part_sizes(PARTS));
        let kept = |kind: &str, name: Option<&String>, same: bool| {
            name.filter(|n| same && n.starts_with(kind) && self.dir.join(n).is_file())
                .cloned()
        };
        let (parts, (index, search)) = rayon::join(
            || {
                parsed
                    .par_iter()
                    .enumerate()
                    .map(|(i, p)| {
                        let same = before.zip(sizes.as_ref()).is_some_and(|(b, sizes)| {
                            sizes.get(i) == Some(&p.len()) && p.iter().all(|(rel, e)| b.holds(rel, e))
                        });
                        match kept("pages-", state.stored.parts.get(i), same) {
                            Some(name) => Ok(name),
                            None => self.write_part("pages", p),
                        }
                    })
                    .collect::<std::io::Result<Vec<_>>>()
            },
            || {
                rayon::join(
                    || {
                        let same = before.is_some_and(|b| b.same_index(&state.parsed));
                        let Some(index) = state.parsed.index.as_ref() else {
                            return Ok(None);
                        };
                        match kept("index-", state.stored.index.as_ref(), same) {
                            Some(name) => Ok(Some(name)),
                            None => self.write_part("index", index).map(Some),
                        }
                    },
                    || self.search_part(state),
                )
            },
        );
        let head = HeadOut {
            outputs: &state.outputs,
            inputs: &state.inputs,
            copies: &state.copies,
            live_bodies: state.live_bodies,
            stored: Stored {
                parts: parts?,
                index: index?,
                search: search?,
            },
        };
        let tmp = self.dir.join("state.tmp");
        let mut w = BufWriter::new(File::create(&tmp)?);
        w.write_all(MAGIC)?;
        rmp_serde::encode::write(&mut w, &head).map_err(std::io::Error::other)?;
        w.flush()?;
        let new_bodies = self.dir.join("bodies.new");
        if new_bodies.exists() {
            // No moment where a state points into the wrong body file: the old state goes
            // first (a build interrupted here finds no state and builds everything).
            self.clear();
            std::fs::rename(&new_bodies, self.dir.join("bodies"))?;
        }
        std::fs::rename(&tmp, self.dir.join("state"))?;
        self.remove_unnamed(&head.stored);
        Ok(())
    }

    /// Writes a new search index as a part now, so that the build can let it go before the
    /// rest of the state is saved (at 100,000 pages it is a few hundred MB in memory); the
    /// state saved later names it. Until then it is one more part no state names, which the
    /// next save removes should this build fail.
    pub fn store_search(&self, search: &SearchState, files: Vec<String>) -> std::io::Result<StoredSearch> {
        Ok(StoredSearch {
            part: self.write_part("search", search)?,
            docs: StoredSearch::docs_print(&search.docs),
            files,
        })
    }

    /// The search index to name in the saved state: the one [`BuildCache::store_search`]
    /// wrote or the kept one, while its part is there.
    fn search_part(&self, state: &State) -> std::io::Result<Option<StoredSearch>> {
        Ok(state
            .stored
            .search
            .clone()
            .filter(|s| s.part.starts_with("search-") && self.dir.join(&s.part).is_file()))
    }

    /// Removes part files the saved state does not name, and stray temporary files.
    fn remove_unnamed(&self, stored: &Stored) {
        let named: std::collections::HashSet<&str> = stored
            .parts
            .iter()
            .chain(&stored.index)
            .chain(stored.search.as_ref().map(|s| &s.part))
            .map(String::as_str)
            .collect();
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for e in entries.filter_map(Result::ok) {
            let name = e.file_name().to_string_lossy().into_owned();
            let part = ["pages-", "index-", "search-"].iter().any(|k| name.starts_with(k));
            // A `.tmp` left by a build that was killed while writing (this one holds the lock).
            if (part || name.ends_with(".tmp")) && !named.contains(name.as_str()) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }

    /// Forgets the saved state (after a build that could not save a consistent one).
    pub fn clear(&self) {
        let _ = std::fs::remove_file(self.dir.join("state"));
    }
}

/// A reader or writer that hashes what passes through it ([`crate::util::StableHasher`],
/// the same value [`crate::util::hash_bytes`] gives for the whole).
struct Hashing<T> {
    inner: T,
    hash: crate::util::StableHasher,
}

impl<T> Hashing<T> {
    fn new(inner: T) -> Self {
        Hashing {
            inner,
            hash: crate::util::StableHasher::default(),
        }
    }

    fn finish(&self) -> u64 {
        std::hash::Hasher::finish(&self.hash)
    }
}

impl<R: std::io::Read> std::io::Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        std::hash::Hasher::write(&mut self.hash, &buf[..n]);
        Ok(n)
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        std::hash::Hasher::write(&mut self.hash, &buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Removes all but the [`KEEP`] most recently used build folders under `root` (never `current`).
fn sweep(root: &Path, current: &Path) {
    let Ok(entries) = std::fs::read_dir(root) else { return };
    let mut dirs: Vec<(std::time::SystemTime, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p != current && p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("build-")))
        .filter_map(|p| {
            let used = std::fs::metadata(p.join("used")).and_then(|m| m.modified()).ok()?;
            Some((used, p))
        })
        .collect();
    dirs.sort_by_key(|d| std::cmp::Reverse(d.0));
    for (_, old) in dirs.into_iter().skip(KEEP - 1) {
        // One that another process is using stays.
        let free = File::open(old.join("lock")).is_ok_and(|l| l.try_lock().is_ok());
        if free {
            let _ = std::fs::remove_dir_all(old);
        }
    }
}
