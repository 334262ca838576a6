//! Shortcode expansion: each placeholder `markdown::shortcode` left in a body becomes the
//! output of its template, `templates/shortcodes/NAME.html` (the site's override the
//! theme's; the default theme ships `figure`, `notice`, `video`, `attachment`, `data_table`).
//!
//! A template may declare its arguments on its first line, `{#- args: src, alt, caption? -#}`
//! (`?` marks an optional one); a call with an unknown or a missing argument is then an error
//! at the call's file:line:col, as is a call of a shortcode no template defines. Arguments
//! naming files (`src`, `file`, `path`, `poster`, `captions`) are looked up: relative to the
//! page (its bundle), `/…` in `static/` or content/, `@/…` in content/; a missing file is an
//! error, a found one gives the template `ARG_url`, and for `file` also `file_type` (PDF,
//! Word 文档 …), `file_size` (`1.2 MB`) and `file_path` (for `load_data`). The template and
//! every file are recorded as inputs, so serve and the build cache re-render on their change.

use std::borrow::Cow;
use std::path::PathBuf;

use tera::{Context, Value};

use super::{Input, RenderData, Renderer, record};
use crate::content::{Page, Section};
use crate::diagnostics::Diagnostic;
use crate::markdown::shortcode::{Arg, Call, fill_placeholders};

/// Argument names whose values are files.
const FILE_ARGS: &[&str] = &["src", "file", "path", "poster", "captions"];

/// The content file whose body holds the calls: a page or a section's `_index.md`.
pub struct Host<'a> {
    /// The file, as messages show it.
    pub shown: &'a str,
    /// The file relative to content/ (its folder is where relative file names are found).
    pub rel: &'a str,
    /// Its output path (`cases/x/`).
    pub path: &'a str,
    /// A page bundle's files (none for a section).
    pub assets: &'a [crate::content::Asset],
    pub calls: &'a [Call],
    links: Option<&'a crate::content::Resolved>,
    /// What the shortcode templates see of it.
    value: HostValue<'a>,
}

/// The `page` or `section` a shortcode template sees; a page's summary is read only when a
/// call is rendered (most pages have none, and reading it records an input).
enum HostValue<'a> {
    Page(&'a str),
    Section(Value),
}

impl<'a> Host<'a> {
    pub fn page(d: &'a RenderData, p: &'a Page) -> Host<'a> {
        Host {
            shown: &p.shown,
            rel: &p.rel,
            path: &p.path,
            assets: &p.assets,
            calls: &p.body.shortcodes,
            links: d.site.resolved.get(&p.rel),
            value: HostValue::Page(&p.rel),
        }
    }

    pub fn section(d: &'a RenderData, s: &'a Section, value: Value) -> Host<'a> {
        Host {
            shown: &s.shown,
            rel: &s.rel,
            path: &s.path,
            assets: &[],
            calls: &s.body.shortcodes,
            links: d.site.resolved_sections.get(&s.key),
            value: HostValue::Section(value),
        }
    }
}

/// `html` (a page's or section's body) with every shortcode placeholder replaced by its
/// output.
pub fn expand<'a>(r: &Renderer, d: &RenderData, host: &Host, html: &'a str) -> Result<Cow<'a, str>, Diagnostic> {
    if host.calls.is_empty() || !html.contains("<pufa-sc ") {
        return Ok(Cow::Borrowed(html));
    }
    let mut nth: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut rendered = Vec::with_capacity(host.calls.len());
    for call in host.calls {
        let n = nth.entry(call.name.as_str()).or_default();
        *n += 1;
        rendered.push(render_call(r, d, host, call, *n)?);
    }
    let out = fill_placeholders(html, true, |i| {
        rendered.get_mut(i).map(std::mem::take).unwrap_or_default()
    });
    Ok(Cow::Owned(out))
}

/// A diagnostic at the call's place in the host's file.
fn at(host: &Host, call: &Call, code: &'static str, message: String) -> Diagnostic {
    let mut d = Diagnostic::new(code, message).in_file(host.shown);
    d.line = call.line;
    d.col = call.col;
    d.span_chars = call.name.chars().count() + 3;
    d.with_source(&call.source_line, call.source_skip)
}

