//! 不可用链接: every `href`, `src` and `srcset` of every rendered output, checked in memory.
//!
//! [`LinkChecker::scan`] runs in the render sink, one output at a time and in parallel: it
//! resolves each link against the output's path and the site's base path, checks that the file
//! exists among the outputs and copied files and that a same-page `#anchor` names an id, and
//! keeps what needs every output first (anchors in other pages) and the external URLs.
//! [`LinkChecker::finish`] checks those, and turns each broken link into one finding, located
//! in the content file that wrote it (file:line:col) or else in the template that did.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use percent_encoding::percent_decode_str;

use super::finding::Finding;
use crate::config::Config;
use crate::content::Site;
use crate::diagnostics::Diagnostic;
use crate::markdown::html::{decode_entities, tags};
use crate::pipeline::Pipeline;
use crate::render::{Input, OutputKey, Templates};

/// Where a link goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Nothing to check (mailto:, tel:, data:, an empty href).
    Skip,
    /// Off the site: checked with `--external`.
    External(String),
    /// An output file of the site, with a fragment to find in it.
    Internal { file: String, fragment: Option<String> },
    /// A root-relative path outside the base path.
    OutsideBase(String),
    /// A file that does not exist.
    Missing(String),
}

/// A broken link as first seen, and how often.
#[derive(Debug, Clone)]
struct Broken {
    /// The output it was first seen in.
    output: String,
    /// The attribute value as written in the output.
    raw: String,
    why: Why,
    count: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Why {
    Missing(String),
    OutsideBase,
    Anchor(String, String),
}

impl Why {
    fn kind(&self) -> u8 {
        match self {
            Why::Missing(_) => 0,
            Why::OutsideBase => 1,
            Why::Anchor(..) => 2,
        }
    }
}

#[derive(Default)]
struct State {
    ids: HashMap<String, HashSet<u64>>,
    /// (target file, fragment) → (output, raw) first seen.
    fragments: HashMap<(String, String), (String, String, usize)>,
    /// (link as written, kind of failure) → the first one: a template's relative link broken
    /// on every page is one finding.
    broken: HashMap<(String, u8), Broken>,
    /// URL → (first output, count).
    external: HashMap<String, (String, usize)>,
    links: usize,
}

/// Checks the links of a site's outputs.
pub struct LinkChecker {
    files: HashSet<String>,
    /// Images `resize_image` made in the outputs rendered so far (known only as they render).
    made: std::sync::RwLock<HashSet<String>>,
    base_path: String,
    origin: String,
    state: Mutex<State>,
}

/// What one output links to, found by [`LinkChecker::scan`].
struct Scanned {
    ids: HashSet<u64>,
    links: Vec<String>,
}

impl LinkChecker {
    /// `files`: every output path and copied file, relative to the output root.
    pub fn new(config: &Config, files: HashSet<String>) -> LinkChecker {
        LinkChecker {
            files,
            made: Default::default(),
            base_path: config.base_path.clone(),
            origin: config.origin.to_ascii_lowercase(),
            state: Mutex::new(State::default()),
        }
    }

    /// Notes files an output made as it rendered (before its links are scanned).
    pub fn made(&self, paths: impl IntoIterator<Item = String>) {
        if let Ok(mut m) = self.made.write() {
            m.extend(paths);
        }
    }

