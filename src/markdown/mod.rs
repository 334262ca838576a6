//! Markdown to HTML, with what a Chinese government report needs.
//!
//! [`render`] turns one body into a [`Rendered`]: the HTML, its table of contents, summary,
//! heading/footnote anchors (unique within the page, kept in Chinese), the `@/` internal links
//! it contains and warnings. Internal links cannot be resolved yet when one file is parsed (the
//! target may not be loaded), so their `href`s hold placeholders that [`resolve_links`] fills
//! in once the whole site is known; this keeps Markdown parsing per file, in parallel, and
//! lets serve mode re-resolve a page's links without parsing it again. `html` is the tag
//! scanner raw HTML in Markdown is read with (the link check reads outputs with it too).

pub mod cjk;
pub mod html;
pub mod shortcode;
pub mod slug;

use std::fmt::Write as _;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::{Deserialize, Serialize};

use slug::{IdAllocator, slugify};

/// How much of the summary's plain text a page keeps.
pub const SUMMARY_TEXT_CHARS: usize = 120;

/// The first `n` characters of `s`, trimmed, with `…` when cut.
pub fn truncate_chars(s: &str, n: usize) -> String {
    let s = s.trim();
    match s.char_indices().nth(n) {
        None => s.to_string(),
        Some((end, _)) => {
            // Exactly sized: a build keeps one per page.
            let mut out = String::with_capacity(end + '…'.len_utf8());
            out.push_str(&s[..end]);
            out.push('…');
            out
        }
    }
}

/// Marks an internal-link placeholder inside an `href` (never valid in user text: stripped).
pub const PLACEHOLDER: char = '\u{1}';

/// A link written as `@/path.md#anchor`, or as a site path `/metrics/`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct InternalLink {
    /// Content-relative path of the target, e.g. `reports/2024.md`; a site path keeps its
    /// leading `/` (e.g. `/metrics/`), to which the base URL's path is added.
    pub target: String,
    pub anchor: Option<String>,
    /// Byte range of the link destination in the body.
    pub range: Range<usize>,
}

/// One table-of-contents entry.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// A problem found while rendering, located by byte range in the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MdWarning {
    /// The diagnostic code: `markdown`, or `a11y/...` for accessibility.
    pub code: &'static str,
    pub range: Range<usize>,
    pub message: String,
    pub hint: String,
}

impl<'de> Deserialize<'de> for MdWarning {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Stored {
            code: String,
            range: Range<usize>,
            message: String,
            hint: String,
        }
        let s = Stored::deserialize(d)?;
        Ok(MdWarning {
            code: crate::diagnostics::interned(s.code),
            range: s.range,
            message: s.message,
            hint: s.hint,
        })
    }
}

/// The rendered body of one file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Rendered {
    /// HTML with internal links still as placeholders (shared: most pages have no links to
    /// resolve, and their resolved body is this same allocation).
    pub html: std::sync::Arc<str>,
    /// The summary (`<!-- more -->` or first paragraph), HTML with placeholders.
    pub summary_html: std::sync::Arc<str>,
    /// The start of the summary as plain text (at most [`SUMMARY_TEXT_CHARS`] characters, with
    /// `…` when cut): what descriptions and search results show.
    pub summary_text: String,
    pub toc: Vec<TocEntry>,
    /// Every id in the page: headings and footnotes.
    pub anchors: Vec<String>,
    pub links: Vec<InternalLink>,
    /// Images of this site the body shows (`现场.jpg`, `../a.png`, `/images/a.png`: not `@/`,
    /// not another site's), as written, for the check that each exists.
    #[serde(default)]
    pub images: Vec<InternalLink>,
    /// Characters of text (CJK characters count one each; Latin words count one each).
    pub word_count: usize,
    pub warnings: Vec<MdWarning>,
    /// Whether the body contains an image or table (for print and for tests).
    pub has_tables: bool,
    /// Shortcode calls, in order; the HTML holds [`shortcode::placeholder`]s for them.
    #[serde(default)]
    pub shortcodes: Vec<shortcode::Call>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_TASKLISTS
}

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

type Ev<'a> = (Event<'a>, Range<usize>);

struct OpenHeading {
    index: usize,
    title: String,
    custom_id: Option<String>,
    range: Range<usize>,
}

