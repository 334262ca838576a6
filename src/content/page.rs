//! Pages and sections: one content file each, parsed on its own.
//!
//! [`parse_page`] and [`parse_section`] turn the text of one file into a [`Page`] or a
//! [`Section`]: checked front matter, the kind's rules, the output path, the year(s) it belongs
//! to and its rendered Markdown (with `@/` links still unresolved). Nothing here looks at other
//! files, so the loader can parse in parallel and serve mode can re-parse a single file.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::date::Date;
use super::front_matter::{self, FmLocator, PageFront, SectionFront, SortBy};
use crate::config::{Config, Kind};
use crate::diagnostics::{Diagnostic, LineIndex};
use crate::markdown::{self, Rendered};

/// A file copied next to the page or section that owns it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Asset {
    /// Absolute source path.
    pub src: PathBuf,
    /// Output path relative to the output root, `/`-separated.
    pub out: String,
}

/// An `@/` link with its place in the file, for error messages.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LinkRef {
    pub target: String,
    pub anchor: Option<String>,
    pub line: usize,
    pub col: usize,
    pub len: usize,
    /// The line around the link (see [`crate::diagnostics::excerpt`]) and how many
    /// characters of it were left out in front.
    pub source_line: String,
    pub source_skip: usize,
}

impl LinkRef {
    pub fn diagnostic(&self, file: &str, code: &'static str, message: String) -> Diagnostic {
        let mut d = Diagnostic::new(code, message).in_file(file);
        d.line = self.line;
        d.col = self.col;
        d.span_chars = self.len.max(1);
        d.with_source(&self.source_line, self.source_skip)
    }
}

/// A regular page: a report, project, case or free page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page {
    /// Content-relative path, `/`-separated: `cases/jinzunfu.md`, `cases/jinzunfu/index.md`.
    pub rel: String,
    /// The file as shown in messages (relative to the site root).
    pub shown: String,
    /// Key of the section the page belongs to (`cases`, or `` for the root).
    pub section: String,
    pub kind: Kind,
    pub front: PageFront,
    pub slug: String,
    /// Output path relative to the base URL, ending in `/`: `cases/jinzunfu/`.
    pub path: String,
    /// The year the item is filed under.
    pub year: Option<i32>,
    /// Every year the item belongs to (a project runs several).
    pub years: Vec<i32>,
    pub body: Rendered,
    /// Where the body's HTML waits when a build moved it out of memory (`body.html` is then
    /// empty; see [`super::bodies`]).
    pub spilled: Option<super::bodies::Span>,
    pub links: Vec<LinkRef>,
    /// The body's images of this site ([`crate::markdown::Rendered::images`]), located.
    #[serde(default)]
    pub images: Vec<LinkRef>,
    pub assets: Vec<Asset>,
    /// Fingerprint of the file's bytes and path.
    pub hash: u64,
    /// Fingerprint of the front matter alone (what lists show changes with it).
    pub front_hash: u64,
    /// Fingerprint of everything the site index reads from this page: front matter, output
    /// path, section and link targets. Equal before and after an edit = the index still holds.
    pub index_hash: u64,
    /// The front matter's YAML text and the file line it starts on, kept so that checks
    /// running after loading can point at a key's line ([`Page::at_key`]).
    pub front_text: Box<str>,
    pub front_line: usize,
    /// Warnings about this file alone (Markdown problems, content checks).
    pub warnings: Vec<Diagnostic>,
}

impl Page {
    pub fn title(&self) -> &str {
        &self.front.title
    }

    pub fn date(&self) -> Option<Date> {
        self.front.date
    }

    /// The non-blank lines of the front matter: (the top-level key it belongs to, file line,
    /// text).
    pub fn key_lines(&self) -> impl Iterator<Item = (&str, usize, &str)> {
        let mut current = "";
        self.front_text.split('\n').enumerate().filter_map(move |(i, l)| {
            let l = l.trim_end_matches('\r');
            if front_matter::starts_top_level_key(l) {
                current = l.split(':').next().unwrap_or("").trim();
            }
            (!l.trim().is_empty()).then_some((current, self.front_line + i, l))
        })
    }

