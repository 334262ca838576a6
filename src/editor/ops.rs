//! What the editor does to a site: open a page for the form, check an edit with the loader's
//! own parser (and its links against the last good site), save it atomically unless the file
//! changed since it was opened, start a new page, move, delete, upload, and run the importer.
//! Every write goes through [`super::files`]; nothing here knows about HTTP.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::files::{self, content_path, version, version_on_disk, write_atomic};
use super::front::{self, Values};
use super::links::{self, Move, Reference};
use super::{Editor, FieldError};
use crate::config::{Config, Kind};
use crate::content::Site;
use crate::content::loader::nearest_section;
use crate::content::page::{page_dir_and_stem, sanitize_slug};
use crate::diagnostics::{Diagnostic, Error};

/// A page as the form opens it.
#[derive(Debug, Clone, Serialize)]
pub struct Opened {
    pub rel: String,
    pub kind: Kind,
    pub kind_label: &'static str,
    pub section: String,
    pub values: Values,
    pub unknown: Values,
    pub body: String,
    /// The version the form started from; `None` for a page not written yet.
    pub version: Option<String>,
    /// The whole file, when the form cannot show it (a section, or front matter that is not
    /// YAML): the editor then edits the text as it is.
    pub raw: Option<String>,
    pub errors: Vec<FieldError>,
    /// The page's address in the preview, when it has one.
    pub url: Option<String>,
    /// The files of its bundle (images, attachments).
    pub files: Vec<String>,
}

/// An edit as the browser sends it: form values and body, or the whole text.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Edit {
    pub rel: String,
    #[serde(default)]
    pub values: Values,
    #[serde(default)]
    pub unknown: Values,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub raw: Option<String>,
}

/// What the loader says about an edit, and the preview.
#[derive(Debug, Clone, Serialize)]
pub struct Checked {
    /// The file as it would be written.
    pub text: String,
    pub errors: Vec<FieldError>,
    pub warnings: Vec<FieldError>,
    /// The body's HTML, links resolved as in the built site.
    pub html: String,
    /// The page's address (what relative images are relative to).
    pub base_href: String,
}

/// How a save ended.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Saved {
    Saved {
        rel: String,
        version: String,
        url: String,
    },
    /// The file changed on disk since the form was opened: nothing was written.
    Conflict {
        disk_text: Option<String>,
        disk_version: Option<String>,
        mine: String,
    },
    /// The loader found errors: nothing was written.
    Invalid {
        checked: Box<Checked>,
    },
}

/// A move or deletion that was refused, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Refused {
    pub message: String,
    pub references: Vec<Reference>,
    pub errors: Vec<Diagnostic>,
}

impl Refused {
    fn say(message: impl Into<String>) -> Refused {
        Refused {
            message: message.into(),
            references: Vec::new(),
            errors: Vec::new(),
        }
    }
}

impl From<Diagnostic> for Refused {
    fn from(d: Diagnostic) -> Refused {
        Refused {
            message: d.message.clone(),
            references: Vec::new(),
            errors: vec![d],
        }
    }
}

/// A move that was done.
#[derive(Debug, Clone, Serialize)]
pub struct Moved {
    pub rel: String,
    /// Files whose links were rewritten.
    pub updated: Vec<String>,
}

/// An upload that was stored.
#[derive(Debug, Clone, Serialize)]
pub struct Uploaded {
    /// The page's path now (a page becomes a bundle to hold files).
    pub rel: String,
    pub name: String,
    /// What to put in the body to show or offer it.
    pub markdown: String,
}

/// What the importer found, before anything is written.
#[derive(Debug, Clone, Serialize)]
pub struct ImportPreview {
    /// The importer's report, as `pufa import` prints it.
    pub report: String,
    pub headings: Vec<(u8, String)>,
    /// Figures the importer was not sure about (line, what, context).
    pub doubts: Vec<(usize, String)>,
    pub page: Opened,
}

fn io(path: &Path, e: &std::io::Error, what: &str) -> Diagnostic {
    Diagnostic::new("editor/io", format!("{what}失败：{}：{e}", path.display()))
}

impl Editor {
    pub(crate) fn config(&self) -> Result<Config, Diagnostic> {
        crate::pipeline::load_config(&self.spec).map_err(|e| {
            e.diagnostics
                .into_iter()
                .next()
                .unwrap_or_else(|| Diagnostic::new("editor/config", "config.yaml 读取失败"))
        })
    }