/// The `href`/`src` for a link or image destination: `@/` content links and root-relative
/// site paths become placeholders (resolved once the site and its base URL are known);
/// anything else is kept as written.
fn link_href(body: &str, range: &Range<usize>, dest: &str, r: &mut Rendered) -> String {
    let site_path = dest.starts_with('/') && !dest.starts_with("//");
    if dest.starts_with("@/") || site_path {
        let (path, anchor) = match dest.split_once('#') {
            Some((p, a)) => (p, Some(a.to_string())),
            None => (dest, None),
        };
        let target = path
            .strip_prefix("@/")
            .map(str::to_string)
            .unwrap_or_else(|| path.to_string());
        let n = r.links.len();
        r.links.push(InternalLink {
            target,
            anchor,
            range: find_dest(body, range, dest),
        });
        return format!("{PLACEHOLDER}{n}{PLACEHOLDER}");
    }
    if looks_like_md_link(dest) {
        r.warnings.push(MdWarning {
            code: "markdown",
            range: find_dest(body, range, dest),
            message: format!("链接 `{dest}` 指向 Markdown 文件，发布后会失效"),
            hint: "链接本站其他内容请写成 `@/栏目/文件名.md`，例如 `@/reports/2024.md`。".into(),
        });
    }
    escape(dest)
}

/// Whether an image destination names a file of this site by path (relative or from the
/// site's root), not a content link (`@/`), another site or inline data.
fn is_site_file(dest: &str) -> bool {
    !(dest.is_empty()
        || dest.starts_with("@/")
        || dest.starts_with("//")
        || dest.starts_with('#')
        || dest.contains("://")
        || dest.starts_with("data:")
        || dest.starts_with("mailto:"))
}

/// What the accessibility checks track while events go by.
#[derive(Default)]
struct A11y {
    /// The open link and whether it has text yet.
    link: Option<(Range<usize>, bool)>,
    /// The open table (Markdown or raw HTML).
    table: Option<Range<usize>>,
    /// Inside a Markdown table head: whether it has text yet.
    head_text: Option<bool>,
    /// Inside a raw HTML table: whether it has a `<th>` yet.
    raw_th: bool,
}

impl A11y {
    fn text(&mut self, t: &str) {
        if t.trim().is_empty() {
            return;
        }
        if let Some((_, has)) = &mut self.link {
            *has = true;
        }
        if let Some(h) = &mut self.head_text {
            *h = true;
        }
    }

    /// An image with `alt` text: missing or a file name is a warning.
    fn image(&mut self, range: &Range<usize>, alt: &str, src: &str, r: &mut Rendered) {
        if alt.trim().is_empty() {
            r.warnings.push(a11y_warning(
                "a11y/img-alt",
                range.clone(),
                "图片没有替代文字（alt），读屏软件无法说明图片内容",
                "请在 ![ ] 的方括号里用一句话说明图片内容，如 ![调解员在村委会现场调解](photo.jpg)。",
            ));
            return;
        }
        self.text(alt);
        if looks_like_file_name(alt, src) {
            r.warnings.push(a11y_warning(
                "a11y/img-alt-filename",
                range.clone(),
                "图片的替代文字是文件名，读屏软件读出来没有意义",
                "请把方括号里的文件名改成一句说明图片内容的话。",
            ));
        }
    }
}

fn a11y_warning(code: &'static str, range: Range<usize>, message: &str, hint: &str) -> MdWarning {
    MdWarning {
        code,
        range,
        message: message.into(),
        hint: hint.into(),
    }
}

/// `IMG_2024.jpg`, `photo.png`, or the image's own file name, as alt text.
fn looks_like_file_name(alt: &str, src: &str) -> bool {
    let alt = alt.trim().to_ascii_lowercase();
    let file = src.rsplit('/').next().unwrap_or(src).to_ascii_lowercase();
    let stem = file.rsplit_once('.').map_or(file.as_str(), |(s, _)| s);
    let has_ext = [".jpg", ".jpeg", ".png", ".gif", ".svg", ".webp", ".bmp"]
        .iter()
        .any(|e| alt.ends_with(e));
    has_ext || alt == file || (!stem.is_empty() && alt == stem)
}

