//! Functions and filters templates can call.
//!
//! Names follow Zola where Zola has one (`get_url`, `get_page`, `get_section`,
//! `get_taxonomy`, `get_taxonomy_url`), plus what this domain needs: `get_pages` (items of a
//! kind or year, newest first), `get_years`, `load_data` (CSV, JSON, YAML; see `data`), `resize_image` (see `images`), and the `date`, `cn_date`, `urlencode`,
//! `json_encode`, `striptags` and `slugify` filters. Every function records what it read
//! (see [`super::record`]) so serve mode knows which outputs depend on what.

use std::sync::Arc;

use tera::{Kwargs, State, Tera, Value};

use super::{DataSlot, Input, RenderData, record};
use crate::config::Kind;
use crate::content::Date;
use crate::markdown::slug::slugify;

type Shared = DataSlot;

fn data(shared: &Shared) -> tera::TeraResult<Arc<RenderData>> {
    shared
        .read()
        .ok()
        .and_then(|d| d.clone())
        .ok_or_else(|| tera::Error::message("pufa: site data is not available while templates load"))
}

/// Normalises `@/reports/2024.md`, `/reports/2024.md` and `reports/2024.md`.
fn content_path(p: &str) -> &str {
    p.trim_start_matches("@/").trim_start_matches('/')
}

