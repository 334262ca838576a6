//! HTML outputs: pages, section lists (with pagination), taxonomy lists and terms, year
//! archives, the search page, the site map page (`/sitemap/`) and 404, and the breadcrumb
//! trail each of them shows ([`trail`], also used by the metric pages).
//!
//! Each function builds the context of one output from shared values and records what it
//! reads. Template choice: a page's `template`, else its section's `page_template`, else
//! `<kind>.html` when the theme has it, else `page.html`; the root section uses `index.html`,
//! other sections `section.html` (or their `template`).

use std::borrow::Cow;

use tera::{Context, Value};

use super::values::{MapBuilder, extend_map, taxonomy_map, term_map};
use super::{Input, OutputKey, RenderData, Renderer, pager_count, pager_path, record};
use crate::config::Kind;
use crate::content::{Page, Section};
use crate::diagnostics::Diagnostic;

/// Renders an HTML output.
pub fn render(r: &Renderer, key: &OutputKey, d: &RenderData) -> Result<Vec<u8>, Diagnostic> {
    match key {
        OutputKey::Page(rel) => page(r, rel, d, None),
        OutputKey::Section { key, pager } => section(r, key, *pager, d),
        OutputKey::TaxonomyList(t) => taxonomy_list(r, t, d),
        OutputKey::Term { taxonomy, slug, pager } => term(r, taxonomy, slug, *pager, d),
        OutputKey::Years => years(r, d),
        OutputKey::Year(y) => year(r, *y, d),
        OutputKey::Search => simple(r, "search.html", "search/", "搜索", d),
        OutputKey::NotFound => simple(r, "404.html", "404.html", "页面未找到", d),
        OutputKey::SitemapPage => site_map(r, d),
        _ => Err(Diagnostic::new("internal", format!("{key:?} is not an HTML output"))),
    }
}

/// Context keys every HTML output has.
fn base_context(d: &RenderData, path: &str) -> Context {
    record(Input::SectionTree);
    let config = &d.site.config;
    let mut ctx = Context::new();
    ctx.insert_value("config", d.values.config.clone());
    ctx.insert_value("nav", d.values.nav.clone());
    ctx.insert("current_path", &config.url(path));
    ctx.insert("current_url", &config.permalink(path));
    ctx.insert("lang", &config.language);
    ctx
}

fn crumb(title: &str, url: Option<String>, current: bool) -> Value {
    let mut m = MapBuilder::new();
    m.set("title", title)
        .set("url", url.map(Value::from).unwrap_or_else(Value::none))
        .set("current", current);
    m.build()
}

/// The sections from the top level down to section `key` (the root left out): (title, path).
fn section_chain(d: &RenderData, key: &str) -> Vec<(String, String)> {
    let mut chain = Vec::new();
    let mut k = Some(key.to_string());
    while let Some(cur) = k {
        let Some(s) = d.site.sections.get(&cur) else { break };
        record(Input::Section(cur.clone()));
        if !s.key.is_empty() {
            chain.push((s.title.clone(), s.path.clone()));
        }
        k = s.parent.clone();
    }
    chain.reverse();
    chain
}

/// The breadcrumb trail of an output: 首页, the pages above it (title, site path), and the
/// output itself, marked `current` (its `url` is none when it has no address of its own, as
/// the 404 page).
pub fn trail(d: &RenderData, above: &[(String, String)], title: &str, path: Option<&str>) -> Value {
    let config = &d.site.config;
    let mut out = vec![crumb("首页", Some(config.url("")), false)];
    for (t, p) in above {
        out.push(crumb(t, Some(config.url(p)), false));
    }
    out.push(crumb(title, path.map(|p| config.url(p)), true));
    Value::from(out)
}

fn template_for_page(r: &Renderer, d: &RenderData, p: &Page) -> Result<String, Diagnostic> {
    if let Some(t) = &p.front.template {
        if !r.has_template(t) {
            return Err(p
                .at_key(
                    "template/missing",
                    "template",
                    format!("找不到 `template` 指定的模板 `{t}`"),
                )
                .with_hint("模板放在站点的 templates/ 或主题的 templates/ 文件夹里。"));
        }
        return Ok(t.clone());
    }
    if let Some(t) = d.site.section_of(p).and_then(|s| s.front.page_template.clone()) {
        return Ok(t);
    }
    let by_kind = format!("{}.html", p.kind.as_str());
    Ok(if r.has_template(&by_kind) {
        by_kind
    } else {
        "page.html".to_string()
    })
}

