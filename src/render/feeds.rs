//! Machine-read outputs: the Atom feed, its RSS 2.0 twin `rss.xml` (many Chinese readers and
//! aggregators want RSS), an Atom feed per taxonomy term (`topics/法治/atom.xml`),
//! `sitemap.xml` and `robots.txt`.
//!
//! All go through templates (`atom.xml`, `rss.xml`, `sitemap.xml`, `robots.txt`) so a theme can
//! change them; pufa ships defaults for themes that do not. Dates come from the content, never
//! from the clock, so the same input gives the same bytes; pages dated after the publishing
//! day (kept by `--future` or serve) are in neither the feed nor the sitemap.

use tera::{Context, Value};

use super::values::MapBuilder;
use super::{Input, OutputKey, RenderData, Renderer, pager_count, pager_path, record};
use crate::diagnostics::Diagnostic;

/// `pages` (the newest dated ones of `list`, at most `feed_limit`) and `updated` for a feed.
fn feed_context(ctx: &mut Context, d: &RenderData, list: &[String]) {
    let site = &d.site;
    let dated: Vec<_> = list
        .iter()
        .filter_map(|r| site.pages.get(r))
        .filter(|p| p.front.date.is_some())
        .take(site.config.feed_limit)
        .collect();
    let newest = |pages: &mut dyn Iterator<Item = &crate::content::Page>| {
        pages.filter_map(|p| crate::content::updated_on(p, site.today)).max()
    };
    // A feed of undated pages still needs an <updated>: the site's newest date then.
    let updated = newest(&mut dated.iter().map(|p| p.as_ref())).or_else(|| {
        record(Input::Recent);
        newest(
            &mut site
                .index
                .recent
                .iter()
                .filter_map(|r| site.pages.get(r))
                .map(|p| p.as_ref()),
        )
    });
    let pages: Vec<Value> = dated.iter().map(|p| d.summary(&p.rel)).collect();
    ctx.insert_value("pages", Value::from(pages));
    ctx.insert(
        "updated",
        &updated
            .map(|u| u.rfc3339())
            .unwrap_or_else(|| "1970-01-01T00:00:00+00:00".into()),
    );
    ctx.insert(
        "updated_rfc2822",
        &updated
            .map(|u| u.rfc2822())
            .unwrap_or_else(|| "Thu, 01 Jan 1970 00:00:00 +0000".into()),
    );
}

pub fn render(r: &Renderer, key: &OutputKey, d: &RenderData) -> Result<Vec<u8>, Diagnostic> {
    let site = &d.site;
    let config = &site.config;
    let mut ctx = Context::new();
    ctx.insert_value("config", d.values.config.clone());
    match key {
        OutputKey::Feed | OutputKey::Rss => {
            record(Input::Recent);
            feed_context(&mut ctx, d, &site.index.recent);
            ctx.insert("feed_title", &config.title);
            ctx.insert("alternate_url", &config.permalink(""));
            if *key == OutputKey::Rss {
                ctx.insert("feed_url", &config.permalink("rss.xml"));
                return r.render_template("rss.xml", &ctx);
            }
            ctx.insert("feed_url", &config.permalink("atom.xml"));
            r.render_template("atom.xml", &ctx)
        }
        OutputKey::TermFeed { taxonomy, slug } => {
            record(Input::Term(taxonomy.clone(), slug.clone()));
            let tax = site.index.taxonomy(taxonomy);
            let term = tax.and_then(|t| t.terms.get(slug));
            let (Some(tax), Some(term)) = (tax, term) else {
                return Err(Diagnostic::new("internal", format!("no term {taxonomy}/{slug}")));
            };
            // A term's list holds pages dated later too (serve, `--future`): never in a feed.
            let pages: Vec<String> = term
                .pages
                .iter()
                .filter(|r| {
                    site.pages
                        .get(*r)
                        .is_some_and(|p| !crate::content::is_future(p, site.today))
                })
                .cloned()
                .collect();
            for rel in &pages {
                record(Input::PageMeta(rel.clone()));
            }
            feed_context(&mut ctx, d, &pages);
            let dir = format!("{taxonomy}/{slug}/");
            ctx.insert(
                "feed_title",
                &format!("{}：{} - {}", tax.title, term.name, config.title),
            );
            ctx.insert("alternate_url", &config.permalink(&dir));
            ctx.insert("feed_url", &config.permalink(&format!("{dir}atom.xml")));
            r.render_template("atom.xml", &ctx)
        }
        OutputKey::Sitemap => {
            record(Input::SectionTree);
            record(Input::Years);
            record(Input::Metrics);
            let mut entries: Vec<(String, Option<String>)> = Vec::new();
            for (k, s) in &site.sections {
                record(Input::SectionList(k.clone()));
                let n = site.index.section_pages.get(k).map_or(0, Vec::len);
                for pager in 1..=pager_count(n, s.front.paginate_by.unwrap_or(0)) {
                    entries.push((config.permalink(&pager_path(&s.path, pager)), None));
                }
            }
            // A page dated after the publishing day (`--future`) is left out: crawlers are
            // never told about a date to come. Its PageMeta input carries that fact.
            for p in site.pages.values() {
                record(Input::PageMeta(p.rel.clone()));
                if crate::content::is_future(p, site.today) {
                    continue;
                }
                entries.push((
                    config.permalink(&p.path),
                    crate::content::updated_on(p, site.today).map(|d| d.ymd_string()),
                ));
            }
            for t in &site.index.taxonomies {
                record(Input::Taxonomy(t.name.clone()));
                entries.push((config.permalink(&format!("{}/", t.name)), None));
                for term in t.terms.values() {
                    entries.push((config.permalink(&format!("{}/{}/", t.name, term.slug)), None));
                }
            }
            if !site.index.years.is_empty() {
                entries.push((config.permalink("years/"), None));
                for y in site.index.years.keys() {
                    entries.push((config.permalink(&format!("years/{y}/")), None));
                }
            }
            if !site.index.metrics.series.is_empty() {
                entries.push((config.permalink("metrics/"), None));
                for k in site.index.metrics.series.keys() {
                    entries.push((config.permalink(&format!("metrics/{k}/")), None));
                }
            }
            entries.push((config.permalink("sitemap/"), None));
            entries.sort();
            entries.dedup();
            let entries: Vec<Value> = entries
                .into_iter()
                .map(|(loc, lastmod)| {
                    let mut m = MapBuilder::new();
                    m.set("permalink", loc)
                        .set("lastmod", lastmod.map(Value::from).unwrap_or_else(Value::none));
                    m.build()
                })
                .collect();
            ctx.insert_value("entries", Value::from(entries));
            r.render_template("sitemap.xml", &ctx)
        }
        OutputKey::Robots => {
            ctx.insert("sitemap_url", &config.permalink("sitemap.xml"));
            r.render_template("robots.txt", &ctx)
        }
        _ => Err(Diagnostic::new("internal", format!("{key:?} is not a feed"))),
    }
}
