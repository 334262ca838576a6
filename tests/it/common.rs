//! Helpers shared by the integration tests: fixture copies, running the `pufa` binary, and a
//! link checker that resolves every `href`/`src` in a built site against the files on disk.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `pufa build` of `spec` into `out` through the library, with or without the build cache.
pub fn build_spec(spec: pufa::pipeline::SiteSpec, out: &Path, cache: bool) -> Result<pufa::build::BuildReport, String> {
    pufa::build::build(&pufa::build::BuildOptions {
        spec,
        output: Some(out.to_path_buf()),
        strict: false,
        progress: false,
        cache,
    })
    .map_err(|e| e.to_string())
}

/// `pufa build` of the site at `site` into `out`, reading and writing the build cache.
pub fn cached_build(site: &Path, out: &Path) -> Result<pufa::build::BuildReport, String> {
    build_spec(pufa::pipeline::SiteSpec::new(site), out, true)
}

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixtures() -> PathBuf {
    manifest_dir().join("tests/fixtures")
}

/// Copies a folder recursively.
pub fn copy_dir(src: &Path, dst: &Path) {
    for e in walkdir::WalkDir::new(src).into_iter().filter_map(Result::ok) {
        let rel = e.path().strip_prefix(src).unwrap();
        let to = dst.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
}

/// A temp folder holding a copy of `tests/fixtures/basic` as `site/`, with `overlays`
/// (folders under `tests/fixtures/`) copied on top.
pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub fn new(overlays: &[&str]) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&fixtures().join("basic"), &dir.path().join("site"));
        for o in overlays {
            copy_dir(&fixtures().join(o), &dir.path().join("site"));
        }
        Fixture { dir }
    }

    pub fn site(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    pub fn out(&self) -> PathBuf {
        self.dir.path().join("public")
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.site().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// Replaces the fixture's example title, address and organisation details (示例镇,
    /// example.gov.cn, 0000-00000000 …, what `site/placeholder` finds) with made-up but
    /// plausible ones, as a site ready to publish has.
    pub fn use_real_details(&self) {
        let config = std::fs::read_to_string(self.site().join("config.yaml")).unwrap();
        let real = config
            .replace("title: 示例镇法治政府建设", "title: 横栏镇法治政府建设")
            .replace("https://www.example.gov.cn/", "https://www.zs.gov.cn/hlz/")
            .replace("name: 示例镇人民政府", "name: 中山市横栏镇人民政府")
            .replace("address: 示例市示例镇示例路1号", "address: 中山市横栏镇横栏路1号")
            .replace("phone: 0000-00000000", "phone: 0760-87654321")
            .replace("office@example.gov.cn", "hlzzf@zs.gov.cn")
            .replace("\"1234567890\"", "\"4420000001\"")
            .replace("示ICP备12345678号", "粤ICP备20250317号")
            .replace("示公网安备12345678901234号", "粤公网安备44200002000123号");
        assert_ne!(real, config, "the fixture's example values have changed");
        self.write("config.yaml", &real);
    }

    /// Runs `pufa build --root site --output public ARGS`.
    pub fn build(&self, args: &[&str]) -> Output {
        let mut all = vec!["build", "--root", "site", "--output", "public"];
        all.extend_from_slice(args);
        pufa(self.dir.path(), &all)
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }
}

pub fn pufa(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pufa"))
        .current_dir(cwd)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run pufa")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Every file under `dir`, relative, `/`-separated.
pub fn files(dir: &Path) -> BTreeSet<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/"))
        .collect()
}

/// Every file's bytes.
pub fn snapshot(dir: &Path) -> HashMap<String, Vec<u8>> {
    files(dir)
        .into_iter()
        .map(|f| (f.clone(), std::fs::read(dir.join(&f)).unwrap()))
        .collect()
}

fn attr_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let pat = format!(" {attr}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(p) = rest.find(&pat) {
        let after = &rest[p + pat.len()..];
        if let Some(end) = after.find('"') {
            out.push(&after[..end]);
            rest = &after[end..];
        } else {
            break;
        }
    }
    out
}

