//! File-system watching for serve mode: notify events, debounced briefly (the window counts
//! against the save-to-reload latency), turned into batches of changed paths. Which paths
//! matter, and what they mean, is the engine's business.

use std::path::PathBuf;
use std::time::Duration;

use notify_debouncer_full::notify::RecursiveMode;
use notify_debouncer_full::notify::event::{AccessKind, AccessMode, EventKind};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

/// How long a path must be quiet before its events are delivered.
pub const DEBOUNCE: Duration = Duration::from_millis(15);

/// Watches `roots` recursively; each batch of changed paths is handed to `on_batch`.
pub fn spawn(
    roots: &[PathBuf],
    on_batch: impl Fn(Vec<PathBuf>) + Send + 'static,
) -> Result<Debouncer<notify_debouncer_full::notify::RecommendedWatcher, RecommendedCache>, String> {
    let mut debouncer = new_debouncer(
        DEBOUNCE,
        Some(Duration::from_millis(5)),
        move |res: DebounceEventResult| {
            if let Ok(events) = res {
                // Reading a file is not changing it (pufa's own reads would loop otherwise); a file
                // closed after writing is.
                let mut paths: Vec<PathBuf> = events
                    .into_iter()
                    .filter(|e| match e.event.kind {
                        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
                        EventKind::Access(_) => false,
                        _ => true,
                    })
                    .flat_map(|e| e.event.paths)
                    .collect();
                paths.sort();
                paths.dedup();
                if !paths.is_empty() {
                    on_batch(paths);
                }
            }
        },
    )
    .map_err(|e| e.to_string())?;
    for r in roots {
        let mode = if r.is_dir() {
            RecursiveMode::Recursive
        } else {
            RecursiveMode::NonRecursive
        };
        debouncer.watch(r, mode).map_err(|e| format!("{}: {e}", r.display()))?;
    }
    Ok(debouncer)
}
