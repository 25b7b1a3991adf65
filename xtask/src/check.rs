//! `cargo xtask check`: fail when a generated file is not what the spec generates.

use std::path::Path;
use std::process::ExitCode;

/// Lines of diff shown per file.
const MAX_DIFF_LINES: usize = 60;

pub(crate) fn run(root: &Path) -> anyhow::Result<ExitCode> {
    let (drift, _) = codegen::drift::check(root)?;
    if drift.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    eprint!("{}", codegen::drift::report(&drift, MAX_DIFF_LINES));
    Ok(ExitCode::FAILURE)
}