/// Registers everything on `tera` (before templates are added: Tera 2 checks calls at load).
pub fn register(tera: &mut Tera, shared: Shared) {
    let s = Arc::clone(&shared);
    tera.register_function("get_url", move |kw: Kwargs, _: &State| -> tera::TeraResult<Value> {
        let path: &str = kw.must_get("path")?;
        let d = data(&s)?;
        let config = &d.site.config;
        if path.contains("://") || path.starts_with("mailto:") {
            return Ok(Value::from(path));
        }
        if let Some(target) = path.strip_prefix("@/") {
            let (target, anchor) = target.split_once('#').map_or((target, None), |(t, a)| (t, Some(a)));
            record(Input::Path(target.to_string()));
            return match d.site.lookup(target) {
                Some((_, p)) => Ok(Value::from(match anchor {
                    Some(a) => format!("{}#{a}", config.url(&p)),
                    None => config.url(&p),
                })),
                None => Err(tera::Error::message(format!("get_url: 找不到内容 @/{target}"))),
            };
        }
        let mut url = config.url(path);
        if kw.get::<bool>("trailing_slash")?.unwrap_or(false) && !url.ends_with('/') {
            url.push('/');
        }
        Ok(Value::from(url))
    });

    let s = Arc::clone(&shared);
    tera.register_function("get_page", move |kw: Kwargs, _: &State| -> tera::TeraResult<Value> {
        let path: &str = kw.must_get("path")?;
        let d = data(&s)?;
        let p = content_path(path);
        record(Input::Path(p.to_string()));
        match d.site.lookup(p) {
            Some((rel, _)) if d.site.pages.contains_key(&rel) => {
                d.page_full(&rel, None).map_err(|e| tera::Error::message(e.message))
            }
            _ => Err(tera::Error::message(format!("get_page: 找不到页面 {p}"))),
        }
    });

    let s = Arc::clone(&shared);
    tera.register_function("get_section", move |kw: Kwargs, _: &State| -> tera::TeraResult<Value> {
        let path: &str = kw.must_get("path")?;
        let metadata_only = kw.get::<bool>("metadata_only")?.unwrap_or(false);
        let d = data(&s)?;
        let p = content_path(path);
        let key = p.trim_end_matches("_index.md").trim_end_matches('/');
        record(Input::Path(p.to_string()));
        let Some(section) = d.site.sections.get(key) else {
            return Err(tera::Error::message(format!("get_section: 找不到栏目 {p}")));
        };
        if metadata_only {
            return Ok(d.values.section(key));
        }
        record(Input::SectionList(section.key.clone()));
        let pages: Vec<Value> = d
            .site
            .index
            .section_pages
            .get(key)
            .into_iter()
            .flatten()
            .map(|rel| d.summary(rel))
            .collect();
        Ok(super::values::extend_map(
            &d.values.section(key),
            [("pages", Value::from(pages))],
        ))
    });

    let s = Arc::clone(&shared);
    tera.register_function(
        "get_taxonomy_url",
        move |kw: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let kind: &str = kw.must_get("kind")?;
            let name: &str = kw.must_get("name")?;
            let d = data(&s)?;
            if d.site.config.taxonomy(kind).is_none() {
                return Err(tera::Error::message(format!(
                    "get_taxonomy_url: 没有名为 {kind} 的分类"
                )));
            }
            Ok(Value::from(super::values::term_url(&d.site.config, kind, name)))
        },
    );

    let s = Arc::clone(&shared);
    tera.register_function(
        "get_taxonomy",
        move |kw: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let kind: &str = kw.must_get("kind")?;
            let with_pages = !kw.get::<bool>("metadata_only")?.unwrap_or(false);
            let d = data(&s)?;
            let Some(t) = d.site.index.taxonomy(kind) else {
                return Err(tera::Error::message(format!("get_taxonomy: 没有名为 {kind} 的分类")));
            };
            record(Input::Taxonomy(kind.to_string()));
            let terms: Vec<Value> = t
                .terms
                .values()
                .map(|term| {
                    let mut m = super::values::term_map(&d.site.config, kind, term);
                    if with_pages {
                        record(Input::Term(kind.to_string(), term.slug.clone()));
                        let pages: Vec<Value> = term.pages.iter().map(|rel| d.summary(rel)).collect();
                        m.set("pages", Value::from(pages));
                    }
                    m.build()
                })
                .collect();
            let mut m = super::values::taxonomy_map(&d.site.config, &t.name, &t.title);
            m.set("terms", Value::from(terms));
            Ok(m.build())
        },
    );

    let s = Arc::clone(&shared);
    tera.register_function("get_pages", move |kw: Kwargs, _: &State| -> tera::TeraResult<Value> {
        let d = data(&s)?;
        let kind = match kw.get::<&str>("kind")? {
            Some(k) => Some(Kind::parse(k).ok_or_else(|| {
                tera::Error::message(format!(
                    "get_pages: kind 只能是 report、project、case 或 page，而不是 {k}"
                ))
            })?),
            None => None,
        };
        let year: Option<i64> = kw.get("year")?;
        let limit: Option<usize> = kw.get("limit")?;
        let rels: Vec<String> = match (kind, year) {
            (_, Some(y)) => {
                record(Input::Year(y as i32));
                d.site
                    .index
                    .years
                    .get(&(y as i32))
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|r| kind.is_none_or(|k| d.site.pages[r].kind == k))
                    .collect()
            }
            (Some(k), None) => {
                record(Input::KindList(k.as_str().to_string()));
                d.site.pages_of_kind(k).into_iter().map(|p| p.rel.clone()).collect()
            }
            (None, None) => {
                record(Input::Recent);
                d.site.index.recent.clone()
            }
        };
        let n = limit.unwrap_or(usize::MAX);
        let out: Vec<Value> = rels.iter().take(n).map(|rel| d.summary(rel)).collect();
        Ok(Value::from(out))
    });

    let s = Arc::clone(&shared);
    tera.register_function(
        "resize_image",
        move |kw: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let req = super::images::Resize {
                path: kw.must_get("path")?,
                width: kw.get("width")?,
                height: kw.get("height")?,
                op: kw.get("op")?,
                format: kw.get("format")?,
                quality: kw.get("quality")?,
            };
            let d = data(&s)?;
            super::images::resize_image(&d.site, &req).map_err(tera::Error::message)
        },
    );
    let s = Arc::clone(&shared);
    tera.register_function("load_data", move |kw: Kwargs, _: &State| -> tera::TeraResult<Value> {
        let path: &str = kw.must_get("path")?;
        let d = data(&s)?;
        super::data::load(&d.site.config, path).map_err(tera::Error::message)
    });
    let s = Arc::clone(&shared);
    tera.register_function("get_years", move |_: Kwargs, _: &State| -> tera::TeraResult<Value> {
        let d = data(&s)?;
        record(Input::Years);
        Ok(super::pages::years_list(&d))
    });

    tera.register_filter("date", |v: &str, kw: Kwargs, _: &State| -> tera::TeraResult<String> {
        let format: &str = kw.get("format")?.unwrap_or("%Y-%m-%d");
        let d = Date::parse(v).map_err(tera::Error::message)?;
        Ok(d.format(format))
    });
    tera.register_filter("cn_date", |v: &str, _: Kwargs, _: &State| -> tera::TeraResult<String> {
        let d = Date::parse(v).map_err(tera::Error::message)?;
        Ok(d.chinese())
    });
    tera.register_filter("urlencode", |v: &str, _: Kwargs, _: &State| -> String {
        percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC).to_string()
    });
    tera.register_filter("slugify", |v: &str, _: Kwargs, _: &State| -> String { slugify(v) });
    tera.register_filter("striptags", |v: &str, _: Kwargs, _: &State| -> String { strip_tags(v) });
    tera.register_filter(
        "json_encode",
        |v: Value, _: Kwargs, _: &State| -> tera::TeraResult<String> {
            serde_json::to_string(&v).map_err(|e| tera::Error::message(e.to_string()))
        },
    );
    tera.register_filter("number", |v: f64, _: Kwargs, _: &State| -> String {
        crate::content::metrics::format_value(v)
    });
}

/// Removes HTML tags and decodes the few entities Markdown produces.
pub fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}
