//! Which outputs a change makes stale: fingerprints of the inputs outputs read.
//!
//! Every rendered output records the [`Input`]s it read. After an edit, the fingerprint of
//! each input that the edit can have changed is computed again; an output that read an input
//! whose fingerprint changed is rendered again. [`Scope`] keeps this cheap: per-page inputs are
//! only recomputed for the pages whose values were rebuilt, index-derived inputs only when the
//! index was rebuilt.

use std::collections::HashSet;

use rayon::prelude::*;

use crate::config::Kind;
use crate::content::Site;
use crate::render::{Input, Templates, Values};
use crate::util::{FxMap, hash_of};

/// Which inputs an update can have changed.
#[derive(Clone, Copy)]
pub struct Scope<'a> {
    /// Pages whose values were rebuilt.
    pub pages: &'a [String],
    /// Whether the site index was rebuilt (lists, terms, years ... may have changed).
    pub lists: bool,
    /// Whether templates changed.
    pub templates: bool,
}

/// Fingerprints of `inputs` (the inputs some output read). With a scope, only those the update
/// can have changed; without one, all of them.
pub fn fingerprints<'a>(
    site: &Site,
    values: &Values,
    templates: &Templates,
    inputs: impl Iterator<Item = &'a Input>,
    scope: Option<Scope>,
) -> FxMap<Input, u64> {
    let only: Option<HashSet<&str>> = scope.map(|s| s.pages.iter().map(String::as_str).collect());
    let in_scope = |rel: &str| only.as_ref().is_none_or(|o| o.contains(rel));
    let lists = scope.is_none_or(|s| s.lists);
    let wanted = |input: &Input| match input {
        Input::PageMeta(r) | Input::PageFull(r) => in_scope(r),
        Input::Path(p) => {
            lists
                || (only.as_ref().is_none_or(|o| !o.is_empty())
                    && site.lookup(p).is_some_and(|(owner, _)| in_scope(&owner)))
        }
        Input::Section(_) => true,
        // Config changes reload everything in serve; without a scope every input is wanted.
        Input::Config => scope.is_none(),
        Input::Template(_) => scope.is_none_or(|s| s.templates),
        // Files change without any content edit: always looked at (a stat each).
        Input::File(_) | Input::Image(_) => true,
        _ => lists,
    };
    let inputs: Vec<&Input> = inputs.filter(|i| wanted(i)).collect();
    inputs
        .par_iter()
        .map(|input| ((*input).clone(), fingerprint(site, values, templates, input)))
        .collect()
}

fn list_hash(l: Option<&Vec<String>>) -> u64 {
    hash_of(&l.map(|v| v.as_slice()).unwrap_or(&[]))
}

/// The fingerprint of one input: equal before and after an edit means unchanged.
fn fingerprint(site: &Site, values: &Values, templates: &Templates, input: &Input) -> u64 {
    let index = &site.index;
    match input {
        Input::PageMeta(r) => values.pages.get(r).map_or(0, |v| v.meta_hash),
        Input::PageFull(r) => values.pages.get(r).map_or(0, |v| v.full_hash),
        Input::Section(k) => values.sections.get(k).map_or(0, |s| s.1),
        // Config changes rebuild everything; they are not compared input by input.
        Input::Config => 0,
        // A template and everything it extends or includes, and every component.
        Input::Template(t) => hash_of(
            &templates
                .closure(t)
                .iter()
                .map(|n| (n, templates.sources.get(n).map(|s| s.text.as_str())))
                .collect::<Vec<_>>(),
        ),
        Input::Neighbours(r) => hash_of(&index.neighbours.get(r)),
        Input::SectionList(k) => list_hash(index.section_pages.get(k)),
        Input::SectionTree => hash_of(&(
            site.sections
                .iter()
                .map(|(k, s)| (k, &s.title, &s.path, s.front.weight, s.front.in_nav))
                .collect::<Vec<_>>(),
            crate::render::values::nav_items(site),
        )),
        Input::Taxonomy(t) => hash_of(&index.taxonomy(t).map(|x| {
            x.terms
                .values()
                .map(|term| (&term.name, term.pages.len()))
                .collect::<Vec<_>>()
        })),
        Input::Term(t, slug) => hash_of(
            &index
                .taxonomy(t)
                .and_then(|x| x.terms.get(slug))
                .map(|term| (&term.name, &term.pages)),
        ),
        Input::Years => years_hash(site),
        Input::Year(y) => list_hash(index.years.get(y)),
        Input::KindList(k) => list_hash(index.by_kind.get(&Kind::parse(k).unwrap_or(Kind::Page))),
        Input::Recent => hash_of(
            &index
                .recent
                .iter()
                .map(|r| (r, site.pages.get(r).is_some_and(|p| p.front.date.is_some())))
                .collect::<Vec<_>>(),
        ),
        Input::Publisher(p) => publisher_hash(site, p),
        Input::ProjectRefs(r) => list_hash(index.project_refs.get(r)),
        Input::Metrics => metrics_hash(site),
        Input::File(f) => crate::content::reuse::file_hash(&site.config.root.join(f)),
        // A product, not a read: its original is an `Input::File` of the same output.
        Input::Image(d) => hash_of(d),
        Input::Path(p) => hash_of(&site.lookup(p).map(|(owner, path)| {
            let full = site
                .pages
                .get(&owner)
                .and_then(|_| values.pages.get(&owner))
                .map_or(0, |v| v.full_hash);
            (owner, path, full)
        })),
    }
}

fn years_hash(site: &Site) -> u64 {
    hash_of(
        &site
            .index
            .years
            .iter()
            .map(|(y, l)| {
                (
                    y,
                    l.iter().map(|r| site.pages.get(r).map(|p| p.kind)).collect::<Vec<_>>(),
                )
            })
            .collect::<Vec<_>>(),
    )
}

fn publisher_hash(site: &Site, publisher: &str) -> u64 {
    hash_of(&site.index.reports_by_publisher.get(publisher).map(|l| {
        l.iter()
            .filter_map(|r| site.pages.get(r))
            .map(|q| {
                (
                    &q.rel,
                    &q.path,
                    &q.front.title,
                    q.year,
                    q.front.metrics.as_ref().map(|m| {
                        m.iter()
                            .map(|x| (&x.key, x.value.to_bits(), &x.unit, &x.label))
                            .collect::<Vec<_>>()
                    }),
                )
            })
            .collect::<Vec<_>>()
    }))
}

fn metrics_hash(site: &Site) -> u64 {
    hash_of(
        &site
            .index
            .metrics
            .series
            .values()
            .map(|s| {
                let points: Vec<_> = s
                    .by_publisher
                    .iter()
                    .map(|(p, pts)| {
                        (
                            p,
                            pts.iter()
                                .map(|x| (x.year, x.value.to_bits(), &x.page))
                                .collect::<Vec<_>>(),
                        )
                    })
                    .collect();
                (&s.key, &s.label, &s.unit, points)
            })
            .collect::<Vec<_>>(),
    )
}
