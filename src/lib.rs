//! pufa (普法): a static site generator for multi-year public law-promotion content.
//!
//! The pipeline flows one way: **load → model → render → write**.
//! [`config`] reads `config.yaml`; [`content`] walks `content/` into the in-memory
//! [`content::Site`] (parsing [`markdown`] per file); [`render`] turns the site into output
//! files with the theme's Tera templates; [`pipeline`] holds these stages together for every
//! command; [`output`] writes what changed to `public/`, all or nothing ([`build`] drives it).
//! [`serve`] runs the same pipeline in memory and keeps it up to date as files change;
//! [`import`] turns a report as it arrives (text, .docx, GBK) into a content page.
//! See ARCHITECTURE.md for the map.

// Diagnostics travel on the error path only, by value, and carry the source line they point
// at; boxing them would buy nothing measurable.
#![allow(clippy::result_large_err)]

pub mod build;
pub mod check;
pub mod cmd;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod editor;
pub mod import;
pub mod markdown;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod serve;
pub mod theme;
pub mod util;
pub mod walk;
pub mod yaml;

pub use diagnostics::{Diagnostic, Error, Result};