    /// Folders of content/ holding an `_index.md` (walked as a build walks them).
    pub(crate) fn section_dirs(config: &Config) -> BTreeSet<String> {
        let content = config.content_dir();
        crate::walk::site_files(config, &content)
            .0
            .iter()
            .filter(|p| p.file_name().is_some_and(|n| n == "_index.md"))
            .filter_map(|p| Some(crate::diagnostics::display_path(p.parent()?, &content)))
            .filter(|d| !d.is_empty())
            .collect()
    }

    /// The section key and kind of a page at `rel`.
    fn place(config: &Config, rel: &str) -> (String, Kind) {
        let (dir, _) = page_dir_and_stem(rel);
        let section = nearest_section(dir, &Self::section_dirs(config));
        let kind = config.kind_of_section(&section);
        (section, kind)
    }

    /// Opens a content file for the form.
    pub fn open(&self, rel: &str, site: Option<&Site>) -> Result<Opened, Diagnostic> {
        let config = self.config()?;
        let path = content_path(&config.content_dir(), rel)?;
        let bytes = std::fs::read(&path).map_err(|e| io(&path, &e, "读取文件"))?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let (section, kind) = Self::place(&config, rel);
        let shown = format!("content/{rel}");
        let mut opened = Opened {
            rel: rel.to_string(),
            kind,
            kind_label: kind.label(),
            section: section.clone(),
            values: Values::new(),
            unknown: Values::new(),
            body: String::new(),
            version: Some(version(&bytes)),
            raw: None,
            errors: Vec::new(),
            url: None,
            files: bundle_files(&path, rel),
        };
        if rel.ends_with("_index.md") {
            opened.raw = Some(text);
            return Ok(opened);
        }
        match front::read(&text, &shown) {
            Ok(r) => {
                opened.values = r.values;
                opened.unknown = r.unknown;
                opened.body = r.body;
                let checked = self.check_text(&config, rel, &text, site);
                opened.errors = checked.errors;
                opened.url = Some(checked.base_href);
            }
            Err(d) => {
                opened.errors = vec![FieldError::general(d)];
                opened.raw = Some(text);
            }
        }
        Ok(opened)
    }

    /// Checks an edit as `pufa build` would and renders its preview.
    pub fn check(&self, edit: &Edit, site: Option<&Site>) -> Result<Checked, Diagnostic> {
        let config = self.config()?;
        content_path(&config.content_dir(), &edit.rel)?;
        let text = match &edit.raw {
            Some(raw) => raw.replace("\r\n", "\n"),
            None => front::write(&edit.values, &edit.unknown).file(&edit.body),
        };
        Ok(self.check_text(&config, &edit.rel, &text, site))
    }

    fn check_text(&self, config: &Config, rel: &str, text: &str, site: Option<&Site>) -> Checked {
        let shown = format!("content/{rel}");
        let (section, _) = Self::place(config, rel);
        let (dir, stem) = page_dir_and_stem(rel);
        let fallback_path = if dir.is_empty() {
            format!("{stem}/")
        } else {
            format!("{dir}/{stem}/")
        };
        let located = |d: Diagnostic| FieldError::locate(d, text);
        if rel.ends_with("_index.md") {
            let parsed = crate::content::page::parse_section(config, &section, rel, &shown, text);
            let (errors, html) = match parsed {
                Ok(s) => (Vec::new(), s.body.html.to_string()),
                Err(ds) => (ds, String::new()),
            };
            return Checked {
                text: text.to_string(),
                errors: errors.into_iter().map(located).collect(),
                warnings: Vec::new(),
                html: fill_placeholders(&html, &[]),
                base_href: config.url(&if section.is_empty() {
                    String::new()
                } else {
                    format!("{section}/")
                }),
            };
        }
        match crate::content::page::parse_page(config, rel, &shown, text, &section, Vec::new()) {
            Ok(page) => {
                let mut errors = Vec::new();
                let urls: Vec<String> = page
                    .links
                    .iter()
                    .map(|l| match site {
                        Some(s) => match s.resolve_body(&shown, &page.body.summary_html, std::slice::from_ref(l)) {
                            Ok(r) => r.urls.into_iter().next().unwrap_or_default(),
                            Err(ds) => {
                                errors.extend(ds);
                                "#".to_string()
                            }
                        },
                        None => "#".to_string(),
                    })
                    .collect();
                Checked {
                    text: text.to_string(),
                    errors: errors.into_iter().map(located).collect(),
                    warnings: page.warnings.iter().cloned().map(located).collect(),
                    html: fill_placeholders(&page.body.html, &urls),
                    base_href: config.url(&page.path),
                }
            }
            Err(ds) => {
                let body = crate::content::front_matter::split(text, &shown)
                    .map(|s| crate::markdown::render(s.body).html.to_string())
                    .unwrap_or_default();
                Checked {
                    text: text.to_string(),
                    errors: ds.into_iter().map(located).collect(),
                    warnings: Vec::new(),
                    html: fill_placeholders(&body, &[]),
                    base_href: config.url(&fallback_path),
                }
            }
        }
    }