    /// Checks the links of output `rel` (HTML, XML or CSS; other files have none).
    pub fn scan(&self, rel: &str, bytes: &[u8]) {
        let Ok(text) = std::str::from_utf8(bytes) else {
            return;
        };
        let scanned = if rel.ends_with(".html") {
            scan_html(text)
        } else if rel.ends_with(".xml") {
            scan_xml(text)
        } else if rel.ends_with(".css") {
            scan_css(text)
        } else {
            return;
        };
        let mut broken = Vec::new();
        let mut later = Vec::new();
        let mut external = Vec::new();
        for raw in &scanned.links {
            match self.resolve(rel, &decode_entities(raw)) {
                Target::Skip => {}
                Target::External(url) => external.push(url),
                Target::OutsideBase(_) => broken.push((raw.clone(), Why::OutsideBase)),
                Target::Missing(file) => broken.push((raw.clone(), Why::Missing(file))),
                Target::Internal {
                    file,
                    fragment: Some(f),
                } if file == rel => {
                    if !scanned.ids.contains(&crate::util::hash_str(&f)) && f != "top" {
                        broken.push((raw.clone(), Why::Anchor(file, f)));
                    }
                }
                Target::Internal {
                    file,
                    fragment: Some(f),
                } => later.push((file, f, raw.clone())),
                Target::Internal { .. } => {}
            }
        }
        let Ok(mut st) = self.state.lock() else { return };
        st.links += scanned.links.len();
        st.ids.insert(rel.to_string(), scanned.ids);
        for (raw, why) in broken {
            st.broken
                .entry((raw.clone(), why.kind()))
                .and_modify(|b| b.count += 1)
                .or_insert(Broken {
                    output: rel.to_string(),
                    raw,
                    why,
                    count: 1,
                });
        }
        for (file, f, raw) in later {
            st.fragments
                .entry((file, f))
                .and_modify(|e| e.2 += 1)
                .or_insert((rel.to_string(), raw, 1));
        }
        for url in external {
            st.external
                .entry(url)
                .and_modify(|e| e.1 += 1)
                .or_insert((rel.to_string(), 1));
        }
    }

    /// Where `raw` (a link in output `from`) goes.
    pub fn resolve(&self, from: &str, raw: &str) -> Target {
        let raw = raw.trim();
        if raw.is_empty() {
            return Target::Skip;
        }
        let (before_frag, fragment) = match raw.split_once('#') {
            Some((p, f)) => (p, Some(percent_decode_str(f).decode_utf8_lossy().into_owned())),
            None => (raw, None),
        };
        let fragment = fragment.filter(|f| !f.is_empty());
        let path = before_frag.split('?').next().unwrap_or("");
        if let Some(scheme) = scheme_of(raw) {
            if scheme != "http" && scheme != "https" {
                return Target::Skip;
            }
            let lower = raw.to_ascii_lowercase();
            let same_site = lower
                .strip_prefix(&self.origin)
                .is_some_and(|r| r.is_empty() || r.starts_with(['/', '?', '#']));
            if !same_site {
                return Target::External(raw.to_string());
            }
            let p = &path[self.origin.len().min(path.len())..];
            return self.site_path(if p.is_empty() { "/" } else { p }, fragment);
        }
        if raw.starts_with("//") {
            return Target::External(format!("https:{raw}"));
        }
        if path.is_empty() {
            return Target::Internal {
                file: from.to_string(),
                fragment,
            };
        }
        if path.starts_with('/') {
            return self.site_path(path, fragment);
        }
        let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
        self.file_target(&format!("{dir}/{path}"), fragment)
    }

    fn site_path(&self, path: &str, fragment: Option<String>) -> Target {
        match path
            .strip_prefix(&self.base_path)
            .or_else(|| (path.to_string() + "/" == self.base_path).then_some(""))
        {
            Some(rest) => self.file_target(rest, fragment),
            None => Target::OutsideBase(path.to_string()),
        }
    }

    /// The output file a path relative to the output root names.
    fn file_target(&self, path: &str, fragment: Option<String>) -> Target {
        // The made images are asked for only when no output or copied file has the path.
        let exists = |f: &str| self.files.contains(f) || self.made.read().is_ok_and(|m| m.contains(f));
        match crate::render::output_file(path, exists) {
            Ok(file) => Target::Internal { file, fragment },
            Err(file) => Target::Missing(file),
        }
    }

