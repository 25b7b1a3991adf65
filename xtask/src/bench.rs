//! `cargo xtask bench`: every figure in BENCHMARKS.md, from one command.
//!
//! Runs the harness in `bench/` (`motherduck-bench`) in a release build and passes any
//! arguments on (`cargo xtask bench --quick`, `cargo xtask bench runtime`). It is not
//! part of `cargo xtask test` or CI, which only compile it. Beyond a plain clone, the
//! OpenAPI Generator comparison needs Java and the PyPI package `openapi-generator-cli`,
//! and building that generator's crate needs the package registry; without them those rows are
//! reported as not measured.

use std::path::Path;
use std::process::{Command, ExitCode};

use anyhow::Context;

pub(crate) fn run(root: &Path, args: &[String]) -> anyhow::Result<ExitCode> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["run", "--release", "--quiet", "-p", "motherduck-bench", "--"])
        .args(args)
        .current_dir(root)
        .status()
        .context("failed to run cargo")?;
    Ok(if status.success() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