/// A page; `content` is its body HTML when the caller has it already (else it is read).
pub fn page(r: &Renderer, rel: &str, d: &RenderData, content: Option<&str>) -> Result<Vec<u8>, Diagnostic> {
    let site = &d.site;
    let Some(p) = site.pages.get(rel) else {
        return Err(Diagnostic::new("internal", format!("no page {rel}")));
    };
    record(Input::Neighbours(rel.to_string()));
    let (before, after) = site.index.neighbours.get(rel).cloned().unwrap_or((None, None));
    let neighbour = |n: &Option<String>| match n {
        Some(rel) => d.summary(rel),
        None => Value::none(),
    };
    // Zola's names: `higher` is the page before (newer in date order), `lower` the one after.
    let body = match content {
        Some(c) => Cow::Borrowed(c),
        None => site.page_html(p)?,
    };
    let body = super::shortcodes::expand(r, d, &super::shortcodes::Host::page(d, p), &body)?;
    let body = super::images::page_images(site, p, &body);
    let page = extend_map(
        &d.page_full(rel, Some(&body)).map_err(|e| with_page_hint(e, p))?,
        [
            ("higher", neighbour(&before)),
            ("lower", neighbour(&after)),
            ("attachments", super::attachments::values(site, p)?),
            ("cover", super::images::cover(site, p)?),
        ],
    );
    let mut ctx = base_context(d, &p.path);
    ctx.insert_value("page", page);
    ctx.insert_value("section", d.values.section(&p.section));
    let above = section_chain(d, &p.section);
    // 正文, as government sites say: the title is the page's heading just below.
    ctx.insert_value("breadcrumbs", trail(d, &above, "正文", Some(&p.path)));
    ctx.insert_value("related", related(d, p));
    let template = template_for_page(r, d, p)?;
    r.render_template(&template, &ctx).map_err(|e| with_page_hint(e, p))
}

fn with_page_hint(mut e: Diagnostic, p: &Page) -> Diagnostic {
    if e.hint.is_none() {
        e.hint = Some(format!("渲染 {} 时出错。", p.shown));
    }
    e
}

/// What a page shows about other items: the same publisher's reports of other years and
/// 同比 figures (reports), the timeline of a project, the projects an item names.
fn related(d: &RenderData, p: &Page) -> Value {
    let site = &d.site;
    let config = &site.config;
    let mut m = MapBuilder::new();
    // Projects named in `projects:`.
    let projects: Vec<Value> = p
        .front
        .projects
        .iter()
        .flat_map(|l| l.0.iter())
        .filter_map(|slug| site.index.projects_by_slug.get(slug.trim()))
        .map(|rel| d.summary(rel))
        .collect();
    m.set("projects", Value::from(projects));

    if p.kind == Kind::Report {
        let publisher = p.front.publisher.clone().unwrap_or_default();
        record(Input::Publisher(publisher.clone()));
        let years: Vec<Value> = site
            .index
            .reports_by_publisher
            .get(&publisher)
            .into_iter()
            .flatten()
            .filter_map(|rel| site.pages.get(rel))
            .map(|q| {
                let mut ym = MapBuilder::new();
                ym.set("year", q.year.map(Value::from).unwrap_or_else(Value::none))
                    .set("title", q.front.title.as_str())
                    .set("url", config.url(&q.path))
                    .set("current", q.rel == p.rel);
                ym.build()
            })
            .collect();
        m.set("report_years", Value::from(years));
        let changes = super::metrics::changes_for(d, p);
        let has_previous = changes
            .as_array()
            .unwrap_or(&[])
            .iter()
            .any(|c| super::metrics::has_key(c, "previous"));
        m.set("metric_changes", changes).set("has_previous", has_previous);
    }
    if p.kind == Kind::Project {
        record(Input::ProjectRefs(p.rel.clone()));
        m.set("timeline", super::metrics::project_timeline(d, p));
    }
    m.build()
}