    /// The findings: broken links (each once, with how many outputs have it) and, separately,
    /// the external URLs (URL → first output, count) and how many links were checked.
    pub fn finish(self, ctx: &Context) -> (Vec<Finding>, HashMap<String, (String, usize)>, usize) {
        let st = self.state.into_inner().unwrap_or_default();
        let mut broken: Vec<Broken> = st.broken.into_values().collect();
        for ((file, f), (output, raw, count)) in st.fragments {
            let known = st
                .ids
                .get(&file)
                .is_none_or(|ids| ids.contains(&crate::util::hash_str(&f)));
            if !known && f != "top" {
                broken.push(Broken {
                    output,
                    raw,
                    why: Why::Anchor(file, f),
                    count,
                });
            }
        }
        broken.sort_by(|a, b| (&a.output, &a.raw).cmp(&(&b.output, &b.raw)));
        let findings = broken.iter().map(|b| finding(b, ctx)).collect();
        (findings, st.external, st.links)
    }
}

/// What attribution needs: the site, its outputs and its templates.
pub struct Context<'a> {
    pub site: &'a Site,
    pub outputs: &'a HashMap<String, OutputKey>,
    pub templates: &'a Templates,
    pub pipeline: &'a Pipeline,
    /// Copied files (style sheets) → their source, as shown.
    pub copied: &'a HashMap<String, String>,
}

impl Context<'_> {
    /// The templates an output is rendered with (rendered again, recording what it reads).
    fn templates_of(&self, output: &str) -> Vec<String> {
        let Some(key) = self.outputs.get(output) else {
            return Vec::new();
        };
        let binding = self.pipeline.bind(true);
        let Ok(out) = binding.render(key) else {
            return Vec::new();
        };
        out.inputs
            .into_iter()
            .filter_map(|i| match i {
                Input::Template(name) => Some(self.templates.sources.get(&name).map_or(name, |s| s.shown.clone())),
                _ => None,
            })
            .collect()
    }
}

fn finding(b: &Broken, ctx: &Context) -> Finding {
    let shown_url = decode_entities(&b.raw).into_owned();
    let (code, message, hint) = match &b.why {
        Why::Missing(file) => (
            "link/broken",
            format!("链接 {shown_url} 指向的文件不存在：发布后的网站上没有 {file}"),
            "请检查链接是否写错、文件是否已删除或改名；链接本站页面请写 `@/栏目/文件名.md`，pufa 会检查它。".to_string(),
        ),
        Why::OutsideBase => (
            "link/outside-base",
            format!("链接 {shown_url} 不在本站网址 {} 之下，发布后会指向别的网站或失效", ctx.site.config.base_path),
            "本站内容请用 `@/` 链接或以 / 开头的站内路径（pufa 会加上子路径）；链接门户网站其他页面请写完整网址（https://…）。".to_string(),
        ),
        Why::Anchor(file, f) => (
            "link/anchor",
            format!("链接 {shown_url} 的锚点 #{f} 在 {file} 中不存在"),
            "锚点来自目标页面的标题；请核对标题是否改过。".to_string(),
        ),
    };
    let mut message = message;
    if b.count > 1 {
        message.push_str(&format!("（共 {} 处）", b.count));
    }
    let d = Diagnostic::new(code, message).with_hint(hint);
    Finding::new(locate(d, &b.output, &b.raw, ctx)).with_found(shown_url, None)
}