fn render_call(r: &Renderer, d: &RenderData, p: &Host, call: &Call, nth: usize) -> Result<String, Diagnostic> {
    let name = format!("shortcodes/{}.html", call.name);
    let Some(source) = r.templates.sources.get(&name) else {
        let known: Vec<String> = r
            .templates
            .sources
            .keys()
            .filter_map(|k| k.strip_prefix("shortcodes/")?.strip_suffix(".html").map(str::to_string))
            .collect();
        // Recorded so that adding the template later renders the page again.
        record(Input::Template(name.clone()));
        return Err(at(
            p,
            call,
            "shortcode/unknown",
            format!("没有名为 `{}` 的 shortcode", call.name),
        )
        .with_hint(format!(
            "可用的 shortcode：{}。自己的 shortcode 放在站点的 templates/shortcodes/{}.html。",
            known.join("、"),
            call.name
        )));
    };
    let declared = check_args(p, call, source.text.as_str())?;
    let mut ctx = Context::new();
    // Optional arguments not given are there, as none: `{% if caption %}` just works.
    for (n, _) in declared.iter().flatten() {
        ctx.insert_value(n.clone(), Value::none());
    }
    ctx.insert_value("config", d.values.config.clone());
    match &p.value {
        HostValue::Page(rel) => ctx.insert_value("page", d.summary(rel)),
        HostValue::Section(v) => ctx.insert_value("section", v.clone()),
    }
    ctx.insert("nth", &nth);
    for (k, v) in &call.args {
        ctx.insert_value(k.clone(), arg_value(v));
        if let (true, Arg::Str(s)) = (FILE_ARGS.contains(&k.as_str()), v) {
            let file = resolve_near(&d.site, p.rel, p.path, p.assets, s).ok_or_else(|| missing_file(p, call, k, s))?;
            ctx.insert(format!("{k}_url"), &file.url);
            if k == "file" {
                ctx.insert("file_type", &file_type(s));
                ctx.insert("file_size", &file.size.map(size_text).unwrap_or_default());
                ctx.insert("file_path", &file.site_path);
            }
        }
    }
    if let Some(body) = &call.body {
        ctx.insert("body", body);
    }
    if let Some(html) = &call.body_html {
        let html = match p.links {
            Some(links) => links.fill(html),
            None => Cow::Borrowed(html.as_str()),
        };
        ctx.insert_value("body_html", Value::safe_string(&html));
    }
    let bytes = r.render_template(&name, &ctx).map_err(|mut e| {
        e.hint = Some(format!(
            "{}:{}:{} 的 shortcode `{}` 调用了这个模板。",
            p.shown, call.line, call.col, call.name
        ));
        e
    })?;
    Ok(String::from_utf8_lossy(&bytes).trim_end().to_string())
}

/// The arguments a template declares on its first line (`{#- args: a, b? -#}`): (name,
/// required); `None` when it declares none.
pub fn declared_args(template: &str) -> Option<Vec<(String, bool)>> {
    let first = template.trim_start();
    let comment = first.strip_prefix("{#")?;
    let end = comment.find("#}")?;
    let inner = comment[..end].trim_matches(|c: char| c == '-' || c.is_whitespace());
    let list = inner.strip_prefix("args:")?;
    Some(
        list.split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(|a| match a.strip_suffix('?') {
                Some(n) => (n.trim().to_string(), false),
                None => (a.to_string(), true),
            })
            .collect(),
    )
}

/// Checks the call's arguments against what the template declares; returns the declaration.
fn check_args(p: &Host, call: &Call, template: &str) -> Result<Option<Vec<(String, bool)>>, Diagnostic> {
    let Some(declared) = declared_args(template) else {
        return Ok(None);
    };
    let names: Vec<String> = declared
        .iter()
        .map(|(n, req)| if *req { n.clone() } else { format!("{n}（可选）") })
        .collect();
    let hint = format!("`{}` 的参数有：{}。", call.name, names.join("、"));
    for (k, _) in &call.args {
        if !declared.iter().any(|(n, _)| n == k) {
            return Err(at(
                p,
                call,
                "shortcode/argument",
                format!("shortcode `{}` 没有参数 `{k}`", call.name),
            )
            .with_hint(hint));
        }
    }
    if let Some((missing, _)) = declared
        .iter()
        .find(|(n, req)| *req && !call.args.iter().any(|(k, _)| k == n))
    {
        return Err(at(
            p,
            call,
            "shortcode/argument",
            format!("shortcode `{}` 缺少参数 `{missing}`", call.name),
        )
        .with_hint(hint));
    }
    Ok(Some(declared))
}

fn arg_value(v: &Arg) -> Value {
    match v {
        Arg::Str(s) => Value::from(s.as_str()),
        Arg::Int(i) => Value::from(*i),
        Arg::Float(f) => Value::from(*f),
        Arg::Bool(b) => Value::from(*b),
    }
}

fn missing_file(p: &Host, call: &Call, arg: &str, value: &str) -> Diagnostic {
    at(
        p,
        call,
        "shortcode/file",
        format!("shortcode `{}` 的 {arg}=\"{value}\" 找不到这个文件", call.name),
    )
    .with_hint("相对路径从本页所在的文件夹（页面包）找；以 / 开头的从 static/ 或 content/ 找；检查文件名和大小写。")
}

