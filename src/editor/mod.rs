//! The editor in the browser (`pufa serve` at `/__pufa/edit/`), for clerks who do not write
//! YAML.
//!
//! `front` turns a content file into form values and back (stable YAML in the schema's key
//! order); the editor never checks values itself: it writes the file text and runs the
//! loader's own parser on it ([`ops`]), so the form shares every check of `pufa build`, and
//! the serve watcher then rebuilds the saved file like any other save. `files` owns where and
//! how files are written (safe paths, atomic saves, uploads); `links` finds and rewrites the
//! references to a page; `listing` the list of content and what forms suggest; `http` the
//! routes under `/__pufa/edit/` and `/__pufa/api/` and their protections; `assets` the
//! editor's page, stylesheet and script, built into the binary.

pub mod files;
pub mod front;
pub mod http;
pub mod links;
pub mod listing;
pub mod ops;

use std::sync::Mutex;

use serde::Serialize;

use crate::content::front_matter;
use crate::content::schema;
use crate::diagnostics::Diagnostic;
use crate::pipeline::SiteSpec;

/// Uploads and imported reports larger than this are refused (bytes).
pub const DEFAULT_MAX_UPLOAD: usize = 20 * 1024 * 1024;

/// The editor of one site.
pub struct Editor {
    spec: SiteSpec,
    /// One write at a time: a save's version check and its rename are not interleaved.
    lock: Mutex<()>,
    pub max_upload: usize,
}

impl Editor {
    pub fn new(spec: SiteSpec) -> Editor {
        Editor {
            spec,
            lock: Mutex::new(()),
            max_upload: DEFAULT_MAX_UPLOAD,
        }
    }
}

/// A diagnostic with the form field it belongs to (`None`: the page as a whole; `body`).
#[derive(Debug, Clone, Serialize)]
pub struct FieldError {
    pub field: Option<String>,
    #[serde(flatten)]
    pub diagnostic: Diagnostic,
}

impl FieldError {
    pub fn general(diagnostic: Diagnostic) -> FieldError {
        FieldError {
            field: None,
            diagnostic,
        }
    }

    /// Places a diagnostic about the file `text`: at the top-level key whose lines hold it,
    /// at a key its message names (a missing required key points at line 1), or in the body.
    pub fn locate(diagnostic: Diagnostic, text: &str) -> FieldError {
        let field = field_of(&diagnostic, text);
        FieldError { field, diagnostic }
    }
}

fn field_of(d: &Diagnostic, text: &str) -> Option<String> {
    let split = front_matter::split(text, "").ok()?;
    let fm_end = if split.has_front_matter {
        split.yaml.lines().count() + 2
    } else {
        0
    };
    if d.line > fm_end {
        return Some("body".into());
    }
    if d.line > 1 && d.line < fm_end {
        let lines: Vec<&str> = text.lines().collect();
        for l in lines[..d.line.min(lines.len())].iter().rev() {
            if !l.starts_with([' ', '\t', '-', '#'])
                && let Some((k, _)) = l.split_once(':')
            {
                return Some(k.trim().to_string());
            }
        }
    }
    // `缺少必填字段 `case_type``: the key the message names.
    d.message
        .split('`')
        .skip(1)
        .step_by(2)
        .find(|k| schema::field(k).is_some())
        .map(str::to_string)
}