    /// Saves an edit when the loader accepts it and the file is still the version `base`
    /// (`None`: the file must not exist yet).
    pub fn save(&self, edit: &Edit, base: Option<&str>, site: Option<&Site>) -> Result<Saved, Diagnostic> {
        let _guard = self
            .lock
            .lock()
            .map_err(|_| Diagnostic::new("editor/lock", "编辑器内部错误"))?;
        let config = self.config()?;
        let checked = self.check(edit, site)?;
        if !checked.errors.is_empty() {
            return Ok(Saved::Invalid {
                checked: Box::new(checked),
            });
        }
        let path = content_path(&config.content_dir(), &edit.rel)?;
        if base.is_none() && !edit.rel.ends_with("index.md") {
            // A new page must not clash with a bundle of the same name either.
            let (dir, stem) = page_dir_and_stem(&edit.rel);
            let bundle = config.content_dir().join(dir).join(stem).join("index.md");
            if bundle.exists() {
                return conflict(Some(&bundle), checked.text);
            }
        }
        let disk = version_on_disk(&path).map_err(|e| io(&path, &e, "读取文件"))?;
        let current = disk.as_ref().map(|(v, _)| v.as_str());
        if current != base {
            return conflict(Some(&path), checked.text);
        }
        write_atomic(&path, checked.text.as_bytes(), base.is_none()).map_err(|e| io(&path, &e, "保存"))?;
        Ok(Saved::Saved {
            rel: edit.rel.clone(),
            version: version(checked.text.as_bytes()),
            url: checked.base_href,
        })
    }

    /// A new page of `kind` titled `title`, not written yet: its place (the file name keeps
    /// the Chinese title) and the values it starts with.
    pub fn new_page(&self, kind: Kind, title: &str) -> Result<Opened, Diagnostic> {
        let config = self.config()?;
        let title = title.trim();
        if title.is_empty() {
            return Err(Diagnostic::new("editor/new", "请填写标题"));
        }
        let section = match kind {
            Kind::Page => String::new(),
            k => config.section_for(k).map(str::to_string).ok_or_else(|| {
                Diagnostic::new(
                    "editor/new",
                    format!("config.yaml 的 sections 里没有存放{}的栏目", k.label()),
                )
            })?,
        };
        let name: String = sanitize_slug(title).chars().take(40).collect();
        let name = if name.is_empty() { "新页面".to_string() } else { name };
        let content = config.content_dir();
        let folder = content.join(&section);
        let mut stem = name.clone();
        let mut i = 2;
        while folder.join(format!("{stem}.md")).exists() || folder.join(&stem).exists() {
            stem = format!("{name}-{i}");
            i += 1;
        }
        let rel = if section.is_empty() {
            format!("{stem}.md")
        } else {
            format!("{section}/{stem}.md")
        };
        content_path(&content, &rel)?;
        let today = crate::content::Date::today();
        let values = front::defaults(kind, title, &today.ymd_string(), today.year, &config.organisation.name);
        Ok(Opened {
            rel,
            kind,
            kind_label: kind.label(),
            section,
            values,
            unknown: Values::new(),
            body: skeleton(kind).to_string(),
            version: None,
            raw: None,
            errors: Vec::new(),
            url: None,
            files: Vec::new(),
        })
    }

