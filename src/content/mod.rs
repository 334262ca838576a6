//! The content model: load → model.
//!
//! `loader` walks content/ and parses each file in parallel (`page`, `front_matter`, `date`);
//! `site` assembles the [`Site`] with its indexes (sections, taxonomies, years, `metrics`),
//! resolves `@/` links and runs `checks`. Renderers read the `Site`; nothing here knows
//! about templates or output.

pub mod checks;
pub mod date;
pub mod front_matter;
pub mod loader;
pub mod metrics;
pub mod page;
pub mod site;

pub use date::Date;
pub use page::{Asset, Page, Section};
pub use site::{Resolved, Site};

use std::sync::Arc;

use crate::config::Config;
use crate::diagnostics::Error;

/// Loads and assembles the site under `config.root`.
pub fn load_site(config: Arc<Config>, drafts: bool) -> Result<Site, Error> {
    let t = std::time::Instant::now();
    let loaded = loader::load(&config, drafts)?;
    if std::env::var_os("PUFA_TIMINGS").is_some() {
        eprintln!("[timing] load (walk + parse): {:.3}s", t.elapsed().as_secs_f64());
    }
    Site::from_loaded(config, loaded)
}
