//! `cargo xtask regenerate` and `cargo xtask check` as a contributor runs them: the debug
//! profile, the binary already built, the tree up to date.
//!
//! Each is timed twice: through `cargo xtask` (cargo's freshness check included, which is
//! what a person waits for) and as the built binary alone. When the tree is not up to
//! date neither is timed, since `regenerate` would then rewrite files.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::Context;

use crate::measure::{self, Plan};

const PLAN: Plan = Plan::new(5, 11, 10);

/// One subcommand's times.
#[derive(Debug)]
pub(crate) struct Timing {
    pub(crate) command: &'static str,
    pub(crate) via_cargo: Duration,
    pub(crate) binary: Duration,
}

/// Times `check` and `regenerate`, or says why it could not.
pub(crate) fn measure(root: &Path) -> anyhow::Result<Result<Vec<Timing>, String>> {
    eprintln!("tasks: building xtask (debug)");
    measure::run(
        Command::new("cargo").args(["build", "--quiet", "-p", "xtask"]).current_dir(root),
    )?;
    let binary = target_dir(root)?.join("debug").join("xtask");
    let check = Command::new(&binary).arg("check").current_dir(root).output()?;
    if !check.status.success() {
        return Ok(Err("the tree is not up to date (`cargo xtask check` fails)".into()));
    }
    ["check", "regenerate"]
        .into_iter()
        .map(|c| time(root, &binary, c))
        .collect::<anyhow::Result<_>>()
        .map(Ok)
}

fn time(root: &Path, binary: &Path, command: &'static str) -> anyhow::Result<Timing> {
    eprintln!("tasks: cargo xtask {command}");
    let via_cargo = measure::sample(PLAN, || {
        measure::run(Command::new("cargo").args(["xtask", command]).current_dir(root)).map(drop)
    })?;
    let alone = measure::sample(PLAN, || {
        measure::run(Command::new(binary).arg(command).current_dir(root)).map(drop)
    })?;
    Ok(Timing { command, via_cargo: measure::median(&via_cargo), binary: measure::median(&alone) })
}

/// Where cargo puts this workspace's build output.
pub(crate) fn target_dir(root: &Path) -> anyhow::Result<PathBuf> {
    let output = measure::run(
        Command::new("cargo")
            .args(["metadata", "--format-version", "1", "--no-deps"])
            .current_dir(root),
    )?;
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    metadata["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .context("cargo metadata names no target directory")
}