    /// A diagnostic at a top-level front-matter key of this page (or its first line).
    pub fn at_key(&self, code: &'static str, key: &str, message: String) -> Diagnostic {
        let mut d = Diagnostic::new(code, message).in_file(&self.shown);
        if let Some((_, line, text)) = self.key_lines().find(|(k, _, _)| *k == key) {
            d.line = line;
            d.col = 1;
            d.span_chars = key.chars().count();
            d.with_source(text, 0)
        } else {
            d.line = 1;
            d.col = 1;
            d.span_chars = 3;
            d.with_source("---", 0)
        }
    }

    /// A diagnostic at the first line of the YAML text containing `needle`.
    pub fn at_text(&self, code: &'static str, needle: &str, message: String) -> Diagnostic {
        let d = Diagnostic::new(code, message).in_file(&self.shown);
        match self.key_lines().find(|(_, _, t)| t.contains(needle)) {
            Some((_, line, text)) => {
                let col = text.find(needle).map_or(1, |b| text[..b].chars().count() + 1);
                let mut d = d;
                d.line = line;
                d.col = col;
                d.span_chars = needle.chars().count();
                d.with_source(text, 0)
            }
            None => self.at_key(code, "", d.message),
        }
    }
}

/// A section: a folder with an `_index.md` (the content root is always one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// `` for the root, else the folder relative to content/: `cases`, `cases/2024`.
    pub key: String,
    /// `cases/_index.md`, or empty when the root has no `_index.md`.
    pub rel: String,
    pub shown: String,
    pub front: SectionFront,
    pub title: String,
    /// The kind of the pages it holds.
    pub kind: Kind,
    /// Output path: `cases/` (`` for the root).
    pub path: String,
    pub body: Rendered,
    pub links: Vec<LinkRef>,
    /// The body's images of this site, located (see [`Page::images`]).
    #[serde(default)]
    pub images: Vec<LinkRef>,
    pub hash: u64,
    pub parent: Option<String>,
    pub warnings: Vec<Diagnostic>,
}

impl Section {
    pub fn sort_by(&self) -> SortBy {
        self.front.sort_by.unwrap_or(if self.kind == Kind::Page {
            SortBy::Weight
        } else {
            SortBy::Date
        })
    }

    /// The implicit root section when content/ has no `_index.md`.
    pub fn implicit_root(config: &Config) -> Section {
        Section {
            key: String::new(),
            rel: String::new(),
            shown: "content/".into(),
            front: SectionFront::default(),
            title: config.title.clone(),
            kind: Kind::Page,
            path: String::new(),
            body: Rendered::default(),
            links: Vec::new(),
            images: Vec::new(),
            hash: 0,
            parent: None,
            warnings: Vec::new(),
        }
    }
}