/// Raw HTML in a body: root-relative and `@/` `href`/`src`/`srcset` values become link
/// placeholders like Markdown links (so they get the base path and are checked); images
/// without `alt` and tables without `<th>` are noted. Returns the HTML when it changed.
fn raw_html(body: &str, range: &Range<usize>, html: &str, r: &mut Rendered, a11y: &mut A11y) -> Option<String> {
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    for tag in html::tags(html) {
        if tag.is("table") {
            if tag.end_tag {
                if let (Some(at), false) = (a11y.table.take(), a11y.raw_th) {
                    r.warnings.push(a11y_warning(
                        "a11y/table-header",
                        at,
                        "表格没有表头（<th>），读屏软件无法说明每一列是什么",
                        "请把表格第一行的 <td> 改成 <th>，写上每一列的名称。",
                    ));
                }
            } else {
                a11y.table = Some(range.clone());
                a11y.raw_th = false;
            }
            continue;
        }
        if tag.end_tag {
            continue;
        }
        if tag.is("th") {
            a11y.raw_th = true;
        }
        if tag.is("img") {
            let alt = tag.attr("alt").map(|a| a.value().into_owned());
            let src = tag.attr("src").map(|a| a.value().into_owned()).unwrap_or_default();
            match alt {
                None => r.warnings.push(a11y_warning(
                    "a11y/img-alt",
                    range.clone(),
                    "图片没有替代文字（alt），读屏软件无法说明图片内容",
                    "请给 <img> 加上 alt=\"一句说明图片内容的话\"；纯装饰的图片写 alt=\"\"。",
                )),
                Some(a) if !a.is_empty() && looks_like_file_name(&a, &src) => r.warnings.push(a11y_warning(
                    "a11y/img-alt-filename",
                    range.clone(),
                    "图片的替代文字是文件名，读屏软件读出来没有意义",
                    "请把 alt 改成一句说明图片内容的话。",
                )),
                Some(_) => {}
            }
        }
        for a in &tag.attrs {
            let name = a.name.to_ascii_lowercase();
            if name != "href" && name != "src" && name != "srcset" {
                continue;
            }
            let value = a.value();
            let mut out = String::new();
            let mut changed = false;
            let urls: Vec<&str> = if name == "srcset" {
                value.split(',').collect()
            } else {
                vec![&value]
            };
            for (i, part) in urls.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let trimmed = part.trim_start();
                let url = if name == "srcset" {
                    trimmed.split_whitespace().next().unwrap_or("")
                } else {
                    trimmed.trim_end()
                };
                let local = url.starts_with("@/") || (url.starts_with('/') && !url.starts_with("//"));
                if local {
                    changed = true;
                    out.push_str(&part[..part.len() - trimmed.len()]);
                    out.push_str(&link_href(body, range, url, r));
                    out.push_str(&escape(&trimmed[url.len()..]));
                } else {
                    out.push_str(&escape(part));
                }
            }
            if changed {
                edits.push((a.range.clone(), out));
            }
        }
    }
    if edits.is_empty() {
        return None;
    }
    let mut html = html.to_string();
    for (range, text) in edits.into_iter().rev() {
        html.replace_range(range, &text);
    }
    Some(html)
}

/// Like [`render`], with the body's shortcodes cut out first (see [`shortcode`]): the HTML
/// holds placeholders, the summary none, and ranges point into `body`. A block shortcode's
/// body is rendered here too, its links and warnings joining the page's, so an `@/` link
/// inside a `{% notice() %}` is checked and resolved like any other.
pub fn render_with_shortcodes(body: &str) -> Result<Rendered, shortcode::SyntaxError> {
    let mut cut = shortcode::cut(body)?;
    if cut.calls.is_empty() && cut.edits.is_empty() {
        return Ok(render(body));
    }
    for call in &cut.calls {
        refuse_nested(call)?;
    }
    let mut r = render(&cut.text);
    for l in &mut r.links {
        l.range = cut.original(l.range.start)..cut.original(l.range.end);
    }
    for w in &mut r.warnings {
        w.range = cut.original(w.range.start)..cut.original(w.range.end);
    }
    if r.summary_html.contains("<pufa-sc ") {
        let s = shortcode::fill_placeholders(&r.summary_html, false, |_| String::new());
        r.summary_html = std::sync::Arc::from(s);
    }
    for call in &mut cut.calls {
        render_block_body(call, &mut r);
    }
    r.shortcodes = cut.calls;
    Ok(r)
}

/// A shortcode inside a block shortcode's body would be published as its source text: an
/// error at the inner call instead.
fn refuse_nested(call: &shortcode::Call) -> Result<(), shortcode::SyntaxError> {
    let Some(text) = &call.body else { return Ok(()) };
    let inner = shortcode::cut(text).map_err(|mut e| {
        e.offset += call.body_at;
        e
    })?;
    match inner.calls.first() {
        None => Ok(()),
        Some(c) => Err(shortcode::SyntaxError {
            offset: call.body_at + c.range.start,
            len: c.range.len(),
            message: format!(
                "`{}` 的内容里不能再用 shortcode（`{}`）：请把它移到 {{% end %}} 之后",
                call.name, c.name
            ),
        }),
    }
}

/// Renders a block call's body into `call.body_html`, appending its links (renumbered),
/// anchors and warnings to the page's `r`.
fn render_block_body(call: &mut shortcode::Call, r: &mut Rendered) {
    let Some(text) = &call.body else { return };
    let sub = render(text);
    let base = r.links.len();
    let html = match resolve_links(&sub.html, |i| format!("{PLACEHOLDER}{}{PLACEHOLDER}", i + base)) {
        Some(h) => h,
        None => sub.html.to_string(),
    };
    let shift = |range: &Range<usize>| range.start + call.body_at..range.end + call.body_at;
    r.links.extend(sub.links.into_iter().map(|mut l| {
        l.range = shift(&l.range);
        l
    }));
    r.warnings.extend(sub.warnings.into_iter().map(|mut w| {
        w.range = shift(&w.range);
        w
    }));
    r.anchors.extend(sub.anchors);
    r.word_count += sub.word_count;
    call.body_html = Some(html);
}

