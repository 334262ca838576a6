//! Where a build keeps rendered page bodies between parsing and writing.
//!
//! Every page is parsed once, at load, because lists, links and checks need what parsing
//! finds (anchors, links, the summary, headings). The body's HTML is needed again only when
//! the page's own output is written. Holding every body in memory until then made a build's
//! memory grow with the text of the whole site, so a build appends each body to one
//! temporary file instead ([`BodySpill`], created beside the output folder, never inside it)
//! and reads it back when the page is rendered. Serve mode keeps bodies in memory.
//!
//! Writers reserve their range with an atomic add and write without a lock; readers read
//! their own range. A one-off spill is deleted when dropped (or, if the process dies, by the
//! operating system: it is created already unlinked); the build cache keeps a named one
//! ([`BodySpill::open`]) whose bodies the next build reuses, appending only new ones.

use std::fs::File;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// Where one body sits in the spill file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Span {
    offset: u64,
    len: u32,
}

impl Span {
    /// How many bytes the body takes.
    pub fn len(&self) -> u64 {
        u64::from(self.len)
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// An append-only file of page bodies.
#[derive(Debug)]
pub struct BodySpill {
    file: File,
    end: AtomicU64,
}

impl BodySpill {
    /// Creates an anonymous temporary file in `dir`.
    pub fn create_in(dir: &Path) -> std::io::Result<BodySpill> {
        Ok(BodySpill {
            file: tempfile::tempfile_in(dir)?,
            end: AtomicU64::new(0),
        })
    }

    /// Opens the body file at `path`, keeping what it holds and appending after it (`fresh`:
    /// emptied first).
    pub fn open(path: &Path, fresh: bool) -> std::io::Result<BodySpill> {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(fresh)
            .open(path)?;
        let end = file.metadata()?.len();
        Ok(BodySpill {
            file,
            end: AtomicU64::new(end),
        })
    }

    /// How many bytes the file holds.
    pub fn len(&self) -> u64 {
        self.end.load(Ordering::Relaxed)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends `html` and returns where it went.
    pub fn put(&self, html: &str) -> std::io::Result<Span> {
        let len = u32::try_from(html.len())
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidInput, "page body over 4 GiB"))?;
        let offset = self.end.fetch_add(u64::from(len), Ordering::Relaxed);
        write_at(&self.file, html.as_bytes(), offset)?;
        Ok(Span { offset, len })
    }

    /// Reads a body back (checked to be UTF-8 with `simdutf8`, several times faster than the
    /// standard check on Chinese text, which every page render pays).
    pub fn get(&self, span: Span) -> std::io::Result<String> {
        let mut buf = vec![0u8; span.len as usize];
        read_at(&self.file, &mut buf, span.offset)?;
        if simdutf8::basic::from_utf8(&buf).is_err() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "body is not UTF-8",
            ));
        }
        // SAFETY: `simdutf8` checked just above that `buf` is valid UTF-8.
        Ok(unsafe { String::from_utf8_unchecked(buf) })
    }
}

#[cfg(unix)]
fn write_at(f: &File, buf: &[u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(f, buf, offset)
}

#[cfg(unix)]
fn read_at(f: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(f, buf, offset)
}

#[cfg(windows)]
fn write_at(f: &File, mut buf: &[u8], mut offset: u64) -> std::io::Result<()> {
    while !buf.is_empty() {
        let n = std::os::windows::fs::FileExt::seek_write(f, buf, offset)?;
        buf = &buf[n..];
        offset += n as u64;
    }
    Ok(())
}

#[cfg(windows)]
fn read_at(f: &File, mut buf: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    while !buf.is_empty() {
        let n = std::os::windows::fs::FileExt::seek_read(f, buf, offset)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf = &mut buf[n..];
        offset += n as u64;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rayon::prelude::*;

    #[test]
    fn bodies_come_back_as_written_from_many_threads() {
        let dir = tempfile::tempdir().unwrap();
        let spill = BodySpill::create_in(dir.path()).unwrap();
        let bodies: Vec<String> = (0..500)
            .map(|i| format!("<p>第{i}页，{}</p>", "法".repeat(i)))
            .collect();
        let spans: Vec<Span> = bodies.par_iter().map(|b| spill.put(b).unwrap()).collect();
        for (b, s) in bodies.iter().zip(&spans) {
            assert_eq!(&spill.get(*s).unwrap(), b);
        }
        assert_eq!(spill.get(spill.put("").unwrap()).unwrap(), "");
        // The file is anonymous: nothing is left in the folder.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
