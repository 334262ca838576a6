//! What a build with a cache does again, and the cache state it leaves.
//!
//! [`plan`] compares the fingerprints of every input the previous build's outputs read with
//! their fingerprints now: an output is rendered again when it is new, moved, read a changed
//! input, or its file in the output folder is not the one the manifest records; every other
//! output is kept as it is. [`search_index`] brings the search index up to date: documents
//! whose page changed are replaced in the kept index (old and new versions tokenized again);
//! when documents were added, removed or reordered it is built again from every page.
//! [`next_state`] puts together what the next build will reuse.

use std::collections::HashMap;

use rayon::prelude::*;

use super::Pipeline;
use super::cache::{OutputRecord, SearchState, State};
use super::fingerprint::fingerprints;
use crate::content::reuse::ParseCache;
use crate::content::{Page, Site};
use crate::diagnostics::{Diagnostic, Error};
use crate::output::Writer;
use crate::render::search::{self, DocInfo, DocTokens, Indexer};
use crate::render::{Input, OutputKey, Values, output_path};
use crate::util::FxMap;

/// What a build with a cache renders and keeps.
pub struct Plan {
    pub render: Vec<OutputKey>,
    pub kept: Vec<OutputRecord>,
    /// The fingerprints now of the inputs the previous build recorded.
    pub fingerprints: FxMap<Input, u64>,
}

/// Decides which of `keys` to render again (see the module documentation); the kept ones are
/// recorded in `writer` as unchanged.
pub fn plan(state: &State, p: &Pipeline, keys: &[OutputKey], writer: &Writer) -> Result<Plan, Error> {
    let (site, values, templates) = (&p.site, &p.values, &p.renderer.templates);
    let now = fingerprints(site, values, templates, state.inputs.iter().map(|(i, _)| i), None);
    let changed: Vec<bool> = state.inputs.iter().map(|(i, fp)| now.get(i) != Some(fp)).collect();
    let before: HashMap<&OutputKey, &OutputRecord> = state.outputs.iter().map(|r| (&r.key, r)).collect();
    let mut plan = Plan {
        render: Vec::new(),
        kept: Vec::new(),
        fingerprints: now,
    };
    for key in keys {
        let path = output_path(key, site);
        let same = before.get(key).filter(|r| {
            r.path == path
                && !r
                    .inputs
                    .iter()
                    .any(|i| changed.get(*i as usize).copied().unwrap_or(true))
        });
        match same {
            Some(r) if writer.keep(&path)? => plan.kept.push((*r).clone()),
            _ => plan.render.push(key.clone()),
        }
    }
    Ok(plan)
}

/// The documents of the index now: names ([`search::Doc::name`]) and fingerprints, in
/// document order.
pub fn indexed_docs(site: &Site, values: &Values) -> Vec<(String, u64)> {
    indexed(site, values).iter().map(|(d, h)| (d.name(), *h)).collect()
}

/// The search documents now, in document order, with their fingerprints.
fn indexed<'a>(site: &'a Site, values: &Values) -> Vec<(search::Doc<'a>, u64)> {
    search::docs(site)
        .into_iter()
        .map(|d| {
            let page_hash = values.pages.get(&d.page.rel).map_or(0, |v| v.full_hash);
            (d, search::doc_fingerprint(site, &d, page_hash))
        })
        .collect()
}