    /// Moves page `from` into section folder `section` as `name`; every link to it is
    /// rewritten, or nothing happens and the references are listed.
    pub fn rename(&self, from: &str, section: &str, name: &str) -> Result<Moved, Refused> {
        let _guard = self.lock.lock().map_err(|_| Refused::say("编辑器内部错误"))?;
        let config = self.config()?;
        let content = config.content_dir();
        let from_path = content_path(&content, from)?;
        if !from_path.is_file() || from.ends_with("_index.md") {
            return Err(Refused::say(format!("没有这个页面：{from}")));
        }
        let name = sanitize_slug(name.trim().trim_end_matches(".md"));
        if name.is_empty() {
            return Err(Refused::say("新的文件名不能为空"));
        }
        let section = section.trim_matches('/');
        let bundle = from.ends_with("/index.md") || from == "index.md";
        let prefix = if section.is_empty() {
            String::new()
        } else {
            format!("{section}/")
        };
        let to = if bundle {
            format!("{prefix}{name}/index.md")
        } else {
            format!("{prefix}{name}.md")
        };
        if to == from {
            return Err(Refused::say("新位置和原来一样"));
        }
        let to_path = content_path(&content, &to)?;
        if !section.is_empty() && !content.join(section).is_dir() {
            return Err(Refused::say(format!("没有这个栏目文件夹：content/{section}/")));
        }
        let (dir, stem) = page_dir_and_stem(&to);
        let clash = [
            content.join(dir).join(format!("{stem}.md")),
            content.join(dir).join(stem),
        ];
        if clash.iter().any(|p| p.exists()) {
            return Err(Refused::say(format!("content/{to} 已经有同名的页面或文件夹")));
        }
        // The page must still be valid where it goes (another section may be another kind).
        let text = std::fs::read_to_string(&from_path).map_err(|e| Refused::from(io(&from_path, &e, "读取文件")))?;
        let (to_section, _) = Self::place(&config, &to);
        let to_shown = format!("content/{to}");
        let moved = crate::content::page::parse_page(&config, &to, &to_shown, &text, &to_section, Vec::new());
        let page = match moved {
            Ok(p) => p,
            Err(errors) => {
                return Err(Refused {
                    message: "页面放到新位置后不能通过检查，没有移动".into(),
                    references: Vec::new(),
                    errors,
                });
            }
        };
        let (_, kind) = Self::place(&config, from);
        let old_slug = crate::content::page::parse_page(
            &config,
            from,
            &format!("content/{from}"),
            &text,
            &Self::place(&config, from).0,
            Vec::new(),
        )
        .map(|p| p.slug)
        .unwrap_or_default();
        let slugs = (kind == Kind::Project && old_slug != page.slug).then(|| (old_slug, page.slug.clone()));
        let m = Move {
            from,
            to: Some(&to),
            kind,
            slugs,
        };
        let refs = links::references(&config, &m);
        let stuck: Vec<Reference> = refs.iter().filter(|r| r.edit.is_none()).cloned().collect();
        if !stuck.is_empty() {
            return Err(Refused {
                message: "这些地方引用了这个页面，无法自动修改，没有移动。请先手工修改它们：".into(),
                references: stuck,
                errors: Vec::new(),
            });
        }
        let updated = rewrite(&content, &refs).map_err(Refused::from)?;
        let (src, dst) = if bundle {
            (
                from_path.parent().map(Path::to_path_buf).unwrap_or_default(),
                to_path.parent().map(Path::to_path_buf).unwrap_or_default(),
            )
        } else {
            (from_path.clone(), to_path.clone())
        };
        if let Some(parent) = dst.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Refused::from(io(parent, &e, "创建文件夹")))?;
        }
        std::fs::rename(&src, &dst).map_err(|e| Refused::from(io(&src, &e, "移动")))?;
        Ok(Moved { rel: to, updated })
    }

    /// Deletes a page (moving it to `.pufa-trash/` in the site folder) unless anything refers
    /// to it.
    pub fn delete(&self, rel: &str) -> Result<PathBuf, Refused> {
        let _guard = self.lock.lock().map_err(|_| Refused::say("编辑器内部错误"))?;
        let config = self.config()?;
        let content = config.content_dir();
        let path = content_path(&content, rel)?;
        if !path.is_file() || rel.ends_with("_index.md") {
            return Err(Refused::say(format!("没有这个页面：{rel}")));
        }
        let (section, kind) = Self::place(&config, rel);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let slug =
            crate::content::page::parse_page(&config, rel, &format!("content/{rel}"), &text, &section, Vec::new())
                .map(|p| p.slug)
                .ok();
        let m = Move {
            from: rel,
            to: None,
            kind,
            slugs: slug.filter(|_| kind == Kind::Project).map(|s| (s, String::new())),
        };
        let bundle_dir = rel.strip_suffix("index.md").filter(|_| rel.ends_with("/index.md"));
        let refs: Vec<Reference> = links::references(&config, &m)
            .into_iter()
            .filter(|r| r.rel != rel && !bundle_dir.is_some_and(|d| r.rel.starts_with(d)))
            .collect();
        if !refs.is_empty() {
            return Err(Refused {
                message: "还有页面引用这个页面，不能删除。请先去掉这些引用：".into(),
                references: refs,
                errors: Vec::new(),
            });
        }
        let stamp = chrono_stamp();
        let (src, inner) = match bundle_dir {
            Some(d) => (
                content.join(d.trim_end_matches('/')),
                d.trim_end_matches('/').to_string(),
            ),
            None => (path.clone(), rel.to_string()),
        };
        let dst = config.root.join(".pufa-trash").join(stamp).join(inner);
        if let Some(parent) = dst.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Refused::from(io(parent, &e, "创建文件夹")))?;
        }
        std::fs::rename(&src, &dst).map_err(|e| Refused::from(io(&src, &e, "删除")))?;
        Ok(dst)
    }

    /// Stores an uploaded file in the page's bundle, making the page a bundle when it is not.
    pub fn upload(&self, rel: &str, name: &str, bytes: &[u8]) -> Result<Uploaded, Diagnostic> {
        let _guard = self
            .lock
            .lock()
            .map_err(|_| Diagnostic::new("editor/lock", "编辑器内部错误"))?;
        let config = self.config()?;
        let content = config.content_dir();
        let name = files::upload_name(name)?;
        if bytes.len() > self.max_upload {
            return Err(too_large(self.max_upload));
        }
        let path = content_path(&content, rel)?;
        if !path.is_file() || rel.ends_with("_index.md") {
            return Err(Diagnostic::new("editor/upload", "请先保存页面，再上传文件"));
        }
        let rel = if rel.ends_with("/index.md") {
            rel.to_string()
        } else {
            // `cases/x.md` → `cases/x/index.md`: links to `@/cases/x.md` still find it.
            let (dir, stem) = page_dir_and_stem(rel);
            let bundle = if dir.is_empty() {
                format!("{stem}/index.md")
            } else {
                format!("{dir}/{stem}/index.md")
            };
            let target = content_path(&content, &bundle)?;
            let folder = target.parent().map(Path::to_path_buf).unwrap_or_default();
            if folder.exists() {
                return Err(Diagnostic::new(
                    "editor/upload",
                    format!("已经有名为 content/{dir}/{stem}/ 的文件夹，无法把页面变成页面包"),
                ));
            }
            std::fs::create_dir_all(&folder).map_err(|e| io(&folder, &e, "创建文件夹"))?;
            std::fs::rename(&path, &target).map_err(|e| io(&path, &e, "移动"))?;
            bundle
        };
        let folder_rel = rel.strip_suffix("index.md").unwrap_or("").trim_end_matches('/');
        let folder = content_path(&content, folder_rel)?;
        let stored = files::free_name(&folder, &name);
        let target = content_path(&content, &format!("{folder_rel}/{stored}"))?;
        write_atomic(&target, bytes, true).map_err(|e| io(&target, &e, "保存上传的文件"))?;
        let shown = stored.replace(' ', "%20");
        let label = stored.rsplit_once('.').map_or(stored.as_str(), |(s, _)| s).to_string();
        let markdown = if files::is_image(&stored) {
            format!("![{label}]({shown})")
        } else {
            format!("[{label}]({shown})")
        };
        Ok(Uploaded {
            rel,
            name: stored,
            markdown,
        })
    }

    /// Runs the importer on an uploaded report; nothing is written (the form saves it).
    pub fn import(&self, name: &str, bytes: &[u8], kind: Kind) -> Result<ImportPreview, Error> {
        if bytes.len() > self.max_upload {
            return Err(Error::one(too_large(self.max_upload)));
        }
        let config = self.config().map_err(Error::one)?;
        let input = crate::import::decode::decode(Path::new(name), bytes)?;
        let im = crate::import::convert(
            input,
            &crate::import::Options {
                kind: Some(kind),
                year: None,
                publisher: None,
            },
        )?;
        let title = im.title.clone();
        let mut page = self.new_page(kind, &title).map_err(Error::one)?;
        if kind == Kind::Report
            && let Some(y) = im.year
        {
            let (dir, _) = page_dir_and_stem(&page.rel);
            let rel = format!("{dir}/{y}.md");
            if !config.content_dir().join(&rel).exists() {
                page.rel = rel;
            }
        }
        let r = front::read(&im.page, &page.rel).map_err(Error::one)?;
        page.values = r.values;
        page.unknown = r.unknown;
        page.body = r.body;
        let doubts = im
            .figures
            .iter()
            .filter_map(|f| f.doubt.as_ref().map(|d| (f.line, format!("{d}（…{}…）", f.context))))
            .chain(im.doc.notes.iter().cloned())
            .collect();
        Ok(ImportPreview {
            report: crate::import::report(&im, Path::new(&format!("content/{}", page.rel)), false),
            headings: im.doc.headings().map(|(l, t)| (l, t.to_string())).collect(),
            doubts,
            page,
        })
    }
}

