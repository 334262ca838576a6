//! `pufa import FILE`: turn a report as it arrives (plain text in UTF-8, UTF-16 or GBK,
//! Word .docx, or Markdown) into a content page; see `crate::import`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::SiteArgs;
use crate::config::Kind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportKind {
    Report,
    Project,
    Case,
}

impl From<ImportKind> for Kind {
    fn from(k: ImportKind) -> Kind {
        match k {
            ImportKind::Report => Kind::Report,
            ImportKind::Project => Kind::Project,
            ImportKind::Case => Kind::Case,
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// The file: .txt (UTF-8, UTF-16 or GBK), .docx or .md.
    pub file: PathBuf,
    /// What it is [default: report].
    #[arg(long)]
    pub kind: Option<ImportKind>,
    /// The year reported on (when the text does not say).
    #[arg(long)]
    pub year: Option<i32>,
    /// The publisher (when the text does not say).
    #[arg(long)]
    pub publisher: Option<String>,
    /// The folder to write into [default: ROOT/content/<the kind's section>].
    #[arg(long)]
    pub into: Option<PathBuf>,
    /// Show what would be written, write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Replace an existing file.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub site: SiteArgs,
}

pub fn run(args: ImportArgs) -> Result<(), crate::Error> {
    crate::import::run(args)
}
