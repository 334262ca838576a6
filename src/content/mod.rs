//! The content model: load → model.
//!
//! `loader` walks content/ and parses each file in parallel (`page`, `front_matter`, `date`);
//! `site` assembles the [`Site`]: `index` builds its indexes (sections, taxonomies, years,
//! `metrics`), `site` resolves `@/` links, and `checks` holds the rules both enforce. Renderers read the `Site`; nothing here knows
//! about templates or output.

pub mod bodies;
pub mod checks;
pub mod date;
pub mod front_matter;
pub mod index;
pub mod loader;
pub mod metrics;
pub mod page;
pub mod reuse;
pub mod schema;
pub mod site;
pub mod update;

pub use date::Date;
pub use page::{Asset, Page, Section};
pub use site::{Resolved, Site};

use std::sync::Arc;

use crate::config::Config;
use crate::diagnostics::Error;

/// Loads and assembles the site under `config.root`.
pub fn load_site(config: Arc<Config>, opts: &loader::LoadOptions) -> Result<Site, Error> {
    let laps = crate::util::Laps::start("");
    let loaded = loader::load(&config, opts)?;
    let known = opts.previous.as_ref().and_then(|p| p.index.clone());
    laps.lap("load (walk + parse)");
    Site::from_loaded(config, loaded, known)
}