fn too_large(max: usize) -> Diagnostic {
    Diagnostic::new("editor/too-large", format!("文件太大：最多 {} MB", max / (1024 * 1024)))
        .with_hint("请压缩图片或把文件分成几个再上传。")
}

fn conflict(path: Option<&Path>, mine: String) -> Result<Saved, Diagnostic> {
    let disk = match path {
        Some(p) => version_on_disk(p).map_err(|e| io(p, &e, "读取文件"))?,
        None => None,
    };
    Ok(Saved::Conflict {
        disk_version: disk.as_ref().map(|(v, _)| v.clone()),
        disk_text: disk.map(|(_, b)| String::from_utf8_lossy(&b).into_owned()),
        mine,
    })
}

/// Applies the link edits of `refs`, file by file, each file written atomically. Returns the
/// files changed.
fn rewrite(content: &Path, refs: &[Reference]) -> Result<Vec<String>, Diagnostic> {
    let mut by_file: std::collections::BTreeMap<&str, Vec<&(std::ops::Range<usize>, String)>> = Default::default();
    for r in refs {
        if let Some(e) = &r.edit {
            by_file.entry(r.rel.as_str()).or_default().push(e);
        }
    }
    let mut done = Vec::new();
    for (rel, edits) in by_file {
        let path = content_path(content, rel)?;
        let text = std::fs::read_to_string(&path).map_err(|e| io(&path, &e, "读取文件"))?;
        let after = links::apply_edits(&text, &edits);
        write_atomic(&path, after.as_bytes(), false).map_err(|e| io(&path, &e, "保存"))?;
        done.push(format!("content/{rel}"));
    }
    Ok(done)
}