pub fn render(body: &str) -> Rendered {
    let cleaned;
    let body = if body.contains([PLACEHOLDER, cjk::STRONG_OPEN, cjk::STRONG_CLOSE]) {
        cleaned = body.replace([PLACEHOLDER, cjk::STRONG_OPEN, cjk::STRONG_CLOSE], "");
        cleaned.as_str()
    } else {
        body
    };
    let marked = cjk::mark_strong(body);
    let parse_src = marked.as_deref().unwrap_or(body);
    let mut events: Vec<Ev> = Parser::new_ext(parse_src, options()).into_offset_iter().collect();
    cjk::expand_markers(&mut events);
    let mut r = Rendered::default();

    cjk::join_soft_breaks(&mut events);
    for range in cjk::fix_emphasis(&mut events, body) {
        r.warnings.push(MdWarning {
            code: "markdown",
            range,
            message: "这里的 `**` 没有变成粗体".into(),
            hint: "粗体里有链接等其他格式时无法识别。可以在 `**` 外侧加一个空格，或去掉粗体里的其他格式。".into(),
        });
    }

    // Pass 1: footnote ids first (they are fixed by label), then headings avoid them.
    let mut ids = IdAllocator::default();
    let mut footnote_order: Vec<String> = Vec::new();
    for (e, _) in &events {
        if let Event::FootnoteReference(label) = e
            && !footnote_order.iter().any(|l| l == label.as_ref())
        {
            footnote_order.push(label.to_string());
        }
    }
    let fn_id = |label: &str| format!("fn-{}", slug_or_hash(label));
    let fnref_id = |label: &str| format!("fnref-{}", slug_or_hash(label));
    for label in &footnote_order {
        ids.reserve(&fn_id(label));
        ids.reserve(&fnref_id(label));
    }
    let first_h1 = events.iter().find(|(e, _)| {
        matches!(
            e,
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            })
        )
    });
    let demote = first_h1.is_some();
    if let Some((_, range)) = first_h1 {
        r.warnings.push(MdWarning {
            code: "markdown",
            range: range.clone(),
            message: "正文里用了一级标题 `#`，已按二级标题显示".into(),
            hint: "页面标题由 front matter 的 title 生成；正文的大标题请从 `##` 开始。".into(),
        });
    }

    // Pass 2: rewrite events.
    let mut out: Vec<Event> = Vec::with_capacity(events.len() + 16);
    let mut flat_toc: Vec<(u8, String, String)> = Vec::new();
    let mut footnote_defs: Vec<(String, Vec<Event>)> = Vec::new();
    let mut in_footnote: Option<(String, Vec<Event>)> = None;
    let mut fnref_count: std::collections::HashMap<String, usize> = Default::default();
    let mut summary_end: Option<usize> = None; // index in `out` where the summary ends
    let mut first_para: Option<(usize, usize)> = None;
    let mut depth = 0usize; // block nesting, to find the first top-level paragraph
    let mut text_chars = 0usize;
    let mut heading: Option<OpenHeading> = None;
    let mut a11y = A11y::default();
    let mut it = events.into_iter();
    while let Some((ev, range)) = it.next() {
        let in_fn = in_footnote.is_some();
        let target: &mut Vec<Event> = match &mut in_footnote {
            Some((_, v)) => v,
            None => &mut out,
        };
        match ev {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let lvl = if demote { demote_level(level) } else { level };
                heading = Some(OpenHeading {
                    index: target.len(),
                    title: String::new(),
                    custom_id: id.map(|c| c.to_string()),
                    range: range.clone(),
                });
                target.push(Event::Start(Tag::Heading {
                    level: lvl,
                    id: None,
                    classes,
                    attrs,
                }));
            }
            Event::End(TagEnd::Heading(level)) => {
                let lvl = if demote { demote_level(level) } else { level };
                if let Some(h) = heading.take() {
                    let id = match h.custom_id {
                        Some(custom) if ids.reserve(&custom) => custom,
                        Some(custom) => {
                            r.warnings.push(MdWarning {
                                code: "markdown",
                                range: h.range.clone(),
                                message: format!("标题 id `{custom}` 在本页重复"),
                                hint: "同一页里每个标题的 id 必须不同。".into(),
                            });
                            ids.unique(&custom)
                        }
                        None => ids.unique(&slugify(&h.title)),
                    };
                    if let Event::Start(Tag::Heading { id: slot, .. }) = &mut target[h.index] {
                        *slot = Some(CowStr::from(id.clone()));
                    }
                    let title = h.title.trim().to_string();
                    flat_toc.push((level_num(lvl), id, title));
                }
                target.push(Event::End(TagEnd::Heading(lvl)));
            }
            Event::Start(Tag::Link { dest_url, title, .. }) => {
                a11y.link = Some((range.clone(), false));
                let href = link_href(body, &range, &dest_url, &mut r);
                let mut tag = format!("<a href=\"{href}\"");
                if !title.is_empty() {
                    let _ = write!(tag, " title=\"{}\"", escape(&title));
                }
                tag.push('>');
                target.push(Event::InlineHtml(CowStr::from(tag)));
            }
            Event::End(TagEnd::Link) => {
                if let Some((at, false)) = a11y.link.take() {
                    r.warnings.push(a11y_warning(
                        "a11y/link-text",
                        at,
                        "链接没有文字，读屏软件只能读出网址",
                        "请在 [ ] 里写上链接去向，如 [2024年度报告](@/reports/2024.md)。",
                    ));
                }
                target.push(Event::InlineHtml(CowStr::from("</a>")));
            }
            Event::Start(Tag::Image { dest_url, title, .. }) => {
                // Render images ourselves: the alt text is the image's inner text.
                let href = link_href(body, &range, &dest_url, &mut r);
                if is_site_file(&dest_url) {
                    r.images.push(InternalLink {
                        target: dest_url.split(['?', '#']).next().unwrap_or("").to_string(),
                        anchor: None,
                        range: find_dest(body, &range, &dest_url),
                    });
                }
                let mut alt = String::new();
                let mut nesting = 0;
                for (e, _) in it.by_ref() {
                    match &e {
                        Event::Start(Tag::Image { .. }) => nesting += 1,
                        Event::End(TagEnd::Image) if nesting == 0 => break,
                        Event::End(TagEnd::Image) => nesting -= 1,
                        Event::Text(t) | Event::Code(t) => alt.push_str(t),
                        _ => {}
                    }
                }
                a11y.image(&range, &alt, &dest_url, &mut r);
                let mut tag = format!("<img src=\"{href}\" alt=\"{}\"", escape(&alt));
                if !title.is_empty() {
                    let _ = write!(tag, " title=\"{}\"", escape(&title));
                }
                tag.push('>');
                target.push(Event::InlineHtml(CowStr::from(tag)));
            }
            Event::FootnoteReference(label) => {
                let n = footnote_order
                    .iter()
                    .position(|l| l == label.as_ref())
                    .map_or(0, |p| p + 1);
                let count = fnref_count.entry(label.to_string()).or_insert(0);
                *count += 1;
                let ref_id = if *count == 1 {
                    fnref_id(&label)
                } else {
                    ids.unique(&format!("{}-{}", fnref_id(&label), count))
                };
                target.push(Event::InlineHtml(CowStr::from(format!(
                    "<sup class=\"footnote-ref\"><a id=\"{}\" href=\"#{}\" role=\"doc-noteref\" aria-label=\"注释 {n}\">[{n}]</a></sup>",
                    escape(&ref_id),
                    escape(&fn_id(&label))
                ))));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                in_footnote = Some((label.to_string(), Vec::new()));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                if let Some(def) = in_footnote.take() {
                    footnote_defs.push(def);
                }
            }
            Event::Start(Tag::Table(align)) => {
                r.has_tables = true;
                a11y.table = Some(range.clone());
                // A preceding paragraph "表1 ……" becomes the caption.
                let caption = take_caption(target);
                if !in_fn {
                    let len = target.len();
                    if first_para.is_some_and(|(s, _)| s >= len) {
                        first_para = None;
                    }
                    summary_end = summary_end.map(|e| e.min(len));
                }
                let label = caption.clone().unwrap_or_else(|| "表格".to_string());
                target.push(Event::Html(CowStr::from(format!(
                    "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"{}\">\n",
                    escape(&label)
                ))));
                target.push(Event::Start(Tag::Table(align)));
                if let Some(c) = caption {
                    target.push(Event::Html(CowStr::from(format!(
                        "<caption>{}</caption>\n",
                        escape(&c)
                    ))));
                }
                depth += 1;
            }
            Event::End(TagEnd::Table) => {
                target.push(Event::End(TagEnd::Table));
                target.push(Event::Html(CowStr::from("</div>\n")));
                depth = depth.saturating_sub(1);
            }
            Event::Html(h) | Event::InlineHtml(h) if h.trim() == "<!-- more -->" => {
                if summary_end.is_none() && !in_fn {
                    summary_end = Some(target.len());
                }
            }
            Event::Start(Tag::Paragraph) => {
                if depth == 0 && first_para.is_none() && !in_fn {
                    first_para = Some((target.len(), 0));
                }
                depth += 1;
                target.push(Event::Start(Tag::Paragraph));
            }
            Event::End(TagEnd::Paragraph) => {
                depth = depth.saturating_sub(1);
                target.push(Event::End(TagEnd::Paragraph));
                if let Some((s, 0)) = first_para
                    && depth == 0
                    && !in_fn
                {
                    first_para = Some((s, target.len()));
                }
            }
            Event::Start(Tag::TableHead) => {
                depth += 1;
                a11y.head_text = Some(false);
                target.push(Event::Start(Tag::TableHead));
            }
            Event::End(TagEnd::TableHead) => {
                depth = depth.saturating_sub(1);
                if let (Some(false), Some(at)) = (a11y.head_text.take(), a11y.table.clone()) {
                    r.warnings.push(a11y_warning(
                        "a11y/table-header",
                        at,
                        "表格的表头是空的，读屏软件无法说明每一列是什么",
                        "请在表格第一行写上每一列的名称（如“指标 | 数值”）。",
                    ));
                }
                target.push(Event::End(TagEnd::TableHead));
            }
            Event::Html(h) if h.contains('<') => {
                let html = raw_html(body, &range, &h, &mut r, &mut a11y);
                target.push(Event::Html(html.map_or(h, CowStr::from)));
            }
            Event::InlineHtml(h) if h.contains('<') => {
                let html = raw_html(body, &range, &h, &mut r, &mut a11y);
                target.push(Event::InlineHtml(html.map_or(h, CowStr::from)));
            }
            Event::Start(t) => {
                depth += 1;
                target.push(Event::Start(t));
            }
            Event::End(t) => {
                depth = depth.saturating_sub(1);
                target.push(Event::End(t));
            }
            Event::Text(t) => {
                a11y.text(&t);
                text_chars += count_words(&t);
                if let Some(h) = &mut heading {
                    h.title.push_str(&t);
                }
                target.push(Event::Text(t));
            }
            Event::Code(t) => {
                a11y.text(&t);
                text_chars += count_words(&t);
                if let Some(h) = &mut heading {
                    h.title.push_str(&t);
                }
                target.push(Event::Code(t));
            }
            other => target.push(other),
        }
    }

    let mut html = String::with_capacity(body.len() + body.len() / 4);
    pulldown_cmark::html::push_html(&mut html, out.iter().cloned());
    if !footnote_defs.is_empty() {
        // Referenced notes in reference order, then any never referenced.
        footnote_defs.sort_by_key(|(l, _)| footnote_order.iter().position(|o| o == l).unwrap_or(usize::MAX));
        html.push_str("<section class=\"footnotes\" role=\"doc-endnotes\" aria-label=\"注释\">\n<ol>\n");
        for (label, evs) in footnote_defs {
            let _ = write!(html, "<li id=\"{}\">", escape(&fn_id(&label)));
            let mut inner = String::new();
            pulldown_cmark::html::push_html(&mut inner, evs.into_iter());
            let back = if footnote_order.contains(&label) {
                format!(
                    " <a href=\"#{}\" role=\"doc-backlink\" aria-label=\"返回正文\">↩</a>",
                    escape(&fnref_id(&label))
                )
            } else {
                String::new()
            };
            // Put the back link inside the last paragraph when there is one.
            match inner.rfind("</p>") {
                Some(p) if !back.is_empty() => {
                    inner.insert_str(p, &back);
                }
                _ => inner.push_str(&back),
            }
            html.push_str(inner.trim_end());
            html.push_str("</li>\n");
        }
        html.push_str("</ol>\n</section>\n");
    }

    r.html = std::sync::Arc::from(html);
    let summary_events: &[Event] = match (summary_end, first_para) {
        (Some(end), _) => &out[..end.min(out.len())],
        (None, Some((s, e))) if e > s && e <= out.len() => &out[s..e],
        _ => &[],
    };
    let mut summary_html = String::new();
    pulldown_cmark::html::push_html(&mut summary_html, summary_events.iter().cloned());
    r.summary_html = std::sync::Arc::from(summary_html);
    r.summary_text = truncate_chars(&plain_text(summary_events), SUMMARY_TEXT_CHARS);
    r.anchors = ids.used_sorted();
    r.toc = nest_toc(flat_toc);
    r.word_count = text_chars;
    r
}

