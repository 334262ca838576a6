//! pufa's integration tests, in one test binary (one link of the library instead of seven):
//! each module builds fixture sites into temp folders and asserts on real output, runs the
//! `pufa` binary, or drives the serve engine and server.

mod attachments;
mod bad_input;
mod browser;
mod build;
mod cache;
mod check;
mod cli;
mod common;
mod demo;
mod editor;
mod edits;
mod hostile;
mod images;
mod import;
mod metrics_checks;
mod output;
mod publishing;
mod serve_engine;
mod serve_http;
mod shortcodes;
mod theme;
