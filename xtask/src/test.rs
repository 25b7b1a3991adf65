//! `cargo xtask test`: every check of the project, in the order CI runs them.
//!
//! Each step prints one heading line, then its command's own output. The first step that
//! fails stops the run with an error naming it, so the exit code is non-zero.
//!
//! 1. `npm ci`, only when `node_modules/` is missing or older than `package-lock.json`
//!    (never `npm install`, which would rewrite the lockfile);
//! 2. `cargo fmt --all --check`;
//! 3. `cargo clippy --workspace --all-targets -- -D warnings`;
//! 4. `cargo doc --workspace --no-deps` with `RUSTDOCFLAGS=-D warnings`;
//! 5. the tests: `cargo nextest run --workspace` plus `cargo test --workspace --doc` (nextest
//!    runs no doctests) when `cargo nextest` is installed, else `cargo test --workspace`;
//! 6. `cargo xtask check`, the drift gate, run through `cargo run` so it is the freshly
//!    built xtask.

use std::env;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::SystemTime;

use anyhow::{Context, Result, bail};

/// Runs every step, stopping at the first failure.
pub(crate) fn run() -> Result<()> {
    let root = workspace_root();

    if npm_install_needed(&root)? {
        step(&root, "npm ci", npm().arg("ci"))?;
    } else {
        eprintln!("==> npm ci: node_modules is current, skipped");
    }
    step(&root, "cargo fmt", cargo().args(["fmt", "--all", "--check"]))?;
    step(
        &root,
        "cargo clippy",
        cargo().args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]),
    )?;
    step(
        &root,
        "cargo doc",
        cargo().args(["doc", "--workspace", "--no-deps"]).env("RUSTDOCFLAGS", "-D warnings"),
    )?;
    tests(&root)?;
    step(
        &root,
        "cargo xtask check",
        cargo().args(["run", "--quiet", "--package", "xtask", "--", "check"]),
    )?;

    eprintln!("==> all checks passed");
    Ok(())
}

/// The test step: nextest when it is installed, with doctests run separately.
fn tests(root: &Path) -> Result<()> {
    if nextest_available(root) {
        step(root, "cargo nextest", cargo().args(["nextest", "run", "--workspace"]))?;
        step(root, "cargo test --doc", cargo().args(["test", "--workspace", "--doc"]))
    } else {
        eprintln!("==> cargo nextest is not installed; using cargo test");
        step(root, "cargo test", cargo().args(["test", "--workspace"]))
    }
}

/// Prints the heading, runs `command` in `root` and fails if it does not exit 0.
fn step(root: &Path, name: &str, command: &mut Command) -> Result<()> {
    eprintln!("==> {name}");
    let status =
        command.current_dir(root).status().with_context(|| format!("failed to run {name}"))?;
    if !status.success() {
        bail!("step `{name}` failed ({status})");
    }
    Ok(())
}

/// Whether `node_modules/` is missing or older than `package-lock.json`.
///
/// npm writes `node_modules/.package-lock.json` on every install, so its time is the
/// time of the last install; the folder's own time is the fallback.
fn npm_install_needed(root: &Path) -> Result<bool> {
    let lockfile = root.join("package-lock.json");
    let locked = modified(&lockfile)
        .with_context(|| format!("failed to read the time of {}", lockfile.display()))?;

    let modules = root.join("node_modules");
    let installed = modified(&modules.join(".package-lock.json")).or_else(|_| modified(&modules));
    match installed {
        Ok(installed) => Ok(installed < locked),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(true),
        Err(err) => Err(err).context("failed to read the time of node_modules"),
    }
}

fn modified(path: &Path) -> io::Result<SystemTime> {
    fs::metadata(path)?.modified()
}

/// Whether `cargo nextest --version` runs, with its output kept quiet.
fn nextest_available(root: &Path) -> bool {
    cargo()
        .args(["nextest", "--version"])
        .current_dir(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// The cargo that runs this xtask, so a toolchain override applies to every step.
fn cargo() -> Command {
    Command::new(env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

fn npm() -> Command {
    Command::new("npm")
}

/// The workspace root: the parent of this crate's manifest folder.
fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_owned()
}
