//! Changing a [`Site`] in place, with an undo log (serve mode).
//!
//! [`Site::apply`] takes the changes one batch of edits made ([`Op`]s: pages put or removed,
//! sections replaced, loose files added or gone), re-assembles what they can affect and
//! returns an [`Applied`]: which items were re-resolved, whether the index could be kept, and
//! the [`Undo`] that puts the site back as it was. A batch whose re-assembly fails is undone
//! before `apply` returns, so the site is always the last good one.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use super::index::SiteIndex;
use super::site::{Resolved, section_owner};
use super::{Asset, Page, Section, Site};
use crate::diagnostics::{Diagnostic, Error};

/// One change to the model, prepared (parsed) before anything is changed.
#[derive(Debug)]
pub enum Op {
    /// Put (`Some`) or remove (`None`) the page at this content path; `true` when the file
    /// is now a draft left out.
    Page(String, Option<Arc<Page>>, bool),
    Section(Arc<Section>),
    /// A loose file under content/ appeared, changed (`Some`) or went (`None`).
    Asset(String, Option<Asset>),
}

/// What [`Site::apply`] did.
pub struct Applied {
    /// Pages (content paths) and sections (`…/_index.md` owners) whose links were resolved
    /// again: the changed items and those linking to them.
    pub resolved: BTreeSet<String>,
    /// The index was kept as it was (the batch changed no page's index facts).
    pub index_kept: bool,
    pub undo: Undo,
}

impl Applied {
    /// A batch of template or static edits: the model is as it was.
    pub fn nothing() -> Applied {
        Applied {
            resolved: BTreeSet::new(),
            index_kept: true,
            undo: Undo::default(),
        }
    }
}

/// What an in-place update replaced, to put back.
#[derive(Default)]
pub struct Undo {
    pages: Vec<(String, Option<Arc<Page>>)>,
    sections: Option<BTreeMap<String, Arc<Section>>>,
    drafts: Option<BTreeSet<String>>,
    assets: Option<Vec<Asset>>,
    resolved: Vec<(String, Option<Resolved>)>,
    resolved_sections: Option<HashMap<String, Resolved>>,
    index: Option<Arc<SiteIndex>>,
    warnings: Option<Vec<Diagnostic>>,
}

/// A map keyed by content path whose entries an undo log can put back.
pub trait UndoMap<V> {
    /// Sets the entry, or removes it for `None` (the key was new).
    fn put(&mut self, key: String, old: Option<V>);

    /// Puts back the old entries; a key changed twice was recorded twice, so newest first.
    fn put_back(&mut self, entries: Vec<(String, Option<V>)>) {
        for (key, old) in entries.into_iter().rev() {
            self.put(key, old);
        }
    }
}

impl<V> UndoMap<V> for BTreeMap<String, V> {
    fn put(&mut self, key: String, old: Option<V>) {
        match old {
            Some(v) => self.insert(key, v),
            None => self.remove(&key),
        };
    }
}

impl<V, S: std::hash::BuildHasher> UndoMap<V> for HashMap<String, V, S> {
    fn put(&mut self, key: String, old: Option<V>) {
        match old {
            Some(v) => self.insert(key, v),
            None => self.remove(&key),
        };
    }
}

impl Site {
    /// Applies `ops`, re-resolves the links of the items they touch and of the items linking
    /// to those, and rebuilds the index unless no page's index facts changed (a body edit).
    /// On failure the site is put back and the errors returned.
    pub fn apply(&mut self, ops: Vec<Op>) -> Result<Applied, Error> {
        if ops.is_empty() {
            return Ok(Applied::nothing());
        }
        let mut undo = Undo {
            sections: Some(self.sections.clone()),
            ..Default::default()
        };
        let (touched, index_same) = self.apply_ops(ops, &mut undo);
        let resolved = self.affected_by(&touched);
        let index_kept = !touched.is_empty() && index_same;
        undo.resolved = resolved
            .iter()
            .map(|r| (r.clone(), self.resolved.get(r).cloned()))
            .collect();
        undo.resolved_sections = Some(self.resolved_sections.clone());
        undo.index = Some(Arc::clone(&self.index));
        undo.warnings = Some(self.warnings.clone());
        if let Err(e) = self.assemble_with(Some(&resolved), index_kept) {
            self.undo(undo);
            return Err(e);
        }
        Ok(Applied {
            resolved,
            index_kept,
            undo,
        })
    }

    /// Puts the site back as it was before the [`Site::apply`] that returned `undo`.
    pub fn undo(&mut self, undo: Undo) {
        self.pages.put_back(undo.pages);
        if let Some(s) = undo.sections {
            self.sections = s;
        }
        if let Some(d) = undo.drafts {
            self.drafts = d;
        }
        if let Some(a) = undo.assets {
            self.assets = a;
        }
        self.resolved.put_back(undo.resolved);
        if let Some(r) = undo.resolved_sections {
            self.resolved_sections = r;
        }
        if let Some(i) = undo.index {
            self.index = i;
        }
        if let Some(w) = undo.warnings {
            self.warnings = w;
        }
    }

    /// Carries out the ops; returns the touched items (page paths, section owners) and
    /// whether every replaced page kept its index facts.
    fn apply_ops(&mut self, ops: Vec<Op>, undo: &mut Undo) -> (BTreeSet<String>, bool) {
        let mut touched = BTreeSet::new();
        let mut index_same = true;
        for op in ops {
            match op {
                Op::Page(rel, page, draft) => {
                    let old = match page {
                        Some(p) => self.pages.insert(rel.clone(), p),
                        None => self.pages.remove(&rel),
                    };
                    index_same &= match (&old, self.pages.get(&rel)) {
                        (Some(a), Some(b)) => a.index_hash == b.index_hash,
                        _ => false,
                    };
                    undo.pages.push((rel.clone(), old));
                    undo.drafts.get_or_insert_with(|| self.drafts.clone());
                    if draft {
                        self.drafts.insert(rel.clone());
                    } else {
                        self.drafts.remove(&rel);
                    }
                    touched.insert(rel);
                }
                Op::Section(s) => {
                    index_same = false;
                    touched.insert(section_owner(&s.key));
                    self.sections.insert(s.key.clone(), s);
                }
                Op::Asset(r, a) => {
                    undo.assets.get_or_insert_with(|| self.assets.clone());
                    self.assets.retain(|x| x.out != r);
                    if let Some(a) = a {
                        self.assets.push(a);
                        self.assets.sort();
                    }
                }
            }
        }
        (touched, index_same)
    }

    /// The touched items and the items linking to them. An untouched page's links are what
    /// they were, so the current back-links name every such page. Links written `x.md` to a
    /// bundle `x/index.md` are registered under `x.md`, covered by the same lookup.
    fn affected_by(&self, touched: &BTreeSet<String>) -> BTreeSet<String> {
        let mut out = touched.clone();
        for t in touched {
            out.extend(self.linking_to(t).cloned());
            if let Some(stem) = t.strip_suffix("/index.md") {
                out.extend(self.linking_to(&format!("{stem}.md")).cloned());
            }
        }
        out
    }
}