/// The files of the bundle `path` (an `index.md`) belongs to.
fn bundle_files(path: &Path, rel: &str) -> Vec<String> {
    if !rel.ends_with("index.md") || rel.ends_with("_index.md") {
        return Vec::new();
    }
    let Some(dir) = path.parent() else { return Vec::new() };
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "index.md" && !crate::util::is_ignored_name(n))
        .collect();
    out.sort();
    out
}

/// Fills link placeholders with `urls` (`#` for any without one).
fn fill_placeholders(html: &str, urls: &[String]) -> String {
    crate::markdown::resolve_links(html, |i| urls.get(i).cloned().unwrap_or_else(|| "#".into()))
        .unwrap_or_else(|| html.to_string())
}

/// A folder name for a deletion: the time now, `20250120-093000`.
fn chrono_stamp() -> String {
    jiff::Timestamp::now().strftime("%Y%m%d-%H%M%S").to_string()
}

/// The body a new page of `kind` starts with.
fn skeleton(kind: Kind) -> &'static str {
    match kind {
        Kind::Report => {
            "……具体情况报告如下：\n\n## 一、主要举措和成效\n\n## 二、存在的不足和原因\n\n## 三、党政主要负责人履行推进法治建设第一责任人职责情况\n\n## 四、下一年度工作计划\n"
        }
        Kind::Project => "## 一、项目背景\n\n## 二、主要做法\n\n## 三、工作成效\n",
        Kind::Case => {
            "<!-- 当事人一律用“张某”“李某某”等化名，不要写身份证号、手机号。 -->\n\n## 一、基本案情\n\n## 二、调处过程\n\n## 三、处理结果\n\n## 四、典型意义\n"
        }
        Kind::Page => "",
    }
}
