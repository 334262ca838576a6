//! The `pufa` binary: parses the command line and prints errors for people.

/// mimalloc instead of the system allocator: a build allocates many small strings and maps
/// on two threads; glibc malloc was ~10% of a 10,000-page build's CPU time (see bench/).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = pufa::cmd::parse();
    if let Err(e) = pufa::cmd::run(cli) {
        eprintln!("{}", e.render(pufa::cmd::color()));
        std::process::exit(1);
    }
}
