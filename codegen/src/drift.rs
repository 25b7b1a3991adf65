//! Comparing the generated files on disk with what the vendored spec generates.
//!
//! `cargo xtask check` and the workspace's drift test both call [`check`], so a plain
//! `cargo test` fails on a spec edited without regenerating and on a generated file edited
//! by hand, with the same message and the same command to fix it.

use std::fmt::Write;
use std::io;
use std::path::Path;

use crate::{File, SPEC_PATH, generate};

/// The command that brings generated files up to date.
pub const REGENERATE: &str = "cargo xtask regenerate";

/// A generated file whose contents on disk are not what the spec generates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    /// Path relative to the workspace root.
    pub path: &'static str,
    /// What the spec generates.
    pub expected: String,
    /// What is on disk, or `None` when the file is missing.
    pub actual: Option<String>,
}

impl Drift {
    /// A unified diff from the file on disk to the expected contents, at most `max_lines`
    /// lines long.
    pub fn diff(&self, max_lines: usize) -> String {
        let actual = self.actual.as_deref().unwrap_or("");
        let diff = similar::TextDiff::from_lines(actual, &self.expected);
        let text = diff
            .unified_diff()
            .context_radius(2)
            .header(&format!("{} (on disk)", self.path), &format!("{} (generated)", self.path))
            .to_string();
        let mut out = String::new();
        let total = text.lines().count();
        for line in text.lines().take(max_lines) {
            let _ = writeln!(out, "{line}");
        }
        if total > max_lines {
            let _ = writeln!(out, "... {} more diff lines", total - max_lines);
        }
        out
    }
}

/// Why a check could not run.
#[derive(Debug)]
pub enum CheckError {
    /// The spec could not be read.
    Io(io::Error),
    /// The spec does not generate.
    Generate(crate::Error),
}

impl std::fmt::Display for CheckError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CheckError::Io(e) => write!(f, "failed to read {SPEC_PATH}: {e}"),
            CheckError::Generate(e) => write!(f, "failed to generate from {SPEC_PATH}: {e}"),
        }
    }
}

impl std::error::Error for CheckError {}

/// Generates from the spec under `root` and returns the files that differ on disk, plus
/// the generated set (so `regenerate` need not generate twice). Writes nothing.
pub fn check(root: &Path) -> Result<(Vec<Drift>, Vec<File>), CheckError> {
    let spec = std::fs::read(root.join(SPEC_PATH)).map_err(CheckError::Io)?;
    let files = generate(&spec).map_err(CheckError::Generate)?;
    let mut drift = Vec::new();
    for f in &files {
        let actual = std::fs::read_to_string(root.join(f.path)).ok();
        if actual.as_deref() != Some(f.contents.as_str()) {
            drift.push(Drift { path: f.path, expected: f.contents.clone(), actual });
        }
    }
    Ok((drift, files))
}

/// The report `check` prints for drift: each file, its diff, and the command to run.
pub fn report(drift: &[Drift], max_diff_lines: usize) -> String {
    let mut out = String::new();
    for d in drift {
        let state = if d.actual.is_some() { "is out of date" } else { "is missing" };
        let _ = writeln!(out, "{} {state}", d.path);
        out.push_str(&d.diff(max_diff_lines));
    }
    let _ = writeln!(out, "generated files do not match {SPEC_PATH}; run `{REGENERATE}`");
    out
}