fn ids(html: &str) -> BTreeSet<String> {
    attr_values(html, "id")
        .into_iter()
        .map(|s| s.replace("&amp;", "&"))
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Checks every internal `href` and `src` of every HTML page (and every `<loc>` of the
/// sitemap) against the files in `out`, served under `base_path` (`/` or `/hlz/`);
/// fragments must name an id in the target page. Returns the broken ones.
pub fn broken_links(out: &Path, base_path: &str, origin: &str) -> Vec<String> {
    let all = files(out);
    let mut id_cache: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut broken = Vec::new();
    for f in all.iter().filter(|f| f.ends_with(".html") || f.ends_with(".xml")) {
        let html = std::fs::read_to_string(out.join(f)).unwrap();
        let mut links: Vec<String> = attr_values(&html, "href")
            .into_iter()
            .chain(attr_values(&html, "src"))
            .map(|s| s.replace("&amp;", "&"))
            .collect();
        if f.ends_with(".xml") {
            links.clear();
            let mut rest = html.as_str();
            while let Some(p) = rest.find("<loc>") {
                let after = &rest[p + 5..];
                let end = after.find("</loc>").unwrap();
                links.push(after[..end].to_string());
                rest = &after[end..];
            }
        }
        let page_dir = f.rsplit_once('/').map(|(d, _)| format!("{d}/")).unwrap_or_default();
        for link in links {
            let link = link.strip_prefix(origin).map(|s| s.to_string()).unwrap_or(link);
            if link.contains("://")
                || link.starts_with("mailto:")
                || link.starts_with("tel:")
                || link.starts_with("data:")
                || link.starts_with("//")
            {
                continue;
            }
            let (path_q, frag) = link
                .split_once('#')
                .map_or((link.as_str(), None), |(p, f)| (p, Some(f)));
            let path = path_q.split('?').next().unwrap();
            let target = if path.is_empty() {
                f.clone()
            } else if let Some(rest) = path.strip_prefix(base_path) {
                percent_decode(rest)
            } else if path.starts_with('/') {
                broken.push(format!("{f}: {link} (outside the base path {base_path})"));
                continue;
            } else {
                format!("{page_dir}{}", percent_decode(path))
            };
            let target = normalize(&target);
            let file = if target.is_empty() || target.ends_with('/') {
                format!("{target}index.html")
            } else {
                target.clone()
            };
            if !all.contains(&file) {
                broken.push(format!("{f}: {link} → {file} missing"));
                continue;
            }
            if let Some(frag) = frag.filter(|fr| !fr.is_empty()) {
                let frag = percent_decode(frag);
                let ids = id_cache
                    .entry(file.clone())
                    .or_insert_with(|| ids(&std::fs::read_to_string(out.join(&file)).unwrap_or_default()));
                if !ids.contains(&frag) {
                    broken.push(format!("{f}: {link} → #{frag} not in {file}"));
                }
            }
        }
    }
    broken
}

fn normalize(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// A minimal text PDF (written here, byte by byte): one page, `lines` in a Type0 font whose
/// ToUnicode table maps each glyph id back to its character, as Chinese PDFs from Word or WPS
/// do. With no lines, a page without text (what a scan looks like to a text extractor).
pub fn text_pdf(lines: &[&str]) -> Vec<u8> {
    let mut chars: Vec<char> = lines.iter().flat_map(|l| l.chars()).collect();
    chars.sort();
    chars.dedup();
    let cid = |c: char| chars.iter().position(|x| *x == c).unwrap() + 1;
    let mut content = String::from("BT /F1 12 Tf 40 800 Td 14 TL\n");
    for l in lines {
        let hex: String = l.chars().map(|c| format!("{:04X}", cid(c))).collect();
        content.push_str(&format!("<{hex}> Tj T*\n"));
    }
    content.push_str("ET\n");
    if lines.is_empty() {
        content = "0 0 1 rg 40 40 500 700 re f\n".into();
    }
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def /CMapName /Adobe-Identity-UCS def /CMapType 2 def 1 begincodespacerange <0000> <FFFF> endcodespacerange\n",
    );
    for chunk in chars.chunks(100) {
        cmap.push_str(&format!("{} beginbfchar\n", chunk.len()));
        for c in chunk {
            let mut u = [0u16; 2];
            let hex: String = c.encode_utf16(&mut u).iter().map(|x| format!("{x:04X}")).collect();
            cmap.push_str(&format!("<{:04X}> <{hex}>\n", cid(*c)));
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap CMapName currentdict /CMap defineresource pop end end\n");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_string(),
        "<< /Type /Font /Subtype /Type0 /BaseFont /Song /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Song /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 8 0 R /DW 1000 /CIDToGIDMap /Identity >>".to_string(),
        format!("<< /Length {} >>\nstream\n{cmap}endstream", cmap.len()),
        "<< /Type /FontDescriptor /FontName /Song /Flags 4 /FontBBox [0 -120 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// Runs pufa like [`pufa`], with its address space limited to `max_bytes` (`ulimit -v` in
/// the shell that execs it), so an input that makes it allocate without bound ends it by a
/// failed allocation (a signal, no exit code) instead of taking the machine's memory.
pub fn pufa_capped(cwd: &Path, args: &[&str], max_bytes: u64) -> Output {
    Command::new("sh")
        .current_dir(cwd)
        .arg("-c")
        .arg(format!("ulimit -v {} && exec \"$0\" \"$@\"", max_bytes >> 10))
        .arg(env!("CARGO_BIN_EXE_pufa"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run pufa")
}
