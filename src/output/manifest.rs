//! `.pufa-manifest.json`: the list of files pufa wrote into an output folder, with their size
//! and SHA-256.
//!
//! The manifest is how pufa knows a folder is its own (a folder without one that holds
//! anything is never written to) and which files in it are its own (only those are ever
//! replaced or deleted). It is also what a rebuild compares against: a file whose new bytes
//! hash the same as the manifest says, and whose size on disk is still that size, is left
//! alone, so its modification time stays and upload tools send only what changed. It holds
//! no times, so two builds of the same site write the same manifest.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The manifest's file name, in the output folder's root.
pub const FILE_NAME: &str = ".pufa-manifest.json";

/// One file pufa wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub size: u64,
    pub sha256: String,
}

impl Entry {
    /// The entry of a file with these bytes.
    pub fn of(bytes: &[u8]) -> Entry {
        Entry {
            size: bytes.len() as u64,
            sha256: crate::util::hex(&Sha256::digest(bytes)),
        }
    }
}

/// Every file of one build, by output path (`cases/a/index.html`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub generator: String,
    pub files: BTreeMap<String, Entry>,
}

impl Manifest {
    pub fn new() -> Manifest {
        Manifest {
            generator: concat!("pufa ", env!("CARGO_PKG_VERSION")).to_string(),
            files: BTreeMap::new(),
        }
    }

    /// Reads the manifest of an output folder; `Ok(None)` when there is none.
    pub fn read(dir: &Path) -> std::io::Result<Option<Manifest>> {
        let bytes = match std::fs::read(dir.join(FILE_NAME)) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    }

    /// The manifest as written: pretty JSON, one file per line, sorted.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = serde_json::to_vec_pretty(self).unwrap_or_default();
        out.push(b'\n');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_hash_with_sha256() {
        let e = Entry::of(b"abc");
        assert_eq!(e.size, 3);
        assert_eq!(
            e.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn a_manifest_round_trips_and_a_missing_one_is_none() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Manifest::read(dir.path()).unwrap(), None);
        let mut m = Manifest::new();
        m.files.insert("index.html".into(), Entry::of(b"<p>"));
        std::fs::write(dir.path().join(FILE_NAME), m.to_bytes()).unwrap();
        assert_eq!(Manifest::read(dir.path()).unwrap(), Some(m));
        std::fs::write(dir.path().join(FILE_NAME), b"{").unwrap();
        assert!(Manifest::read(dir.path()).is_err());
    }
}
