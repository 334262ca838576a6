//! What an output reads while it renders: the [`Input`]s serve mode keeps to re-render only
//! the outputs an edit touches.
//!
//! Reads are recorded where they happen: the value accessors ([`super::Values::page_summary`]
//! and friends) and the template functions call [`record`]. Tera hands its functions no
//! per-render handle, so the recorder of the output being rendered is the one piece of
//! thread-local state in the renderer: [`Recording::start`] installs a fresh recorder on the
//! rendering thread and [`Recording::finish`] (or dropping it, on any exit path) takes it
//! off again, so no read can leak from one output into another. A build without a cache
//! records only the images `resize_image` made for an output ([`Input::Image`]), which it
//! must publish: any other [`record`] then costs one thread-local check.

use std::cell::RefCell;

/// A piece of the model an output reads. Serve mode compares fingerprints of inputs before
/// and after an edit and re-renders the outputs that read a changed one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Input {
    Config,
    /// A template and, through the dependency graph, what it extends or includes.
    Template(String),
    /// What lists show of a page.
    PageMeta(String),
    /// All of a page.
    PageFull(String),
    /// A section's own data (title, content, subsections).
    Section(String),
    /// The ordered pages of a section.
    SectionList(String),
    /// The set of sections and their titles (navigation).
    SectionTree,
    /// Which pages sit before and after a page.
    Neighbours(String),
    Taxonomy(String),
    Term(String, String),
    Years,
    Year(i32),
    /// Pages of one kind, newest first (used by `get_pages`).
    KindList(String),
    /// All dated pages newest first (the feed).
    Recent,
    /// The reports of one publisher and their metrics.
    Publisher(String),
    /// The reports and cases naming a project.
    ProjectRefs(String),
    /// All metric series.
    Metrics,
    /// A path looked up by a template (`get_page` of a missing page).
    Path(String),
    /// A file read while rendering (a shortcode's image, attachment or data file), by its
    /// path relative to the site folder; fingerprinted by its size and modification time.
    File(String),
    /// Not a read but a product: an image `resize_image` made for this output, which is
    /// published beside it. Recorded even when reads are not, so every render reports the
    /// images it needs (see [`Recording::start`]).
    Image(super::images::Derived),
}

thread_local! {
    /// The recording on this thread: whether it takes every read (or only products), and
    /// what it took.
    static CURRENT: RefCell<Option<(bool, Vec<Input>)>> = const { RefCell::new(None) };
}

/// Records that the output being rendered on this thread reads `input` (nothing happens when
/// no [`Recording`] is active; a recording of products only keeps [`Input::Image`]s).
pub fn record(input: Input) {
    CURRENT.with(|r| {
        if let Some((all, v)) = r.borrow_mut().as_mut()
            && (*all || matches!(input, Input::Image(_)))
        {
            v.push(input);
        }
    });
}

/// The recording of one output's reads on the current thread.
pub struct Recording {
    active: bool,
}

impl Recording {
    /// Starts recording on this thread: every read when `on`, otherwise only the products
    /// ([`Input::Image`]), which a build needs even when it does not keep what was read.
    pub fn start(on: bool) -> Recording {
        let capacity = if on { 16 } else { 0 };
        CURRENT.with(|r| *r.borrow_mut() = Some((on, Vec::with_capacity(capacity))));
        Recording { active: true }
    }

    /// Stops recording and returns what was read, sorted and without repeats.
    pub fn finish(mut self) -> Vec<Input> {
        let mut inputs = self.take();
        inputs.sort_unstable();
        inputs.dedup();
        inputs
    }

    fn take(&mut self) -> Vec<Input> {
        if !std::mem::take(&mut self.active) {
            return Vec::new();
        }
        CURRENT
            .with(|r| r.borrow_mut().take())
            .map(|(_, v)| v)
            .unwrap_or_default()
    }
}

impl Drop for Recording {
    fn drop(&mut self) {
        self.take();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_go_to_the_active_recording_only() {
        record(Input::Years);
        let r = Recording::start(true);
        record(Input::Recent);
        record(Input::Years);
        record(Input::Recent);
        assert_eq!(r.finish(), vec![Input::Years, Input::Recent]);
        record(Input::Metrics);
        assert!(Recording::start(true).finish().is_empty());
        assert!(Recording::start(false).finish().is_empty());
    }

    #[test]
    fn a_recording_of_products_keeps_only_the_images_made() {
        let made = crate::render::images::Derived::example();
        let r = Recording::start(false);
        record(Input::Years);
        record(Input::Image(made.clone()));
        assert_eq!(r.finish(), vec![Input::Image(made)]);
    }

    #[test]
    fn a_dropped_recording_leaves_nothing_behind() {
        {
            let _r = Recording::start(true);
            record(Input::Config);
        }
        let r = Recording::start(true);
        assert!(r.finish().is_empty());
    }
}