/// Strips a UTF-8 BOM.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Parses a page file. `rel` is content-relative; `section` the key of its section.
pub fn parse_page(
    config: &Config,
    rel: &str,
    shown: &str,
    text: &str,
    section: &str,
    assets: Vec<Asset>,
) -> Result<Page, Vec<Diagnostic>> {
    let text = strip_bom(text);
    let split = front_matter::split(text, shown).map_err(|d| vec![d])?;
    let loc = FmLocator {
        file: shown,
        text,
        split,
    };
    let kind = config.kind_of_section(section);
    let front = front_matter::parse_page(&loc, kind)?;
    let mut errors = Vec::new();

    // Taxonomy names must be configured.
    for name in front.taxonomies.keys() {
        if config.taxonomy(name).is_none() {
            let known: Vec<&str> = config.taxonomies.iter().map(|t| t.name.as_str()).collect();
            errors.push(
                loc.at_key("front-matter/unknown-key", name, format!("没有名为 `{name}` 的分类"))
                    .with_hint(format!("config.yaml 中配置的分类有：{}", known.join("、"))),
            );
        }
    }

    let (dir, stem) = page_dir_and_stem(rel);
    let raw_slug = front.slug.clone().unwrap_or_else(|| stem.to_string());
    let slug = sanitize_slug(&raw_slug);
    if slug.is_empty() {
        errors.push(loc.at_key("front-matter/value", "slug", format!("无法从“{raw_slug}”得到网址")));
    }
    let path = if dir.is_empty() {
        format!("{slug}/")
    } else {
        format!("{dir}/{slug}/")
    };

    let year = front
        .year
        .or_else(|| front.years.as_ref().and_then(|y| y.iter().min().copied()))
        .or(front.date.map(|d| d.year));
    let mut years: Vec<i32> = match (&front.years, kind) {
        (Some(ys), Kind::Project) if !ys.is_empty() => ys.clone(),
        _ => year.into_iter().collect(),
    };
    years.sort_unstable();
    years.dedup();
    if kind == Kind::Page {
        years.clear();
    }

    if !errors.is_empty() {
        return Err(errors);
    }

    let index = LineIndex::new(text);
    let body = render_body(&index, &split, shown)?;
    let BodyFacts {
        links,
        images,
        warnings,
        headings,
    } = locate_body(&index, split.body_offset, shown, &body);

    let mut page = Page {
        rel: rel.to_string(),
        shown: shown.to_string(),
        section: section.to_string(),
        kind,
        front,
        slug,
        path,
        year,
        years,
        body,
        spilled: None,
        links,
        images,
        assets,
        hash: crate::util::hash_of(&(rel, text)),
        front_hash: crate::util::hash_of(&(rel, split.yaml)),
        index_hash: 0,
        front_text: Box::from(split.yaml),
        front_line: split.yaml_line,
        warnings,
    };
    let too_long = long_path_names(&page);
    if !too_long.is_empty() {
        return Err(too_long);
    }
    super::checks::check_page(config, &mut page, &headings, split.body_offset, text)?;
    page.index_hash = crate::util::hash_of(&(
        page.front_hash,
        &page.path,
        &page.section,
        page.links.iter().map(|l| &l.target).collect::<Vec<_>>(),
        &page.assets,
    ));
    Ok(page)
}

/// Parses a section's `_index.md`.
pub fn parse_section(
    config: &Config,
    key: &str,
    rel: &str,
    shown: &str,
    text: &str,
) -> Result<Section, Vec<Diagnostic>> {
    let text = strip_bom(text);
    let split = front_matter::split(text, shown).map_err(|d| vec![d])?;
    let loc = FmLocator {
        file: shown,
        text,
        split,
    };
    let front = front_matter::parse_section(&loc)?;
    let title = front.title.clone().unwrap_or_else(|| {
        if key.is_empty() {
            config.title.clone()
        } else {
            key.rsplit('/').next().unwrap_or(key).to_string()
        }
    });
    let index = LineIndex::new(text);
    let body = render_body(&index, &split, shown)?;
    let BodyFacts {
        links,
        images,
        warnings,
        ..
    } = locate_body(&index, split.body_offset, shown, &body);
    let parent = if key.is_empty() {
        None
    } else {
        Some(key.rsplit_once('/').map(|(p, _)| p.to_string()).unwrap_or_default())
    };
    Ok(Section {
        key: key.to_string(),
        rel: rel.to_string(),
        shown: shown.to_string(),
        kind: if key.is_empty() {
            Kind::Page
        } else {
            config.kind_of_section(key)
        },
        path: if key.is_empty() {
            String::new()
        } else {
            format!("{key}/")
        },
        front,
        title,
        body,
        links,
        images,
        hash: crate::util::hash_of(&(rel, text)),
        parent,
        warnings,
    })
}

/// The most bytes one file or folder name may have (ext4, XFS, APFS, NTFS in UTF-16 units).
pub const MAX_NAME_BYTES: usize = 255;