impl IdAllocator {
    fn used_sorted(&self) -> Vec<String> {
        let mut v: Vec<String> = self.ids().cloned().collect();
        v.sort();
        v
    }
}

fn slug_or_hash(label: &str) -> String {
    let s = slugify(label);
    if s.is_empty() {
        format!("{:x}", crate::util::hash_str(label))
    } else {
        s
    }
}

fn demote_level(l: HeadingLevel) -> HeadingLevel {
    match l {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

fn level_num(l: HeadingLevel) -> u8 {
    l as u8
}

fn looks_like_md_link(dest: &str) -> bool {
    let path = dest.split(['#', '?']).next().unwrap_or("");
    !dest.contains("://") && !dest.starts_with("mailto:") && path.ends_with(".md")
}

/// The byte range of `dest` inside the link's source range (or the whole link).
fn find_dest(body: &str, range: &Range<usize>, dest: &str) -> Range<usize> {
    body.get(range.clone())
        .and_then(|s| s.find(dest))
        .map(|p| range.start + p..range.start + p + dest.len())
        .unwrap_or_else(|| range.clone())
}

/// If the last block in `out` is a paragraph reading like "表1 ……", removes it and returns its text.
fn take_caption(out: &mut Vec<Event>) -> Option<String> {
    if !matches!(out.last(), Some(Event::End(TagEnd::Paragraph))) {
        return None;
    }
    let start = out.iter().rposition(|e| matches!(e, Event::Start(Tag::Paragraph)))?;
    let inner = &out[start + 1..out.len() - 1];
    if !inner.iter().all(|e| matches!(e, Event::Text(_) | Event::SoftBreak)) {
        return None;
    }
    let text = plain_text(inner);
    let t = text.trim();
    let mut chars = t.chars();
    if chars.next() != Some('表') {
        return None;
    }
    let rest: String = chars.collect();
    let rest = rest.trim_start();
    let numbered = rest
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(c));
    if !numbered || t.chars().count() > 60 {
        return None;
    }
    let caption = t.to_string();
    out.truncate(start);
    Some(caption)
}

fn plain_text(events: &[Event]) -> String {
    let mut s = String::new();
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            Event::End(TagEnd::Paragraph) => s.push(' '),
            _ => {}
        }
    }
    s.trim().to_string()
}

