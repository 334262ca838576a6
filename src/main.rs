//! The `pufa` binary: parses the command line and prints errors for people.

use clap::Parser;

fn main() {
    let cli = pufa::cmd::Cli::parse();
    if let Err(e) = pufa::cmd::run(cli) {
        eprintln!("{}", e.render(pufa::cmd::color()));
        std::process::exit(1);
    }
}