/// The paginator of a list: its pages' summaries and links to the other pagers.
fn paginator(d: &RenderData, rels: &[String], per: usize, pager: usize, base: &str) -> Value {
    let config = &d.site.config;
    let total = pager_count(rels.len(), per);
    let (start, end) = if per == 0 {
        (0, rels.len())
    } else {
        ((pager - 1) * per, (pager * per).min(rels.len()))
    };
    let pages: Vec<Value> = rels[start.min(rels.len())..end]
        .iter()
        .map(|rel| d.summary(rel))
        .collect();
    let url = |n: usize| config.url(&pager_path(base, n));
    // Links to the first and last pager and to the two on either side of the current one
    // (not all of them: a 300-pager list would make every pager quadratic).
    let mut shown: Vec<usize> = vec![1, total];
    shown.extend(pager.saturating_sub(2).max(1)..=(pager + 2).min(total));
    shown.sort_unstable();
    shown.dedup();
    let pagers: Vec<Value> = shown
        .into_iter()
        .map(|n| {
            let mut m = MapBuilder::new();
            m.set("index", n).set("url", url(n)).set("current", n == pager);
            m.build()
        })
        .collect();
    let mut m = MapBuilder::new();
    m.set("pages", Value::from(pages))
        .set("current_index", pager)
        .set("number_pagers", total)
        .set("paginate_by", per)
        .set("total_pages", rels.len())
        .set("first", url(1))
        .set("last", url(total))
        .set(
            "previous",
            if pager > 1 {
                Value::from(url(pager - 1))
            } else {
                Value::none()
            },
        )
        .set(
            "next",
            if pager < total {
                Value::from(url(pager + 1))
            } else {
                Value::none()
            },
        )
        .set("pagers", Value::from(pagers));
    m.build()
}

fn summaries(d: &RenderData, rels: &[String]) -> Value {
    Value::from(rels.iter().map(|rel| d.summary(rel)).collect::<Vec<_>>())
}

fn section(r: &Renderer, key: &str, pager: usize, d: &RenderData) -> Result<Vec<u8>, Diagnostic> {
    let site = &d.site;
    let Some(s) = site.sections.get(key) else {
        return Err(Diagnostic::new("internal", format!("no section {key}")));
    };
    record(Input::SectionList(key.to_string()));
    let rels = site.index.section_pages.get(key).cloned().unwrap_or_default();
    let per = s.front.paginate_by.unwrap_or(0);
    let path = pager_path(&s.path, pager);
    let mut ctx = base_context(d, &path);
    let base = with_shortcodes(r, d, s, d.values.section(key))?;
    if per > 0 {
        // As in Zola: a paginated section has no `pages`; they are in `paginator.pages`.
        ctx.insert_value(
            "section",
            extend_map(&base, [("pages", Value::from(Vec::<Value>::new()))]),
        );
        ctx.insert_value("paginator", paginator(d, &rels, per, pager, &s.path));
    } else {
        ctx.insert_value("section", extend_map(&base, [("pages", summaries(d, &rels))]));
        ctx.insert_value("paginator", Value::none());
    }
    let crumbs = if key.is_empty() {
        Value::from(vec![crumb("首页", Some(site.config.url("")), true)])
    } else {
        let mut above = section_chain(d, key);
        above.pop();
        trail(d, &above, &s.title, Some(&path))
    };
    ctx.insert_value("breadcrumbs", crumbs);
    let template = match &s.front.template {
        Some(t) => t.clone(),
        None if key.is_empty() => "index.html".to_string(),
        None => "section.html".to_string(),
    };
    r.render_template(&template, &ctx).map_err(|mut e| {
        if e.code == "template/missing" && s.front.template.is_some() && !s.rel.is_empty() {
            e = e.in_file(s.shown.clone());
        }
        e
    })
}

/// A section's value with the shortcodes of its `_index.md` expanded in `content`.
fn with_shortcodes(r: &Renderer, d: &RenderData, s: &Section, base: Value) -> Result<Value, Diagnostic> {
    if s.body.shortcodes.is_empty() {
        return Ok(base);
    }
    let html = d.site.section_html(s);
    let host = super::shortcodes::Host::section(d, s, base.clone());
    let content = super::shortcodes::expand(r, d, &host, &html)?;
    Ok(extend_map(&base, [("content", super::values::safe(&content))]))
}

fn taxonomy_value(d: &RenderData, name: &str) -> Value {
    let config = &d.site.config;
    let title = config.taxonomy(name).map(|t| t.title.as_str()).unwrap_or_default();
    taxonomy_map(config, name, title).build()
}

fn taxonomy_list(r: &Renderer, name: &str, d: &RenderData) -> Result<Vec<u8>, Diagnostic> {
    let site = &d.site;
    record(Input::Taxonomy(name.to_string()));
    let Some(t) = site.index.taxonomy(name) else {
        return Err(Diagnostic::new("internal", format!("no taxonomy {name}")));
    };
    let mut terms: Vec<&crate::content::index::Term> = t.terms.values().collect();
    terms.sort_by(|a, b| b.pages.len().cmp(&a.pages.len()).then_with(|| a.name.cmp(&b.name)));
    let terms: Vec<Value> = terms
        .iter()
        .map(|term| term_map(&site.config, name, term).build())
        .collect();
    let path = format!("{name}/");
    let mut ctx = base_context(d, &path);
    let title = site.config.taxonomy(name).map(|t| t.title.as_str()).unwrap_or_default();
    ctx.insert_value("breadcrumbs", trail(d, &[], title, Some(&path)));
    ctx.insert_value("taxonomy", taxonomy_value(d, name));
    ctx.insert_value("terms", Value::from(terms));
    r.render_template("taxonomy_list.html", &ctx)
}

