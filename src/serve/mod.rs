//! Serve mode (in progress).
pub fn run(_args: crate::cmd::serve::ServeArgs) -> Result<(), crate::Error> {
    Err(crate::Error::one(crate::Diagnostic::new(
        "serve",
        "pufa serve is not available yet",
    )))
}