/// Where the earlier versions of pages are, for taking them out of a kept search index.
pub enum Earlier<'a> {
    /// A build: the parse cache, bodies in the site's body file.
    Parsed(&'a ParseCache),
    /// Serve: the site the index was built from.
    Site(&'a Site),
}

impl Earlier<'_> {
    /// The tokens the earlier version of page `rel` gave, when it can be read back. A page
    /// with attachments cannot be: their files may have changed in place since.
    /// An attachment's earlier text cannot be: its file may have changed in place since.
    fn tokens(&self, site: &Site, doc: &search::Doc) -> Result<Option<DocTokens>, Diagnostic> {
        if doc.attachment.is_some() {
            return Ok(None);
        }
        let rel = &doc.page.rel;
        match self {
            Earlier::Parsed(parsed) => match parsed.page(rel) {
                Some(old) => old_tokens(site, old),
                None => Ok(None),
            },
            Earlier::Site(old_site) => match old_site.pages.get(rel) {
                Some(old) => {
                    let doc = search::Doc {
                        page: old,
                        attachment: None,
                    };
                    search::doc_tokens(old_site, &doc, None).map(Some)
                }
                None => Ok(None),
            },
        }
    }
}

/// The search index of the site now, from the previous one when the documents are the same
/// pages in the same order (`earlier` holds those pages' earlier versions), else from scratch.
pub fn search_index(
    previous: Option<SearchState>,
    earlier: Option<Earlier>,
    site: &Site,
    values: &Values,
) -> Result<SearchState, Error> {
    let docs = indexed(site, values);
    let order: Vec<(String, u64)> = docs.iter().map(|(d, h)| (d.name(), *h)).collect();
    let same_docs = |s: &SearchState| s.docs.len() == order.len() && s.docs.iter().zip(&order).all(|(a, b)| a.0 == b.0);
    let indexer = match (previous, earlier) {
        (Some(s), Some(earlier)) if same_docs(&s) && s.indexer.len() == docs.len() => {
            update(s, &earlier, site, &docs).map_err(Error::one)?
        }
        _ => build_all(site, &docs).map_err(Error::one)?,
    };
    Ok(SearchState { docs: order, indexer })
}

/// The index built from every document, tokenized in parallel a chunk at a time.
fn build_all(site: &Site, docs: &[(search::Doc, u64)]) -> Result<Indexer, Diagnostic> {
    let mut ix = Indexer::default();
    for chunk in docs.chunks(512) {
        let done: Vec<Result<(DocInfo, DocTokens), Diagnostic>> =
            chunk.par_iter().map(|(d, _)| search::document(site, d, None)).collect();
        for d in done {
            let (info, t) = d?;
            ix.add(info, t);
        }
    }
    Ok(ix)
}

/// The previous index with every changed document replaced.
fn update(
    prev: SearchState,
    earlier: &Earlier,
    site: &Site,
    docs: &[(search::Doc, u64)],
) -> Result<Indexer, Diagnostic> {
    let changed: Vec<usize> = (0..docs.len()).filter(|&d| prev.docs[d].1 != docs[d].1).collect();
    type Versions = (usize, DocTokens, DocInfo, DocTokens);
    let versions: Vec<Result<Option<Versions>, Diagnostic>> = changed
        .par_iter()
        .map(|&d| {
            let doc = &docs[d].0;
            let Some(old) = earlier.tokens(site, doc)? else {
                return Ok(None);
            };
            let (info, new) = search::document(site, doc, None)?;
            Ok(Some((d, old, info, new)))
        })
        .collect();
    let mut ix = prev.indexer;
    for v in versions {
        match v? {
            Some((d, old, info, new)) => ix.replace(d as u32, &old, info, new),
            // An old version we cannot read back: start over.
            None => return build_all(site, docs),
        }
    }
    Ok(ix)
}

/// The tokens an earlier version of a page gave, from its body in the body file. Links sit
/// inside tags, which the tokenizer skips, so the unresolved body tokenizes like the resolved.
fn old_tokens(site: &Site, old: &Page) -> Result<Option<DocTokens>, Diagnostic> {
    let (Some(span), Some(spill)) = (old.spilled, &site.bodies) else {
        return Ok(None);
    };
    let html = spill
        .get(span)
        .map_err(|e| Diagnostic::new("io", format!("读取缓存的正文失败：{e}")).in_file(&old.shown))?;
    Ok(Some(search::tokenize(&old.front.title, &html)))
}

