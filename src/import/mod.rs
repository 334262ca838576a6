//! Import (in progress).
pub fn run(_args: crate::cmd::import::ImportArgs) -> Result<(), crate::Error> {
    Err(crate::Error::one(crate::Diagnostic::new(
        "import",
        "pufa import is not available yet",
    )))
}