/// Pages grouped by year (newest year first), for term pages and lists.
fn by_year(d: &RenderData, page_values: &Value) -> Value {
    let mut groups: Vec<(Option<i64>, Vec<Value>)> = Vec::new();
    for v in page_values.as_array().unwrap_or(&[]) {
        let y = v
            .as_map()
            .and_then(|m| m.get(&tera::value::Key::from("year")))
            .and_then(|y| y.as_i64());
        match groups.iter_mut().find(|(gy, _)| *gy == y) {
            Some((_, list)) => list.push(v.clone()),
            None => groups.push((y, vec![v.clone()])),
        }
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.0));
    let _ = d;
    Value::from(
        groups
            .into_iter()
            .map(|(y, pages)| {
                let mut m = MapBuilder::new();
                m.set("year", y.map(Value::from).unwrap_or_else(Value::none))
                    .set("pages", Value::from(pages));
                m.build()
            })
            .collect::<Vec<_>>(),
    )
}

fn term(r: &Renderer, taxonomy: &str, slug: &str, pager: usize, d: &RenderData) -> Result<Vec<u8>, Diagnostic> {
    let site = &d.site;
    let config = &site.config;
    record(Input::Term(taxonomy.to_string(), slug.to_string()));
    let Some(t) = site
        .index
        .taxonomies
        .iter()
        .find(|t| t.name == taxonomy)
        .and_then(|t| t.terms.get(slug))
    else {
        return Err(Diagnostic::new("internal", format!("no term {taxonomy}/{slug}")));
    };
    let per = config
        .taxonomy(taxonomy)
        .and_then(|c| c.paginate_by)
        .unwrap_or(config.paginate_by);
    let base = format!("{taxonomy}/{slug}/");
    let pg = paginator(d, &t.pages, per, pager, &base);
    let pages = pg
        .as_map()
        .and_then(|m| m.get(&tera::value::Key::from("pages")).cloned())
        .unwrap_or_else(Value::none);
    let path = pager_path(&base, pager);
    let mut ctx = base_context(d, &path);
    let title = config.taxonomy(taxonomy).map(|t| t.title.clone()).unwrap_or_default();
    let above = [(title, format!("{taxonomy}/"))];
    ctx.insert_value("breadcrumbs", trail(d, &above, &t.name, Some(&path)));
    ctx.insert_value("taxonomy", taxonomy_value(d, taxonomy));
    ctx.insert_value("term", term_map(config, taxonomy, t).build());
    ctx.insert_value("by_year", by_year(d, &pages));
    ctx.insert_value("paginator", pg);
    r.render_template("taxonomy_single.html", &ctx)
}

/// `[{year, url, count, reports, projects, cases}]`, newest first.
pub fn years_list(d: &RenderData) -> Value {
    let site = &d.site;
    Value::from(
        site.index
            .years
            .iter()
            .rev()
            .map(|(y, rels)| {
                let count = |k: Kind| rels.iter().filter(|r| site.pages[*r].kind == k).count();
                let mut m = MapBuilder::new();
                m.set("year", *y)
                    .set("url", site.config.url(&format!("years/{y}/")))
                    .set("count", rels.len())
                    .set("reports", count(Kind::Report))
                    .set("projects", count(Kind::Project))
                    .set("cases", count(Kind::Case));
                m.build()
            })
            .collect::<Vec<_>>(),
    )
}

fn years(r: &Renderer, d: &RenderData) -> Result<Vec<u8>, Diagnostic> {
    record(Input::Years);
    let mut ctx = base_context(d, "years/");
    ctx.insert_value("breadcrumbs", trail(d, &[], "年度归档", Some("years/")));
    ctx.insert_value("years", years_list(d));
    r.render_template("years.html", &ctx)
}