/// Names from the front matter that become one folder name of the output (the slug, each
/// taxonomy term's slug, each metric key) and are too long for a file system: an error at
/// the line that wrote them, instead of the operating system's "File name too long" about a
/// staging folder.
fn long_path_names(page: &Page) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let hint = |what: &str| {
        format!("网址的每一段最多 {MAX_NAME_BYTES} 字节（一个汉字占 3 字节，约 85 个汉字）。请把{what}改短。")
    };
    if page.slug.len() > MAX_NAME_BYTES {
        // A file name cannot be that long, so the slug comes from the front matter.
        let message = format!(
            "网址名太长：slug 有 {} 字节，超过了网址一段的上限 {MAX_NAME_BYTES} 字节",
            page.slug.len()
        );
        errors.push(page.at_key("path/too-long", "slug", message).with_hint(hint("slug")));
    }
    for (taxonomy, terms) in &page.front.taxonomies {
        for term in terms.0.iter().map(|t| t.trim()) {
            let bytes = markdown::slug::slugify(term).len();
            if bytes > MAX_NAME_BYTES {
                let message = format!(
                    "分类词太长：`{taxonomy}` 的分类词有 {bytes} 字节，超过了网址一段的上限 {MAX_NAME_BYTES} 字节"
                );
                errors.push(
                    page.at_text("path/too-long", term, message)
                        .with_hint(hint("这个分类词")),
                );
            }
        }
    }
    for m in page
        .front
        .metrics
        .iter()
        .flatten()
        .filter(|m| m.key.len() > MAX_NAME_BYTES)
    {
        let message = format!(
            "指标 key 太长：{} 字节，超过了网址一段的上限 {MAX_NAME_BYTES} 字节",
            m.key.len()
        );
        errors.push(
            page.at_text("path/too-long", &m.key, message)
                .with_hint(hint("这个 key")),
        );
    }
    errors
}

/// `cases/a.md` → (`cases`, `a`); `cases/a/index.md` → (`cases`, `a`).
pub fn page_dir_and_stem(rel: &str) -> (&str, &str) {
    let (dir, file) = rel.rsplit_once('/').unwrap_or(("", rel));
    if file == "index.md" {
        let (parent, stem) = dir.rsplit_once('/').unwrap_or(("", dir));
        return (parent, stem);
    }
    (dir, file.strip_suffix(".md").unwrap_or(file))
}

/// Keeps letters of every script; spaces become `-`; characters unsafe in URLs are dropped.
pub fn sanitize_slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.trim().chars() {
        if c.is_whitespace() {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else if !matches!(
            c,
            '?' | '#' | '%' | '"' | '\'' | '<' | '>' | '\\' | '^' | '`' | '{' | '}' | '|' | '/' | '&' | '+' | '*' | ':'
        ) && !c.is_control()
        {
            out.push(c);
        }
    }
    out.trim_matches('-').to_string()
}

/// The body rendered, its shortcodes cut out and placed in the file (line, column, line
/// text); a shortcode that cannot be read is an error at its place.
fn render_body(index: &LineIndex, split: &front_matter::Split, shown: &str) -> Result<Rendered, Vec<Diagnostic>> {
    let mut body = markdown::render_with_shortcodes(split.body).map_err(|e| {
        let d = Diagnostic::new("shortcode/syntax", e.message).in_file(shown);
        vec![
            index
                .place(d, split.body_offset + e.offset, e.len)
                .with_hint("shortcode 的写法：{{ 名称(参数=\"值\") }}，或成对的 {% 名称(参数=\"值\") %}……{% end %}。要原样显示，写成 {{/* 名称() */}}，或放进代码 `…`。"),
        ]
    })?;
    for c in &mut body.shortcodes {
        let (line, col) = index.line_col(split.body_offset + c.range.start);
        c.line = line;
        c.col = col;
        (c.source_line, c.source_skip) = index.excerpt_at(split.body_offset + c.range.start);
    }
    Ok(body)
}

/// A body's links, images, warnings and structural lines, located in the file.
struct BodyFacts {
    links: Vec<LinkRef>,
    images: Vec<LinkRef>,
    warnings: Vec<Diagnostic>,
    /// (level, text, line) of each heading.
    headings: Vec<(u8, String, usize)>,
}

