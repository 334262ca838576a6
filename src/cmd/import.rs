//! `pufa import FILE`: see `crate::import`.

use std::path::PathBuf;

use clap::Args;

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// The report file: .txt (UTF-8, UTF-16 or GBK), .docx or .md.
    pub file: PathBuf,
}

pub fn run(args: ImportArgs) -> Result<(), crate::Error> {
    crate::import::run(args)
}