/// The outputs rendered by this build and what each read, the inputs interned as they
/// arrive: an output holds the ids of its inputs, not copies of them (at 100,000 pages the
/// copies were about 300 MB).
#[derive(Default)]
pub struct Rendered {
    table: FxMap<Input, u32>,
    inputs: Vec<Input>,
    outputs: Vec<(OutputKey, String, Vec<u32>)>,
}

impl Rendered {
    /// Notes that output `key`, at `path`, read `read`.
    pub fn add(&mut self, key: OutputKey, path: String, read: Vec<Input>) {
        // Built fresh, not collected in place: that would keep `read`'s allocation, 8 times
        // the size the ids need.
        let mut ids = Vec::with_capacity(read.len());
        ids.extend(read.into_iter().map(|i| self.intern(i)));
        self.outputs.push((key, path, ids));
    }

    fn intern(&mut self, i: Input) -> u32 {
        let inputs = &mut self.inputs;
        *self.table.entry(i).or_insert_with_key(|i| {
            inputs.push(i.clone());
            (inputs.len() - 1) as u32
        })
    }

    /// How many outputs it holds.
    pub fn len(&self) -> usize {
        self.outputs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.outputs.is_empty()
    }
}

/// The state the next build reuses: the parse results with their stamps, every output (kept
/// ones with the inputs they read last time, rendered ones with what they read now), every
/// input's fingerprint now, the copied files' stamps, and the previous build's part names
/// (the build sets the search index's when it made a new one).
pub fn next_state(
    p: &Pipeline,
    previous: Option<&State>,
    kept: Vec<OutputRecord>,
    mut rendered: Rendered,
    mut known: FxMap<Input, u64>,
    copies: HashMap<String, (std::path::PathBuf, crate::content::reuse::Stamp)>,
) -> State {
    let old_inputs = previous.map(|s| s.inputs.as_slice()).unwrap_or(&[]);
    let mut outputs: Vec<OutputRecord> = Vec::with_capacity(kept.len() + rendered.len());
    for r in kept {
        let ids = r
            .inputs
            .iter()
            .filter_map(|i| old_inputs.get(*i as usize))
            .map(|(i, _)| rendered.intern(i.clone()))
            .collect();
        outputs.push(OutputRecord { inputs: ids, ..r });
    }
    let Rendered {
        table,
        inputs,
        outputs: fresh,
    } = rendered;
    drop(table);
    for (key, path, inputs) in fresh {
        outputs.push(OutputRecord { key, path, inputs });
    }
    let missing: Vec<&Input> = inputs.iter().filter(|i| !known.contains_key(*i)).collect();
    known.extend(fingerprints(
        &p.site,
        &p.values,
        &p.renderer.templates,
        missing.into_iter(),
        None,
    ));
    let inputs = inputs
        .into_iter()
        .map(|i| {
            let fp = known.get(&i).copied().unwrap_or(0);
            (i, fp)
        })
        .collect();
    State {
        outputs,
        inputs,
        copies,
        stored: previous.map(|s| s.stored.clone()).unwrap_or_default(),
        ..State::of_load(&p.site)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_reading_the_same_input_share_its_id() {
        let mut r = Rendered::default();
        r.add(
            OutputKey::Page("a.md".into()),
            "a/index.html".into(),
            vec![Input::Config, Input::PageMeta("a.md".into())],
        );
        r.add(
            OutputKey::Page("b.md".into()),
            "b/index.html".into(),
            vec![Input::PageMeta("a.md".into()), Input::Years],
        );
        assert_eq!(r.len(), 2);
        assert_eq!(
            r.inputs,
            vec![Input::Config, Input::PageMeta("a.md".into()), Input::Years]
        );
        assert_eq!(r.outputs[0].2, vec![0, 1]);
        assert_eq!(r.outputs[1].2, vec![1, 2]);
        assert_eq!(r.intern(Input::Years), 2);
        assert_eq!(r.intern(Input::Recent), 3);
    }
}