/// Puts a broken link's diagnostic where it was written: the content file of the output, a
/// template, config.yaml (navigation, the footer's links), or any content file whose body has
/// it (a summary shown on a list page); else it names the templates the output used. Only
/// broken links get here, so reading sources costs nothing while there are none.
/// `raw` is the link as it appears in the HTML of `output`.
pub fn locate(d: Diagnostic, output: &str, raw: &str, ctx: &Context) -> Diagnostic {
    let needles = needles(raw, &ctx.site.config.base_path);
    let in_file = |shown: &str| {
        let text = std::fs::read_to_string(ctx.site.config.root.join(shown)).ok()?;
        find_any(&text, &needles).map(|(at, len)| (text, at, len))
    };
    let own = ctx
        .outputs
        .get(output)
        .and_then(|k| source_of(k, ctx.site))
        .or_else(|| ctx.copied.get(output).cloned());
    if let Some((shown, (text, at, len))) = own.and_then(|s| in_file(&s).map(|f| (s, f))) {
        return d.in_file(shown).at_offset(&text, at, len);
    }
    for src in ctx.templates.sources.values() {
        if let Some((at, len)) = find_any(&src.text, &needles) {
            return d.in_file(&src.shown).at_offset(&src.text, at, len);
        }
    }
    let config = &ctx.site.config;
    if let Ok(text) = std::fs::read_to_string(&config.file)
        && let Some((at, len)) = find_any(&text, &needles)
    {
        let shown = crate::diagnostics::display_path(&config.file, &config.root);
        return d.in_file(shown).at_offset(&text, at, len);
    }
    let linking = ctx
        .site
        .pages
        .values()
        .filter(|p| ctx.site.page_html(p).is_ok_and(|h| h.contains(raw)))
        .find_map(|p| in_file(&p.shown).map(|f| (p.shown.clone(), f)));
    if let Some((shown, (text, at, len))) = linking {
        return d.in_file(shown).at_offset(&text, at, len);
    }
    let used = ctx.templates_of(output);
    let from = if used.is_empty() {
        "模板".to_string()
    } else {
        format!("模板 {}（或它继承、包含的模板）", used.join("、"))
    };
    let file = used.first().cloned().unwrap_or_else(|| output.to_string());
    Diagnostic {
        hint: Some(format!(
            "这个链接出现在生成的 {output} 中，来自{from}。{}",
            d.hint.clone().unwrap_or_default()
        )),
        ..d
    }
    .in_file(file)
}

/// The content file an output renders, as shown in messages.
fn source_of(key: &OutputKey, site: &Site) -> Option<String> {
    match key {
        OutputKey::Page(rel) => site.pages.get(rel).map(|p| p.shown.clone()),
        OutputKey::Section { key, .. } => site
            .sections
            .get(key)
            .filter(|s| !s.rel.is_empty())
            .map(|s| s.shown.clone()),
        _ => None,
    }
}

/// Ways a link may be written in a source: as output, decoded, without the base path, and
/// (for templates, which build URLs) its path after the base path.
fn needles(raw: &str, base_path: &str) -> Vec<String> {
    let decoded = decode_entities(raw).into_owned();
    let mut out = vec![raw.to_string(), decoded.clone()];
    let pct = percent_decode_str(&decoded).decode_utf8_lossy().into_owned();
    out.push(pct.clone());
    for s in [&decoded, &pct] {
        if let Some(rest) = s.strip_prefix(base_path) {
            out.push(format!("/{rest}"));
            if rest.len() >= 4 {
                out.push(rest.to_string());
            }
        }
    }
    out.retain(|n| !n.is_empty());
    out.dedup();
    out
}

fn find_any(text: &str, needles: &[String]) -> Option<(usize, usize)> {
    needles.iter().find_map(|n| text.find(n.as_str()).map(|i| (i, n.len())))
}

/// `http`, `mailto` … when `s` starts with a URL scheme.
fn scheme_of(s: &str) -> Option<String> {
    let colon = s.find(':')?;
    let scheme = &s[..colon];
    let valid = scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| scheme.to_ascii_lowercase())
}

/// Ids and link attribute values of an HTML output.
fn scan_html(html: &str) -> Scanned {
    let mut s = Scanned {
        ids: HashSet::new(),
        links: Vec::new(),
    };
    for tag in tags(html).filter(|t| !t.end_tag) {
        for a in &tag.attrs {
            let name = a.name.to_ascii_lowercase();
            match name.as_str() {
                "id" => {
                    s.ids.insert(crate::util::hash_str(&a.value()));
                }
                "name" if tag.is("a") => {
                    s.ids.insert(crate::util::hash_str(&a.value()));
                }
                "href" | "src" => s.links.push(a.raw.to_string()),
                "srcset" => s.links.extend(srcset_urls(a.raw)),
                _ => {}
            }
        }
    }
    s
}