/// Maps Markdown byte ranges to file lines: links, images, warnings and headings.
fn locate_body(index: &LineIndex, body_offset: usize, shown: &str, body: &Rendered) -> BodyFacts {
    let text = index.text();
    let locate = |l: &crate::markdown::InternalLink| {
        let (line, col) = index.line_col(body_offset + l.range.start);
        let (source_line, source_skip) = index.excerpt_at(body_offset + l.range.start);
        LinkRef {
            target: l.target.clone(),
            anchor: l.anchor.clone(),
            line,
            col,
            len: text
                .get(body_offset + l.range.start..body_offset + l.range.end)
                .map_or(1, |s| s.chars().count()),
            source_line,
            source_skip,
        }
    };
    let links = body.links.iter().map(locate).collect();
    let images = body.images.iter().map(locate).collect();
    let warnings = body
        .warnings
        .iter()
        .map(|w| {
            let d = Diagnostic::warning(w.code, w.message.clone()).in_file(shown);
            index
                .place(d, body_offset + w.range.start, w.range.len())
                .with_hint(w.hint.clone())
        })
        .collect();
    // Headings with their lines (ATX headings only, which is what the theme and importer write).
    let mut headings = Vec::new();
    let mut in_fence = false;
    let first_body_line = index.line_col(body_offset).0;
    for (i, l) in text[body_offset..].split('\n').enumerate() {
        let t = l.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            in_fence = !in_fence;
        }
        if in_fence {
            continue;
        }
        let hashes = t.chars().take_while(|c| *c == '#').count();
        let line = first_body_line + i;
        if (1..=6).contains(&hashes) && t[hashes..].starts_with([' ', '\t']) {
            let title = t[hashes..].trim().trim_end_matches('#').trim().to_string();
            headings.push((hashes as u8, title, line));
        } else if let Some(rest) = t.strip_prefix("**") {
            // A bold lead-in: `**2.严格落实第一责任人职责。**正文……`
            if let Some(end) = rest.find("**") {
                headings.push((7, rest[..end].trim().to_string(), line));
            }
        } else if t.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            let lead: String = t.chars().take(40).collect();
            let digits = lead.chars().take_while(|c| c.is_ascii_digit()).count();
            if lead[digits..].starts_with(['.', '．', '、']) {
                let title = lead.split(['。', '：', ':']).next().unwrap_or("").to_string();
                headings.push((7, title, line));
            }
        }
    }
    BodyFacts {
        links,
        images,
        warnings,
        headings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn config() -> Config {
        Config::parse(
            Path::new("/s"),
            Path::new("/s/config.yaml"),
            "title: T\nbase_url: https://a.gov.cn/hlz/\ngovernment_site: false\n",
        )
        .unwrap()
    }

    #[test]
    fn page_paths_follow_the_file() {
        assert_eq!(page_dir_and_stem("cases/jinzunfu.md"), ("cases", "jinzunfu"));
        assert_eq!(page_dir_and_stem("cases/jinzunfu/index.md"), ("cases", "jinzunfu"));
        assert_eq!(page_dir_and_stem("about.md"), ("", "about"));
        let p = parse_page(
            &config(),
            "cases/金尊府.md",
            "content/cases/金尊府.md",
            "---\ntitle: 金尊府\ncase_type: 信访\nyear: 2024\n---\n正文",
            "cases",
            vec![],
        )
        .unwrap();
        assert_eq!(p.path, "cases/金尊府/");
        assert_eq!(p.kind, Kind::Case);
        assert_eq!(p.years, vec![2024]);
    }

    #[test]
    fn unknown_taxonomy_is_an_error() {
        let e = parse_page(
            &config(),
            "a.md",
            "content/a.md",
            "---\ntitle: A\ntaxonomies:\n  tags: [x]\n---\n",
            "",
            vec![],
        )
        .err()
        .unwrap();
        assert_eq!(e[0].line, 4);
    }

    #[test]
    fn link_locations_are_file_lines() {
        let p = parse_page(
            &config(),
            "a.md",
            "content/a.md",
            "---\ntitle: A\n---\n\n见[报告](@/reports/2024.md)。\n",
            "",
            vec![],
        )
        .unwrap();
        let l = &p.links[0];
        assert_eq!((l.line, l.col), (5, 7));
        assert_eq!(l.source_line, "见[报告](@/reports/2024.md)。");
    }

    #[test]
    fn slugs_are_sanitised_but_stay_chinese() {
        assert_eq!(sanitize_slug(" 金尊府 保交房 "), "金尊府-保交房");
        assert_eq!(sanitize_slug("a?b#c"), "abc");
    }
}
