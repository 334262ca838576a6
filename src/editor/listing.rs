//! What the editor shows before a page is opened: every content file by section, with drafts,
//! warnings and errors marked (read from the files on disk, so drafts and files that do not
//! build are listed too), and what forms offer: the schema, the sections, the site's existing
//! taxonomy terms and values, and the pages a link can point to.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use super::Editor;
use super::front;
use crate::config::Kind;
use crate::content::Site;
use crate::content::loader::nearest_section;
use crate::content::page::page_dir_and_stem;
use crate::content::schema::{self, Field, FieldType, Required};
use crate::diagnostics::{Diagnostic, Severity};

/// One content file in the list.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub rel: String,
    pub title: String,
    pub draft: bool,
    pub errors: usize,
    pub warnings: usize,
    pub url: Option<String>,
}

/// A section and its pages.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub key: String,
    pub title: String,
    pub kind: Kind,
    pub kind_label: &'static str,
    /// The section's own `_index.md`, when it has one.
    pub index: Option<String>,
    pub items: Vec<Item>,
}

/// What the forms need to know about the site.
#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    pub title: String,
    pub base_path: String,
    pub fields: &'static [Field],
    pub required: &'static [Required],
    pub kinds: Vec<(Kind, &'static str, Option<String>)>,
    pub sections: Vec<(String, String)>,
    pub taxonomies: Vec<Taxonomy>,
    /// Values already used on the site, by key (case types, publishers, places …).
    pub suggest: BTreeMap<String, Vec<String>>,
    /// Pages a link can point to: (rel, title).
    pub pages: Vec<(String, String)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Taxonomy {
    pub name: String,
    pub title: String,
    pub terms: Vec<String>,
}

impl Editor {
    /// Every content file by section. `errors` are the serve engine's current errors.
    pub fn list(&self, site: Option<&Site>, errors: &[Diagnostic]) -> Result<Vec<Group>, Diagnostic> {
        let config = self.config()?;
        let content = config.content_dir();
        let sections = Self::section_dirs(&config);
        let mut groups: BTreeMap<String, Group> = BTreeMap::new();
        let mut keys: BTreeSet<String> = sections.clone();
        keys.insert(String::new());
        for key in keys {
            let kind = if key.is_empty() {
                Kind::Page
            } else {
                config.kind_of_section(&key)
            };
            let index = if key.is_empty() {
                "_index.md".to_string()
            } else {
                format!("{key}/_index.md")
            };
            let title = site
                .and_then(|s| s.section(&key))
                .map(|s| s.title.clone())
                .unwrap_or_else(|| {
                    if key.is_empty() {
                        "首页和其他页面".into()
                    } else {
                        key.clone()
                    }
                });
            groups.insert(
                key.clone(),
                Group {
                    key: key.clone(),
                    title,
                    kind,
                    kind_label: kind.label(),
                    index: content.join(&index).is_file().then_some(index),
                    items: Vec::new(),
                },
            );
        }
        for (rel, path) in super::links::content_files(&config) {
            let name = rel.rsplit('/').next().unwrap_or(&rel);
            if name == "_index.md" || in_bundle(&rel, &content) {
                continue;
            }
            let (dir, _) = page_dir_and_stem(&rel);
            let section = nearest_section(dir, &sections);
            let shown = format!("content/{rel}");
            let mut item = Item {
                rel: rel.clone(),
                title: String::new(),
                draft: false,
                errors: errors.iter().filter(|d| d.file.as_deref() == Some(&shown)).count(),
                warnings: 0,
                url: None,
            };
            if let Some(p) = site.and_then(|s| s.page(&rel)) {
                item.title = p.title().to_string();
                item.draft = p.front.draft;
                item.url = Some(config.url(&p.path));
                item.warnings = p.warnings.len()
                    + site.map_or(0, |s| {
                        s.warnings
                            .iter()
                            .filter(|w| w.severity == Severity::Warning && w.file.as_deref() == Some(&shown))
                            .count()
                    });
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                match front::read(&text, &shown) {
                    Ok(r) => {
                        item.title = r.values.get("title").and_then(Value::as_str).unwrap_or("").to_string();
                        item.draft = r.values.get("draft").and_then(Value::as_bool).unwrap_or(false);
                        if item.errors == 0 && !item.draft {
                            item.errors =
                                crate::content::page::parse_page(&config, &rel, &shown, &text, &section, Vec::new())
                                    .err()
                                    .map_or(0, |e| e.len());
                        }
                    }
                    Err(_) => item.errors = item.errors.max(1),
                }
            }
            if item.title.is_empty() {
                item.title = rel.clone();
            }
            if let Some(g) = groups.get_mut(&section) {
                g.items.push(item);
            }
        }
        Ok(groups.into_values().collect())
    }

    /// What the forms offer.
    pub fn meta(&self, site: Option<&Site>) -> Result<Meta, Diagnostic> {
        let config = self.config()?;
        let kinds = [Kind::Report, Kind::Project, Kind::Case, Kind::Page]
            .into_iter()
            .map(|k| (k, k.label(), config.section_for(k).map(str::to_string)))
            .collect();
        let mut suggest: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut terms: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut pages = Vec::new();
        if let Some(site) = site {
            for p in site.pages.values() {
                pages.push((p.rel.clone(), p.title().to_string()));
                if p.kind == Kind::Project {
                    suggest.entry("projects".into()).or_default().insert(p.slug.clone());
                }
                for (name, list) in &p.front.taxonomies {
                    terms.entry(name.clone()).or_default().extend(list.0.iter().cloned());
                }
                let Ok(Value::Object(front)) = serde_json::to_value(&p.front) else {
                    continue;
                };
                for f in schema::PAGE_FIELDS.iter().filter(|f| suggestible(f)) {
                    let set = suggest.entry(f.name.to_string()).or_default();
                    match front.get(f.name) {
                        Some(Value::String(s)) if !s.is_empty() => {
                            set.insert(s.clone());
                        }
                        Some(Value::Array(a)) => set.extend(a.iter().filter_map(Value::as_str).map(String::from)),
                        _ => {}
                    }
                }
            }
            for s in site.sections.values().filter(|s| !s.key.is_empty()) {
                pages.push((s.rel.clone(), s.title.clone()));
            }
        }
        if !config.organisation.name.is_empty() {
            suggest
                .entry("publisher".into())
                .or_default()
                .insert(config.organisation.name.clone());
        }
        pages.sort();
        let sections = Self::section_dirs(&config)
            .into_iter()
            .map(|k| {
                let t = site
                    .and_then(|s| s.section(&k))
                    .map_or_else(|| k.clone(), |s| s.title.clone());
                (k, t)
            })
            .collect();
        Ok(Meta {
            title: config.title.clone(),
            base_path: config.base_path.clone(),
            fields: schema::PAGE_FIELDS,
            required: schema::REQUIRED,
            kinds,
            sections,
            taxonomies: config
                .taxonomies
                .iter()
                .map(|t| Taxonomy {
                    name: t.name.clone(),
                    title: t.title.clone(),
                    terms: terms.remove(&t.name).unwrap_or_default().into_iter().collect(),
                })
                .collect(),
            suggest: suggest
                .into_iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| (k, v.into_iter().take(200).collect()))
                .collect(),
            pages,
        })
    }
}

/// Fields whose earlier values are worth offering again.
fn suggestible(f: &Field) -> bool {
    matches!(f.ty, FieldType::Text | FieldType::List)
        && !matches!(
            f.name,
            "title" | "slug" | "template" | "source" | "index_no" | "doc_no" | "outcome"
        )
}

/// Whether `rel` is a file inside a page bundle other than its `index.md`.
fn in_bundle(rel: &str, content: &std::path::Path) -> bool {
    let mut dir = rel;
    while let Some((parent, _)) = dir.rsplit_once('/') {
        let index = format!("{parent}/index.md");
        if index != rel && content.join(&index).is_file() && !content.join(parent).join("_index.md").is_file() {
            return true;
        }
        dir = parent;
    }
    false
}
