//! The command line: one file per subcommand, all sharing the site options here.
//!
//! Commands print for people: a one-line coloured summary, warnings and errors with the
//! offending source line. They return [`crate::Error`]; `main` prints it and exits non-zero.

pub mod build;
pub mod check;
pub mod import;
pub mod init;
pub mod new;
pub mod serve;

use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::Kind;
use crate::diagnostics::{Diagnostic, Error};
use crate::pipeline::SiteSpec;

/// pufa（普法）: a static site generator for yearly rule-of-law reports, 普法 projects and case studies.
#[derive(Debug, Parser)]
#[command(name = "pufa", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (default: the config's output_dir).
    Build(build::BuildArgs),
    /// Preview the site with live reload while you edit.
    Serve(serve::ServeArgs),
    /// The government-site inspection: wording, links, sections, personal data, accessibility.
    Check(check::CheckArgs),
    /// Create a new site skeleton that builds at once.
    Init(init::InitArgs),
    /// Create a report, project or case with a filled-in front-matter template.
    New(new::NewArgs),
    /// Turn a report as it arrives (plain text, Word .docx, GBK) into a content page.
    Import(import::ImportArgs),
}

/// The kinds of item `pufa new` and `pufa import` make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ItemKind {
    Report,
    Project,
    Case,
}

impl From<ItemKind> for Kind {
    fn from(k: ItemKind) -> Kind {
        match k {
            ItemKind::Report => Kind::Report,
            ItemKind::Project => Kind::Project,
            ItemKind::Case => Kind::Case,
        }
    }
}

/// Writes a content file that must not replace an existing one unless `force`; `hint` says
/// what to do instead. Creates the folder.
pub fn write_new_file(path: &Path, text: &str, force: bool, hint: &str) -> Result<(), Error> {
    if path.exists() && !force {
        return Err(Error::one(
            Diagnostic::new("content/exists", format!("{} 已存在，不会覆盖", path.display())).with_hint(hint),
        ));
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, &e, "创建文件夹"))?;
    }
    std::fs::write(path, text).map_err(|e| Error::io(path, &e, "写入文件"))
}

/// Options every command that reads a site shares.
#[derive(Debug, Clone, Args)]
pub struct SiteArgs {
    /// The site folder (holding config.yaml and content/) [default: the current folder if it
    /// holds config.yaml, else ./site, as in pufa's own repository].
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// The config file [default: ROOT/config.yaml].
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Override the config's base_url (it may carry a sub-path, e.g. https://www.zs.gov.cn/hlz/).
    #[arg(long)]
    pub base_url: Option<String>,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
}

impl SiteArgs {
    pub fn spec(&self) -> SiteSpec {
        SiteSpec {
            root: self.root.clone().unwrap_or_else(default_root),
            config_file: self.config.clone(),
            base_url: self.base_url.clone(),
            drafts: self.drafts,
        }
    }
}

/// The site folder when `--root` is not given: the current folder when it is a site (what
/// `pufa init NAME && cd NAME` leaves you in), else `site/` (the example in pufa's repository).
fn default_root() -> PathBuf {
    if Path::new("config.yaml").is_file() || !Path::new("site").is_dir() {
        PathBuf::from(".")
    } else {
        PathBuf::from("site")
    }
}

/// Whether stderr is a colour terminal.
pub fn color() -> bool {
    console::Term::stderr().is_term() && console::colors_enabled_stderr()
}

/// Prints warnings to stderr, at most `limit` in full.
pub fn print_warnings(warnings: &[Diagnostic], limit: usize) {
    if warnings.is_empty() {
        return;
    }
    for w in warnings.iter().take(limit) {
        eprintln!("{}\n", w.render(color()));
    }
    if warnings.len() > limit {
        eprintln!(
            "……另有 {} 条警告未显示。用 `pufa check` 查看全部。\n",
            warnings.len() - limit
        );
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<(), crate::Error> {
    match cli.command {
        Command::Build(a) => build::run(a),
        Command::Serve(a) => serve::run(a),
        Command::Check(a) => check::run(a),
        Command::Init(a) => init::run(a),
        Command::New(a) => new::run(a),
        Command::Import(a) => import::run(a),
    }
}