/// Counts CJK characters one each and runs of other letters/digits as one word.
pub fn count_words(s: &str) -> usize {
    let mut n = 0;
    let mut in_word = false;
    for c in s.chars() {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                if !in_word {
                    n += 1;
                }
                in_word = true;
            } else {
                in_word = false;
            }
        } else if cjk::is_wide(c) {
            if !cjk::is_cjk_punct(c) {
                n += 1;
            }
            in_word = false;
        } else if c.is_alphanumeric() {
            if !in_word {
                n += 1;
            }
            in_word = true;
        } else {
            in_word = false;
        }
    }
    n
}

fn nest_toc(flat: Vec<(u8, String, String)>) -> Vec<TocEntry> {
    fn insert(list: &mut Vec<TocEntry>, e: TocEntry) {
        if let Some(last) = list.last_mut()
            && e.level > last.level
        {
            insert(&mut last.children, e);
            return;
        }
        list.push(e);
    }
    fn shrink(list: &mut Vec<TocEntry>) {
        list.shrink_to_fit();
        list.iter_mut().for_each(|e| shrink(&mut e.children));
    }
    let mut out = Vec::new();
    for (level, id, title) in flat {
        if level > 4 {
            continue;
        }
        insert(
            &mut out,
            TocEntry {
                level,
                id,
                title,
                children: Vec::new(),
            },
        );
    }
    // Kept for every page until it renders: no spare capacity.
    shrink(&mut out);
    out
}

