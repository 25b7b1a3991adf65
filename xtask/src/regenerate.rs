//! `cargo xtask regenerate`: write the generated files that changed, all or none.
//!
//! Everything is generated in memory first, so a spec that does not generate writes
//! nothing; the changed files are then replaced as a set (see `write`). When the
//! normalized spec changes, the API change report from the one on disk to the new one is
//! printed before the files written: both sides are normalized, so they compare like for
//! like. Nothing extra is printed when the API is unchanged.

use std::fs;
use std::path::Path;
use std::process::ExitCode;

use crate::diff;
use crate::write::{Write, write_all};

/// The generated file that holds the normalized spec.
const NORMALIZED: &str = "openapi/motherduck.normalized.json";

pub(crate) fn run(root: &Path) -> anyhow::Result<ExitCode> {
    let (drift, _) = codegen::drift::check(root)?;
    if drift.is_empty() {
        println!("all generated files are current");
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(normalized) = drift.iter().find(|d| d.path == NORMALIZED) {
        print!("{}", changes(root, normalized.actual.as_deref(), &normalized.expected)?);
    }
    let writes: Vec<Write> = drift
        .iter()
        .map(|d| Write {
            path: root.join(d.path),
            contents: d.expected.clone().into_bytes(),
            previous: fs::read(root.join(d.path)).ok(),
        })
        .collect();
    write_all(&writes)?;
    for d in &drift {
        println!("wrote {}", d.path);
    }
    Ok(ExitCode::SUCCESS)
}

/// The change report between the normalized spec on disk and the new one, or nothing
/// when there is no old one to compare with or the API is the same.
fn changes(root: &Path, old: Option<&str>, new: &str) -> anyhow::Result<String> {
    let Some(old) = old else { return Ok(String::new()) };
    let old = match diff::parse(old.as_bytes(), NORMALIZED) {
        Ok(old) => old,
        Err(e) => {
            eprintln!("note: no change report: {e:#}");
            return Ok(String::new());
        }
    };
    let new = diff::parse(new.as_bytes(), "the new normalized spec")?;
    let report = codegen::diff::compare(&old, &new);
    if report.is_empty() {
        return Ok(String::new());
    }
    diff::render(root, &report)
}