/// A file a page refers to, found.
#[derive(Debug, Clone)]
pub struct FoundFile {
    /// Its URL in the built site (as written for `http(s)://`).
    pub url: String,
    /// Its path on disk (none for external URLs).
    pub disk: Option<PathBuf>,
    /// Its path relative to the site folder (`content/cases/x/a.pdf`, `static/a.csv`).
    pub site_path: String,
    pub size: Option<u64>,
}

/// Looks up `value` as a page refers to it (see the module docs) and records it as an input.
pub fn resolve_file(site: &crate::content::Site, p: &Page, value: &str) -> Option<FoundFile> {
    resolve_near(site, &p.rel, &p.path, &p.assets, value)
}

/// Looks up `value` as the content file `rel` (output path `path`, bundle files `assets`)
/// refers to it, and records it as an input.
fn resolve_near(
    site: &crate::content::Site,
    rel: &str,
    path: &str,
    assets: &[crate::content::Asset],
    value: &str,
) -> Option<FoundFile> {
    let config = &site.config;
    if value.starts_with("http://") || value.starts_with("https://") {
        return Some(FoundFile {
            url: value.to_string(),
            disk: None,
            site_path: String::new(),
            size: None,
        });
    }
    let named = value
        .strip_prefix("@/")
        .or_else(|| value.strip_prefix('/'))
        .unwrap_or(value);
    if !crate::util::stays_inside(named) {
        return None; // `..` or an absolute path: never a file outside the site
    }
    let (out, candidates): (String, Vec<PathBuf>) = if let Some(rest) = value.strip_prefix("@/") {
        (rest.to_string(), vec![config.content_dir().join(rest)])
    } else if let Some(rest) = value.strip_prefix('/') {
        (
            rest.to_string(),
            vec![config.root.join("static").join(rest), config.content_dir().join(rest)],
        )
    } else {
        let out = format!("{path}{value}");
        let own = assets.iter().find(|a| a.out == out).map(|a| a.src.clone());
        let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
        let beside = config.content_dir().join(dir).join(value);
        let rel_out = if dir.is_empty() {
            value.to_string()
        } else {
            format!("{dir}/{value}")
        };
        match own {
            Some(src) => (out, vec![src]),
            None => (rel_out, vec![beside]),
        }
    };
    let (disk, size) = candidates.into_iter().find_map(|c| {
        let meta = std::fs::metadata(&c).ok().filter(|m| m.is_file())?;
        Some((c, meta.len()))
    })?;
    let site_path = crate::diagnostics::display_path(&disk, &config.root);
    record(Input::File(site_path.clone()));
    Some(FoundFile {
        url: config.url(&out),
        disk: Some(disk),
        site_path,
        size: Some(size),
    })
}

/// A file's type in words, from its extension: PDF, Word 文档, Excel 表格 …
pub fn file_type(name: &str) -> String {
    let ext = std::path::Path::new(name)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => "PDF".into(),
        "doc" | "docx" | "wps" => "Word 文档".into(),
        "xls" | "xlsx" | "et" => "Excel 表格".into(),
        "ppt" | "pptx" | "dps" => "PPT 演示文稿".into(),
        "ofd" => "OFD 版式文件".into(),
        "zip" | "rar" | "7z" => "压缩包".into(),
        "jpg" | "jpeg" | "png" | "gif" | "webp" => "图片".into(),
        "mp4" | "webm" => "视频".into(),
        "mp3" | "m4a" | "wav" => "音频".into(),
        "txt" => "文本文件".into(),
        "csv" => "CSV 表格".into(),
        "" => "文件".into(),
        other => other.to_ascii_uppercase(),
    }
}

/// A size in words: `820 KB`, `1.2 MB` (1 KB = 1024 bytes, one decimal from MB on).
pub fn size_text(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if b < KB {
        format!("{bytes} B")
    } else if b < KB * KB {
        format!("{} KB", (b / KB).round().max(1.0))
    } else if b < KB * KB * KB {
        format!("{:.1} MB", b / KB / KB)
    } else {
        format!("{:.1} GB", b / KB / KB / KB)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_arguments_are_read_from_the_first_comment() {
        assert_eq!(
            declared_args("{#- args: src, alt, caption? -#}\n<figure>"),
            Some(vec![
                ("src".into(), true),
                ("alt".into(), true),
                ("caption".into(), false)
            ])
        );
        assert_eq!(declared_args("<figure>"), None);
    }

    #[test]
    fn sizes_and_types_read_like_a_government_site() {
        assert_eq!(size_text(1_258_291), "1.2 MB");
        assert_eq!(size_text(2048), "2 KB");
        assert_eq!(size_text(10), "10 B");
        assert_eq!(file_type("报告.PDF"), "PDF");
        assert_eq!(file_type("a.docx"), "Word 文档");
        assert_eq!(file_type("a.xlsx"), "Excel 表格");
    }
}