/// Replaces link placeholders using `resolve(index) -> href`; `None` when there are none.
pub fn resolve_links(html: &str, mut resolve: impl FnMut(usize) -> String) -> Option<String> {
    if !html.contains(PLACEHOLDER) {
        return None;
    }
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(p) = rest.find(PLACEHOLDER) {
        out.push_str(&rest[..p]);
        let after = &rest[p + PLACEHOLDER.len_utf8()..];
        match after.find(PLACEHOLDER) {
            Some(q) => {
                let idx: usize = after[..q].parse().unwrap_or(usize::MAX);
                out.push_str(&escape(&resolve(idx)));
                rest = &after[q + PLACEHOLDER.len_utf8()..];
            }
            None => {
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_get_chinese_ids_and_a_toc() {
        let r = render("## 一、主要做法及成效\n\n### (一)坚守政治定位\n\n## 二、存在问题\n\n## 二、存在问题\n");
        assert!(r.html.contains("<h2 id=\"一主要做法及成效\">"), "{}", r.html);
        assert!(r.html.contains("<h3 id=\"一坚守政治定位\">"));
        assert!(r.html.contains("id=\"二存在问题-1\""), "{}", r.html);
        assert_eq!(r.toc.len(), 3);
        assert_eq!(r.toc[0].children[0].title, "(一)坚守政治定位");
    }

    #[test]
    fn footnote_ids_never_clash_with_heading_ids() {
        let r = render("## fn 1\n\n正文[^1]。\n\n[^1]: 注释内容。\n");
        assert!(r.html.contains("id=\"fn-1\""), "{}", r.html);
        assert!(r.html.contains("<h2 id=\"fn-1-1\">"), "{}", r.html);
        assert!(r.html.contains("href=\"#fnref-1\""));
        let ids: std::collections::HashSet<_> = r.anchors.iter().collect();
        assert_eq!(ids.len(), r.anchors.len());
    }

    #[test]
    fn internal_links_become_placeholders_then_urls() {
        let body = "见[2024年报告](@/reports/2024.md#一主要做法及成效)。";
        let r = render(body);
        assert_eq!(r.links.len(), 1);
        assert_eq!(r.links[0].target, "reports/2024.md");
        assert_eq!(r.links[0].anchor.as_deref(), Some("一主要做法及成效"));
        assert_eq!(&body[r.links[0].range.clone()], "@/reports/2024.md#一主要做法及成效");
        let html = resolve_links(&r.html, |_| "/hlz/reports/2024/#一主要做法及成效".into()).unwrap();
        assert!(
            html.contains("<a href=\"/hlz/reports/2024/#一主要做法及成效\">2024年报告</a>"),
            "{html}"
        );
    }

    #[test]
    fn summary_is_first_paragraph_or_more_marker() {
        assert_eq!(render("第一段。\n\n第二段。").summary_text, "第一段。");
        let r = render("甲。\n\n乙。\n\n<!-- more -->\n\n丙。");
        assert!(r.summary_html.contains("乙"), "{}", r.summary_html);
        assert!(!r.summary_html.contains("丙"));
    }

    #[test]
    fn tables_scroll_in_a_labelled_region_with_caption() {
        let r = render("表1 2024年主要指标\n\n| 指标 | 数值 |\n| --- | ---: |\n| 化解率 | 93.19% |\n");
        assert!(
            r.html.contains(
                "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"表1 2024年主要指标\">"
            ),
            "{}",
            r.html
        );
        assert!(r.html.contains("<caption>表1 2024年主要指标</caption>"));
        assert!(!r.html.contains("<p>表1"));
    }

    #[test]
    fn body_h1_is_demoted_with_a_warning() {
        let r = render("# 大标题\n\n正文");
        assert!(r.html.contains("<h2"));
        assert_eq!(r.warnings.len(), 1);
    }

    #[test]
    fn raw_html_site_paths_become_links_like_markdown_ones() {
        let body = "<a href=\"/metrics/\">指标</a> <img src=\"/img/a.png\" alt=\"横栏镇综治中心\">\n";
        let r = render(body);
        assert_eq!(r.links.len(), 2, "{:?}", r.links);
        assert_eq!(r.links[0].target, "/metrics/");
        assert_eq!(&body[r.links[1].range.clone()], "/img/a.png");
        let html = resolve_links(&r.html, |i| ["/hlz/metrics/", "/hlz/img/a.png"][i].into()).unwrap();
        assert!(
            html.contains("<a href=\"/hlz/metrics/\">") && html.contains("src=\"/hlz/img/a.png\""),
            "{html}"
        );
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
        let ext = render("<a href=\"https://www.gov.cn/\">中国政府网</a>\n");
        assert!(ext.links.is_empty() && ext.html.contains("https://www.gov.cn/"));
    }

    #[test]
    fn accessibility_warnings_name_their_code() {
        let codes = |b: &str| render(b).warnings.iter().map(|w| w.code).collect::<Vec<_>>();
        assert_eq!(codes("![](a.jpg)\n"), vec!["a11y/img-alt"]);
        assert_eq!(codes("![IMG_0012.JPG](IMG_0012.JPG)\n"), vec!["a11y/img-alt-filename"]);
        assert_eq!(codes("[](https://www.gov.cn/)\n"), vec!["a11y/link-text"]);
        assert_eq!(codes("| | |\n|---|---|\n| 1 | 2 |\n"), vec!["a11y/table-header"]);
        assert_eq!(
            codes("<table>\n<tr><td>1</td></tr>\n</table>\n"),
            vec!["a11y/table-header"]
        );
        assert_eq!(codes("<img src=\"a.png\">\n"), vec!["a11y/img-alt"]);
        assert!(codes("[![横栏镇](a.png)](/x/)\n\n| 指标 | 数值 |\n|---|---|\n| 1 | 2 |\n").is_empty());
    }

    #[test]
    fn counts_chinese_characters() {
        assert_eq!(count_words("横栏镇，2024年 rule of law"), 8);
    }
}
