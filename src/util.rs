//! Small helpers shared by several stages: stable hashes for fingerprints, ids and keys.

/// 64-bit FNV-1a: stable across runs, platforms and Rust versions (unlike `DefaultHasher`),
/// so it may end up in output (ids) and in fingerprints compared across rebuilds.
#[derive(Debug, Clone, Copy)]
pub struct StableHasher(u64);

impl Default for StableHasher {
    fn default() -> Self {
        StableHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for StableHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// Stage timings printed to stderr when `PUFA_TIMINGS` is set (for profiling builds and
/// serve updates; see bench/README.md). Each lap prints the time since the timer started.
pub struct Laps {
    start: std::time::Instant,
    prefix: &'static str,
}

impl Laps {
    /// A timer whose laps are named `{prefix}{what}` (a prefix like `"  index/"` nests them).
    pub fn start(prefix: &'static str) -> Laps {
        Laps {
            start: std::time::Instant::now(),
            prefix,
        }
    }

    pub fn lap(&self, what: &str) {
        static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        if *ON.get_or_init(|| std::env::var_os("PUFA_TIMINGS").is_some()) {
            let ms = self.start.elapsed().as_secs_f64() * 1000.0;
            eprintln!("[timing] {}{what}: {ms:.1} ms{}", self.prefix, memory_now());
        }
    }
}

/// `, RSS … MB (peak … MB)` from /proc on Linux (empty elsewhere): where memory goes.
fn memory_now() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = |key: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(key))?;
        line[key.len()..].trim().trim_end_matches("kB").trim().parse().ok()
    };
    match (kb("VmRSS:"), kb("VmHWM:")) {
        (Some(now), Some(peak)) => format!(", RSS {} MB (peak {} MB)", now / 1024, peak / 1024),
        _ => String::new(),
    }
}

/// `p` made absolute with symlinks resolved (as far as it exists), for comparing paths that
/// reach the same place by different routes: watcher events, `--root ..`, `output_dir`.
pub fn abs(p: &std::path::Path) -> std::path::PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()))
}

/// FNV-1a, 32 bits: the search index's shard function (the same function is in the theme's
/// search.js) and the importer's metric keys.
pub fn fnv1a32(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in bytes {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// A fast, non-cryptographic hasher for in-memory maps keyed by numbers (the Fx hash used
/// by rustc). Not for anything an attacker controls; not stable across versions.
#[derive(Debug, Default, Clone, Copy)]
pub struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(c);
            self.write_u64(u64::from_le_bytes(word));
        }
        for b in chunks.remainder() {
            self.write_u64(u64::from(*b));
        }
    }

    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// `HashMap` with [`FxHasher`].
pub type FxMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<FxHasher>>;

/// `HashSet` with [`FxHasher`].
pub type FxSet<K> = std::collections::HashSet<K, std::hash::BuildHasherDefault<FxHasher>>;

/// Stable hash of a byte string.
pub fn hash_bytes(b: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h = StableHasher::default();
    h.write(b);
    h.finish()
}

pub fn hash_str(s: &str) -> u64 {
    hash_bytes(s.as_bytes())
}

/// Stable hash of anything `Hash` (through [`StableHasher`]).
pub fn hash_of<T: std::hash::Hash + ?Sized>(v: &T) -> u64 {
    use std::hash::Hasher;
    let mut h = StableHasher::default();
    v.hash(&mut h);
    h.finish()
}

/// `root` joined with a `/`-separated relative path (`cases/a/index.html`), one component at
/// a time so the result uses the platform's separator.
pub fn fs_path(root: &std::path::Path, rel: &str) -> std::path::PathBuf {
    let mut p = root.to_path_buf();
    for part in rel.split('/') {
        if !part.is_empty() {
            p.push(part);
        }
    }
    p
}

/// Names of files editors and tools leave behind, never content.
/// Whether `rel` is a relative path that stays where it is joined: only plain names, no
/// `..`, `.`, root or prefix (what a file named in content may point at).
pub fn stays_inside(rel: &str) -> bool {
    use std::path::Component;
    !rel.is_empty()
        && std::path::Path::new(rel)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.starts_with("~$")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name.ends_with(".crdownload")
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || name == "4913"
        || name == "Thumbs.db"
        || name == "desktop.ini"
}

/// Lowercase hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn fnv_is_stable() {
        assert_eq!(super::hash_str(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(super::hash_str("a"), 0xaf63_dc4c_8601_ec8c);
    }
}