fn year(r: &Renderer, y: i32, d: &RenderData) -> Result<Vec<u8>, Diagnostic> {
    let site = &d.site;
    record(Input::Year(y));
    record(Input::Years);
    let rels = site.index.years.get(&y).cloned().unwrap_or_default();
    let of = |k: Kind| -> Vec<String> { rels.iter().filter(|r| site.pages[*r].kind == k).cloned().collect() };
    let all_years: Vec<i32> = site.index.years.keys().copied().collect();
    let pos = all_years.iter().position(|x| *x == y);
    let link = |yy: Option<&i32>| match yy {
        Some(yy) => {
            let mut m = MapBuilder::new();
            m.set("year", *yy).set("url", site.config.url(&format!("years/{yy}/")));
            m.build()
        }
        None => Value::none(),
    };
    let mut m = MapBuilder::new();
    m.set("year", y)
        .set("url", site.config.url(&format!("years/{y}/")))
        .set("count", rels.len())
        .set("reports", summaries(d, &of(Kind::Report)))
        .set("projects", summaries(d, &of(Kind::Project)))
        .set("cases", summaries(d, &of(Kind::Case)))
        .set(
            "previous",
            link(pos.and_then(|p| p.checked_sub(1)).and_then(|p| all_years.get(p))),
        )
        .set("next", link(pos.and_then(|p| all_years.get(p + 1))));
    let path = format!("years/{y}/");
    let mut ctx = base_context(d, &path);
    let above = [("年度归档".to_string(), "years/".to_string())];
    ctx.insert_value("breadcrumbs", trail(d, &above, &format!("{y}年"), Some(&path)));
    ctx.insert_value("year", m.build());
    r.render_template("year.html", &ctx)
}

/// The search page, the 404 page and the site map: the top-level sections and the years. The
/// 404 page is served at any missing address, so its breadcrumb has none.
fn simple(r: &Renderer, template: &str, path: &str, title: &str, d: &RenderData) -> Result<Vec<u8>, Diagnostic> {
    let ctx = simple_context(d, path, title);
    r.render_template(template, &ctx)
}

fn simple_context(d: &RenderData, path: &str, title: &str) -> Context {
    let mut ctx = base_context(d, path);
    ctx.insert("title", title);
    let own_path = (!path.ends_with(".html")).then_some(path);
    ctx.insert_value("breadcrumbs", trail(d, &[], title, own_path));
    record(Input::Years);
    ctx.insert_value("years", years_list(d));
    let sections: Vec<Value> = d
        .site
        .index
        .subsections
        .get("")
        .into_iter()
        .flatten()
        .filter_map(|k| d.site.sections.get(k))
        .map(|s| {
            let mut m = MapBuilder::new();
            m.set("title", s.title.as_str())
                .set("url", d.site.config.url(&s.path))
                .set("kind", s.kind.as_str())
                .set("kind_label", s.kind.label());
            m.build()
        })
        .collect();
    ctx.insert_value("sections", Value::from(sections));
    ctx
}

/// `/sitemap/`, the site map for people: every section with its pages by year (and its
/// subsections one level down), the pages outside sections, and the site's own lists.
fn site_map(r: &Renderer, d: &RenderData) -> Result<Vec<u8>, Diagnostic> {
    let site = &d.site;
    let mut ctx = simple_context(d, "sitemap/", "网站地图");
    let top = site.index.subsections.get("").cloned().unwrap_or_default();
    let columns: Vec<Value> = top.iter().map(|k| map_column(d, k, true)).collect();
    ctx.insert_value("columns", Value::from(columns));
    record(Input::SectionList(String::new()));
    let loose = site.index.section_pages.get("").cloned().unwrap_or_default();
    ctx.insert_value("other_pages", summaries(d, &loose));
    let taxonomies: Vec<Value> = site
        .index
        .taxonomies
        .iter()
        .map(|t| {
            record(Input::Taxonomy(t.name.clone()));
            taxonomy_value(d, &t.name)
        })
        .collect();
    ctx.insert_value("taxonomies", Value::from(taxonomies));
    record(Input::Metrics);
    ctx.insert("has_metrics", &!site.index.metrics.series.is_empty());
    r.render_template("sitemap.html", &ctx)
}

/// One section of the site map: title, url, its pages grouped by year, and (for a top-level
/// section) its subsections.
fn map_column(d: &RenderData, key: &str, with_children: bool) -> Value {
    let site = &d.site;
    record(Input::Section(key.to_string()));
    record(Input::SectionList(key.to_string()));
    let mut m = MapBuilder::new();
    let Some(s) = site.sections.get(key) else {
        return m.build();
    };
    let rels = site.index.section_pages.get(key).cloned().unwrap_or_default();
    let children: Vec<Value> = if with_children {
        site.index
            .subsections
            .get(key)
            .into_iter()
            .flatten()
            .filter(|k| site.sections.get(*k).is_some_and(|c| !c.front.transparent))
            .map(|k| map_column(d, k, false))
            .collect()
    } else {
        Vec::new()
    };
    m.set("title", s.title.as_str())
        .set("url", site.config.url(&s.path))
        .set("count", rels.len())
        .set("by_year", by_year(d, &summaries(d, &rels)))
        .set("subsections", Value::from(children));
    m.build()
}
