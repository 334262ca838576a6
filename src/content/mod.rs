//! The content model: load → model.
//!
//! `loader` walks content/ and parses each file in parallel (`page`, `front_matter`, `date`);
//! `site` assembles the [`Site`]: `index` builds its indexes (sections, taxonomies, years,
//! `metrics`), `site` resolves `@/` links, and `checks` holds the rules both enforce. Renderers read the `Site`; nothing here knows
//! about templates or output.

pub mod aliases;
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

/// Loads and assembles the site under `config.root`. Pages dated after the publishing day
/// are held back (kept in [`Site::scheduled`]) unless `opts.future`.
pub fn load_site(config: Arc<Config>, opts: &loader::LoadOptions) -> Result<Site, Error> {
    let laps = crate::util::Laps::start("");
    let mut loaded = loader::load(&config, opts)?;
    let today = opts.today.unwrap_or_else(Date::today);
    let mut scheduled = std::collections::BTreeMap::new();
    if !opts.future {
        let (later, now): (Vec<_>, Vec<_>) = std::mem::take(&mut loaded.pages)
            .into_iter()
            .partition(|p| is_future(p, today));
        loaded.pages = now;
        scheduled = later.into_iter().map(|p| (p.rel.clone(), p)).collect();
    }
    let known = opts.previous.as_ref().and_then(|p| p.index.clone());
    laps.lap("load (walk + parse)");
    Site::from_loaded(config, loaded, known, site::Publishing { today, scheduled })
}

/// Whether `page`'s `date` is a day after `today` (not published yet).
pub fn is_future(page: &Page, today: Date) -> bool {
    page.front.date.is_some_and(|d| d.days() > today.days())
}

/// The day `page` was last updated as readers and feeds are told: its `updated`, unless that
/// is after `today` (feeds and sitemaps never carry a date to come), then its `date`.
pub fn updated_on(page: &Page, today: Date) -> Option<Date> {
    let updated = page.front.updated.filter(|u| u.days() <= today.days());
    updated.or(page.front.date)
}

/// Whether `page`'s `expiry` is today or earlier (no longer in force).
pub fn is_expired(page: &Page, today: Date) -> bool {
    page.front.expiry.is_some_and(|d| d.days() <= today.days())
}
