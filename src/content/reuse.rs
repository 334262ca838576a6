//! What an earlier load parsed, for the next load to reuse where a file has not changed.
//!
//! A [`Stamp`] is what the file system says about a file: size, modification and change
//! times, inode (git's index decides "unchanged" from the same facts). A file whose stamp is
//! the same as when it was parsed, and whose place in the tree (its section, its bundle's
//! files) is the same, gives the same [`Page`] or [`Section`]: the loader takes it from the
//! [`ParseCache`] instead of reading and parsing it again. The cache holds pages with their
//! bodies in the build's body file (see `bodies`), so it is only valid with that file.

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::index::SiteIndex;
use super::{Page, Section, Site};

/// A file's identity and version, as the file system reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Stamp {
    size: u64,
    modified_ns: i128,
    changed_ns: i128,
    inode: u64,
}

impl Stamp {
    /// The stamp of a file (following symlinks, as reading it does).
    pub fn of(path: &std::path::Path) -> Option<Stamp> {
        let m = std::fs::metadata(path).ok()?;
        let ns = |t: std::io::Result<std::time::SystemTime>| {
            t.ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos() as i128)
        };
        Some(Stamp {
            size: m.len(),
            modified_ns: ns(m.modified()),
            changed_ns: changed_ns(&m),
            inode: inode(&m),
        })
    }
}

#[cfg(unix)]
fn changed_ns(m: &std::fs::Metadata) -> i128 {
    use std::os::unix::fs::MetadataExt;
    i128::from(m.ctime()) * 1_000_000_000 + i128::from(m.ctime_nsec())
}

#[cfg(unix)]
fn inode(m: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(m)
}

#[cfg(not(unix))]
fn changed_ns(_: &std::fs::Metadata) -> i128 {
    0
}

#[cfg(not(unix))]
fn inode(_: &std::fs::Metadata) -> u64 {
    0
}

/// What one content file parsed into.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Parsed {
    Page(Arc<Page>),
    Section(Arc<Section>),
    /// A page with `draft: true`, left out.
    Draft,
}

/// A fingerprint of a file's [`Stamp`] (0 when it is gone): what a file an output reads
/// (an image, an attachment, a data file) contributes to the output's inputs.
pub fn file_hash(path: &std::path::Path) -> u64 {
    Stamp::of(path).map_or(0, |s| crate::util::hash_of(&s))
}

/// The parse results of a load, by content path, and the index it derived with its key.
#[derive(Debug, Clone, Default)]
pub struct ParseCache {
    files: HashMap<String, (Stamp, Parsed)>,
    pub index: Option<(u64, Arc<SiteIndex>)>,
}

/// One file's entry in a [`ParseCache`].
pub type Entry = (String, (Stamp, Parsed));

impl ParseCache {
    /// What `site` was loaded from: every page, section and left-out draft with the stamp its
    /// file had when it was read (`stamps`, from the load).
    pub fn of(site: &Site, stamps: &HashMap<String, Stamp>) -> ParseCache {
        let mut files = HashMap::with_capacity(site.pages.len() + site.sections.len());
        let mut put = |rel: &str, parsed: Parsed| {
            if let Some(s) = stamps.get(rel) {
                files.insert(rel.to_string(), (*s, parsed));
            }
        };
        for (rel, p) in site.pages.iter().chain(&site.scheduled) {
            put(rel, Parsed::Page(Arc::clone(p)));
        }
        for s in site.sections.values().filter(|s| !s.rel.is_empty()) {
            put(&s.rel, Parsed::Section(Arc::clone(s)));
        }
        for rel in &site.drafts {
            put(rel, Parsed::Draft);
        }
        ParseCache {
            files,
            index: Some((site.index_key(), Arc::clone(&site.index))),
        }
    }

    /// The entries split into `n` parts by a stable hash of their paths (stored separately,
    /// so a build rewrites only the parts holding changed files).
    pub fn parts(&self, n: usize) -> Vec<Vec<(&String, &(Stamp, Parsed))>> {
        let mut parts: Vec<Vec<(&String, &(Stamp, Parsed))>> = (0..n).map(|_| Vec::new()).collect();
        for (rel, e) in &self.files {
            parts[crate::util::hash_str(rel) as usize % n.max(1)].push((rel, e));
        }
        for p in &mut parts {
            p.sort_by(|a, b| a.0.cmp(b.0));
        }
        parts
    }

    /// How many entries each of the `n` parts of [`ParseCache::parts`] holds.
    pub fn part_sizes(&self, n: usize) -> Vec<usize> {
        let mut sizes = vec![0; n.max(1)];
        for rel in self.files.keys() {
            sizes[crate::util::hash_str(rel) as usize % n.max(1)] += 1;
        }
        sizes
    }

    /// Whether this cache holds `entry` for `rel` as it is: the same stamp and the very same
    /// parse result (reused by the load, not parsed again).
    pub fn holds(&self, rel: &str, entry: &(Stamp, Parsed)) -> bool {
        let Some((stamp, parsed)) = self.files.get(rel) else {
            return false;
        };
        *stamp == entry.0
            && match (parsed, &entry.1) {
                (Parsed::Page(a), Parsed::Page(b)) => Arc::ptr_eq(a, b),
                (Parsed::Section(a), Parsed::Section(b)) => Arc::ptr_eq(a, b),
                (Parsed::Draft, Parsed::Draft) => true,
                _ => false,
            }
    }

    /// Whether `other` holds the very same site index as this cache.
    pub fn same_index(&self, other: &ParseCache) -> bool {
        match (&self.index, &other.index) {
            (Some((a, x)), Some((b, y))) => a == b && Arc::ptr_eq(x, y),
            _ => false,
        }
    }

    /// A cache put back together from its parts and index.
    pub fn from_parts(parts: Vec<Vec<Entry>>, index: Option<(u64, Arc<SiteIndex>)>) -> ParseCache {
        ParseCache {
            files: parts.into_iter().flatten().collect(),
            index,
        }
    }

    /// The earlier result for a file, when its stamp is `stamp`.
    pub fn get(&self, rel: &str, stamp: Option<Stamp>) -> Option<&Parsed> {
        let (s, parsed) = self.files.get(rel)?;
        (Some(*s) == stamp).then_some(parsed)
    }

    /// The earlier page at `rel`, whatever its stamp (an edited page's old version).
    pub fn page(&self, rel: &str) -> Option<&Arc<Page>> {
        match self.files.get(rel) {
            Some((_, Parsed::Page(p))) => Some(p),
            _ => None,
        }
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}