/// The URLs of a `srcset` (`a.jpg 1x, b.jpg 2x`).
fn srcset_urls(raw: &str) -> impl Iterator<Item = String> + '_ {
    raw.split(',')
        .filter_map(|c| c.split_whitespace().next())
        .map(str::to_string)
}

/// The `url(…)` and `@import "…"` references of a style sheet.
fn scan_css(css: &str) -> Scanned {
    let mut links = Vec::new();
    for (i, _) in css.match_indices("url(") {
        let rest = &css[i + 4..];
        let Some(end) = rest.find(')') else { break };
        links.push(rest[..end].trim().trim_matches(['"', '\'']).to_string());
    }
    for (i, _) in css.match_indices("@import") {
        let rest = css[i + 7..].trim_start();
        if let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'')
            && let Some(end) = rest[1..].find(q)
        {
            links.push(rest[1..1 + end].to_string());
        }
    }
    Scanned {
        ids: HashSet::new(),
        links,
    }
}

/// Links of an XML output: `href` attributes and sitemap `<loc>` texts.
fn scan_xml(xml: &str) -> Scanned {
    let mut s = scan_html(xml);
    let mut rest = xml;
    while let Some(p) = rest.find("<loc>") {
        let after = &rest[p + 5..];
        let Some(end) = after.find("</loc>") else { break };
        s.links.push(after[..end].trim().to_string());
        rest = &after[end..];
    }
    s.ids.clear();
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn checker(base: &str) -> LinkChecker {
        let config = Config::parse(
            Path::new("/s"),
            Path::new("/s/config.yaml"),
            &format!("title: T\nbase_url: {base}\ngovernment_site: false\n"),
        )
        .unwrap();
        let files = [
            "index.html",
            "cases/index.html",
            "cases/a/index.html",
            "cases/a/photo.jpg",
            "css/site.css",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        LinkChecker::new(&config, files)
    }

    #[test]
    fn resolves_every_kind_of_link_under_a_sub_path() {
        let c = checker("https://www.zs.gov.cn/hlz/");
        let internal = |t: &Target| matches!(t, Target::Internal { .. });
        assert!(internal(&c.resolve("cases/a/index.html", "photo.jpg")));
        assert!(internal(&c.resolve("cases/a/index.html", "../")));
        assert!(internal(&c.resolve("cases/a/index.html", "/hlz/css/site.css?v=1")));
        assert!(internal(&c.resolve("index.html", "https://www.zs.gov.cn/hlz/cases/a/")));
        assert!(
            internal(&c.resolve("index.html", "/hlz/cases")),
            "a folder without its slash"
        );
        assert_eq!(
            c.resolve("index.html", "/css/site.css"),
            Target::OutsideBase("/css/site.css".into())
        );
        assert_eq!(
            c.resolve("cases/index.html", "photo.jpg"),
            Target::Missing("cases/photo.jpg".into())
        );
        assert!(matches!(c.resolve("index.html", "../../x"), Target::Missing(_)));
        assert_eq!(c.resolve("index.html", "mailto:a@b.cn"), Target::Skip);
        assert_eq!(
            c.resolve("index.html", "https://www.gov.cn/"),
            Target::External("https://www.gov.cn/".into())
        );
        assert_eq!(
            c.resolve("index.html", "#main"),
            Target::Internal {
                file: "index.html".into(),
                fragment: Some("main".into())
            }
        );
    }

    #[test]
    fn a_missing_same_page_anchor_is_broken() {
        let c = checker("https://a.gov.cn/");
        c.scan("index.html", b"<h2 id=\"x\">x</h2><a href=\"#x\">ok</a><a href=\"#y\">no</a><img srcset=\"/a.png 1x, /css/site.css 2x\">");
        let st = c.state.lock().unwrap();
        let mut whys: Vec<String> = st.broken.values().map(|b| b.raw.clone()).collect();
        whys.sort();
        assert_eq!(whys, vec!["#y", "/a.png"]);
    }
}
