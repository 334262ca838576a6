//! `pufa serve`: live preview (see `crate::serve`).

use clap::Args;

use super::SiteArgs;

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// The address to listen on; anything but loopback exposes your drafts to the network.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// The port; 0 picks a free one.
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Open the site in the browser.
    #[arg(long)]
    pub open: bool,
}

pub fn run(args: ServeArgs) -> Result<(), crate::Error> {
    crate::serve::run(args)
}
